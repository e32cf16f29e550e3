/* test_recipients.c: the one place of the recipient rules. Who a version alerts, through
 * which contacts and on which channels, is what recipients_of_version hands out, and what
 * alert_on_publish then writes, alert for alert and in the same order; the addressed and
 * partners by TLP; call tasks and the order of their numbers; a notice's one organisation. */
#include "alert_fixture.h"
#include "model/recipients.h"

static int setup(void **state)
{
	return alert_fixture_setup(state, "recipients");
}

/* Appends "org:reason:channel:contact:address " for every alert of r, and "org:reason:- "
 * for an organisation that gets none. */
static int collect(void *ctx, const struct recipient *r, struct err *e)
{
	char *out = ctx;
	size_t n = strlen(out);

	(void)e;
	if (r->nalerts == 0)
		snprintf(out + n, 4096 - n, "%s:%s:- ", r->org, r->reason);
	for (size_t i = 0; i < r->nalerts; i++) {
		n = strlen(out);
		snprintf(out + n, 4096 - n, "%s:%s:%s:%lld:%s ", r->org, r->reason,
		         r->alerts[i].channel, (long long)r->alerts[i].contact,
		         r->alerts[i].address ? r->alerts[i].address : "-");
	}
	return 0;
}

/* The recipients of the draft (material as given) into out (4096 bytes). */
static void recipients_of_draft(struct fixture *f, int material, char *out)
{
	struct advisory_version v;

	out[0] = '\0';
	assert_int_equal(advisory_load(f->db, f->id, NULL, 1, &v, NULL), 0);
	assert_int_equal(recipients_of_version(f->db, &v, material, collect, out, NULL), 0);
	advisory_version_free(&v);
}

/* The alerts of version label as collect writes them (contact 0 for a call task). */
static void alerts_made(struct fixture *f, const char *label, char *out)
{
	struct alert_filter flt = {.version = label};
	json_t *rows, *r;
	size_t i;

	out[0] = '\0';
	assert_int_equal(alert_list(f->db, &flt, &rows, NULL), 0);
	json_array_foreach(rows, i, r)
	{
		size_t n = strlen(out);
		const char *a = json_string_value(json_object_get(r, "address"));
		char sql[160];
		int64_t contact = 0;
		snprintf(sql, sizeof(sql), "SELECT contact_id FROM alerts WHERE id = %lld",
		         (long long)json_integer_value(json_object_get(r, "alert")));
		assert_int_equal(db_query_int(f->db, sql, NULL, &contact, NULL), 0);
		snprintf(out + n, 4096 - n, "%s:%s:%s:%lld:%s ",
		         json_string_value(json_object_get(r, "org")),
		         json_string_value(json_object_get(r, "reason")),
		         json_string_value(json_object_get(r, "channel")), (long long)contact,
		         a ? a : "-");
	}
	json_decref(rows);
}

static void test_publishing_writes_what_the_rules_give(void **state)
{
	struct fixture *f = *state;
	struct alert_counts n;
	char want[4096], got[4096];

	recipients_of_draft(f, 1, want);
	/* agency-a1: both contacts (by id), the SOC also by webhook; agency-a2 has no contact of
	 * its own: its ministry's; vital-e runs the fixed build; the partner gets CLEAR */
	assert_string_equal(want, "agency-a1:affected:email:2:ciso@a1.example "
	                          "agency-a1:affected:email:3:soc@a1.example "
	                          "agency-a1:affected:webhook:3:https://a1.example/hook "
	                          "agency-a2:affected:email:1:ciso@a.example "
	                          "part-z:partner:email:5:cert@z.example ");
	/* nothing was written */
	alerts_made(f, "1.00", got);
	assert_string_equal(got, "");
	publish(f, &n);
	alerts_made(f, "1.00", got);
	assert_string_equal(got, want);
	assert_int_equal(n.organisations, 3);
	assert_int_equal(n.email, 4);
	assert_int_equal(n.webhook, 1);
	assert_int_equal(n.call, 0);
}

/* Collects the call numbers of agency-a1, by night (ctx[0]) and by day (ctx[1]). */
static int phones_of(void *ctx, const struct recipient *r, struct err *e)
{
	char **out = ctx;
	struct buf b;

	(void)e;
	if (strcmp(r->org, "agency-a1") != 0)
		return 0;
	buf_init(&b, BUF_MAX_DEFAULT);
	recipients_phones(&b, r, 1);
	snprintf(out[0], 256, "%s", buf_str(&b));
	recipients_phones(&b, r, 0);
	snprintf(out[1], 256, "%s", buf_str(&b));
	buf_free(&b);
	return 0;
}

static void test_calls_addressed_and_tlp(void **state)
{
	static const char *to[] = {"vital-e"};
	struct fixture *f = *state;
	struct advisory_input in;
	struct advisory_version v;
	struct alert_counts n;
	char want[4096], got[4096], night[256], day[256], *phones[] = {night, day};
	int num;

	publish(f, &n);
	/* 1.01: high/high, TLP:AMBER, addressed to vital-e too */
	memset(&in, 0, sizeof(in));
	matrix_init(&in.matrix);
	matrix_from_text("exploit=poc,exploit-expected=yes", &in.matrix, NULL);
	in.change = "Inschaling verhoogd";
	in.tlp = "AMBER";
	in.to = to;
	in.nto = 1;
	assert_int_equal(advisory_update(f->db, &f->act, f->id, &in, &num, NULL), 0);
	assert_int_equal(advisory_load(f->db, f->id, NULL, 1, &v, NULL), 0);
	assert_int_equal(recipients_call(&v), 1);
	assert_int_equal(recipients_of_version(f->db, &v, 1, phones_of, phones, NULL), 0);
	advisory_version_free(&v);
	/* at night the 24/7 SOC first, by day the CISO */
	assert_string_equal(night,
	                    "[{\"name\":\"SOC A1\",\"phone\":\"+31700000011\",\"24x7\":true},"
	                    "{\"name\":\"CISO A1\",\"phone\":\"+31700000001\",\"24x7\":false}]");
	assert_string_equal(day,
	                    "[{\"name\":\"CISO A1\",\"phone\":\"+31700000001\",\"24x7\":false},"
	                    "{\"name\":\"SOC A1\",\"phone\":\"+31700000011\",\"24x7\":true}]");
	/* a call task for each affected one; the addressed gets no call; the partner may not see
	 * TLP:AMBER unless it is addressed */
	recipients_of_draft(f, 1, want);
	assert_string_equal(want, "agency-a1:affected:email:2:ciso@a1.example "
	                          "agency-a1:affected:email:3:soc@a1.example "
	                          "agency-a1:affected:webhook:3:https://a1.example/hook "
	                          "agency-a1:affected:call:0:- "
	                          "agency-a2:affected:email:1:ciso@a.example "
	                          "agency-a2:affected:call:0:- "
	                          "vital-e:addressed:email:4:soc@e.example ");
	/* not material: nobody (the partner may not see it) */
	recipients_of_draft(f, 0, got);
	assert_string_equal(got, "");
	publish(f, &n);
	alerts_made(f, "1.01", got);
	assert_string_equal(got, want);
	assert_int_equal(n.call, 2);
}

/* Stops the walk at the first recipient. */
static int stop(void *ctx, const struct recipient *r, struct err *e)
{
	(void)r;
	++*(int *)ctx;
	return err_set(e, ERR_CONFLICT, "stop");
}

static void test_one_organisation_and_stopping(void **state)
{
	static const struct org_fields loose = {"gov-b", "Ministerie B", "ministry", NULL, NULL};
	struct fixture *f = *state;
	struct advisory_version v;
	char got[4096] = "";
	int calls = 0;

	/* a notice to agency-a2: its ministry's contact, and a call task when asked */
	assert_int_equal(recipients_of_org(f->db, "agency-a2", "scan", "[]", 1, collect, got, NULL),
	                 0);
	assert_string_equal(got, "agency-a2:scan:email:1:ciso@a.example agency-a2:scan:call:0:- ");
	/* an organisation without contacts anywhere up: handed out, with no alert */
	assert_int_equal(org_add(f->db, &f->act, &loose, NULL), 0);
	got[0] = '\0';
	assert_int_equal(recipients_of_org(f->db, "gov-b", "scan", "[]", 1, collect, got, NULL), 0);
	assert_string_equal(got, "gov-b:scan:call:0:- ");
	/* the callback's error ends the walk */
	assert_int_equal(advisory_load(f->db, f->id, NULL, 1, &v, NULL), 0);
	assert_int_equal(recipients_of_version(f->db, &v, 1, stop, &calls, NULL), ERR_CONFLICT);
	assert_int_equal(calls, 1);
	advisory_version_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_publishing_writes_what_the_rules_give, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_calls_addressed_and_tlp, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_one_organisation_and_stopping, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
