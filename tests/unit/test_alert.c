/* test_alert.c: who is alerted when a version is published, the subject line, day and night
 * for calls, acknowledgement tokens, and notices made once. */
#include "alert_fixture.h"

static int setup(void **state)
{
	return alert_fixture_setup(state, "alert");
}

/* "org:channel:address" of every alert, in id order. */
static void alerts_of(struct fixture *f, char *out, size_t outsz)
{
	struct alert_filter flt = {0};
	json_t *rows, *r;
	size_t i;

	out[0] = '\0';
	assert_int_equal(alert_list(f->db, &flt, &rows, NULL), 0);
	json_array_foreach(rows, i, r)
	{
		size_t n = strlen(out);
		snprintf(out + n, outsz - n, "%s:%s:%s ",
		         json_string_value(json_object_get(r, "org")),
		         json_string_value(json_object_get(r, "channel")),
		         json_is_string(json_object_get(r, "address"))
		             ? json_string_value(json_object_get(r, "address"))
		             : "-");
	}
	json_decref(rows);
}

static void test_exactly_the_affected_and_partners(void **state)
{
	struct fixture *f = *state;
	struct alert_counts n;
	char got[2048];

	publish(f, &n);
	alerts_of(f, got, sizeof(got));
	/* agency-a1: both contacts, the SOC also by webhook; agency-a2 has none: its ministry;
	 * vital-e runs the fixed build; the partner gets the CLEAR version */
	assert_string_equal(got, "agency-a1:email:ciso@a1.example agency-a1:email:soc@a1.example "
	                         "agency-a1:webhook:https://a1.example/hook "
	                         "agency-a2:email:ciso@a.example part-z:email:cert@z.example ");
	assert_int_equal(n.organisations, 3);
	assert_int_equal(n.call, 0); /* medium/high */
}

static void test_publishing_twice_alerts_once(void **state)
{
	struct fixture *f = *state;
	struct alert_counts n;
	int num = 0, material = 0;

	publish(f, &n);
	/* the same version again (as after a crash between publishing and alerting) */
	assert_int_equal(alert_on_publish(f->db, &f->act, f->id, num, 1, &n, NULL), 0);
	assert_int_equal(n.email + n.webhook + n.call, 0);
	(void)material;
}

static void test_high_high_makes_call_tasks(void **state)
{
	struct fixture *f = *state;
	struct advisory_input in;
	struct alert_counts n;
	json_t *calls;
	int num;

	publish(f, &n);
	memset(&in, 0, sizeof(in));
	matrix_init(&in.matrix);
	matrix_from_text("exploit=exploit,exploit-expected=yes,exploited=limited", &in.matrix,
	                 NULL);
	in.change = "high/high";
	time_parse("2019-12-24T22:00:00Z", &f->act.at, NULL); /* Christmas Eve, at night */
	assert_int_equal(advisory_update(f->db, &f->act, f->id, &in, &num, NULL), 0);
	publish(f, &n);
	assert_int_equal(n.call, 2);
	assert_int_equal(call_list(f->db, 0, &calls, NULL), 0);
	assert_int_equal(json_array_size(calls), 2);
	/* at night the 24/7 number comes first */
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(calls, 0), "call_first")),
	    "+31700000011");
	json_decref(calls);
}

static void test_subject(void **state)
{
	char s[256];

	(void)state;
	alert_subject("NCSC-2019-0353", 1, "CLEAR", "high", "high", "Citrix", s, sizeof(s));
	assert_string_equal(s, "NCSC-2019-0353 [v1.01] [H/H] Citrix");
	alert_subject("NCSC-2019-0353", 0, "AMBER", "medium", "high", "Citrix", s, sizeof(s));
	assert_string_equal(s, "TLP:AMBER NCSC-2019-0353 [v1.00] [M/H] Citrix");
}

static void test_night_in_the_netherlands(void **state)
{
	int64_t t;

	(void)state;
	time_parse("2019-12-18T10:00:00Z", &t, NULL); /* Wednesday 11:00 CET */
	assert_false(alert_is_night(t));
	time_parse("2019-12-18T17:30:00Z", &t, NULL); /* 18:30 CET */
	assert_true(alert_is_night(t));
	time_parse("2019-08-21T06:30:00Z", &t, NULL); /* 08:30 CEST */
	assert_false(alert_is_night(t));
	time_parse("2019-08-21T05:30:00Z", &t, NULL); /* 07:30 CEST */
	assert_true(alert_is_night(t));
	time_parse("2019-12-21T12:00:00Z", &t, NULL); /* Saturday */
	assert_true(alert_is_night(t));
}

static void test_ack_token_derived_and_acknowledges_once(void **state)
{
	struct fixture *f = *state;
	struct alert_counts n;
	struct db_stmt *st;
	char token[65], other[65], secret[80] = "", mid[128] = "";
	json_t *o;

	alert_ack_token_of("s", "<a@b>", token);
	alert_ack_token_of("s", "<a@b>", other);
	assert_string_equal(token, other);
	alert_ack_token_of("t", "<a@b>", other);
	assert_string_not_equal(token, other);

	publish(f, &n);
	assert_int_equal(db_prepare(f->db,
	                            "SELECT (SELECT value FROM config WHERE key = 'ack.secret'),"
	                            " message_id FROM alerts WHERE id = 1",
	                            &st, NULL),
	                 0);
	assert_int_equal(db_step(st, NULL), DB_ROW);
	snprintf(secret, sizeof(secret), "%s", db_col_text(st, 0));
	snprintf(mid, sizeof(mid), "%s", db_col_text(st, 1));
	db_done(st);
	alert_ack_token_of(secret, mid, token);
	assert_int_equal(alert_ack_token(f->db, &f->act, token, &o, NULL), 0);
	assert_null(json_object_get(o, "already"));
	json_decref(o);
	assert_int_equal(alert_ack_token(f->db, &f->act, token, &o, NULL), 0);
	assert_true(json_is_true(json_object_get(o, "already")));
	json_decref(o);
	token[0] = token[0] == 'a' ? 'b' : 'a';
	assert_int_equal(alert_ack_token(f->db, &f->act, token, &o, NULL), ERR_NOTFOUND);
}

static void test_notice_made_once(void **state)
{
	struct fixture *f = *state;
	struct alert_notice nt = {f->id,
	                          0,
	                          "agency-a1",
	                          "scan",
	                          "batch-1",
	                          "scan",
	                          "3 kwetsbare systemen",
	                          "Wij zagen ...",
	                          NULL,
	                          0};
	struct alert_counts n = {0};

	publish(f, &n);
	memset(&n, 0, sizeof(n));
	assert_int_equal(alert_notice(f->db, &f->act, &nt, &n, NULL), 0);
	assert_int_equal(n.email, 2);
	assert_int_equal(n.webhook, 1);
	memset(&n, 0, sizeof(n));
	assert_int_equal(alert_notice(f->db, &f->act, &nt, &n, NULL), 0);
	assert_int_equal(n.email + n.webhook, 0);
	nt.topic_ref = "batch-2";
	assert_int_equal(alert_notice(f->db, &f->act, &nt, &n, NULL), 0);
	assert_int_equal(n.email, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_exactly_the_affected_and_partners, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_publishing_twice_alerts_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_high_high_makes_call_tasks, setup, teardown),
	    cmocka_unit_test(test_subject),
	    cmocka_unit_test(test_night_in_the_netherlands),
	    cmocka_unit_test_setup_teardown(test_ack_token_derived_and_acknowledges_once, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_notice_made_once, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
