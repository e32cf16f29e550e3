/* test_csaf_export.c: advisories as CSAF documents and the provider tree, from the store; the
 * tree file by file as the web serves it; import back; KEV and the to-do list; the feeds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "db/db.h"
#include "formats/csaf.h"
#include "model/advisory.h"
#include "model/csaf_export.h"
#include "model/feeds.h"
#include "model/importer.h"
#include "model/inventory.h"
#include "model/org.h"
#include "model/todo.h"
#include "model/vuln.h"
#include "testdb.h"
#include "testfile.h"

struct fixture {
	struct testdb t;
	struct db *db;
	struct act act;
	char dir[64];
	char citrix[64], amber[64];
};

static void medium_high(struct matrix *m)
{
	assert_int_equal(matrix_from_text("default-config=yes,exploit=none,details=somewhat,"
	                                  "access=internet,credentials=none,complexity=average,"
	                                  "interaction=none,exploited=no,exploit-expected=no,"
	                                  "fix-available=none,dos=no,code-exec=root,remote=no,"
	                                  "privesc=no,leak=no",
	                                  m, NULL),
	                 0);
}

static int setup(void **state)
{
	static const struct org_fields orgs[] = {
	    {"min-a", "Ministerie A", "ministry", NULL, NULL},
	    {"vital-e", "Energie E", "vital", NULL, "energy"},
	};
	static const struct inventory_row inv[] = {
	    {"min-a", "pulsesecure:pulse_connect_secure", "9.0R3.3", 1, 1},
	    {"vital-e", "citrix:adc", "13.0-47.22", 1, 1},
	};
	static const char *cves[] = {"CVE-2019-19781"},
	                  *affects[] = {"citrix:adc:>=13.0|<13.0.47.24"};
	static const char *pulse_cves[] = {"CVE-2019-11510"};
	static const char *pulse_affects[] = {
	    "pulsesecure:pulse_connect_secure:>=8.2|<8.2R12.1|>=8.3|<8.3R7.1|>=9.0|<9.0R3.4"};
	static const char *fixed[] = {"citrix:adc:13.0-47.24"};
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct advisory_input in;
	int num, material;

	f->act.actor = "test:analyst";
	f->act.at = 1576659600; /* 2019-12-18T09:00:00Z */
	f->db = testdb_open(&f->t, "csafx");
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(org_add(f->db, &f->act, &orgs[i], NULL), 0);
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(inventory_put(f->db, &f->act, &inv[i], 0, NULL), 0);
	memset(&in, 0, sizeof(in));
	in.title = "Kwetsbaarheid in Citrix ADC";
	in.summary = "Op afstand code uitvoeren.";
	in.cves = cves;
	in.ncves = 1;
	in.affects = affects;
	in.naffects = 1;
	matrix_init(&in.matrix);
	medium_high(&in.matrix);
	assert_int_equal(advisory_new(f->db, &f->act, &in, f->citrix, sizeof(f->citrix), NULL), 0);
	f->act.at += 3600;
	assert_int_equal(advisory_publish(f->db, &f->act, f->citrix, 0, 0, &num, &material, NULL),
	                 0);
	memset(&in, 0, sizeof(in));
	matrix_init(&in.matrix);
	in.change = "Update beschikbaar";
	in.fixed = fixed;
	in.nfixed = 1;
	f->act.at += 86400;
	assert_int_equal(advisory_update(f->db, &f->act, f->citrix, &in, &num, NULL), 0);
	assert_int_equal(advisory_publish(f->db, &f->act, f->citrix, 0, 0, &num, &material, NULL),
	                 0);
	/* a TLP:AMBER advisory on Pulse Secure, medium/high */
	memset(&in, 0, sizeof(in));
	in.title = "Pulse Connect Secure";
	in.tlp = "amber";
	in.cves = pulse_cves;
	in.ncves = 1;
	in.affects = pulse_affects;
	in.naffects = 1;
	matrix_init(&in.matrix);
	medium_high(&in.matrix);
	assert_int_equal(advisory_new(f->db, &f->act, &in, f->amber, sizeof(f->amber), NULL), 0);
	assert_int_equal(advisory_publish(f->db, &f->act, f->amber, 0, 0, &num, &material, NULL),
	                 0);
	snprintf(f->dir, sizeof(f->dir), "/tmp/baken-test-tree-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	testdb_close(&f->t);
	free(f);
	return 0;
}

static void test_versions_export(void **state)
{
	struct fixture *f = *state;
	struct buf text;
	struct csaf_doc d;
	struct err e = {0};
	const char *l, *i;

	buf_init(&text, BUF_MAX_DEFAULT);
	assert_int_equal(csaf_export_render(f->db, f->citrix, "1.00", &text, &e), 0);
	if (csaf_read(text.data, text.len, &d, &e) != 0)
		fail_msg("1.00 fails Baken's own CSAF checks: %s", e.msg);
	assert_string_equal(d.version, "1.0.0");
	assert_string_equal(d.status, "final");
	assert_int_equal(d.nrevisions, 1);
	assert_string_equal(d.revisions[0].legacy_version, "1.00");
	assert_string_equal(d.tlp, "WHITE");
	csaf_classification(&d, &l, &i);
	assert_string_equal(l, "medium");
	assert_string_equal(i, "high");
	csaf_doc_free(&d);
	buf_reset(&text);
	assert_int_equal(csaf_export_render(f->db, f->citrix, NULL, &text, &e), 0);
	assert_int_equal(csaf_read(text.data, text.len, &d, &e), 0);
	assert_string_equal(d.version, "1.0.1");
	assert_int_equal(d.nrevisions, 2);
	assert_string_equal(d.revisions[1].legacy_version, "1.01");
	assert_string_equal(d.revisions[1].summary, "Update beschikbaar");
	assert_string_equal(d.current_release_date, "2019-12-19T10:00:00Z");
	csaf_doc_free(&d);
	buf_reset(&text);
	assert_int_equal(csaf_export_render(f->db, f->amber, NULL, &text, &e), 0);
	assert_int_equal(csaf_read(text.data, text.len, &d, &e), 0);
	assert_string_equal(d.tlp, "AMBER");
	csaf_doc_free(&d);
	assert_int_equal(csaf_export_render(f->db, "NCSC-2019-9999", NULL, &text, &e),
	                 ERR_NOTFOUND);
	buf_free(&text);
}

static void same_as_disk(struct fixture *f, const char *rel)
{
	char path[256];
	size_t len;
	char *disk;
	struct buf b;
	const char *type;
	struct err e = {0};

	snprintf(path, sizeof(path), "%s/.well-known/csaf/%s", f->dir, rel);
	disk = testfile_read(path, &len);
	buf_init(&b, BUF_MAX_DEFAULT);
	if (csaf_provider_file(f->db, rel, &b, &type, &e) != 0)
		fail_msg("%s: %s", rel, e.msg);
	assert_int_equal(b.len, len);
	assert_memory_equal(b.data, disk, len);
	buf_free(&b);
	free(disk);
}

static void test_tree_and_served_files(void **state)
{
	struct fixture *f = *state;
	json_t *report = NULL;
	struct buf b;
	const char *type;
	char rel[128], file[96];
	struct err e = {0};

	assert_int_equal(csaf_export_tree(f->db, &f->act, f->dir, NULL, &report, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(report, "documents")), 1);
	json_decref(report);
	csaf_filename(f->citrix, file, sizeof(file));
	snprintf(rel, sizeof(rel), "white/2019/%s", file);
	same_as_disk(f, rel);
	snprintf(rel, sizeof(rel), "white/2019/%s.sha256", file);
	same_as_disk(f, rel);
	snprintf(rel, sizeof(rel), "white/2019/%s.sha512", file);
	same_as_disk(f, rel);
	same_as_disk(f, "provider-metadata.json");
	same_as_disk(f, "white/index.txt");
	same_as_disk(f, "white/changes.csv");
	same_as_disk(f, "white/csaf-feed-tlp-white.json");
	/* what is not public is not there */
	buf_init(&b, BUF_MAX_DEFAULT);
	csaf_filename(f->amber, file, sizeof(file));
	snprintf(rel, sizeof(rel), "white/2019/%s", file);
	assert_int_equal(csaf_provider_file(f->db, rel, &b, &type, &e), ERR_NOTFOUND);
	snprintf(rel, sizeof(rel), "amber/2019/%s", file);
	assert_int_equal(csaf_provider_file(f->db, rel, &b, &type, &e), ERR_NOTFOUND);
	assert_int_equal(csaf_provider_file(f->db, "../../etc/passwd", &b, &type, &e),
	                 ERR_NOTFOUND);
	assert_int_equal(csaf_provider_file(f->db, "white/2020/x.json", &b, &type, &e),
	                 ERR_NOTFOUND);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void test_import_back(void **state)
{
	struct fixture *f = *state;
	struct testdb t2;
	struct db *db2 = testdb_open(&t2, "csafx2");
	char path[128];
	FILE *fp;
	struct buf text;
	json_t *rows = NULL, *v = NULL;
	const char *files[1] = {path};
	struct err e = {0};

	buf_init(&text, BUF_MAX_DEFAULT);
	assert_int_equal(csaf_export_render(f->db, f->citrix, NULL, &text, &e), 0);
	snprintf(path, sizeof(path), "%s/back.json", f->dir);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fwrite(text.data, 1, text.len, fp);
	fclose(fp);
	if (import_csaf(db2, &f->act, files, 1, &rows, &e) != 0)
		fail_msg("%s", e.msg);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "status")),
	                    "new");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(rows, 0), "classification")),
	    "medium/high");
	json_decref(rows);
	assert_int_equal(vuln_show(db2, "CVE-2019-19781", &v, &e), 0);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(v, "products"), 0), "range")),
	                    ">=13.0|<13.0.47.24");
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(v, "fixed"), 0), "version")),
	                    "13.0-47.24");
	json_decref(v);
	buf_free(&text);
	testdb_close(&t2);
}

static void test_kev_and_todo(void **state)
{
	struct fixture *f = *state;
	char path[128];
	FILE *fp;
	json_t *res = NULL, *list = NULL, *v = NULL;
	struct err e = {0};
	long id;

	snprintf(path, sizeof(path), "%s/kev.json", f->dir);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs("{\"catalogVersion\": \"t\", \"vulnerabilities\": [{\"cveID\": \"CVE-2019-11510\","
	      " \"vendorProject\": \"Ivanti\", \"product\": \"Pulse Connect Secure\","
	      " \"vulnerabilityName\": \"Arbitrary File Read\", \"dateAdded\": \"2021-11-03\"},"
	      " {\"cveID\": \"CVE-2019-19781\", \"vendorProject\": \"Citrix\", \"product\":"
	      " \"Application Delivery Controller (ADC)\", \"vulnerabilityName\": \"x\","
	      " \"dateAdded\": \"2021-11-03\"}]}",
	      fp);
	fclose(fp);
	if (import_kev(f->db, &f->act, path, &res, &e) != 0)
		fail_msg("%s", e.msg);
	/* both are medium/high with "not exploited": both proposals rise to high/high */
	assert_int_equal(json_integer_value(json_object_get(res, "todos")), 2);
	assert_int_equal(json_integer_value(json_object_get(res, "runs")), 2);
	json_decref(res);
	assert_int_equal(vuln_show(f->db, "CVE-2019-11510", &v, &e), 0);
	assert_string_equal(json_string_value(json_object_get(v, "exploit_status")), "active");
	assert_string_equal(json_string_value(json_object_get(v, "kev_date")), "2021-11-03");
	json_decref(v);
	assert_int_equal(todo_list(f->db, 0, &list, &e), 0);
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "kind")),
	                    "reclassify");
	id = (long)json_integer_value(json_object_get(json_array_get(list, 0), "id"));
	json_decref(list);
	/* again: nothing new */
	assert_int_equal(import_kev(f->db, &f->act, path, &res, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(res, "new")), 0);
	assert_int_equal(json_integer_value(json_object_get(res, "todos")), 0);
	json_decref(res);
	assert_int_equal(todo_done(f->db, &f->act, id, "herzien", &e), 0);
	assert_int_equal(todo_done(f->db, &f->act, id, NULL, &e), ERR_CONFLICT);
	assert_int_equal(todo_done(f->db, &f->act, 999, NULL, &e), ERR_NOTFOUND);
	assert_int_equal(todo_list(f->db, 0, &list, &e), 0);
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
}

static void test_feeds(void **state)
{
	struct fixture *f = *state;
	struct buf b;
	json_t *list = NULL;
	struct err e = {0};

	buf_init(&b, BUF_MAX_DEFAULT);
	assert_int_equal(feeds_atom(f->db, &b, &e), 0);
	assert_non_null(strstr(buf_str(&b), "[v1.01] [M/H] Kwetsbaarheid in Citrix ADC"));
	assert_non_null(strstr(buf_str(&b), "[v1.00] [M/H]"));
	assert_null(strstr(buf_str(&b), "Pulse"));
	buf_free(&b);
	assert_int_equal(feeds_advisories_json(f->db, &list, &e), 0);
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "version")),
	                    "1.01");
	assert_non_null(json_object_get(json_array_get(list, 0), "csaf"));
	json_decref(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_versions_export, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tree_and_served_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_kev_and_todo, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_feeds, setup, teardown),
	};
	return cmocka_run_group_tests_name("csaf_export", tests, NULL, NULL);
}
