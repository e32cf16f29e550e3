/* test_deadline.c: the BIO clock: rules (calendar and business days, +mitigated), due times,
 * the verdicts of every state, the clocks started in the store and their inventory remedy. */
#include "followup_fixture.h"

#include "model/alert.h"
#include "model/config.h"
#include "model/deadline.h"
#include "model/followup.h"

static void test_rules(void **state)
{
	struct deadline_rule r;
	char text[32];
	static const char *const good[][2] = {
	    {"7d", "7d"},
	    {"5bd", "5bd"},
	    {"bio2019", "7d"},
	    {"BIO2", "7d+mitigated"},
	    {"3BD+Mitigated", "3bd+mitigated"},
	    {"off", "off"},
	    {"366d", "366d"},
	};
	static const char *const bad[] = {
	    "0d", "367d", "7", "d", "7w", "off+mitigated", "7d+x", "", "+mitigated", "7 d", "-1d"};
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(deadline_rule_parse(good[i][0], &r, NULL), 0);
		deadline_rule_format(&r, text, sizeof(text));
		assert_string_equal(text, good[i][1]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(deadline_rule_parse(bad[i], &r, &e), ERR_INPUT);
		assert_non_null(strstr(e.msg, "bad deadline rule"));
	}
}

static void test_due(void **state)
{
	struct deadline_rule r;
	char out[32];
	static const char *const cases[][3] = {
	    /* start, rule, due */
	    {"2019-12-24T12:05:00Z", "7d", "2019-12-31T12:05:00Z"},
	    {"2019-12-24T12:05:00Z", "5bd", "2019-12-31T12:05:00Z"}, /* Tue -> Tue */
	    {"2019-08-23T10:00:00Z", "3bd", "2019-08-28T10:00:00Z"}, /* Fri -> Wed */
	    {"2019-08-24T10:00:00Z", "1bd", "2019-08-26T10:00:00Z"}, /* Sat -> Mon */
	    {"2019-08-25T10:00:00Z", "1bd", "2019-08-26T10:00:00Z"}, /* Sun -> Mon */
	    {"2019-08-26T10:00:00Z", "5bd", "2019-09-02T10:00:00Z"}, /* Mon -> Mon */
	    {"2020-02-28T00:00:00Z", "2d", "2020-03-01T00:00:00Z"},  /* leap year */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(deadline_rule_parse(cases[i][1], &r, NULL), 0);
		time_format(deadline_due(fx_t(cases[i][0]), &r), out, sizeof(out));
		assert_string_equal(out, cases[i][2]);
	}
}

static void judge(struct deadline_facts *f, const char *asof, const char *state, long over)
{
	struct deadline_verdict v;

	deadline_judge(f, fx_t(asof), &v);
	assert_string_equal(deadline_state_name(v.state), state);
	assert_int_equal(v.days_over, over);
}

static void test_verdicts(void **state)
{
	struct deadline_facts f;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.started = fx_t("2019-12-24T12:05:00Z");
	f.due = fx_t("2019-12-31T12:05:00Z");
	judge(&f, "2019-12-31T12:05:00Z", "open", 0); /* at the due time: still open */
	judge(&f, "2019-12-31T13:05:00Z", "overdue", 1);
	judge(&f, "2020-01-05T00:00:00Z", "overdue", 5);
	f.status = "patched";
	f.remedied = fx_t("2019-12-31T12:05:00Z");
	judge(&f, "2020-01-05T00:00:00Z", "in-time", 0);
	f.remedied = fx_t("2020-01-17T20:00:00Z");
	judge(&f, "2020-01-20T00:00:00Z", "late", 18);
	f.remedied = fx_t("2019-12-20T00:00:00Z"); /* before the clock: in time */
	judge(&f, "2020-01-20T00:00:00Z", "in-time", 0);
	/* mitigated counts only under a +mitigated rule */
	f.status = "mitigated";
	f.remedied = fx_t("2019-12-30T00:00:00Z");
	judge(&f, "2020-01-02T00:00:00Z", "overdue", 2);
	f.mitigated = 1;
	judge(&f, "2020-01-02T00:00:00Z", "in-time", 0);
	f.mitigated = 0;
	/* kept-on: exempted once accepted; rejected or pending is not */
	f.status = "kept-on";
	f.remedied = 0;
	judge(&f, "2020-01-20T00:00:00Z", "overdue", 20);
	f.review = 1;
	judge(&f, "2020-01-20T00:00:00Z", "exempted", 0);
	judge(&f, "2019-12-28T00:00:00Z", "exempted", 0);
	f.review = -1;
	judge(&f, "2020-01-20T00:00:00Z", "overdue", 20);
	/* the inventory remedies it, when it did by then, whatever the answer */
	f.fixed = fx_t("2020-01-10T00:00:00Z");
	judge(&f, "2020-01-09T00:00:00Z", "overdue", 9);
	judge(&f, "2020-01-20T00:00:00Z", "late", 10);
	f.review = 1;
	judge(&f, "2020-01-20T00:00:00Z", "late", 10); /* a remedy outranks an exemption */
	/* the earlier of answer and inventory */
	f.status = "switched-off";
	f.remedied = fx_t("2019-12-29T00:00:00Z");
	judge(&f, "2020-01-20T00:00:00Z", "in-time", 0);
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(deadline_state_name(DEADLINE_OPEN), "open");
	assert_string_equal(deadline_state_name(DEADLINE_IN_TIME), "in-time");
	assert_string_equal(deadline_state_name(DEADLINE_LATE), "late");
	assert_string_equal(deadline_state_name(DEADLINE_OVERDUE), "overdue");
	assert_string_equal(deadline_state_name(DEADLINE_EXEMPTED), "exempted");
}

static json_t *list(struct fx *f, const char *asof)
{
	struct deadline_filter flt = {NULL, NULL};
	json_t *rows = NULL;

	assert_int_equal(deadline_list(f->db, &flt, fx_t(asof), &rows, NULL), 0);
	return rows;
}

static const char *state_of(json_t *rows, const char *org)
{
	size_t i;
	json_t *r;

	json_array_foreach(rows, i, r)
	{
		if (strcmp(json_string_value(json_object_get(r, "org")), org) == 0)
			return json_string_value(json_object_get(r, "state"));
	}
	return NULL;
}

static void test_clocks_in_store(void **state)
{
	struct fx *f = *state;
	struct alert_counts n;
	json_t *rows;
	int64_t events;

	/* medium/high: no clock */
	rows = list(f, "2019-12-20T00:00:00Z");
	assert_int_equal(json_array_size(rows), 0);
	json_decref(rows);
	fx_high(f);
	/* the vital provider, the municipality and the unaffected ministry get none */
	rows = list(f, "2019-12-28T00:00:00Z");
	assert_int_equal(json_array_size(rows), 2);
	assert_string_equal(state_of(rows, "agency-a1"), "open");
	assert_string_equal(state_of(rows, "agency-a2"), "open");
	assert_null(state_of(rows, "vital-e"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "due")),
	                    "2019-12-31T12:05:00Z");
	json_decref(rows);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM events WHERE action = 'deadline.start'"),
	                 2);
	assert_int_equal(fx_count(f,
	                          "SELECT count(*) FROM events WHERE action = 'deadline.start'"
	                          " AND occurred_at = '2019-12-24T12:05:00Z' AND actor = 'system'"),
	                 2);
	/* idempotent; and reading them writes nothing */
	events = fx_count(f, "SELECT count(*) FROM events");
	assert_int_equal(deadline_sync(f->db, NULL, NULL, NULL), 0);
	assert_int_equal(deadline_sync(f->db, NULL, "agency-a1", NULL), 0);
	json_decref(list(f, "2019-12-28T00:00:00Z"));
	assert_int_equal(fx_count(f, "SELECT count(*) FROM events"), events);
	/* a clock before it started is not listed */
	rows = list(f, "2019-12-24T12:00:00Z");
	assert_int_equal(json_array_size(rows), 0);
	json_decref(rows);
	/* the inventory shows only the fixed version: remedied then */
	fx_at(f, "2020-01-02T08:00:00Z");
	assert_int_equal(
	    inventory_put(f->db, &f->act,
	                  &(struct inventory_row){"agency-a2", "citrix:adc", "13.0-41.20", 0, 1}, 1,
	                  NULL),
	    0);
	assert_int_equal(
	    inventory_put(f->db, &f->act,
	                  &(struct inventory_row){"agency-a2", "citrix:adc", "13.0.47.24", 1, 1}, 1,
	                  NULL),
	    0);
	rows = list(f, "2020-01-05T00:00:00Z");
	assert_string_equal(state_of(rows, "agency-a2"), "late");
	assert_string_equal(state_of(rows, "agency-a1"), "overdue");
	json_decref(rows);
	rows = list(f, "2020-01-01T00:00:00Z"); /* as of before the fix */
	assert_string_equal(state_of(rows, "agency-a2"), "overdue");
	json_decref(rows);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM events WHERE action = 'deadline.fixed'"
	                             " AND occurred_at = '2020-01-02T08:00:00Z'"),
	                 1);
	/* an organisation alerted as affected keeps its clock when its inventory changes */
	fx_at(f, "2019-12-24T12:05:00Z");
	assert_int_equal(alert_on_publish(f->db, &f->act, f->id, 1, 1, &n, NULL), 0);
	(void)n;
}

static void test_rule_per_kind(void **state)
{
	struct fx *f = *state;
	json_t *rows, *r;
	size_t i;

	assert_int_equal(config_set(f->db, &f->act, "deadline.agency", "3bd+mitigated", NULL), 0);
	assert_int_equal(config_set(f->db, &f->act, "deadline.vital", "7d", NULL), 0);
	assert_int_equal(config_set(f->db, &f->act, "deadline.agency", "soon", NULL), ERR_INPUT);
	assert_int_equal(config_set(f->db, &f->act, "deadline.coordinator", "nobody", NULL),
	                 ERR_NOTFOUND);
	assert_int_equal(config_set(f->db, &f->act, "deadline.remind_before", "61", NULL),
	                 ERR_INPUT);
	fx_high(f);
	rows = list(f, "2019-12-25T00:00:00Z");
	assert_int_equal(json_array_size(rows), 3);
	json_array_foreach(rows, i, r)
	{
		const char *org = json_string_value(json_object_get(r, "org"));
		const char *rule = json_string_value(json_object_get(r, "rule"));
		const char *due = json_string_value(json_object_get(r, "due"));
		if (strcmp(org, "vital-e") == 0) {
			assert_string_equal(rule, "7d");
			assert_string_equal(due, "2019-12-31T12:05:00Z");
		} else {
			assert_string_equal(rule, "3bd+mitigated");
			assert_string_equal(due, "2019-12-27T12:05:00Z");
		}
	}
	json_decref(rows);
}

/* The clocks follow the facts when they change, in the same transaction, not when they are
 * read: an organisation that reports a vulnerable version after the advisory, a rule turned on
 * for a kind, an organisation that becomes an agency. */
static void test_clocks_follow_changes(void **state)
{
	struct fx *f = *state;
	static const struct org_fields late = {"agency-b", "Dienst B", "agency", "min-a", NULL};
	json_t *rows;
	char *csv;
	FILE *fp;

	fx_high(f);
	assert_int_equal(
	    fx_count(f, "SELECT count(*) FROM deadlines WHERE org_id IN ('agency-b', 'vital-e')"),
	    0);
	fx_at(f, "2020-01-03T10:00:00Z");
	assert_int_equal(org_add(f->db, &f->act, &late, NULL), 0);
	assert_int_equal(
	    inventory_put(f->db, &f->act,
	                  &(struct inventory_row){"agency-b", "citrix:adc", "13.0-41.20", 1, 1}, 1,
	                  NULL),
	    0);
	/* started at the version's publication: overdue by then */
	assert_int_equal(fx_count(f, "SELECT count(*) FROM deadlines WHERE org_id = 'agency-b'"
	                             " AND started_at = '2019-12-24T12:05:00Z'"),
	                 1);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM events WHERE action = 'deadline.start'"
	                             " AND object = 'deadline:' || (SELECT id FROM advisories)"
	                             " || ':agency-b'"),
	                 1);
	rows = list(f, "2020-01-03T10:00:00Z");
	assert_string_equal(state_of(rows, "agency-b"), "overdue");
	json_decref(rows);
	/* removing the vulnerable row leaves the clock; the fixed version marks it */
	assert_int_equal(
	    inventory_put(f->db, &f->act,
	                  &(struct inventory_row){"agency-b", "citrix:adc", "13.0.47.24", 1, 1}, 1,
	                  NULL),
	    0);
	assert_int_equal(
	    inventory_remove(f->db, &f->act, "agency-b", "citrix:adc", "13.0-41.20", NULL), 0);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM deadlines WHERE org_id = 'agency-b'"
	                             " AND fixed_at IS NOT NULL"),
	                 1);
	/* a rule turned on for vital providers starts theirs */
	assert_int_equal(config_set(f->db, &f->act, "deadline.vital", "7d", NULL), 0);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM deadlines WHERE org_id = 'vital-e'"), 1);
	/* other-x becomes an agency through an import of organisations */
	csv = strdup("/tmp/baken-test-orgs-XXXXXX");
	close(mkstemp(csv));
	fp = fopen(csv, "w");
	fputs("id,name,kind,parent,sector\nother-x,Gemeente X,agency,min-a,\n", fp);
	fclose(fp);
	{
		int count = 0;
		assert_int_equal(org_import(f->db, &f->act, csv, &count, NULL), 0);
	}
	unlink(csv);
	free(csv);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM deadlines WHERE org_id = 'other-x'"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rules),
	    cmocka_unit_test(test_due),
	    cmocka_unit_test(test_verdicts),
	    cmocka_unit_test(test_state_names),
	    cmocka_unit_test_setup_teardown(test_clocks_in_store, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_rule_per_kind, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_clocks_follow_changes, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
