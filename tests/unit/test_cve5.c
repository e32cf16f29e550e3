/* test_cve5.c: CVE JSON 5 records: products and ranges from affected, cpes and
 * cpeApplicability; the CISA ADP container; refusals that name the JSON path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/cve5.h"
#include "testfile.h"

#define CVES "tests/data/cve/cves"

static void read_record(const char *path, struct cve_record *r)
{
	size_t len;
	char *data = testfile_read(path, &len);
	struct err e = {0};

	if (cve5_read(data, len, r, &e) != 0)
		fail_msg("%s: %s", path, e.msg);
	free(data);
}

static const struct cve_product *prod(const struct cve_record *r, const char *key)
{
	for (size_t i = 0; i < r->nproducts; i++)
		if (strcmp(r->products[i].key, key) == 0)
			return &r->products[i];
	fail_msg("%s: no product %s", r->id, key);
	return NULL;
}

static void test_citrix_2019(void **state)
{
	struct cve_record r;

	(void)state;
	read_record(CVES "/2019/19xxx/CVE-2019-19781.json", &r);
	assert_string_equal(r.id, "CVE-2019-19781");
	assert_string_equal(r.state, "PUBLISHED");
	assert_int_equal(r.nproducts, 0); /* "n/a" names no product */
	assert_string_equal(r.kev_date, "2021-11-03");
	assert_string_equal(r.exploitation, "active");
	assert_string_equal(r.cwe_id, "CWE-22");
	assert_string_equal(r.cwe_name,
	                    "Improper Limitation of a Pathname to a Restricted Directory ('Path "
	                    "Traversal')");
	assert_string_equal(r.cvss_vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
	assert_true(r.nrefs >= 3);
	assert_non_null(strstr(r.description, "Directory Traversal"));
	cve5_free(&r);
}

static void test_citrix_bleed_patch_versions(void **state)
{
	struct cve_record r;

	(void)state;
	read_record(CVES "/2023/4xxx/CVE-2023-4966.json", &r);
	assert_string_equal(prod(&r, "citrix:netscaler_gateway")->range,
	                    ">=13.0|<13.0-92.19|>=13.1|<13.1-49.15|>=14.1|<14.1-8.50");
	assert_string_equal(r.title, "Unauthenticated sensitive information disclosure");
	assert_string_equal(r.kev_date, "2023-10-18");
	cve5_free(&r);
}

static void test_every_way(void **state)
{
	struct cve_record r;
	const struct cve_product *p;

	(void)state;
	read_record(CVES "/2099/0xxx/CVE-2099-0001.json", &r);
	assert_int_equal(r.nproducts, 3);
	p = prod(&r, "example_corp:widget_server");
	assert_string_equal(p->range,
	                    ">=1.0|<1.4.2|>=2.0|<=2.3|>=3.0|<3.2.1|>=3.5|<3.9|>=4.0|<4.0.7");
	assert_string_equal(prod(&r, "example:widget_agent")->range, "5.1.0");
	assert_string_equal(prod(&r, "example:widget_os")->range, "6.5|>=7.0|<7.2.4");
	assert_string_equal(r.exploitation, "poc");
	assert_null(r.kev_date);
	assert_true(r.skipped >= 1); /* the git range */
	cve5_free(&r);
}

static void refused(const char *json, const char *want)
{
	struct cve_record r;
	struct err e = {0};

	assert_int_equal(cve5_read(json, strlen(json), &r, &e), ERR_INPUT);
	if (strstr(e.msg, want) == NULL)
		fail_msg("%s: %s; want %s", json, e.msg, want);
}

static void test_refusals(void **state)
{
	struct cve_record r;

	(void)state;
	refused("{", "line 1");
	refused("[]", "/: expected a JSON object");
	refused("{\"dataType\": \"CVE_RECORD\", \"dataVersion\": \"4.0\"}", "/dataVersion");
	refused("{\"dataType\": \"CVE_RECORD\", \"dataVersion\": \"5.0\", \"cveMetadata\": "
	        "{\"cveId\": \"CVE-19-1\", \"state\": \"PUBLISHED\"}}",
	        "/cveMetadata/cveId");
	refused(
	    "{\"dataType\": \"CVE_RECORD\", \"dataVersion\": \"5.0\", \"cveMetadata\": "
	    "{\"cveId\": \"CVE-2019-1234\", \"state\": \"PUBLISHED\"}, \"containers\": {\"cna\": "
	    "{\"affected\": {}}}}",
	    "/containers/cna/affected: expected an array");
	refused(
	    "{\"dataType\": \"CVE_RECORD\", \"dataVersion\": \"5.0\", \"cveMetadata\": "
	    "{\"cveId\": \"CVE-2019-1234\", \"state\": \"PUBLISHED\"}, \"containers\": {\"cna\": "
	    "{\"affected\": [{\"vendor\": \"a\", \"product\": \"b\", \"versions\": [1]}]}}}",
	    "/containers/cna/affected/0/versions/0");
	/* a rejected record reads, with nothing in it */
	{
		const char *j =
		    "{\"dataType\": \"CVE_RECORD\", \"dataVersion\": \"5.1\", "
		    "\"cveMetadata\": {\"cveId\": \"CVE-2019-1234\", \"state\": "
		    "\"REJECTED\"}, \"containers\": {\"cna\": {\"rejectedReasons\": []}}}";
		struct err e = {0};
		assert_int_equal(cve5_read(j, strlen(j), &r, &e), 0);
		assert_string_equal(r.state, "REJECTED");
		cve5_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_citrix_2019),
	    cmocka_unit_test(test_citrix_bleed_patch_versions),
	    cmocka_unit_test(test_every_way),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests_name("cve5", tests, NULL, NULL);
}
