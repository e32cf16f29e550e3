/* api_advisory_write.c: writing advisories through the API, as `baken advisory new`,
 * `update` and `publish` and `baken classify` do, with the same model functions and checks:
 *   POST /api/v1/advisories               a new draft (201, Location)
 *   POST /api/v1/advisories/ID/update     change the draft (or start the next version)
 *   POST /api/v1/advisories/ID/publish    publish it: alerts, call tasks, BIO clocks
 *   POST /api/v1/classify                 the classification proposal of a matrix
 * The body's fields are the CLI's option names; the matrix answers are fields of their own
 * ("exploit": "poc", "access": "internet" ...). Analysts only (the router checks). */
#include "core/timeutil.h"
#include "model/advisory.h"
#include "model/alert.h"
#include "model/deadline.h"
#include "web/api/api.h"
#include "web/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const input_fields[] = {
    "title",      "cve",       "affects",   "fixed",
    "likelihood", "impact",    "rationale", "tlp",
    "to",         "platform",  "summary",   "description",
    "solution",   "reference", "disclosed", "reported-to-vendor",
    "change",     NULL};

/* The fields a new or update body may have: the inputs and every matrix question. */
static void allowed_fields(const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; input_fields[i] && n + 1 < max; i++)
		out[n++] = input_fields[i];
	for (int q = 0; q < matrix_question_count() && n + 1 < max; q++)
		out[n++] = matrix_flag(q);
	out[n] = NULL;
}

static void input_free(struct advisory_input *in)
{
	free(in->cves);
	free(in->affects);
	free(in->fixed);
	free(in->refs);
	free(in->to);
	memset(in, 0, sizeof(*in));
}

/* Fills in from the body (strings borrowed from it, lists malloc'd: input_free). */
static int input_read(struct req *r, json_t *b, struct advisory_input *in)
{
	int rc;

	memset(in, 0, sizeof(*in));
	matrix_init(&in->matrix);
	if ((rc = api_text(r, b, "title", &in->title)) || (rc = api_text(r, b, "tlp", &in->tlp)) ||
	    (rc = api_text(r, b, "platform", &in->platform)) ||
	    (rc = api_text(r, b, "summary", &in->summary)) ||
	    (rc = api_text(r, b, "description", &in->description)) ||
	    (rc = api_text(r, b, "solution", &in->solution)) ||
	    (rc = api_text(r, b, "change", &in->change)) ||
	    (rc = api_text(r, b, "likelihood", &in->likelihood)) ||
	    (rc = api_text(r, b, "impact", &in->impact)) ||
	    (rc = api_text(r, b, "rationale", &in->rationale)) ||
	    (rc = api_text(r, b, "disclosed", &in->disclosed)) ||
	    (rc = api_text(r, b, "reported-to-vendor", &in->reported_to_vendor)) ||
	    (rc = api_list(r, b, "cve", &in->cves, &in->ncves)) ||
	    (rc = api_list(r, b, "affects", &in->affects, &in->naffects)) ||
	    (rc = api_list(r, b, "fixed", &in->fixed, &in->nfixed)) ||
	    (rc = api_list(r, b, "reference", &in->refs, &in->nrefs)) ||
	    (rc = api_list(r, b, "to", &in->to, &in->nto)))
		return rc;
	for (int q = 0; q < matrix_question_count(); q++) {
		const char *v;
		if ((rc = api_text(r, b, matrix_flag(q), &v)) != 0)
			return rc;
		if (v && (rc = matrix_set(&in->matrix, matrix_flag(q), v, &r->err)) != 0)
			return rc;
	}
	return 0;
}

/* What new, update and publish answer about a version: as `--json` of the CLI. */
static json_t *version_result(struct req *r, const char *id, int num, const char *state)
{
	struct advisory_version v;
	char label[16];
	json_t *o;

	advisory_version_label(num, label, sizeof(label));
	if (advisory_load(r->db, id, label, 0, &v, NULL) != 0)
		return json_pack("{s:s, s:s, s:s}", "id", id, "version", label, "state", state);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?}", "id", id, "version", label, "state",
	              state, "likelihood", v.likelihood, "impact", v.impact, "tlp", v.tlp,
	              "rationale", v.rationale);
	advisory_version_free(&v);
	return o;
}

/* new (id NULL) or update of id. */
static int write_draft(struct req *r, const char *id)
{
	const char *allowed[64];
	struct advisory_input in;
	struct act act;
	char actor[128], newid[64];
	json_t *b = NULL, *res = NULL;
	int rc, num = 0;

	allowed_fields(allowed, sizeof(allowed) / sizeof(allowed[0]));
	memset(&in, 0, sizeof(in));
	if ((rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = input_read(r, b, &in)) != 0 || (rc = api_begin(r)) != 0)
		goto out;
	if (id == NULL) {
		rc = advisory_new(r->db, &act, &in, newid, sizeof(newid), &r->err);
		id = newid;
	} else {
		rc = advisory_update(r->db, &act, id, &in, &num, &r->err);
	}
	if (rc == 0)
		res = version_result(r, id, num, "draft");
	rc = api_name_field(r, rc, allowed);
	if (rc == 0 && id == newid) {
		char loc[128];
		snprintf(loc, sizeof(loc), "/api/v1/advisories/%s?version=1.00", newid);
		resp_header(r, "Location", loc);
	}
	rc = api_finish(r, rc, id == newid ? 201 : 200, rc == 0 ? res : NULL);
out:
	input_free(&in);
	json_decref(b);
	return rc;
}

int api_advisory_create(struct req *r)
{
	return write_draft(r, NULL);
}

int api_advisory_update(struct req *r)
{
	return write_draft(r, r->params[0]);
}

int api_advisory_publish(struct req *r)
{
	static const char *const allowed[] = {"silent", "force-alert", NULL};
	struct alert_counts n = {0};
	struct act act;
	char actor[128], label[16];
	json_t *b = NULL, *res = NULL;
	int rc, silent = 0, force = 0, num = 0, material = 0;

	if ((rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = api_bool(r, b, "silent", &silent)) != 0 ||
	    (rc = api_bool(r, b, "force-alert", &force)) != 0 || (rc = api_begin(r)) != 0)
		goto out;
	rc = advisory_publish(r->db, &act, r->params[0], silent, force, &num, &material, &r->err);
	if (rc == 0)
		rc = alert_on_publish(r->db, &act, r->params[0], num, material, &n, &r->err);
	if (rc == 0) /* a high/high version starts the BIO clocks */
		rc = deadline_sync(r->db, r->params[0], NULL, &r->err);
	if (rc == 0) {
		advisory_version_label(num, label, sizeof(label));
		res = json_pack("{s:s, s:s, s:s, s:b, s:I, s:I, s:I, s:I}", "id", r->params[0],
		                "version", label, "state", "published", "material", material,
		                "organisations", (json_int_t)n.organisations, "email",
		                (json_int_t)n.email, "webhook", (json_int_t)n.webhook, "call",
		                (json_int_t)n.call);
	}
	rc = api_finish(r, rc, 200, res);
out:
	json_decref(b);
	return rc;
}

int api_classify(struct req *r)
{
	const char *allowed[MATRIX_QUESTIONS + 2], *lang = req_query(r, "lang");
	const char *lines[MATRIX_MAX_CONSEQUENCES];
	struct matrix m;
	struct matrix_result res;
	json_t *b = NULL, *o, *answers, *cons;
	int rc, n, q;

	for (q = 0; q < matrix_question_count() && q < MATRIX_QUESTIONS; q++)
		allowed[q] = matrix_flag(q);
	allowed[q] = NULL;
	if (lang == NULL || (strcmp(lang, "nl") != 0 && strcmp(lang, "en") != 0))
		lang = "en";
	matrix_init(&m);
	if ((rc = api_body(r, allowed, &b)) != 0)
		return rc;
	for (q = 0; q < matrix_question_count(); q++) {
		const char *v;
		if ((rc = api_text(r, b, matrix_flag(q), &v)) != 0 ||
		    (v && (rc = matrix_set(&m, matrix_flag(q), v, &r->err)) != 0)) {
			json_decref(b);
			return rc;
		}
	}
	json_decref(b);
	matrix_evaluate(&m, &res);
	answers = json_array();
	for (q = 0; q < matrix_question_count(); q++)
		json_array_append_new(
		    answers,
		    json_pack("{s:s, s:s, s:s, s:i, s:b, s:b}", "question", matrix_flag(q), "text",
		              matrix_question_text(q, lang), "answer", matrix_answer_name(&m, q),
		              "points", res.points[q], "likelihood", matrix_is_likelihood(q),
		              "given", m.answer[q] >= 0));
	cons = json_array();
	n = matrix_consequences(&m, lang, lines, MATRIX_MAX_CONSEQUENCES);
	for (int i = 0; i < n; i++)
		json_array_append_new(cons, json_string(lines[i]));
	o = json_pack("{s:i, s:s, s:i, s:s, s:o, s:o}", "likelihood_points", res.likelihood_points,
	              "likelihood", level_name(res.likelihood), "impact_points", res.impact_points,
	              "impact", level_name(res.impact), "answers", answers, "consequences", cons);
	json_object_set_new(
	    o, "classification",
	    json_sprintf("%s/%s", level_name(res.likelihood), level_name(res.impact)));
	return resp_json(r, 200, o);
}
