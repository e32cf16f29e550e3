/* inventory.c: products per organisation. */
#include "model/inventory.h"

#include "model/deadline.h"

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "domain/product.h"
#include "domain/version.h"
#include "formats/csvfile.h"
#include "model/deadline.h"
#include "model/org.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#define COUNT_MAX 10000000L

/* Parses a count: digits only, 0..COUNT_MAX. */
static int count_parse(const char *s, long *out)
{
	long v = 0;

	if (s == NULL || *s == '\0')
		return ERR_INPUT;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > COUNT_MAX / 10)
			return ERR_INPUT;
		v = v * 10 + (*s - '0');
	}
	if (v > COUNT_MAX)
		return ERR_INPUT;
	*out = v;
	return 0;
}

/* inventory_put, but on a bad value *bad names the field (org, product, version, count) and
 * the message does not. */
static int inv_put(struct db *db, const struct act *act, const struct inventory_row *r, int log,
                   const char **bad, struct err *e)
{
	struct product_ref ref;
	unsigned char key[512];
	size_t keylen;
	struct db_stmt *st;
	const char *version;
	char now[32], object[96];
	int rc;

	*bad = "product";
	if ((rc = product_parse(r->product, &ref, e)) != 0)
		return rc;
	*bad = "version";
	version = r->version && r->version[0] ? r->version : ref.version;
	if (version[0] == '\0')
		return err_set(e, ERR_INPUT,
		               "missing for %s: give one, or a CPE or purl that has one", ref.name);
	if ((rc = version_check(version, e)) != 0)
		return rc;
	if (version_key(version, key, sizeof(key), &keylen) != 0)
		return err_set(e, ERR_INPUT, "\"%s\" is too long", version);
	*bad = "count";
	if (r->count < 0 || r->count > COUNT_MAX)
		return err_set(e, ERR_INPUT, "%ld is out of range 0-%ld", r->count, COUNT_MAX);
	*bad = "org";
	if ((rc = org_require(db, r->org, e)) != 0)
		return rc;
	*bad = NULL;
	time_format(act->at, now, sizeof(now));
	rc = db_prepare(
	    db,
	    "INSERT INTO inventory (org_id, product, version, vkey, count,"
	    " internet_facing, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	    " ON CONFLICT (org_id, product, version) DO UPDATE SET count = excluded.count,"
	    " internet_facing = excluded.internet_facing, updated_at = excluded.updated_at",
	    &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, r->org);
	db_bind_text(st, 2, ref.name);
	db_bind_text(st, 3, version);
	db_bind_blob(st, 4, key, keylen);
	db_bind_int(st, 5, r->count);
	db_bind_int(st, 6, r->internet_facing);
	db_bind_text(st, 7, now);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0 || !log)
		return rc < 0 ? rc : 0;
	snprintf(object, sizeof(object), "org:%s", r->org);
	return event_append(db, act, "inventory.put", object,
	                    json_pack("{s:s, s:s, s:i, s:b}", "product", ref.name, "version",
	                              version, "count", (int)r->count, "internet_facing",
	                              r->internet_facing),
	                    e);
}

int inventory_put(struct db *db, const struct act *act, const struct inventory_row *r, int log,
                  struct err *e)
{
	const char *bad = NULL;
	int rc = inv_put(db, act, r, log, &bad, e);

	if (rc != 0 && bad)
		err_wrap(e, "field %s: ", bad);
	if (rc == 0) /* a vulnerable version starts a BIO clock; a fixed one marks it */
		rc = deadline_sync(db, NULL, r->org, e);
	return rc;
}

struct inv_import {
	struct db *db;
	const struct act *act;
	const char *path;
	const char *org;
	int csv; /* errors name "file:3: field version", else "file: [2].version" */
	int col[5];
	size_t ncols; /* columns in the header */
	long rows;
	char **orgs; /* organisations seen, for --replace */
	size_t norgs;
	int replace;
};

static const char *const inv_columns[] = {"org", "product", "version", "count", "internet_facing"};

/* Notes an organisation of the file; with --replace its old rows go when it is first seen
 * (inside the import's transaction, so a failed import keeps them). */
static int inv_seen_org(struct inv_import *s, const char *org, struct err *e)
{
	struct db_stmt *st;
	int rc;

	for (size_t i = 0; i < s->norgs; i++)
		if (strcmp(s->orgs[i], org) == 0)
			return 0;
	s->orgs = xreallocarray(s->orgs, s->norgs + 1, sizeof(char *));
	s->orgs[s->norgs++] = xstrdup(org);
	if (!s->replace)
		return 0;
	if ((rc = org_require(s->db, org, e)) != 0)
		return rc;
	if ((rc = db_prepare(s->db, "DELETE FROM inventory WHERE org_id = ?1", &st, e)) != 0)
		return rc;
	db_bind_text(st, 1, org);
	rc = db_step(st, e);
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* Sets a message about field of the row at where ("file:3: " in a CSV, "file: [2]" in JSON):
 * "file:3: field version: ..." or "file: [2].version: ...". */
static int inv_fail(const struct inv_import *s, const char *where, const char *field, struct err *e,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int inv_fail(const struct inv_import *s, const char *where, const char *field, struct err *e,
                    const char *fmt, ...)
{
	char msg[sizeof(e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s->csv)
		return err_set(e, ERR_INPUT, "%sfield %s: %s", where, field, msg);
	return err_set(e, ERR_INPUT, "%s.%s: %s", where, field, msg);
}

/* Prefixes the message in e with where and field, as inv_fail; returns e->code. */
static int inv_wrap(const struct inv_import *s, const char *where, const char *field, struct err *e)
{
	if (field == NULL)
		return s->csv ? err_wrap(e, "%s", where) : err_wrap(e, "%s: ", where);
	if (s->csv)
		return err_wrap(e, "%sfield %s: ", where, field);
	return err_wrap(e, "%s.%s: ", where, field);
}

/* One row from any format; where names it for errors (see inv_fail); pkey is the name of the
 * product's field in the file ("product", or "purl" or "cpe" in an SBOM). */
static int inv_import_one(struct inv_import *s, const char *org, const char *product,
                          const char *pkey, const char *version, long count, int facing,
                          const char *where, struct err *e)
{
	struct inventory_row r;
	const char *bad = NULL;
	int rc;

	if (s->org && org && strcmp(org, s->org) != 0)
		return inv_fail(s, where, "org", e, "\"%s\", but --org is %s", org, s->org);
	r.org = org ? org : s->org;
	if (r.org == NULL)
		return inv_fail(s, where, "org", e, "missing (or give --org ORG)");
	if (product == NULL || product[0] == '\0')
		return inv_fail(s, where, pkey, e, "missing");
	r.product = product;
	r.version = version;
	r.count = count;
	r.internet_facing = facing;
	if ((rc = inv_seen_org(s, r.org, e)) != 0)
		return inv_wrap(s, where, "org", e);
	if ((rc = inv_put(s->db, s->act, &r, 0, &bad, e)) != 0)
		return inv_wrap(s, where, bad && strcmp(bad, "product") == 0 ? pkey : bad, e);
	s->rows++;
	return 0;
}

static int inv_csv_row(void *ctx, long line, char **fields, size_t n, struct err *e)
{
	struct inv_import *s = ctx;
	const char *v[5];
	char where[4200];
	long count = 1;
	int facing = 0;

	if (s->ncols == 0) { /* the header: the first row */
		for (size_t i = 0; i < n; i++) {
			int known = 0;
			for (size_t k = 0; k < 5; k++)
				known |= strcasecmp(fields[i], inv_columns[k]) == 0;
			if (!known)
				return err_set(e, ERR_INPUT,
				               "%s:%ld: unknown column \"%s\": expected the header"
				               " org,product,version,count,internet_facing",
				               s->path, line, fields[i]);
		}
		for (size_t k = 0; k < 5; k++)
			s->col[k] = csv_column(fields, n, inv_columns[k]);
		if (s->col[1] < 0 || (s->col[0] < 0 && s->org == NULL))
			return err_set(e, ERR_INPUT,
			               "%s:%ld: expected the header org,product,version,count,"
			               "internet_facing (org may be left out with --org)",
			               s->path, line);
		s->ncols = n;
		return 0;
	}
	for (size_t k = 0; k < 5; k++)
		v[k] = s->col[k] >= 0 && (size_t)s->col[k] < n ? fields[s->col[k]] : NULL;
	snprintf(where, sizeof(where), "%s:%ld: ", s->path, line);
	if (n != s->ncols)
		return err_set(e, ERR_INPUT, "%sexpected %zu fields, as in the header, got %zu",
		               where, s->ncols, n);
	if (v[3] && v[3][0] && count_parse(v[3], &count) != 0)
		return err_set(e, ERR_INPUT,
		               "%sfield count: \"%s\" is not a whole number from 0 to %ld", where,
		               v[3], COUNT_MAX);
	if (v[4] && csv_bool(v[4], &facing) != 0)
		return err_set(e, ERR_INPUT,
		               "%sfield internet_facing: \"%s\": expected true or false", where,
		               v[4]);
	return inv_import_one(s, v[0] && v[0][0] ? v[0] : NULL, v[1], "product", v[2], count,
	                      facing, where, e);
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* ERR_INPUT unless every key of the row object o is a column, and org, product and version
 * are strings (or null). */
static int inv_json_keys(json_t *o, const char *where, struct err *e)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v)
	{
		size_t i;
		for (i = 0; i < 5; i++)
			if (strcmp(k, inv_columns[i]) == 0)
				break;
		if (i == 5)
			return err_set(
			    e, ERR_INPUT,
			    "%s.%s: unknown field (expected org, product, version, count,"
			    " internet_facing)",
			    where, k);
		if (i < 3 && !json_is_string(v) && !json_is_null(v))
			return err_set(e, ERR_INPUT, "%s.%s: expected a string", where, k);
	}
	return 0;
}

static int inv_json_rows(struct inv_import *s, json_t *arr, struct err *e)
{
	json_t *o, *c, *f;
	size_t i;
	int rc;

	json_array_foreach(arr, i, o)
	{
		char where[4200];
		long count = 1;

		snprintf(where, sizeof(where), "%s: [%zu]", s->path, i);
		if (!json_is_object(o))
			return err_set(e, ERR_INPUT, "%s: [%zu]: expected an object", s->path, i);
		if ((rc = inv_json_keys(o, where, e)) != 0)
			return rc;
		c = json_object_get(o, "count");
		if (c && (!json_is_integer(c) || json_integer_value(c) < 0 ||
		          json_integer_value(c) > COUNT_MAX))
			return err_set(e, ERR_INPUT, "%s.count: expected a whole number 0-%ld",
			               where, COUNT_MAX);
		if (c)
			count = (long)json_integer_value(c);
		f = json_object_get(o, "internet_facing");
		if (f && !json_is_boolean(f))
			return err_set(e, ERR_INPUT, "%s.internet_facing: expected true or false",
			               where);
		rc = inv_import_one(s, jstr(o, "org"), jstr(o, "product"), "product",
		                    jstr(o, "version"), count, json_is_true(f), where, e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- issue 5: CycloneDX 1.4-1.6, made solid (nested components, the metadata component,
 * scope "excluded", purl or CPE, each component named by its JSON path) ---- */

/* One component and, recursively, the components it is made of. */
static int inv_cdx_component(struct inv_import *s, json_t *c, const char *where, int depth,
                             struct err *e)
{
	const char *purl = jstr(c, "purl"), *cpe = jstr(c, "cpe"), *scope = jstr(c, "scope");
	json_t *sub = json_object_get(c, "components"), *x;
	size_t i;
	int rc = 0;

	if (!json_is_object(c))
		return err_set(e, ERR_INPUT, "%s: expected an object (a component)", where);
	if (depth > 32)
		return err_set(e, ERR_INPUT, "%s: components nested more than 32 deep", where);
	if ((json_object_get(c, "purl") && !purl) || (json_object_get(c, "cpe") && !cpe) ||
	    (json_object_get(c, "version") && !jstr(c, "version")))
		return err_set(e, ERR_INPUT, "%s: purl, cpe and version must be strings", where);
	if (purl || cpe) {
		struct product_ref ref;
		/* the purl first; a CPE when the purl is not one Baken can key */
		const char *id = cpe;
		if (purl && (cpe == NULL || product_parse(purl, &ref, NULL) == 0))
			id = purl;
		if (scope && strcmp(scope, "excluded") == 0)
			id = NULL; /* not part of what runs */
		if (id && (rc = inv_import_one(s, NULL, id, id == purl ? "purl" : "cpe",
		                               jstr(c, "version"), 1, 0, where, e)) != 0)
			return rc;
	}
	if (sub && !json_is_array(sub))
		return err_set(e, ERR_INPUT, "%s.components: expected an array", where);
	json_array_foreach(sub, i, x)
	{
		char inner[4200];
		snprintf(inner, sizeof(inner), "%s.components[%zu]", where, i);
		if ((rc = inv_cdx_component(s, x, inner, depth + 1, e)) != 0)
			return rc;
	}
	return 0;
}

/* CycloneDX: every component with a purl or CPE (the metadata's component too, and those
 * nested in others) becomes a row of the --org organisation. */
static int inv_cyclonedx(struct inv_import *s, json_t *bom, struct err *e)
{
	json_t *comps = json_object_get(bom, "components"), *c;
	json_t *meta = json_object_get(json_object_get(bom, "metadata"), "component");
	const char *spec = jstr(bom, "specVersion");
	char where[4200];
	size_t i;
	int rc;

	if (spec == NULL || (strcmp(spec, "1.4") && strcmp(spec, "1.5") && strcmp(spec, "1.6")))
		return err_set(e, ERR_INPUT, "%s: specVersion: \"%s\": expected CycloneDX 1.4-1.6",
		               s->path, spec ? spec : "(missing)");
	if (s->org == NULL)
		return err_set(e, ERR_INPUT,
		               "%s: a CycloneDX SBOM names no organisation: give --org", s->path);
	if (comps && !json_is_array(comps))
		return err_set(e, ERR_INPUT, "%s: components: expected an array", s->path);
	if (meta) {
		snprintf(where, sizeof(where), "%s: metadata.component", s->path);
		if ((rc = inv_cdx_component(s, meta, where, 0, e)) != 0)
			return rc;
	}
	json_array_foreach(comps, i, c)
	{
		snprintf(where, sizeof(where), "%s: components[%zu]", s->path, i);
		if ((rc = inv_cdx_component(s, c, where, 0, e)) != 0)
			return rc;
	}
	return 0;
}

/* The first byte that is not white space, of data (len bytes) or else of the file path; EOF
 * when there is none or the file does not open. */
static int inv_first_byte(const char *path, const char *data, size_t len)
{
	FILE *f;
	int c = EOF;

	if (data) {
		for (size_t i = 0; i < len; i++)
			if (!strchr(" \t\r\n", data[i]) || data[i] == '\0')
				return (unsigned char)data[i];
		return EOF;
	}
	if ((f = fopen(path, "rb")) == NULL)
		return EOF;
	while ((c = fgetc(f)) == ' ' || c == '\t' || c == '\r' || c == '\n')
		;
	fclose(f);
	return c;
}

/* inventory_import of the file path, or (data not NULL) of the len bytes at data, which path
 * then only names in messages. */
static int inv_import_any(struct db *db, const struct act *act, const char *path, const char *data,
                          size_t len, const char *org, int replace, long *count, struct err *e)
{
	struct inv_import s;
	json_error_t jerr;
	json_t *root;
	int rc;

	memset(&s, 0, sizeof(s));
	s.db = db;
	s.act = act;
	s.path = path;
	s.org = org;
	s.replace = replace;
	if (org && (rc = org_require(db, org, e)) != 0)
		return err_wrap(e, "--org: ");
	root = data ? json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr)
	            : json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (root) {
		if (json_is_array(root))
			rc = inv_json_rows(&s, root, e);
		else if (json_is_object(root) && jstr(root, "bomFormat") &&
		         strcmp(jstr(root, "bomFormat"), "CycloneDX") == 0)
			rc = inv_cyclonedx(&s, root, e);
		else if (json_is_array(json_object_get(root, "inventory")))
			rc = inv_json_rows(&s, json_object_get(root, "inventory"), e);
		else
			rc =
			    err_set(e, ERR_INPUT,
			            "%s: expected a JSON array of rows, {\"inventory\": [...]} or a"
			            " CycloneDX SBOM",
			            path);
		json_decref(root);
	} else {
		int c = inv_first_byte(path, data, len);
		FILE *f =
		    data ? (len ? fmemopen((void *)data, len, "rb") : NULL) : fopen(path, "rb");

		if (f == NULL && !(data && len == 0))
			rc = err_set(e, ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
		else if (c == '[' || c == '{')
			rc = err_set(e, ERR_INPUT, "%s:%d: malformed JSON: %s", path, jerr.line,
			             jerr.text);
		else if (data && memchr(data, '\0', len))
			rc = err_set(e, ERR_INPUT,
			             "%s: a NUL byte: expected a CSV or JSON text file", path);
		else {
			s.csv = 1;
			rc = f ? csv_each_stream(f, path, inv_csv_row, &s, e) : 0;
			if (rc == 0 && s.ncols == 0)
				rc = err_set(
				    e, ERR_INPUT,
				    "%s: empty; expected the header org,product,version,count,"
				    "internet_facing",
				    path);
		}
		if (f)
			fclose(f);
	}
	if (rc == 0)
		rc = event_append(db, act, "inventory.import", org ? org : "inventory:*",
		                  json_pack("{s:s, s:I, s:b}", "file", path, "rows",
		                            (json_int_t)s.rows, "replace", replace),
		                  e);
	if (rc == 0)
		rc = deadline_sync(db, NULL, org, e);
	*count = s.rows;
	for (size_t i = 0; i < s.norgs; i++)
		free(s.orgs[i]);
	free(s.orgs);
	return rc;
}

int inventory_import(struct db *db, const struct act *act, const char *path, const char *org,
                     int replace, long *count, struct err *e)
{
	return inv_import_any(db, act, path, NULL, 0, org, replace, count, e);
}

int inventory_import_data(struct db *db, const struct act *act, const char *name, const char *data,
                          size_t len, const char *org, int replace, long *count, struct err *e)
{
	return inv_import_any(db, act, name, data, len, org, replace, count, e);
}

int inventory_remove(struct db *db, const struct act *act, const char *org, const char *product,
                     const char *version, struct err *e)
{
	struct product_ref ref;
	struct db_stmt *st;
	char object[96];
	int rc;

	if ((rc = org_require(db, org, e)) != 0)
		return rc;
	if (product == NULL || (rc = product_parse(product, &ref, e)) != 0)
		return product ? err_wrap(e, "field product: ")
		               : err_set(e, ERR_INPUT, "field product: missing");
	if (version == NULL || version[0] == '\0')
		version = ref.version;
	rc = db_prepare(db,
	                "DELETE FROM inventory WHERE org_id = ?1 AND product = ?2 AND version = ?3",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, org);
	db_bind_text(st, 2, ref.name);
	db_bind_text(st, 3, version);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	if (db_changes(db) == 0)
		return err_set(e, ERR_NOTFOUND, "%s has no inventory row %s %s", org, ref.name,
		               version);
	snprintf(object, sizeof(object), "org:%s", org);
	rc = event_append(db, act, "inventory.remove", object,
	                  json_pack("{s:s, s:s}", "product", ref.name, "version", version), e);
	return rc != 0 ? rc : deadline_sync(db, NULL, org, e);
}

int inventory_list(struct db *db, const char *org, const char *product, json_t **out, struct err *e)
{
	struct product_ref ref;
	struct db_stmt *st;
	int rc;

	/* the filters name what exists, in any form inventory add takes */
	if (org && (rc = org_require(db, org, e)) != 0)
		return err_wrap(e, "--org: ");
	if (product) {
		if ((rc = product_parse(product, &ref, e)) != 0)
			return err_wrap(e, "--product: ");
		product = ref.name;
	}

	rc = db_prepare(db,
	                "SELECT i.org_id, i.product, i.version, i.count, i.internet_facing, o.name"
	                " FROM inventory i JOIN orgs o ON o.id = i.org_id"
	                " WHERE (?1 IS NULL OR i.org_id = ?1) AND (?2 IS NULL OR i.product = ?2)"
	                " ORDER BY i.org_id, i.product, i.vkey",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, org);
	db_bind_text(st, 2, product);
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(
		    *out, json_pack("{s:s, s:s, s:s, s:I, s:b, s:s}", "org", db_col_text(st, 0),
		                    "product", db_col_text(st, 1), "version", db_col_text(st, 2),
		                    "count", (json_int_t)db_col_int(st, 3), "internet_facing",
		                    (int)db_col_int(st, 4), "name", db_col_text(st, 5)));
	db_done(st);
	if (rc < 0) {
		json_decref(*out);
		return rc;
	}
	return 0;
}
