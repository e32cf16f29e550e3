/* call.c: the calling list. A high/high version makes a call task per affected organisation;
 * an analyst claims one so two people do not call the same person, and records the outcome. */
#include "model/alert.h"

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "model/advisory.h"

#include <string.h>

int call_list(struct db *db, int all, json_t **out, struct err *e)
{
	struct db_stmt *st;
	int rc;

	rc = db_prepare(db,
	                "SELECT a.id, a.advisory_id, a.num, a.org_id, o.name, a.phones, a.state,"
	                " a.attempts, a.claimed_by, a.outcome, a.note, a.created_at"
	                " FROM alerts a JOIN orgs o ON o.id = a.org_id WHERE a.channel = 'call'"
	                " AND (?1 = 1 OR a.state = 'queued') ORDER BY a.created_at, a.id",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_int(st, 1, all);
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		char label[16];
		json_t *phones =
		    json_loads(db_col_text(st, 5) ? db_col_text(st, 5) : "[]", 0, NULL);
		json_t *first = json_array_get(phones, 0);

		advisory_version_label((int)db_col_int(st, 2), label, sizeof(label));
		json_array_append_new(
		    *out,
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:I, s:s?, s:s?, s:s?,"
		              " s:s}",
		              "alert", (json_int_t)db_col_int(st, 0), "advisory",
		              db_col_text(st, 1), "version", label, "org", db_col_text(st, 3),
		              "name", db_col_text(st, 4), "call_first",
		              first ? json_string_value(json_object_get(first, "phone"))
		                    : "(no number known)",
		              "phones", phones ? phones : json_array(), "state", db_col_text(st, 6),
		              "attempts", (json_int_t)db_col_int(st, 7), "claimed_by",
		              db_col_text(st, 8), "outcome", db_col_text(st, 9), "note",
		              db_col_text(st, 10), "created_at", db_col_text(st, 11)));
	}
	db_done(st);
	if (rc < 0) {
		json_decref(*out);
		return rc;
	}
	return 0;
}

/* Loads state and claimer of a call task; ERR_NOTFOUND when id is not one. */
static int call_get(struct db *db, long id, char **state, char **claimed, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db,
	                    "SELECT state, claimed_by FROM alerts WHERE id = ?1"
	                    " AND channel = 'call'",
	                    &st, e);

	*state = *claimed = NULL;
	if (rc != 0)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*state = xstrdup(db_col_text(st, 0));
		*claimed = db_col_is_null(st, 1) ? NULL : xstrdup(db_col_text(st, 1));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (*state == NULL)
		return err_set(e, ERR_NOTFOUND, "%ld is no call task (`baken call list`)", id);
	return 0;
}

int call_claim(struct db *db, const struct act *act, long id, struct err *e)
{
	struct db_stmt *st;
	char *state, *claimed, object[64], now[32];
	int rc = call_get(db, id, &state, &claimed, e);

	if (rc != 0)
		return rc;
	if (strcmp(state, "queued") != 0)
		rc = err_set(e, ERR_CONFLICT, "call task %ld is done (%s)", id, state);
	else if (claimed && strcmp(claimed, act->actor) != 0)
		rc =
		    err_set(e, ERR_CONFLICT, "call task %ld is claimed by %s already", id, claimed);
	free(state);
	if (rc != 0 || claimed) {
		free(claimed);
		return rc;
	}
	time_format(act->at, now, sizeof(now));
	rc = db_prepare(db, "UPDATE alerts SET claimed_by = ?2, lease_until = ?3 WHERE id = ?1",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, act->actor);
	db_bind_text(st, 3, now);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	snprintf(object, sizeof(object), "alert:%ld", id);
	return event_append(db, act, "call.claim", object, NULL, e);
}

int call_done(struct db *db, const struct act *act, long id, const char *outcome, const char *note,
              struct err *e)
{
	static const struct {
		const char *outcome, *state;
	} outcomes[] = {
	    {"reached", "delivered"},
	    {"voicemail", "sent"},      /* a message left: closed, not confirmed */
	    {"no-answer", "queued"},    /* stays on the list, one more attempt */
	    {"wrong-number", "failed"}, /* the number must be corrected first */
	};
	struct db_stmt *st;
	char *state, *claimed, object[64], now[32];
	const char *to = NULL;
	int rc;

	for (size_t i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
		if (strcmp(outcome, outcomes[i].outcome) == 0)
			to = outcomes[i].state;
	if (to == NULL)
		return err_set(e, ERR_INPUT,
		               "bad --outcome \"%s\": expected reached, voicemail, no-answer or"
		               " wrong-number",
		               outcome);
	if ((rc = call_get(db, id, &state, &claimed, e)) != 0)
		return rc;
	if (strcmp(state, "queued") != 0)
		rc = err_set(e, ERR_CONFLICT, "call task %ld is done already (%s)", id, state);
	else if (claimed && strcmp(claimed, act->actor) != 0)
		rc = err_set(e, ERR_CONFLICT, "call task %ld is claimed by %s", id, claimed);
	free(state);
	free(claimed);
	if (rc != 0)
		return rc;
	time_format(act->at, now, sizeof(now));
	rc = db_prepare(db,
	                "UPDATE alerts SET state = ?2, outcome = ?3, note = coalesce(?4, note),"
	                " attempts = attempts + 1, claimed_by = CASE WHEN ?2 = 'queued' THEN NULL"
	                " ELSE ?5 END, delivered_at = CASE WHEN ?2 = 'delivered' THEN ?6 ELSE"
	                " delivered_at END, sent_at = ?6, last_error = CASE WHEN ?2 = 'failed'"
	                " THEN 'wrong number' ELSE last_error END WHERE id = ?1",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, to);
	db_bind_text(st, 3, outcome);
	db_bind_text(st, 4, note);
	db_bind_text(st, 5, act->actor);
	db_bind_text(st, 6, now);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	snprintf(object, sizeof(object), "alert:%ld", id);
	return event_append(db, act, "call.done", object,
	                    json_pack("{s:s, s:s?}", "outcome", outcome, "note", note), e);
}
