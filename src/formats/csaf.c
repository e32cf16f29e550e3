/* csaf.c: CSAF 2.0 documents <-> struct csaf_doc. */
#include "formats/csaf.h"

#include "core/xalloc.h"
#include "domain/product.h"
#include "domain/range.h"
#include "domain/rangeset.h"
#include "domain/version.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- small helpers ---- */

static char *dupz(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static const char *sget(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

void csaf_strv_add(struct csaf_strv *s, const char *v)
{
	s->v = xreallocarray(s->v, s->n + 1, sizeof(char *));
	s->v[s->n++] = xstrdup(v);
}

#define strv_push csaf_strv_add

static int strv_has(const struct csaf_strv *s, const char *v)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], v) == 0)
			return 1;
	return 0;
}

static void strv_free(struct csaf_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

void csaf_semver(int num, char *out, size_t outsz)
{
	snprintf(out, outsz, "%d.0.%d", 1 + num / 100, num % 100);
}

void csaf_filename(const char *id, char *out, size_t outsz)
{
	size_t n = 0;

	for (; *id && n + 6 < outsz; id++) {
		char c = (char)tolower((unsigned char)*id);
		out[n++] = (isalnum((unsigned char)c) || c == '+' || c == '-') ? c : '_';
	}
	snprintf(out + n, outsz - n, ".json");
}

const char *csaf_tlp_label(const char *tlp)
{
	if (tlp == NULL)
		return NULL;
	if (strcasecmp(tlp, "CLEAR") == 0 || strcasecmp(tlp, "WHITE") == 0)
		return "WHITE";
	if (strcasecmp(tlp, "GREEN") == 0)
		return "GREEN";
	if (strcasecmp(tlp, "AMBER") == 0 || strcasecmp(tlp, "AMBER+STRICT") == 0)
		return "AMBER";
	if (strcasecmp(tlp, "RED") == 0)
		return "RED";
	return NULL;
}

int csaf_version_normalize(const char *text, char *out, size_t outsz, struct err *e)
{
	const char *p = text, *colon = strchr(text, ':');
	size_t n = 0;

	/* an rpm epoch: digits and ':' in front */
	if (colon) {
		const char *q = text;
		while (q < colon && isdigit((unsigned char)*q))
			q++;
		if (q == colon && q > text)
			p = colon + 1;
	}
	while (*p == ' ')
		p++;
	for (; *p && n + 1 < outsz; p++) {
		unsigned char c = (unsigned char)*p;
		out[n++] = (isalnum(c) || c == '.' || c == '-' || c == '_' || c == '+' || c == '~')
		               ? (char)c
		               : '.';
	}
	while (n && out[n - 1] == '.')
		n--;
	out[n] = '\0';
	if (*p || version_check(out, NULL) != 0)
		return err_set(e, ERR_INPUT, "version \"%.80s\" cannot be read", text);
	return 0;
}

/* ---- freeing ---- */

static void notes_free(struct csaf_note *n, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		free(n[i].category);
		free(n[i].title);
		free(n[i].text);
	}
	free(n);
}

static void refs_free(struct csaf_ref *r, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		free(r[i].category);
		free(r[i].summary);
		free(r[i].url);
	}
	free(r);
}

void csaf_doc_free(struct csaf_doc *d)
{
	char **fields[] = {&d->category,
	                   &d->title,
	                   &d->lang,
	                   &d->tlp,
	                   &d->tlp_url,
	                   &d->distribution_text,
	                   &d->severity,
	                   &d->publisher_category,
	                   &d->publisher_name,
	                   &d->publisher_namespace,
	                   &d->publisher_contact,
	                   &d->id,
	                   &d->version,
	                   &d->status,
	                   &d->initial_release_date,
	                   &d->current_release_date,
	                   &d->generator_name,
	                   &d->generator_version,
	                   &d->generator_date};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		free(*fields[i]);
	for (size_t i = 0; i < d->nrevisions; i++) {
		free(d->revisions[i].date);
		free(d->revisions[i].number);
		free(d->revisions[i].legacy_version);
		free(d->revisions[i].summary);
	}
	free(d->revisions);
	notes_free(d->notes, d->nnotes);
	refs_free(d->refs, d->nrefs);
	for (size_t i = 0; i < d->nproducts; i++) {
		struct csaf_product *p = &d->products[i];
		free(p->id);
		free(p->name);
		free(p->vendor);
		free(p->product);
		free(p->key);
		free(p->version);
		free(p->range);
		free(p->cpe);
		free(p->purl);
		free(p->skipped);
	}
	free(d->products);
	for (size_t i = 0; i < d->nvulns; i++) {
		struct csaf_vuln *v = &d->vulns[i];
		free(v->cve);
		free(v->cwe_id);
		free(v->cwe_name);
		free(v->title);
		free(v->cvss_vector);
		notes_free(v->notes, v->nnotes);
		refs_free(v->refs, v->nrefs);
		strv_free(&v->affected);
		strv_free(&v->fixed);
		strv_free(&v->not_affected);
		strv_free(&v->investigating);
		for (size_t j = 0; j < v->nrems; j++) {
			free(v->rems[j].category);
			free(v->rems[j].details);
			free(v->rems[j].date);
			free(v->rems[j].url);
			strv_free(&v->rems[j].products);
		}
		free(v->rems);
		for (size_t j = 0; j < v->nthreats; j++) {
			free(v->threats[j].category);
			free(v->threats[j].details);
			free(v->threats[j].date);
			strv_free(&v->threats[j].products);
		}
		free(v->threats);
	}
	free(d->vulns);
	memset(d, 0, sizeof(*d));
}

/* ---- reading ---- */

static void read_notes(json_t *a, struct csaf_note **out, size_t *n)
{
	json_t *x;
	size_t i;

	*out = NULL;
	*n = 0;
	if (json_array_size(a) == 0)
		return;
	*out = xcalloc(json_array_size(a), sizeof(**out));
	json_array_foreach(a, i, x)
	{
		(*out)[i].category = dupz(sget(x, "category"));
		(*out)[i].title = dupz(sget(x, "title"));
		(*out)[i].text = dupz(sget(x, "text"));
	}
	*n = json_array_size(a);
}

static void read_refs(json_t *a, struct csaf_ref **out, size_t *n)
{
	json_t *x;
	size_t i;

	*out = NULL;
	*n = 0;
	if (json_array_size(a) == 0)
		return;
	*out = xcalloc(json_array_size(a), sizeof(**out));
	json_array_foreach(a, i, x)
	{
		(*out)[i].category = dupz(sget(x, "category") ? sget(x, "category") : "external");
		(*out)[i].summary = dupz(sget(x, "summary"));
		(*out)[i].url = dupz(sget(x, "url"));
	}
	*n = json_array_size(a);
}

/* "telnet-server-1:0.17-65.el7_6.x86_64" -> name "telnet-server", version "0.17-65.el7_6" */
static int nevra_split(const char *s, char **name, char **version)
{
	static const char *const arches[] = {".x86_64",  ".noarch",  ".src",   ".i686",  ".i386",
	                                     ".aarch64", ".ppc64le", ".ppc64", ".s390x", NULL};
	char *t = xstrdup(s), *rel, *ver, *colon;
	size_t n = strlen(t);

	for (size_t i = 0; arches[i]; i++) {
		size_t a = strlen(arches[i]);
		if (n > a && strcmp(t + n - a, arches[i]) == 0) {
			t[n - a] = '\0';
			break;
		}
	}
	rel = strrchr(t, '-');
	if (rel == NULL)
		goto no;
	*rel = '\0';
	ver = strrchr(t, '-');
	if (ver == NULL || ver == t || !isdigit((unsigned char)ver[1]))
		goto no;
	*ver++ = '\0';
	colon = strchr(ver, ':');
	if (colon)
		ver = colon + 1;
	*name = xstrdup(t);
	*version = xmalloc(strlen(ver) + strlen(rel + 1) + 2);
	snprintf(*version, strlen(ver) + strlen(rel + 1) + 2, "%s-%s", ver, rel + 1);
	free(t);
	return 0;
no:
	free(t);
	return -1;
}

/* Percent-decodes s into a new string. */
static char *pct_decode(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;

	for (; *s; s++) {
		if (*s == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
			char hex[3] = {s[1], s[2], 0};
			*o++ = (char)strtol(hex, NULL, 16);
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* A product_version_range name into a range: "vers:<scheme>/<constraints>", or constraints
 * as Baken writes them ("<= 4.2"). NULL when it cannot be read. */
static char *range_from_name(const char *name)
{
	struct range r;
	struct buf b;
	char *text;
	const char *p = name;

	if (strncasecmp(p, "vers:", 5) == 0) {
		p = strchr(p + 5, '/');
		if (p == NULL)
			return NULL;
		p++;
	}
	text = pct_decode(p);
	if (range_parse(text, &r, NULL) != 0) {
		free(text);
		return NULL;
	}
	free(text);
	buf_init(&b, 4 * RANGE_MAX_TEXT);
	range_format(&r, &b);
	range_free(&r);
	return buf_take(&b);
}

struct walk {
	const char *vendor, *family, *product, *version, *range_name;
};

static void product_fill(struct csaf_product *p, json_t *prod, const struct walk *w,
                         const char *leafcat, const char *leafname)
{
	json_t *helper = json_object_get(prod, "product_identification_helper");
	struct product_ref ref;
	char norm[PRODUCT_VERSION_MAX + 1];
	char *nevra_name = NULL, *nevra_ver = NULL;
	const char *version = NULL;

	p->id = dupz(sget(prod, "product_id"));
	p->name = dupz(sget(prod, "name"));
	p->vendor = dupz(w->vendor);
	p->cpe = dupz(sget(helper, "cpe"));
	p->purl = dupz(sget(helper, "purl"));
	p->product = dupz(w->product ? w->product : w->family);
	/* the key: an identifier first, then the names of the tree */
	if ((p->cpe && product_parse(p->cpe, &ref, NULL) == 0) ||
	    (p->purl && product_parse(p->purl, &ref, NULL) == 0)) {
		p->key = xstrdup(ref.name);
		if (ref.version[0])
			version = ref.version;
	} else if (w->vendor) {
		const char *prodname = w->product;
		if (prodname == NULL && strcmp(leafcat, "product_version") == 0 &&
		    nevra_split(leafname, &nevra_name, &nevra_ver) == 0) {
			prodname = nevra_name;
			version = nevra_ver;
		}
		if (prodname == NULL && strcmp(leafcat, "product_version") == 0 &&
		    strrchr(leafname, ':') && strrchr(leafname, ':')[1]) {
			/* a container image, "repository/name:tag" */
			nevra_name =
			    xstrndup(leafname, (size_t)(strrchr(leafname, ':') - leafname));
			nevra_ver = xstrdup(strrchr(leafname, ':') + 1);
			prodname = nevra_name;
			version = nevra_ver;
		}
		if (prodname == NULL)
			prodname = w->family;
		if (prodname) {
			char *v = product_key_part(w->vendor), *n = product_key_part(prodname);
			size_t len = strlen(v) + strlen(n) + 2;
			p->key = xmalloc(len);
			snprintf(p->key, len, "%s:%s", v, n);
			free(v);
			free(n);
			if (product_name_check(p->key, NULL) != 0) {
				free(p->key);
				p->key = NULL;
			}
		}
	}
	if (p->key == NULL) {
		p->skipped = xstrdup("no vendor and product name, CPE or purl to key it by");
		goto out;
	}
	/* the version or range: the identifier's, else the tree's */
	if (version == NULL && w->range_name) {
		if ((p->range = range_from_name(w->range_name)) == NULL) {
			size_t len = strlen(w->range_name) + 64;
			p->skipped = xmalloc(len);
			snprintf(p->skipped, len, "range \"%s\" cannot be read", w->range_name);
		}
		goto out;
	}
	if (version == NULL)
		version = w->version;
	if (version) {
		if (csaf_version_normalize(version, norm, sizeof(norm), NULL) == 0)
			p->version = xstrdup(norm);
		else {
			size_t len = strlen(version) + 64;
			p->skipped = xmalloc(len);
			snprintf(p->skipped, len, "version \"%s\" cannot be read", version);
		}
	}
out:
	free(nevra_name);
	free(nevra_ver);
}

static void walk_branches(struct csaf_doc *d, json_t *branches, struct walk w, int depth)
{
	json_t *b;
	size_t i;

	if (depth > 30)
		return;
	json_array_foreach(branches, i, b)
	{
		struct walk in = w;
		const char *cat = sget(b, "category"), *name = sget(b, "name");
		json_t *prod = json_object_get(b, "product");

		if (cat == NULL || name == NULL)
			continue;
		if (strcmp(cat, "vendor") == 0)
			in.vendor = name;
		else if (strcmp(cat, "product_family") == 0)
			in.family = name;
		else if (strcmp(cat, "product_name") == 0)
			in.product = name;
		else if (strcmp(cat, "product_version") == 0 || strcmp(cat, "service_pack") == 0 ||
		         strcmp(cat, "patch_level") == 0) {
			in.version = name;
			in.range_name = NULL;
		} else if (strcmp(cat, "product_version_range") == 0) {
			in.range_name = name;
			in.version = NULL;
		}
		if (json_is_object(prod)) {
			d->products =
			    xreallocarray(d->products, d->nproducts + 1, sizeof(*d->products));
			memset(&d->products[d->nproducts], 0, sizeof(*d->products));
			product_fill(&d->products[d->nproducts++], prod, &in, cat, name);
		}
		walk_branches(d, json_object_get(b, "branches"), in, depth + 1);
	}
}

static struct csaf_product *find_product(const struct csaf_doc *d, json_t *index, const char *id)
{
	json_t *i = json_object_get(index, id);

	return i ? &d->products[json_integer_value(i)] : NULL;
}

static json_t *product_index(const struct csaf_doc *d)
{
	json_t *index = json_object();

	for (size_t i = 0; i < d->nproducts; i++)
		if (d->products[i].id && !json_object_get(index, d->products[i].id))
			json_object_set_new(index, d->products[i].id, json_integer((json_int_t)i));
	return index;
}

static void read_product_tree(struct csaf_doc *d, json_t *tree)
{
	json_t *x, *rels = json_object_get(tree, "relationships"), *index;
	struct walk none = {0};
	size_t i, first_rel;

	walk_branches(d, json_object_get(tree, "branches"), none, 0);
	json_array_foreach(json_object_get(tree, "full_product_names"), i, x)
	{
		d->products = xreallocarray(d->products, d->nproducts + 1, sizeof(*d->products));
		memset(&d->products[d->nproducts], 0, sizeof(*d->products));
		product_fill(&d->products[d->nproducts++], x, &none, "", "");
	}
	/* a relationship's product is its component (product_reference), installed on or part
	 * of another: it takes the component's key and version */
	first_rel = d->nproducts;
	json_array_foreach(rels, i, x)
	{
		struct csaf_product *p;
		json_t *fpn = json_object_get(x, "full_product_name");
		d->products = xreallocarray(d->products, d->nproducts + 1, sizeof(*d->products));
		p = &d->products[d->nproducts++];
		memset(p, 0, sizeof(*p));
		p->id = dupz(sget(fpn, "product_id"));
		p->name = dupz(sget(fpn, "name"));
	}
	for (int round = 0; round < 8; round++) {
		int changed = 0;
		index = product_index(d);
		json_array_foreach(rels, i, x)
		{
			struct csaf_product *p = &d->products[first_rel + i];
			const struct csaf_product *c =
			    find_product(d, index, sget(x, "product_reference"));
			if (p->key || p->skipped || c == NULL || c == p || (!c->key && !c->skipped))
				continue;
			p->key = dupz(c->key);
			p->vendor = dupz(c->vendor);
			p->product = dupz(c->product);
			p->version = dupz(c->version);
			p->range = dupz(c->range);
			p->skipped = dupz(c->skipped);
			changed = 1;
		}
		json_decref(index);
		if (!changed)
			break;
	}
	for (i = first_rel; i < d->nproducts; i++)
		if (!d->products[i].key && !d->products[i].skipped)
			d->products[i].skipped = xstrdup("its component cannot be keyed");
}

static void read_ids(json_t *o, const char *k, struct csaf_strv *s)
{
	json_t *x;
	size_t i;

	json_array_foreach(json_object_get(o, k), i, x)
	{
		if (json_is_string(x) && !strv_has(s, json_string_value(x)))
			strv_push(s, json_string_value(x));
	}
}

/* the product ids of o: its product_ids and the products of its group_ids */
static void read_ids_groups(json_t *doc, json_t *o, struct csaf_strv *s)
{
	json_t *g, *grp;
	size_t i, j;

	read_ids(o, "product_ids", s);
	json_array_foreach(json_object_get(o, "group_ids"), i, g)
	{
		json_array_foreach(
		    json_object_get(json_object_get(doc, "product_tree"), "product_groups"), j, grp)
		{
			if (json_is_string(g) && sget(grp, "group_id") &&
			    strcmp(sget(grp, "group_id"), json_string_value(g)) == 0)
				read_ids(grp, "product_ids", s);
		}
	}
}

static void read_vuln(json_t *doc, json_t *x, struct csaf_vuln *v)
{
	json_t *ps = json_object_get(x, "product_status"), *cwe = json_object_get(x, "cwe"), *y;
	size_t i;
	double best = -1;

	v->cve = dupz(sget(x, "cve"));
	v->title = dupz(sget(x, "title"));
	v->cwe_id = dupz(sget(cwe, "id"));
	v->cwe_name = dupz(sget(cwe, "name"));
	read_notes(json_object_get(x, "notes"), &v->notes, &v->nnotes);
	read_refs(json_object_get(x, "references"), &v->refs, &v->nrefs);
	read_ids(ps, "first_affected", &v->affected);
	read_ids(ps, "known_affected", &v->affected);
	read_ids(ps, "last_affected", &v->affected);
	read_ids(ps, "first_fixed", &v->fixed);
	read_ids(ps, "fixed", &v->fixed);
	read_ids(ps, "known_not_affected", &v->not_affected);
	read_ids(ps, "under_investigation", &v->investigating);
	if (json_array_size(json_object_get(x, "remediations")))
		v->rems =
		    xcalloc(json_array_size(json_object_get(x, "remediations")), sizeof(*v->rems));
	json_array_foreach(json_object_get(x, "remediations"), i, y)
	{
		struct csaf_remediation *r = &v->rems[v->nrems++];
		r->category = dupz(sget(y, "category"));
		r->details = dupz(sget(y, "details"));
		r->date = dupz(sget(y, "date"));
		r->url = dupz(sget(y, "url"));
		read_ids_groups(doc, y, &r->products);
	}
	if (json_array_size(json_object_get(x, "threats")))
		v->threats =
		    xcalloc(json_array_size(json_object_get(x, "threats")), sizeof(*v->threats));
	json_array_foreach(json_object_get(x, "threats"), i, y)
	{
		struct csaf_threat *t = &v->threats[v->nthreats++];
		t->category = dupz(sget(y, "category"));
		t->details = dupz(sget(y, "details"));
		t->date = dupz(sget(y, "date"));
		read_ids_groups(doc, y, &t->products);
	}
	/* the score of the highest CVSS version; of equal versions the highest score */
	json_array_foreach(json_object_get(x, "scores"), i, y)
	{
		json_t *c = json_object_get(y, "cvss_v3");
		double rank;
		if (c == NULL)
			c = json_object_get(y, "cvss_v2");
		if (c == NULL || !sget(c, "vectorString"))
			continue;
		rank = (sget(c, "version") ? atof(sget(c, "version")) : 0) * 100 +
		       json_number_value(json_object_get(c, "baseScore"));
		if (rank > best) {
			best = rank;
			free(v->cvss_vector);
			v->cvss_vector = xstrdup(sget(c, "vectorString"));
			v->cvss_score = json_number_value(json_object_get(c, "baseScore"));
		}
	}
}

int csaf_parse(json_t *doc, struct csaf_doc *out, struct err *e)
{
	json_t *d = json_object_get(doc, "document"), *tr, *pub, *dist, *x;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(d))
		return err_set(e, ERR_INPUT, "/document: missing");
	tr = json_object_get(d, "tracking");
	pub = json_object_get(d, "publisher");
	dist = json_object_get(d, "distribution");
	out->category = dupz(sget(d, "category"));
	out->title = dupz(sget(d, "title"));
	out->lang = dupz(sget(d, "lang"));
	out->tlp = dupz(sget(json_object_get(dist, "tlp"), "label"));
	out->tlp_url = dupz(sget(json_object_get(dist, "tlp"), "url"));
	out->distribution_text = dupz(sget(dist, "text"));
	out->severity = dupz(sget(json_object_get(d, "aggregate_severity"), "text"));
	out->publisher_category = dupz(sget(pub, "category"));
	out->publisher_name = dupz(sget(pub, "name"));
	out->publisher_namespace = dupz(sget(pub, "namespace"));
	out->publisher_contact = dupz(sget(pub, "contact_details"));
	out->id = dupz(sget(tr, "id"));
	out->version = dupz(sget(tr, "version"));
	out->status = dupz(sget(tr, "status"));
	out->initial_release_date = dupz(sget(tr, "initial_release_date"));
	out->current_release_date = dupz(sget(tr, "current_release_date"));
	x = json_object_get(json_object_get(tr, "generator"), "engine");
	out->generator_name = dupz(sget(x, "name"));
	out->generator_version = dupz(sget(x, "version"));
	out->generator_date = dupz(sget(json_object_get(tr, "generator"), "date"));
	if (out->id == NULL || out->version == NULL || out->publisher_namespace == NULL) {
		csaf_doc_free(out);
		return err_set(e, ERR_INPUT, "/document/tracking: missing id or version");
	}
	x = json_object_get(tr, "revision_history");
	if (json_array_size(x))
		out->revisions = xcalloc(json_array_size(x), sizeof(*out->revisions));
	json_array_foreach(x, i, d)
	{
		struct csaf_revision *r = &out->revisions[out->nrevisions++];
		r->date = dupz(sget(d, "date"));
		r->number = dupz(sget(d, "number"));
		r->legacy_version = dupz(sget(d, "legacy_version"));
		r->summary = dupz(sget(d, "summary"));
	}
	d = json_object_get(doc, "document");
	read_notes(json_object_get(d, "notes"), &out->notes, &out->nnotes);
	read_refs(json_object_get(d, "references"), &out->refs, &out->nrefs);
	read_product_tree(out, json_object_get(doc, "product_tree"));
	x = json_object_get(doc, "vulnerabilities");
	if (json_array_size(x))
		out->vulns = xcalloc(json_array_size(x), sizeof(*out->vulns));
	json_array_foreach(x, i, d)
	{
		read_vuln(doc, d, &out->vulns[out->nvulns++]);
	}
	return 0;
}

int csaf_read(const char *data, size_t len, struct csaf_doc *out, struct err *e)
{
	json_error_t jerr;
	json_t *doc;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > CSAF_DOC_MAX)
		return err_set(e, ERR_INPUT, "larger than %u bytes", CSAF_DOC_MAX);
	doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL)
		return err_set(e, ERR_INPUT, "line %d, column %d: malformed JSON: %s", jerr.line,
		               jerr.column, jerr.text);
	rc = csaf_check(doc, e);
	if (rc == 0)
		rc = csaf_parse(doc, out, e);
	json_decref(doc);
	return rc;
}

/* ---- what a vulnerability says per product key ---- */

void csaf_affects_free(struct csaf_affect *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].key);
		free(a[i].range);
		strv_free(&a[i].fixed);
		strv_free(&a[i].product_ids);
	}
	free(a);
}

static struct csaf_affect *affect_for(struct csaf_affect **a, size_t *n, const char *key)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*a)[i].key, key) == 0)
			return &(*a)[i];
	*a = xreallocarray(*a, *n + 1, sizeof(**a));
	memset(&(*a)[*n], 0, sizeof(**a));
	(*a)[*n].key = xstrdup(key);
	return &(*a)[(*n)++];
}

int csaf_affects(const struct csaf_doc *d, const struct csaf_vuln *v, struct csaf_affect **out,
                 size_t *n, struct err *e)
{
	json_t *index = product_index(d);
	struct csaf_strv *pieces = NULL; /* per affect, the range pieces */
	size_t np = 0, i;
	int rc = 0;

	*out = NULL;
	*n = 0;
	for (i = 0; i < v->affected.n; i++) {
		const struct csaf_product *p = find_product(d, index, v->affected.v[i]);
		struct csaf_affect *a;
		size_t k;
		if (p == NULL || p->key == NULL || p->skipped)
			continue;
		a = affect_for(out, n, p->key);
		k = (size_t)(a - *out);
		if (np < *n) {
			pieces = xreallocarray(pieces, *n, sizeof(*pieces));
			memset(&pieces[np], 0, (*n - np) * sizeof(*pieces));
			np = *n;
		}
		strv_push(&pieces[k], p->range ? p->range : p->version ? p->version : "*");
		if (!strv_has(&a->product_ids, p->id))
			strv_push(&a->product_ids, p->id);
	}
	for (i = 0; i < v->fixed.n; i++) {
		const struct csaf_product *p = find_product(d, index, v->fixed.v[i]);
		struct csaf_affect *a;
		if (p == NULL || p->key == NULL || p->skipped || p->version == NULL)
			continue;
		a = affect_for(out, n, p->key);
		if (!strv_has(&a->fixed, p->version))
			strv_push(&a->fixed, p->version);
	}
	for (i = 0; i < np && rc == 0; i++) {
		struct buf b;
		if (pieces[i].n == 0)
			continue;
		buf_init(&b, 8 * RANGE_MAX_TEXT);
		int widened = 0;
		rc = rangeset_cover((const char *const *)pieces[i].v, pieces[i].n, &b, &widened, e);
		(*out)[i].widened = widened;
		if (rc == 0 && b.len)
			(*out)[i].range = buf_take(&b);
		else if (rc)
			err_wrap(e, "product %s: ", (*out)[i].key);
		buf_free(&b);
	}
	for (i = 0; i < np; i++)
		strv_free(&pieces[i]);
	free(pieces);
	json_decref(index);
	if (rc) {
		csaf_affects_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

static const char *level_in(const char *text)
{
	static const char *const levels[] = {"low", "medium", "high", NULL};

	for (const char *p = text; p && *p;) {
		size_t n = 0;
		while (p[n] && isalpha((unsigned char)p[n]))
			n++;
		for (size_t i = 0; n && levels[i]; i++)
			if (strlen(levels[i]) == n && strncasecmp(levels[i], p, n) == 0)
				return levels[i];
		p += n ? n : 1;
	}
	return NULL;
}

void csaf_classification(const struct csaf_doc *d, const char **likelihood, const char **impact)
{
	*likelihood = *impact = NULL;
	for (size_t i = 0; i < d->nnotes; i++) {
		const char *t = d->notes[i].title;
		if (t == NULL)
			continue;
		if (!*likelihood &&
		    (strcasecmp(t, "Kans") == 0 || strcasecmp(t, "Likelihood") == 0 ||
		     strcasecmp(t, "Probability") == 0))
			*likelihood = level_in(d->notes[i].text);
		if (!*impact && (strcasecmp(t, "Schade") == 0 || strcasecmp(t, "Impact") == 0 ||
		                 strcasecmp(t, "Damage") == 0))
			*impact = level_in(d->notes[i].text);
	}
}

/* ---- writing ---- */

static void set_str(json_t *o, const char *k, const char *v)
{
	if (v)
		json_object_set_new(o, k, json_string(v));
}

static json_t *build_notes(const struct csaf_note *n, size_t k)
{
	json_t *a = json_array();

	for (size_t i = 0; i < k; i++) {
		json_t *o = json_object();
		set_str(o, "category", n[i].category);
		set_str(o, "text", n[i].text);
		set_str(o, "title", n[i].title);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *build_refs(const struct csaf_ref *r, size_t k)
{
	json_t *a = json_array();

	for (size_t i = 0; i < k; i++) {
		json_t *o = json_object();
		set_str(o, "category", r[i].category);
		set_str(o, "summary", r[i].summary);
		set_str(o, "url", r[i].url);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *build_ids(const struct csaf_strv *s)
{
	json_t *a = json_array();

	for (size_t i = 0; i < s->n; i++)
		json_array_append_new(a, json_string(s->v[i]));
	return a;
}

/* The product tree: vendor -> product_name -> product_version(_range), in the order the
 * products come; products without a vendor go into full_product_names. */
static json_t *build_tree(const struct csaf_doc *d)
{
	json_t *tree = json_object(), *vendors = json_array(), *full = json_array();

	for (size_t i = 0; i < d->nproducts; i++) {
		const struct csaf_product *p = &d->products[i];
		json_t *prod = json_object(), *vb = NULL, *pb = NULL, *leaf, *x;
		size_t j;
		char *vers = NULL;

		set_str(prod, "name", p->name);
		set_str(prod, "product_id", p->id);
		if (p->cpe || p->purl) {
			json_t *h = json_object();
			set_str(h, "cpe", p->cpe);
			set_str(h, "purl", p->purl);
			json_object_set_new(prod, "product_identification_helper", h);
		}
		if (p->vendor == NULL || p->product == NULL || (!p->version && !p->range)) {
			json_array_append_new(full, prod);
			continue;
		}
		json_array_foreach(vendors, j, x)
		{
			if (strcmp(json_string_value(json_object_get(x, "name")), p->vendor) == 0)
				vb = x;
		}
		if (vb == NULL) {
			vb = json_object();
			json_object_set_new(vb, "branches", json_array());
			json_object_set_new(vb, "category", json_string("vendor"));
			json_object_set_new(vb, "name", json_string(p->vendor));
			json_array_append_new(vendors, vb);
		}
		json_array_foreach(json_object_get(vb, "branches"), j, x)
		{
			if (strcmp(json_string_value(json_object_get(x, "name")), p->product) == 0)
				pb = x;
		}
		if (pb == NULL) {
			pb = json_object();
			json_object_set_new(pb, "branches", json_array());
			json_object_set_new(pb, "category", json_string("product_name"));
			json_object_set_new(pb, "name", json_string(p->product));
			json_array_append_new(json_object_get(vb, "branches"), pb);
		}
		leaf = json_object();
		if (p->range) {
			size_t len = strlen(p->range) + 16;
			vers = xmalloc(len);
			snprintf(vers, len, "vers:generic/%s", p->range);
			json_object_set_new(leaf, "category", json_string("product_version_range"));
			json_object_set_new(leaf, "name", json_string(vers));
		} else {
			json_object_set_new(leaf, "category", json_string("product_version"));
			json_object_set_new(leaf, "name", json_string(p->version));
		}
		json_object_set_new(leaf, "product", prod);
		json_array_append_new(json_object_get(pb, "branches"), leaf);
		free(vers);
	}
	if (json_array_size(vendors))
		json_object_set_new(tree, "branches", vendors);
	else
		json_decref(vendors);
	if (json_array_size(full))
		json_object_set_new(tree, "full_product_names", full);
	else
		json_decref(full);
	return tree;
}

json_t *csaf_build(const struct csaf_doc *d)
{
	json_t *root = json_object(), *doc = json_object(), *o, *a;

	/* document */
	if (d->severity)
		json_object_set_new(doc, "aggregate_severity",
		                    json_pack("{s:s}", "text", d->severity));
	set_str(doc, "category", d->category);
	json_object_set_new(doc, "csaf_version", json_string("2.0"));
	if (d->tlp || d->distribution_text) {
		o = json_object();
		set_str(o, "text", d->distribution_text);
		if (d->tlp)
			json_object_set_new(
			    o, "tlp",
			    json_pack("{s:s, s:s}", "label", d->tlp, "url",
			              d->tlp_url ? d->tlp_url : "https://www.first.org/tlp/"));
		json_object_set_new(doc, "distribution", o);
	}
	set_str(doc, "lang", d->lang);
	if (d->nnotes)
		json_object_set_new(doc, "notes", build_notes(d->notes, d->nnotes));
	o = json_object();
	set_str(o, "category", d->publisher_category);
	set_str(o, "contact_details", d->publisher_contact);
	set_str(o, "name", d->publisher_name);
	set_str(o, "namespace", d->publisher_namespace);
	json_object_set_new(doc, "publisher", o);
	if (d->nrefs)
		json_object_set_new(doc, "references", build_refs(d->refs, d->nrefs));
	set_str(doc, "title", d->title);
	o = json_object();
	set_str(o, "current_release_date", d->current_release_date);
	if (d->generator_name) {
		json_t *g = json_object(), *eng = json_object();
		set_str(eng, "name", d->generator_name);
		set_str(eng, "version", d->generator_version);
		set_str(g, "date", d->generator_date);
		json_object_set_new(g, "engine", eng);
		json_object_set_new(o, "generator", g);
	}
	set_str(o, "id", d->id);
	set_str(o, "initial_release_date", d->initial_release_date);
	a = json_array();
	for (size_t i = 0; i < d->nrevisions; i++) {
		json_t *r = json_object();
		set_str(r, "date", d->revisions[i].date);
		set_str(r, "legacy_version", d->revisions[i].legacy_version);
		set_str(r, "number", d->revisions[i].number);
		set_str(r, "summary", d->revisions[i].summary);
		json_array_append_new(a, r);
	}
	json_object_set_new(o, "revision_history", a);
	set_str(o, "status", d->status);
	set_str(o, "version", d->version);
	json_object_set_new(doc, "tracking", o);
	json_object_set_new(root, "document", doc);

	/* product tree */
	if (d->nproducts)
		json_object_set_new(root, "product_tree", build_tree(d));

	/* vulnerabilities */
	if (d->nvulns) {
		a = json_array();
		for (size_t i = 0; i < d->nvulns; i++) {
			const struct csaf_vuln *v = &d->vulns[i];
			json_t *x = json_object(), *ps = json_object();

			set_str(x, "cve", v->cve);
			if (v->cwe_id && v->cwe_name)
				json_object_set_new(
				    x, "cwe",
				    json_pack("{s:s, s:s}", "id", v->cwe_id, "name", v->cwe_name));
			if (v->nnotes)
				json_object_set_new(x, "notes", build_notes(v->notes, v->nnotes));
			if (v->fixed.n)
				json_object_set_new(ps, "fixed", build_ids(&v->fixed));
			if (v->affected.n)
				json_object_set_new(ps, "known_affected", build_ids(&v->affected));
			if (v->not_affected.n)
				json_object_set_new(ps, "known_not_affected",
				                    build_ids(&v->not_affected));
			if (v->investigating.n)
				json_object_set_new(ps, "under_investigation",
				                    build_ids(&v->investigating));
			json_object_set_new(x, "product_status", ps);
			if (v->nrefs)
				json_object_set_new(x, "references", build_refs(v->refs, v->nrefs));
			if (v->nrems) {
				json_t *rs = json_array();
				for (size_t j = 0; j < v->nrems; j++) {
					const struct csaf_remediation *r = &v->rems[j];
					json_t *ro = json_object();
					set_str(ro, "category", r->category);
					set_str(ro, "date", r->date);
					set_str(ro, "details", r->details);
					if (r->products.n)
						json_object_set_new(ro, "product_ids",
						                    build_ids(&r->products));
					set_str(ro, "url", r->url);
					json_array_append_new(rs, ro);
				}
				json_object_set_new(x, "remediations", rs);
			}
			if (v->nthreats) {
				json_t *ts = json_array();
				for (size_t j = 0; j < v->nthreats; j++) {
					const struct csaf_threat *t = &v->threats[j];
					json_t *to = json_object();
					set_str(to, "category", t->category);
					set_str(to, "date", t->date);
					set_str(to, "details", t->details);
					if (t->products.n)
						json_object_set_new(to, "product_ids",
						                    build_ids(&t->products));
					json_array_append_new(ts, to);
				}
				json_object_set_new(x, "threats", ts);
			}
			set_str(x, "title", v->title);
			json_array_append_new(a, x);
		}
		json_object_set_new(root, "vulnerabilities", a);
	}
	return root;
}
