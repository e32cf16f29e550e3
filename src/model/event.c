/* event.c: the hash-chained event log. */
#include "model/event.h"

#include "core/buf.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char genesis[] = "0000000000000000000000000000000000000000000000000000000000000000";

/* The hash of one entry: every field, each ended by a unit separator, then the previous hash.
 * The id is in it, so moving an entry breaks the chain as surely as changing it. */
static void event_hash(int64_t id, const char *actor, const char *action, const char *object,
                       const char *occurred, const char *recorded, const char *detail,
                       const char *prev, char out[65])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	char idtext[24];
	const char *fields[8];
	int n = snprintf(idtext, sizeof(idtext), "%lld", (long long)id);

	(void)n;
	fields[0] = idtext;
	fields[1] = actor;
	fields[2] = action;
	fields[3] = object;
	fields[4] = occurred;
	fields[5] = recorded;
	fields[6] = detail;
	fields[7] = prev;
	crypto_hash_sha256_init(&st);
	for (int i = 0; i < 8; i++) {
		crypto_hash_sha256_update(&st, (const unsigned char *)fields[i], strlen(fields[i]));
		crypto_hash_sha256_update(&st, (const unsigned char *)"\x1f", 1);
	}
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int event_append(struct db *db, const struct act *act, const char *action, const char *object,
                 json_t *detail, struct err *e)
{
	struct db_stmt *st;
	char occurred[32], recorded[32], prev[65], hash[65];
	char *text;
	int64_t id = 1;
	int rc;

	if (detail == NULL)
		detail = json_object();
	text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(detail);
	memcpy(prev, genesis, sizeof(prev));
	rc = db_prepare(db, "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1", &st, e);
	if (rc != 0)
		goto out;
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		id = db_col_int(st, 0) + 1;
		snprintf(prev, sizeof(prev), "%s", db_col_text(st, 1));
	}
	db_done(st);
	if (rc < 0)
		goto out;
	time_format(act->at, occurred, sizeof(occurred));
	time_format(time_now(), recorded, sizeof(recorded));
	event_hash(id, act->actor, action, object, occurred, recorded, text, prev, hash);
	rc = db_prepare(db,
	                "INSERT INTO events (id, actor, action, object, occurred_at, recorded_at,"
	                " detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	                &st, e);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, act->actor);
	db_bind_text(st, 3, action);
	db_bind_text(st, 4, object);
	db_bind_text(st, 5, occurred);
	db_bind_text(st, 6, recorded);
	db_bind_text(st, 7, text);
	db_bind_text(st, 8, prev);
	db_bind_text(st, 9, hash);
	rc = db_step(st, e);
	db_done(st);
	rc = rc < 0 ? rc : 0;
out:
	free(text);
	return rc;
}

int event_verify(struct db *db, struct event_check *r, struct err *e)
{
	struct db_stmt *st;
	char prev[65], hash[65];
	int64_t expect = 1;
	int rc;

	memset(r, 0, sizeof(*r));
	memcpy(prev, genesis, sizeof(prev));
	memcpy(r->head, genesis, sizeof(r->head));
	rc = db_prepare(db,
	                "SELECT id, actor, action, object, occurred_at, recorded_at, detail,"
	                " prev_hash, hash FROM events ORDER BY id",
	                &st, e);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t id = db_col_int(st, 0);
		const char *stored_prev = db_col_text(st, 7), *stored = db_col_text(st, 8);

		if (id != expect) {
			r->bad_id = id;
			err_set(e, ERR_CONFLICT,
			        "event chain broken at entry %lld: entry %lld is missing or moved",
			        (long long)id, (long long)expect);
			break;
		}
		if (strcmp(stored_prev, prev) != 0) {
			r->bad_id = id;
			err_set(
			    e, ERR_CONFLICT,
			    "event chain broken at entry %lld: it does not follow the entry before"
			    " it (an entry was removed, changed or reordered)",
			    (long long)id);
			break;
		}
		event_hash(id, db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
		           db_col_text(st, 4), db_col_text(st, 5), db_col_text(st, 6), prev, hash);
		if (strcmp(hash, stored) != 0) {
			r->bad_id = id;
			err_set(e, ERR_CONFLICT,
			        "event chain broken at entry %lld: its content was changed after it"
			        " was recorded",
			        (long long)id);
			break;
		}
		memcpy(prev, hash, sizeof(prev));
		r->count++;
		expect++;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	memcpy(r->head, prev, sizeof(r->head));
	return 0;
}

int event_checkpoint_check(struct db *db, int64_t count, const char *head, int *holds,
                           struct err *e)
{
	struct db_stmt *st;
	int64_t id = 0;
	char *hash = NULL;
	int rc;

	*holds = 0;
	rc = db_prepare(db,
	                count ? "SELECT id, hash FROM events WHERE id = ?1"
	                      : "SELECT id, hash FROM events WHERE hash = ?2",
	                &st, e);
	if (rc != 0)
		return rc;
	if (count)
		db_bind_int(st, 1, count);
	else
		db_bind_text(st, 2, head);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		id = db_col_int(st, 0);
		hash = xstrdup(db_col_text(st, 1));
	}
	db_done(st);
	if (rc < 0) {
		free(hash);
		return rc;
	}
	if (id == 0 && count)
		err_set(e, ERR_CONFLICT,
		        "the checkpoint is at entry %lld, but the log ends before it: entries were"
		        " removed",
		        (long long)count);
	else if (id == 0)
		err_set(
		    e, ERR_CONFLICT,
		    "no entry of the log has the checkpoint's hash %s: the log was rewritten up to"
		    " the checkpoint, or cut below it",
		    head);
	else if (hash == NULL || strcmp(hash, head) != 0)
		err_set(
		    e, ERR_CONFLICT,
		    "entry %lld does not have the checkpoint's hash: the log was rewritten up to"
		    " the checkpoint",
		    (long long)id);
	else
		*holds = 1;
	free(hash);
	return 0;
}
