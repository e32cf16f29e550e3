/* test_report.c: the evaluation report: built from the events up to its moment, the same
 * verdicts as deadline_list, refusals, and the Markdown and HTML renderings (escaped). */
#include "followup_fixture.h"

#include "formats/report_html.h"
#include "formats/report_md.h"
#include "formats/svg.h"
#include "model/alert.h"
#include "model/deadline.h"
#include "model/followup.h"
#include "model/incident.h"
#include "model/report.h"

static const char *nasty = "Citrix <script>alert(1)</script> & \"co\" | x";

/* The Citrix case in small: 1.00, 1.01 high/high with alerts, a follow-up with a kept-on
 * explanation accepted, a switched-off answer, an incident with its decision and patches. */
static void scenario(struct fx *f)
{
	const char *to[] = {"agency"}, *advs[] = {f->id},
	           *approvers[] = {"Minister van JenV", "Minister van BZK"};
	struct followup_request_input in = {
	    f->id, to, 1, "Uitschakelen of uitleggen", fx_t("2020-01-18T12:00:00Z"), 0};
	struct followup_answer_input a1 = {0}, a2 = {0};
	struct incident_entry dec = {
	    "decision", "Akkoord op dringend advies", NULL, NULL, NULL, approvers, 2, NULL, 0};
	struct alert_counts n;
	json_t *orgs = NULL;
	long id = 0, entry = 0;

	fx_at(f, "2019-12-18T10:00:00Z");
	assert_int_equal(alert_on_publish(f->db, &f->act, f->id, 0, 1, &n, NULL), 0);
	fx_high(f);
	assert_int_equal(alert_on_publish(f->db, &f->act, f->id, 1, 1, &n, NULL), 0);
	fx_at(f, "2020-01-11T12:00:00Z");
	assert_int_equal(incident_new(f->db, &f->act, "citrix", nasty, advs, 1, 1, NULL), 0);
	fx_at(f, "2020-01-11T15:00:00Z");
	assert_int_equal(incident_patch(f->db, &f->act, "citrix", "citrix:adc:>=13.0|<13.0.47.24",
	                                "2020-01-27", NULL, NULL),
	                 0);
	fx_at(f, "2020-01-17T10:00:00Z");
	assert_int_equal(incident_scale(f->db, &f->act, "citrix", 2, "NCTV", "Opschaling", NULL),
	                 0);
	fx_at(f, "2020-01-17T16:00:00Z");
	assert_int_equal(incident_log(f->db, &f->act, "citrix", &dec, &entry, NULL), 0);
	fx_at(f, "2020-01-17T17:30:00Z");
	assert_int_equal(followup_request(f->db, &f->act, &in, &id, &orgs, NULL), 0);
	json_decref(orgs);
	a1.advisory = a2.advisory = f->id;
	a1.org = "agency-a1";
	a1.status = "kept-on";
	a1.c[0] = "Meldkamer";
	a1.c[1] = "SOC";
	a1.c[2] = "Quarantaine | gesegmenteerd";
	fx_at(f, "2020-01-17T18:30:00Z");
	assert_int_equal(followup_respond(f->db, &f->act, &a1, &id, NULL), 0);
	fx_at(f, "2020-01-18T09:00:00Z");
	assert_int_equal(followup_review(f->db, &f->act, f->id, "agency-a1", 0, 1, "ok", 0, NULL),
	                 0);
	a2.org = "agency-a2";
	a2.status = "switched-off";
	fx_at(f, "2020-01-17T20:00:00Z");
	assert_int_equal(followup_respond(f->db, &f->act, &a2, &id, NULL), 0);
	fx_at(f, "2020-01-24T22:00:00Z");
	assert_int_equal(incident_patch(f->db, &f->act, "citrix", "citrix:adc:>=13.0|<13.0.47.24",
	                                NULL, "13.0.47.24", NULL),
	                 0);
	assert_int_equal(deadline_sync(f->db, NULL, NULL, NULL), 0);
}

static json_t *evaluation(struct fx *f, const char *asof, const char *lang)
{
	struct report_opts o = {"citrix", fx_t(asof), lang};
	json_t *r = NULL;

	assert_int_equal(report_evaluation(f->db, &o, &r, NULL), 0);
	return r;
}

static int timeline_has(json_t *r, const char *at, const char *text)
{
	size_t i;
	json_t *t;

	json_array_foreach(json_object_get(r, "timeline"), i, t)
	{
		if (strcmp(json_string_value(json_object_get(t, "at")), at) == 0 &&
		    strstr(json_string_value(json_object_get(t, "text")), text))
			return 1;
	}
	return 0;
}

static void test_evaluation(void **state)
{
	struct fx *f = *state;
	struct deadline_filter flt = {NULL, NULL};
	json_t *r, *rem, *fu, *dl = NULL, *row;
	size_t i;

	scenario(f);
	r = evaluation(f, "2020-01-25T00:00:00Z", "en");
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(r, "incident"), "level")), 2);
	assert_true(
	    timeline_has(r, "2019-12-06T00:00:00Z", "CVE-2019-19781 reported to the vendor"));
	assert_true(timeline_has(r, "2019-12-17T00:00:00Z", "Vendor discloses CVE-2019-19781"));
	assert_true(timeline_has(r, "2019-12-17T09:00:00Z", "First knowledge"));
	assert_true(timeline_has(r, "2019-12-18T10:00:00Z", "v1.00 published: medium/high"));
	assert_true(timeline_has(r, "2019-12-24T12:05:00Z",
	                         "Classification medium/high -> high/high: Inschaling verhoogd"));
	assert_true(
	    timeline_has(r, "2019-12-24T12:05:00Z",
	                 "BIO clock starts for 2 organisations (due 2019-12-31T12:05:00Z)"));
	assert_true(timeline_has(r, "2020-01-17T10:00:00Z",
	                         "Scaled up from level 0 to 2 by NCTV: Opschaling"));
	assert_true(timeline_has(r, "2020-01-17T16:00:00Z",
	                         "Decision: Akkoord op dringend advies (approved by: Minister van "
	                         "JenV, Minister van BZK)"));
	assert_true(timeline_has(r, "2020-01-24T22:00:00Z",
	                         "Patch for citrix:adc:>=13.0|<13.0.47.24 released: 13.0.47.24"));
	/* follow-up */
	fu = json_array_get(json_object_get(r, "followup"), 0);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(fu, "answers"), "kept-on")), 1);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(fu, "answers"), "switched-off")), 1);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(fu, "explanations"), "accepted")),
	    1);
	/* remediation: the verdicts of deadline_list */
	rem = json_array_get(json_object_get(r, "remediation"), 0);
	assert_int_equal(json_integer_value(json_object_get(rem, "exempted")), 1);
	assert_int_equal(json_integer_value(json_object_get(rem, "late")), 1);
	assert_int_equal(deadline_list(f->db, &flt, fx_t("2020-01-25T00:00:00Z"), &dl, NULL), 0);
	assert_int_equal(json_array_size(dl), json_array_size(json_object_get(rem, "rows")));
	json_array_foreach(dl, i, row)
	{
		json_t *x = json_array_get(json_object_get(rem, "rows"), i);
		assert_string_equal(json_string_value(json_object_get(x, "org")),
		                    json_string_value(json_object_get(row, "org")));
		assert_string_equal(json_string_value(json_object_get(x, "state")),
		                    json_string_value(json_object_get(row, "state")));
		assert_int_equal(json_integer_value(json_object_get(x, "days_over")),
		                 json_integer_value(json_object_get(row, "days_over")));
	}
	json_decref(dl);
	/* alerting: who was alerted, from the alert rows (other-x has no contact at all) */
	assert_int_equal(
	    json_integer_value(json_object_get(
	        json_array_get(json_object_get(json_object_get(r, "alerting"), "versions"), 0),
	        "organisations")),
	    3);
	json_decref(r);
	/* as of earlier: what was known then */
	r = evaluation(f, "2020-01-17T12:00:00Z", "en");
	assert_false(timeline_has(r, "2020-01-17T16:00:00Z", "Decision"));
	assert_int_equal(json_array_size(json_object_get(r, "followup")), 0);
	rem = json_array_get(json_object_get(r, "remediation"), 0);
	assert_int_equal(json_integer_value(json_object_get(rem, "overdue")), 2);
	json_decref(r);
}

static void test_refusals(void **state)
{
	struct fx *f = *state;
	struct report_opts o = {"nope", fx_t("2020-01-25T00:00:00Z"), NULL};
	json_t *r = NULL;
	struct err e;

	assert_int_equal(report_evaluation(f->db, &o, &r, &e), ERR_NOTFOUND);
	scenario(f);
	o.incident = "citrix";
	o.asof = fx_t("2020-01-01T00:00:00Z");
	assert_int_equal(report_evaluation(f->db, &o, &r, &e), ERR_CONFLICT);
	assert_non_null(strstr(e.msg, "not opened yet"));
	assert_null(r);
}

static void test_renderings(void **state)
{
	struct fx *f = *state;
	struct buf md, html;
	json_t *r;

	scenario(f);
	r = evaluation(f, "2020-01-25T00:00:00Z", NULL);
	buf_init(&md, BUF_MAX_DEFAULT);
	buf_init(&html, BUF_MAX_DEFAULT);
	assert_int_equal(report_markdown(r, &md), 0);
	assert_int_equal(report_html(r, &html), 0);
	/* Dutch by default; the title escaped for Markdown; times ISO 8601 */
	assert_non_null(strstr(
	    buf_str(&md), "# Evaluatie: Citrix \\<script>alert(1)\\</script> & \"co\" \\| x\n"));
	assert_non_null(
	    strstr(buf_str(&md), "| 2019-12-24T12:05:00Z | Inschaling medium/high -> high/high: "));
	assert_non_null(strstr(buf_str(&md), "| kept-on | 1 |"));
	/* HTML: every text escaped, charts inline */
	assert_null(strstr(buf_str(&html), "<script>"));
	assert_non_null(
	    strstr(buf_str(&html),
	           "Citrix &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;co&quot; | x"));
	assert_non_null(strstr(buf_str(&html), "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	assert_non_null(strstr(buf_str(&html), "@media print"));
	/* a capped buffer reports that it is full */
	buf_free(&md);
	buf_init(&md, 100);
	assert_int_equal(report_markdown(r, &md), ERR_INPUT);
	buf_free(&md);
	buf_free(&html);
	json_decref(r);
}

static void test_formatting(void **state)
{
	char out[32];
	struct buf b;

	(void)state;
	report_duration(45, "en", out, sizeof(out));
	assert_string_equal(out, "45 s");
	report_duration(420, "en", out, sizeof(out));
	assert_string_equal(out, "7 min");
	report_duration(3600, "en", out, sizeof(out));
	assert_string_equal(out, "1 h 00 min");
	report_duration(3600 + 5 * 60, "nl", out, sizeof(out));
	assert_string_equal(out, "1 u 05 min");
	report_duration(3.5 * 86400, "en", out, sizeof(out));
	assert_string_equal(out, "3.5 d");
	report_duration(3.5 * 86400, "nl", out, sizeof(out));
	assert_string_equal(out, "3,5 dg");
	assert_string_equal(report_label("en", "timeline"), "Timeline");
	assert_string_equal(report_label(NULL, "timeline"), "Tijdlijn");
	assert_string_equal(report_label("en", "no-such-label"), "no-such-label");
	buf_init(&b, 1024);
	svg_escape(&b, "<a href='x'>&\"</a>");
	assert_string_equal(buf_str(&b), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_evaluation, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_renderings, fx_setup, fx_teardown),
	    cmocka_unit_test(test_formatting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
