/* version.h: one ordering for every product version (Citrix "13.0-47.24", Pulse Connect
 * Secure "9.0R3.4", "2.10", ...), with no knowledge of any one vendor's scheme.
 *
 * A version is a list of segments. Segments are split at '.', '-', '_', '+', '~' (all
 * equivalent; runs of them and leading or trailing ones only delimit) and at every boundary
 * between digits and letters: "9.0R3.4" is 9 0 R 3 4, and "13.0-47.24" == "13.0.47.24".
 * Segments compare left to right:
 *   - numbers by value, of any length and without overflow ("2.10" > "2.9", "1.01" == "1.1");
 *   - letters as text, case-insensitively ("9.0r3" == "9.0R3", "rc" > "beta");
 *   - a number against letters: the number is greater, as in rpm ("1.0.1" > "1.0a");
 *   - a version that runs out first is smaller ("8.3R7" < "8.3R7.1", "13.0" < "13.0-47.22"),
 *     so trailing zeros count: "1.0" < "1.0.0".
 * So this is not semver, dpkg or PEP 440: there are no epochs, "1.0rc1" > "1.0" and
 * "1.0~rc1" > "1.0" (dpkg and rpm sort '~' first; here it is a plain separator).
 */
#ifndef BAKEN_VERSION_H
#define BAKEN_VERSION_H

#include <stddef.h>

struct err;

/* The longest version version_check accepts, in bytes. */
#define VERSION_MAX 128
/* The longest key of a version that passes version_check, in bytes: 3 for each digit and 2
 * for each letter of "1a1a...", the worst case. */
#define VERSION_KEY_MAX (5 * VERSION_MAX / 2)

/* Compares two versions as described above; returns <0, 0 or >0. Any strings may be given
 * (bytes other than ASCII letters and digits separate segments), but only versions that pass
 * version_check are meaningful. Never fails, allocates nothing. */
int version_compare(const char *a, const char *b);

/* Checks that v is a version we accept: 1 to VERSION_MAX bytes of ASCII letters, digits and
 * . - _ + ~ with at least one letter or digit. Returns 0, or ERR_INPUT with a message in e
 * that quotes the value and says what was expected. v may be NULL (refused). */
int version_check(const char *v, struct err *e);

/* Writes the sort key of v into out (outsz bytes) and its length into *outlen. Keys order
 * exactly as version_compare orders their versions when compared with version_key_cmp, so
 * a caller matching many versions computes each key once. The key is binary (not a string)
 * and at most 3 * strlen(v) bytes; VERSION_KEY_MAX is enough for any checked version.
 * Keys are stored (inventory.vkey): a change to their encoding must recompute stored keys.
 * Returns 0, or ERR_INPUT when out is too small or a number has more than 255 digits (never
 * in a checked version); out then holds a partial key. */
int version_key(const char *v, unsigned char *out, size_t outsz, size_t *outlen);

/* Compares two keys from version_key: memcmp over the common length, then the shorter key
 * is smaller (as SQLite orders BLOBs). Returns <0, 0 or >0, with the sign version_compare
 * gives their versions. An empty key may be NULL. */
int version_key_cmp(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen);

#endif
