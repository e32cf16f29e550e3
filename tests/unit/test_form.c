/* test_form.c: multipart/form-data: the boundary of a Content-Type, parts with fields and files
 * (bytes kept, NUL included), quoting, and every malformed body refused with a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/form.h"

static void test_boundary(void **state)
{
	char b[71];
	struct err e;

	(void)state;
	assert_int_equal(form_boundary("multipart/form-data; boundary=abc123", b, &e), 0);
	assert_string_equal(b, "abc123");
	assert_int_equal(
	    form_boundary("Multipart/Form-Data;charset=utf-8; boundary=\"a b\"", b, &e), 0);
	assert_string_equal(b, "a b");
	assert_int_equal(form_boundary("multipart/form-data; boundary=x; charset=utf-8", b, &e), 0);
	assert_string_equal(b, "x");
	assert_int_equal(form_boundary("application/x-www-form-urlencoded", b, &e), ERR_INPUT);
	assert_int_equal(form_boundary("multipart/form-data", b, &e), ERR_INPUT);
	assert_int_equal(form_boundary("multipart/form-data; boundary=", b, &e), ERR_INPUT);
	assert_int_equal(form_boundary("multipart/form-data; boundary=\"open", b, &e), ERR_INPUT);
	assert_int_equal(form_boundary("multipart/form-datax; boundary=a", b, &e), ERR_INPUT);
	/* 71 characters is one too many */
	assert_int_equal(form_boundary("multipart/form-data; boundary="
	                               "12345678901234567890123456789012345678901234567890"
	                               "123456789012345678901",
	                               b, &e),
	                 ERR_INPUT);
}

/* Parses text (copied, since parsing writes into it) with boundary XyZ. */
static int parse(const char *text, size_t len, struct form_part *parts, int max, int *n,
                 char **copy, struct err *e)
{
	*copy = malloc(len + 1);
	memcpy(*copy, text, len);
	(*copy)[len] = '\0';
	return form_multipart_parse("XyZ", *copy, len, parts, max, n, e);
}

static void test_parts(void **state)
{
	static const char body[] = "preamble to ignore\r\n"
	                           "--XyZ\r\n"
	                           "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
	                           "tok\r\n"
	                           "--XyZ  \r\n"
	                           "content-disposition: form-data; name=\"file\"; "
	                           "filename=\"C:\\\\dir\\\\inv \\\"1\\\".csv\"\r\n"
	                           "Content-Type: text/csv \r\n\r\n"
	                           "a,b\r\n1,\0\r\n"
	                           "\r\n--XyZ\r\n"
	                           "Content-Disposition: form-data; name=mode\r\n\r\n"
	                           "\r\n--XyZ--\r\nepilogue";
	struct form_part p[4];
	struct err e;
	char *copy;
	int n = 0;

	(void)state;
	assert_int_equal(parse(body, sizeof(body) - 1, p, 4, &n, &copy, &e), 0);
	assert_int_equal(n, 3);
	assert_string_equal(p[0].name, "csrf");
	assert_null(p[0].filename);
	assert_int_equal(p[0].len, 3);
	assert_string_equal(p[0].data, "tok");
	assert_string_equal(p[1].name, "file");
	assert_string_equal(p[1].filename, "inv \"1\".csv"); /* the last segment of a path */
	assert_string_equal(p[1].ctype, "text/csv");
	assert_int_equal(p[1].len, 10); /* the CRLF before the delimiter belongs to it */
	assert_memory_equal(p[1].data, "a,b\r\n1,\0\r\n", 10);
	assert_string_equal(p[2].name, "mode");
	assert_int_equal(p[2].len, 0);
	assert_string_equal(p[2].data, "");
	free(copy);
}

static void test_refused(void **state)
{
	static const struct {
		const char *body, *why;
	} bad[] = {
	    {"no boundary at all", "does not have its boundary"},
	    {"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue", "no closing"},
	    {"--XyZ\r\nContent-Type: text/plain\r\n\r\nv\r\n--XyZ--", "no Content-Disposition"},
	    {"--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--XyZ--",
	     "not form-data"},
	    {"--XyZ\r\nContent-Disposition: form-data; filename=\"f\"\r\n\r\nv\r\n--XyZ--",
	     "no name"},
	    {"--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--XyZ--", "not closed"},
	    {"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n", "do not end"},
	    {"--XyZ\r\n\r\nv\r\n--XyZ--", "no headers"},
	    {"--XyZjunk\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--XyZ--",
	     "not followed by a line end"},
	    {"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n folded\r\n\r\nv\r\n--XyZ--",
	     "folded"},
	};
	static const char nul[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\0w\r\n--XyZ--";
	static const char three[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
	    "--XyZ\r\nContent-Disposition: form-data; name=b\r\n\r\n2\r\n"
	    "--XyZ\r\nContent-Disposition: form-data; name=c\r\n\r\n3\r\n--XyZ--";
	struct form_part p[2];
	struct err e;
	char *copy;
	int n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		assert_int_equal(parse(bad[i].body, strlen(bad[i].body), p, 2, &n, &copy, &e),
		                 ERR_INPUT);
		if (strstr(e.msg, bad[i].why) == NULL)
			fail_msg("body %zu: \"%s\" does not say \"%s\"", i, e.msg, bad[i].why);
		free(copy);
	}
	/* a NUL byte in a plain field */
	assert_int_equal(parse(nul, sizeof(nul) - 1, p, 2, &n, &copy, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "NUL"));
	free(copy);
	/* more parts than room */
	assert_int_equal(parse(three, sizeof(three) - 1, p, 2, &n, &copy, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "too many parts"));
	free(copy);
}

/* Headers over FORM_MAX_HEADERS are refused, however the body goes on. */
static void test_header_limit(void **state)
{
	size_t len = FORM_MAX_HEADERS * 2;
	char *body = malloc(len + 64), *copy;
	struct form_part p[2];
	struct err e;
	int n, k;

	(void)state;
	k = snprintf(body, 64, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nX: ");
	memset(body + k, 'a', len - (size_t)k);
	assert_int_equal(parse(body, len, p, 2, &n, &copy, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "longer than 8192"));
	free(copy);
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_boundary),
	    cmocka_unit_test(test_parts),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_header_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
