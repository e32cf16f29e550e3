/* db_sqlite.c: the SQLite backend. WAL, foreign keys on, a busy timeout, full sync on
 * commit (a kill -9 or power loss loses no committed command), cached prepared statements. */
#include "db/db.h"

#include "core/xalloc.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct db_stmt {
	struct db *db; /* first: db.c finds the ops through it */
	sqlite3_stmt *s;
	char *sql;
	int cached;
	int busy;
	int borrow; /* db_bind_borrow: text and blobs bound SQLITE_STATIC until done */
	struct db_stmt *next;
};

struct sqlite_db {
	struct db base; /* first */
	sqlite3 *h;
	char *path;
	struct db_stmt *cache;
};

#define SDB(db) ((struct sqlite_db *)(void *)(db))

static int sqlite_fail(struct sqlite_db *d, int src, struct err *e)
{
	int ext = sqlite3_extended_errcode(d->h);

	if ((src & 0xff) == SQLITE_CONSTRAINT)
		return err_set(e, ERR_CONFLICT, "%s", sqlite3_errmsg(d->h));
	if ((src & 0xff) == SQLITE_BUSY || (src & 0xff) == SQLITE_LOCKED)
		return err_set(e, ERR_DB, "the database %s is busy (another process holds it)",
		               d->path);
	if ((src & 0xff) == SQLITE_FULL)
		return err_set(e, ERR_IO, "%s: the disk is full; nothing was changed", d->path);
	return err_set(e, ERR_DB, "%s: %s (sqlite %d)", d->path, sqlite3_errmsg(d->h), ext);
}

static void sqlite_close(struct db *db)
{
	struct sqlite_db *d = SDB(db);
	struct db_stmt *st, *next;

	for (st = d->cache; st; st = next) {
		next = st->next;
		sqlite3_finalize(st->s);
		free(st->sql);
		free(st);
	}
	sqlite3_close(d->h);
	free(d->path);
	free(d);
}

static int sqlite_exec(struct db *db, const char *sql, struct err *e)
{
	int rc = sqlite3_exec(SDB(db)->h, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : sqlite_fail(SDB(db), rc, e);
}

static int sqlite_begin(struct db *db, struct err *e)
{
	return sqlite_exec(db, "BEGIN IMMEDIATE", e);
}

static int sqlite_prepare(struct db *db, const char *sql, struct db_stmt **out, struct err *e)
{
	struct sqlite_db *d = SDB(db);
	struct db_stmt *st;
	int rc;

	for (st = d->cache; st; st = st->next) {
		if (!st->busy && (st->sql == sql || strcmp(st->sql, sql) == 0)) {
			st->busy = 1;
			*out = st;
			return 0;
		}
	}
	st = xcalloc(1, sizeof(*st));
	rc = sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->s, NULL);
	if (rc != SQLITE_OK) {
		free(st);
		rc = sqlite_fail(d, rc, e);
		return err_wrap(e, "preparing SQL: ");
	}
	st->db = db;
	st->sql = xstrdup(sql);
	st->cached = 1;
	st->busy = 1;
	st->next = d->cache;
	d->cache = st;
	*out = st;
	return 0;
}

static void sqlite_done(struct db_stmt *st)
{
	sqlite3_reset(st->s);
	sqlite3_clear_bindings(st->s);
	st->busy = 0;
	st->borrow = 0;
}

static void sqlite_bind_text(struct db_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st->s, i, s, -1, st->borrow ? SQLITE_STATIC : SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st->s, i);
}

static void sqlite_bind_int(struct db_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(st->s, i, v);
}

static void sqlite_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	sqlite3_bind_blob(st->s, i, p, (int)n, st->borrow ? SQLITE_STATIC : SQLITE_TRANSIENT);
}

static void sqlite_bind_borrow(struct db_stmt *st)
{
	st->borrow = 1;
}

static void sqlite_bind_null(struct db_stmt *st, int i)
{
	sqlite3_bind_null(st->s, i);
}

static int sqlite_step(struct db_stmt *st, struct err *e)
{
	int rc = sqlite3_step(st->s);

	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return sqlite_fail(SDB(st->db), rc, e);
}

static const char *sqlite_col_text(struct db_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st->s, i);
}

static int64_t sqlite_col_int(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(st->s, i);
}

static const void *sqlite_col_blob(struct db_stmt *st, int i, size_t *n)
{
	const void *p = sqlite3_column_blob(st->s, i);

	*n = (size_t)sqlite3_column_bytes(st->s, i);
	return p;
}

static int sqlite_col_is_null(struct db_stmt *st, int i)
{
	return sqlite3_column_type(st->s, i) == SQLITE_NULL;
}

static int64_t sqlite_changes(struct db *db)
{
	return sqlite3_changes64(SDB(db)->h);
}

/* Copies into dest.tmp with the online backup API, then renames, so a reader of dest never
 * sees half a copy. */
static int sqlite_backup(struct db *db, const char *dest, struct err *e)
{
	struct sqlite_db *d = SDB(db);
	char tmp[4096];
	sqlite3 *out = NULL;
	sqlite3_backup *bk;
	int rc;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", dest) >= sizeof(tmp))
		return err_set(e, ERR_INPUT, "%s: path too long", dest);
	unlink(tmp);
	rc = sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		rc = err_set(e, ERR_IO, "%s: cannot create: %s", dest, sqlite3_errmsg(out));
		goto out;
	}
	bk = sqlite3_backup_init(out, "main", d->h, "main");
	if (bk == NULL) {
		rc = err_set(e, ERR_IO, "%s: %s", dest, sqlite3_errmsg(out));
		goto out;
	}
	do {
		rc = sqlite3_backup_step(bk, 1024);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(bk);
	if (rc != SQLITE_DONE) {
		rc = err_set(e, ERR_IO, "%s: backup failed: %s", dest, sqlite3_errmsg(out));
		goto out;
	}
	sqlite3_close(out);
	out = NULL;
	if (rename(tmp, dest) != 0) {
		rc = err_set(e, ERR_IO, "%s: cannot rename the copy into place", dest);
		goto out;
	}
	rc = 0;
out:
	if (out)
		sqlite3_close(out);
	if (rc != 0)
		unlink(tmp);
	return rc;
}

static const struct db_ops sqlite_ops = {
    .name = "sqlite",
    .close = sqlite_close,
    .exec = sqlite_exec,
    .prepare = sqlite_prepare,
    .done = sqlite_done,
    .bind_text = sqlite_bind_text,
    .bind_int = sqlite_bind_int,
    .bind_blob = sqlite_bind_blob,
    .bind_null = sqlite_bind_null,
    .bind_borrow = sqlite_bind_borrow,
    .step = sqlite_step,
    .col_text = sqlite_col_text,
    .col_int = sqlite_col_int,
    .col_blob = sqlite_col_blob,
    .col_is_null = sqlite_col_is_null,
    .changes = sqlite_changes,
    .begin = sqlite_begin,
    .backup = sqlite_backup,
};

int db_sqlite_open(const char *path, int create, struct db **out, struct err *e)
{
	struct sqlite_db *d;
	struct stat sb;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, rc;

	/* no statistics of SQLite's own allocations: each would take a global mutex; the
	 * first open configures it (later calls are refused, harmlessly) */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (!create && stat(path, &sb) != 0)
		return err_set(e, ERR_NOTFOUND,
		               "no database at %s: run `baken init` (or give --db PATH)", path);
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	d = xcalloc(1, sizeof(*d));
	d->base.ops = &sqlite_ops;
	d->path = xstrdup(path);
	rc = sqlite3_open_v2(path, &d->h, flags, NULL);
	if (rc != SQLITE_OK) {
		err_set(e, ERR_IO, "cannot open the database %s: %s", path,
		        d->h ? sqlite3_errmsg(d->h) : "out of memory");
		sqlite_close(&d->base);
		return ERR_IO;
	}
	sqlite3_busy_timeout(d->h, 10000);
	sqlite3_extended_result_codes(d->h, 1);
	/* page_size takes effect only on a new database (an existing one keeps its own): 16 KiB
	 * pages write a scan's million systems and its file with a quarter of the page
	 * headers, frames and system calls of 4 KiB ones (docs/performance.md) */
	rc = sqlite_exec(&d->base,
	                 "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	                 " PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
	                 " PRAGMA cache_size=-65536;",
	                 e);
	if (rc != 0) {
		err_wrap(e, "%s is not a Baken database: ", path);
		sqlite_close(&d->base);
		return rc;
	}
	*out = &d->base;
	return 0;
}
