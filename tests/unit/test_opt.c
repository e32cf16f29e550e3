/* test_opt.c: the command-line option parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cli/opt.h"

static const struct opt_spec specs[] = {
    {"title", OPT_VALUE, "T", ""},
    {"to", OPT_LIST, "ORG", ""},
    {"silent", OPT_FLAG, NULL, ""},
    {NULL, 0, NULL, NULL},
};

static int is_extra(const char *name)
{
	return strcmp(name, "exploit") == 0;
}

static void test_lists_take_values_until_next_option(void **state)
{
	char *argv[] = {"ID", "--to", "a", "b", "--title", "T", "--to", "c", "--silent", "X"};
	struct opts o;
	const char **to;
	size_t n;

	(void)state;
	assert_int_equal(opt_parse(10, argv, specs, NULL, &o, NULL), 0);
	to = opt_list(&o, "to", &n);
	assert_int_equal(n, 3);
	assert_string_equal(to[0], "a");
	assert_string_equal(to[2], "c");
	free(to);
	assert_string_equal(opt_get(&o, "title"), "T");
	assert_true(opt_has(&o, "silent"));
	assert_int_equal(o.noperands, 2);
	assert_string_equal(o.operands[0], "ID");
	assert_string_equal(o.operands[1], "X");
	opt_free(&o);
}

static void test_equals_form_and_extra(void **state)
{
	char a0[] = "--title=Kans", a1[] = "--exploit", a2[] = "poc";
	char *argv[] = {a0, a1, a2};
	struct opts o;

	(void)state;
	assert_int_equal(opt_parse(3, argv, specs, is_extra, &o, NULL), 0);
	assert_string_equal(opt_get(&o, "title"), "Kans");
	assert_string_equal(opt_get(&o, "exploit"), "poc");
	opt_free(&o);
}

static void test_refusals_are_usage_errors(void **state)
{
	char u0[] = "--nope", n0[] = "--title", f0[] = "--silent=1", t0[] = "--title",
	     t1[] = "--silent";
	char *unknown[] = {u0}, *novalue[] = {n0}, *flagvalue[] = {f0}, *followed[] = {t0, t1};
	struct err e = {0, ""};
	struct opts o;

	(void)state;
	assert_int_equal(opt_parse(1, unknown, specs, NULL, &o, &e), ERR_USAGE);
	assert_non_null(strstr(e.msg, "--nope"));
	assert_int_equal(opt_parse(1, novalue, specs, NULL, &o, &e), ERR_USAGE);
	assert_non_null(strstr(e.msg, "needs a value"));
	assert_int_equal(opt_parse(1, flagvalue, specs, NULL, &o, &e), ERR_USAGE);
	assert_int_equal(opt_parse(2, followed, specs, NULL, &o, &e), ERR_USAGE);
}

static void test_negative_looking_values_are_values(void **state)
{
	char *argv[] = {"--title", "-5", "--", "x"};
	struct opts o;

	(void)state;
	assert_int_equal(opt_parse(4, argv, specs, NULL, &o, NULL), 0);
	assert_string_equal(opt_get(&o, "title"), "-5");
	assert_int_equal(o.noperands, 2);
	opt_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lists_take_values_until_next_option),
	    cmocka_unit_test(test_equals_form_and_extra),
	    cmocka_unit_test(test_refusals_are_usage_errors),
	    cmocka_unit_test(test_negative_looking_values_are_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
