/* alert.c: creating alerts when a version is published (for the recipients recipients.c works
 * out); acknowledging, retrying, listing. */
#include "model/alert.h"

#include "core/buf.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "model/advisory.h"
#include "model/config.h"
#include "model/recipients.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void alert_subject(const char *id, int num, const char *tlp, const char *likelihood,
                   const char *impact, const char *title, char *out, size_t outsz)
{
	char label[16];
	enum level l = LEVEL_LOW, i = LEVEL_LOW;

	advisory_version_label(num, label, sizeof(label));
	level_parse(likelihood, &l);
	level_parse(impact, &i);
	snprintf(out, outsz, "%s%s%s%s [v%s] [%c/%c] %s", strcmp(tlp, "CLEAR") ? "TLP:" : "",
	         strcmp(tlp, "CLEAR") ? tlp : "", strcmp(tlp, "CLEAR") ? " " : "", id, label,
	         level_letter(l), level_letter(i), title);
}

/* The alert id in a Message-ID of ours, "<baken.ID.TIME@host>"; 0 when it is not one. */
static int64_t alert_id_of_message_id(const char *mid)
{
	static const char prefix[] = "<baken.";
	int64_t id = 0;
	const char *p;

	if (strncmp(mid, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	for (p = mid + sizeof(prefix) - 1; *p >= '0' && *p <= '9'; p++) {
		if (id > (INT64_MAX - 9) / 10)
			return 0;
		id = id * 10 + (*p - '0');
	}
	return *p == '.' ? id : 0;
}

void alert_ack_token_of(const char *secret, const char *message_id, char out[65])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	int64_t id = alert_id_of_message_id(message_id);

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)message_id, strlen(message_id));
	crypto_auth_hmacsha256_final(&st, mac);
	if (id > 0) {
		/* the alert's id in 16 hex digits, then 192 bits of the MAC */
		snprintf(out, 17, "%016llx", (unsigned long long)id);
		sodium_bin2hex(out + 16, 49, mac, 24);
	} else {
		sodium_bin2hex(out, 65, mac, sizeof(mac));
	}
	sodium_memzero(mac, sizeof(mac));
}

static void sha256_hex(const char *s, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* The last Sunday of a month, 01:00 UTC: when summer time starts (March) or ends (October). */
static int64_t last_sunday_0100(int year, int month)
{
	struct tm tm = {0};
	time_t t;
	int wday;

	tm.tm_year = year - 1900;
	tm.tm_mon = month; /* the first of the next month ... */
	tm.tm_mday = 1;
	tm.tm_hour = 1;
	t = timegm(&tm) - 86400; /* ... minus a day: the last day of this month */
	gmtime_r(&t, &tm);
	wday = tm.tm_wday;
	return (int64_t)t - (int64_t)wday * 86400;
}

int alert_is_night(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	int64_t local;

	gmtime_r(&tt, &tm);
	local = t + 3600;
	if (t >= last_sunday_0100(tm.tm_year + 1900, 3) &&
	    t < last_sunday_0100(tm.tm_year + 1900, 10))
		local += 3600;
	tt = (time_t)local;
	gmtime_r(&tt, &tm);
	return tm.tm_wday == 0 || tm.tm_wday == 6 || tm.tm_hour < 8 || tm.tm_hour >= 18;
}

/* The secret of the acknowledgement links; made and stored the first time. */
static int ack_secret(struct db *db, char *out, size_t outsz, struct err *e)
{
	char *v = config_get(db, "ack.secret", NULL);
	struct db_stmt *st;
	unsigned char raw[32];
	int rc;

	if (v) {
		snprintf(out, outsz, "%s", v);
		free(v);
		return 0;
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, outsz, raw, sizeof(raw));
	rc = db_prepare(db, "INSERT INTO config (key, value) VALUES ('ack.secret', ?1)", &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, out);
	rc = db_step(st, e);
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- creation ----
 *
 * Publishing a version to 50,000 organisations makes 100,000 alerts or more, in the one
 * transaction of the publication. So the rows are written set-wise: every id is handed out
 * in advance (max(id) + 1 onwards: the write lock is held, on PostgreSQL too), the Message-ID
 * follows from the id, the acknowledgement token is derived from the Message-ID when the mail
 * is written (nothing is stored for it), and the rows go out ALERT_BATCH at a time in one
 * multi-row INSERT, a single round trip on PostgreSQL. Who gets which alerts is decided in
 * recipients.c (which reads the contacts once for all organisations when there are many), the
 * one place of those rules, which alert_plan follows too. When alerts of the version may exist
 * already (publishing again after a crash, notices), each row goes alone with ON CONFLICT DO
 * NOTHING and counts only when it was made: the unique key still makes every alert exactly once. */

/* rows per INSERT: 7 + 9 * 110 = 997 parameters, within SQLite's limit before 3.32 (999) */
#define ALERT_BATCH   110
#define ALERT_NO_TEXT SIZE_MAX

/* A row waiting in the writer; its strings are offsets into the writer's text. */
struct alert_row {
	const char *channel, *reason; /* literals, or the caller's for the whole run */
	size_t org, address, matched, phones;
	int64_t contact;
};

struct alert_writer {
	struct db *db;
	const char *advisory;
	int num;
	const char *topic, *topic_ref, *subject, *body;
	int64_t at;
	char now[32], host[256];
	int64_t next_id; /* the id of the next row made */
	int checked;     /* alerts may exist: one row at a time, made or not */
	size_t n;
	struct alert_row rows[ALERT_BATCH];
	char mids[ALERT_BATCH][320]; /* the Message-IDs of a batch, bound borrowed */
	struct buf text, sql;
	char *full_sql; /* the statement of a full batch, made once */
};

/* A writer for the alerts of version num of advisory, made at act->at; the next id is read. */
static int writer_init(struct alert_writer *w, struct db *db, const struct act *act,
                       const char *advisory, int num, struct err *e)
{
	int64_t max = 0;
	char *url = config_get(db, "site.url", "http://localhost:8080");
	const char *p = strstr(url, "://");
	size_t n;
	int rc;

	memset(w, 0, sizeof(*w));
	w->db = db;
	w->advisory = advisory;
	w->num = num;
	w->at = act->at;
	time_format(act->at, w->now, sizeof(w->now));
	/* the host part of Message-IDs: the site's host name */
	p = p ? p + 3 : url;
	n = strcspn(p, ":/");
	snprintf(w->host, sizeof(w->host), "%.*s", (int)(n ? n : 9), n ? p : "localhost");
	free(url);
	buf_init(&w->text, BUF_MAX_DEFAULT);
	buf_init(&w->sql, (size_t)1 << 20);
	/* under the write lock (db_begin): no other writer takes these ids meanwhile */
	rc = db_query_int(db, "SELECT coalesce(max(id), 0) FROM alerts", NULL, &max, e);
	w->next_id = max + 1;
	return rc;
}

/* Frees the writer's memory (its rows must have been flushed). */
static void writer_free(struct alert_writer *w)
{
	buf_free(&w->text);
	buf_free(&w->sql);
	free(w->full_sql);
}

/* The INSERT for n rows; with on_conflict, rows that exist already are left out. */
static void writer_sql(struct buf *b, size_t n, int on_conflict)
{
	buf_reset(b);
	buf_adds(b,
	         "INSERT INTO alerts (advisory_id, num, topic, topic_ref, subject, body,"
	         " next_attempt_at, created_at, id, org_id, channel, contact_id, reason, address,"
	         " matched, phones, message_id) VALUES ");
	for (size_t i = 0; i < n; i++) {
		int p = 8 + 9 * (int)i;
		buf_printf(
		    b,
		    "%s(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d,"
		    " ?%d)",
		    i ? ", " : "", p, p + 1, p + 2, p + 3, p + 4, p + 5, p + 6, p + 7, p + 8);
	}
	if (on_conflict)
		buf_adds(b, " ON CONFLICT DO NOTHING");
}

/* The string at offset off of the writer's text (NULL for ALERT_NO_TEXT). */
static const char *writer_str(const struct alert_writer *w, size_t off)
{
	return off == ALERT_NO_TEXT ? NULL : w->text.data + off;
}

/* Inserts rows [from, from + n) of the batch, with the ids from w->next_id on; *made gets how
 * many were new (all of them unless checked: then a row that exists is left out, and its id
 * goes to the next row, so refused rows leave no gap). */
static int writer_insert(struct alert_writer *w, size_t from, size_t n, int64_t *made,
                         struct err *e)
{
	struct db_stmt *st;
	const char *sql;
	int rc;

	if (n == ALERT_BATCH && !w->checked) {
		if (w->full_sql == NULL) {
			writer_sql(&w->sql, ALERT_BATCH, 0);
			w->full_sql = buf_take(&w->sql);
		}
		sql = w->full_sql;
	} else {
		writer_sql(&w->sql, n, w->checked);
		sql = buf_str(&w->sql);
	}
	if ((rc = db_prepare(w->db, sql, &st, e)) != 0)
		return rc;
	db_bind_borrow(st); /* every text below stays put until the step */
	db_bind_text(st, 1, w->advisory);
	db_bind_int(st, 2, w->num);
	db_bind_text(st, 3, w->topic ? w->topic : "advisory");
	db_bind_text(st, 4, w->topic_ref ? w->topic_ref : "");
	db_bind_text(st, 5, w->subject);
	db_bind_text(st, 6, w->body);
	db_bind_text(st, 7, w->now);
	for (size_t i = 0; i < n; i++) {
		const struct alert_row *r = &w->rows[from + i];
		int p = 8 + 9 * (int)i;
		int64_t id = w->next_id + (int64_t)i;

		char *mid = w->mids[i];

		snprintf(mid, sizeof(w->mids[i]), "<baken.%lld.%lld@%s>", (long long)id,
		         (long long)w->at, w->host);
		db_bind_int(st, p, id);
		db_bind_text(st, p + 1, writer_str(w, r->org));
		db_bind_text(st, p + 2, r->channel);
		db_bind_int(st, p + 3, r->contact);
		db_bind_text(st, p + 4, r->reason);
		db_bind_text(st, p + 5, writer_str(w, r->address));
		db_bind_text(st, p + 6, writer_str(w, r->matched));
		db_bind_text(st, p + 7, writer_str(w, r->phones));
		db_bind_text(st, p + 8, mid);
	}
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	*made = w->checked ? db_changes(w->db) : (int64_t)n;
	w->next_id += *made;
	return 0;
}

/* Writes the waiting rows; *made gets how many were new. A full batch is one statement; the
 * rest of the last one goes in pieces of 64, 32 ... 1 rows, so that only a few statements of
 * other lengths are ever prepared (and cached). */
static int writer_flush(struct alert_writer *w, int64_t *made, struct err *e)
{
	int rc = 0;

	*made = 0;
	for (size_t from = 0, k; rc == 0 && from < w->n; from += k) {
		int64_t m = 0;
		k = w->n - from;
		if (w->checked)
			k = 1;
		else if (k < ALERT_BATCH)
			while (k & (k - 1))
				k &= k - 1; /* the highest power of two in it */
		rc = writer_insert(w, from, k, &m, e);
		*made += m;
	}
	w->n = 0;
	buf_reset(&w->text);
	return rc;
}

/* Copies s into the writer's text until the next flush; its offset, ALERT_NO_TEXT for NULL
 * (or when the text would pass its maximum). */
static size_t writer_keep(struct alert_writer *w, const char *s)
{
	size_t off = w->text.len;

	if (s == NULL || buf_add(&w->text, s, strlen(s) + 1) != 0)
		return ALERT_NO_TEXT;
	return off;
}

/* Adds a row; *made is 1 when it will be (or was) made, 0 when it existed. */
static int writer_add(struct alert_writer *w, const char *org, const char *channel, int64_t contact,
                      const char *reason, const char *address, const char *matched,
                      const char *phones, int *made, struct err *e)
{
	struct alert_row *r = &w->rows[w->n];
	int64_t n = 0;
	int rc;

	r->channel = channel;
	r->reason = reason;
	r->contact = contact;
	r->org = writer_keep(w, org);
	r->address = writer_keep(w, address);
	r->matched = writer_keep(w, matched);
	r->phones = writer_keep(w, phones);
	if (r->org == ALERT_NO_TEXT || (address && r->address == ALERT_NO_TEXT) ||
	    (matched && r->matched == ALERT_NO_TEXT) || (phones && r->phones == ALERT_NO_TEXT))
		return err_set(e, ERR_INPUT, "alerts: more text than one batch may hold");
	w->n++;
	*made = 1;
	if (!w->checked && w->n < ALERT_BATCH)
		return 0;
	rc = writer_flush(w, &n, e);
	if (w->checked)
		*made = n > 0;
	return rc;
}

/* Publishing: the alerts of each recipient (recipients.c decides who and on which channels)
 * go to the writer, and are counted when they are made. */
struct alert_publishing {
	struct alert_writer *w;
	struct buf scratch; /* a call task's phone numbers */
	struct alert_counts *n;
};

/* Writes the alerts of one recipient. */
static int alert_recipient(void *ctx, const struct recipient *r, struct err *e)
{
	struct alert_publishing *p = ctx;
	int rc, made = 0, any = 0;

	for (size_t i = 0; i < r->nalerts; i++) {
		const struct recipient_alert *a = &r->alerts[i];
		int call = strcmp(a->channel, "call") == 0;
		if (call) /* the numbers to try, in order */
			recipients_phones(&p->scratch, r, alert_is_night(p->w->at));
		rc = writer_add(p->w, r->org, a->channel, a->contact, r->reason, a->address,
		                r->matched, call ? buf_str(&p->scratch) : NULL, &made, e);
		if (rc != 0)
			return rc;
		if (call)
			p->n->call += made;
		else if (strcmp(a->channel, "email") == 0)
			p->n->email += made;
		else
			p->n->webhook += made;
		any |= made;
	}
	p->n->organisations += any;
	return 0;
}

int alert_notice(struct db *db, const struct act *act, const struct alert_notice *nt,
                 struct alert_counts *out, struct err *e)
{
	struct alert_writer w;
	struct alert_publishing p = {&w, {0}, out};
	char secret[80], *matched = NULL;
	int64_t made;
	int rc;

	if ((rc = ack_secret(db, secret, sizeof(secret), e)) != 0)
		return rc;
	if ((rc = writer_init(&w, db, act, nt->advisory_id, nt->num, e)) != 0) {
		writer_free(&w);
		return rc;
	}
	w.topic = nt->topic;
	w.topic_ref = nt->topic_ref;
	w.subject = nt->subject;
	w.body = nt->body;
	w.checked = 1; /* once per (org, topic, topic_ref): it may exist */
	buf_init(&p.scratch, BUF_MAX_DEFAULT);
	matched = nt->data ? json_dumps(nt->data, JSON_COMPACT) : NULL;
	rc = recipients_of_org(db, nt->org, nt->reason, matched ? matched : "[]", nt->call,
	                       alert_recipient, &p, e);
	if (rc == 0)
		rc = writer_flush(&w, &made, e);
	free(matched);
	buf_free(&p.scratch);
	writer_free(&w);
	return rc;
}

int alert_on_publish(struct db *db, const struct act *act, const char *id, int num, int material,
                     struct alert_counts *out, struct err *e)
{
	struct advisory_version v;
	struct alert_writer w;
	struct alert_publishing p = {&w, {0}, out};
	struct db_stmt *st;
	char label[16], secret[80], object[96];
	int64_t made = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	advisory_version_label(num, label, sizeof(label));
	if ((rc = advisory_load(db, id, label, 0, &v, e)) != 0)
		return rc;
	buf_init(&p.scratch, BUF_MAX_DEFAULT);
	if ((rc = writer_init(&w, db, act, id, num, e)) != 0 ||
	    (rc = ack_secret(db, secret, sizeof(secret), e)) != 0)
		goto out;
	/* any alert of this version already (publishing again after a crash)? then row by row */
	rc = db_prepare(db, "SELECT id FROM alerts WHERE advisory_id = ?1 AND num = ?2 LIMIT 1",
	                &st, e);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, id);
	db_bind_int(st, 2, num);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		goto out;
	w.checked = rc == DB_ROW;
	if ((rc = recipients_of_version(db, &v, material, alert_recipient, &p, e)) != 0 ||
	    (rc = writer_flush(&w, &made, e)) != 0)
		goto out;
	snprintf(object, sizeof(object), "advisory:%s", id);
	rc = event_append(db, act, "alert.create", object,
	                  json_pack("{s:s, s:b, s:I, s:I, s:I, s:I}", "version", label, "material",
	                            material, "organisations", (json_int_t)out->organisations,
	                            "email", (json_int_t)out->email, "webhook",
	                            (json_int_t)out->webhook, "call", (json_int_t)out->call),
	                  e);
out:
	writer_free(&w);
	buf_free(&p.scratch);
	advisory_version_free(&v);
	return rc;
}

/* ---- acknowledgement, retry ---- */

static int alert_ack_where(struct db *db, const struct act *act, const char *where, const char *key,
                           int by_link, long id, json_t **out, struct err *e)
{
	struct db_stmt *st;
	char sql[512], now[32], object[64];
	int64_t aid = 0;
	char *state = NULL, *acked_at = NULL, *acked_by = NULL;
	int rc;

	snprintf(sql, sizeof(sql),
	         "SELECT id, state, acked_at, acked_by, org_id FROM alerts WHERE %s", where);
	if ((rc = db_prepare(db, sql, &st, e)) != 0)
		return rc;
	if (key)
		db_bind_text(st, 1, key);
	else
		db_bind_int(st, 1, id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		aid = db_col_int(st, 0);
		state = xstrdup(db_col_text(st, 1));
		acked_at = db_col_is_null(st, 2) ? NULL : xstrdup(db_col_text(st, 2));
		acked_by = db_col_is_null(st, 3) ? NULL : xstrdup(db_col_text(st, 3));
		*out = json_pack("{s:I, s:s}", "alert", (json_int_t)aid, "org", db_col_text(st, 4));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (aid == 0)
		return by_link
		           ? err_set(e, ERR_NOTFOUND, "unknown or expired acknowledgement link")
		           : err_set(e, ERR_NOTFOUND, "unknown alert %ld (`baken alert list`)", id);
	if (acked_at) {
		json_object_set_new(*out, "state", json_string("acknowledged"));
		json_object_set_new(*out, "acked_at", json_string(acked_at));
		json_object_set_new(*out, "acked_by", json_string(acked_by ? acked_by : ""));
		json_object_set_new(*out, "already", json_true());
		rc = 0;
		goto done;
	}
	if (strcmp(state, "cancelled") == 0) {
		rc = err_set(e, ERR_CONFLICT, "alert %lld was cancelled", (long long)aid);
		goto done;
	}
	time_format(act->at, now, sizeof(now));
	rc = db_prepare(db,
	                "UPDATE alerts SET state = 'acknowledged', acked_at = ?2, acked_by = ?3,"
	                " delivered_at = coalesce(delivered_at, ?2) WHERE id = ?1",
	                &st, e);
	if (rc != 0)
		goto done;
	db_bind_int(st, 1, aid);
	db_bind_text(st, 2, now);
	db_bind_text(st, 3, act->actor);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		goto done;
	json_object_set_new(*out, "state", json_string("acknowledged"));
	json_object_set_new(*out, "acked_at", json_string(now));
	json_object_set_new(*out, "acked_by", json_string(act->actor));
	snprintf(object, sizeof(object), "alert:%lld", (long long)aid);
	rc = event_append(
	    db, act, "alert.ack", object,
	    json_pack("{s:s, s:s}", "via", by_link ? "link" : "command", "from", state), e);
done:
	free(state);
	free(acked_at);
	free(acked_by);
	return rc;
}

int alert_ack(struct db *db, const struct act *act, long id, json_t **out, struct err *e)
{
	*out = NULL;
	return alert_ack_where(db, act, "id = ?1", NULL, 0, id, out, e);
}

/* The alert a derived token names (see alert_ack_token_of), or 0: its first 16 hex digits
 * are the id, and the whole must be the token of that alert's Message-ID. */
static int ack_token_alert(struct db *db, const char *token, int64_t *id, struct err *e)
{
	struct db_stmt *st;
	char expect[65], *secret;
	uint64_t v = 0;
	int rc;

	*id = 0;
	for (int i = 0; i < 16; i++)
		v = v << 4 | (uint64_t)(token[i] <= '9' ? token[i] - '0' : token[i] - 'a' + 10);
	if (v == 0 || v > INT64_MAX || (secret = config_get(db, "ack.secret", NULL)) == NULL)
		return 0;
	rc = db_prepare(db, "SELECT message_id FROM alerts WHERE id = ?1", &st, e);
	if (rc == 0) {
		db_bind_int(st, 1, (int64_t)v);
		rc = db_step(st, e);
		if (rc == DB_ROW) {
			alert_ack_token_of(secret, db_col_text(st, 0), expect);
			if (sodium_memcmp(expect, token, 64) == 0)
				*id = (int64_t)v;
		}
		db_done(st);
	}
	free(secret);
	return rc < 0 ? rc : 0;
}

int alert_ack_token(struct db *db, const struct act *act, const char *token, json_t **out,
                    struct err *e)
{
	char hash[65];
	int64_t id;
	int rc;

	*out = NULL;
	if (strlen(token) != 64 || strspn(token, "0123456789abcdef") != 64)
		return err_set(e, ERR_NOTFOUND, "unknown or expired acknowledgement link");
	if ((rc = ack_token_alert(db, token, &id, e)) != 0)
		return rc;
	if (id > 0)
		return alert_ack_where(db, act, "id = ?1", NULL, 1, id, out, e);
	/* a link from before the tokens were derived: its hash was stored */
	sha256_hex(token, hash);
	return alert_ack_where(db, act, "ack_hash = ?1", hash, 1, 0, out, e);
}

int alert_retry(struct db *db, const struct act *act, long id, struct err *e)
{
	struct db_stmt *st;
	char now[32], object[64];
	char *state = NULL;
	int rc;

	if ((rc = db_prepare(db, "SELECT state, channel FROM alerts WHERE id = ?1", &st, e)) != 0)
		return rc;
	db_bind_int(st, 1, id);
	rc = db_step(st, e);
	if (rc == DB_ROW && strcmp(db_col_text(st, 1), "call") != 0)
		state = xstrdup(db_col_text(st, 0));
	db_done(st);
	if (rc < 0)
		return rc;
	if (state == NULL)
		return err_set(e, ERR_NOTFOUND,
		               "unknown alert %ld (call tasks are retried with"
		               " `baken call`)",
		               id);
	if (strcmp(state, "failed") != 0 && strcmp(state, "cancelled") != 0) {
		rc = err_set(e, ERR_CONFLICT,
		             "alert %ld is %s; only a failed or cancelled alert is"
		             " retried",
		             id, state);
		free(state);
		return rc;
	}
	time_format(act->at, now, sizeof(now));
	rc = db_prepare(db,
	                "UPDATE alerts SET state = 'queued', attempts = 0, next_attempt_at = ?2,"
	                " claimed_by = NULL, lease_until = NULL WHERE id = ?1",
	                &st, e);
	if (rc == 0) {
		db_bind_int(st, 1, id);
		db_bind_text(st, 2, now);
		rc = db_step(st, e);
		db_done(st);
	}
	if (rc >= 0) {
		snprintf(object, sizeof(object), "alert:%ld", id);
		rc = event_append(db, act, "alert.retry", object, json_pack("{s:s}", "from", state),
		                  e);
	}
	free(state);
	return rc < 0 ? rc : 0;
}

/* ---- reading ---- */

int alert_list(struct db *db, const struct alert_filter *f, json_t **out, struct err *e)
{
	struct db_stmt *st;
	int num = -1, rc;

	if (f->version && (rc = advisory_version_parse(f->version, &num, e)) != 0)
		return rc;
	rc = db_prepare(db,
	                "SELECT id, advisory_id, num, org_id, channel, reason, address, state,"
	                " attempts, last_error, created_at, delivered_at, acked_at, message_id,"
	                " outcome FROM alerts WHERE (?1 IS NULL OR advisory_id = ?1)"
	                " AND (?2 < 0 OR num = ?2) AND (?3 IS NULL OR org_id = ?3)"
	                " AND (?4 IS NULL OR channel = ?4) AND (?5 IS NULL OR state = ?5)"
	                " ORDER BY id",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, f->advisory);
	db_bind_int(st, 2, num);
	db_bind_text(st, 3, f->org);
	db_bind_text(st, 4, f->channel);
	db_bind_text(st, 5, f->state);
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		char label[16];
		advisory_version_label((int)db_col_int(st, 2), label, sizeof(label));
		json_array_append_new(
		    *out,
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:I, s:s?, s:s, s:s?,"
		              " s:s?, s:s, s:s?}",
		              "alert", (json_int_t)db_col_int(st, 0), "advisory",
		              db_col_text(st, 1), "version", label, "org", db_col_text(st, 3),
		              "channel", db_col_text(st, 4), "reason", db_col_text(st, 5),
		              "address", db_col_text(st, 6), "state", db_col_text(st, 7),
		              "attempts", (json_int_t)db_col_int(st, 8), "last_error",
		              db_col_text(st, 9), "created_at", db_col_text(st, 10), "delivered_at",
		              db_col_text(st, 11), "acked_at", db_col_text(st, 12), "message_id",
		              db_col_text(st, 13), "outcome", db_col_text(st, 14)));
	}
	db_done(st);
	if (rc < 0) {
		json_decref(*out);
		return rc;
	}
	return 0;
}

static json_t *seconds_since(const char *from, const char *to)
{
	int64_t a, b;

	if (from == NULL || to == NULL || time_parse(from, &a, NULL) || time_parse(to, &b, NULL))
		return json_null();
	return json_integer(b - a);
}

int alert_status(struct db *db, const char *advisory, json_t **out, struct err *e)
{
	struct db_stmt *st;
	int rc;

	rc = db_prepare(
	    db,
	    "SELECT a.advisory_id, a.num, v.published_at, count(DISTINCT a.org_id),"
	    " count(DISTINCT CASE WHEN a.state IN ('delivered', 'acknowledged')"
	    "  AND a.channel <> 'call' THEN a.org_id END),"
	    " count(DISTINCT CASE WHEN a.state = 'acknowledged' THEN a.org_id END),"
	    " count(DISTINCT CASE WHEN a.channel = 'call' THEN a.org_id END),"
	    " count(DISTINCT CASE WHEN a.channel = 'call' AND a.outcome = 'reached'"
	    "  THEN a.org_id END),"
	    " min(CASE WHEN a.channel <> 'call' THEN a.delivered_at END),"
	    " max(CASE WHEN a.channel <> 'call' THEN a.delivered_at END),"
	    " count(CASE WHEN a.state = 'failed' THEN 1 END),"
	    " count(CASE WHEN a.state IN ('queued', 'sent') AND a.channel <> 'call' THEN 1 END)"
	    " FROM alerts a JOIN advisory_versions v ON v.advisory_id = a.advisory_id"
	    "  AND v.num = a.num WHERE ?1 IS NULL OR a.advisory_id = ?1"
	    " GROUP BY a.advisory_id, a.num, v.published_at ORDER BY a.advisory_id, a.num",
	    &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, advisory);
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		char label[16];
		const char *pub = db_col_text(st, 2), *first = db_col_text(st, 8),
		           *last = db_col_text(st, 9);
		advisory_version_label((int)db_col_int(st, 1), label, sizeof(label));
		json_array_append_new(
		    *out,
		    json_pack(
		        "{s:s, s:s, s:s?, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:I, s:I}", "advisory",
		        db_col_text(st, 0), "version", label, "published_at", pub, "alerted",
		        (json_int_t)db_col_int(st, 3), "delivered", (json_int_t)db_col_int(st, 4),
		        "acknowledged", (json_int_t)db_col_int(st, 5), "to_call",
		        (json_int_t)db_col_int(st, 6), "called", (json_int_t)db_col_int(st, 7),
		        "first_delivery_s", seconds_since(pub, first), "last_delivery_s",
		        seconds_since(pub, last), "failed", (json_int_t)db_col_int(st, 10),
		        "pending", (json_int_t)db_col_int(st, 11)));
	}
	db_done(st);
	if (rc < 0) {
		json_decref(*out);
		return rc;
	}
	return 0;
}
