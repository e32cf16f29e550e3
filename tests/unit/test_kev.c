/* test_kev.c: the CISA KEV catalogue: the real one reads whole; refusals name the path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/kev.h"
#include "testfile.h"

static void test_real_catalogue(void **state)
{
	size_t len;
	char *data = testfile_read("tests/data/kev/known_exploited_vulnerabilities.json", &len);
	struct kev_catalog k;
	struct err e = {0};
	int found = 0;

	(void)state;
	if (kev_read(data, len, &k, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(k.n, 1404);
	assert_int_equal(k.count, 1404);
	assert_string_equal(k.version, "2025.08.25");
	for (size_t i = 0; i < k.n; i++)
		if (strcmp(k.entries[i].cve, "CVE-2019-19781") == 0) {
			found = 1;
			assert_string_equal(k.entries[i].vendor_project, "Citrix");
			assert_string_equal(k.entries[i].date_added, "2021-11-03");
			assert_string_equal(k.entries[i].cwes, "[\"CWE-22\"]");
			assert_string_equal(k.entries[i].ransomware, "Known");
		}
	assert_true(found);
	kev_free(&k);
	free(data);
}

static void refused(const char *json, const char *want)
{
	struct kev_catalog k;
	struct err e = {0};

	assert_int_equal(kev_read(json, strlen(json), &k, &e), ERR_INPUT);
	if (strstr(e.msg, want) == NULL)
		fail_msg("%s: %s; want %s", json, e.msg, want);
}

#define ENTRY(cve, date)                                                                           \
	"{\"cveID\": \"" cve "\", \"vendorProject\": \"V\", \"product\": \"P\", "                  \
	"\"vulnerabilityName\": \"N\", \"dateAdded\": \"" date "\"}"

static void test_refusals(void **state)
{
	(void)state;
	refused("{\"vulnerabilities\": ", "line 1");
	refused("{\"catalogVersion\": \"1\"}", "/vulnerabilities");
	refused("{\"catalogVersion\": \"1\", \"vulnerabilities\": [" ENTRY("CVE-2019-19781",
	                                                                   "03-11-2021") "]}",
	        "/vulnerabilities/0/dateAdded");
	refused("{\"catalogVersion\": \"1\", \"vulnerabilities\": [" ENTRY(
	            "CVE-2019-19781", "2021-11-03") ", " ENTRY("CVE-19-1", "2021-11-03") "]}",
	        "/vulnerabilities/1/cveID");
	refused("{\"catalogVersion\": \"1\", \"vulnerabilities\": [" ENTRY(
	            "CVE-2019-19781", "2021-11-03") ", " ENTRY("CVE-2019-19781", "2021-11-03") "]}",
	        "listed twice");
	refused(
	    "{\"catalogVersion\": \"1\", \"vulnerabilities\": [{\"cveID\": \"CVE-2019-19781\"}]}",
	    "/vulnerabilities/0/vendorProject: missing");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_catalogue),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests_name("kev", tests, NULL, NULL);
}
