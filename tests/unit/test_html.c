/* test_html.c: every %s is escaped, URLs are encoded, only http(s) links are made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "web/html.h"

static char *fmt_s(const char *s)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	assert_int_equal(html_printf(&b, "<p title=\"%s\">%s</p>", s, s), 0);
	return buf_take(&b);
}

static void test_escapes_text_and_attributes(void **state)
{
	char *out = fmt_s("<script>alert('x')</script>\"&");

	(void)state;
	assert_string_equal(out, "<p title=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;"
	                         "&amp;\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;"
	                         "&amp;</p>");
	free(out);
}

static void test_numbers_and_null(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 20);
	html_printf(&b, "%d %ld %lld %zu %u|%%", -3, 40L, 5000000000LL, (size_t)7, 8u);
	assert_string_equal(buf_str(&b), "-3 40 5000000000 7 8|%");
	assert_int_equal(html_escape(&b, NULL), 0);
	buf_free(&b);
}

static void test_url_encode(void **state)
{
	char *e = url_encode_dup("a b&c=d/é?");

	(void)state;
	assert_string_equal(e, "a%20b%26c%3Dd%2F%C3%A9%3F");
	free(e);
}

static void test_url_decode(void **state)
{
	char s[] = "a+b%20c%3d%00x%zz";

	(void)state;
	url_decode(s);
	assert_string_equal(s, "a b c=x%zz");
}

static void test_links_only_http(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 20);
	html_link(&b, "javascript:alert(1)", NULL);
	assert_string_equal(buf_str(&b), "javascript:alert(1)");
	buf_reset(&b);
	html_link(&b, "https://example.org/?a=1&b='x'", NULL);
	assert_non_null(strstr(buf_str(&b), "href=\"https://example.org/?a=1&amp;b=&#39;x&#39;\""));
	assert_int_equal(html_url_ok("https://x.example/\"onmouseover"), 0);
	assert_int_equal(html_url_ok("http://x.example/ok"), 1);
	assert_int_equal(html_url_ok("data:text/html,<b>"), 0);
	buf_free(&b);
}

static void test_paragraphs(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 20);
	html_paragraphs(&b, "one\ntwo <b>\n\nthree");
	assert_string_equal(buf_str(&b), "<p>one<br>\ntwo &lt;b&gt;</p>\n<p>three</p>\n");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escapes_text_and_attributes),
	    cmocka_unit_test(test_numbers_and_null),
	    cmocka_unit_test(test_url_encode),
	    cmocka_unit_test(test_url_decode),
	    cmocka_unit_test(test_links_only_http),
	    cmocka_unit_test(test_paragraphs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
