/* range.h: version ranges in the constraint syntax of purl "vers" (VERSION-RANGE-SPEC),
 * without the "vers:<scheme>/" prefix: versions are always compared with version_compare.
 *
 * A range is "*" (every version) or constraints joined by '|', each a comparator and a
 * version: "=" (or none), "!=", "<", "<=", ">", ">=". For example ">=13.0|<13.0.47.24", or
 * ">=8.3|<8.3R7.1|>=9.0|<9.0R3.4" for two branches. White space (space, tab, CR, LF) around
 * a constraint and between comparator and version is ignored; inside a version it is not.
 *
 * A version is in the range when, with the constraints sorted by version:
 *   - it equals the version of a "=", "<=" or ">=" constraint (in) or of a "!=" one (out);
 *   - otherwise, ignoring "=" and "!=", when it lies below a first "<"/"<=", above a last
 *     ">"/">=", or between a ">"/">=" and the "<"/"<=" that follows it.
 * One addition to the spec: a range of "!=" constraints only ("!=1.2") holds every other
 * version (the spec's walk would hold none).
 *
 * range_parse refuses, with a message quoting the text and the fault:
 *   - empty text, more than RANGE_MAX_TEXT bytes or RANGE_MAX_CONSTRAINTS constraints;
 *   - an empty constraint, including leading and trailing '|' (the spec drops those; here
 *     ">=1||<2" is more likely a typo than a style);
 *   - "*" together with anything else; a constraint without a version;
 *   - a version version_check refuses ("a b", "1<2");
 *   - two constraints on equal versions ("13.0.47.24" and "13.0-47.24" are equal);
 *   - the spec's rules for contiguous constraints after sorting: ignoring "!=", a "=" may
 *     not be followed by "<" or "<="; ignoring "=" and "!=", lower bounds (">", ">=") and
 *     upper bounds ("<", "<=") must alternate. From the spec's list of redundant pairs we
 *     also refuse a "=" right after a lower bound (">=1|1.5": 1.5 is already in).
 * The order of the constraints in the text does not matter; range_format writes them sorted.
 */
#ifndef BAKEN_RANGE_H
#define BAKEN_RANGE_H

#include <stddef.h>

struct buf;
struct err;

#define RANGE_MAX_TEXT        1024
#define RANGE_MAX_CONSTRAINTS 64

enum range_op {
	RANGE_EQ,
	RANGE_NE,
	RANGE_LT,
	RANGE_LE,
	RANGE_GT,
	RANGE_GE
};

struct range_constraint {
	enum range_op op;
	char *version;      /* as written, trimmed */
	unsigned char *key; /* version_key of version */
	size_t keylen;
	int below_in; /* versions between the previous constraint and this one are in */
};

struct range {
	int all;      /* "*": every version; then n is 0 */
	int above_in; /* versions above the last constraint are in */
	size_t n;
	struct range_constraint *c; /* sorted by version, no two equal */
};

/* Parses and validates text into *out, which the caller frees with range_free. Returns 0, or
 * ERR_INPUT with a message in e naming the text and the fault (see above); *out is then
 * empty and need not be freed. */
int range_parse(const char *text, struct range *out, struct err *e);

/* Frees what r holds and empties it; safe on an empty or already freed range. */
void range_free(struct range *r);

/* 1 when version is in r, else 0. version should pass version_check; any string gets an
 * answer by version_compare's rules. */
int range_contains(const struct range *r, const char *version);

/* The same for a version whose key (from version_key) the caller computed once: the fast
 * path when matching many versions against many ranges. */
int range_contains_key(const struct range *r, const unsigned char *key, size_t keylen);

/* Appends the canonical text of r to out: "*", or the constraints sorted by version and
 * joined by '|', "=" written as a bare version (">=13.0|<13.0.47.24", "1.0|>=2.0|<3.0").
 * range_parse gives the same range back. Returns 0, or ERR_INPUT when out's maximum would be
 * passed. */
int range_format(const struct range *r, struct buf *out);

#endif
