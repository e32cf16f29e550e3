/* prefix.h: longest-prefix match over netblocks, IPv4 and IPv6 in one structure.
 *
 * Built once from a list of netblocks (16-byte addresses and prefixes in the 128-bit space, as
 * struct cidr keeps them: IPv4 mapped to ::ffff:a.b.c.d, an IPv4 /24 as /120), each carrying a
 * value (an index into the caller's own list of owners). The blocks are flattened into disjoint
 * ranges, each holding the value of the most specific block that covers it: an agency's /24
 * inside its ministry's /16 gives three ranges (ministry, agency, ministry). A lookup then finds
 * the range holding an address: for IPv6 a table of 65,536 buckets by the top 16 bits narrows
 * it to the few ranges starting there, then a short search; for IPv4 one word per /16 is the
 * answer when no range starts inside the /16, else points at the /16's few ranges, each one
 * word (where it starts, its value): one or two memory reads a lookup.
 *
 * Read-only once built, so any number of threads may look up at once. */
#ifndef BAKEN_PREFIX_H
#define BAKEN_PREFIX_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

/* The value of an address that lies in no block. */
#define PREFIX_NONE UINT32_MAX

struct prefix_block {
	unsigned char addr[16]; /* network address; bits below prefix are ignored */
	int prefix;             /* 0..128, in the 128-bit space */
	uint32_t value;         /* what a lookup returns; not PREFIX_NONE */
};

struct prefix_table;

/* Builds the table from n blocks (any order; the array is not kept). When the same block is
 * given twice, the one given last wins. Returns 0 and the table in *out (free it with
 * prefix_free), or ERR_INPUT naming the first block with a prefix outside 0..128 or the value
 * PREFIX_NONE. */
int prefix_build(const struct prefix_block *blocks, size_t n, struct prefix_table **out,
                 struct err *e);
void prefix_free(struct prefix_table *t);

/* The value of the most specific block holding addr (16 bytes), or PREFIX_NONE. */
uint32_t prefix_lookup(const struct prefix_table *t, const unsigned char addr[16]);
/* The same for an IPv4 address in host byte order (10.0.0.1 is 0x0a000001). */
uint32_t prefix_lookup_v4(const struct prefix_table *t, uint32_t addr);

/* Starts reading what a lookup of addr will read (a hint: no effect on the answer), so that a
 * caller with other work to do for the same address overlaps the memory latency. */
void prefix_prefetch(const struct prefix_table *t, const unsigned char addr[16]);

/* The number of disjoint ranges the blocks were flattened into (IPv4, and all). */
size_t prefix_ranges_v4(const struct prefix_table *t);
size_t prefix_ranges(const struct prefix_table *t);

#endif
