/* rangeset.h: the union of version ranges (range.h), written as one canonical range.
 *
 * A vulnerability record keeps one range per product, but the documents it is built from
 * name many pieces: a CSAF product tree lists affected versions one by one and as ranges, a
 * CVE record has one entry per branch. rangeset_union joins them exactly: a version is in the
 * result when it is in any piece. Pure logic: no I/O. */
#ifndef BAKEN_RANGESET_H
#define BAKEN_RANGESET_H

#include <stddef.h>

struct buf;
struct err;

/* Appends to out the canonical text (range_format) of the union of the n ranges (each text
 * range_parse accepts): "*" when it holds every version, nothing at all when n is 0.
 * Returns 0; ERR_INPUT when a piece does not parse (the message quotes it and says which
 * piece, counting from 1) or when the union has more than RANGE_MAX_CONSTRAINTS
 * constraints or RANGE_MAX_TEXT bytes. */
int rangeset_union(const char *const *ranges, size_t n, struct buf *out, struct err *e);

/* As rangeset_union, but when the exact union does not fit in one range it is widened until
 * it does, and *widened is set to 1 (else 0): versions "!=" excluded inside an interval are
 * taken in, then the intervals and single versions that share their first two version
 * segments (12.2(55)SE and 12.2(55)SE3: "12.2") become one interval from the lowest to the
 * highest, and when that is still too many, everything from the lowest to the highest.
 * For vendor documents that list hundreds of affected builds one by one. */
int rangeset_cover(const char *const *ranges, size_t n, struct buf *out, int *widened,
                   struct err *e);

#endif
