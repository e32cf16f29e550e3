/* metrics.c: request counters and latency histograms per route, and gauges from the store. */
#include "web/metrics.h"

#include "core/xalloc.h"
#include "model/stats.h"
#include "web/cache.h"
#include "web/router.h"

#include <jansson.h>
#include <stdatomic.h>
#include <string.h>

static const double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                0.1,   0.25,   0.5,   1.0,  2.5,   5.0};
#define NBOUNDS (sizeof(bounds) / sizeof(bounds[0]))
#define NCLASS  5 /* 1xx .. 5xx */

struct route_counters {
	atomic_long by_class[NCLASS];
	atomic_long buckets[NBOUNDS]; /* not cumulative; summed when rendered */
	atomic_long count;
	atomic_llong micros; /* total duration */
};

struct metrics {
	size_t nroutes;
	struct route_counters *routes; /* nroutes + 1: the last for "no route" */
	atomic_long inflight, workq, login_ok, login_failed, login_limited;
	struct cache *_Atomic cache; /* the server's cache of public answers, or NULL */
};

struct metrics *metrics_new(size_t nroutes)
{
	struct metrics *m = xcalloc(1, sizeof(*m));

	m->nroutes = nroutes;
	m->routes = xcalloc(nroutes + 1, sizeof(*m->routes));
	return m;
}

void metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	free(m->routes);
	free(m);
}

void metrics_observe(struct metrics *m, int route, int status, double seconds)
{
	struct route_counters *c =
	    &m->routes[route >= 0 && (size_t)route < m->nroutes ? (size_t)route : m->nroutes];
	int cls = status / 100 - 1;
	size_t b = 0;

	if (cls < 0 || cls >= NCLASS)
		cls = NCLASS - 1;
	atomic_fetch_add(&c->by_class[cls], 1);
	while (b < NBOUNDS && seconds > bounds[b])
		b++;
	if (b < NBOUNDS)
		atomic_fetch_add(&c->buckets[b], 1);
	atomic_fetch_add(&c->count, 1);
	atomic_fetch_add(&c->micros, (long long)(seconds * 1e6));
}

void metrics_inflight(struct metrics *m, int delta)
{
	atomic_fetch_add(&m->inflight, delta);
}

long metrics_inflight_now(struct metrics *m)
{
	return atomic_load(&m->inflight);
}

void metrics_workq(struct metrics *m, int delta)
{
	atomic_fetch_add(&m->workq, delta);
}

void metrics_cache(struct metrics *m, struct cache *c)
{
	atomic_store(&m->cache, c);
}

void metrics_login(struct metrics *m, int ok, int limited)
{
	if (limited)
		atomic_fetch_add(&m->login_limited, 1);
	else if (ok)
		atomic_fetch_add(&m->login_ok, 1);
	else
		atomic_fetch_add(&m->login_failed, 1);
}

static const char *route_label(const struct metrics *m, size_t i)
{
	return i < m->nroutes ? router_routes[i].path : "(none)";
}

static const char *method_label(const struct metrics *m, size_t i)
{
	return i < m->nroutes && router_routes[i].method == POST ? "POST" : "GET";
}

int metrics_render(struct metrics *m, struct db *db, int staff, struct buf *out, struct err *e)
{
	json_t *states = NULL, *adv = NULL, *v;
	const char *k;
	long outbox = 0, calls = 0;
	int rc;

	buf_adds(out, "# HELP baken_http_requests_total HTTP requests answered, by route and"
	              " status class.\n# TYPE baken_http_requests_total counter\n");
	for (size_t i = 0; i <= m->nroutes; i++)
		for (int c = 0; c < NCLASS; c++) {
			long n = atomic_load(&m->routes[i].by_class[c]);
			if (n)
				buf_printf(out,
				           "baken_http_requests_total{method=\"%s\",route=\"%s\","
				           "code=\"%dxx\"} %ld\n",
				           method_label(m, i), route_label(m, i), c + 1, n);
		}
	buf_adds(out, "# HELP baken_http_request_duration_seconds Time to answer a request.\n"
	              "# TYPE baken_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i <= m->nroutes; i++) {
		struct route_counters *c = &m->routes[i];
		long count = atomic_load(&c->count), cum = 0;
		if (count == 0)
			continue;
		for (size_t b = 0; b < NBOUNDS; b++) {
			cum += atomic_load(&c->buckets[b]);
			buf_printf(out,
			           "baken_http_request_duration_seconds_bucket{method=\"%s\","
			           "route=\"%s\",le=\"%g\"} %ld\n",
			           method_label(m, i), route_label(m, i), bounds[b], cum);
		}
		buf_printf(out,
		           "baken_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\","
		           "le=\"+Inf\"} %ld\n",
		           method_label(m, i), route_label(m, i), count);
		buf_printf(out,
		           "baken_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"}"
		           " %.6f\n",
		           method_label(m, i), route_label(m, i),
		           (double)atomic_load(&c->micros) / 1e6);
		buf_printf(out,
		           "baken_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"}"
		           " %ld\n",
		           method_label(m, i), route_label(m, i), count);
	}
	buf_printf(out,
	           "# HELP baken_http_requests_in_flight Requests being answered now.\n"
	           "# TYPE baken_http_requests_in_flight gauge\nbaken_http_requests_in_flight %ld\n"
	           "# HELP baken_http_slow_queue_depth Requests waiting for a worker thread"
	           " (password checks, signing).\n# TYPE baken_http_slow_queue_depth gauge\n"
	           "baken_http_slow_queue_depth %ld\n",
	           atomic_load(&m->inflight), atomic_load(&m->workq));
	if (atomic_load(&m->cache)) {
		long entries, bytes, hits, misses;
		cache_stats(atomic_load(&m->cache), &entries, &bytes, &hits, &misses);
		buf_printf(out,
		           "# HELP baken_http_cache_entries Public answers held in memory.\n"
		           "# TYPE baken_http_cache_entries gauge\nbaken_http_cache_entries %ld\n"
		           "# HELP baken_http_cache_bytes Memory those answers take.\n"
		           "# TYPE baken_http_cache_bytes gauge\nbaken_http_cache_bytes %ld\n"
		           "# HELP baken_http_cache_lookups_total Anonymous requests the cache was"
		           " asked for, by result.\n# TYPE baken_http_cache_lookups_total counter\n"
		           "baken_http_cache_lookups_total{result=\"hit\"} %ld\n"
		           "baken_http_cache_lookups_total{result=\"miss\"} %ld\n",
		           entries, bytes, hits, misses);
	}
	if (!staff) {
		buf_adds(out, "# baken: logins, alerts, queues and advisories are shown with a"
		              " staff user's token (Authorization: Bearer)\n");
		return 0;
	}
	buf_printf(out,
	           "# HELP baken_logins_total Login attempts, by result.\n"
	           "# TYPE baken_logins_total counter\n"
	           "baken_logins_total{result=\"ok\"} %ld\n"
	           "baken_logins_total{result=\"failed\"} %ld\n"
	           "baken_logins_total{result=\"rate_limited\"} %ld\n",
	           atomic_load(&m->login_ok), atomic_load(&m->login_failed),
	           atomic_load(&m->login_limited));
	if ((rc = stats_alerts_by_state(db, &states, e)) != 0 ||
	    (rc = stats_queue_depth(db, &outbox, &calls, e)) != 0 ||
	    (rc = stats_advisories(db, &adv, e)) != 0)
		goto out;
	buf_adds(out, "# HELP baken_alerts Alerts in the store, by state.\n"
	              "# TYPE baken_alerts gauge\n");
	json_object_foreach(states, k, v)
	{
		buf_printf(out, "baken_alerts{state=\"%s\"} %lld\n", k,
		           (long long)json_integer_value(v));
	}
	buf_printf(out,
	           "# HELP baken_outbox_queue_depth E-mail and webhook alerts not yet delivered.\n"
	           "# TYPE baken_outbox_queue_depth gauge\nbaken_outbox_queue_depth %ld\n"
	           "# HELP baken_call_tasks_open Phone-call tasks not yet done.\n"
	           "# TYPE baken_call_tasks_open gauge\nbaken_call_tasks_open %ld\n"
	           "# HELP baken_advisories Advisories in the store.\n"
	           "# TYPE baken_advisories gauge\nbaken_advisories %lld\n"
	           "# HELP baken_advisory_versions_published Published versions, by TLP.\n"
	           "# TYPE baken_advisory_versions_published gauge\n",
	           outbox, calls,
	           (long long)json_integer_value(json_object_get(adv, "advisories")));
	json_object_foreach(json_object_get(adv, "versions"), k, v)
	{
		buf_printf(out, "baken_advisory_versions_published{tlp=\"%s\"} %lld\n", k,
		           (long long)json_integer_value(v));
	}
out:
	json_decref(states);
	json_decref(adv);
	return rc;
}
