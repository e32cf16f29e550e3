/* cache.h: the public answers the server has already rendered, kept in memory and served
 * again without touching the handlers.
 *
 * Only what the public may see goes in: an anonymous GET (no Authorization header, no
 * session cookie) of a public route whose handler answered 200 and marked the answer
 * cacheable (r->cache_public), without a cookie or a CSRF token in it. The key is the path
 * and the query; the answer is the libmicrohttpd response itself (headers, body, ETag) and a
 * 304 for If-None-Match, both built once and shared by every connection that gets them.
 *
 * Freshness: every entry carries the store's generation when it was rendered. The generation
 * changes whenever the store changes: the event log (every change appends an event, from this
 * server or any other process) has a new last id, or this server answered a POST. Entries of
 * another generation are never served, and go on the next insert. Entries also expire after
 * CACHE_TTL_SECS, and the whole cache holds at most max_bytes (the oldest go first). */
#ifndef BAKEN_CACHE_H
#define BAKEN_CACHE_H

#include "core/buf.h"

#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

#define CACHE_TTL_SECS 60
/* How often (at most) the store is asked for its last event id. */
#define CACHE_CHECK_NS 1000000 /* 1 ms */
#define CACHE_ETAG_LEN 34      /* "\"" + 32 hex + "\"" */

struct db;
struct cache;

/* An empty cache of at most max_bytes of bodies. */
struct cache *cache_new(size_t max_bytes);
/* Frees the cache and drops its references to the responses (those still being sent live
 * on until they are). NULL is fine. */
void cache_free(struct cache *c);

/* The generation to render against now. Asks db (this thread's connection) for the event
 * log's last id when the last such check is more than CACHE_CHECK_NS old (now_ns is a
 * monotonic time); a store that cannot answer makes a new generation (nothing cached is
 * trusted). */
uint64_t cache_generation(struct cache *c, struct db *db, int64_t now_ns);
/* A change made by this server (a POST): everything cached so far is out of date. */
void cache_bump(struct cache *c);

/* Appends the cache key of a request to key: the path, then every query argument, each
 * length-prefixed so that no two requests share a key. -1 when the key would pass key's
 * maximum (the request is then not cached). */
int cache_key(struct buf *key, const char *path, struct MHD_Connection *conn);

/* The strong ETag of a body, "\"<32 hex>\"" (BLAKE2b-128), NUL-terminated in etag. */
void cache_etag(const void *body, size_t len, char etag[CACHE_ETAG_LEN + 1]);

/* When key is cached for generation gen and has not expired (now in seconds), queues its
 * answer on conn (the 304 when if_none_match names its ETag) and returns 1, with the MHD
 * result in *ret, the status and body length in *status and *bytes. Returns 0 on a miss. */
int cache_serve(struct cache *c, const char *key, uint64_t gen, int64_t now,
                const char *if_none_match, struct MHD_Connection *conn, enum MHD_Result *ret,
                int *status, size_t *bytes);

/* Keeps the answer for key: ok (the 200 with its body of bytes bytes) and notmod (its 304),
 * rendered at generation gen. The cache takes both references (it destroys them when the
 * entry goes). An entry of another generation, or over the size, is not kept: the
 * references are dropped at once. */
void cache_put(struct cache *c, const char *key, uint64_t gen, int64_t now, struct MHD_Response *ok,
               struct MHD_Response *notmod, size_t bytes, const char *etag);

/* Entries, their bytes, hits and misses (for /metrics). */
void cache_stats(struct cache *c, long *entries, long *bytes, long *hits, long *misses);

/* 1 when an If-None-Match header value names etag (or is "*"). */
int cache_etag_match(const char *if_none_match, const char *etag);

#endif
