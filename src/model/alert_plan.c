/* alert_plan.c: the recipients of a draft's publication, computed without creating alerts.
 * The rules are those of alert_on_publish (alert.c): every organisation affected (with what
 * matched) and every one addressed with --to when the version is a material change, a call
 * task for each affected one when it is high/high, and every partner that may see it. The
 * contacts are each organisation's own, else its parent's. Only public model functions are
 * used, so this reads exactly what those read. */
#include "model/alert_plan.h"

#include "model/advisory.h"
#include "model/org.h"

#include <string.h>

/* The contacts that would be alerted for org: its own, else its nearest ancestor's. orgs is
 * the object of every organisation by id (from org_list). New array in *out. */
static int plan_contacts(struct db *db, json_t *orgs, const char *org, json_t **out, struct err *e)
{
	const char *cur = org;
	int rc, depth = 0;

	*out = json_array();
	while (cur && *cur && depth++ < 16) {
		json_t *list = NULL, *c;
		size_t i;

		if ((rc = org_contact_list(db, cur, &list, e)) != 0) {
			json_decref(*out);
			*out = NULL;
			return rc;
		}
		json_array_foreach(list, i, c)
		{
			json_object_set_new(c, "of", json_string(cur));
			json_object_del(c, "role");
			json_array_append(*out, c);
		}
		json_decref(list);
		if (json_array_size(*out) > 0)
			break;
		cur = json_string_value(json_object_get(json_object_get(orgs, cur), "parent"));
	}
	return 0;
}

/* Adds one organisation to the plan, with its contacts and channel counts. */
static int plan_add(struct db *db, json_t *plan, json_t *orgs, const char *org, const char *reason,
                    json_t *matched, int call, struct err *e)
{
	json_t *o = json_object_get(orgs, org), *contacts = NULL, *c;
	long email = 0, webhook = 0;
	size_t i;
	int rc;

	if ((rc = plan_contacts(db, orgs, org, &contacts, e)) != 0)
		return rc;
	json_array_foreach(contacts, i, c)
	{
		email += json_is_string(json_object_get(c, "email"));
		webhook += json_is_string(json_object_get(c, "webhook"));
	}
	json_array_append_new(json_object_get(plan, "orgs"),
	                      json_pack("{s:s, s:O?, s:O?, s:s, s:o, s:o, s:I, s:I, s:b}", "org",
	                                org, "name", json_object_get(o, "name"), "kind",
	                                json_object_get(o, "kind"), "reason", reason, "matched",
	                                matched ? json_incref(matched) : json_array(), "contacts",
	                                contacts, "email", (json_int_t)email, "webhook",
	                                (json_int_t)webhook, "call", call));
	if (email || webhook || call)
		json_object_set_new(
		    plan, "organisations",
		    json_integer(json_integer_value(json_object_get(plan, "organisations")) + 1));
	json_object_set_new(
	    plan, "email",
	    json_integer(json_integer_value(json_object_get(plan, "email")) + email));
	json_object_set_new(
	    plan, "webhook",
	    json_integer(json_integer_value(json_object_get(plan, "webhook")) + webhook));
	json_object_set_new(
	    plan, "calls", json_integer(json_integer_value(json_object_get(plan, "calls")) + call));
	return 0;
}

/* Whether a partner may see v: CLEAR always, other TLP only when addressed to it. */
static int plan_partner_may_see(const struct advisory_version *v, const char *org)
{
	if (strcmp(v->tlp, "CLEAR") == 0)
		return 1;
	for (size_t i = 0; i < v->nto; i++)
		if (strcmp(v->to[i], org) == 0)
			return 1;
	return 0;
}

int alert_plan(struct db *db, const char *id, json_t **out, struct err *e)
{
	struct advisory_version v;
	json_t *plan = NULL, *all = NULL, *orgs = json_object(), *affected = NULL,
	       *byorg = json_object(), *row, *list;
	const char *org;
	char label[16], cls[32];
	size_t i;
	int rc, material = 0, call;

	*out = NULL;
	if ((rc = advisory_load(db, id, NULL, 1, &v, e)) != 0) {
		json_decref(orgs);
		json_decref(byorg);
		return rc;
	}
	if (v.published) {
		rc = err_set(e, ERR_CONFLICT,
		             "%s has no draft: its latest version %s is published already", id,
		             (advisory_version_label(v.num, label, sizeof(label)), label));
		goto out;
	}
	if ((rc = advisory_draft_material(db, &v, &material, e)) != 0)
		goto out;
	if ((rc = org_list(db, NULL, &all, e)) != 0)
		goto out;
	json_array_foreach(all, i, row)
	{
		json_object_set(orgs, json_string_value(json_object_get(row, "org")), row);
	}
	call = strcmp(v.likelihood, "high") == 0 && strcmp(v.impact, "high") == 0;
	advisory_version_label(v.num, label, sizeof(label));
	snprintf(cls, sizeof(cls), "%s/%s", v.likelihood, v.impact);
	plan = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:i, s:i, s:i, s:i, s:[]}", "advisory",
	                 v.id, "version", label, "classification", cls, "tlp", v.tlp, "material",
	                 material, "call", call, "organisations", 0, "email", 0, "webhook", 0,
	                 "calls", 0, "orgs");
	if (material) {
		if ((rc = advisory_affected(db, &v, &affected, e)) != 0)
			goto out;
		json_array_foreach(affected, i, row)
		{
			const char *o = json_string_value(json_object_get(row, "org"));
			json_t *m = json_object_get(byorg, o);
			if (m == NULL) {
				m = json_array();
				json_object_set_new(byorg, o, m);
			}
			json_array_append_new(
			    m, json_pack("{s:O, s:O, s:O, s:O}", "product",
			                 json_object_get(row, "product"), "version",
			                 json_object_get(row, "version"), "count",
			                 json_object_get(row, "count"), "internet_facing",
			                 json_object_get(row, "internet_facing")));
		}
		json_object_foreach(byorg, org, list)
		{
			if ((rc = plan_add(db, plan, orgs, org, "affected", list, call, e)) != 0)
				goto out;
		}
		for (size_t k = 0; k < v.nto; k++) {
			if (json_object_get(byorg, v.to[k]) ||
			    json_object_get(orgs, v.to[k]) == NULL)
				continue;
			json_object_set_new(byorg, v.to[k], json_array()); /* once */
			if ((rc = plan_add(db, plan, orgs, v.to[k], "addressed", NULL, 0, e)) != 0)
				goto out;
		}
	}
	json_array_foreach(all, i, row)
	{
		const char *o = json_string_value(json_object_get(row, "org"));
		if (strcmp(json_string_value(json_object_get(row, "kind")), "partner") != 0 ||
		    json_object_get(byorg, o) || !plan_partner_may_see(&v, o))
			continue;
		if ((rc = plan_add(db, plan, orgs, o, "partner", NULL, 0, e)) != 0)
			goto out;
	}
	*out = plan;
	plan = NULL;
out:
	json_decref(plan);
	json_decref(all);
	json_decref(orgs);
	json_decref(affected);
	json_decref(byorg);
	advisory_version_free(&v);
	return rc;
}
