/* event.h: the event log. Every change appends one entry: who (actor), what (action, object,
 * detail), when it happened (occurred_at, from --at) and when it was recorded. Each entry
 * holds the SHA-256 of the entry before it, so removing, changing or reordering an entry
 * breaks the chain, and event_verify finds the first entry where it breaks. */
#ifndef BAKEN_EVENT_H
#define BAKEN_EVENT_H

#include "core/err.h"

#include <jansson.h>
#include <stdint.h>

struct db;

/* Who makes a change, and when it happened. */
struct act {
	const char *actor; /* "cli:alice", "web:alice", "system" */
	int64_t at;        /* when it happened: --at, or now */
};

/* Appends an event inside the caller's transaction. detail (a JSON object, may be NULL) is
 * stolen. */
int event_append(struct db *db, const struct act *act, const char *action, const char *object,
                 json_t *detail, struct err *e);

struct event_check {
	int64_t count;  /* entries checked */
	int64_t bad_id; /* first entry where the chain breaks, 0 when whole */
	char head[65];  /* hash of the last entry */
};

/* Recomputes the chain. Returns 0 whether or not it holds (see r->bad_id, and the message in
 * e naming the entry and what is wrong); a negative code only when the store fails. */
int event_verify(struct db *db, struct event_check *r, struct err *e);

/* Checks an exported checkpoint against the chain, after event_verify found it whole: the entry
 * number count (0: the entry whose hash is head, wherever it is) must have the hash head.
 * *holds is 1 when it does; else 0 and e says why (the log was cut below the checkpoint, or
 * entries up to it were rewritten). A negative code only when the store fails. */
int event_checkpoint_check(struct db *db, int64_t count, const char *head, int *holds,
                           struct err *e);

#endif
