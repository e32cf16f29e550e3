/* advisory.c: advisories and their versions. */
#include "model/advisory.h"

#include "core/buf.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "domain/cveid.h"
#include "domain/product.h"
#include "domain/range.h"
#include "domain/version.h"
#include "model/config.h"
#include "model/field.h"
#include "model/org.h"
#include "model/vuln.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define TITLE_MAX 300
#define TEXT_MAX  (64 * 1024)
#define LIST_MAX  256

void advisory_version_label(int num, char *out, size_t outsz)
{
	snprintf(out, outsz, "%d.%02d", 1 + num / 100, num % 100);
}

int advisory_version_parse(const char *label, int *num, struct err *e)
{
	const char *p = label;
	int major = 0, minor;

	while (*p >= '0' && *p <= '9' && major < 1000)
		major = major * 10 + (*p++ - '0');
	if (p == label || *p != '.' || !isdigit((unsigned char)p[1]) ||
	    !isdigit((unsigned char)p[2]) || p[3] != '\0' || major < 1)
		return err_set(e, ERR_INPUT, "bad version \"%s\": expected the form 1.00, 1.01 ...",
		               label);
	minor = (p[1] - '0') * 10 + (p[2] - '0');
	*num = (major - 1) * 100 + minor;
	return 0;
}

/* ---- in memory ---- */

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void advisory_version_free(struct advisory_version *v)
{
	free(v->title);
	free(v->tlp);
	free(v->likelihood);
	free(v->impact);
	free(v->rationale);
	free(v->platform);
	free(v->summary);
	free(v->description);
	free(v->solution);
	free(v->changelog);
	strv_free(v->cves, v->ncves);
	for (size_t i = 0; i < v->naffects; i++) {
		free(v->affects[i].product);
		free(v->affects[i].range);
	}
	free(v->affects);
	for (size_t i = 0; i < v->nfixed; i++) {
		free(v->fixed[i].product);
		free(v->fixed[i].version);
	}
	free(v->fixed);
	strv_free(v->refs, v->nrefs);
	strv_free(v->to, v->nto);
	memset(v, 0, sizeof(*v));
}

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? xstrdup(s) : NULL;
}

static int strv_has(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

static void strv_add(char ***v, size_t *n, const char *s)
{
	if (strv_has(*v, *n, s))
		return;
	*v = xreallocarray(*v, *n + 1, sizeof(char *));
	(*v)[(*n)++] = xstrdup(s);
}

static const char *const tlp_names[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED", NULL};

static const char *tlp_parse(const char *s, struct err *e)
{
	if (strncasecmp(s, "TLP:", 4) == 0)
		s += 4;
	if (strcasecmp(s, "WHITE") == 0) /* the TLP 1.0 name of CLEAR */
		return "CLEAR";
	for (size_t i = 0; tlp_names[i]; i++)
		if (strcasecmp(s, tlp_names[i]) == 0)
			return tlp_names[i];
	err_set(e, ERR_INPUT, "bad TLP \"%s\": expected CLEAR, GREEN, AMBER, AMBER+STRICT or RED",
	        s);
	return NULL;
}

/* "CVE-2019-19781" in any case, normalised to capitals into out. */
static int cve_parse(const char *s, char *out, size_t outsz, struct err *e)
{
	if (!cveid_valid(s, strlen(s), 0))
		return err_set(e, ERR_INPUT, "bad CVE id \"%s\": expected CVE-YYYY-NNNN", s);
	snprintf(out, outsz, "CVE-%s", s + 4);
	return 0;
}

/* Splits "vendor:product:rest" into a checked product name and rest. */
static int split_product(const char *text, const char *what, char *product, size_t psz,
                         const char **rest, struct err *e)
{
	const char *c1 = strchr(text, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	size_t n;
	int rc;

	if (c2 == NULL || (size_t)(c2 - text) >= psz)
		return err_set(e, ERR_INPUT, "bad %s \"%s\": expected VENDOR:PRODUCT:%s", what,
		               text, strcmp(what, "--fixed") == 0 ? "VERSION" : "RANGE");
	n = (size_t)(c2 - text);
	for (size_t i = 0; i < n; i++)
		product[i] = (char)tolower((unsigned char)text[i]);
	product[n] = '\0';
	if ((rc = product_name_check(product, e)) != 0)
		return err_wrap(e, "%s: ", what);
	*rest = c2 + 1;
	return 0;
}

static int url_check(const char *u, struct err *e)
{
	if ((strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0) || strlen(u) > 2048)
		goto bad;
	for (const char *p = u; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>')
			goto bad;
	return 0;
bad:
	return err_set(e, ERR_INPUT, "bad reference \"%s\": expected an http(s) URL", u);
}

/* Applies what was given to v (a new draft or a copy of the latest version). */
static int advisory_apply(struct db *db, struct advisory_version *v,
                          const struct advisory_input *in, struct err *e)
{
	struct matrix_result r;
	enum level pl, pi, cl, ci;
	struct matrix before = v->matrix;
	int rc;

	if (in->title) {
		if (in->title[0] == '\0' || strlen(in->title) > TITLE_MAX)
			return err_set(e, ERR_INPUT, "--title: expected 1-%d characters",
			               TITLE_MAX);
		set_str(&v->title, in->title);
	}
	if (in->tlp) {
		const char *t = tlp_parse(in->tlp, e);
		if (t == NULL)
			return ERR_INPUT;
		set_str(&v->tlp, t);
	}
	if ((rc = field_text_check("--summary", in->summary, TEXT_MAX, e)) != 0 ||
	    (rc = field_text_check("--description", in->description, TEXT_MAX, e)) != 0 ||
	    (rc = field_text_check("--solution", in->solution, TEXT_MAX, e)) != 0 ||
	    (rc = field_text_check("--platform", in->platform, TITLE_MAX, e)) != 0 ||
	    (rc = field_text_check("--change", in->change, TEXT_MAX, e)) != 0)
		return rc;
	if (in->platform)
		set_str(&v->platform, in->platform);
	if (in->summary)
		set_str(&v->summary, in->summary);
	if (in->description)
		set_str(&v->description, in->description);
	if (in->solution)
		set_str(&v->solution, in->solution);
	if (in->ncves + v->ncves > LIST_MAX || in->naffects + v->naffects > LIST_MAX ||
	    in->nfixed + v->nfixed > LIST_MAX || in->nrefs + v->nrefs > LIST_MAX ||
	    in->nto + v->nto > 4 * LIST_MAX)
		return err_set(e, ERR_INPUT, "too many values: at most %d of each list", LIST_MAX);
	for (size_t i = 0; i < in->ncves; i++) {
		char cve[32];
		if ((rc = cve_parse(in->cves[i], cve, sizeof(cve), e)) != 0)
			return rc;
		strv_add(&v->cves, &v->ncves, cve);
	}
	for (size_t i = 0; i < in->naffects; i++) {
		char product[256];
		const char *text;
		struct range range;
		struct buf canon;
		size_t j;

		if ((rc = split_product(in->affects[i], "--affects", product, sizeof(product),
		                        &text, e)) != 0)
			return rc;
		if ((rc = range_parse(text, &range, e)) != 0)
			return err_wrap(e, "--affects %s: ", product);
		buf_init(&canon, 4096);
		range_format(&range, &canon);
		range_free(&range);
		for (j = 0; j < v->naffects; j++)
			if (strcmp(v->affects[j].product, product) == 0)
				break;
		if (j == v->naffects) {
			v->affects =
			    xreallocarray(v->affects, v->naffects + 1, sizeof(*v->affects));
			v->affects[v->naffects].product = xstrdup(product);
			v->affects[v->naffects++].range = buf_take(&canon);
		} else {
			free(v->affects[j].range);
			v->affects[j].range = buf_take(&canon);
		}
	}
	for (size_t i = 0; i < in->nfixed; i++) {
		char product[256];
		const char *version;
		size_t j;

		if ((rc = split_product(in->fixed[i], "--fixed", product, sizeof(product), &version,
		                        e)) != 0)
			return rc;
		if ((rc = version_check(version, e)) != 0)
			return err_wrap(e, "--fixed %s: ", product);
		/* kept in order of product, then version, so that each reader finds the
		 * branch they run in one place whatever order the versions were added in */
		for (j = 0; j < v->nfixed; j++) {
			int c = strcmp(v->fixed[j].product, product);
			if (c == 0)
				c = version_compare(v->fixed[j].version, version);
			if (c >= 0)
				break;
		}
		if (j < v->nfixed && strcmp(v->fixed[j].product, product) == 0 &&
		    version_compare(v->fixed[j].version, version) == 0)
			continue;
		v->fixed = xreallocarray(v->fixed, v->nfixed + 1, sizeof(*v->fixed));
		memmove(v->fixed + j + 1, v->fixed + j, (v->nfixed - j) * sizeof(*v->fixed));
		v->fixed[j].product = xstrdup(product);
		v->fixed[j].version = xstrdup(version);
		v->nfixed++;
	}
	for (size_t i = 0; i < in->nrefs; i++) {
		if ((rc = url_check(in->refs[i], e)) != 0)
			return rc;
		strv_add(&v->refs, &v->nrefs, in->refs[i]);
	}
	for (size_t i = 0; i < in->nto; i++) {
		if ((rc = org_require(db, in->to[i], e)) != 0)
			return err_wrap(e, "--to: ");
		strv_add(&v->to, &v->nto, in->to[i]);
	}
	if (v->title == NULL)
		return err_set(e, ERR_USAGE, "--title is required");
	if (v->ncves == 0)
		return err_set(e, ERR_USAGE,
		               "--cve ID is required (the CVE the advisory is about, e.g."
		               " CVE-2019-19781)");
	if (v->naffects == 0)
		return err_set(e, ERR_USAGE,
		               "--affects VENDOR:PRODUCT:RANGE is required (which products are"
		               " vulnerable)");

	/* the classification: the proposal from the answers, or a level chosen with a reason */
	matrix_merge(&v->matrix, &in->matrix);
	matrix_evaluate(&v->matrix, &r);
	pl = r.likelihood;
	pi = r.impact;
	cl = pl;
	ci = pi;
	if (in->likelihood == NULL && in->impact == NULL && v->rationale &&
	    memcmp(&before, &v->matrix, sizeof(before)) == 0 && v->likelihood && v->impact) {
		/* unchanged answers keep a deviation chosen earlier, with its reason */
		level_parse(v->likelihood, &cl);
		level_parse(v->impact, &ci);
	}
	if (in->likelihood && level_parse(in->likelihood, &cl) != 0)
		return err_set(e, ERR_INPUT,
		               "bad --likelihood \"%s\": expected low, medium or high",
		               in->likelihood);
	if (in->impact && level_parse(in->impact, &ci) != 0)
		return err_set(e, ERR_INPUT, "bad --impact \"%s\": expected low, medium or high",
		               in->impact);
	if (in->rationale)
		set_str(&v->rationale, in->rationale[0] ? in->rationale : NULL);
	else if (in->likelihood || in->impact)
		set_str(&v->rationale, NULL);
	if ((rc = matrix_check_choice(pl, pi, cl, ci, v->rationale, e)) != 0)
		return rc;
	if (cl == pl && ci == pi)
		set_str(&v->rationale, NULL);
	set_str(&v->likelihood, level_name(cl));
	set_str(&v->impact, level_name(ci));
	return 0;
}

/* ---- the store ---- */

static int exec_bound(struct db *db, const char *sql, const char *id, int num, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, sql, &st, e);

	if (rc != 0)
		return rc;
	db_bind_text(st, 1, id);
	db_bind_int(st, 2, num);
	rc = db_step(st, e);
	db_done(st);
	return rc < 0 ? rc : 0;
}

static int insert_pairs(struct db *db, const char *sql, const char *id, int num,
                        const char *const *a, const char *const *b, size_t n, size_t stride,
                        struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		struct db_stmt *st;
		int rc = db_prepare(db, sql, &st, e);

		if (rc != 0)
			return rc;
		db_bind_text(st, 1, id);
		db_bind_int(st, 2, num);
		db_bind_int(st, 3, (int64_t)i);
		db_bind_text(st, 4, *(const char *const *)((const char *)a + i * stride));
		if (b)
			db_bind_text(st, 5, *(const char *const *)((const char *)b + i * stride));
		rc = db_step(st, e);
		db_done(st);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Writes the draft v: its row and lists replace what the draft had. */
static int advisory_save_draft(struct db *db, const struct advisory_version *v, int64_t now,
                               struct err *e)
{
	static const char *const clear[] = {
	    "DELETE FROM advisory_cves WHERE advisory_id = ?1 AND num = ?2",
	    "DELETE FROM advisory_affects WHERE advisory_id = ?1 AND num = ?2",
	    "DELETE FROM advisory_fixed WHERE advisory_id = ?1 AND num = ?2",
	    "DELETE FROM advisory_refs WHERE advisory_id = ?1 AND num = ?2",
	    "DELETE FROM advisory_recipients WHERE advisory_id = ?1 AND num = ?2",
	    "DELETE FROM advisory_versions WHERE advisory_id = ?1 AND num = ?2",
	};
	struct db_stmt *st;
	struct buf m;
	char created[32], updated[32];
	int rc;

	for (size_t i = 0; i < sizeof(clear) / sizeof(clear[0]); i++)
		if ((rc = exec_bound(db, clear[i], v->id, v->num, e)) != 0)
			return rc;
	buf_init(&m, 4096);
	matrix_to_text(&v->matrix, &m);
	time_format(v->created_at, created, sizeof(created));
	time_format(now, updated, sizeof(updated));
	rc = db_prepare(db,
	                "INSERT INTO advisory_versions (advisory_id, num, title, tlp, matrix,"
	                " likelihood, impact, rationale, platform, summary, description, solution,"
	                " changelog, material, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5,"
	                " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1, ?14, ?15)",
	                &st, e);
	if (rc != 0) {
		buf_free(&m);
		return rc;
	}
	db_bind_text(st, 1, v->id);
	db_bind_int(st, 2, v->num);
	db_bind_text(st, 3, v->title);
	db_bind_text(st, 4, v->tlp);
	db_bind_text(st, 5, buf_str(&m));
	db_bind_text(st, 6, v->likelihood);
	db_bind_text(st, 7, v->impact);
	db_bind_text(st, 8, v->rationale);
	db_bind_text(st, 9, v->platform);
	db_bind_text(st, 10, v->summary);
	db_bind_text(st, 11, v->description);
	db_bind_text(st, 12, v->solution);
	db_bind_text(st, 13, v->changelog);
	db_bind_text(st, 14, created);
	db_bind_text(st, 15, updated);
	rc = db_step(st, e);
	db_done(st);
	buf_free(&m);
	if (rc < 0)
		return rc;
	rc = insert_pairs(db, "INSERT INTO advisory_cves VALUES (?1, ?2, ?3, ?4)", v->id, v->num,
	                  (const char *const *)v->cves, NULL, v->ncves, sizeof(char *), e);
	if (rc == 0)
		rc = insert_pairs(db, "INSERT INTO advisory_affects VALUES (?1, ?2, ?3, ?4, ?5)",
		                  v->id, v->num, (const char *const *)&v->affects[0].product,
		                  (const char *const *)&v->affects[0].range, v->naffects,
		                  sizeof(*v->affects), e);
	if (rc == 0 && v->nfixed)
		rc = insert_pairs(db, "INSERT INTO advisory_fixed VALUES (?1, ?2, ?3, ?4, ?5)",
		                  v->id, v->num, (const char *const *)&v->fixed[0].product,
		                  (const char *const *)&v->fixed[0].version, v->nfixed,
		                  sizeof(*v->fixed), e);
	if (rc == 0)
		rc = insert_pairs(db, "INSERT INTO advisory_refs VALUES (?1, ?2, ?3, ?4)", v->id,
		                  v->num, (const char *const *)v->refs, NULL, v->nrefs,
		                  sizeof(char *), e);
	for (size_t i = 0; rc == 0 && i < v->nto; i++) {
		if ((rc = db_prepare(db, "INSERT INTO advisory_recipients VALUES (?1, ?2, ?3)", &st,
		                     e)) != 0)
			break;
		db_bind_text(st, 1, v->id);
		db_bind_int(st, 2, v->num);
		db_bind_text(st, 3, v->to[i]);
		rc = db_step(st, e);
		db_done(st);
		rc = rc < 0 ? rc : 0;
	}
	return rc;
}

static char *col_dup(struct db_stmt *st, int i)
{
	return db_col_is_null(st, i) ? NULL : xstrdup(db_col_text(st, i));
}

/* Reads the lists of version (id, num) into v. */
static int advisory_load_lists(struct db *db, struct advisory_version *v, struct err *e)
{
	struct db_stmt *st;
	int rc;

#define EACH_ROW(sql)                                                                              \
	if ((rc = db_prepare(db, sql, &st, e)) != 0)                                               \
		return rc;                                                                         \
	db_bind_text(st, 1, v->id);                                                                \
	db_bind_int(st, 2, v->num);                                                                \
	while ((rc = db_step(st, e)) == DB_ROW)

	EACH_ROW("SELECT cve FROM advisory_cves WHERE advisory_id = ?1 AND num = ?2 ORDER BY pos")
	strv_add(&v->cves, &v->ncves, db_col_text(st, 0));
	db_done(st);
	if (rc < 0)
		return rc;
	EACH_ROW("SELECT product, range FROM advisory_affects WHERE advisory_id = ?1 AND num = ?2"
	         " ORDER BY pos")
	{
		v->affects = xreallocarray(v->affects, v->naffects + 1, sizeof(*v->affects));
		v->affects[v->naffects].product = xstrdup(db_col_text(st, 0));
		v->affects[v->naffects++].range = xstrdup(db_col_text(st, 1));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	EACH_ROW("SELECT product, version FROM advisory_fixed WHERE advisory_id = ?1 AND num = ?2"
	         " ORDER BY pos")
	{
		v->fixed = xreallocarray(v->fixed, v->nfixed + 1, sizeof(*v->fixed));
		v->fixed[v->nfixed].product = xstrdup(db_col_text(st, 0));
		v->fixed[v->nfixed++].version = xstrdup(db_col_text(st, 1));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	EACH_ROW("SELECT url FROM advisory_refs WHERE advisory_id = ?1 AND num = ?2 ORDER BY pos")
	strv_add(&v->refs, &v->nrefs, db_col_text(st, 0));
	db_done(st);
	if (rc < 0)
		return rc;
	EACH_ROW("SELECT org_id FROM advisory_recipients WHERE advisory_id = ?1 AND num = ?2"
	         " ORDER BY org_id")
	strv_add(&v->to, &v->nto, db_col_text(st, 0));
	db_done(st);
#undef EACH_ROW
	return rc < 0 ? rc : 0;
}

int advisory_load(struct db *db, const char *id, const char *label, int draft,
                  struct advisory_version *v, struct err *e)
{
	struct db_stmt *st;
	int num = -1, rc;
	int64_t exists = 0;

	memset(v, 0, sizeof(*v));
	if (label && (rc = advisory_version_parse(label, &num, e)) != 0)
		return rc;
	if ((rc = db_query_int(db, "SELECT count(*) FROM advisories WHERE id = ?1", id, &exists,
	                       e)) != 0)
		return rc;
	if (!exists)
		return err_set(e, ERR_NOTFOUND,
		               "unknown advisory '%s' (`baken advisory list` shows them)", id);
	/* with no label: the draft first when asked for it, else the latest published, else the
	 * draft */
	rc = db_prepare(db,
	                "SELECT num, title, tlp, matrix, likelihood, impact, rationale, platform,"
	                " summary, description, solution, changelog, material, created_at,"
	                " published_at FROM advisory_versions WHERE advisory_id = ?1"
	                " AND (?2 < 0 OR num = ?2)"
	                " ORDER BY CASE WHEN ?2 >= 0 THEN 0"
	                " WHEN published_at IS NULL THEN (CASE WHEN ?3 = 1 THEN 0 ELSE 2 END)"
	                " ELSE 1 END, num DESC LIMIT 1",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, id);
	db_bind_int(st, 2, num);
	db_bind_int(st, 3, draft);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		snprintf(v->id, sizeof(v->id), "%s", id);
		v->num = (int)db_col_int(st, 0);
		v->title = col_dup(st, 1);
		v->tlp = col_dup(st, 2);
		matrix_from_text(db_col_text(st, 3), &v->matrix, NULL);
		v->likelihood = col_dup(st, 4);
		v->impact = col_dup(st, 5);
		v->rationale = col_dup(st, 6);
		v->platform = col_dup(st, 7);
		v->summary = col_dup(st, 8);
		v->description = col_dup(st, 9);
		v->solution = col_dup(st, 10);
		v->changelog = col_dup(st, 11);
		v->material = (int)db_col_int(st, 12);
		v->created_at = field_col_time(st, 13);
		v->published = !db_col_is_null(st, 14);
		v->published_at = field_col_time(st, 14);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_set(e, ERR_NOTFOUND, "advisory %s has no version %s", id, label);
	if ((rc = advisory_load_lists(db, v, e)) != 0)
		advisory_version_free(v);
	return rc;
}

/* The next number of the year for an advisory ID. */
static int advisory_next_seq(struct db *db, int year, int64_t *seq, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, "SELECT coalesce(max(seq), 0) + 1 FROM advisories WHERE year = ?1",
	                    &st, e);

	if (rc != 0)
		return rc;
	db_bind_int(st, 1, year);
	rc = db_step(st, e);
	*seq = rc == DB_ROW ? db_col_int(st, 0) : 1;
	db_done(st);
	return rc < 0 ? rc : 0;
}

static json_t *input_detail(const struct advisory_version *v)
{
	char label[16];

	advisory_version_label(v->num, label, sizeof(label));
	return json_pack("{s:s, s:s, s:s, s:s, s:s?}", "version", label, "title", v->title,
	                 "likelihood", v->likelihood, "impact", v->impact, "rationale",
	                 v->rationale);
}

int advisory_new(struct db *db, const struct act *act, const struct advisory_input *in, char *id,
                 size_t idsz, struct err *e)
{
	struct advisory_version v;
	struct db_stmt *st;
	char created[32], object[96];
	char *prefix;
	int64_t seq;
	int year, rc;

	memset(&v, 0, sizeof(v));
	matrix_init(&v.matrix);
	v.tlp = xstrdup("CLEAR");
	v.created_at = act->at;
	if (in->change)
		v.changelog = xstrdup(in->change);
	if ((rc = advisory_apply(db, &v, in, e)) != 0)
		goto out;
	time_format(act->at, created, sizeof(created));
	year = (created[0] - '0') * 1000 + (created[1] - '0') * 100 + (created[2] - '0') * 10 +
	       (created[3] - '0');
	if ((rc = advisory_next_seq(db, year, &seq, e)) != 0)
		goto out;
	if (seq > 9999) {
		rc = err_set(e, ERR_CONFLICT, "advisory numbers for %d are used up (9999)", year);
		goto out;
	}
	prefix = config_get(db, "prefix", "NCSC");
	snprintf(v.id, sizeof(v.id), "%s-%d-%04d", prefix, year, (int)seq);
	free(prefix);
	if ((rc = db_prepare(db,
	                     "INSERT INTO advisories (id, year, seq, created_at)"
	                     " VALUES (?1, ?2, ?3, ?4)",
	                     &st, e)) != 0)
		goto out;
	db_bind_text(st, 1, v.id);
	db_bind_int(st, 2, year);
	db_bind_int(st, 3, seq);
	db_bind_text(st, 4, created);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		goto out;
	/* the vulnerability records first: the advisory's CVEs refer to them */
	if ((rc = vuln_record(db, act, &v, in->disclosed, in->reported_to_vendor, e)) != 0)
		goto out;
	if ((rc = advisory_save_draft(db, &v, act->at, e)) != 0)
		goto out;
	snprintf(object, sizeof(object), "advisory:%s", v.id);
	rc = event_append(db, act, "advisory.new", object, input_detail(&v), e);
	snprintf(id, idsz, "%s", v.id);
out:
	advisory_version_free(&v);
	return rc;
}

int advisory_update(struct db *db, const struct act *act, const char *id,
                    const struct advisory_input *in, int *num, struct err *e)
{
	struct advisory_version v;
	char object[96];
	int rc;

	if (in->change == NULL || in->change[0] == '\0')
		return err_set(e, ERR_USAGE,
		               "--change TEXT is required: the changelog line of the next version");
	if ((rc = advisory_load(db, id, NULL, 1, &v, e)) != 0)
		return rc;
	if (v.published) {
		/* the next version starts as a copy of the latest published one */
		v.num++;
		v.published = 0;
		v.published_at = 0;
		v.created_at = act->at;
		set_str(&v.changelog, in->change);
	} else if (v.num == 0 && v.changelog == NULL) {
		set_str(&v.changelog, in->change);
	} else {
		struct buf b;
		buf_init(&b, TEXT_MAX * 2);
		buf_printf(&b, "%s%s%s", v.changelog ? v.changelog : "", v.changelog ? "\n" : "",
		           in->change);
		free(v.changelog);
		v.changelog = buf_take(&b);
	}
	if ((rc = advisory_apply(db, &v, in, e)) == 0 &&
	    (rc = vuln_record(db, act, &v, in->disclosed, in->reported_to_vendor, e)) == 0 &&
	    (rc = advisory_save_draft(db, &v, act->at, e)) == 0) {
		json_t *d = input_detail(&v);
		json_object_set_new(d, "change", json_string(in->change));
		snprintf(object, sizeof(object), "advisory:%s", id);
		rc = event_append(db, act, "advisory.update", object, d, e);
	}
	*num = v.num;
	advisory_version_free(&v);
	return rc;
}

static int level_rank(const char *s)
{
	enum level l = LEVEL_LOW;

	level_parse(s, &l);
	return (int)l;
}

/* Whether `after` changes something constituents must act on, compared with `before`. */
static int advisory_is_material(const struct advisory_version *before,
                                const struct advisory_version *after)
{
	static const int exploit_q[] = {MATRIX_Q_EXPLOIT, MATRIX_Q_EXPLOITED,
	                                MATRIX_Q_EXPLOIT_EXPECTED};

	if (level_rank(after->likelihood) > level_rank(before->likelihood) ||
	    level_rank(after->impact) > level_rank(before->impact))
		return 1;
	for (size_t i = 0; i < sizeof(exploit_q) / sizeof(exploit_q[0]); i++)
		if (after->matrix.answer[exploit_q[i]] > before->matrix.answer[exploit_q[i]])
			return 1;
	for (size_t i = 0; i < after->naffects; i++) {
		size_t j;
		for (j = 0; j < before->naffects; j++)
			if (strcmp(after->affects[i].product, before->affects[j].product) == 0)
				break;
		if (j == before->naffects ||
		    strcmp(after->affects[i].range, before->affects[j].range) != 0)
			return 1;
	}
	if (after->nfixed > before->nfixed)
		return 1;
	if (after->solution &&
	    (before->solution == NULL || strcmp(after->solution, before->solution) != 0))
		return 1;
	return 0;
}

int advisory_draft_material(struct db *db, const struct advisory_version *draft, int *material,
                            struct err *e)
{
	struct advisory_version prev;
	char prevlabel[16];
	int rc;

	*material = 1;
	if (draft->num == 0)
		return 0;
	advisory_version_label(draft->num - 1, prevlabel, sizeof(prevlabel));
	if ((rc = advisory_load(db, draft->id, prevlabel, 0, &prev, e)) != 0)
		return rc;
	*material = advisory_is_material(&prev, draft);
	advisory_version_free(&prev);
	return 0;
}

int advisory_publish(struct db *db, const struct act *act, const char *id, int silent, int force,
                     int *num, int *material, struct err *e)
{
	struct advisory_version draft, prev;
	struct db_stmt *st;
	char when[32], object[96], label[16];
	int rc;

	if (silent && force)
		return err_set(e, ERR_USAGE, "--silent and --force-alert exclude each other");
	if ((rc = advisory_load(db, id, NULL, 1, &draft, e)) != 0)
		return rc;
	if (draft.published) {
		advisory_version_free(&draft);
		return err_set(e, ERR_CONFLICT,
		               "%s has nothing to publish: `baken advisory update %s ... --change"
		               " TEXT` writes the next version first",
		               id, id);
	}
	if (draft.num > 0 && (draft.changelog == NULL || draft.changelog[0] == '\0')) {
		advisory_version_free(&draft);
		return err_set(e, ERR_INPUT, "%s: version after 1.00 needs a changelog (--change)",
		               id);
	}
	*material = 1;
	if (draft.num > 0) {
		char prevlabel[16];
		advisory_version_label(draft.num - 1, prevlabel, sizeof(prevlabel));
		if ((rc = advisory_load(db, id, prevlabel, 0, &prev, e)) != 0) {
			advisory_version_free(&draft);
			return rc;
		}
		*material = advisory_is_material(&prev, &draft);
		advisory_version_free(&prev);
	}
	if (silent)
		*material = 0;
	if (force)
		*material = 1;
	time_format(act->at, when, sizeof(when));
	rc = db_prepare(
	    db,
	    "UPDATE advisory_versions SET published_at = ?3, material = ?4,"
	    " updated_at = ?3 WHERE advisory_id = ?1 AND num = ?2 AND published_at IS NULL",
	    &st, e);
	if (rc == 0) {
		db_bind_text(st, 1, id);
		db_bind_int(st, 2, draft.num);
		db_bind_text(st, 3, when);
		db_bind_int(st, 4, *material);
		rc = db_step(st, e);
		db_done(st);
		rc = rc < 0 ? rc : 0;
	}
	if (rc == 0) {
		advisory_version_label(draft.num, label, sizeof(label));
		snprintf(object, sizeof(object), "advisory:%s", id);
		rc = event_append(db, act, "advisory.publish", object,
		                  json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:s?}", "version",
		                            label, "likelihood", draft.likelihood, "impact",
		                            draft.impact, "tlp", draft.tlp, "material", *material,
		                            "silent", silent, "force_alert", force, "change",
		                            draft.changelog),
		                  e);
	}
	*num = draft.num;
	advisory_version_free(&draft);
	return rc;
}

/* ---- reading ---- */

static json_t *strv_json(char **v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

int advisory_to_json(struct db *db, const struct advisory_version *v, json_t **out, struct err *e)
{
	struct matrix_result r;
	struct db_stmt *st;
	const char *lines[MATRIX_MAX_CONSEQUENCES];
	char label[16], created[32], published[32];
	json_t *o, *a, *m, *hist;
	int n, rc;

	advisory_version_label(v->num, label, sizeof(label));
	time_format(v->created_at, created, sizeof(created));
	time_format(v->published_at, published, sizeof(published));
	matrix_evaluate(&v->matrix, &r);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?}", "id", v->id, "version", label,
	              "state", v->published ? "published" : "draft", "title", v->title, "tlp",
	              v->tlp, "likelihood", v->likelihood, "impact", v->impact, "rationale",
	              v->rationale);
	json_object_set_new(o, "classification", json_sprintf("%s/%s", v->likelihood, v->impact));
	json_object_set_new(o, "proposal",
	                    json_pack("{s:s, s:i, s:s, s:i}", "likelihood",
	                              level_name(r.likelihood), "likelihood_points",
	                              r.likelihood_points, "impact", level_name(r.impact),
	                              "impact_points", r.impact_points));
	m = json_object();
	for (int q = 0; q < matrix_question_count(); q++)
		json_object_set_new(m, matrix_flag(q),
		                    json_string(matrix_answer_name(&v->matrix, q)));
	json_object_set_new(o, "matrix", m);
	a = json_array();
	n = matrix_consequences(&v->matrix, "nl", lines, MATRIX_MAX_CONSEQUENCES);
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(lines[i]));
	json_object_set_new(o, "consequences", a);
	json_object_set_new(o, "cves", strv_json(v->cves, v->ncves));
	a = json_array();
	for (size_t i = 0; i < v->naffects; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "product", v->affects[i].product,
		                                   "range", v->affects[i].range));
	json_object_set_new(o, "affects", a);
	a = json_array();
	for (size_t i = 0; i < v->nfixed; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "product", v->fixed[i].product,
		                                   "version", v->fixed[i].version));
	json_object_set_new(o, "fixed", a);
	json_object_set_new(o, "platform", v->platform ? json_string(v->platform) : json_null());
	json_object_set_new(o, "summary", v->summary ? json_string(v->summary) : json_null());
	json_object_set_new(o, "description",
	                    v->description ? json_string(v->description) : json_null());
	json_object_set_new(o, "solution", v->solution ? json_string(v->solution) : json_null());
	json_object_set_new(o, "references", strv_json(v->refs, v->nrefs));
	json_object_set_new(o, "to", strv_json(v->to, v->nto));
	json_object_set_new(o, "change", v->changelog ? json_string(v->changelog) : json_null());
	json_object_set_new(o, "created_at", json_string(created));
	json_object_set_new(o, "published_at", v->published ? json_string(published) : json_null());

	/* the version history: every version up to this one */
	hist = json_array();
	rc = db_prepare(
	    db,
	    "SELECT num, likelihood, impact, changelog, published_at FROM advisory_versions"
	    " WHERE advisory_id = ?1 AND num <= ?2 ORDER BY num",
	    &st, e);
	if (rc == 0) {
		db_bind_text(st, 1, v->id);
		db_bind_int(st, 2, v->num);
		while ((rc = db_step(st, e)) == DB_ROW) {
			char l[16];
			advisory_version_label((int)db_col_int(st, 0), l, sizeof(l));
			json_array_append_new(
			    hist,
			    json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "version", l, "likelihood",
			              db_col_text(st, 1), "impact", db_col_text(st, 2), "change",
			              db_col_text(st, 3), "published_at", db_col_text(st, 4)));
		}
		db_done(st);
	}
	json_object_set_new(o, "history", hist);
	if (rc < 0) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

int advisory_list(struct db *db, json_t **out, struct err *e)
{
	struct db_stmt *st;
	int rc;

	/* per advisory its latest published version, or its draft when none is published */
	rc =
	    db_prepare(db,
	               "SELECT a.id, v.num, v.published_at, v.likelihood, v.impact, v.tlp, v.title,"
	               " (SELECT count(*) FROM advisory_versions d WHERE d.advisory_id = a.id"
	               "  AND d.published_at IS NULL), a.created_at"
	               " FROM advisories a JOIN advisory_versions v ON v.advisory_id = a.id"
	               " WHERE v.num = coalesce((SELECT max(p.num) FROM advisory_versions p"
	               "  WHERE p.advisory_id = a.id AND p.published_at IS NOT NULL),"
	               "  (SELECT max(p.num) FROM advisory_versions p WHERE p.advisory_id = a.id))"
	               " ORDER BY a.year DESC, a.seq DESC",
	               &st, e);
	if (rc != 0)
		return rc;
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		char label[16], cls[32];
		int published = !db_col_is_null(st, 2);

		advisory_version_label((int)db_col_int(st, 1), label, sizeof(label));
		snprintf(cls, sizeof(cls), "%s/%s", db_col_text(st, 3), db_col_text(st, 4));
		json_array_append_new(
		    *out, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "id",
		                    db_col_text(st, 0), "version", label, "state",
		                    published ? "published" : "draft", "classification", cls, "tlp",
		                    db_col_text(st, 5), "title", db_col_text(st, 6),
		                    "draft_pending", published && db_col_int(st, 7) > 0, "date",
		                    published ? db_col_text(st, 2) : db_col_text(st, 8)));
	}
	db_done(st);
	if (rc < 0) {
		json_decref(*out);
		return rc;
	}
	return 0;
}

static int is_fixed(const struct advisory_version *v, const char *product, const char *version)
{
	for (size_t i = 0; i < v->nfixed; i++)
		if (strcmp(v->fixed[i].product, product) == 0 &&
		    version_compare(v->fixed[i].version, version) == 0)
			return 1;
	return 0;
}

/* A stretch of version keys to read from the inventory; NULL is unbounded. */
struct key_interval {
	const unsigned char *lo, *hi;
	size_t lolen, hilen;
};

/* The key intervals that hold every version in r (a superset: the caller filters exactly with
 * range_contains_key), so that the store reads only those stretches of its index. out has
 * room for r->n + 2 intervals; returns how many were written. */
static size_t range_key_intervals(const struct range *r, struct key_interval *out)
{
	size_t m = 0;
	int open = 0;

	if (r->all) {
		memset(&out[0], 0, sizeof(out[0]));
		return 1;
	}
	for (size_t k = 0; k <= r->n; k++) {
		int seg = k < r->n ? r->c[k].below_in : r->above_in;

		if (seg && !open) {
			out[m].lo = k ? r->c[k - 1].key : NULL;
			out[m].lolen = k ? r->c[k - 1].keylen : 0;
			open = 1;
		} else if (!seg && open) {
			out[m].hi = r->c[k - 1].key;
			out[m++].hilen = r->c[k - 1].keylen;
			open = 0;
		}
		if (k == r->n && open) {
			out[m].hi = NULL;
			out[m++].hilen = 0;
		} else if (k < r->n && !open &&
		           !(k + 1 < r->n ? r->c[k + 1].below_in : r->above_in) &&
		           (r->c[k].op == RANGE_EQ || r->c[k].op == RANGE_LE ||
		            r->c[k].op == RANGE_GE)) {
			/* a point on its own; one that opens the next stretch is read with it */
			out[m].lo = out[m].hi = r->c[k].key;
			out[m].lolen = out[m].hilen = r->c[k].keylen;
			m++;
		}
	}
	return m;
}

/* One hit of advisory_affected, with what it is sorted by. */
struct affected_hit {
	char *org;
	const char *product;
	unsigned char key[VERSION_KEY_MAX];
	size_t keylen;
	json_t *row;
};

struct affected_hits {
	struct affected_hit *v;
	size_t n, cap;
};

/* Orders hits by organisation, product, then version (by key: no string parsing). */
static int affected_cmp(const void *pa, const void *pb)
{
	const struct affected_hit *a = pa, *b = pb;
	int c = strcmp(a->org, b->org);

	if (c == 0)
		c = strcmp(a->product, b->product);
	return c ? c : version_key_cmp(a->key, a->keylen, b->key, b->keylen);
}

/* The rows of one product in a stretch of version keys: by the index inventory_match for every
 * organisation, by the primary key (org_id, product) for one. */
/* clang-format off */
#define AFFECTED_SQL(where)                                                                        \
	"SELECT i.org_id, o.name, o.kind, i.version, i.vkey, i.count, i.internet_facing"           \
	" FROM inventory i JOIN orgs o ON o.id = i.org_id WHERE i.product = ?1" where
#define AFFECTED_SQL_KEYS(org)                                                                     \
	AFFECTED_SQL(org), AFFECTED_SQL(org " AND i.vkey >= ?2"),                                  \
	AFFECTED_SQL(org " AND i.vkey <= ?3"), AFFECTED_SQL(org " AND i.vkey >= ?2 AND i.vkey <= ?3")
/* clang-format on */

static int affected_interval(struct db *db, const struct advisory_version *v, size_t i,
                             const char *org, const struct range *r, const struct key_interval *ki,
                             struct affected_hits *hits, struct err *e)
{
	static const char *const sql[] = {AFFECTED_SQL_KEYS(""),
	                                  AFFECTED_SQL_KEYS(" AND i.org_id = ?4")};
	struct db_stmt *st;
	int rc = db_prepare(db, sql[(ki->lo != NULL) + 2 * (ki->hi != NULL) + 4 * (org != NULL)],
	                    &st, e);

	if (rc != 0)
		return rc;
	db_bind_text(st, 1, v->affects[i].product);
	if (ki->lo)
		db_bind_blob(st, 2, ki->lo, ki->lolen);
	if (ki->hi)
		db_bind_blob(st, 3, ki->hi, ki->hilen);
	if (org)
		db_bind_text(st, 4, org);
	while ((rc = db_step(st, e)) == DB_ROW) {
		size_t klen;
		const unsigned char *key = db_col_blob(st, 4, &klen);
		const char *version = db_col_text(st, 3);

		struct affected_hit *h;

		if (!range_contains_key(r, key, klen) ||
		    is_fixed(v, v->affects[i].product, version) || klen > VERSION_KEY_MAX)
			continue;
		if (hits->n == hits->cap) {
			hits->cap = hits->cap ? 2 * hits->cap : 256;
			hits->v = xreallocarray(hits->v, hits->cap, sizeof(*hits->v));
		}
		h = &hits->v[hits->n++];
		h->org = xstrdup(db_col_text(st, 0));
		h->product = v->affects[i].product;
		memcpy(h->key, key, klen);
		h->keylen = klen;
		h->row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:b}", "org", h->org, "name",
		                   db_col_text(st, 1), "kind", db_col_text(st, 2), "product",
		                   v->affects[i].product, "version", version, "count",
		                   (json_int_t)db_col_int(st, 5), "internet_facing",
		                   (int)db_col_int(st, 6));
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int advisory_affected(struct db *db, const struct advisory_version *v, json_t **out, struct err *e)
{
	return advisory_affected_org(db, v, NULL, out, e);
}

int advisory_affected_org(struct db *db, const struct advisory_version *v, const char *org,
                          json_t **out, struct err *e)
{
	struct affected_hits hits = {NULL, 0, 0};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < v->naffects; i++) {
		struct key_interval *ki;
		struct range r;
		size_t nki;

		if ((rc = range_parse(v->affects[i].range, &r, e)) != 0)
			break;
		ki = xcalloc(r.n + 2, sizeof(*ki));
		nki = range_key_intervals(&r, ki);
		for (size_t k = 0; rc == 0 && k < nki; k++)
			rc = affected_interval(db, v, i, org, &r, &ki[k], &hits, e);
		free(ki);
		range_free(&r);
	}
	/* one list, by organisation, whatever order the intervals were read in */
	if (rc == 0 && hits.n > 1)
		qsort(hits.v, hits.n, sizeof(*hits.v), affected_cmp);
	*out = rc == 0 ? json_array() : NULL;
	for (size_t i = 0; i < hits.n; i++) {
		if (*out)
			json_array_append_new(*out, hits.v[i].row);
		else
			json_decref(hits.v[i].row);
		free(hits.v[i].org);
	}
	free(hits.v);
	return rc;
}
