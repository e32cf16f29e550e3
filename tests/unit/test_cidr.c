/* test_cidr.c: unit tests for domain/cidr, cross-checked against the libc's inet_pton/ntop. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "domain/cidr.h"

/* Addresses both we and inet_pton accept. */
static const char *const valid_v4[] = {
    "0.0.0.0",      "1.2.3.4", "10.0.0.0",  "255.255.255.255", "192.0.2.1",    "100.64.0.1",
    "172.16.254.3", "8.8.8.8", "127.0.0.1", "203.0.113.255",   "1.10.100.200", "0.255.0.255",
};

static const char *const valid_v6[] = {
    "::",
    "::1",
    "1::",
    "2001:db8::",
    "2001:db8::1",
    "2001:DB8::1",
    "2001:0db8:0000:0000:0000:0000:0000:0001",
    "fe80::1:2",
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7::",
    "::2:3:4:5:6:7:8",
    "1::8",
    "1:2::7:8",
    "1:0:0:0:0:0:0:8",
    "0:0:0:0:0:0:0:0",
    "::ffff:1.2.3.4",
    "::ffff:0.0.0.0",
    "::FFFF:255.255.255.255",
    "::1.2.3.4",
    "1:2:3:4:5:6:1.2.3.4",
    "1::1.2.3.4",
    "64:ff9b::192.0.2.33",
    "2001:db8:0:0:1:0:0:1",
    "abcd:ef01:2345:6789:ABCD:EF01:2345:6789",
    "0001:0002:0003:0004:0005:0006:0007:0008",
};

/* Text that both we and inet_pton refuse (as an address of either family). */
static const char *const invalid[] = {
    "",
    " ",
    "1.2.3",
    "1.2.3.4.5",
    "1.2.3.4.",
    ".1.2.3.4",
    "1..2.3",
    "256.1.1.1",
    "300.1.1.0",
    "1.2.3.1000",
    "01.2.3.4",
    "1.2.3.04",
    "000.1.2.3",
    "0x1.2.3.4",
    "1.2.3.a",
    "1.2.3.4 ",
    " 1.2.3.4",
    "-1.2.3.4",
    "1.2.3.+4",
    "hello",
    "1",
    "1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:8:9",
    "1::2::3",
    "::1::",
    ":::",
    "1:::2",
    ":1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8:",
    "::1:",
    ":",
    "12345::",
    "00001::",
    "1::2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7::8",
    "::1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:1.2.3.4",
    "1:2:3:4:5:6::1.2.3.4",
    "::ffff:1.2.3",
    "::ffff:1.2.3.4.5",
    "::ffff:01.2.3.4",
    "::ffff:256.1.1.1",
    "1.2.3.4::",
    "::1.2.3.4:1",
    "fe80::1%eth0",
    "[::1]",
    "g::",
    "::g",
    "1:2:3:4:5:6:7:8 ",
    "::ffff:1.2.3.a",
};

static void pton_any(const char *s, unsigned char want[16], int *ok)
{
	unsigned char b[16];

	*ok = 0;
	if (inet_pton(AF_INET, s, b) == 1) {
		memset(want, 0, 16);
		want[10] = want[11] = 0xff;
		memcpy(want + 12, b, 4);
		*ok = 1;
	} else if (inet_pton(AF_INET6, s, b) == 1) {
		memcpy(want, b, 16);
		*ok = 1;
	}
}

static void test_valid_match_inet_pton(void **state)
{
	unsigned char got[16], want[16];
	struct err e = {0};
	int ok, v4;

	(void)state;
	for (size_t i = 0; i < sizeof(valid_v4) / sizeof(valid_v4[0]); i++) {
		pton_any(valid_v4[i], want, &ok);
		assert_true(ok);
		assert_int_equal(ip_parse(valid_v4[i], got, &v4, &e), 0);
		assert_memory_equal(got, want, 16);
		assert_int_equal(v4, 1);
	}
	for (size_t i = 0; i < sizeof(valid_v6) / sizeof(valid_v6[0]); i++) {
		pton_any(valid_v6[i], want, &ok);
		assert_true(ok);
		if (ip_parse(valid_v6[i], got, &v4, &e) != 0)
			fail_msg("%s: %s", valid_v6[i], e.msg);
		assert_memory_equal(got, want, 16);
		assert_int_equal(v4, memcmp(want, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0);
	}
}

static void test_invalid_match_inet_pton(void **state)
{
	unsigned char got[16], want[16];
	struct cidr c;
	struct err e = {0};
	int ok;

	(void)state;
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		pton_any(invalid[i], want, &ok);
		if (ok)
			fail_msg("inet_pton accepts \"%s\"", invalid[i]);
		e.msg[0] = '\0';
		if (ip_parse(invalid[i], got, NULL, &e) != ERR_INPUT)
			fail_msg("ip_parse accepts \"%s\"", invalid[i]);
		assert_int_equal(e.code, ERR_INPUT);
		assert_non_null(strstr(e.msg, "bad IP address \""));
		for (int k = 0; k < 16; k++)
			assert_int_equal(got[k], 0);
		if (cidr_parse(invalid[i], &c, &e) != ERR_INPUT)
			fail_msg("cidr_parse accepts \"%s\"", invalid[i]);
		assert_non_null(strstr(e.msg, "bad CIDR \""));
	}
}

/* Expects cidr_parse to refuse text with exactly this message. */
static void expect_cidr_err(const char *text, const char *msg)
{
	struct cidr c;
	struct err e = {0};

	if (cidr_parse(text, &c, &e) != ERR_INPUT)
		fail_msg("accepted \"%s\"", text);
	assert_int_equal(e.code, ERR_INPUT);
	assert_string_equal(e.msg, msg);
	assert_int_equal(c.prefix, 0);
}

static void test_cidr_errors(void **state)
{
	(void)state;
	expect_cidr_err("300.1.1.0/24", "bad CIDR \"300.1.1.0/24\": octet 300 is over 255");
	expect_cidr_err("1.2.3.4000/32", "bad CIDR \"1.2.3.4000/32\": octet 4000 is over 255");
	expect_cidr_err("10.0.0.1/8", "bad CIDR \"10.0.0.1/8\": host bits are set; did you mean "
	                              "10.0.0.0/8?");
	expect_cidr_err("192.168.1.77/26", "bad CIDR \"192.168.1.77/26\": host bits are set; did "
	                                   "you mean 192.168.1.64/26?");
	expect_cidr_err("2001:db8::1/32", "bad CIDR \"2001:db8::1/32\": host bits are set; did you "
	                                  "mean 2001:db8::/32?");
	expect_cidr_err("010.0.0.0/8", "bad CIDR \"010.0.0.0/8\": octet \"010\" has a leading "
	                               "zero (ambiguous: octal or decimal?)");
	expect_cidr_err("10.0.0.0/33", "bad CIDR \"10.0.0.0/33\": prefix length 33 is over 32 for "
	                               "IPv4");
	expect_cidr_err("::/129", "bad CIDR \"::/129\": prefix length 129 is over 128");
	expect_cidr_err("::/99999999", "bad CIDR \"::/99999999\": prefix length 99999999 is over "
	                               "128");
	expect_cidr_err("10.0.0.0/", "bad CIDR \"10.0.0.0/\": missing prefix length after '/'");
	expect_cidr_err("/8", "bad CIDR \"/8\": missing address before '/'");
	expect_cidr_err("10.0.0.0/08", "bad CIDR \"10.0.0.0/08\": prefix length \"08\" has a "
	                               "leading zero");
	expect_cidr_err("10.0.0.0/8/8", "bad CIDR \"10.0.0.0/8/8\": unexpected character '/' in "
	                                "the prefix length");
	expect_cidr_err("10.0.0.0/-1", "bad CIDR \"10.0.0.0/-1\": unexpected character '-' in the "
	                               "prefix length");
	expect_cidr_err("10.0.0.0/ 8", "bad CIDR \"10.0.0.0/ 8\": unexpected white space in the "
	                               "prefix length");
	expect_cidr_err("", "bad CIDR \"\": empty");
	expect_cidr_err("garbage", "bad CIDR \"garbage\": unexpected character 'g'");
	expect_cidr_err("10.0.0/8", "bad CIDR \"10.0.0/8\": expected 4 octets in an IPv4 address, "
	                            "got 3");
	expect_cidr_err("10..0.0/8", "bad CIDR \"10..0.0/8\": empty octet 2");
	expect_cidr_err("1::2::/64", "bad CIDR \"1::2::/64\": more than one \"::\"");
	expect_cidr_err("1:2:3:4:5:6:7:8:9/128", "bad CIDR \"1:2:3:4:5:6:7:8:9/128\": more than 8 "
	                                         "groups");
	expect_cidr_err("1:2:3:4:5:6:7::8/128", "bad CIDR \"1:2:3:4:5:6:7::8/128\": too many "
	                                        "groups: \"::\" must stand for at least one "
	                                        "zero group");
	expect_cidr_err("1:2:3/48", "bad CIDR \"1:2:3/48\": too few groups: expected 8, got 3");
	expect_cidr_err("12345::/16", "bad CIDR \"12345::/16\": group \"12345\" has more than 4 "
	                              "hex digits");
	expect_cidr_err("fe80::1%eth0/128", "bad CIDR \"fe80::1%eth0/128\": a zone index "
	                                    "(\"%...\") is not allowed");
	expect_cidr_err(":::/0", "bad CIDR \":::/0\": \":::\" is not allowed");
	expect_cidr_err(":1::/16", "bad CIDR \":1::/16\": an IPv6 address starts with a single "
	                           "':'");
	expect_cidr_err("1:/16", "bad CIDR \"1:/16\": an IPv6 address ends with a single ':'");
	expect_cidr_err("::ffff:1.2.3.4/120", "bad CIDR \"::ffff:1.2.3.4/120\": host bits are "
	                                      "set; did you mean 1.2.3.0/24?");
	expect_cidr_err("1.2.3.4\n", "bad CIDR \"1.2.3.4\\x0a\": unexpected white space");
	expect_cidr_err("1.2.3.\x01", "bad CIDR \"1.2.3.\\x01\": unexpected character '\\x01'");
	expect_cidr_err("\"1.2.3.4\"", "bad CIDR \"\\\"1.2.3.4\\\"\": unexpected character "
	                               "'\"'");
}

static void test_long_text_quoted_short(void **state)
{
	char big[4096];
	struct cidr c;
	struct err e = {0};

	(void)state;
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(cidr_parse(big, &c, &e), ERR_INPUT);
	assert_true(strlen(e.msg) < 200);
	assert_non_null(strstr(e.msg, "...\": octet 1111"));
	big[5] = ':';
	assert_int_equal(cidr_parse(big, &c, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "has more than 4 hex digits"));
	assert_true(cidr_parse(NULL, &c, &e) == ERR_INPUT);
	assert_string_equal(e.msg, "bad CIDR \"\": empty");
	assert_int_equal(cidr_parse("1.2.3.4", &c, NULL), 0);
	assert_int_equal(cidr_parse("1.2.3", &c, NULL), ERR_INPUT);
}

/* Parses text, expects success, and compares the canonical form. */
static void expect_canon(const char *text, const char *canon, int prefix, int v4)
{
	struct cidr c, again;
	struct err e = {0};
	char buf[CIDR_TEXT_MAX];

	if (cidr_parse(text, &c, &e) != 0)
		fail_msg("%s: %s", text, e.msg);
	assert_int_equal(c.prefix, prefix);
	assert_int_equal(c.v4, v4);
	assert_int_equal(cidr_format(&c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, canon);
	assert_int_equal(cidr_parse(buf, &again, &e), 0);
	assert_memory_equal(&again, &c, sizeof(c));
}

static void test_parse_and_format(void **state)
{
	(void)state;
	expect_canon("10.0.0.0/8", "10.0.0.0/8", 104, 1);
	expect_canon("0.0.0.0/0", "0.0.0.0/0", 96, 1);
	expect_canon("192.0.2.1", "192.0.2.1/32", 128, 1);
	expect_canon("255.255.255.255/32", "255.255.255.255/32", 128, 1);
	expect_canon("2001:db8::/32", "2001:db8::/32", 32, 0);
	expect_canon("2001:DB8:0:0::/32", "2001:db8::/32", 32, 0);
	expect_canon("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1/128", 128, 0);
	expect_canon("::/0", "::/0", 0, 0);
	expect_canon("::", "::/128", 128, 0);
	expect_canon("::1", "::1/128", 128, 0);
	expect_canon("1::", "1::/128", 128, 0);
	/* RFC 5952 4.2.2: one zero group is not shortened */
	expect_canon("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1/128", 128, 0);
	/* RFC 5952 4.2.3: the longest run; the first of equal runs */
	expect_canon("2001:0:0:1:0:0:0:1", "2001:0:0:1::1/128", 128, 0);
	expect_canon("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1/128", 128, 0);
	expect_canon("1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0/128", 128, 0);
	/* IPv4-mapped text is IPv4 */
	expect_canon("::ffff:1.2.3.4", "1.2.3.4/32", 128, 1);
	expect_canon("::ffff:10.0.0.0/104", "10.0.0.0/8", 104, 1);
	expect_canon("::ffff:0:0/96", "0.0.0.0/0", 96, 1);
	expect_canon("::ffff:a00:1", "10.0.0.1/32", 128, 1);
}

static void test_mapped_below_96(void **state)
{
	struct cidr c;

	(void)state;
	/* ::ffff:0:0/95 has the lowest ffff bit under the host part */
	assert_int_equal(cidr_parse("::ffff:0:0/95", &c, NULL), ERR_INPUT);
	assert_int_equal(cidr_parse("::fffe:0:0/95", &c, NULL), 0);
	assert_int_equal(c.v4, 0);
	assert_int_equal(cidr_parse("::/80", &c, NULL), 0);
	assert_int_equal(c.v4, 0);
	/* IPv4-compatible (deprecated) addresses stay IPv6 */
	assert_int_equal(cidr_parse("::1.2.3.4", &c, NULL), 0);
	assert_int_equal(c.v4, 0);
}

static void test_format_errors(void **state)
{
	struct cidr c;
	char buf[CIDR_TEXT_MAX];
	unsigned char a[16];

	(void)state;
	assert_int_equal(cidr_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", &c, NULL), 0);
	assert_int_equal(cidr_format(&c, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	assert_int_equal(cidr_format(&c, buf, strlen(buf)), ERR_INPUT);
	assert_string_equal(buf, "");
	assert_int_equal(cidr_format(&c, buf, 0), ERR_INPUT);
	c.prefix = 129;
	assert_int_equal(cidr_format(&c, buf, sizeof(buf)), ERR_INPUT);
	c.prefix = -1;
	assert_int_equal(cidr_format(&c, buf, sizeof(buf)), ERR_INPUT);
	assert_int_equal(ip_parse("192.0.2.10", a, NULL, NULL), 0);
	assert_int_equal(ip_format(a, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "192.0.2.10");
	assert_int_equal(ip_format(a, buf, 10), ERR_INPUT);
	assert_string_equal(buf, "");
	assert_int_equal(ip_format(a, buf, 11), 0);
	assert_int_equal(ip_parse("2001:db8::7", a, NULL, NULL), 0);
	assert_int_equal(ip_format(a, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2001:db8::7");
}

static void test_ip_parse_refuses_prefix(void **state)
{
	unsigned char a[16];
	struct err e = {0};
	int v4 = 7;

	(void)state;
	assert_int_equal(ip_parse("10.0.0.0/8", a, &v4, &e), ERR_INPUT);
	assert_string_equal(e.msg, "bad IP address \"10.0.0.0/8\": unexpected character '/'");
	assert_int_equal(v4, 0);
	assert_int_equal(ip_parse(NULL, a, &v4, &e), ERR_INPUT);
	assert_string_equal(e.msg, "bad IP address \"\": empty");
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

/* Random addresses with many zero groups: inet_ntop text parses back to the same bytes, our
 * text is what inet_ntop writes (outside ::/96, where glibc prefers a dotted tail), and
 * inet_pton reads our text back to the same bytes. */
static void test_random_round_trip(void **state)
{
	(void)state;
	for (int n = 0; n < 20000; n++) {
		unsigned char a[16], b[16];
		char theirs[INET6_ADDRSTRLEN], ours[CIDR_TEXT_MAX];
		int v4;

		for (int k = 0; k < 8; k++) {
			uint32_t r = rnd();
			unsigned int w = (r & 3) == 0 ? (r >> 8) & 0xffff : (r & 3) == 1 ? 1 : 0;

			a[2 * k] = (unsigned char)(w >> 8);
			a[2 * k + 1] = (unsigned char)w;
		}
		if (n % 5 == 0) {
			memset(a, 0, 10);
			a[10] = a[11] = 0xff;
		}
		assert_non_null(inet_ntop(AF_INET6, a, theirs, sizeof(theirs)));
		if (ip_parse(theirs, b, &v4, NULL) != 0)
			fail_msg("refused %s", theirs);
		assert_memory_equal(a, b, 16);
		assert_int_equal(ip_format(a, ours, sizeof(ours)), 0);
		if (v4) {
			assert_int_equal(inet_pton(AF_INET, ours, b + 12), 1);
		} else {
			assert_int_equal(inet_pton(AF_INET6, ours, b), 1);
			if (memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0", 12) != 0)
				assert_string_equal(ours, theirs);
		}
		assert_memory_equal(a, b, 16);
	}
}

/* Whether net holds the address or netblock inner, for cidr_contains and cidr_contains_cidr. */
struct contains_case {
	const char *net, *inner;
	int in;
};

static void test_contains(void **state)
{
	static const struct contains_case addr[] = {
	    {"10.0.0.0/8", "10.255.1.2", 1},
	    {"10.0.0.0/8", "11.0.0.0", 0},
	    {"10.0.0.0/8", "::ffff:10.1.1.1", 1},
	    {"10.0.0.0/8", "::a01:101", 0},
	    {"192.168.1.64/26", "192.168.1.127", 1},
	    {"192.168.1.64/26", "192.168.1.128", 0},
	    {"192.168.1.64/26", "192.168.1.63", 0},
	    /* 0.0.0.0/0 is all of IPv4 and nothing of the rest */
	    {"0.0.0.0/0", "2001:db8::1", 0},
	    {"::/0", "2001:db8::1", 1},
	    {"::/0", "1.2.3.4", 1},
	};
	static const struct contains_case block[] = {
	    {"2001:db8::/32", "2001:db8:1::/48", 1}, {"2001:db8:1::/48", "2001:db8::/32", 0},
	    {"2001:db8::/32", "2001:db8::/32", 1},   {"2001:db8::/32", "2001:db9::/48", 0},
	    {"2001:db8::/32", "2001:db8::/31", 0},   {"10.0.0.0/8", "10.20.0.0/16", 1},
	    {"10.0.0.0/8", "10.20.30.40", 1},
	};
	struct cidr net, in;
	unsigned char a[16];

	(void)state;
	for (size_t i = 0; i < sizeof(addr) / sizeof(addr[0]); i++) {
		assert_int_equal(cidr_parse(addr[i].net, &net, NULL), 0);
		assert_int_equal(ip_parse(addr[i].inner, a, NULL, NULL), 0);
		if (cidr_contains(&net, a) != addr[i].in)
			fail_msg("%s holds %s: expected %d", addr[i].net, addr[i].inner,
			         addr[i].in);
	}
	for (size_t i = 0; i < sizeof(block) / sizeof(block[0]); i++) {
		assert_int_equal(cidr_parse(block[i].net, &net, NULL), 0);
		assert_int_equal(cidr_parse(block[i].inner, &in, NULL), 0);
		if (cidr_contains_cidr(&net, &in) != block[i].in)
			fail_msg("%s holds %s: expected %d", block[i].net, block[i].inner,
			         block[i].in);
	}

	/* a prefix length out of range holds nothing */
	assert_int_equal(cidr_parse("10.0.0.0/8", &net, NULL), 0);
	assert_int_equal(cidr_parse("10.20.30.40", &in, NULL), 0);
	assert_int_equal(ip_parse("10.20.30.40", a, NULL, NULL), 0);
	assert_true(cidr_contains(&net, a));
	net.prefix = 200;
	assert_false(cidr_contains(&net, a));
	assert_false(cidr_contains_cidr(&in, &net));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_match_inet_pton),
	    cmocka_unit_test(test_invalid_match_inet_pton),
	    cmocka_unit_test(test_cidr_errors),
	    cmocka_unit_test(test_long_text_quoted_short),
	    cmocka_unit_test(test_parse_and_format),
	    cmocka_unit_test(test_mapped_below_96),
	    cmocka_unit_test(test_format_errors),
	    cmocka_unit_test(test_ip_parse_refuses_prefix),
	    cmocka_unit_test(test_random_round_trip),
	    cmocka_unit_test(test_contains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
