/* test_shadowserver.c: reading scan results: a Shadowserver Vulnerable-HTTP report written from
 * its published column list, the generic shape of their other reports, the plain CSV and JSON
 * lines; rows cut anywhere between chunks; quoted fields over lines; duplicate-looking rows;
 * truncated files; a header Baken does not know; bad values named by line and field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/scanfeed.h"
#include "formats/shadowserver.h"

#define HTTP_VULN_HEADER                                                                           \
	"\"timestamp\",\"severity\",\"ip\",\"protocol\",\"port\",\"hostname\",\"tag\",\"asn\","    \
	"\"geo\",\"region\",\"city\",\"naics\",\"hostname_source\",\"sector\",\"http\","           \
	"\"http_code\",\"http_reason\",\"content_type\",\"connection\",\"www_authenticate\","      \
	"\"set_cookie\",\"server\",\"content_length\",\"transfer_encoding\",\"http_date\","        \
	"\"version\",\"build_date\",\"detail\",\"build_branch\"\n"

struct got {
	int n;
	long lines[16];
	char ips[16][48];
	int ports[16];
	int64_t seen[16];
	char cves[16][64];
	char raw[16][512];
	char product[16][64];
	int64_t asn[16];
};

static int collect(void *ctx, const struct scan_row *r, struct err *e)
{
	struct got *g = ctx;
	(void)e;
	if (g->n >= 16)
		return 0;
	g->lines[g->n] = r->line;
	snprintf(g->ips[g->n], sizeof(g->ips[0]), "%02x%02x", r->ip[14], r->ip[15]);
	g->ports[g->n] = r->port;
	g->seen[g->n] = r->seen_at;
	g->cves[g->n][0] = '\0';
	for (size_t i = 0; i < r->ncves; i++) {
		strncat(g->cves[g->n], r->cves[i], sizeof(g->cves[0]) - strlen(g->cves[g->n]) - 2);
		strncat(g->cves[g->n], " ", sizeof(g->cves[0]) - strlen(g->cves[g->n]) - 1);
	}
	snprintf(g->raw[g->n], sizeof(g->raw[0]), "%.*s", (int)r->raw_len, r->raw);
	snprintf(g->product[g->n], sizeof(g->product[0]), "%s", r->product ? r->product : "");
	g->asn[g->n] = r->asn;
	g->n++;
	return 0;
}

/* Feeds text in chunks of step bytes (0: all at once); returns the result of the last call. */
static int feed(enum scan_format fmt, const char *name, const char *text, size_t step,
                struct got *g, struct err *e, struct scanfeed **keep)
{
	struct scanfeed *f = scanfeed_new(fmt, name, collect, g);
	size_t n = strlen(text);
	int rc = 0;

	memset(g, 0, sizeof(*g));
	for (size_t i = 0; i < n && rc == 0; i += step ? step : n)
		rc = scanfeed_feed(f, text + i, step && n - i > step ? step : n - i, e);
	if (rc == 0)
		rc = scanfeed_finish(f, e);
	if (keep)
		*keep = f;
	else
		scanfeed_free(f);
	return rc;
}

static const char http_vuln[] = HTTP_VULN_HEADER
    "\"2020-01-13 03:12:44\",\"critical\",\"198.51.100.7\",\"tcp\",443,\"vpn.a1.example\","
    "\"citrix;cve-2019-19781\",64500,\"NL\",\"Zuid-Holland\",\"Den Haag\",,,,\"HTTP/1.1\",403,"
    "\"Forbidden\",,,,,,,,,,,,\n"
    "\"2020-01-13 03:16:40\",\"critical\",\"2001:db8:e:1::5\",\"tcp\",8443,,"
    "\"citrix;CVE-2019-19781;cve-2020-8193\",64501,\"NL\",,,,,,,,,,,,,,,,,,,,\r\n";

static void test_http_vulnerable(void **state)
{
	struct scanfeed *f;
	struct got g;
	struct err e;

	(void)state;
	for (size_t step = 0; step < 40; step += 1 + step / 4) {
		assert_int_equal(feed(SCAN_FORMAT_AUTO, "2020-01-13-scan_http_vulnerable-nl.csv",
		                      http_vuln, step, &g, &e, &f),
		                 0);
		assert_int_equal(scanfeed_format(f), SCAN_FORMAT_SHADOWSERVER);
		assert_string_equal(scanfeed_report(f), "scan_http_vulnerable");
		scanfeed_free(f);
		assert_int_equal(g.n, 2);
		assert_int_equal(g.lines[0], 2);
		assert_int_equal(g.lines[1], 3);
		assert_string_equal(g.ips[0], "6407");
		assert_int_equal(g.ports[0], 443);
		assert_int_equal(g.seen[0], 1578885164); /* 2020-01-13T03:12:44Z */
		assert_string_equal(g.cves[0], "CVE-2019-19781 ");
		assert_string_equal(g.cves[1], "CVE-2019-19781 CVE-2020-8193 ");
		assert_string_equal(g.product[0], "citrix");
		assert_int_equal(g.asn[1], 64501);
		assert_int_equal(g.ports[1], 8443);
		assert_true(strncmp(g.raw[0], "\"2020-01-13 03:12:44\"", 21) == 0);
		assert_true(g.raw[1][strlen(g.raw[1]) - 1] == ','); /* without its CR LF */
	}
	/* the same columns in the IPv6 report: told apart by the file's name */
	assert_int_equal(feed(SCAN_FORMAT_AUTO, "x/2020-01-13-scan6_http_vulnerable-nl.csv",
	                      http_vuln, 0, &g, &e, &f),
	                 0);
	assert_string_equal(scanfeed_report(f), "scan6_http_vulnerable");
	scanfeed_free(f);
}

static void test_generic_and_quoted_newlines(void **state)
{
	static const char generic[] =
	    "timestamp,ip,port,hostname,tag,asn,extra_field\n"
	    "2020-01-13T04:00:00Z,192.0.2.1,22,\"a\nb\",ssh,1234,\"x,\"\"y\"\"\"\n"
	    "2020-01-13 04:00:01,192.0.2.2,,,\"exchange;cve-2021-26855\",,\n";
	struct scanfeed *f;
	struct got g;
	struct err e;

	(void)state;
	for (size_t step = 0; step < 30; step += 1 + step / 3) {
		assert_int_equal(feed(SCAN_FORMAT_AUTO, "mine.csv", generic, step, &g, &e, &f), 0);
		assert_string_equal(scanfeed_report(f), "generic");
		scanfeed_free(f);
		assert_int_equal(g.n, 2);
		assert_int_equal(g.lines[0], 2);
		assert_int_equal(g.lines[1], 4); /* the quoted field spans a line */
		assert_string_equal(g.cves[0], "");
		assert_int_equal(g.ports[1], -1);
		assert_int_equal(g.asn[1], -1);
		assert_string_equal(g.cves[1], "CVE-2021-26855 ");
	}
}

static void test_plain_csv_and_json(void **state)
{
	static const char csv[] = "ip,port,seen_at,cve,product,version\n"
	                          "192.0.2.9,443,2020-01-13,CVE-2019-19781,citrix:adc,13.0\n"
	                          "2001:db8::9,443,2020-01-13T10:00:00+01:00,,,\n";
	static const char json[] =
	    "{\"ip\": \"192.0.2.9\", \"port\": 443, \"seen_at\": \"2020-01-13\", \"cve\":"
	    " \"CVE-2019-19781\", \"product\": \"citrix:adc\"}\n"
	    "\n"
	    "{\"ip\": \"192.0.2.10\", \"seen_at\": \"2020-01-13\", \"cve\": [\"CVE-2019-19781\","
	    " \"cve-2019-11510\"]}";
	struct scanfeed *f;
	struct got g;
	struct err e;

	(void)state;
	assert_int_equal(feed(SCAN_FORMAT_AUTO, "own.csv", csv, 7, &g, &e, &f), 0);
	assert_int_equal(scanfeed_format(f), SCAN_FORMAT_CSV);
	scanfeed_free(f);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.seen[1], 1578906000);
	assert_string_equal(g.product[0], "citrix:adc");
	assert_int_equal(feed(SCAN_FORMAT_AUTO, "own.jsonl", json, 5, &g, &e, &f), 0);
	assert_int_equal(scanfeed_format(f), SCAN_FORMAT_JSON);
	scanfeed_free(f);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.lines[1], 3);
	assert_int_equal(g.ports[1], -1);
	assert_string_equal(g.cves[1], "CVE-2019-19781 CVE-2019-11510 ");
}

/* Each bad input is refused with a message holding want. */
static void refused(enum scan_format fmt, const char *text, const char *want)
{
	struct got g;
	struct err e;

	memset(&e, 0, sizeof(e));
	assert_int_equal(feed(fmt, "f.csv", text, 3, &g, &e, NULL), ERR_INPUT);
	if (strstr(e.msg, want) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", e.msg, want);
}

static void test_refusals(void **state)
{
	(void)state;
	refused(SCAN_FORMAT_AUTO, "", "empty");
	refused(SCAN_FORMAT_AUTO, "when,where,what\n1,2,3\n", "f.csv:1: unknown header");
	refused(SCAN_FORMAT_SHADOWSERVER, "ip,port,seen_at,cve\n", "Shadowserver reports");
	refused(SCAN_FORMAT_AUTO, HTTP_VULN_HEADER "\"2020-01-13 03:12:44\",\"critical\",\"1.2.3",
	        "truncated");
	refused(SCAN_FORMAT_AUTO, HTTP_VULN_HEADER "\"2020-01-13 03:12:44\",\"critical\",\"1.2.3\"",
	        "f.csv:2: 3 fields where the header has 29: the file ends inside this row");
	refused(SCAN_FORMAT_AUTO, "ip,port,seen_at,cve\n300.1.1.1,1,2020-01-13,\n",
	        "f.csv:2: field ip: bad IP address \"300.1.1.1\"");
	refused(SCAN_FORMAT_AUTO, "ip,port,seen_at,cve\n1.1.1.1,70000,2020-01-13,\n",
	        "f.csv:2: field port");
	refused(SCAN_FORMAT_AUTO, "ip,port,seen_at,cve\n1.1.1.1,1,yesterday,\n",
	        "f.csv:2: field seen_at: bad time");
	refused(SCAN_FORMAT_AUTO, "ip,port,seen_at,cve\n1.1.1.1,1,2020-01-13,CVE-20\n",
	        "f.csv:2: field cve");
	refused(SCAN_FORMAT_AUTO, "ip,port,seen_at,cve\n1.1.1.1,1,2020-01-13\n",
	        "f.csv:2: 3 fields where the header has 4");
	refused(SCAN_FORMAT_AUTO, "{\"ip\": \"1.1.1.1\", \"seen_at\": \"2020-01-13\", \"x\": 1}\n",
	        "f.csv:1: unknown field \"x\"");
	refused(SCAN_FORMAT_AUTO, "{\"ip\": \"1.1.1.1\", \"seen_at\": \"2020-01-13\"", "truncated");
	refused(SCAN_FORMAT_AUTO, "ip,port,seen_at,cve\n\"1.1.1.1\"x,1,2020-01-13,\n",
	        "after a closing quote");
}

static void test_tag_and_time(void **state)
{
	char cves[SHADOWSERVER_CVES_MAX][24], rest[64];
	size_t n;
	int64_t t;
	struct err e;

	(void)state;
	assert_int_equal(shadowserver_tag_cves(" citrix ; cve-2019-19781;cve-2019-19781,netscaler",
	                                       cves, SHADOWSERVER_CVES_MAX, &n, rest, sizeof(rest),
	                                       NULL),
	                 0);
	assert_int_equal(n, 1);
	assert_string_equal(cves[0], "CVE-2019-19781");
	assert_string_equal(rest, "citrix;netscaler");
	assert_int_equal(
	    shadowserver_tag_cves("cve-2019-1978x", cves, 4, &n, rest, sizeof(rest), &e),
	    ERR_INPUT);
	assert_int_equal(shadowserver_time("2020-02-29 23:59:59", &t, NULL), 0);
	assert_int_equal(t, 1583020799);
	assert_int_equal(shadowserver_time("2019-02-29 00:00:00", &t, &e), ERR_INPUT);
	assert_true(shadowserver_known_reports() > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_http_vulnerable),
	    cmocka_unit_test(test_generic_and_quoted_newlines),
	    cmocka_unit_test(test_plain_csv_and_json),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_tag_and_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
