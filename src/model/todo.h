/* todo.h: the analysts' to-do list. An import never publishes anything by itself: when it
 * learns something that should change an advisory (a CVE of it is now known to be actively
 * exploited, and the advisory's classification proposal would rise), the advisory goes on
 * this list as "reclassify", once per advisory and CVE, until an analyst marks it done. */
#ifndef BAKEN_TODO_H
#define BAKEN_TODO_H

#include "core/err.h"
#include "model/event.h"

#include <jansson.h>

struct db;

/* Adds a to-do unless the same (kind, advisory, cve) is on the list already, done or not;
 * *added tells which. detail (a JSON object, stolen) says why. Logs todo.add. */
int todo_add(struct db *db, const struct act *act, const char *kind, const char *advisory,
             const char *cve, const char *reason, json_t *detail, int *added, struct err *e);

/* The list: open to-dos, or all with all = 1; oldest first. Rows: id, kind, advisory, cve,
 * reason, detail, created_at, done_at, done_by, note. */
int todo_list(struct db *db, int all, json_t **out, struct err *e);

/* Marks a to-do done (with an optional note). ERR_NOTFOUND for an unknown id, ERR_CONFLICT
 * when it is done already. */
int todo_done(struct db *db, const struct act *act, long id, const char *note, struct err *e);

#endif
