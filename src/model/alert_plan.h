/* alert_plan.h: who will be alerted when an advisory's draft is published, worked out by the
 * rules alert_on_publish follows (recipients.h, their one place) but without creating
 * anything (the analyst's "before publishing" view). It reads only. */
#ifndef BAKEN_ALERT_PLAN_H
#define BAKEN_ALERT_PLAN_H

#include "core/err.h"

#include <jansson.h>

struct db;

/* The plan for publishing the draft of advisory id as it stands: an object {advisory, version,
 * classification, tlp, material, call (a call task per affected organisation: high/high),
 * organisations, email, webhook, calls (the counts alert_on_publish would report, when
 * nothing was alerted before), orgs: [{org, name, kind, reason ("affected", "addressed",
 * "partner"), matched: [{product, version, count, internet_facing}], contacts: [{name, of,
 * email, webhook, phone, 24x7}], email, webhook, call}]}. An organisation without contacts
 * of its own gets its parent's (and so on up), as the alerts do; one with none at all is
 * listed with no contacts (it would get nothing). When the draft is not a material change
 * only partners are listed. ERR_NOTFOUND for an unknown advisory; ERR_CONFLICT when it has no
 * draft. *out is new. */
int alert_plan(struct db *db, const char *id, json_t **out, struct err *e);

#endif
