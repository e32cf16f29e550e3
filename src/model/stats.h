/* stats.h: counts over the store for monitoring (/metrics): read-only, cheap, indexed. */
#ifndef BAKEN_STATS_H
#define BAKEN_STATS_H

#include "core/err.h"

#include <jansson.h>

struct db;

/* {"queued": n, "sent": n, ...}: alerts per state (every state, zero included). */
int stats_alerts_by_state(struct db *db, json_t **out, struct err *e);
/* E-mail and webhook alerts waiting to be delivered (queued, or sent and not yet confirmed),
 * and open call tasks. */
int stats_queue_depth(struct db *db, long *outbox, long *calls, struct err *e);
/* Advisories, and published versions per TLP: {"advisories": n, "versions": {"CLEAR": n...}}. */
int stats_advisories(struct db *db, json_t **out, struct err *e);

#endif
