/* alert.c: creating alerts when a version is published; acknowledging, retrying, listing. */
#include "model/alert.h"

#include "core/buf.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "model/advisory.h"
#include "model/config.h"

#include <sodium.h>
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

void alert_ack_token_of(const char *secret, const char *message_id, char out[65])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)message_id, strlen(message_id));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out, 65, mac, sizeof(mac));
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

/* ---- creation ---- */

struct alert_new {
	const char *id;
	int num;
	const char *org, *channel, *reason, *address, *matched, *phones;
	int64_t contact;
	const char *topic, *topic_ref, *subject, *body; /* NULL for an advisory version */
};

/* Inserts one alert unless it exists (the unique key); *made is 1 when it was new. */
static int alert_insert(struct db *db, const struct act *act, const struct alert_new *a,
                        const char *secret, const char *host, int *made, struct err *e)
{
	struct db_stmt *st;
	char now[32], mid[256], token[65], hash[65];
	int64_t id = 0;
	int rc;

	time_format(act->at, now, sizeof(now));
	rc =
	    db_prepare(db,
	               "INSERT INTO alerts (advisory_id, num, org_id, channel, contact_id, reason,"
	               " address, matched, phones, message_id, next_attempt_at, created_at, topic,"
	               " topic_ref, subject, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
	               " ?11, ?11, ?12, ?13, ?14, ?15) ON CONFLICT DO NOTHING RETURNING id",
	               &st, e);
	if (rc != 0)
		return rc;
	/* a unique placeholder until the id is known */
	snprintf(mid, sizeof(mid), "pending.%s.%d.%s.%s.%lld.%s.%s", a->id, a->num, a->org,
	         a->channel, (long long)a->contact, a->topic ? a->topic : "advisory",
	         a->topic_ref ? a->topic_ref : "");
	db_bind_text(st, 1, a->id);
	db_bind_int(st, 2, a->num);
	db_bind_text(st, 3, a->org);
	db_bind_text(st, 4, a->channel);
	db_bind_int(st, 5, a->contact);
	db_bind_text(st, 6, a->reason);
	db_bind_text(st, 7, a->address);
	db_bind_text(st, 8, a->matched);
	db_bind_text(st, 9, a->phones);
	db_bind_text(st, 10, mid);
	db_bind_text(st, 11, now);
	db_bind_text(st, 12, a->topic ? a->topic : "advisory");
	db_bind_text(st, 13, a->topic_ref ? a->topic_ref : "");
	db_bind_text(st, 14, a->subject);
	db_bind_text(st, 15, a->body);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		id = db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return rc;
	*made = id > 0;
	if (!*made)
		return 0;
	snprintf(mid, sizeof(mid), "<baken.%lld.%lld@%s>", (long long)id, (long long)act->at, host);
	alert_ack_token_of(secret, mid, token);
	sha256_hex(token, hash);
	rc = db_prepare(db, "UPDATE alerts SET message_id = ?2, ack_hash = ?3 WHERE id = ?1", &st,
	                e);
	if (rc != 0)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, mid);
	db_bind_text(st, 3, hash);
	rc = db_step(st, e);
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* The host part of Message-IDs: the site's host name. */
static void site_host(struct db *db, char *out, size_t outsz)
{
	char *url = config_get(db, "site.url", "http://localhost:8080");
	const char *p = strstr(url, "://");
	size_t n;

	p = p ? p + 3 : url;
	n = strcspn(p, ":/");
	snprintf(out, outsz, "%.*s", (int)(n ? n : 9), n ? p : "localhost");
	free(url);
}

/* The contacts to alert for org: its own, else its parent's (and so on up). */
static int contacts_of(struct db *db, const char *org, json_t **out, struct err *e)
{
	char cur[80];
	int rc = 0, depth = 0;

	*out = json_array();
	snprintf(cur, sizeof(cur), "%s", org);
	while (cur[0] && json_array_size(*out) == 0 && depth++ < 16) {
		struct db_stmt *st;

		rc =
		    db_prepare(db,
		               "SELECT id, name, email, phone, always_on, webhook_url FROM contacts"
		               " WHERE org_id = ?1 ORDER BY id",
		               &st, e);
		if (rc != 0)
			break;
		db_bind_text(st, 1, cur);
		while ((rc = db_step(st, e)) == DB_ROW)
			json_array_append_new(
			    *out,
			    json_pack("{s:I, s:s, s:s?, s:s?, s:b, s:s?, s:s}", "id",
			              (json_int_t)db_col_int(st, 0), "name", db_col_text(st, 1),
			              "email", db_col_text(st, 2), "phone", db_col_text(st, 3),
			              "24x7", (int)db_col_int(st, 4), "webhook", db_col_text(st, 5),
			              "of", cur));
		db_done(st);
		if (rc < 0)
			break;
		rc = db_prepare(db, "SELECT parent_id FROM orgs WHERE id = ?1", &st, e);
		if (rc != 0)
			break;
		db_bind_text(st, 1, cur);
		rc = db_step(st, e);
		snprintf(cur, sizeof(cur), "%s",
		         rc == DB_ROW && !db_col_is_null(st, 0) ? db_col_text(st, 0) : "");
		db_done(st);
		if (rc < 0)
			break;
		rc = 0;
	}
	return rc < 0 ? rc : 0;
}

/* The phone numbers of a call task, in the order to try them: at night the 24/7 numbers
 * first, by day the others first. */
static json_t *call_phones(json_t *contacts, int night)
{
	json_t *out = json_array(), *c;
	size_t i;

	for (int pass = 0; pass < 2; pass++)
		json_array_foreach(contacts, i, c)
		{
			int always = json_is_true(json_object_get(c, "24x7"));
			if (!json_is_string(json_object_get(c, "phone")))
				continue;
			if ((pass == 0) != (always == night))
				continue;
			json_array_append_new(
			    out, json_pack("{s:O, s:O, s:b}", "name", json_object_get(c, "name"),
			                   "phone", json_object_get(c, "phone"), "24x7", always));
		}
	return out;
}

/* The alerts of one organisation: each contact (its parent's when it has none) on each of
 * their channels, and a call task when call is set. tmpl holds what all of them share. */
static int alert_org(struct db *db, const struct act *act, const struct alert_new *tmpl,
                     json_t *matched_json, int call, const char *secret, const char *host,
                     struct alert_counts *n, struct err *e)
{
	json_t *contacts, *c;
	char *matched = json_dumps(matched_json, JSON_COMPACT);
	size_t i;
	int rc, made, any = 0;

	if ((rc = contacts_of(db, tmpl->org, &contacts, e)) != 0) {
		free(matched);
		return rc;
	}
	json_array_foreach(contacts, i, c)
	{
		static const char *const channels[] = {"email", "webhook"};
		struct alert_new a = *tmpl;

		a.matched = matched;
		a.contact = json_integer_value(json_object_get(c, "id"));
		for (int k = 0; k < 2; k++) {
			a.channel = channels[k];
			a.address = json_string_value(json_object_get(c, k ? "webhook" : "email"));
			if (a.address == NULL)
				continue;
			if ((rc = alert_insert(db, act, &a, secret, host, &made, e)) != 0)
				goto out;
			any |= made;
			if (made && k == 0)
				n->email++;
			else if (made)
				n->webhook++;
		}
	}
	if (call) {
		json_t *phones = call_phones(contacts, alert_is_night(act->at));
		char *ptext = json_dumps(phones, JSON_COMPACT);
		struct alert_new a = *tmpl;

		a.channel = "call";
		a.matched = matched;
		a.phones = ptext;
		a.contact = 0;
		rc = alert_insert(db, act, &a, secret, host, &made, e);
		n->call += made;
		any |= made;
		free(ptext);
		json_decref(phones);
	}
	n->organisations += any;
out:
	json_decref(contacts);
	free(matched);
	return rc;
}

int alert_notice(struct db *db, const struct act *act, const struct alert_notice *nt,
                 struct alert_counts *out, struct err *e)
{
	struct alert_new a = {
	    nt->advisory_id, nt->num,       nt->org,     NULL,    nt->reason, NULL, NULL, NULL, 0,
	    nt->topic,       nt->topic_ref, nt->subject, nt->body};
	char secret[80], host[256];
	json_t *none;
	int rc;

	if ((rc = ack_secret(db, secret, sizeof(secret), e)) != 0)
		return rc;
	site_host(db, host, sizeof(host));
	none = json_array();
	rc = alert_org(db, act, &a, nt->data ? nt->data : none, nt->call, secret, host, out, e);
	json_decref(none);
	return rc;
}

/* Whether a partner may see a version: CLEAR always, other TLP only when addressed to it. */
static int partner_may_see(const struct advisory_version *v, const char *org)
{
	if (strcmp(v->tlp, "CLEAR") == 0)
		return 1;
	for (size_t i = 0; i < v->nto; i++)
		if (strcmp(v->to[i], org) == 0)
			return 1;
	return 0;
}

int alert_on_publish(struct db *db, const struct act *act, const char *id, int num, int material,
                     struct alert_counts *out, struct err *e)
{
	struct advisory_version v;
	json_t *affected = NULL, *byorg = json_object(), *row;
	struct db_stmt *st;
	char label[16], secret[80], host[256], object[96];
	const char *org;
	json_t *list;
	size_t i;
	int rc, call;

	memset(out, 0, sizeof(*out));
	advisory_version_label(num, label, sizeof(label));
	if ((rc = advisory_load(db, id, label, 0, &v, e)) != 0) {
		json_decref(byorg);
		return rc;
	}
	call = strcmp(v.likelihood, "high") == 0 && strcmp(v.impact, "high") == 0;
	if ((rc = ack_secret(db, secret, sizeof(secret), e)) != 0)
		goto out;
	site_host(db, host, sizeof(host));
	if (material) {
		/* everyone affected, grouped by organisation, and everyone addressed */
		if ((rc = advisory_affected(db, &v, &affected, e)) != 0)
			goto out;
		json_array_foreach(affected, i, row)
		{
			const char *o = json_string_value(json_object_get(row, "org"));
			json_t *m = json_object_get(byorg, o);
			if (m == NULL) {
				m = json_array();
				json_object_set_new(byorg, o, m);
			}
			json_array_append_new(
			    m, json_pack("{s:O, s:O, s:O, s:O}", "product",
			                 json_object_get(row, "product"), "version",
			                 json_object_get(row, "version"), "count",
			                 json_object_get(row, "count"), "internet_facing",
			                 json_object_get(row, "internet_facing")));
		}
		json_object_foreach(byorg, org, list)
		{
			struct alert_new a = {
			    .id = id, .num = num, .org = org, .reason = "affected"};
			if ((rc = alert_org(db, act, &a, list, call, secret, host, out, e)) != 0)
				goto out;
		}
		for (size_t k = 0; k < v.nto; k++) {
			struct alert_new a = {
			    .id = id, .num = num, .org = v.to[k], .reason = "addressed"};
			json_t *none = json_array();
			if (json_object_get(byorg, v.to[k])) {
				json_decref(none);
				continue;
			}
			rc = alert_org(db, act, &a, none, 0, secret, host, out, e);
			json_decref(none);
			if (rc != 0)
				goto out;
		}
	}
	/* partners get every version they may see, to pass on under its TLP */
	rc = db_prepare(db, "SELECT id FROM orgs WHERE kind = 'partner' ORDER BY id", &st, e);
	if (rc != 0)
		goto out;
	list = json_array();
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(list, json_string(db_col_text(st, 0)));
	db_done(st);
	json_array_foreach(list, i, row)
	{
		struct alert_new a = {
		    .id = id, .num = num, .org = json_string_value(row), .reason = "partner"};
		json_t *none;
		if (rc < 0 || json_object_get(byorg, a.org) || !partner_may_see(&v, a.org))
			continue;
		none = json_array();
		rc = alert_org(db, act, &a, none, 0, secret, host, out, e);
		json_decref(none);
	}
	json_decref(list);
	if (rc < 0)
		goto out;
	snprintf(object, sizeof(object), "advisory:%s", id);
	rc = event_append(db, act, "alert.create", object,
	                  json_pack("{s:s, s:b, s:I, s:I, s:I, s:I}", "version", label, "material",
	                            material, "organisations", (json_int_t)out->organisations,
	                            "email", (json_int_t)out->email, "webhook",
	                            (json_int_t)out->webhook, "call", (json_int_t)out->call),
	                  e);
out:
	json_decref(affected);
	json_decref(byorg);
	advisory_version_free(&v);
	return rc;
}

/* ---- acknowledgement, retry ---- */

static int alert_ack_where(struct db *db, const struct act *act, const char *where, const char *key,
                           long id, json_t **out, struct err *e)
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
		return key ? err_set(e, ERR_NOTFOUND, "unknown or expired acknowledgement link")
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
	rc = event_append(db, act, "alert.ack", object,
	                  json_pack("{s:s, s:s}", "via", key ? "link" : "command", "from", state),
	                  e);
done:
	free(state);
	free(acked_at);
	free(acked_by);
	return rc;
}

int alert_ack(struct db *db, const struct act *act, long id, json_t **out, struct err *e)
{
	*out = NULL;
	return alert_ack_where(db, act, "id = ?1", NULL, id, out, e);
}

int alert_ack_token(struct db *db, const struct act *act, const char *token, json_t **out,
                    struct err *e)
{
	char hash[65];

	*out = NULL;
	if (strlen(token) != 64)
		return err_set(e, ERR_NOTFOUND, "unknown or expired acknowledgement link");
	sha256_hex(token, hash);
	return alert_ack_where(db, act, "ack_hash = ?1", hash, 0, out, e);
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
