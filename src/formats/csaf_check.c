/* csaf_check.c: the mandatory tests of CSAF 2.0 (section 6.1) and the structure Baken relies
 * on, run on a parsed document before anything is read from it. The first fault found is
 * reported with its JSON pointer, as BSI's validator reports it. */
#include "formats/csaf.h"

#include "core/buf.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "formats/cvss.h"
#include "formats/cwe.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct chk {
	json_t *doc;
	struct err *e;
	int failed;
	json_t *products; /* product_id -> JSON pointer of its definition */
	json_t *groups;   /* group_id -> product_ids (array) */
	char path[1024];
};

static int chk_fail(struct chk *c, const char *path, const char *test, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int chk_fail(struct chk *c, const char *path, const char *test, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	if (c->failed)
		return ERR_INPUT;
	c->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (test)
		return err_set(c->e, ERR_INPUT, "%s: %s: %s", path[0] ? path : "/", test, msg);
	return err_set(c->e, ERR_INPUT, "%s: %s", path[0] ? path : "/", msg);
}

/* A JSON pointer: base + "/" + each part (strings, or numbers for array indices). */
static const char *ptr(char *out, size_t outsz, const char *base, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static const char *ptr(char *out, size_t outsz, const char *base, const char *fmt, ...)
{
	va_list ap;
	size_t n = strlcpy_safe(out, base, outsz);

	if (n < outsz) {
		va_start(ap, fmt);
		vsnprintf(out + n, outsz - n, fmt, ap);
		va_end(ap);
	}
	return out;
}

static const char *sget(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ---- structure ---- */

/* o[k] must be a string (non-empty when required); 0 or ERR_INPUT. */
static int need_str(struct chk *c, json_t *o, const char *base, const char *k, int required)
{
	json_t *v = json_object_get(o, k);
	char p[1100];

	if (v == NULL && !required)
		return 0;
	ptr(p, sizeof(p), base, "/%s", k);
	if (v == NULL)
		return chk_fail(c, base, NULL, "missing required member \"%s\"", k);
	if (!json_is_string(v))
		return chk_fail(c, p, NULL, "expected a string");
	if (json_string_length(v) == 0)
		return chk_fail(c, p, NULL, "must not be empty");
	return 0;
}

static int need_enum(struct chk *c, json_t *o, const char *base, const char *k, int required,
                     const char *const *values)
{
	const char *s;
	char p[1100];
	int rc;

	if ((rc = need_str(c, o, base, k, required)) != 0)
		return rc;
	if ((s = sget(o, k)) == NULL)
		return 0;
	for (size_t i = 0; values[i]; i++)
		if (strcmp(values[i], s) == 0)
			return 0;
	return chk_fail(c, ptr(p, sizeof(p), base, "/%s", k), NULL, "\"%.100s\" is not allowed", s);
}

static int need_array(struct chk *c, json_t *o, const char *base, const char *k, int required)
{
	json_t *v = json_object_get(o, k);
	char p[1100];

	if (v == NULL)
		return required ? chk_fail(c, base, NULL, "missing required member \"%s\"", k) : 0;
	if (!json_is_array(v))
		return chk_fail(c, ptr(p, sizeof(p), base, "/%s", k), NULL, "expected an array");
	if (json_array_size(v) == 0)
		return chk_fail(c, ptr(p, sizeof(p), base, "/%s", k), NULL,
		                "expected at least one item");
	return 0;
}

static int need_obj(struct chk *c, json_t *o, const char *base, const char *k, int required)
{
	json_t *v = json_object_get(o, k);
	char p[1100];

	if (v == NULL)
		return required ? chk_fail(c, base, NULL, "missing required member \"%s\"", k) : 0;
	if (!json_is_object(v))
		return chk_fail(c, ptr(p, sizeof(p), base, "/%s", k), NULL, "expected an object");
	return 0;
}

/* An array of strings (product ids, group ids); each non-empty. */
static int need_strings(struct chk *c, json_t *o, const char *base, const char *k)
{
	json_t *a = json_object_get(o, k), *x;
	size_t i;
	char p[1100];
	int rc;

	if ((rc = need_array(c, o, base, k, 0)) != 0 || a == NULL)
		return rc;
	json_array_foreach(a, i, x)
	{
		if (!json_is_string(x) || json_string_length(x) == 0)
			return chk_fail(c, ptr(p, sizeof(p), base, "/%s/%zu", k, i), NULL,
			                "expected a non-empty string");
	}
	return 0;
}

static const char *const note_categories[] = {"description",      "details", "faq",     "general",
                                              "legal_disclaimer", "other",   "summary", NULL};

static int check_notes(struct chk *c, json_t *o, const char *base)
{
	json_t *a = json_object_get(o, "notes"), *n;
	size_t i;
	char p[1100];
	int rc;

	if ((rc = need_array(c, o, base, "notes", 0)) != 0)
		return rc;
	json_array_foreach(a, i, n)
	{
		ptr(p, sizeof(p), base, "/notes/%zu", i);
		if (!json_is_object(n))
			return chk_fail(c, p, NULL, "expected an object");
		if ((rc = need_enum(c, n, p, "category", 1, note_categories)) != 0 ||
		    (rc = need_str(c, n, p, "text", 1)) != 0 ||
		    (rc = need_str(c, n, p, "title", 0)) != 0)
			return rc;
	}
	return 0;
}

static int check_refs(struct chk *c, json_t *o, const char *base)
{
	static const char *const cats[] = {"external", "self", NULL};
	json_t *a = json_object_get(o, "references"), *r;
	size_t i;
	char p[1100];
	int rc;

	if ((rc = need_array(c, o, base, "references", 0)) != 0)
		return rc;
	json_array_foreach(a, i, r)
	{
		ptr(p, sizeof(p), base, "/references/%zu", i);
		if (!json_is_object(r))
			return chk_fail(c, p, NULL, "expected an object");
		if ((rc = need_enum(c, r, p, "category", 0, cats)) != 0 ||
		    (rc = need_str(c, r, p, "summary", 1)) != 0 ||
		    (rc = need_str(c, r, p, "url", 1)) != 0)
			return rc;
	}
	return 0;
}

/* ---- versions (integer or semantic) ---- */

struct ver {
	int semver;
	unsigned long long major, minor, patch;
	const char *pre; /* pre-release, without '-', or NULL */
	size_t prelen;
};

static int num_part(const char **p, unsigned long long *out)
{
	const char *s = *p;
	unsigned long long v = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	if (*s == '0' && isdigit((unsigned char)s[1]))
		return -1;
	while (isdigit((unsigned char)*s)) {
		if (v > 1000000000000ULL)
			return -1;
		v = v * 10 + (unsigned long long)(*s++ - '0');
	}
	*p = s;
	*out = v;
	return 0;
}

static int ident_chars(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.')
			return 0;
	return 1;
}

/* 0 when s is an integer version or a semantic version (2.0.0) */
static int ver_parse(const char *s, struct ver *v)
{
	const char *p = s;

	memset(v, 0, sizeof(*v));
	if (s == NULL || num_part(&p, &v->major) != 0)
		return -1;
	if (*p == '\0')
		return 0;
	v->semver = 1;
	if (*p++ != '.' || num_part(&p, &v->minor) != 0 || *p++ != '.' ||
	    num_part(&p, &v->patch) != 0)
		return -1;
	if (*p == '-') {
		const char *end = strchr(p, '+');
		v->pre = p + 1;
		v->prelen = end ? (size_t)(end - v->pre) : strlen(v->pre);
		if (!ident_chars(v->pre, v->prelen))
			return -1;
		p = v->pre + v->prelen;
	}
	if (*p == '+') {
		if (!ident_chars(p + 1, strlen(p + 1)))
			return -1;
		p += strlen(p);
	}
	return *p == '\0' ? 0 : -1;
}

/* semver precedence of two pre-release strings */
static int pre_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	while (an && bn) {
		size_t i = 0, j = 0;
		int anum = 1, bnum = 1, r;

		while (i < an && a[i] != '.')
			anum &= isdigit((unsigned char)a[i++]) != 0;
		while (j < bn && b[j] != '.')
			bnum &= isdigit((unsigned char)b[j++]) != 0;
		if (anum && bnum && i != j)
			return i < j ? -1 : 1;
		if (anum != bnum)
			return anum ? -1 : 1;
		r = strncmp(a, b, i < j ? i : j);
		if (r == 0 && i != j)
			r = i < j ? -1 : 1;
		if (r)
			return r;
		a += i + (i < an);
		an -= i + (i < an);
		b += j + (j < bn);
		bn -= j + (j < bn);
	}
	return an ? 1 : bn ? -1 : 0;
}

/* compares two versions; ignore_pre: pre-release parts do not count */
static int ver_cmp(const struct ver *a, const struct ver *b, int ignore_pre)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	if (ignore_pre || (a->pre == NULL && b->pre == NULL))
		return 0;
	if (a->pre == NULL)
		return 1;
	if (b->pre == NULL)
		return -1;
	return pre_cmp(a->pre, a->prelen, b->pre, b->prelen);
}

/* microseconds since the epoch of a CSAF date-time (fits for years 0-9999); -1 when it does
 * not parse */
static int64_t date_ns(const char *s)
{
	int64_t t;
	const char *T, *dot;
	int64_t ms = 0, mul = 100000;

	if (s == NULL || strlen(s) < 20 || time_parse(s, &t, NULL) != 0)
		return -1;
	T = strchr(s, 'T');
	dot = T ? strchr(T, '.') : NULL;
	if (dot)
		for (const char *p = dot + 1; isdigit((unsigned char)*p) && mul; p++, mul /= 10)
			ms += (*p - '0') * mul;
	return t * 1000000 + ms;
}

/* ---- the document ---- */

static const char *const publisher_categories[] = {
    "coordinator", "discoverer", "other", "translator", "user", "vendor", NULL};
static const char *const statuses[] = {"draft", "final", "interim", NULL};
static const char *const tlp_labels[] = {"AMBER", "GREEN", "RED", "WHITE", NULL};

static int check_lang(struct chk *c, const char *path, const char *tag);

struct rev {
	size_t idx;
	int64_t date;
	struct ver v;
	const char *number;
};

static int rev_by_date(const void *a, const void *b)
{
	const struct rev *x = a, *y = b;

	int r;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	/* equal dates: in the order of their numbers */
	if ((r = ver_cmp(&x->v, &y->v, 0)) != 0)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int rev_by_number(const void *a, const void *b)
{
	const struct rev *x = a, *y = b;
	int r = ver_cmp(&x->v, &y->v, 0);

	return r ? r : (x->idx < y->idx ? -1 : x->idx > y->idx);
}

static int check_tracking(struct chk *c, json_t *tr, const char *status)
{
	const char *base = "/document/tracking", *version = sget(tr, "version");
	json_t *hist = json_object_get(tr, "revision_history"), *h;
	struct rev *r = NULL;
	struct ver tv;
	size_t i, n;
	char p[1100];
	int rc = 0, any_int = 0, any_sem = 0, draft = status && strcmp(status, "draft") == 0;

	if ((rc = need_str(c, tr, base, "id", 1)) != 0 ||
	    (rc = need_str(c, tr, base, "version", 1)) != 0 ||
	    (rc = need_enum(c, tr, base, "status", 1, statuses)) != 0 ||
	    (rc = need_str(c, tr, base, "initial_release_date", 1)) != 0 ||
	    (rc = need_str(c, tr, base, "current_release_date", 1)) != 0 ||
	    (rc = need_array(c, tr, base, "revision_history", 1)) != 0)
		return rc;
	if (date_ns(sget(tr, "initial_release_date")) < 0)
		return chk_fail(c, "/document/tracking/initial_release_date", NULL,
		                "not a date-time");
	if (date_ns(sget(tr, "current_release_date")) < 0)
		return chk_fail(c, "/document/tracking/current_release_date", NULL,
		                "not a date-time");
	if (ver_parse(version, &tv) != 0)
		return chk_fail(c, "/document/tracking/version", NULL,
		                "\"%.60s\" is neither an integer nor a semantic version", version);
	any_int |= !tv.semver;
	any_sem |= tv.semver;
	n = json_array_size(hist);
	r = xcalloc(n, sizeof(*r));
	json_array_foreach(hist, i, h)
	{
		ptr(p, sizeof(p), base, "/revision_history/%zu", i);
		if (!json_is_object(h)) {
			rc = chk_fail(c, p, NULL, "expected an object");
			goto out;
		}
		if ((rc = need_str(c, h, p, "date", 1)) != 0 ||
		    (rc = need_str(c, h, p, "number", 1)) != 0 ||
		    (rc = need_str(c, h, p, "summary", 1)) != 0 ||
		    (rc = need_str(c, h, p, "legacy_version", 0)) != 0)
			goto out;
		r[i].idx = i;
		r[i].number = sget(h, "number");
		if ((r[i].date = date_ns(sget(h, "date"))) < 0) {
			rc = chk_fail(c, ptr(p, sizeof(p), base, "/revision_history/%zu/date", i),
			              NULL, "not a date-time");
			goto out;
		}
		if (ver_parse(r[i].number, &r[i].v) != 0) {
			rc = chk_fail(
			    c, ptr(p, sizeof(p), base, "/revision_history/%zu/number", i), NULL,
			    "\"%.60s\" is neither an integer nor a semantic version", r[i].number);
			goto out;
		}
		any_int |= !r[i].v.semver;
		any_sem |= r[i].v.semver;
	}
	/* 6.1.30 */
	if (any_int && any_sem) {
		rc = chk_fail(c, "/document/tracking/revision_history", "6.1.30",
		              "mixed integer and semantic versioning");
		goto out;
	}
	/* 6.1.19, 6.1.18, 6.1.22 */
	for (i = 0; i < n; i++) {
		ptr(p, sizeof(p), base, "/revision_history/%zu/number", i);
		if (r[i].v.pre) {
			rc = chk_fail(c, p, "6.1.19", "\"%s\" contains a pre-release part",
			              r[i].number);
			goto out;
		}
		if (!draft && r[i].v.major == 0) {
			rc = chk_fail(
			    c, p, "6.1.18",
			    "version %s in the revision history of a document in status %s",
			    r[i].number, status);
			goto out;
		}
		for (size_t j = 0; j < i; j++)
			if (ver_cmp(&r[i].v, &r[j].v, 0) == 0) {
				rc = chk_fail(c, p, "6.1.22", "version %s was already used",
				              r[i].number);
				goto out;
			}
	}
	/* 6.1.17, 6.1.20 */
	if ((tv.major == 0 || tv.pre) && !draft) {
		rc = chk_fail(c, "/document/tracking/status", "6.1.17",
		              "version %s needs status draft, not %s", version, status);
		goto out;
	}
	if (tv.pre && !draft) {
		rc = chk_fail(c, "/document/tracking/version", "6.1.20",
		              "a document in status %s has a pre-release version", status);
		goto out;
	}
	/* 6.1.14: numbers ascend when sorted by date; 6.1.16: the last one is the version */
	qsort(r, n, sizeof(*r), rev_by_date);
	for (i = 1; i < n; i++)
		if (ver_cmp(&r[i - 1].v, &r[i].v, 0) > 0) {
			rc = chk_fail(c, "/document/tracking/revision_history", "6.1.14",
			              "sorted by date, version %s comes after %s", r[i].number,
			              r[i - 1].number);
			goto out;
		}
	if (ver_cmp(&tv, &r[n - 1].v, draft) != 0 || (!draft && (tv.pre != NULL) != 0)) {
		rc = chk_fail(c, "/document/tracking/version", "6.1.16",
		              "version %s does not match the latest revision %s", version,
		              r[n - 1].number);
		goto out;
	}
	/* 6.1.21: sorted by number, no major version left out */
	qsort(r, n, sizeof(*r), rev_by_number);
	if (r[0].v.major > 1) {
		rc = chk_fail(c, "/document/tracking/revision_history", "6.1.21",
		              "the revision history does not start with version 0 or 1");
		goto out;
	}
	for (i = 1; i < n; i++)
		if (r[i].v.major > r[i - 1].v.major + 1) {
			rc = chk_fail(c, "/document/tracking/revision_history", "6.1.21",
			              "major version %llu was omitted", r[i - 1].v.major + 1);
			goto out;
		}
out:
	free(r);
	return rc;
}

/* ---- the product tree ---- */

static int define_product(struct chk *c, json_t *prod, const char *base)
{
	char p[1100];
	const char *id;
	json_t *helper, *hashes, *h;
	size_t i;
	int rc;

	if (!json_is_object(prod))
		return chk_fail(c, base, NULL, "expected an object");
	if ((rc = need_str(c, prod, base, "name", 1)) != 0 ||
	    (rc = need_str(c, prod, base, "product_id", 1)) != 0)
		return rc;
	id = sget(prod, "product_id");
	ptr(p, sizeof(p), base, "/product_id");
	if (json_object_get(c->products, id))
		return chk_fail(c, p, "6.1.2", "product id \"%s\" is defined twice (first at %s)",
		                id, json_string_value(json_object_get(c->products, id)));
	json_object_set_new(c->products, id, json_string(p));
	helper = json_object_get(prod, "product_identification_helper");
	if (helper == NULL)
		return 0;
	if (!json_is_object(helper))
		return chk_fail(c, ptr(p, sizeof(p), base, "/product_identification_helper"), NULL,
		                "expected an object");
	if (sget(helper, "purl")) {
		/* 6.1.13 */
		const char *purl = sget(helper, "purl"), *type, *slash, *name;
		ptr(p, sizeof(p), base, "/product_identification_helper/purl");
		if (strncmp(purl, "pkg:", 4) != 0)
			return chk_fail(c, p, "6.1.13", "invalid purl \"%.100s\": no pkg: scheme",
			                purl);
		type = purl + 4;
		while (*type == '/')
			type++;
		slash = strchr(type, '/');
		if (slash == NULL || slash == type)
			return chk_fail(c, p, "6.1.13", "invalid purl \"%.100s\": no type", purl);
		for (const char *q = type; q < slash; q++)
			if (!isalnum((unsigned char)*q) && *q != '.' && *q != '+' && *q != '-')
				return chk_fail(c, p, "6.1.13", "invalid purl \"%.100s\": bad type",
				                purl);
		{
			size_t plen = strcspn(slash + 1, "?#");
			char *path = xstrndup(slash + 1, plen), *at = strrchr(path, '@'), *last;
			int has_ns;
			if (at && (strrchr(path, '/') == NULL || at > strrchr(path, '/')))
				*at = '\0';
			while (path[0] && path[strlen(path) - 1] == '/')
				path[strlen(path) - 1] = '\0';
			last = strrchr(path, '/');
			name = last ? last + 1 : path;
			has_ns = last != NULL && last > path;
			if (*name == '\0') {
				free(path);
				return chk_fail(c, p, "6.1.13", "invalid purl \"%.100s\": no name",
				                purl);
			}
			if (!has_ns &&
			    ((size_t)(slash - type) == 5 && strncasecmp(type, "maven", 5) == 0)) {
				free(path);
				return chk_fail(
				    c, p, "6.1.13",
				    "invalid purl \"%.100s\": maven requires a namespace", purl);
			}
			if (!has_ns &&
			    ((size_t)(slash - type) == 5 && strncasecmp(type, "swift", 5) == 0)) {
				free(path);
				return chk_fail(
				    c, p, "6.1.13",
				    "invalid purl \"%.100s\": swift requires a namespace", purl);
			}
			free(path);
		}
	}
	/* 6.1.25 */
	hashes = json_object_get(helper, "hashes");
	json_array_foreach(hashes, i, h)
	{
		json_t *fh = json_object_get(h, "file_hashes"), *x;
		size_t j;
		json_array_foreach(fh, j, x)
		{
			const char *alg = sget(x, "algorithm");
			for (size_t k = 0; alg && k < j; k++)
				if (sget(json_array_get(fh, k), "algorithm") &&
				    strcasecmp(sget(json_array_get(fh, k), "algorithm"), alg) == 0)
					return chk_fail(
					    c,
					    ptr(p, sizeof(p), base,
					        "/product_identification_helper/hashes/%zu/"
					        "file_hashes/%zu",
					        i, j),
					    "6.1.25",
					    "there is already a hash with the algorithm %s", alg);
		}
	}
	return 0;
}

static const char *const branch_categories[] = {"architecture",
                                                "host_name",
                                                "language",
                                                "legacy",
                                                "patch_level",
                                                "product_family",
                                                "product_name",
                                                "product_version",
                                                "product_version_range",
                                                "service_pack",
                                                "specification",
                                                "vendor",
                                                NULL};

/* 6.1.31: the words that make a product_version a range */
static int version_is_range(const char *name)
{
	static const char *const words[] = {"after", "all",   "before",   "earlier",
	                                    "later", "prior", "versions", NULL};

	if (strchr(name, '<') || strchr(name, '>'))
		return 1;
	for (const char *p = name; *p;) {
		size_t n = 0;
		while (p[n] && isalpha((unsigned char)p[n]))
			n++;
		for (size_t i = 0; n && words[i]; i++)
			if (strlen(words[i]) == n && strncasecmp(p, words[i], n) == 0)
				return 1;
		p += n ? n : 1;
	}
	return 0;
}

static int check_branches(struct chk *c, json_t *branches, const char *base, int depth)
{
	json_t *b;
	size_t i;
	char p[1100], q[1100];
	int rc;

	if (depth > 30)
		return chk_fail(c, base, NULL, "branches nested more than 30 deep");
	if (!json_is_array(branches) || json_array_size(branches) == 0)
		return chk_fail(c, base, NULL, "expected a non-empty array");
	json_array_foreach(branches, i, b)
	{
		json_t *sub, *prod;
		ptr(p, sizeof(p), base, "/%zu", i);
		if (!json_is_object(b))
			return chk_fail(c, p, NULL, "expected an object");
		if ((rc = need_enum(c, b, p, "category", 1, branch_categories)) != 0 ||
		    (rc = need_str(c, b, p, "name", 1)) != 0)
			return rc;
		if (strcmp(sget(b, "category"), "product_version") == 0 &&
		    version_is_range(sget(b, "name")))
			return chk_fail(c, ptr(q, sizeof(q), p, "/name"), "6.1.31",
			                "version range in product version \"%.100s\"",
			                sget(b, "name"));
		sub = json_object_get(b, "branches");
		prod = json_object_get(b, "product");
		if ((sub == NULL) == (prod == NULL))
			return chk_fail(c, p, NULL, "a branch needs either branches or a product");
		if (prod && (rc = define_product(c, prod, ptr(q, sizeof(q), p, "/product"))) != 0)
			return rc;
		if (sub && (rc = check_branches(c, sub, ptr(q, sizeof(q), p, "/branches"),
		                                depth + 1)) != 0)
			return rc;
	}
	return 0;
}

/* A product id reference must be defined (6.1.1). */
static int ref_product(struct chk *c, json_t *id, const char *path)
{
	if (!json_is_string(id))
		return chk_fail(c, path, NULL, "expected a product id (string)");
	if (json_object_get(c->products, json_string_value(id)) == NULL)
		return chk_fail(c, path, "6.1.1", "definition of product id \"%.100s\" missing",
		                json_string_value(id));
	return 0;
}

static int ref_products(struct chk *c, json_t *o, const char *k, const char *base)
{
	json_t *a = json_object_get(o, k), *x;
	size_t i;
	char p[1100];
	int rc;

	if ((rc = need_strings(c, o, base, k)) != 0)
		return rc;
	json_array_foreach(a, i, x)
	{
		if ((rc = ref_product(c, x, ptr(p, sizeof(p), base, "/%s/%zu", k, i))) != 0)
			return rc;
	}
	return 0;
}

static int ref_groups(struct chk *c, json_t *o, const char *base)
{
	json_t *a = json_object_get(o, "group_ids"), *x;
	size_t i;
	char p[1100];
	int rc;

	if ((rc = need_strings(c, o, base, "group_ids")) != 0)
		return rc;
	json_array_foreach(a, i, x)
	{
		if (json_object_get(c->groups, json_string_value(x)) == NULL)
			return chk_fail(c, ptr(p, sizeof(p), base, "/group_ids/%zu", i), "6.1.4",
			                "definition of group id \"%.100s\" missing",
			                json_string_value(x));
	}
	return 0;
}

/* 6.1.3: a relationship's product must not depend on itself */
static int rel_reaches(json_t *rels, const char *from, const char *target, int depth)
{
	json_t *r;
	size_t i;

	if (depth > 64)
		return 1;
	json_array_foreach(rels, i, r)
	{
		const char *id = sget(json_object_get(r, "full_product_name"), "product_id");
		const char *a = sget(r, "product_reference"),
		           *b = sget(r, "relates_to_product_reference");
		if (id == NULL || strcmp(id, from) != 0)
			continue;
		if ((a && strcmp(a, target) == 0) || (b && strcmp(b, target) == 0))
			return 1;
		if ((a && rel_reaches(rels, a, target, depth + 1)) ||
		    (b && rel_reaches(rels, b, target, depth + 1)))
			return 1;
	}
	return 0;
}

static int check_product_tree(struct chk *c, json_t *tree)
{
	static const char *const rel_categories[] = {
	    "default_component_of", "external_component_of", "installed_on",
	    "installed_with",       "optional_component_of", NULL};
	json_t *a, *x;
	size_t i;
	char p[1100];
	int rc;

	if (!json_is_object(tree))
		return chk_fail(c, "/product_tree", NULL, "expected an object");
	if ((a = json_object_get(tree, "branches")) &&
	    (rc = check_branches(c, a, "/product_tree/branches", 0)) != 0)
		return rc;
	if ((rc = need_array(c, tree, "/product_tree", "full_product_names", 0)) != 0)
		return rc;
	json_array_foreach(json_object_get(tree, "full_product_names"), i, x)
	{
		if ((rc = define_product(
		         c, x, ptr(p, sizeof(p), "/product_tree/full_product_names", "/%zu", i))) !=
		    0)
			return rc;
	}
	if ((rc = need_array(c, tree, "/product_tree", "relationships", 0)) != 0)
		return rc;
	json_array_foreach(json_object_get(tree, "relationships"), i, x)
	{
		char base[128];
		snprintf(base, sizeof(base), "/product_tree/relationships/%zu", i);
		if (!json_is_object(x))
			return chk_fail(c, base, NULL, "expected an object");
		if ((rc = need_enum(c, x, base, "category", 1, rel_categories)) != 0 ||
		    (rc = need_str(c, x, base, "product_reference", 1)) != 0 ||
		    (rc = need_str(c, x, base, "relates_to_product_reference", 1)) != 0 ||
		    (rc = need_obj(c, x, base, "full_product_name", 1)) != 0 ||
		    (rc = define_product(c, json_object_get(x, "full_product_name"),
		                         ptr(p, sizeof(p), base, "/full_product_name"))) != 0)
			return rc;
	}
	/* groups, then every reference inside the tree */
	if ((rc = need_array(c, tree, "/product_tree", "product_groups", 0)) != 0)
		return rc;
	json_array_foreach(json_object_get(tree, "product_groups"), i, x)
	{
		char base[128];
		const char *gid;
		snprintf(base, sizeof(base), "/product_tree/product_groups/%zu", i);
		if (!json_is_object(x))
			return chk_fail(c, base, NULL, "expected an object");
		if ((rc = need_str(c, x, base, "group_id", 1)) != 0 ||
		    (rc = need_array(c, x, base, "product_ids", 1)) != 0 ||
		    (rc = ref_products(c, x, "product_ids", base)) != 0)
			return rc;
		gid = sget(x, "group_id");
		if (json_object_get(c->groups, gid))
			return chk_fail(c, ptr(p, sizeof(p), base, "/group_id"), "6.1.5",
			                "group id \"%.100s\" is defined twice", gid);
		json_object_set(c->groups, gid, json_object_get(x, "product_ids"));
	}
	json_array_foreach(json_object_get(tree, "relationships"), i, x)
	{
		char base[128];
		const char *id = sget(json_object_get(x, "full_product_name"), "product_id");
		snprintf(base, sizeof(base), "/product_tree/relationships/%zu", i);
		if ((rc = ref_product(c, json_object_get(x, "product_reference"),
		                      ptr(p, sizeof(p), base, "/product_reference"))) != 0 ||
		    (rc = ref_product(c, json_object_get(x, "relates_to_product_reference"),
		                      ptr(p, sizeof(p), base, "/relates_to_product_reference"))) !=
		        0)
			return rc;
		if (rel_reaches(json_object_get(tree, "relationships"), id, id, 0))
			return chk_fail(c, ptr(p, sizeof(p), base, "/relates_to_product_reference"),
			                "6.1.3",
			                "circular reference: product \"%.100s\" refers to "
			                "itself",
			                id);
	}
	return 0;
}

/* ---- vulnerabilities ---- */

static const char *const status_lists[] = {
    "first_affected",     "known_affected",      "last_affected",
    "known_not_affected", "first_fixed",         "fixed",
    "recommended",        "under_investigation", NULL};
/* the group of each list for 6.1.6: 1 affected, 2 not affected, 3 fixed, 0 none,
 * 4 under investigation */
static const int status_group[] = {1, 1, 1, 2, 3, 3, 0, 4};

/* Adds the products of o[k] (and of its group_ids when groups is set) to set. */
static void collect_ids(struct chk *c, json_t *o, const char *k, json_t *set)
{
	json_t *x, *g;
	size_t i, j;

	json_array_foreach(json_object_get(o, k), i, x)
	{
		if (json_is_string(x))
			json_object_set_new(set, json_string_value(x), json_true());
	}
	json_array_foreach(json_object_get(o, "group_ids"), i, x)
	{
		json_array_foreach(json_object_get(c->groups, json_string_value(x)), j, g)
		{
			if (json_is_string(g))
				json_object_set_new(set, json_string_value(g), json_true());
		}
	}
}

static int check_vuln(struct chk *c, json_t *v, size_t vi, const char *category)
{
	static const char *const rem_categories[] = {
	    "mitigation", "no_fix_planned", "none_available", "vendor_fix", "workaround", NULL};
	static const char *const threat_categories[] = {"exploit_status", "impact", "target_set",
	                                                NULL};
	static const char *const flag_labels[] = {
	    "component_not_present",
	    "inline_mitigations_already_exist",
	    "vulnerable_code_cannot_be_controlled_by_adversary",
	    "vulnerable_code_not_in_execute_path",
	    "vulnerable_code_not_present",
	    NULL};
	int security = strcmp(category, "csaf_security_advisory") == 0;
	int vex = strcmp(category, "csaf_vex") == 0;
	json_t *ps = json_object_get(v, "product_status"), *x, *seen;
	char base[96], p[1100];
	size_t i, j;
	int rc = 0;

	snprintf(base, sizeof(base), "/vulnerabilities/%zu", vi);
	if (!json_is_object(v))
		return chk_fail(c, base, NULL, "expected an object");
	if ((rc = need_str(c, v, base, "cve", 0)) != 0 || (rc = need_str(c, v, base, "title", 0)) ||
	    (rc = check_notes(c, v, base)) != 0 || (rc = check_refs(c, v, base)) != 0)
		return rc;
	if (sget(v, "cve")) {
		const char *cve = sget(v, "cve");
		size_t n = strlen(cve), k = 4;
		int ok = n >= 13 && strncmp(cve, "CVE-", 4) == 0;
		for (; ok && k < 8; k++)
			ok = isdigit((unsigned char)cve[k]);
		ok = ok && cve[8] == '-';
		for (k = 9; ok && k < n; k++)
			ok = isdigit((unsigned char)cve[k]);
		if (!ok)
			return chk_fail(c, ptr(p, sizeof(p), base, "/cve"), NULL,
			                "\"%.60s\" is not a CVE id (CVE-YYYY-NNNN)", cve);
	}
	/* 6.1.11 */
	if ((x = json_object_get(v, "cwe"))) {
		const char *id = sget(x, "id"), *name = sget(x, "name"), *known;
		ptr(p, sizeof(p), base, "/cwe");
		if (!json_is_object(x) || id == NULL || name == NULL)
			return chk_fail(c, p, NULL, "expected an object with id and name");
		if (!cwe_id_valid(id))
			return chk_fail(c, ptr(p, sizeof(p), base, "/cwe/id"), NULL,
			                "\"%.40s\" is not a CWE id", id);
		known = cwe_name(id);
		if (known && strcmp(known, name) != 0)
			return chk_fail(c, ptr(p, sizeof(p), base, "/cwe/name"), "6.1.11",
			                "the name does not match the weakness %s (\"%s\")", id,
			                known);
	}
	/* product status: references (6.1.1) and contradictions (6.1.6) */
	if (ps && !json_is_object(ps))
		return chk_fail(c, ptr(p, sizeof(p), base, "/product_status"), NULL,
		                "expected an object");
	seen = json_object();
	for (size_t s = 0; ps && status_lists[s]; s++) {
		char sb[1100];
		ptr(sb, sizeof(sb), base, "/product_status");
		if ((rc = ref_products(c, ps, status_lists[s], sb)) != 0)
			goto out;
		json_array_foreach(json_object_get(ps, status_lists[s]), i, x)
		{
			const char *id = json_string_value(x);
			json_t *g = json_object_get(seen, id);
			if (status_group[s] == 0)
				continue;
			if (g && json_integer_value(g) != status_group[s]) {
				rc = chk_fail(c, sb, "6.1.6",
				              "product id \"%.100s\" is mentioned in contradicting"
				              " product status groups",
				              id);
				goto out;
			}
			json_object_set_new(seen, id, json_integer(status_group[s]));
		}
	}
	/* remediations: 6.1.1, 6.1.4, 6.1.29 */
	if ((rc = need_array(c, v, base, "remediations", 0)) != 0)
		goto out;
	json_array_foreach(json_object_get(v, "remediations"), i, x)
	{
		ptr(p, sizeof(p), base, "/remediations/%zu", i);
		if (!json_is_object(x)) {
			rc = chk_fail(c, p, NULL, "expected an object");
			goto out;
		}
		if ((rc = need_enum(c, x, p, "category", 1, rem_categories)) != 0 ||
		    (rc = need_str(c, x, p, "details", 1)) != 0 ||
		    (rc = need_str(c, x, p, "url", 0)) != 0 ||
		    (rc = need_str(c, x, p, "date", 0)) != 0 ||
		    (rc = ref_products(c, x, "product_ids", p)) != 0 ||
		    (rc = ref_groups(c, x, p)) != 0)
			goto out;
		if (sget(x, "date") && date_ns(sget(x, "date")) < 0) {
			rc = chk_fail(c, ptr(p, sizeof(p), base, "/remediations/%zu/date", i), NULL,
			              "not a date-time");
			goto out;
		}
		if (!json_object_get(x, "product_ids") && !json_object_get(x, "group_ids")) {
			rc = chk_fail(c, p, "6.1.29", "remediation without product reference");
			goto out;
		}
	}
	if ((rc = need_array(c, v, base, "threats", 0)) != 0)
		goto out;
	json_array_foreach(json_object_get(v, "threats"), i, x)
	{
		ptr(p, sizeof(p), base, "/threats/%zu", i);
		if (!json_is_object(x)) {
			rc = chk_fail(c, p, NULL, "expected an object");
			goto out;
		}
		if ((rc = need_enum(c, x, p, "category", 1, threat_categories)) != 0 ||
		    (rc = need_str(c, x, p, "details", 1)) != 0 ||
		    (rc = ref_products(c, x, "product_ids", p)) != 0 ||
		    (rc = ref_groups(c, x, p)) != 0)
			goto out;
	}
	/* scores: 6.1.1, 6.1.7, 6.1.8-6.1.10 */
	json_decref(seen);
	seen = json_object(); /* product id -> the CVSS versions scored */
	if ((rc = need_array(c, v, base, "scores", 0)) != 0)
		goto out;
	json_array_foreach(json_object_get(v, "scores"), i, x)
	{
		char sp[1100], where[64];
		json_t *id;
		ptr(p, sizeof(p), base, "/scores/%zu", i);
		if (!json_is_object(x)) {
			rc = chk_fail(c, p, NULL, "expected an object");
			goto out;
		}
		if ((rc = need_array(c, x, p, "products", 1)) != 0 ||
		    (rc = ref_products(c, x, "products", p)) != 0)
			goto out;
		for (int k = 0; k < 2; k++) {
			const char *name = k ? "cvss_v3" : "cvss_v2";
			json_t *o = json_object_get(x, name);
			if (o == NULL)
				continue;
			if (cvss_check(o, k, where, sizeof(where), c->e) != 0) {
				char msg[sizeof(c->e->msg)];
				const char *colon = strstr(c->e->msg, ": ");
				snprintf(msg, sizeof(msg), "%s", colon ? colon + 2 : c->e->msg);
				c->e->msg[colon ? (size_t)(colon - c->e->msg) : 0] = '\0';
				ptr(sp, sizeof(sp), p, "/%s%s", name, where);
				{
					char test[16];
					snprintf(test, sizeof(test), "%.15s", c->e->msg);
					rc = chk_fail(c, sp, test, "%s", msg);
				}
				goto out;
			}
			json_array_foreach(json_object_get(x, "products"), j, id)
			{
				const char *ver = k ? sget(o, "version") : "2.0";
				json_t *vs = json_object_get(seen, json_string_value(id));
				size_t m;
				json_t *y;
				if (vs == NULL) {
					vs = json_array();
					json_object_set_new(seen, json_string_value(id), vs);
				}
				json_array_foreach(vs, m, y)
				{
					if (strcmp(json_string_value(y), ver) == 0) {
						rc = chk_fail(
						    c, ptr(sp, sizeof(sp), p, "/products/%zu", j),
						    "6.1.7",
						    "product is already included in these"
						    " cvss-versions: %s",
						    ver);
						goto out;
					}
				}
				json_array_append_new(vs, json_string(ver));
			}
		}
		if (!json_object_get(x, "cvss_v2") && !json_object_get(x, "cvss_v3")) {
			rc = chk_fail(c, p, NULL, "a score needs cvss_v2 or cvss_v3");
			goto out;
		}
	}
	/* 6.1.24 involvements */
	json_array_foreach(json_object_get(v, "involvements"), i, x)
	{
		for (j = 0; j < i; j++) {
			json_t *y = json_array_get(json_object_get(v, "involvements"), j);
			const char *p1 = sget(x, "party"), *p2 = sget(y, "party");
			const char *d1 = sget(x, "date"), *d2 = sget(y, "date");
			if (p1 && p2 && strcmp(p1, p2) == 0 &&
			    ((d1 == NULL && d2 == NULL) ||
			     (d1 && d2 && date_ns(d1) == date_ns(d2)))) {
				rc = chk_fail(
				    c, ptr(p, sizeof(p), base, "/involvements/%zu", i), "6.1.24",
				    "status for party %s was already given for the same date", p1);
				goto out;
			}
		}
	}
	/* flags: 6.1.1, 6.1.4, 6.1.32, 6.1.33 */
	json_decref(seen);
	seen = json_object();
	json_array_foreach(json_object_get(v, "flags"), i, x)
	{
		json_t *ids = json_object();
		const char *k;
		json_t *dummy;
		ptr(p, sizeof(p), base, "/flags/%zu", i);
		if (!json_is_object(x)) {
			json_decref(ids);
			rc = chk_fail(c, p, NULL, "expected an object");
			goto out;
		}
		if ((rc = need_enum(c, x, p, "label", 1, flag_labels)) != 0 ||
		    (rc = ref_products(c, x, "product_ids", p)) != 0 ||
		    (rc = ref_groups(c, x, p)) != 0) {
			json_decref(ids);
			goto out;
		}
		if (!json_object_get(x, "product_ids") && !json_object_get(x, "group_ids")) {
			json_decref(ids);
			rc = chk_fail(c, p, "6.1.32", "flag without product reference");
			goto out;
		}
		collect_ids(c, x, "product_ids", ids);
		json_object_foreach(ids, k, dummy)
		{
			if (json_object_get(seen, k)) {
				rc = chk_fail(
				    c, p, "6.1.33",
				    "multiple flags with VEX justification codes for product"
				    " \"%.100s\"",
				    k);
				json_decref(ids);
				goto out;
			}
			json_object_set_new(seen, k, json_true());
		}
		json_decref(ids);
	}
	/* the profiles: 6.1.27.5-6.1.27.10 */
	if ((security || vex) && json_object_get(v, "notes") == NULL) {
		rc = chk_fail(c, base, "6.1.27.5", "needs a `notes` attribute");
		goto out;
	}
	if (security && ps == NULL) {
		rc = chk_fail(c, base, "6.1.27.6", "needs a `product_status` attribute");
		goto out;
	}
	if (vex) {
		json_t *acts;
		if (ps == NULL ||
		    (!json_object_get(ps, "fixed") && !json_object_get(ps, "known_affected") &&
		     !json_object_get(ps, "known_not_affected") &&
		     !json_object_get(ps, "under_investigation"))) {
			rc = chk_fail(
			    c, base, "6.1.27.7",
			    "needs at least one of fixed, known_affected, known_not_affected,"
			    " under_investigation");
			goto out;
		}
		if (!sget(v, "cve") && !json_object_get(v, "ids")) {
			rc = chk_fail(c, base, "6.1.27.8", "needs a cve or ids");
			goto out;
		}
		/* 6.1.27.9: an impact statement for each product known not affected */
		acts = json_object();
		json_array_foreach(json_object_get(v, "flags"), i, x)
		{
			collect_ids(c, x, "product_ids", acts);
		}
		json_array_foreach(json_object_get(v, "threats"), i, x)
		{
			if (sget(x, "category") && strcmp(sget(x, "category"), "impact") == 0)
				collect_ids(c, x, "product_ids", acts);
		}
		json_array_foreach(json_object_get(ps, "known_not_affected"), i, x)
		{
			if (!json_object_get(acts, json_string_value(x))) {
				json_decref(acts);
				rc = chk_fail(c,
				              ptr(p, sizeof(p), base,
				                  "/product_status/known_not_affected/%zu", i),
				              "6.1.27.9", "no suitable impact statement found");
				goto out;
			}
		}
		json_decref(acts);
		/* 6.1.27.10: an action statement for each product known affected */
		acts = json_object();
		json_array_foreach(json_object_get(v, "remediations"), i, x)
		{
			collect_ids(c, x, "product_ids", acts);
		}
		json_array_foreach(json_object_get(ps, "known_affected"), i, x)
		{
			if (!json_object_get(acts, json_string_value(x))) {
				json_decref(acts);
				rc = chk_fail(c,
				              ptr(p, sizeof(p), base,
				                  "/product_status/known_affected/%zu", i),
				              "6.1.27.10", "no suitable action statement found");
				goto out;
			}
		}
		json_decref(acts);
	}
out:
	json_decref(seen);
	return rc;
}

/* ---- languages (6.1.12): BCP 47 syntax, with the primary language from ISO 639-1 when it
 * has two letters ---- */

static const char iso639_1[] =
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv "
    "cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr "
    "ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw "
    "ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv "
    "ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr "
    "ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi "
    "yo za zh zu";

static int check_lang(struct chk *c, const char *path, const char *tag)
{
	const char *p = tag;
	size_t n = 0;

	if (strncasecmp(tag, "x-", 2) == 0 || strncasecmp(tag, "i-", 2) == 0)
		goto subtags;
	while (isalpha((unsigned char)p[n]))
		n++;
	if (n < 2 || n > 8 || (p[n] && p[n] != '-'))
		goto bad;
	if (n == 2) {
		char two[3] = {(char)tolower((unsigned char)p[0]),
		               (char)tolower((unsigned char)p[1]), 0};
		const char *hit = strstr(iso639_1, two);
		if (hit == NULL || (hit != iso639_1 && hit[-1] != ' ') || (hit[2] && hit[2] != ' '))
			return chk_fail(
			    c, path, "6.1.12",
			    "\"%.40s\" is not a valid language tag (unknown language \"%s\")", tag,
			    two);
	}
	p += n;
subtags:
	while (*p) {
		if (*p++ != '-')
			goto bad;
		n = 0;
		while (isalnum((unsigned char)p[n]))
			n++;
		if (n < 1 || n > 8)
			goto bad;
		p += n;
	}
	return 0;
bad:
	return chk_fail(c, path, "6.1.12", "\"%.40s\" is not a valid language tag", tag);
}

/* ---- 6.1.26: the document category ---- */

static void squash(const char *s, char *out, size_t outsz)
{
	size_t n = 0;

	for (; *s && n + 1 < outsz; s++)
		if (*s != '-' && *s != '_' && !isspace((unsigned char)*s))
			out[n++] = (char)tolower((unsigned char)*s);
	out[n] = '\0';
}

static int check_category(struct chk *c, const char *cat)
{
	static const char *const profiles[] = {"csaf_base",
	                                       "csaf_security_incident_response",
	                                       "csaf_informational_advisory",
	                                       "csaf_security_advisory",
	                                       "csaf_vex",
	                                       NULL};
	static const char *const prohibited[] = {"securityincidentresponse",
	                                         "informationaladvisory",
	                                         "securityadvisory",
	                                         "vex",
	                                         "csafsecurityincidentresponse",
	                                         "csafinformationaladvisory",
	                                         "csafsecurityadvisory",
	                                         "csafvex",
	                                         NULL};
	char s[256];

	for (size_t i = 0; profiles[i]; i++)
		if (strcmp(cat, profiles[i]) == 0)
			return 0;
	if (strncasecmp(cat, "csaf_", 5) == 0)
		return chk_fail(c, "/document/category", "6.1.26",
		                "\"%.60s\": reserved prefix used", cat);
	squash(cat, s, sizeof(s));
	for (size_t i = 0; prohibited[i]; i++)
		if (strcmp(s, prohibited[i]) == 0)
			return chk_fail(c, "/document/category", "6.1.26",
			                "\"%.60s\": value prohibited (the name of a profile)", cat);
	return 0;
}

int csaf_check(json_t *doc, struct err *e)
{
	struct chk c;
	json_t *d, *tr, *dist, *vulns, *x;
	const char *cat, *status;
	size_t i, j;
	int rc;

	memset(&c, 0, sizeof(c));
	c.doc = doc;
	c.e = e;
	c.products = json_object();
	c.groups = json_object();
	if (!json_is_object(doc)) {
		rc = chk_fail(&c, "/", NULL, "expected a JSON object (a CSAF document)");
		goto out;
	}
	if ((rc = need_obj(&c, doc, "", "document", 1)) != 0)
		goto out;
	d = json_object_get(doc, "document");
	if ((rc = need_str(&c, d, "/document", "category", 1)) != 0 ||
	    (rc = need_str(&c, d, "/document", "csaf_version", 1)) != 0 ||
	    (rc = need_str(&c, d, "/document", "title", 1)) != 0 ||
	    (rc = need_str(&c, d, "/document", "lang", 0)) != 0 ||
	    (rc = need_str(&c, d, "/document", "source_lang", 0)) != 0 ||
	    (rc = need_obj(&c, d, "/document", "publisher", 1)) != 0 ||
	    (rc = need_obj(&c, d, "/document", "tracking", 1)) != 0 ||
	    (rc = need_obj(&c, d, "/document", "distribution", 0)) != 0 ||
	    (rc = check_notes(&c, d, "/document")) != 0 ||
	    (rc = check_refs(&c, d, "/document")) != 0)
		goto out;
	if (strcmp(sget(d, "csaf_version"), "2.0") != 0) {
		rc = chk_fail(&c, "/document/csaf_version", NULL, "\"%.20s\": expected 2.0",
		              sget(d, "csaf_version"));
		goto out;
	}
	{
		json_t *pub = json_object_get(d, "publisher");
		if ((rc = need_enum(&c, pub, "/document/publisher", "category", 1,
		                    publisher_categories)) != 0 ||
		    (rc = need_str(&c, pub, "/document/publisher", "name", 1)) != 0 ||
		    (rc = need_str(&c, pub, "/document/publisher", "namespace", 1)) != 0)
			goto out;
		/* 6.1.15 */
		if (strcmp(sget(pub, "category"), "translator") == 0 && !sget(d, "source_lang")) {
			rc = chk_fail(&c, "/document/source_lang", "6.1.15",
			              "a translator's document needs source_lang");
			goto out;
		}
	}
	if ((dist = json_object_get(d, "distribution"))) {
		json_t *tlp = json_object_get(dist, "tlp");
		if ((rc = need_str(&c, dist, "/document/distribution", "text", 0)) != 0 ||
		    (rc = need_obj(&c, dist, "/document/distribution", "tlp", 0)) != 0 ||
		    (tlp && (rc = need_enum(&c, tlp, "/document/distribution/tlp", "label", 1,
		                            tlp_labels)) != 0))
			goto out;
	}
	/* 6.1.12, 6.1.28 */
	if (sget(d, "lang") && (rc = check_lang(&c, "/document/lang", sget(d, "lang"))) != 0)
		goto out;
	if (sget(d, "source_lang") &&
	    (rc = check_lang(&c, "/document/source_lang", sget(d, "source_lang"))) != 0)
		goto out;
	if (sget(d, "lang") && sget(d, "source_lang") &&
	    strcasecmp(sget(d, "lang"), sget(d, "source_lang")) == 0) {
		rc = chk_fail(&c, "/document/lang", "6.1.28",
		              "is the same as /document/source_lang");
		goto out;
	}
	cat = sget(d, "category");
	if ((rc = check_category(&c, cat)) != 0)
		goto out;
	tr = json_object_get(d, "tracking");
	status = sget(tr, "status");
	if ((rc = check_tracking(&c, tr, status)) != 0)
		goto out;
	if ((x = json_object_get(doc, "product_tree")) && (rc = check_product_tree(&c, x)) != 0)
		goto out;
	vulns = json_object_get(doc, "vulnerabilities");
	if (vulns && !json_is_array(vulns)) {
		rc = chk_fail(&c, "/vulnerabilities", NULL, "expected an array");
		goto out;
	}
	json_array_foreach(vulns, i, x)
	{
		if ((rc = check_vuln(&c, x, i, cat)) != 0)
			goto out;
		/* 6.1.23 */
		for (j = 0; sget(x, "cve") && j < i; j++) {
			const char *other = sget(json_array_get(vulns, j), "cve");
			if (other && strcmp(other, sget(x, "cve")) == 0) {
				char p[64];
				snprintf(p, sizeof(p), "/vulnerabilities/%zu/cve", i);
				rc = chk_fail(&c, p, "6.1.23", "CVE identifier %s was already used",
				              other);
				goto out;
			}
		}
	}
	/* 6.1.27.x: the profiles */
	if (strcmp(cat, "csaf_informational_advisory") == 0 ||
	    strcmp(cat, "csaf_security_incident_response") == 0) {
		int notes = 0, external = 0;
		json_array_foreach(json_object_get(d, "notes"), i, x)
		{
			const char *nc = sget(x, "category");
			notes |=
			    nc && (strcmp(nc, "description") == 0 || strcmp(nc, "details") == 0 ||
			           strcmp(nc, "general") == 0 || strcmp(nc, "summary") == 0);
		}
		json_array_foreach(json_object_get(d, "references"), i, x)
		{
			external |=
			    sget(x, "category") && strcmp(sget(x, "category"), "external") == 0;
		}
		if (!notes) {
			rc = chk_fail(
			    &c, "/document/notes", "6.1.27.1",
			    "need at least one document note with a category of description,"
			    " details, general or summary");
			goto out;
		}
		if (!external) {
			rc = chk_fail(&c, "/document/references", "6.1.27.2",
			              "need at least one document reference with the category"
			              " \"external\"");
			goto out;
		}
		if (strcmp(cat, "csaf_informational_advisory") == 0 && vulns) {
			rc = chk_fail(&c, "/vulnerabilities", "6.1.27.3",
			              "an informational advisory has no vulnerabilities");
			goto out;
		}
	}
	if (strcmp(cat, "csaf_security_advisory") == 0 || strcmp(cat, "csaf_vex") == 0) {
		if (!json_object_get(doc, "product_tree")) {
			rc = chk_fail(&c, "/", "6.1.27.4", "needs a product_tree");
			goto out;
		}
		if (json_array_size(vulns) == 0) {
			rc = chk_fail(&c, "/", "6.1.27.11", "needs vulnerabilities");
			goto out;
		}
	}
	rc = 0;
out:
	json_decref(c.products);
	json_decref(c.groups);
	return rc;
}
