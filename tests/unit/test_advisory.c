/* test_advisory.c: advisories in the store: IDs per year, versions 1.00/1.01, a published
 * version never changes, the rationale rule, material changes, and who is affected. */
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
#include "testdb.h"
#include "model/advisory.h"
#include "model/inventory.h"
#include "model/org.h"

struct fixture {
	struct testdb t;
	struct db *db;
	struct act act;
};

static const char *citrix_affects[] = {"citrix:adc:>=13.0|<13.0.47.24",
                                       "citrix:gateway:>=12.1|<12.1.55.18"};
static const char *citrix_cves[] = {"CVE-2019-19781"};

/* the medium/high answers of the Citrix case */
static void medium_high(struct matrix *m)
{
	static const char *mh = "default-config=yes,exploit=none,details=somewhat,access=internet,"
	                        "credentials=none,complexity=average,interaction=none,exploited=no,"
	                        "exploit-expected=no,fix-available=none,dos=no,code-exec=root,"
	                        "remote=no,privesc=no,leak=no";
	assert_int_equal(matrix_from_text(mh, m, NULL), 0);
}

static int setup(void **state)
{
	static const struct org_fields orgs[] = {
	    {"min-a", "Ministerie A", "ministry", NULL, NULL},
	    {"agency-a1", "Dienst A1", "agency", "min-a", NULL},
	    {"vital-e", "Energie E", "vital", NULL, "energy"},
	    {"other-x", "Gemeente X", "other", NULL, NULL},
	};
	static const struct inventory_row inv[] = {
	    {"agency-a1", "citrix:adc", "13.0-47.22", 2, 1},
	    {"vital-e", "citrix:adc", "13.0-47.24", 1, 1},
	    {"other-x", "citrix:gateway", "12.1-50.31", 1, 0},
	    {"min-a", "citrix:adc", "12.1-50.31", 1, 0},
	    {"vital-e", "citrix:gateway", "12.1-49.23", 3, 1},
	};
	struct fixture *f = calloc(1, sizeof(*f));

	f->act.actor = "test:analyst";
	f->act.at = 1576659600; /* 2019-12-18T09:00:00Z */
	f->db = testdb_open(&f->t, "adv");
	for (size_t i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++)
		assert_int_equal(org_add(f->db, &f->act, &orgs[i], NULL), 0);
	for (size_t i = 0; i < sizeof(inv) / sizeof(inv[0]); i++)
		assert_int_equal(inventory_put(f->db, &f->act, &inv[i], 1, NULL), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	testdb_close(&f->t);
	free(f);
	return 0;
}

static void citrix_input(struct advisory_input *in)
{
	memset(in, 0, sizeof(*in));
	in->title = "Kwetsbaarheid in Citrix ADC en Gateway";
	in->cves = citrix_cves;
	in->ncves = 1;
	in->affects = citrix_affects;
	in->naffects = 2;
	matrix_init(&in->matrix);
	medium_high(&in->matrix);
}

static void new_citrix(struct fixture *f, char *id, size_t idsz)
{
	struct advisory_input in;

	citrix_input(&in);
	assert_int_equal(advisory_new(f->db, &f->act, &in, id, idsz, NULL), 0);
}

static void test_ids_numbered_per_year(void **state)
{
	struct fixture *f = *state;
	char a[64], b[64], c[64];

	new_citrix(f, a, sizeof(a));
	new_citrix(f, b, sizeof(b));
	f->act.at += 30 * 86400; /* into 2020 */
	new_citrix(f, c, sizeof(c));
	assert_string_equal(a, "NCSC-2019-0001");
	assert_string_equal(b, "NCSC-2019-0002");
	assert_string_equal(c, "NCSC-2020-0001");
}

static void test_versions_and_frozen_publication(void **state)
{
	struct fixture *f = *state;
	struct advisory_input in;
	struct advisory_version v;
	char id[64];
	int num, material;

	new_citrix(f, id, sizeof(id));
	assert_int_equal(advisory_publish(f->db, &f->act, id, 0, 0, &num, &material, NULL), 0);
	assert_int_equal(num, 0);
	assert_int_equal(material, 1);
	/* nothing to publish until an update */
	assert_int_equal(advisory_publish(f->db, &f->act, id, 0, 0, &num, &material, NULL),
	                 ERR_CONFLICT);
	memset(&in, 0, sizeof(in));
	matrix_init(&in.matrix);
	matrix_set(&in.matrix, "exploit", "poc", NULL);
	matrix_set(&in.matrix, "exploit-expected", "yes", NULL);
	in.change = "Inschaling verhoogd naar high/high";
	f->act.at += 6 * 86400;
	assert_int_equal(advisory_update(f->db, &f->act, id, &in, &num, NULL), 0);
	assert_int_equal(num, 1);
	assert_int_equal(advisory_publish(f->db, &f->act, id, 0, 0, &num, &material, NULL), 0);
	assert_int_equal(material, 1); /* likelihood rose */

	assert_int_equal(advisory_load(f->db, id, "1.00", 0, &v, NULL), 0);
	assert_string_equal(v.likelihood, "medium");
	assert_string_equal(v.impact, "high");
	advisory_version_free(&v);
	assert_int_equal(advisory_load(f->db, id, NULL, 0, &v, NULL), 0);
	assert_int_equal(v.num, 1);
	assert_string_equal(v.likelihood, "high");
	assert_string_equal(v.changelog, "Inschaling verhoogd naar high/high");
	advisory_version_free(&v);
	/* the store itself refuses to change a published version */
	assert_int_equal(
	    db_exec(f->db, "UPDATE advisory_versions SET title = 'x' WHERE num = 0", NULL),
	    ERR_CONFLICT);
}

static void test_text_only_update_is_not_material(void **state)
{
	struct fixture *f = *state;
	struct advisory_input in;
	char id[64];
	int num, material;

	new_citrix(f, id, sizeof(id));
	assert_int_equal(advisory_publish(f->db, &f->act, id, 0, 0, &num, &material, NULL), 0);
	memset(&in, 0, sizeof(in));
	matrix_init(&in.matrix);
	in.summary = "Typfout verbeterd.";
	in.change = "Tekstuele aanpassing";
	assert_int_equal(advisory_update(f->db, &f->act, id, &in, &num, NULL), 0);
	assert_int_equal(advisory_publish(f->db, &f->act, id, 0, 0, &num, &material, NULL), 0);
	assert_int_equal(material, 0);
}

static void test_deviation_needs_rationale(void **state)
{
	struct fixture *f = *state;
	struct advisory_input in;
	struct err e = {0, ""};
	char id[64];
	int num;

	new_citrix(f, id, sizeof(id));
	memset(&in, 0, sizeof(in));
	matrix_init(&in.matrix);
	in.likelihood = "low";
	in.change = "lager";
	assert_int_equal(advisory_update(f->db, &f->act, id, &in, &num, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "rationale"));
	in.rationale = "Alleen bereikbaar via het interne netwerk.";
	assert_int_equal(advisory_update(f->db, &f->act, id, &in, &num, NULL), 0);
}

static void test_affected_exact_set(void **state)
{
	static const char *fixed[] = {"citrix:gateway:12.1-49.23"};
	struct fixture *f = *state;
	struct advisory_input in;
	struct advisory_version v;
	json_t *rows;
	char id[64], got[256] = "";
	size_t i;
	json_t *r;

	citrix_input(&in);
	in.fixed = fixed; /* a hotfix build inside the range counts as fixed */
	in.nfixed = 1;
	assert_int_equal(advisory_new(f->db, &f->act, &in, id, sizeof(id), NULL), 0);
	assert_int_equal(advisory_load(f->db, id, NULL, 1, &v, NULL), 0);
	assert_int_equal(advisory_affected(f->db, &v, &rows, NULL), 0);
	json_array_foreach(rows, i, r)
	{
		strncat(got, json_string_value(json_object_get(r, "org")), 40);
		strncat(got, "=", 2);
		strncat(got, json_string_value(json_object_get(r, "version")), 40);
		strncat(got, " ", 2);
	}
	/* 13.0-47.24 is fixed; min-a runs 12.1 of the adc, outside its range */
	assert_string_equal(got, "agency-a1=13.0-47.22 other-x=12.1-50.31 ");
	json_decref(rows);
	advisory_version_free(&v);
}

/* Fixed versions read in product, then version order, whatever order they came in; the same
 * version twice once. */
static void test_fixed_versions_ordered(void **state)
{
	static const char *fixed[] = {"citrix:adc:13.0.47.24", "citrix:adc:10.5.70.12",
	                              "citrix:adc:12.1.55.18", "citrix:adc:10.5.70.12",
	                              "citrix:adc:11.1.63.15", "citrix:gateway:12.1.55.18"};
	struct fixture *f = *state;
	struct advisory_input in;
	struct advisory_version v;
	char id[64], got[512] = "";

	citrix_input(&in);
	in.fixed = fixed;
	in.nfixed = sizeof(fixed) / sizeof(fixed[0]);
	assert_int_equal(advisory_new(f->db, &f->act, &in, id, sizeof(id), NULL), 0);
	assert_int_equal(advisory_load(f->db, id, NULL, 1, &v, NULL), 0);
	for (size_t i = 0; i < v.nfixed; i++) {
		strncat(got, v.fixed[i].product, 40);
		strncat(got, "=", 2);
		strncat(got, v.fixed[i].version, 40);
		strncat(got, " ", 2);
	}
	assert_string_equal(got, "citrix:adc=10.5.70.12 citrix:adc=11.1.63.15 "
	                         "citrix:adc=12.1.55.18 citrix:adc=13.0.47.24 "
	                         "citrix:gateway=12.1.55.18 ");
	advisory_version_free(&v);
}

static void test_bad_input_refused(void **state)
{
	static const char *bad_affects[] = {"citrix:adc:>=1||<2"};
	static const char *bad_cve[] = {"CVE-19-1"};
	static const char *bad_to[] = {"nobody"};
	struct fixture *f = *state;
	struct advisory_input in;
	struct err e = {0, ""};
	char id[64];

	citrix_input(&in);
	in.affects = bad_affects;
	in.naffects = 1;
	assert_int_equal(advisory_new(f->db, &f->act, &in, id, sizeof(id), &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "citrix:adc"));
	citrix_input(&in);
	in.cves = bad_cve;
	assert_int_equal(advisory_new(f->db, &f->act, &in, id, sizeof(id), &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "CVE-19-1"));
	citrix_input(&in);
	in.to = bad_to;
	in.nto = 1;
	assert_int_equal(advisory_new(f->db, &f->act, &in, id, sizeof(id), &e), ERR_NOTFOUND);
	citrix_input(&in);
	in.tlp = "purple";
	assert_int_equal(advisory_new(f->db, &f->act, &in, id, sizeof(id), &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "AMBER+STRICT"));
}

static void test_version_labels(void **state)
{
	char l[16];
	int num;

	(void)state;
	advisory_version_label(0, l, sizeof(l));
	assert_string_equal(l, "1.00");
	advisory_version_label(12, l, sizeof(l));
	assert_string_equal(l, "1.12");
	assert_int_equal(advisory_version_parse("1.01", &num, NULL), 0);
	assert_int_equal(num, 1);
	assert_int_equal(advisory_version_parse("1.1", &num, NULL), ERR_INPUT);
	assert_int_equal(advisory_version_parse("x", &num, NULL), ERR_INPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ids_numbered_per_year, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_versions_and_frozen_publication, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_text_only_update_is_not_material, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_deviation_needs_rationale, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_affected_exact_set, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fixed_versions_ordered, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_input_refused, setup, teardown),
	    cmocka_unit_test(test_version_labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
