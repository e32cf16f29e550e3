/* page_coord.c: the coordinator's screens (DESIGN §1: CIO Rijk and the crisis coordinator;
 * every staff role may read them): the dashboard of advisories (affected, alerted,
 * acknowledged, follow-up answers, BIO deadlines, incidents), one advisory per organisation,
 * the incidents with their logbook, and the exposure chart of scan results. Read-only; the
 * numbers come from the same model functions as `alert status`, `followup status`,
 * `deadline list`, `incident show` and `scan stats`. */
#include "web/pages/pages.h"

#include "core/timeutil.h"
#include "model/dashboard.h"
#include "model/incident.h"
#include "model/scan.h"
#include "web/html.h"

#include <stdlib.h>
#include <string.h>

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static long long jint(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* "2020-01-13T12:00:00Z" as "2020-01-13 12:00" into out; "" for NULL or "". */
static const char *when(const char *iso, char *out, size_t n)
{
	if (iso == NULL || strlen(iso) < 16) {
		snprintf(out, n, "%s", iso ? iso : "");
		return out;
	}
	snprintf(out, n, "%.10s %.5s", iso, iso + 11);
	return out;
}

/* The moment the page shows: ?at=TIME (ISO 8601), else now. */
static int page_asof(struct req *r, int64_t *asof)
{
	const char *at = req_query(r, "at");

	*asof = r->now;
	if (at && *at && time_parse(at, asof, &r->err) != 0)
		return ERR_INPUT;
	return 0;
}

/* A seconds count as "4 min", "2 h 5 min", "3 d 2 h"; "" for null. */
static const char *duration(const json_t *v, char *out, size_t n)
{
	long long s;

	if (!json_is_integer(v)) {
		snprintf(out, n, "-");
		return out;
	}
	s = (long long)json_integer_value(v);
	if (s < 3600)
		snprintf(out, n, "%lld min", s / 60);
	else if (s < 86400)
		snprintf(out, n, "%lld h %lld min", s / 3600, s % 3600 / 60);
	else
		snprintf(out, n, "%lld d %lld h", s / 86400, s % 86400 / 3600);
	return out;
}

void page_alert_versions(struct req *r, const json_t *versions)
{
	const json_t *v;
	char a[32], b[32], c[32];
	size_t i;

	if (json_array_size(versions) == 0) {
		html_printf(&r->out, "<p class=\"muted\">No alerts yet.</p>\n");
		return;
	}
	html_printf(&r->out,
	            "<table class=\"alert-status\">\n<tr><th>Version</th><th>Published</th>"
	            "<th>Alerted</th><th>Delivered</th><th>Acknowledged</th><th>Calls</th>"
	            "<th>Called</th><th>Failed</th><th>Pending</th><th>First delivery</th>"
	            "<th>Last delivery</th></tr>\n");
	json_array_foreach(versions, i, v)
	{
		html_printf(&r->out,
		            "<tr data-version=\"%s\"><td>%s</td><td>%s</td><td class=\"n-alerted\">"
		            "%lld</td><td class=\"n-delivered\">%lld</td><td"
		            " class=\"n-acknowledged\">%lld</td><td class=\"n-to-call\">%lld</td>"
		            "<td class=\"n-called\">%lld</td><td class=\"n-failed\">%lld</td><td"
		            " class=\"n-pending\">%lld</td><td>%s</td><td>%s</td></tr>\n",
		            jstr(v, "version"), jstr(v, "version"),
		            when(jstr(v, "published_at"), a, sizeof(a)), jint(v, "alerted"),
		            jint(v, "delivered"), jint(v, "acknowledged"), jint(v, "to_call"),
		            jint(v, "called"), jint(v, "failed"), jint(v, "pending"),
		            duration(json_object_get(v, "first_delivery_s"), b, sizeof(b)),
		            duration(json_object_get(v, "last_delivery_s"), c, sizeof(c)));
	}
	html_printf(&r->out, "</table>\n");
}

/* The follow-up requests of one advisory (rows of dashboard_advisories' "followup"). */
static void followup_rows(struct req *r, const char *id, const json_t *reqs, int with_id)
{
	const json_t *q;
	char a[32], b[32];
	size_t i;

	json_array_foreach(reqs, i, q)
	{
		html_printf(&r->out, "<tr data-request=\"%s/%lld\">", id, jint(q, "request"));
		if (with_id)
			html_printf(&r->out,
			            "<td><a href=\"/staff/advisories/%s/status\">%s</a></td>", id,
			            id);
		html_printf(
		    &r->out,
		    "<td>%lld</td><td>%s</td><td>%s%s</td><td class=\"n-asked\">%lld</td>"
		    "<td class=\"n-answered\">%lld</td><td class=\"n-kept-on\">%lld</td>"
		    "<td class=\"n-accepted\">%lld</td><td class=\"n-rejected\">%lld</td>"
		    "<td class=\"n-explained\">%lld</td><td class=\"n-open\">%lld</td></tr>\n",
		    jint(q, "request"), when(jstr(q, "asked_at"), a, sizeof(a)),
		    when(jstr(q, "deadline"), b, sizeof(b)),
		    json_is_true(json_object_get(q, "closed")) ? " (closed)" : "", jint(q, "asked"),
		    jint(q, "answered"), jint(q, "kept_on"), jint(q, "accepted"),
		    jint(q, "rejected"), jint(q, "explained"), jint(q, "open"));
	}
}

static void followup_head(struct req *r, int with_id)
{
	html_printf(&r->out, "<table class=\"followup\">\n<tr>");
	if (with_id)
		html_printf(&r->out, "<th>Advisory</th>");
	html_printf(&r->out, "<th>Request</th><th>Asked on</th><th>Deadline</th>"
	                     "<th>Organisations</th><th>Answered</th><th>Kept on</th>"
	                     "<th>Accepted</th><th>Rejected</th><th>Awaiting review</th>"
	                     "<th>Open</th></tr>\n");
}

/* One advisory's row of the dashboard table. */
static void dashboard_row(struct req *r, const json_t *a)
{
	const json_t *al = json_object_get(a, "alerts"), *dl = json_object_get(a, "deadlines"),
	             *inc;
	size_t i;

	html_printf(&r->out,
	            "<tr id=\"adv-%s\"><td><a href=\"/staff/advisories/%s/status\">%s</a> %s<br>"
	            "<span class=\"muted\">%s</span></td><td>%s</td><td class=\"n-affected\">"
	            "%lld</td>",
	            jstr(a, "id"), jstr(a, "id"), jstr(a, "id"), jstr(a, "version"),
	            jstr(a, "title"), jstr(a, "classification"), jint(a, "affected"));
	if (json_is_object(al))
		html_printf(&r->out,
		            "<td class=\"n-alerted\" title=\"version %s\">%lld</td><td"
		            " class=\"n-delivered\">%lld</td><td class=\"n-acknowledged\">%lld</td>"
		            "<td class=\"n-called\">%lld/%lld</td>",
		            jstr(al, "version"), jint(al, "alerted"), jint(al, "delivered"),
		            jint(al, "acknowledged"), jint(al, "called"), jint(al, "to_call"));
	else
		html_printf(&r->out,
		            "<td class=\"n-alerted\">0</td><td"
		            " class=\"n-delivered\">0</td><td class=\"n-acknowledged\">0</td>"
		            "<td class=\"n-called\">0/0</td>");
	html_printf(&r->out,
	            "<td class=\"n-open\">%lld</td><td class=\"n-in-time\">%lld</td><td"
	            " class=\"n-late%s\">%lld</td><td class=\"n-overdue%s\">%lld</td><td"
	            " class=\"n-exempted\">%lld</td><td>",
	            jint(dl, "open"), jint(dl, "in-time"), jint(dl, "late") ? " state-late" : "",
	            jint(dl, "late"), jint(dl, "overdue") ? " state-overdue" : "",
	            jint(dl, "overdue"), jint(dl, "exempted"));
	json_array_foreach(json_object_get(a, "incidents"), i, inc)
	{
		html_printf(&r->out, "<a href=\"/staff/incidents/%s\">%s</a> (level %lld)<br>",
		            jstr(inc, "id"), jstr(inc, "id"), jint(inc, "level"));
	}
	html_printf(&r->out, "</td></tr>\n");
}

int page_dashboard(struct req *r)
{
	json_t *rows = NULL, *a, *incs = NULL, *inc;
	int64_t asof;
	char at[32];
	size_t i, nreq = 0;
	int rc;

	if ((rc = page_asof(r, &asof)) != 0)
		return rc;
	if ((rc = dashboard_advisories(r->db, asof, &rows, &r->err)) != 0)
		return rc;
	if ((rc = incident_list(r->db, &incs, &r->err)) != 0) {
		json_decref(rows);
		return rc;
	}
	time_format(asof, at, sizeof(at));
	page_begin(r, "Dashboard");
	html_printf(&r->out,
	            "<h1>Dashboard</h1>\n<p class=\"muted\">As of <time>%s</time>. Alerts of each"
	            " advisory's latest alerted version (as <code>baken alert status</code>);"
	            " deadlines as <code>baken deadline list</code>.</p>\n",
	            at);
	if (json_array_size(rows) == 0)
		html_printf(&r->out, "<p class=\"muted\">No published advisories.</p>\n");
	else
		html_printf(&r->out,
		            "<table class=\"dashboard\">\n<tr><th rowspan=\"2\">Advisory</th>"
		            "<th rowspan=\"2\">Class.</th><th rowspan=\"2\">Affected</th>"
		            "<th colspan=\"4\">Alerts (organisations)</th><th colspan=\"5\">BIO"
		            " deadlines</th><th rowspan=\"2\">Incident</th></tr>\n<tr>"
		            "<th>Alerted</th><th>Delivered</th><th>Acked</th><th>Called</th>"
		            "<th>Open</th><th>In time</th><th>Late</th><th>Overdue</th>"
		            "<th>Exempted</th></tr>\n");
	json_array_foreach(rows, i, a)
	{
		dashboard_row(r, a);
		nreq += json_array_size(json_object_get(a, "followup"));
	}
	if (json_array_size(rows))
		html_printf(&r->out, "</table>\n");
	html_printf(&r->out, "<h2>Follow-up requests</h2>\n");
	if (nreq == 0)
		html_printf(&r->out, "<p class=\"muted\">No follow-up requests.</p>\n");
	else
		followup_head(r, 1);
	json_array_foreach(rows, i, a)
	{
		followup_rows(r, jstr(a, "id"), json_object_get(a, "followup"), 1);
	}
	if (nreq)
		html_printf(&r->out, "</table>\n");
	html_printf(&r->out, "<h2>Incidents</h2>\n");
	if (json_array_size(incs) == 0)
		html_printf(&r->out, "<p class=\"muted\">No incidents.</p>\n");
	else
		html_printf(&r->out, "<table class=\"incidents\">\n<tr><th>Incident</th>"
		                     "<th>Scale level</th><th>Advisories</th></tr>\n");
	json_array_foreach(incs, i, inc)
	{
		json_t *x;
		size_t j;
		html_printf(&r->out,
		            "<tr id=\"inc-%s\"><td><a href=\"/staff/incidents/%s\">%s</a> %s</td>"
		            "<td class=\"n-level\">%lld</td><td>",
		            jstr(inc, "id"), jstr(inc, "id"), jstr(inc, "id"), jstr(inc, "title"),
		            jint(inc, "level"));
		json_array_foreach(json_object_get(inc, "advisories"), j, x)
		{
			html_printf(&r->out, "%s ", json_string_value(x));
		}
		html_printf(&r->out, "</td></tr>\n");
	}
	if (json_array_size(incs))
		html_printf(&r->out, "</table>\n");
	html_printf(&r->out, "<p><a href=\"/staff/scans\">Exposure (scan results)</a> &middot;"
	                     " <a href=\"/staff/calls\">Calling list</a></p>\n");
	json_decref(rows);
	json_decref(incs);
	page_end(r, 200);
	return 0;
}

int page_advisory_status(struct req *r)
{
	json_t *d = NULL, *a, *o, *p;
	const char *id = r->params[0];
	int64_t asof;
	char at[32], due[32];
	size_t i, j;
	int rc;

	if ((rc = page_asof(r, &asof)) != 0)
		return rc;
	if ((rc = dashboard_advisory(r->db, id, asof, &d, &r->err)) != 0)
		return rc;
	a = json_object_get(d, "advisory");
	time_format(asof, at, sizeof(at));
	page_begin(r, jstr(a, "id"));
	html_printf(&r->out,
	            "<p class=\"muted\">%s versie %s, %s, TLP:%s</p>\n<h1>%s</h1>\n"
	            "<p><a href=\"/advisories/%s\">The advisory</a> &middot; <a"
	            " href=\"/staff/advisories/%s/alerts\">Alerts</a> &middot; <a"
	            " href=\"/staff/scans?advisory=%s\">Exposure</a> &middot; <a"
	            " href=\"/staff/dashboard\">Dashboard</a></p>\n<p class=\"muted\">As of"
	            " <time>%s</time>.</p>\n",
	            jstr(a, "id"), jstr(a, "version"), jstr(a, "classification"), jstr(a, "tlp"),
	            jstr(a, "title"), jstr(a, "id"), jstr(a, "id"), jstr(a, "id"), at);
	html_printf(&r->out, "<h2>Alerts per version</h2>\n");
	page_alert_versions(r, json_object_get(d, "versions"));
	html_printf(&r->out, "<h2>Follow-up requests</h2>\n");
	if (json_array_size(json_object_get(a, "followup")) == 0) {
		html_printf(&r->out, "<p class=\"muted\">No follow-up requests.</p>\n");
	} else {
		json_t *q;
		followup_head(r, 0);
		followup_rows(r, jstr(a, "id"), json_object_get(a, "followup"), 0);
		html_printf(&r->out, "</table>\n");
		json_array_foreach(json_object_get(d, "requests"), i, q)
		{
			html_printf(&r->out, "<p>Request %lld: %s</p>\n", jint(q, "request"),
			            jstr(q, "question"));
		}
	}
	html_printf(&r->out,
	            "<h2>Organisations</h2>\n<table class=\"orgs\">\n<tr><th>Organisation</th>"
	            "<th>Kind</th><th>Affected</th><th>Alerts</th><th>Delivered</th>"
	            "<th>Acknowledged</th><th>Call</th><th>Follow-up</th><th>Deadline</th></tr>\n");
	json_array_foreach(json_object_get(d, "orgs"), i, o)
	{
		const char *fu = jstr(o, "followup"), *dl = jstr(o, "deadline");
		html_printf(&r->out,
		            "<tr id=\"org-%s\"><td>%s<br><span class=\"muted\">%s</span></td><td>%s"
		            "</td><td class=\"n-affected\">%lld",
		            jstr(o, "org"), jstr(o, "org"), jstr(o, "name"), jstr(o, "kind"),
		            jint(o, "affected"));
		json_array_foreach(json_object_get(o, "products"), j, p)
		{
			html_printf(&r->out, "<br><span class=\"muted\">%s</span>",
			            json_string_value(p));
		}
		html_printf(
		    &r->out,
		    "</td><td class=\"n-alerted\">%lld</td><td class=\"n-delivered\">%lld</td>"
		    "<td class=\"n-acknowledged\">%lld</td><td class=\"call\">%s</td>"
		    "<td class=\"followup state-%s\">%s%s%s%s</td>"
		    "<td class=\"deadline state-%s\">%s",
		    jint(o, "alerted"), jint(o, "delivered"), jint(o, "acknowledged"),
		    jstr(o, "call"), fu, fu, *jstr(o, "followup_status") ? " (" : "",
		    jstr(o, "followup_status"), *jstr(o, "followup_status") ? ")" : "", dl, dl);
		if (*dl)
			html_printf(&r->out, "<br><span class=\"muted\">due %s",
			            when(jstr(o, "due"), due, sizeof(due)));
		if (jint(o, "days_over") > 0)
			html_printf(&r->out, ", %lld days over", jint(o, "days_over"));
		if (*dl)
			html_printf(&r->out, "</span>");
		html_printf(&r->out, "</td></tr>\n");
	}
	html_printf(&r->out, "</table>\n");
	json_decref(d);
	page_end(r, 200);
	return 0;
}

/* The advisories of an incident (a JSON array of ids), each a link to its status. */
static void advisory_links(struct req *r, const json_t *advs)
{
	const json_t *x;
	size_t i;

	json_array_foreach(advs, i, x)
	{
		html_printf(&r->out, "<a href=\"/staff/advisories/%s/status\">%s</a> ",
		            json_string_value(x), json_string_value(x));
	}
}

int page_incidents(struct req *r)
{
	json_t *incs = NULL, *inc;
	char a[32];
	size_t i;
	int rc;

	if ((rc = incident_list(r->db, &incs, &r->err)) != 0)
		return rc;
	page_begin(r, "Incidents");
	html_printf(&r->out, "<h1>Incidents</h1>\n");
	if (json_array_size(incs) == 0)
		html_printf(&r->out, "<p class=\"muted\">No incidents.</p>\n");
	else
		html_printf(&r->out,
		            "<table class=\"incidents\">\n<tr><th>Incident</th><th>Title</th>"
		            "<th>Scale level</th><th>Public</th><th>Advisories</th>"
		            "<th>Opened</th></tr>\n");
	json_array_foreach(incs, i, inc)
	{
		html_printf(
		    &r->out,
		    "<tr id=\"inc-%s\"><td><a href=\"/staff/incidents/%s\">%s</a></td><td>%s"
		    "</td><td class=\"n-level\">%lld</td><td>%s</td><td>",
		    jstr(inc, "id"), jstr(inc, "id"), jstr(inc, "id"), jstr(inc, "title"),
		    jint(inc, "level"),
		    json_is_true(json_object_get(inc, "public")) ? "yes" : "no");
		advisory_links(r, json_object_get(inc, "advisories"));
		html_printf(&r->out, "</td><td>%s</td></tr>\n",
		            when(jstr(inc, "created_at"), a, sizeof(a)));
	}
	if (json_array_size(incs))
		html_printf(&r->out, "</table>\n");
	json_decref(incs);
	page_end(r, 200);
	return 0;
}

/* The names of a logbook entry's list (approved-by, participants) after what, when it has any. */
static void log_names(struct req *r, const char *what, const json_t *names)
{
	const json_t *x;
	size_t i;

	if (json_array_size(names) == 0)
		return;
	html_printf(&r->out, "<br><span class=\"muted\">%s ", what);
	json_array_foreach(names, i, x)
	{
		html_printf(&r->out, "%s%s", i ? ", " : "", json_string_value(x));
	}
	html_printf(&r->out, "</span>");
}

/* What a logbook entry says beyond its text: who decided, approved, took part, where. */
static void log_extra(struct req *r, const json_t *en)
{
	if (*jstr(en, "title"))
		html_printf(&r->out, "<strong>%s</strong><br>", jstr(en, "title"));
	html_printf(&r->out, "%s", jstr(en, "text"));
	if (*jstr(en, "channel"))
		html_printf(&r->out, "<br><span class=\"muted\">channel: %s</span>",
		            jstr(en, "channel"));
	if (json_is_integer(json_object_get(en, "level")))
		html_printf(&r->out, "<br><span class=\"muted\">to level %lld</span>",
		            jint(en, "level"));
	if (*jstr(en, "by"))
		html_printf(&r->out, "<br><span class=\"muted\">decided by %s</span>",
		            jstr(en, "by"));
	log_names(r, "approved by", json_object_get(en, "approved_by"));
	log_names(r, "with", json_object_get(en, "participants"));
}

int page_incident(struct req *r)
{
	json_t *d = NULL, *x, *en;
	char a[32], b[32];
	size_t i, j;
	int rc;

	if ((rc = incident_show(r->db, r->params[0], &d, &r->err)) != 0)
		return rc;
	page_begin(r, jstr(d, "title"));
	html_printf(&r->out,
	            "<p class=\"muted\">Incident %s, opened %s by %s%s</p>\n<h1>%s</h1>\n"
	            "<p>Scale level <strong class=\"n-level\">%lld</strong> (0 normal handling,"
	            " 1 NCSC operational coordination, 2 national crisis structure)</p>\n"
	            "<p>Advisories: ",
	            jstr(d, "id"), when(jstr(d, "created_at"), a, sizeof(a)), jstr(d, "created_by"),
	            json_is_true(json_object_get(d, "public")) ? "; public" : "", jstr(d, "title"),
	            jint(d, "level"));
	advisory_links(r, json_object_get(d, "advisories"));
	html_printf(&r->out, "</p>\n<h2>Log</h2>\n");
	if (json_array_size(json_object_get(d, "log")) == 0)
		html_printf(&r->out, "<p class=\"muted\">Nothing logged yet.</p>\n");
	else
		html_printf(&r->out, "<table class=\"log\">\n<tr><th>When</th><th>Kind</th>"
		                     "<th>What</th><th>Recorded by</th></tr>\n");
	json_array_foreach(json_object_get(d, "log"), i, en)
	{
		html_printf(&r->out, "<tr class=\"log-%s\"><td>%s</td><td>%s</td><td>",
		            jstr(en, "kind"), when(jstr(en, "at"), a, sizeof(a)), jstr(en, "kind"));
		log_extra(r, en);
		html_printf(&r->out, "</td><td>%s</td></tr>\n", jstr(en, "recorded_by"));
	}
	if (json_array_size(json_object_get(d, "log")))
		html_printf(&r->out, "</table>\n");
	if (json_array_size(json_object_get(d, "patches"))) {
		html_printf(&r->out, "<h2>Patch timeline</h2>\n<table class=\"patches\">\n<tr>"
		                     "<th>Branch</th><th>Announced</th><th>Released</th></tr>\n");
		json_array_foreach(json_object_get(d, "patches"), i, x)
		{
			json_t *rel = json_object_get(x, "released");
			html_printf(&r->out, "<tr><td>%s</td><td>", jstr(x, "branch"));
			json_array_foreach(json_object_get(x, "announcements"), j, en)
			{
				html_printf(&r->out,
				            "%s <span class=\"muted\">(said %s)</span><br>",
				            when(jstr(en, "date"), a, sizeof(a)),
				            when(jstr(en, "at"), b, sizeof(b)));
			}
			html_printf(&r->out, "</td><td>");
			if (json_is_object(rel))
				html_printf(&r->out, "%s on %s", jstr(rel, "version"),
				            when(jstr(rel, "at"), a, sizeof(a)));
			html_printf(&r->out, "</td></tr>\n");
		}
		html_printf(&r->out, "</table>\n");
	}
	if (json_array_size(json_object_get(d, "faq"))) {
		html_printf(&r->out, "<h2>FAQ</h2>\n<dl>\n");
		json_array_foreach(json_object_get(d, "faq"), i, x)
		{
			html_printf(&r->out, "<dt>%s</dt><dd>%s</dd>\n", jstr(x, "question"),
			            jstr(x, "answer"));
		}
		html_printf(&r->out, "</dl>\n");
	}
	html_printf(&r->out, "<p><a href=\"/staff/incidents\">All incidents</a></p>\n");
	json_decref(d);
	page_end(r, 200);
	return 0;
}

/* The column names of a split ("kind", "sector"): every value any day has, in first-seen order. */
static json_t *split_columns(const json_t *days, const char *by)
{
	json_t *cols = json_array(), *d, *b, *c;
	size_t i, j, k;

	json_array_foreach(days, i, d)
	{
		json_array_foreach(json_object_get(d, "by"), j, b)
		{
			const char *name = jstr(b, by);
			int seen = 0;
			json_array_foreach(cols, k, c)
			{
				seen |= strcmp(json_string_value(c), name) == 0;
			}
			if (!seen)
				json_array_append_new(cols, json_string(name));
		}
	}
	return cols;
}

/* Without advisory or cve: every CVE seen, with links to its chart. */
static int scans_overview(struct req *r)
{
	struct scan_stats_opts o = {0};
	struct act act = {"web", r->now};
	json_t *rows = NULL, *x;
	char a[32], b[32];
	size_t i;
	int rc;

	if ((rc = scan_stats(r->db, &act, &o, &rows, &r->err)) != 0)
		return rc;
	page_begin(r, "Exposure");
	html_printf(&r->out, "<h1>Vulnerable systems seen in scans</h1>\n");
	if (json_array_size(rows) == 0)
		html_printf(&r->out, "<p class=\"muted\">No scan results imported.</p>\n");
	else
		html_printf(&r->out, "<table class=\"scans\">\n<tr><th>CVE</th><th>Advisories</th>"
		                     "<th>Systems</th><th>Vulnerable</th><th>Fixed</th>"
		                     "<th>Organisations</th><th>Unmatched</th><th>First seen</th>"
		                     "<th>Last seen</th></tr>\n");
	json_array_foreach(rows, i, x)
	{
		json_t *adv;
		size_t j;
		html_printf(&r->out, "<tr><td><a href=\"/staff/scans?cve=%s\">%s</a></td><td>",
		            jstr(x, "cve"), jstr(x, "cve"));
		json_array_foreach(json_object_get(x, "advisories"), j, adv)
		{
			html_printf(&r->out, "<a href=\"/staff/scans?advisory=%s\">%s</a> ",
			            json_string_value(adv), json_string_value(adv));
		}
		html_printf(&r->out,
		            "</td><td>%lld</td><td>%lld</td><td>%lld</td><td>%lld</td><td>%lld</td>"
		            "<td>%s</td><td>%s</td></tr>\n",
		            jint(x, "systems"), jint(x, "vulnerable"), jint(x, "fixed"),
		            jint(x, "organisations"), jint(x, "unmatched"),
		            when(jstr(x, "first_seen"), a, sizeof(a)),
		            when(jstr(x, "last_seen"), b, sizeof(b)));
	}
	if (json_array_size(rows))
		html_printf(&r->out, "</table>\n");
	json_decref(rows);
	page_end(r, 200);
	return 0;
}

int page_scans(struct req *r)
{
	struct scan_stats_opts o = {0};
	struct act act = {"web", r->now};
	const char *by = req_query(r, "by");
	json_t *st = NULL, *cols, *d, *c, *b;
	struct buf svg;
	char a[32], z[32];
	size_t i, j, k;
	int rc;

	o.advisory = req_query(r, "advisory");
	o.cve = req_query(r, "cve");
	if (o.advisory && *o.advisory == '\0')
		o.advisory = NULL;
	if (o.cve && *o.cve == '\0')
		o.cve = NULL;
	if (by == NULL || *by == '\0')
		by = "kind";
	if (strcmp(by, "kind") != 0 && strcmp(by, "sector") != 0)
		return err_set(&r->err, ERR_INPUT, "by=%s: expected kind or sector", by);
	if (o.advisory && o.cve)
		return err_set(&r->err, ERR_INPUT, "give advisory or cve, not both");
	if (o.advisory == NULL && o.cve == NULL)
		return scans_overview(r);
	o.by = by;
	if ((rc = scan_stats(r->db, &act, &o, &st, &r->err)) != 0)
		return rc;
	buf_init(&svg, 8u << 20);
	if (scan_svg(st, &svg) != 0) {
		buf_free(&svg);
		json_decref(st);
		return err_set(&r->err, ERR_IO, "the chart does not fit");
	}
	page_begin(r, "Exposure");
	html_printf(&r->out, "<h1>Vulnerable systems per day: %s</h1>\n",
	            o.advisory ? o.advisory : o.cve);
	html_printf(&r->out,
	            "<p>%lld systems seen (%lld still vulnerable, %lld fixed: not seen in the last"
	            " %lld scans of their source); first seen %s, last seen %s. Split by: "
	            "<a href=\"/staff/scans?%s=%s&amp;by=kind\">kind</a> &middot; "
	            "<a href=\"/staff/scans?%s=%s&amp;by=sector\">sector</a></p>\n",
	            jint(st, "systems"), jint(st, "vulnerable"), jint(st, "fixed"),
	            jint(st, "fixed_after"), when(jstr(st, "first_seen"), a, sizeof(a)),
	            when(jstr(st, "last_seen"), z, sizeof(z)), o.advisory ? "advisory" : "cve",
	            o.advisory ? o.advisory : o.cve, o.advisory ? "advisory" : "cve",
	            o.advisory ? o.advisory : o.cve);
	if (o.advisory)
		html_printf(&r->out,
		            "<p><a href=\"/staff/advisories/%s/status\">Status of %s</a></p>\n",
		            o.advisory, o.advisory);
	/* the chart: drawn by scan_svg, which escapes every text it writes */
	html_printf(&r->out, "<figure class=\"chart\">\n");
	buf_add(&r->out, buf_str(&svg), svg.len);
	html_printf(&r->out, "</figure>\n");
	buf_free(&svg);
	cols = split_columns(json_object_get(st, "days"), by);
	html_printf(
	    &r->out,
	    "<h2>Per day</h2>\n<table class=\"per-day\">\n<tr><th>Day</th><th>Systems</th>");
	json_array_foreach(cols, k, c)
	{
		html_printf(&r->out, "<th>%s</th>", json_string_value(c));
	}
	html_printf(&r->out, "</tr>\n");
	json_array_foreach(json_object_get(st, "days"), i, d)
	{
		html_printf(&r->out,
		            "<tr data-day=\"%s\"><td>%s</td><td class=\"n-systems\">%lld</td>",
		            jstr(d, "day"), jstr(d, "day"), jint(d, "systems"));
		json_array_foreach(cols, k, c)
		{
			long long n = 0;
			json_array_foreach(json_object_get(d, "by"), j, b)
			{
				if (strcmp(jstr(b, by), json_string_value(c)) == 0)
					n = jint(b, "systems");
			}
			html_printf(&r->out, "<td>%lld</td>", n);
		}
		html_printf(&r->out, "</tr>\n");
	}
	html_printf(&r->out, "</table>\n<p><a href=\"/staff/scans\">All CVEs</a></p>\n");
	json_decref(cols);
	json_decref(st);
	page_end(r, 200);
	return 0;
}
