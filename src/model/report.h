/* report.h: the evaluation report of an incident, for the evaluation the ministers' letters
 * promise ("the advice, the measures and their follow-up from the first day").
 *
 * It is built from the event log: every event up to the report's moment (--at), in the order
 * the events happened. The incident's own events name its advisories and carry a snapshot of
 * their vulnerability records (reported to the vendor, disclosed, learned of); the advisories'
 * events give the versions and their classification with the reasons; vuln.exploit_status the
 * exploit events; followup.* the requests, answers and reviews; deadline.* the BIO clocks;
 * incident.* the scale levels, decisions, meetings, communications and the vendor's patch
 * timeline; scan.* the exposure. One exception, stated in the report: the alerting figures
 * take each alert's organisation, channel and delivery time from its row in alerts, because
 * alert.deliver events log batches of alerts, not each one (alert rows never change who or
 * what they are for, and their times are written once, with the event).
 *
 * Sections: timeline; alerting (per published version and channel: alerts, delivered,
 * acknowledged, time from publication to delivery and to acknowledgement, median and worst;
 * organisations never reached); follow-up (answers per status, explanations accepted and
 * rejected, who did not answer); remediation (per organisation the BIO verdict, time to
 * remedy, the share within the rule, the overdue list); exposure (vulnerable systems per day);
 * the vendor's patch timeline (promise and fact). */
#ifndef BAKEN_REPORT_H
#define BAKEN_REPORT_H

#include "core/err.h"

#include <jansson.h>
#include <stdint.h>

struct db;

struct report_opts {
	const char *incident;
	int64_t asof;     /* events that happened up to then */
	const char *lang; /* "nl" (default) or "en": the texts of the timeline and the headings */
};

/* Builds the evaluation of o->incident as JSON (see docs/followup.md for its fields). The
 * caller runs deadline_sync first when the clocks should be up to date. ERR_NOTFOUND for an
 * unknown incident, ERR_CONFLICT when it did not exist yet at o->asof. */
int report_evaluation(struct db *db, const struct report_opts *o, json_t **out, struct err *e);

#endif
