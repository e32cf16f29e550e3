/* match.h: the whole inventory against every advisory at once, as a CSIRT must re-match its
 * portfolio when the inventory or the KEV changes (the alerts call it).
 *
 * advisory_affected answers one advisory with a query per affected product. Here the
 * inventory is read once, in one table scan, into an index held in memory:
 *   - organisation ids, product names and version strings interned once each;
 *   - per product its distinct versions, sorted by version key (then by text, so that
 *     "13.0-47.22" and "13.0.47.22", equal versions written differently, stay apart);
 *   - per distinct version its rows (organisation, count, internet-facing), by organisation.
 * A vers range is a union of intervals over the sorted keys, so each (product, range) pair of
 * an advisory costs a binary search per constraint, plus one step per hit. The index takes
 * about 12 bytes per inventory row (24 MB for 2 million rows, 90 MB at the peak of loading).
 *
 * The hits are exactly those of advisory_affected on the same version of each advisory: an
 * inventory row of an affected product whose version is in the range and is not a fixed
 * version of that product (equal by version_compare), of a registered organisation. */
#ifndef BAKEN_MATCH_H
#define BAKEN_MATCH_H

#include "core/err.h"

#include <stddef.h>

struct db;
struct advisory_version;
struct match_index;

/* One inventory row in an affected range of one advisory version. Every string is borrowed
 * for the duration of the callback. */
struct match_hit {
	const char *advisory; /* PREFIX-YYYY-NNNN */
	int num;              /* the version matched: 0 is 1.00 */
	const char *org;
	const char *product; /* vendor:product */
	const char *version; /* as the inventory has it */
	long count;
	int internet_facing;
};

/* What match_portfolio did (all zero before it starts). */
struct match_stats {
	long orgs, products, versions, rows; /* the index: versions are distinct (product, text) */
	long advisories, ranges;             /* advisory versions and (product, range) pairs */
	long hits;                           /* hits emitted */
	double load_ms, match_ms;            /* building the index; matching and emitting */
};

/* Reads the inventory of db into a new index, which the caller frees with match_index_free.
 * Rows of an organisation that is not registered are left out (advisory_affected joins
 * orgs). Counts above 4294967295 read as that. Returns 0, or ERR_DB (with the message) when
 * the store fails. */
int match_index_load(struct db *db, struct match_index **out, struct err *e);

void match_index_free(struct match_index *ix);

/* Sizes of the index, into stats->orgs, products, versions and rows. */
void match_index_stats(const struct match_index *ix, struct match_stats *stats);

/* emit, the callback of the functions below, receives each hit with the ctx given; a non-zero
 * return stops the match, and the function returns that value. */

/* Emits the hits of one loaded advisory version v (see advisory_load): per affected product in
 * the order of v->affects, its versions in version order, each version's rows by
 * organisation. emit may be NULL to only count; *hits (may be NULL) gets how many there
 * were. Returns 0, the callback's non-zero value, or ERR_INPUT when a stored range does not
 * parse. */
int match_index_advisory(const struct match_index *ix, const struct advisory_version *v,
                         int (*emit)(void *ctx, const struct match_hit *hit), void *ctx, long *hits,
                         struct err *e);

/* Re-matches the whole portfolio: loads the index and the latest version of every advisory
 * (its draft when it has one, else its latest published version: what `advisory affected`
 * works on), and emits every hit, advisory by advisory in id order, in one read snapshot
 * (a transaction of its own unless the caller is in one). emit may be NULL to only count.
 * stats (may be NULL) gets the sizes, the number of hits and the times. Returns 0, the
 * callback's non-zero value, ERR_INPUT when a stored range does not parse, or ERR_DB. */
int match_portfolio(struct db *db, int (*emit)(void *ctx, const struct match_hit *hit), void *ctx,
                    struct match_stats *stats, struct err *e);

#endif
