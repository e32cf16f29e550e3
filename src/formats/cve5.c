/* cve5.c: CVE JSON 5 records. */
#include "formats/cve5.h"

#include "core/buf.h"
#include "core/xalloc.h"
#include "domain/cveid.h"
#include "domain/product.h"
#include "domain/range.h"
#include "domain/rangeset.h"
#include "domain/version.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct piece_set {
	char *key;
	struct csaf_strv pieces, fixed;
};

struct cve_parse {
	struct cve_record *r;
	struct piece_set *p;
	size_t np;
	struct err *e;
	double best; /* rank of the CVSS kept */
};

static const char *sget(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static char *dupz(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void cve5_free(struct cve_record *r)
{
	free(r->id);
	free(r->state);
	free(r->title);
	free(r->description);
	free(r->cwe_id);
	free(r->cwe_name);
	free(r->cvss_vector);
	free(r->date_published);
	free(r->date_updated);
	free(r->date_public);
	free(r->kev_date);
	free(r->exploitation);
	for (size_t i = 0; i < r->nproducts; i++) {
		free(r->products[i].key);
		free(r->products[i].range);
		for (size_t j = 0; j < r->products[i].fixed.n; j++)
			free(r->products[i].fixed.v[j]);
		free(r->products[i].fixed.v);
	}
	free(r->products);
	for (size_t i = 0; i < r->nrefs; i++) {
		free(r->refs[i].url);
		free(r->refs[i].name);
	}
	free(r->refs);
	memset(r, 0, sizeof(*r));
}

static int no_name(const char *s)
{
	return s == NULL || s[0] == '\0' || strcasecmp(s, "n/a") == 0 ||
	       strcasecmp(s, "unknown") == 0 || strcasecmp(s, "unspecified") == 0 ||
	       strcmp(s, "*") == 0 || strcmp(s, "-") == 0;
}

static struct piece_set *set_for(struct cve_parse *s, const char *key)
{
	for (size_t i = 0; i < s->np; i++)
		if (strcmp(s->p[i].key, key) == 0)
			return &s->p[i];
	s->p = xreallocarray(s->p, s->np + 1, sizeof(*s->p));
	memset(&s->p[s->np], 0, sizeof(*s->p));
	s->p[s->np].key = xstrdup(key);
	return &s->p[s->np++];
}

/* a version usable in a range, or NULL (the caller counts it skipped) */
static char *norm(const char *v)
{
	char out[VERSION_MAX + 1];

	if (no_name(v) || strchr(v, '*'))
		return NULL;
	if (csaf_version_normalize(v, out, sizeof(out), NULL) != 0)
		return NULL;
	return xstrdup(out);
}

static void add_piece(struct piece_set *p, const char *lo_op, const char *lo, const char *hi_op,
                      const char *hi)
{
	struct buf b;
	struct range r;

	buf_init(&b, 4 * RANGE_MAX_TEXT);
	if (lo)
		buf_printf(&b, "%s%s", lo_op, lo);
	if (lo && hi)
		buf_addc(&b, '|');
	if (hi)
		buf_printf(&b, "%s%s", hi_op, hi);
	if (!lo && !hi)
		buf_adds(&b, "*");
	/* a piece whose bounds contradict each other (upper below lower) is dropped */
	if (range_parse(buf_str(&b), &r, NULL) == 0) {
		range_free(&r);
		csaf_strv_add(&p->pieces, buf_str(&b));
	}
	buf_free(&b);
}

static void add_fixed(struct piece_set *p, const char *v)
{
	for (size_t i = 0; i < p->fixed.n; i++)
		if (version_compare(p->fixed.v[i], v) == 0)
			return;
	csaf_strv_add(&p->fixed, v);
}

static int is_zero(const char *v)
{
	return v == NULL || strcmp(v, "0") == 0 || no_name(v);
}

/* One entry of versions[] of an affected product. */
static void read_version(struct cve_parse *s, struct piece_set *p, json_t *v)
{
	const char *status = sget(v, "status"), *type = sget(v, "versionType");
	const char *ver = sget(v, "version"), *lt = sget(v, "lessThan"),
	           *le = sget(v, "lessThanOrEqual");
	char *lo = NULL, *hi = NULL;
	json_t *ch;
	size_t i;

	if (status == NULL || (type && strcasecmp(type, "git") == 0)) {
		s->r->skipped++;
		return;
	}
	if (strcmp(status, "unaffected") == 0) {
		char *f = norm(ver);
		if (f)
			add_fixed(p, f);
		free(f);
		return;
	}
	if (strcmp(status, "affected") != 0)
		return;
	if (!is_zero(ver) && (lo = norm(ver)) == NULL) {
		s->r->skipped++;
		return;
	}
	if (lt || le) {
		const char *bound = lt ? lt : le;
		if (strcmp(bound, "*") != 0) {
			/* "version 13.1, lessThan 49.15, versionType patch": the build of 13.1 */
			if (type && strcasecmp(type, "patch") == 0 && lo &&
			    strncmp(bound, ver, strlen(ver)) != 0) {
				char joined[2 * VERSION_MAX + 2];
				snprintf(joined, sizeof(joined), "%s-%s", ver, bound);
				hi = norm(joined);
			} else
				hi = norm(bound);
			if (hi == NULL) {
				s->r->skipped++;
				free(lo);
				return;
			}
			if (lt)
				add_fixed(p, hi);
		}
		/* changes: where the status flips inside the range */
		if (json_array_size(json_object_get(v, "changes")) && hi) {
			char *from = lo ? xstrdup(lo) : NULL;
			int affected = 1;
			json_array_foreach(json_object_get(v, "changes"), i, ch)
			{
				char *at = norm(sget(ch, "at"));
				const char *st = sget(ch, "status");
				if (at == NULL || st == NULL) {
					free(at);
					continue;
				}
				if (affected && strcmp(st, "unaffected") == 0) {
					add_piece(p, ">=", from, "<", at);
					add_fixed(p, at);
					affected = 0;
				} else if (!affected && strcmp(st, "affected") == 0) {
					free(from);
					from = xstrdup(at);
					affected = 1;
				}
				free(at);
			}
			if (affected)
				add_piece(p, ">=", from, lt ? "<" : "<=", hi);
			free(from);
		} else
			add_piece(p, ">=", lo, lt ? "<" : "<=", hi);
	} else if (lo)
		csaf_strv_add(&p->pieces, lo);
	else if (ver && strcmp(ver, "*") == 0)
		add_piece(p, NULL, NULL, NULL, NULL);
	else
		s->r->skipped++;
	free(lo);
	free(hi);
}

static int read_affected(struct cve_parse *s, json_t *a, const char *base)
{
	json_t *x, *v;
	size_t i, j;

	if (a == NULL)
		return 0;
	if (!json_is_array(a))
		return err_set(s->e, ERR_INPUT, "%s/affected: expected an array", base);
	json_array_foreach(a, i, x)
	{
		struct product_ref ref;
		struct piece_set *p = NULL;
		json_t *cpes = json_object_get(x, "cpes"),
		       *versions = json_object_get(x, "versions");
		const char *vendor = sget(x, "vendor"), *product = sget(x, "product");

		if (!json_is_object(x))
			return err_set(s->e, ERR_INPUT, "%s/affected/%zu: expected an object", base,
			               i);
		if (versions && !json_is_array(versions))
			return err_set(s->e, ERR_INPUT,
			               "%s/affected/%zu/versions: expected an array", base, i);
		json_array_foreach(cpes, j, v)
		{
			if (p == NULL && json_is_string(v) &&
			    product_parse(json_string_value(v), &ref, NULL) == 0)
				p = set_for(s, ref.name);
		}
		if (p == NULL && !no_name(vendor) && !no_name(product)) {
			char *a1 = product_key_part(vendor), *a2 = product_key_part(product),
			     key[256];
			snprintf(key, sizeof(key), "%s:%s", a1, a2);
			free(a1);
			free(a2);
			if (product_name_check(key, NULL) == 0)
				p = set_for(s, key);
		}
		if (p == NULL) {
			if (!no_name(vendor) || !no_name(product))
				s->r->skipped++;
			continue;
		}
		json_array_foreach(versions, j, v)
		{
			if (!json_is_object(v))
				return err_set(s->e, ERR_INPUT,
				               "%s/affected/%zu/versions/%zu: expected an object",
				               base, i, j);
			read_version(s, p, v);
		}
		if (json_array_size(versions) == 0 && sget(x, "defaultStatus") &&
		    strcmp(sget(x, "defaultStatus"), "affected") == 0)
			add_piece(p, NULL, NULL, NULL, NULL);
	}
	return 0;
}

/* cpeApplicability: the vulnerable CPE matches of nodes that are not negated */
static void read_cpe_applicability(struct cve_parse *s, json_t *a)
{
	json_t *conf, *node, *m;
	size_t i, j, k;

	json_array_foreach(a, i, conf)
	{
		json_array_foreach(json_object_get(conf, "nodes"), j, node)
		{
			if (json_is_true(json_object_get(node, "negate")))
				continue;
			json_array_foreach(json_object_get(node, "cpeMatch"), k, m)
			{
				struct product_ref ref;
				struct piece_set *p;
				char *lo, *hi;
				const char *los = sget(m, "versionStartIncluding") ? ">=" : ">";
				const char *his = sget(m, "versionEndIncluding") ? "<=" : "<";
				if (!json_is_true(json_object_get(m, "vulnerable")) ||
				    !sget(m, "criteria") ||
				    product_parse(sget(m, "criteria"), &ref, NULL) != 0) {
					s->r->skipped += sget(m, "criteria") != NULL;
					continue;
				}
				p = set_for(s, ref.name);
				if (ref.version[0]) {
					char *v = norm(ref.version);
					if (v)
						csaf_strv_add(&p->pieces, v);
					else
						s->r->skipped++;
					free(v);
					continue;
				}
				lo = norm(sget(m, "versionStartIncluding")
				              ? sget(m, "versionStartIncluding")
				              : sget(m, "versionStartExcluding"));
				hi = norm(sget(m, "versionEndIncluding")
				              ? sget(m, "versionEndIncluding")
				              : sget(m, "versionEndExcluding"));
				add_piece(p, los, lo, his, hi);
				if (hi && sget(m, "versionEndExcluding"))
					add_fixed(p, hi);
				free(lo);
				free(hi);
			}
		}
	}
}

static void read_metrics(struct cve_parse *s, json_t *metrics)
{
	static const struct {
		const char *key;
		double rank;
	} kinds[] = {{"cvssV4_0", 400}, {"cvssV3_1", 310}, {"cvssV3_0", 300}, {"cvssV2_0", 200}};
	json_t *m, *o;
	size_t i, j;

	json_array_foreach(metrics, i, m)
	{
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			json_t *c = json_object_get(m, kinds[k].key);
			double rank;
			if (!sget(c, "vectorString") ||
			    !json_is_number(json_object_get(c, "baseScore")))
				continue;
			rank = kinds[k].rank * 100 +
			       json_number_value(json_object_get(c, "baseScore"));
			if (rank > s->best) {
				s->best = rank;
				free(s->r->cvss_vector);
				s->r->cvss_vector = xstrdup(sget(c, "vectorString"));
				s->r->cvss_score =
				    json_number_value(json_object_get(c, "baseScore"));
			}
		}
		o = json_object_get(m, "other");
		if (sget(o, "type") && strcmp(sget(o, "type"), "kev") == 0) {
			const char *d = sget(json_object_get(o, "content"), "dateAdded");
			if (d && strlen(d) >= 10 && s->r->kev_date == NULL)
				s->r->kev_date = xstrndup(d, 10);
		}
		if (sget(o, "type") && strcmp(sget(o, "type"), "ssvc") == 0) {
			json_t *opt;
			json_array_foreach(
			    json_object_get(json_object_get(o, "content"), "options"), j, opt)
			{
				const char *x = sget(opt, "Exploitation");
				if (x && s->r->exploitation == NULL)
					s->r->exploitation = xstrdup(x);
			}
		}
	}
}

static void read_cwe(struct cve_parse *s, json_t *problem_types)
{
	json_t *pt, *d;
	size_t i, j;

	json_array_foreach(problem_types, i, pt)
	{
		json_array_foreach(json_object_get(pt, "descriptions"), j, d)
		{
			const char *id = sget(d, "cweId"), *text = sget(d, "description");
			if (id == NULL || s->r->cwe_id)
				continue;
			s->r->cwe_id = xstrdup(id);
			if (text) {
				/* "CWE-22 Improper Limitation ..." -> the name */
				size_t n = strlen(id);
				if (strncmp(text, id, n) == 0) {
					text += n;
					while (*text == ' ' || *text == ':')
						text++;
				}
				if (*text)
					s->r->cwe_name = xstrdup(text);
			}
		}
	}
}

static void read_refs(struct cve_parse *s, json_t *refs)
{
	json_t *x;
	size_t i;

	json_array_foreach(refs, i, x)
	{
		const char *url = sget(x, "url");
		size_t k;
		if (url == NULL || strlen(url) > 2048 ||
		    (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0))
			continue;
		for (k = 0; k < s->r->nrefs; k++)
			if (strcmp(s->r->refs[k].url, url) == 0)
				break;
		if (k < s->r->nrefs)
			continue;
		s->r->refs = xreallocarray(s->r->refs, s->r->nrefs + 1, sizeof(*s->r->refs));
		s->r->refs[s->r->nrefs].url = xstrdup(url);
		s->r->refs[s->r->nrefs++].name = dupz(sget(x, "name"));
	}
}

static int read_container(struct cve_parse *s, json_t *c, const char *base, int cna)
{
	json_t *d;
	size_t i;
	int rc;

	if (!json_is_object(c))
		return err_set(s->e, ERR_INPUT, "%s: expected an object", base);
	if (cna && sget(c, "title") && s->r->title == NULL)
		s->r->title = xstrdup(sget(c, "title"));
	if (sget(c, "datePublic") && s->r->date_public == NULL)
		s->r->date_public = xstrdup(sget(c, "datePublic"));
	json_array_foreach(json_object_get(c, "descriptions"), i, d)
	{
		const char *lang = sget(d, "lang"), *v = sget(d, "value");
		if (s->r->description == NULL && v && lang && strncasecmp(lang, "en", 2) == 0)
			s->r->description = xstrdup(v);
	}
	if ((rc = read_affected(s, json_object_get(c, "affected"), base)) != 0)
		return rc;
	read_cpe_applicability(s, json_object_get(c, "cpeApplicability"));
	read_metrics(s, json_object_get(c, "metrics"));
	read_cwe(s, json_object_get(c, "problemTypes"));
	read_refs(s, json_object_get(c, "references"));
	return 0;
}

int cve5_parse(json_t *root, struct cve_record *out, struct err *e)
{
	struct cve_parse s;
	json_t *meta, *cont, *adp, *x;
	const char *dt, *dv;
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	s.r = out;
	s.e = e;
	s.best = -1;
	if (!json_is_object(root))
		return err_set(e, ERR_INPUT, "/: expected a JSON object (a CVE record)");
	dt = sget(root, "dataType");
	dv = sget(root, "dataVersion");
	if (dt == NULL || strcmp(dt, "CVE_RECORD") != 0)
		return err_set(e, ERR_INPUT, "/dataType: expected \"CVE_RECORD\" (CVE JSON 5)");
	if (dv == NULL || strncmp(dv, "5.", 2) != 0)
		return err_set(e, ERR_INPUT, "/dataVersion: \"%.20s\": expected 5.x",
		               dv ? dv : "(missing)");
	meta = json_object_get(root, "cveMetadata");
	if (!json_is_object(meta))
		return err_set(e, ERR_INPUT, "/cveMetadata: missing");
	if (sget(meta, "cveId") == NULL ||
	    !cveid_valid(sget(meta, "cveId"), strlen(sget(meta, "cveId")), 1))
		return err_set(e, ERR_INPUT, "/cveMetadata/cveId: \"%.40s\" is not a CVE id",
		               sget(meta, "cveId") ? sget(meta, "cveId") : "(missing)");
	if (!sget(meta, "state") ||
	    (strcmp(sget(meta, "state"), "PUBLISHED") && strcmp(sget(meta, "state"), "REJECTED")))
		return err_set(e, ERR_INPUT, "/cveMetadata/state: expected PUBLISHED or REJECTED");
	out->id = xstrdup(sget(meta, "cveId"));
	out->state = xstrdup(sget(meta, "state"));
	out->date_published = dupz(sget(meta, "datePublished"));
	out->date_updated = dupz(sget(meta, "dateUpdated"));
	cont = json_object_get(root, "containers");
	if (!json_is_object(cont) || !json_is_object(json_object_get(cont, "cna"))) {
		rc = err_set(e, ERR_INPUT, "/containers/cna: missing");
		goto out;
	}
	if (strcmp(out->state, "REJECTED") == 0)
		goto out;
	if ((rc = read_container(&s, json_object_get(cont, "cna"), "/containers/cna", 1)) != 0)
		goto out;
	adp = json_object_get(cont, "adp");
	if (adp && !json_is_array(adp)) {
		rc = err_set(e, ERR_INPUT, "/containers/adp: expected an array");
		goto out;
	}
	json_array_foreach(adp, i, x)
	{
		char base[64];
		snprintf(base, sizeof(base), "/containers/adp/%zu", i);
		if ((rc = read_container(&s, x, base, 0)) != 0)
			goto out;
	}
	/* one range per product */
	if (s.np)
		out->products = xcalloc(s.np, sizeof(*out->products));
	for (i = 0; i < s.np; i++) {
		struct cve_product *p = &out->products[out->nproducts++];
		p->key = xstrdup(s.p[i].key);
		p->fixed = s.p[i].fixed;
		memset(&s.p[i].fixed, 0, sizeof(s.p[i].fixed));
		if (s.p[i].pieces.n) {
			struct buf b;
			buf_init(&b, 8 * RANGE_MAX_TEXT);
			if (rangeset_cover((const char *const *)s.p[i].pieces.v, s.p[i].pieces.n,
			                   &b, &p->widened, NULL) == 0 &&
			    b.len)
				p->range = buf_take(&b);
			else
				out->skipped++;
			buf_free(&b);
		}
	}
out:
	for (i = 0; i < s.np; i++) {
		free(s.p[i].key);
		for (size_t j = 0; j < s.p[i].pieces.n; j++)
			free(s.p[i].pieces.v[j]);
		free(s.p[i].pieces.v);
		for (size_t j = 0; j < s.p[i].fixed.n; j++)
			free(s.p[i].fixed.v[j]);
		free(s.p[i].fixed.v);
	}
	free(s.p);
	if (rc)
		cve5_free(out);
	return rc;
}

int cve5_read(const char *data, size_t len, struct cve_record *out, struct err *e)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > CVE5_RECORD_MAX)
		return err_set(e, ERR_INPUT, "larger than %u bytes", CVE5_RECORD_MAX);
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return err_set(e, ERR_INPUT, "line %d, column %d: malformed JSON: %s", jerr.line,
		               jerr.column, jerr.text);
	rc = cve5_parse(root, out, e);
	json_decref(root);
	return rc;
}
