/* db.h: the store, behind a small backend-neutral interface.
 *
 * Every SQL statement in Baken goes through here, written in portable SQL with ?N parameters
 * (numbered from 1). The SQLite backend is the default; a "postgres://" URI selects PostgreSQL
 * where it is built in. One command or request runs in one transaction: db_begin/db_commit, and
 * db_rollback on any error, so a refused command leaves the store as it was.
 */
#ifndef BAKEN_DB_H
#define BAKEN_DB_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

struct db;
struct db_stmt;

enum {
	DB_ROW = 1,
	DB_DONE = 0
};

/* Opens the store at path (a file name, or a postgres:// URI). When create is 0 and the
 * store does not exist, fails with ERR_NOTFOUND and a message saying to run `baken init`.
 * Migrations that are not yet applied run before it returns. */
int db_open(const char *path, int create, struct db **out, struct err *e);
void db_close(struct db *db);
/* The backend's name: "sqlite" or "postgres". */
const char *db_backend(const struct db *db);

/* Transactions. db_begin takes the write lock at once (BEGIN IMMEDIATE on SQLite), so two
 * processes never interleave the work of two commands. */
int db_begin(struct db *db, struct err *e);
int db_commit(struct db *db, struct err *e);
void db_rollback(struct db *db);

/* Runs statements without results (may hold several separated by ';'). */
int db_exec(struct db *db, const char *sql, struct err *e);

/* Prepares one statement; the handle is cached per db by its SQL text and must be given back
 * with db_done (which resets it). */
int db_prepare(struct db *db, const char *sql, struct db_stmt **out, struct err *e);
void db_done(struct db_stmt *st);

void db_bind_text(struct db_stmt *st, int i, const char *s); /* NULL binds NULL */
void db_bind_int(struct db_stmt *st, int i, int64_t v);
void db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n);
void db_bind_null(struct db_stmt *st, int i);
/* The text and blob bound to st from now until db_done are borrowed, not copied: the caller
 * keeps them unchanged until then. For bulk writes, where copying every value is a fifth of
 * the insert's time on SQLite; the PostgreSQL backend copies anyway. */
void db_bind_borrow(struct db_stmt *st);

/* DB_ROW, DB_DONE, or a negative error (ERR_CONFLICT for a unique or foreign key violation). */
int db_step(struct db_stmt *st, struct err *e);

/* Columns of the current row, numbered from 0. Text is borrowed until the next step;
 * NULL text reads as NULL. */
const char *db_col_text(struct db_stmt *st, int i);
int64_t db_col_int(struct db_stmt *st, int i);
const void *db_col_blob(struct db_stmt *st, int i, size_t *n);
int db_col_is_null(struct db_stmt *st, int i);

/* Rows changed by the last INSERT/UPDATE/DELETE on this connection. */
int64_t db_changes(struct db *db);

/* Runs a one-row query with up to one text parameter and returns its first column as an
 * integer (0 when there is no row). For counts and existence checks. */
int db_query_int(struct db *db, const char *sql, const char *param, int64_t *out, struct err *e);

/* A consistent copy of the whole store into a new SQLite file, while others use it. */
int db_backup(struct db *db, const char *dest, struct err *e);

/* The backend interface a store implements. */
struct db_ops {
	const char *name;
	void (*close)(struct db *db);
	int (*exec)(struct db *db, const char *sql, struct err *e);
	int (*prepare)(struct db *db, const char *sql, struct db_stmt **out, struct err *e);
	void (*done)(struct db_stmt *st);
	void (*bind_text)(struct db_stmt *st, int i, const char *s);
	void (*bind_int)(struct db_stmt *st, int i, int64_t v);
	void (*bind_blob)(struct db_stmt *st, int i, const void *p, size_t n);
	void (*bind_null)(struct db_stmt *st, int i);
	void (*bind_borrow)(struct db_stmt *st); /* NULL: binds are always copied */
	int (*step)(struct db_stmt *st, struct err *e);
	const char *(*col_text)(struct db_stmt *st, int i);
	int64_t (*col_int)(struct db_stmt *st, int i);
	const void *(*col_blob)(struct db_stmt *st, int i, size_t *n);
	int (*col_is_null)(struct db_stmt *st, int i);
	int64_t (*changes)(struct db *db);
	int (*begin)(struct db *db, struct err *e);
	int (*backup)(struct db *db, const char *dest, struct err *e);
};

struct db {
	const struct db_ops *ops;
	int in_tx;
};

/* Backends. */
int db_sqlite_open(const char *path, int create, struct db **out, struct err *e);
/* PostgreSQL (db_pg.c): uri is a postgres:// or postgresql:// URI as libpq takes it. Without
 * create, a database without Baken's schema is ERR_NOTFOUND; with create, one that holds
 * events already is ERR_CONFLICT (init and demo never write over a store). */
int db_pg_open(const char *uri, int create, struct db **out, struct err *e);
/* Applies the embedded migrations that are missing, each in its own transaction. */
int migrate_apply(struct db *db, struct err *e);

#endif
