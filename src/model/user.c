/* user.c: users, API tokens, sessions, login rate limiting, and who may read what. */
#include "model/user.h"

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "model/advisory.h"
#include "model/org.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#define FAIL_WINDOW   (15 * 60)
#define FAIL_MAX_NAME 5
#define FAIL_MAX_ADDR 20

static const char *const roles[] = {"analyst", "coordinator", "crisis", "constituent",
                                    "partner", "admin",       NULL};

const char *user_role_parse(const char *s, struct err *e)
{
	for (size_t i = 0; s && roles[i]; i++)
		if (strcasecmp(s, roles[i]) == 0)
			return roles[i];
	err_set(e, ERR_INPUT,
	        "bad role \"%s\": expected analyst, coordinator, crisis, constituent, partner or"
	        " admin",
	        s ? s : "");
	return NULL;
}

int user_is_staff(const struct user *u)
{
	if (u == NULL || u->id == 0)
		return 0;
	return strcmp(u->role, "analyst") == 0 || strcmp(u->role, "coordinator") == 0 ||
	       strcmp(u->role, "crisis") == 0 || strcmp(u->role, "admin") == 0;
}

int user_has_role(const struct user *u, const char *role)
{
	if (u == NULL || u->id == 0)
		return 0;
	return strcmp(u->role, role) == 0 || strcmp(u->role, "admin") == 0;
}

void user_random_text(char *out, size_t n)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

	for (size_t i = 0; i < n; i++)
		out[i] = alphabet[randombytes_uniform(64)];
	out[n] = '\0';
}

void user_sha256_hex(const char *s, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static int name_check(const char *name, struct err *e)
{
	size_t n = strlen(name);

	if (n == 0 || n > USER_NAME_MAX || !isalnum((unsigned char)name[0]))
		goto bad;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._@-", name[i]))
			goto bad;
	return 0;
bad:
	return err_set(e, ERR_INPUT,
	               "bad user name \"%s\": expected 1-%d of letters, digits and . _ @ -,"
	               " starting with a letter or digit",
	               name, USER_NAME_MAX);
}

static int email_check(const char *email, struct err *e)
{
	const char *at = email ? strchr(email, '@') : NULL;

	if (email == NULL)
		return 0;
	if (at == NULL || at == email || at[1] == '\0' || strlen(email) > 254 ||
	    strpbrk(email, " \t\r\n<>\"") != NULL)
		return err_set(e, ERR_INPUT, "bad --email \"%s\": expected an address", email);
	return 0;
}

/* The kind of organisation org into kind (16 bytes); ERR_NOTFOUND when unknown. */
static int org_kind_of(struct db *db, const char *org, char *kind, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, "SELECT kind FROM orgs WHERE id = ?1", &st, e);

	if (rc != 0)
		return rc;
	db_bind_text(st, 1, org);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		strlcpy_safe(kind, db_col_text(st, 0), 16);
	db_done(st);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_set(e, ERR_NOTFOUND, "unknown organisation '%s' (`baken org list`)",
		               org);
	return 0;
}

int user_add(struct db *db, const struct act *act, const char *name, const char *role,
             const char *org, const char *email, struct err *e)
{
	const char *r = user_role_parse(role, e);
	struct db_stmt *st;
	char now[32], kind[16] = "", object[96];
	int rc;

	if (r == NULL)
		return ERR_INPUT;
	if ((rc = name_check(name, e)) != 0 || (rc = email_check(email, e)) != 0)
		return rc;
	if ((strcmp(r, "constituent") == 0 || strcmp(r, "partner") == 0) && org == NULL)
		return err_set(e, ERR_USAGE,
		               "--org ORG is required for a %s: the organisation"
		               " the user acts for",
		               r);
	if (org && (rc = org_kind_of(db, org, kind, e)) != 0)
		return err_wrap(e, "--org: ");
	if (strcmp(r, "partner") == 0 && strcmp(kind, "partner") != 0)
		return err_set(e, ERR_INPUT,
		               "--org %s is of kind %s; a partner's organisation is of"
		               " kind partner",
		               org, kind);
	if (strcmp(r, "constituent") == 0 && strcmp(kind, "partner") == 0)
		return err_set(e, ERR_INPUT,
		               "--org %s is a partner; give its users the role"
		               " partner",
		               org);
	time_format(act->at, now, sizeof(now));
	rc = db_prepare(db,
	                "INSERT INTO users (name, role, org_id, email, created_at, updated_at)"
	                " VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, r);
	db_bind_text(st, 3, org);
	db_bind_text(st, 4, email);
	db_bind_text(st, 5, now);
	rc = db_step(st, e);
	db_done(st);
	if (rc == ERR_CONFLICT)
		return err_set(e, ERR_CONFLICT, "user %s exists already", name);
	if (rc < 0)
		return rc;
	snprintf(object, sizeof(object), "user:%s", name);
	return event_append(db, act, "user.add", object,
	                    json_pack("{s:s, s:s?, s:s?}", "role", r, "org", org, "email", email),
	                    e);
}

/* The id of user name; ERR_NOTFOUND naming it otherwise. */
static int user_id_of(struct db *db, const char *name, int64_t *id, struct err *e)
{
	int rc = db_query_int(db, "SELECT id FROM users WHERE name = ?1", name, id, e);

	if (rc == 0 && *id == 0)
		return err_set(e, ERR_NOTFOUND, "unknown user '%s' (`baken user list`)", name);
	return rc;
}

static int exec_id(struct db *db, const char *sql, int64_t id, const char *text, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, sql, &st, e);

	if (rc != 0)
		return rc;
	db_bind_int(st, 1, id);
	if (text)
		db_bind_text(st, 2, text);
	rc = db_step(st, e);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int user_password_set(struct db *db, const struct act *act, const char *name, const char *password,
                      struct err *e)
{
	char hash[crypto_pwhash_STRBYTES], now[32], object[96];
	size_t n = strlen(password);
	int64_t id;
	int rc;

	if ((rc = user_id_of(db, name, &id, e)) != 0)
		return rc;
	if (n < USER_PASSWORD_MIN || n > USER_PASSWORD_MAX)
		return err_set(e, ERR_INPUT, "the password must be %d to %d bytes long",
		               USER_PASSWORD_MIN, USER_PASSWORD_MAX);
	if (crypto_pwhash_str(hash, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return err_set(e, ERR_IO, "hashing the password failed (out of memory)");
	time_format(act->at, now, sizeof(now));
	rc = exec_id(db, "UPDATE users SET pw_hash = ?2 WHERE id = ?1", id, hash, e);
	if (rc == 0) {
		struct db_stmt *st;
		if ((rc = db_prepare(db, "UPDATE users SET updated_at = ?2 WHERE id = ?1", &st,
		                     e)) == 0) {
			db_bind_int(st, 1, id);
			db_bind_text(st, 2, now);
			rc = db_step(st, e);
			db_done(st);
			rc = rc < 0 ? rc : 0;
		}
	}
	sodium_memzero(hash, sizeof(hash));
	if (rc == 0)
		rc = exec_id(db, "DELETE FROM sessions WHERE user_id = ?1", id, NULL, e);
	if (rc != 0)
		return rc;
	snprintf(object, sizeof(object), "user:%s", name);
	return event_append(db, act, "user.password", object, NULL, e);
}

int user_token_create(struct db *db, const struct act *act, const char *name, char *out,
                      struct err *e)
{
	struct db_stmt *st;
	char hash[65], now[32], object[96], hint[12];
	int64_t id;
	int rc;

	if ((rc = user_id_of(db, name, &id, e)) != 0)
		return rc;
	memcpy(out, "bkn_", 4);
	user_random_text(out + 4, USER_TOKEN_LEN - 4);
	user_sha256_hex(out, hash);
	snprintf(hint, sizeof(hint), "%.8s", out);
	time_format(act->at, now, sizeof(now));
	rc = db_prepare(db,
	                "INSERT INTO api_tokens (user_id, hash, hint, created_at)"
	                " VALUES (?1, ?2, ?3, ?4)",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, hash);
	db_bind_text(st, 3, hint);
	db_bind_text(st, 4, now);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	snprintf(object, sizeof(object), "user:%s", name);
	return event_append(db, act, "token.create", object, json_pack("{s:s}", "hint", hint), e);
}

int user_list(struct db *db, json_t **out, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db,
	                    "SELECT u.name, u.role, u.org_id, u.email, u.pw_hash IS NOT NULL,"
	                    " (SELECT count(*) FROM api_tokens t WHERE t.user_id = u.id"
	                    "  AND t.revoked_at IS NULL), u.disabled, u.created_at"
	                    " FROM users u ORDER BY u.name",
	                    &st, e);

	if (rc != 0)
		return rc;
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(
		    *out, json_pack("{s:s, s:s, s:s?, s:s?, s:b, s:I, s:b, s:s}", "name",
		                    db_col_text(st, 0), "role", db_col_text(st, 1), "org",
		                    db_col_text(st, 2), "email", db_col_text(st, 3), "password",
		                    (int)db_col_int(st, 4), "tokens", (json_int_t)db_col_int(st, 5),
		                    "disabled", (int)db_col_int(st, 6), "created_at",
		                    db_col_text(st, 7)));
	db_done(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

#define USER_COLUMNS "u.id, u.name, u.role, coalesce(u.org_id, ''), coalesce(o.kind, '')"
#define USER_FROM    " FROM users u LEFT JOIN orgs o ON o.id = u.org_id"

static void user_from_row(struct db_stmt *st, int first, struct user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = db_col_int(st, first);
	strlcpy_safe(u->name, db_col_text(st, first + 1), sizeof(u->name));
	strlcpy_safe(u->role, db_col_text(st, first + 2), sizeof(u->role));
	strlcpy_safe(u->org, db_col_text(st, first + 3), sizeof(u->org));
	strlcpy_safe(u->org_kind, db_col_text(st, first + 4), sizeof(u->org_kind));
}

int user_by_token(struct db *db, const char *token, struct user *u, struct err *e)
{
	struct db_stmt *st;
	char hash[65];
	int rc;

	memset(u, 0, sizeof(*u));
	if (strlen(token) != USER_TOKEN_LEN || strncmp(token, "bkn_", 4) != 0)
		return err_set(e, ERR_PERM, "unknown API token");
	user_sha256_hex(token, hash);
	rc = db_prepare(db,
	                "SELECT " USER_COLUMNS USER_FROM " JOIN api_tokens t ON t.user_id = u.id"
	                " WHERE t.hash = ?1 AND t.revoked_at IS NULL AND u.disabled = 0",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, hash);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		user_from_row(st, 0, u);
	db_done(st);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : err_set(e, ERR_PERM, "unknown API token");
}

static int failures_since(struct db *db, const char *key, const char *since, int64_t *n,
                          struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, "SELECT count(*) FROM login_failures WHERE key = ?1 AND at > ?2",
	                    &st, e);

	if (rc != 0)
		return rc;
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, since);
	rc = db_step(st, e);
	*n = rc == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return rc < 0 ? rc : 0;
}

static int failure_record(struct db *db, const char *key, const char *now, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, "INSERT INTO login_failures (key, at) VALUES (?1, ?2)", &st, e);

	if (rc != 0)
		return rc;
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, now);
	rc = db_step(st, e);
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* A hash to check against when the name is unknown, so that takes as long as a known one. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_make(void)
{
	char pw[33];

	user_random_text(pw, 32);
	if (crypto_pwhash_str(dummy_hash, pw, 32, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = '\0';
}

int user_login(struct db *db, const char *name, const char *password, const char *addr, int64_t now,
               struct user *u, int *limited, struct err *e)
{
	struct db_stmt *st;
	char nkey[128], akey[128], since[32], when[32], *hash = NULL;
	int64_t nfail = 0, afail = 0;
	int rc, good = 0;

	memset(u, 0, sizeof(*u));
	*limited = 0;
	snprintf(nkey, sizeof(nkey), "user:%.64s", name);
	snprintf(akey, sizeof(akey), "addr:%.64s", addr ? addr : "");
	time_format(now - FAIL_WINDOW, since, sizeof(since));
	time_format(now, when, sizeof(when));
	if ((rc = failures_since(db, nkey, since, &nfail, e)) != 0 ||
	    (rc = failures_since(db, akey, since, &afail, e)) != 0)
		return rc;
	if (nfail >= FAIL_MAX_NAME || afail >= FAIL_MAX_ADDR) {
		*limited = 1;
		return err_set(e, ERR_PERM, "too many failed logins; try again in 15 minutes");
	}
	rc = db_prepare(db,
	                "SELECT " USER_COLUMNS ", u.pw_hash" USER_FROM
	                " WHERE u.name = ?1 AND u.disabled = 0",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, name);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		user_from_row(st, 0, u);
		hash = db_col_is_null(st, 5) ? NULL : xstrdup(db_col_text(st, 5));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	/* the slow part, outside any transaction */
	pthread_once(&dummy_once, dummy_make);
	if (strlen(password) <= USER_PASSWORD_MAX &&
	    crypto_pwhash_str_verify(hash ? hash : dummy_hash, password, strlen(password)) == 0 &&
	    hash)
		good = 1;
	free(hash);
	if ((rc = db_begin(db, e)) != 0)
		return rc;
	if (good) {
		struct db_stmt *d;
		rc = db_prepare(db, "DELETE FROM login_failures WHERE key = ?1", &d, e);
		if (rc == 0) {
			db_bind_text(d, 1, nkey);
			rc = db_step(d, e);
			db_done(d);
			rc = rc < 0 ? rc : 0;
		}
	} else {
		struct db_stmt *d;
		rc = failure_record(db, nkey, when, e);
		if (rc == 0)
			rc = failure_record(db, akey, when, e);
		/* forget failures older than a day */
		time_format(now - 86400, since, sizeof(since));
		if (rc == 0 &&
		    (rc = db_prepare(db, "DELETE FROM login_failures WHERE at < ?1", &d, e)) == 0) {
			db_bind_text(d, 1, since);
			rc = db_step(d, e);
			db_done(d);
			rc = rc < 0 ? rc : 0;
		}
	}
	if (rc == 0)
		rc = db_commit(db, e);
	if (rc != 0) {
		db_rollback(db);
		return rc;
	}
	if (!good) {
		memset(u, 0, sizeof(*u));
		return err_set(e, ERR_PERM, "wrong user name or password");
	}
	return 0;
}

int user_session_create(struct db *db, int64_t user_id, int64_t now, char *cookie, char *csrf,
                        struct err *e)
{
	struct db_stmt *st;
	char hash[65], created[32], expires[32];
	int rc;

	user_random_text(cookie, USER_SESSION_LEN);
	user_random_text(csrf, USER_CSRF_LEN);
	user_sha256_hex(cookie, hash);
	time_format(now, created, sizeof(created));
	time_format(now + USER_SESSION_TTL, expires, sizeof(expires));
	/* sessions that ran out go when a new one starts */
	if ((rc = db_prepare(db, "DELETE FROM sessions WHERE expires_at < ?1", &st, e)) != 0)
		return rc;
	db_bind_text(st, 1, created);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	rc = db_prepare(db,
	                "INSERT INTO sessions (hash, user_id, csrf, created_at, expires_at)"
	                " VALUES (?1, ?2, ?3, ?4, ?5)",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, hash);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, csrf);
	db_bind_text(st, 4, created);
	db_bind_text(st, 5, expires);
	rc = db_step(st, e);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int user_session_get(struct db *db, const char *cookie, int64_t now, struct user *u, char *csrf,
                     struct err *e)
{
	struct db_stmt *st;
	char hash[65], when[32];
	int rc;

	memset(u, 0, sizeof(*u));
	csrf[0] = '\0';
	if (strlen(cookie) != USER_SESSION_LEN)
		return err_set(e, ERR_PERM, "no session");
	user_sha256_hex(cookie, hash);
	time_format(now, when, sizeof(when));
	rc = db_prepare(db,
	                "SELECT " USER_COLUMNS ", s.csrf" USER_FROM
	                " JOIN sessions s ON s.user_id = u.id"
	                " WHERE s.hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, hash);
	db_bind_text(st, 2, when);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		user_from_row(st, 0, u);
		strlcpy_safe(csrf, db_col_text(st, 5), USER_CSRF_LEN + 1);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : err_set(e, ERR_PERM, "no session");
}

int user_session_end(struct db *db, const char *cookie, struct err *e)
{
	struct db_stmt *st;
	char hash[65];
	int rc;

	user_sha256_hex(cookie, hash);
	if ((rc = db_prepare(db, "DELETE FROM sessions WHERE hash = ?1", &st, e)) != 0)
		return rc;
	db_bind_text(st, 1, hash);
	rc = db_step(st, e);
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- who may read what ---- */

static int in_list(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

int user_may_read(struct db *db, const struct user *u, const struct advisory_version *v, int *ok,
                  struct err *e)
{
	json_t *affected = NULL;
	int rc;

	*ok = 0;
	if (user_is_staff(u)) {
		*ok = 1;
		return 0;
	}
	if (!v->published)
		return 0;
	if (strcmp(v->tlp, "CLEAR") == 0) {
		*ok = 1;
		return 0;
	}
	if (u == NULL || u->id == 0 || u->org[0] == '\0')
		return 0;
	if (in_list(v->to, v->nto, u->org)) {
		*ok = 1;
		return 0;
	}
	if (strcmp(v->tlp, "GREEN") == 0 || strcmp(v->tlp, "AMBER") == 0) {
		*ok = strcmp(u->org_kind, "ministry") == 0 || strcmp(u->org_kind, "agency") == 0 ||
		      strcmp(u->org_kind, "vital") == 0;
		return 0;
	}
	/* AMBER+STRICT and RED: only those addressed (above) or affected */
	if ((rc = advisory_affected_org(db, v, u->org, &affected, e)) != 0)
		return rc;
	*ok = json_array_size(affected) > 0;
	json_decref(affected);
	return 0;
}
