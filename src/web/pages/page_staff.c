/* page_staff.c: the analyst's screens: write an advisory (a draft), change it into its next
 * version, publish it (which alerts, as `baken advisory publish` does). The same model calls
 * as the commands, one transaction each; a refusal shows the form again with the reason. */
#include "web/pages/pages.h"

#include "core/xalloc.h"
#include "db/db.h"
#include "domain/matrix.h"
#include "model/advisory.h"
#include "model/alert.h"
#include "web/html.h"

#include <string.h>

#define LIST_MAX 256

/* Splits text at any of seps into a NULL-terminated array of pieces (malloc'd, pointing into
 * *copy); empty pieces are dropped. */
static const char **split(const char *text, const char *seps, char **copy, size_t *n)
{
	const char **v = xcalloc(LIST_MAX + 1, sizeof(char *));
	char *p;

	*n = 0;
	*copy = xstrdup(text ? text : "");
	for (p = *copy; *p && *n < LIST_MAX;) {
		size_t len = strcspn(p, seps);
		char *end = p + len;
		int last = *end == '\0';
		*end = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		for (char *q = p + strlen(p);
		     q > p && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\r');)
			*--q = '\0';
		if (*p)
			v[(*n)++] = p;
		if (last)
			break;
		p = end + 1;
	}
	return v;
}

struct form_lists {
	char *copies[5];
};

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* Reads the form into in; the lists point into fl (free with lists_free). */
static int input_from_form(struct req *r, struct advisory_input *in, struct form_lists *fl)
{
	memset(in, 0, sizeof(*in));
	memset(fl, 0, sizeof(*fl));
	in->title = nonempty(req_form(r, "title"));
	in->tlp = nonempty(req_form(r, "tlp"));
	in->platform = nonempty(req_form(r, "platform"));
	in->summary = nonempty(req_form(r, "summary"));
	in->description = nonempty(req_form(r, "description"));
	in->solution = nonempty(req_form(r, "solution"));
	in->change = nonempty(req_form(r, "change"));
	in->likelihood = nonempty(req_form(r, "likelihood"));
	in->impact = nonempty(req_form(r, "impact"));
	in->rationale = nonempty(req_form(r, "rationale"));
	in->cves = split(req_form(r, "cve"), " ,;\n", &fl->copies[0], &in->ncves);
	in->affects = split(req_form(r, "affects"), "\n", &fl->copies[1], &in->naffects);
	in->fixed = split(req_form(r, "fixed"), "\n", &fl->copies[2], &in->nfixed);
	in->refs = split(req_form(r, "references"), "\n", &fl->copies[3], &in->nrefs);
	in->to = split(req_form(r, "to"), " ,;\n", &fl->copies[4], &in->nto);
	matrix_init(&in->matrix);
	for (int q = 0; q < matrix_question_count(); q++) {
		const char *a = nonempty(req_form(r, matrix_flag(q)));
		if (a && matrix_set(&in->matrix, matrix_flag(q), a, &r->err) != 0)
			return ERR_INPUT;
	}
	return 0;
}

static void lists_free(struct advisory_input *in, struct form_lists *fl)
{
	free(in->cves);
	free(in->affects);
	free(in->fixed);
	free(in->refs);
	free(in->to);
	for (int i = 0; i < 5; i++)
		free(fl->copies[i]);
}

/* The form; values from the submitted form when there is one, else from v (may be NULL). */
static void advisory_form(struct req *r, const char *action, const struct advisory_version *v,
                          const char *error, int status)
{
	static const char *const tlps[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED", NULL};
	static const char *const levels[] = {"low", "medium", "high", NULL};
	int again = r->nfields > 0;
#define VAL(field, member) (again ? req_form(r, field) : v ? v->member : NULL)
	const char *tlp = VAL("tlp", tlp);

	page_begin(r, v ? "Next version" : "New advisory");
	html_printf(&r->out, "<h1>%s</h1>\n", v ? v->id : "New advisory");
	if (v)
		html_printf(&r->out,
		            "<p>Changes go into the next version (a draft until published). Lists"
		            " add to what the advisory has: CVEs %zu, products %zu, fixed %zu,"
		            " references %zu.</p>\n",
		            v->ncves, v->naffects, v->nfixed, v->nrefs);
	if (error)
		html_printf(&r->out, "<p class=\"error\">%s</p>\n", error);
	html_printf(&r->out, "<form method=\"post\" action=\"%s\" class=\"advisory\">\n", action);
	page_csrf_input(r);
	html_printf(&r->out,
	            "<p><label for=\"title\">Titel</label><input id=\"title\" name=\"title\""
	            " size=\"80\" value=\"%s\"%s></p>\n",
	            VAL("title", title) ? VAL("title", title) : "", v ? "" : " required");
	html_printf(&r->out, "<p><label for=\"tlp\">TLP</label><select id=\"tlp\" name=\"tlp\">");
	for (int i = 0; tlps[i]; i++)
		html_printf(&r->out, "<option%s>%s</option>",
		            tlp && strcmp(tlp, tlps[i]) == 0 ? " selected" : "", tlps[i]);
	html_printf(&r->out, "</select></p>\n");
	html_printf(
	    &r->out,
	    "<p><label for=\"cve\">CVE ids</label><input id=\"cve\" name=\"cve\" size=\"60\""
	    " value=\"%s\" placeholder=\"CVE-2019-19781\"></p>\n"
	    "<p><label for=\"affects\">Affected (VENDOR:PRODUCT:RANGE, one a line)</label>"
	    "<textarea id=\"affects\" name=\"affects\" rows=\"3\" cols=\"80\">%s</textarea></p>\n"
	    "<p><label for=\"fixed\">Fixed in (VENDOR:PRODUCT:VERSION, one a line)</label>"
	    "<textarea id=\"fixed\" name=\"fixed\" rows=\"2\" cols=\"80\">%s</textarea></p>\n"
	    "<p><label for=\"to\">Addressed to (organisation ids)</label><input id=\"to\""
	    " name=\"to\" size=\"60\" value=\"%s\"></p>\n",
	    again ? req_form(r, "cve") : "", again ? req_form(r, "affects") : "",
	    again ? req_form(r, "fixed") : "", again ? req_form(r, "to") : "");
	html_printf(&r->out,
	            "<p><label for=\"platform\">Platform(s)</label><input id=\"platform\""
	            " name=\"platform\" size=\"60\" value=\"%s\"></p>\n",
	            VAL("platform", platform) ? VAL("platform", platform) : "");
	html_printf(
	    &r->out,
	    "<p><label for=\"summary\">Samenvatting</label><textarea id=\"summary\""
	    " name=\"summary\" rows=\"4\" cols=\"80\">%s</textarea></p>\n"
	    "<p><label for=\"description\">Beschrijving</label><textarea id=\"description\""
	    " name=\"description\" rows=\"8\" cols=\"80\">%s</textarea></p>\n"
	    "<p><label for=\"solution\">Mogelijke oplossingen</label><textarea"
	    " id=\"solution\" name=\"solution\" rows=\"6\" cols=\"80\">%s</textarea></p>\n"
	    "<p><label for=\"references\">References (one URL a line)</label><textarea"
	    " id=\"references\" name=\"references\" rows=\"3\" cols=\"80\">%s</textarea></p>\n",
	    VAL("summary", summary) ? VAL("summary", summary) : "",
	    VAL("description", description) ? VAL("description", description) : "",
	    VAL("solution", solution) ? VAL("solution", solution) : "",
	    again ? req_form(r, "references") : "");
	html_printf(&r->out, "<h2>Classificatie</h2>\n<table class=\"matrix\">\n");
	for (int q = 0; q < matrix_question_count(); q++) {
		const char *flag = matrix_flag(q);
		const char *cur = again ? req_form(r, flag)
		                  : v   ? matrix_answer_name(&v->matrix, q)
		                        : NULL;
		html_printf(&r->out,
		            "<tr><td><label for=\"q-%s\">%s</label></td><td><select id=\"q-%s\""
		            " name=\"%s\"><option value=\"\">%s</option>",
		            flag, matrix_question_text(q, "nl"), flag, flag,
		            v ? "(unchanged)" : "(lowest)");
		for (int a = 0; a < matrix_answer_count(q); a++) {
			const char *val = matrix_answer_value(q, a);
			html_printf(&r->out, "<option value=\"%s\"%s>%s (%d)</option>", val,
			            cur && strcmp(cur, val) == 0 ? " selected" : "",
			            matrix_answer_label(q, a, "nl"), matrix_answer_points(q, a));
		}
		html_printf(&r->out, "</select></td></tr>\n");
	}
	html_printf(&r->out, "</table>\n<p>A level other than the proposal needs a reason: ");
	html_printf(&r->out, "<select name=\"likelihood\" aria-label=\"Kans\"><option value=\"\">"
	                     "Kans: proposal</option>");
	for (int i = 0; levels[i]; i++)
		html_printf(&r->out, "<option>%s</option>", levels[i]);
	html_printf(&r->out, "</select> <select name=\"impact\" aria-label=\"Schade\"><option"
	                     " value=\"\">Schade: proposal</option>");
	for (int i = 0; levels[i]; i++)
		html_printf(&r->out, "<option>%s</option>", levels[i]);
	html_printf(&r->out,
	            "</select></p>\n<p><label for=\"rationale\">Reason for another level</label>"
	            "<input id=\"rationale\" name=\"rationale\" size=\"80\" value=\"%s\"></p>\n"
	            "<p><label for=\"change\">Wijziging (the changelog line%s)</label><input"
	            " id=\"change\" name=\"change\" size=\"80\" value=\"%s\"%s></p>\n"
	            "<p><button type=\"submit\">Save draft</button></p>\n</form>\n",
	            again && req_form(r, "rationale") ? req_form(r, "rationale") : "",
	            v ? ", required" : ", optional for 1.00",
	            again && req_form(r, "change") ? req_form(r, "change") : "",
	            v ? " required" : "");
#undef VAL
	page_end(r, status);
}

int page_staff_new(struct req *r)
{
	advisory_form(r, "/staff/advisories", NULL, NULL, 200);
	return 0;
}

static void act_of(struct req *r, struct act *act, char *actor, size_t n)
{
	snprintf(actor, n, "web:%s", r->user.name);
	act->actor = actor;
	act->at = r->now;
}

/* A refusal of the model: the form again with the reason (400), the rest is the router's. */
static int refused(int rc)
{
	return rc == ERR_INPUT || rc == ERR_USAGE || rc == ERR_NOTFOUND || rc == ERR_CONFLICT;
}

int page_staff_create(struct req *r)
{
	struct advisory_input in;
	struct form_lists fl;
	struct act act;
	char actor[128], id[64], loc[96];
	int rc;

	act_of(r, &act, actor, sizeof(actor));
	rc = input_from_form(r, &in, &fl);
	if (rc == 0 && (rc = db_begin(r->db, &r->err)) == 0) {
		rc = advisory_new(r->db, &act, &in, id, sizeof(id), &r->err);
		rc = rc ? rc : db_commit(r->db, &r->err);
	}
	lists_free(&in, &fl);
	if (rc != 0 && refused(rc)) {
		db_rollback(r->db);
		advisory_form(r, "/staff/advisories", NULL, r->err.msg, 400);
		return 0;
	}
	if (rc != 0)
		return rc;
	snprintf(loc, sizeof(loc), "/advisories/%s", id);
	return resp_redirect(r, loc);
}

int page_staff_edit(struct req *r)
{
	struct advisory_version v;
	char action[128];
	int rc;

	if ((rc = advisory_load(r->db, r->params[0], NULL, 1, &v, &r->err)) != 0)
		return rc;
	snprintf(action, sizeof(action), "/staff/advisories/%s/update", v.id);
	advisory_form(r, action, &v, NULL, 200);
	advisory_version_free(&v);
	return 0;
}

int page_staff_update(struct req *r)
{
	struct advisory_input in;
	struct form_lists fl;
	struct act act;
	char actor[128], loc[128];
	int rc, num = 0;

	act_of(r, &act, actor, sizeof(actor));
	rc = input_from_form(r, &in, &fl);
	if (rc == 0 && (rc = db_begin(r->db, &r->err)) == 0) {
		rc = advisory_update(r->db, &act, r->params[0], &in, &num, &r->err);
		rc = rc ? rc : db_commit(r->db, &r->err);
	}
	lists_free(&in, &fl);
	if (rc != 0 && refused(rc)) {
		struct advisory_version v;
		db_rollback(r->db);
		if (advisory_load(r->db, r->params[0], NULL, 1, &v, NULL) != 0)
			return ERR_NOTFOUND;
		snprintf(loc, sizeof(loc), "/staff/advisories/%s/update", v.id);
		advisory_form(r, loc, &v, r->err.msg, 400);
		advisory_version_free(&v);
		return 0;
	}
	if (rc != 0)
		return rc;
	snprintf(loc, sizeof(loc), "/advisories/%s", r->params[0]);
	return resp_redirect(r, loc);
}

int page_staff_publish(struct req *r)
{
	struct alert_counts n = {0};
	struct act act;
	char actor[128], loc[128], label[16];
	int rc, num = 0, material = 0;

	act_of(r, &act, actor, sizeof(actor));
	if ((rc = db_begin(r->db, &r->err)) != 0)
		return rc;
	rc = advisory_publish(r->db, &act, r->params[0], req_form(r, "silent") != NULL, 0, &num,
	                      &material, &r->err);
	if (rc == 0)
		rc = alert_on_publish(r->db, &act, r->params[0], num, material, &n, &r->err);
	if (rc == 0)
		rc = db_commit(r->db, &r->err);
	if (rc != 0)
		return rc;
	advisory_version_label(num, label, sizeof(label));
	snprintf(loc, sizeof(loc), "/advisories/%s?version=%s", r->params[0], label);
	return resp_redirect(r, loc);
}
