/* test_rangeset.c: the union of version ranges, exact and widened. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "domain/range.h"
#include "domain/rangeset.h"

static void union_is(const char *const *pieces, size_t n, const char *want)
{
	struct buf b;
	struct err e = {0};

	buf_init(&b, 1 << 16);
	assert_int_equal(rangeset_union(pieces, n, &b, &e), 0);
	assert_string_equal(buf_str(&b), want);
	buf_free(&b);
}

static void test_union_exact(void **state)
{
	(void)state;
	union_is((const char *[]){"1.0", "1.1", "1.2"}, 3, "1.0|1.1|1.2");
	union_is((const char *[]){">=13.0|<13.0.47.24", ">=12.1|<12.1.55.18"}, 2,
	         ">=12.1|<12.1.55.18|>=13.0|<13.0.47.24");
	/* overlapping and touching intervals merge */
	union_is((const char *[]){">=1.0|<2.0", ">=1.5|<3.0"}, 2, ">=1.0|<3.0");
	union_is((const char *[]){">=1.0|<2.0", ">=2.0|<3.0"}, 2, ">=1.0|<3.0");
	union_is((const char *[]){">=1.0|<2.0", "2.0"}, 2, ">=1.0|<=2.0");
	/* a version inside an interval adds nothing */
	union_is((const char *[]){">=1.0|<2.0", "1.5"}, 2, ">=1.0|<2.0");
	/* open ends */
	union_is((const char *[]){"<1.0", ">=2.0"}, 2, "<1.0|>=2.0");
	union_is((const char *[]){"<2.0", ">=1.0"}, 2, "*");
	union_is((const char *[]){"<1.0", ">1.0"}, 2, "!=1.0");
	union_is((const char *[]){"*", "1.0"}, 2, "*");
	union_is((const char *[]){"9.0R3.3"}, 1, "9.0R3.3");
	union_is(NULL, 0, "");
}

static void test_union_refuses_bad_piece(void **state)
{
	struct buf b;
	struct err e = {0};

	(void)state;
	buf_init(&b, 1 << 16);
	assert_int_equal(rangeset_union((const char *[]){"1.0", ">=1||<2"}, 2, &b, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "range 2 of 2"));
	buf_free(&b);
}

static void test_cover_widens(void **state)
{
	char versions[200][16];
	const char *pieces[200];
	struct buf b;
	struct range r;
	int widened = -1;

	(void)state;
	/* 200 single builds of two branches: too many constraints for one range */
	for (int i = 0; i < 200; i++) {
		snprintf(versions[i], sizeof(versions[i]), "%s.%d", i < 100 ? "12.2" : "15.0",
		         i % 100);
		pieces[i] = versions[i];
	}
	buf_init(&b, 1 << 16);
	assert_int_equal(rangeset_union(pieces, 200, &b, NULL), ERR_INPUT);
	buf_reset(&b);
	assert_int_equal(rangeset_cover(pieces, 200, &b, &widened, NULL), 0);
	assert_int_equal(widened, 1);
	assert_string_equal(buf_str(&b), ">=12.2.0|<=12.2.99|>=15.0.0|<=15.0.99");
	assert_int_equal(range_parse(buf_str(&b), &r, NULL), 0);
	assert_true(range_contains(&r, "12.2.50"));
	assert_false(range_contains(&r, "13.0"));
	range_free(&r);
	/* what fits stays exact */
	buf_reset(&b);
	assert_int_equal(rangeset_cover(pieces, 3, &b, &widened, NULL), 0);
	assert_int_equal(widened, 0);
	assert_string_equal(buf_str(&b), "12.2.0|12.2.1|12.2.2");
	buf_free(&b);
}

static void test_union_contains_every_piece(void **state)
{
	const char *pieces[] = {">=8.2|<8.2R12.1", ">=8.3|<8.3R7.1", "9.0R3.3", ">=9.1|<=9.1R2"};
	const char *probe[] = {"8.2R1",   "8.2R12", "8.2R12.1", "8.3R7.1", "9.0R3.3",
	                       "9.0R3.4", "9.1",    "9.1R2",    "9.1R2.1", "7.0"};
	struct buf b;
	struct range u, p;

	(void)state;
	buf_init(&b, 1 << 16);
	assert_int_equal(rangeset_union(pieces, 4, &b, NULL), 0);
	assert_int_equal(range_parse(buf_str(&b), &u, NULL), 0);
	for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
		int any = 0;
		for (size_t j = 0; j < 4; j++) {
			assert_int_equal(range_parse(pieces[j], &p, NULL), 0);
			any |= range_contains(&p, probe[i]);
			range_free(&p);
		}
		assert_int_equal(range_contains(&u, probe[i]), any);
	}
	range_free(&u);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_union_exact),
	    cmocka_unit_test(test_union_refuses_bad_piece),
	    cmocka_unit_test(test_cover_widens),
	    cmocka_unit_test(test_union_contains_every_piece),
	};
	return cmocka_run_group_tests_name("rangeset", tests, NULL, NULL);
}
