/* importer.c: CSAF documents, CVE records and the KEV catalogue into vulnerability records. */
#include "model/importer.h"

#include "core/buf.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "domain/matrix.h"
#include "domain/product.h"
#include "domain/range.h"
#include "domain/version.h"
#include "formats/csaf.h"
#include "formats/cve5.h"
#include "formats/kev.h"
#include "model/advisory.h"
#include "model/todo.h"
#include "model/vuln.h"

#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* ---- files ---- */

static int read_file(const char *path, size_t max, char **data, size_t *len, struct err *e)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	size_t n;

	*data = NULL;
	*len = 0;
	if (f == NULL)
		return err_set(e, ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return err_set(e, ERR_INPUT, "%s: not a regular file", path);
	}
	if ((size_t)st.st_size > max) {
		fclose(f);
		return err_set(e, ERR_INPUT, "%s: larger than %zu bytes", path, max);
	}
	*data = xmalloc((size_t)st.st_size + 1);
	n = fread(*data, 1, (size_t)st.st_size, f);
	fclose(f);
	if (n != (size_t)st.st_size) {
		free(*data);
		*data = NULL;
		return err_set(e, ERR_INPUT, "%s: cannot read", path);
	}
	(*data)[n] = '\0';
	*len = n;
	return 0;
}

static void sha256_hex(const char *data, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)data, len);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* ---- statements ---- */

static int exec_text(struct db *db, const char *sql, const char *const *args, size_t n,
                     struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, sql, &st, e);

	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		db_bind_text(st, (int)i + 1, args[i]);
	rc = db_step(st, e);
	db_done(st);
	return rc < 0 ? rc : 0;
}

#define EXEC(db, e, sql, ...)                                                                      \
	exec_text((db), (sql), (const char *const[]){__VA_ARGS__},                                 \
	          sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *), (e))

/* The vulnerability record of cve, made when there is none. */
static int vuln_ensure(struct db *db, const struct act *act, const char *cve, const char *title,
                       struct err *e)
{
	char now[32];
	int rc;

	time_format(act->at, now, sizeof(now));
	rc = EXEC(db, e,
	          "INSERT INTO vulns (cve, title, learned, updated_at) VALUES (?1, ?2, ?3, ?3)"
	          " ON CONFLICT (cve) DO NOTHING",
	          cve, title, now);
	if (rc == 0 && title)
		rc = EXEC(db, e, "UPDATE vulns SET title = ?2 WHERE cve = ?1 AND title IS NULL",
		          cve, title);
	return rc;
}

static int vuln_fill(struct db *db, const char *cve, const char *description, const char *cwe,
                     const char *score, const char *vector, const char *disclosed, struct err *e)
{
	int rc = 0;

	if (description)
		rc =
		    EXEC(db, e,
		         "UPDATE vulns SET description = ?2 WHERE cve = ?1 AND description IS NULL",
		         cve, description);
	if (rc == 0 && cwe)
		rc = EXEC(db, e, "UPDATE vulns SET cwe = ?2 WHERE cve = ?1 AND cwe IS NULL", cve,
		          cwe);
	if (rc == 0 && score && vector)
		rc = EXEC(db, e,
		          "UPDATE vulns SET cvss_score = ?2, cvss_vector = ?3 WHERE cve = ?1"
		          " AND cvss_vector IS NULL",
		          cve, score, vector);
	if (rc == 0 && disclosed)
		rc = EXEC(db, e,
		          "UPDATE vulns SET disclosed = ?2 WHERE cve = ?1 AND disclosed IS NULL",
		          cve, disclosed);
	return rc;
}

static const char *const mitigation_ranks[] = {"none", "workaround", "partial-patch", "patch",
                                               NULL};

static int mitigation_rank(const char *s)
{
	for (int i = 0; mitigation_ranks[i]; i++)
		if (s && strcmp(s, mitigation_ranks[i]) == 0)
			return i;
	return 0;
}

static int col_text(struct db *db, const char *sql, const char *cve, char *out, size_t outsz,
                    struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, sql, &st, e);

	out[0] = '\0';
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, cve);
	if ((rc = db_step(st, e)) == DB_ROW && !db_col_is_null(st, 0))
		snprintf(out, outsz, "%s", db_col_text(st, 0));
	db_done(st);
	return rc < 0 ? rc : 0;
}

static int raise_mitigation(struct db *db, const char *cve, const char *status, struct err *e)
{
	char old[32];
	int rc = col_text(db, "SELECT mitigation_status FROM vulns WHERE cve = ?1", cve, old,
	                  sizeof(old), e);

	if (rc == 0 && mitigation_rank(status) > mitigation_rank(old))
		rc = EXEC(db, e, "UPDATE vulns SET mitigation_status = ?2 WHERE cve = ?1", cve,
		          status);
	return rc;
}

/* Raises the exploit status (never lowers it); logs the change. */
static int raise_exploit(struct db *db, const struct act *act, const char *cve, const char *status,
                         const char *source, int *raised, struct err *e)
{
	char old[32], now[32], object[64];
	int rc = col_text(db, "SELECT exploit_status FROM vulns WHERE cve = ?1", cve, old,
	                  sizeof(old), e);

	*raised = 0;
	if (rc != 0 || vuln_exploit_rank(status) <= vuln_exploit_rank(old))
		return rc;
	time_format(act->at, now, sizeof(now));
	if ((rc =
	         EXEC(db, e, "UPDATE vulns SET exploit_status = ?2, updated_at = ?3 WHERE cve = ?1",
	              cve, status, now)) != 0)
		return rc;
	*raised = 1;
	snprintf(object, sizeof(object), "vuln:%s", cve);
	return event_append(db, act, "vuln.exploit_status", object,
	                    json_pack("{s:s, s:s, s:s}", "from", old[0] ? old : "none", "to",
	                              status, "source", source),
	                    e);
}

/* Whether the advisory's proposal would rise if its "actively exploited" answer said yes;
 * adds the to-do when it would. */
static int reclassify_check(struct db *db, const struct act *act, const char *id, const char *cve,
                            const char *source, int *added, struct err *e)
{
	struct advisory_version v;
	struct matrix m;
	struct matrix_result before, after;
	enum level chosen_l = LEVEL_LOW, chosen_i = LEVEL_LOW;
	char label[16], reason[512];
	int rc, has = 0;

	*added = 0;
	if ((rc = advisory_load(db, id, NULL, 0, &v, e)) != 0)
		return rc;
	for (size_t i = 0; i < v.ncves; i++)
		has |= strcmp(v.cves[i], cve) == 0;
	if (!has || (v.matrix.answer[MATRIX_Q_EXPLOITED] > 0)) {
		advisory_version_free(&v);
		return 0; /* not about this CVE any more, or it says exploited already */
	}
	m = v.matrix;
	matrix_evaluate(&m, &before);
	matrix_set(&m, "exploited", "limited", NULL);
	matrix_evaluate(&m, &after);
	level_parse(v.likelihood, &chosen_l);
	level_parse(v.impact, &chosen_i);
	if ((after.likelihood > before.likelihood || after.impact > before.impact) &&
	    (after.likelihood > chosen_l || after.impact > chosen_i)) {
		advisory_version_label(v.num, label, sizeof(label));
		snprintf(reason, sizeof(reason),
		         "%s is actively exploited (%s): the proposal of %s %s rises from %s/%s to"
		         " %s/%s",
		         cve, source, id, label, level_name(before.likelihood),
		         level_name(before.impact), level_name(after.likelihood),
		         level_name(after.impact));
		rc = todo_add(
		    db, act, "reclassify", id, cve, reason,
		    json_pack("{s:s, s:s, s:o, s:o, s:o, s:i, s:i}", "version", label, "state",
		              v.published ? "published" : "draft", "classification_now",
		              json_sprintf("%s/%s", v.likelihood, v.impact), "proposal_now",
		              json_sprintf("%s/%s", level_name(before.likelihood),
		                           level_name(before.impact)),
		              "proposal_exploited",
		              json_sprintf("%s/%s", level_name(after.likelihood),
		                           level_name(after.impact)),
		              "points_now", before.likelihood_points, "points_exploited",
		              after.likelihood_points),
		    added, e);
	}
	advisory_version_free(&v);
	return rc;
}

int import_mark_exploited(struct db *db, const struct act *act, const char *cve,
                          const char *kev_date, const char *source, int *raised, int *todos,
                          struct err *e)
{
	struct db_stmt *st;
	json_t *ids = json_array(), *x;
	size_t i;
	int rc;

	*raised = 0;
	*todos = 0;
	if ((rc = raise_exploit(db, act, cve, "active", source, raised, e)) != 0)
		goto out;
	if (kev_date &&
	    (rc = EXEC(db, e, "UPDATE vulns SET kev_date = ?2 WHERE cve = ?1 AND kev_date IS NULL",
	               cve, kev_date)) != 0)
		goto out;
	if ((rc = db_prepare(db,
	                     "SELECT DISTINCT advisory_id FROM advisory_cves WHERE cve = ?1"
	                     " ORDER BY 1",
	                     &st, e)) != 0)
		goto out;
	db_bind_text(st, 1, cve);
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(ids, json_string(db_col_text(st, 0)));
	db_done(st);
	if (rc < 0)
		goto out;
	rc = 0;
	json_array_foreach(ids, i, x)
	{
		int added = 0;
		if ((rc = reclassify_check(db, act, json_string_value(x), cve, source, &added,
		                           e)) != 0)
			goto out;
		*todos += added;
	}
out:
	json_decref(ids);
	return rc;
}

/* ---- sources: one row per document, its last revision ---- */

enum src_state {
	SRC_NEW,
	SRC_UPDATED,
	SRC_UNCHANGED,
	SRC_OLDER
};
static const char *const src_state_names[] = {"new", "updated", "unchanged", "older"};

static int64_t when(const char *s)
{
	int64_t t = 0;

	if (s)
		time_parse(s, &t, NULL);
	return t;
}

static int source_state(struct db *db, const char *source, const char *released,
                        const char *version, const char *sha, enum src_state *state, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(
	    db, "SELECT released, version, sha256 FROM vuln_sources WHERE source = ?1", &st, e);

	if (rc != 0)
		return rc;
	db_bind_text(st, 1, source);
	*state = SRC_NEW;
	if ((rc = db_step(st, e)) == DB_ROW) {
		int64_t told = when(db_col_text(st, 0)), tnew = when(released);
		int vc = version_compare(version ? version : "",
		                         db_col_is_null(st, 1) ? "" : db_col_text(st, 1));
		if (strcmp(db_col_text(st, 2), sha) == 0)
			*state = SRC_UNCHANGED;
		else if (tnew > told || (tnew == told && vc >= 0))
			*state = SRC_UPDATED;
		else
			*state = SRC_OLDER;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* Removes what an earlier revision of source gave. */
static int source_clear(struct db *db, const char *source, struct err *e)
{
	static const char *const sql[] = {
	    "DELETE FROM vuln_products WHERE source = ?1",
	    "DELETE FROM vuln_fixed WHERE source = ?1",
	    "DELETE FROM vuln_remediations WHERE source = ?1",
	    "DELETE FROM vuln_references WHERE source = ?1",
	    "DELETE FROM vuln_source_cves WHERE source = ?1",
	};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(sql) / sizeof(sql[0]); i++)
		rc = EXEC(db, e, sql[i], source);
	return rc;
}

struct source_row {
	const char *source, *kind, *doc_id, *publisher, *version, *released, *title, *likelihood,
	    *impact, *tlp, *sha, *file;
};

static int source_save(struct db *db, const struct act *act, const struct source_row *s,
                       struct err *e)
{
	char now[32];

	time_format(act->at, now, sizeof(now));
	return EXEC(db, e,
	            "INSERT INTO vuln_sources (source, kind, doc_id, publisher, version, released,"
	            " title, likelihood, impact, tlp, sha256, file, imported_at) VALUES (?1, ?2,"
	            " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (source) DO"
	            " UPDATE SET doc_id = excluded.doc_id, publisher = excluded.publisher,"
	            " version = excluded.version, released = excluded.released,"
	            " title = excluded.title, likelihood = excluded.likelihood,"
	            " impact = excluded.impact, tlp = excluded.tlp, sha256 = excluded.sha256,"
	            " file = excluded.file, imported_at = excluded.imported_at",
	            s->source, s->kind, s->doc_id, s->publisher, s->version, s->released, s->title,
	            s->likelihood, s->impact, s->tlp, s->sha, s->file, now);
}

static int put_product(struct db *db, const char *cve, const char *key, const char *range,
                       const char *source, struct err *e)
{
	return EXEC(
	    db, e,
	    "INSERT INTO vuln_products (cve, product, range, source) VALUES (?1, ?2, ?3, ?4)"
	    " ON CONFLICT (cve, product) DO UPDATE SET range = excluded.range,"
	    " source = excluded.source WHERE vuln_products.source IS NOT NULL",
	    cve, key, range, source);
}

static int put_fixed(struct db *db, const char *cve, const char *key, const char *version,
                     const char *source, struct err *e)
{
	return EXEC(db, e,
	            "INSERT INTO vuln_fixed (cve, product, version, source) VALUES (?1, ?2, ?3, ?4)"
	            " ON CONFLICT DO NOTHING",
	            cve, key, version, source);
}

static int put_ref(struct db *db, const char *cve, const char *url, const char *summary,
                   const char *source, struct err *e)
{
	if (url == NULL || strlen(url) > 2048)
		return 0;
	return EXEC(
	    db, e,
	    "INSERT INTO vuln_references (cve, url, summary, source) VALUES (?1, ?2, ?3, ?4)"
	    " ON CONFLICT (cve, url) DO NOTHING",
	    cve, url, summary, source);
}

static int put_source_cve(struct db *db, const char *source, const char *cve, struct err *e)
{
	return EXEC(
	    db, e,
	    "INSERT INTO vuln_source_cves (source, cve) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
	    source, cve);
}

/* ---- CSAF ---- */

static const char *csaf_description(const struct csaf_vuln *v)
{
	static const char *const prefer[] = {"description", "summary", "general", "details", NULL};

	for (size_t k = 0; prefer[k]; k++)
		for (size_t i = 0; i < v->nnotes; i++)
			if (v->notes[i].category && strcmp(v->notes[i].category, prefer[k]) == 0)
				return v->notes[i].text;
	return NULL;
}

/* The exploit status a threat's text states, or NULL. */
static const char *threat_status(const char *details)
{
	static const struct {
		const char *words, *status;
	} map[] = {{"actively exploited", "active"},
	           {"active exploitation", "active"},
	           {"exploited in the wild", "active"},
	           {"actief misbruik: beperkt", "active"},
	           {"actief misbruik: grootschalig", "active"},
	           {"exploit code is public", "public"},
	           {"exploitcode: exploit", "public"},
	           {"publicly available exploit", "public"},
	           {"proof of concept", "poc"},
	           {"exploitcode: proof-of-concept", "poc"}};

	for (size_t i = 0; details && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasestr(details, map[i].words))
			return map[i].status;
	return NULL;
}

/* The product keys a remediation applies to, as a JSON array text (malloc'd). */
static char *rem_keys(const struct csaf_doc *d, const struct csaf_remediation *r)
{
	json_t *keys = json_object(), *arr = json_array();
	char *text;

	for (size_t i = 0; i < r->products.n; i++)
		for (size_t p = 0; p < d->nproducts; p++)
			if (d->products[p].id && d->products[p].key &&
			    strcmp(d->products[p].id, r->products.v[i]) == 0 &&
			    !json_object_get(keys, d->products[p].key)) {
				json_object_set_new(keys, d->products[p].key, json_true());
				json_array_append_new(arr, json_string(d->products[p].key));
				break;
			}
	text = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	json_decref(keys);
	return text;
}

static int csaf_one(struct db *db, const struct act *act, const char *file, json_t *row,
                    int *todos_total, struct err *e)
{
	struct csaf_doc d;
	struct source_row s;
	enum src_state state;
	char *data = NULL, sha[65], *source = NULL;
	const char *likelihood, *impact;
	json_t *cves = json_array();
	size_t len, nproducts = 0, nfixed = 0, skipped = 0;
	int rc;

	memset(&d, 0, sizeof(d));
	if ((rc = read_file(file, CSAF_DOC_MAX, &data, &len, e)) != 0)
		goto out;
	if ((rc = csaf_read(data, len, &d, e)) != 0) {
		err_wrap(e, "%s: ", file);
		goto out;
	}
	sha256_hex(data, len, sha);
	len = strlen(d.publisher_namespace) + strlen(d.id) + 8;
	source = xmalloc(len);
	snprintf(source, len, "csaf:%s/%s", d.publisher_namespace, d.id);
	if ((rc = source_state(db, source, d.current_release_date, d.version, sha, &state, e)) != 0)
		goto out;
	csaf_classification(&d, &likelihood, &impact);
	for (size_t i = 0; i < d.nproducts; i++)
		skipped += d.products[i].skipped != NULL;
	json_object_set_new(row, "file", json_string(file));
	json_object_set_new(row, "id", json_string(d.id));
	json_object_set_new(row, "version", json_string(d.version));
	json_object_set_new(row, "status", json_string(src_state_names[state]));
	json_object_set_new(row, "publisher", json_string(d.publisher_name));
	json_object_set_new(row, "category", json_string(d.category));
	json_object_set_new(row, "classification",
	                    likelihood && impact ? json_sprintf("%s/%s", likelihood, impact)
	                                         : json_null());
	for (size_t i = 0; i < d.nvulns; i++)
		if (d.vulns[i].cve)
			json_array_append_new(cves, json_string(d.vulns[i].cve));
	if (state == SRC_UNCHANGED || state == SRC_OLDER)
		goto done;
	memset(&s, 0, sizeof(s));
	s.source = source;
	s.kind = "csaf";
	s.doc_id = d.id;
	s.publisher = d.publisher_name;
	s.version = d.version;
	s.released = d.current_release_date;
	s.title = d.title;
	s.likelihood = likelihood;
	s.impact = impact;
	s.tlp = d.tlp;
	s.sha = sha;
	s.file = file;
	if ((rc = source_clear(db, source, e)) != 0 || (rc = source_save(db, act, &s, e)) != 0)
		goto out;
	for (size_t i = 0; i < d.nvulns; i++) {
		const struct csaf_vuln *v = &d.vulns[i];
		struct csaf_affect *a = NULL;
		size_t na = 0;
		char score[16];

		if (v->cve == NULL)
			continue; /* no CVE: nothing to attach it to */
		snprintf(score, sizeof(score), "%.1f", v->cvss_score);
		if ((rc = vuln_ensure(db, act, v->cve, v->title ? v->title : d.title, e)) != 0 ||
		    (rc = vuln_fill(db, v->cve, csaf_description(v), v->cwe_id,
		                    v->cvss_vector ? score : NULL, v->cvss_vector, NULL, e)) != 0 ||
		    (rc = put_source_cve(db, source, v->cve, e)) != 0)
			goto out;
		if ((rc = csaf_affects(&d, v, &a, &na, e)) != 0) {
			err_wrap(e, "%s: /vulnerabilities/%zu: ", file, i);
			goto out;
		}
		for (size_t j = 0; rc == 0 && j < na; j++) {
			if (a[j].range) {
				rc = put_product(db, v->cve, a[j].key, a[j].range, source, e);
				nproducts++;
			}
			for (size_t k = 0; rc == 0 && k < a[j].fixed.n; k++, nfixed++)
				rc = put_fixed(db, v->cve, a[j].key, a[j].fixed.v[k], source, e);
		}
		/* remediations, with the product keys they apply to */
		for (size_t j = 0; rc == 0 && j < v->nrems; j++) {
			const struct csaf_remediation *r = &v->rems[j];
			char pos[24], *ktext = rem_keys(&d, r);
			snprintf(pos, sizeof(pos), "%zu", j);
			rc = EXEC(
			    db, e,
			    "INSERT INTO vuln_remediations (cve, source, pos, category, details,"
			    " date, url, products) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			    v->cve, source, pos, r->category, r->details, r->date, r->url, ktext);
			free(ktext);
			if (rc == 0 && strcmp(r->category, "vendor_fix") == 0)
				rc = raise_mitigation(db, v->cve, "patch", e);
			else if (rc == 0 && (strcmp(r->category, "workaround") == 0 ||
			                     strcmp(r->category, "mitigation") == 0))
				rc = raise_mitigation(db, v->cve, "workaround", e);
		}
		for (size_t j = 0; rc == 0 && j < v->nthreats; j++) {
			const char *st = strcmp(v->threats[j].category, "exploit_status") == 0
			                     ? threat_status(v->threats[j].details)
			                     : NULL;
			int raised, todos;
			if (st && strcmp(st, "active") == 0) {
				rc = import_mark_exploited(db, act, v->cve, NULL, source, &raised,
				                           &todos, e);
				*todos_total += todos;
			} else if (st)
				rc = raise_exploit(db, act, v->cve, st, source, &raised, e);
		}
		for (size_t j = 0; rc == 0 && j < v->nrefs; j++)
			rc = put_ref(db, v->cve, v->refs[j].url, v->refs[j].summary, source, e);
		for (size_t j = 0; rc == 0 && j < d.nrefs; j++)
			if (strcmp(d.refs[j].category, "external") == 0)
				rc = put_ref(db, v->cve, d.refs[j].url, d.refs[j].summary, source,
				             e);
		csaf_affects_free(a, na);
		if (rc)
			goto out;
	}
done:
	json_object_set(row, "cves", cves);
	json_object_set_new(row, "products", json_integer((json_int_t)nproducts));
	json_object_set_new(row, "fixed", json_integer((json_int_t)nfixed));
	json_object_set_new(row, "skipped", json_integer((json_int_t)skipped));
	rc = 0;
out:
	json_decref(cves);
	free(source);
	free(data);
	csaf_doc_free(&d);
	return rc;
}

int import_csaf(struct db *db, const struct act *act, const char *const *files, size_t n,
                json_t **out, struct err *e)
{
	json_t *rows = json_array();
	int rc = 0, todos = 0;

	*out = NULL;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_t *row = json_object();
		json_array_append_new(rows, row);
		rc = csaf_one(db, act, files[i], row, &todos, e);
	}
	if (rc == 0)
		rc = event_append(db, act, "import.csaf", "vulns",
		                  json_pack("{s:O, s:i}", "documents", rows, "todos", todos), e);
	if (rc != 0) {
		json_decref(rows);
		return rc;
	}
	*out = rows;
	return 0;
}

/* ---- CVE records ---- */

struct cve_counts {
	long records, fresh, updated, unchanged, older, rejected, active, todos;
};

static int cve_one(struct db *db, const struct act *act, const char *file, json_t *rows,
                   struct cve_counts *c, struct err *e)
{
	struct cve_record r;
	struct source_row s;
	enum src_state state = SRC_NEW;
	char *data = NULL, sha[65], source[64], score[16], status[32];
	size_t len;
	int rc;

	memset(&r, 0, sizeof(r));
	if ((rc = read_file(file, CVE5_RECORD_MAX, &data, &len, e)) != 0)
		goto out;
	if ((rc = cve5_read(data, len, &r, e)) != 0) {
		err_wrap(e, "%s: ", file);
		goto out;
	}
	c->records++;
	sha256_hex(data, len, sha);
	snprintf(source, sizeof(source), "cve:%s", r.id);
	if (strcmp(r.state, "REJECTED") == 0) {
		c->rejected++;
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s}", "file", file, "cve", r.id,
		                                      "status", "rejected"));
		goto out;
	}
	if ((rc = source_state(db, source, r.date_updated, r.date_updated, sha, &state, e)) != 0)
		goto out;
	if (state == SRC_UNCHANGED || state == SRC_OLDER) {
		if (state == SRC_UNCHANGED)
			c->unchanged++;
		else
			c->older++;
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s}", "file", file, "cve", r.id,
		                                      "status", src_state_names[state]));
		goto out;
	}
	if (state == SRC_NEW)
		c->fresh++;
	else
		c->updated++;
	snprintf(score, sizeof(score), "%.1f", r.cvss_score);
	memset(&s, 0, sizeof(s));
	s.source = source;
	s.kind = "cve";
	s.doc_id = r.id;
	s.publisher = "CVE";
	s.version = r.date_updated;
	s.released = r.date_updated;
	s.title = r.title;
	s.sha = sha;
	s.file = file;
	if ((rc = source_clear(db, source, e)) != 0 || (rc = source_save(db, act, &s, e)) != 0 ||
	    (rc = vuln_ensure(db, act, r.id, r.title, e)) != 0 ||
	    (rc = vuln_fill(db, r.id, r.description, r.cwe_id, r.cvss_vector ? score : NULL,
	                    r.cvss_vector, r.date_public ? r.date_public : r.date_published, e)) !=
	        0 ||
	    (rc = put_source_cve(db, source, r.id, e)) != 0)
		goto out;
	if (r.title == NULL && r.description) {
		/* a record without a title: the start of its description */
		char t[128];
		snprintf(t, sizeof(t), "%.120s%s", r.description,
		         strlen(r.description) > 120 ? "..." : "");
		if ((rc =
		         EXEC(db, e, "UPDATE vulns SET title = ?2 WHERE cve = ?1 AND title IS NULL",
		              r.id, t)) != 0)
			goto out;
	}
	for (size_t i = 0; rc == 0 && i < r.nproducts; i++) {
		if (r.products[i].range)
			rc = put_product(db, r.id, r.products[i].key, r.products[i].range, source,
			                 e);
		for (size_t k = 0; rc == 0 && k < r.products[i].fixed.n; k++)
			rc = put_fixed(db, r.id, r.products[i].key, r.products[i].fixed.v[k],
			               source, e);
	}
	for (size_t i = 0; rc == 0 && i < r.nrefs; i++)
		rc = put_ref(db, r.id, r.refs[i].url, r.refs[i].name, source, e);
	if (rc)
		goto out;
	if (r.kev_date || (r.exploitation && strcmp(r.exploitation, "active") == 0)) {
		int raised, todos;
		if ((rc = import_mark_exploited(db, act, r.id, r.kev_date,
		                                r.kev_date ? "CISA KEV" : "CISA SSVC", &raised,
		                                &todos, e)) != 0)
			goto out;
		c->active += raised;
		c->todos += todos;
	} else if (r.exploitation && strcmp(r.exploitation, "poc") == 0) {
		int raised;
		if ((rc = raise_exploit(db, act, r.id, "poc", "CISA SSVC", &raised, e)) != 0)
			goto out;
	}
	if ((rc = col_text(db, "SELECT exploit_status FROM vulns WHERE cve = ?1", r.id, status,
	                   sizeof(status), e)) != 0)
		goto out;
	json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:I, s:s?, s:s}", "file", file,
	                                      "cve", r.id, "status", src_state_names[state],
	                                      "products", (json_int_t)r.nproducts, "kev_date",
	                                      r.kev_date, "exploit_status", status));
out:
	free(data);
	cve5_free(&r);
	return rc;
}

/* Adds every CVE-*.json under dir (depth-first, at most 32 levels, symbolic links not
 * followed) to files. */
static int walk_dir(const char *dir, json_t *files, int depth, struct err *e)
{
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (depth > 32)
		return 0;
	if ((d = opendir(dir)) == NULL)
		return err_set(e, ERR_INPUT, "%s: cannot open: %s", dir, strerror(errno));
	while (rc == 0 && (de = readdir(d)) != NULL) {
		struct stat st;
		size_t n = strlen(de->d_name);
		char *path;

		if (de->d_name[0] == '.')
			continue;
		path = xmalloc(strlen(dir) + n + 2);
		snprintf(path, strlen(dir) + n + 2, "%s/%s", dir, de->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			rc = walk_dir(path, files, depth + 1, e);
		else if (S_ISREG(st.st_mode) && n > 9 && strncmp(de->d_name, "CVE-", 4) == 0 &&
		         strcmp(de->d_name + n - 5, ".json") == 0)
			json_array_append_new(files, json_string(path));
		free(path);
	}
	closedir(d);
	return rc;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a),
	              json_string_value(*(json_t *const *)b));
}

int import_cve(struct db *db, const struct act *act, const char *const *paths, size_t n,
               json_t **out, struct err *e)
{
	struct cve_counts c;
	json_t *files = json_array(), *rows = json_array(), *x;
	size_t i;
	int rc = 0;

	memset(&c, 0, sizeof(c));
	*out = NULL;
	for (i = 0; rc == 0 && i < n; i++) {
		struct stat st;
		if (stat(paths[i], &st) != 0) {
			rc =
			    err_set(e, ERR_INPUT, "%s: cannot open: %s", paths[i], strerror(errno));
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			json_t *found = json_array();
			json_t **v;
			size_t k;
			if ((rc = walk_dir(paths[i], found, 0, e)) != 0) {
				json_decref(found);
				break;
			}
			v = xcalloc(json_array_size(found) + 1, sizeof(*v));
			json_array_foreach(found, k, x)
			{
				v[k] = x;
			}
			qsort(v, json_array_size(found), sizeof(*v), str_cmp);
			for (k = 0; k < json_array_size(found); k++)
				json_array_append(files, v[k]);
			free(v);
			json_decref(found);
		} else
			json_array_append_new(files, json_string(paths[i]));
	}
	json_array_foreach(files, i, x)
	{
		if (rc != 0)
			break;
		rc = cve_one(db, act, json_string_value(x), rows, &c, e);
	}
	if (rc == 0)
		rc = event_append(db, act, "import.cve", "vulns",
		                  json_pack("{s:I, s:I, s:I, s:I, s:I}", "records",
		                            (json_int_t)c.records, "new", (json_int_t)c.fresh,
		                            "updated", (json_int_t)c.updated, "marked_active",
		                            (json_int_t)c.active, "todos", (json_int_t)c.todos),
		                  e);
	if (rc == 0)
		*out = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "records",
		                 (json_int_t)c.records, "new", (json_int_t)c.fresh, "updated",
		                 (json_int_t)c.updated, "unchanged", (json_int_t)c.unchanged,
		                 "older", (json_int_t)c.older, "rejected", (json_int_t)c.rejected,
		                 "marked_active", (json_int_t)c.active, "todos",
		                 (json_int_t)c.todos, "rows", rows);
	else
		json_decref(rows);
	json_decref(files);
	return rc;
}

/* ---- KEV ---- */

struct inv_product {
	char *key, *vendor, *product;
	long orgs;
};

/* lowercase words of letters and digits */
static json_t *words(const char *s)
{
	json_t *w = json_object();
	char buf[128];

	while (*s) {
		size_t n = 0;
		while (*s && !isalnum((unsigned char)*s))
			s++;
		while (s[n] && isalnum((unsigned char)s[n]))
			n++;
		if (n && n < sizeof(buf)) {
			for (size_t i = 0; i < n; i++)
				buf[i] = (char)tolower((unsigned char)s[i]);
			buf[n] = '\0';
			json_object_set_new(w, buf, json_true());
		}
		s += n;
	}
	return w;
}

/* squashed: lowercase letters and digits only */
static void squash(const char *s, char *out, size_t outsz)
{
	size_t k = 0;

	for (; *s && k + 1 < outsz; s++)
		if (isalnum((unsigned char)*s))
			out[k++] = (char)tolower((unsigned char)*s);
	out[k] = '\0';
}

/* A KEV entry names an inventory product when the product names are the same, or when the
 * vendor is the same and every word of the inventory product is a word of the KEV product
 * ("citrix:adc" and Citrix "Application Delivery Controller (ADC), Gateway, ..."). */
static int name_match(const struct inv_product *p, const char *kev_vendor, json_t *kev_words,
                      const char *kev_product_sq)
{
	char psq[256], vsq[256];
	json_t *pw;
	const char *k;
	json_t *dummy;
	int all = 1;

	squash(p->product, psq, sizeof(psq));
	if (psq[0] && strcmp(psq, kev_product_sq) == 0)
		return 1;
	squash(p->vendor, vsq, sizeof(vsq));
	if (strcmp(vsq, kev_vendor) != 0)
		return 0;
	pw = words(p->product);
	if (json_object_size(pw) == 0)
		all = 0;
	json_object_foreach(pw, k, dummy)
	{
		all &= json_object_get(kev_words, k) != NULL;
	}
	json_decref(pw);
	return all;
}

/* The organisations with an inventory version of product in the CVE's range, not fixed. */
static int orgs_in_range(struct db *db, const char *cve, const char *product, const char *range,
                         json_t *orgs, struct err *e)
{
	struct range r;
	struct db_stmt *st;
	json_t *fixed = json_array();
	int rc;

	if (range_parse(range, &r, NULL) != 0) {
		json_decref(fixed);
		return 0;
	}
	rc = db_prepare(db, "SELECT version FROM vuln_fixed WHERE cve = ?1 AND product = ?2", &st,
	                e);
	if (rc == 0) {
		db_bind_text(st, 1, cve);
		db_bind_text(st, 2, product);
		while ((rc = db_step(st, e)) == DB_ROW)
			json_array_append_new(fixed, json_string(db_col_text(st, 0)));
		db_done(st);
	}
	if (rc >= 0)
		rc = db_prepare(
		    db, "SELECT org_id, version, vkey FROM inventory WHERE product = ?1", &st, e);
	if (rc >= 0) {
		db_bind_text(st, 1, product);
		while ((rc = db_step(st, e)) == DB_ROW) {
			size_t klen, i;
			const unsigned char *key = db_col_blob(st, 2, &klen);
			json_t *f;
			int is_fixed = 0;
			if (!range_contains_key(&r, key, klen))
				continue;
			json_array_foreach(fixed, i, f)
			{
				is_fixed |=
				    version_compare(json_string_value(f), db_col_text(st, 1)) == 0;
			}
			if (!is_fixed)
				json_object_set_new(orgs, db_col_text(st, 0), json_true());
		}
		db_done(st);
	}
	range_free(&r);
	json_decref(fixed);
	return rc < 0 ? rc : 0;
}

static int orgs_of_product(struct db *db, const char *product, json_t *orgs, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, "SELECT DISTINCT org_id FROM inventory WHERE product = ?1", &st, e);

	if (rc != 0)
		return rc;
	db_bind_text(st, 1, product);
	while ((rc = db_step(st, e)) == DB_ROW)
		json_object_set_new(orgs, db_col_text(st, 0), json_true());
	db_done(st);
	return rc < 0 ? rc : 0;
}

#define KEV_ORGS_LISTED 50

int import_kev(struct db *db, const struct act *act, const char *file, json_t **out, struct err *e)
{
	struct kev_catalog k;
	struct inv_product *inv = NULL;
	struct db_stmt *st;
	char *data = NULL, sha[65];
	json_t *rows = json_array();
	size_t len, ninv = 0, i;
	long fresh = 0, active = 0, todos = 0, runs = 0;
	int rc;

	memset(&k, 0, sizeof(k));
	*out = NULL;
	if ((rc = read_file(file, KEV_FILE_MAX, &data, &len, e)) != 0)
		goto out;
	if ((rc = kev_read(data, len, &k, e)) != 0) {
		err_wrap(e, "%s: ", file);
		goto out;
	}
	sha256_hex(data, len, sha);
	/* the products constituents run */
	if ((rc =
	         db_prepare(db,
	                    "SELECT product, count(DISTINCT org_id) FROM inventory GROUP BY product"
	                    " ORDER BY product",
	                    &st, e)) != 0)
		goto out;
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *key = db_col_text(st, 0), *colon = strchr(key, ':');
		inv = xreallocarray(inv, ninv + 1, sizeof(*inv));
		inv[ninv].key = xstrdup(key);
		inv[ninv].vendor = colon ? xstrndup(key, (size_t)(colon - key)) : xstrdup(key);
		inv[ninv].product = xstrdup(colon ? colon + 1 : key);
		inv[ninv++].orgs = (long)db_col_int(st, 1);
	}
	db_done(st);
	if (rc < 0)
		goto out;
	/* the catalogue as it is now */
	if ((rc = db_exec(db, "DELETE FROM kev_entries", e)) != 0)
		goto out;
	for (i = 0; i < k.n; i++) {
		const struct kev_entry *x = &k.entries[i];
		char kev_date[32], status[32], vsq[256], psq[512], cwe[32] = "";
		json_t *orgs = json_object(), *matched = json_array(), *advs = json_array(), *kw,
		       *olist;
		const char *match = "", *o;
		json_t *dummy;
		int is_new, raised = 0, added = 0;

		rc = EXEC(
		    db, e,
		    "INSERT INTO kev_entries (cve, vendor_project, product, name, date_added,"
		    " due_date, ransomware, short_description, required_action, notes, cwes,"
		    " catalog_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
		    x->cve, x->vendor_project, x->product, x->name, x->date_added, x->due_date,
		    x->ransomware, x->short_description, x->required_action, x->notes, x->cwes,
		    k.version);
		if (rc == 0)
			rc = vuln_ensure(db, act, x->cve, x->name, e);
		if (rc == 0) {
			json_t *cw = json_loads(x->cwes, 0, NULL);
			if (json_is_string(json_array_get(cw, 0)))
				snprintf(cwe, sizeof(cwe), "%s",
				         json_string_value(json_array_get(cw, 0)));
			json_decref(cw);
			rc = vuln_fill(db, x->cve, x->short_description, cwe[0] ? cwe : NULL, NULL,
			               NULL, NULL, e);
		}
		if (rc == 0)
			rc = col_text(db, "SELECT kev_date FROM vulns WHERE cve = ?1", x->cve,
			              kev_date, sizeof(kev_date), e);
		is_new = rc == 0 && kev_date[0] == '\0';
		if (rc == 0 && is_new) {
			fresh++;
			rc = import_mark_exploited(db, act, x->cve, x->date_added, "CISA KEV",
			                           &raised, &added, e);
			active += raised;
			todos += added;
		}
		if (rc == 0)
			rc = col_text(db, "SELECT exploit_status FROM vulns WHERE cve = ?1", x->cve,
			              status, sizeof(status), e);
		/* who runs it: by the record's ranges first, else by the product's name */
		if (rc == 0 && (rc = db_prepare(db,
		                                "SELECT product, range FROM vuln_products WHERE"
		                                " cve = ?1 ORDER BY product",
		                                &st, e)) == 0) {
			json_t *ranges = json_array(), *y;
			size_t j;
			db_bind_text(st, 1, x->cve);
			while ((rc = db_step(st, e)) == DB_ROW)
				json_array_append_new(
				    ranges,
				    json_pack("[s, s]", db_col_text(st, 0), db_col_text(st, 1)));
			db_done(st);
			rc = rc < 0 ? rc : 0;
			json_array_foreach(ranges, j, y)
			{
				size_t before = json_object_size(orgs);
				if (rc == 0)
					rc = orgs_in_range(
					    db, x->cve, json_string_value(json_array_get(y, 0)),
					    json_string_value(json_array_get(y, 1)), orgs, e);
				if (json_object_size(orgs) > before)
					json_array_append(matched, json_array_get(y, 0));
			}
			if (json_object_size(orgs))
				match = "range";
			json_decref(ranges);
		}
		if (rc == 0 && json_object_size(orgs) == 0) {
			squash(x->vendor_project, vsq, sizeof(vsq));
			squash(x->product, psq, sizeof(psq));
			kw = words(x->product);
			for (size_t j = 0; rc == 0 && j < ninv; j++)
				if (name_match(&inv[j], vsq, kw, psq)) {
					json_array_append_new(matched, json_string(inv[j].key));
					rc = orgs_of_product(db, inv[j].key, orgs, e);
				}
			json_decref(kw);
			if (json_object_size(orgs))
				match = "name";
		}
		if (rc == 0 && (rc = db_prepare(db,
		                                "SELECT DISTINCT advisory_id FROM advisory_cves"
		                                " WHERE cve = ?1 ORDER BY 1",
		                                &st, e)) == 0) {
			db_bind_text(st, 1, x->cve);
			while ((rc = db_step(st, e)) == DB_ROW)
				json_array_append_new(advs, json_string(db_col_text(st, 0)));
			db_done(st);
			rc = rc < 0 ? rc : 0;
		}
		olist = json_array();
		json_object_foreach(orgs, o, dummy)
		{
			if (json_array_size(olist) < KEV_ORGS_LISTED)
				json_array_append_new(olist, json_string(o));
		}
		runs += json_object_size(orgs) > 0;
		json_array_append_new(
		    rows,
		    json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:b, s:s, s:I, s:o, s:o, s:o}", "cve",
		              x->cve, "vendor_project", x->vendor_project, "product", x->product,
		              "date_added", x->date_added, "new", is_new, "exploit_status", status,
		              "runs", json_object_size(orgs) > 0, "match", match, "organisations",
		              (json_int_t)json_object_size(orgs), "orgs", olist, "products",
		              matched, "advisories", advs));
		json_decref(orgs);
		if (rc)
			goto out;
	}
	{
		struct source_row s;
		memset(&s, 0, sizeof(s));
		s.source = "kev";
		s.kind = "kev";
		s.doc_id = k.version;
		s.publisher = "CISA";
		s.version = k.version;
		s.released = k.released;
		s.title = k.title;
		s.sha = sha;
		s.file = file;
		if ((rc = source_save(db, act, &s, e)) != 0)
			goto out;
	}
	rc =
	    event_append(db, act, "import.kev", "vulns",
	                 json_pack("{s:s, s:I, s:I, s:I, s:I}", "catalog_version", k.version,
	                           "entries", (json_int_t)k.n, "new", (json_int_t)fresh,
	                           "marked_active", (json_int_t)active, "todos", (json_int_t)todos),
	                 e);
	if (rc == 0) {
		*out = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:O}", "catalog_version",
		                 k.version, "entries", (json_int_t)k.n, "new", (json_int_t)fresh,
		                 "marked_active", (json_int_t)active, "todos", (json_int_t)todos,
		                 "runs", (json_int_t)runs, "rows", rows);
	}
out:
	for (i = 0; i < ninv; i++) {
		free(inv[i].key);
		free(inv[i].vendor);
		free(inv[i].product);
	}
	free(inv);
	json_decref(rows);
	free(data);
	kev_free(&k);
	return rc;
}

/* ---- what vuln show adds ---- */

int import_vuln_details(struct db *db, const char *cve, json_t *o, struct err *e)
{
	struct db_stmt *st;
	json_t *a;
	int rc;

	rc = db_prepare(
	    db, "SELECT description, cwe, cvss_score, cvss_vector FROM vulns WHERE cve = ?1", &st,
	    e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, cve);
	if ((rc = db_step(st, e)) == DB_ROW) {
		static const char *const keys[] = {"description", "cwe", "cvss_score",
		                                   "cvss_vector"};
		for (int i = 0; i < 4; i++)
			if (!db_col_is_null(st, i))
				json_object_set_new(o, keys[i], json_string(db_col_text(st, i)));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	rc = db_prepare(
	    db,
	    "SELECT category, details, date, url, products, source FROM vuln_remediations"
	    " WHERE cve = ?1 ORDER BY source, pos",
	    &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, cve);
	a = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *p = json_loads(db_col_text(st, 4), 0, NULL);
		json_array_append_new(
		    a, json_pack("{s:s, s:s, s:s?, s:s?, s:o, s:s}", "category", db_col_text(st, 0),
		                 "details", db_col_text(st, 1), "date", db_col_text(st, 2), "url",
		                 db_col_text(st, 3), "products", p ? p : json_array(), "source",
		                 db_col_text(st, 5)));
	}
	db_done(st);
	if (json_array_size(a))
		json_object_set_new(o, "remediations", a);
	else
		json_decref(a);
	if (rc < 0)
		return rc;
	rc = db_prepare(
	    db, "SELECT url, summary, source FROM vuln_references WHERE cve = ?1 ORDER BY url", &st,
	    e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, cve);
	a = json_array();
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(a, json_pack("{s:s, s:s?, s:s}", "url", db_col_text(st, 0),
		                                   "summary", db_col_text(st, 1), "source",
		                                   db_col_text(st, 2)));
	db_done(st);
	if (json_array_size(a))
		json_object_set_new(o, "references", a);
	else
		json_decref(a);
	if (rc < 0)
		return rc;
	rc = db_prepare(db,
	                "SELECT s.source, s.kind, s.doc_id, s.publisher, s.version, s.released,"
	                " s.likelihood, s.impact FROM vuln_source_cves c JOIN vuln_sources s"
	                " ON s.source = c.source WHERE c.cve = ?1 ORDER BY s.released, s.source",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, cve);
	a = json_array();
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(
		    a, json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?}", "source",
		                 db_col_text(st, 0), "kind", db_col_text(st, 1), "id",
		                 db_col_text(st, 2), "publisher", db_col_text(st, 3), "version",
		                 db_col_text(st, 4), "released", db_col_text(st, 5), "likelihood",
		                 db_col_text(st, 6), "impact", db_col_text(st, 7)));
	db_done(st);
	if (json_array_size(a))
		json_object_set_new(o, "sources", a);
	else
		json_decref(a);
	if (rc < 0)
		return rc;
	rc = db_prepare(db,
	                "SELECT vendor_project, product, name, date_added, due_date, ransomware,"
	                " required_action, catalog_version FROM kev_entries WHERE cve = ?1",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, cve);
	if ((rc = db_step(st, e)) == DB_ROW)
		json_object_set_new(o, "kev",
		                    json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s}",
		                              "vendor_project", db_col_text(st, 0), "product",
		                              db_col_text(st, 1), "name", db_col_text(st, 2),
		                              "date_added", db_col_text(st, 3), "due_date",
		                              db_col_text(st, 4), "ransomware", db_col_text(st, 5),
		                              "required_action", db_col_text(st, 6),
		                              "catalog_version", db_col_text(st, 7)));
	db_done(st);
	return rc < 0 ? rc : 0;
}
