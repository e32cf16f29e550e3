/* test_field.c: the field checks and conversions the model modules share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "model/field.h"
#include "testdb.h"

static void test_id_ok(void **state)
{
	static const struct {
		const char *id;
		int ok;
	} cases[] = {
	    {"min-a", 1}, {"a", 1},     {"0day", 1},        {"x.y_z-1", 1}, {"", 0},
	    {"-a", 0},    {".a", 0},    {"_a", 0},          {"Min-a", 0},   {"min-A", 0},
	    {"min a", 0}, {"min/a", 0}, {"caf\xc3\xa9", 0},
	};
	char longest[66];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (field_id_ok(cases[i].id) != cases[i].ok)
			fail_msg("\"%s\": expected %d", cases[i].id, cases[i].ok);
	memset(longest, 'a', 64);
	longest[64] = '\0';
	assert_int_equal(field_id_ok(longest), 1);
	longest[64] = 'a';
	longest[65] = '\0';
	assert_int_equal(field_id_ok(longest), 0);
}

static void test_text(void **state)
{
	struct err e = {0, ""};

	(void)state;
	assert_int_equal(field_has_text(NULL), 0);
	assert_int_equal(field_has_text(""), 0);
	assert_int_equal(field_has_text(" \t\n"), 0);
	assert_int_equal(field_has_text(" x "), 1);
	assert_int_equal(field_text_check("--note", NULL, 3, &e), 0);
	assert_int_equal(field_text_check("--note", "abc", 3, &e), 0);
	assert_int_equal(field_text_check("--note", "abcd", 3, &e), ERR_INPUT);
	assert_string_equal(e.msg, "--note is too long (over 3 bytes)");
}

static void test_times(void **state)
{
	struct testdb t;
	struct db_stmt *st;
	char out[32];

	(void)state;
	field_time_text(1576663200, out);
	assert_string_equal(out, "2019-12-18T10:00:00Z");
	testdb_open(&t, "field");
	assert_int_equal(
	    db_prepare(t.db, "SELECT '2019-12-18T10:00:00Z', NULL, 'not a time'", &st, NULL), 0);
	assert_int_equal(db_step(st, NULL), DB_ROW);
	assert_int_equal(field_col_time(st, 0), 1576663200);
	assert_int_equal(field_col_time(st, 1), 0);
	assert_int_equal(field_col_time(st, 2), 0);
	db_done(st);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_id_ok),
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_times),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
