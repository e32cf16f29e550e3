/* page_staff.c: the analyst's screens: write an advisory (a draft) with the classification
 * proposal on the form, change it into its next version, preview the draft (plain text and
 * HTML), see who will be alerted, publish it (which alerts, as `baken advisory publish` does),
 * and the alert status per version. The same model calls as the commands, one transaction
 * each; a refusal shows the form again with the reason. */
#include "web/pages/pages.h"

#include "core/xalloc.h"
#include "db/db.h"
#include "domain/matrix.h"
#include "formats/plain.h"
#include "model/advisory.h"
#include "model/alert.h"
#include "model/alert_plan.h"
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

/* Browsers send a textarea's line ends as CR LF: the advisory keeps LF only, as the CLI
 * writes it, so that the plain text has no stray CRs. Changes the fields in place. */
static void form_unix_newlines(struct req *r)
{
	for (int i = 0; i < r->nfields; i++) {
		char *v = r->fields[i].value, *w = v;
		const char *end = v + r->fields[i].len;
		if (r->fields[i].filename || memchr(v, '\r', r->fields[i].len) == NULL)
			continue;
		for (const char *p = v; p < end; p++)
			if (!(*p == '\r' && p + 1 < end && p[1] == '\n'))
				*w++ = *p;
		*w = '\0';
		r->fields[i].len = (size_t)(w - v);
	}
}

/* Reads the form into in; the lists point into fl (free with lists_free). */
static int input_from_form(struct req *r, struct advisory_input *in, struct form_lists *fl)
{
	form_unix_newlines(r);
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

/* The answers the form stands for: v's (or none), with those chosen in the submitted form. An
 * answer that is not one of its question's stays as it was (saving says why). */
static void form_matrix(struct req *r, const struct advisory_version *v, struct matrix *m)
{
	if (v)
		*m = v->matrix;
	else
		matrix_init(m);
	for (int q = 0; q < matrix_question_count(); q++) {
		const char *a = nonempty(req_form(r, matrix_flag(q)));
		if (a)
			matrix_set(m, matrix_flag(q), a, NULL);
	}
}

/* The classification proposal of the answers on the form: the sum and the maximum with the
 * levels they give, and each answer's points (matrix_explain, as `baken classify` prints it).
 * /classify.js updates the numbers as answers change; without JavaScript the Recalculate
 * button posts the form back, which shows it again with the proposal of its answers and
 * saves nothing. */
static void proposal_box(struct req *r, const struct advisory_version *v)
{
	struct matrix m;
	struct matrix_result res;
	struct buf why;

	form_matrix(r, v, &m);
	matrix_evaluate(&m, &res);
	html_printf(&r->out,
	            "<div id=\"proposal\" class=\"notice\" data-medium=\"%d\" data-high=\"%d\""
	            " aria-live=\"polite\"><p><strong>Proposal: <span id=\"proposal-class\">"
	            "%s/%s</span></strong> &mdash; Kans <span id=\"proposal-lpoints\">%d</span>"
	            " points (sum; %d-%d medium, %d or more high): <span"
	            " id=\"proposal-likelihood\">%s</span>; Schade <span"
	            " id=\"proposal-ipoints\">%d</span> (maximum; 1 medium, 2 high): <span"
	            " id=\"proposal-impact\">%s</span>.</p>\n",
	            MATRIX_LIKELIHOOD_MEDIUM, MATRIX_LIKELIHOOD_HIGH, level_name(res.likelihood),
	            level_name(res.impact), res.likelihood_points, MATRIX_LIKELIHOOD_MEDIUM,
	            MATRIX_LIKELIHOOD_HIGH - 1, MATRIX_LIKELIHOOD_HIGH, level_name(res.likelihood),
	            res.impact_points, level_name(res.impact));
	buf_init(&why, 64 * 1024);
	if (matrix_explain(&m, "nl", &why) == 0)
		html_printf(&r->out,
		            "<details><summary>Each answer's points</summary><pre"
		            " id=\"proposal-explain\">%s</pre></details>\n",
		            buf_str(&why));
	buf_free(&why);
	html_printf(&r->out, "<p><button type=\"submit\" name=\"recalc\" value=\"1\""
	                     " formnovalidate>Recalculate</button> <span class=\"muted\">(the"
	                     " proposal of the answers above; saves nothing)</span></p></div>\n");
}

/* A select of a level (likelihood: Kans, impact: Schade) other than the proposal; the empty
 * choice keeps the proposal. The submitted form's choice is selected when it is shown again. */
static void level_select(struct req *r, const char *name, const char *label, int again)
{
	static const char *const levels[] = {"low", "medium", "high", NULL};
	const char *cur = again ? req_form(r, name) : NULL;

	html_printf(
	    &r->out,
	    "<select name=\"%s\" aria-label=\"%s\"><option value=\"\">%s: proposal</option>", name,
	    label, label);
	for (int i = 0; levels[i]; i++)
		html_printf(&r->out, "<option%s>%s</option>",
		            cur && strcmp(cur, levels[i]) == 0 ? " selected" : "", levels[i]);
	html_printf(&r->out, "</select>");
}

/* The form; values from the submitted form when there is one, else from v (may be NULL). */
static void advisory_form(struct req *r, const char *action, const struct advisory_version *v,
                          const char *error, int status)
{
	static const char *const tlps[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED", NULL};
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
		/* the empty choice counts as the version's answer, or the lowest one */
		int base = v && v->matrix.answer[q] >= 0 ? v->matrix.answer[q] : 0;
		html_printf(&r->out,
		            "<tr><td><label for=\"q-%s\">%s</label></td><td><select id=\"q-%s\""
		            " name=\"%s\" data-kind=\"%s\"><option value=\"\" data-points=\"%d\">"
		            "%s</option>",
		            flag, matrix_question_text(q, "nl"), flag, flag,
		            matrix_is_likelihood(q) ? "likelihood" : "impact",
		            matrix_answer_points(q, base), v ? "(unchanged)" : "(lowest)");
		for (int a = 0; a < matrix_answer_count(q); a++) {
			const char *val = matrix_answer_value(q, a);
			html_printf(&r->out,
			            "<option value=\"%s\" data-points=\"%d\"%s>%s (%d)</option>",
			            val, matrix_answer_points(q, a),
			            cur && strcmp(cur, val) == 0 ? " selected" : "",
			            matrix_answer_label(q, a, "nl"), matrix_answer_points(q, a));
		}
		html_printf(&r->out, "</select></td></tr>\n");
	}
	html_printf(&r->out, "</table>\n");
	proposal_box(r, v);
	html_printf(&r->out, "<p>A level other than the proposal needs a reason: ");
	level_select(r, "likelihood", "Kans", again);
	html_printf(&r->out, " ");
	level_select(r, "impact", "Schade", again);
	html_printf(&r->out,
	            "</p>\n<p><label for=\"rationale\">Reason for another level</label>"
	            "<input id=\"rationale\" name=\"rationale\" size=\"80\" value=\"%s\"></p>\n"
	            "<p><label for=\"change\">Wijziging (the changelog line%s)</label><input"
	            " id=\"change\" name=\"change\" size=\"80\" value=\"%s\"%s></p>\n"
	            "<p><button type=\"submit\">Save draft</button></p>\n</form>\n"
	            "<script src=\"/classify.js\" defer></script>\n",
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

/* The form for the next version of the advisory in the path, with error (or none). When it is
 * shown again after a refusal (error set) and the advisory does not load, the answer is
 * ERR_NOTFOUND and r->err keeps the refusal. */
static int next_version_form(struct req *r, const char *error, int status)
{
	struct advisory_version v;
	char action[128];
	int rc;

	if ((rc = advisory_load(r->db, r->params[0], NULL, 1, &v, error ? NULL : &r->err)) != 0)
		return error ? ERR_NOTFOUND : rc;
	snprintf(action, sizeof(action), "/staff/advisories/%s/update", v.id);
	advisory_form(r, action, &v, error, status);
	advisory_version_free(&v);
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

	if (req_form(r, "recalc"))
		return page_staff_new(r);
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
	return next_version_form(r, NULL, 200);
}

int page_staff_update(struct req *r)
{
	struct advisory_input in;
	struct form_lists fl;
	struct act act;
	char actor[128], loc[128];
	int rc, num = 0;

	if (req_form(r, "recalc"))
		return next_version_form(r, NULL, 200);
	act_of(r, &act, actor, sizeof(actor));
	rc = input_from_form(r, &in, &fl);
	if (rc == 0 && (rc = db_begin(r->db, &r->err)) == 0) {
		rc = advisory_update(r->db, &act, r->params[0], &in, &num, &r->err);
		rc = rc ? rc : db_commit(r->db, &r->err);
	}
	lists_free(&in, &fl);
	if (rc != 0 && refused(rc)) {
		db_rollback(r->db);
		return next_version_form(r, r->err.msg, 400);
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

/* ---- before publishing: preview, recipients; after: alert status ---- */

/* The draft of the advisory in the path (or its latest version when it has none): 0, or the
 * error (404 for an unknown advisory). */
static int load_draft(struct req *r, struct advisory_version *v)
{
	return advisory_load(r->db, r->params[0], NULL, 1, v, &r->err);
}

/* The links between the analyst's screens of one advisory, and the publish form when there
 * is a draft. */
static void staff_nav(struct req *r, const struct advisory_version *v)
{
	char label[16];

	advisory_version_label(v->num, label, sizeof(label));
	html_printf(&r->out, "<p class=\"staff-nav\">");
	if (user_has_role(&r->user, "analyst"))
		html_printf(&r->out,
		            "<a href=\"/staff/advisories/%s/preview\">Preview</a> &middot; <a"
		            " href=\"/staff/advisories/%s/recipients\">Who will be alerted</a>"
		            " &middot; <a href=\"/staff/advisories/%s/edit\">Change</a> &middot; ",
		            v->id, v->id, v->id);
	html_printf(&r->out,
	            "<a href=\"/staff/advisories/%s/alerts\">Alert status</a> &middot; <a"
	            " href=\"/staff/advisories/%s/status\">Per organisation</a> &middot; <a"
	            " href=\"/advisories/%s?version=%s\">Page</a></p>\n",
	            v->id, v->id, v->id, label);
	if (!v->published && user_has_role(&r->user, "analyst")) {
		html_printf(&r->out,
		            "<form method=\"post\" action=\"/staff/advisories/%s/publish\""
		            " class=\"publish\"><p>",
		            v->id);
		page_csrf_input(r);
		html_printf(&r->out,
		            "<label class=\"inline\"><input type=\"checkbox\" name=\"silent\""
		            " value=\"1\"> without alerts</label> <button type=\"submit\">Publish"
		            " %s</button></p></form>\n",
		            label);
	}
}

/* A text of the preview under its heading; nothing when there is no text. */
static void preview_section(struct req *r, const char *title, const char *text)
{
	if (text == NULL)
		return;
	html_printf(&r->out, "<h2>%s</h2>\n", title);
	html_paragraphs(&r->out, text);
}

/* The draft as the HTML page will show it: the fields an advisory page has, shortly. */
static void preview_html(struct req *r, const struct advisory_version *v)
{
	const char *cons[MATRIX_MAX_CONSEQUENCES];
	int n = matrix_consequences(&v->matrix, "nl", cons, MATRIX_MAX_CONSEQUENCES);

	html_printf(
	    &r->out,
	    "<article class=\"preview\" id=\"preview-html\">\n<h1>%s</h1>\n<dl"
	    " class=\"meta\">\n<dt>TLP</dt><dd><span class=\"tlp tlp-%s\">TLP:%s</span></dd>"
	    "\n<dt>Kans</dt><dd class=\"level-%s\">%s</dd>\n<dt>Schade</dt><dd"
	    " class=\"level-%s\">%s",
	    v->title, v->tlp, v->tlp, v->likelihood, v->likelihood, v->impact, v->impact);
	for (int i = 0; i < n; i++)
		html_printf(&r->out, "<br><span class=\"muted\">%s</span>", cons[i]);
	html_printf(&r->out, "</dd>\n<dt>CVE</dt><dd>");
	for (size_t k = 0; k < v->ncves; k++)
		html_printf(&r->out, "%s%s", k ? ", " : "", v->cves[k]);
	html_printf(&r->out, "</dd>\n<dt>Producten</dt><dd>");
	for (size_t k = 0; k < v->naffects; k++)
		html_printf(&r->out, "%s %s<br>", v->affects[k].product, v->affects[k].range);
	html_printf(&r->out, "</dd>\n");
	if (v->nfixed) {
		html_printf(&r->out, "<dt>Opgelost in</dt><dd>");
		for (size_t k = 0; k < v->nfixed; k++)
			html_printf(&r->out, "%s %s<br>", v->fixed[k].product, v->fixed[k].version);
		html_printf(&r->out, "</dd>\n");
	}
	if (v->platform)
		html_printf(&r->out, "<dt>Platform(s)</dt><dd>%s</dd>\n", v->platform);
	html_printf(&r->out, "</dl>\n");
	if (v->num > 0)
		preview_section(r, "Update", v->changelog);
	if (v->rationale && *v->rationale)
		preview_section(r, "Afwijking van het voorstel", v->rationale);
	preview_section(r, "Samenvatting", v->summary);
	preview_section(r, "Beschrijving", v->description);
	preview_section(r, "Mogelijke oplossingen", v->solution);
	if (v->nrefs) {
		html_printf(&r->out, "<h2>Referenties</h2>\n<ul>\n");
		for (size_t k = 0; k < v->nrefs; k++) {
			html_printf(&r->out, "<li>");
			html_link(&r->out, v->refs[k], NULL);
			html_printf(&r->out, "</li>\n");
		}
		html_printf(&r->out, "</ul>\n");
	}
	html_printf(&r->out, "</article>\n");
}

int page_staff_preview(struct req *r)
{
	const char *lang = req_query(r, "lang");
	struct advisory_version v;
	struct buf text;
	char label[16];
	int rc;

	if (lang == NULL || (strcmp(lang, "nl") != 0 && strcmp(lang, "en") != 0))
		lang = "nl";
	if ((rc = load_draft(r, &v)) != 0)
		return rc;
	advisory_version_label(v.num, label, sizeof(label));
	buf_init(&text, BUF_MAX_DEFAULT);
	if ((rc = plain_render(&v, lang, &text)) != 0) {
		buf_free(&text);
		advisory_version_free(&v);
		return err_set(&r->err, rc, "the plain text does not render");
	}
	page_begin(r, "Preview");
	html_printf(
	    &r->out, "<p class=\"muted\">%s versie %s%s</p>\n<h1>Preview: %s</h1>\n", v.id, label,
	    v.published ? " (published: there is no draft)" : " (draft, not published)", v.title);
	staff_nav(r, &v);
	html_printf(&r->out,
	            "<h2>Plain text</h2>\n<p>As mailed and served at <a"
	            " href=\"/advisories/%s?version=%s&amp;format=plain&amp;lang=%s\">format=plain"
	            "</a> (<a href=\"/staff/advisories/%s/preview?lang=nl\">nl</a> &middot; <a"
	            " href=\"/staff/advisories/%s/preview?lang=en\">en</a>).</p>\n<pre"
	            " id=\"preview-plain\" class=\"plain\">%s</pre>\n<h2>HTML</h2>\n",
	            v.id, label, lang, v.id, v.id, buf_str(&text));
	preview_html(r, &v);
	buf_free(&text);
	advisory_version_free(&v);
	page_end(r, 200);
	return 0;
}

int page_staff_recipients(struct req *r)
{
	struct advisory_version v;
	json_t *plan = NULL, *o, *c, *m;
	size_t i, j;
	int rc;

	if ((rc = load_draft(r, &v)) != 0)
		return rc;
	page_begin(r, "Who will be alerted");
	html_printf(&r->out, "<p class=\"muted\">%s</p>\n<h1>Who will be alerted: %s</h1>\n", v.id,
	            v.title);
	staff_nav(r, &v);
	if (v.published) {
		html_printf(&r->out,
		            "<p>There is no draft: publishing alerts nobody until the next"
		            " version is written. <a href=\"/staff/advisories/%s/alerts\">Who"
		            " was alerted</a>.</p>\n",
		            v.id);
		goto done;
	}
	if ((rc = alert_plan(r->db, v.id, &plan, &r->err)) != 0) {
		advisory_version_free(&v);
		return rc;
	}
	html_printf(&r->out,
	            "<p id=\"plan-summary\">Publishing %s now (%s, TLP:%s) alerts <strong"
	            " class=\"n-organisations\">%lld</strong> organisations: <span"
	            " class=\"n-email\">%lld</span> e-mails, <span class=\"n-webhook\">%lld</span>"
	            " webhooks, <span class=\"n-calls\">%lld</span> call tasks.</p>\n",
	            json_string_value(json_object_get(plan, "version")),
	            json_string_value(json_object_get(plan, "classification")), v.tlp,
	            (long long)json_integer_value(json_object_get(plan, "organisations")),
	            (long long)json_integer_value(json_object_get(plan, "email")),
	            (long long)json_integer_value(json_object_get(plan, "webhook")),
	            (long long)json_integer_value(json_object_get(plan, "calls")));
	if (!json_is_true(json_object_get(plan, "material")))
		html_printf(&r->out,
		            "<p class=\"notice\">This version changes nothing constituents"
		            " must act on (no raised level or exploit status, no wider range,"
		            " no new fix or solution): only partners are alerted.</p>\n");
	if (json_is_true(json_object_get(plan, "call")))
		html_printf(&r->out,
		            "<p class=\"notice\">High/high: every affected organisation also"
		            " gets a call task on the calling list.</p>\n");
	if (json_array_size(json_object_get(plan, "orgs")) == 0) {
		html_printf(&r->out, "<p class=\"muted\">Nobody.</p>\n");
		goto done;
	}
	html_printf(&r->out,
	            "<table class=\"recipients\">\n<tr><th>Organisation</th><th>Kind</th>"
	            "<th>Why</th><th>Matched</th><th>Contacts</th><th>Channels</th></tr>\n");
	json_array_foreach(json_object_get(plan, "orgs"), i, o)
	{
		html_printf(
		    &r->out,
		    "<tr id=\"rcpt-%s\" data-reason=\"%s\"><td>%s<br><span class=\"muted\">%s"
		    "</span></td><td>%s</td><td>%s</td><td>",
		    json_string_value(json_object_get(o, "org")),
		    json_string_value(json_object_get(o, "reason")),
		    json_string_value(json_object_get(o, "org")),
		    json_string_value(json_object_get(o, "name")),
		    json_string_value(json_object_get(o, "kind")),
		    json_string_value(json_object_get(o, "reason")));
		json_array_foreach(json_object_get(o, "matched"), j, m)
		{
			html_printf(&r->out, "%s %s (%lld%s)<br>",
			            json_string_value(json_object_get(m, "product")),
			            json_string_value(json_object_get(m, "version")),
			            (long long)json_integer_value(json_object_get(m, "count")),
			            json_is_true(json_object_get(m, "internet_facing"))
			                ? ", internet-facing"
			                : "");
		}
		html_printf(&r->out, "</td><td>");
		if (json_array_size(json_object_get(o, "contacts")) == 0)
			html_printf(&r->out,
			            "<span class=\"error\">no contact: gets nothing</span>");
		json_array_foreach(json_object_get(o, "contacts"), j, c)
		{
			const char *of = json_string_value(json_object_get(c, "of"));
			html_printf(
			    &r->out, "%s%s%s%s %s %s<br>",
			    json_string_value(json_object_get(c, "name")),
			    strcmp(of, json_string_value(json_object_get(o, "org"))) ? " (of " : "",
			    strcmp(of, json_string_value(json_object_get(o, "org"))) ? of : "",
			    strcmp(of, json_string_value(json_object_get(o, "org"))) ? ")" : "",
			    json_string_value(json_object_get(c, "email")),
			    json_string_value(json_object_get(c, "webhook")));
		}
		html_printf(&r->out, "</td><td>%lld e-mail, %lld webhook%s</td></tr>\n",
		            (long long)json_integer_value(json_object_get(o, "email")),
		            (long long)json_integer_value(json_object_get(o, "webhook")),
		            json_is_true(json_object_get(o, "call")) ? ", call task" : "");
	}
	html_printf(&r->out, "</table>\n");
done:
	json_decref(plan);
	advisory_version_free(&v);
	page_end(r, 200);
	return 0;
}

#define ALERT_ROWS 2000 /* alerts listed on the status page */

int page_staff_alerts(struct req *r)
{
	struct alert_filter f = {.advisory = r->params[0]};
	struct advisory_version v;
	json_t *versions = NULL, *alerts = NULL, *a;
	size_t i;
	int rc;

	if ((rc = load_draft(r, &v)) != 0)
		return rc;
	if ((rc = alert_status(r->db, v.id, &versions, &r->err)) != 0 ||
	    (rc = alert_list(r->db, &f, &alerts, &r->err)) != 0) {
		json_decref(versions);
		advisory_version_free(&v);
		return rc;
	}
	page_begin(r, "Alert status");
	html_printf(&r->out, "<p class=\"muted\">%s</p>\n<h1>Alert status: %s</h1>\n", v.id,
	            v.title);
	staff_nav(r, &v);
	html_printf(&r->out, "<h2>Per version</h2>\n");
	page_alert_versions(r, versions);
	html_printf(&r->out,
	            "<p><a href=\"/staff/advisories/%s/status\">Per organisation</a>"
	            " &middot; <a href=\"/staff/calls\">Calling list</a></p>\n",
	            v.id);
	if (json_array_size(alerts)) {
		html_printf(&r->out,
		            "<h2>Alerts</h2>\n<table class=\"alerts\">\n<tr><th>Alert</th>"
		            "<th>Version</th><th>Organisation</th><th>Channel</th><th>Why</th>"
		            "<th>Address</th><th>State</th><th>Delivered</th><th>Acknowledged</th>"
		            "</tr>\n");
		json_array_foreach(alerts, i, a)
		{
			const char *st = json_string_value(json_object_get(a, "state"));
			const char *out = json_string_value(json_object_get(a, "outcome"));
			if (i >= ALERT_ROWS)
				break;
			html_printf(
			    &r->out,
			    "<tr><td>%lld</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
			    "<td>%s</td><td class=\"state-%s\">%s%s%s%s</td><td>%s</td><td>%s"
			    "</td></tr>\n",
			    (long long)json_integer_value(json_object_get(a, "alert")),
			    json_string_value(json_object_get(a, "version")),
			    json_string_value(json_object_get(a, "org")),
			    json_string_value(json_object_get(a, "channel")),
			    json_string_value(json_object_get(a, "reason")),
			    json_string_value(json_object_get(a, "address")), st, st,
			    out ? " (" : "", out ? out : "", out ? ")" : "",
			    json_string_value(json_object_get(a, "delivered_at")),
			    json_string_value(json_object_get(a, "acked_at")));
		}
		html_printf(&r->out, "</table>\n");
		if (json_array_size(alerts) > ALERT_ROWS)
			html_printf(&r->out, "<p class=\"muted\">The first %d of %zu alerts.</p>\n",
			            ALERT_ROWS, json_array_size(alerts));
	}
	json_decref(versions);
	json_decref(alerts);
	advisory_version_free(&v);
	page_end(r, 200);
	return 0;
}

/* The form's proposal as answers change (see proposal_box): sums the data-points of the
 * likelihood answers, takes the maximum of the impact ones, and names the levels with the
 * thresholds the page carries. Everything it knows comes from the page, which the server
 * wrote from matrix.c. */
int page_classify_js(struct req *r)
{
	buf_adds(&r->out,
	         "'use strict';\n"
	         "(function () {\n"
	         "  var box = document.getElementById('proposal');\n"
	         "  if (!box) return;\n"
	         "  var form = box.closest('form');\n"
	         "  var medium = +box.dataset.medium, high = +box.dataset.high;\n"
	         "  var set = function (id, v) { document.getElementById(id).textContent = v; };\n"
	         "  var update = function () {\n"
	         "    var sum = 0, max = 0;\n"
	         "    form.querySelectorAll('select[data-kind]').forEach(function (s) {\n"
	         "      var o = s.options[s.selectedIndex];\n"
	         "      var p = o ? +o.dataset.points : 0;\n"
	         "      if (s.dataset.kind === 'likelihood') sum += p; else if (p > max) max = p;\n"
	         "    });\n"
	         "    var l = sum >= high ? 'high' : sum >= medium ? 'medium' : 'low';\n"
	         "    var i = max >= 2 ? 'high' : max >= 1 ? 'medium' : 'low';\n"
	         "    set('proposal-lpoints', sum); set('proposal-likelihood', l);\n"
	         "    set('proposal-ipoints', max); set('proposal-impact', i);\n"
	         "    set('proposal-class', l + '/' + i);\n"
	         "    box.dataset.live = '1';\n"
	         "  };\n"
	         "  form.addEventListener('change', update);\n"
	         "  update();\n"
	         "})();\n");
	r->cache_public = 1;
	resp_set(r, 200, "text/javascript; charset=utf-8");
	return 0;
}
