/* metrics.h: the server's counters, in the Prometheus text format at /metrics. Counters are
 * atomics: every event thread adds to them without a lock. */
#ifndef BAKEN_METRICS_H
#define BAKEN_METRICS_H

#include "core/buf.h"
#include "core/err.h"

#include <stddef.h>

struct cache;
struct db;
struct metrics;

/* Counters for nroutes routes (and one slot for requests no route matched). */
struct metrics *metrics_new(size_t nroutes);
void metrics_free(struct metrics *m);
/* One finished request: its route (-1 for none), status and duration. */
void metrics_observe(struct metrics *m, int route, int status, double seconds);
/* Requests being served now, and jobs waiting for a worker thread. */
void metrics_inflight(struct metrics *m, int delta);
long metrics_inflight_now(struct metrics *m);
void metrics_workq(struct metrics *m, int delta);
/* The cache whose figures /metrics shows (baken_http_cache_*); NULL for none. */
void metrics_cache(struct metrics *m, struct cache *c);
/* Failed logins refused, and logins refused by the rate limit. */
void metrics_login(struct metrics *m, int ok, int limited);
/* Appends the server's own metrics (requests, latency, in flight, cache) and, when staff is
 * set, what tells of the store and its users: logins, alerts, queues, advisories per TLP, read
 * from db. The public may not learn that a TLP:RED version exists, or how many were alerted. */
int metrics_render(struct metrics *m, struct db *db, int staff, struct buf *out, struct err *e);

#endif
