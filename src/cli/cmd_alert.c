/* cmd_alert.c: `baken alert ...`, `baken call ...`, `baken worker` */
#include "cli/commands.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/alert.h"
#include "model/deadline.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* An alert id operand: a positive whole number. */
static int alert_id(struct cli_ctx *c, long *out)
{
	const char *s;
	char *end;
	int rc = cli_operand(c, 0, "ALERT", &s);

	if (rc != 0)
		return rc;
	*out = strtol(s, &end, 10);
	if (*s == '\0' || *end || *out <= 0)
		return err_set(&c->err, ERR_INPUT,
		               "bad alert \"%s\": expected its number, as in"
		               " `baken alert list`",
		               s);
	return 0;
}

/* A filter value in canonical lower case, or NULL; ERR_INPUT when not one of allowed. */
static int enum_filter(struct cli_ctx *c, const char *name, const char *const *allowed,
                       const char **out)
{
	const char *v = opt_get(&c->opts, name);

	*out = NULL;
	if (v == NULL)
		return 0;
	for (size_t i = 0; allowed[i]; i++)
		if (strcasecmp(v, allowed[i]) == 0) {
			*out = allowed[i];
			return 0;
		}
	return err_set(&c->err, ERR_INPUT, "bad --%s \"%s\"", name, v);
}

const struct opt_spec cmd_alert_list_opts[] = {
    {"advisory", OPT_VALUE, "ID", "only this advisory"},
    {"version", OPT_VALUE, "V", "only this version (with --advisory)"},
    {"org", OPT_VALUE, "ORG", "only this organisation"},
    {"channel", OPT_VALUE, "C", "email, webhook or call"},
    {"state", OPT_VALUE, "S", "queued, sent, delivered, acknowledged, failed, cancelled"},
    {NULL, 0, NULL, NULL},
};

int cmd_alert_list(struct cli_ctx *c)
{
	static const char *const channels[] = {"email", "webhook", "call", NULL};
	static const char *const states[] = {"queued", "sent",      "delivered", "acknowledged",
	                                     "failed", "cancelled", NULL};
	struct alert_filter f = {0};
	json_t *rows = NULL;
	int rc;

	f.advisory = opt_get(&c->opts, "advisory");
	f.version = opt_get(&c->opts, "version");
	f.org = opt_get(&c->opts, "org");
	if ((rc = enum_filter(c, "channel", channels, &f.channel)) != 0 ||
	    (rc = enum_filter(c, "state", states, &f.state)) != 0)
		return rc;
	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, alert_list(c->db, &f, &rows, &c->err));
	if (rc == 0)
		cli_print_rows(c, rows,
		               (const char *const[]){"alert", "advisory", "version", "org",
		                                     "channel", "address", "state", "attempts",
		                                     "last_error", NULL});
	return rc;
}

const struct opt_spec cmd_alert_status_opts[] = {
    {"advisory", OPT_VALUE, "ID", "only this advisory"},
    {NULL, 0, NULL, NULL},
};

int cmd_alert_status(struct cli_ctx *c)
{
	json_t *rows = NULL;
	int rc;

	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, alert_status(c->db, opt_get(&c->opts, "advisory"), &rows, &c->err));
	if (rc == 0)
		cli_print_rows(c, rows,
		               (const char *const[]){"advisory", "version", "alerted", "delivered",
		                                     "acknowledged", "to_call", "called", "pending",
		                                     "failed", "first_delivery_s",
		                                     "last_delivery_s", NULL});
	return rc;
}

const struct opt_spec cmd_alert_deliver_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_alert_deliver(struct cli_ctx *c)
{
	struct alert_deliver_stats st = {0};
	int rc;

	if ((rc = db_open(c->db_path, 0, &c->db, &c->err)) != 0)
		return rc;
	if ((rc = alert_deliver(c->db, &c->act, !c->at_given, &st, &c->err)) != 0)
		return rc;
	cli_print_object(c,
	                 json_pack("{s:I, s:I, s:I}", "delivered", (json_int_t)st.delivered,
	                           "retrying", (json_int_t)st.retrying, "failed",
	                           (json_int_t)st.failed),
	                 (const char *const[]){"delivered", "retrying", "failed", NULL});
	return 0;
}

const struct opt_spec cmd_alert_ack_opts[] = {
    {"token", OPT_VALUE, "T", "the token of the link in the mail"},
    {NULL, 0, NULL, NULL},
};

int cmd_alert_ack(struct cli_ctx *c)
{
	const char *token = opt_get(&c->opts, "token");
	json_t *o = NULL;
	long id = 0;
	int rc;

	if (token == NULL && (rc = alert_id(c, &id)) != 0)
		return rc;
	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = token ? alert_ack_token(c->db, &c->act, token, &o, &c->err)
	           : alert_ack(c->db, &c->act, id, &o, &c->err);
	rc = cli_finish(c, rc);
	if (rc != 0) {
		json_decref(o);
		return rc;
	}
	cli_print_object(
	    c, o, (const char *const[]){"alert", "org", "state", "acked_at", "acked_by", NULL});
	return 0;
}

const struct opt_spec cmd_alert_retry_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_alert_retry(struct cli_ctx *c)
{
	long id;
	int rc;

	if ((rc = alert_id(c, &id)) != 0 || (rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, alert_retry(c->db, &c->act, id, &c->err));
	if (rc == 0)
		cli_print_object(
		    c, json_pack("{s:I, s:s}", "alert", (json_int_t)id, "state", "queued"),
		    (const char *const[]){"alert", "state", NULL});
	return rc;
}

const struct opt_spec cmd_call_list_opts[] = {
    {"all", OPT_FLAG, NULL, "also the calls that are done"},
    {NULL, 0, NULL, NULL},
};

int cmd_call_list(struct cli_ctx *c)
{
	json_t *rows = NULL;
	int rc;

	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, call_list(c->db, opt_has(&c->opts, "all"), &rows, &c->err));
	if (rc == 0)
		cli_print_rows(c, rows,
		               (const char *const[]){"alert", "advisory", "version", "org", "name",
		                                     "call_first", "attempts", "claimed_by",
		                                     "state", "outcome", NULL});
	return rc;
}

const struct opt_spec cmd_call_claim_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_call_claim(struct cli_ctx *c)
{
	long id;
	int rc;

	if ((rc = alert_id(c, &id)) != 0 || (rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, call_claim(c->db, &c->act, id, &c->err));
	if (rc == 0)
		cli_print_object(
		    c, json_pack("{s:I, s:s}", "alert", (json_int_t)id, "claimed_by", c->act.actor),
		    (const char *const[]){"alert", "claimed_by", NULL});
	return rc;
}

const struct opt_spec cmd_call_done_opts[] = {
    {"outcome", OPT_VALUE, "O", "reached, voicemail, no-answer or wrong-number"},
    {"note", OPT_VALUE, "N", "what was said or agreed"},
    {NULL, 0, NULL, NULL},
};

int cmd_call_done(struct cli_ctx *c)
{
	const char *outcome;
	long id;
	int rc;

	if ((rc = alert_id(c, &id)) != 0 || (rc = cli_required(c, "outcome", &outcome)) != 0 ||
	    (rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c,
	                call_done(c->db, &c->act, id, outcome, opt_get(&c->opts, "note"), &c->err));
	if (rc == 0)
		cli_print_object(
		    c, json_pack("{s:I, s:s}", "alert", (json_int_t)id, "outcome", outcome),
		    (const char *const[]){"alert", "outcome", NULL});
	return rc;
}

static volatile sig_atomic_t worker_stop;

/* The reminders and escalations that are due, in a transaction of their own; the round's
 * delivery then sends them. */
static int worker_deadlines(struct db *db, const struct act *act, struct err *e)
{
	json_t *made = NULL;
	int rc = db_begin(db, e);

	if (rc != 0)
		return rc;
	rc = deadline_remind(db, act, &made, e);
	json_decref(made);
	if (rc != 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, e);
}

static void worker_on_signal(int sig)
{
	(void)sig;
	worker_stop = 1;
}

const struct opt_spec cmd_worker_opts[] = {
    {"interval", OPT_VALUE, "SECONDS", "pause between rounds (default 5)"},
    {"once", OPT_FLAG, NULL, "one round, then stop"},
    {NULL, 0, NULL, NULL},
};

int cmd_worker(struct cli_ctx *c)
{
	const char *iv = opt_get(&c->opts, "interval");
	long interval = 5;
	struct sigaction sa;
	int rc;

	if (iv) {
		char *end;
		interval = strtol(iv, &end, 10);
		if (*iv == '\0' || *end || interval < 1 || interval > 3600)
			return err_set(&c->err, ERR_INPUT,
			               "--interval \"%s\": expected 1 to 3600 seconds", iv);
	}
	if ((rc = db_open(c->db_path, 0, &c->db, &c->err)) != 0)
		return rc;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = worker_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!worker_stop) {
		struct alert_deliver_stats st = {0};
		struct act now = c->act;

		if (!c->at_given)
			now.at = time_now();
		rc = worker_deadlines(c->db, &now, &c->err);
		if (rc == 0)
			rc = alert_deliver(c->db, &now, !c->at_given, &st, &c->err);
		if (rc != 0)
			fprintf(stderr, "baken worker: %s\n", c->err.msg);
		else if (st.delivered || st.retrying || st.failed)
			fprintf(stderr, "baken worker: %ld delivered, %ld retrying, %ld failed\n",
			        st.delivered, st.retrying, st.failed);
		if (opt_has(&c->opts, "once"))
			return rc;
		for (long i = 0; i < interval * 10 && !worker_stop; i++)
			usleep(100000);
	}
	return 0;
}
