/* test_alert_bulk.c: alert creation at scale, as alert_on_publish does it for many
 * organisations (every contact read at once, ids and Message-IDs handed out in advance,
 * multi-row INSERTs): who gets what, in which order, with dense ids; publishing again and
 * notices adding nothing; and the acknowledgement tokens derived from the Message-ID. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "db/db.h"
#include "testdb.h"
#include "model/advisory.h"
#include "model/alert.h"
#include "model/inventory.h"
#include "model/org.h"

/* the migrations as baken embeds them */
struct migration {
	int version;
	const char *name;
	const char *sql;
};
static const struct migration migrations[] = {
#include "schema.inc"
};

#define NAG 150 /* agencies: rows for several batches; the contacts are read at once */

struct fixture {
	struct testdb t;
	struct db *db;
	struct act act;
	char id[64];
	int num;
};

static const char *affects[] = {"citrix:adc:>=13.0|<13.0.47.24"};
static const char *fixed[] = {"citrix:adc:13.0-47.24"};
static const char *cves[] = {"CVE-2019-19781"};
static const char *to[] = {"vital-v", "part-y"};

static void agency(int i, char *out, size_t outsz)
{
	snprintf(out, outsz, "ag-%03d", i);
}

static int setup(void **state)
{
	static const struct org_fields base[] = {
	    {"min-b", "Ministerie B", "ministry", NULL, NULL},
	    {"vital-v", "Vitaal V", "vital", NULL, "energy"},
	    {"part-y", "Y-CERT", "partner", NULL, NULL},
	    {"part-z", "Z-CERT", "partner", NULL, NULL},
	};
	static const struct contact_fields cbase[] = {
	    {"min-b", "CISO B", "ciso", "ciso@b.example", "+31700000001", 0, NULL},
	    {"min-b", "SOC B", "soc", "soc@b.example", "+31700000002", 1, "https://b.example/hook"},
	    {"vital-v", "SOC V", "soc", "soc@v.example", NULL, 1, NULL},
	    {"part-y", "Y", "cert", "cert@y.example", NULL, 0, NULL},
	    {"part-z", "Z", "cert", "cert@z.example", NULL, 0, NULL},
	};
	struct fixture *f = calloc(1, sizeof(*f));
	struct advisory_input in;
	int material;

	f->act.actor = "test:analyst";
	time_parse("2019-12-18T10:00:00Z", &f->act.at, NULL); /* a Wednesday, 11:00 CET */
	f->db = testdb_open(&f->t, "alert-bulk");
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		assert_int_equal(org_add(f->db, &f->act, &base[i], NULL), 0);
	for (size_t i = 0; i < sizeof(cbase) / sizeof(cbase[0]); i++)
		assert_int_equal(org_contact_set(f->db, &f->act, &cbase[i], NULL), 0);
	/* agencies under min-b; the even ones have a contact of their own (every tenth a
	 * webhook too), the odd ones are reached through the ministry */
	for (int i = 0; i < NAG; i++) {
		char id[16], mail[64], phone[32], hook[64];
		struct org_fields o = {id, id, "agency", "min-b", NULL};
		struct contact_fields c = {id, "CISO", "ciso", mail, phone, 0, NULL};
		struct inventory_row r = {id, "citrix:adc", "13.0-47.10", 1 + i % 3, i % 2};

		agency(i, id, sizeof(id));
		snprintf(mail, sizeof(mail), "ciso@%s.example", id);
		snprintf(phone, sizeof(phone), "+3170%07d", i);
		snprintf(hook, sizeof(hook), "https://%s.example/hook", id);
		c.webhook_url = i % 10 == 0 ? hook : NULL;
		assert_int_equal(org_add(f->db, &f->act, &o, NULL), 0);
		if (i % 2 == 0)
			assert_int_equal(org_contact_set(f->db, &f->act, &c, NULL), 0);
		assert_int_equal(inventory_put(f->db, &f->act, &r, 0, NULL), 0);
	}
	/* ag-005 also runs the fixed build (not matched); ag-007 a second affected one */
	assert_int_equal(
	    inventory_put(f->db, &f->act,
	                  &(struct inventory_row){"ag-005", "citrix:adc", "13.0-47.24", 1, 1}, 0,
	                  NULL),
	    0);
	assert_int_equal(
	    inventory_put(f->db, &f->act,
	                  &(struct inventory_row){"ag-007", "citrix:adc", "13.0-41.20", 4, 1}, 0,
	                  NULL),
	    0);
	memset(&in, 0, sizeof(in));
	in.title = "Kwetsbaarheid in Citrix ADC";
	in.cves = cves;
	in.ncves = 1;
	in.affects = affects;
	in.naffects = 1;
	in.fixed = fixed;
	in.nfixed = 1;
	in.to = to;
	in.nto = 2;
	matrix_init(&in.matrix);
	matrix_from_text("access=internet,credentials=none,interaction=none,default-config=yes,"
	                 "details=somewhat,complexity=average,code-exec=root,exploit=exploit,"
	                 "exploit-expected=yes,exploited=limited",
	                 &in.matrix, NULL);
	assert_int_equal(advisory_new(f->db, &f->act, &in, f->id, sizeof(f->id), NULL), 0);
	assert_int_equal(advisory_publish(f->db, &f->act, f->id, 0, 0, &f->num, &material, NULL),
	                 0);
	assert_int_equal(material, 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	testdb_close(&f->t);
	free(f);
	return 0;
}

static int64_t count(struct fixture *f, const char *sql)
{
	int64_t n = -1;

	assert_int_equal(db_query_int(f->db, sql, NULL, &n, NULL), 0);
	return n;
}

/* Column i of the first row of sql (bound to p1) as text, into out. */
static void text_of(struct fixture *f, const char *sql, const char *p1, int i, char *out,
                    size_t outsz)
{
	struct db_stmt *st;

	out[0] = '\0';
	assert_int_equal(db_prepare(f->db, sql, &st, NULL), 0);
	if (p1)
		db_bind_text(st, 1, p1);
	assert_int_equal(db_step(st, NULL), DB_ROW);
	snprintf(out, outsz, "%s", db_col_is_null(st, i) ? "(null)" : db_col_text(st, i));
	db_done(st);
}

static void test_many_organisations(void **state)
{
	struct fixture *f = *state;
	struct alert_counts n;
	struct db_stmt *st;
	long email = 0, webhook = 0;
	char got[512], want[512];
	int64_t k = 0;

	assert_int_equal(alert_on_publish(f->db, &f->act, f->id, f->num, 1, &n, NULL), 0);
	/* what each agency should get: its own contact, else the ministry's two (one of them
	 * with a webhook); vital-v (addressed) one mail; part-y is addressed, so once; part-z
	 * the CLEAR version as partner */
	for (int i = 0; i < NAG; i++) {
		email += i % 2 == 0 ? 1 : 2;
		webhook += i % 2 == 0 ? i % 10 == 0 : 1;
	}
	assert_int_equal(n.email, email + 3);
	assert_int_equal(n.webhook, webhook);
	assert_int_equal(n.call, NAG); /* high/high: one call task per affected organisation */
	assert_int_equal(n.organisations, NAG + 3);
	assert_int_equal(count(f, "SELECT count(*) FROM alerts"), n.email + n.webhook + n.call);

	/* ids 1..N in order: organisation by organisation, contact by contact (e-mail before
	 * webhook), the call task last; the Message-ID names the id */
	assert_int_equal(db_prepare(f->db,
	                            "SELECT id, org_id, channel, message_id, reason FROM alerts"
	                            " ORDER BY id",
	                            &st, NULL),
	                 0);
	while (db_step(st, NULL) == DB_ROW) {
		char mid[128];
		k++;
		assert_int_equal(db_col_int(st, 0), k);
		snprintf(mid, sizeof(mid), "<baken.%lld.%lld@localhost>", (long long)k,
		         (long long)f->act.at);
		assert_string_equal(db_col_text(st, 3), mid);
		if (k == 1) {
			assert_string_equal(db_col_text(st, 1), "ag-000");
			assert_string_equal(db_col_text(st, 2), "email");
		}
		if (k == 2)
			assert_string_equal(db_col_text(st, 2), "webhook");
		if (k == 3)
			assert_string_equal(db_col_text(st, 2), "call");
	}
	db_done(st);
	/* the last three: part-y and vital-v addressed (part-y once), part-z as partner */
	text_of(f,
	        "SELECT group_concat(org_id || ':' || reason, ' ') FROM (SELECT org_id, reason"
	        " FROM alerts WHERE reason <> 'affected' ORDER BY id)",
	        NULL, 0, got, sizeof(got));
	assert_string_equal(got, "part-y:addressed vital-v:addressed part-z:partner");

	/* ag-001 has no contacts: the ministry's, e-mail and webhook, with their addresses */
	text_of(f,
	        "SELECT group_concat(channel || ':' || address, ' ') FROM (SELECT channel, address"
	        " FROM alerts WHERE org_id = ?1 AND channel <> 'call' ORDER BY id)",
	        "ag-001", 0, got, sizeof(got));
	assert_string_equal(got, "email:ciso@b.example email:soc@b.example"
	                         " webhook:https://b.example/hook");
	/* by day the numbers that are not 24/7 come first */
	text_of(f, "SELECT phones FROM alerts WHERE org_id = ?1 AND channel = 'call'", "ag-001", 0,
	        got, sizeof(got));
	assert_string_equal(got, "[{\"name\":\"CISO B\",\"phone\":\"+31700000001\",\"24x7\":false},"
	                         "{\"name\":\"SOC B\",\"phone\":\"+31700000002\",\"24x7\":true}]");
	/* matched: the organisation's own affected rows, the fixed build left out */
	text_of(f, "SELECT matched FROM alerts WHERE org_id = ?1 AND channel = 'email'", "ag-005",
	        0, got, sizeof(got));
	assert_string_equal(got, "[{\"product\":\"citrix:adc\",\"version\":\"13.0-47.10\","
	                         "\"count\":3,\"internet_facing\":true}]");
	text_of(f, "SELECT matched FROM alerts WHERE org_id = ?1 AND channel = 'call'", "ag-007", 0,
	        got, sizeof(got));
	snprintf(want, sizeof(want), "%s",
	         "[{\"product\":\"citrix:adc\",\"version\":\"13.0-41.20\",\"count\":4,"
	         "\"internet_facing\":true},{\"product\":\"citrix:adc\",\"version\":\"13.0-47.10\","
	         "\"count\":2,\"internet_facing\":true}]");
	assert_string_equal(got, want);
	text_of(f, "SELECT matched FROM alerts WHERE org_id = ?1", "part-z", 0, got, sizeof(got));
	assert_string_equal(got, "[]");
}

static void test_again_adds_nothing_and_leaves_no_gap(void **state)
{
	struct fixture *f = *state;
	struct alert_counts n;
	struct alert_notice nt = {f->id,  f->num,     "ag-001",        "scan", "batch-1",
	                          "scan", "Systemen", "Wij zagen ...", NULL,   1};
	int64_t before;

	assert_int_equal(alert_on_publish(f->db, &f->act, f->id, f->num, 1, &n, NULL), 0);
	before = count(f, "SELECT count(*) FROM alerts");
	/* the same version again (as after a crash between publishing and alerting) */
	assert_int_equal(alert_on_publish(f->db, &f->act, f->id, f->num, 1, &n, NULL), 0);
	assert_int_equal(n.email + n.webhook + n.call + n.organisations, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM alerts"), before);
	/* a notice: the ministry's contacts on both channels and a call; the second time none */
	memset(&n, 0, sizeof(n));
	assert_int_equal(alert_notice(f->db, &f->act, &nt, &n, NULL), 0);
	assert_int_equal(n.email, 2);
	assert_int_equal(n.webhook, 1);
	assert_int_equal(n.call, 1);
	memset(&n, 0, sizeof(n));
	assert_int_equal(alert_notice(f->db, &f->act, &nt, &n, NULL), 0);
	assert_int_equal(n.email + n.webhook + n.call, 0);
	/* nothing refused left a hole in the ids */
	assert_int_equal(count(f, "SELECT max(id) FROM alerts"), before + 4);
	assert_int_equal(count(f, "SELECT count(*) FROM alerts"), before + 4);
	assert_int_equal(count(f, "SELECT count(DISTINCT message_id) FROM alerts"), before + 4);
}

static void test_silent_alerts_partners_only(void **state)
{
	struct fixture *f = *state;
	struct alert_counts n;

	assert_int_equal(alert_on_publish(f->db, &f->act, f->id, f->num, 0, &n, NULL), 0);
	assert_int_equal(n.organisations, 2); /* both partners: the version is CLEAR */
	assert_int_equal(n.email, 2);
	assert_int_equal(count(f, "SELECT count(*) FROM alerts WHERE reason <> 'partner'"), 0);
}

static void test_derived_token(void **state)
{
	struct fixture *f = *state;
	struct alert_counts n;
	char secret[80], mid[128], token[65], legacy[65], hash[65];
	struct db_stmt *st;
	unsigned char h[crypto_hash_sha256_BYTES];
	json_t *o;

	assert_int_equal(alert_on_publish(f->db, &f->act, f->id, f->num, 1, &n, NULL), 0);
	text_of(f, "SELECT value FROM config WHERE key = 'ack.secret'", NULL, 0, secret,
	        sizeof(secret));
	text_of(f, "SELECT message_id FROM alerts WHERE id = 200", NULL, 0, mid, sizeof(mid));
	/* nothing is stored for the token */
	assert_int_equal(count(f, "SELECT count(*) FROM alerts WHERE ack_hash IS NOT NULL"), 0);
	alert_ack_token_of(secret, mid, token);
	assert_int_equal(strlen(token), 64);
	assert_memory_equal(token, "00000000000000c8", 16); /* the id, 200 */
	assert_int_equal(alert_ack_token(f->db, &f->act, token, &o, NULL), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "alert")), 200);
	json_decref(o);
	assert_int_equal(count(f, "SELECT count(*) FROM alerts WHERE state = 'acknowledged'"), 1);

	/* another alert's id with this MAC, a changed MAC, upper case, a short one: unknown */
	token[15] = '9';
	assert_int_equal(alert_ack_token(f->db, &f->act, token, &o, NULL), ERR_NOTFOUND);
	token[15] = '8';
	token[63] = token[63] == '0' ? '1' : '0';
	assert_int_equal(alert_ack_token(f->db, &f->act, token, &o, NULL), ERR_NOTFOUND);
	alert_ack_token_of(secret, mid, token);
	token[20] = (char)(token[20] >= 'a' ? token[20] - 32 : token[20]);
	token[21] = 'F';
	assert_int_equal(alert_ack_token(f->db, &f->act, token, &o, NULL), ERR_NOTFOUND);
	assert_int_equal(alert_ack_token(f->db, &f->act, "00000000000000c8", &o, NULL),
	                 ERR_NOTFOUND);
	/* another secret makes another token */
	alert_ack_token_of("another", mid, legacy);
	assert_int_equal(alert_ack_token(f->db, &f->act, legacy, &o, NULL), ERR_NOTFOUND);

	/* a link mailed before the tokens were derived: its hash was stored, and still works */
	snprintf(legacy, sizeof(legacy), "%s",
	         "7f3c0a1e9b2d4c5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b");
	crypto_hash_sha256(h, (const unsigned char *)legacy, 64);
	sodium_bin2hex(hash, sizeof(hash), h, sizeof(h));
	assert_int_equal(
	    db_prepare(f->db, "UPDATE alerts SET ack_hash = ?1 WHERE id = 7", &st, NULL), 0);
	db_bind_text(st, 1, hash);
	assert_int_equal(db_step(st, NULL), DB_DONE);
	db_done(st);
	assert_int_equal(alert_ack_token(f->db, &f->act, legacy, &o, NULL), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "alert")), 7);
	json_decref(o);
	/* a Message-ID that is not ours gets the whole MAC */
	alert_ack_token_of(secret, "<a@b>", token);
	assert_int_equal(strlen(token), 64);
	assert_int_not_equal(memcmp(token, "0000000000000000", 16), 0);
}

/* Schema 8 rebuilds the alerts table: every index the migrations before it made on alerts
 * must exist after it as it was, but for the unique ones on message_id and ack_hash. */
static void test_schema8_keeps_the_indexes(void **state)
{
	struct fixture *f = *state;
	sqlite3 *m;
	sqlite3_stmt *q;
	struct db_stmt *st;
	char *err = NULL;
	int seen = 0;

	assert_int_equal(sqlite3_open(":memory:", &m), SQLITE_OK);
	for (size_t i = 0; i < sizeof(migrations) / sizeof(migrations[0]); i++)
		if (migrations[i].version < 8 &&
		    sqlite3_exec(m, migrations[i].sql, NULL, NULL, &err) != SQLITE_OK)
			fail_msg("migration %s: %s", migrations[i].name, err ? err : "?");
	assert_int_equal(
	    sqlite3_prepare_v2(m,
	                       "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
	                       " AND tbl_name = 'alerts' AND sql IS NOT NULL",
	                       -1, &q, NULL),
	    SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 0);
		const char *sql = (const char *)sqlite3_column_text(q, 1);
		assert_int_equal(db_prepare(f->db,
		                            "SELECT sql FROM sqlite_master WHERE type = 'index'"
		                            " AND tbl_name = 'alerts' AND name = ?1",
		                            &st, NULL),
		                 0);
		db_bind_text(st, 1, name);
		if (db_step(st, NULL) != DB_ROW || strcmp(db_col_text(st, 0), sql) != 0)
			fail_msg("index %s on alerts is not as before schema 8: make it again in "
			         "0008_alert_keys.sql as it is made before (%s)",
			         name, sql);
		db_done(st);
		seen++;
	}
	sqlite3_finalize(q);
	sqlite3_close(m);
	assert_true(seen >= 3); /* alerts_due, alerts_org and the outbox's */
	/* of the unique constraints only the key is left; old hashes through a partial index */
	assert_int_equal(count(f, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
	                          " AND tbl_name = 'alerts' AND name LIKE 'sqlite_autoindex%'"),
	                 1);
	assert_int_equal(count(f,
	                       "SELECT count(*) FROM sqlite_master WHERE name = 'alerts_ack_hash'"
	                       " AND sql LIKE '%WHERE ack_hash IS NOT NULL%'"),
	                 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_many_organisations, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_again_adds_nothing_and_leaves_no_gap, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_silent_alerts_partners_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_derived_token, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_schema8_keeps_the_indexes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
