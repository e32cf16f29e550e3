/* migrate.c: versioned migrations, embedded at build time from src/db/schema/NNNN_*.sql and
 * applied in order on open, each in its own transaction. */
#include "db/db.h"

#include "core/timeutil.h"
#include "db/pg_dialect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct migration {
	int version;
	const char *name;
	const char *sql;
};

static const struct migration migrations[] = {
#include "schema.inc"
};

/* Whether migration version is in schema_migrations. */
static int migrate_applied(struct db *db, int version, int64_t *applied, struct err *e)
{
	struct db_stmt *st;
	int rc =
	    db_prepare(db, "SELECT count(*) FROM schema_migrations WHERE version = ?1", &st, e);

	*applied = 0;
	if (rc != 0)
		return rc;
	db_bind_int(st, 1, version);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*applied = db_col_int(st, 0);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int migrate_apply(struct db *db, struct err *e)
{
	int64_t have = 0;
	char now[32];
	int pg = strcmp(db_backend(db), "postgres") == 0, rc;

	/* on PostgreSQL under the write lock: two processes may open a new store at once */
	if (pg && (rc = db_begin(db, e)) != 0)
		return rc;
	rc = db_exec(db,
	             "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
	             " name TEXT NOT NULL, applied_at TEXT NOT NULL)",
	             e);
	if (pg)
		rc = rc == 0 ? db_commit(db, e) : (db_rollback(db), rc);
	if (rc != 0)
		return rc;
	rc = db_query_int(db, "SELECT coalesce(max(version), 0) FROM schema_migrations", NULL,
	                  &have, e);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < sizeof(migrations) / sizeof(migrations[0]); i++) {
		const struct migration *m = &migrations[i];
		struct db_stmt *st;
		char *sql = NULL;
		int64_t applied = 0;

		/* by membership, not by the highest number: a migration is never skipped */
		if ((rc = migrate_applied(db, m->version, &applied, e)) != 0)
			return rc;
		if (applied)
			continue;
		if ((rc = db_begin(db, e)) != 0)
			return rc;
		/* again under the write lock: another process may have applied it meanwhile */
		if ((rc = migrate_applied(db, m->version, &applied, e)) != 0 || applied) {
			db_rollback(db);
			if (rc != 0)
				return rc;
			continue;
		}
		/* the files are SQLite's dialect; PostgreSQL gets them translated */
		if (strcmp(db_backend(db), "postgres") == 0)
			rc = pg_dialect_migration(m->sql, &sql, e);
		if (rc == 0)
			rc = db_exec(db, sql ? sql : m->sql, e);
		free(sql);
		if (rc == 0)
			rc = db_prepare(db, "INSERT INTO schema_migrations VALUES (?1, ?2, ?3)",
			                &st, e);
		if (rc == 0) {
			time_format(time_now(), now, sizeof(now));
			db_bind_int(st, 1, m->version);
			db_bind_text(st, 2, m->name);
			db_bind_text(st, 3, now);
			rc = db_step(st, e);
			db_done(st);
		}
		if (rc < 0) {
			db_rollback(db);
			return err_wrap(e, "migration %s: ", m->name);
		}
		if ((rc = db_commit(db, e)) != 0)
			return rc;
	}
	if (have > migrations[sizeof(migrations) / sizeof(migrations[0]) - 1].version)
		return err_set(e, ERR_DB,
		               "the database has schema version %lld, newer than this baken knows;"
		               " use a newer baken",
		               (long long)have);
	return 0;
}
