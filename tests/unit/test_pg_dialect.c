/* test_pg_dialect.c: the SQLite -> PostgreSQL translation of every real migration in
 * src/db/schema/, of each pattern one by one, and the refusal of what it does not know. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/err.h"
#include "db/pg_dialect.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *translate_ok(const char *sql)
{
	struct err e = {0};
	char *out = NULL;

	if (pg_dialect_migration(sql, &out, &e) != 0)
		fail_msg("translating failed: %s\n--- input:\n%s", e.msg, sql);
	return out;
}

static void translate_bad(const char *sql, const char *why)
{
	struct err e = {0};
	char *out = NULL;

	if (pg_dialect_migration(sql, &out, &e) == 0)
		fail_msg("accepted, want refused (%s):\n%s\n--- gave:\n%s", why, sql, out);
	if (strstr(e.msg, why) == NULL)
		fail_msg("the refusal of\n%s\nsays \"%s\", want it to mention \"%s\"", sql, e.msg,
		         why);
	assert_null(out);
}

static void has(const char *out, const char *want)
{
	if (strstr(out, want) == NULL)
		fail_msg("\"%s\" missing in:\n%s", want, out);
}

static void hasnt(const char *out, const char *word)
{
	if (strstr(out, word) != NULL)
		fail_msg("\"%s\" must not appear in:\n%s", word, out);
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	if (fread(s, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	s[n] = '\0';
	fclose(f);
	return s;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every real migration translates; no SQLite type is left, every trigger becomes a function
 * and a trigger, and every rowid alias an identity column. */
static void test_real_migrations(void **state)
{
	const char *dir = getenv("BAKEN_SCHEMA_DIR") ? getenv("BAKEN_SCHEMA_DIR") : "src/db/schema";
	struct dirent **names;
	int n = scandir(dir, &names, NULL, by_name), files = 0;

	(void)state;
	if (n < 0)
		fail_msg("cannot read %s (run from the project's root, or set BAKEN_SCHEMA_DIR)",
		         dir);
	for (int i = 0; i < n; i++) {
		char path[4096];
		char *sql, *out;
		size_t len = strlen(names[i]->d_name);

		if (len < 5 || strcmp(names[i]->d_name + len - 4, ".sql") != 0) {
			free(names[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		free(names[i]);
		sql = slurp(path);
		assert_non_null(sql);
		out = translate_ok(sql);
		files++;
		hasnt(out, " INTEGER");
		hasnt(out, " BLOB");
		hasnt(out, "RAISE(");
		hasnt(out, "WITHOUT ROWID");
		assert_int_equal(count(out, "CREATE TRIGGER ") +
		                     count(out, "CREATE OR REPLACE TRIGGER "),
		                 count(sql, "CREATE TRIGGER ") + count(sql, "INTEGER PRIMARY KEY"));
		assert_int_equal(count(out, "_rowid_fn() RETURNS trigger"),
		                 count(sql, "INTEGER PRIMARY KEY"));
		assert_int_equal(count(out, "RETURNS trigger"),
		                 count(sql, "CREATE TRIGGER ") + count(sql, "INTEGER PRIMARY KEY"));
		assert_int_equal(count(out, "CREATE TABLE "), count(sql, "CREATE TABLE "));
		assert_int_equal(count(out, "CREATE INDEX ") + count(out, "CREATE UNIQUE INDEX "),
		                 count(sql, "CREATE INDEX ") + count(sql, "CREATE UNIQUE INDEX "));
		free(out);
		free(sql);
	}
	free(names);
	if (files < 2)
		fail_msg("found %d migrations in %s, want every one", files, dir);
}

static void test_types(void **state)
{
	char *out = translate_ok("CREATE TABLE t (\n"
	                         "  id INTEGER PRIMARY KEY,\n"
	                         "  n INTEGER NOT NULL DEFAULT 0 CHECK (n >= 0), -- a count\n"
	                         "  b BLOB NOT NULL, r REAL, x TEXT UNIQUE, big BIGINT,\n"
	                         "  o TEXT REFERENCES orgs(id) DEFERRABLE INITIALLY DEFERRED,\n"
	                         "  UNIQUE (n, x), FOREIGN KEY (x) REFERENCES u(x)\n"
	                         ") WITHOUT ROWID;\n");
	(void)state;
	/* the rowid alias: max + 1 when no id is given, as SQLite numbers */
	has(out, "id BIGINT PRIMARY KEY");
	has(out, "NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM t);");
	has(out,
	    "CREATE OR REPLACE TRIGGER t_rowid BEFORE INSERT ON t FOR EACH ROW WHEN (NEW.id IS "
	    "NULL) EXECUTE FUNCTION t_rowid_fn()");
	has(out, "n BIGINT NOT NULL DEFAULT 0 CHECK (n >= 0)");
	has(out, "b BYTEA NOT NULL");
	has(out, "r DOUBLE PRECISION");
	has(out, "big BIGINT");
	has(out, "DEFERRABLE INITIALLY DEFERRED");
	has(out, "UNIQUE (n, x)");
	has(out, "FOREIGN KEY (x) REFERENCES u(x)");
	hasnt(out, "ROWID");
	hasnt(out, "a count");
	free(out);

	/* INT PRIMARY KEY is no rowid alias in SQLite: a plain key here too */
	out = translate_ok("CREATE TABLE t (k INT PRIMARY KEY, a INTEGER, PRIMARY KEY (a))");
	has(out, "k BIGINT PRIMARY KEY");
	hasnt(out, "rowid");
	free(out);
	out = translate_ok("CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT)");
	has(out, "id BIGINT NOT NULL PRIMARY KEY");
	has(out, "t_rowid_fn()");
	hasnt(out, "AUTOINCREMENT");
	free(out);
	out = translate_ok("ALTER TABLE contacts ADD COLUMN webhook_url TEXT;\n"
	                   "ALTER TABLE x ADD n INTEGER NOT NULL DEFAULT 0");
	has(out, "ALTER TABLE contacts ADD COLUMN webhook_url TEXT;");
	has(out, "ALTER TABLE x ADD COLUMN n BIGINT NOT NULL DEFAULT 0;");
	free(out);
}

static void test_indexes_and_expressions(void **state)
{
	char *out = translate_ok(
	    "CREATE UNIQUE INDEX one ON v(a) WHERE published_at IS NULL;\n"
	    "CREATE INDEX two ON t(a, b);\n"
	    "CREATE TABLE c (a TEXT, b TEXT, CHECK ((a IS NULL) <> (b IS NULL)), CHECK (a == b),"
	    " CHECK (a IS NOT b), CHECK (ifnull(a, '') IS b));\n"
	    "UPDATE t SET x = 'it''s; fine' WHERE y = 1;\n");
	(void)state;
	has(out, "CREATE UNIQUE INDEX one ON v(a) WHERE published_at IS NULL;");
	has(out, "CREATE INDEX two ON t(a, b);");
	has(out, "CHECK ((a IS NULL) <> (b IS NULL))");
	has(out, "CHECK (a = b)");
	has(out, "CHECK (a IS DISTINCT FROM b)");
	has(out, "CHECK (coalesce(a, '') IS NOT DISTINCT FROM b)");
	has(out, "'it''s; fine'");
	free(out);
}

static void test_triggers(void **state)
{
	char *out = translate_ok(
	    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events\n"
	    "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;\n"
	    "CREATE TRIGGER frozen BEFORE INSERT ON advisory_cves\n"
	    "WHEN (SELECT published_at FROM advisory_versions\n"
	    "      WHERE advisory_id = NEW.advisory_id AND num = NEW.num) IS NOT NULL\n"
	    "BEGIN SELECT RAISE(ABORT, 'a published advisory version never changes'); END;\n"
	    "CREATE TRIGGER kept BEFORE DELETE ON v FOR EACH ROW WHEN OLD.p IS NOT NULL\n"
	    "BEGIN SELECT RAISE(FAIL, 'kept') WHERE OLD.q = 1; END;\n"
	    "CREATE TRIGGER touch AFTER UPDATE OF a, b ON t BEGIN\n"
	    "  UPDATE t SET n = CASE WHEN NEW.a = 1 THEN 1 ELSE 2 END WHERE id = NEW.id;\n"
	    "  SELECT RAISE(IGNORE);\n"
	    "END;\n");
	(void)state;
	has(out,
	    "CREATE OR REPLACE FUNCTION events_no_update_fn() RETURNS trigger LANGUAGE plpgsql");
	has(out, "RAISE EXCEPTION USING ERRCODE = '23000', MESSAGE = 'the event log is "
	         "append-only';");
	has(out, "CREATE TRIGGER events_no_update BEFORE UPDATE ON events FOR EACH ROW EXECUTE "
	         "FUNCTION events_no_update_fn();");
	/* the condition moves into the function, where a subquery may stand */
	has(out, "IF NOT ((SELECT published_at FROM advisory_versions WHERE advisory_id = "
	         "NEW.advisory_id AND num = NEW.num) IS NOT NULL) THEN RETURN NEW; END IF;");
	has(out, "CREATE TRIGGER frozen BEFORE INSERT ON advisory_cves FOR EACH ROW");
	has(out, "IF NOT (OLD.p IS NOT NULL) THEN RETURN OLD; END IF;");
	has(out, "IF (OLD.q = 1) THEN RAISE EXCEPTION USING ERRCODE = '23000', MESSAGE = "
	         "'kept'; END IF;");
	has(out, "RETURN OLD;\nEND");
	has(out, "UPDATE t SET n = CASE WHEN NEW.a = 1 THEN 1 ELSE 2 END WHERE id = NEW.id;");
	has(out, "RETURN NULL;");
	has(out, "CREATE TRIGGER touch AFTER UPDATE OF a, b ON t FOR EACH ROW");
	hasnt(out, "WHEN (SELECT");
	free(out);

	out = translate_ok("DROP TRIGGER IF EXISTS events_no_update;");
	has(out, "DROP TRIGGER %I ON %s");
	has(out, "DROP FUNCTION IF EXISTS events_no_update_fn()");
	hasnt(out, "no such trigger");
	free(out);
	out = translate_ok("DROP TRIGGER events_no_update");
	has(out, "no such trigger: events_no_update");
	free(out);
}

static void test_refused(void **state)
{
	(void)state;
	translate_bad("PRAGMA foreign_keys = ON;", "a statement other than");
	translate_bad("CREATE VIRTUAL TABLE f USING fts5(a);", "another kind");
	translate_bad("CREATE TABLE t (a);", "without a type");
	translate_bad("CREATE TABLE t (a BOOLEAN);", "type other than");
	translate_bad("CREATE TABLE t (a VARCHAR(10));", "type other than");
	translate_bad("CREATE TABLE t (a TEXT COLLATE NOCASE);", "collation");
	translate_bad("CREATE TABLE t (a TEXT COLLATE BINARY);", "collation");
	translate_bad("CREATE TABLE t (a TEXT DEFAULT (strftime('%s', 'now')));", "function");
	translate_bad("CREATE TABLE t (a INTEGER UNIQUE ON CONFLICT REPLACE);", "ON CONFLICT");
	translate_bad("CREATE TABLE t (a TEXT) STRICT, WITHOUT ROWID, OTHER;", "table option");
	translate_bad("CREATE TABLE t AS SELECT 1;", "column list");
	translate_bad("CREATE TEMP TABLE t (a TEXT);", "temporary");
	translate_bad("INSERT OR IGNORE INTO t VALUES (1);", "INSERT OR");
	translate_bad("REPLACE INTO t VALUES (1);", "a statement other than");
	translate_bad("CREATE INDEX i ON t(a) WHERE a GLOB 'x*';", "SQLite-only word");
	translate_bad("CREATE INDEX i ON t(rowid);", "SQLite-only word");
	translate_bad("CREATE TRIGGER x INSTEAD OF INSERT ON v BEGIN SELECT 1; END;", "INSTEAD");
	translate_bad("CREATE TRIGGER x BEFORE INSERT ON t BEGIN SELECT 1; END;",
	              "trigger statement other than");
	translate_bad("CREATE TRIGGER x BEFORE INSERT ON t BEGIN SELECT RAISE(PANIC, 'm'); END;",
	              "unknown kind");
	translate_bad("CREATE TRIGGER x BEFORE INSERT ON t BEGIN SELECT RAISE(ABORT); END;",
	              "without a message");
	translate_bad("BEGIN; CREATE TABLE t (a TEXT); COMMIT;", "a statement other than");
	translate_bad("CREATE TABLE t (a TEXT CHECK (a = ?1));", "parameter");
	translate_bad("CREATE TABLE t (a TEXT DEFAULT 'x)", "quote that never ends");
	translate_bad("CREATE TABLE \"t t\" (id INTEGER PRIMARY KEY);", "plain word");
	translate_bad("ALTER TABLE t ADD COLUMN id INTEGER PRIMARY KEY;", "added to a table");
	translate_bad("CREATE TABLE t (a TEXT DEFAULT '$baken_trigger$');", "$baken");
}

static void params_ok(const char *sql, const char *want, int want_n)
{
	struct err e = {0};
	char *out = NULL;
	int n = -1;

	if (pg_dialect_params(sql, &out, &n, &e) != 0)
		fail_msg("pg_dialect_params(%s): %s", sql, e.msg);
	if (strcmp(out, want) != 0 || n != want_n)
		fail_msg("pg_dialect_params(%s) = %s (%d), want %s (%d)", sql, out, n, want,
		         want_n);
	free(out);
}

static void test_params(void **state)
{
	struct err e = {0};
	char *out = NULL;
	int n;

	(void)state;
	params_ok("SELECT a FROM t WHERE b = ?1 AND c = ?12",
	          "SELECT a FROM t WHERE b = $1 AND c = $12", 12);
	params_ok("UPDATE t SET a = ?2 WHERE a = '?1' AND \"?3\" = ?2 -- ?4\n",
	          "UPDATE t SET a = $2 WHERE a = '?1' AND \"?3\" = $2 -- ?4\n", 2);
	params_ok("SELECT ?, ?, x::text FROM t WHERE y = 'it''s ?'",
	          "SELECT $1, $2, x::text FROM t WHERE y = 'it''s ?'", 2);
	params_ok("SELECT 1", "SELECT 1", 0);
	/* SQLite's conflict clauses that mean what a plain INSERT does */
	params_ok("INSERT OR FAIL INTO t (a) VALUES (?1)", "INSERT INTO t (a) VALUES ($1)", 1);
	params_ok("insert  or abort into t VALUES (?1)", "INSERT into t VALUES ($1)", 1);
	params_ok("SELECT 'INSERT OR FAIL', reinsert or fail",
	          "SELECT 'INSERT OR FAIL', reinsert or fail", 0);
	assert_int_not_equal(pg_dialect_params("INSERT OR IGNORE INTO t VALUES (1)", &out, &n, &e),
	                     0);
	assert_non_null(strstr(e.msg, "ON CONFLICT"));
	assert_int_not_equal(pg_dialect_params("INSERT OR REPLACE INTO t VALUES (1)", &out, &n, &e),
	                     0);
	assert_int_not_equal(pg_dialect_params("SELECT :name", &out, &n, &e), 0);
	assert_int_not_equal(pg_dialect_params("SELECT ?0", &out, &n, &e), 0);
	assert_int_not_equal(pg_dialect_params("SELECT ?70000", &out, &n, &e), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_migrations),
	    cmocka_unit_test(test_types),
	    cmocka_unit_test(test_indexes_and_expressions),
	    cmocka_unit_test(test_triggers),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
