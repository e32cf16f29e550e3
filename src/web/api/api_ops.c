/* api_ops.c: more of the CLI through the API, with the same model functions and checks:
 *   contacts        GET and POST /api/v1/orgs/ID/contacts, POST .../contacts/N/update,
 *                   POST .../contacts/N/remove (org contact; list, change, remove as the portal)
 *   netblocks       GET and POST /api/v1/orgs/ID/netblocks, POST .../netblocks/remove
 *   incidents       POST /api/v1/incidents, POST /api/v1/incidents/ID/update, .../scale,
 *                   .../log, .../patch; GET /api/v1/incidents/ID/evaluation (JSON)
 *   follow-up       POST /api/v1/advisories/ID/followup/close
 *   deadlines       POST /api/v1/deadlines/remind
 *   alerts          GET /api/v1/alerts/status (staff: per version, who was alerted, reached)
 *   vulnerabilities GET /api/v1/vulns, GET /api/v1/vulns/CVE
 *   scans           POST /api/v1/scans/import (the file as the body)
 *   to-do           GET /api/v1/todo, POST /api/v1/todo/N/done
 * Roles as DESIGN §1: a constituent keeps the contacts and netblocks of their own organisation
 * (a partner its contacts) only (another answers 403 for a change, 404 for a read), staff those of
 * any; scaling an incident and its logbook are the crisis coordinator's, closing a follow-up
 * request the coordinator's; the router has checked the route's permission before. */
#include "core/timeutil.h"
#include "db/db.h"
#include "model/alert.h"
#include "model/deadline.h"
#include "model/followup.h"
#include "model/incident.h"
#include "model/org.h"
#include "model/report.h"
#include "model/scan.h"
#include "model/todo.h"
#include "model/vuln.h"
#include "web/api/api.h"
#include "web/router.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The organisation of the path (r->params[0]) for a read: staff any, others their own; another
 * answers 404 as if it did not exist. */
static int org_read(struct req *r)
{
	if (user_is_staff(&r->user))
		return 0;
	if (r->user.org[0] == '\0' || strcmp(r->params[0], r->user.org) != 0)
		return err_set(&r->err, ERR_NOTFOUND, "not found");
	return 0;
}

/* ---- contacts ---- */

int api_org_contacts(struct req *r)
{
	json_t *rows = NULL;
	int rc;

	if ((rc = org_read(r)) != 0 ||
	    (rc = org_contact_list(r->db, r->params[0], &rows, &r->err)) != 0)
		return rc;
	return resp_json(r, 200, rows);
}

/* The contact fields of the body (as `org contact`'s options) into f. */
static int contact_body(struct req *r, json_t *b, struct contact_fields *f)
{
	int rc;

	if ((rc = api_text_required(r, b, "name", &f->name)) != 0 ||
	    (rc = api_text(r, b, "role", &f->role)) != 0 ||
	    (rc = api_text(r, b, "email", &f->email)) != 0 ||
	    (rc = api_text(r, b, "phone", &f->phone)) != 0 ||
	    (rc = api_text(r, b, "webhook", &f->webhook_url)) != 0 ||
	    (rc = api_bool(r, b, "24x7", &f->always_on)) != 0)
		return rc;
	return 0;
}

/* The model's "bad e-mail address ...", "bad phone number ...", "bad webhook URL ..." name the
 * body's field in the problem. Returns rc. */
static int contact_problem(struct req *r, int rc)
{
	static const char *const words[][2] = {
	    {"bad e-mail", "email"}, {"bad phone", "phone"}, {"bad webhook", "webhook"}};

	if (rc != ERR_INPUT)
		return rc;
	/* org_contact_update says "field phone: ...": quote the name, as the API's messages do */
	if (strncmp(r->err.msg, "field ", 6) == 0 && r->err.msg[6] != '"') {
		size_t n = strspn(r->err.msg + 6, "abcdefghijklmnopqrstuvwxyz0123456789-_");
		if (n > 0 && n < 32 && r->err.msg[6 + n] == ':') {
			char msg[sizeof(r->err.msg)];
			snprintf(msg, sizeof(msg), "field \"%.*s\"%s", (int)n, r->err.msg + 6,
			         r->err.msg + 6 + n);
			snprintf(r->err.msg, sizeof(r->err.msg), "%s", msg);
			return rc;
		}
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strncmp(r->err.msg, words[i][0], strlen(words[i][0])) == 0)
			return err_wrap(&r->err, "field \"%s\": ", words[i][1]);
	return rc;
}

static const char *const contact_fields[] = {"name",    "role", "email", "phone",
                                             "webhook", "24x7", NULL};

/* The stored contact named name of org, as the list shows it (new reference), or NULL. */
static json_t *contact_named(struct req *r, const char *org, const char *name, long id)
{
	json_t *rows = NULL, *c, *found = NULL;
	size_t i;

	if (org_contact_list(r->db, org, &rows, &r->err) != 0)
		return NULL;
	json_array_foreach(rows, i, c)
	{
		const char *n = json_string_value(json_object_get(c, "name"));
		if ((name && n && strcmp(n, name) == 0) ||
		    (id && json_integer_value(json_object_get(c, "id")) == id))
			found = json_incref(c);
	}
	json_decref(rows);
	return found;
}

/* Adding a contact (update 0: by name, 201) and changing one (update 1: the contact of path
 * segment 1, 200) take the same body and answer the contact as stored. */
static int contact_write(struct req *r, int update)
{
	struct contact_fields f = {0};
	struct act act;
	char actor[128];
	json_t *b = NULL, *res = NULL;
	long id = 0;
	int rc;

	if ((rc = api_org_for(r, r->params[0], &f.org)) != 0 ||
	    (update && (rc = api_path_id(r, 1, &id)) != 0) ||
	    (rc = api_body(r, contact_fields, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = contact_body(r, b, &f)) != 0 || (rc = api_begin(r)) != 0)
		goto out;
	rc = contact_problem(r, update ? org_contact_update(r->db, &act, id, &f, &r->err)
	                               : org_contact_set(r->db, &act, &f, &r->err));
	if (rc == 0 && (res = contact_named(r, f.org, update ? NULL : f.name, id)) == NULL)
		rc = r->err.code ? r->err.code : ERR_DB;
	rc = api_finish(r, rc, update ? 200 : 201, res);
out:
	json_decref(b);
	return rc;
}

int api_org_contact_set(struct req *r)
{
	return contact_write(r, 0);
}

int api_org_contact_update(struct req *r)
{
	return contact_write(r, 1);
}

int api_org_contact_remove(struct req *r)
{
	struct act act;
	char actor[128];
	const char *org;
	json_t *b = NULL;
	long id;
	int rc;

	if ((rc = api_org_for(r, r->params[0], &org)) != 0 || (rc = api_path_id(r, 1, &id)) != 0 ||
	    (rc = api_body(r, NULL, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 || (rc = api_begin(r)) != 0)
		goto out;
	rc = org_contact_remove(r->db, &act, org, id, &r->err);
	rc = api_finish(r, rc, 200,
	                rc ? NULL
	                   : json_pack("{s:s, s:I, s:s}", "org", org, "contact", (json_int_t)id,
	                               "status", "removed"));
out:
	json_decref(b);
	return rc;
}

/* ---- netblocks ---- */

int api_org_netblocks(struct req *r)
{
	json_t *o = NULL, *list;
	int rc;

	if ((rc = org_read(r)) != 0 || (rc = org_show(r->db, r->params[0], &o, &r->err)) != 0)
		return rc;
	list = json_object_get(o, "netblock_list");
	list = list ? json_incref(list) : json_array();
	json_decref(o);
	return resp_json(r, 200, list);
}

/* Netblocks are kept by constituents (DESIGN §1) and staff; a partner has none, as in the
 * portal. */
static int netblock_keeper(struct req *r)
{
	if (user_is_staff(&r->user) || strcmp(r->user.role, "constituent") == 0)
		return 0;
	return err_set(&r->err, ERR_PERM,
	               "netblocks are kept by constituents and staff (you are %s)", r->user.role);
}

int api_org_netblock_add(struct req *r)
{
	static const char *const allowed[] = {"cidr", NULL};
	struct act act;
	char actor[128];
	const char *org, **cidrs = NULL;
	size_t n = 0;
	json_t *b = NULL, *rows = NULL;
	int rc;

	if ((rc = netblock_keeper(r)) != 0 || (rc = api_org_for(r, r->params[0], &org)) != 0 ||
	    (rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = api_list(r, b, "cidr", &cidrs, &n)) != 0)
		goto out;
	if (n == 0) {
		rc = err_set(&r->err, ERR_INPUT,
		             "field \"cidr\" is required: one IPv4 or IPv6 CIDR, or a list");
		goto out;
	}
	if ((rc = api_begin(r)) != 0)
		goto out;
	rows = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = org_netblock_add(r->db, &act, org, cidrs[i], &r->err);
		if (rc == ERR_INPUT)
			rc = err_wrap(&r->err, "field \"cidr\": ");
		json_array_append_new(rows, json_pack("{s:s, s:s}", "org", org, "cidr", cidrs[i]));
	}
	rc = api_finish(r, rc, 201, rows);
out:
	free(cidrs);
	json_decref(b);
	return rc;
}

int api_org_netblock_remove(struct req *r)
{
	static const char *const allowed[] = {"cidr", NULL};
	struct act act;
	char actor[128];
	const char *org, *cidr;
	json_t *b = NULL;
	int rc;

	if ((rc = netblock_keeper(r)) != 0 || (rc = api_org_for(r, r->params[0], &org)) != 0 ||
	    (rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = api_text_required(r, b, "cidr", &cidr)) != 0 || (rc = api_begin(r)) != 0)
		goto out;
	rc = org_netblock_remove(r->db, &act, org, cidr, &r->err);
	if (rc == ERR_INPUT)
		rc = err_wrap(&r->err, "field \"cidr\": ");
	rc = api_finish(
	    r, rc, 200,
	    rc ? NULL
	       : json_pack("{s:s, s:s, s:s}", "org", org, "cidr", cidr, "status", "removed"));
out:
	json_decref(b);
	return rc;
}

/* ---- incidents ---- */

int api_incident_create(struct req *r)
{
	static const char *const allowed[] = {"id", "title", "advisory", "public", NULL};
	struct act act;
	char actor[128], loc[128];
	const char *id, *title, **advs = NULL;
	size_t n = 0;
	int pub = 0, rc;
	json_t *b = NULL;

	if ((rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = api_text_required(r, b, "id", &id)) != 0 ||
	    (rc = api_text_required(r, b, "title", &title)) != 0 ||
	    (rc = api_list(r, b, "advisory", &advs, &n)) != 0 ||
	    (rc = api_bool(r, b, "public", &pub)) != 0 || (rc = api_begin(r)) != 0)
		goto out;
	rc = incident_new(r->db, &act, id, title, advs, n, pub, &r->err);
	if (rc == 0) {
		snprintf(loc, sizeof(loc), "/api/v1/incidents/%s", id);
		resp_header(r, "Location", loc);
	}
	rc = api_finish(r, rc, 201,
	                rc ? NULL
	                   : json_pack("{s:s, s:s, s:i, s:b}", "incident", id, "title", title,
	                               "level", 0, "public", pub));
out:
	free(advs);
	json_decref(b);
	return rc;
}

int api_incident_update(struct req *r)
{
	static const char *const allowed[] = {"title", "advisory", "public", "private", NULL};
	struct act act;
	char actor[128];
	const char *title, **advs = NULL;
	size_t n = 0;
	int pub = 0, priv = 0, rc;
	json_t *b = NULL;

	if ((rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = api_text(r, b, "title", &title)) != 0 ||
	    (rc = api_list(r, b, "advisory", &advs, &n)) != 0 ||
	    (rc = api_bool(r, b, "public", &pub)) != 0 ||
	    (rc = api_bool(r, b, "private", &priv)) != 0)
		goto out;
	/* "public": false is the CLI's --private */
	if (json_is_false(json_object_get(b, "public")))
		priv = 1;
	if (pub && priv) {
		rc = err_set(&r->err, ERR_INPUT,
		             "field \"private\": public and private exclude"
		             " each other");
		goto out;
	}
	if ((rc = api_begin(r)) != 0)
		goto out;
	rc = incident_update(r->db, &act, r->params[0], title, advs, n,
	                     pub    ? 1
	                     : priv ? 0
	                            : -1,
	                     &r->err);
	rc = api_finish(r, rc, 200, rc ? NULL : json_pack("{s:s}", "incident", r->params[0]));
out:
	free(advs);
	json_decref(b);
	return rc;
}

int api_incident_scale(struct req *r)
{
	static const char *const allowed[] = {"level", "by", "reason", NULL};
	struct act act;
	char actor[128];
	const char *by, *reason;
	long level = -1;
	json_t *b = NULL;
	int rc;

	if ((rc = api_role(r, "crisis")) != 0 || (rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = api_text(r, b, "by", &by)) != 0 || (rc = api_text(r, b, "reason", &reason)) != 0)
		goto out;
	if (json_object_get(b, "level") == NULL) {
		rc = err_set(&r->err, ERR_INPUT, "field \"level\" is required: 0, 1 or 2");
		goto out;
	}
	if ((rc = api_long(r, b, "level", 0, 2, &level)) != 0 || (rc = api_begin(r)) != 0)
		goto out;
	rc = incident_scale(r->db, &act, r->params[0], (int)level, by, reason, &r->err);
	rc = api_finish(r, rc, 200,
	                rc ? NULL
	                   : json_pack("{s:s, s:i, s:s, s:s?}", "incident", r->params[0], "level",
	                               (int)level, "by", by ? by : actor, "reason", reason));
out:
	json_decref(b);
	return rc;
}

int api_incident_log(struct req *r)
{
	static const char *const allowed[] = {"kind", "text",        "title",        "channel",
	                                      "by",   "approved-by", "participants", NULL};
	struct incident_entry en = {0};
	struct act act;
	char actor[128];
	long entry = 0;
	json_t *b = NULL;
	int rc;

	if ((rc = api_role(r, "crisis")) != 0 || (rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = api_text(r, b, "kind", &en.kind)) != 0 ||
	    (rc = api_text_required(r, b, "text", &en.text)) != 0 ||
	    (rc = api_text(r, b, "title", &en.title)) != 0 ||
	    (rc = api_text(r, b, "channel", &en.channel)) != 0 ||
	    (rc = api_text(r, b, "by", &en.by)) != 0 ||
	    (rc = api_list(r, b, "approved-by", &en.approved_by, &en.napproved)) != 0 ||
	    (rc = api_list(r, b, "participants", &en.participants, &en.nparticipants)) != 0 ||
	    (rc = api_begin(r)) != 0)
		goto out;
	rc = api_name_field(r, incident_log(r->db, &act, r->params[0], &en, &entry, &r->err),
	                    allowed);
	rc = api_finish(
	    r, rc, 201,
	    rc ? NULL
	       : json_pack("{s:s, s:I}", "incident", r->params[0], "entry", (json_int_t)entry));
out:
	free(en.approved_by);
	free(en.participants);
	json_decref(b);
	return rc;
}

int api_incident_patch(struct req *r)
{
	static const char *const allowed[] = {"branch", "announced", "released", NULL};
	struct act act;
	char actor[128];
	const char *branch, *announced, *released;
	json_t *b = NULL;
	int rc;

	if ((rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = api_text_required(r, b, "branch", &branch)) != 0 ||
	    (rc = api_text(r, b, "announced", &announced)) != 0 ||
	    (rc = api_text(r, b, "released", &released)) != 0 || (rc = api_begin(r)) != 0)
		goto out;
	rc = incident_patch(r->db, &act, r->params[0], branch, announced, released, &r->err);
	rc = api_finish(r, rc, 201,
	                rc ? NULL
	                   : json_pack("{s:s, s:s, s:s?, s:s?}", "incident", r->params[0], "branch",
	                               branch, "announced", announced, "released", released));
out:
	json_decref(b);
	return rc;
}

/* ?lang=nl|en, ?at=TIME ("as of", like the CLI's --at). */
int api_incident_evaluation(struct req *r)
{
	struct report_opts ro = {r->params[0], r->now, req_query(r, "lang")};
	json_t *out = NULL;
	int rc;

	if (ro.lang && strcmp(ro.lang, "nl") != 0 && strcmp(ro.lang, "en") != 0)
		return err_set(&r->err, ERR_INPUT, "query parameter \"lang\": expected nl or en");
	if (req_query(r, "format") && strcmp(req_query(r, "format"), "json") != 0)
		return err_set(&r->err, ERR_INPUT,
		               "query parameter \"format\": the API answers json (markdown and"
		               " html: the CLI's report evaluation)");
	rc = api_query_time(r, "at", &ro.asof);
	if (rc == 0)
		rc = report_evaluation(r->db, &ro, &out, &r->err);
	if (rc != 0)
		return rc;
	return resp_json(r, 200, out);
}

/* ---- follow-up, deadlines ---- */

int api_followup_close(struct req *r)
{
	static const char *const allowed[] = {"request", NULL};
	struct act act;
	char actor[128], when[32];
	long request = 0;
	json_t *b = NULL;
	int rc;

	if ((rc = api_role(r, "coordinator")) != 0 || (rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = api_long(r, b, "request", 1, 1000000000L, &request)) != 0 ||
	    (rc = api_begin(r)) != 0)
		goto out;
	rc = followup_close(r->db, &act, r->params[0], request, &r->err);
	time_format(act.at, when, sizeof(when));
	rc = api_finish(r, rc, 200,
	                rc ? NULL
	                   : json_pack("{s:s, s:s}", "advisory", r->params[0], "closed_at", when));
out:
	json_decref(b);
	return rc;
}

int api_deadline_remind(struct req *r)
{
	struct act act;
	char actor[128];
	json_t *b = NULL, *rows = NULL;
	int rc;

	if ((rc = api_body(r, NULL, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 || (rc = api_begin(r)) != 0)
		goto out;
	rc = deadline_remind(r->db, &act, &rows, &r->err);
	rc = api_finish(r, rc, 200, rows);
out:
	json_decref(b);
	return rc;
}

int api_alert_status(struct req *r)
{
	json_t *rows = NULL;
	int rc = alert_status(r->db, req_query(r, "advisory"), &rows, &r->err);

	return api_read(r, rc, rows);
}

/* ---- vulnerability records ---- */

int api_vuln_list(struct req *r)
{
	json_t *rows = NULL;
	int rc = vuln_list(r->db, &rows, &r->err);

	return api_read(r, rc, rows);
}

int api_vuln_get(struct req *r)
{
	json_t *o = NULL;
	int rc = vuln_show(r->db, r->params[0], &o, &r->err);

	return api_read(r, rc, o);
}

/* ---- scan import ---- */

/* The body is the file; ?format=shadowserver|csv|json (default: from its first line),
 * ?source=NAME, ?filename=NAME (the report's own name, which the file gets: Shadowserver's
 * report type is read from it). The route is BODY_FILE: the server has written the body to a
 * private temporary file as it arrived (up to web.upload_max), which is removed when the
 * request ends. Runs off the event threads: a large feed takes a while. */
int api_scan_import(struct req *r)
{
	struct act act;
	struct scan_import_result res;
	enum scan_format format = SCAN_FORMAT_AUTO;
	const char *fmt = req_query(r, "format");
	const char *path;
	char actor[128];
	uint64_t size = 0;
	int rc;

	path = req_body_file(r, &size);
	if (path == NULL || size == 0)
		return err_set(
		    &r->err, ERR_INPUT,
		    "the body is empty: send the scan file (Shadowserver CSV, CSV or JSON"
		    " lines) as the body");
	if (fmt && *fmt && scan_format_parse(fmt, &format) != 0)
		return err_set(&r->err, ERR_INPUT,
		               "query parameter \"format\": expected shadowserver, csv or json");
	if (!r->on_worker)
		return HTTP_DEFER;
	api_act(r, NULL, &act, actor, sizeof(actor));
	if ((rc = api_query_time(r, "at", &act.at)) != 0)
		return rc;
	memset(&res, 0, sizeof(res));
	if ((rc = api_begin(r)) == 0) {
		/* known by the name the client gave it, not by its temporary file */
		const char *name = req_query(r, "filename");
		rc = scan_import_as(r->db, &act, path, name && *name ? name : "upload", format,
		                    req_query(r, "source"), &res, &r->err);
	}
	if (rc != 0 && r->db->in_tx)
		db_rollback(r->db);
	if (rc != 0)
		return rc;
	if (res.already)
		return api_finish(r, 0, 200,
		                  json_pack("{s:I, s:s, s:b, s:s}", "import", (json_int_t)res.id,
		                            "sha256", res.sha256, "already", 1, "note",
		                            "imported before: nothing added"));
	return api_finish(
	    r, 0, 201,
	    json_pack("{s:I, s:s, s:s, s:s?, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
	              " s:I, s:I}",
	              "import", (json_int_t)res.id, "sha256", res.sha256, "format", res.format,
	              "report", res.report[0] ? res.report : NULL, "source", res.source, "already",
	              0, "rows", (json_int_t)res.rows, "observations", (json_int_t)res.observations,
	              "duplicates", (json_int_t)res.duplicates, "matched", (json_int_t)res.matched,
	              "unmatched", (json_int_t)res.unmatched, "systems_new",
	              (json_int_t)res.systems_new, "no_advisory", (json_int_t)res.no_advisory,
	              "organisations_informed", (json_int_t)res.organisations, "email",
	              (json_int_t)res.email, "webhook", (json_int_t)res.webhook, "call",
	              (json_int_t)res.call));
}

/* ---- to-do ---- */

int api_todo_list(struct req *r)
{
	json_t *rows = NULL;
	int rc = todo_list(r->db, api_query_flag(r, "all"), &rows, &r->err);

	return api_read(r, rc, rows);
}

int api_todo_done(struct req *r)
{
	static const char *const allowed[] = {"note", NULL};
	struct act act;
	char actor[128];
	const char *note;
	json_t *b = NULL;
	long id;
	int rc;

	if ((rc = api_path_id(r, 0, &id)) != 0 || (rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = api_text(r, b, "note", &note)) != 0 || (rc = api_begin(r)) != 0)
		goto out;
	rc = todo_done(r->db, &act, id, note, &r->err);
	rc = api_finish(r, rc, 200,
	                rc ? NULL : json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", "done"));
out:
	json_decref(b);
	return rc;
}
