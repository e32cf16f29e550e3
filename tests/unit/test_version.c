/* test_version.c: version_compare, version_check and the sort keys. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/err.h"
#include "domain/version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

/* Compares by key, the way range matching does. */
static int key_compare(const char *a, const char *b)
{
	unsigned char ka[VERSION_KEY_MAX], kb[VERSION_KEY_MAX];
	size_t alen, blen;

	assert_int_equal(version_key(a, ka, sizeof(ka), &alen), 0);
	assert_int_equal(version_key(b, kb, sizeof(kb), &blen), 0);
	return version_key_cmp(ka, alen, kb, blen);
}

/* Asserts that both orderings give sign s for a against b, and -s the other way round. */
static void expect_order(const char *a, const char *b, int s)
{
	if (sign(version_compare(a, b)) != s || sign(version_compare(b, a)) != -s)
		fail_msg("version_compare(\"%s\", \"%s\") = %d, expected sign %d", a, b,
		         version_compare(a, b), s);
	if (sign(key_compare(a, b)) != s || sign(key_compare(b, a)) != -s)
		fail_msg("key order of \"%s\" and \"%s\" is not %d", a, b, s);
}

/* Asserts that list is strictly increasing, comparing every pair. */
static void expect_increasing(const char *const *list, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		expect_order(list[i], list[i], 0);
		for (j = i + 1; j < n; j++)
			expect_order(list[i], list[j], -1);
	}
}

static void test_citrix(void **state)
{
	static const char *const v[] = {"10.5-70.12", "12.1-50.31", "12.1-55.18",
	                                "13.0",       "13.0-47.22", "13.0-47.24"};

	(void)state;
	expect_increasing(v, sizeof(v) / sizeof(v[0]));
	expect_order("13.0.47.24", "13.0-47.24", 0);
	expect_order("13_0-47.24", "13.0-47.24", 0);
}

static void test_pulse(void **state)
{
	static const char *const v[] = {"8.2R12.1", "8.3R7",   "8.3R7.1",
	                                "9.0R3.3",  "9.0R3.4", "9.0R4"};

	(void)state;
	expect_increasing(v, sizeof(v) / sizeof(v[0]));
	expect_order("9.0R3.4", "9.0.R.3.4", 0);
	expect_order("9.0r3.4", "9.0R3.4", 0);
}

static void test_numbers(void **state)
{
	(void)state;
	expect_order("2.9", "2.10", -1);
	expect_order("1.01", "1.1", 0);
	expect_order("0", "000", 0);
	expect_order("1.0", "1.00", 0);
	expect_order("1.9", "1.10", -1);
	/* beyond 64 bits, and leading zeros do not make a number longer */
	expect_order("1.18446744073709551615", "1.18446744073709551616", -1);
	expect_order("1.99999999999999999999999", "1.100000000000000000000000", -1);
	expect_order("1.000000000000000000000002", "1.10", -1);
}

static void test_letters(void **state)
{
	(void)state;
	expect_order("1.0.1", "1.0a", 1); /* a number is greater than letters (rpm) */
	expect_order("1.0", "1.0a", -1);  /* running out first is smaller */
	expect_order("1.0", "1.0rc1", -1);
	expect_order("1.0alpha", "1.0beta", -1);
	expect_order("1.0ab", "1.0abc", -1);
	expect_order("1.0ab.c", "1.0abc", -1);
	expect_order("1.0RC1", "1.0rc1", 0);
	expect_order("1.0z", "1.0.0", -1);
}

static void test_separators(void **state)
{
	(void)state;
	expect_order("1.0", "1.0.", 0);
	expect_order("1..0", "1.0", 0);
	expect_order("-1", "1", 0);
	expect_order("1+2~3", "1.2.3", 0);
	expect_order("", "0", -1);
	expect_order("", "...", 0);
}

/* Asserts that v is refused with a message containing want. */
static void expect_bad(const char *v, const char *want)
{
	struct err e = {0};

	assert_int_equal(version_check(v, &e), ERR_INPUT);
	assert_int_equal(e.code, ERR_INPUT);
	if (strstr(e.msg, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, want);
}

static void test_check(void **state)
{
	char long_ok[VERSION_MAX + 1], too_long[VERSION_MAX + 2];

	(void)state;
	assert_int_equal(version_check("13.0-47.24", NULL), 0);
	assert_int_equal(version_check("9.0R3.4", NULL), 0);
	assert_int_equal(version_check("2.4.52-1~deb11u2", NULL), 0);
	assert_int_equal(version_check("1.0.0+build_5", NULL), 0);
	assert_int_equal(version_check("v", NULL), 0);
	memset(long_ok, '1', VERSION_MAX);
	long_ok[VERSION_MAX] = '\0';
	assert_int_equal(version_check(long_ok, NULL), 0);
	memset(too_long, '1', VERSION_MAX + 1);
	too_long[VERSION_MAX + 1] = '\0';
	expect_bad(too_long, "longer than 128 bytes");

	expect_bad(NULL, "bad version \"\": empty");
	expect_bad("", "bad version \"\": empty");
	expect_bad("1..<2",
	           "bad version \"1..<2\": only letters, digits and . - _ + ~ are allowed");
	expect_bad("1 0", "not ' '");
	expect_bad("1|2", "not '|'");
	expect_bad(">=1", "not '>'");
	expect_bad("1,2", "not ','");
	expect_bad("1:2", "not ':'");
	expect_bad("1*", "not '*'");
	expect_bad("1!", "not '!'");
	expect_bad("1\t", "bad version \"1\\x09\": only letters");
	expect_bad("1\xc3\xa9", "not byte 0xc3");
	expect_bad("..", "bad version \"..\": has no letter or digit");
	expect_bad("-~+_", "has no letter or digit");
}

static void test_key(void **state)
{
	unsigned char k[VERSION_KEY_MAX], big[4 * VERSION_MAX];
	char worst[VERSION_MAX + 1], huge[300];
	size_t len, i;

	(void)state;
	assert_int_equal(version_key("", k, sizeof(k), &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(version_key("1", k, 2, &len), ERR_INPUT);
	assert_int_equal(version_key("1", k, 3, &len), 0);
	assert_int_equal(len, 3);
	assert_int_equal(version_key("a", k, 1, &len), ERR_INPUT);
	assert_int_equal(version_key("a", k, 2, &len), 0);
	assert_int_equal(len, 2);
	/* an empty key may be NULL (a zero-length BLOB from the database) */
	assert_int_equal(version_key_cmp(NULL, 0, NULL, 0), 0);
	assert_true(version_key_cmp(NULL, 0, k, len) < 0);
	assert_true(version_key_cmp(k, len, NULL, 0) > 0);
	/* alternating digits and letters makes the longest key */
	for (i = 0; i < VERSION_MAX; i++)
		worst[i] = i % 2 ? 'a' : '1';
	worst[VERSION_MAX] = '\0';
	assert_int_equal(version_check(worst, NULL), 0);
	assert_int_equal(version_key(worst, k, sizeof(k), &len), 0);
	assert_int_equal(len, VERSION_KEY_MAX);
	/* a number too long for the one-byte count (never a checked version) */
	memset(huge, '7', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	assert_int_equal(version_key(huge, big, sizeof(big), &len), ERR_INPUT);
}

/* A small deterministic generator (xorshift64), so failures reproduce. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

/* Builds a random version from pieces chosen to collide often: equal numbers written
 * differently, letters in both cases, prefixes of each other, separators or none. */
static void random_version(char *out, size_t outsz)
{
	static const char *const pieces[] = {"0",
	                                     "00",
	                                     "1",
	                                     "01",
	                                     "2",
	                                     "9",
	                                     "10",
	                                     "010",
	                                     "99",
	                                     "100",
	                                     "18446744073709551616",
	                                     "000000000000000000000001",
	                                     "a",
	                                     "A",
	                                     "b",
	                                     "R",
	                                     "r",
	                                     "rc",
	                                     "RC",
	                                     "beta",
	                                     "Beta",
	                                     "alpha",
	                                     "z",
	                                     "ab",
	                                     "abc"};
	static const char *const seps[] = {".", "-", "_", "+", "~", "", "..", "."};
	size_t len = 0, n = 1 + rnd(7), i;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		const char *sep = i ? seps[rnd(8)] : (rnd(10) == 0 ? "." : "");
		const char *piece = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];

		if (len + strlen(sep) + strlen(piece) + 1 > outsz)
			break;
		memcpy(out + len, sep, strlen(sep));
		len += strlen(sep);
		memcpy(out + len, piece, strlen(piece) + 1);
		len += strlen(piece);
	}
}

static int compare_strings(const void *a, const void *b)
{
	return version_compare(*(char *const *)a, *(char *const *)b);
}

enum {
	NVERSIONS = 400,
	NPAIRS = 20000
};

static void test_key_property(void **state)
{
	static char versions[NVERSIONS][VERSION_MAX + 1];
	char *sorted[NVERSIONS];
	size_t i, j;

	(void)state;
	for (i = 0; i < NVERSIONS; i++) {
		random_version(versions[i], sizeof(versions[i]));
		sorted[i] = versions[i];
	}
	/* the key order is the compare order, and compare is antisymmetric */
	for (i = 0; i < NPAIRS; i++) {
		const char *a = versions[rnd(NVERSIONS)], *b = versions[rnd(NVERSIONS)];
		int s = sign(version_compare(a, b));

		if (sign(key_compare(a, b)) != s || sign(version_compare(b, a)) != -s)
			fail_msg("\"%s\" vs \"%s\": compare %d, key %d", a, b, s,
			         sign(key_compare(a, b)));
	}
	/* and transitive: after sorting, every earlier version is <= every later one */
	qsort(sorted, NVERSIONS, sizeof(sorted[0]), compare_strings);
	for (i = 0; i < NVERSIONS; i++)
		for (j = i + 1; j < NVERSIONS; j++)
			if (version_compare(sorted[i], sorted[j]) > 0 ||
			    key_compare(sorted[i], sorted[j]) > 0)
				fail_msg("\"%s\" sorts before \"%s\" but compares greater",
				         sorted[i], sorted[j]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_citrix),     cmocka_unit_test(test_pulse),
	    cmocka_unit_test(test_numbers),    cmocka_unit_test(test_letters),
	    cmocka_unit_test(test_separators), cmocka_unit_test(test_check),
	    cmocka_unit_test(test_key),        cmocka_unit_test(test_key_property),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
