/* test_alert_plan.c: the recipients of a draft, worked out without creating anything, are
 * exactly those publishing then alerts: affected organisations (with their parent's contacts
 * when they have none), partners, call tasks for high/high, only partners when the version is
 * no material change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "db/db.h"
#include "testdb.h"
#include "model/advisory.h"
#include "model/alert.h"
#include "model/alert_plan.h"
#include "model/inventory.h"
#include "model/org.h"

struct fixture {
	struct testdb t;
	struct db *db;
	struct act act;
	char id[64];
};

static const char *affects[] = {"citrix:adc:>=13.0|<13.0.47.24"};
static const char *cves[] = {"CVE-2019-19781"};

static int setup(void **state)
{
	static const struct org_fields orgs[] = {
	    {"min-a", "Ministerie A", "ministry", NULL, NULL},
	    {"agency-a1", "Dienst A1", "agency", "min-a", NULL},
	    {"agency-a2", "Dienst A2", "agency", "min-a", NULL},
	    {"vital-e", "Energie E", "vital", NULL, "energy"},
	    {"part-z", "Z-CERT", "partner", NULL, "health"},
	};
	static const struct contact_fields contacts[] = {
	    {"min-a", "CISO A", "ciso", "ciso@a.example", "+31700000003", 0, NULL},
	    {"agency-a1", "CISO A1", "ciso", "ciso@a1.example", "+31700000001", 0, NULL},
	    {"agency-a1", "SOC A1", "soc", "soc@a1.example", "+31700000011", 1,
	     "https://a1.example/hook"},
	    {"vital-e", "SOC E", "soc", "soc@e.example", NULL, 1, NULL},
	    {"part-z", "Z", "cert", "cert@z.example", NULL, 0, NULL},
	};
	static const struct inventory_row inv[] = {
	    {"agency-a1", "citrix:adc", "13.0-47.22", 2, 1},
	    {"agency-a2", "citrix:adc", "13.0-47.10", 1, 1},
	    {"vital-e", "citrix:adc", "13.0-47.24", 1, 1},
	};
	struct fixture *f = calloc(1, sizeof(*f));
	struct advisory_input in;

	f->act.actor = "test:analyst";
	time_parse("2019-12-18T09:00:00Z", &f->act.at, NULL);
	f->db = testdb_open(&f->t, "alert-plan");
	for (size_t i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++)
		assert_int_equal(org_add(f->db, &f->act, &orgs[i], NULL), 0);
	for (size_t i = 0; i < sizeof(contacts) / sizeof(contacts[0]); i++)
		assert_int_equal(org_contact_set(f->db, &f->act, &contacts[i], NULL), 0);
	for (size_t i = 0; i < sizeof(inv) / sizeof(inv[0]); i++)
		assert_int_equal(inventory_put(f->db, &f->act, &inv[i], 0, NULL), 0);
	memset(&in, 0, sizeof(in));
	in.title = "Kwetsbaarheid in Citrix ADC";
	in.cves = cves;
	in.ncves = 1;
	in.affects = affects;
	in.naffects = 1;
	matrix_init(&in.matrix);
	matrix_from_text("access=internet,credentials=none,interaction=none,default-config=yes,"
	                 "details=somewhat,complexity=average,code-exec=root",
	                 &in.matrix, NULL);
	assert_int_equal(advisory_new(f->db, &f->act, &in, f->id, sizeof(f->id), NULL), 0);
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

static void publish(struct fixture *f, struct alert_counts *n)
{
	int num, material;

	assert_int_equal(advisory_publish(f->db, &f->act, f->id, 0, 0, &num, &material, NULL), 0);
	assert_int_equal(alert_on_publish(f->db, &f->act, f->id, num, material, n, NULL), 0);
}

/* "org:reason" of every organisation of the plan, and the plan's counts. */
static json_t *plan_of(struct fixture *f, char *out, size_t outsz)
{
	json_t *plan = NULL, *o;
	size_t i;

	assert_int_equal(alert_plan(f->db, f->id, &plan, NULL), 0);
	out[0] = '\0';
	json_array_foreach(json_object_get(plan, "orgs"), i, o)
	{
		size_t n = strlen(out);
		snprintf(out + n, outsz - n, "%s:%s ", json_string_value(json_object_get(o, "org")),
		         json_string_value(json_object_get(o, "reason")));
	}
	return plan;
}

static long count(json_t *plan, const char *k)
{
	return (long)json_integer_value(json_object_get(plan, k));
}

/* The distinct organisations alerted for version label, sorted, space-separated. */
static void alerted(struct fixture *f, const char *label, char *out, size_t outsz)
{
	struct alert_filter flt = {.version = label};
	json_t *rows, *r;
	size_t i;

	out[0] = '\0';
	assert_int_equal(alert_list(f->db, &flt, &rows, NULL), 0);
	json_array_foreach(rows, i, r)
	{
		const char *org = json_string_value(json_object_get(r, "org"));
		char key[80];
		snprintf(key, sizeof(key), "%s ", org);
		if (strstr(out, key) == NULL) {
			size_t n = strlen(out);
			snprintf(out + n, outsz - n, "%s", key);
		}
	}
	json_decref(rows);
}

static void test_plan_is_what_publishing_alerts(void **state)
{
	struct fixture *f = *state;
	struct alert_counts n;
	json_t *plan, *a2;
	char got[1024], after[1024];

	plan = plan_of(f, got, sizeof(got));
	assert_string_equal(got, "agency-a1:affected agency-a2:affected part-z:partner ");
	assert_true(json_is_true(json_object_get(plan, "material")));
	assert_false(json_is_true(json_object_get(plan, "call")));
	/* agency-a2 has no contact of its own: its ministry's */
	a2 = json_array_get(json_object_get(plan, "orgs"), 1);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(a2, "contacts"), 0), "of")),
	                    "min-a");
	/* nothing was made */
	alerted(f, "1.00", after, sizeof(after));
	assert_string_equal(after, "");
	publish(f, &n);
	assert_int_equal(count(plan, "organisations"), n.organisations);
	assert_int_equal(count(plan, "email"), n.email);
	assert_int_equal(count(plan, "webhook"), n.webhook);
	assert_int_equal(count(plan, "calls"), n.call);
	alerted(f, "1.00", after, sizeof(after));
	assert_string_equal(after, "agency-a1 agency-a2 part-z ");
	json_decref(plan);
	/* published: nothing to plan */
	assert_int_equal(alert_plan(f->db, f->id, &plan, NULL), ERR_CONFLICT);
	assert_null(plan);
	assert_int_equal(alert_plan(f->db, "NCSC-2019-0999", &plan, NULL), ERR_NOTFOUND);
}

static void test_high_high_and_immaterial(void **state)
{
	struct fixture *f = *state;
	struct advisory_input in;
	struct alert_counts n;
	json_t *plan;
	char got[1024], after[1024];
	int num;

	publish(f, &n);
	/* 1.01: exploit code, exploit expected: high/high, call tasks for the affected */
	memset(&in, 0, sizeof(in));
	matrix_init(&in.matrix);
	matrix_from_text("exploit=poc,exploit-expected=yes", &in.matrix, NULL);
	in.change = "Inschaling verhoogd";
	assert_int_equal(advisory_update(f->db, &f->act, f->id, &in, &num, NULL), 0);
	plan = plan_of(f, got, sizeof(got));
	assert_true(json_is_true(json_object_get(plan, "call")));
	assert_int_equal(count(plan, "calls"), 2);
	publish(f, &n);
	assert_int_equal(n.call, 2);
	assert_int_equal(count(plan, "email"), n.email);
	json_decref(plan);
	/* 1.02: only a changelog line: no material change, the partner only */
	memset(&in, 0, sizeof(in));
	matrix_init(&in.matrix);
	in.change = "Tekstuele correctie";
	assert_int_equal(advisory_update(f->db, &f->act, f->id, &in, &num, NULL), 0);
	plan = plan_of(f, got, sizeof(got));
	assert_false(json_is_true(json_object_get(plan, "material")));
	assert_string_equal(got, "part-z:partner ");
	publish(f, &n);
	alerted(f, "1.02", after, sizeof(after));
	assert_string_equal(after, "part-z ");
	json_decref(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_plan_is_what_publishing_alerts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_high_high_and_immaterial, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
