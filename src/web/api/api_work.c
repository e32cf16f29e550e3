/* api_work.c: the rest of what a script does with the CLI, through the API, with the same
 * model functions and checks:
 *   inventory       GET /api/v1/inventory, POST /api/v1/inventory (one row),
 *                   POST /api/v1/inventory/import (a CSV, JSON or CycloneDX file as the body)
 *   alerts, calls   POST /api/v1/alerts/N/retry, POST /api/v1/calls/N/claim, .../done
 *   follow-up       GET and POST /api/v1/advisories/ID/followup (status, request),
 *                   POST .../followup/respond, POST .../followup/review
 *   deadlines       GET /api/v1/deadlines
 *   scans           GET /api/v1/scans, GET /api/v1/scans/stats
 *   incidents       GET /api/v1/incidents, GET /api/v1/incidents/ID
 *   organisations   POST /api/v1/orgs
 * Roles as DESIGN §1: a constituent acts for their own organisation only (another answers
 * 403 for a change, 404 for a read); staff for any; requesting and reviewing follow-up is the
 * coordinator's. The router has checked the route's permission before. */
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "domain/product.h"
#include "model/advisory.h"
#include "model/alert.h"
#include "model/deadline.h"
#include "model/followup.h"
#include "model/incident.h"
#include "model/inventory.h"
#include "model/org.h"
#include "model/scan.h"
#include "web/access.h"
#include "web/api/api.h"
#include "web/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* For a read: the organisation filter the user may use. Staff: as asked (NULL: all); others:
 * their own, and another answers 404 as if it did not exist. */
static int read_org(struct req *r, const char *asked, const char **out)
{
	if (asked && *asked == '\0')
		asked = NULL;
	if (user_is_staff(&r->user)) {
		*out = asked;
		return 0;
	}
	if (r->user.org[0] == '\0' || (asked && strcmp(asked, r->user.org) != 0))
		return err_set(&r->err, ERR_NOTFOUND, "not found");
	*out = r->user.org;
	return 0;
}

/* ---- inventory ---- */

/* An inventory is kept by constituents (DESIGN §1) and staff, as in the portal. A partner has
 * none: a product it listed would make it "affected", and so a reader, of an AMBER+STRICT or
 * RED advisory that was never released to it. */
static int inventory_keeper(struct req *r)
{
	if (user_is_staff(&r->user) || strcmp(r->user.role, "constituent") == 0)
		return 0;
	return err_set(&r->err, ERR_PERM,
	               "an inventory is kept by constituents and staff (you are %s)", r->user.role);
}

int api_inventory_list(struct req *r)
{
	const char *org;
	json_t *rows = NULL;
	int rc;

	if ((rc = read_org(r, req_query(r, "org"), &org)) != 0 ||
	    (rc = inventory_list(r->db, org, req_query(r, "product"), &rows, &r->err)) != 0)
		return rc;
	return resp_json(r, 200, rows);
}

int api_inventory_add(struct req *r)
{
	static const char *const allowed[] = {"org",   "product",         "version",
	                                      "count", "internet-facing", NULL};
	struct inventory_row row = {0};
	struct act act;
	char actor[128];
	json_t *b = NULL, *res = NULL;
	const char *org;
	int rc;

	row.count = 1;
	if ((rc = inventory_keeper(r)) != 0 || (rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = api_text(r, b, "org", &org)) != 0 || (rc = api_org_for(r, org, &row.org)) != 0 ||
	    (rc = api_text_required(r, b, "product", &row.product)) != 0 ||
	    (rc = api_text(r, b, "version", &row.version)) != 0 ||
	    (rc = api_long(r, b, "count", 0, 10000000L, &row.count)) != 0 ||
	    (rc = api_bool(r, b, "internet-facing", &row.internet_facing)) != 0 ||
	    (rc = api_begin(r)) != 0)
		goto out;
	rc = inventory_put(r->db, &act, &row, 1, &r->err);
	if (rc == 0) {
		/* what was stored: the product's key, and the version a CPE or purl carried */
		struct product_ref ref;
		product_parse(row.product, &ref, NULL);
		res = json_pack("{s:s, s:s, s:s, s:I, s:b}", "org", row.org, "product", ref.name,
		                "version", row.version ? row.version : ref.version, "count",
		                (json_int_t)row.count, "internet_facing", row.internet_facing);
	}
	rc = api_finish(r, rc, 201, res);
out:
	json_decref(b);
	return rc;
}

/* The body is the file; ?org= (constituents: their own, the default) and ?replace=1. */
int api_inventory_import(struct req *r)
{
	struct act act;
	char actor[128];
	const char *org = NULL, *asked = req_query(r, "org");
	long count = 0;
	int rc;

	api_act(r, NULL, &act, actor, sizeof(actor));
	if ((rc = inventory_keeper(r)) != 0)
		return rc;
	if (r->body.len == 0)
		return err_set(
		    &r->err, ERR_INPUT,
		    "the body is empty: send the CSV, JSON or CycloneDX file as the body");
	if (asked && *asked)
		rc = api_org_for(r, asked, &org);
	else
		rc = user_is_staff(&r->user) ? 0 : api_org_for(r, NULL, &org);
	if (rc != 0 || (rc = api_begin(r)) != 0)
		return rc;
	rc = inventory_import_data(r->db, &act, "upload", r->body.data, r->body.len, org,
	                           api_query_flag(r, "replace"), &count, &r->err);
	return api_finish(r, rc, 200,
	                  json_pack("{s:I, s:s?, s:b}", "rows", (json_int_t)count, "org", org,
	                            "replace", api_query_flag(r, "replace")));
}

/* ---- alerts and calls ---- */

/* Retrying an alert and claiming a call take the alert of the path and a body with only
 * "at", and answer {"alert": N, key: value}; value NULL is the actor (who claimed it). */
static int alert_step(struct req *r,
                      int (*step)(struct db *db, const struct act *act, long id, struct err *e),
                      const char *key, const char *value)
{
	struct act act;
	char actor[128];
	json_t *b = NULL;
	long id;
	int rc;

	if ((rc = api_path_id(r, 0, &id)) != 0 || (rc = api_body(r, NULL, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 || (rc = api_begin(r)) != 0)
		goto out;
	rc = step(r->db, &act, id, &r->err);
	rc = api_finish(
	    r, rc, 200,
	    rc ? NULL
	       : json_pack("{s:I, s:s}", "alert", (json_int_t)id, key, value ? value : actor));
out:
	json_decref(b);
	return rc;
}

int api_alert_retry(struct req *r)
{
	return alert_step(r, alert_retry, "state", "queued");
}

int api_call_claim(struct req *r)
{
	return alert_step(r, call_claim, "claimed_by", NULL);
}

int api_call_done(struct req *r)
{
	static const char *const allowed[] = {"outcome", "note", NULL};
	struct act act;
	char actor[128];
	const char *outcome, *note;
	json_t *b = NULL;
	long id;
	int rc;

	if ((rc = api_path_id(r, 0, &id)) != 0 || (rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = api_text_required(r, b, "outcome", &outcome)) != 0 ||
	    (rc = api_text(r, b, "note", &note)) != 0 || (rc = api_begin(r)) != 0)
		goto out;
	rc = call_done(r->db, &act, id, outcome, note, &r->err);
	rc = api_finish(r, rc, 200,
	                rc ? NULL
	                   : json_pack("{s:I, s:s}", "alert", (json_int_t)id, "outcome", outcome));
out:
	json_decref(b);
	return rc;
}

/* ---- follow-up ---- */

/* 0 when the asker may read the advisory of the path (staff: any); else ERR_NOTFOUND, as the
 * portal answers: follow-up on what one may not read does not exist for one. */
static int followup_readable(struct req *r)
{
	struct advisory_version v;
	int rc;

	if (user_is_staff(&r->user))
		return 0;
	if ((rc = access_load(r, r->params[0], NULL, &v)) != 0)
		return rc;
	advisory_version_free(&v);
	return 0;
}

/* Only the rows of the user's organisation, in the requests that address it. */
static json_t *followup_own(json_t *reqs, const char *org)
{
	json_t *out = json_array(), *q, *row;
	size_t i, k;

	json_array_foreach(reqs, i, q)
	{
		json_t *mine = json_array();
		json_array_foreach(json_object_get(q, "orgs"), k, row)
		{
			const char *o = json_string_value(json_object_get(row, "org"));
			if (o && strcmp(o, org) == 0)
				json_array_append(mine, row);
		}
		if (json_array_size(mine) == 0) {
			json_decref(mine);
			continue;
		}
		q = json_deep_copy(q);
		json_object_set_new(q, "orgs", mine);
		json_object_del(q, "counts");
		json_object_del(q, "not_answered");
		json_array_append_new(out, q);
	}
	return out;
}

int api_followup_status(struct req *r)
{
	long request = 0;
	int64_t asof = r->now;
	json_t *out = NULL, *reqs;
	int rc;

	if ((rc = api_query_long(r, "request", 1, 1000000000L, &request)) != 0 ||
	    (rc = api_query_time(r, "at", &asof)) != 0)
		return rc;
	if (!user_is_staff(&r->user) && r->user.org[0] == '\0')
		return err_set(&r->err, ERR_NOTFOUND, "not found");
	if ((rc = followup_readable(r)) != 0)
		return rc;
	if ((rc = followup_status(r->db, r->params[0], request, asof, &out, &r->err)) != 0)
		return rc;
	if (user_is_staff(&r->user))
		return resp_json(r, 200, out);
	/* the others' rows, counts and names are not a constituent's to see */
	reqs = followup_own(json_object_get(out, "requests"), r->user.org);
	if (json_array_size(reqs) == 0) {
		json_decref(reqs);
		json_decref(out);
		return err_set(&r->err, ERR_NOTFOUND, "not found");
	}
	json_object_set_new(out, "requests", reqs);
	return resp_json(r, 200, out);
}

int api_followup_request(struct req *r)
{
	static const char *const allowed[] = {"to", "deadline", "question", "closes", NULL};
	struct followup_request_input in = {0};
	struct act act;
	char actor[128], d[32];
	json_t *b = NULL, *orgs = NULL, *res = NULL;
	long id = 0;
	int rc;

	in.advisory = r->params[0];
	if ((rc = api_role(r, "coordinator")) != 0 || (rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = api_list(r, b, "to", &in.to, &in.nto)) != 0 ||
	    (rc = api_text(r, b, "question", &in.question)) != 0 ||
	    (rc = api_time(r, b, "closes", &in.closes)) != 0)
		goto out;
	if (json_object_get(b, "deadline") == NULL) {
		rc = err_set(&r->err, ERR_INPUT, "field \"deadline\" is required");
		goto out;
	}
	if ((rc = api_time(r, b, "deadline", &in.deadline)) != 0 || (rc = api_begin(r)) != 0)
		goto out;
	rc = followup_request(r->db, &act, &in, &id, &orgs, &r->err);
	if (rc == 0) {
		time_format(in.deadline, d, sizeof(d));
		res = json_pack("{s:I, s:s, s:s, s:I, s:O}", "request", (json_int_t)id, "advisory",
		                in.advisory, "deadline", d, "addressed",
		                (json_int_t)json_array_size(orgs), "orgs", orgs);
	}
	json_decref(orgs);
	rc = api_finish(r, rc, 201, res);
out:
	free(in.to);
	json_decref(b);
	return rc;
}

int api_followup_respond(struct req *r)
{
	static const char *const allowed[] = {"org",  "request",  "status", "version",
	                                      "date", "measures", "c1",     "c2",
	                                      "c3",   "note",     "by",     NULL};
	struct followup_answer_input in = {0};
	struct act act;
	char actor[128];
	json_t *b = NULL, *res = NULL;
	long answer = 0;
	int rc;

	in.advisory = r->params[0];
	if ((rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = api_text(r, b, "org", &in.org)) != 0 ||
	    (rc = api_text(r, b, "by", &in.by)) != 0 ||
	    (rc = api_long(r, b, "request", 1, 1000000000L, &in.request)) != 0 ||
	    (rc = api_time(r, b, "date", &in.remedied)) != 0 ||
	    (rc = api_text(r, b, "status", &in.status)) != 0 ||
	    (rc = api_text(r, b, "version", &in.version)) != 0 ||
	    (rc = api_text(r, b, "measures", &in.measures)) != 0 ||
	    (rc = api_text(r, b, "c1", &in.c[0])) != 0 ||
	    (rc = api_text(r, b, "c2", &in.c[1])) != 0 ||
	    (rc = api_text(r, b, "c3", &in.c[2])) != 0 ||
	    (rc = api_text(r, b, "note", &in.note)) != 0)
		goto out;
	if (!user_is_staff(&r->user)) {
		/* one's own organisation, or one below it answered for by one's own (--by) */
		if (in.by && *in.by)
			rc = api_org_for(r, in.by, &in.by);
		else
			rc = api_org_for(r, in.org, &in.org);
		if (rc != 0)
			goto out;
		if (in.org == NULL)
			in.org = r->user.org;
	} else if (in.org == NULL || *in.org == '\0') {
		rc = err_set(&r->err, ERR_INPUT, "field \"org\" is required");
		goto out;
	}
	if (in.status == NULL) {
		rc = err_set(&r->err, ERR_INPUT,
		             "field \"status\" is required: patched, mitigated, switched-off or"
		             " kept-on");
		goto out;
	}
	if ((rc = followup_readable(r)) != 0 || (rc = api_begin(r)) != 0)
		goto out;
	rc = followup_respond(r->db, &act, &in, &answer, &r->err);
	if (rc == 0)
		res = json_pack("{s:I, s:s, s:s, s:s, s:s}", "answer", (json_int_t)answer,
		                "advisory", in.advisory, "org", in.org, "status",
		                followup_status_parse(in.status), "by", in.by ? in.by : in.org);
	rc = api_finish(r, rc, 201, res);
out:
	json_decref(b);
	return rc;
}

int api_followup_review(struct req *r)
{
	static const char *const allowed[] = {"org", "accept", "note", "deadline", "request", NULL};
	struct act act;
	char actor[128];
	const char *org, *note;
	json_t *b = NULL, *accept, *res = NULL;
	long request = 0;
	int64_t due = 0;
	int rc;

	if ((rc = api_role(r, "coordinator")) != 0 || (rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = api_text_required(r, b, "org", &org)) != 0 ||
	    (rc = api_text(r, b, "note", &note)) != 0 ||
	    (rc = api_time(r, b, "deadline", &due)) != 0 ||
	    (rc = api_long(r, b, "request", 1, 1000000000L, &request)) != 0)
		goto out;
	accept = json_object_get(b, "accept");
	if (!json_is_boolean(accept)) {
		rc = err_set(&r->err, ERR_INPUT,
		             "field \"accept\" is required: true (accept the explanation) or false"
		             " (reject it)");
		goto out;
	}
	if ((rc = api_begin(r)) != 0)
		goto out;
	rc = followup_review(r->db, &act, r->params[0], org, request, json_is_true(accept), note,
	                     due, &r->err);
	if (rc == 0)
		res = json_pack("{s:s, s:s, s:s, s:s?}", "advisory", r->params[0], "org", org,
		                "review", json_is_true(accept) ? "accepted" : "rejected", "note",
		                note);
	rc = api_finish(r, rc, 200, res);
out:
	json_decref(b);
	return rc;
}

/* ---- deadlines, scans, incidents ---- */

int api_deadline_list(struct req *r)
{
	struct deadline_filter f = {req_query(r, "advisory"), NULL};
	int64_t asof = r->now;
	json_t *rows = NULL;
	int rc;

	if ((rc = read_org(r, req_query(r, "org"), &f.org)) != 0 ||
	    (rc = api_query_time(r, "at", &asof)) != 0 ||
	    (rc = deadline_list(r->db, &f, asof, &rows, &r->err)) != 0)
		return rc;
	return resp_json(r, 200, rows);
}

int api_scan_list(struct req *r)
{
	struct scan_filter f = {0};
	struct act act = {"web", r->now};
	json_t *rows = NULL;
	int rc;

	f.cve = req_query(r, "cve");
	f.advisory = req_query(r, "advisory");
	f.source = req_query(r, "source");
	f.observations = api_query_flag(r, "observations");
	f.unmatched = api_query_flag(r, "unmatched");
	if ((rc = read_org(r, req_query(r, "org"), &f.org)) != 0 ||
	    (rc = api_query_long(r, "limit", 1, 100000, &f.limit)) != 0 ||
	    (rc = api_query_time(r, "since", &f.since)) != 0)
		return rc;
	if (f.unmatched && !user_is_staff(&r->user))
		return err_set(&r->err, ERR_PERM,
		               "systems in no registered netblock are for staff");
	if ((rc = scan_list(r->db, &act, &f, &rows, &r->err)) != 0)
		return rc;
	return resp_json(r, 200, rows);
}

int api_scan_stats(struct req *r)
{
	struct scan_stats_opts o = {0};
	struct act act = {"web", r->now};
	json_t *out = NULL;
	int rc;

	o.cve = req_query(r, "cve");
	o.advisory = req_query(r, "advisory");
	o.by = req_query(r, "by");
	if (o.cve && o.advisory)
		return err_set(&r->err, ERR_INPUT,
		               "query parameter \"cve\": give cve or advisory, not both");
	if ((rc = read_org(r, req_query(r, "org"), &o.org)) != 0 ||
	    (rc = api_query_time(r, "since", &o.since)) != 0)
		return rc;
	if (!user_is_staff(&r->user))
		o.by = NULL; /* another organisation's figures are not theirs to see */
	if (o.by && strcmp(o.by, "kind") != 0 && strcmp(o.by, "sector") != 0 &&
	    strcmp(o.by, "org") != 0)
		return err_set(&r->err, ERR_INPUT,
		               "query parameter \"by\": expected kind, sector or org");
	if ((rc = scan_stats(r->db, &act, &o, &out, &r->err)) != 0)
		return rc;
	return resp_json(r, 200, out);
}

int api_incident_list(struct req *r)
{
	json_t *rows = NULL;
	int rc = incident_list(r->db, &rows, &r->err);

	return api_read(r, rc, rows);
}

int api_incident_get(struct req *r)
{
	json_t *o = NULL;
	int rc = incident_show(r->db, r->params[0], &o, &r->err);

	return api_read(r, rc, o);
}

/* ---- organisations ---- */

int api_org_create(struct req *r)
{
	static const char *const allowed[] = {"id", "name", "kind", "parent", "sector", NULL};
	struct org_fields f = {0};
	struct act act;
	char actor[128], loc[128];
	json_t *b = NULL;
	int rc;

	if ((rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = api_text_required(r, b, "id", &f.id)) != 0 ||
	    (rc = api_text_required(r, b, "name", &f.name)) != 0 ||
	    (rc = api_text_required(r, b, "kind", &f.kind)) != 0 ||
	    (rc = api_text(r, b, "parent", &f.parent)) != 0 ||
	    (rc = api_text(r, b, "sector", &f.sector)) != 0 || (rc = api_begin(r)) != 0)
		goto out;
	rc = api_name_field(r, org_add(r->db, &act, &f, &r->err), allowed);
	if (rc == 0) {
		snprintf(loc, sizeof(loc), "/api/v1/orgs/%s", f.id);
		resp_header(r, "Location", loc);
	}
	rc = api_finish(r, rc, 201,
	                rc ? NULL : json_pack("{s:s, s:s}", "org", f.id, "status", "added"));
out:
	json_decref(b);
	return rc;
}
