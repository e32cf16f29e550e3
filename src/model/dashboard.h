/* dashboard.h: the coordinator's view (DESIGN §1: CIO Rijk watches the dashboard and the
 * one-week deadline). Put together from the public functions of the modules that own the
 * facts, so each number equals what their commands print: `advisory affected`, `alert
 * status`, `followup status`, `deadline list`, `incident list`. Reads only, except that
 * deadline_list starts the clocks that are due, as `deadline list` does. */
#ifndef BAKEN_DASHBOARD_H
#define BAKEN_DASHBOARD_H

#include "core/err.h"

#include <jansson.h>
#include <stdint.h>

struct db;

/* One row per advisory with a published version, newest first: {id, version,
 * classification, tlp, title, date, affected (organisations whose inventory falls in the
 * latest version's ranges), alerts (the `alert status` row of the latest version that has
 * alerts, or null), followup: [{request, asked_at, deadline, closed, asked, answered, kept_on,
 * accepted, rejected, explained, open}], deadlines {open, in-time, late, overdue, exempted},
 * incidents: [{id, level}]}, as of asof (follow-up answers and deadlines). *out is new. */
int dashboard_advisories(struct db *db, int64_t asof, json_t **out, struct err *e);

/* One advisory in detail: {advisory: (its dashboard row), versions: (every `alert status`
 * row), requests: (the `followup status` requests without their organisations), orgs: [{org,
 * name, kind, affected (inventory rows in range), products, alerted (alerts made), delivered,
 * acknowledged, call ("" none, else the state or outcome of its latest call task), followup
 * (state on the latest request that asks it, or null), followup_status, deadline (state or
 * null), due, days_over}]}, organisations in id order: every one that is affected, was alerted,
 * was asked, or has a clock. ERR_NOTFOUND for an unknown advisory. */
int dashboard_advisory(struct db *db, const char *id, int64_t asof, json_t **out, struct err *e);

#endif
