/* csaf_export.c: advisory versions as CSAF 2.0 documents; the provider tree. */
#include "model/csaf_export.h"

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "domain/matrix.h"
#include "formats/csaf.h"
#include "formats/cwe.h"
#include "model/advisory.h"
#include "model/config.h"
#include "model/feeds.h"

#include <errno.h>
#include <ftw.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define CSAF_GENERATOR_NAME    "Baken"
#define CSAF_GENERATOR_VERSION "0.1.0"

static const char disclaimer_nl[] =
    "Door gebruik te maken van dit beveiligingsadvies gaat u akkoord met de volgende "
    "voorwaarden. Dit advies is met zorg samengesteld, maar de uitgever staat niet in voor "
    "de volledigheid, juistheid of voortdurende actualiteit ervan. De informatie is bedoeld "
    "voor professionele partijen. De uitgever is niet aansprakelijk voor schade die ontstaat "
    "door het gebruik van dit advies. Op dit advies is Nederlands recht van toepassing.";

const char *csaf_export_tlp_dir(const char *tlp)
{
	const char *l = csaf_tlp_label(tlp);

	if (l == NULL)
		return NULL;
	if (strcmp(l, "WHITE") == 0)
		return "white";
	if (strcmp(l, "GREEN") == 0)
		return "green";
	if (strcmp(l, "AMBER") == 0)
		return "amber";
	return "red";
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b, BUF_MAX_DEFAULT);
	va_start(ap, f);
	buf_vprintf(&b, f, ap);
	va_end(ap);
	return buf_take(&b);
}

static void add_note(struct csaf_note **n, size_t *k, const char *category, const char *title,
                     char *text_take)
{
	*n = xreallocarray(*n, *k + 1, sizeof(**n));
	(*n)[*k].category = xstrdup(category);
	(*n)[*k].title = title ? xstrdup(title) : NULL;
	(*n)[*k].text = text_take;
	(*k)++;
}

static void add_ref(struct csaf_ref **r, size_t *k, const char *category, char *summary_take,
                    const char *url)
{
	*r = xreallocarray(*r, *k + 1, sizeof(**r));
	(*r)[*k].category = xstrdup(category);
	(*r)[*k].summary = summary_take;
	(*r)[*k].url = xstrdup(url);
	(*k)++;
}

/* "http://host:8080" without a trailing '/' */
static char *site_url(struct db *db)
{
	char *u = config_get(db, "site.url", "http://localhost:8080");
	size_t n = strlen(u);

	while (n > 0 && u[n - 1] == '/')
		u[--n] = '\0';
	return u;
}

/* The revision history: every published version up to v (and v itself when it is the
 * draft), with dates that never go back in time. */
static int export_revisions(struct db *db, const struct advisory_version *v, struct csaf_doc *d,
                            int64_t *first, int64_t *last, struct err *e)
{
	struct db_stmt *st;
	int64_t prev = 0;
	int rc;

	*first = *last = 0;
	rc = db_prepare(db,
	                "SELECT num, changelog, published_at FROM advisory_versions"
	                " WHERE advisory_id = ?1 AND num <= ?2 AND published_at IS NOT NULL"
	                " ORDER BY num",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, v->id);
	db_bind_int(st, 2, v->num);
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct csaf_revision *r;
		char label[16], sem[16], date[32];
		int64_t t = 0;
		int num = (int)db_col_int(st, 0);

		time_parse(db_col_text(st, 2), &t, NULL);
		if (t <= prev && prev)
			t = prev + 1; /* two versions in one second: keep them in order */
		prev = t;
		if (*first == 0)
			*first = t;
		*last = t;
		advisory_version_label(num, label, sizeof(label));
		csaf_semver(num, sem, sizeof(sem));
		time_format(t, date, sizeof(date));
		d->revisions =
		    xreallocarray(d->revisions, d->nrevisions + 1, sizeof(*d->revisions));
		r = &d->revisions[d->nrevisions++];
		r->date = xstrdup(date);
		r->number = xstrdup(sem);
		r->legacy_version = xstrdup(label);
		r->summary = xstrdup(!db_col_is_null(st, 1) && db_col_text(st, 1)[0]
		                         ? db_col_text(st, 1)
		                         : (num == 0 ? "Eerste versie." : "Nieuwe versie."));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (!v->published) {
		struct csaf_revision *r;
		char label[16], sem[16], date[32];
		int64_t t = v->created_at > prev ? v->created_at : prev + 1;

		if (*first == 0)
			*first = t;
		*last = t;
		advisory_version_label(v->num, label, sizeof(label));
		csaf_semver(v->num, sem, sizeof(sem));
		time_format(t, date, sizeof(date));
		d->revisions =
		    xreallocarray(d->revisions, d->nrevisions + 1, sizeof(*d->revisions));
		r = &d->revisions[d->nrevisions++];
		r->date = xstrdup(date);
		r->number = xstrdup(sem);
		r->legacy_version = xstrdup(label);
		r->summary =
		    xstrdup(v->changelog && v->changelog[0] ? v->changelog
		                                            : "Concept, nog niet uitgegeven.");
	}
	return 0;
}

/* The first published version (up to v) with a text (sql binds ?1 id, ?2 num, ?3 a and, when
 * b is not NULL, ?4 b): for the date of a remediation. */
static int first_date(struct db *db, const char *sql, const struct advisory_version *v,
                      const char *a, const char *b, char *out, size_t outsz, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, sql, &st, e);

	out[0] = '\0';
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, v->id);
	db_bind_int(st, 2, v->num);
	db_bind_text(st, 3, a);
	if (b)
		db_bind_text(st, 4, b);
	if ((rc = db_step(st, e)) == DB_ROW && !db_col_is_null(st, 0)) {
		int64_t t;
		if (time_parse(db_col_text(st, 0), &t, NULL) == 0)
			time_format(t, out, outsz);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* The highest incident level the advisory is part of (0 when none). */
static int incident_level(struct db *db, const char *id, int64_t *level, struct err *e)
{
	return db_query_int(db,
	                    "SELECT coalesce(max(i.level), 0) FROM incident_advisories ia"
	                    " JOIN incidents i ON i.id = ia.incident_id WHERE ia.advisory_id = ?1",
	                    id, level, e);
}

static const char *answer_label(const struct matrix *m, int q)
{
	int a = m->answer[q] < 0 ? 0 : m->answer[q];

	return matrix_answer_label(q, a, "nl");
}

/* Builds the csaf_doc of v. */
static int export_doc(struct db *db, const struct advisory_version *v, struct csaf_doc *d,
                      struct err *e)
{
	struct matrix_result mr;
	const char *lines[MATRIX_MAX_CONSEQUENCES];
	char *site = site_url(db), *name = config_get(db, "site.name", "Baken CSIRT");
	char label[16], sem[16], file[96], when[32], year[8];
	const char *tlp_dir = csaf_export_tlp_dir(v->tlp);
	struct csaf_strv range_ids = {0};
	int64_t first, last, level = 0;
	int nlines, rc;

	memset(d, 0, sizeof(*d));
	advisory_version_label(v->num, label, sizeof(label));
	csaf_semver(v->num, sem, sizeof(sem));
	if ((rc = export_revisions(db, v, d, &first, &last, e)) != 0 ||
	    (rc = incident_level(db, v->id, &level, e)) != 0)
		goto out;
	matrix_evaluate(&v->matrix, &mr);

	d->category = xstrdup("csaf_security_advisory");
	d->title = xstrdup(v->title);
	d->lang = xstrdup("nl");
	d->tlp = xstrdup(csaf_tlp_label(v->tlp) ? csaf_tlp_label(v->tlp) : "WHITE");
	if (strcmp(v->tlp, "AMBER+STRICT") == 0 || strcmp(v->tlp, "RED") == 0) {
		struct buf t;
		buf_init(&t, BUF_MAX_DEFAULT);
		if (strcmp(v->tlp, "AMBER+STRICT") == 0)
			buf_adds(&t,
			         "TLP:AMBER+STRICT: alleen voor de organisatie van de ontvanger,"
			         " niet verder te delen. CSAF 2.0 kent alleen TLP:AMBER.");
		else
			buf_adds(&t, "TLP:RED: alleen voor de genoemde ontvangers.");
		for (size_t i = 0; i < v->nto; i++)
			buf_printf(&t, "%s%s", i ? ", " : " Gericht aan: ", v->to[i]);
		d->distribution_text = buf_take(&t);
	} else
		d->distribution_text = fmt("TLP:%s", v->tlp);
	d->severity = fmt("%s/%s", v->likelihood, v->impact);
	d->publisher_category = xstrdup("coordinator");
	d->publisher_name = xstrdup(name);
	d->publisher_namespace = xstrdup(site);
	d->id = xstrdup(v->id);
	d->version = v->published ? xstrdup(sem) : fmt("%s-draft", sem);
	d->status = xstrdup(!v->published ? "draft" : level > 0 ? "interim" : "final");
	time_format(first, when, sizeof(when));
	d->initial_release_date = xstrdup(when);
	time_format(last, when, sizeof(when));
	d->current_release_date = xstrdup(when);
	d->generator_name = xstrdup(CSAF_GENERATOR_NAME);
	d->generator_version = xstrdup(CSAF_GENERATOR_VERSION);
	d->generator_date = xstrdup(when);

	/* notes: Samenvatting, Beschrijving, Kans, Schade, Platform(s), the disclaimer */
	if (v->summary)
		add_note(&d->notes, &d->nnotes, "summary", "Samenvatting", xstrdup(v->summary));
	if (v->description)
		add_note(&d->notes, &d->nnotes, "description", "Beschrijving",
		         xstrdup(v->description));
	{
		struct buf t;
		buf_init(&t, BUF_MAX_DEFAULT);
		buf_printf(&t, "%s\n\nVoorstel volgens de classificatiematrix: %d punten (%s).",
		           v->likelihood, mr.likelihood_points, level_name(mr.likelihood));
		if (v->rationale && strcmp(level_name(mr.likelihood), v->likelihood) != 0)
			buf_printf(&t, " Afwijking van het voorstel: %s", v->rationale);
		add_note(&d->notes, &d->nnotes, "general", "Kans", buf_take(&t));
		buf_init(&t, BUF_MAX_DEFAULT);
		buf_adds(&t, v->impact);
		nlines = matrix_consequences(&v->matrix, "nl", lines, MATRIX_MAX_CONSEQUENCES);
		for (int i = 0; i < nlines; i++)
			buf_printf(&t, "\n%s", lines[i]);
		if (v->rationale && strcmp(level_name(mr.impact), v->impact) != 0)
			buf_printf(&t, "\n\nAfwijking van het voorstel (%s): %s",
			           level_name(mr.impact), v->rationale);
		add_note(&d->notes, &d->nnotes, "general", "Schade", buf_take(&t));
	}
	if (v->platform)
		add_note(&d->notes, &d->nnotes, "details", "Platform(s)", xstrdup(v->platform));
	if (v->num > 0 && v->changelog)
		add_note(&d->notes, &d->nnotes, "details", "Update", xstrdup(v->changelog));
	add_note(&d->notes, &d->nnotes, "legal_disclaimer", "Vrijwaringsverklaring",
	         xstrdup(disclaimer_nl));

	/* references: this document, the advisory's page, the advisory's references */
	csaf_filename(v->id, file, sizeof(file));
	snprintf(year, sizeof(year), "%.4s", d->initial_release_date);
	{
		char *self = fmt("%s/.well-known/csaf/%s/%s/%s", site, tlp_dir ? tlp_dir : "white",
		                 year, file);
		char *page = fmt("%s/advisories/%s", site, v->id);
		add_ref(&d->refs, &d->nrefs, "self", fmt("CSAF-document %s", v->id), self);
		add_ref(&d->refs, &d->nrefs, "external",
		        fmt("Beveiligingsadvies %s versie %s", v->id, label), page);
		free(self);
		free(page);
	}
	for (size_t i = 0; i < v->nrefs; i++)
		add_ref(&d->refs, &d->nrefs, "external", xstrdup(v->refs[i]), v->refs[i]);

	/* products: the affected ranges, then the fixed versions */
	d->products = xcalloc(v->naffects + v->nfixed + 1, sizeof(*d->products));
	for (size_t i = 0; i < v->naffects + v->nfixed; i++) {
		struct csaf_product *p = &d->products[d->nproducts++];
		const char *key =
		    i < v->naffects ? v->affects[i].product : v->fixed[i - v->naffects].product;
		const char *colon = strchr(key, ':');

		p->id = fmt("CSAFPID-%04zu", i + 1);
		p->key = xstrdup(key);
		p->vendor = xstrndup(key, (size_t)(colon - key));
		p->product = xstrdup(colon + 1);
		if (i < v->naffects) {
			p->range = xstrdup(v->affects[i].range);
			p->name = fmt("%s %s %s", p->vendor, p->product, p->range);
			csaf_strv_add(&range_ids, p->id);
		} else {
			p->version = xstrdup(v->fixed[i - v->naffects].version);
			p->name = fmt("%s %s %s", p->vendor, p->product, p->version);
		}
	}

	/* one vulnerability per CVE */
	d->vulns = xcalloc(v->ncves ? v->ncves : 1, sizeof(*d->vulns));
	for (size_t c = 0; c < v->ncves; c++) {
		struct csaf_vuln *x = &d->vulns[d->nvulns++];
		struct db_stmt *st;
		char date[32];

		x->cve = xstrdup(v->cves[c]);
		x->title = xstrdup(v->title);
		if ((rc = db_prepare(db, "SELECT cwe FROM vulns WHERE cve = ?1", &st, e)) != 0)
			goto out;
		db_bind_text(st, 1, v->cves[c]);
		if ((rc = db_step(st, e)) == DB_ROW && !db_col_is_null(st, 0) &&
		    cwe_name(db_col_text(st, 0))) {
			x->cwe_id = xstrdup(db_col_text(st, 0));
			x->cwe_name = xstrdup(cwe_name(db_col_text(st, 0)));
		}
		db_done(st);
		if (rc < 0)
			goto out;
		add_note(&x->notes, &x->nnotes, "description", "Beschrijving",
		         xstrdup(v->description ? v->description
		                 : v->summary   ? v->summary
		                                : v->title));
		for (size_t i = 0; i < range_ids.n; i++)
			csaf_strv_add(&x->affected, range_ids.v[i]);
		for (size_t i = 0; i < v->nfixed; i++)
			csaf_strv_add(&x->fixed, d->products[v->naffects + i].id);
		/* remediations: each fix for the ranges of its product, the solution for all */
		for (size_t i = 0; i < v->nfixed; i++) {
			struct csaf_remediation *r;
			x->rems = xreallocarray(x->rems, x->nrems + 1, sizeof(*x->rems));
			r = &x->rems[x->nrems++];
			memset(r, 0, sizeof(*r));
			r->category = xstrdup("vendor_fix");
			r->details = fmt("Werk %s bij naar versie %s of nieuwer.",
			                 v->fixed[i].product, v->fixed[i].version);
			if ((rc = first_date(
			         db,
			         "SELECT min(v.published_at) FROM advisory_fixed f JOIN"
			         " advisory_versions v ON v.advisory_id = f.advisory_id AND"
			         " v.num = f.num WHERE f.advisory_id = ?1 AND f.num <= ?2"
			         " AND f.product = ?3 AND f.version = ?4"
			         " AND v.published_at IS NOT NULL",
			         v, v->fixed[i].product, v->fixed[i].version, date, sizeof(date),
			         e)) != 0)
				goto out;
			if (date[0])
				r->date = xstrdup(date);
			for (size_t j = 0; j < v->naffects; j++)
				if (strcmp(v->affects[j].product, v->fixed[i].product) == 0)
					csaf_strv_add(&r->products, d->products[j].id);
			if (r->products.n == 0)
				csaf_strv_add(&r->products, d->products[v->naffects + i].id);
		}
		if (v->solution) {
			struct csaf_remediation *r;
			x->rems = xreallocarray(x->rems, x->nrems + 1, sizeof(*x->rems));
			r = &x->rems[x->nrems++];
			memset(r, 0, sizeof(*r));
			r->category = xstrdup("mitigation");
			r->details = xstrdup(v->solution);
			if ((rc = first_date(
			         db,
			         "SELECT min(published_at) FROM advisory_versions"
			         " WHERE advisory_id = ?1 AND num <= ?2 AND solution = ?3"
			         " AND published_at IS NOT NULL",
			         v, v->solution, NULL, date, sizeof(date), e)) != 0)
				goto out;
			if (date[0])
				r->date = xstrdup(date);
			for (size_t i = 0; i < range_ids.n; i++)
				csaf_strv_add(&r->products, range_ids.v[i]);
		}
		if (v->nfixed == 0 && v->matrix.answer[MATRIX_Q_FIX_AVAILABLE] >= 0 &&
		    strcmp(matrix_answer_name(&v->matrix, MATRIX_Q_FIX_AVAILABLE), "none") == 0) {
			struct csaf_remediation *r;
			x->rems = xreallocarray(x->rems, x->nrems + 1, sizeof(*x->rems));
			r = &x->rems[x->nrems++];
			memset(r, 0, sizeof(*r));
			r->category = xstrdup("none_available");
			r->details = xstrdup("Er is nog geen update beschikbaar.");
			for (size_t i = 0; i < range_ids.n; i++)
				csaf_strv_add(&r->products, range_ids.v[i]);
		}
		/* threats: the exploit status and the impact, from the matrix answers */
		x->threats = xcalloc(2, sizeof(*x->threats));
		x->threats[0].category = xstrdup("exploit_status");
		x->threats[0].details =
		    fmt("Exploitcode: %s. Actief misbruik: %s. Misbruik verwacht: %s.",
		        answer_label(&v->matrix, MATRIX_Q_EXPLOIT),
		        answer_label(&v->matrix, MATRIX_Q_EXPLOITED),
		        answer_label(&v->matrix, MATRIX_Q_EXPLOIT_EXPECTED));
		x->threats[1].category = xstrdup("impact");
		{
			struct buf t;
			buf_init(&t, BUF_MAX_DEFAULT);
			buf_printf(&t, "Schade: %s.", v->impact);
			for (int i = 0; i < nlines; i++)
				buf_printf(&t, " %s.", lines[i]);
			x->threats[1].details = buf_take(&t);
		}
		x->nthreats = 2;
		for (size_t k = 0; k < 2; k++)
			for (size_t i = 0; i < range_ids.n; i++)
				csaf_strv_add(&x->threats[k].products, range_ids.v[i]);
		{
			char *u = fmt("https://www.cve.org/CVERecord?id=%s", v->cves[c]);
			add_ref(&x->refs, &x->nrefs, "external", xstrdup(v->cves[c]), u);
			free(u);
		}
	}
	rc = 0;
out:
	for (size_t i = 0; i < range_ids.n; i++)
		free(range_ids.v[i]);
	free(range_ids.v);
	free(site);
	free(name);
	if (rc != 0)
		csaf_doc_free(d);
	return rc;
}

int csaf_export_version(struct db *db, const struct advisory_version *v, json_t **out,
                        struct err *e)
{
	struct csaf_doc d;
	int rc = export_doc(db, v, &d, e);

	if (rc != 0)
		return rc;
	*out = csaf_build(&d);
	csaf_doc_free(&d);
	return 0;
}

int csaf_export_text(json_t *doc, struct buf *out)
{
	char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	int rc;

	if (s == NULL)
		return ERR_INPUT;
	rc = buf_adds(out, s);
	if (rc == 0)
		rc = buf_addc(out, '\n');
	free(s);
	return rc;
}

int csaf_export_render(struct db *db, const char *id, const char *label, struct buf *out,
                       struct err *e)
{
	struct advisory_version v;
	json_t *doc = NULL;
	int rc = advisory_load(db, id, label, 0, &v, e);

	if (rc != 0)
		return rc;
	rc = csaf_export_version(db, &v, &doc, e);
	if (rc == 0 && csaf_export_text(doc, out) != 0)
		rc = err_set(e, ERR_INPUT, "%s: the CSAF document is too large", id);
	json_decref(doc);
	advisory_version_free(&v);
	return rc;
}

/* ---- the provider tree ---- */

struct tree {
	struct db *db;
	const struct csaf_tree_opts *opts;
	const char *root; /* dir/.well-known/csaf.new-PID */
	char *site, *name;
	struct err *e;
	json_t *feeds; /* tlp dir -> {"entries": [...], "changes": [...], "index": [...]} */
	long documents, files;
	int signed_docs;
	char fpr[128];
	json_t *mem; /* when set: path -> bytes (a JSON string) instead of files on disk */
};

static int mkdirs(const char *path, struct err *e)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			rc = err_set(e, ERR_IO, "%s: cannot create: %s", p, strerror(errno));
		*s = '/';
		if (rc)
			break;
	}
	if (rc == 0 && mkdir(p, 0755) != 0 && errno != EEXIST)
		rc = err_set(e, ERR_IO, "%s: cannot create: %s", p, strerror(errno));
	free(p);
	return rc;
}

/* Writes len bytes at data to path (replacing it). */
static int write_whole(const char *path, const void *data, size_t len, struct err *e)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (f == NULL)
		return err_set(e, ERR_IO, "%s: cannot write: %s", path, strerror(errno));
	ok = fwrite(data, 1, len, f) == len;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok)
		return err_set(e, ERR_IO, "%s: cannot write: %s", path, strerror(errno));
	return 0;
}

static int write_file(struct tree *t, const char *rel, const void *data, size_t len)
{
	char *path, *slash;
	int rc = 0;

	if (t->mem) {
		json_object_set_new(t->mem, rel, json_stringn(data, len));
		t->files++;
		return 0;
	}
	path = fmt("%s/%s", t->root, rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	rc = mkdirs(path, t->e);
	*slash = '/';
	if (rc == 0)
		rc = write_whole(path, data, len, t->e);
	free(path);
	t->files += rc == 0;
	return rc;
}

/* The file and its .sha256, .sha512 and (when signing) .asc beside it. */
static int write_with_hashes(struct tree *t, const char *rel, const char *data, size_t len)
{
	unsigned char h256[crypto_hash_sha256_BYTES], h512[crypto_hash_sha512_BYTES];
	char hex[2 * crypto_hash_sha512_BYTES + 1];
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	char *name, *line;
	int rc;

	if ((rc = write_file(t, rel, data, len)) != 0)
		return rc;
	crypto_hash_sha256(h256, (const unsigned char *)data, len);
	crypto_hash_sha512(h512, (const unsigned char *)data, len);
	sodium_bin2hex(hex, sizeof(hex), h256, sizeof(h256));
	name = fmt("%s.sha256", rel);
	line = fmt("%s  %s\n", hex, base);
	rc = write_file(t, name, line, strlen(line));
	free(name);
	free(line);
	if (rc)
		return rc;
	sodium_bin2hex(hex, sizeof(hex), h512, sizeof(h512));
	name = fmt("%s.sha512", rel);
	line = fmt("%s  %s\n", hex, base);
	rc = write_file(t, name, line, strlen(line));
	free(name);
	free(line);
	if (rc || t->opts->signer == NULL)
		return rc;
	{
		struct buf sig;
		buf_init(&sig, 1 << 20);
		rc = t->opts->signer->sign(t->opts->signer->ctx, data, len, &sig, t->e);
		if (rc == 0) {
			name = fmt("%s.asc", rel);
			rc = write_file(t, name, sig.data, sig.len);
			free(name);
		}
		buf_free(&sig);
		t->signed_docs += rc == 0;
	}
	return rc;
}

static int tlp_wanted(const struct csaf_tree_opts *o, const char *tlp)
{
	if (o->tlps == NULL || o->ntlps == 0)
		return strcmp(tlp, "CLEAR") == 0;
	for (size_t i = 0; i < o->ntlps; i++)
		if (strcasecmp(o->tlps[i], tlp) == 0)
			return 1;
	return 0;
}

static json_t *feed_of(struct tree *t, const char *dir)
{
	json_t *f = json_object_get(t->feeds, dir);

	if (f == NULL) {
		f = json_pack("{s:[], s:[], s:s}", "entries", "changes", "updated", "");
		json_object_set_new(t->feeds, dir, f);
	}
	return f;
}

/* One advisory's latest published version into the tree. */
static int tree_document(struct tree *t, const char *id)
{
	struct advisory_version v;
	struct csaf_doc d;
	struct buf text;
	json_t *doc, *f;
	const char *dir;
	char file[96], *rel = NULL, *url = NULL;
	int rc;

	if ((rc = advisory_load(t->db, id, NULL, 0, &v, t->e)) != 0)
		return rc;
	if (!v.published || !tlp_wanted(t->opts, v.tlp)) {
		advisory_version_free(&v);
		return 0;
	}
	dir = csaf_export_tlp_dir(v.tlp);
	if ((rc = export_doc(t->db, &v, &d, t->e)) != 0) {
		advisory_version_free(&v);
		return rc;
	}
	doc = csaf_build(&d);
	buf_init(&text, BUF_MAX_DEFAULT);
	csaf_export_text(doc, &text);
	csaf_filename(id, file, sizeof(file));
	rel = fmt("%s/%.4s/%s", dir, d.initial_release_date, file);
	url = fmt("%s/.well-known/csaf/%s", t->site, rel);
	rc = write_with_hashes(t, rel, text.data, text.len);
	if (rc == 0) {
		json_t *links;
		const char *summary = NULL;
		f = feed_of(t, dir);
		for (size_t i = 0; i < d.nnotes; i++)
			if (strcmp(d.notes[i].category, "summary") == 0)
				summary = d.notes[i].text;
		links = json_pack("[{s:s, s:s}, {s:s, s:s+}, {s:s, s:s+}]", "rel", "self", "href",
		                  url, "rel", "hash", "href", url, ".sha256", "rel", "hash", "href",
		                  url, ".sha512");
		if (t->opts->signer)
			json_array_append_new(links, json_pack("{s:s, s:s+}", "rel", "signature",
			                                       "href", url, ".asc"));
		json_array_append_new(
		    json_object_get(f, "entries"),
		    json_pack("{s:s, s:s, s:o, s:s, s:s, s:{s:s}, s:{s:s, s:s}, s:{s:s, s:s}}",
		              "id", d.id, "title", d.title, "link", links, "published",
		              d.initial_release_date, "updated", d.current_release_date, "summary",
		              "content", summary ? summary : d.title, "content", "type",
		              "application/json", "src", url, "format", "schema",
		              "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json",
		              "version", "2.0"));
		json_array_append_new(json_object_get(f, "changes"),
		                      json_pack("{s:s+, s:s}", "path", rel + strlen(dir) + 1, "",
		                                "date", d.current_release_date));
		if (strcmp(d.current_release_date,
		           json_string_value(json_object_get(f, "updated"))) > 0)
			json_object_set_new(f, "updated", json_string(d.current_release_date));
		t->documents++;
	}
	free(rel);
	free(url);
	buf_free(&text);
	json_decref(doc);
	csaf_doc_free(&d);
	advisory_version_free(&v);
	return rc;
}

static int change_newest_first(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int r = strcmp(json_string_value(json_object_get(y, "date")),
	               json_string_value(json_object_get(x, "date")));

	return r ? r
	         : strcmp(json_string_value(json_object_get(x, "path")),
	                  json_string_value(json_object_get(y, "path")));
}

static int path_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;

	return strcmp(json_string_value(json_object_get(x, "path")),
	              json_string_value(json_object_get(y, "path")));
}

/* index.txt, changes.csv and the ROLIE feed of one TLP directory. */
static int tree_listings(struct tree *t, const char *dir, json_t *f, const char *updated)
{
	json_t *changes = json_object_get(f, "changes"), *c, **v;
	size_t n = json_array_size(changes), i;
	struct buf b;
	char *rel, *feed_url, *feed_id, *s;
	int rc;

	v = xcalloc(n + 1, sizeof(*v));
	json_array_foreach(changes, i, c)
	{
		v[i] = c;
	}
	buf_init(&b, BUF_MAX_DEFAULT);
	qsort(v, n, sizeof(*v), path_cmp);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s\n", json_string_value(json_object_get(v[i], "path")));
	rel = fmt("%s/index.txt", dir);
	rc = write_file(t, rel, b.data ? b.data : "", b.len);
	free(rel);
	buf_reset(&b);
	qsort(v, n, sizeof(*v), change_newest_first);
	for (i = 0; i < n; i++)
		buf_printf(&b, "\"%s\",\"%s\"\n", json_string_value(json_object_get(v[i], "path")),
		           json_string_value(json_object_get(v[i], "date")));
	rel = fmt("%s/changes.csv", dir);
	if (rc == 0)
		rc = write_file(t, rel, b.data ? b.data : "", b.len);
	free(rel);
	buf_free(&b);
	free(v);
	if (rc)
		return rc;
	/* ROLIE */
	rel = fmt("%s/csaf-feed-tlp-%s.json", dir, dir);
	feed_url = fmt("%s/.well-known/csaf/%s", t->site, rel);
	feed_id = fmt("csaf-feed-tlp-%s", dir);
	{
		char tlp[16];
		json_t *feed;
		snprintf(tlp, sizeof(tlp), "%s", dir);
		for (char *p = tlp; *p; p++)
			*p = (char)(*p - 32);
		char *title = fmt("%s CSAF feed (TLP:%s)", t->name, tlp);
		feed = json_pack("{s:{s:s, s:s, s:[{s:s, s:s}], s:[{s:s, s:s}], s:s, s:O}}", "feed",
		                 "id", feed_id, "title", title, "link", "rel", "self", "href",
		                 feed_url, "category", "scheme",
		                 "urn:ietf:params:rolie:category:information-type", "term", "csaf",
		                 "updated", updated, "entry", json_object_get(f, "entries"));
		free(title);
		s = json_dumps(feed, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(feed);
	}
	rc = write_with_hashes(t, rel, s, strlen(s));
	free(s);
	free(rel);
	free(feed_url);
	free(feed_id);
	return rc;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int rm_tree(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return 0;
	return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Builds the tree through write_file: the documents, the listings of each TLP, the public
 * key and provider-metadata.json. *pmd_url gets the metadata's URL (malloc'd). */
static int tree_build(struct tree *t, const char *now, char **pmd_url)
{
	struct db_stmt *st;
	json_t *ids = json_array(), *x, *pmd, *dists = NULL, *keys = NULL;
	const char *k;
	char *s = NULL;
	size_t i;
	int rc;

	*pmd_url = NULL;
	rc = db_prepare(t->db, "SELECT id FROM advisories ORDER BY year, seq", &st, t->e);
	if (rc != 0)
		goto out;
	while ((rc = db_step(st, t->e)) == DB_ROW)
		json_array_append_new(ids, json_string(db_col_text(st, 0)));
	db_done(st);
	if (rc < 0)
		goto out;
	json_array_foreach(ids, i, x)
	{
		if ((rc = tree_document(t, json_string_value(x))) != 0)
			goto out;
	}
	/* every TLP that is exported gets its listings, even when empty */
	if (t->opts->tlps == NULL || t->opts->ntlps == 0)
		feed_of(t, "white");
	for (i = 0; t->opts->tlps && i < t->opts->ntlps; i++)
		feed_of(t, csaf_export_tlp_dir(t->opts->tlps[i]));
	dists = json_array();
	json_object_foreach(t->feeds, k, x)
	{
		const char *updated = json_string_value(json_object_get(x, "updated"));
		char up[8];
		json_t *feed;
		if (updated[0] == '\0')
			updated = now;
		if ((rc = tree_listings(t, k, x, updated)) != 0)
			goto out;
		snprintf(up, sizeof(up), "%s", k);
		for (char *p = up; *p; p++)
			*p = (char)(*p - 32);
		json_array_append_new(dists, json_pack("{s:s+++}", "directory_url", t->site,
		                                       "/.well-known/csaf/", k, "/"));
		feed = json_pack("{s:s+, s:s, s:s+++++}", "summary", t->name, " CSAF-documenten",
		                 "tlp_label", up, "url", t->site, "/.well-known/csaf/", k,
		                 "/csaf-feed-tlp-", k, ".json");
		json_array_append_new(dists, json_pack("{s:{s:[o]}}", "rolie", "feeds", feed));
	}
	*pmd_url = fmt("%s/.well-known/csaf/provider-metadata.json", t->site);
	keys = json_array();
	if (t->opts->signer) {
		struct buf key;
		char *rel;
		buf_init(&key, 1 << 20);
		rc = t->opts->signer->pubkey(t->opts->signer->ctx, &key, t->fpr, sizeof(t->fpr),
		                             t->e);
		if (rc == 0) {
			rel = fmt("openpgp/%s.asc", t->fpr);
			rc = write_file(t, rel, key.data, key.len);
			json_array_append_new(keys, json_pack("{s:s, s:s+++}", "fingerprint",
			                                      t->fpr, "url", t->site,
			                                      "/.well-known/csaf/", rel, ""));
			free(rel);
		}
		buf_free(&key);
		if (rc)
			goto out;
	}
	{
		const char *latest = now;
		int any = 0;
		json_object_foreach(t->feeds, k, x)
		{
			const char *u = json_string_value(json_object_get(x, "updated"));
			if (u[0] && (!any || strcmp(u, latest) > 0)) {
				latest = u;
				any = 1;
			}
		}
		pmd = json_pack("{s:s, s:O, s:s, s:b, s:s, s:b, s:O, s:{s:s, s:s, s:s}, s:s}",
		                "canonical_url", *pmd_url, "distributions", dists, "last_updated",
		                latest, "list_on_CSAF_aggregators", 1, "metadata_version", "2.0",
		                "mirror_on_CSAF_aggregators", 1, "public_openpgp_keys", keys,
		                "publisher", "category", "coordinator", "name", t->name,
		                "namespace", t->site, "role", "csaf_trusted_provider");
	}
	if (json_array_size(keys) == 0)
		json_object_del(pmd, "public_openpgp_keys");
	s = json_dumps(pmd, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(pmd);
	rc = write_file(t, "provider-metadata.json", s, strlen(s));
out:
	free(s);
	json_decref(keys);
	json_decref(dists);
	json_decref(ids);
	return rc;
}

static void tree_init(struct tree *t, struct db *db, const struct csaf_tree_opts *opts,
                      struct err *e)
{
	static const struct csaf_tree_opts clear_only = {NULL, 0, NULL};

	memset(t, 0, sizeof(*t));
	t->db = db;
	t->opts = opts ? opts : &clear_only;
	t->e = e;
	t->site = site_url(db);
	t->name = config_get(db, "site.name", "Baken CSIRT");
	t->feeds = json_object();
}

static void tree_free(struct tree *t)
{
	free(t->site);
	free(t->name);
	json_decref(t->feeds);
	json_decref(t->mem);
}

int csaf_export_tree(struct db *db, const struct act *act, const char *dir,
                     const struct csaf_tree_opts *opts, json_t **report, struct err *e)
{
	struct tree t;
	char *wk = fmt("%s/.well-known", dir), *final = fmt("%s/.well-known/csaf", dir);
	char *tmp = fmt("%s/.well-known/csaf.new-%ld", dir, (long)getpid());
	char *old = fmt("%s/.well-known/csaf.old-%ld", dir, (long)getpid());
	char now[32], *pmd_url = NULL;
	json_t *x;
	const char *k;
	size_t i;
	int rc;

	tree_init(&t, db, opts, e);
	t.root = tmp;
	*report = NULL;
	time_format(act->at, now, sizeof(now));
	for (i = 0; t.opts->tlps && i < t.opts->ntlps; i++)
		if (csaf_tlp_label(t.opts->tlps[i]) == NULL) {
			rc = err_set(e, ERR_USAGE,
			             "--tlp %s: expected CLEAR, GREEN, AMBER, AMBER+STRICT or RED",
			             t.opts->tlps[i]);
			goto out;
		}
	if ((rc = mkdirs(wk, e)) != 0)
		goto out;
	rm_tree(tmp);
	if ((rc = mkdirs(tmp, e)) != 0 || (rc = tree_build(&t, now, &pmd_url)) != 0)
		goto out;
	/* into place: the old tree goes only once the new one is whole */
	rm_tree(old);
	if (access(final, F_OK) == 0 && rename(final, old) != 0) {
		rc = err_set(e, ERR_IO, "%s: cannot move aside: %s", final, strerror(errno));
		goto out;
	}
	if (rename(tmp, final) != 0) {
		rc = err_set(e, ERR_IO, "%s: cannot move into place: %s", final, strerror(errno));
		rename(old, final);
		goto out;
	}
	rm_tree(old);
	/* the public feeds beside it */
	{
		struct buf atom;
		json_t *list = NULL;
		char *p;
		buf_init(&atom, BUF_MAX_DEFAULT);
		if ((rc = feeds_atom(db, &atom, e)) == 0) {
			p = fmt("%s/feed.atom", dir);
			rc = write_whole(p, atom.data, atom.len, e);
			free(p);
		}
		buf_free(&atom);
		if (rc == 0 && (rc = feeds_advisories_json(db, &list, e)) == 0) {
			char *j = json_dumps(list, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			struct buf b;
			buf_init(&b, BUF_MAX_DEFAULT);
			buf_printf(&b, "%s\n", j);
			p = fmt("%s/advisories.json", dir);
			rc = write_whole(p, b.data, b.len, e);
			free(p);
			free(j);
			buf_free(&b);
			json_decref(list);
		}
		if (rc)
			goto out;
	}
	*report = json_pack("{s:s, s:s, s:I, s:I, s:b, s:[]}", "dir", dir, "provider_metadata",
	                    pmd_url, "documents", (json_int_t)t.documents, "files",
	                    (json_int_t)t.files + 2, "signed", t.opts->signer != NULL, "tlps");
	json_object_foreach(t.feeds, k, x)
	{
		json_array_append_new(json_object_get(*report, "tlps"), json_string(k));
	}
	rc = 0;
out:
	if (rc != 0)
		rm_tree(tmp);
	free(pmd_url);
	free(wk);
	free(final);
	free(tmp);
	free(old);
	tree_free(&t);
	return rc;
}

/* ---- the public tree, file by file, for the web server ---- */

static int is_year(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[4] == '/';
}

int csaf_provider_file(struct db *db, const char *path, struct buf *out, const char **type,
                       struct err *e)
{
	struct tree t;
	char now[32], *pmd_url = NULL;
	size_t n = strlen(path);
	json_t *f;
	int rc;

	*type = "application/json";
	if (strstr(path, "..") || n > 200)
		return err_set(e, ERR_NOTFOUND, "no such file in the CSAF tree");
	/* a document or its hash: render only that advisory */
	if (strncmp(path, "white/", 6) == 0 && n > 16 && is_year(path + 6) &&
	    !strchr(path + 11, '/')) {
		struct db_stmt *st;
		char file[160], id[64] = "";
		const char *suffix = strstr(path + 11, ".json");
		if (suffix == NULL)
			return err_set(e, ERR_NOTFOUND, "no such file in the CSAF tree");
		suffix += 5;
		if (*suffix && strcmp(suffix, ".sha256") && strcmp(suffix, ".sha512"))
			return err_set(e, ERR_NOTFOUND, "no such file in the CSAF tree");
		rc = db_prepare(db, "SELECT id FROM advisories WHERE year <= ?1 ORDER BY year, seq",
		                &st, e);
		if (rc != 0)
			return rc;
		db_bind_int(st, 1,
		            (path[6] - '0') * 1000 + (path[7] - '0') * 100 + (path[8] - '0') * 10 +
		                (path[9] - '0'));
		while ((rc = db_step(st, e)) == DB_ROW) {
			csaf_filename(db_col_text(st, 0), file, sizeof(file));
			if (strlen(file) == (size_t)(suffix - (path + 11)) &&
			    strncmp(file, path + 11, strlen(file)) == 0) {
				snprintf(id, sizeof(id), "%s", db_col_text(st, 0));
				break;
			}
		}
		db_done(st);
		if (rc < 0)
			return rc;
		if (id[0] == '\0')
			return err_set(e, ERR_NOTFOUND, "no such file in the CSAF tree");
		tree_init(&t, db, NULL, e);
		t.mem = json_object();
		rc = tree_document(&t, id);
		f = json_object_get(t.mem, path);
		if (rc == 0 && f == NULL)
			rc = err_set(e, ERR_NOTFOUND, "no such file in the CSAF tree");
		if (rc == 0) {
			buf_add(out, json_string_value(f), json_string_length(f));
			if (*suffix)
				*type = "text/plain";
		}
		tree_free(&t);
		return rc;
	}
	/* a listing or the metadata: the whole public tree */
	tree_init(&t, db, NULL, e);
	t.mem = json_object();
	time_format(time_now(), now, sizeof(now));
	rc = tree_build(&t, now, &pmd_url);
	free(pmd_url);
	if (rc == 0) {
		f = json_object_get(t.mem, path);
		if (f == NULL)
			rc = err_set(e, ERR_NOTFOUND, "no such file in the CSAF tree");
		else {
			buf_add(out, json_string_value(f), json_string_length(f));
			if (n > 4 && strcmp(path + n - 4, ".txt") == 0)
				*type = "text/plain";
			else if (n > 4 && strcmp(path + n - 4, ".csv") == 0)
				*type = "text/csv";
			else if (strstr(path, ".sha"))
				*type = "text/plain";
		}
	}
	tree_free(&t);
	return rc;
}
