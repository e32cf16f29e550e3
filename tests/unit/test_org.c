/* test_org.c: organisations, contacts, netblocks and their import, all or nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "model/org.h"
#include "testdb.h"

static struct act act = {"test", 1576663200};

static int setup(void **state)
{
	struct testdb *t = calloc(1, sizeof(*t));
	const struct org_fields min = {"min-a", "Ministerie A", "ministry", NULL, NULL};

	testdb_open(t, "org");
	assert_int_equal(org_add(t->db, &act, &min, NULL), 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	testdb_close(*state);
	free(*state);
	return 0;
}

static void test_tree_and_kinds(void **state)
{
	struct testdb *t = *state;
	const struct org_fields agency = {"agency-a1", "Dienst A1", "AGENCY", "min-a", NULL};
	const struct org_fields orphan = {"agency-b", "Dienst B", "agency", "nobody", NULL};
	const struct org_fields badkind = {"x", "X", "municipality", NULL, NULL};
	const struct org_fields badid = {"Bad Id", "X", "other", NULL, NULL};
	struct err e = {0, ""};
	json_t *o;

	assert_int_equal(org_add(t->db, &act, &agency, NULL), 0);
	assert_int_equal(org_add(t->db, &act, &agency, &e), ERR_CONFLICT);
	assert_int_equal(org_add(t->db, &act, &orphan, &e), ERR_NOTFOUND);
	assert_non_null(strstr(e.msg, "nobody"));
	assert_int_equal(org_add(t->db, &act, &badkind, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "ministry, agency, vital, partner, other"));
	assert_int_equal(org_add(t->db, &act, &badid, &e), ERR_INPUT);
	assert_int_equal(org_show(t->db, "min-a", &o, NULL), 0);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(o, "children"), 0), "org")),
	                    "agency-a1");
	json_decref(o);
	assert_int_equal(org_show(t->db, "agency-a1", &o, NULL), 0);
	assert_string_equal(json_string_value(json_object_get(o, "kind")), "agency");
	assert_string_equal(json_string_value(json_object_get(o, "parent")), "min-a");
	json_decref(o);
}

/* org_parent_step walks up one level at a time and ends with "" at the top or for a stranger. */
static void test_parent_step(void **state)
{
	struct testdb *t = *state;
	const struct org_fields agency = {"agency-a1", "Dienst A1", "agency", "min-a", NULL};
	char cur[80] = "agency-a1";

	assert_int_equal(org_add(t->db, &act, &agency, NULL), 0);
	assert_int_equal(org_parent_step(t->db, cur, sizeof(cur), NULL), 0);
	assert_string_equal(cur, "min-a");
	assert_int_equal(org_parent_step(t->db, cur, sizeof(cur), NULL), 0);
	assert_string_equal(cur, "");
	snprintf(cur, sizeof(cur), "%s", "nobody");
	assert_int_equal(org_parent_step(t->db, cur, sizeof(cur), NULL), 0);
	assert_string_equal(cur, "");
}

static void test_contacts_and_netblocks(void **state)
{
	struct testdb *t = *state;
	struct contact_fields c = {"min-a",      "CISO", "ciso", "ciso@a.example",
	                           "+31 70 123", 1,      NULL};
	struct err e = {0, ""};
	json_t *o;

	assert_int_equal(org_contact_set(t->db, &act, &c, NULL), 0);
	c.email = "not an address";
	assert_int_equal(org_contact_set(t->db, &act, &c, &e), ERR_INPUT);
	c.email = NULL;
	c.phone = "+31 70 999"; /* changed by name; the e-mail stays */
	assert_int_equal(org_contact_set(t->db, &act, &c, NULL), 0);
	assert_int_equal(org_netblock_add(t->db, &act, "min-a", "198.51.0.0/16", NULL), 0);
	assert_int_equal(org_netblock_add(t->db, &act, "min-a", "2001:DB8::/32", NULL), 0);
	assert_int_equal(org_netblock_add(t->db, &act, "min-a", "300.1.1.0/24", &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "300.1.1.0/24"));
	assert_int_equal(org_show(t->db, "min-a", &o, NULL), 0);
	assert_int_equal(json_array_size(json_object_get(o, "contact_list")), 1);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(o, "contact_list"), 0), "email")),
	                    "ciso@a.example");
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(o, "netblock_list"), 1), "cidr")),
	                    "2001:db8::/32");
	json_decref(o);
}

static void test_csv_import_parents_later_and_line_errors(void **state)
{
	struct testdb *t = *state;
	char path[] = "/tmp/baken-test-orgs-XXXXXX";
	struct err e = {0, ""};
	json_t *list;
	int n, fd = mkstemp(path);

	close(fd);
	testdb_write_file(path, "id,name,kind,parent,sector\n"
	                        "agency-b1,Dienst B1,agency,min-b,\n"
	                        "min-b,Ministerie B,ministry,,\n");
	assert_int_equal(org_import(t->db, &act, path, &n, NULL), 0);
	assert_int_equal(n, 2);
	testdb_write_file(path, "id,name,kind,parent,sector\n"
	                        "vital-c,Water C,vital,,water\n"
	                        "vital-d,Water D,waterworks,,water\n");
	assert_int_equal(org_import(t->db, &act, path, &n, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, ":3:"));
	assert_non_null(strstr(e.msg, "kind"));
	unlink(path);
	/* the caller rolls back; the list shows what the transaction holds so far */
	assert_int_equal(org_list(t->db, "ministry", &list, NULL), 0);
	assert_int_equal(json_array_size(list), 2);
	json_decref(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_tree_and_kinds, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_parent_step, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_contacts_and_netblocks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_csv_import_parents_later_and_line_errors, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
