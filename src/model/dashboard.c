/* dashboard.c: the coordinator's dashboard, from the public functions of advisory, alert,
 * followup, deadline and incident (see dashboard.h). No SQL of its own. */
#include "model/dashboard.h"

#include "core/xalloc.h"

#include "model/advisory.h"
#include "model/alert.h"
#include "model/deadline.h"
#include "model/followup.h"
#include "model/incident.h"
#include "model/org.h"

#include <stdlib.h>
#include <string.h>

static json_int_t count_of(json_t *counts, const char *key)
{
	return json_integer_value(json_object_get(counts, key));
}

/* The follow-up requests of an advisory, each with its counts; and the whole status in *full
 * when full is not NULL (else freed). */
static int dash_requests(struct db *db, const char *id, int64_t asof, json_t **out, json_t **full,
                         struct err *e)
{
	json_t *st = NULL, *req;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = followup_status(db, id, 0, asof, &st, e)) != 0)
		return rc;
	*out = json_array();
	json_array_foreach(json_object_get(st, "requests"), i, req)
	{
		json_t *c = json_object_get(req, "counts");
		json_array_append_new(
		    *out, json_pack("{s:O, s:O, s:O, s:O, s:O, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		                    "request", json_object_get(req, "request"), "question",
		                    json_object_get(req, "question"), "asked_at",
		                    json_object_get(req, "asked_at"), "deadline",
		                    json_object_get(req, "deadline"), "closed",
		                    json_object_get(req, "closed"), "asked",
		                    (json_int_t)json_array_size(json_object_get(req, "orgs")),
		                    "answered", count_of(c, "answered"), "kept_on",
		                    count_of(c, "kept-on"), "accepted", count_of(c, "accepted"),
		                    "rejected", count_of(c, "rejected"), "explained",
		                    count_of(c, "explained"), "open", count_of(c, "unanswered")));
	}
	if (full)
		*full = st;
	else
		json_decref(st);
	return 0;
}

/* The organisations affected by the latest published version of id (an object org -> the
 * number of inventory rows, and products in *products when not NULL). */
static int dash_affected(struct db *db, const char *id, json_t **out, struct err *e)
{
	struct advisory_version v;
	json_t *rows = NULL, *row;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = advisory_load(db, id, NULL, 0, &v, e)) != 0)
		return rc;
	rc = advisory_affected(db, &v, &rows, e);
	advisory_version_free(&v);
	if (rc != 0)
		return rc;
	*out = json_object();
	json_array_foreach(rows, i, row)
	{
		const char *org = json_string_value(json_object_get(row, "org"));
		json_t *o = json_object_get(*out, org);
		if (o == NULL) {
			o = json_pack("{s:i, s:[]}", "rows", 0, "products");
			json_object_set_new(*out, org, o);
		}
		json_object_set_new(
		    o, "rows", json_integer(json_integer_value(json_object_get(o, "rows")) + 1));
		json_array_append_new(
		    json_object_get(o, "products"),
		    json_sprintf("%s %s", json_string_value(json_object_get(row, "product")),
		                 json_string_value(json_object_get(row, "version"))));
	}
	json_decref(rows);
	return 0;
}

/* The dashboard row of one advisory (row from advisory_list); status, deadlines and incidents
 * are those of every advisory. */
static int dash_row(struct db *db, json_t *adv, json_t *status, json_t *deadlines,
                    json_t *incidents, int64_t asof, json_t **out, struct err *e)
{
	const char *id = json_string_value(json_object_get(adv, "id"));
	json_t *affected = NULL, *requests = NULL, *alerts = json_null(), *x, *dl, *inc;
	size_t i, j;
	int rc;

	*out = NULL;
	if ((rc = dash_affected(db, id, &affected, e)) != 0)
		return rc;
	if ((rc = dash_requests(db, id, asof, &requests, NULL, e)) != 0) {
		json_decref(affected);
		return rc;
	}
	json_array_foreach(status, i, x)
	{
		if (strcmp(json_string_value(json_object_get(x, "advisory")), id) == 0)
			alerts = x; /* rows are in version order: the last is the latest */
	}
	dl = json_pack("{s:i, s:i, s:i, s:i, s:i}", "open", 0, "in-time", 0, "late", 0, "overdue",
	               0, "exempted", 0);
	json_array_foreach(deadlines, i, x)
	{
		const char *state = json_string_value(json_object_get(x, "state"));
		if (strcmp(json_string_value(json_object_get(x, "advisory")), id) != 0 || !state)
			continue;
		json_object_set_new(dl, state, json_integer(count_of(dl, state) + 1));
	}
	inc = json_array();
	json_array_foreach(incidents, i, x)
	{
		json_t *a;
		json_array_foreach(json_object_get(x, "advisories"), j, a)
		{
			if (strcmp(json_string_value(a), id) == 0)
				json_array_append_new(
				    inc, json_pack("{s:O, s:O}", "id", json_object_get(x, "id"),
				                   "level", json_object_get(x, "level")));
		}
	}
	*out = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:I, s:O, s:o, s:o, s:o}", "id",
	                 json_object_get(adv, "id"), "version", json_object_get(adv, "version"),
	                 "classification", json_object_get(adv, "classification"), "tlp",
	                 json_object_get(adv, "tlp"), "title", json_object_get(adv, "title"),
	                 "date", json_object_get(adv, "date"), "affected",
	                 (json_int_t)json_object_size(affected), "alerts", alerts, "followup",
	                 requests, "deadlines", dl, "incidents", inc);
	json_decref(affected);
	return 0;
}

/* What every row needs: alert status, clocks and incidents of all advisories. */
static int dash_common(struct db *db, int64_t asof, json_t **status, json_t **deadlines,
                       json_t **incidents, struct err *e)
{
	struct deadline_filter f = {0};
	int rc;

	*status = *deadlines = *incidents = NULL;
	if ((rc = alert_status(db, NULL, status, e)) == 0 &&
	    (rc = deadline_list(db, &f, asof, deadlines, e)) == 0)
		rc = incident_list(db, incidents, e);
	return rc;
}

int dashboard_advisories(struct db *db, int64_t asof, json_t **out, struct err *e)
{
	json_t *list = NULL, *status, *deadlines, *incidents, *adv;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = dash_common(db, asof, &status, &deadlines, &incidents, e)) == 0)
		rc = advisory_list(db, &list, e);
	if (rc == 0) {
		*out = json_array();
		json_array_foreach(list, i, adv)
		{
			json_t *row;
			if (strcmp(json_string_value(json_object_get(adv, "state")), "draft") == 0)
				continue;
			if ((rc = dash_row(db, adv, status, deadlines, incidents, asof, &row, e)) !=
			    0)
				break;
			json_array_append_new(*out, row);
		}
	}
	if (rc != 0) {
		json_decref(*out);
		*out = NULL;
	}
	json_decref(list);
	json_decref(status);
	json_decref(deadlines);
	json_decref(incidents);
	return rc;
}

/* The organisation's entry in orgs, made when it is not there yet. */
static json_t *dash_org(json_t *orgs, const char *org, json_t *name, json_t *kind)
{
	json_t *o = json_object_get(orgs, org);

	if (o == NULL) {
		o = json_pack("{s:s, s:n, s:n, s:i, s:[], s:i, s:i, s:i, s:s, s:n, s:n, s:n, s:n,"
		              " s:i}",
		              "org", org, "name", "kind", "affected", 0, "products", "alerted", 0,
		              "delivered", 0, "acknowledged", 0, "call", "", "followup",
		              "followup_status", "deadline", "due", "days_over", 0);
		json_object_set_new(orgs, org, o);
	}
	if (json_is_string(name) && !json_is_string(json_object_get(o, "name")))
		json_object_set(o, "name", name);
	if (json_is_string(kind) && !json_is_string(json_object_get(o, "kind")))
		json_object_set(o, "kind", kind);
	return o;
}

static int dash_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void dash_inc(json_t *o, const char *key)
{
	json_object_set_new(o, key, json_integer(count_of(o, key) + 1));
}

int dashboard_advisory(struct db *db, const char *id, int64_t asof, json_t **out, struct err *e)
{
	struct alert_filter af = {.advisory = id};
	json_t *list = NULL, *status = NULL, *deadlines = NULL, *incidents = NULL, *row = NULL,
	       *affected = NULL, *alerts = NULL, *full = NULL, *requests = NULL, *orgs = NULL,
	       *versions = NULL, *all = NULL, *x, *adv = NULL, *sorted;
	const char *org;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = dash_common(db, asof, &status, &deadlines, &incidents, e)) != 0 ||
	    (rc = advisory_list(db, &list, e)) != 0)
		goto out;
	json_array_foreach(list, i, x)
	{
		if (strcmp(json_string_value(json_object_get(x, "id")), id) == 0)
			adv = x;
	}
	if (adv == NULL) {
		rc = err_set(e, ERR_NOTFOUND, "no advisory %s", id);
		goto out;
	}
	if (strcmp(json_string_value(json_object_get(adv, "state")), "draft") == 0) {
		rc = err_set(e, ERR_CONFLICT, "%s has no published version yet", id);
		goto out;
	}
	if ((rc = dash_row(db, adv, status, deadlines, incidents, asof, &row, e)) != 0 ||
	    (rc = dash_affected(db, id, &affected, e)) != 0 ||
	    (rc = alert_list(db, &af, &alerts, e)) != 0 ||
	    (rc = dash_requests(db, id, asof, &requests, &full, e)) != 0 ||
	    (rc = alert_status(db, id, &versions, e)) != 0)
		goto out;
	orgs = json_object();
	json_object_foreach(affected, org, x)
	{
		json_t *o = dash_org(orgs, org, NULL, NULL);
		json_object_set(o, "affected", json_object_get(x, "rows"));
		json_object_set(o, "products", json_object_get(x, "products"));
	}
	json_array_foreach(alerts, i, x)
	{
		const char *st = json_string_value(json_object_get(x, "state"));
		const char *ch = json_string_value(json_object_get(x, "channel"));
		json_t *o =
		    dash_org(orgs, json_string_value(json_object_get(x, "org")), NULL, NULL);
		dash_inc(o, "alerted");
		if (strcmp(ch, "call") == 0) {
			const char *outcome = json_string_value(json_object_get(x, "outcome"));
			json_object_set_new(o, "call", json_string(outcome ? outcome : st));
			continue;
		}
		if (strcmp(st, "delivered") == 0 || strcmp(st, "acknowledged") == 0)
			dash_inc(o, "delivered");
		if (strcmp(st, "acknowledged") == 0)
			dash_inc(o, "acknowledged");
	}
	/* requests come oldest first: the latest that asks an organisation wins */
	json_array_foreach(json_object_get(full, "requests"), i, x)
	{
		json_t *ro;
		size_t j;
		json_array_foreach(json_object_get(x, "orgs"), j, ro)
		{
			json_t *o =
			    dash_org(orgs, json_string_value(json_object_get(ro, "org")),
			             json_object_get(ro, "name"), json_object_get(ro, "kind"));
			json_object_set(o, "followup", json_object_get(ro, "state"));
			json_object_set(o, "followup_status", json_object_get(ro, "status"));
		}
	}
	json_array_foreach(deadlines, i, x)
	{
		json_t *o;
		if (strcmp(json_string_value(json_object_get(x, "advisory")), id) != 0)
			continue;
		o = dash_org(orgs, json_string_value(json_object_get(x, "org")),
		             json_object_get(x, "name"), json_object_get(x, "kind"));
		json_object_set(o, "deadline", json_object_get(x, "state"));
		json_object_set(o, "due", json_object_get(x, "due"));
		json_object_set(o, "days_over", json_object_get(x, "days_over"));
	}
	/* names and kinds of the organisations only the alerts or the inventory named */
	if ((rc = org_list(db, NULL, &all, e)) != 0)
		goto out;
	json_array_foreach(all, i, x)
	{
		const char *o = json_string_value(json_object_get(x, "org"));
		if (json_object_get(orgs, o))
			dash_org(orgs, o, json_object_get(x, "name"), json_object_get(x, "kind"));
	}
	sorted = json_array();
	{
		const char **keys = xcalloc(json_object_size(orgs) + 1, sizeof(char *));
		size_t n = 0;
		json_object_foreach(orgs, org, x)
		{
			keys[n++] = org;
		}
		qsort(keys, n, sizeof(char *), dash_cmp);
		for (size_t k = 0; k < n; k++)
			json_array_append(sorted, json_object_get(orgs, keys[k]));
		free(keys);
	}
	json_array_foreach(json_object_get(full, "requests"), i, x)
	{
		json_object_del(x, "orgs");
	}
	*out = json_pack("{s:O, s:O, s:O, s:o}", "advisory", row, "versions", versions, "requests",
	                 json_object_get(full, "requests"), "orgs", sorted);
out:
	json_decref(list);
	json_decref(status);
	json_decref(deadlines);
	json_decref(incidents);
	json_decref(row);
	json_decref(affected);
	json_decref(alerts);
	json_decref(full);
	json_decref(requests);
	json_decref(orgs);
	json_decref(versions);
	json_decref(all);
	return rc;
}
