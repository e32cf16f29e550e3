/* stats.c: counts for monitoring. */
#include "model/stats.h"

#include "db/db.h"

int stats_alerts_by_state(struct db *db, json_t **out, struct err *e)
{
	static const char *const states[] = {"queued", "sent",      "delivered", "acknowledged",
	                                     "failed", "cancelled", NULL};
	struct db_stmt *st;
	int rc;

	*out = json_object();
	for (int i = 0; states[i]; i++)
		json_object_set_new(*out, states[i], json_integer(0));
	rc = db_prepare(db, "SELECT state, count(*) FROM alerts GROUP BY state", &st, e);
	if (rc != 0)
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW)
		json_object_set_new(*out, db_col_text(st, 0), json_integer(db_col_int(st, 1)));
	db_done(st);
	if (rc == 0)
		return 0;
fail:
	json_decref(*out);
	*out = NULL;
	return rc;
}

int stats_queue_depth(struct db *db, long *outbox, long *calls, struct err *e)
{
	int64_t n = 0, c = 0;
	int rc = db_query_int(db,
	                      "SELECT count(*) FROM alerts WHERE state IN ('queued', 'sent')"
	                      " AND channel <> 'call'",
	                      NULL, &n, e);

	if (rc == 0)
		rc = db_query_int(db,
		                  "SELECT count(*) FROM alerts WHERE channel = 'call'"
		                  " AND state IN ('queued', 'sent')",
		                  NULL, &c, e);
	*outbox = (long)n;
	*calls = (long)c;
	return rc;
}

int stats_advisories(struct db *db, json_t **out, struct err *e)
{
	struct db_stmt *st;
	json_t *v = json_object();
	int64_t n = 0;
	int rc = db_query_int(db, "SELECT count(*) FROM advisories", NULL, &n, e);

	if (rc == 0)
		rc = db_prepare(db,
		                "SELECT tlp, count(*) FROM advisory_versions"
		                " WHERE published_at IS NOT NULL GROUP BY tlp",
		                &st, e);
	if (rc != 0) {
		json_decref(v);
		return rc;
	}
	while ((rc = db_step(st, e)) == DB_ROW)
		json_object_set_new(v, db_col_text(st, 0), json_integer(db_col_int(st, 1)));
	db_done(st);
	if (rc < 0) {
		json_decref(v);
		return rc;
	}
	*out = json_pack("{s:I, s:o}", "advisories", (json_int_t)n, "versions", v);
	return 0;
}
