/* copy.c: one whole store into another (see copy.h). Tables go in the order the target's
 * migrations created them, which is an order in which every foreign key finds its row; rows go
 * in batches of multi-row INSERTs. The catalog queries are the only backend-specific SQL. */
#include "db/copy.h"

#include "core/buf.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum {
	COL_TEXT,
	COL_INT,
	COL_BLOB
};

struct col {
	char *name;
	int kind;
	int identity; /* PostgreSQL: an identity column, whose sequence follows the copy */
};

struct cell {
	int null;
	char *p;
	size_t n;
	int64_t i;
};

#define COPY_BATCH_ROWS   200
#define COPY_BATCH_PARAMS 30000

static int is_pg(const struct db *db)
{
	return strcmp(db_backend(db), "postgres") == 0;
}

/* "name" quoted as an SQL identifier. */
static void quote_name(struct buf *b, const char *name)
{
	buf_addc(b, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			buf_addc(b, '"');
		buf_addc(b, *p);
	}
	buf_addc(b, '"');
}

/* The tables of db in the order they were created, without the backend's own. */
static int list_tables(struct db *db, char ***out, size_t *n, struct err *e)
{
	struct db_stmt *st;
	int rc =
	    db_prepare(db,
	               is_pg(db) ? "SELECT c.relname FROM pg_class c JOIN pg_namespace s"
	                           " ON s.oid = c.relnamespace WHERE s.nspname ="
	                           " current_schema() AND c.relkind IN ('r', 'p')"
	                           " ORDER BY c.oid"
	                         : "SELECT name FROM sqlite_master WHERE type = 'table'"
	                           " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
	               &st, e);

	*out = NULL;
	*n = 0;
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof(char *));
		(*out)[(*n)++] = xstrdup(db_col_text(st, 0));
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int list_columns(struct db *db, const char *table, struct col **out, size_t *n,
                        struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db,
	                    is_pg(db) ? "SELECT column_name, upper(data_type), is_identity"
	                                " FROM information_schema.columns WHERE table_schema ="
	                                " current_schema() AND table_name = ?1"
	                                " ORDER BY ordinal_position"
	                              : "SELECT name, upper(type), 'NO' FROM pragma_table_info(?1)"
	                                " ORDER BY cid",
	                    &st, e);

	*out = NULL;
	*n = 0;
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, table);
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *type = db_col_text(st, 1) ? db_col_text(st, 1) : "";
		struct col *c;

		*out = xreallocarray(*out, *n + 1, sizeof(struct col));
		c = &(*out)[(*n)++];
		c->name = xstrdup(db_col_text(st, 0));
		c->kind = strstr(type, "BLOB") || strstr(type, "BYTEA") ? COL_BLOB
		          : strstr(type, "INT")                         ? COL_INT
		                                                        : COL_TEXT;
		c->identity = db_col_text(st, 2) && strcmp(db_col_text(st, 2), "YES") == 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static void free_columns(struct col *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].name);
	free(c);
}

static int count_rows(struct db *db, const char *table, int64_t *n, struct err *e)
{
	struct buf b;
	int rc;

	buf_init(&b, 4096);
	buf_adds(&b, "SELECT count(*) FROM ");
	quote_name(&b, table);
	rc = db_query_int(db, buf_str(&b), NULL, n, e);
	buf_free(&b);
	return rc;
}

/* The SQLite target's triggers, set aside for the copy: names and their CREATE text. */
struct saved_triggers {
	char **name, **sql;
	size_t n;
};

static int triggers_off(struct db *to, const char *const *tables, size_t ntables,
                        struct saved_triggers *saved, struct err *e)
{
	struct db_stmt *st;
	struct buf b;
	int rc = 0;

	memset(saved, 0, sizeof(*saved));
	buf_init(&b, 1 << 16);
	if (is_pg(to)) {
		for (size_t i = 0; i < ntables && rc == 0; i++) {
			buf_reset(&b);
			buf_adds(&b, "ALTER TABLE ");
			quote_name(&b, tables[i]);
			buf_adds(&b, " DISABLE TRIGGER USER");
			rc = db_exec(to, buf_str(&b), e);
		}
		if (rc == 0)
			rc = db_exec(to, "SET CONSTRAINTS ALL DEFERRED", e);
		buf_free(&b);
		return rc;
	}
	rc = db_prepare(to, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'", &st, e);
	if (rc != 0) {
		buf_free(&b);
		return rc;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		saved->name = xreallocarray(saved->name, saved->n + 1, sizeof(char *));
		saved->sql = xreallocarray(saved->sql, saved->n + 1, sizeof(char *));
		saved->name[saved->n] = xstrdup(db_col_text(st, 0));
		saved->sql[saved->n++] = xstrdup(db_col_text(st, 1));
	}
	db_done(st);
	rc = rc < 0 ? rc : db_exec(to, "PRAGMA defer_foreign_keys = ON", e);
	for (size_t i = 0; i < saved->n && rc == 0; i++) {
		buf_reset(&b);
		buf_adds(&b, "DROP TRIGGER ");
		quote_name(&b, saved->name[i]);
		rc = db_exec(to, buf_str(&b), e);
	}
	buf_free(&b);
	return rc;
}

static int triggers_on(struct db *to, const char *const *tables, size_t ntables,
                       struct saved_triggers *saved, struct err *e)
{
	struct buf b;
	int rc = 0;

	buf_init(&b, 1 << 16);
	/* the deferred foreign keys are checked now: ALTER TABLE waits for no pending check */
	if (is_pg(to))
		rc = db_exec(to, "SET CONSTRAINTS ALL IMMEDIATE", e);
	for (size_t i = 0; is_pg(to) && i < ntables && rc == 0; i++) {
		buf_reset(&b);
		buf_adds(&b, "ALTER TABLE ");
		quote_name(&b, tables[i]);
		buf_adds(&b, " ENABLE TRIGGER USER");
		rc = db_exec(to, buf_str(&b), e);
	}
	for (size_t i = 0; i < saved->n && rc == 0; i++)
		rc = db_exec(to, saved->sql[i], e);
	buf_free(&b);
	return rc;
}

static void saved_free(struct saved_triggers *saved)
{
	for (size_t i = 0; i < saved->n; i++) {
		free(saved->name[i]);
		free(saved->sql[i]);
	}
	free(saved->name);
	free(saved->sql);
}

/* INSERT INTO table (cols) VALUES (...), ... for rows rows. */
static int insert_batch(struct db *to, const char *table, const struct col *cols, size_t ncols,
                        struct cell *cells, size_t rows, struct err *e)
{
	struct db_stmt *st;
	struct buf b;
	int rc, p = 1;

	buf_init(&b, 1 << 20);
	buf_adds(&b, "INSERT INTO ");
	quote_name(&b, table);
	buf_adds(&b, " (");
	for (size_t c = 0; c < ncols; c++) {
		if (c)
			buf_adds(&b, ", ");
		quote_name(&b, cols[c].name);
	}
	buf_adds(&b, ") VALUES ");
	for (size_t r = 0; r < rows; r++) {
		buf_adds(&b, r ? ", (" : "(");
		for (size_t c = 0; c < ncols; c++)
			buf_printf(&b, "%s?%d", c ? ", " : "", p++);
		buf_addc(&b, ')');
	}
	rc = db_prepare(to, buf_str(&b), &st, e);
	buf_free(&b);
	if (rc != 0)
		return rc;
	p = 1;
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < ncols; c++, p++) {
			struct cell *x = &cells[r * ncols + c];
			if (x->null)
				db_bind_null(st, p);
			else if (cols[c].kind == COL_INT)
				db_bind_int(st, p, x->i);
			else if (cols[c].kind == COL_BLOB)
				db_bind_blob(st, p, x->p ? x->p : "", x->n);
			else
				db_bind_text(st, p, x->p);
		}
	}
	rc = db_step(st, e);
	db_done(st);
	return rc < 0 ? err_wrap(e, "copying into %s: ", table) : 0;
}

static int copy_table(struct db *from, struct db *to, const char *table, int64_t *copied,
                      struct err *e)
{
	struct col *cols = NULL;
	size_t ncols = 0, batch, rows = 0;
	struct cell *cells = NULL;
	struct db_stmt *st = NULL;
	struct buf b;
	int rc;

	*copied = 0;
	if ((rc = list_columns(to, table, &cols, &ncols, e)) != 0)
		return rc;
	if (ncols == 0) {
		free_columns(cols, ncols);
		return 0;
	}
	batch = COPY_BATCH_PARAMS / ncols;
	if (batch > COPY_BATCH_ROWS)
		batch = COPY_BATCH_ROWS;
	if (batch == 0)
		batch = 1;
	cells = xcalloc(batch * ncols, sizeof(*cells));
	buf_init(&b, 1 << 20);
	buf_adds(&b, "SELECT ");
	for (size_t c = 0; c < ncols; c++) {
		if (c)
			buf_adds(&b, ", ");
		quote_name(&b, cols[c].name);
	}
	buf_adds(&b, " FROM ");
	quote_name(&b, table);
	rc = db_prepare(from, buf_str(&b), &st, e);
	buf_free(&b);
	if (rc != 0) {
		err_wrap(e, "the source has no table %s like the target's: ", table);
		goto out;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		for (size_t c = 0; c < ncols; c++) {
			struct cell *x = &cells[rows * ncols + c];
			x->null = db_col_is_null(st, (int)c);
			if (x->null)
				continue;
			if (cols[c].kind == COL_INT) {
				x->i = db_col_int(st, (int)c);
			} else {
				const void *p = db_col_blob(st, (int)c, &x->n);
				x->p = xcalloc(x->n + 1, 1);
				if (x->n)
					memcpy(x->p, p, x->n);
			}
		}
		if (++rows == batch) {
			rc = insert_batch(to, table, cols, ncols, cells, rows, e);
			for (size_t k = 0; k < rows * ncols; k++)
				free(cells[k].p);
			memset(cells, 0, batch * ncols * sizeof(*cells));
			*copied += (int64_t)rows;
			rows = 0;
			if (rc != 0)
				goto out;
		}
	}
	if (rc < 0)
		goto out;
	rc = rows ? insert_batch(to, table, cols, ncols, cells, rows, e) : 0;
	*copied += (int64_t)rows;
out:
	if (st)
		db_done(st);
	for (size_t k = 0; cells && k < batch * ncols; k++)
		free(cells[k].p);
	free(cells);
	free_columns(cols, ncols);
	return rc < 0 ? rc : 0;
}

/* PostgreSQL: every identity sequence past the highest id copied. */
static int reset_sequences(struct db *to, const char *table, struct err *e)
{
	struct col *cols = NULL;
	size_t ncols = 0;
	int rc = list_columns(to, table, &cols, &ncols, e);

	for (size_t c = 0; rc == 0 && c < ncols; c++) {
		struct db_stmt *st;
		struct buf b;
		int64_t max = 0;

		if (!cols[c].identity)
			continue;
		buf_init(&b, 4096);
		buf_adds(&b, "SELECT coalesce(max(");
		quote_name(&b, cols[c].name);
		buf_adds(&b, "), 0) FROM ");
		quote_name(&b, table);
		rc = db_query_int(to, buf_str(&b), NULL, &max, e);
		buf_free(&b);
		if (rc != 0 || max <= 0)
			continue;
		rc = db_prepare(to, "SELECT setval(pg_get_serial_sequence(?1, ?2)::regclass, ?3)",
		                &st, e);
		if (rc != 0)
			break;
		db_bind_text(st, 1, table);
		db_bind_text(st, 2, cols[c].name);
		db_bind_int(st, 3, max);
		rc = db_step(st, e);
		db_done(st);
		rc = rc < 0 ? rc : 0;
	}
	free_columns(cols, ncols);
	return rc;
}

static int same_schema(struct db *from, struct db *to, struct err *e)
{
	int64_t a = 0, b = 0, ca = 0, cb = 0;
	int rc;

	if ((rc = db_query_int(from, "SELECT coalesce(max(version), 0) FROM schema_migrations",
	                       NULL, &a, e)) != 0 ||
	    (rc = db_query_int(to, "SELECT coalesce(max(version), 0) FROM schema_migrations", NULL,
	                       &b, e)) != 0 ||
	    (rc = db_query_int(from, "SELECT count(*) FROM schema_migrations", NULL, &ca, e)) !=
	        0 ||
	    (rc = db_query_int(to, "SELECT count(*) FROM schema_migrations", NULL, &cb, e)) != 0)
		return rc;
	if (a != b || ca != cb)
		return err_set(
		    e, ERR_CONFLICT,
		    "the source has schema version %lld (%lld migrations), the target %lld"
		    " (%lld): open both with the same baken",
		    (long long)a, (long long)ca, (long long)b, (long long)cb);
	return 0;
}

int db_copy(struct db *from, struct db *to, struct db_copy_report *rep,
            void (*progress)(void *ctx, const char *table, int64_t rows), void *ctx, struct err *e)
{
	struct saved_triggers saved = {0};
	struct db_copy_report r = {0};
	char **tables = NULL;
	size_t ntables = 0;
	int rc, snapshot = 0, tx = 0;

	if (rep)
		memset(rep, 0, sizeof(*rep));
	if ((rc = same_schema(from, to, e)) != 0)
		return rc;
	if ((rc = list_tables(to, &tables, &ntables, e)) != 0)
		goto out;
	/* schema_migrations is the target's own: its migrations made it */
	for (size_t i = 0; i < ntables; i++) {
		if (strcmp(tables[i], "schema_migrations") == 0) {
			free(tables[i]);
			memmove(&tables[i], &tables[i + 1], (ntables - i - 1) * sizeof(char *));
			ntables--;
			break;
		}
	}
	for (size_t i = 0; i < ntables; i++) {
		int64_t n = 0;
		if ((rc = count_rows(to, tables[i], &n, e)) != 0)
			goto out;
		if (n != 0) {
			rc = err_set(
			    e, ERR_CONFLICT,
			    "the target holds data already (%lld rows in %s); copy only into"
			    " an empty database",
			    (long long)n, tables[i]);
			goto out;
		}
	}
	/* one snapshot of the source (REPEATABLE READ on PostgreSQL, a read transaction on
	 * SQLite), without its write lock: the source goes on working */
	if ((rc = db_exec(from, "BEGIN", e)) != 0)
		goto out;
	snapshot = 1;
	if ((rc = db_begin(to, e)) != 0)
		goto out;
	tx = 1;
	if ((rc = triggers_off(to, (const char *const *)tables, ntables, &saved, e)) != 0)
		goto out;
	r.tables = xcalloc(ntables + 1, sizeof(*r.tables));
	for (size_t i = 0; i < ntables; i++) {
		int64_t copied = 0, in_from = 0, in_to = 0;

		rc = copy_table(from, to, tables[i], &copied, e);
		if (rc == 0)
			rc = count_rows(from, tables[i], &in_from, e);
		if (rc == 0)
			rc = count_rows(to, tables[i], &in_to, e);
		if (rc != 0)
			goto out;
		if (in_from != in_to || in_to != copied) {
			rc = err_set(
			    e, ERR_DB,
			    "table %s: %lld rows in the source, %lld copied, %lld in the target;"
			    " nothing was committed",
			    tables[i], (long long)in_from, (long long)copied, (long long)in_to);
			goto out;
		}
		r.tables[r.n].name = xstrdup(tables[i]);
		r.tables[r.n++].rows = copied;
		r.rows += copied;
		if (is_pg(to) && (rc = reset_sequences(to, tables[i], e)) != 0)
			goto out;
		if (progress)
			progress(ctx, tables[i], copied);
	}
	if ((rc = triggers_on(to, (const char *const *)tables, ntables, &saved, e)) != 0)
		goto out;
	rc = db_commit(to, e);
	tx = 0;
out:
	if (tx)
		db_rollback(to);
	if (snapshot)
		db_exec(from, "COMMIT", NULL);
	saved_free(&saved);
	free_names(tables, ntables);
	if (rc == 0 && rep)
		*rep = r;
	else
		db_copy_report_free(&r);
	return rc;
}

void db_copy_report_free(struct db_copy_report *rep)
{
	for (size_t i = 0; i < rep->n; i++)
		free(rep->tables[i].name);
	free(rep->tables);
	memset(rep, 0, sizeof(*rep));
}

int db_copy_to_sqlite(struct db *from, const char *dest, struct err *e)
{
	char tmp[4096];
	struct db *to = NULL;
	int rc;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", dest) >= sizeof(tmp))
		return err_set(e, ERR_INPUT, "%s: path too long", dest);
	unlink(tmp);
	rc = db_sqlite_open(tmp, 1, &to, e);
	if (rc == 0)
		rc = migrate_apply(to, e);
	if (rc == 0)
		rc = db_copy(from, to, NULL, NULL, NULL, e);
	if (to)
		db_close(to);
	if (rc == 0 && rename(tmp, dest) != 0)
		rc = err_set(e, ERR_IO, "%s: cannot rename the copy into place", dest);
	if (rc != 0) {
		char side[4200];
		unlink(tmp);
		snprintf(side, sizeof(side), "%s-wal", tmp);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", tmp);
		unlink(side);
	}
	return rc;
}
