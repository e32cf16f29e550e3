/* prefix.c: nested netblocks flattened into sorted disjoint ranges; lookups by bucket and
 * a short search. IPv4 has its own two-level table: per /16 one word that either is the
 * answer or points at the bucket's few ranges, each one word (where it starts, its value). */
#include "domain/prefix.h"

#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

#define V4_BUCKETS 65536u
#define V4_DIRECT  ((uint64_t)1 << 63)

struct prefix_table {
	/* every range of the 128-bit space: keys[i] is where range i starts; vals[i] its value */
	u128 *keys;
	uint32_t *vals;
	size_t n;
	/* the ranges of ::ffff:0:0/96, as 32-bit IPv4 keys */
	uint32_t *v4_keys;
	uint32_t *v4_vals;
	size_t v4_n;
	/* what a lookup reads: per top 16 bits of the IPv4 address, one word: V4_DIRECT and the
	 * value when no range starts inside the bucket (one memory access answers), else the
	 * bucket's entries: count << 32 | first, each entry low16 << 32 | value (low16 the low
	 * 16 bits where the range starts; the first entry 0, the range the bucket starts in) */
	uint64_t *v4_bucket;
	uint64_t *v4_ent;
	/* per top 16 bits of the 128-bit key, the first range starting at or after it */
	uint32_t *start;
};

struct item {
	u128 start, end;
	int prefix;
	size_t order; /* position in the input: the later of two equal blocks wins */
	uint32_t value;
};

static u128 load128(const unsigned char a[16])
{
	u128 v = 0;

	for (int i = 0; i < 16; i++)
		v = (v << 8) | a[i];
	return v;
}

static int item_cmp(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->prefix != b->prefix) /* the wider block first: it encloses the other */
		return a->prefix < b->prefix ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

struct ranges {
	u128 *keys;
	uint32_t *vals;
	size_t n, cap;
};

/* Starts a range at key with value v: replaces a range starting at the same key, and is left
 * out when the range before already has v. */
static void emit(struct ranges *r, u128 key, uint32_t v)
{
	if (r->n > 0 && r->keys[r->n - 1] == key) {
		r->vals[r->n - 1] = v;
		if (r->n > 1 && r->vals[r->n - 2] == v)
			r->n--;
		return;
	}
	if (r->n > 0 && r->vals[r->n - 1] == v)
		return;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->keys = xreallocarray(r->keys, r->cap, sizeof(u128));
		r->vals = xreallocarray(r->vals, r->cap, sizeof(uint32_t));
	}
	r->keys[r->n] = key;
	r->vals[r->n] = v;
	r->n++;
}

/* Ends the block on top of the stack: what follows it belongs to the block under it. */
static void pop(struct ranges *r, struct item **stack, size_t *depth)
{
	struct item *top = stack[--*depth];

	if (top->end != ~(u128)0)
		emit(r, top->end + 1, *depth ? stack[*depth - 1]->value : PREFIX_NONE);
}

/* Index of the range holding key: the last i with keys[i] <= key (keys[0] is 0). */
static size_t find128(const u128 *keys, size_t n, u128 key)
{
	size_t lo = 0;

	while (n > 1) {
		size_t half = n / 2;
		lo = keys[lo + half] <= key ? lo + half : lo;
		n -= half;
	}
	return lo;
}

static void build_v4(struct prefix_table *t)
{
	const u128 base = (u128)0xffff << 32, last = base | 0xffffffffu;
	size_t i = find128(t->keys, t->n, base), k = 0;

	t->v4_keys = xcalloc(t->n + 1, sizeof(uint32_t));
	t->v4_vals = xcalloc(t->n + 1, sizeof(uint32_t));
	t->v4_keys[k] = 0;
	t->v4_vals[k++] = t->vals[i];
	for (i++; i < t->n && t->keys[i] <= last; i++) {
		t->v4_keys[k] = (uint32_t)(t->keys[i] - base);
		t->v4_vals[k++] = t->vals[i];
	}
	t->v4_n = k;
	t->v4_bucket = xcalloc(V4_BUCKETS, sizeof(uint64_t));
	t->v4_ent = xcalloc(t->v4_n + V4_BUCKETS, sizeof(uint64_t));
	k = 0; /* the range holding the bucket's first address */
	for (uint32_t b = 0, ne = 0; b < V4_BUCKETS; b++) {
		uint32_t first = b << 16;
		size_t j;

		while (k + 1 < t->v4_n && t->v4_keys[k + 1] <= first)
			k++;
		for (j = k + 1; j < t->v4_n && (t->v4_keys[j] >> 16) == b; j++)
			;
		if (j == k + 1) {
			t->v4_bucket[b] = V4_DIRECT | t->v4_vals[k];
			continue;
		}
		t->v4_bucket[b] = (uint64_t)(j - k) << 32 | ne;
		t->v4_ent[ne++] = t->v4_vals[k]; /* low16 0: the range the bucket starts in */
		for (size_t r = k + 1; r < j; r++)
			t->v4_ent[ne++] = (uint64_t)(t->v4_keys[r] & 0xffff) << 32 | t->v4_vals[r];
	}
}

int prefix_build(const struct prefix_block *blocks, size_t n, struct prefix_table **out,
                 struct err *e)
{
	struct prefix_table *t;
	struct item *items, **stack;
	struct ranges r = {0};
	size_t depth = 0;

	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		if (blocks[i].prefix < 0 || blocks[i].prefix > 128)
			return err_set(e, ERR_INPUT, "netblock %zu: prefix %d is outside 0-128", i,
			               blocks[i].prefix);
		if (blocks[i].value == PREFIX_NONE)
			return err_set(e, ERR_INPUT, "netblock %zu: the value %u is reserved", i,
			               blocks[i].value);
	}
	items = xcalloc(n ? n : 1, sizeof(*items));
	for (size_t i = 0; i < n; i++) {
		u128 host =
		    blocks[i].prefix == 0 ? ~(u128)0 : (((u128)1 << (128 - blocks[i].prefix)) - 1);
		if (blocks[i].prefix == 128)
			host = 0;
		items[i].start = load128(blocks[i].addr) & ~host;
		items[i].end = items[i].start | host;
		items[i].prefix = blocks[i].prefix;
		items[i].order = i;
		items[i].value = blocks[i].value;
	}
	qsort(items, n, sizeof(*items), item_cmp);
	/* nesting is at most 129 deep (one block per prefix length at a point), plus equal
	 * blocks given more than once: n bounds both */
	stack = xcalloc(n ? n : 1, sizeof(*stack));
	emit(&r, 0, PREFIX_NONE);
	for (size_t i = 0; i < n; i++) {
		while (depth > 0 && stack[depth - 1]->end < items[i].start)
			pop(&r, stack, &depth);
		stack[depth++] = &items[i];
		emit(&r, items[i].start, items[i].value);
	}
	while (depth > 0)
		pop(&r, stack, &depth);
	free(stack);
	free(items);
	t = xcalloc(1, sizeof(*t));
	t->keys = r.keys;
	t->vals = r.vals;
	t->n = r.n;
	build_v4(t);
	t->start = xcalloc(V4_BUCKETS + 1, sizeof(uint32_t));
	for (size_t b = 0, k = 0; b < V4_BUCKETS; b++) {
		while (k < t->n && (uint32_t)(t->keys[k] >> 112) < b)
			k++;
		t->start[b] = (uint32_t)k;
	}
	t->start[V4_BUCKETS] = (uint32_t)t->n;
	*out = t;
	return 0;
}

void prefix_free(struct prefix_table *t)
{
	if (t == NULL)
		return;
	free(t->keys);
	free(t->vals);
	free(t->v4_keys);
	free(t->v4_vals);
	free(t->v4_bucket);
	free(t->v4_ent);
	free(t->start);
	free(t);
}

uint32_t prefix_lookup_v4(const struct prefix_table *t, uint32_t addr)
{
	uint64_t w = t->v4_bucket[addr >> 16], low = addr & 0xffff;
	const uint64_t *ent;
	uint32_t lo = 0, n;

	if (w & V4_DIRECT)
		return (uint32_t)w;
	ent = t->v4_ent + (uint32_t)w;
	n = (uint32_t)(w >> 32);
	/* the last entry starting at or before addr (entry 0 starts at 0) */
	while (n - lo > 8) {
		uint32_t mid = lo + (n - lo) / 2;
		if ((ent[mid] >> 32) <= low)
			lo = mid;
		else
			n = mid;
	}
	while (lo + 1 < n && (ent[lo + 1] >> 32) <= low)
		lo++;
	return (uint32_t)ent[lo];
}

uint32_t prefix_lookup(const struct prefix_table *t, const unsigned char addr[16])
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (memcmp(addr, mapped, 12) == 0)
		return prefix_lookup_v4(t, (uint32_t)addr[12] << 24 | (uint32_t)addr[13] << 16 |
		                               (uint32_t)addr[14] << 8 | addr[15]);
	{
		u128 key = load128(addr);
		uint32_t b = (uint32_t)(key >> 112), lo = t->start[b], hi = t->start[b + 1];

		/* as for IPv4: the last range starting at or before key, in the bucket or the one
		 * before it (bucket 0 holds keys[0] = 0) */
		while (hi - lo > 8) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (t->keys[mid] <= key)
				lo = mid;
			else
				hi = mid;
		}
		while (lo < hi && t->keys[lo] <= key)
			lo++;
		return t->vals[lo - 1];
	}
}

void prefix_prefetch(const struct prefix_table *t, const unsigned char addr[16])
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (memcmp(addr, mapped, 12) == 0)
		__builtin_prefetch(&t->v4_bucket[(uint32_t)addr[12] << 8 | addr[13]]);
	else
		__builtin_prefetch(&t->start[(uint32_t)addr[0] << 8 | addr[1]]);
}

size_t prefix_ranges_v4(const struct prefix_table *t)
{
	return t->v4_n;
}

size_t prefix_ranges(const struct prefix_table *t)
{
	return t->n;
}
