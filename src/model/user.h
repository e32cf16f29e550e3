/* user.h: accounts (users and their roles), API tokens, web sessions, login rate limiting, and
 * the rule of DESIGN §3 that decides which advisory versions a user may read (TLP).
 *
 * Roles are those of DESIGN §1: staff (analyst, coordinator, crisis, admin) see everything;
 * constituents and partners act for one organisation. Passwords are argon2id hashes
 * (crypto_pwhash_str, interactive limits: about 90 ms and 64 MiB per check, so callers run
 * user_login off any event loop). API tokens and session cookies are random, shown once, and
 * kept only as their SHA-256. */
#ifndef BAKEN_USER_H
#define BAKEN_USER_H

#include "core/err.h"
#include "model/event.h"

#include <jansson.h>
#include <stdint.h>

struct db;
struct advisory_version;

#define USER_NAME_MAX     64
#define USER_PASSWORD_MIN 10
#define USER_PASSWORD_MAX 1024
#define USER_TOKEN_LEN    47 /* "bkn_" and 43 base64url characters */
#define USER_SESSION_LEN  43
#define USER_CSRF_LEN     43
#define USER_SESSION_TTL  (12 * 3600)

/* Who is asking. A zeroed struct (id 0) is the public. */
struct user {
	int64_t id;
	char name[USER_NAME_MAX + 1];
	char role[16];
	char org[65];      /* "" when the user acts for no organisation */
	char org_kind[16]; /* the organisation's kind, "" when none */
};

/* The canonical role for s in any case, or NULL and an error listing the roles. */
const char *user_role_parse(const char *s, struct err *e);
/* 1 for analyst, coordinator, crisis and admin: they see every advisory and organisation. */
int user_is_staff(const struct user *u);
/* 1 when u has role (exactly), or is an admin. */
int user_has_role(const struct user *u, const char *role);

/* Creates a user. Constituents and partners need an organisation (a partner's must be of kind
 * partner, a constituent's must not); ERR_CONFLICT when the name is taken. */
int user_add(struct db *db, const struct act *act, const char *name, const char *role,
             const char *org, const char *email, struct err *e);
/* Sets the password (USER_PASSWORD_MIN..MAX bytes); hashing takes about 90 ms. Ends the
 * user's sessions. */
int user_password_set(struct db *db, const struct act *act, const char *name, const char *password,
                      struct err *e);
/* Makes an API token for the user; the token (NUL-terminated) goes to out, which has room
 * for USER_TOKEN_LEN + 1 bytes. Only its hash is stored. */
int user_token_create(struct db *db, const struct act *act, const char *name, char *out,
                      struct err *e);
/* Every user: name, role, org, email, whether a password is set, tokens. */
int user_list(struct db *db, json_t **out, struct err *e);

/* The user an API token belongs to; ERR_PERM for an unknown, revoked or disabled one. */
int user_by_token(struct db *db, const char *token, struct user *u, struct err *e);

/* Checks a name and password (slow: argon2id, also for unknown names, so timing tells
 * nothing). Before checking, refuses with *limited set when the name or the address addr has
 * failed too often lately (5 per name, 20 per address in 15 minutes); records a failure.
 * Runs its own write transaction. ERR_PERM for wrong credentials. */
int user_login(struct db *db, const char *name, const char *password, const char *addr, int64_t now,
               struct user *u, int *limited, struct err *e);

/* Starts a session for user id: the cookie value goes to cookie and the session's CSRF token
 * to csrf (each USER_SESSION_LEN + 1 bytes). Runs inside the caller's transaction. */
int user_session_create(struct db *db, int64_t user_id, int64_t now, char *cookie, char *csrf,
                        struct err *e);
/* The user of a session cookie that has not expired at now, and its CSRF token (csrf has room
 * for USER_CSRF_LEN + 1 bytes); ERR_PERM when there is none. */
int user_session_get(struct db *db, const char *cookie, int64_t now, struct user *u, char *csrf,
                     struct err *e);
/* Ends a session (logout). */
int user_session_end(struct db *db, const char *cookie, struct err *e);

/* Whether u (the public when u is NULL or u->id is 0) may read version v (DESIGN §3, TLP):
 * drafts only staff; CLEAR everyone; GREEN and AMBER the constituency (ministry, agency,
 * vital) and the organisations it is addressed to (--to, e.g. partners); AMBER+STRICT and
 * RED only the organisations addressed or affected; staff everything. *ok gets the answer. */
int user_may_read(struct db *db, const struct user *u, const struct advisory_version *v, int *ok,
                  struct err *e);

/* Random text of n base64url characters (no padding) into out (n + 1 bytes). */
void user_random_text(char *out, size_t n);
/* SHA-256 of s as 64 hex characters. */
void user_sha256_hex(const char *s, char out[65]);

#endif
