/* test_range.c: parsing, validation, containment and canonical text of version ranges. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"
#include "domain/range.h"
#include "domain/version.h"

#include <stdio.h>
#include <string.h>

static void parse_ok(const char *text, struct range *r)
{
	struct err e = {0};

	if (range_parse(text, r, &e) != 0)
		fail_msg("range_parse(\"%s\") failed: %s", text, e.msg);
}

/* Whether v is in r, asserting that the string and the key paths agree. */
static int contains(const struct range *r, const char *v)
{
	unsigned char key[VERSION_KEY_MAX];
	size_t keylen;
	int in = range_contains(r, v);

	assert_int_equal(version_key(v, key, sizeof(key), &keylen), 0);
	if (range_contains_key(r, key, keylen) != in)
		fail_msg("\"%s\": range_contains says %d, range_contains_key does not", v, in);
	return in;
}

/* Asserts, for each version in the NULL-terminated lists, that it is in or out of text. */
static void expect(const char *text, const char *const *in, const char *const *out)
{
	struct range r;

	parse_ok(text, &r);
	for (; in && *in; in++)
		if (!contains(&r, *in))
			fail_msg("\"%s\" should be in \"%s\"", *in, text);
	for (; out && *out; out++)
		if (contains(&r, *out))
			fail_msg("\"%s\" should not be in \"%s\"", *out, text);
	range_free(&r);
}

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_citrix(void **state)
{
	(void)state;
	expect(">=13.0|<13.0.47.24", LIST("13.0-47.22", "13.0", "13.0-36.27", "13.0-47.23.9"),
	       LIST("13.0-47.24", "13.0.47.24", "12.1-50.31", "13.0-52.24", "13.1-4.42"));
	expect(">=12.1|<12.1.55.18", LIST("12.1-50.31", "12.1-55.17"),
	       LIST("12.1-55.18", "12.1-56.0", "12.0-63.13", "13.0-47.22"));
	/* the four maintained branches of CVE-2019-19781, given out of order */
	expect(">=13.0|<13.0.47.24|>=11.1|<11.1.63.15|>=12.0|<12.0.63.13|>=12.1|<12.1.55.18",
	       LIST("11.1", "11.1-63.14", "12.0-62.10", "12.1-50.31", "13.0-47.22"),
	       LIST("10.5-70.12", "11.1-63.15", "11.2", "12.0-63.13", "12.1-55.18", "13.0-47.24",
	            "13.1-4.42"));
	expect(">=10.5|<10.5.70.12|>=11.1|<11.1.63.15", LIST("10.5-69.1", "11.1-51.26"),
	       LIST("10.5-70.12", "10.1-135.8", "11.0-77.0", "11.1-63.15", "12.1-50.31"));
}

static void test_pulse(void **state)
{
	(void)state;
	expect(">=8.3|<8.3R7.1|>=9.0|<9.0R3.4", LIST("9.0R3.3", "8.3R7", "8.3", "9.0", "9.0R1"),
	       LIST("8.3R7.1", "9.0R4", "9.0R3.4", "8.2R12", "8.2R12.1", "8.4", "9.1R1"));
}

static void test_all(void **state)
{
	(void)state;
	expect("*", LIST("0", "13.0-47.24", "9.0R3.4", "zzz"), NULL);
	expect("  *\t", LIST("1"), NULL);
}

static void test_eq(void **state)
{
	(void)state;
	expect("1.2.3", LIST("1.2.3", "1.2-3", "1.02.3"), LIST("1.2", "1.2.3.0", "1.2.4", "0"));
	expect("=1.2.3", LIST("1.2.3"), LIST("1.2.4"));
	expect("1.0|2.0|3.0", LIST("1.0", "2.0", "3.0"), LIST("1.5", "2.5", "0", "4"));
	/* bare versions beside intervals, where the spec allows them */
	expect("1.0|>=2.0|<3.0|4.0", LIST("1.0", "2.0", "2.9", "4.0"),
	       LIST("1.5", "3.0", "3.5", "4.1", "0.9"));
}

static void test_ne(void **state)
{
	(void)state;
	expect("!=1.5", LIST("1.4", "1.6", "0", "99", "1.5.0"), LIST("1.5", "1.05"));
	expect("!=1.5|!=1.7", LIST("1.4", "1.6", "1.8"), LIST("1.5", "1.7"));
	expect(">=1.0|!=1.5|<2.0", LIST("1.0", "1.4", "1.6"), LIST("1.5", "2.0", "0.9"));
	expect("1.0|!=2.0", LIST("1.0"), LIST("2.0", "1.5", "3.0"));
	/* the gem example from the spec */
	expect(">=2.2.0|!= 2.2.1|<2.3.0", LIST("2.2.0", "2.2.2"), LIST("2.2.1", "2.3.0"));
}

static void test_bounds(void **state)
{
	struct range r;

	(void)state;
	expect(">1.0|<=2.0", LIST("1.0.1", "1.5", "2.0"), LIST("1.0", "2.0.1", "0.1"));
	expect("<=1.0", LIST("1.0", "0.9", "0"), LIST("1.0.1", "1.1"));
	expect("<1.0", LIST("0.9", "0.9.9", "0"), LIST("1.0", "1.0.0", "1.0a", "1.1"));
	expect(">2.0", LIST("2.0.1", "3"), LIST("2.0", "1.9"));
	expect(">=2.0", LIST("2.0", "3"), LIST("1.9"));
	/* an upper bound first, then an interval: two pieces of the timeline */
	expect("<1|>=2|<3|>4", LIST("0.5", "2", "2.5", "4.1"), LIST("1", "1.5", "3", "4"));
	expect("<=1|>2", LIST("1", "0", "2.1"), LIST("1.5", "2"));
	/* an empty key (NULL from a zero-length BLOB) is below every version */
	parse_ok("<1", &r);
	assert_true(range_contains_key(&r, NULL, 0));
	range_free(&r);
	parse_ok(">=1", &r);
	assert_false(range_contains_key(&r, NULL, 0));
	range_free(&r);
}

static void test_spaces(void **state)
{
	(void)state;
	expect(" >= 13.0 |\t< 13.0.47.24\n", LIST("13.0-47.22"), LIST("13.0-47.24"));
}

/* Asserts that text formats as want, and that want parses back to itself. */
static void expect_format(const char *text, const char *want)
{
	struct range r, again;
	struct buf b;

	buf_init(&b, 4096);
	parse_ok(text, &r);
	assert_int_equal(range_format(&r, &b), 0);
	assert_string_equal(buf_str(&b), want);
	parse_ok(buf_str(&b), &again);
	buf_reset(&b);
	assert_int_equal(range_format(&again, &b), 0);
	assert_string_equal(buf_str(&b), want);
	range_free(&r);
	range_free(&again);
	buf_free(&b);
}

static void test_format(void **state)
{
	struct range r;
	struct buf b;

	(void)state;
	expect_format("<13.0.47.24|>=13.0", ">=13.0|<13.0.47.24");
	expect_format(" <9.0R3.4 | >=8.3|>=9.0|<8.3R7.1", ">=8.3|<8.3R7.1|>=9.0|<9.0R3.4");
	expect_format("=1.0|!=1.5|>1.2|<=2", "1.0|>1.2|!=1.5|<=2");
	expect_format("*", "*");
	/* a full buffer is an error, not a cut */
	buf_init(&b, 8);
	parse_ok(">=13.0|<13.0.47.24", &r);
	assert_int_equal(range_format(&r, &b), ERR_INPUT);
	range_free(&r);
	buf_free(&b);
}

/* Asserts that text is refused with a message that quotes it and contains want. */
static void expect_bad(const char *text, const char *want)
{
	struct range r = {0};
	struct err e = {0};
	char quoted[64];

	if (range_parse(text, &r, &e) == 0)
		fail_msg("\"%s\" was accepted", text);
	assert_int_equal(e.code, ERR_INPUT);
	assert_int_equal(r.n, 0);
	assert_null(r.c);
	if (strstr(e.msg, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, want);
	if (text != NULL && strlen(text) < 40 && strpbrk(text, "\t\x01") == NULL) {
		snprintf(quoted, sizeof(quoted), "bad range \"%s\": ", text);
		if (strncmp(e.msg, quoted, strlen(quoted)) != 0)
			fail_msg("message \"%s\" does not start with %s", e.msg, quoted);
	}
	range_free(&r);
}

static void test_bad(void **state)
{
	(void)state;
	expect_bad(NULL, "none given");
	expect_bad("", "empty; expected \"*\" or constraints");
	expect_bad(" \t", "empty;");
	expect_bad(">=", "constraint \">=\" has no version");
	expect_bad(">=1||<2", "empty constraint");
	expect_bad("|>=1|<2", "empty constraint");
	expect_bad(">=1|<2|", "empty constraint");
	expect_bad("*|>=1", "\"*\" must stand alone");
	expect_bad(">=1|*", "\"*\" must stand alone");
	expect_bad("**", "bad version \"**\"");
	expect_bad(">=a b", "bad version \"a b\": only letters, digits and . - _ + ~ are allowed");
	expect_bad("> =1", "bad version \"=1\"");
	expect_bad("=>1", "bad version \">1\"");
	expect_bad(">=1,<2", "not ','");
	expect_bad(">=1.0|<1.0", "\">=1.0\" then \"<1.0\": both name the same version");
	expect_bad("1.0|1.0", "both name the same version");
	expect_bad(">=13.0.47.24|<13.0-47.24", "both name the same version");
	expect_bad("!=1.5|1.05", "both name the same version");
	expect_bad(">=1|>=2", "\">=1\" then \">=2\": two lower bounds in a row");
	expect_bad("<1|<=2", "\"<1\" then \"<=2\": two upper bounds in a row");
	expect_bad(">=1|<2|<3", "two upper bounds in a row");
	expect_bad("<1|2|<3", "\"2\" then \"<3\": the first is already inside the second");
	expect_bad(">=1|1.5", "\">=1\" then \"1.5\": the second is already inside the first");
	expect_bad(">=1|!=1.5|1.7|<2", "\">=1\" then \"1.7\"");
	expect_bad("1\x01", "bad range \"1\\x01\": bad version \"1\\x01\"");
}

static void test_limits(void **state)
{
	char text[RANGE_MAX_TEXT + 64];
	struct buf b;
	struct range r;
	int i;

	(void)state;
	/* 64 constraints pass, 65 do not */
	buf_init(&b, sizeof(text));
	for (i = 1; i <= 64; i++)
		assert_int_equal(buf_printf(&b, "%s%d", i > 1 ? "|" : "", i), 0);
	parse_ok(buf_str(&b), &r);
	assert_int_equal(r.n, 64);
	assert_true(contains(&r, "64"));
	assert_false(contains(&r, "65"));
	range_free(&r);
	assert_int_equal(buf_printf(&b, "|65"), 0);
	expect_bad(buf_str(&b), "65 constraints, at most 64");
	buf_free(&b);

	/* 1024 bytes pass, 1025 do not */
	memset(text, ' ', RANGE_MAX_TEXT);
	memcpy(text + RANGE_MAX_TEXT - 4, ">=10", 4);
	text[RANGE_MAX_TEXT] = '\0';
	parse_ok(text, &r);
	range_free(&r);
	memcpy(text + RANGE_MAX_TEXT - 4, " >=10", 6);
	expect_bad(text, "longer than 1024 bytes");
	range_free(&r); /* freeing twice, or an empty range, is harmless */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_citrix), cmocka_unit_test(test_pulse),
	    cmocka_unit_test(test_all),    cmocka_unit_test(test_eq),
	    cmocka_unit_test(test_ne),     cmocka_unit_test(test_bounds),
	    cmocka_unit_test(test_spaces), cmocka_unit_test(test_format),
	    cmocka_unit_test(test_bad),    cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
