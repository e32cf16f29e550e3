/* followup.h: follow-up requests (terugmelding) and comply-or-explain.
 *
 * A coordinator asks a set of organisations a question about an advisory, with a deadline:
 * "did you take the vendor's mitigations?", "switch off, or explain why not". Every addressed
 * organisation is alerted through the outbox (alert_notice, topic "followup"). Each answers
 * with a status: patched (the version and when), mitigated (which measures), switched-off
 * (when), or kept-on, which is refused unless each of the three cumulative conditions of the
 * ministers' decision of 17 January 2020 has a written justification:
 *   C1 switching off has disproportionate consequences, e.g. for safety or health;
 *   C2 adequate extra monitoring and security measures are in place;
 *   C3 the systems are compartmentalised or quarantined, with enough detection, and
 *      contamination of the organisation's own and others' systems is excluded.
 * The coordinator accepts or rejects a kept-on explanation, with a note; a rejection reopens
 * the request for that organisation. Answers are revised by answering again; every answer and
 * review is kept (the store refuses to change them) and logged in the event log.
 *
 * Times: act->at is when the answer or review happened (--at). A request is answerable from
 * its creation until it closes (--closes, or followup_close); an organisation whose explanation
 * was rejected may answer again even after that. */
#ifndef BAKEN_FOLLOWUP_H
#define BAKEN_FOLLOWUP_H

#include "core/err.h"
#include "model/event.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;

/* The three conditions, for messages and reports: "C1", and its text in English. */
extern const char *const followup_condition_text[3];

/* What `followup request` was given. */
struct followup_request_input {
	const char *advisory;
	const char *
	    *to; /* kinds (every organisation of that kind), organisation ids, or "affected" */
	size_t nto;
	const char *question; /* NULL: the default question */
	int64_t deadline;
	int64_t closes; /* 0: open until followup_close */
};

/* Creates a request on the latest published version of in->advisory, resolves --to into
 * organisations (each once), alerts each of them, and logs followup.request. *id gets the
 * request's number, *orgs (when not NULL) a new array of {org} for the organisations asked.
 * ERR_INPUT for an unknown kind or a deadline not after act->at; ERR_NOTFOUND for an unknown
 * advisory or organisation; ERR_CONFLICT for an advisory without a published version, or a --to
 * that names nobody. */
int followup_request(struct db *db, const struct act *act, const struct followup_request_input *in,
                     long *id, json_t **orgs, struct err *e);

/* What `followup respond` was given. */
struct followup_answer_input {
	const char *advisory, *org;
	long request;       /* 0: the latest request on the advisory that addresses org */
	const char *status; /* patched, mitigated, switched-off, kept-on (any case) */
	const char *version;
	const char *measures;
	const char *c[3];
	const char *note;
	const char *by;   /* the answering organisation: org (NULL) or a parent of it */
	int64_t remedied; /* 0: act->at */
};

/* Records an answer. Refused, with nothing changed: an organisation that no request on the
 * advisory addresses (ERR_PERM, naming it); a closed request (ERR_CONFLICT, saying since when);
 * kept-on without all three justifications (ERR_INPUT naming each missing condition); C1-C3 on
 * another status; patched without --version, mitigated without --measures; a --by that is not
 * the organisation or a parent; a time before the request. *answer gets the answer's id. */
int followup_respond(struct db *db, const struct act *act, const struct followup_answer_input *in,
                     long *answer, struct err *e);

/* Accepts (accept 1) or rejects (0) org's current kept-on explanation on the advisory (request 0:
 * the latest that addresses org). Only the actor who made the request, or one listed in the
 * setting followup.coordinators (comma-separated actor names), may review: ERR_PERM otherwise.
 * ERR_CONFLICT when the current answer is not a kept-on explanation. due (0: none) is the new
 * deadline of a rejection. */
int followup_review(struct db *db, const struct act *act, const char *advisory, const char *org,
                    long request, int accept, const char *note, int64_t due, struct err *e);

/* Closes a request (request 0: the latest on the advisory) at act->at: no answers after. */
int followup_close(struct db *db, const struct act *act, const char *advisory, long request,
                   struct err *e);

/* The requests on an advisory as of `asof`, each with its question, deadline, counts per
 * state and one row per addressed organisation (org, name, kind, state, status, review,
 * answered_at, late, by, version, remedied_at, measures, c1-c3, note, history with every
 * answer and review). state is one of unanswered, answered, explained (kept-on awaiting
 * review), accepted, rejected. request 0: all of them. */
int followup_status(struct db *db, const char *advisory, long request, int64_t asof, json_t **out,
                    struct err *e);

/* The organisation's current answer on any request of the advisory as of asof, for the BIO
 * clock: *status (static string, NULL when none), *remedied (the time it gives), *review (1
 * accepted, -1 rejected, 0 none). */
int followup_current(struct db *db, const char *advisory, const char *org, int64_t asof,
                     const char **status, int64_t *remedied, int *review, struct err *e);

/* The canonical status for s in any case, or NULL. */
const char *followup_status_parse(const char *s);

/* Unanswered (or reopened) organisations of open requests, for reminders: calls fn for each
 * (request id, advisory, num, org, deadline, created_at). */
int followup_each_pending(struct db *db, int64_t asof,
                          int (*fn)(void *ctx, long request, const char *advisory, int num,
                                    const char *org, int64_t deadline, int64_t created),
                          void *ctx, struct err *e);

#endif
