/* vuln.c: vulnerability records. */
#include "model/vuln.h"

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "model/advisory.h"
#include "model/importer.h" /* issue 5: import_vuln_details */

#include <string.h>
#include <strings.h>

static const char *const exploit_statuses[] = {
    "none", "poc", "public", "active", "active-state-actor", NULL};

int vuln_exploit_rank(const char *status)
{
	for (int i = 0; exploit_statuses[i]; i++)
		if (status && strcmp(status, exploit_statuses[i]) == 0)
			return i;
	return 0;
}

/* The exploit status the classification answers imply: exploit code (poc, exploit) and active
 * exploitation (limited, large scale). */
static const char *vuln_status_from_matrix(const struct matrix *m)
{
	const char *exploited = matrix_answer_name(m, MATRIX_Q_EXPLOITED);
	const char *code = matrix_answer_name(m, MATRIX_Q_EXPLOIT);

	if (m->answer[MATRIX_Q_EXPLOITED] > 0 && strcmp(exploited, "no") != 0)
		return "active";
	if (m->answer[MATRIX_Q_EXPLOIT] > 0 && strcmp(code, "exploit") == 0)
		return "public";
	if (m->answer[MATRIX_Q_EXPLOIT] > 0 && strcmp(code, "poc") == 0)
		return "poc";
	return "none";
}

static int vuln_check_date(const char *what, const char *text, char *out, size_t outsz,
                           struct err *e)
{
	int64_t t;

	if (text == NULL)
		return 0;
	if (time_parse(text, &t, e) != 0)
		return err_wrap(e, "%s: ", what);
	time_format(t, out, outsz);
	return 0;
}

static int vuln_exec(struct db *db, const char *sql, const char *a, const char *b, const char *c,
                     const char *d, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, sql, &st, e);

	if (rc != 0)
		return rc;
	db_bind_text(st, 1, a);
	db_bind_text(st, 2, b);
	db_bind_text(st, 3, c);
	db_bind_text(st, 4, d);
	rc = db_step(st, e);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int vuln_record(struct db *db, const struct act *act, const struct advisory_version *v,
                const char *disclosed, const char *reported_to_vendor, struct err *e)
{
	const char *status = vuln_status_from_matrix(&v->matrix);
	char now[32], dis[32] = "", rep[32] = "";
	int rc;

	if ((rc = vuln_check_date("--disclosed", disclosed, dis, sizeof(dis), e)) != 0 ||
	    (rc = vuln_check_date("--reported-to-vendor", reported_to_vendor, rep, sizeof(rep),
	                          e)) != 0)
		return rc;
	time_format(act->at, now, sizeof(now));
	for (size_t i = 0; i < v->ncves; i++) {
		const char *cve = v->cves[i];
		struct db_stmt *st;
		char *old = NULL;

		rc = vuln_exec(db,
		               "INSERT INTO vulns (cve, title, learned, updated_at)"
		               " VALUES (?1, ?2, ?3, ?3) ON CONFLICT (cve) DO NOTHING",
		               cve, v->title, now, NULL, e);
		if (rc != 0)
			return rc;
		if ((rc =
		         db_prepare(db, "SELECT exploit_status FROM vulns WHERE cve = ?1", &st, e)))
			return rc;
		db_bind_text(st, 1, cve);
		if ((rc = db_step(st, e)) == DB_ROW)
			old = xstrdup(db_col_text(st, 0));
		db_done(st);
		if (rc < 0)
			return rc;
		rc = 0;
		if (vuln_exploit_rank(status) > vuln_exploit_rank(old)) {
			rc = vuln_exec(db,
			               "UPDATE vulns SET exploit_status = ?2, updated_at = ?3"
			               " WHERE cve = ?1",
			               cve, status, now, NULL, e);
			if (rc == 0) {
				char object[64];
				snprintf(object, sizeof(object), "vuln:%s", cve);
				rc = event_append(
				    db, act, "vuln.exploit_status", object,
				    json_pack("{s:s, s:s}", "from", old, "to", status), e);
			}
		}
		free(old);
		if (rc == 0 && dis[0])
			rc = vuln_exec(db, "UPDATE vulns SET disclosed = ?2 WHERE cve = ?1", cve,
			               dis, NULL, NULL, e);
		if (rc == 0 && rep[0])
			rc =
			    vuln_exec(db, "UPDATE vulns SET reported_to_vendor = ?2 WHERE cve = ?1",
			              cve, rep, NULL, NULL, e);
		if (rc == 0 && v->fixed && v->nfixed)
			rc = vuln_exec(
			    db, "UPDATE vulns SET mitigation_status = 'patch' WHERE cve = ?1", cve,
			    NULL, NULL, NULL, e);
		for (size_t j = 0; rc == 0 && j < v->naffects; j++)
			rc = vuln_exec(db,
			               "INSERT INTO vuln_products (cve, product, range)"
			               " VALUES (?1, ?2, ?3) ON CONFLICT (cve, product)"
			               " DO UPDATE SET range = excluded.range",
			               cve, v->affects[j].product, v->affects[j].range, NULL, e);
		for (size_t j = 0; rc == 0 && j < v->nfixed; j++)
			rc = vuln_exec(db,
			               "INSERT INTO vuln_fixed (cve, product, version)"
			               " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
			               cve, v->fixed[j].product, v->fixed[j].version, NULL, e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* The products ("product range" strings) and advisories of one CVE. */
static int vuln_lists(struct db *db, const char *cve, json_t *o, struct err *e)
{
	struct db_stmt *st;
	json_t *products = json_array(), *fixed = json_array(), *advisories = json_array();
	int rc;

	json_object_set_new(o, "products", products);
	json_object_set_new(o, "fixed", fixed);
	json_object_set_new(o, "advisories", advisories);
	rc = db_prepare(
	    db, "SELECT product, range FROM vuln_products WHERE cve = ?1 ORDER BY product", &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, cve);
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(products,
		                      json_pack("{s:s, s:s}", "product", db_col_text(st, 0),
		                                "range", db_col_text(st, 1)));
	db_done(st);
	if (rc < 0)
		return rc;
	rc = db_prepare(
	    db, "SELECT product, version FROM vuln_fixed WHERE cve = ?1 ORDER BY product, version",
	    &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, cve);
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(fixed, json_pack("{s:s, s:s}", "product", db_col_text(st, 0),
		                                       "version", db_col_text(st, 1)));
	db_done(st);
	if (rc < 0)
		return rc;
	rc = db_prepare(
	    db, "SELECT DISTINCT advisory_id FROM advisory_cves WHERE cve = ?1 ORDER BY 1", &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, cve);
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(advisories, json_string(db_col_text(st, 0)));
	db_done(st);
	return rc < 0 ? rc : 0;
}

static const char vuln_select[] =
    "SELECT cve, title, exploit_status, mitigation_status, reported_to_vendor, disclosed,"
    " learned, kev_date, updated_at FROM vulns WHERE ?1 IS NULL OR cve = ?1 ORDER BY cve";

static json_t *vuln_row(struct db_stmt *st)
{
	return json_pack("{s:s, s:s?, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s}", "cve",
	                 db_col_text(st, 0), "title", db_col_text(st, 1), "exploit_status",
	                 db_col_text(st, 2), "mitigation_status", db_col_text(st, 3),
	                 "reported_to_vendor", db_col_text(st, 4), "disclosed", db_col_text(st, 5),
	                 "learned", db_col_text(st, 6), "kev_date", db_col_text(st, 7),
	                 "updated_at", db_col_text(st, 8));
}

static int vuln_query(struct db *db, const char *cve, json_t **out, struct err *e)
{
	struct db_stmt *st;
	size_t i;
	json_t *o;
	int rc = db_prepare(db, vuln_select, &st, e);

	if (rc != 0)
		return rc;
	db_bind_text(st, 1, cve);
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(*out, vuln_row(st));
	db_done(st);
	json_array_foreach(*out, i, o)
	{
		if (rc >= 0)
			rc = vuln_lists(db, json_string_value(json_object_get(o, "cve")), o, e);
	}
	if (rc < 0) {
		json_decref(*out);
		return rc;
	}
	return 0;
}

int vuln_list(struct db *db, json_t **out, struct err *e)
{
	return vuln_query(db, NULL, out, e);
}

int vuln_show(struct db *db, const char *cve, json_t **out, struct err *e)
{
	char up[32];
	json_t *all;
	int rc;

	snprintf(up, sizeof(up), "%s", cve);
	for (char *p = up; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	if ((rc = vuln_query(db, up, &all, e)) != 0)
		return rc;
	if (json_array_size(all) == 0) {
		json_decref(all);
		return err_set(e, ERR_NOTFOUND, "no vulnerability record for %s", cve);
	}
	*out = json_incref(json_array_get(all, 0));
	json_decref(all);
	/* issue 5: what imports added to the record (importer.c) */
	if ((rc = import_vuln_details(db, up, *out, e)) != 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}
