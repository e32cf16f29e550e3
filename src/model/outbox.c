/* outbox.c: delivering e-mail and webhook alerts.
 *
 * A batch of due alerts is claimed in one transaction (state 'sent', one more attempt, a
 * lease, the claimer's host:pid), sent outside any transaction, and recorded in another: the
 * store is never locked while the network is slow. An alert whose claimer died (a lease run
 * out, or a pid on this host that is gone) is claimed again and sent with the same
 * Message-ID, so nothing is lost and a receiver sees a repeat it can recognise.
 *
 * Sending runs on a thread of its own that touches no store, one batch behind: while batch k
 * goes out, batch k+1 is claimed and rendered, and when k is done k+1 goes out while k is
 * recorded (rendering on the sender thread measured slower: it is the busier one). One SMTP
 * client serves every batch of a run, so its connections stay open (smtp_pipe.c pipelines
 * plain smtp://: one round trip per message). */
#include "model/alert.h"

#include "core/buf.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "deliver/mail.h"
#include "deliver/pgp.h"
#include "deliver/smtp.h"
#include "deliver/webhook.h"
#include "formats/plain.h"
#include "model/advisory.h"
#include "model/config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OUTBOX_BATCH   1000
#define OUTBOX_LEASE_S 300

struct outbox_conf {
	char *smtp_url, *smtp_from, *smtp_user, *smtp_password, *site_url, *site_name;
	char *signing_key; /* clear-sign the advisory in each mail when set */
	long connections, max_attempts, webhook_timeout, lease;
	int webhook_private; /* webhook.allow_private */
	char secret[80];
	char claimer[128];
};

/* One claimed alert and what is needed to send it. */
struct outbox_item {
	int64_t id;
	char *advisory, *org, *channel, *address, *matched, *message_id, *reason;
	char *topic, *subject, *body; /* a notice's own subject and text; NULL for a version */
	int num, attempts;
	char *contact_name, *org_name, *webhook_secret;
	struct buf message; /* the composed mail or webhook body */
	int result;
	char error[256];
};

/* A rendered advisory version, shared by the alerts of a run (each allocated on its own). */
struct outbox_version {
	char *id;
	int num;
	char *subject, *plain, *json, *tlp;
};

static void outbox_conf_free(struct outbox_conf *c)
{
	free(c->smtp_url);
	free(c->smtp_from);
	free(c->smtp_user);
	free(c->smtp_password);
	free(c->site_url);
	free(c->site_name);
	free(c->signing_key);
}

static int outbox_conf_load(struct db *db, struct outbox_conf *c, struct err *e)
{
	char host[64], *secret;

	memset(c, 0, sizeof(*c));
	c->smtp_url = config_get(db, "smtp.url", NULL);
	c->smtp_from = config_get(db, "smtp.from", "baken@localhost");
	c->smtp_user = config_get(db, "smtp.user", NULL);
	c->smtp_password = config_get(db, "smtp.password", NULL);
	c->site_url = config_get(db, "site.url", "http://localhost:8080");
	c->site_name = config_get(db, "site.name", "NCSC");
	c->signing_key = config_get(db, "signing.key", NULL);
	c->connections = config_get_long(db, "smtp.connections", 4);
	c->max_attempts = config_get_long(db, "alert.max_attempts", 6);
	c->webhook_timeout = config_get_long(db, "webhook.timeout", 10);
	secret = config_get(db, "webhook.allow_private", "no");
	c->webhook_private = strcmp(secret, "yes") == 0;
	free(secret);
	/* how long a claim holds when its claimer cannot be seen to be dead (another host) */
	c->lease = config_get_long(db, "alert.lease", OUTBOX_LEASE_S);
	if (c->lease < 5 || c->lease > 86400)
		c->lease = OUTBOX_LEASE_S;
	secret = config_get(db, "ack.secret", "");
	snprintf(c->secret, sizeof(c->secret), "%s", secret);
	free(secret);
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(c->claimer, sizeof(c->claimer), "%s:%ld", host, (long)getpid());
	(void)e;
	return 0;
}

/* Alerts claimed by a process on this host that no longer runs are free again at once. */
static int outbox_release_dead(struct db *db, const struct outbox_conf *c, struct err *e)
{
	const char *colon = strrchr(c->claimer, ':');
	size_t hostlen = (size_t)(colon - c->claimer) + 1;
	struct db_stmt *st;
	json_t *dead = json_array(), *x;
	size_t i;
	int rc;

	rc = db_prepare(
	    db,
	    "SELECT id, claimed_by FROM alerts WHERE state = 'sent' AND channel <> 'call'"
	    " AND claimed_by IS NOT NULL",
	    &st, e);
	if (rc != 0) {
		json_decref(dead);
		return rc;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *who = db_col_text(st, 1);
		long pid;
		char *end;

		if (strncmp(who, c->claimer, hostlen) != 0 || strcmp(who, c->claimer) == 0)
			continue; /* another host's, or this process's own */
		pid = strtol(who + hostlen, &end, 10);
		if (*end == '\0' && pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH)
			json_array_append_new(dead, json_integer(db_col_int(st, 0)));
	}
	db_done(st);
	json_array_foreach(dead, i, x)
	{
		if (rc < 0)
			break;
		rc = db_prepare(db, "UPDATE alerts SET lease_until = '0' WHERE id = ?1", &st, e);
		if (rc != 0)
			break;
		db_bind_int(st, 1, json_integer_value(x));
		rc = db_step(st, e);
		db_done(st);
	}
	json_decref(dead);
	return rc < 0 ? rc : 0;
}

static char *dup_col(struct db_stmt *st, int i)
{
	return db_col_is_null(st, i) ? NULL : xstrdup(db_col_text(st, i));
}

/* The claim: two branches, each stopped after one batch: claims whose claimer died (few:
 * the batches in flight; alerts_due finds them by state), then queued alerts that are due,
 * read in the order of the partial index alerts_outbox (0007_outbox_claim.sql). One OR over
 * both (the earlier form) sorted every waiting alert for each claim: 45 ms per batch with
 * 100,000 waiting, 0.3 ms so. On PostgreSQL workers on several machines claim at once: rows
 * another claimer holds locked are skipped, not waited for, so no alert is claimed twice.
 * SQLite's planner, without statistics, would take alerts_due (state, next_attempt_at) for
 * the second branch too, which walks the call tasks: the index is named. */
/* clang-format off */
#define OUTBOX_PICK(st, col, cmp, pick, lock)                                                      \
	"SELECT id FROM (SELECT id FROM alerts" pick " WHERE state = '" st "' AND " col " " cmp    \
	" ?3 AND channel IN ('email', 'webhook') AND NOT (?5 = 1 AND channel = 'email')"           \
	" ORDER BY " col ", id LIMIT ?4" lock ")"
#define OUTBOX_CLAIM(lock, pick_due)                                                               \
	"UPDATE alerts SET state = 'sent', attempts = attempts + 1, claimed_by = ?1,"              \
	" lease_until = ?2, sent_at = ?3 WHERE id IN ("                                            \
	OUTBOX_PICK("sent", "lease_until", "<", "", lock) " leased UNION ALL "                    \
	OUTBOX_PICK("queued", "next_attempt_at", "<=", pick_due, lock) " due LIMIT ?4)"          \
	" RETURNING id, advisory_id, num, org_id, channel, address, matched, message_id,"          \
	" reason, attempts, contact_id, topic, subject, body"
/* clang-format on */

/* Claims up to OUTBOX_BATCH due alerts, in the caller's transaction; skip_email when no mail
 * server is configured. On error *items may hold *n items: the caller frees them. */
static int outbox_claim(struct db *db, const struct outbox_conf *c, int64_t now, int skip_email,
                        struct outbox_item **items, size_t *n, struct err *e)
{
	struct db_stmt *st;
	char nowtext[32], lease[32];
	int rc;

	*items = NULL;
	*n = 0;
	time_format(now, nowtext, sizeof(nowtext));
	time_format(now + c->lease, lease, sizeof(lease));
	if ((rc = outbox_release_dead(db, c, e)) != 0)
		return rc;
	rc = db_prepare(db,
	                strcmp(db_backend(db), "postgres") == 0
	                    ? OUTBOX_CLAIM(" FOR UPDATE SKIP LOCKED", "")
	                    : OUTBOX_CLAIM("", " INDEXED BY alerts_outbox"),
	                &st, e);
#undef OUTBOX_CLAIM
#undef OUTBOX_PICK
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, c->claimer);
	db_bind_text(st, 2, lease);
	db_bind_text(st, 3, nowtext);
	db_bind_int(st, 4, OUTBOX_BATCH);
	db_bind_int(st, 5, skip_email);
	*items = xcalloc(OUTBOX_BATCH, sizeof(**items));
	while ((rc = db_step(st, e)) == DB_ROW && *n < OUTBOX_BATCH) {
		struct outbox_item *it = &(*items)[(*n)++];
		it->id = db_col_int(st, 0);
		it->advisory = dup_col(st, 1);
		it->num = (int)db_col_int(st, 2);
		it->org = dup_col(st, 3);
		it->channel = dup_col(st, 4);
		it->address = dup_col(st, 5);
		it->matched = dup_col(st, 6);
		it->message_id = dup_col(st, 7);
		it->reason = dup_col(st, 8);
		it->attempts = (int)db_col_int(st, 9);
		it->result = (int)db_col_int(st, 10); /* the contact, until it is sent */
		it->topic = dup_col(st, 11);
		it->subject = dup_col(st, 12);
		it->body = dup_col(st, 13);
		buf_init(&it->message, 1 << 20);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	/* names for the personal part, and each organisation's webhook secret (a subquery per
	 * name in RETURNING measured 300 times slower on SQLite: no index there) */
	for (size_t i = 0; i < *n && rc >= 0; i++) {
		struct outbox_item *it = &(*items)[i];
		rc = db_prepare(db,
		                "SELECT o.name, o.webhook_secret, (SELECT name FROM contacts"
		                " WHERE id = ?2) FROM orgs o WHERE o.id = ?1",
		                &st, e);
		if (rc != 0)
			break;
		db_bind_text(st, 1, it->org);
		db_bind_int(st, 2, it->result);
		if ((rc = db_step(st, e)) == DB_ROW) {
			it->org_name = dup_col(st, 0);
			it->webhook_secret = dup_col(st, 1);
			it->contact_name = dup_col(st, 2);
		}
		db_done(st);
		it->result = 0;
	}
	return rc < 0 ? rc : 0;
}

static void outbox_item_free(struct outbox_item *it)
{
	free(it->advisory);
	free(it->org);
	free(it->channel);
	free(it->address);
	free(it->matched);
	free(it->message_id);
	free(it->reason);
	free(it->topic);
	free(it->subject);
	free(it->body);
	free(it->contact_name);
	free(it->org_name);
	free(it->webhook_secret);
	buf_free(&it->message);
}

static const struct outbox_version *outbox_version(struct db *db, const struct outbox_conf *c,
                                                   struct outbox_version ***cache, size_t *n,
                                                   const char *id, int num, struct err *e)
{
	struct advisory_version v;
	struct outbox_version *ov;
	struct buf b;
	json_t *j;
	char label[16], subject[1024];

	for (size_t i = 0; i < *n; i++)
		if ((*cache)[i]->num == num && strcmp((*cache)[i]->id, id) == 0)
			return (*cache)[i];
	advisory_version_label(num, label, sizeof(label));
	if (advisory_load(db, id, label, 0, &v, e) != 0)
		return NULL;
	/* the advisory is signed once per version; the personal part above it is not */
	buf_init(&b, BUF_MAX_DEFAULT);
	plain_render(&v, "nl", &b);
	if (c->signing_key) {
		struct buf sig;
		buf_init(&sig, BUF_MAX_DEFAULT);
		if (pgp_clearsign(c->signing_key, buf_str(&b), &sig, e) != 0) {
			buf_free(&sig);
			buf_free(&b);
			advisory_version_free(&v);
			return NULL;
		}
		buf_free(&b);
		b = sig;
	}
	if (advisory_to_json(db, &v, &j, e) != 0) {
		buf_free(&b);
		advisory_version_free(&v);
		return NULL;
	}
	*cache = xreallocarray(*cache, *n + 1, sizeof(**cache));
	ov = (*cache)[(*n)++] = xcalloc(1, sizeof(*ov));
	ov->id = xstrdup(id);
	ov->num = num;
	alert_subject(id, num, v.tlp, v.likelihood, v.impact, v.title, subject, sizeof(subject));
	ov->subject = xstrdup(subject);
	ov->tlp = xstrdup(v.tlp);
	ov->plain = buf_take(&b);
	ov->json = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	advisory_version_free(&v);
	return ov;
}

/* What a partner may do with a version, in TLP 2.0 terms. */
static const char *tlp_pass_on(const char *tlp)
{
	if (strcmp(tlp, "CLEAR") == 0)
		return "TLP:CLEAR - u mag dit advies zonder beperking verder verspreiden.";
	if (strcmp(tlp, "GREEN") == 0)
		return "TLP:GREEN - u mag dit advies delen binnen uw achterban, niet openbaar.";
	if (strcmp(tlp, "AMBER") == 0)
		return "TLP:AMBER - u mag dit advies delen binnen uw organisatie en met klanten of"
		       " leden die het nodig hebben om zich te beschermen.";
	if (strcmp(tlp, "AMBER+STRICT") == 0)
		return "TLP:AMBER+STRICT - alleen delen binnen uw eigen organisatie.";
	return "TLP:RED - alleen voor de ontvangers persoonlijk; niet verder delen.";
}

/* The list of an organisation's matched products, kept for the next alert: an organisation's
 * contacts follow one another in a batch, with the same list. */
struct outbox_matched {
	char *matched; /* the JSON it was made from */
	struct buf text;
};

/* The personal part above the advisory: why this reaches you, and the acknowledgement link. */
static void outbox_personal(const struct outbox_conf *c, const struct outbox_item *it,
                            const struct outbox_version *ov, struct outbox_matched *mc,
                            struct buf *b)
{
	const char *matched = it->matched ? it->matched : "[]";
	char token[65];

	buf_printf(b, "Aan: %s, %s (%s)\n\n", it->contact_name ? it->contact_name : "",
	           it->org_name ? it->org_name : it->org, it->org);
	if (strcmp(it->reason, "affected") == 0 && it->body == NULL) {
		buf_adds(b,
		         "Dit advies is voor u bestemd: volgens uw opgave gebruikt uw organisatie\n"
		         "de volgende kwetsbare software:\n");
		if (mc->matched == NULL || strcmp(mc->matched, matched) != 0) {
			json_t *m = json_loads(matched, 0, NULL), *row;
			size_t i;

			free(mc->matched);
			mc->matched = xstrdup(matched);
			buf_reset(&mc->text);
			json_array_foreach(m, i, row)
			{
				json_int_t count =
				    json_integer_value(json_object_get(row, "count"));
				buf_printf(&mc->text, "    - %s %s (%lld %s%s)\n",
				           json_string_value(json_object_get(row, "product")),
				           json_string_value(json_object_get(row, "version")),
				           (long long)count, count == 1 ? "systeem" : "systemen",
				           json_is_true(json_object_get(row, "internet_facing"))
				               ? ", bereikbaar vanaf internet"
				               : "");
			}
			json_decref(m);
		}
		buf_add(b, buf_str(&mc->text), mc->text.len);
	} else if (it->body) {
		buf_adds(b, it->body);
		if (it->body[0] && it->body[strlen(it->body) - 1] != '\n')
			buf_addc(b, '\n');
	} else if (strcmp(it->reason, "partner") == 0) {
		buf_printf(b, "U ontvangt dit advies als partner van %s.\n%s\n", c->site_name,
		           tlp_pass_on(ov->tlp));
	} else {
		buf_adds(b, "Dit advies is aan uw organisatie gericht.\n");
	}
	alert_ack_token_of(c->secret, it->message_id, token);
	buf_printf(b, "\nBevestig de ontvangst met een klik:\n    %s/ack/%s\n\n", c->site_url,
	           token);
}

static int outbox_render(const struct outbox_conf *c, struct outbox_item *it,
                         const struct outbox_version *ov, struct outbox_matched *mc, int64_t now,
                         struct err *e)
{
	struct buf body;
	int rc;

	buf_init(&body, BUF_MAX_DEFAULT);
	if (strcmp(it->channel, "email") == 0) {
		struct mail_header h[] = {{"X-Baken-Alert", NULL}, {"X-Baken-Advisory", ov->id}};
		char alertid[32];
		struct mail_fields f;

		snprintf(alertid, sizeof(alertid), "%lld", (long long)it->id);
		h[0].value = alertid;
		outbox_personal(c, it, ov, mc, &body);
		if (it->body == NULL)
			buf_adds(&body, ov->plain);
		memset(&f, 0, sizeof(f));
		f.from = c->smtp_from;
		f.to = it->address;
		f.subject = it->subject ? it->subject : ov->subject;
		f.date = now;
		f.message_id = it->message_id;
		f.headers = h;
		f.n_headers = 2;
		f.body = buf_str(&body);
		rc = mail_compose(&f, &it->message, e);
	} else {
		json_t *o =
		    json_pack("{s:s, s:I, s:s, s:s, s:s, s:o?, s:o?}", "event",
		              it->body ? it->topic : "advisory.published", "alert",
		              (json_int_t)it->id, "delivery", it->message_id, "org", it->org,
		              "reason", it->reason, "advisory", json_loads(ov->json, 0, NULL),
		              "matched", json_loads(it->matched ? it->matched : "[]", 0, NULL));
		if (it->body) {
			json_object_set_new(o, "subject",
			                    json_string(it->subject ? it->subject : ""));
			json_object_set_new(o, "text", json_string(it->body));
		}
		char *text = json_dumps(o, JSON_COMPACT);
		char token[65];

		alert_ack_token_of(c->secret, it->message_id, token);
		json_decref(o);
		rc = buf_adds(&it->message, text);
		free(text);
		(void)token;
	}
	buf_free(&body);
	return rc;
}

#define RECORD_CHUNK 64

/* Marks the alerts ids[0..n) (n <= RECORD_CHUNK) delivered at nowtext, those still claimed by
 * this process: one statement for a chunk, not one per alert. Adds how many it marked to *ok. */
static int outbox_delivered(struct db *db, const struct outbox_conf *c, const int64_t *ids,
                            size_t n, const char *nowtext, long *ok, struct err *e)
{
	char sql[1024];
	struct db_stmt *st;
	size_t len;
	int rc;

	/* the same text every time, so the prepared statement is reused: unused places are
	 * NULL, which matches no id */
	len = (size_t)snprintf(sql, sizeof(sql),
	                       "UPDATE alerts SET state = 'delivered', delivered_at = ?1,"
	                       " last_error = NULL, claimed_by = NULL, lease_until = NULL"
	                       " WHERE state = 'sent' AND claimed_by = ?2 AND id IN (?3");
	for (int i = 4; i <= RECORD_CHUNK + 2; i++)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, ", ?%d", i);
	snprintf(sql + len, sizeof(sql) - len, ")");
	if ((rc = db_prepare(db, sql, &st, e)) != 0)
		return rc;
	db_bind_text(st, 1, nowtext);
	db_bind_text(st, 2, c->claimer);
	for (size_t i = 0; i < RECORD_CHUNK; i++) {
		if (i < n)
			db_bind_int(st, (int)i + 3, ids[i]);
		else
			db_bind_null(st, (int)i + 3);
	}
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	*ok += (long)db_changes(db);
	return 0;
}

/* Records the outcome of each item, in the caller's transaction; adds the counts to *stats
 * (the caller's copy, taken over when the transaction commits). An alert another process has
 * claimed since (this one's lease ran out while it was stopped) is left to that one: what
 * happens to it is what that one records. */
static int outbox_record(struct db *db, const struct outbox_conf *c, struct outbox_item *items,
                         size_t n, int64_t now, struct alert_deliver_stats *stats, struct err *e)
{
	struct db_stmt *st;
	char nowtext[32], next[32];
	int64_t ids[RECORD_CHUNK];
	size_t nids = 0;
	long ok = 0, retry = 0, failed = 0;
	int rc;

	time_format(now, nowtext, sizeof(nowtext));
	rc = 0;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		struct outbox_item *it = &items[i];
		int give_up = it->attempts >= c->max_attempts;
		/* 1, 2, 4 ... minutes, at most six hours */
		int64_t wait = 60LL << (it->attempts > 9 ? 9 : it->attempts - 1);

		if (it->result == 0) {
			ids[nids++] = it->id;
			if (nids == RECORD_CHUNK) {
				rc = outbox_delivered(db, c, ids, nids, nowtext, &ok, e);
				nids = 0;
			}
			continue;
		}
		time_format(now + (wait > 21600 ? 21600 : wait), next, sizeof(next));
		rc = db_prepare(db,
		                "UPDATE alerts SET state = ?2, last_error = ?3,"
		                " next_attempt_at = ?4, claimed_by = NULL, lease_until = NULL"
		                " WHERE id = ?1 AND state = 'sent' AND claimed_by = ?5",
		                &st, e);
		if (rc != 0)
			break;
		db_bind_int(st, 1, it->id);
		db_bind_text(st, 2, give_up ? "failed" : "queued");
		db_bind_text(st, 3, it->error);
		db_bind_text(st, 4, next);
		db_bind_text(st, 5, c->claimer);
		rc = db_step(st, e);
		db_done(st);
		if (rc < 0 || db_changes(db) == 0)
			continue;
		if (give_up)
			failed++;
		else
			retry++;
	}
	if (rc >= 0 && nids > 0)
		rc = outbox_delivered(db, c, ids, nids, nowtext, &ok, e);
	if (rc >= 0 && n)
		rc = event_append(
		    db, &(struct act){c->claimer, now}, "alert.deliver", "alerts",
		    json_pack("{s:I, s:I, s:I, s:I, s:I}", "first", (json_int_t)items[0].id, "last",
		              (json_int_t)items[n - 1].id, "delivered", (json_int_t)ok, "retrying",
		              (json_int_t)retry, "failed", (json_int_t)failed),
		    e);
	if (rc < 0)
		return rc;
	stats->delivered += ok;
	stats->retrying += retry;
	stats->failed += failed;
	return 0;
}

/* Sends a batch: webhooks one by one, e-mail over the SMTP client *smtp, opened on the first
 * batch with mail and kept (its connections stay open) until alert_deliver ends. Touches no
 * store: it runs on the sender thread. */
static void outbox_send(const struct outbox_conf *c, struct smtp_client **smtp,
                        struct outbox_item *items, size_t n)
{
	struct smtp_item *mails = xcalloc(n ? n : 1, sizeof(*mails));
	size_t nmail = 0;
	struct webhook_client *wc = NULL;

	for (size_t i = 0; i < n; i++) {
		struct outbox_item *it = &items[i];
		if (it->result != 0)
			continue; /* failed to render: the error is set */
		if (strcmp(it->channel, "email") == 0) {
			mails[nmail].rcpt = it->address;
			mails[nmail].data = buf_str(&it->message);
			mails[nmail].len = it->message.len;
			nmail++;
			continue;
		}
		struct webhook_req r = {it->address,
		                        buf_str(&it->message),
		                        it->message.len,
		                        it->webhook_secret ? it->webhook_secret : "",
		                        it->message_id,
		                        it->body ? it->topic : "advisory.published",
		                        c->webhook_timeout * 1000};
		struct webhook_result res = {0};
		struct err we = {0, ""};
		if (wc == NULL && webhook_client_open(&wc, &we) != 0) {
			it->result = ERR_IO;
			snprintf(it->error, sizeof(it->error), "%.255s", we.msg);
			continue;
		}
		webhook_client_allow_private(wc, c->webhook_private);
		it->result = webhook_post(wc, &r, &res, &we);
		if (it->result != 0)
			snprintf(it->error, sizeof(it->error), "%.255s",
			         res.error[0] ? res.error : we.msg);
	}
	webhook_client_close(wc);
	if (nmail) {
		struct smtp_conf sc = {c->smtp_url,
		                       c->smtp_from,
		                       c->smtp_user,
		                       c->smtp_password,
		                       30000,
		                       (int)c->connections,
		                       0};
		struct err se = {0, ""};
		int rc = 0;

		if (*smtp == NULL)
			rc = smtp_client_open(&sc, smtp, &se);
		if (rc == 0)
			rc = smtp_client_send(*smtp, mails, nmail, &se);

		for (size_t i = 0, k = 0; i < n; i++) {
			struct outbox_item *it = &items[i];
			if (it->result != 0 || strcmp(it->channel, "email") != 0)
				continue;
			it->result = rc != 0 ? rc : mails[k].result;
			snprintf(it->error, sizeof(it->error), "%.255s",
			         rc != 0 ? se.msg : mails[k].error);
			k++;
		}
	}
	free(mails);
}

/* A claimed batch: it moves from claim to sender to record as one value, so its count never
 * outlives its items. */
struct outbox_batch {
	struct outbox_item *items;
	size_t n;
};

static void outbox_batch_free(struct outbox_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		outbox_item_free(&b->items[i]);
	free(b->items);
	*b = (struct outbox_batch){NULL, 0};
}

/* Takes the batch out of *b, leaving it empty. */
static struct outbox_batch outbox_batch_take(struct outbox_batch *b)
{
	struct outbox_batch t = *b;

	*b = (struct outbox_batch){NULL, 0};
	return t;
}

/* A batch being sent on the sender thread. */
struct outbox_sender {
	const struct outbox_conf *c;
	struct smtp_client **smtp;
	struct outbox_batch batch;
	pthread_t thread;
};

static void *outbox_sender_main(void *arg)
{
	struct outbox_sender *s = arg;

	outbox_send(s->c, s->smtp, s->batch.items, s->batch.n);
	return NULL;
}

/* The run's clock: it goes on from act->at, so that a lease taken late in a long run has not
 * run out already for the other workers (started: the real time the run began; 0 when the
 * clock stands, for a moment replayed). */
static int64_t outbox_clock(const struct act *act, int64_t started)
{
	return started ? act->at + (time_now() - started) : act->at;
}

/* Renews the leases of every alert this process holds (the batch going out, the one rendered
 * behind it), from now: a batch that takes long to send is not taken back meanwhile, by
 * another worker or by this one's next claim. A failure is let be: the lease may then run
 * out, and the alert goes out twice, with its Message-ID. */
static void outbox_renew(struct db *db, const struct outbox_conf *c, int64_t now)
{
	struct db_stmt *st;
	struct err e = {0, ""};
	char lease[32];

	time_format(now + c->lease, lease, sizeof(lease));
	if (db_begin(db, &e) != 0)
		return;
	if (db_prepare(
	        db, "UPDATE alerts SET lease_until = ?2 WHERE state = 'sent' AND claimed_by = ?1",
	        &st, &e) == 0) {
		db_bind_text(st, 1, c->claimer);
		db_bind_text(st, 2, lease);
		if (db_step(st, &e) >= 0) {
			db_done(st);
			if (db_commit(db, &e) == 0)
				return;
		} else {
			db_done(st);
		}
	}
	db_rollback(db);
}

/* Waits for the sender thread to finish its batch, renewing the leases a few times per lease
 * while it runs. */
static void outbox_wait(struct db *db, const struct outbox_conf *c, struct outbox_sender *s,
                        const struct act *act, int64_t started)
{
	for (;;) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += c->lease / 3 > 0 ? c->lease / 3 : 1;
		if (pthread_timedjoin_np(s->thread, NULL, &until) != ETIMEDOUT)
			return;
		outbox_renew(db, c, outbox_clock(act, started));
	}
}

int alert_deliver(struct db *db, const struct act *act, int clock_runs,
                  struct alert_deliver_stats *st, struct err *e)
{
	struct outbox_conf c;
	struct outbox_version **cache = NULL;
	struct smtp_client *smtp = NULL;
	struct outbox_matched mc = {NULL, {NULL, 0, 0, 0}};
	struct outbox_sender sender = {.c = &c, .smtp = &smtp};
	struct outbox_batch done = {NULL, 0}; /* sent, to be recorded */
	size_t ncache = 0;
	int64_t waiting = 0, started = clock_runs ? time_now() : 0, now = act->at;
	int rc, sending = 0;

	memset(st, 0, sizeof(*st));
	buf_init(&mc.text, BUF_MAX_DEFAULT);
	if ((rc = outbox_conf_load(db, &c, e)) != 0)
		return rc;
	/* While batch k is being sent by the sender thread (which touches no store), one
	 * transaction records batch k-1 and claims batch k+1, which is then rendered; when k is
	 * sent, k+1 goes out at once. One commit per batch. */
	for (;;) {
		struct alert_deliver_stats got = {0, 0, 0};
		struct outbox_batch claimed = {NULL, 0};

		now = outbox_clock(act, started);
		if ((rc = db_begin(db, e)) == 0) {
			if (done.n > 0)
				rc = outbox_record(db, &c, done.items, done.n, now, &got, e);
			if (rc == 0)
				rc = outbox_claim(db, &c, now, c.smtp_url == NULL, &claimed.items,
				                  &claimed.n, e);
			if (rc == 0)
				rc = db_commit(db, e);
			if (rc != 0)
				db_rollback(db);
		}
		/* a batch not recorded stays claimed by this process: the next run takes it back
		 * (this pid gone, or its lease run out) and sends it again, same Message-IDs */
		outbox_batch_free(&done);
		if (rc != 0) {
			outbox_batch_free(&claimed);
			break;
		}
		st->delivered += got.delivered;
		st->retrying += got.retrying;
		st->failed += got.failed;
		for (size_t i = 0; i < claimed.n; i++) {
			struct outbox_item *it = &claimed.items[i];
			struct err re = {0, ""};
			const struct outbox_version *ov =
			    outbox_version(db, &c, &cache, &ncache, it->advisory, it->num, &re);
			if (ov == NULL || outbox_render(&c, it, ov, &mc, now, &re) != 0) {
				it->result = ERR_INPUT;
				snprintf(it->error, sizeof(it->error), "%.255s", re.msg);
			}
		}
		if (sending) {
			outbox_wait(db, &c, &sender, act, started);
			sending = 0;
		}
		done = outbox_batch_take(&sender.batch); /* batch k is out (empty: none was) */
		if (claimed.n == 0) {
			outbox_batch_free(&claimed);
		} else {
			sender.batch = outbox_batch_take(&claimed);
			/* without a thread it is sent here, and recorded with the next claim */
			if (pthread_create(&sender.thread, NULL, outbox_sender_main, &sender) == 0)
				sending = 1;
			else
				outbox_sender_main(&sender);
		}
		if (done.n == 0 && sender.batch.n == 0)
			break; /* nothing sent to record, nothing claimed */
	}
	if (sending)
		outbox_wait(db, &c, &sender, act, started);
	if (sender.batch.n > 0) { /* the store failed: what is out is recorded if it can be */
		struct alert_deliver_stats got = {0, 0, 0};
		struct err re = {0, ""};
		now = outbox_clock(act, started);
		if (db_begin(db, &re) == 0) {
			if (outbox_record(db, &c, sender.batch.items, sender.batch.n, now, &got,
			                  &re) == 0 &&
			    db_commit(db, &re) == 0) {
				st->delivered += got.delivered;
				st->retrying += got.retrying;
				st->failed += got.failed;
			} else {
				db_rollback(db);
			}
		}
		outbox_batch_free(&sender.batch);
	}
	smtp_client_close(smtp);
	free(mc.matched);
	buf_free(&mc.text);
	if (rc == 0 && c.smtp_url == NULL)
		rc = db_query_int(db,
		                  "SELECT count(*) FROM alerts WHERE channel = 'email'"
		                  " AND state IN ('queued', 'sent')",
		                  NULL, &waiting, e);
	if (rc == 0 && waiting)
		rc = err_set(
		    e, ERR_INPUT,
		    "%lld e-mail alerts are waiting, but no mail server is set: `baken config"
		    " set smtp.url smtp://HOST:PORT`",
		    (long long)waiting);
	for (size_t i = 0; i < ncache; i++) {
		free(cache[i]->id);
		free(cache[i]->subject);
		free(cache[i]->plain);
		free(cache[i]->json);
		free(cache[i]->tlp);
		free(cache[i]);
	}
	free(cache);
	outbox_conf_free(&c);
	return rc;
}
