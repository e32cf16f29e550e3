/* test_alert_plan.c: the recipients of a draft, worked out without creating anything, are
 * exactly those publishing then alerts: affected organisations (with their parent's contacts
 * when they have none), partners, call tasks for high/high, only partners when the version is
 * no material change. */
#include "alert_fixture.h"
#include "model/alert_plan.h"

static int setup(void **state)
{
	return alert_fixture_setup(state, "alert-plan");
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
