/* test_prefix.c: longest-prefix match: nested blocks, IPv4 and IPv6 in one table, edges of the
 * address space, equal blocks, and every lookup against a brute-force scan of the blocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "domain/cidr.h"
#include "domain/prefix.h"

static void block(struct prefix_block *b, const char *text, uint32_t value)
{
	struct cidr c;

	assert_int_equal(cidr_parse(text, &c, NULL), 0);
	memcpy(b->addr, c.addr, 16);
	b->prefix = c.prefix;
	b->value = value;
}

static uint32_t look(const struct prefix_table *t, const char *ip)
{
	unsigned char a[16];

	assert_int_equal(ip_parse(ip, a, NULL, NULL), 0);
	return prefix_lookup(t, a);
}

static void test_nested(void **state)
{
	struct prefix_block b[5];
	struct prefix_table *t;

	(void)state;
	block(&b[0], "198.51.0.0/16", 1);   /* the ministry */
	block(&b[1], "198.51.100.0/24", 2); /* its agency, inside */
	block(&b[2], "198.51.100.128/25", 3);
	block(&b[3], "2001:db8::/32", 4);
	block(&b[4], "2001:db8:e::/48", 5);
	assert_int_equal(prefix_build(b, 5, &t, NULL), 0);
	assert_int_equal(look(t, "198.51.7.9"), 1);
	assert_int_equal(look(t, "198.51.100.7"), 2);
	assert_int_equal(look(t, "198.51.100.200"), 3);
	assert_int_equal(look(t, "198.51.101.0"), 1);
	assert_int_equal(look(t, "198.51.99.255"), 1);
	assert_int_equal(look(t, "198.51.255.255"), 1);
	assert_int_equal(look(t, "198.52.0.0"), PREFIX_NONE);
	assert_int_equal(look(t, "198.50.255.255"), PREFIX_NONE);
	assert_int_equal(look(t, "203.0.113.200"), PREFIX_NONE);
	assert_int_equal(look(t, "2001:db8:e:1::5"), 5);
	assert_int_equal(look(t, "2001:db8:f::1"), 4);
	assert_int_equal(look(t, "2001:db9::1"), PREFIX_NONE);
	assert_int_equal(look(t, "::ffff:198.51.100.7"), 2);
	assert_int_equal(prefix_lookup_v4(t, 0xc6336407), 2);
	prefix_free(t);
}

static void test_edges(void **state)
{
	struct prefix_block b[4];
	struct prefix_table *t;

	(void)state;
	block(&b[0], "0.0.0.0/0", 1);
	block(&b[1], "255.255.255.255/32", 2);
	block(&b[2], "0.0.0.0/32", 3);
	block(&b[3], "::/0", 4);
	assert_int_equal(prefix_build(b, 4, &t, NULL), 0);
	assert_int_equal(look(t, "0.0.0.0"), 3);
	assert_int_equal(look(t, "0.0.0.1"), 1);
	assert_int_equal(look(t, "255.255.255.254"), 1);
	assert_int_equal(look(t, "255.255.255.255"), 2);
	assert_int_equal(look(t, "::1"), 4);
	assert_int_equal(look(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), 4);
	prefix_free(t);
	/* nothing registered: nothing found */
	assert_int_equal(prefix_build(NULL, 0, &t, NULL), 0);
	assert_int_equal(look(t, "10.0.0.1"), PREFIX_NONE);
	assert_int_equal(look(t, "2001:db8::1"), PREFIX_NONE);
	prefix_free(t);
}

static void test_equal_blocks_last_wins(void **state)
{
	struct prefix_block b[3];
	struct prefix_table *t;

	(void)state;
	block(&b[0], "10.0.0.0/8", 1);
	block(&b[1], "10.1.0.0/16", 2);
	block(&b[2], "10.1.0.0/16", 3);
	assert_int_equal(prefix_build(b, 3, &t, NULL), 0);
	assert_int_equal(look(t, "10.1.2.3"), 3);
	assert_int_equal(look(t, "10.2.0.0"), 1);
	prefix_free(t);
}

static void test_refuses_bad_blocks(void **state)
{
	struct prefix_block b = {{0}, 129, 1};
	struct prefix_table *t = NULL;
	struct err e;

	(void)state;
	assert_int_equal(prefix_build(&b, 1, &t, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "prefix 129"));
	assert_null(t);
	b.prefix = 8;
	b.value = PREFIX_NONE;
	assert_int_equal(prefix_build(&b, 1, &t, &e), ERR_INPUT);
}

static uint64_t seed = 7;
static uint64_t rnd(void)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return seed >> 17;
}

/* The most specific block holding a, by looking at every block. */
static uint32_t brute(const struct prefix_block *b, size_t n, const unsigned char a[16])
{
	int best = -1;
	uint32_t v = PREFIX_NONE;

	for (size_t i = 0; i < n; i++) {
		struct cidr c;
		memcpy(c.addr, b[i].addr, 16);
		c.prefix = b[i].prefix;
		if (cidr_contains(&c, a) && b[i].prefix >= best) {
			best = b[i].prefix;
			v = b[i].value;
		}
	}
	return v;
}

static void test_random_against_brute_force(void **state)
{
	enum {
		N = 600,
		Q = 20000
	};
	struct prefix_block *b = calloc(N, sizeof(*b));
	struct prefix_table *t;

	(void)state;
	for (size_t i = 0; i < N; i++) {
		int v6 = rnd() % 4 == 0;
		memset(b[i].addr, 0, 16);
		if (v6) {
			b[i].addr[0] = 0x20;
			b[i].addr[1] = 0x01;
			b[i].addr[2] = (unsigned char)(rnd() % 4);
			b[i].addr[3] = (unsigned char)(rnd() % 4);
			b[i].addr[4] = (unsigned char)(rnd() % 4);
			b[i].prefix = 16 + (int)(rnd() % 40);
		} else {
			b[i].addr[10] = b[i].addr[11] = 0xff;
			b[i].addr[12] = (unsigned char)(10 + rnd() % 3);
			b[i].addr[13] = (unsigned char)(rnd() % 8);
			b[i].addr[14] = (unsigned char)rnd();
			b[i].addr[15] = (unsigned char)rnd();
			b[i].prefix = 96 + 8 + (int)(rnd() % 25);
		}
		/* clear the host bits: equal blocks must compare equal in brute() too */
		for (int bit = b[i].prefix; bit < 128; bit++)
			b[i].addr[bit / 8] &= (unsigned char)~(0x80 >> (bit % 8));
		b[i].value = (uint32_t)i;
	}
	/* the brute force lets the later of two equal blocks win, as prefix_build does */
	assert_int_equal(prefix_build(b, N, &t, NULL), 0);
	for (int q = 0; q < Q; q++) {
		unsigned char a[16];
		const struct prefix_block *src = &b[rnd() % N];
		memcpy(a, src->addr, 16);
		for (int bit = src->prefix; bit < 128; bit++)
			if (rnd() & 1)
				a[bit / 8] ^= (unsigned char)(0x80 >> (bit % 8));
		if (q % 5 == 0) /* sometimes just outside */
			a[15] ^= 1, a[src->prefix / 8 < 16 ? src->prefix / 8 : 15] ^= 0x40;
		assert_int_equal(prefix_lookup(t, a), brute(b, N, a));
	}
	prefix_free(t);
	free(b);
}

/* Many ranges in one /16 (the IPv4 table's bucket searched, not answered at once), around
 * and beside buckets without any, each address against the brute force, by both lookups. */
static void test_dense_bucket(void **state)
{
	enum {
		N = 1500
	};
	struct prefix_block *b = calloc(N, sizeof(*b));
	struct prefix_table *t;

	(void)state;
	for (size_t i = 0; i < N; i++) {
		b[i].addr[10] = b[i].addr[11] = 0xff;
		b[i].addr[12] = 10;
		b[i].addr[13] = i == 0 ? 0 : (unsigned char)(1 + rnd() % 2);
		b[i].addr[14] = (unsigned char)rnd();
		b[i].addr[15] = (unsigned char)(rnd() & 0xf0);
		b[i].prefix = i == 0 ? 96 + 12 : 96 + 20 + (int)(rnd() % 9);
		for (int bit = b[i].prefix; bit < 128; bit++)
			b[i].addr[bit / 8] &= (unsigned char)~(0x80 >> (bit % 8));
		b[i].value = (uint32_t)i;
	}
	assert_int_equal(prefix_build(b, N, &t, NULL), 0);
	for (uint32_t x = 0x0a000000u; x < 0x0a040000u; x += 7) {
		unsigned char a[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		a[12] = (unsigned char)(x >> 24);
		a[13] = (unsigned char)(x >> 16);
		a[14] = (unsigned char)(x >> 8);
		a[15] = (unsigned char)x;
		assert_int_equal(prefix_lookup(t, a), brute(b, N, a));
		assert_int_equal(prefix_lookup_v4(t, x), brute(b, N, a));
	}
	prefix_free(t);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nested),
	    cmocka_unit_test(test_edges),
	    cmocka_unit_test(test_equal_blocks_last_wins),
	    cmocka_unit_test(test_refuses_bad_blocks),
	    cmocka_unit_test(test_random_against_brute_force),
	    cmocka_unit_test(test_dense_bucket),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
