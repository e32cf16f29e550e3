/* alert.h: alerts, and the outbox that delivers them.
 *
 * Publishing a version with a material change creates one alert per (version, organisation,
 * channel, contact) for every organisation it affects or is addressed to: e-mail and webhook
 * per contact, and for a high/high version a call task per organisation. Partners get every
 * version their TLP lets them see. The unique key makes creation happen once; the Message-ID
 * (and webhook delivery id) is fixed at creation, so a delivery repeated after a crash can be
 * recognised by the receiver, and a claimed alert whose worker died is delivered again.
 * Creation is set-wise (ids handed out in advance, multi-row INSERTs): see docs/alerts.md. */
#ifndef BAKEN_ALERT_H
#define BAKEN_ALERT_H

#include "core/err.h"
#include "model/event.h"

#include <jansson.h>

struct db;

struct alert_counts {
	long organisations; /* distinct organisations alerted */
	long email, webhook, call;
};

/* Creates the alerts for a just published version (num) of advisory id. material says
 * whether constituents must act (see advisory_publish); partners are alerted either way. */
int alert_on_publish(struct db *db, const struct act *act, const char *id, int num, int material,
                     struct alert_counts *out, struct err *e);

/* A notice to one organisation about an advisory that is not a new version of it: scan
 * results, a follow-up request, a reminder, an escalation. The creating module writes the
 * subject and the text; the outbox adds the personal greeting and the acknowledgement link. */
struct alert_notice {
	const char *advisory_id;
	int num; /* the version it refers to (its latest published one) */
	const char *org;
	const char *topic;     /* "scan", "followup", "reminder", "escalation" ... */
	const char *topic_ref; /* tells notices of one topic apart: a batch, a date */
	const char *reason;
	const char *subject, *body;
	json_t *data; /* borrowed: sent in the webhook's "matched" (NULL: []) */
	int call;     /* a call task too */
};

/* Creates the notice's alerts for every contact of nt->org (its parent's when it has none), on
 * each of their channels; once per (org, topic, topic_ref): a second call adds nothing. */
int alert_notice(struct db *db, const struct act *act, const struct alert_notice *nt,
                 struct alert_counts *out, struct err *e);

struct alert_deliver_stats {
	long delivered, retrying, failed;
};

/* Delivers every e-mail and webhook alert that is due at act->at, in batches: a batch is
 * claimed in a transaction before it is sent, and recorded in the transaction that claims
 * the next one while a second thread sends it, so no transaction is open during the network
 * and each batch costs one commit. Manages its own transactions: call it outside one. With
 * clock_runs the run's time goes on from act->at as the real time does (leases, delivery
 * times); without, act->at stands (a moment given with --at, replayed). */
int alert_deliver(struct db *db, const struct act *act, int clock_runs,
                  struct alert_deliver_stats *st, struct err *e);

/* Marks an alert acknowledged (once; a second time changes nothing and says when). */
int alert_ack(struct db *db, const struct act *act, long id, json_t **out, struct err *e);
/* The same through the token of the link in the mail (alert_ack_token_of, or the stored hash
 * of a link mailed before schema 8); ERR_NOTFOUND for an unknown token. */
int alert_ack_token(struct db *db, const struct act *act, const char *token, json_t **out,
                    struct err *e);
/* Puts a failed or cancelled alert back in the queue, due now. */
int alert_retry(struct db *db, const struct act *act, long id, struct err *e);

struct alert_filter {
	const char *advisory, *version, *org, *channel, *state;
};
/* Alerts as JSON rows, newest advisory first. */
int alert_list(struct db *db, const struct alert_filter *f, json_t **out, struct err *e);
/* Per advisory version: organisations alerted, delivered, acknowledged, called, and the time
 * from publication to the first and the last delivery. */
int alert_status(struct db *db, const char *advisory, json_t **out, struct err *e);

/* Call tasks. */
int call_list(struct db *db, int all, json_t **out, struct err *e);
int call_claim(struct db *db, const struct act *act, long id, struct err *e);
/* Records the outcome of a call: reached, voicemail, no-answer (keeps it open, one more
 * attempt), wrong-number. */
int call_done(struct db *db, const struct act *act, long id, const char *outcome, const char *note,
              struct err *e);

/* The alert subject: "[TLP:AMBER ]NCSC-2019-0353 [v1.01] [H/H] title". */
void alert_subject(const char *id, int num, const char *tlp, const char *likelihood,
                   const char *impact, const char *title, char *out, size_t outsz);
/* The acknowledgement token of an alert (hex, 64 characters) from the secret and its
 * Message-ID: derived, so a mail sent again carries the same link, and nothing is stored. For
 * a Message-ID of ours, "<baken.ID.TIME@host>", the alert id in 16 hex digits and then 192
 * bits of HMAC-SHA256(secret, Message-ID), which alert_ack_token checks by that id; for any
 * other, the whole HMAC. */
void alert_ack_token_of(const char *secret, const char *message_id, char out[65]);
/* 1 when t falls outside office hours in the Netherlands (08:00-18:00 on weekdays, CET/CEST). */
int alert_is_night(int64_t t);

#endif
