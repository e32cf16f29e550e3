/* test_followup.c: follow-up requests in the store: who is asked, comply-or-explain with the
 * three cumulative conditions, refusals that change nothing, revisions with their history,
 * reviews by the coordinator only, a rejection reopening a closed request, and the current
 * answer that the BIO clock reads. */
#include "followup_fixture.h"

#include "model/config.h"
#include "model/followup.h"

static long ask(struct fx *f, const char *at, const char *deadline, const char **to, size_t nto)
{
	struct followup_request_input in = {f->id,          to, nto, "Mitigaties genomen?",
	                                    fx_t(deadline), 0};
	json_t *orgs = NULL;
	long id = 0;

	fx_at(f, at);
	assert_int_equal(followup_request(f->db, &f->act, &in, &id, &orgs, NULL), 0);
	json_decref(orgs);
	return id;
}

/* Answers; returns the code. */
static int answer(struct fx *f, const char *at, const char *org, const char *status, const char *c1,
                  const char *c2, const char *c3, struct err *e)
{
	struct followup_answer_input in = {0};
	long id = 0;

	in.advisory = f->id;
	in.org = org;
	in.status = status;
	in.c[0] = c1;
	in.c[1] = c2;
	in.c[2] = c3;
	if (status && strcmp(status, "patched") == 0)
		in.version = "13.0.47.24";
	if (status && strcmp(status, "mitigated") == 0)
		in.measures = "Responder policy";
	fx_at(f, at);
	return followup_respond(f->db, &f->act, &in, &id, e);
}

static const char *state_of(json_t *status, long req, const char *org, const char *field)
{
	size_t i, j;
	json_t *r, *o;

	json_array_foreach(json_object_get(status, "requests"), i, r)
	{
		if (json_integer_value(json_object_get(r, "request")) != req)
			continue;
		json_array_foreach(json_object_get(r, "orgs"), j, o)
		{
			if (strcmp(json_string_value(json_object_get(o, "org")), org) == 0)
				return json_string_value(json_object_get(o, field));
		}
	}
	return NULL;
}

static void test_who_is_asked(void **state)
{
	struct fx *f = *state;
	const char *kinds[] = {"Ministry", "agency"}, *affected[] = {"affected"},
	           *mixed[] = {"vital", "other-x", "vital-e"}, *none[] = {"partner"},
	           *wrong[] = {"agencies"};
	struct followup_request_input in = {f->id, wrong, 1, NULL, fx_t("2019-12-20"), 0};
	json_t *orgs = NULL;
	struct err e;
	long id = 0;

	assert_int_equal(ask(f, "2019-12-18T11:00:00Z", "2019-12-20", kinds, 2), 1);
	assert_int_equal(
	    fx_count(f, "SELECT count(*) FROM followup_addressees WHERE request_id = 1"), 3);
	assert_int_equal(ask(f, "2019-12-18T11:00:00Z", "2019-12-20", affected, 1), 2);
	/* affected: agency-a1, agency-a2, other-x (not vital-e: 13.0-47.22 is affected, so yes) */
	assert_int_equal(
	    fx_count(f, "SELECT count(*) FROM followup_addressees WHERE request_id = 2"), 4);
	assert_int_equal(ask(f, "2019-12-18T11:00:00Z", "2019-12-20", mixed, 3), 3);
	assert_int_equal(
	    fx_count(f, "SELECT count(*) FROM followup_addressees WHERE request_id = 3"), 2);
	/* every addressee with a contact (its own or its parent's) is alerted */
	assert_int_equal(
	    fx_count(f, "SELECT count(DISTINCT org_id) FROM alerts WHERE topic = 'followup'"
	                " AND topic_ref = 'request-1'"),
	    3);
	assert_int_equal(
	    fx_count(f, "SELECT count(*) FROM events WHERE action = 'followup.request'"), 3);
	/* refusals leave nothing behind */
	fx_at(f, "2019-12-18T12:00:00Z");
	assert_int_equal(followup_request(f->db, &f->act, &in, &id, &orgs, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "not a kind"));
	in.to = none;
	assert_int_equal(followup_request(f->db, &f->act, &in, &id, &orgs, &e), ERR_CONFLICT);
	assert_non_null(strstr(e.msg, "names no organisation"));
	db_rollback(f->db);
	assert_int_equal(db_begin(f->db, NULL), 0);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM followup_requests"), 0);
}

static void test_comply_or_explain(void **state)
{
	struct fx *f = *state;
	const char *to[] = {"agency"};
	struct err e;
	json_t *st = NULL;
	int64_t answers;

	ask(f, "2020-01-17T17:30:00Z", "2020-01-18T12:00:00Z", to, 1);
	answers = fx_count(f, "SELECT count(*) FROM followup_answers");
	assert_int_equal(
	    answer(f, "2020-01-17T18:00:00Z", "agency-a1", "kept-on", "zorg", "SOC", NULL, &e),
	    ERR_INPUT);
	assert_non_null(strstr(e.msg, "--c3"));
	assert_null(strstr(e.msg, "--c1"));
	assert_int_equal(
	    answer(f, "2020-01-17T18:00:00Z", "agency-a1", "kept-on", " ", "\t", "", &e),
	    ERR_INPUT);
	assert_non_null(strstr(e.msg, "--c1"));
	assert_non_null(strstr(e.msg, "--c2"));
	assert_non_null(strstr(e.msg, "--c3"));
	assert_int_equal(
	    answer(f, "2020-01-17T18:00:00Z", "agency-a1", "switched-off", "x", NULL, NULL, &e),
	    ERR_INPUT);
	assert_int_equal(
	    answer(f, "2020-01-17T18:00:00Z", "vital-e", "switched-off", NULL, NULL, NULL, &e),
	    ERR_PERM);
	assert_non_null(strstr(e.msg, "vital-e was not asked"));
	assert_int_equal(
	    answer(f, "2020-01-17T18:00:00Z", "agency-a1", "gone", NULL, NULL, NULL, &e),
	    ERR_INPUT);
	assert_int_equal(
	    answer(f, "2020-01-17T17:00:00Z", "agency-a1", "switched-off", NULL, NULL, NULL, &e),
	    ERR_PERM); /* before the request */
	assert_int_equal(fx_count(f, "SELECT count(*) FROM followup_answers"), answers);
	assert_int_equal(answer(f, "2020-01-17T18:30:00Z", "agency-a1", "KEPT-ON", "Meldkamer",
	                        "SOC", "Quarantaine", NULL),
	                 0);
	/* a revision: the history keeps both */
	assert_int_equal(
	    answer(f, "2020-01-18T08:00:00Z", "agency-a2", "mitigated", NULL, NULL, NULL, NULL), 0);
	assert_int_equal(
	    answer(f, "2020-01-19T08:00:00Z", "agency-a2", "patched", NULL, NULL, NULL, NULL), 0);
	assert_int_equal(followup_status(f->db, f->id, 0, fx_t("2020-01-20T00:00:00Z"), &st, NULL),
	                 0);
	assert_string_equal(state_of(st, 1, "agency-a1", "state"), "explained");
	assert_string_equal(state_of(st, 1, "agency-a2", "status"), "patched");
	assert_string_equal(state_of(st, 1, "agency-a2", "answered_at"), "2020-01-19T08:00:00Z");
	json_decref(st);
	assert_int_equal(followup_status(f->db, f->id, 0, fx_t("2020-01-18T09:00:00Z"), &st, NULL),
	                 0);
	assert_string_equal(state_of(st, 1, "agency-a2", "status"), "mitigated");
	json_decref(st);
}

static void test_reviews(void **state)
{
	struct fx *f = *state;
	const char *to[] = {"agency"};
	const char *status;
	int64_t remedied;
	int review;
	struct err e;

	ask(f, "2020-01-17T17:30:00Z", "2020-01-18T12:00:00Z", to, 1);
	assert_int_equal(
	    answer(f, "2020-01-17T18:30:00Z", "agency-a1", "kept-on", "a", "b", "c", NULL), 0);
	assert_int_equal(
	    answer(f, "2020-01-17T18:30:00Z", "agency-a2", "switched-off", NULL, NULL, NULL, NULL),
	    0);
	fx_at(f, "2020-01-18T09:00:00Z");
	f->act.actor = "test:constituent";
	assert_int_equal(followup_review(f->db, &f->act, f->id, "agency-a1", 0, 1, NULL, 0, &e),
	                 ERR_PERM);
	assert_non_null(strstr(e.msg, "may not review"));
	/* a coordinator named in the setting may */
	f->act.actor = "test:admin";
	assert_int_equal(
	    config_set(f->db, &f->act, "followup.coordinators", "x, test:cio ,y", NULL), 0);
	f->act.actor = "test:cio";
	assert_int_equal(followup_review(f->db, &f->act, f->id, "agency-a2", 0, 1, NULL, 0, &e),
	                 ERR_CONFLICT); /* not an explanation */
	assert_int_equal(followup_review(f->db, &f->act, f->id, "agency-a1", 0, 0, "C3 te mager",
	                                 fx_t("2020-01-20T12:00:00Z"), NULL),
	                 0);
	assert_int_equal(followup_current(f->db, f->id, "agency-a1", fx_t("2020-01-19T00:00:00Z"),
	                                  &status, &remedied, &review, NULL),
	                 0);
	assert_string_equal(status, "kept-on");
	assert_int_equal(review, -1);
	/* closed: the others may not answer, the rejected one may */
	f->act.actor = "test:coordinator";
	fx_at(f, "2020-01-19T00:00:00Z");
	assert_int_equal(followup_close(f->db, &f->act, f->id, 0, NULL), 0);
	assert_int_equal(
	    answer(f, "2020-01-19T10:00:00Z", "agency-a2", "patched", NULL, NULL, NULL, &e),
	    ERR_CONFLICT);
	assert_non_null(strstr(e.msg, "closed at 2020-01-19T00:00:00Z"));
	assert_int_equal(
	    answer(f, "2020-01-19T10:00:00Z", "agency-a1", "switched-off", NULL, NULL, NULL, NULL),
	    0);
	assert_int_equal(followup_current(f->db, f->id, "agency-a1", fx_t("2020-01-20T00:00:00Z"),
	                                  &status, &remedied, &review, NULL),
	                 0);
	assert_string_equal(status, "switched-off");
	assert_int_equal(remedied, fx_t("2020-01-19T10:00:00Z"));
	assert_int_equal(review, 0);
	/* answers and reviews are history: the store refuses to change them */
	assert_int_equal(db_exec(f->db, "UPDATE followup_answers SET status = 'patched'", NULL),
	                 ERR_CONFLICT);
	assert_int_equal(db_exec(f->db, "DELETE FROM followup_reviews", NULL), ERR_CONFLICT);
}

static int count_pending(void *ctx, long request, const char *advisory, int num, const char *org,
                         int64_t deadline, int64_t created)
{
	(void)request, (void)advisory, (void)num, (void)org, (void)deadline, (void)created;
	(*(int *)ctx)++;
	return 0;
}

static void test_pending(void **state)
{
	struct fx *f = *state;
	const char *to[] = {"agency", "min-a"};
	int n = 0;

	ask(f, "2020-01-10T11:00:00Z", "2020-01-13T12:00:00Z", to, 2);
	assert_int_equal(
	    answer(f, "2020-01-11T10:00:00Z", "agency-a1", "mitigated", NULL, NULL, NULL, NULL), 0);
	assert_int_equal(
	    followup_each_pending(f->db, fx_t("2020-01-12T00:00:00Z"), count_pending, &n, NULL), 0);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(
	    followup_each_pending(f->db, fx_t("2020-01-10T12:00:00Z"), count_pending, &n, NULL), 0);
	assert_int_equal(n, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_who_is_asked, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_comply_or_explain, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_reviews, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_pending, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
