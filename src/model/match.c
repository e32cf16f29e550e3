/* match.c: the whole inventory against every advisory, from an index held in memory. */
#include "model/match.h"

#include "core/xalloc.h"
#include "db/db.h"
#include "domain/range.h"
#include "domain/version.h"
#include "model/advisory.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- a pool for interned strings and keys: freed all at once ---- */

#define POOL_CHUNK ((size_t)256 * 1024)

struct pool_chunk {
	struct pool_chunk *next;
	size_t used, size;
	unsigned char data[];
};

static void *pool_alloc(struct pool_chunk **head, size_t n)
{
	struct pool_chunk *c = *head;

	if (c == NULL || c->size - c->used < n) {
		size_t size = n > POOL_CHUNK ? n : POOL_CHUNK;
		c = xmalloc(sizeof(*c) + size);
		c->next = *head;
		c->used = 0;
		c->size = size;
		*head = c;
	}
	c->used += n;
	return c->data + c->used - n;
}

static char *pool_strdup(struct pool_chunk **head, const char *s, size_t len)
{
	char *p = pool_alloc(head, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static void pool_free(struct pool_chunk *c)
{
	while (c) {
		struct pool_chunk *next = c->next;
		free(c);
		c = next;
	}
}

/* ---- interning: a string to a dense index ---- */

/* A slot of an open-addressing table: the hash, so that probing rarely leaves the slot
 * array, and the entry + 1 (0: empty). */
struct slot {
	uint32_t hash, id;
};

struct strent {
	const char *s;
	size_t len;
};

struct strtab {
	struct slot *slot;
	size_t nslot; /* a power of two, at least twice n */
	struct strent *ent;
	size_t n, cap;
};

/* A fast hash of short strings, eight bytes at a time. */
static uint32_t str_hash(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	if (len) {
		w = 0;
		memcpy(&w, s, len);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	h *= 0xc4ceb9fe1a85ec53ull;
	return (uint32_t)(h ^ (h >> 29));
}

/* Doubles a table of slots (to 16 when empty), putting the entries back. */
static void slots_grow(struct slot **slot, size_t *nslot)
{
	size_t n = *nslot ? *nslot * 2 : 16;
	struct slot *s = xcalloc(n, sizeof(*s));

	for (size_t i = 0; i < *nslot; i++) {
		size_t j;
		if ((*slot)[i].id == 0)
			continue;
		for (j = (*slot)[i].hash & (n - 1); s[j].id; j = (j + 1) & (n - 1))
			;
		s[j] = (*slot)[i];
	}
	free(*slot);
	*slot = s;
	*nslot = n;
}

static void slots_put(struct slot *slot, size_t nslot, uint32_t hash, uint32_t id)
{
	size_t j;

	for (j = hash & (nslot - 1); slot[j].id; j = (j + 1) & (nslot - 1))
		;
	slot[j] = (struct slot){hash, id};
}

static void strtab_free(struct strtab *t)
{
	free(t->slot);
	free(t->ent);
	memset(t, 0, sizeof(*t));
}

/* The index of s, or -1 when it is not there. */
static long strtab_find(const struct strtab *t, const char *s, size_t len, uint32_t h)
{
	if (t->nslot == 0)
		return -1;
	for (size_t j = h & (t->nslot - 1); t->slot[j].id; j = (j + 1) & (t->nslot - 1)) {
		const struct strent *x = &t->ent[t->slot[j].id - 1];
		if (t->slot[j].hash == h && x->len == len && memcmp(x->s, s, len) == 0)
			return (long)t->slot[j].id - 1;
	}
	return -1;
}

static long strtab_lookup(const struct strtab *t, const char *s)
{
	size_t len = strlen(s);

	return strtab_find(t, s, len, str_hash(s, len));
}

/* The index of s, a new entry copied into pool when it is not there yet. */
static long strtab_intern(struct strtab *t, struct pool_chunk **pool, const char *s, size_t len)
{
	uint32_t h = str_hash(s, len);
	long i = strtab_find(t, s, len, h);

	if (i >= 0)
		return i;
	if (t->n >= UINT32_MAX / 4)
		abort(); /* never with a store that fits in memory */
	if (2 * (t->n + 1) > t->nslot)
		slots_grow(&t->slot, &t->nslot);
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->ent = xreallocarray(t->ent, t->cap, sizeof(*t->ent));
	}
	t->ent[t->n] = (struct strent){pool_strdup(pool, s, len), len};
	slots_put(t->slot, t->nslot, h, (uint32_t)++t->n);
	return (long)t->n - 1;
}

/* ---- the index ---- */

#define ROW_INTERNET 0x80000000u /* in mrow.org: the row faces the internet */

struct mrow {
	uint32_t org; /* index into orgs, | ROW_INTERNET */
	uint32_t count;
};

struct mversion {
	const char *text;
	const unsigned char *key;
	uint32_t keylen;
	uint32_t first, n; /* its rows */
};

struct mproduct {
	uint32_t first, n; /* its versions, sorted by key then text */
};

struct match_index {
	struct pool_chunk *names; /* organisation ids and product names: little, looked up often */
	struct pool_chunk *versions; /* version texts and keys */
	struct strtab orgs;          /* in id order */
	struct strtab products;      /* entry i is product[i] */
	struct mproduct *product;
	struct mversion *version;
	size_t nversions;
	struct mrow *row;
	size_t nrows;
};

/* A row as read, before rows are grouped. */
struct rawrow {
	uint32_t version; /* index in the load order of versions */
	uint32_t org;
	uint32_t count;
};

/* A version as first met, for sorting. */
struct rawversion {
	uint32_t product, id;
	const unsigned char *key;
	uint32_t keylen;
	const char *text;
	size_t len;
};

/* While loading: the versions met of one product, a small table of its own so that the
 * lookups of a product's rows stay in a little memory. */
struct vslot {
	uint32_t hash, id; /* id: the version + 1; 0 is empty */
	unsigned char len; /* of the text, when it fits in text; else 0 */
	char text[23];
};

struct vtab {
	struct vslot *slot;
	size_t nslot, n;
};

static int rawversion_cmp(const void *a, const void *b)
{
	const struct rawversion *x = a, *y = b;
	int d;

	if (x->product != y->product)
		return x->product < y->product ? -1 : 1;
	d = version_key_cmp(x->key, x->keylen, y->key, y->keylen);
	return d ? d : strcmp(x->text, y->text);
}

void match_index_free(struct match_index *ix)
{
	if (ix == NULL)
		return;
	strtab_free(&ix->orgs);
	strtab_free(&ix->products);
	free(ix->product);
	free(ix->version);
	free(ix->row);
	pool_free(ix->names);
	pool_free(ix->versions);
	free(ix);
}

static int match_load_orgs(struct db *db, struct match_index *ix, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, "SELECT id FROM orgs ORDER BY id", &st, e);

	if (rc != 0)
		return rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *id = db_col_text(st, 0);
		strtab_intern(&ix->orgs, &ix->names, id, strlen(id));
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* Orders versions within each product and groups the rows by version, each version's rows by
 * organisation: two stable counting sorts (by organisation, then by version). */
static void match_group(struct match_index *ix, size_t nv, struct rawversion *rv,
                        struct rawrow *raw)
{
	size_t norgs = ix->orgs.n, nproducts = ix->products.n;
	uint32_t *remap = xcalloc(nv ? nv : 1, sizeof(*remap));
	size_t *pos = xcalloc(norgs + 1, sizeof(*pos));
	struct rawrow *byorg = xcalloc(ix->nrows ? ix->nrows : 1, sizeof(*byorg));
	size_t i, sum;

	if (nv > 1)
		qsort(rv, nv, sizeof(*rv), rawversion_cmp);
	ix->version = xcalloc(nv ? nv : 1, sizeof(*ix->version));
	ix->product = xcalloc(nproducts ? nproducts : 1, sizeof(*ix->product));
	ix->nversions = nv;
	for (i = 0; i < nv; i++) {
		struct mproduct *p = &ix->product[rv[i].product];
		remap[rv[i].id] = (uint32_t)i;
		ix->version[i].text = rv[i].text;
		ix->version[i].key = rv[i].key;
		ix->version[i].keylen = rv[i].keylen;
		if (p->n++ == 0)
			p->first = (uint32_t)i;
	}

	for (i = 0; i < ix->nrows; i++)
		pos[(raw[i].org & ~ROW_INTERNET) + 1]++;
	for (i = 1; i <= norgs; i++)
		pos[i] += pos[i - 1];
	for (i = 0; i < ix->nrows; i++)
		byorg[pos[raw[i].org & ~ROW_INTERNET]++] = raw[i];

	for (i = 0; i < ix->nrows; i++)
		ix->version[remap[byorg[i].version]].n++;
	for (i = 0, sum = 0; i < nv; i++) {
		ix->version[i].first = (uint32_t)sum;
		sum += ix->version[i].n;
		ix->version[i].n = 0;
	}
	ix->row = xcalloc(ix->nrows ? ix->nrows : 1, sizeof(*ix->row));
	for (i = 0; i < ix->nrows; i++) {
		struct mversion *v = &ix->version[remap[byorg[i].version]];
		ix->row[v->first + v->n++] = (struct mrow){byorg[i].org, byorg[i].count};
	}
	free(byorg);
	free(pos);
	free(remap);
}

/* The version v (vlen bytes) of product pi in the versions met so far, added when new
 * (with a copy of its key). Returns its index. */
static void vtab_put(struct vslot *slot, size_t nslot, const struct vslot *x)
{
	size_t j;

	for (j = x->hash & (nslot - 1); slot[j].id; j = (j + 1) & (nslot - 1))
		;
	slot[j] = *x;
}

static void vtab_grow(struct vtab *vt)
{
	size_t n = vt->nslot ? vt->nslot * 2 : 8;
	struct vslot *s = xcalloc(n, sizeof(*s));

	for (size_t i = 0; i < vt->nslot; i++)
		if (vt->slot[i].id)
			vtab_put(s, n, &vt->slot[i]);
	free(vt->slot);
	vt->slot = s;
	vt->nslot = n;
}

/* The version v (vlen bytes) of product pi in the versions met so far, added when new
 * (with a copy of its key). Returns its index. Short versions are compared in the slot, so
 * that most rows touch one cache line of their product's table. */
static uint32_t match_version(struct match_index *ix, struct vtab *vt, struct rawversion **rv,
                              size_t *nv, size_t *rvcap, uint32_t pi, const char *v, size_t vlen,
                              const unsigned char *key, size_t keylen)
{
	uint32_t h = str_hash(v, vlen);
	struct vslot x = {h, 0, 0, {0}};
	unsigned char *k;

	if (vt->nslot) {
		for (size_t j = h & (vt->nslot - 1); vt->slot[j].id;
		     j = (j + 1) & (vt->nslot - 1)) {
			const struct vslot *y = &vt->slot[j];
			const struct rawversion *r;
			if (y->hash != h)
				continue;
			if (y->len) {
				if (y->len == vlen && memcmp(y->text, v, vlen) == 0)
					return y->id - 1;
				continue;
			}
			r = &(*rv)[y->id - 1];
			if (r->len == vlen && memcmp(r->text, v, vlen) == 0)
				return y->id - 1;
		}
	}
	if (*nv >= UINT32_MAX / 4)
		abort(); /* never with a store that fits in memory */
	if (*nv == *rvcap) {
		*rvcap *= 2;
		*rv = xreallocarray(*rv, *rvcap, sizeof(**rv));
	}
	k = pool_alloc(&ix->versions, keylen ? keylen : 1);
	if (keylen)
		memcpy(k, key, keylen);
	(*rv)[*nv] = (struct rawversion){
	    pi, (uint32_t)*nv, k, (uint32_t)keylen, pool_strdup(&ix->versions, v, vlen), vlen};
	if (2 * (vt->n + 1) > vt->nslot)
		vtab_grow(vt);
	x.id = (uint32_t)++ * nv;
	if (vlen < sizeof(x.text)) {
		x.len = (unsigned char)vlen;
		memcpy(x.text, v, vlen);
	}
	vtab_put(vt->slot, vt->nslot, &x);
	vt->n++;
	return (uint32_t)(*nv - 1);
}

int match_index_load(struct db *db, struct match_index **out, struct err *e)
{
	struct match_index *ix = xcalloc(1, sizeof(*ix));
	struct vtab *vt = NULL;
	size_t rawcap = 4096, rvcap = 1024, nv = 0, vtcap = 0;
	struct rawversion *rv = xcalloc(rvcap, sizeof(*rv));
	struct rawrow *raw = xcalloc(rawcap, sizeof(*raw));
	struct db_stmt *st = NULL;
	const char *lastorg = NULL, *lastp = NULL, *lastv = NULL;
	long org = -1, pi = -1;
	uint32_t vi = 0;
	int rc;

	*out = NULL;
	if ((rc = match_load_orgs(db, ix, e)) != 0)
		goto out;
	/* one scan, of the table or of an index that holds these columns (whichever SQLite finds
	 * cheaper): no lookups from an index into the table */
	rc = db_prepare(
	    db, "SELECT org_id, product, version, vkey, count, internet_facing FROM inventory", &st,
	    e);
	if (rc != 0)
		goto out;
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *o = db_col_text(st, 0), *p = db_col_text(st, 1),
		           *v = db_col_text(st, 2);
		size_t keylen;
		const unsigned char *key = db_col_blob(st, 3, &keylen);
		int64_t count = db_col_int(st, 4);

		/* rows come grouped by organisation (the table) or by product and version (an
		 * index): the lookups of a row like the one before are skipped */
		if (lastorg == NULL || strcmp(o, lastorg) != 0) {
			org = strtab_lookup(&ix->orgs, o);
			lastorg = org < 0 ? NULL : ix->orgs.ent[org].s;
		}
		if (org < 0)
			continue;
		if (lastp == NULL || strcmp(p, lastp) != 0) {
			pi = strtab_intern(&ix->products, &ix->names, p, strlen(p));
			lastp = ix->products.ent[pi].s;
			lastv = NULL;
		}
		if ((size_t)pi >= vtcap) {
			size_t cap = vtcap ? 2 * vtcap : 1024;
			vt = xreallocarray(vt, cap, sizeof(*vt));
			memset(vt + vtcap, 0, (cap - vtcap) * sizeof(*vt));
			vtcap = cap;
		}
		if (lastv == NULL || strcmp(v, lastv) != 0) {
			vi = match_version(ix, &vt[pi], &rv, &nv, &rvcap, (uint32_t)pi, v,
			                   strlen(v), key, keylen);
			lastv = rv[vi].text;
		}
		if (ix->nrows == rawcap) {
			rawcap *= 2;
			raw = xreallocarray(raw, rawcap, sizeof(*raw));
		}
		raw[ix->nrows++] =
		    (struct rawrow){vi, (uint32_t)org | (db_col_int(st, 5) ? ROW_INTERNET : 0),
		                    count < 0            ? 0
		                    : count > UINT32_MAX ? UINT32_MAX
		                                         : (uint32_t)count};
	}
	db_done(st);
	if (rc < 0)
		goto out;
	rc = 0;
	match_group(ix, nv, rv, raw);
	*out = ix;
	ix = NULL;
out:
	for (size_t i = 0; i < vtcap; i++)
		free(vt[i].slot);
	free(vt);
	free(raw);
	free(rv);
	match_index_free(ix);
	return rc;
}

void match_index_stats(const struct match_index *ix, struct match_stats *stats)
{
	stats->orgs = (long)ix->orgs.n;
	stats->products = (long)ix->products.n;
	stats->versions = (long)ix->nversions;
	stats->rows = (long)ix->nrows;
}

/* ---- matching ---- */

/* The first version of p whose key is not below key, searching from lo. */
static size_t match_lower_bound(const struct match_index *ix, size_t lo, size_t hi,
                                const unsigned char *key, size_t keylen)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct mversion *v = &ix->version[mid];
		if (version_key_cmp(v->key, v->keylen, key, keylen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* What one (product, range) pair of an advisory version is matched with. */
struct affect {
	const char *advisory;
	int num;
	const char *product;
	const char *range;
	const struct advisory_fix *fixed; /* the version's fixed versions, of every product */
	size_t nfixed;
};

/* Emits the rows of versions [a, b) that are not fixed versions of the product. */
static int match_emit_span(const struct match_index *ix, const struct affect *af, size_t a,
                           size_t b, struct match_hit *hit,
                           int (*emit)(void *ctx, const struct match_hit *hit), void *ctx,
                           long *hits)
{
	for (size_t i = a; i < b; i++) {
		const struct mversion *v = &ix->version[i];
		size_t f;
		int rc;

		for (f = 0; f < af->nfixed; f++)
			if (strcmp(af->fixed[f].product, af->product) == 0 &&
			    version_compare(af->fixed[f].version, v->text) == 0)
				break;
		if (f < af->nfixed)
			continue;
		*hits += v->n;
		if (emit == NULL)
			continue;
		hit->version = v->text;
		for (uint32_t r = v->first; r < v->first + v->n; r++) {
			hit->org = ix->orgs.ent[ix->row[r].org & ~ROW_INTERNET].s;
			hit->count = (long)ix->row[r].count;
			hit->internet_facing = (ix->row[r].org & ROW_INTERNET) != 0;
			if ((rc = emit(ctx, hit)) != 0)
				return rc;
		}
	}
	return 0;
}

/* The hits of one (product, range) pair. A range is a union of intervals over the sorted
 * versions, so the walk of range_contains_key becomes one binary search per constraint:
 * versions between constraint i-1 and i are in when i's below_in says so, versions equal to
 * constraint i when it is =, <= or >=, and versions above the last when above_in says so. */
static int match_affect(const struct match_index *ix, const struct affect *af,
                        int (*emit)(void *ctx, const struct match_hit *hit), void *ctx, long *hits,
                        struct err *e)
{
	struct match_hit hit = {af->advisory, af->num, NULL, af->product, NULL, 0, 0};
	const struct mproduct *p;
	struct range r;
	size_t lo, end, prev;
	long pi;
	int rc = 0;

	if ((rc = range_parse(af->range, &r, e)) != 0)
		return err_wrap(e, "advisory %s: %s: ", af->advisory, af->product);
	pi = strtab_lookup(&ix->products, af->product);
	if (pi < 0)
		goto out;
	hit.product = ix->products.ent[pi].s;
	p = &ix->product[pi];
	lo = p->first;
	end = (size_t)p->first + p->n;
	if (r.all) {
		rc = match_emit_span(ix, af, lo, end, &hit, emit, ctx, hits);
		goto out;
	}
	prev = lo;
	for (size_t i = 0; rc == 0 && i < r.n; i++) {
		const struct range_constraint *c = &r.c[i];
		size_t at = match_lower_bound(ix, prev, end, c->key, c->keylen), past = at;
		enum range_op op = c->op;

		while (past < end &&
		       version_key_cmp(ix->version[past].key, ix->version[past].keylen, c->key,
		                       c->keylen) == 0)
			past++;
		if (c->below_in)
			rc = match_emit_span(ix, af, prev, at, &hit, emit, ctx, hits);
		if (rc == 0 && (op == RANGE_EQ || op == RANGE_LE || op == RANGE_GE))
			rc = match_emit_span(ix, af, at, past, &hit, emit, ctx, hits);
		prev = past;
	}
	if (rc == 0 && r.above_in)
		rc = match_emit_span(ix, af, prev, end, &hit, emit, ctx, hits);
out:
	range_free(&r);
	return rc;
}

int match_index_advisory(const struct match_index *ix, const struct advisory_version *v,
                         int (*emit)(void *ctx, const struct match_hit *hit), void *ctx, long *hits,
                         struct err *e)
{
	long n = 0;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < v->naffects; i++) {
		struct affect af = {v->id,    v->num,   v->affects[i].product, v->affects[i].range,
		                    v->fixed, v->nfixed};
		rc = match_affect(ix, &af, emit, ctx, &n, e);
	}
	if (hits)
		*hits = n;
	return rc;
}

/* ---- the whole portfolio ---- */

/* The version `advisory affected` works on: the draft, else the latest published one (as
 * advisory_load with draft 1). */
#define LATEST_CTE                                                                                 \
	"WITH latest (advisory_id, num) AS (SELECT a.id, coalesce((SELECT d.num FROM"              \
	" advisory_versions d WHERE d.advisory_id = a.id AND d.published_at IS NULL),"             \
	" (SELECT max(p.num) FROM advisory_versions p WHERE p.advisory_id = a.id))"                \
	" FROM advisories a) "

/* Every (product, range) pair and fixed version of the latest versions, read before matching
 * so that no statement is open while the callback runs. */
struct portfolio {
	struct pool_chunk *pool;
	struct affect *af;
	size_t naf;
	struct advisory_fix *fixed; /* sorted by advisory with strcmp */
	const char **fixed_advisory;
	size_t nfixed;
};

struct fixsort {
	const char *advisory;
	size_t i;
};

static int fixsort_cmp(const void *a, const void *b)
{
	const struct fixsort *x = a, *y = b;
	int d = strcmp(x->advisory, y->advisory);

	return d ? d : x->i < y->i ? -1 : x->i > y->i;
}

/* Orders the fixed versions by advisory as strcmp does (the database's collation need not),
 * keeping their order within an advisory, for portfolio_fixed's binary search. */
static void portfolio_sort_fixed(struct portfolio *pf)
{
	struct fixsort *o = xcalloc(pf->nfixed ? pf->nfixed : 1, sizeof(*o));
	struct advisory_fix *f = xcalloc(pf->nfixed ? pf->nfixed : 1, sizeof(*f));
	const char **a = xcalloc(pf->nfixed ? pf->nfixed : 1, sizeof(*a));

	for (size_t i = 0; i < pf->nfixed; i++)
		o[i] = (struct fixsort){pf->fixed_advisory[i], i};
	if (pf->nfixed > 1)
		qsort(o, pf->nfixed, sizeof(*o), fixsort_cmp);
	for (size_t i = 0; i < pf->nfixed; i++) {
		f[i] = pf->fixed[o[i].i];
		a[i] = o[i].advisory;
	}
	free(pf->fixed);
	free(pf->fixed_advisory);
	pf->fixed = f;
	pf->fixed_advisory = a;
	free(o);
}

/* The fixed versions of advisory: *n of them from the one returned (NULL when none). */
static const struct advisory_fix *portfolio_fixed(const struct portfolio *pf, const char *advisory,
                                                  size_t *n)
{
	size_t lo = 0, hi = pf->nfixed, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(pf->fixed_advisory[mid], advisory) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < pf->nfixed; end++)
		if (strcmp(pf->fixed_advisory[end], advisory) != 0)
			break;
	*n = end - lo;
	return *n ? &pf->fixed[lo] : NULL;
}

static int portfolio_read(struct db *db, struct portfolio *pf, struct err *e)
{
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	rc = db_prepare(db,
	                LATEST_CTE "SELECT l.advisory_id, l.num, f.product, f.version FROM latest l"
	                           " JOIN advisory_fixed f ON f.advisory_id = l.advisory_id"
	                           " AND f.num = l.num ORDER BY l.advisory_id, f.pos",
	                &st, e);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *a = db_col_text(st, 0), *p = db_col_text(st, 2),
		           *v = db_col_text(st, 3);
		if (pf->nfixed == cap) {
			cap = cap ? 2 * cap : 256;
			pf->fixed = xreallocarray(pf->fixed, cap, sizeof(*pf->fixed));
			pf->fixed_advisory = xreallocarray(pf->fixed_advisory, cap, sizeof(char *));
		}
		pf->fixed_advisory[pf->nfixed] = pool_strdup(&pf->pool, a, strlen(a));
		/* struct advisory_fix holds them as char *, never changed here */
		pf->fixed[pf->nfixed].product = pool_strdup(&pf->pool, p, strlen(p));
		pf->fixed[pf->nfixed++].version = pool_strdup(&pf->pool, v, strlen(v));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	portfolio_sort_fixed(pf);

	cap = 0;
	rc = db_prepare(db,
	                LATEST_CTE "SELECT l.advisory_id, l.num, f.product, f.range FROM latest l"
	                           " JOIN advisory_affects f ON f.advisory_id = l.advisory_id"
	                           " AND f.num = l.num ORDER BY l.advisory_id, f.pos",
	                &st, e);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *a = db_col_text(st, 0), *p = db_col_text(st, 2),
		           *r = db_col_text(st, 3);
		struct affect *af;

		if (pf->naf == cap) {
			cap = cap ? 2 * cap : 1024;
			pf->af = xreallocarray(pf->af, cap, sizeof(*pf->af));
		}
		af = &pf->af[pf->naf++];
		memset(af, 0, sizeof(*af));
		af->advisory = pf->naf > 1 && strcmp(af[-1].advisory, a) == 0
		                   ? af[-1].advisory
		                   : pool_strdup(&pf->pool, a, strlen(a));
		af->num = (int)db_col_int(st, 1);
		af->product = pool_strdup(&pf->pool, p, strlen(p));
		af->range = pool_strdup(&pf->pool, r, strlen(r));
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static double match_ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

int match_portfolio(struct db *db, int (*emit)(void *ctx, const struct match_hit *hit), void *ctx,
                    struct match_stats *stats, struct err *e)
{
	struct match_stats s = {0};
	struct match_index *ix = NULL;
	struct portfolio pf = {0};
	struct timespec t0;
	int own_tx = !db->in_tx, rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (own_tx && (rc = db_exec(db, "BEGIN", e)) != 0)
		return rc;
	if ((rc = match_index_load(db, &ix, e)) != 0)
		goto out;
	match_index_stats(ix, &s);
	s.load_ms = match_ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = portfolio_read(db, &pf, e)) != 0)
		goto out;
	if (own_tx) {
		db_exec(db, "COMMIT", NULL);
		own_tx = 0;
	}
	for (size_t i = 0; rc == 0 && i < pf.naf; i++) {
		struct affect *af = &pf.af[i];
		/* an advisory's pairs come together (ORDER BY advisory_id) */
		if (i == 0 || af->advisory != af[-1].advisory) {
			s.advisories++;
			af->fixed = portfolio_fixed(&pf, af->advisory, &af->nfixed);
		} else {
			af->fixed = af[-1].fixed;
			af->nfixed = af[-1].nfixed;
		}
		s.ranges++;
		rc = match_affect(ix, af, emit, ctx, &s.hits, e);
	}
	s.match_ms = match_ms_since(&t0);
out:
	if (own_tx)
		db_exec(db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL);
	if (stats)
		*stats = s;
	match_index_free(ix);
	free(pf.af);
	free(pf.fixed);
	free(pf.fixed_advisory);
	pool_free(pf.pool);
	return rc;
}
