/* db.c: dispatch to the backend, and the helpers every backend shares. */
#include "db/db.h"

#include <string.h>

int db_open(const char *path, int create, struct db **out, struct err *e)
{
	int rc;

	if (strncmp(path, "postgres://", 11) == 0 || strncmp(path, "postgresql://", 13) == 0)
		rc = db_pg_open(path, create, out, e);
	else
		rc = db_sqlite_open(path, create, out, e);
	if (rc != 0)
		return rc;
	rc = migrate_apply(*out, e);
	if (rc != 0) {
		db_close(*out);
		*out = NULL;
	}
	return rc;
}

void db_close(struct db *db)
{
	if (db)
		db->ops->close(db);
}

const char *db_backend(const struct db *db)
{
	return db->ops->name;
}

int db_begin(struct db *db, struct err *e)
{
	int rc = db->ops->begin(db, e);

	if (rc == 0)
		db->in_tx = 1;
	return rc;
}

int db_commit(struct db *db, struct err *e)
{
	int rc = db->ops->exec(db, "COMMIT", e);

	if (rc == 0)
		db->in_tx = 0;
	return rc;
}

void db_rollback(struct db *db)
{
	if (db->in_tx)
		db->ops->exec(db, "ROLLBACK", NULL);
	db->in_tx = 0;
}

int db_exec(struct db *db, const char *sql, struct err *e)
{
	return db->ops->exec(db, sql, e);
}

int db_prepare(struct db *db, const char *sql, struct db_stmt **out, struct err *e)
{
	return db->ops->prepare(db, sql, out, e);
}

/* The statement handles start with a pointer to their db, so these can find the ops. */
struct db_stmt_head {
	struct db *db;
};
#define OPS(st) (((struct db_stmt_head *)(void *)(st))->db->ops)

void db_done(struct db_stmt *st)
{
	if (st)
		OPS(st)->done(st);
}
void db_bind_text(struct db_stmt *st, int i, const char *s)
{
	OPS(st)->bind_text(st, i, s);
}
void db_bind_int(struct db_stmt *st, int i, int64_t v)
{
	OPS(st)->bind_int(st, i, v);
}
void db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	OPS(st)->bind_blob(st, i, p, n);
}
void db_bind_borrow(struct db_stmt *st)
{
	if (OPS(st)->bind_borrow)
		OPS(st)->bind_borrow(st);
}
void db_bind_null(struct db_stmt *st, int i)
{
	OPS(st)->bind_null(st, i);
}
int db_step(struct db_stmt *st, struct err *e)
{
	return OPS(st)->step(st, e);
}
const char *db_col_text(struct db_stmt *st, int i)
{
	return OPS(st)->col_text(st, i);
}
int64_t db_col_int(struct db_stmt *st, int i)
{
	return OPS(st)->col_int(st, i);
}
const void *db_col_blob(struct db_stmt *st, int i, size_t *n)
{
	return OPS(st)->col_blob(st, i, n);
}
int db_col_is_null(struct db_stmt *st, int i)
{
	return OPS(st)->col_is_null(st, i);
}
int64_t db_changes(struct db *db)
{
	return db->ops->changes(db);
}

int db_backup(struct db *db, const char *dest, struct err *e)
{
	return db->ops->backup(db, dest, e);
}

int db_query_int(struct db *db, const char *sql, const char *param, int64_t *out, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, sql, &st, e);

	if (rc != 0)
		return rc;
	if (param)
		db_bind_text(st, 1, param);
	rc = db_step(st, e);
	*out = rc == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return rc < 0 ? rc : 0;
}
