/* test_scan.c: scan imports in the store: owners by the most specific netblock (IPv4 and IPv6),
 * unmatched kept, duplicate rows, the same file twice, one alert per organisation and advisory,
 * the quiet period and a new CVE, a truncated file that leaves nothing, days and "fixed", day
 * after day the stored systems merged a window at a time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "db/db.h"
#include "model/advisory.h"
#include "model/org.h"
#include "model/scan.h"

struct fixture {
	char path[64], dir[64];
	struct db *db;
	struct act act;
	char adv[32];
};

static int setup(void **state)
{
	static const struct org_fields orgs[] = {
	    {"min-a", "Ministerie A", "ministry", NULL, NULL},
	    {"agency-a1", "Dienst A1", "agency", "min-a", NULL},
	    {"vital-e", "Energie E", "vital", NULL, "energy"},
	};
	static const char *cves[] = {"CVE-2019-19781"};
	static const char *affects[] = {"citrix:adc:*"};
	struct fixture *f = calloc(1, sizeof(*f));
	struct advisory_input in;
	struct contact_fields c = {0};
	int fd, num, material;

	snprintf(f->path, sizeof(f->path), "/tmp/baken-test-scan-XXXXXX");
	fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	snprintf(f->dir, sizeof(f->dir), "/tmp/baken-test-scandir-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->act.actor = "test:analyst";
	f->act.at = 1576659600; /* 2019-12-18T09:00:00Z */
	assert_int_equal(db_open(f->path, 1, &f->db, NULL), 0);
	assert_int_equal(db_begin(f->db, NULL), 0);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(org_add(f->db, &f->act, &orgs[i], NULL), 0);
	assert_int_equal(org_netblock_add(f->db, &f->act, "min-a", "198.51.0.0/16", NULL), 0);
	assert_int_equal(org_netblock_add(f->db, &f->act, "agency-a1", "198.51.100.0/24", NULL), 0);
	assert_int_equal(org_netblock_add(f->db, &f->act, "vital-e", "2001:db8:e::/48", NULL), 0);
	c.org = "agency-a1";
	c.name = "CISO A1";
	c.email = "ciso@a1.example";
	assert_int_equal(org_contact_set(f->db, &f->act, &c, NULL), 0);
	c.org = "vital-e";
	c.name = "SOC E";
	c.email = "soc@e.example";
	assert_int_equal(org_contact_set(f->db, &f->act, &c, NULL), 0);
	memset(&in, 0, sizeof(in));
	in.title = "Citrix";
	in.cves = cves;
	in.ncves = 1;
	in.affects = affects;
	in.naffects = 1;
	matrix_init(&in.matrix);
	assert_int_equal(advisory_new(f->db, &f->act, &in, f->adv, sizeof(f->adv), NULL), 0);
	assert_int_equal(advisory_publish(f->db, &f->act, f->adv, 0, 0, &num, &material, NULL), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char side[128];

	db_rollback(f->db);
	db_close(f->db);
	unlink(f->path);
	snprintf(side, sizeof(side), "%s-wal", f->path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", f->path);
	unlink(side);
	snprintf(side, sizeof(side), "rm -rf %s", f->dir);
	assert_int_equal(system(side), 0);
	free(f);
	return 0;
}

/* Writes text to a file of the fixture's directory; returns its path (static buffer). */
static const char *file(struct fixture *f, const char *name, const char *text)
{
	static char path[160];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

static int64_t count(struct fixture *f, const char *sql)
{
	int64_t n = -1;

	assert_int_equal(db_query_int(f->db, sql, NULL, &n, NULL), 0);
	return n;
}

/* The org of ip in `scan list` ("" for none, NULL when not listed). */
static const char *owner(json_t *rows, const char *ip)
{
	size_t i;
	json_t *r;

	json_array_foreach(rows, i, r)
	{
		if (strcmp(json_string_value(json_object_get(r, "ip")), ip) == 0)
			return json_is_string(json_object_get(r, "org"))
			           ? json_string_value(json_object_get(r, "org"))
			           : "";
	}
	return NULL;
}

static const char day1[] = "ip,port,seen_at,cve\n"
                           "198.51.100.7,443,2020-01-13T03:12:44Z,CVE-2019-19781\n"
                           "198.51.100.7,443,2020-01-13T03:12:44Z,CVE-2019-19781\n"
                           "198.51.7.9,443,2020-01-13T03:13:01Z,CVE-2019-19781\n"
                           "203.0.113.200,443,2020-01-13T03:15:22Z,CVE-2019-19781\n"
                           "2001:db8:e:1::5,8443,2020-01-13T03:16:40Z,CVE-2019-19781\n"
                           "198.51.100.8,80,2020-01-13T03:17:00Z,CVE-2000-0001\n";

static void test_owners_and_alerts(void **state)
{
	struct fixture *f = *state;
	struct scan_import_result r;
	struct scan_filter flt = {0};
	json_t *rows;
	struct err e;

	f->act.at = 1578902400; /* 2020-01-13T08:00:00Z */
	assert_int_equal(
	    scan_import(f->db, &f->act, file(f, "d1.csv", day1), SCAN_FORMAT_AUTO, NULL, &r, &e),
	    0);
	assert_int_equal(r.rows, 6);
	assert_int_equal(r.duplicates, 1);
	assert_int_equal(r.observations, 5);
	assert_int_equal(r.unmatched, 1);
	assert_int_equal(r.no_advisory, 1);
	assert_string_equal(r.source, "csv");
	/* one alert per organisation and advisory: agency-a1 (one IP; the CVE without an
	 * advisory tells nobody), vital-e; min-a has no contacts and no call: nobody */
	assert_int_equal(r.organisations, 2);
	assert_int_equal(count(f, "SELECT count(*) FROM alerts WHERE topic = 'scan'"), 2);
	assert_int_equal(scan_list(f->db, &f->act, &flt, &rows, NULL), 0);
	assert_string_equal(owner(rows, "198.51.100.7"), "agency-a1");
	assert_string_equal(owner(rows, "198.51.7.9"), "min-a");
	assert_string_equal(owner(rows, "203.0.113.200"), "");
	assert_string_equal(owner(rows, "2001:db8:e:1::5"), "vital-e");
	json_decref(rows);
	flt.unmatched = 1;
	assert_int_equal(scan_list(f->db, &f->act, &flt, &rows, NULL), 0);
	assert_int_equal(json_array_size(rows), 1);
	json_decref(rows);

	/* the same file again adds nothing */
	assert_int_equal(scan_import(f->db, &f->act, file(f, "again.csv", day1), SCAN_FORMAT_AUTO,
	                             NULL, &r, NULL),
	                 0);
	assert_int_equal(r.already, 1);
	assert_int_equal(count(f, "SELECT count(*) FROM scan_imports"), 1);
	flt.unmatched = 0;
	flt.observations = 1;
	assert_int_equal(scan_list(f->db, &f->act, &flt, &rows, NULL), 0);
	assert_int_equal(json_array_size(rows), 5);
	json_decref(rows);

	/* the next day: the same systems are not reported again (quiet period) ... */
	f->act.at += 86400;
	assert_int_equal(
	    scan_import(f->db, &f->act,
	                file(f, "d2.csv",
	                     "ip,port,seen_at,cve\n"
	                     "198.51.100.7,443,2020-01-14T03:00:00Z,CVE-2019-19781\n"
	                     "2001:db8:e:1::5,8443,2020-01-14T03:00:00Z,CVE-2019-19781\n"),
	                SCAN_FORMAT_AUTO, NULL, &r, NULL),
	    0);
	assert_int_equal(r.organisations, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM alerts WHERE topic = 'scan'"), 2);
	/* ... after the quiet period they are */
	f->act.at += 8 * 86400;
	assert_int_equal(scan_import(f->db, &f->act,
	                             file(f, "d3.csv",
	                                  "ip,port,seen_at,cve\n"
	                                  "198.51.100.7,443,2020-01-22T03:00:00Z,CVE-2019-19781\n"),
	                             SCAN_FORMAT_AUTO, "own-scan", &r, NULL),
	                 0);
	assert_int_equal(r.organisations, 1);
	assert_int_equal(count(f, "SELECT count(*) FROM alerts WHERE topic = 'scan'"), 3);
}

static void test_truncated_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	struct scan_import_result r;
	struct err e;

	assert_int_equal(db_exec(f->db, "SAVEPOINT t", NULL), 0);
	assert_int_equal(scan_import(f->db, &f->act,
	                             file(f, "cut.csv",
	                                  "ip,port,seen_at,cve\n"
	                                  "198.51.100.7,443,2020-01-13T03:12:44Z,CVE-2019-19781\n"
	                                  "198.51.100.9,443,2020-01-1"),
	                             SCAN_FORMAT_AUTO, NULL, &r, &e),
	                 ERR_INPUT);
	assert_non_null(strstr(e.msg, "cut.csv:3:"));
	/* the caller rolls back; the command does that for the whole file */
	assert_int_equal(db_exec(f->db, "ROLLBACK TO t", NULL), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM scan_chunks"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM scan_systems"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM scan_imports"), 0);
	assert_int_equal(scan_import(f->db, &f->act, file(f, "h.csv", "when,what\n1,2\n"),
	                             SCAN_FORMAT_AUTO, NULL, &r, &e),
	                 ERR_INPUT);
	assert_non_null(strstr(e.msg, "unknown header"));
}

static void test_days_and_fixed(void **state)
{
	struct fixture *f = *state;
	struct scan_import_result r;
	struct scan_stats_opts o = {0};
	json_t *s, *days;
	char name[32], text[256];

	/* three scans of one source: the system of day 1 is gone after it */
	for (int d = 0; d < 5; d++) {
		snprintf(name, sizeof(name), "s%d.csv", d);
		snprintf(text, sizeof(text),
		         "ip,port,seen_at,cve\n198.51.100.%d,443,2020-01-1%dT03:00:00Z,"
		         "CVE-2019-19781\n198.51.7.9,443,2020-01-1%dT03:00:00Z,CVE-2019-19781\n",
		         d == 0 ? 7 : 20, d + 1, d + 1);
		f->act.at = 1578873600 + (int64_t)(d + 1) * 86400;
		assert_int_equal(scan_import(f->db, &f->act, file(f, name, text), SCAN_FORMAT_AUTO,
		                             NULL, &r, NULL),
		                 0);
	}
	o.cve = "CVE-2019-19781";
	o.by = "kind";
	assert_int_equal(scan_stats(f->db, &f->act, &o, &s, NULL), 0);
	assert_int_equal(json_integer_value(json_object_get(s, "systems")), 3);
	assert_int_equal(json_integer_value(json_object_get(s, "fixed")), 1);
	days = json_object_get(s, "days");
	assert_int_equal(json_array_size(days), 5);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(days, 0), "systems")),
	                 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(days, 0), "day")),
	                    "2020-01-11");
	json_decref(s);
	o.cve = NULL;
	o.by = NULL;
	assert_int_equal(scan_stats(f->db, &f->act, &o, &s, NULL), 0);
	assert_int_equal(json_array_size(s), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(s, 0), "informs")),
	                    "yes");
	json_decref(s);
}

static int every(int i)
{
	(void)i;
	return 1;
}

static int third(int i)
{
	return i % 3 == 0;
}

static int sparse(int i)
{
	return i % 97 == 0;
}

/* A file of day d (the 11th + d of January) naming the systems 10.0.0.0 + 4i for i in
 * [0, n) where keep(i) holds, and `fresh` new ones, 10.0.0.0 + 4i + 2, in between. */
static const char *day_file(struct fixture *f, int d, int n, int (*keep)(int), int fresh)
{
	struct buf b;
	char name[16];
	const char *path;

	buf_init(&b, BUF_MAX_DEFAULT);
	buf_adds(&b, "ip,port,seen_at,cve\n");
	for (int i = 0; i < n; i++) {
		if (keep(i))
			buf_printf(&b, "10.0.%d.%d,443,2020-01-%02dT03:00:00Z,CVE-2019-19781\n",
			           i / 64, i % 64 * 4, 11 + d);
		if (i < fresh)
			buf_printf(&b, "10.0.%d.%d,443,2020-01-%02dT03:00:00Z,CVE-2019-19781\n",
			           i / 64, i % 64 * 4 + 2, 11 + d);
	}
	snprintf(name, sizeof(name), "day%d.csv", d);
	path = file(f, name, buf_str(&b));
	buf_free(&b);
	return path;
}

/* Day after day the stored systems are read back a window at a time by key ranges: systems
 * named again (densely, and sparsely over a large store) and new ones among them, each merged
 * with its own stored row, none lost, none written twice. */
static void test_days_merged_in_key_order(void **state)
{
	struct fixture *f = *state;
	struct scan_import_result r;

	f->act.at = 1578873600; /* 2020-01-13 */
	assert_int_equal(scan_import(f->db, &f->act, day_file(f, 1, 3000, every, 0),
	                             SCAN_FORMAT_AUTO, NULL, &r, NULL),
	                 0);
	assert_int_equal(r.systems_new, 3000);
	f->act.at += 86400;
	assert_int_equal(scan_import(f->db, &f->act, day_file(f, 2, 3000, third, 500),
	                             SCAN_FORMAT_AUTO, NULL, &r, NULL),
	                 0);
	assert_int_equal(r.systems_new, 500);
	f->act.at += 86400;
	assert_int_equal(scan_import(f->db, &f->act, day_file(f, 3, 3000, sparse, 0),
	                             SCAN_FORMAT_AUTO, NULL, &r, NULL),
	                 0);
	assert_int_equal(r.systems_new, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM scan_systems"), 3500);
	/* i a multiple of 3 and of 97: all three days */
	assert_int_equal(count(f, "SELECT count(*) FROM scan_systems WHERE seen = 3"), 11);
	assert_int_equal(count(f, "SELECT count(*) FROM scan_systems WHERE seen = 2"), 989 + 20);
	assert_int_equal(count(f, "SELECT count(*) FROM scan_systems WHERE seen = 1"),
	                 3000 - 11 - 1009 + 500);
	/* days 1 and 3 only: first and last seen two days apart, both days in the bitmap */
	assert_int_equal(count(f, "SELECT count(*) FROM scan_systems WHERE seen = 2 AND"
	                          " last_seen - first_seen = 172800 AND days = x'05'"),
	                 20);
	/* each sighting once: a sighting is four numbers, the rows of one import each */
	assert_int_equal(count(f, "SELECT sum(seen) FROM scan_systems"), 3000 + 1000 + 500 + 31);
}

/* The file is kept in chunks of 1 MiB; every observation's row is read back as it was in the
 * file, also a row that straddles two chunks, with its line, port, time and AS number. */
static void test_observations_read_back(void **state)
{
	struct fixture *f = *state;
	struct scan_import_result r;
	struct scan_filter flt = {0};
	struct buf b;
	json_t *rows, *row;
	size_t i;
	long last = 0, cross = 0, seen_cross = 0;
	FILE *fp;
	char path[160];

	snprintf(path, sizeof(path), "%s/big.csv", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("\"timestamp\",\"ip\",\"port\",\"hostname\",\"tag\",\"asn\"\r\n", fp);
	for (int k = 0; k < 30000; k++) { /* ~2.2 MB: rows cross the chunks' ends */
		long at = ftell(fp);
		if (at < (1L << 20) && at + 75 > (1L << 20))
			cross = k + 2; /* its line (the header is line 1) */
		fprintf(fp,
		        "\"2020-01-13 03:%02d:%02d\",\"198.51.%d.%d\",%d,\"h%d.example\","
		        "\"citrix;cve-2019-19781\",%d\r\n",
		        k / 60 % 60, k % 60, k / 250, k % 250, 443 + k % 3, k, 64500 + k % 7);
	}
	fclose(fp);
	f->act.at = 1578902400;
	assert_int_equal(scan_import(f->db, &f->act, path, SCAN_FORMAT_AUTO, NULL, &r, NULL), 0);
	assert_int_equal(r.observations, 30000);
	assert_true(count(f, "SELECT count(*) FROM scan_chunks") >= 2);
	flt.observations = 1;
	flt.limit = 100000;
	flt.org = "min-a";
	assert_int_equal(scan_list(f->db, &f->act, &flt, &rows, NULL), 0);
	assert_int_equal(json_array_size(rows), 30000 - 250); /* 198.51.100.x: the agency's */
	buf_init(&b, BUF_MAX_DEFAULT);
	json_array_foreach(rows, i, row)
	{
		long line = (long)json_integer_value(json_object_get(row, "line"));
		long k = line - 2;
		char ip[32];

		last = line;
		seen_cross |= line == cross;
		snprintf(ip, sizeof(ip), "198.51.%ld.%ld", k / 250, k % 250);
		buf_reset(&b);
		buf_printf(&b,
		           "\"2020-01-13 03:%02ld:%02ld\",\"%s\",%ld,\"h%ld.example\","
		           "\"citrix;cve-2019-19781\",%ld",
		           k / 60 % 60, k % 60, ip, 443 + k % 3, k, 64500 + k % 7);
		assert_string_equal(json_string_value(json_object_get(row, "raw")), buf_str(&b));
		assert_string_equal(json_string_value(json_object_get(row, "ip")), ip);
		assert_int_equal(json_integer_value(json_object_get(row, "port")), 443 + k % 3);
		assert_int_equal(json_integer_value(json_object_get(row, "asn")), 64500 + k % 7);
		assert_string_equal(json_string_value(json_object_get(row, "org")), "min-a");
	}
	assert_int_equal(last, 30001);
	assert_true(cross > 0);
	assert_true(seen_cross); /* the row holding the last byte of the first chunk */
	buf_free(&b);
	json_decref(rows);
	/* the rows of one system: by organisation, CVE, and source */
	flt.org = "agency-a1";
	flt.cve = "CVE-2019-19781";
	flt.source = "another-source";
	assert_int_equal(scan_list(f->db, &f->act, &flt, &rows, NULL), 0);
	assert_int_equal(json_array_size(rows), 0);
	json_decref(rows);
	flt.source = r.source;
	assert_int_equal(scan_list(f->db, &f->act, &flt, &rows, NULL), 0);
	assert_int_equal(json_array_size(rows), 250);
	json_decref(rows);
}

/* A netblock registered after the scan: its systems go to the new owner, the days move with
 * them, and the new owner is told once; a more specific netblock inside keeps its own. */
static void test_netblock_added_later(void **state)
{
	struct fixture *f = *state;
	struct scan_import_result r;
	struct scan_filter flt = {0};
	struct scan_stats_opts o = {0};
	struct contact_fields c = {0};
	json_t *rows, *s;

	f->act.at = 1578902400;
	assert_int_equal(scan_import(f->db, &f->act,
	                             file(f, "d.csv",
	                                  "ip,port,seen_at,cve\n"
	                                  "203.0.113.5,443,2020-01-13T03:12:44Z,CVE-2019-19781\n"
	                                  "203.0.113.6,443,2020-01-13T03:12:45Z,CVE-2019-19781\n"
	                                  "203.0.113.200,443,2020-01-13T03:12:46Z,CVE-2019-19781\n"
	                                  "198.51.100.7,443,2020-01-13T03:12:47Z,CVE-2019-19781\n"),
	                             SCAN_FORMAT_AUTO, NULL, &r, NULL),
	                 0);
	assert_int_equal(r.unmatched, 3);
	assert_int_equal(count(f, "SELECT count(*) FROM alerts WHERE topic = 'scan'"), 1);
	assert_int_equal(count(f, "SELECT systems FROM scan_daily WHERE org_id = ''"), 3);
	c.org = "min-a";
	c.name = "CISO A";
	c.email = "ciso@a.example";
	assert_int_equal(org_contact_set(f->db, &f->act, &c, NULL), 0);
	f->act.at += 3600;
	/* the agency's /24 is there already: a /16 around it takes only what is not the agency's */
	assert_int_equal(org_netblock_add(f->db, &f->act, "vital-e", "203.0.113.0/25", NULL), 0);
	assert_int_equal(scan_list(f->db, &f->act, &flt, &rows, NULL), 0);
	assert_string_equal(owner(rows, "203.0.113.5"), "vital-e");
	assert_string_equal(owner(rows, "203.0.113.6"), "vital-e");
	assert_string_equal(owner(rows, "203.0.113.200"), "");
	assert_string_equal(owner(rows, "198.51.100.7"), "agency-a1");
	json_decref(rows);
	assert_int_equal(count(f, "SELECT systems FROM scan_daily WHERE org_id = ''"), 1);
	assert_int_equal(count(f, "SELECT systems FROM scan_daily WHERE org_id = 'vital-e'"), 2);
	/* one alert to vital-e listing both systems */
	assert_int_equal(count(f, "SELECT count(*) FROM alerts WHERE topic = 'scan' AND org_id ="
	                          " 'vital-e' AND body LIKE '%203.0.113.5 %' AND body LIKE"
	                          " '%203.0.113.6 %'"),
	                 1);
	assert_int_equal(count(f, "SELECT count(*) FROM events WHERE action = 'scan.remap'"), 1);
	/* the same netblock again changes nothing; one inside the agency's stays the agency's */
	assert_int_equal(org_netblock_add(f->db, &f->act, "vital-e", "203.0.113.0/25", NULL), 0);
	assert_int_equal(org_netblock_add(f->db, &f->act, "min-a", "198.0.0.0/8", NULL), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM alerts WHERE topic = 'scan'"), 2);
	assert_int_equal(count(f, "SELECT count(*) FROM events WHERE action = 'scan.remap'"), 1);
	o.cve = "CVE-2019-19781";
	o.by = "org";
	assert_int_equal(scan_stats(f->db, &f->act, &o, &s, NULL), 0);
	assert_int_equal(json_integer_value(json_object_get(s, "unmatched")), 1);
	json_decref(s);
	/* the netblock taken away again: its systems belong to nobody, and nobody is told */
	{
		unsigned char a[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 203, 0, 113, 0};
		assert_int_equal(
		    db_exec(f->db, "DELETE FROM netblocks WHERE cidr = '203.0.113.0/25'", NULL), 0);
		assert_int_equal(scan_netblock_changed(f->db, &f->act, a, 96 + 25, NULL), 0);
	}
	assert_int_equal(scan_list(f->db, &f->act, &flt, &rows, NULL), 0);
	assert_string_equal(owner(rows, "203.0.113.5"), "");
	assert_string_equal(owner(rows, "198.51.100.7"), "agency-a1");
	json_decref(rows);
	assert_int_equal(count(f, "SELECT systems FROM scan_daily WHERE org_id = ''"), 3);
	assert_int_equal(count(f, "SELECT count(*) FROM scan_daily WHERE org_id = 'vital-e'"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM alerts WHERE topic = 'scan'"), 2);
	assert_int_equal(scan_netblock_changed(
	                     f->db, &f->act, (const unsigned char *)"0123456789abcdef", 129, NULL),
	                 ERR_INPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_owners_and_alerts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_truncated_leaves_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_days_and_fixed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_days_merged_in_key_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_observations_read_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_netblock_added_later, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
