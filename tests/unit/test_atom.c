/* test_atom.c: Atom feeds: escaped text, well-formed structure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "formats/atom.h"

static void test_escape(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(atom_escape(&b, "a<b>&\"c\"'d'\x01\xff é"), 0);
	assert_string_equal(buf_str(&b), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos; é");
	buf_free(&b);
}

static void test_render(void **state)
{
	struct atom_entry x[] = {{"https://x/advisories/NCSC-2019-0001?version=1.01",
	                          "NCSC-2019-0001 [v1.01] [H/H] <Citrix>",
	                          "https://x/advisories/NCSC-2019-0001?version=1.01",
	                          "2019-12-24T12:05:00Z", NULL, "Inschaling & meer", "high/high"}};
	struct atom_feed f = {"https://x/feed.atom",
	                      "NCSC",
	                      "https://x/feed.atom",
	                      "https://x/advisories",
	                      "2019-12-24T12:05:00Z",
	                      "NCSC",
	                      x,
	                      1};
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 16);
	assert_int_equal(atom_render(&f, &b), 0);
	assert_non_null(strstr(buf_str(&b), "<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
	assert_non_null(
	    strstr(buf_str(&b), "<title>NCSC-2019-0001 [v1.01] [H/H] &lt;Citrix&gt;</title>"));
	assert_non_null(strstr(buf_str(&b), "<summary>Inschaling &amp; meer</summary>"));
	assert_non_null(strstr(buf_str(&b), "<category term=\"high/high\"/>"));
	assert_null(strstr(buf_str(&b), "<published>"));
	assert_non_null(strstr(buf_str(&b), "</feed>\n"));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_render),
	};
	return cmocka_run_group_tests_name("atom", tests, NULL, NULL);
}
