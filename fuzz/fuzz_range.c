/* fuzz_range.c: libFuzzer driver for range_parse and containment.
 *
 * The input is parsed as a range. A refused input must come with ERR_INPUT and a message;
 * an accepted one must hold sorted, unique, checked versions, format to text that parses
 * back to the same text, and give the same answer for a few versions by the string path,
 * the key path and a direct transcription of the spec's containment walk.
 *
 *   clang -fsanitize=fuzzer,address -Isrc fuzz/fuzz_range.c src/domain/{version,range}.c \
 *       src/core/{err,buf,xalloc}.c
 */
#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "domain/range.h"
#include "domain/version.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_range: %s:%d: %s\n", __FILE__, __LINE__, #cond);     \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static int is_upper(enum range_op op)
{
	return op == RANGE_LT || op == RANGE_LE;
}

static int is_lower(enum range_op op)
{
	return op == RANGE_GT || op == RANGE_GE;
}

/* The spec's walk, written out plainly, plus range.h's rule for "!=" only ranges. */
static int spec_contains(const struct range *r, const char *v)
{
	const struct range_constraint *iv[RANGE_MAX_CONSTRAINTS];
	size_t i, k = 0;
	int only_ne = 1;

	if (r->all)
		return 1;
	for (i = 0; i < r->n; i++) {
		enum range_op op = r->c[i].op;

		if (version_compare(v, r->c[i].version) == 0)
			return op == RANGE_EQ || op == RANGE_LE || op == RANGE_GE;
		if (op != RANGE_NE)
			only_ne = 0;
		if (op != RANGE_NE && op != RANGE_EQ)
			iv[k++] = &r->c[i];
	}
	if (only_ne)
		return 1;
	if (k == 0)
		return 0;
	if (is_upper(iv[0]->op) && version_compare(v, iv[0]->version) < 0)
		return 1;
	if (is_lower(iv[k - 1]->op) && version_compare(v, iv[k - 1]->version) > 0)
		return 1;
	for (i = 0; i + 1 < k; i++)
		if (is_lower(iv[i]->op) && is_upper(iv[i + 1]->op) &&
		    version_compare(v, iv[i]->version) > 0 &&
		    version_compare(v, iv[i + 1]->version) < 0)
			return 1;
	return 0;
}

static void probe(const struct range *r, const char *v)
{
	unsigned char key[VERSION_KEY_MAX];
	size_t keylen;
	int in = range_contains(r, v);

	CHECK(in == spec_contains(r, v));
	if (version_key(v, key, sizeof(key), &keylen) == 0)
		CHECK(range_contains_key(r, key, keylen) == in);
}

/* Probes v and its neighbours: a bit above ("v.0", "v0", "va") and a bit below ("v" cut). */
static void probe_around(const struct range *r, const char *v)
{
	static const char *const suffixes[] = {"", ".0", "0", "a", ".1"};
	char s[VERSION_MAX + 8];
	size_t i, len = strlen(v);

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(s, sizeof(s), "%s%s", v, suffixes[i]);
		probe(r, s);
	}
	if (len > 1) {
		memcpy(s, v, len - 1);
		s[len - 1] = '\0';
		probe(r, s);
	}
}

static const char *const fixed[] = {"0",       "1",    "1.0", "13.0-47.22", "9.0R3.3", "9.0R3.4",
                                    "8.3R7.1", "2.10", "zzz", "99999",      "1.0.1a",  ""};

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

/* v against the fixed versions: compare is antisymmetric and keys order the same way. */
static void check_version(const char *v)
{
	unsigned char kv[VERSION_KEY_MAX], kf[VERSION_KEY_MAX];
	size_t vlen, flen, i;

	CHECK(version_compare(v, v) == 0);
	if (version_key(v, kv, sizeof(kv), &vlen) != 0)
		return;
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		int s = sign(version_compare(v, fixed[i]));

		CHECK(s == -sign(version_compare(fixed[i], v)));
		CHECK(version_key(fixed[i], kf, sizeof(kf), &flen) == 0);
		CHECK(s == sign(version_key_cmp(kv, vlen, kf, flen)));
	}
}

static void check_range(const struct range *r)
{
	struct range again;
	struct buf b1, b2;
	size_t i;

	for (i = 0; i < r->n; i++) {
		CHECK(version_check(r->c[i].version, NULL) == 0);
		if (i > 0) {
			CHECK(version_compare(r->c[i - 1].version, r->c[i].version) < 0);
			CHECK(version_key_cmp(r->c[i - 1].key, r->c[i - 1].keylen, r->c[i].key,
			                      r->c[i].keylen) < 0);
		}
		probe_around(r, r->c[i].version);
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		probe(r, fixed[i]);

	buf_init(&b1, 4 * RANGE_MAX_TEXT);
	buf_init(&b2, 4 * RANGE_MAX_TEXT);
	CHECK(range_format(r, &b1) == 0);
	CHECK(range_parse(buf_str(&b1), &again, NULL) == 0);
	CHECK(range_format(&again, &b2) == 0);
	CHECK(strcmp(buf_str(&b1), buf_str(&b2)) == 0);
	range_free(&again);
	buf_free(&b1);
	buf_free(&b2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct range r;
	struct err e = {0};
	char *text;

	if (size > 4 * RANGE_MAX_TEXT)
		return 0;
	text = xstrndup((const char *)data, size);
	if (range_parse(text, &r, &e) == 0) {
		check_range(&r);
		range_free(&r);
	} else {
		CHECK(e.code == ERR_INPUT && e.msg[0] != '\0');
		CHECK(r.n == 0 && r.c == NULL && !r.all);
	}
	check_version(text);
	free(text);
	return 0;
}
