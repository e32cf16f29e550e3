/* deadline.h: the BIO clock. A high/high advisory must be remedied within one week of its
 * first published high/high version (BIO 12.6.1.1) by every affected government
 * organisation; Baken tracks that per organisation and advisory, counts the days, flags what
 * is late, reminds and escalates.
 *
 * The rule is set per organisation kind (setting deadline.<kind>): "off", a period of N
 * calendar days ("7d") or business days ("5bd", Monday to Friday, public holidays not
 * counted), optionally "+mitigated" when a mitigated answer stops the clock (BIO2's draft
 * 8.08.01 lets mitigations suffice, the BIO of 2019 does not); "bio2019" is "7d" and "bio2"
 * is "7d+mitigated". Ministries and agencies default to bio2019, the other kinds to off.
 * A clock keeps the rule it started with.
 *
 * The clock of an organisation stops at the time given with its current patched or
 * switched-off answer (mitigated where the rule says so), or when its inventory shows only
 * fixed versions of the affected products. States, exactly as DESIGN §3 names them: open (not
 * remedied, not yet due), in-time, late (remedied after the due time), overdue (not remedied,
 * past due) and exempted (the current answer is a kept-on explanation the coordinator
 * accepted). days_over counts started days: an hour late is one day over. */
#ifndef BAKEN_DEADLINE_H
#define BAKEN_DEADLINE_H

#include "core/err.h"
#include "model/event.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;

struct deadline_rule {
	int off;
	int days;      /* 1-366 */
	int business;  /* days are Monday to Friday */
	int mitigated; /* a mitigated answer stops the clock */
};

/* Parses a rule (see above, any case); ERR_INPUT naming the text otherwise. */
int deadline_rule_parse(const char *text, struct deadline_rule *r, struct err *e);
/* The canonical text of a rule ("7d", "5bd+mitigated", "off") into out (16 bytes will do). */
void deadline_rule_format(const struct deadline_rule *r, char *out, size_t outsz);
/* The rule for organisations of kind, from the setting deadline.<kind> or the default. */
void deadline_rule_of_kind(struct db *db, const char *kind, struct deadline_rule *r);
/* The due time of a clock that starts at start: N days later at the same time of day, or N
 * business days later (days that fall on Saturday or Sunday, UTC, are not counted). */
int64_t deadline_due(int64_t start, const struct deadline_rule *r);

/* Checks a value for one of the settings this module reads (deadline.*, followup.*): 0 when
 * key is not one of them or the value is good, else ERR_INPUT naming what is wrong. */
int deadline_config_check(struct db *db, const char *key, const char *value, struct err *e);

enum deadline_state {
	DEADLINE_OPEN,
	DEADLINE_IN_TIME,
	DEADLINE_LATE,
	DEADLINE_OVERDUE,
	DEADLINE_EXEMPTED,
};

/* "open", "in-time", "late", "overdue", "exempted". */
const char *deadline_state_name(enum deadline_state s);

/* What is known of one clock as of a moment; the answer is the organisation's current one. */
struct deadline_facts {
	int64_t started, due;
	int mitigated;      /* the rule lets a mitigated answer stop the clock */
	int64_t fixed;      /* when the inventory showed only fixed versions; 0: never */
	const char *status; /* current answer: patched, mitigated, switched-off, kept-on; NULL */
	int64_t remedied;   /* the time the answer gives */
	int review;         /* of the current answer: 1 accepted, -1 rejected, 0 none */
};

struct deadline_verdict {
	enum deadline_state state;
	int64_t remedied; /* in-time and late: when; else 0 */
	const char *via;  /* "answer:patched", "inventory" ...; NULL */
	long days_over;   /* late and overdue: started days past due; else 0 */
};

/* The verdict as of asof (pure: the caller gives the facts as of asof). */
void deadline_judge(const struct deadline_facts *f, int64_t asof, struct deadline_verdict *v);

/* Starts the clocks that are due to run: for every advisory (advisory NULL) or one, with a
 * published high/high version, every organisation (org NULL) or the one of a kind with a rule
 * that is affected now or was alerted as affected by that version or a later one. Marks clocks
 * whose organisation's inventory now shows only fixed versions. Logs deadline.start and
 * deadline.fixed at the times they happened (actor "system"). Idempotent. Called, in their
 * transaction, by whatever changes those facts: publishing, the inventory, the kinds of
 * organisations, the rules; reading never writes. */
int deadline_sync(struct db *db, const char *advisory, const char *org, struct err *e);

struct deadline_filter {
	const char *advisory, *org; /* NULL: all */
};

/* One row per clock started by asof: org, name, kind, parent, advisory, version, rule,
 * started_at, due, state, days_over, remedied_at, via, answer. */
int deadline_list(struct db *db, const struct deadline_filter *f, int64_t asof, json_t **out,
                  struct err *e);

/* Sends the reminders and escalations that are due at act->at, each once (alert_notice keys
 * them by day): to every organisation whose clock is open or overdue, from
 * deadline.remind_before days (default 2) before the due time, then every deadline.remind_every
 * days (default 1); for overdue clocks, an escalation a day to the parent organisation and to
 * the coordinator's organisation (setting deadline.coordinator); and reminders of unanswered
 * follow-up requests, from the same number of days before their deadline (at the earliest a day
 * after the request) and daily after it while the request is open. *out gets one row per notice
 * that made alerts. Logs deadline.remind when it sent anything. */
int deadline_remind(struct db *db, const struct act *act, json_t **out, struct err *e);

#endif
