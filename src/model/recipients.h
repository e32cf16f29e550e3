/* recipients.h: who an advisory version alerts, and on which channels: the one place of the
 * rules that alert_on_publish (which writes the alerts), alert_notice and alert_plan (which
 * shows them before publishing) all follow. It reads only.
 *
 * The rules: when the version is a material change, every organisation affected by inventory
 * (with what matched), then every one it is addressed to (--to) that is not affected; then,
 * material or not, every partner that may see it (CLEAR, or addressed to it) and is neither.
 * An organisation is alerted through its own contacts, else those of its nearest ancestor
 * that has any: an e-mail per contact with an address, a webhook per contact with a URL, and,
 * for an affected organisation when the version is high/high, one call task. */
#ifndef BAKEN_RECIPIENTS_H
#define BAKEN_RECIPIENTS_H

#include "core/buf.h"
#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

struct db;
struct advisory_version;

/* A contact through which an organisation is alerted. */
struct recipient_contact {
	const char *org; /* whose contact it is: the recipient's own, or an ancestor's */
	int64_t id;
	const char *name, *email, *phone, *webhook; /* NULL when not given (name: "") */
	int always;                                 /* reachable 24/7 */
};

/* One alert of a recipient: a channel of one of its contacts, or its call task. */
struct recipient_alert {
	const char *channel; /* "email", "webhook" or "call": string literals */
	int64_t contact;     /* the contact's id; 0 for a call task */
	const char *address; /* the e-mail address or webhook URL; NULL for a call task */
};

/* An organisation to alert and its alerts, in the order they are made. Everything is
 * borrowed, valid until the callback returns; reason is a string literal or the caller's. */
struct recipient {
	const char *org;
	const char *reason;  /* "affected", "addressed", "partner" (a notice: its own) */
	const char *matched; /* JSON text: [{"product", "version", "count", "internet_facing"}] */
	int call;            /* a call task too */
	const struct recipient_contact *contacts; /* sorted by id; none: it gets no e-mail */
	size_t ncontacts;
	const struct recipient_alert *alerts; /* e-mail, webhook per contact, then the call */
	size_t nalerts;
};

/* Whether the affected organisations of v get a call task: when it is high/high. */
int recipients_call(const struct advisory_version *v);

/* What is called with each recipient; a non-zero return stops the walk and is returned. */
typedef int (*recipients_fn)(void *ctx, const struct recipient *r, struct err *e);

/* Calls fn for every recipient of version v, in the order of the rules above (the affected
 * sorted by organisation id, the addressed as v lists them, partners by id); material says
 * whether constituents must act (see advisory_publish). Reads only; 0 or an error (ERR_DB,
 * or fn's). */
int recipients_of_version(struct db *db, const struct advisory_version *v, int material,
                          recipients_fn fn, void *ctx, struct err *e);

/* Calls fn once, for org alone: its contacts (its ancestor's when it has none) on each of
 * their channels, with reason and matched (JSON text) as given and a call task when call is
 * set (what a notice about an advisory gets). Reads only. */
int recipients_of_org(struct db *db, const char *org, const char *reason, const char *matched,
                      int call, recipients_fn fn, void *ctx, struct err *e);

/* The phone numbers of r's call task as JSON into b (reset first), in the order to try them:
 * at night the 24/7 numbers first, by day the others first:
 * [{"name": ..., "phone": ..., "24x7": bool}, ...]. */
void recipients_phones(struct buf *b, const struct recipient *r, int night);

#endif
