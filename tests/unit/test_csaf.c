/* test_csaf.c: CSAF 2.0 documents: the mandatory tests on OASIS's failing examples, the real
 * documents, the product tree read into product keys and ranges, and a document written by
 * csaf_build read back the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "formats/csaf.h"
#include "testfile.h"

#define EXAMPLES "tests/data/csaf/examples"
#define INVALID  "tests/data/csaf/invalid"

static int read_doc(const char *path, struct csaf_doc *d, struct err *e)
{
	size_t len;
	char *data = testfile_read(path, &len);
	int rc = csaf_read(data, len, d, e);

	free(data);
	return rc;
}

static void test_examples_pass(void **state)
{
	static const char *const files[] = {"bsi-2022-0001.json",  "cisco-sa-20180328-smi2.json",
	                                    "rhsa-2019_1862.json", "rhsa-2021_5186.json",
	                                    "rhsa-2021_5217.json", "rhsa-2022_0011.json"};
	char path[256];

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct csaf_doc d;
		struct err e = {0};
		snprintf(path, sizeof(path), "%s/%s", EXAMPLES, files[i]);
		if (read_doc(path, &d, &e) != 0)
			fail_msg("%s: %s", files[i], e.msg);
		csaf_doc_free(&d);
	}
}

/* Files that break more than the test their name says; the checker may find the other first
 * (BSI's validator reports these tests for them too). */
static const struct {
	const char *file, *also;
} also_breaks[] = {
    {"2021-6-1-17-01", "6.1.18"},      {"2021-6-1-20-01", "6.1.17"},
    {"2021-6-1-27-02-01", "6.1.27.1"}, {"2021-6-1-27-03-01", "6.1.27.1"},
    {"2021-6-1-27-04-01", "6.1.27.5"}, {"2021-6-1-27-06-01", "6.1.27.5"},
    {"2021-6-1-27-07-01", "6.1.27.5"}, {"2021-6-1-27-08-01", "6.1.27.5"},
    {"2021-6-1-27-10-01", "6.1.27.5"},
};

static void test_invalid_refused(void **state)
{
	DIR *dir = opendir(INVALID);
	struct dirent *de;
	int n = 0;

	(void)state;
	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL) {
		char path[512], test[32], *p;
		struct csaf_doc d;
		struct err e = {0};
		int a, b, c = 0;

		if (strncmp(de->d_name, "oasis_", 6) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", INVALID, de->d_name);
		p = strstr(de->d_name, "2021-6-1-");
		assert_non_null(p);
		if (sscanf(p + 9, "%d-%d-%d", &a, &b, &c) == 3 && a == 27)
			snprintf(test, sizeof(test), "6.1.27.%d: ", b);
		else
			snprintf(test, sizeof(test), "6.1.%d: ", a);
		if (read_doc(path, &d, &e) == 0)
			fail_msg("%s was accepted; it breaks %s", de->d_name, test);
		assert_int_equal(e.code, ERR_INPUT);
		assert_true(e.msg[0] == '/');
		if (strstr(e.msg, test) == NULL) {
			int ok = 0;
			for (size_t i = 0; i < sizeof(also_breaks) / sizeof(also_breaks[0]); i++)
				ok |= strstr(de->d_name, also_breaks[i].file) &&
				      strstr(e.msg, also_breaks[i].also);
			if (!ok)
				fail_msg("%s: %s; want %s", de->d_name, e.msg, test);
		}
		n++;
	}
	closedir(dir);
	assert_int_equal(n, 87);
}

static const struct csaf_product *product(const struct csaf_doc *d, const char *id)
{
	for (size_t i = 0; i < d->nproducts; i++)
		if (strcmp(d->products[i].id, id) == 0)
			return &d->products[i];
	fail_msg("no product %s", id);
	return NULL;
}

static void test_product_tree(void **state)
{
	struct csaf_doc d;
	struct csaf_affect *a;
	size_t n;
	struct err e = {0};

	(void)state;
	/* BSI: versions under vendor and product names, with CPEs */
	assert_int_equal(read_doc(EXAMPLES "/bsi-2022-0001.json", &d, &e), 0);
	assert_string_equal(product(&d, "CSAFPID-0001")->key, "csaf-tools:cvrf-csaf-converter");
	assert_string_equal(product(&d, "CSAFPID-0001")->version, "1.0.0-alpha");
	assert_int_equal(d.nvulns, 1);
	assert_int_equal(csaf_affects(&d, &d.vulns[0], &a, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].range, "1.0.0-alpha|1.0.0-dev1|1.0.0-dev2|1.0.0-dev3|1.0.0-rc1");
	assert_int_equal(a[0].fixed.n, 1);
	assert_string_equal(a[0].fixed.v[0], "1.0.0-rc2");
	assert_string_equal(d.vulns[0].cwe_id, "CWE-611");
	assert_string_equal(d.vulns[0].cvss_vector,
	                    "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:L/E:F/RL:O/RC:C");
	csaf_affects_free(a, n);
	csaf_doc_free(&d);

	/* Red Hat: packages (NEVRA) as components of products, through relationships */
	assert_int_equal(read_doc(EXAMPLES "/rhsa-2022_0011.json", &d, &e), 0);
	assert_string_equal(
	    product(&d, "7Server-7.6.AUS:telnet-server-1:0.17-65.el7_6.x86_64")->key,
	    "red_hat:telnet-server");
	assert_string_equal(
	    product(&d, "7Server-7.6.AUS:telnet-server-1:0.17-65.el7_6.x86_64")->version,
	    "0.17-65.el7_6");
	csaf_doc_free(&d);

	/* Cisco: builds as service packs; hundreds of them widened to intervals */
	assert_int_equal(read_doc(EXAMPLES "/cisco-sa-20180328-smi2.json", &d, &e), 0);
	assert_int_equal(csaf_affects(&d, &d.vulns[0], &a, &n, &e), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		assert_non_null(a[i].range);
	csaf_affects_free(a, n);
	csaf_doc_free(&d);
}

static void test_helpers(void **state)
{
	char s[64];
	struct err e = {0};

	(void)state;
	csaf_semver(0, s, sizeof(s));
	assert_string_equal(s, "1.0.0");
	csaf_semver(1, s, sizeof(s));
	assert_string_equal(s, "1.0.1");
	csaf_semver(99, s, sizeof(s));
	assert_string_equal(s, "1.0.99");
	csaf_semver(100, s, sizeof(s));
	assert_string_equal(s, "2.0.0");
	csaf_filename("NCSC-2019-0353", s, sizeof(s));
	assert_string_equal(s, "ncsc-2019-0353.json");
	csaf_filename("RHSA-2019:1862", s, sizeof(s));
	assert_string_equal(s, "rhsa-2019_1862.json");
	assert_string_equal(csaf_tlp_label("CLEAR"), "WHITE");
	assert_string_equal(csaf_tlp_label("amber+strict"), "AMBER");
	assert_string_equal(csaf_tlp_label("RED"), "RED");
	assert_null(csaf_tlp_label("PURPLE"));
	assert_int_equal(csaf_version_normalize("1:0.17-65.el7_6", s, sizeof(s), &e), 0);
	assert_string_equal(s, "0.17-65.el7_6");
	assert_int_equal(csaf_version_normalize("12.2(55)SE", s, sizeof(s), &e), 0);
	assert_string_equal(s, "12.2.55.SE");
	assert_int_equal(csaf_version_normalize("()", s, sizeof(s), &e), ERR_INPUT);
}

static void test_malformed(void **state)
{
	struct csaf_doc d;
	struct err e = {0};

	(void)state;
	assert_int_equal(csaf_read("{\"document\": ", 13, &d, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "line 1"));
	assert_int_equal(csaf_read("[]", 2, &d, &e), ERR_INPUT);
	assert_int_equal(csaf_read("{}", 2, &d, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "document"));
	assert_int_equal(csaf_read("{\"document\": {\"category\": \"csaf_base\", \"csaf_version\": "
	                           "\"2.0\", \"title\": \"t\", \"publisher\": {\"category\": "
	                           "\"vendor\", \"name\": \"n\", \"namespace\": \"https://x\"}, "
	                           "\"tracking\": {\"id\": \"X\"}}}",
	                           200, &d, &e),
	                 ERR_INPUT);
}

/* A document as csaf_export writes one, built by hand: read back, the same. */
static void test_build_read_back(void **state)
{
	struct csaf_doc d, r;
	struct csaf_affect *a;
	const char *l, *i;
	size_t n;
	char *text;
	struct err e = {0};

	(void)state;
	memset(&d, 0, sizeof(d));
	d.category = xstrdup("csaf_security_advisory");
	d.title = xstrdup("Kwetsbaarheid in Citrix ADC");
	d.lang = xstrdup("nl");
	d.tlp = xstrdup("WHITE");
	d.publisher_category = xstrdup("coordinator");
	d.publisher_name = xstrdup("NCSC");
	d.publisher_namespace = xstrdup("https://www.ncsc.nl");
	d.id = xstrdup("NCSC-2019-0353");
	d.version = xstrdup("1.0.1");
	d.status = xstrdup("final");
	d.initial_release_date = xstrdup("2019-12-18T10:00:00Z");
	d.current_release_date = xstrdup("2019-12-24T12:05:00Z");
	d.nrevisions = 2;
	d.revisions = xcalloc(2, sizeof(*d.revisions));
	d.revisions[0] = (struct csaf_revision){xstrdup("2019-12-18T10:00:00Z"), xstrdup("1.0.0"),
	                                        xstrdup("1.00"), xstrdup("Eerste versie.")};
	d.revisions[1] = (struct csaf_revision){xstrdup("2019-12-24T12:05:00Z"), xstrdup("1.0.1"),
	                                        xstrdup("1.01"), xstrdup("Inschaling verhoogd.")};
	d.nnotes = 2;
	d.notes = xcalloc(2, sizeof(*d.notes));
	d.notes[0] = (struct csaf_note){xstrdup("general"), xstrdup("Kans"), xstrdup("high")};
	d.notes[1] = (struct csaf_note){xstrdup("general"), xstrdup("Schade"),
	                                xstrdup("high\nUitvoeren van willekeurige code")};
	d.nproducts = 3;
	d.products = xcalloc(3, sizeof(*d.products));
	d.products[0] = (struct csaf_product){xstrdup("P1"),
	                                      xstrdup("citrix adc range"),
	                                      xstrdup("citrix"),
	                                      xstrdup("adc"),
	                                      xstrdup("citrix:adc"),
	                                      NULL,
	                                      xstrdup(">=10.5|<10.5.70.12|>=13.0|<13.0.47.24"),
	                                      NULL,
	                                      NULL,
	                                      NULL};
	d.products[1] = (struct csaf_product){xstrdup("P2"),
	                                      xstrdup("citrix adc 13.0-47.24"),
	                                      xstrdup("citrix"),
	                                      xstrdup("adc"),
	                                      xstrdup("citrix:adc"),
	                                      xstrdup("13.0-47.24"),
	                                      NULL,
	                                      NULL,
	                                      NULL,
	                                      NULL};
	d.products[2] = (struct csaf_product){xstrdup("P3"),
	                                      xstrdup("pulse"),
	                                      xstrdup("pulsesecure"),
	                                      xstrdup("pulse_connect_secure"),
	                                      xstrdup("pulsesecure:pulse_connect_secure"),
	                                      NULL,
	                                      xstrdup("*"),
	                                      NULL,
	                                      NULL,
	                                      NULL};
	d.nvulns = 1;
	d.vulns = xcalloc(1, sizeof(*d.vulns));
	d.vulns[0].cve = xstrdup("CVE-2019-19781");
	d.vulns[0].nnotes = 1;
	d.vulns[0].notes = xcalloc(1, sizeof(struct csaf_note));
	d.vulns[0].notes[0] = (struct csaf_note){xstrdup("description"), NULL, xstrdup("tekst")};
	csaf_strv_add(&d.vulns[0].affected, "P1");
	csaf_strv_add(&d.vulns[0].affected, "P3");
	csaf_strv_add(&d.vulns[0].fixed, "P2");

	{
		json_t *j = csaf_build(&d);
		text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(j);
	}
	if (csaf_read(text, strlen(text), &r, &e) != 0)
		fail_msg("%s", e.msg);
	assert_string_equal(r.id, "NCSC-2019-0353");
	assert_string_equal(r.revisions[1].legacy_version, "1.01");
	csaf_classification(&r, &l, &i);
	assert_string_equal(l, "high");
	assert_string_equal(i, "high");
	assert_int_equal(csaf_affects(&r, &r.vulns[0], &a, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(a[0].key, "citrix:adc");
	assert_string_equal(a[0].range, ">=10.5|<10.5.70.12|>=13.0|<13.0.47.24");
	assert_int_equal(a[0].fixed.n, 1);
	assert_string_equal(a[0].fixed.v[0], "13.0-47.24");
	assert_string_equal(a[1].key, "pulsesecure:pulse_connect_secure");
	assert_string_equal(a[1].range, "*");
	csaf_affects_free(a, n);
	csaf_doc_free(&r);
	free(text);
	csaf_doc_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_examples_pass), cmocka_unit_test(test_invalid_refused),
	    cmocka_unit_test(test_product_tree),  cmocka_unit_test(test_helpers),
	    cmocka_unit_test(test_malformed),     cmocka_unit_test(test_build_read_back),
	};
	return cmocka_run_group_tests_name("csaf", tests, NULL, NULL);
}
