/* test_smtp_pipe.c: the pure parts of the pipelining SMTP client: reply parsing (one line,
 * several lines, partial, malformed), the reply as an error text, EHLO keywords,
 * dot-stuffing and line ends, and which URLs it takes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "deliver/smtp_pipe.h"

static void test_reply_one_line(void **state)
{
	struct smtp_reply r;
	const char *s = "250 2.1.0 Ok\r\n354 go ahead\r\n";

	(void)state;
	assert_int_equal(smtp_reply_scan(s, strlen(s), &r), 1);
	assert_int_equal(r.code, 250);
	assert_int_equal(r.len, 14);
	/* the next one follows in the same buffer, as pipelined replies do */
	assert_int_equal(smtp_reply_scan(s + r.len, strlen(s) - r.len, &r), 1);
	assert_int_equal(r.code, 354);
	assert_int_equal(r.len, 14);
	/* a bare LF ends a line too; a code alone is a reply */
	assert_int_equal(smtp_reply_scan("221\n", 4, &r), 1);
	assert_int_equal(r.code, 221);
	assert_int_equal(r.len, 4);
}

static void test_reply_multi_line(void **state)
{
	struct smtp_reply r;
	const char *s = "250-mx.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 8BITMIME\r\n"
	                "250 2.1.0 Ok\r\n";

	(void)state;
	assert_int_equal(smtp_reply_scan(s, strlen(s), &r), 1);
	assert_int_equal(r.code, 250);
	assert_int_equal(r.len, strlen(s) - 14);
	assert_true(smtp_reply_has(s, r.len, "PIPELINING"));
	assert_true(smtp_reply_has(s, r.len, "pipelining"));
	assert_true(smtp_reply_has(s, r.len, "SIZE"));
	assert_true(smtp_reply_has(s, r.len, "8BITMIME"));
	assert_false(smtp_reply_has(s, r.len, "PIPE"));
	assert_false(smtp_reply_has(s, r.len, "mx.example")); /* the first line is the greeting */
	assert_false(smtp_reply_has(s, r.len, "STARTTLS"));
}

static void test_reply_partial(void **state)
{
	struct smtp_reply r = {0, 0};
	const char *s = "250-mx.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n";
	size_t n = strlen(s);

	(void)state;
	/* every cut before the last LF needs more bytes */
	for (size_t cut = 0; cut < n; cut++)
		assert_int_equal(smtp_reply_scan(s, cut, &r), 0);
	assert_int_equal(smtp_reply_scan(s, n, &r), 1);
	assert_int_equal(r.len, n);
}

static void test_reply_malformed(void **state)
{
	struct smtp_reply r;
	static const char *bad[] = {
	    "HTTP/1.1 400 Bad Request\r\n", /* not a code */
	    "25\r\n",                       /* too short */
	    "250x Ok\r\n",                  /* no separator after the code */
	    "150 Ok\r\n",                   /* 1xx is not an SMTP reply */
	    "650 Ok\r\n",                   /* nor 6xx */
	    "250-a\r\n550 b\r\n",           /* the code changes within one reply */
	    "\r\n",                         /* an empty line */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(smtp_reply_scan(bad[i], strlen(bad[i]), &r), -1);
}

static void test_reply_text(void **state)
{
	char out[256], small[12];
	const char *s = "550-5.1.1 <x@example.org>: Recipient\r\n550 5.1.1 address rejected\r\n";
	const char *ctl = "554 bad\x01\x7f text\r\n";

	(void)state;
	smtp_reply_text(s, strlen(s), out, sizeof(out));
	assert_string_equal(out, "550-5.1.1 <x@example.org>: Recipient 5.1.1 address rejected");
	smtp_reply_text(ctl, strlen(ctl), out, sizeof(out));
	assert_string_equal(out, "554 bad?? text");
	smtp_reply_text(s, strlen(s), small, sizeof(small));
	assert_string_equal(small, "550-5.1.1 <");
}

/* Runs smtp_dot_stuff on in and compares with want. */
static void stuffed(const char *in, const char *want)
{
	size_t n = strlen(in);
	char *out = malloc(SMTP_STUFF_MAX(n));
	size_t k = smtp_dot_stuff(in, n, out);

	assert_true(k <= SMTP_STUFF_MAX(n));
	assert_int_equal(k, strlen(want));
	assert_memory_equal(out, want, k);
	free(out);
}

static void test_dot_stuff(void **state)
{
	(void)state;
	stuffed("Subject: x\r\n\r\nhallo\r\n", "Subject: x\r\n\r\nhallo\r\n.\r\n");
	/* a line that starts with a dot gets one more; only at the start of a line */
	stuffed(".\r\n..\r\n.begin\r\nmid.den\r\n.\r\n",
	        "..\r\n...\r\n..begin\r\nmid.den\r\n..\r\n.\r\n");
	/* bare LF becomes CRLF, and a last line without an end gets one */
	stuffed("a\n.b\nc", "a\r\n..b\r\nc\r\n.\r\n");
	stuffed(".", "..\r\n.\r\n");
	stuffed("\n\n", "\r\n\r\n.\r\n");
	/* the worst case: every line a lone dot after a bare LF */
	stuffed(".\n.\n.", "..\r\n..\r\n..\r\n.\r\n");
	/* "\r\n.\r\n" inside the message can never end DATA early */
	stuffed("x\r\n.\r\ny\r\n", "x\r\n..\r\ny\r\n.\r\n");
	stuffed("", ".\r\n");
}

static void test_url(void **state)
{
	char host[256], port[8], dom[256];

	(void)state;
	assert_int_equal(smtp_url_parse("smtp://127.0.0.1:2525", host, sizeof(host), port,
	                                sizeof(port), dom, sizeof(dom)),
	                 0);
	assert_string_equal(host, "127.0.0.1");
	assert_string_equal(port, "2525");
	assert_string_equal(dom, "");
	assert_int_equal(smtp_url_parse("SMTP://mx.csirt.example/csirt.example", host, sizeof(host),
	                                port, sizeof(port), dom, sizeof(dom)),
	                 0);
	assert_string_equal(host, "mx.csirt.example");
	assert_string_equal(port, "25");
	assert_string_equal(dom, "csirt.example");
	assert_int_equal(smtp_url_parse("smtp://[::1]:25/", host, sizeof(host), port, sizeof(port),
	                                dom, sizeof(dom)),
	                 0);
	assert_string_equal(host, "::1");
	assert_string_equal(dom, "");
	/* libcurl's: TLS, user info, a query, percent-encoding; and nonsense */
	static const char *other[] = {"smtps://mx.example:465",
	                              "smtp://user:pw@mx.example",
	                              "smtp://mx.example/dom?x=1",
	                              "smtp://mx.example/d%41m",
	                              "smtp://mx.example:0",
	                              "smtp://mx.example:65536",
	                              "smtp://mx.example:25x",
	                              "smtp://mx.example:",
	                              "smtp://",
	                              "smtp://mx example",
	                              "smtp://[::1",
	                              "http://mx.example",
	                              NULL};
	for (size_t i = 0; other[i]; i++)
		assert_int_equal(smtp_url_parse(other[i], host, sizeof(host), port, sizeof(port),
		                                dom, sizeof(dom)),
		                 -1);
	assert_int_equal(
	    smtp_url_parse(NULL, host, sizeof(host), port, sizeof(port), dom, sizeof(dom)), -1);
}

static void test_handles(void **state)
{
	struct smtp_conf c = {"smtp://127.0.0.1:25", "a@b.example", NULL, NULL, 1000, 1, 0};

	(void)state;
	assert_true(smtp_pipe_handles(&c));
	c.user = "";
	assert_true(smtp_pipe_handles(&c));
	c.user = "baken"; /* AUTH, and STARTTLS with it: libcurl */
	assert_false(smtp_pipe_handles(&c));
	c.user = NULL;
	c.url = "smtps://127.0.0.1:465";
	assert_false(smtp_pipe_handles(&c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reply_one_line),
	    cmocka_unit_test(test_reply_multi_line),
	    cmocka_unit_test(test_reply_partial),
	    cmocka_unit_test(test_reply_malformed),
	    cmocka_unit_test(test_reply_text),
	    cmocka_unit_test(test_dot_stuff),
	    cmocka_unit_test(test_url),
	    cmocka_unit_test(test_handles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
