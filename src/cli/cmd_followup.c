/* cmd_followup.c: `baken followup ...` (report back, comply or explain) and `baken deadline ...`
 * (the BIO clock, reminders and escalations). */
#include "cli/commands.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/deadline.h"
#include "model/followup.h"

#include <string.h>

/* A time option, or 0 when not given; a usage-style error naming the option otherwise. */
static int time_opt(struct cli_ctx *c, const char *name, int64_t *out)
{
	const char *v = opt_get(&c->opts, name);

	*out = 0;
	if (v == NULL)
		return 0;
	if (time_parse(v, out, &c->err) != 0)
		return err_wrap(&c->err, "--%s: ", name);
	return 0;
}

/* --request N: a follow-up request number, or 0. */
static int request_opt(struct cli_ctx *c, long *out)
{
	const char *v = opt_get(&c->opts, "request"), *p;
	long n = 0;

	*out = 0;
	if (v == NULL)
		return 0;
	for (p = v; *p >= '0' && *p <= '9' && n < 100000000; p++)
		n = n * 10 + (*p - '0');
	if (p == v || *p || n < 1)
		return err_set(&c->err, ERR_USAGE,
		               "--request %s: expected a request number (1, 2 ...)", v);
	*out = n;
	return 0;
}

const struct opt_spec cmd_followup_request_opts[] = {
    {"to", OPT_LIST, "KIND|ORG",
     "who is asked: kinds (every organisation of it), organisations, or \"affected\""},
    {"deadline", OPT_VALUE, "TIME", "when the answers are due"},
    {"question", OPT_VALUE, "Q", "the question (default: which measures were taken)"},
    {"closes", OPT_VALUE, "TIME", "no answers from then on (default: open until `followup close`)"},
    {NULL, 0, NULL, NULL},
};

int cmd_followup_request(struct cli_ctx *c)
{
	struct followup_request_input in = {0};
	json_t *orgs = NULL, *o;
	const char *deadline;
	long id = 0;
	char d[32];
	int rc;

	if ((rc = cli_operand(c, 0, "ADVISORY", &in.advisory)) != 0 ||
	    (rc = cli_required(c, "deadline", &deadline)) != 0)
		return rc;
	if (time_parse(deadline, &in.deadline, &c->err) != 0)
		return err_wrap(&c->err, "--deadline: ");
	if ((rc = time_opt(c, "closes", &in.closes)) != 0)
		return rc;
	in.question = opt_get(&c->opts, "question");
	in.to = opt_list(&c->opts, "to", &in.nto);
	if ((rc = cli_open(c)) == 0)
		rc = cli_finish(c, followup_request(c->db, &c->act, &in, &id, &orgs, &c->err));
	free(in.to);
	if (rc != 0)
		return rc;
	time_format(in.deadline, d, sizeof(d));
	o = json_pack("{s:I, s:s, s:s, s:I, s:o}", "request", (json_int_t)id, "advisory",
	              in.advisory, "deadline", d, "addressed", (json_int_t)json_array_size(orgs),
	              "orgs", orgs);
	if (c->json) {
		cli_print_json(o);
		return 0;
	}
	cli_print_object(
	    c, o, (const char *const[]){"request", "advisory", "deadline", "addressed", NULL});
	return 0;
}

const struct opt_spec cmd_followup_respond_opts[] = {
    {"status", OPT_VALUE, "S", "patched, mitigated, switched-off or kept-on"},
    {"version", OPT_VALUE, "V", "patched: the version the systems run now"},
    {"date", OPT_VALUE, "TIME",
     "patched, switched-off, mitigated: when it was done (default --at)"},
    {"measures", OPT_VALUE, "TEXT", "mitigated: which measures were taken"},
    {"c1", OPT_VALUE, "TEXT", "kept-on: why switching off has disproportionate consequences"},
    {"c2", OPT_VALUE, "TEXT", "kept-on: the extra monitoring and security measures"},
    {"c3", OPT_VALUE, "TEXT",
     "kept-on: how the systems are compartmentalised or quarantined, detection, no contamination"},
    {"note", OPT_VALUE, "N", "a note"},
    {"by", OPT_VALUE, "ORG", "the answering organisation: a department answering for its agency"},
    {"request", OPT_VALUE, "N", "which request (default: the latest that asks ORG)"},
    {NULL, 0, NULL, NULL},
};

int cmd_followup_respond(struct cli_ctx *c)
{
	struct followup_answer_input in = {0};
	long answer = 0;
	int rc;

	if ((rc = cli_operand(c, 0, "ADVISORY", &in.advisory)) != 0 ||
	    (rc = cli_operand(c, 1, "ORG", &in.org)) != 0 ||
	    (rc = request_opt(c, &in.request)) != 0 ||
	    (rc = time_opt(c, "date", &in.remedied)) != 0)
		return rc;
	in.status = opt_get(&c->opts, "status");
	in.version = opt_get(&c->opts, "version");
	in.measures = opt_get(&c->opts, "measures");
	in.c[0] = opt_get(&c->opts, "c1");
	in.c[1] = opt_get(&c->opts, "c2");
	in.c[2] = opt_get(&c->opts, "c3");
	in.note = opt_get(&c->opts, "note");
	in.by = opt_get(&c->opts, "by");
	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, followup_respond(c->db, &c->act, &in, &answer, &c->err));
	if (rc != 0)
		return rc;
	cli_print_object(c,
	                 json_pack("{s:I, s:s, s:s, s:s, s:s}", "answer", (json_int_t)answer,
	                           "advisory", in.advisory, "org", in.org, "status",
	                           followup_status_parse(in.status), "by", in.by ? in.by : in.org),
	                 (const char *const[]){"answer", "advisory", "org", "status", "by", NULL});
	return 0;
}

const struct opt_spec cmd_followup_review_opts[] = {
    {"accept", OPT_FLAG, NULL, "accept the kept-on explanation"},
    {"reject", OPT_FLAG, NULL, "reject it: the request is open again for the organisation"},
    {"note", OPT_VALUE, "N", "why"},
    {"deadline", OPT_VALUE, "TIME", "with --reject: a new term for the organisation"},
    {"request", OPT_VALUE, "N", "which request (default: the latest that asks ORG)"},
    {NULL, 0, NULL, NULL},
};

int cmd_followup_review(struct cli_ctx *c)
{
	const char *adv, *org;
	int accept = opt_has(&c->opts, "accept"), reject = opt_has(&c->opts, "reject"), rc;
	int64_t due = 0;
	long request = 0;

	if ((rc = cli_operand(c, 0, "ADVISORY", &adv)) != 0 ||
	    (rc = cli_operand(c, 1, "ORG", &org)) != 0 || (rc = request_opt(c, &request)) != 0 ||
	    (rc = time_opt(c, "deadline", &due)) != 0)
		return rc;
	if (accept == reject)
		return err_set(&c->err, ERR_USAGE, "give one of --accept and --reject");
	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, followup_review(c->db, &c->act, adv, org, request, accept,
	                                   opt_get(&c->opts, "note"), due, &c->err));
	if (rc != 0)
		return rc;
	cli_print_object(c,
	                 json_pack("{s:s, s:s, s:s, s:s?}", "advisory", adv, "org", org, "review",
	                           accept ? "accepted" : "rejected", "note",
	                           opt_get(&c->opts, "note")),
	                 (const char *const[]){"advisory", "org", "review", "note", NULL});
	return 0;
}

const struct opt_spec cmd_followup_close_opts[] = {
    {"request", OPT_VALUE, "N", "which request (default: the latest on the advisory)"},
    {NULL, 0, NULL, NULL},
};

int cmd_followup_close(struct cli_ctx *c)
{
	const char *adv;
	long request = 0;
	char when[32];
	int rc;

	if ((rc = cli_operand(c, 0, "ADVISORY", &adv)) != 0 || (rc = request_opt(c, &request)) != 0)
		return rc;
	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, followup_close(c->db, &c->act, adv, request, &c->err));
	if (rc != 0)
		return rc;
	time_format(c->act.at, when, sizeof(when));
	cli_print_object(c, json_pack("{s:s, s:s}", "advisory", adv, "closed_at", when),
	                 (const char *const[]){"advisory", "closed_at", NULL});
	return 0;
}

const struct opt_spec cmd_followup_status_opts[] = {
    {"request", OPT_VALUE, "N", "only this request"},
    {NULL, 0, NULL, NULL},
};

int cmd_followup_status(struct cli_ctx *c)
{
	const char *adv;
	json_t *o = NULL, *req;
	long request = 0;
	size_t i;
	int rc;

	if ((rc = cli_operand(c, 0, "ADVISORY", &adv)) != 0 || (rc = request_opt(c, &request)) != 0)
		return rc;
	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, followup_status(c->db, adv, request, c->act.at, &o, &c->err));
	if (rc != 0)
		return rc;
	if (c->json) {
		cli_print_json(o);
		return 0;
	}
	if (json_array_size(json_object_get(o, "requests")) == 0)
		printf("no follow-up requests on %s\n", adv);
	json_array_foreach(json_object_get(o, "requests"), i, req)
	{
		json_t *counts = json_object_get(req, "counts"), *v;
		const char *k;

		printf("%sRequest %lld on %s, asked %s, due %s%s\n  %s\n  ", i ? "\n" : "",
		       (long long)json_integer_value(json_object_get(req, "request")), adv,
		       json_string_value(json_object_get(req, "asked_at")),
		       json_string_value(json_object_get(req, "deadline")),
		       json_is_true(json_object_get(req, "closed")) ? " (closed)" : "",
		       json_string_value(json_object_get(req, "question")));
		json_object_foreach(counts, k, v)
		{
			printf("%s %lld  ", k, (long long)json_integer_value(v));
		}
		printf("\n");
		cli_print_rows(c, json_incref(json_object_get(req, "orgs")),
		               (const char *const[]){"org", "state", "status", "review",
		                                     "answered_at", "late", "by", NULL});
	}
	json_decref(o);
	return 0;
}

const struct opt_spec cmd_deadline_list_opts[] = {
    {"advisory", OPT_VALUE, "ID", "only this advisory"},
    {"org", OPT_VALUE, "ORG", "only this organisation"},
    {NULL, 0, NULL, NULL},
};

int cmd_deadline_list(struct cli_ctx *c)
{
	struct deadline_filter f = {opt_get(&c->opts, "advisory"), opt_get(&c->opts, "org")};
	json_t *rows = NULL;
	int rc;

	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, deadline_list(c->db, &f, c->act.at, &rows, &c->err));
	if (rc != 0)
		return rc;
	cli_print_rows(c, rows,
	               (const char *const[]){"org", "advisory", "due", "state", "days_over",
	                                     "remedied_at", "via", "rule", NULL});
	return 0;
}

const struct opt_spec cmd_deadline_remind_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_deadline_remind(struct cli_ctx *c)
{
	json_t *rows = NULL;
	int rc;

	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, deadline_remind(c->db, &c->act, &rows, &c->err));
	if (rc != 0)
		return rc;
	cli_print_rows(
	    c, rows,
	    (const char *const[]){"org", "to", "advisory", "topic", "ref", "alerts", NULL});
	return 0;
}
