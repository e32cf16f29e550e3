/* test_scan.c: scan imports in the store: owners by the most specific netblock (IPv4 and IPv6),
 * unmatched kept, duplicate rows, the same file twice, one alert per organisation and advisory,
 * the quiet period and a new CVE, a truncated file that leaves nothing, days and "fixed". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	assert_int_equal(count(f, "SELECT count(*) FROM scan_obs"), 5);

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
	assert_int_equal(count(f, "SELECT count(*) FROM scan_obs"), 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_owners_and_alerts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_truncated_leaves_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_days_and_fixed, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
