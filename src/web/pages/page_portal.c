/* page_portal.c: the constituent portal. A user who acts for an organisation (a constituent,
 * or a partner) sees the advisories meant for it with the products that matched, its alerts
 * (and acknowledges them), its follow-up requests (and answers them: comply or explain), its
 * BIO deadlines and its systems seen in scans; a constituent keeps its inventory and netblocks
 * current, and either keeps its contacts.
 *
 * The organisation always comes from the session, never from a form or a path: every model
 * call gets r->user.org, and a row of another organisation named by id answers 404 as if it did
 * not exist. Staff act for no organisation: /portal shows them every alert, the other pages
 * refuse them (they use the CLI and the staff screens). Every change goes through the model,
 * which logs it in the event log with the actor web:NAME. */
#include "web/pages/pages.h"

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "model/advisory.h"
#include "model/alert.h"
#include "model/deadline.h"
#include "model/followup.h"
#include "model/inventory.h"
#include "model/org.h"
#include "model/scan.h"
#include "web/access.h"
#include "web/form.h"
#include "web/html.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* At most this many advisories are looked at for the overview (the newest the asker reads). */
#define PORTAL_ADVISORIES 100

/* ---- shared ---- */

/* 0 when the user acts for an organisation (and is a constituent, when constituent is 1);
 * else ERR_PERM with the reason. */
static int portal_org(struct req *r, int constituent)
{
	if (r->user.org[0] == '\0')
		return err_set(&r->err, ERR_PERM,
		               "the portal's pages act for your organisation, and you act for"
		               " none (staff use the CLI and the staff screens)");
	if (constituent && strcmp(r->user.role, "constituent") != 0)
		return err_set(
		    &r->err, ERR_PERM,
		    "only a constituent keeps an organisation's inventory and netblocks");
	return 0;
}

/* The actor of what a page does through the model: web:NAME (in actor, n bytes) at now, as the
 * event log records it. */
static void portal_actor(struct req *r, struct act *act, char *actor, size_t n)
{
	snprintf(actor, n, "web:%s", r->user.name);
	act->actor = actor;
	act->at = r->now;
}

/* How every page that acts for the organisation starts: portal_org, and the actor. */
static int portal_act(struct req *r, int constituent, struct act *act, char *actor, size_t n)
{
	portal_actor(r, act, actor, n);
	return portal_org(r, constituent);
}

/* The id in a path segment; 0 when it is not a positive number. */
static long portal_id(const char *s)
{
	char *end;
	long id = strtol(s, &end, 10);

	return *s && *end == '\0' && id > 0 ? id : 0;
}

/* The id of the row the path names (into id); a bad one is ERR_NOTFOUND, as for a row that
 * does not exist. */
static int path_id(struct req *r, long *id)
{
	*id = portal_id(r->params[0]);
	return *id ? 0 : err_set(&r->err, ERR_NOTFOUND, "not found");
}

/* A form value with white space at the ends removed, or NULL when absent or empty. */
static const char *field_text(struct req *r, const char *name)
{
	const struct form_field *f = form_field(r, name);
	char *v, *end;

	if (f == NULL || f->filename)
		return NULL;
	v = f->value;
	while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
		v++;
	end = v + strlen(v);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return *v ? v : NULL;
}

/* 1 for a ticked checkbox (any value but "", "0", "no", "false"). */
static int field_bool(struct req *r, const char *name)
{
	const char *v = field_text(r, name);

	return v && strcmp(v, "0") != 0 && strcasecmp(v, "no") != 0 && strcasecmp(v, "false") != 0;
}

/* The organisation's name (malloc'd), or its id. */
static char *org_name(struct req *r)
{
	json_t *o = NULL;
	char *name;

	if (org_show(r->db, r->user.org, &o, &r->err) != 0 || o == NULL)
		return xstrdup(r->user.org);
	name = xstrdup(json_string_value(json_object_get(o, "name")));
	json_decref(o);
	return name;
}

/* The heading of a portal page and the links between its pages. */
static void portal_head(struct req *r, const char *title, const char *msg, const char *error)
{
	char *name = org_name(r);

	page_begin(r, title);
	html_printf(&r->out, "<h1>%s <span class=\"muted\">%s (%s)</span></h1>\n", title, name,
	            r->user.org);
	html_printf(&r->out, "<nav class=\"portal\"><a href=\"/portal\">Overview</a>");
	if (strcmp(r->user.role, "constituent") == 0)
		html_printf(&r->out, " &middot; <a href=\"/portal/inventory\">Inventory</a>");
	html_printf(&r->out, " &middot; <a href=\"/portal/contacts\">Contacts</a>");
	if (strcmp(r->user.role, "constituent") == 0)
		html_printf(&r->out, " &middot; <a href=\"/portal/netblocks\">Netblocks</a>");
	html_printf(&r->out, " &middot; <a href=\"/portal/systems\">Systems seen in scans</a>"
	                     "</nav>\n");
	if (msg)
		html_printf(&r->out, "<p class=\"notice\" role=\"status\">%s</p>\n", msg);
	if (error)
		html_printf(&r->out, "<p class=\"error\" role=\"alert\">%s</p>\n", error);
	free(name);
}

/* What went wrong in a form, to show on the page again: user errors become a message (and
 * the status to answer with); anything else is returned as it is. The transaction, when one
 * is open, is rolled back first so the page shows the store as it was. */
static int form_problem(struct req *r, int rc, int *status)
{
	if (r->db->in_tx)
		db_rollback(r->db);
	if (rc == ERR_INPUT || rc == ERR_USAGE)
		*status = 400;
	else if (rc == ERR_CONFLICT)
		*status = 409;
	else
		return rc;
	return 0;
}

/* How a form's change ends, the same for every form that shows its page again: rc 0 (the
 * change is committed) redirects to where, so that a reload does not post it again; a user
 * error shows page again with the message (form_problem); anything else is the router's. */
static int form_done(struct req *r, int rc, const char *where,
                     int (*page)(struct req *r, const char *error, int status))
{
	int status;

	if (rc == 0)
		return resp_redirect(r, where);
	if ((rc = form_problem(r, rc, &status)) != 0)
		return rc;
	return page(r, r->err.msg, status);
}

/* A fixed message for ?done=WORD after a change (nothing is echoed from the query). */
static const char *done_message(struct req *r)
{
	static const struct {
		const char *key, *text;
	} msgs[] = {
	    {"added", "Added."},
	    {"removed", "Removed."},
	    {"saved", "Saved."},
	    {"answered", "Your answer is recorded. The coordinator sees it now."},
	    {"acknowledged", "Acknowledged."},
	};
	const char *d = req_query(r, "done");

	for (size_t i = 0; d && i < sizeof(msgs) / sizeof(msgs[0]); i++)
		if (strcmp(d, msgs[i].key) == 0)
			return msgs[i].text;
	return NULL;
}

/* ---- the overview ---- */

/* The alerts table: the organisation's, or (staff) everyone's. */
static int portal_alerts(struct req *r, const char *org)
{
	struct alert_filter f = {0};
	json_t *alerts = NULL, *a;
	size_t i, n;
	int rc;

	f.org = org;
	if ((rc = alert_list(r->db, &f, &alerts, &r->err)) != 0)
		return rc;
	n = json_array_size(alerts);
	html_printf(&r->out, "<h2>Alerts%s</h2>\n", org ? " for your organisation" : "");
	if (n == 0)
		html_printf(&r->out, "<p class=\"muted\">None.</p>\n");
	else
		html_printf(&r->out,
		            "<table class=\"alerts\">\n<tr><th>Alert</th><th>Advisory</th>"
		            "<th>Version</th><th>Organisation</th><th>Channel</th><th>State</th>"
		            "<th></th></tr>\n");
	/* newest last in the list: show the newest 200 first */
	for (i = n; i-- > 0 && n - i <= 200;) {
		const char *state, *channel;
		a = json_array_get(alerts, i);
		state = json_string_value(json_object_get(a, "state"));
		channel = json_string_value(json_object_get(a, "channel"));
		html_printf(&r->out,
		            "<tr><td>%lld</td><td><a href=\"/advisories/%s?version=%s\">%s</a></td>"
		            "<td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>",
		            (long long)json_integer_value(json_object_get(a, "alert")),
		            json_string_value(json_object_get(a, "advisory")),
		            json_string_value(json_object_get(a, "version")),
		            json_string_value(json_object_get(a, "advisory")),
		            json_string_value(json_object_get(a, "version")),
		            json_string_value(json_object_get(a, "org")), channel, state);
		if (state && channel && strcmp(state, "acknowledged") != 0 &&
		    strcmp(state, "cancelled") != 0 && strcmp(channel, "call") != 0) {
			html_printf(&r->out,
			            "<form method=\"post\" action=\"/portal/alerts/%lld/ack\""
			            " class=\"inline\">",
			            (long long)json_integer_value(json_object_get(a, "alert")));
			page_csrf_input(r);
			html_printf(&r->out, "<button type=\"submit\">Acknowledge</button></form>");
		}
		html_printf(&r->out, "</td></tr>\n");
	}
	if (n)
		html_printf(&r->out, "</table>\n");
	json_decref(alerts);
	return 0;
}

/* The organisation's row of a follow-up request, or NULL. Borrowed from req. */
static json_t *followup_mine(struct req *r, json_t *req)
{
	json_t *row;
	size_t i;

	json_array_foreach(json_object_get(req, "orgs"), i, row)
	{
		if (strcmp(json_string_value(json_object_get(row, "org")), r->user.org) == 0)
			return row;
	}
	return NULL;
}

/* The BIO clocks of the organisation (on one advisory, or all) as a table. */
static int portal_deadlines(struct req *r, const char *advisory)
{
	struct deadline_filter f = {advisory, r->user.org};
	json_t *rows = NULL, *d;
	size_t i;
	int rc;

	if ((rc = deadline_list(r->db, &f, r->now, &rows, &r->err)) != 0)
		return rc;
	html_printf(&r->out, "<h2>BIO patch deadlines</h2>\n");
	if (json_array_size(rows) == 0) {
		html_printf(&r->out,
		            "<p class=\"muted\">No deadline runs for your organisation%s.</p>\n",
		            advisory ? " on this advisory" : "");
		json_decref(rows);
		return 0;
	}
	html_printf(&r->out, "<table class=\"deadlines\">\n<tr><th>Advisory</th><th>Version</th>"
	                     "<th>Rule</th><th>Started</th><th>Due</th><th>State</th>"
	                     "<th>Days over</th><th>Remedied</th></tr>\n");
	json_array_foreach(rows, i, d)
	{
		const char *state = json_string_value(json_object_get(d, "state"));
		html_printf(&r->out,
		            "<tr><td><a href=\"/advisories/%s\">%s</a></td><td>%s</td><td>%s</td>"
		            "<td>%s</td><td>%s</td><td class=\"state-%s\">%s</td><td>%lld</td>"
		            "<td>%s</td></tr>\n",
		            json_string_value(json_object_get(d, "advisory")),
		            json_string_value(json_object_get(d, "advisory")),
		            json_string_value(json_object_get(d, "version")),
		            json_string_value(json_object_get(d, "rule")),
		            json_string_value(json_object_get(d, "started_at")),
		            json_string_value(json_object_get(d, "due")), state, state,
		            (long long)json_integer_value(json_object_get(d, "days_over")),
		            json_string_value(json_object_get(d, "remedied_at")));
	}
	html_printf(&r->out, "</table>\n");
	json_decref(rows);
	return 0;
}

/* One advisory of the overview: the products of the organisation that match the version the
 * asker reads (into matched, a new array), and the follow-up requests on it that ask the
 * organisation (appended to followups as {advisory, request, question, deadline, closed,
 * state}). */
static int portal_advisory(struct req *r, const char *id, json_t **matched, int *addressed,
                           json_t *followups)
{
	struct advisory_version v;
	json_t *rows = NULL, *st = NULL, *q;
	size_t i;
	int rc;

	*matched = json_array();
	*addressed = 0;
	if ((rc = access_load(r, id, NULL, &v)) != 0)
		return rc == ERR_NOTFOUND ? 0 : rc;
	for (size_t k = 0; k < v.nto; k++)
		*addressed |= strcmp(v.to[k], r->user.org) == 0;
	rc = advisory_affected_org(r->db, &v, r->user.org, &rows, &r->err);
	advisory_version_free(&v);
	if (rc != 0)
		return rc;
	json_array_extend(*matched, rows);
	json_decref(rows);
	if ((rc = followup_status(r->db, id, 0, r->now, &st, &r->err)) != 0)
		return rc;
	json_array_foreach(json_object_get(st, "requests"), i, q)
	{
		json_t *mine = followup_mine(r, q);
		if (mine == NULL)
			continue;
		json_array_append_new(followups,
		                      json_pack("{s:s, s:O, s:O, s:O, s:O, s:O}", "advisory", id,
		                                "request", json_object_get(q, "request"),
		                                "question", json_object_get(q, "question"),
		                                "deadline", json_object_get(q, "deadline"),
		                                "closed", json_object_get(q, "closed"), "state",
		                                json_object_get(mine, "state")));
	}
	json_decref(st);
	return 0;
}

/* The overview of an organisation. */
static int portal_overview(struct req *r)
{
	struct access_filter af = {.limit = PORTAL_ADVISORIES};
	struct alert_filter alf = {0};
	json_t *advs = NULL, *alerts = NULL, *followups = json_array(), *shown = json_array();
	json_t *a, *m, *f;
	size_t i, j;
	int rc;

	if ((rc = access_list(r, &af, &advs)) != 0)
		goto out;
	alf.org = r->user.org;
	if ((rc = alert_list(r->db, &alf, &alerts, &r->err)) != 0)
		goto out;
	/* each readable advisory that matches the inventory, is addressed to the organisation
	 * (--to: a partner it is released to), alerted it, or asks it to report back */
	json_array_foreach(advs, i, a)
	{
		const char *id = json_string_value(json_object_get(a, "id"));
		size_t before = json_array_size(followups);
		int alerted = 0, addressed;
		json_t *al;

		if ((rc = portal_advisory(r, id, &m, &addressed, followups)) != 0) {
			json_decref(m);
			goto out;
		}
		json_array_foreach(alerts, j, al)
		{
			alerted |=
			    strcmp(json_string_value(json_object_get(al, "advisory")), id) == 0;
		}
		if (json_array_size(m) || alerted || addressed ||
		    json_array_size(followups) > before) {
			json_object_set_new(a, "matched", m);
			json_array_append(shown, a);
		} else {
			json_decref(m);
		}
	}
	portal_head(r, "Portal", done_message(r), NULL);
	html_printf(&r->out, "<p>Logged in as %s (%s).</p>\n", r->user.name, r->user.role);

	html_printf(&r->out, "<h2>Follow-up requests</h2>\n");
	if (json_array_size(followups) == 0)
		html_printf(&r->out,
		            "<p class=\"muted\">No request asks your organisation to report"
		            " back.</p>\n");
	else
		html_printf(&r->out, "<table class=\"followups\">\n<tr><th>Advisory</th>"
		                     "<th>Question</th><th>Deadline</th><th>Your state</th>"
		                     "<th></th></tr>\n");
	json_array_foreach(followups, i, f)
	{
		const char *state = json_string_value(json_object_get(f, "state"));
		int closed = json_is_true(json_object_get(f, "closed"));
		html_printf(&r->out,
		            "<tr><td>%s</td><td>%s</td><td>%s%s</td><td class=\"state-%s\">%s</td>"
		            "<td><a href=\"/portal/followup/%s\">%s</a></td></tr>\n",
		            json_string_value(json_object_get(f, "advisory")),
		            json_string_value(json_object_get(f, "question")),
		            json_string_value(json_object_get(f, "deadline")),
		            closed ? " (closed)" : "", state, state,
		            json_string_value(json_object_get(f, "advisory")),
		            strcmp(state, "unanswered") == 0 || strcmp(state, "rejected") == 0
		                ? "Answer"
		                : "View or revise");
	}
	if (json_array_size(followups))
		html_printf(&r->out, "</table>\n");

	if ((rc = portal_deadlines(r, NULL)) != 0)
		goto out;

	html_printf(&r->out, "<h2>Advisories for your organisation</h2>\n");
	if (json_array_size(shown) == 0)
		html_printf(&r->out, "<p class=\"muted\">No advisory matches your inventory or was"
		                     " sent to you. <a href=\"/advisories\">All advisories you may"
		                     " read</a>.</p>\n");
	else
		html_printf(&r->out, "<table class=\"advisories\">\n<tr><th>Advisory</th>"
		                     "<th>Version</th><th>Classification</th><th>TLP</th>"
		                     "<th>Title</th><th>Your matched products</th></tr>\n");
	json_array_foreach(shown, i, a)
	{
		const char *tlp = json_string_value(json_object_get(a, "tlp"));
		html_printf(&r->out,
		            "<tr><td><a href=\"/advisories/%s\">%s</a></td><td>%s</td><td>%s</td>"
		            "<td><span class=\"tlp tlp-%s\">TLP:%s</span></td><td>%s</td><td>",
		            json_string_value(json_object_get(a, "id")),
		            json_string_value(json_object_get(a, "id")),
		            json_string_value(json_object_get(a, "version")),
		            json_string_value(json_object_get(a, "classification")), tlp, tlp,
		            json_string_value(json_object_get(a, "title")));
		m = json_object_get(a, "matched");
		if (json_array_size(m) == 0)
			html_printf(&r->out, "<span class=\"muted\">none (sent to you)</span>");
		json_array_foreach(m, j, f)
		{
			html_printf(&r->out,
			            "<span class=\"matched\">%s %s &times;%lld%s</span><br>",
			            json_string_value(json_object_get(f, "product")),
			            json_string_value(json_object_get(f, "version")),
			            (long long)json_integer_value(json_object_get(f, "count")),
			            json_is_true(json_object_get(f, "internet_facing"))
			                ? ", internet-facing"
			                : "");
		}
		html_printf(&r->out, "</td></tr>\n");
	}
	if (json_array_size(shown))
		html_printf(&r->out, "</table>\n");
	if ((rc = portal_alerts(r, r->user.org)) != 0)
		goto out;
	page_end(r, 200);
out:
	json_decref(advs);
	json_decref(alerts);
	json_decref(followups);
	json_decref(shown);
	return rc;
}

int page_portal(struct req *r)
{
	int rc;

	if (r->user.org[0])
		return portal_overview(r);
	page_begin(r, "Portal");
	html_printf(&r->out, "<h1>%s</h1>\n<p>Role: %s</p>\n", r->user.name, r->user.role);
	if (!user_is_staff(&r->user)) {
		html_printf(&r->out, "<p>You act for no organisation.</p>\n");
		page_end(r, 200);
		return 0;
	}
	if ((rc = portal_alerts(r, NULL)) != 0)
		return rc;
	page_end(r, 200);
	return 0;
}

/* Acknowledging an alert of one's own organisation from the portal (staff: any). */
int page_portal_ack(struct req *r)
{
	char actor[128];
	struct act act;
	long id;
	json_t *res = NULL;
	int rc;

	portal_actor(r, &act, actor, sizeof(actor));
	if ((rc = path_id(r, &id)) != 0 || (rc = db_begin(r->db, &r->err)) != 0)
		return rc;
	if (!user_is_staff(&r->user)) {
		struct alert_filter f = {.org = r->user.org};
		json_t *rows = NULL, *row;
		size_t i;
		int mine = 0;
		if (r->user.org[0] == '\0' || (rc = alert_list(r->db, &f, &rows, &r->err)) != 0)
			return rc ? rc : err_set(&r->err, ERR_NOTFOUND, "not found");
		json_array_foreach(rows, i, row)
		{
			mine |= json_integer_value(json_object_get(row, "alert")) == id;
		}
		json_decref(rows);
		if (!mine)
			return err_set(&r->err, ERR_NOTFOUND, "not found");
	}
	rc = alert_ack(r->db, &act, id, &res, &r->err);
	json_decref(res);
	if (rc == 0)
		rc = db_commit(r->db, &r->err);
	if (rc != 0)
		return rc;
	return resp_redirect(r, "/portal?done=acknowledged");
}

/* ---- inventory ---- */

static int inventory_page(struct req *r, const char *error, int status)
{
	json_t *rows = NULL, *row;
	size_t i;
	int rc;

	if ((rc = inventory_list(r->db, r->user.org, NULL, &rows, &r->err)) != 0)
		return rc;
	portal_head(r, "Inventory", error ? NULL : done_message(r), error);
	if (req_query(r, "imported"))
		html_printf(&r->out, "<p class=\"notice\" role=\"status\">Imported: %s rows.</p>\n",
		            req_query(r, "imported"));
	html_printf(
	    &r->out,
	    "<h2>Upload a file</h2>\n<form method=\"post\" action=\"/portal/inventory/upload\""
	    " enctype=\"multipart/form-data\" class=\"upload\">");
	page_csrf_input(r);
	html_printf(
	    &r->out,
	    "<p><label for=\"file\">CSV, JSON or CycloneDX SBOM</label><input id=\"file\""
	    " name=\"file\" type=\"file\" required accept=\".csv,.json,text/csv,application/json\">"
	    "</p>\n<p><label><input type=\"radio\" name=\"mode\" value=\"add\" checked> Add the"
	    " rows to the inventory (a row you have is updated)</label>\n<label><input"
	    " type=\"radio\" name=\"mode\" value=\"replace\"> Replace the whole inventory with the"
	    " file</label></p>\n<p><button type=\"submit\">Upload</button></p>\n</form>\n"
	    "<p class=\"muted\">CSV: the header product,version,count,internet_facing (an org"
	    " column may be there, and must name your organisation). JSON: an array of such"
	    " objects. CycloneDX 1.4-1.6: every component with a purl or CPE. A file with one bad"
	    " row changes nothing; the message names its line and field.</p>\n");
	html_printf(&r->out, "<h2>Add a row</h2>\n<form method=\"post\""
	                     " action=\"/portal/inventory/add\" class=\"filter\">");
	page_csrf_input(r);
	html_printf(
	    &r->out,
	    "<p><label for=\"product\">Product</label><input id=\"product\" name=\"product\""
	    " required placeholder=\"vendor:product, CPE or purl\"></p>\n"
	    "<p><label for=\"version\">Version</label><input id=\"version\" name=\"version\""
	    "></p>\n<p><label for=\"count\">Count</label><input id=\"count\" name=\"count\""
	    " value=\"1\" inputmode=\"numeric\" size=\"6\"></p>\n<p><label><input"
	    " type=\"checkbox\" name=\"internet_facing\" value=\"yes\"> Internet-facing"
	    "</label></p>\n<p><button type=\"submit\">Add</button></p>\n</form>\n");
	html_printf(&r->out, "<h2>Rows (%zu)</h2>\n", json_array_size(rows));
	if (json_array_size(rows) == 0)
		html_printf(&r->out, "<p class=\"muted\">Your inventory is empty: nothing can match"
		                     " an advisory.</p>\n");
	else
		html_printf(&r->out, "<table class=\"inventory\">\n<tr><th>Product</th>"
		                     "<th>Version</th><th>Count</th><th>Internet-facing</th>"
		                     "<th></th></tr>\n");
	json_array_foreach(rows, i, row)
	{
		const char *product = json_string_value(json_object_get(row, "product"));
		const char *version = json_string_value(json_object_get(row, "version"));
		html_printf(
		    &r->out,
		    "<tr><td>%s</td><td>%s</td><td>%lld</td><td>%s</td><td><form"
		    " method=\"post\" action=\"/portal/inventory/remove\" class=\"inline\">",
		    product, version, (long long)json_integer_value(json_object_get(row, "count")),
		    json_is_true(json_object_get(row, "internet_facing")) ? "yes" : "no");
		page_csrf_input(r);
		html_printf(
		    &r->out,
		    "<input type=\"hidden\" name=\"product\" value=\"%s\"><input type=\"hidden\""
		    " name=\"version\" value=\"%s\"><button type=\"submit\" aria-label=\"Remove"
		    " %s %s\">Remove</button></form></td></tr>\n",
		    product, version, product, version);
	}
	if (json_array_size(rows))
		html_printf(&r->out, "</table>\n");
	json_decref(rows);
	page_end(r, status);
	return 0;
}

int page_portal_inventory(struct req *r)
{
	int rc = portal_org(r, 1);

	return rc ? rc : inventory_page(r, NULL, 200);
}

int page_portal_inventory_add(struct req *r)
{
	char actor[128];
	struct act act;
	struct inventory_row row = {0};
	const char *count = field_text(r, "count");
	int rc;

	if ((rc = portal_act(r, 1, &act, actor, sizeof(actor))) != 0)
		return rc;
	row.org = r->user.org;
	row.product = field_text(r, "product");
	row.version = field_text(r, "version");
	row.count = 1;
	row.internet_facing = field_bool(r, "internet_facing");
	if (row.product == NULL)
		rc = err_set(&r->err, ERR_INPUT,
		             "field product: give a product (vendor:product, a"
		             " CPE or a purl)");
	else if (count) {
		char *end;
		long n = strtol(count, &end, 10);
		if (*end || n < 0 || n > 10000000L || count[0] == '-' || count[0] == '+')
			rc = err_set(&r->err, ERR_INPUT,
			             "field count: \"%s\" is not a whole number from 0 to 10000000",
			             count);
		row.count = n;
	}
	if (rc == 0 && (rc = db_begin(r->db, &r->err)) == 0 &&
	    (rc = inventory_put(r->db, &act, &row, 1, &r->err)) == 0)
		rc = db_commit(r->db, &r->err);
	return form_done(r, rc, "/portal/inventory?done=added", inventory_page);
}

int page_portal_inventory_remove(struct req *r)
{
	char actor[128];
	struct act act;
	const char *product = field_text(r, "product"), *version = field_text(r, "version");
	int rc;

	if ((rc = portal_act(r, 1, &act, actor, sizeof(actor))) != 0)
		return rc;
	if ((rc = db_begin(r->db, &r->err)) == 0 &&
	    (rc = inventory_remove(r->db, &act, r->user.org, product, version, &r->err)) == 0)
		rc = db_commit(r->db, &r->err);
	return form_done(r, rc, "/portal/inventory?done=removed", inventory_page);
}

/* An uploaded file: replaces or adds to the inventory, all or nothing, through the same
 * parsers as `baken inventory import --org`. */
int page_portal_inventory_upload(struct req *r)
{
	char actor[128], where[64];
	struct act act;
	const struct form_field *file = form_field(r, "file");
	const char *mode = field_text(r, "mode"), *name;
	long count = 0;
	int rc;

	if ((rc = portal_act(r, 1, &act, actor, sizeof(actor))) != 0)
		return rc;
	if (file == NULL || file->filename == NULL || (file->filename[0] == '\0' && file->len == 0))
		rc = err_set(&r->err, ERR_INPUT,
		             "choose a file to upload (the form sends it as multipart/form-data)");
	else if (mode && strcmp(mode, "add") != 0 && strcmp(mode, "replace") != 0)
		rc = err_set(&r->err, ERR_INPUT, "field mode: \"%s\": expected add or replace",
		             mode);
	if (rc == 0) {
		name = file->filename[0] ? file->filename : "upload";
		if ((rc = db_begin(r->db, &r->err)) == 0 &&
		    (rc = inventory_import_data(r->db, &act, name, file->value, file->len,
		                                r->user.org, mode && strcmp(mode, "replace") == 0,
		                                &count, &r->err)) == 0)
			rc = db_commit(r->db, &r->err);
	}
	snprintf(where, sizeof(where), "/portal/inventory?imported=%ld", count);
	return form_done(r, rc, where, inventory_page);
}

/* ---- contacts ---- */

/* The inputs of a contact form, filled from c (may be NULL). */
static void contact_inputs(struct req *r, json_t *c)
{
	static const struct {
		const char *key, *label, *type;
	} in[] = {
	    {"name", "Name", "text"},          {"role", "Role", "text"},
	    {"email", "E-mail", "email"},      {"phone", "Phone", "tel"},
	    {"webhook", "Webhook URL", "url"},
	};

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		const char *v = c ? json_string_value(json_object_get(c, in[i].key)) : NULL;
		html_printf(&r->out,
		            "<p><label for=\"c-%s\">%s</label><input id=\"c-%s\" name=\"%s\""
		            " type=\"%s\" value=\"%s\"%s></p>\n",
		            in[i].key, in[i].label, in[i].key, in[i].key, in[i].type, v ? v : "",
		            i == 0 ? " required" : "");
	}
	html_printf(&r->out,
	            "<p><label><input type=\"checkbox\" name=\"always_on\" value=\"yes\"%s>"
	            " Reachable 24/7 (called at night for a high/high advisory)</label></p>\n",
	            c && json_is_true(json_object_get(c, "24x7")) ? " checked" : "");
}

static int contacts_page(struct req *r, const char *error, int status)
{
	json_t *rows = NULL, *c;
	size_t i;
	int rc;

	if ((rc = org_contact_list(r->db, r->user.org, &rows, &r->err)) != 0)
		return rc;
	portal_head(r, "Contacts", error ? NULL : done_message(r), error);
	html_printf(&r->out,
	            "<p class=\"muted\">Alerts go to every contact by e-mail (and webhook);"
	            " the phone numbers are called for a high/high advisory.</p>\n");
	if (json_array_size(rows) == 0)
		html_printf(&r->out, "<p class=\"error\">No contacts: alerts cannot reach"
		                     " you.</p>\n");
	else
		html_printf(&r->out, "<table class=\"contacts\">\n<tr><th>Name</th><th>Role</th>"
		                     "<th>E-mail</th><th>Phone</th><th>24/7</th><th>Webhook</th>"
		                     "<th></th></tr>\n");
	json_array_foreach(rows, i, c)
	{
		long long id = (long long)json_integer_value(json_object_get(c, "id"));
		html_printf(
		    &r->out,
		    "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
		    "<td><a href=\"/portal/contacts/%lld/edit\">Edit</a> <form method=\"post\""
		    " action=\"/portal/contacts/%lld/remove\" class=\"inline\">",
		    json_string_value(json_object_get(c, "name")),
		    json_string_value(json_object_get(c, "role")),
		    json_string_value(json_object_get(c, "email")),
		    json_string_value(json_object_get(c, "phone")),
		    json_is_true(json_object_get(c, "24x7")) ? "yes" : "no",
		    json_string_value(json_object_get(c, "webhook")), id, id);
		page_csrf_input(r);
		html_printf(&r->out, "<button type=\"submit\">Remove</button></form></td></tr>\n");
	}
	if (json_array_size(rows))
		html_printf(&r->out, "</table>\n");
	html_printf(&r->out, "<h2>Add a contact</h2>\n<form method=\"post\""
	                     " action=\"/portal/contacts/add\" class=\"contact\">");
	page_csrf_input(r);
	contact_inputs(r, NULL);
	html_printf(&r->out, "<p><button type=\"submit\">Add</button> <span class=\"muted\">(a"
	                     " name you have already: that contact is updated)</span></p>\n"
	                     "</form>\n");
	json_decref(rows);
	page_end(r, status);
	return 0;
}

int page_portal_contacts(struct req *r)
{
	int rc = portal_org(r, 0);

	return rc ? rc : contacts_page(r, NULL, 200);
}

/* The contact fields of the form; empty ones NULL. */
static void contact_from_form(struct req *r, struct contact_fields *f)
{
	memset(f, 0, sizeof(*f));
	f->org = r->user.org;
	f->name = field_text(r, "name");
	f->role = field_text(r, "role");
	f->email = field_text(r, "email");
	f->phone = field_text(r, "phone");
	f->webhook_url = field_text(r, "webhook");
	f->always_on = field_bool(r, "always_on");
}

int page_portal_contact_add(struct req *r)
{
	char actor[128];
	struct act act;
	struct contact_fields f;
	int rc;

	if ((rc = portal_act(r, 0, &act, actor, sizeof(actor))) != 0)
		return rc;
	contact_from_form(r, &f);
	if ((rc = db_begin(r->db, &r->err)) == 0 &&
	    (rc = org_contact_set(r->db, &act, &f, &r->err)) == 0)
		rc = db_commit(r->db, &r->err);
	return form_done(r, rc, "/portal/contacts?done=added", contacts_page);
}

/* The edit form of contact id (the values c, or the stored ones when c is NULL). */
static int contact_edit_page(struct req *r, long id, json_t *c, const char *error, int status)
{
	json_t *rows = NULL, *x, *found = NULL;
	size_t i;
	int rc;

	if ((rc = org_contact_list(r->db, r->user.org, &rows, &r->err)) != 0)
		return rc;
	json_array_foreach(rows, i, x)
	{
		if (json_integer_value(json_object_get(x, "id")) == id)
			found = x;
	}
	if (found == NULL) {
		json_decref(rows);
		return err_set(&r->err, ERR_NOTFOUND, "not found");
	}
	portal_head(r, "Edit contact", NULL, error);
	html_printf(&r->out,
	            "<form method=\"post\" action=\"/portal/contacts/%ld/edit\""
	            " class=\"contact\">",
	            id);
	page_csrf_input(r);
	contact_inputs(r, c ? c : found);
	html_printf(&r->out, "<p><button type=\"submit\">Save</button> <a"
	                     " href=\"/portal/contacts\">Cancel</a></p>\n</form>\n");
	json_decref(rows);
	page_end(r, status);
	return 0;
}

int page_portal_contact_edit_form(struct req *r)
{
	long id;
	int rc;

	if ((rc = portal_org(r, 0)) != 0 || (rc = path_id(r, &id)) != 0)
		return rc;
	return contact_edit_page(r, id, NULL, NULL, 200);
}

int page_portal_contact_edit(struct req *r)
{
	char actor[128];
	struct act act;
	struct contact_fields f;
	long id;
	json_t *typed;
	int rc, status;

	if ((rc = portal_act(r, 0, &act, actor, sizeof(actor))) != 0 || (rc = path_id(r, &id)) != 0)
		return rc;
	contact_from_form(r, &f);
	if ((rc = db_begin(r->db, &r->err)) == 0 &&
	    (rc = org_contact_update(r->db, &act, id, &f, &r->err)) == 0)
		rc = db_commit(r->db, &r->err);
	if (rc == 0)
		return resp_redirect(r, "/portal/contacts?done=saved");
	if ((rc = form_problem(r, rc, &status)) != 0)
		return rc;
	/* the form again with what was typed */
	typed = json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:b}", "name", f.name, "role", f.role,
	                  "email", f.email, "phone", f.phone, "webhook", f.webhook_url, "24x7",
	                  f.always_on);
	rc = contact_edit_page(r, id, typed, r->err.msg, status);
	json_decref(typed);
	return rc;
}

int page_portal_contact_remove(struct req *r)
{
	char actor[128];
	struct act act;
	long id;
	int rc;

	if ((rc = portal_act(r, 0, &act, actor, sizeof(actor))) != 0 || (rc = path_id(r, &id)) != 0)
		return rc;
	if ((rc = db_begin(r->db, &r->err)) != 0 ||
	    (rc = org_contact_remove(r->db, &act, r->user.org, id, &r->err)) != 0 ||
	    (rc = db_commit(r->db, &r->err)) != 0)
		return rc;
	return resp_redirect(r, "/portal/contacts?done=removed");
}

/* ---- netblocks ---- */

static int netblocks_page(struct req *r, const char *error, int status)
{
	json_t *o = NULL, *n;
	size_t i;
	int rc;

	if ((rc = org_show(r->db, r->user.org, &o, &r->err)) != 0)
		return rc;
	portal_head(r, "Netblocks", error ? NULL : done_message(r), error);
	html_printf(&r->out, "<p class=\"muted\">Scan results are mapped to the organisation of"
	                     " the most specific registered netblock that holds the"
	                     " address.</p>\n");
	if (json_array_size(json_object_get(o, "netblock_list")) == 0)
		html_printf(&r->out, "<p class=\"muted\">No netblocks registered.</p>\n");
	else
		html_printf(&r->out,
		            "<table class=\"netblocks\">\n<tr><th>CIDR</th><th></th></tr>\n");
	json_array_foreach(json_object_get(o, "netblock_list"), i, n)
	{
		const char *cidr = json_string_value(json_object_get(n, "cidr"));
		html_printf(
		    &r->out,
		    "<tr><td>%s</td><td><form method=\"post\" action=\"/portal/netblocks/remove\""
		    " class=\"inline\">",
		    cidr);
		page_csrf_input(r);
		html_printf(
		    &r->out,
		    "<input type=\"hidden\" name=\"cidr\" value=\"%s\"><button type=\"submit\""
		    " aria-label=\"Remove %s\">Remove</button></form></td></tr>\n",
		    cidr, cidr);
	}
	if (json_array_size(json_object_get(o, "netblock_list")))
		html_printf(&r->out, "</table>\n");
	html_printf(&r->out, "<h2>Add a netblock</h2>\n<form method=\"post\""
	                     " action=\"/portal/netblocks/add\" class=\"filter\">");
	page_csrf_input(r);
	html_printf(&r->out, "<p><label for=\"cidr\">IPv4 or IPv6 CIDR</label><input id=\"cidr\""
	                     " name=\"cidr\" required placeholder=\"e.g. 10.20.0.0/16\"></p>\n"
	                     "<p><button type=\"submit\">Add</button></p>\n</form>\n");
	json_decref(o);
	page_end(r, status);
	return 0;
}

int page_portal_netblocks(struct req *r)
{
	int rc = portal_org(r, 1);

	return rc ? rc : netblocks_page(r, NULL, 200);
}

/* Adding and removing a netblock: the same form (one CIDR), one model call each; missing is
 * the message for a form without one. Returns the model's rc after the commit. */
static int netblock_change(struct req *r,
                           int (*change)(struct db *db, const struct act *act, const char *org,
                                         const char *cidr, struct err *e),
                           const char *missing)
{
	char actor[128];
	struct act act;
	const char *cidr = field_text(r, "cidr");
	int rc;

	if ((rc = portal_act(r, 1, &act, actor, sizeof(actor))) != 0)
		return rc;
	if (cidr == NULL)
		rc = err_set(&r->err, ERR_INPUT, "%s", missing);
	else if ((rc = db_begin(r->db, &r->err)) == 0 &&
	         (rc = change(r->db, &act, r->user.org, cidr, &r->err)) == 0)
		rc = db_commit(r->db, &r->err);
	return rc;
}

int page_portal_netblock_add(struct req *r)
{
	int rc =
	    netblock_change(r, org_netblock_add, "field cidr: give a netblock, e.g. 192.0.2.0/24");

	/* the model names the organisation that has it: not for another organisation's eyes */
	if (rc == ERR_CONFLICT)
		err_set(&r->err, ERR_CONFLICT,
		        "netblock %s is registered to another organisation; ask the NCSC if it is"
		        " yours",
		        field_text(r, "cidr"));
	return form_done(r, rc, "/portal/netblocks?done=added", netblocks_page);
}

int page_portal_netblock_remove(struct req *r)
{
	int rc = netblock_change(r, org_netblock_remove, "field cidr: missing");

	return form_done(r, rc, "/portal/netblocks?done=removed", netblocks_page);
}

/* ---- follow-up: report back, comply or explain ---- */

/* The answer form of a request; values from the form when it is shown again. */
static void followup_form(struct req *r, const char *advisory, json_t *q)
{
	static const char *const statuses[] = {"patched", "mitigated", "switched-off", "kept-on"};
	static const char *const help[] = {
	    "patched: the systems run a fixed version (give it)",
	    "mitigated: the vendor's mitigations are in place (say which)",
	    "switched-off: the systems are off",
	    "kept-on: the systems stay on; explain each of the three conditions below"};
	const char *given = field_text(r, "status");

	html_printf(&r->out,
	            "<form method=\"post\" action=\"/portal/followup/%s\" class=\"followup\">",
	            advisory);
	page_csrf_input(r);
	html_printf(&r->out,
	            "<input type=\"hidden\" name=\"request\" value=\"%lld\">\n<fieldset>"
	            "<legend>Status</legend>\n",
	            (long long)json_integer_value(json_object_get(q, "request")));
	for (size_t i = 0; i < 4; i++)
		html_printf(
		    &r->out,
		    "<label><input type=\"radio\" name=\"status\" value=\"%s\"%s required> %s"
		    "</label>\n",
		    statuses[i], given && strcmp(given, statuses[i]) == 0 ? " checked" : "",
		    help[i]);
	html_printf(&r->out, "</fieldset>\n");
	html_printf(
	    &r->out,
	    "<p><label for=\"version\">Version running now (patched)</label><input"
	    " id=\"version\" name=\"version\" value=\"%s\"></p>\n<p><label for=\"date\">When"
	    " it was done (ISO 8601, default now)</label><input id=\"date\" name=\"date\""
	    " value=\"%s\" placeholder=\"2020-01-20T09:00:00Z\"></p>\n<p><label"
	    " for=\"measures\">Measures taken (mitigated)</label><textarea id=\"measures\""
	    " name=\"measures\" rows=\"3\" cols=\"70\">%s</textarea></p>\n",
	    field_text(r, "version"), field_text(r, "date"), field_text(r, "measures"));
	html_printf(&r->out, "<fieldset><legend>Kept on: comply or explain (all three are"
	                     " required)</legend>\n");
	for (int i = 0; i < 3; i++) {
		char key[4] = {'c', (char)('1' + i), '\0', '\0'};
		html_printf(&r->out,
		            "<p><label for=\"%s\">C%d: %s</label><textarea id=\"%s\" name=\"%s\""
		            " rows=\"3\" cols=\"70\">%s</textarea></p>\n",
		            key, i + 1, followup_condition_text[i], key, key, field_text(r, key));
	}
	html_printf(&r->out,
	            "</fieldset>\n<p><label for=\"note\">Note</label><textarea id=\"note\""
	            " name=\"note\" rows=\"2\" cols=\"70\">%s</textarea></p>\n<p><button"
	            " type=\"submit\">Send the answer</button></p>\n</form>\n",
	            field_text(r, "note"));
}

static int followup_page(struct req *r, const char *advisory, const char *error, int status)
{
	struct advisory_version v;
	json_t *st = NULL, *q, *mine;
	size_t i;
	int rc, asked = 0;

	/* what the asker may not read does not exist */
	if ((rc = access_load(r, advisory, NULL, &v)) != 0)
		return rc;
	advisory_version_free(&v);
	if ((rc = followup_status(r->db, advisory, 0, r->now, &st, &r->err)) != 0)
		return rc;
	portal_head(r, "Follow-up", error ? NULL : done_message(r), error);
	html_printf(&r->out, "<p>Advisory <a href=\"/advisories/%s\">%s</a></p>\n", advisory,
	            advisory);
	json_array_foreach(json_object_get(st, "requests"), i, q)
	{
		const char *state;
		int closed = json_is_true(json_object_get(q, "closed"));
		if ((mine = followup_mine(r, q)) == NULL)
			continue;
		asked++;
		state = json_string_value(json_object_get(mine, "state"));
		html_printf(
		    &r->out,
		    "<section class=\"request\"><h2>Request %lld</h2>\n<p class=\"question\">"
		    "%s</p>\n<dl class=\"meta\"><dt>Asked</dt><dd>%s by %s</dd><dt>Deadline"
		    "</dt><dd>%s%s</dd><dt>Your state</dt><dd class=\"state-%s\">%s</dd>",
		    (long long)json_integer_value(json_object_get(q, "request")),
		    json_string_value(json_object_get(q, "question")),
		    json_string_value(json_object_get(q, "asked_at")),
		    json_string_value(json_object_get(q, "requested_by")),
		    json_string_value(json_object_get(q, "deadline")), closed ? " (closed)" : "",
		    state, state);
		if (json_object_get(mine, "status") &&
		    !json_is_null(json_object_get(mine, "status")))
			html_printf(&r->out, "<dt>Your answer</dt><dd>%s, %s%s</dd>",
			            json_string_value(json_object_get(mine, "status")),
			            json_string_value(json_object_get(mine, "answered_at")),
			            json_is_true(json_object_get(mine, "late"))
			                ? " (after the deadline)"
			                : "");
		for (int k = 0; k < 3; k++) {
			char key[3] = {'c', (char)('1' + k), '\0'};
			const char *c = json_string_value(json_object_get(mine, key));
			if (c)
				html_printf(&r->out, "<dt>C%d</dt><dd>%s</dd>", k + 1, c);
		}
		if (json_string_value(json_object_get(mine, "review_note")))
			html_printf(&r->out, "<dt>Review</dt><dd>%s: %s</dd>",
			            json_string_value(json_object_get(mine, "review")),
			            json_string_value(json_object_get(mine, "review_note")));
		html_printf(&r->out, "</dl>\n");
		if (!closed || strcmp(state, "rejected") == 0)
			followup_form(r, advisory, q);
		else
			html_printf(&r->out, "<p class=\"muted\">The request is closed.</p>\n");
		html_printf(&r->out, "</section>\n");
	}
	if (!asked)
		html_printf(&r->out, "<p class=\"muted\">No follow-up request on this advisory asks"
		                     " your organisation.</p>\n");
	json_decref(st);
	if ((rc = portal_deadlines(r, advisory)) != 0)
		return rc;
	page_end(r, status);
	return 0;
}

int page_portal_followup_form(struct req *r)
{
	int rc = portal_org(r, 0);

	return rc ? rc : followup_page(r, r->params[0], NULL, 200);
}

int page_portal_followup(struct req *r)
{
	char actor[128];
	struct act act;
	struct followup_answer_input in = {0};
	struct advisory_version v;
	const char *request = field_text(r, "request"), *date = field_text(r, "date");
	char where[160], *enc;
	int rc, status;

	if ((rc = portal_act(r, 0, &act, actor, sizeof(actor))) != 0 ||
	    (rc = access_load(r, r->params[0], NULL, &v)) != 0)
		return rc;
	advisory_version_free(&v);
	in.advisory = r->params[0];
	in.org = r->user.org; /* the session's, never the form's */
	in.status = field_text(r, "status");
	in.version = field_text(r, "version");
	in.measures = field_text(r, "measures");
	in.c[0] = field_text(r, "c1");
	in.c[1] = field_text(r, "c2");
	in.c[2] = field_text(r, "c3");
	in.note = field_text(r, "note");
	if (request) {
		in.request = portal_id(request);
		if (in.request == 0)
			rc = err_set(&r->err, ERR_INPUT,
			             "field request: \"%s\" is not a request number", request);
	}
	if (rc == 0 && in.status == NULL)
		rc = err_set(&r->err, ERR_INPUT,
		             "field status: choose patched, mitigated, switched-off or kept-on");
	if (rc == 0 && date && time_parse(date, &in.remedied, &r->err) != 0)
		rc = err_wrap(&r->err, "field date: ");
	if (rc == 0 && (rc = db_begin(r->db, &r->err)) == 0) {
		long answer = 0;
		if ((rc = followup_respond(r->db, &act, &in, &answer, &r->err)) == 0)
			rc = db_commit(r->db, &r->err);
	}
	if (rc == 0) {
		enc = url_encode_dup(r->params[0]);
		snprintf(where, sizeof(where), "/portal/followup/%s?done=answered", enc);
		free(enc);
		return resp_redirect(r, where);
	}
	if ((rc = form_problem(r, rc, &status)) != 0)
		return rc;
	return followup_page(r, r->params[0], r->err.msg, status);
}

/* ---- systems seen in scans ---- */

int page_portal_systems(struct req *r)
{
	char actor[128];
	struct act act;
	struct scan_filter f = {0};
	json_t *rows = NULL, *s, *cves = json_object(), *p;
	const char *cve;
	size_t i, j;
	int rc;

	if ((rc = portal_act(r, 0, &act, actor, sizeof(actor))) != 0)
		goto out;
	f.org = r->user.org;
	f.limit = 2000;
	if ((rc = scan_list(r->db, &act, &f, &rows, &r->err)) != 0)
		goto out;
	portal_head(r, "Systems seen in scans", NULL, NULL);
	html_printf(&r->out, "<p class=\"muted\">Vulnerable systems found in your netblocks by"
	                     " internet scans (Shadowserver and others).</p>\n");
	if (json_array_size(rows) == 0)
		html_printf(&r->out, "<p class=\"muted\">None seen.</p>\n");
	else
		html_printf(&r->out, "<table class=\"systems\">\n<tr><th>CVE</th><th>Address</th>"
		                     "<th>Ports</th><th>Host name</th><th>Product</th><th>First"
		                     " seen</th><th>Last seen</th><th>State</th></tr>\n");
	json_array_foreach(rows, i, s)
	{
		cve = json_string_value(json_object_get(s, "cve"));
		if (cve && *cve)
			json_object_set_new(cves, cve, json_true());
		html_printf(&r->out, "<tr><td>%s</td><td>%s</td><td>", cve,
		            json_string_value(json_object_get(s, "ip")));
		json_array_foreach(json_object_get(s, "ports"), j, p)
		{
			html_printf(&r->out, "%s%lld", j ? ", " : "",
			            (long long)json_integer_value(p));
		}
		html_printf(&r->out,
		            "</td><td>%s</td><td>%s %s</td><td>%s</td><td>%s</td>"
		            "<td class=\"state-%s\">%s</td></tr>\n",
		            json_string_value(json_object_get(s, "hostname")),
		            json_string_value(json_object_get(s, "product")),
		            json_string_value(json_object_get(s, "version")),
		            json_string_value(json_object_get(s, "first_seen")),
		            json_string_value(json_object_get(s, "last_seen")),
		            json_string_value(json_object_get(s, "state")),
		            json_string_value(json_object_get(s, "state")));
	}
	if (json_array_size(rows))
		html_printf(&r->out, "</table>\n");
	json_object_foreach(cves, cve, p)
	{
		html_printf(
		    &r->out,
		    "<h2>%s</h2>\n<p><img class=\"chart\" src=\"/portal/systems/%s/chart.svg\""
		    " alt=\"Your vulnerable systems per day: %s\"></p>\n",
		    cve, cve, cve);
	}
	page_end(r, 200);
out:
	json_decref(rows);
	json_decref(cves);
	return rc;
}

/* The exposure chart of one CVE, the organisation's own systems only. */
int page_portal_chart(struct req *r)
{
	char actor[128];
	struct act act;
	struct scan_stats_opts o = {0};
	json_t *stats = NULL;
	int rc;

	if ((rc = portal_act(r, 0, &act, actor, sizeof(actor))) != 0)
		return rc;
	o.cve = r->params[0];
	o.org = r->user.org;
	if ((rc = scan_stats(r->db, &act, &o, &stats, &r->err)) != 0)
		return rc == ERR_INPUT ? err_set(&r->err, ERR_NOTFOUND, "not found") : rc;
	rc = scan_svg(stats, &r->out);
	json_decref(stats);
	if (rc != 0)
		return err_set(&r->err, ERR_INPUT, "the chart is too large");
	resp_set(r, 200, "image/svg+xml");
	return 0;
}
