/* test_core.c: the capped buffer, ISO 8601 times and error messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/xalloc.h"

static void test_buf_grows_and_caps(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_adds(&b, "12345"), 0);
	assert_int_equal(buf_printf(&b, "%d", 6789), 0);
	assert_string_equal(buf_str(&b), "123456789");
	/* one more byte fits, two do not: the maximum holds and nothing is appended */
	assert_int_equal(buf_adds(&b, "ab"), ERR_INPUT);
	assert_string_equal(buf_str(&b), "123456789");
	assert_int_equal(buf_addc(&b, 'x'), 0);
	assert_int_equal(b.len, 10);
	buf_free(&b);
	assert_string_equal(buf_str(&b), "");
}

static void test_buf_take(void **state)
{
	struct buf b;
	char *s;

	(void)state;
	buf_init(&b, BUF_MAX_DEFAULT);
	s = buf_take(&b);
	assert_string_equal(s, "");
	free(s);
	buf_adds(&b, "kans");
	s = buf_take(&b);
	assert_string_equal(s, "kans");
	assert_int_equal(b.len, 0);
	free(s);
}

static void test_time_parse_forms(void **state)
{
	int64_t t, u;
	char out[32];

	(void)state;
	assert_int_equal(time_parse("2019-12-18T10:00:00Z", &t, NULL), 0);
	assert_int_equal(t, 1576663200);
	time_format(t, out, sizeof(out));
	assert_string_equal(out, "2019-12-18T10:00:00Z");
	assert_int_equal(time_parse("2019-12-18T11:00:00+01:00", &u, NULL), 0);
	assert_int_equal(u, t);
	assert_int_equal(time_parse("2019-12-18", &u, NULL), 0);
	assert_int_equal(u, t - 10 * 3600);
	assert_int_equal(time_parse("2019-12-18T10:00", &u, NULL), 0);
	assert_int_equal(u, t);
	assert_int_equal(time_parse("2019-12-18T10:00:00.250Z", &u, NULL), 0);
	assert_int_equal(u, t);
	assert_int_equal(time_parse("2020-02-29", &u, NULL), 0);
	time_format_compact_date(t, out, sizeof(out));
	assert_string_equal(out, "20191218");
}

static void test_time_parse_refuses(void **state)
{
	static const char *bad[] = {"",
	                            "2019",
	                            "2019-13-01",
	                            "2019-02-30",
	                            "2019-12-18T25:00",
	                            "2019-12-18X",
	                            "2019-12-18T10:00:00Q",
	                            "18-12-2019",
	                            "2019-1-1",
	                            "2019-12-18T10:00:00+1"};
	struct err e = {0, ""};
	int64_t t;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(time_parse(bad[i], &t, &e), ERR_INPUT);
		assert_non_null(strstr(e.msg, "ISO 8601"));
	}
}

static void test_err_wrap_prefixes(void **state)
{
	struct err e;

	(void)state;
	assert_int_equal(err_set(&e, ERR_INPUT, "field %s: bad", "version"), ERR_INPUT);
	assert_int_equal(err_wrap(&e, "%s:%d: ", "inv.csv", 3), ERR_INPUT);
	assert_string_equal(e.msg, "inv.csv:3: field version: bad");
	assert_int_equal(err_exit_status(ERR_USAGE), 2);
	assert_int_equal(err_exit_status(ERR_NOTFOUND), 1);
	assert_int_equal(err_exit_status(ERR_OK), 0);
}

static void test_strlcpy_safe_truncates(void **state)
{
	char small[4];

	(void)state;
	assert_int_equal(strlcpy_safe(small, "abcdef", sizeof(small)), 6);
	assert_string_equal(small, "abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buf_grows_and_caps),
	    cmocka_unit_test(test_buf_take),
	    cmocka_unit_test(test_time_parse_forms),
	    cmocka_unit_test(test_time_parse_refuses),
	    cmocka_unit_test(test_err_wrap_prefixes),
	    cmocka_unit_test(test_strlcpy_safe_truncates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
