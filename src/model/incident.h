/* incident.h: incidents. An incident groups advisories (the Citrix case: one advisory, many
 * versions) and keeps the logbook of how it was handled: scale levels 0 (normal handling),
 * 1 (NCSC operational coordination) and 2 (national crisis structure) with who decided and
 * why; meetings; decisions with their approvers ("the ministers approved the urgent advice");
 * communications (press release, website news, FAQ entries, social media) with their times;
 * notes; and the vendor's patch timeline per version branch: each announced date (the first
 * is the promise, later ones change it) and the actual release, so the evaluation can show
 * promise and fact. The logbook and the patch timeline are append-only. An incident's FAQ
 * entries are public when the incident is. Every change logs an event on "incident:ID". */
#ifndef BAKEN_INCIDENT_H
#define BAKEN_INCIDENT_H

#include "core/err.h"
#include "model/event.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;

/* Creates an incident (id: 1-64 of a-z 0-9 . _ -) with the advisories given; ERR_CONFLICT when
 * the id is taken, ERR_NOTFOUND for an unknown advisory. */
int incident_new(struct db *db, const struct act *act, const char *id, const char *title,
                 const char **advisories, size_t nadvisories, int public, struct err *e);

/* Adds advisories, changes the title (NULL: keeps it), makes it public or not (-1: keeps). */
int incident_update(struct db *db, const struct act *act, const char *id, const char *title,
                    const char **advisories, size_t nadvisories, int public, struct err *e);

/* Sets the scale level (0-2); by is who decided (NULL: the actor), reason why (may be NULL).
 * ERR_CONFLICT when the incident is at that level already. */
int incident_scale(struct db *db, const struct act *act, const char *id, int level, const char *by,
                   const char *reason, struct err *e);

/* One logbook entry. kind: decision, meeting, communication, note (any case). */
struct incident_entry {
	const char *kind;
	const char *text;
	const char *title;   /* communication: a headline, or an FAQ entry's question */
	const char *channel; /* communication: press, website, faq, social, other */
	const char *by;      /* decision: who decided (NULL: the approvers, else the actor) */
	const char **approved_by;
	size_t napproved;
	const char **participants;
	size_t nparticipants;
};

/* Adds an entry at act->at. A decision may name approvers; a communication needs a channel,
 * an FAQ entry a title (the question) and its text (the answer). */
int incident_log(struct db *db, const struct act *act, const char *id,
                 const struct incident_entry *en, long *entry, struct err *e);

/* Records the vendor's patch timeline of a version branch (VENDOR:PRODUCT:RANGE): the date
 * it announces (announced, ISO date or time: the first is the promise, a later one changes
 * it), or a release (released: the version that fixes the branch) at act->at. Exactly one of
 * announced and released. */
int incident_patch(struct db *db, const struct act *act, const char *id, const char *branch,
                   const char *announced, const char *released, struct err *e);

/* The whole incident as JSON: id, title, level, public, advisories, scale history, logbook,
 * FAQ and patch timeline (per branch: announcements and release). */
int incident_show(struct db *db, const char *id, json_t **out, struct err *e);
/* One row per incident: id, title, level, public, advisories, created_at. */
int incident_list(struct db *db, json_t **out, struct err *e);
/* The FAQ entries (question, answer, at) of an incident. public_only: ERR_NOTFOUND, as if it
 * did not exist, unless the incident is public (for the public web page). */
int incident_faq(struct db *db, const char *id, int public_only, json_t **out, struct err *e);
/* The advisories of an incident, as a JSON array of ids; ERR_NOTFOUND for an unknown one. */
int incident_advisories(struct db *db, const char *id, json_t **out, struct err *e);

#endif
