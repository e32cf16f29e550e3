/* cveid.h: the shape of a CVE id, the one rule every reader of CVE ids shares. */
#ifndef BAKEN_CVEID_H
#define BAKEN_CVEID_H

#include <stddef.h>

#define CVEID_MAX 24 /* "CVE-" + year + '-' + at most 15 digits */

/* 1 when s[0..n) is a CVE id: "CVE-" (in capitals when strict, in any case when not), four
 * digits, '-', four or more digits, at most CVEID_MAX bytes; else 0. */
int cveid_valid(const char *s, size_t n, int strict);

#endif
