/* test_inventory.c: products as vendor:product from names, CPEs and purls; imports that name
 * file, line and field; --replace; the version key that orders rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "model/inventory.h"
#include "model/org.h"
#include "testdb.h"

static struct act act = {"test", 1576663200};

static int setup(void **state)
{
	struct testdb *t = calloc(1, sizeof(*t));
	const struct org_fields a = {"agency-a1", "Dienst A1", "agency", NULL, NULL};

	testdb_open(t, "inv");
	assert_int_equal(org_add(t->db, &act, &a, NULL), 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	testdb_close(*state);
	free(*state);
	return 0;
}

/* "product version count" of each row, in list order. */
static void rows_of(struct testdb *t, char *out, size_t outsz)
{
	json_t *rows, *r;
	size_t i;

	out[0] = '\0';
	assert_int_equal(inventory_list(t->db, NULL, NULL, &rows, NULL), 0);
	json_array_foreach(rows, i, r)
	{
		size_t n = strlen(out);
		snprintf(out + n, outsz - n, "%s %s %lld; ",
		         json_string_value(json_object_get(r, "product")),
		         json_string_value(json_object_get(r, "version")),
		         (long long)json_integer_value(json_object_get(r, "count")));
	}
	json_decref(rows);
}

static void test_names_cpe_purl_in_version_order(void **state)
{
	struct testdb *t = *state;
	const struct inventory_row rows[] = {
	    {"agency-a1", "Citrix:ADC", "13.0-47.24", 1, 1},
	    {"agency-a1", "cpe:2.3:a:ivanti:connect_secure:9.0:r3.3:*:*:*:*:*:*", NULL, 2, 1},
	    {"agency-a1", "citrix:adc", "13.0-47.9", 3, 0},
	    {"agency-a1", "pkg:generic/citrix/adc@12.1-55.18", NULL, 4, 0},
	};
	char got[1024];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(inventory_put(t->db, &act, &rows[i], 0, NULL), 0);
	rows_of(t, got, sizeof(got));
	/* 13.0-47.9 sorts before 13.0-47.24: numbers compare as numbers */
	assert_string_equal(got, "citrix:adc 12.1-55.18 4; citrix:adc 13.0-47.9 3; "
	                         "citrix:adc 13.0-47.24 1; ivanti:connect_secure 9.0R3.3 2; ");
}

static void test_refusals(void **state)
{
	struct testdb *t = *state;
	struct inventory_row r = {"agency-a1", "citrix:adc", "1..<2", 1, 0};
	struct err e = {0, ""};

	assert_int_equal(inventory_put(t->db, &act, &r, 0, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "version"));
	r.version = NULL;
	assert_int_equal(inventory_put(t->db, &act, &r, 0, &e), ERR_INPUT);
	r.version = "1.0";
	r.org = "nobody";
	assert_int_equal(inventory_put(t->db, &act, &r, 0, &e), ERR_NOTFOUND);
}

static void test_csv_import_line_errors_and_replace(void **state)
{
	struct testdb *t = *state;
	char path[] = "/tmp/baken-test-inv-XXXXXX", got[1024];
	struct err e = {0, ""};
	long n;
	int fd = mkstemp(path);

	close(fd);
	testdb_write_file(path, "org,product,version,count,internet_facing\n"
	                        "agency-a1,citrix:adc,13.0-47.22,2,true\n"
	                        "agency-a1,citrix:gateway,12.1-50.31,1,false\n");
	assert_int_equal(inventory_import(t->db, &act, path, NULL, 0, &n, NULL), 0);
	assert_int_equal(n, 2);
	testdb_write_file(path, "org,product,version,count,internet_facing\n"
	                        "agency-a1,citrix:adc,13.0-47.24,2,true\n"
	                        "agency-a1,citrix:adc,13.0-47.25,many,true\n");
	assert_int_equal(inventory_import(t->db, &act, path, NULL, 0, &n, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, ":3:"));
	assert_non_null(strstr(e.msg, "count"));
	testdb_write_file(path, "product,version\ncitrix:adc,13.0-47.24\n");
	assert_int_equal(inventory_import(t->db, &act, path, "agency-a1", 1, &n, NULL), 0);
	rows_of(t, got, sizeof(got));
	assert_string_equal(got, "citrix:adc 13.0-47.24 1; ");
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_names_cpe_purl_in_version_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_csv_import_line_errors_and_replace, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
