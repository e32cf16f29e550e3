/* alert_plan.c: the recipients of a draft's publication, shown without creating alerts. Who
 * is alerted, through which contacts and on which channels, comes from recipients.c, the
 * rules alert_on_publish follows too; this only puts it in the shape of the plan. */
#include "model/alert_plan.h"

#include "core/xalloc.h"
#include "model/advisory.h"
#include "model/org.h"
#include "model/recipients.h"

#include <stdlib.h>
#include <string.h>

/* The plan being made: the plan object, and every organisation by id (from org_list) for
 * their names and kinds. */
struct plan_ctx {
	json_t *plan, *orgs;
};

/* Contacts in the order the plan lists them: by name (then id). */
static int plan_contact_cmp(const void *pa, const void *pb)
{
	const struct recipient_contact *a = *(const struct recipient_contact *const *)pa;
	const struct recipient_contact *b = *(const struct recipient_contact *const *)pb;
	int c = strcmp(a->name, b->name);

	return c ? c : (a->id > b->id) - (a->id < b->id);
}

/* The contacts of r as the plan lists them: [{id, name, email, phone, 24x7, webhook, of}]
 * (email, phone and webhook only when given), sorted by name. New array. */
static json_t *plan_contacts(const struct recipient *r)
{
	const struct recipient_contact **v = xcalloc(r->ncontacts + 1, sizeof(*v));
	json_t *out = json_array();

	for (size_t i = 0; i < r->ncontacts; i++)
		v[i] = &r->contacts[i];
	qsort(v, r->ncontacts, sizeof(*v), plan_contact_cmp);
	for (size_t i = 0; i < r->ncontacts; i++) {
		json_t *c = json_pack("{s:I, s:s}", "id", (json_int_t)v[i]->id, "name", v[i]->name);
		if (v[i]->email)
			json_object_set_new(c, "email", json_string(v[i]->email));
		if (v[i]->phone)
			json_object_set_new(c, "phone", json_string(v[i]->phone));
		json_object_set_new(c, "24x7", json_boolean(v[i]->always));
		if (v[i]->webhook)
			json_object_set_new(c, "webhook", json_string(v[i]->webhook));
		json_object_set_new(c, "of", json_string(v[i]->org));
		json_array_append_new(out, c);
	}
	free(v);
	return out;
}

/* Adds a count to the plan's key k. */
static void plan_count(json_t *plan, const char *k, long n)
{
	json_object_set_new(plan, k,
	                    json_integer(json_integer_value(json_object_get(plan, k)) + n));
}

/* Adds one recipient to the plan, with its contacts and channel counts. */
static int plan_add(void *ctx, const struct recipient *r, struct err *e)
{
	struct plan_ctx *p = ctx;
	json_t *o = json_object_get(p->orgs, r->org), *matched;
	long email = 0, webhook = 0, call = 0;

	if ((matched = json_loads(r->matched, 0, NULL)) == NULL)
		return err_set(e, ERR_DB, "alert plan: %s: unreadable matched products", r->org);
	for (size_t i = 0; i < r->nalerts; i++) {
		if (strcmp(r->alerts[i].channel, "email") == 0)
			email++;
		else if (strcmp(r->alerts[i].channel, "webhook") == 0)
			webhook++;
		else
			call++;
	}
	json_array_append_new(
	    json_object_get(p->plan, "orgs"),
	    json_pack("{s:s, s:O?, s:O?, s:s, s:o, s:o, s:I, s:I, s:b}", "org", r->org, "name",
	              json_object_get(o, "name"), "kind", json_object_get(o, "kind"), "reason",
	              r->reason, "matched", matched, "contacts", plan_contacts(r), "email",
	              (json_int_t)email, "webhook", (json_int_t)webhook, "call", call > 0));
	plan_count(p->plan, "organisations", r->nalerts > 0);
	plan_count(p->plan, "email", email);
	plan_count(p->plan, "webhook", webhook);
	plan_count(p->plan, "calls", call);
	return 0;
}

int alert_plan(struct db *db, const char *id, json_t **out, struct err *e)
{
	struct advisory_version v;
	struct plan_ctx p = {NULL, json_object()};
	json_t *all = NULL, *row;
	char label[16], cls[32];
	size_t i;
	int rc, material = 0, call;

	*out = NULL;
	if ((rc = advisory_load(db, id, NULL, 1, &v, e)) != 0) {
		json_decref(p.orgs);
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
		json_object_set(p.orgs, json_string_value(json_object_get(row, "org")), row);
	}
	call = recipients_call(&v);
	advisory_version_label(v.num, label, sizeof(label));
	snprintf(cls, sizeof(cls), "%s/%s", v.likelihood, v.impact);
	p.plan = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:i, s:i, s:i, s:i, s:[]}", "advisory",
	                   v.id, "version", label, "classification", cls, "tlp", v.tlp, "material",
	                   material, "call", call, "organisations", 0, "email", 0, "webhook", 0,
	                   "calls", 0, "orgs");
	if ((rc = recipients_of_version(db, &v, material, plan_add, &p, e)) != 0)
		goto out;
	*out = p.plan;
	p.plan = NULL;
out:
	json_decref(p.plan);
	json_decref(all);
	json_decref(p.orgs);
	advisory_version_free(&v);
	return rc;
}
