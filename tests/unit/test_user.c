/* test_user.c: users and roles, tokens and sessions kept as hashes, logins and their rate
 * limit, and the TLP rule of who may read a version. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/xalloc.h"
#include "model/advisory.h"
#include "model/org.h"
#include "model/user.h"
#include "testdb.h"

static const struct act act = {"test", 1577000000};

static struct db *setup(struct testdb *t)
{
	static const struct org_fields orgs[] = {
	    {"min-a", "Ministerie A", "ministry", NULL, NULL},
	    {"agency-a1", "Dienst A1", "agency", "min-a", NULL},
	    {"vital-e", "Energie E", "vital", NULL, "energy"},
	    {"other-x", "Gemeente X", "other", NULL, NULL},
	    {"part-1", "CERT 1", "partner", NULL, "health"},
	};
	struct db *db = testdb_open(t, "user");

	for (size_t i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++)
		assert_int_equal(org_add(db, &act, &orgs[i], NULL), 0);
	return db;
}

static void test_add_rules(void **state)
{
	struct testdb t;
	struct db *db = setup(&t);
	struct err e;

	(void)state;
	assert_int_equal(user_add(db, &act, "ana", "Analyst", NULL, "ana@x.example", &e), 0);
	assert_int_equal(user_add(db, &act, "ana", "analyst", NULL, NULL, &e), ERR_CONFLICT);
	assert_int_equal(user_add(db, &act, "c1", "constituent", NULL, NULL, &e), ERR_USAGE);
	assert_int_equal(user_add(db, &act, "c1", "constituent", "nobody", NULL, &e), ERR_NOTFOUND);
	assert_int_equal(user_add(db, &act, "c1", "constituent", "part-1", NULL, &e), ERR_INPUT);
	assert_int_equal(user_add(db, &act, "p1", "partner", "vital-e", NULL, &e), ERR_INPUT);
	assert_int_equal(user_add(db, &act, "x", "chief", NULL, NULL, &e), ERR_INPUT);
	assert_int_equal(user_add(db, &act, "bad name", "analyst", NULL, NULL, &e), ERR_INPUT);
	assert_int_equal(user_add(db, &act, "e", "analyst", NULL, "not-an-address", &e), ERR_INPUT);
	assert_int_equal(user_add(db, &act, "c1", "constituent", "agency-a1", NULL, &e), 0);
	testdb_close(&t);
}

static void test_tokens(void **state)
{
	struct testdb t;
	struct db *db = setup(&t);
	char tok[USER_TOKEN_LEN + 1], bad[USER_TOKEN_LEN + 1];
	struct user u;
	int64_t n = 0;

	(void)state;
	assert_int_equal(user_add(db, &act, "c1", "constituent", "agency-a1", NULL, NULL), 0);
	assert_int_equal(user_token_create(db, &act, "c1", tok, NULL), 0);
	assert_int_equal((int)strlen(tok), USER_TOKEN_LEN);
	assert_int_equal(user_by_token(db, tok, &u, NULL), 0);
	assert_string_equal(u.name, "c1");
	assert_string_equal(u.org, "agency-a1");
	assert_string_equal(u.org_kind, "agency");
	/* only the hash is kept */
	assert_int_equal(
	    db_query_int(db, "SELECT count(*) FROM api_tokens WHERE hash = ?1", tok, &n, NULL), 0);
	assert_int_equal(n, 0);
	memcpy(bad, tok, sizeof(bad));
	bad[10] = bad[10] == 'A' ? 'B' : 'A';
	assert_int_equal(user_by_token(db, bad, &u, NULL), ERR_PERM);
	assert_int_equal(u.id, 0);
	assert_int_equal(user_by_token(db, "short", &u, NULL), ERR_PERM);
	assert_int_equal(user_token_create(db, &act, "nobody", tok, NULL), ERR_NOTFOUND);
	testdb_close(&t);
}

static void test_login_and_sessions(void **state)
{
	struct testdb t;
	struct db *db = setup(&t);
	char cookie[USER_SESSION_LEN + 1], csrf[USER_CSRF_LEN + 1], got[USER_CSRF_LEN + 1];
	struct user u;
	int limited = 0;

	(void)state;
	assert_int_equal(user_add(db, &act, "ana", "analyst", NULL, NULL, NULL), 0);
	assert_int_equal(user_password_set(db, &act, "ana", "short", NULL), ERR_INPUT);
	assert_int_equal(user_password_set(db, &act, "ana", "long enough pass", NULL), 0);
	assert_int_equal(db_commit(db, NULL), 0); /* user_login runs its own transactions */
	assert_int_equal(
	    user_login(db, "ana", "long enough pass", "127.0.0.1", act.at, &u, &limited, NULL), 0);
	assert_string_equal(u.role, "analyst");
	assert_int_equal(user_login(db, "ana", "wrong", "127.0.0.1", act.at, &u, &limited, NULL),
	                 ERR_PERM);
	assert_int_equal(u.id, 0);
	assert_int_equal(
	    user_login(db, "nobody", "whatever1", "127.0.0.1", act.at, &u, &limited, NULL),
	    ERR_PERM);
	/* five failures for a name: the sixth attempt is refused unchecked, even when right */
	for (int i = 0; i < 4; i++)
		user_login(db, "ana", "wrong", "10.0.0.1", act.at + 1, &u, &limited, NULL);
	assert_int_equal(
	    user_login(db, "ana", "long enough pass", "10.0.0.2", act.at + 2, &u, &limited, NULL),
	    ERR_PERM);
	assert_int_equal(limited, 1);
	/* and allowed again after the window */
	assert_int_equal(user_login(db, "ana", "long enough pass", "10.0.0.2", act.at + 3600, &u,
	                            &limited, NULL),
	                 0);
	assert_int_equal(db_begin(db, NULL), 0);
	assert_int_equal(user_session_create(db, u.id, act.at, cookie, csrf, NULL), 0);
	assert_int_equal(user_session_get(db, cookie, act.at + 60, &u, got, NULL), 0);
	assert_string_equal(got, csrf);
	assert_int_equal(user_session_get(db, cookie, act.at + USER_SESSION_TTL + 1, &u, got, NULL),
	                 ERR_PERM);
	assert_int_equal(user_session_end(db, cookie, NULL), 0);
	assert_int_equal(user_session_get(db, cookie, act.at + 60, &u, got, NULL), ERR_PERM);
	testdb_close(&t);
}

static int may(struct db *db, const char *role, const char *org, const char *kind, const char *tlp,
               int published, const char *to)
{
	struct advisory_version v;
	struct user u;
	char *tov[1];
	int ok = -1;

	memset(&v, 0, sizeof(v));
	memset(&u, 0, sizeof(u));
	snprintf(v.id, sizeof(v.id), "NCSC-2019-0001");
	v.tlp = (char *)tlp;
	v.published = published;
	if (to) {
		tov[0] = (char *)to;
		v.to = tov;
		v.nto = 1;
	}
	if (role) {
		u.id = 1;
		strlcpy_safe(u.role, role, sizeof(u.role));
		strlcpy_safe(u.org, org ? org : "", sizeof(u.org));
		strlcpy_safe(u.org_kind, kind ? kind : "", sizeof(u.org_kind));
	}
	assert_int_equal(user_may_read(db, role ? &u : NULL, &v, &ok, NULL), 0);
	return ok;
}

static void test_tlp_rule(void **state)
{
	struct testdb t;
	struct db *db = setup(&t);

	(void)state;
	assert_true(may(db, NULL, NULL, NULL, "CLEAR", 1, NULL));
	assert_false(may(db, NULL, NULL, NULL, "CLEAR", 0, NULL)); /* a draft */
	assert_false(may(db, NULL, NULL, NULL, "GREEN", 1, NULL));
	assert_true(may(db, "analyst", NULL, NULL, "RED", 0, NULL));
	assert_true(may(db, "crisis", NULL, NULL, "AMBER+STRICT", 1, NULL));
	assert_true(may(db, "constituent", "vital-e", "vital", "AMBER", 1, NULL));
	assert_true(may(db, "constituent", "min-a", "ministry", "GREEN", 1, NULL));
	assert_false(may(db, "constituent", "other-x", "other", "AMBER", 1, NULL));
	assert_true(may(db, "constituent", "other-x", "other", "AMBER", 1, "other-x"));
	assert_false(may(db, "partner", "part-1", "partner", "AMBER", 1, NULL));
	assert_true(may(db, "partner", "part-1", "partner", "AMBER", 1, "part-1"));
	assert_false(may(db, "constituent", "vital-e", "vital", "AMBER+STRICT", 1, NULL));
	assert_false(may(db, "constituent", "vital-e", "vital", "RED", 1, NULL));
	assert_true(may(db, "constituent", "vital-e", "vital", "RED", 1, "vital-e"));
	assert_false(may(db, "constituent", "vital-e", "vital", "RED", 0, "vital-e"));
	assert_false(may(db, "constituent", NULL, NULL, "GREEN", 1, NULL));
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_rules),
	    cmocka_unit_test(test_tokens),
	    cmocka_unit_test(test_login_and_sessions),
	    cmocka_unit_test(test_tlp_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
