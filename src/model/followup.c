/* followup.c: follow-up requests, answers (comply or explain) and reviews. */
#include "model/followup.h"

#include "core/buf.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "domain/version.h"
#include "model/advisory.h"
#include "model/alert.h"
#include "model/config.h"
#include "model/field.h"
#include "model/org.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define QUESTION_MAX 4000
#define TEXT_MAX     8000
#define TO_MAX       1024

const char *const followup_condition_text[3] = {
    "switching off has disproportionate consequences, e.g. for safety or health",
    "adequate extra monitoring and security measures are in place",
    "the systems are compartmentalised or quarantined, with enough detection, and"
    " contamination of own and others' systems is excluded",
};

static const char *const statuses[] = {"patched", "mitigated", "switched-off", "kept-on", NULL};

const char *followup_status_parse(const char *s)
{
	for (size_t i = 0; s && statuses[i]; i++)
		if (strcasecmp(s, statuses[i]) == 0)
			return statuses[i];
	return NULL;
}

/* ---- small helpers ---- */

/* ERR_NOTFOUND ("unknown advisory ...") unless advisory exists: every follow-up command names
 * one and says so in the same words. */
static int require_advisory(struct db *db, const char *advisory, struct err *e)
{
	int64_t n = 0;
	int rc;

	if ((rc = db_query_int(db, "SELECT count(*) FROM advisories WHERE id = ?1", advisory, &n,
	                       e)) != 0)
		return rc;
	if (n == 0)
		return err_set(e, ERR_NOTFOUND, "unknown advisory %s (`baken advisory list`)",
		               advisory);
	return 0;
}

/* The title of the latest published version of advisory as of at, and its number; ERR_NOTFOUND
 * for an unknown advisory, ERR_CONFLICT when none is published by then. */
static int published_version(struct db *db, const char *advisory, int64_t at, int *num, char *title,
                             size_t titlesz, struct err *e)
{
	struct db_stmt *st;
	char when[32];
	int rc;

	if ((rc = require_advisory(db, advisory, e)) != 0)
		return rc;
	field_time_text(at, when);
	rc = db_prepare(db,
	                "SELECT num, title FROM advisory_versions WHERE advisory_id = ?1"
	                " AND published_at IS NOT NULL AND published_at <= ?2"
	                " ORDER BY num DESC LIMIT 1",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, advisory);
	db_bind_text(st, 2, when);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*num = (int)db_col_int(st, 0);
		snprintf(title, titlesz, "%s", db_col_text(st, 1));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_set(e, ERR_CONFLICT,
		               "%s has no version published by %s: publish it before asking"
		               " organisations to report back on it",
		               advisory, when);
	return 0;
}

/* Whether actor is listed in the setting followup.coordinators (comma-separated); *set tells
 * whether the setting is there at all. */
static int is_coordinator(struct db *db, const char *actor, int *set)
{
	char *list = config_get(db, "followup.coordinators", NULL);
	int found = 0;

	*set = list != NULL && field_has_text(list);
	for (char *p = list; p && *p;) {
		size_t n;
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		n = strcspn(p, ",");
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		if (n > 0 && strlen(actor) == n && strncmp(p, actor, n) == 0)
			found = 1;
		p += strcspn(p, ",");
	}
	free(list);
	return found;
}

/* ---- request ---- */

/* Adds the organisations one --to value names; *added counts the new ones. */
static int add_addressees(struct db *db, long req, const char *advisory, const char *to,
                          long *added, struct err *e)
{
	struct db_stmt *st;
	const char *kind = org_kind_parse(to, NULL);
	int rc;

	if (strcasecmp(to, "affected") == 0) {
		struct advisory_version v;
		json_t *rows = NULL, *row;
		size_t i;

		if ((rc = advisory_load(db, advisory, NULL, 0, &v, e)) != 0)
			return rc;
		rc = advisory_affected(db, &v, &rows, e);
		advisory_version_free(&v);
		if (rc != 0)
			return rc;
		json_array_foreach(rows, i, row)
		{
			if ((rc = db_prepare(db,
			                     "INSERT INTO followup_addressees VALUES (?1, ?2)"
			                     " ON CONFLICT DO NOTHING",
			                     &st, e)) != 0)
				break;
			db_bind_int(st, 1, req);
			db_bind_text(st, 2, json_string_value(json_object_get(row, "org")));
			rc = db_step(st, e);
			db_done(st);
			if (rc < 0)
				break;
			*added += db_changes(db);
			rc = 0;
		}
		json_decref(rows);
		return rc;
	}
	if (kind == NULL) {
		if (org_id_check(to, NULL) != 0 || org_require(db, to, NULL) != 0)
			return err_set(
			    e, ERR_INPUT,
			    "--to %s: not a kind (ministry, agency, vital, partner, other),"
			    " not \"affected\", and not a registered organisation",
			    to);
	}
	rc = db_prepare(db,
	                kind ? "INSERT INTO followup_addressees SELECT ?1, id FROM orgs"
	                       " WHERE kind = ?2 ON CONFLICT DO NOTHING"
	                     : "INSERT INTO followup_addressees VALUES (?1, ?2)"
	                       " ON CONFLICT DO NOTHING",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_int(st, 1, req);
	db_bind_text(st, 2, kind ? kind : to);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	*added += db_changes(db);
	return 0;
}

int followup_request(struct db *db, const struct act *act, const struct followup_request_input *in,
                     long *id, json_t **orgs_out, struct err *e)
{
	static const char default_question[] =
	    "Meld terug welke maatregelen uw organisatie naar aanleiding van dit advies heeft"
	    " genomen.";
	const char *question = in->question ? in->question : default_question;
	struct db_stmt *st;
	char when[32], deadline[32], closes[32], title[512], object[64], ref[32];
	json_t *spec = NULL, *orgs = NULL;
	char *spec_text = NULL;
	long alerts = 0, count = 0, *addressed = &count;
	int num = 0, set = 0, rc;

	*id = 0;
	if (orgs_out)
		*orgs_out = NULL;
	if (in->nto == 0)
		return err_set(e, ERR_USAGE,
		               "--to is required: kinds, organisations or \"affected\"");
	if (in->nto > TO_MAX)
		return err_set(e, ERR_INPUT, "--to: at most %d values", TO_MAX);
	if (!field_has_text(question) || strlen(question) > QUESTION_MAX)
		return err_set(e, ERR_INPUT, "--question: expected 1-%d characters", QUESTION_MAX);
	field_time_text(act->at, when);
	field_time_text(in->deadline, deadline);
	if (in->deadline <= act->at)
		return err_set(e, ERR_INPUT, "--deadline %s is not after the request (%s)",
		               deadline, when);
	if (in->closes && in->closes <= act->at)
		return err_set(e, ERR_INPUT,
		               "--closes: the request would be closed before it is made");
	if (!is_coordinator(db, act->actor, &set) && set)
		return err_set(
		    e, ERR_PERM,
		    "actor '%s' may not ask for follow-up: only the coordinators named in"
		    " the setting followup.coordinators",
		    act->actor);
	if ((rc = published_version(db, in->advisory, act->at, &num, title, sizeof(title), e)) != 0)
		return rc;
	spec = json_array();
	for (size_t i = 0; i < in->nto; i++)
		json_array_append_new(spec, json_string(in->to[i]));
	spec_text = json_dumps(spec, JSON_COMPACT);
	if (in->closes)
		field_time_text(in->closes, closes);
	rc = db_prepare(db,
	                "INSERT INTO followup_requests (advisory_id, num, question, deadline,"
	                " closes_at, to_spec, requested_by, created_at)"
	                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
	                &st, e);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, in->advisory);
	db_bind_int(st, 2, num);
	db_bind_text(st, 3, question);
	db_bind_text(st, 4, deadline);
	db_bind_text(st, 5, in->closes ? closes : NULL);
	db_bind_text(st, 6, spec_text);
	db_bind_text(st, 7, act->actor);
	db_bind_text(st, 8, when);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*id = (long)db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		goto out;
	for (size_t i = 0; i < in->nto; i++)
		if ((rc = add_addressees(db, *id, in->advisory, in->to[i], addressed, e)) != 0)
			goto out;
	if (*addressed == 0) {
		rc = err_set(e, ERR_CONFLICT, "--to names no organisation: nobody would be asked");
		goto out;
	}
	/* alert every addressee */
	orgs = json_array();
	rc = db_prepare(
	    db, "SELECT org_id FROM followup_addressees WHERE request_id = ?1 ORDER BY org_id", &st,
	    e);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, *id);
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(orgs, json_string(db_col_text(st, 0)));
	db_done(st);
	if (rc < 0)
		goto out;
	snprintf(ref, sizeof(ref), "request-%ld", *id);
	{
		struct buf subject, body;
		json_t *o, *none = json_array(); /* alert_notice borrows its data */
		size_t i;

		buf_init(&subject, 2048);
		buf_init(&body, 16384);
		buf_printf(&subject, "%s: verzoek om terugmelding voor %s", in->advisory, deadline);
		buf_printf(
		    &body,
		    "Verzoek om terugmelding over %s (%s)\n\n%s\n\nTermijn: %s\n\n"
		    "Meld terug met een van: patched (versie en datum), mitigated (welke"
		    " maatregelen),\nswitched-off (wanneer), of kept-on: comply or explain, met"
		    " een schriftelijke\nonderbouwing van elk van de drie cumulatieve"
		    " voorwaarden:\n"
		    "  1. uitschakeling heeft disproportionele gevolgen, bijvoorbeeld voor de\n"
		    "     veiligheid en gezondheid;\n"
		    "  2. er zijn afdoende extra monitorings- en beveiligingsmaatregelen;\n"
		    "  3. de systemen zijn effectief gecompartimenteerd of in quarantaine gezet,\n"
		    "     er is voldoende detectie en contaminatie van eigen systemen en die van\n"
		    "     anderen is uitgesloten.\n",
		    in->advisory, title, question, deadline);
		json_array_foreach(orgs, i, o)
		{
			struct alert_counts n = {0};
			struct alert_notice nt = {
			    in->advisory, num,        json_string_value(o), "followup",
			    ref,          "followup", buf_str(&subject),    buf_str(&body),
			    none,         0};
			if ((rc = alert_notice(db, act, &nt, &n, e)) != 0)
				break;
			alerts += n.email + n.webhook + n.call;
		}
		buf_free(&subject);
		buf_free(&body);
		json_decref(none);
		if (rc != 0)
			goto out;
	}
	snprintf(object, sizeof(object), "followup:%ld", *id);
	rc = event_append(db, act, "followup.request", object,
	                  json_pack("{s:s, s:i, s:s, s:s, s:s?, s:O, s:O, s:I}", "advisory",
	                            in->advisory, "num", num, "question", question, "deadline",
	                            deadline, "closes", in->closes ? closes : NULL, "to", spec,
	                            "orgs", orgs, "alerts", (json_int_t)alerts),
	                  e);
	if (rc == 0 && orgs_out) {
		json_t *o;
		size_t i;
		*orgs_out = json_array();
		json_array_foreach(orgs, i, o)
		{
			json_array_append_new(*orgs_out, json_pack("{s:O}", "org", o));
		}
	}
out:
	json_decref(spec);
	json_decref(orgs);
	free(spec_text);
	return rc;
}

/* ---- finding the request an answer or review is for ---- */

struct req_info {
	long id;
	int num;
	int64_t created, deadline, closes; /* closes 0: open */
	char requested_by[256];
	char advisory[64];
};

static int req_load(struct db *db, long id, struct req_info *r, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db,
	                    "SELECT id, advisory_id, num, created_at, deadline, closes_at,"
	                    " requested_by FROM followup_requests WHERE id = ?1",
	                    &st, e);

	if (rc != 0)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		r->id = (long)db_col_int(st, 0);
		snprintf(r->advisory, sizeof(r->advisory), "%s", db_col_text(st, 1));
		r->num = (int)db_col_int(st, 2);
		r->created = field_col_time(st, 3);
		r->deadline = field_col_time(st, 4);
		r->closes = field_col_time(st, 5);
		snprintf(r->requested_by, sizeof(r->requested_by), "%s", db_col_text(st, 6));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_set(e, ERR_NOTFOUND, "unknown follow-up request %ld", id);
	return 0;
}

/* The request on advisory that addresses org: request when given, else the latest made by at.
 * ERR_PERM when org is not addressed. */
static int req_find(struct db *db, const char *advisory, const char *org, long request, int64_t at,
                    struct req_info *r, struct err *e)
{
	struct db_stmt *st;
	char when[32];
	int64_t n = 0;
	long id = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = require_advisory(db, advisory, e)) != 0)
		return rc;
	if ((rc = org_require(db, org, e)) != 0)
		return rc;
	if (request) {
		if ((rc = req_load(db, request, r, e)) != 0)
			return rc;
		if (strcmp(r->advisory, advisory) != 0)
			return err_set(e, ERR_INPUT, "follow-up request %ld is not about %s",
			               request, advisory);
		rc = db_prepare(db,
		                "SELECT count(*) FROM followup_addressees WHERE request_id = ?1"
		                " AND org_id = ?2",
		                &st, e);
		if (rc != 0)
			return rc;
		db_bind_int(st, 1, request);
		db_bind_text(st, 2, org);
		rc = db_step(st, e);
		n = rc == DB_ROW ? db_col_int(st, 0) : 0;
		db_done(st);
		if (rc < 0)
			return rc;
		if (n == 0)
			return err_set(
			    e, ERR_PERM,
			    "%s was not asked: follow-up request %ld on %s does not address"
			    " it",
			    org, request, advisory);
		return 0;
	}
	field_time_text(at, when);
	rc = db_prepare(db,
	                "SELECT r.id FROM followup_requests r JOIN followup_addressees a"
	                " ON a.request_id = r.id AND a.org_id = ?2 WHERE r.advisory_id = ?1"
	                " AND r.created_at <= ?3 ORDER BY r.created_at DESC, r.id DESC LIMIT 1",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, advisory);
	db_bind_text(st, 2, org);
	db_bind_text(st, 3, when);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		id = (long)db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return rc;
	if (id == 0) {
		if ((rc = db_query_int(
		         db, "SELECT count(*) FROM followup_requests WHERE advisory_id = ?1",
		         advisory, &n, e)) != 0)
			return rc;
		if (n == 0)
			return err_set(e, ERR_PERM,
			               "%s was not asked: there is no follow-up request on %s", org,
			               advisory);
		return err_set(
		    e, ERR_PERM,
		    "%s was not asked: no follow-up request on %s made by %s addresses it", org,
		    advisory, when);
	}
	return req_load(db, id, r, e);
}

/* The latest review of answer as of when into *review: 1 accepted, -1 rejected, 0 none. One
 * query for the request's view and the clock's, so that both read a review alike. */
static int answer_review(struct db *db, long answer, const char *when, int *review, struct err *e)
{
	struct db_stmt *st;
	int rc;

	rc = db_prepare(db,
	                "SELECT decision FROM followup_reviews WHERE answer_id = ?1"
	                " AND reviewed_at <= ?2 ORDER BY reviewed_at DESC, id DESC LIMIT 1",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_int(st, 1, answer);
	db_bind_text(st, 2, when);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*review = strcmp(db_col_text(st, 0), "accepted") == 0 ? 1 : -1;
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* The current answer of org on request r as of at: its id (0: none), status, and the latest
 * review of it as of at (1 accepted, -1 rejected, 0 none). */
static int answer_current(struct db *db, long request, const char *org, int64_t at, long *answer,
                          const char **status, int *review, struct err *e)
{
	struct db_stmt *st;
	char when[32];
	int rc;

	*answer = 0;
	*status = NULL;
	*review = 0;
	field_time_text(at, when);
	rc = db_prepare(db,
	                "SELECT id, status FROM followup_answers WHERE request_id = ?1"
	                " AND org_id = ?2 AND answered_at <= ?3 ORDER BY answered_at DESC, id DESC"
	                " LIMIT 1",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_int(st, 1, request);
	db_bind_text(st, 2, org);
	db_bind_text(st, 3, when);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*answer = (long)db_col_int(st, 0);
		*status = followup_status_parse(db_col_text(st, 1));
	}
	db_done(st);
	if (rc < 0 || *answer == 0)
		return rc < 0 ? rc : 0;
	return answer_review(db, *answer, when, review, e);
}

/* ---- respond ---- */

/* ERR_INPUT unless by is org or one of its parents. */
static int by_check(struct db *db, const char *org, const char *by, struct err *e)
{
	char cur[80];
	int rc, depth = 0;

	if ((rc = org_require(db, by, e)) != 0) {
		err_wrap(e, "--by: ");
		return rc;
	}
	snprintf(cur, sizeof(cur), "%s", org);
	while (cur[0] && depth++ < 64) {
		if (strcmp(cur, by) == 0)
			return 0;
		if ((rc = org_parent_step(db, cur, sizeof(cur), e)) != 0)
			return rc;
	}
	return err_set(e, ERR_INPUT,
	               "--by %s: only %s itself or an organisation above it (its department) may"
	               " answer for it",
	               by, org);
}

/* The checks that need no store. */
static int answer_check(const struct followup_answer_input *in, const char *status,
                        const struct act *act, struct err *e)
{
	static const char *const cflag[3] = {"--c1", "--c2", "--c3"};
	int kept = strcmp(status, "kept-on") == 0, rc;

	for (int i = 0; i < 3; i++)
		if ((rc = field_text_check(cflag[i], in->c[i], TEXT_MAX, e)) != 0)
			return rc;
	if ((rc = field_text_check("--note", in->note, TEXT_MAX, e)) != 0 ||
	    (rc = field_text_check("--measures", in->measures, TEXT_MAX, e)) != 0)
		return rc;
	if (kept) {
		char missing[1400] = "";
		int nmissing = 0;

		for (int i = 0; i < 3; i++) {
			size_t len = strlen(missing);
			if (field_has_text(in->c[i]))
				continue;
			snprintf(missing + len, sizeof(missing) - len, "%s%s (C%d: %s)",
			         nmissing ? "; " : "", cflag[i], i + 1, followup_condition_text[i]);
			nmissing++;
		}
		if (nmissing)
			return err_set(e, ERR_INPUT,
			               "kept-on needs a written justification of each of the three"
			               " cumulative conditions; missing %s",
			               missing);
		if (in->remedied)
			return err_set(
			    e, ERR_INPUT,
			    "--date goes with patched, mitigated or switched-off: a system"
			    " kept on is not remedied");
	} else if (in->c[0] || in->c[1] || in->c[2]) {
		return err_set(e, ERR_INPUT,
		               "--c1, --c2 and --c3 explain a kept-on answer; this answer is %s",
		               status);
	}
	if (strcmp(status, "patched") == 0) {
		if (in->version == NULL || in->version[0] == '\0')
			return err_set(e, ERR_INPUT,
			               "patched needs --version: the version the systems run now");
		if ((rc = version_check(in->version, e)) != 0) {
			err_wrap(e, "--version: ");
			return rc;
		}
	} else if (in->version) {
		return err_set(e, ERR_INPUT, "--version goes with patched; this answer is %s",
		               status);
	}
	if (strcmp(status, "mitigated") == 0) {
		if (!field_has_text(in->measures))
			return err_set(e, ERR_INPUT,
			               "mitigated needs --measures: which measures were"
			               " taken");
	} else if (in->measures) {
		return err_set(e, ERR_INPUT, "--measures goes with mitigated; this answer is %s",
		               status);
	}
	if (in->remedied && in->remedied > act->at) {
		char a[32], b[32];
		field_time_text(in->remedied, a);
		field_time_text(act->at, b);
		return err_set(e, ERR_INPUT, "--date %s is after the answer itself (%s)", a, b);
	}
	return 0;
}

int followup_respond(struct db *db, const struct act *act, const struct followup_answer_input *in,
                     long *answer, struct err *e)
{
	const char *status = followup_status_parse(in->status);
	const char *by = in->by ? in->by : in->org;
	struct req_info r;
	struct db_stmt *st;
	char when[32], remedied[32], object[160];
	const char *cur_status;
	long cur = 0;
	int64_t revisions = 0;
	int review = 0, late, rc;

	*answer = 0;
	if (in->status == NULL)
		return err_set(e, ERR_USAGE,
		               "--status is required: patched, mitigated, switched-off or kept-on");
	if (status == NULL)
		return err_set(e, ERR_INPUT,
		               "bad --status \"%s\": expected patched, mitigated, switched-off or"
		               " kept-on",
		               in->status);
	if ((rc = answer_check(in, status, act, e)) != 0)
		return rc;
	/* who answers first: an answer for another organisation says nothing of it (whether
	 * it exists, was asked) to one that may not answer for it */
	if (strcmp(by, in->org) != 0 && (rc = by_check(db, in->org, by, e)) != 0)
		return rc;
	if ((rc = req_find(db, in->advisory, in->org, in->request, act->at, &r, e)) != 0)
		return rc;
	field_time_text(act->at, when);
	if (act->at < r.created) {
		char c[32];
		field_time_text(r.created, c);
		return err_set(e, ERR_CONFLICT,
		               "follow-up request %ld on %s was made at %s; an answer at %s cannot"
		               " come before it",
		               r.id, r.advisory, c, when);
	}
	if ((rc = answer_current(db, r.id, in->org, act->at, &cur, &cur_status, &review, e)) != 0)
		return rc;
	if (r.closes && r.closes <= act->at && review >= 0) {
		char c[32];
		field_time_text(r.closes, c);
		return err_set(
		    e, ERR_CONFLICT,
		    "follow-up request %ld on %s closed at %s; %s can no longer answer it", r.id,
		    r.advisory, c, in->org);
	}
	field_time_text(in->remedied ? in->remedied : act->at, remedied);
	late = act->at > r.deadline;
	rc =
	    db_prepare(db,
	               "INSERT INTO followup_answers (request_id, org_id, status, version,"
	               " remedied_at, measures, c1, c2, c3, note, by_org, answered_by, answered_at)"
	               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
	               " RETURNING id",
	               &st, e);
	if (rc != 0)
		return rc;
	db_bind_int(st, 1, r.id);
	db_bind_text(st, 2, in->org);
	db_bind_text(st, 3, status);
	db_bind_text(st, 4, in->version);
	db_bind_text(st, 5, strcmp(status, "kept-on") == 0 ? NULL : remedied);
	db_bind_text(st, 6, in->measures);
	db_bind_text(st, 7, in->c[0]);
	db_bind_text(st, 8, in->c[1]);
	db_bind_text(st, 9, in->c[2]);
	db_bind_text(st, 10, in->note);
	db_bind_text(st, 11, by);
	db_bind_text(st, 12, act->actor);
	db_bind_text(st, 13, when);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*answer = (long)db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return rc;
	rc = db_prepare(
	    db, "SELECT count(*) FROM followup_answers WHERE request_id = ?1 AND org_id = ?2", &st,
	    e);
	if (rc != 0)
		return rc;
	db_bind_int(st, 1, r.id);
	db_bind_text(st, 2, in->org);
	if ((rc = db_step(st, e)) == DB_ROW)
		revisions = db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return rc;
	snprintf(object, sizeof(object), "followup:%ld:%s", r.id, in->org);
	return event_append(
	    db, act, "followup.respond", object,
	    json_pack(
	        "{s:s, s:I, s:s, s:s, s:I, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:b,"
	        " s:I}",
	        "advisory", r.advisory, "request", (json_int_t)r.id, "org", in->org, "by", by,
	        "answer", (json_int_t)*answer, "status", status, "version", in->version,
	        "remedied_at", strcmp(status, "kept-on") == 0 ? NULL : remedied, "measures",
	        in->measures, "c1", in->c[0], "c2", in->c[1], "c3", in->c[2], "note", in->note,
	        "late", late, "revision", (json_int_t)revisions),
	    e);
}

/* ---- review, close ---- */

int followup_review(struct db *db, const struct act *act, const char *advisory, const char *org,
                    long request, int accept, const char *note, int64_t due, struct err *e)
{
	struct req_info r;
	struct db_stmt *st;
	char when[32], duetext[32], object[160];
	const char *status;
	long answer = 0, review_id = 0;
	int review = 0, set = 0, rc;

	if ((rc = field_text_check("--note", note, TEXT_MAX, e)) != 0)
		return rc;
	if (due && accept)
		return err_set(e, ERR_INPUT,
		               "--deadline goes with --reject: a new term for the"
		               " organisation");
	if ((rc = req_find(db, advisory, org, request, act->at, &r, e)) != 0)
		return rc;
	if (strcmp(act->actor, r.requested_by) != 0 && !is_coordinator(db, act->actor, &set))
		return err_set(e, ERR_PERM,
		               "actor '%s' may not review: only the coordinator who made follow-up"
		               " request %ld (%s)%s may accept or reject an explanation",
		               act->actor, r.id, r.requested_by,
		               set ? " or one named in followup.coordinators" : "");
	if ((rc = answer_current(db, r.id, org, act->at, &answer, &status, &review, e)) != 0)
		return rc;
	field_time_text(act->at, when);
	if (answer == 0)
		return err_set(
		    e, ERR_CONFLICT,
		    "%s has not answered follow-up request %ld on %s (as of %s): there is"
		    " no explanation to review",
		    org, r.id, advisory, when);
	if (strcmp(status, "kept-on") != 0)
		return err_set(e, ERR_CONFLICT,
		               "%s answered %s; only a kept-on explanation is accepted or rejected",
		               org, status);
	if (due && due <= act->at)
		return err_set(e, ERR_INPUT, "--deadline is not after the review");
	if (due)
		field_time_text(due, duetext);
	rc = db_prepare(db,
	                "INSERT INTO followup_reviews (answer_id, decision, note, due, reviewed_by,"
	                " reviewed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_int(st, 1, answer);
	db_bind_text(st, 2, accept ? "accepted" : "rejected");
	db_bind_text(st, 3, note);
	db_bind_text(st, 4, due ? duetext : NULL);
	db_bind_text(st, 5, act->actor);
	db_bind_text(st, 6, when);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		review_id = (long)db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return rc;
	if (!accept) {
		/* the organisation hears that its explanation was rejected: the request is open
		 * again */
		struct alert_counts n = {0};
		struct buf subject, body;
		json_t *none = json_array(); /* alert_notice borrows its data */
		char ref[64];

		buf_init(&subject, 2048);
		buf_init(&body, 16384);
		snprintf(ref, sizeof(ref), "request-%ld-rejected-%ld", r.id, review_id);
		buf_printf(&subject, "%s: uw uitleg (kept-on) is niet aanvaard", advisory);
		buf_printf(
		    &body,
		    "Uw uitleg bij het aan laten van de systemen (comply or explain) over %s is"
		    " niet aanvaard.\n%s%s%s\nHet verzoek om terugmelding staat weer open voor"
		    " uw organisatie%s%s.\n",
		    advisory, note ? "\nToelichting: " : "", note ? note : "", note ? "\n" : "",
		    due ? "; nieuwe termijn: " : "", due ? duetext : "");
		struct alert_notice nt = {
		    advisory,          r.num,          org,  "followup", ref, "followup",
		    buf_str(&subject), buf_str(&body), none, 0};
		rc = alert_notice(db, act, &nt, &n, e);
		json_decref(none);
		buf_free(&subject);
		buf_free(&body);
		if (rc != 0)
			return rc;
	}
	snprintf(object, sizeof(object), "followup:%ld:%s", r.id, org);
	return event_append(
	    db, act, "followup.review", object,
	    json_pack("{s:s, s:I, s:s, s:I, s:s, s:s?, s:s?}", "advisory", advisory, "request",
	              (json_int_t)r.id, "org", org, "answer", (json_int_t)answer, "decision",
	              accept ? "accepted" : "rejected", "note", note, "due", due ? duetext : NULL),
	    e);
}

int followup_close(struct db *db, const struct act *act, const char *advisory, long request,
                   struct err *e)
{
	struct req_info r;
	struct db_stmt *st;
	char when[32], object[64];
	int set = 0, rc;

	if ((rc = require_advisory(db, advisory, e)) != 0)
		return rc;
	if (request == 0) {
		rc = db_prepare(db,
		                "SELECT id FROM followup_requests WHERE advisory_id = ?1"
		                " ORDER BY created_at DESC, id DESC LIMIT 1",
		                &st, e);
		if (rc != 0)
			return rc;
		db_bind_text(st, 1, advisory);
		rc = db_step(st, e);
		if (rc == DB_ROW)
			request = (long)db_col_int(st, 0);
		db_done(st);
		if (rc < 0)
			return rc;
		if (request == 0)
			return err_set(e, ERR_NOTFOUND, "there is no follow-up request on %s",
			               advisory);
	}
	if ((rc = req_load(db, request, &r, e)) != 0)
		return rc;
	if (strcmp(r.advisory, advisory) != 0)
		return err_set(e, ERR_INPUT, "follow-up request %ld is about %s, not %s", request,
		               r.advisory, advisory);
	if (strcmp(act->actor, r.requested_by) != 0 && !is_coordinator(db, act->actor, &set))
		return err_set(e, ERR_PERM,
		               "actor '%s' may not close follow-up request %ld: only %s%s may",
		               act->actor, r.id, r.requested_by,
		               set ? " or a coordinator in followup.coordinators" : "");
	field_time_text(act->at, when);
	if (r.closes && r.closes <= act->at) {
		char c[32];
		field_time_text(r.closes, c);
		return err_set(e, ERR_CONFLICT, "follow-up request %ld closed already at %s", r.id,
		               c);
	}
	if (act->at < r.created)
		return err_set(e, ERR_CONFLICT, "follow-up request %ld was made after %s", r.id,
		               when);
	rc = db_prepare(db, "UPDATE followup_requests SET closes_at = ?2 WHERE id = ?1", &st, e);
	if (rc != 0)
		return rc;
	db_bind_int(st, 1, r.id);
	db_bind_text(st, 2, when);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	snprintf(object, sizeof(object), "followup:%ld", r.id);
	return event_append(
	    db, act, "followup.close", object,
	    json_pack("{s:s, s:I}", "advisory", advisory, "request", (json_int_t)r.id), e);
}

/* ---- reading ---- */

/* The state of one organisation's row from its current answer and review. */
static const char *row_state(const char *status, int review)
{
	if (status == NULL)
		return "unanswered";
	if (strcmp(status, "kept-on") != 0)
		return "answered";
	return review > 0 ? "accepted" : review < 0 ? "rejected" : "explained";
}

/* One request's rows: every addressee with its current answer and history as of asof. */
static int status_rows(struct db *db, const struct req_info *r, int64_t asof, json_t *req,
                       struct err *e)
{
	struct db_stmt *st;
	char when[32];
	json_t *rows = json_array(), *byorg = json_object(), *counts = json_object(), *row, *notans;
	size_t i;
	int rc;

	field_time_text(asof, when);
	json_object_set_new(req, "orgs", rows);
	json_object_set_new(req, "counts", counts);
	notans = json_array();
	json_object_set_new(req, "not_answered", notans);
	rc = db_prepare(db,
	                "SELECT a.org_id, o.name, o.kind FROM followup_addressees a JOIN orgs o"
	                " ON o.id = a.org_id WHERE a.request_id = ?1 ORDER BY a.org_id",
	                &st, e);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, r->id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		row = json_pack("{s:s, s:s, s:s, s:s, s:n, s:n, s:[]}", "org", db_col_text(st, 0),
		                "name", db_col_text(st, 1), "kind", db_col_text(st, 2), "state",
		                "unanswered", "status", "review", "history");
		json_array_append_new(rows, row);
		json_object_set(byorg, db_col_text(st, 0), row);
	}
	db_done(st);
	if (rc < 0)
		goto out;
	/* the answers in time order: the last one of each organisation is its current answer */
	rc = db_prepare(
	    db,
	    "SELECT id, org_id, status, version, remedied_at, measures, c1, c2, c3, note,"
	    " by_org, answered_by, answered_at FROM followup_answers"
	    " WHERE request_id = ?1 AND answered_at <= ?2 ORDER BY answered_at, id",
	    &st, e);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, r->id);
	db_bind_text(st, 2, when);
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *a;
		row = json_object_get(byorg, db_col_text(st, 1));
		if (row == NULL)
			continue;
		a = json_pack("{s:s, s:I, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s, s:s,"
		              " s:s, s:b}",
		              "event", "answer", "answer", (json_int_t)db_col_int(st, 0), "status",
		              db_col_text(st, 2), "version", db_col_text(st, 3), "remedied_at",
		              db_col_text(st, 4), "measures", db_col_text(st, 5), "c1",
		              db_col_text(st, 6), "c2", db_col_text(st, 7), "c3",
		              db_col_text(st, 8), "note", db_col_text(st, 9), "by",
		              db_col_text(st, 10), "actor", db_col_text(st, 11), "at",
		              db_col_text(st, 12), "late", field_col_time(st, 12) > r->deadline);
		json_array_append(json_object_get(row, "history"), a);
		json_object_set_new(row, "current", a);
	}
	db_done(st);
	if (rc < 0)
		goto out;
	rc = db_prepare(db,
	                "SELECT v.answer_id, a.org_id, v.decision, v.note, v.due, v.reviewed_by,"
	                " v.reviewed_at FROM followup_reviews v JOIN followup_answers a"
	                " ON a.id = v.answer_id WHERE a.request_id = ?1 AND v.reviewed_at <= ?2"
	                " ORDER BY v.reviewed_at, v.id",
	                &st, e);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, r->id);
	db_bind_text(st, 2, when);
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *cur;
		row = json_object_get(byorg, db_col_text(st, 1));
		if (row == NULL)
			continue;
		json_array_append_new(
		    json_object_get(row, "history"),
		    json_pack("{s:s, s:I, s:s, s:s?, s:s?, s:s, s:s}", "event", "review", "answer",
		              (json_int_t)db_col_int(st, 0), "decision", db_col_text(st, 2), "note",
		              db_col_text(st, 3), "due", db_col_text(st, 4), "actor",
		              db_col_text(st, 5), "at", db_col_text(st, 6)));
		cur = json_object_get(row, "current");
		if (cur &&
		    json_integer_value(json_object_get(cur, "answer")) == db_col_int(st, 0)) {
			json_object_set_new(cur, "review", json_string(db_col_text(st, 2)));
			json_object_set_new(
			    cur, "review_note",
			    db_col_is_null(st, 3) ? json_null() : json_string(db_col_text(st, 3)));
			json_object_set_new(cur, "review_at", json_string(db_col_text(st, 6)));
		}
	}
	db_done(st);
	if (rc < 0)
		goto out;
	rc = 0;
	/* flatten the current answer into the row */
	json_array_foreach(rows, i, row)
	{
		json_t *cur = json_object_get(row, "current");
		const char *status = cur ? json_string_value(json_object_get(cur, "status")) : NULL;
		const char *rv = cur ? json_string_value(json_object_get(cur, "review")) : NULL;
		int review = rv == NULL ? 0 : strcmp(rv, "accepted") == 0 ? 1 : -1;
		const char *state = row_state(status, review);
		static const char *const copy[] = {"version", "remedied_at", "measures", "c1",
		                                   "c2",      "c3",          "note",     "by"};

		json_object_set_new(row, "state", json_string(state));
		json_object_set_new(
		    counts, state,
		    json_integer(json_integer_value(json_object_get(counts, state)) + 1));
		if (cur == NULL) {
			json_array_append_new(
			    notans, json_string(json_string_value(json_object_get(row, "org"))));
			continue;
		}
		json_object_set_new(
		    counts, status,
		    json_integer(json_integer_value(json_object_get(counts, status)) + 1));
		json_object_set(row, "status", json_object_get(cur, "status"));
		json_object_set_new(row, "review", rv ? json_string(rv) : json_null());
		json_object_set(row, "answered_at", json_object_get(cur, "at"));
		json_object_set(row, "late", json_object_get(cur, "late"));
		for (size_t k = 0; k < sizeof(copy) / sizeof(copy[0]); k++) {
			json_t *v = json_object_get(cur, copy[k]);
			if (v && !json_is_null(v))
				json_object_set(row, copy[k], v);
		}
		if (json_object_get(cur, "review_note"))
			json_object_set(row, "review_note", json_object_get(cur, "review_note"));
		json_object_del(row, "current");
	}
out:
	json_decref(byorg);
	return rc < 0 ? rc : 0;
}

int followup_status(struct db *db, const char *advisory, long request, int64_t asof, json_t **out,
                    struct err *e)
{
	struct db_stmt *st;
	char when[32];
	json_t *reqs = json_array(), *ids = json_array(), *x;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = require_advisory(db, advisory, e)) != 0)
		goto out;
	field_time_text(asof, when);
	rc = db_prepare(
	    db,
	    "SELECT id FROM followup_requests WHERE advisory_id = ?1 AND created_at <= ?2"
	    " AND (?3 = 0 OR id = ?3) ORDER BY created_at, id",
	    &st, e);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, advisory);
	db_bind_text(st, 2, when);
	db_bind_int(st, 3, request);
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(ids, json_integer(db_col_int(st, 0)));
	db_done(st);
	if (rc < 0)
		goto out;
	rc = 0;
	if (request && json_array_size(ids) == 0) {
		rc = err_set(e, ERR_NOTFOUND, "no follow-up request %ld on %s (as of %s)", request,
		             advisory, when);
		goto out;
	}
	json_array_foreach(ids, i, x)
	{
		struct req_info r;
		json_t *req;
		char c[32], d[32], cl[32];

		if ((rc = req_load(db, (long)json_integer_value(x), &r, e)) != 0)
			goto out;
		field_time_text(r.created, c);
		field_time_text(r.deadline, d);
		if (r.closes)
			field_time_text(r.closes, cl);
		req = json_pack("{s:I, s:s, s:i, s:s, s:s, s:s?, s:b, s:s}", "request",
		                (json_int_t)r.id, "advisory", r.advisory, "num", r.num, "asked_at",
		                c, "deadline", d, "closes_at", r.closes ? cl : NULL, "closed",
		                r.closes && r.closes <= asof, "requested_by", r.requested_by);
		json_array_append_new(reqs, req);
		rc = db_prepare(db, "SELECT question FROM followup_requests WHERE id = ?1", &st, e);
		if (rc != 0)
			goto out;
		db_bind_int(st, 1, r.id);
		if ((rc = db_step(st, e)) == DB_ROW)
			json_object_set_new(req, "question", json_string(db_col_text(st, 0)));
		db_done(st);
		if (rc < 0)
			goto out;
		if ((rc = status_rows(db, &r, asof, req, e)) != 0)
			goto out;
	}
	*out = json_pack("{s:s, s:s, s:O}", "advisory", advisory, "as_of", when, "requests", reqs);
out:
	json_decref(reqs);
	json_decref(ids);
	return rc < 0 ? rc : 0;
}

int followup_current(struct db *db, const char *advisory, const char *org, int64_t asof,
                     const char **status, int64_t *remedied, int *review, struct err *e)
{
	struct db_stmt *st;
	char when[32];
	long answer = 0;
	int rc;

	*status = NULL;
	*remedied = 0;
	*review = 0;
	field_time_text(asof, when);
	rc = db_prepare(db,
	                "SELECT a.id, a.status, a.remedied_at FROM followup_answers a"
	                " JOIN followup_requests r ON r.id = a.request_id WHERE r.advisory_id = ?1"
	                " AND a.org_id = ?2 AND a.answered_at <= ?3"
	                " ORDER BY a.answered_at DESC, a.id DESC LIMIT 1",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, advisory);
	db_bind_text(st, 2, org);
	db_bind_text(st, 3, when);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		answer = (long)db_col_int(st, 0);
		*status = followup_status_parse(db_col_text(st, 1));
		*remedied = field_col_time(st, 2);
	}
	db_done(st);
	if (rc < 0 || answer == 0)
		return rc < 0 ? rc : 0;
	return answer_review(db, answer, when, review, e);
}

int followup_each_pending(struct db *db, int64_t asof,
                          int (*fn)(void *ctx, long request, const char *advisory, int num,
                                    const char *org, int64_t deadline, int64_t created),
                          void *ctx, struct err *e)
{
	struct db_stmt *st;
	char when[32];
	json_t *rows = json_array(), *row;
	size_t i;
	int rc;

	field_time_text(asof, when);
	rc =
	    db_prepare(db,
	               "SELECT r.id, r.advisory_id, r.num, a.org_id, r.deadline, r.created_at"
	               " FROM followup_requests r JOIN followup_addressees a ON a.request_id = r.id"
	               " WHERE r.created_at <= ?1 AND (r.closes_at IS NULL OR r.closes_at > ?1)"
	               " ORDER BY r.id, a.org_id",
	               &st, e);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, when);
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(
		    rows,
		    json_pack("{s:I, s:s, s:i, s:s, s:I, s:I}", "r", (json_int_t)db_col_int(st, 0),
		              "a", db_col_text(st, 1), "n", (int)db_col_int(st, 2), "o",
		              db_col_text(st, 3), "d", (json_int_t)field_col_time(st, 4), "c",
		              (json_int_t)field_col_time(st, 5)));
	db_done(st);
	if (rc < 0)
		goto out;
	rc = 0;
	json_array_foreach(rows, i, row)
	{
		long answer = 0;
		const char *status;
		int review = 0;
		long req = (long)json_integer_value(json_object_get(row, "r"));
		const char *org = json_string_value(json_object_get(row, "o"));

		if ((rc = answer_current(db, req, org, asof, &answer, &status, &review, e)) != 0)
			break;
		if (answer && review >= 0)
			continue;
		rc = fn(ctx, req, json_string_value(json_object_get(row, "a")),
		        (int)json_integer_value(json_object_get(row, "n")), org,
		        json_integer_value(json_object_get(row, "d")),
		        json_integer_value(json_object_get(row, "c")));
		if (rc != 0)
			break;
	}
out:
	json_decref(rows);
	return rc;
}
