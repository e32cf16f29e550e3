/* todo.c: the analysts' to-do list. */
#include "model/todo.h"

#include "core/timeutil.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

int todo_add(struct db *db, const struct act *act, const char *kind, const char *advisory,
             const char *cve, const char *reason, json_t *detail, int *added, struct err *e)
{
	struct db_stmt *st;
	char now[32], object[96], *text;
	int rc;

	*added = 0;
	if (detail == NULL)
		detail = json_object();
	time_format(act->at, now, sizeof(now));
	text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	rc = db_prepare(db,
	                "INSERT INTO todos (kind, advisory_id, cve, reason, detail, created_at)"
	                " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	                " ON CONFLICT (kind, advisory_id, cve) DO NOTHING",
	                &st, e);
	if (rc == 0) {
		db_bind_text(st, 1, kind);
		db_bind_text(st, 2, advisory);
		db_bind_text(st, 3, cve);
		db_bind_text(st, 4, reason);
		db_bind_text(st, 5, text);
		db_bind_text(st, 6, now);
		rc = db_step(st, e);
		db_done(st);
		rc = rc < 0 ? rc : 0;
	}
	free(text);
	if (rc == 0 && db_changes(db) > 0) {
		*added = 1;
		snprintf(object, sizeof(object), "advisory:%s", advisory);
		rc = event_append(
		    db, act, "todo.add", object,
		    json_pack("{s:s, s:s, s:s}", "kind", kind, "cve", cve, "reason", reason), e);
	}
	json_decref(detail);
	return rc;
}

int todo_list(struct db *db, int all, json_t **out, struct err *e)
{
	struct db_stmt *st;
	int rc =
	    db_prepare(db,
	               "SELECT id, kind, advisory_id, cve, reason, detail, created_at, done_at,"
	               " done_by, note FROM todos WHERE ?1 = 1 OR done_at IS NULL"
	               " ORDER BY created_at, id",
	               &st, e);

	if (rc != 0)
		return rc;
	db_bind_int(st, 1, all);
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *detail = json_loads(db_col_text(st, 5), 0, NULL);
		json_array_append_new(
		    *out,
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:s?, s:s?, s:s?, s:s}", "id",
		              (json_int_t)db_col_int(st, 0), "kind", db_col_text(st, 1), "advisory",
		              db_col_text(st, 2), "cve", db_col_text(st, 3), "reason",
		              db_col_text(st, 4), "detail", detail ? detail : json_object(),
		              "created_at", db_col_text(st, 6), "done_at", db_col_text(st, 7),
		              "done_by", db_col_text(st, 8), "note", db_col_text(st, 9), "state",
		              db_col_is_null(st, 7) ? "open" : "done"));
	}
	db_done(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

int todo_done(struct db *db, const struct act *act, long id, const char *note, struct err *e)
{
	struct db_stmt *st;
	char now[32], object[96], idtext[32];
	int64_t exists = 0, open = 0;
	int rc;

	snprintf(idtext, sizeof(idtext), "%ld", id);
	if ((rc = db_query_int(db, "SELECT count(*) FROM todos WHERE id = ?1", idtext, &exists,
	                       e)) != 0 ||
	    (rc = db_query_int(db, "SELECT count(*) FROM todos WHERE id = ?1 AND done_at IS NULL",
	                       idtext, &open, e)) != 0)
		return rc;
	if (!exists)
		return err_set(e, ERR_NOTFOUND, "no to-do %ld (`baken todo list` shows them)", id);
	if (!open)
		return err_set(e, ERR_CONFLICT, "to-do %ld is done already", id);
	time_format(act->at, now, sizeof(now));
	rc = db_prepare(db, "UPDATE todos SET done_at = ?2, done_by = ?3, note = ?4 WHERE id = ?1",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, now);
	db_bind_text(st, 3, act->actor);
	db_bind_text(st, 4, note);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	snprintf(object, sizeof(object), "todo:%ld", id);
	return event_append(db, act, "todo.done", object, json_pack("{s:s?}", "note", note), e);
}
