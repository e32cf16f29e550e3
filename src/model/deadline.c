/* deadline.c: the BIO clock per organisation and advisory, reminders and escalations. */
#include "model/deadline.h"

#include "core/buf.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "domain/range.h"
#include "domain/version.h"
#include "model/advisory.h"
#include "model/alert.h"
#include "model/config.h"
#include "model/field.h"
#include "model/followup.h"
#include "model/org.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define DAY 86400LL

static const char *const kinds[] = {"ministry", "agency", "vital", "partner", "other", NULL};

/* ---- rules ---- */

int deadline_rule_parse(const char *text, struct deadline_rule *r, struct err *e)
{
	const char *p = text, *plus;
	long n = 0;
	size_t len;

	memset(r, 0, sizeof(*r));
	plus = strchr(text, '+');
	len = plus ? (size_t)(plus - text) : strlen(text);
	if (plus && strcasecmp(plus, "+mitigated") != 0)
		goto bad;
	r->mitigated = plus != NULL;
	if (len == 3 && strncasecmp(text, "off", 3) == 0 && !plus) {
		r->off = 1;
		return 0;
	}
	if (len == 7 && strncasecmp(text, "bio2019", 7) == 0) {
		r->days = 7;
		return 0;
	}
	if (len == 4 && strncasecmp(text, "bio2", 4) == 0) {
		r->days = 7;
		r->mitigated = 1;
		return 0;
	}
	while (p < text + len && isdigit((unsigned char)*p) && n <= 366)
		n = n * 10 + (*p++ - '0');
	if (p == text || n < 1 || n > 366)
		goto bad;
	if (text + len - p == 1 && tolower((unsigned char)p[0]) == 'd')
		r->business = 0;
	else if (text + len - p == 2 && tolower((unsigned char)p[0]) == 'b' &&
	         tolower((unsigned char)p[1]) == 'd')
		r->business = 1;
	else
		goto bad;
	r->days = (int)n;
	return 0;
bad:
	return err_set(e, ERR_INPUT,
	               "bad deadline rule \"%s\": expected off, bio2019, bio2, N calendar days"
	               " (7d) or N business days (5bd), optionally followed by +mitigated",
	               text);
}

void deadline_rule_format(const struct deadline_rule *r, char *out, size_t outsz)
{
	if (r->off)
		snprintf(out, outsz, "off");
	else
		snprintf(out, outsz, "%d%s%s", r->days, r->business ? "bd" : "d",
		         r->mitigated ? "+mitigated" : "");
}

void deadline_rule_of_kind(struct db *db, const char *kind, struct deadline_rule *r)
{
	char key[64], *v;
	int gov = strcmp(kind, "ministry") == 0 || strcmp(kind, "agency") == 0;

	snprintf(key, sizeof(key), "deadline.%s", kind);
	v = config_get(db, key, gov ? "bio2019" : "off");
	if (deadline_rule_parse(v, r, NULL) != 0)
		deadline_rule_parse(gov ? "bio2019" : "off", r, NULL);
	free(v);
}

/* 0 Sunday ... 6 Saturday, of the UTC day of t. */
static int weekday(int64_t t)
{
	int64_t d = t >= 0 ? t / DAY : (t - DAY + 1) / DAY;
	int w = (int)((d + 4) % 7);

	return w < 0 ? w + 7 : w;
}

int64_t deadline_due(int64_t start, const struct deadline_rule *r)
{
	int64_t t = start;
	int left = r->days;

	if (!r->business)
		return start + (int64_t)r->days * DAY;
	while (left > 0) {
		t += DAY;
		if (weekday(t) != 0 && weekday(t) != 6)
			left--;
	}
	return t;
}

static int days_check(const char *key, const char *v, long lo, long hi, struct err *e)
{
	long n = 0;
	const char *p = v;

	while (*p >= '0' && *p <= '9' && n <= hi)
		n = n * 10 + (*p++ - '0');
	if (p == v || *p || n < lo || n > hi)
		return err_set(e, ERR_INPUT,
		               "%s \"%s\": expected a whole number of days from %ld to %ld", key, v,
		               lo, hi);
	return 0;
}

int deadline_config_check(struct db *db, const char *key, const char *value, struct err *e)
{
	struct deadline_rule r;

	for (size_t i = 0; kinds[i]; i++) {
		char k[64];
		snprintf(k, sizeof(k), "deadline.%s", kinds[i]);
		if (strcmp(key, k) == 0)
			return deadline_rule_parse(value, &r, e);
	}
	if (strcmp(key, "deadline.remind_before") == 0)
		return days_check(key, value, 0, 60, e);
	if (strcmp(key, "deadline.remind_every") == 0)
		return days_check(key, value, 1, 30, e);
	if (strcmp(key, "deadline.coordinator") == 0 && value[0]) {
		int rc = org_require(db, value, e);
		if (rc != 0)
			err_wrap(e, "deadline.coordinator: ");
		return rc;
	}
	return 0;
}

/* ---- verdicts ---- */

const char *deadline_state_name(enum deadline_state s)
{
	static const char *const names[] = {"open", "in-time", "late", "overdue", "exempted"};

	return (unsigned)s < 5 ? names[s] : "open";
}

/* Started days from a to b (b > a): an hour is one day. */
static long days_between(int64_t a, int64_t b)
{
	return b <= a ? 0 : (long)((b - a + DAY - 1) / DAY);
}

void deadline_judge(const struct deadline_facts *f, int64_t asof, struct deadline_verdict *v)
{
	int64_t answered = 0;
	const char *via = NULL;

	memset(v, 0, sizeof(*v));
	if (f->status &&
	    (strcmp(f->status, "patched") == 0 || strcmp(f->status, "switched-off") == 0 ||
	     (f->mitigated && strcmp(f->status, "mitigated") == 0))) {
		answered = f->remedied;
		via = strcmp(f->status, "patched") == 0        ? "answer:patched"
		      : strcmp(f->status, "switched-off") == 0 ? "answer:switched-off"
		                                               : "answer:mitigated";
	}
	v->remedied = answered;
	v->via = via;
	if (f->fixed && f->fixed <= asof && (v->remedied == 0 || f->fixed < v->remedied)) {
		v->remedied = f->fixed;
		v->via = "inventory";
	}
	if (v->remedied) {
		/* remedied before the clock started counts from the start */
		if (v->remedied < f->started)
			v->remedied = f->started;
		v->state = v->remedied <= f->due ? DEADLINE_IN_TIME : DEADLINE_LATE;
		v->days_over = days_between(f->due, v->remedied);
		return;
	}
	if (f->status && strcmp(f->status, "kept-on") == 0 && f->review > 0) {
		v->state = DEADLINE_EXEMPTED;
		v->via = "answer:kept-on";
		return;
	}
	v->state = asof <= f->due ? DEADLINE_OPEN : DEADLINE_OVERDUE;
	v->days_over = v->state == DEADLINE_OVERDUE ? days_between(f->due, asof) : 0;
}

/* ---- sync ---- */

/* The first published high/high version of advisory: *num (-1 when none) and when. */
static int first_high(struct db *db, const char *advisory, int *num, int64_t *at, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db,
	                    "SELECT num, published_at FROM advisory_versions WHERE advisory_id = ?1"
	                    " AND published_at IS NOT NULL AND likelihood = 'high'"
	                    " AND impact = 'high' ORDER BY num LIMIT 1",
	                    &st, e);

	*num = -1;
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, advisory);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*num = (int)db_col_int(st, 0);
		*at = field_col_time(st, 1);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* What the inventory says of the organisations with an open clock on advisory (only that one
 * when only is set): per organisation (in byorg) its rows of v's affected products ("rows"),
 * whether one of them is still in an affected range with systems ("vulnerable"), and the
 * latest change of them ("latest"). One query per affected product, not one per organisation. */
static int inventory_scan(struct db *db, const char *advisory, const char *only,
                          const struct advisory_version *v, const struct range *ranges,
                          json_t *byorg, struct err *e)
{
	int rc = 0;

	for (size_t i = 0; i < v->naffects; i++) {
		struct db_stmt *st;

		rc = db_prepare(
		    db,
		    "SELECT d.org_id, i.version, i.vkey, i.count, i.updated_at FROM deadlines d"
		    " JOIN inventory i ON i.org_id = d.org_id AND i.product = ?2"
		    " WHERE d.advisory_id = ?1 AND d.fixed_at IS NULL"
		    " AND (?3 IS NULL OR d.org_id = ?3)",
		    &st, e);
		if (rc != 0)
			return rc;
		db_bind_text(st, 1, advisory);
		db_bind_text(st, 2, v->affects[i].product);
		db_bind_text(st, 3, only);
		while ((rc = db_step(st, e)) == DB_ROW) {
			const char *org = db_col_text(st, 0), *version = db_col_text(st, 1);
			size_t klen;
			const unsigned char *key = db_col_blob(st, 2, &klen);
			int64_t t = field_col_time(st, 4);
			json_t *o = json_object_get(byorg, org);
			int isfixed = 0;

			if (o == NULL) {
				o = json_pack("{s:i, s:b, s:I}", "rows", 0, "vulnerable", 0,
				              "latest", (json_int_t)0);
				json_object_set_new(byorg, org, o);
			}
			json_object_set_new(
			    o, "rows",
			    json_integer(json_integer_value(json_object_get(o, "rows")) + 1));
			if (t > json_integer_value(json_object_get(o, "latest")))
				json_object_set_new(o, "latest", json_integer(t));
			for (size_t j = 0; j < v->nfixed; j++)
				if (strcmp(v->fixed[j].product, v->affects[i].product) == 0 &&
				    version_compare(v->fixed[j].version, version) == 0)
					isfixed = 1;
			if (db_col_int(st, 3) > 0 && !isfixed &&
			    range_contains_key(&ranges[i], key, klen))
				json_object_set_new(o, "vulnerable", json_true());
		}
		db_done(st);
		if (rc < 0)
			return rc;
		rc = 0;
	}
	return rc;
}

/* Inserts the clock of (advisory, org) unless it exists, and logs it. */
static int clock_start(struct db *db, const char *advisory, int num, const char *org,
                       const char *kind, const struct deadline_rule *r, int64_t started,
                       int64_t now, struct err *e)
{
	struct db_stmt *st;
	char s[32], d[32], c[32], rule[32], object[160], label[16];
	int64_t due = deadline_due(started, r);
	int rc;

	deadline_rule_format(r, rule, sizeof(rule));
	field_time_text(started, s);
	field_time_text(due, d);
	field_time_text(now, c);
	rc = db_prepare(db,
	                "INSERT INTO deadlines (advisory_id, org_id, num, kind, rule, started_at,"
	                " due_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	                " ON CONFLICT DO NOTHING",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, advisory);
	db_bind_text(st, 2, org);
	db_bind_int(st, 3, num);
	db_bind_text(st, 4, kind);
	db_bind_text(st, 5, rule);
	db_bind_text(st, 6, s);
	db_bind_text(st, 7, d);
	db_bind_text(st, 8, c);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0 || db_changes(db) == 0)
		return rc < 0 ? rc : 0;
	advisory_version_label(num, label, sizeof(label));
	snprintf(object, sizeof(object), "deadline:%s:%s", advisory, org);
	return event_append(db, &(struct act){"system", started}, "deadline.start", object,
	                    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "advisory", advisory, "org",
	                              org, "kind", kind, "version", label, "rule", rule, "due", d),
	                    e);
}

static int sync_one(struct db *db, const char *advisory, const char *only, int64_t now,
                    struct err *e)
{
	struct advisory_version v;
	struct deadline_rule rules[5];
	struct range *ranges = NULL;
	struct db_stmt *st;
	json_t *cands = json_object(), *rows = NULL, *row, *open = json_array(),
	       *inv = json_object();
	const char *org;
	int64_t started = 0;
	size_t i;
	int num, rc;

	memset(&v, 0, sizeof(v));
	if ((rc = first_high(db, advisory, &num, &started, e)) != 0 || num < 0) {
		json_decref(cands);
		json_decref(open);
		json_decref(inv);
		return rc;
	}
	for (i = 0; kinds[i]; i++)
		deadline_rule_of_kind(db, kinds[i], &rules[i]);
	if ((rc = advisory_load(db, advisory, NULL, 0, &v, e)) != 0)
		goto out;
	/* who is affected now ... */
	if ((rc = advisory_affected_org(db, &v, only, &rows, e)) != 0)
		goto out;
	json_array_foreach(rows, i, row)
	{
		json_object_set(cands, json_string_value(json_object_get(row, "org")),
		                json_object_get(row, "kind"));
	}
	/* ... and who was alerted as affected by the first high/high version or a later one */
	rc = db_prepare(
	    db,
	    "SELECT DISTINCT a.org_id, o.kind FROM alerts a JOIN orgs o ON o.id = a.org_id"
	    " WHERE a.advisory_id = ?1 AND a.num >= ?2 AND a.reason = 'affected'"
	    " AND (?3 IS NULL OR a.org_id = ?3)",
	    &st, e);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, advisory);
	db_bind_int(st, 2, num);
	db_bind_text(st, 3, only);
	while ((rc = db_step(st, e)) == DB_ROW)
		json_object_set_new(cands, db_col_text(st, 0), json_string(db_col_text(st, 1)));
	db_done(st);
	if (rc < 0)
		goto out;
	/* those with a clock already keep it */
	rc = db_prepare(db,
	                "SELECT org_id FROM deadlines WHERE advisory_id = ?1"
	                " AND (?2 IS NULL OR org_id = ?2)",
	                &st, e);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, advisory);
	db_bind_text(st, 2, only);
	while ((rc = db_step(st, e)) == DB_ROW)
		json_object_del(cands, db_col_text(st, 0));
	db_done(st);
	if (rc < 0)
		goto out;
	rc = 0;
	json_object_foreach(cands, org, row)
	{
		const char *kind = json_string_value(row);
		for (i = 0; kinds[i]; i++)
			if (strcmp(kinds[i], kind) == 0)
				break;
		if (kinds[i] == NULL || rules[i].off)
			continue;
		if ((rc = clock_start(db, advisory, num, org, kind, &rules[i], started, now, e)) !=
		    0)
			goto out;
	}
	/* clocks whose inventory now shows only fixed versions */
	rc = db_prepare(db,
	                "SELECT org_id, started_at FROM deadlines WHERE advisory_id = ?1"
	                " AND fixed_at IS NULL AND (?2 IS NULL OR org_id = ?2) ORDER BY org_id",
	                &st, e);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, advisory);
	db_bind_text(st, 2, only);
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(open, json_pack("{s:s, s:I}", "org", db_col_text(st, 0), "s",
		                                      (json_int_t)field_col_time(st, 1)));
	db_done(st);
	if (rc < 0)
		goto out;
	rc = 0;
	if (json_array_size(open) == 0)
		goto out;
	ranges = xcalloc(v.naffects ? v.naffects : 1, sizeof(*ranges));
	for (i = 0; i < v.naffects; i++)
		if ((rc = range_parse(v.affects[i].range, &ranges[i], e)) != 0) {
			for (size_t j = 0; j < i; j++)
				range_free(&ranges[j]);
			free(ranges);
			ranges = NULL;
			goto out;
		}
	if ((rc = inventory_scan(db, advisory, only, &v, ranges, inv, e)) != 0)
		goto out;
	json_array_foreach(open, i, row)
	{
		const char *o = json_string_value(json_object_get(row, "org"));
		int64_t fixed = 0, s = json_integer_value(json_object_get(row, "s"));
		json_t *seen = json_object_get(inv, o);
		char f[32], object[160];

		/* only fixed versions: rows of the products, none vulnerable (no rows: no remedy)
		 */
		if (seen == NULL || json_is_true(json_object_get(seen, "vulnerable")))
			continue;
		fixed = json_integer_value(json_object_get(seen, "latest"));
		if (fixed < s)
			fixed = s;
		field_time_text(fixed, f);
		if ((rc = db_prepare(db,
		                     "UPDATE deadlines SET fixed_at = ?3 WHERE advisory_id = ?1"
		                     " AND org_id = ?2",
		                     &st, e)) != 0)
			break;
		db_bind_text(st, 1, advisory);
		db_bind_text(st, 2, o);
		db_bind_text(st, 3, f);
		rc = db_step(st, e);
		db_done(st);
		if (rc < 0)
			break;
		snprintf(object, sizeof(object), "deadline:%s:%s", advisory, o);
		if ((rc = event_append(db, &(struct act){"system", fixed}, "deadline.fixed", object,
		                       json_pack("{s:s, s:s, s:s}", "advisory", advisory, "org", o,
		                                 "via", "inventory"),
		                       e)) != 0)
			break;
	}
out:
	if (ranges) {
		for (i = 0; i < v.naffects; i++)
			range_free(&ranges[i]);
		free(ranges);
	}
	advisory_version_free(&v);
	json_decref(rows);
	json_decref(cands);
	json_decref(open);
	json_decref(inv);
	return rc < 0 ? rc : 0;
}

int deadline_sync(struct db *db, const char *advisory, const char *org, struct err *e)
{
	struct db_stmt *st;
	json_t *ids = json_array(), *x;
	int64_t now = time_now();
	size_t i;
	int rc;

	rc =
	    db_prepare(db,
	               "SELECT DISTINCT advisory_id FROM advisory_versions"
	               " WHERE published_at IS NOT NULL AND likelihood = 'high' AND impact = 'high'"
	               " AND (?1 IS NULL OR advisory_id = ?1) ORDER BY advisory_id",
	               &st, e);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, advisory);
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(ids, json_string(db_col_text(st, 0)));
	db_done(st);
	if (rc < 0)
		goto out;
	rc = 0;
	json_array_foreach(ids, i, x)
	{
		if ((rc = sync_one(db, json_string_value(x), org, now, e)) != 0)
			break;
	}
out:
	json_decref(ids);
	return rc;
}

/* ---- list ---- */

int deadline_list(struct db *db, const struct deadline_filter *f, int64_t asof, json_t **out,
                  struct err *e)
{
	struct db_stmt *st;
	char when[32];
	int rc;

	*out = NULL;
	if (f->advisory) {
		int64_t n = 0;
		if ((rc = db_query_int(db, "SELECT count(*) FROM advisories WHERE id = ?1",
		                       f->advisory, &n, e)) != 0)
			return rc;
		if (n == 0)
			return err_set(e, ERR_NOTFOUND,
			               "unknown advisory %s (`baken advisory list`)", f->advisory);
	}
	if (f->org && (rc = org_require(db, f->org, e)) != 0)
		return rc;
	field_time_text(asof, when);
	rc =
	    db_prepare(db,
	               "SELECT d.advisory_id, d.org_id, o.name, o.kind, o.parent_id, d.num, d.rule,"
	               " d.started_at, d.due_at, d.fixed_at FROM deadlines d JOIN orgs o"
	               " ON o.id = d.org_id WHERE d.started_at <= ?1 AND (?2 IS NULL OR"
	               " d.advisory_id = ?2) AND (?3 IS NULL OR d.org_id = ?3)"
	               " ORDER BY d.advisory_id, d.org_id",
	               &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, when);
	db_bind_text(st, 2, f->advisory);
	db_bind_text(st, 3, f->org);
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct deadline_rule r;
		struct deadline_facts facts = {0};
		struct deadline_verdict v;
		char label[16], rem[32];
		json_t *row;

		deadline_rule_parse(db_col_text(st, 6), &r, NULL);
		facts.started = field_col_time(st, 7);
		facts.due = field_col_time(st, 8);
		facts.fixed = field_col_time(st, 9);
		facts.mitigated = r.mitigated;
		rc = followup_current(db, db_col_text(st, 0), db_col_text(st, 1), asof,
		                      &facts.status, &facts.remedied, &facts.review, e);
		if (rc != 0)
			break;
		deadline_judge(&facts, asof, &v);
		advisory_version_label((int)db_col_int(st, 5), label, sizeof(label));
		if (v.remedied)
			field_time_text(v.remedied, rem);
		row = json_pack(
		    "{s:s, s:s, s:s, s:s?, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s?, s:s?,"
		    " s:s?}",
		    "org", db_col_text(st, 1), "name", db_col_text(st, 2), "kind",
		    db_col_text(st, 3), "parent", db_col_text(st, 4), "advisory",
		    db_col_text(st, 0), "version", label, "rule", db_col_text(st, 6), "started_at",
		    db_col_text(st, 7), "due", db_col_text(st, 8), "state",
		    deadline_state_name(v.state), "days_over", (json_int_t)v.days_over,
		    "remedied_at", v.remedied ? rem : NULL, "via", v.via, "answer", facts.status);
		json_array_append_new(*out, row);
	}
	db_done(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

/* ---- reminders ---- */

struct remind_ctx {
	struct db *db;
	const struct act *act;
	long before, every;
	json_t *out;
	long alerts;
	struct err *e;
};

/* Sends one notice; adds a row to the output when it made alerts. */
static int notify(struct remind_ctx *c, const char *advisory, int num, const char *to,
                  const char *about, const char *topic, const char *ref, const char *subject,
                  const char *body)
{
	struct alert_counts n = {0};
	json_t *none = json_array(); /* alert_notice borrows its data */
	struct alert_notice nt = {advisory, num, to, topic, ref, topic, subject, body, none, 0};
	long made;
	int rc = alert_notice(c->db, c->act, &nt, &n, c->e);

	json_decref(none);
	if (rc != 0)
		return rc;
	made = n.email + n.webhook + n.call;
	if (made == 0)
		return 0;
	c->alerts += made;
	json_array_append_new(c->out, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "org", about,
	                                        "to", to, "advisory", advisory, "topic", topic,
	                                        "ref", ref, "alerts", (json_int_t)made));
	return 0;
}

/* Whether a reminder is due at `at` for a clock whose reminders start at `from`. */
static int reminder_due(const struct remind_ctx *c, int64_t from, int64_t at)
{
	int64_t days;

	if (at < from)
		return 0;
	days = (at - from) / DAY;
	return days % c->every == 0;
}

static int pending_followup(void *ctx, long request, const char *advisory, int num, const char *org,
                            int64_t deadline, int64_t created)
{
	struct remind_ctx *c = ctx;
	int64_t from = deadline - c->before * DAY;
	char day[32], ref[96], d[32];
	struct buf subject, body;
	int rc;

	if (from < created + DAY)
		from = created + DAY;
	if (!reminder_due(c, from, c->act->at))
		return 0;
	field_time_text(c->act->at, day);
	day[10] = '\0';
	field_time_text(deadline, d);
	snprintf(ref, sizeof(ref), "request-%ld:%s", request, day);
	buf_init(&subject, 1024);
	buf_init(&body, 4096);
	buf_printf(&subject, "%s: herinnering: terugmelding %s %s", advisory,
	           c->act->at > deadline ? "verwacht sinds" : "gevraagd voor", d);
	buf_printf(&body,
	           "Herinnering: uw organisatie (%s) heeft nog niet teruggemeld op het verzoek over"
	           " %s.\nTermijn: %s%s\n",
	           org, advisory, d, c->act->at > deadline ? " (verstreken)" : "");
	rc = notify(c, advisory, num, org, org, "reminder", ref, buf_str(&subject), buf_str(&body));
	buf_free(&subject);
	buf_free(&body);
	return rc;
}

/* Adds the overdue row (its org, due and days_over) to the digest for advisory adv, version
 * num, that goes to the organisation to; digests maps "adv\tto\tnum" to its list. Serves
 * the parents' digests and the coordinator's alike. */
static void digest_add(json_t *digests, const char *adv, const char *to, int num, const json_t *row)
{
	char k[256];
	json_t *l;

	snprintf(k, sizeof(k), "%s\t%s\t%d", adv, to, num);
	if ((l = json_object_get(digests, k)) == NULL)
		json_object_set_new(digests, k, l = json_array());
	json_array_append_new(
	    l, json_pack("{s:s, s:s, s:I}", "org", json_string_value(json_object_get(row, "org")),
	                 "due", json_string_value(json_object_get(row, "due")), "days_over",
	                 json_integer_value(json_object_get(row, "days_over"))));
}

int deadline_remind(struct db *db, const struct act *act, json_t **out, struct err *e)
{
	struct deadline_filter f = {NULL, NULL};
	struct remind_ctx c = {db, act, 2, 1, NULL, 0, e};
	json_t *rows = NULL, *row, *parents = json_object(), *overdue = json_object();
	char day[32], *coordinator;
	const char *key;
	json_t *list;
	size_t i;
	long reminders, escalations = 0;
	int rc;

	*out = NULL;
	c.before = config_get_long(db, "deadline.remind_before", 2);
	c.every = config_get_long(db, "deadline.remind_every", 1);
	if (c.every < 1)
		c.every = 1;
	c.out = json_array();
	coordinator = config_get(db, "deadline.coordinator", NULL);
	field_time_text(act->at, day);
	day[10] = '\0';
	/* the clocks follow every change of their facts (deadline_sync); a database written
	 * before that rule, or by hand, is brought up to date here, on each round of the worker */
	if ((rc = deadline_sync(db, NULL, NULL, e)) != 0 ||
	    (rc = deadline_list(db, &f, act->at, &rows, e)) != 0)
		goto out;
	json_array_foreach(rows, i, row)
	{
		const char *state = json_string_value(json_object_get(row, "state"));
		const char *org = json_string_value(json_object_get(row, "org"));
		const char *adv = json_string_value(json_object_get(row, "advisory"));
		const char *due = json_string_value(json_object_get(row, "due"));
		const char *parent = json_string_value(json_object_get(row, "parent"));
		int is_over = strcmp(state, "overdue") == 0;
		int64_t duet = 0, from;
		int num = 0;
		char ref[64];
		struct buf subject, body;

		if (!is_over && strcmp(state, "open") != 0)
			continue;
		time_parse(due, &duet, NULL);
		from = duet - c.before * DAY;
		if (!reminder_due(&c, from, act->at))
			continue;
		advisory_version_parse(json_string_value(json_object_get(row, "version")), &num,
		                       NULL);
		snprintf(ref, sizeof(ref), "bio:%s", day);
		buf_init(&subject, 1024);
		buf_init(&body, 4096);
		if (is_over)
			buf_printf(&subject, "%s: patch-termijn (BIO) verstreken op %s", adv, due);
		else
			buf_printf(&subject, "%s: herinnering: patch-termijn (BIO) verloopt %s",
			           adv, due);
		buf_printf(
		    &body,
		    "%s is een high/high-advies. Volgens de BIO moet uw organisatie (%s) de"
		    " kwetsbaarheid\nbinnen de termijn verhelpen: uiterlijk %s.%s\n\nMeld terug"
		    " met `followup respond` of in het portaal zodra de systemen\ngepatcht of"
		    " uitgeschakeld zijn.\n",
		    adv, org, due,
		    is_over ? "\nDie termijn is verstreken; dit is ook aan uw bovenliggende"
		              " organisatie en de coordinator gemeld."
		            : "");
		rc = notify(&c, adv, num, org, org, "reminder", ref, buf_str(&subject),
		            buf_str(&body));
		buf_free(&subject);
		buf_free(&body);
		if (rc != 0)
			goto out;
		if (!is_over)
			continue;
		/* escalations: one digest per advisory and day to each parent and the coordinator
		 */
		if (parent)
			digest_add(parents, adv, parent, num, row);
		if (coordinator && coordinator[0])
			digest_add(overdue, adv, coordinator, num, row);
	}
	reminders = (long)json_array_size(c.out);
	for (int pass = 0; pass < 2; pass++) {
		json_object_foreach(pass ? overdue : parents, key, list)
		{
			char adv[64], to[128], ref[64];
			const char *t1 = strchr(key, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
			struct buf subject, body;
			json_t *x;
			size_t j;
			long before = (long)json_array_size(c.out);

			if (t1 == NULL || t2 == NULL)
				continue;
			snprintf(adv, sizeof(adv), "%.*s", (int)(t1 - key), key);
			snprintf(to, sizeof(to), "%.*s", (int)(t2 - t1 - 1), t1 + 1);
			snprintf(ref, sizeof(ref), "bio:%s", day);
			buf_init(&subject, 1024);
			buf_init(&body, 65536);
			buf_printf(&subject,
			           "%s: patch-termijn (BIO) verstreken bij %zu organisatie%s", adv,
			           json_array_size(list), json_array_size(list) == 1 ? "" : "s");
			buf_printf(&body,
			           "Escalatie: de volgende organisaties%s hebben %s niet binnen de"
			           " BIO-termijn verholpen:\n",
			           pass ? "" : " onder uw organisatie", adv);
			json_array_foreach(list, j, x)
			{
				buf_printf(
				    &body, "  - %s: termijn %s, %lld dag(en) over\n",
				    json_string_value(json_object_get(x, "org")),
				    json_string_value(json_object_get(x, "due")),
				    (long long)json_integer_value(json_object_get(x, "days_over")));
			}
			rc = notify(
			    &c, adv, (int)strtol(t2 + 1, NULL, 10), to,
			    json_string_value(json_object_get(json_array_get(list, 0), "org")),
			    "escalation", ref, buf_str(&subject), buf_str(&body));
			buf_free(&subject);
			buf_free(&body);
			if (rc != 0)
				goto out;
			/* the row names the organisation escalated to; the overdue ones are listed
			 */
			if ((long)json_array_size(c.out) > before) {
				json_t *last = json_array_get(c.out, json_array_size(c.out) - 1);
				json_t *names = json_array();
				json_array_foreach(list, j, x)
				{
					json_array_append(names, json_object_get(x, "org"));
				}
				json_object_set_new(last, "org", json_string(to));
				json_object_set_new(last, "overdue", names);
				escalations++;
			}
		}
	}
	rc = followup_each_pending(db, act->at, pending_followup, &c, e);
	if (rc != 0)
		goto out;
	if (json_array_size(c.out))
		rc = event_append(
		    db, act, "deadline.remind", "deadline",
		    json_pack("{s:s, s:I, s:I, s:I, s:I}", "day", day, "reminders",
		              (json_int_t)reminders, "escalations", (json_int_t)escalations,
		              "followup_reminders",
		              (json_int_t)((long)json_array_size(c.out) - reminders - escalations),
		              "alerts", (json_int_t)c.alerts),
		    e);
out:
	free(coordinator);
	json_decref(rows);
	json_decref(parents);
	json_decref(overdue);
	if (rc == 0)
		*out = c.out;
	else
		json_decref(c.out);
	return rc;
}
