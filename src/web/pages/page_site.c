/* page_site.c: the layout, the home page, health, metrics, the stylesheet, security.txt,
 * logging in and out, acknowledging an alert from the mail link, and the calling list. */
#include "web/pages/pages.h"

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "model/alert.h"
#include "model/config.h"
#include "model/org.h"
#include "web/access.h"
#include "web/app.h"
#include "web/html.h"
#include "web/metrics.h"

#include <stdlib.h>
#include <string.h>

void page_csrf_input(struct req *r)
{
	html_printf(&r->out, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", req_csrf(r));
}

void page_begin(struct req *r, const char *title)
{
	char *site = req_site_name(r);

	html_printf(&r->out,
	            "<!doctype html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
	            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	            "<title>%s | %s</title>\n<link rel=\"stylesheet\" href=\"/style.css\">\n"
	            "<link rel=\"icon\" type=\"image/svg+xml\" href=\"/favicon.svg\">\n"
	            "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"%s advisories\""
	            " href=\"/feed.atom\">\n</head>\n<body>\n<header>\n"
	            "<a class=\"brand\" href=\"/\">%s</a>\n<nav>\n"
	            "<a href=\"/advisories\">Advisories</a>\n",
	            title, site, site, site);
	if (r->user.id) {
		html_printf(&r->out, "<a href=\"/portal\">%s (%s%s%s)</a>\n", r->user.name,
		            r->user.role, r->user.org[0] ? ", " : "", r->user.org);
		if (user_has_role(&r->user, "analyst"))
			html_printf(&r->out,
			            "<a href=\"/staff/advisories/new\">New advisory</a>\n");
		if (user_is_staff(&r->user))
			html_printf(&r->out, "<a href=\"/staff/calls\">Calls</a>\n"
			                     "<a href=\"/staff/dashboard\">Dashboard</a>\n"
			                     "<a href=\"/staff/incidents\">Incidents</a>\n"
			                     "<a href=\"/staff/scans\">Exposure</a>\n");
		html_printf(&r->out, "<form method=\"post\" action=\"/logout\" class=\"inline\">");
		page_csrf_input(r);
		html_printf(&r->out, "<button type=\"submit\">Log out</button></form>\n");
	} else {
		html_printf(&r->out, "<a href=\"/login\">Log in</a>\n");
	}
	html_printf(&r->out, "</nav>\n</header>\n<main>\n");
	free(site);
}

void page_end(struct req *r, int status)
{
	html_printf(&r->out, "</main>\n<footer><a href=\"/feed.atom\">Atom feed</a> &middot; "
	                     "<a href=\"/.well-known/security.txt\">security.txt</a> &middot; "
	                     "<a href=\"/api/v1/advisories\">API</a></footer>\n</body>\n</html>\n");
	resp_set(r, status, "text/html; charset=utf-8");
}

void page_error(struct req *r, int status, const char *title, const char *detail)
{
	buf_reset(&r->out);
	if (r->db == NULL) {
		/* no store, no site name: a bare page */
		html_printf(&r->out, "<!doctype html>\n<title>%s</title>\n<h1>%s</h1>\n<p>%s</p>\n",
		            title, title, detail ? detail : "");
		resp_set(r, status, "text/html; charset=utf-8");
		return;
	}
	page_begin(r, title);
	html_printf(&r->out, "<h1>%s</h1>\n", title);
	if (detail)
		html_printf(&r->out, "<p>%s</p>\n", detail);
	if (status == 404)
		html_printf(&r->out, "<p><a href=\"/advisories\">All advisories</a></p>\n");
	page_end(r, status);
}

int page_home(struct req *r)
{
	struct access_filter f = {.limit = 10};
	json_t *rows = NULL, *row;
	char *site;
	size_t i;
	int rc;

	if ((rc = access_list(r, &f, &rows)) != 0)
		return rc;
	site = req_site_name(r);
	page_begin(r, "Beveiligingsadviezen");
	html_printf(
	    &r->out,
	    "<h1>%s beveiligingsadviezen</h1>\n<p>Advisories about vulnerabilities, with"
	    " their likelihood and impact, every version kept.</p>\n<h2>Latest</h2>\n<ul>\n",
	    site);
	json_array_foreach(rows, i, row)
	{
		html_printf(&r->out,
		            "<li><a href=\"/advisories/%s\">%s</a> [%s] %s <span"
		            " class=\"muted\">%s</span></li>\n",
		            json_string_value(json_object_get(row, "id")),
		            json_string_value(json_object_get(row, "id")),
		            json_string_value(json_object_get(row, "classification")),
		            json_string_value(json_object_get(row, "title")),
		            json_string_value(json_object_get(row, "date")));
	}
	html_printf(&r->out, "</ul>\n<p><a href=\"/advisories\">All advisories</a></p>\n");
	json_decref(rows);
	free(site);
	r->cache_public = 1;
	page_end(r, 200);
	return 0;
}

int page_healthz(struct req *r)
{
	int64_t n = 0;

	/* the store answers too */
	if (db_query_int(r->db, "SELECT 1", NULL, &n, &r->err) != 0 || n != 1)
		return err_set(&r->err, ERR_DB, "the store does not answer");
	buf_adds(&r->out, "ok\n");
	resp_set(r, 200, "text/plain; charset=utf-8");
	return 0;
}

int page_metrics(struct req *r)
{
	int staff = r->user.id != 0 && user_is_staff(&r->user);
	int rc = metrics_render(r->app->metrics, r->db, staff, &r->out, &r->err);

	if (rc != 0)
		return rc;
	resp_set(r, 200, "text/plain; version=0.0.4; charset=utf-8");
	return 0;
}

int page_style(struct req *r)
{
	buf_adds(
	    &r->out,
	    ":root{--fg:#1b1b1b;--muted:#5c5c5c;--line:#d0d7de;--accent:#154273;"
	    "--bg:#fff;--warn:#8a1c1c}\n"
	    "*{box-sizing:border-box}\n"
	    "body{margin:0;font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",sans-serif;"
	    "color:var(--fg);background:var(--bg)}\n"
	    "header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;"
	    "padding:.6rem 1.2rem;background:var(--accent);color:#fff}\n"
	    "header a,header button{color:#fff}\n"
	    ".brand{font-weight:700;text-decoration:none;margin-right:auto}\n"
	    "nav{display:flex;gap:1rem;align-items:center;flex-wrap:wrap}\n"
	    "nav button{background:none;border:1px solid #fff;border-radius:3px;"
	    "cursor:pointer;font:inherit;padding:0 .4rem}\n"
	    "main{max-width:70rem;margin:0 auto;padding:1rem 1.2rem}\n"
	    "footer{max-width:70rem;margin:2rem auto;padding:0 1.2rem;color:var(--muted)}\n"
	    "table{border-collapse:collapse;width:100%}\n"
	    "th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;"
	    "vertical-align:top}\n"
	    "th{background:#f3f5f7}\n"
	    "dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}\n"
	    "dl.meta dt{font-weight:600}\n dl.meta dd{margin:0}\n"
	    ".muted{color:var(--muted)}\n"
	    ".tlp{font-weight:700;padding:0 .3rem;border-radius:3px;background:#000}\n"
	    ".tlp-CLEAR{color:#fff}.tlp-GREEN{color:#33ff00}.tlp-AMBER,.tlp-AMBER\\+STRICT"
	    "{color:#ffc000}.tlp-RED{color:#ff2b2b}\n"
	    ".level-high{color:var(--warn);font-weight:700}\n"
	    "form.inline{display:inline}\n"
	    "form.filter{display:flex;gap:.6rem;flex-wrap:wrap;align-items:end;"
	    "margin:1rem 0}\n"
	    "label{display:block;font-weight:600}\n"
	    "input,button,select{font:inherit}\n"
	    ".error{color:var(--warn);font-weight:600}\n"
	    ".notice{border-left:4px solid var(--accent);padding:.3rem .6rem;background:#eef3f8}\n"
	    "nav.portal{margin:.5rem 0 1rem}\n"
	    "fieldset{border:1px solid var(--line);margin:.6rem 0}\n"
	    "fieldset label{font-weight:400}\n"
	    "textarea{font:inherit;max-width:100%}\n"
	    ".state-overdue,.state-late,.state-rejected,.state-unanswered{color:var(--warn);"
	    "font-weight:600}\n"
	    "pre{white-space:pre-wrap}\n"
	    ".versions td:nth-child(3){white-space:nowrap}\n"
	    ".tlp-notice{border-left:4px solid #ffc000;padding:.3rem .6rem;background:#fff8e1}\n");
	r->cache_public = 1;
	resp_set(r, 200, "text/css; charset=utf-8");
	return 0;
}

/* A beacon (baken), for the browser's tab. */
int page_favicon(struct req *r)
{
	buf_adds(&r->out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\">"
	                  "<rect width=\"32\" height=\"32\" rx=\"6\" fill=\"#154273\"/>"
	                  "<path d=\"M13 26h6l-1.5-14h-3z\" fill=\"#fff\"/>"
	                  "<circle cx=\"16\" cy=\"9\" r=\"3\" fill=\"#ffc000\"/></svg>\n");
	r->cache_public = 1;
	resp_set(r, 200, "image/svg+xml");
	return 0;
}

int page_security_txt(struct req *r)
{
	char *url = req_site_url(r), *from = config_get(r->db, "smtp.from", NULL), expires[32];

	time_format(r->now + 365 * 86400, expires, sizeof(expires));
	if (from && strchr(from, '@'))
		buf_printf(&r->out, "Contact: mailto:%s\n", from);
	else
		buf_printf(&r->out, "Contact: %s/.well-known/security.txt\n", url);
	buf_printf(&r->out,
	           "Expires: %s\nPreferred-Languages: nl, en\nCanonical: %s/.well-known/"
	           "security.txt\nPolicy: %s/advisories\n"
	           "CSAF: %s/.well-known/csaf/provider-metadata.json\n",
	           expires, url, url, url);
	free(url);
	free(from);
	r->cache_public = 1;
	resp_set(r, 200, "text/plain; charset=utf-8");
	return 0;
}

/* ---- logging in and out ---- */

/* A local path to go to after login, or "/portal". */
static const char *next_path(const char *next)
{
	if (!resp_local_path(next))
		return "/portal";
	return next;
}

static void login_form(struct req *r, const char *msg, const char *name, int status)
{
	const char *next = req_form(r, "next");

	if (next == NULL)
		next = req_query(r, "next");
	page_begin(r, "Log in");
	html_printf(&r->out, "<h1>Log in</h1>\n");
	if (msg)
		html_printf(&r->out, "<p class=\"error\">%s</p>\n", msg);
	html_printf(&r->out,
	            "<form method=\"post\" action=\"/login\">\n"
	            "<p><label for=\"name\">User name</label><input id=\"name\" name=\"name\""
	            " autocomplete=\"username\" required value=\"%s\"></p>\n"
	            "<p><label for=\"password\">Password</label><input id=\"password\""
	            " name=\"password\" type=\"password\" autocomplete=\"current-password\""
	            " required></p>\n<input type=\"hidden\" name=\"next\" value=\"%s\">",
	            name ? name : "", next_path(next));
	page_csrf_input(r);
	html_printf(&r->out, "<p><button type=\"submit\">Log in</button></p>\n</form>\n");
	page_end(r, status);
}

int page_login_form(struct req *r)
{
	if (r->user.id)
		return resp_redirect(r, "/portal");
	login_form(r, NULL, NULL, 200);
	return 0;
}

int page_login(struct req *r)
{
	const char *name = req_form(r, "name"), *pw = req_form(r, "password");
	char cookie[USER_SESSION_LEN + 1], csrf[USER_CSRF_LEN + 1];
	struct user u;
	int limited = 0, rc;

	if (name == NULL || pw == NULL || !*name || !*pw) {
		login_form(r, "Give a user name and a password.", name, 400);
		return 0;
	}
	if (!r->on_worker)
		return HTTP_DEFER; /* argon2id: about 90 ms, not on an event thread */
	rc = user_login(r->db, name, pw, r->addr, r->now, &u, &limited, &r->err);
	metrics_login(r->app->metrics, rc == 0, limited);
	if (rc == ERR_PERM) {
		login_form(r,
		           limited ? "Too many failed attempts; try again in 15 minutes."
		                   : "Wrong user name or password.",
		           name, limited ? 429 : 401);
		return 0;
	}
	if (rc != 0)
		return rc;
	if ((rc = db_begin(r->db, &r->err)) != 0)
		return rc;
	rc = user_session_create(r->db, u.id, r->now, cookie, csrf, &r->err);
	if (rc == 0)
		rc = db_commit(r->db, &r->err);
	if (rc != 0)
		return rc;
	r->user = u;
	strlcpy_safe(r->csrf, csrf, sizeof(r->csrf));
	resp_cookie(r, "baken_session", cookie, USER_SESSION_TTL, "Lax");
	resp_cookie(r, "baken_csrf", "", -1, "Strict");
	return resp_redirect(r, next_path(req_form(r, "next")));
}

int page_logout(struct req *r)
{
	const char *cookie = req_cookie(r, "baken_session");
	int rc;

	if (cookie) {
		if ((rc = db_begin(r->db, &r->err)) != 0)
			return rc;
		if ((rc = user_session_end(r->db, cookie, &r->err)) != 0 ||
		    (rc = db_commit(r->db, &r->err)) != 0)
			return rc;
	}
	resp_cookie(r, "baken_session", "", -1, "Lax");
	return resp_redirect(r, "/");
}

/* ---- the acknowledgement link of an alert mail ---- */

/* A GET only shows a form: mail scanners fetch links, and must not acknowledge for a person. */
int page_ack_form(struct req *r)
{
	const char *token = r->params[0];

	if (strlen(token) != 64 || strspn(token, "0123456789abcdef") != 64)
		return err_set(&r->err, ERR_NOTFOUND, "unknown link");
	page_begin(r, "Ontvangst bevestigen");
	html_printf(&r->out,
	            "<h1>Ontvangst bevestigen</h1>\n<p>Bevestig dat uw organisatie het advies"
	            " heeft ontvangen. <span class=\"muted\">(Confirm that your organisation"
	            " received the advisory.)</span></p>\n<form method=\"post\""
	            " action=\"/ack/%s\">",
	            token);
	page_csrf_input(r);
	html_printf(&r->out, "<p><button type=\"submit\">Bevestigen / Confirm</button></p>\n"
	                     "</form>\n");
	page_end(r, 200);
	return 0;
}

int page_ack(struct req *r)
{
	struct act act = {"web:link", r->now};
	char actor[128];
	json_t *res = NULL;
	int rc;

	if (r->user.id) {
		snprintf(actor, sizeof(actor), "web:%s", r->user.name);
		act.actor = actor;
	}
	if ((rc = db_begin(r->db, &r->err)) != 0)
		return rc;
	rc = alert_ack_token(r->db, &act, r->params[0], &res, &r->err);
	if (rc == 0)
		rc = db_commit(r->db, &r->err);
	if (rc != 0) {
		json_decref(res);
		return rc;
	}
	page_begin(r, "Ontvangst bevestigd");
	html_printf(&r->out,
	            "<h1>Ontvangst bevestigd</h1>\n<p>Dank u. Alert %lld is bevestigd%s."
	            " <span class=\"muted\">(Acknowledged.)</span></p>\n",
	            (long long)json_integer_value(json_object_get(res, "alert")),
	            json_is_true(json_object_get(res, "already")) ? " (al eerder)" : "");
	json_decref(res);
	page_end(r, 200);
	return 0;
}

/* ---- the calling list (the portal is in page_portal.c) ---- */

/* The claim button, or (for the one who claimed it) the outcome form, of a call task. */
static void call_forms(struct req *r, json_t *c)
{
	static const char *const outcomes[] = {"reached", "voicemail", "no-answer", "wrong-number",
	                                       NULL};
	long long id = (long long)json_integer_value(json_object_get(c, "alert"));
	const char *by = json_string_value(json_object_get(c, "claimed_by"));
	char me[128];

	snprintf(me, sizeof(me), "web:%s", r->user.name);
	if (by == NULL || *by == '\0') {
		html_printf(&r->out, "<form method=\"post\" action=\"/staff/calls/%lld/claim\">",
		            id);
		page_csrf_input(r);
		html_printf(&r->out, "<button type=\"submit\">Claim</button></form>");
		return;
	}
	if (strcmp(by, me) != 0) {
		html_printf(&r->out, "<span class=\"muted\">claimed by %s</span>", by);
		return;
	}
	html_printf(&r->out, "<form method=\"post\" action=\"/staff/calls/%lld/done\">", id);
	page_csrf_input(r);
	html_printf(&r->out, "<select name=\"outcome\" aria-label=\"Outcome\">");
	for (int i = 0; outcomes[i]; i++)
		html_printf(&r->out, "<option>%s</option>", outcomes[i]);
	html_printf(&r->out,
	            "</select> <input name=\"note\" aria-label=\"Note\" placeholder=\"note\">"
	            " <button type=\"submit\">Done</button></form>");
}

/* The id in the path of a call or alert route; 0 when it is not a number. */
static long path_id(const char *s)
{
	char *end;
	long id = strtol(s, &end, 10);

	return *s && *end == '\0' && id > 0 ? id : 0;
}

int page_call_claim(struct req *r)
{
	char actor[128];
	struct act act = {actor, r->now};
	long id = path_id(r->params[0]);
	int rc;

	snprintf(actor, sizeof(actor), "web:%s", r->user.name);
	if (id == 0)
		return err_set(&r->err, ERR_NOTFOUND, "not found");
	if ((rc = db_begin(r->db, &r->err)) != 0)
		return rc;
	if ((rc = call_claim(r->db, &act, id, &r->err)) != 0 ||
	    (rc = db_commit(r->db, &r->err)) != 0)
		return rc;
	return resp_redirect(r, "/staff/calls");
}

int page_call_done(struct req *r)
{
	char actor[128];
	struct act act = {actor, r->now};
	long id = path_id(r->params[0]);
	const char *outcome = req_form(r, "outcome"), *note = req_form(r, "note");
	int rc;

	snprintf(actor, sizeof(actor), "web:%s", r->user.name);
	if (id == 0)
		return err_set(&r->err, ERR_NOTFOUND, "not found");
	if (outcome == NULL)
		return err_set(&r->err, ERR_INPUT, "choose the outcome of the call");
	if ((rc = db_begin(r->db, &r->err)) != 0)
		return rc;
	if ((rc = call_done(r->db, &act, id, outcome, note && *note ? note : NULL, &r->err)) != 0 ||
	    (rc = db_commit(r->db, &r->err)) != 0)
		return rc;
	return resp_redirect(r, "/staff/calls");
}

int page_calls(struct req *r)
{
	json_t *calls = NULL, *c, *p;
	size_t i, j;
	int rc;

	if ((rc = call_list(r->db, 0, &calls, &r->err)) != 0)
		return rc;
	page_begin(r, "Calling list");
	html_printf(&r->out, "<h1>Calling list</h1>\n");
	if (json_array_size(calls) == 0)
		html_printf(&r->out, "<p class=\"muted\">No open call tasks.</p>\n");
	else
		html_printf(&r->out, "<table>\n<tr><th>Task</th><th>Advisory</th>"
		                     "<th>Organisation</th><th>State</th><th>Numbers</th></tr>\n");
	json_array_foreach(calls, i, c)
	{
		html_printf(&r->out, "<tr><td>%lld</td><td>%s %s</td><td>%s</td><td>%s</td><td>",
		            (long long)json_integer_value(json_object_get(c, "alert")),
		            json_string_value(json_object_get(c, "advisory")),
		            json_string_value(json_object_get(c, "version")),
		            json_string_value(json_object_get(c, "org")),
		            json_string_value(json_object_get(c, "state")));
		json_array_foreach(json_object_get(c, "phones"), j, p)
		{
			const char *num = json_is_string(p)
			                      ? json_string_value(p)
			                      : json_string_value(json_object_get(p, "phone"));
			const char *who = json_is_object(p)
			                      ? json_string_value(json_object_get(p, "name"))
			                      : NULL;
			html_printf(&r->out, "%s%s%s<br>\n", who ? who : "", who ? ": " : "",
			            num ? num : "");
		}
		call_forms(r, c);
		html_printf(&r->out, "</td></tr>\n");
	}
	if (json_array_size(calls))
		html_printf(&r->out, "</table>\n");
	json_decref(calls);
	page_end(r, 200);
	return 0;
}
