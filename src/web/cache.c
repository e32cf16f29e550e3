/* cache.c: rendered public answers in memory (see cache.h). A hash table of entries under a
 * reader-writer lock: hits take the read lock (queueing a response only adds a reference to
 * it), inserts and evictions the write lock. */
#include "web/cache.h"

#include "core/xalloc.h"
#include "db/db.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define NBUCKETS 1024 /* a power of two */

struct entry {
	struct entry *next;          /* in its bucket */
	struct entry *older, *newer; /* insertion order, for eviction */
	char *key;
	uint64_t hash, gen;
	int64_t expires;
	struct MHD_Response *ok, *notmod;
	size_t bytes; /* what it costs: body, key and entry */
	size_t body;  /* the body's length */
	char etag[CACHE_ETAG_LEN + 1];
};

struct cache {
	pthread_rwlock_t lock;
	struct entry *buckets[NBUCKETS];
	struct entry *oldest, *newest;
	size_t max_bytes, bytes;
	long entries;
	atomic_ullong gen;       /* the generation to render against */
	atomic_llong last_event; /* the event log's last id when last asked */
	atomic_llong checked_ns; /* when it was last asked */
	atomic_long hits, misses;
};

static uint64_t key_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

struct cache *cache_new(size_t max_bytes)
{
	struct cache *c = xcalloc(1, sizeof(*c));

	pthread_rwlock_init(&c->lock, NULL);
	c->max_bytes = max_bytes;
	atomic_init(&c->gen, 1);
	atomic_init(&c->last_event, -1);
	atomic_init(&c->checked_ns, 0);
	return c;
}

/* Unlinks e from its bucket and the age list, drops its responses and frees it. Under the
 * write lock. */
static void entry_drop(struct cache *c, struct entry *e)
{
	struct entry **p = &c->buckets[e->hash & (NBUCKETS - 1)];

	while (*p && *p != e)
		p = &(*p)->next;
	if (*p)
		*p = e->next;
	if (e->older)
		e->older->newer = e->newer;
	else
		c->oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		c->newest = e->older;
	c->bytes -= e->bytes;
	c->entries--;
	MHD_destroy_response(e->ok);
	MHD_destroy_response(e->notmod);
	free(e->key);
	free(e);
}

void cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	while (c->oldest)
		entry_drop(c, c->oldest);
	pthread_rwlock_destroy(&c->lock);
	free(c);
}

uint64_t cache_generation(struct cache *c, struct db *db, int64_t now_ns)
{
	long long checked = atomic_load(&c->checked_ns);
	int64_t last = 0;
	struct err e;

	if (now_ns - checked < CACHE_CHECK_NS ||
	    !atomic_compare_exchange_strong(&c->checked_ns, &checked, (long long)now_ns))
		return atomic_load(&c->gen);
	/* this thread asks the store; the others go on with the generation they have */
	if (db == NULL ||
	    db_query_int(db, "SELECT coalesce(max(id), 0) FROM events", NULL, &last, &e) != 0) {
		atomic_fetch_add(&c->gen, 1);
		atomic_store(&c->checked_ns, 0); /* ask again next time */
		return atomic_load(&c->gen);
	}
	if (atomic_exchange(&c->last_event, (long long)last) != (long long)last)
		atomic_fetch_add(&c->gen, 1);
	return atomic_load(&c->gen);
}

void cache_bump(struct cache *c)
{
	atomic_fetch_add(&c->gen, 1);
}

struct keybuf {
	struct buf *b;
	int bad; /* the key passed its maximum */
};

/* Appends one length-prefixed string. */
static void key_part(struct keybuf *k, const char *s)
{
	if (buf_printf(k->b, "%zu:%s", s ? strlen(s) : (size_t)0, s ? s : "") != 0)
		k->bad = 1;
}

static enum MHD_Result key_arg(void *cls, enum MHD_ValueKind kind, const char *name,
                               const char *value)
{
	struct keybuf *k = cls;

	(void)kind;
	key_part(k, name);
	if (buf_addc(k->b, value ? '=' : '-') != 0)
		k->bad = 1;
	key_part(k, value);
	return MHD_YES;
}

int cache_key(struct buf *key, const char *path, struct MHD_Connection *conn)
{
	struct keybuf k = {key, 0};

	key_part(&k, path);
	if (buf_addc(key, '?') != 0)
		k.bad = 1;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, key_arg, &k);
	return k.bad ? -1 : 0;
}

void cache_etag(const void *body, size_t len, char etag[CACHE_ETAG_LEN + 1])
{
	unsigned char h[16];

	crypto_generichash(h, sizeof(h), body, len, NULL, 0);
	etag[0] = '"';
	sodium_bin2hex(etag + 1, 33, h, sizeof(h));
	etag[CACHE_ETAG_LEN - 1] = '"';
	etag[CACHE_ETAG_LEN] = '\0';
}

int cache_etag_match(const char *inm, const char *etag)
{
	size_t n = strlen(etag);

	if (inm == NULL)
		return 0;
	/* a list of ETags, each maybe weak (W/"..."); "*" matches any */
	for (const char *p = inm; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return 1;
		while (*p && *p != ',')
			p++;
	}
	return 0;
}

static struct entry *find(struct cache *c, const char *key, uint64_t h)
{
	for (struct entry *e = c->buckets[h & (NBUCKETS - 1)]; e; e = e->next)
		if (e->hash == h && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

int cache_serve(struct cache *c, const char *key, uint64_t gen, int64_t now,
                const char *if_none_match, struct MHD_Connection *conn, enum MHD_Result *ret,
                int *status, size_t *bytes)
{
	uint64_t h = key_hash(key);
	struct entry *e;
	int hit = 0;

	pthread_rwlock_rdlock(&c->lock);
	e = find(c, key, h);
	if (e && e->gen == gen && e->expires > now) {
		int nm = cache_etag_match(if_none_match, e->etag);
		/* MHD takes its own reference: the entry may go once the lock is released */
		*ret = MHD_queue_response(conn, nm ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK,
		                          nm ? e->notmod : e->ok);
		*status = nm ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK;
		*bytes = nm ? 0 : e->body;
		hit = 1;
	}
	pthread_rwlock_unlock(&c->lock);
	atomic_fetch_add(hit ? &c->hits : &c->misses, 1);
	return hit;
}

void cache_put(struct cache *c, const char *key, uint64_t gen, int64_t now, struct MHD_Response *ok,
               struct MHD_Response *notmod, size_t bytes, const char *etag)
{
	uint64_t h = key_hash(key);
	struct entry *e, *old;

	if (bytes > c->max_bytes / 8 || gen != atomic_load(&c->gen)) {
		MHD_destroy_response(ok);
		MHD_destroy_response(notmod);
		return;
	}
	e = xcalloc(1, sizeof(*e));
	e->key = xstrdup(key);
	e->hash = h;
	e->gen = gen;
	e->expires = now + CACHE_TTL_SECS;
	e->ok = ok;
	e->notmod = notmod;
	e->body = bytes;
	e->bytes = bytes + strlen(key) + sizeof(*e);
	strlcpy_safe(e->etag, etag, sizeof(e->etag));
	pthread_rwlock_wrlock(&c->lock);
	if (gen != atomic_load(&c->gen)) { /* changed while this waited for the lock */
		pthread_rwlock_unlock(&c->lock);
		MHD_destroy_response(ok);
		MHD_destroy_response(notmod);
		free(e->key);
		free(e);
		return;
	}
	/* entries are in insertion order, so the out of date and the expired are the oldest */
	while (c->oldest && (c->oldest->gen != gen || c->oldest->expires <= now))
		entry_drop(c, c->oldest);
	if ((old = find(c, key, h)) != NULL)
		entry_drop(c, old);
	while (c->oldest && c->bytes + e->bytes > c->max_bytes)
		entry_drop(c, c->oldest);
	e->next = c->buckets[h & (NBUCKETS - 1)];
	c->buckets[h & (NBUCKETS - 1)] = e;
	e->older = c->newest;
	if (c->newest)
		c->newest->newer = e;
	else
		c->oldest = e;
	c->newest = e;
	c->bytes += e->bytes;
	c->entries++;
	pthread_rwlock_unlock(&c->lock);
}

void cache_stats(struct cache *c, long *entries, long *bytes, long *hits, long *misses)
{
	pthread_rwlock_rdlock(&c->lock);
	*entries = c->entries;
	*bytes = (long)c->bytes;
	pthread_rwlock_unlock(&c->lock);
	*hits = atomic_load(&c->hits);
	*misses = atomic_load(&c->misses);
}
