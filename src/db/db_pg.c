/* db_pg.c: the PostgreSQL backend (libpq), behind the same struct db_ops as SQLite.
 *
 * Statements keep their portable text; ?N becomes $N (pg_dialect_params) and each statement
 * is prepared once per connection, when it is first run and the kinds of its parameters are
 * known. Parameters go typed (text 25, int8 20, bytea 17 in binary) so that `$1 IS NULL`
 * works; where PostgreSQL then refuses the types (an integer column compared with a text
 * parameter, say), the statement is prepared again with the text and integer parameters
 * untyped, so the server takes their types from where they stand. Results come as text;
 * bytea is unescaped, booleans read as 1 and 0, as SQLite would give them.
 *
 * Transactions: db_begin is BEGIN (read committed) plus a transaction-scoped advisory lock,
 * the store's one write lock. It is what BEGIN IMMEDIATE is on SQLite: two commands never
 * interleave, on any number of machines, so the event chain, advisory numbers and every
 * counter read-then-written inside db_begin are handed out once. Reads outside db_begin take
 * no lock; a plain "BEGIN" from db_exec (a page's snapshot) is REPEATABLE READ. */
#include "db/db.h"

#include "core/buf.h"
#include "core/xalloc.h"
#include "db/copy.h"
#include "db/pg_dialect.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The key of the store's write lock (pg_advisory_xact_lock): "BAKEN" in ASCII. */
#define PG_WRITE_LOCK "284563293518"
/* How long db_begin waits for the write lock: as SQLite's busy timeout, a little longer
 * because several machines may queue for it. */
#define PG_LOCK_TIMEOUT "30s"

enum {
	PB_NULL = 0,
	PB_TEXT,
	PB_INT,
	PB_BLOB
};

/* One server-side prepared statement: the kinds of parameters it was prepared for. */
struct pg_variant {
	char name[24];
	char *sig; /* one letter per parameter: n t i b */
	struct pg_variant *next;
};

struct db_stmt {
	struct db *db; /* first: db.c finds the ops through it */
	char *sql;     /* as given: the cache key */
	char *pgsql;   /* with $N */
	int nparams;
	int *kind;
	char **val;
	int *len;
	int busy;
	struct pg_variant *variants;
	PGresult *res;
	int row, nrows, ncols;
	unsigned char **blob; /* per column, the unescaped bytea of the current row */
	size_t *bloblen;
	struct db_stmt *next;
};

struct pg_db {
	struct db base; /* first */
	PGconn *c;
	char *where; /* the URI without its password, for messages */
	struct db_stmt *cache;
	int64_t changes;
	unsigned long nprepared;
	int tx; /* a transaction is open: a lost connection then fails it, never resets */
};

#define PDB(db) ((struct pg_db *)(void *)(db))

/* The URI with the password left out. */
static char *pg_redact(const char *uri)
{
	const char *scheme = strstr(uri, "://"), *at, *colon, *slash;
	struct buf b;

	if (scheme == NULL)
		return xstrdup(uri);
	at = strchr(scheme + 3, '@');
	colon = strchr(scheme + 3, ':');
	slash = strchr(scheme + 3, '/');
	/* user:password@host: the colon before the @, and no / before it */
	if (at == NULL || colon == NULL || colon > at || (slash && slash < at))
		return xstrdup(uri);
	buf_init(&b, 8192);
	buf_add(&b, uri, (size_t)(colon - uri));
	buf_adds(&b, at);
	return buf_take(&b);
}

/* The first line of libpq's message, without the "ERROR:  " prefix. */
static void pg_message(const char *m, char *out, size_t outsz)
{
	size_t n;

	if (m == NULL)
		m = "";
	if (strncmp(m, "ERROR:  ", 8) == 0)
		m += 8;
	n = strcspn(m, "\n");
	snprintf(out, outsz, "%.*s", (int)n, m);
}

/* Maps a failed result (or a broken connection when res is NULL) to an error. */
static int pg_fail(struct pg_db *d, const PGresult *res, struct err *e)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char msg[512];

	pg_message(primary ? primary : PQerrorMessage(d->c), msg, sizeof(msg));
	if (PQstatus(d->c) != CONNECTION_OK)
		return err_set(e, ERR_IO, "the connection to PostgreSQL at %s is lost: %s",
		               d->where, msg);
	if (state == NULL)
		return err_set(e, ERR_DB, "%s: %s", d->where, msg);
	if (strncmp(state, "23", 2) == 0)
		return err_set(e, ERR_CONFLICT, "%s", msg);
	if (strcmp(state, "55P03") == 0 || strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0 || strcmp(state, "57014") == 0)
		return err_set(e, ERR_DB, "the database %s is busy (another process holds it): %s",
		               d->where, msg);
	if (strcmp(state, "53100") == 0)
		return err_set(e, ERR_IO, "%s: the disk is full; nothing was changed", d->where);
	return err_set(e, ERR_DB, "%s: %s (postgres %s)", d->where, msg, state);
}

static void pg_stmt_row_free(struct db_stmt *st)
{
	for (int i = 0; i < st->ncols && st->blob; i++) {
		free(st->blob[i]);
		st->blob[i] = NULL;
	}
}

static void pg_stmt_reset(struct db_stmt *st)
{
	pg_stmt_row_free(st);
	free(st->blob);
	free(st->bloblen);
	st->blob = NULL;
	st->bloblen = NULL;
	if (st->res)
		PQclear(st->res);
	st->res = NULL;
	st->row = -1;
	st->nrows = st->ncols = 0;
	for (int i = 0; i < st->nparams; i++) {
		free(st->val[i]);
		st->val[i] = NULL;
		st->kind[i] = PB_NULL;
		st->len[i] = 0;
	}
}

static void pg_stmt_free(struct db_stmt *st)
{
	struct pg_variant *v, *next;

	pg_stmt_reset(st);
	for (v = st->variants; v; v = next) {
		next = v->next;
		free(v->sig);
		free(v);
	}
	free(st->kind);
	free(st->val);
	free(st->len);
	free(st->sql);
	free(st->pgsql);
	free(st);
}

static void pg_close(struct db *db)
{
	struct pg_db *d = PDB(db);
	struct db_stmt *st, *next;

	for (st = d->cache; st; st = next) {
		next = st->next;
		pg_stmt_free(st);
	}
	if (d->c)
		PQfinish(d->c);
	free(d->where);
	free(d);
}

static int pg_run(struct pg_db *d, const char *sql, struct err *e);

/* The settings every connection gets. */
static int pg_session(struct pg_db *d, struct err *e)
{
	return pg_run(d,
	              "SET client_min_messages = warning; SET lock_timeout = '" PG_LOCK_TIMEOUT "';"
	              " SET standard_conforming_strings = on; SET bytea_output = 'hex';"
	              " SET TIME ZONE 'UTC'",
	              e);
}

/* A connection that was lost (a server restarted, a failover) is made again, between
 * transactions only: inside one, the transaction is lost with it and the command fails. The
 * prepared statements went with the old session. */
static int pg_ready(struct pg_db *d, struct err *e)
{
	char msg[512];

	if (PQstatus(d->c) == CONNECTION_OK)
		return 0;
	if (d->tx)
		return err_set(
		    e, ERR_IO,
		    "the connection to PostgreSQL at %s was lost in a transaction; none of"
		    " it was committed",
		    d->where);
	PQreset(d->c);
	if (PQstatus(d->c) != CONNECTION_OK) {
		pg_message(PQerrorMessage(d->c), msg, sizeof(msg));
		return err_set(e, ERR_IO, "cannot reach PostgreSQL at %s: %s", d->where, msg);
	}
	for (struct db_stmt *st = d->cache; st; st = st->next) {
		struct pg_variant *v, *next;
		for (v = st->variants; v; v = next) {
			next = v->next;
			free(v->sig);
			free(v);
		}
		st->variants = NULL;
	}
	return pg_session(d, e);
}

/* Runs sql (one or more statements); 0 or an error. */
static int pg_run(struct pg_db *d, const char *sql, struct err *e)
{
	PGresult *res = PQexec(d->c, sql);
	ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	int rc = 0;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		rc = pg_fail(d, res, e);
	PQclear(res);
	return rc;
}

static int pg_exec(struct db *db, const char *sql, struct err *e)
{
	struct pg_db *d = PDB(db);
	PGresult *res;
	int rc = 0;

	if (strcasecmp(sql, "ROLLBACK") == 0) {
		d->tx = 0;
		return PQstatus(d->c) == CONNECTION_OK ? pg_run(d, sql, e) : 0;
	}
	if ((rc = pg_ready(d, e)) != 0) {
		d->tx = 0;
		return rc;
	}
	/* a deferred BEGIN on SQLite reads one snapshot: so does REPEATABLE READ here */
	if (strcasecmp(sql, "BEGIN") == 0 || strcasecmp(sql, "BEGIN DEFERRED") == 0) {
		rc = pg_run(d, "BEGIN ISOLATION LEVEL REPEATABLE READ", e);
		d->tx = rc == 0;
		return rc;
	}
	if (strcasecmp(sql, "COMMIT") != 0)
		return pg_run(d, sql, e);
	d->tx = 0;
	/* COMMIT of a transaction that failed earlier rolls back without an error: say so */
	res = PQexec(d->c, "COMMIT");
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_fail(d, res, e);
	else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
		rc = err_set(e, ERR_DB,
		             "%s: the transaction failed earlier and was rolled back; nothing was"
		             " changed",
		             d->where);
	PQclear(res);
	return rc;
}

static int pg_begin(struct db *db, struct err *e)
{
	struct pg_db *d = PDB(db);
	int rc = pg_ready(d, e);

	if (rc != 0)
		return rc;
	rc = pg_run(d,
	            "BEGIN ISOLATION LEVEL READ COMMITTED;"
	            " SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK ")",
	            e);
	if (rc != 0 && PQtransactionStatus(d->c) != PQTRANS_IDLE)
		pg_run(d, "ROLLBACK", NULL);
	d->tx = rc == 0;
	return rc;
}

static int pg_prepare(struct db *db, const char *sql, struct db_stmt **out, struct err *e)
{
	struct pg_db *d = PDB(db);
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
	rc = pg_dialect_params(sql, &st->pgsql, &st->nparams, e);
	if (rc != 0) {
		free(st);
		return err_wrap(e, "preparing SQL: ");
	}
	st->db = db;
	st->sql = xstrdup(sql);
	st->kind = xcalloc((size_t)st->nparams + 1, sizeof(int));
	st->val = xcalloc((size_t)st->nparams + 1, sizeof(char *));
	st->len = xcalloc((size_t)st->nparams + 1, sizeof(int));
	st->row = -1;
	st->busy = 1;
	st->next = d->cache;
	d->cache = st;
	*out = st;
	return 0;
}

static void pg_done(struct db_stmt *st)
{
	pg_stmt_reset(st);
	st->busy = 0;
}

static void pg_bind(struct db_stmt *st, int i, int kind, char *val, int len)
{
	if (i < 1 || i > st->nparams) {
		free(val);
		return;
	}
	free(st->val[i - 1]);
	st->kind[i - 1] = kind;
	st->val[i - 1] = val;
	st->len[i - 1] = len;
}

static void pg_bind_text(struct db_stmt *st, int i, const char *s)
{
	if (s)
		pg_bind(st, i, PB_TEXT, xstrdup(s), 0);
	else
		pg_bind(st, i, PB_NULL, NULL, 0);
}

static void pg_bind_int(struct db_stmt *st, int i, int64_t v)
{
	char text[24];

	snprintf(text, sizeof(text), "%lld", (long long)v);
	pg_bind(st, i, PB_INT, xstrdup(text), 0);
}

static void pg_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	char *copy = xcalloc(n + 1, 1);

	if (n)
		memcpy(copy, p, n);
	pg_bind(st, i, PB_BLOB, copy, (int)n);
}

static void pg_bind_null(struct db_stmt *st, int i)
{
	pg_bind(st, i, PB_NULL, NULL, 0);
}

static char kind_letter(int kind)
{
	return "ntib"[kind];
}

/* Whether a variant prepared for sig takes the parameters bound now. */
static int variant_fits(const struct db_stmt *st, const char *sig)
{
	for (int i = 0; i < st->nparams; i++) {
		char have = kind_letter(st->kind[i]), was = sig[i];
		if (have == 'n' || have == was || (was == 'n' && have != 'b'))
			continue;
		return 0;
	}
	return 1;
}

/* SQLSTATEs of a prepare that another choice of parameter types may cure. */
static int pg_type_trouble(const PGresult *res)
{
	static const char *const states[] = {"42883", "42804", "42725", "42P18", "42P08", NULL};
	const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	for (size_t i = 0; s && states[i]; i++)
		if (strcmp(s, states[i]) == 0)
			return 1;
	return 0;
}

/* Prepares the statement for the parameters bound now: typed first, then with text and
 * integers left to the server, then with NULLs as text. Inside a transaction each try is
 * under a savepoint, since a failed prepare would abort the transaction. */
static int pg_prepare_variant(struct db_stmt *st, struct pg_variant **out, struct err *e)
{
	static const Oid types[4][4] = {
	    /* NULL, text, int, blob */
	    {0, 25, 20, 17},
	    {0, 0, 0, 17},
	    {25, 25, 20, 17},
	    {25, 0, 0, 17},
	};
	struct pg_db *d = PDB(st->db);
	struct pg_variant *v;
	Oid *oids = xcalloc((size_t)st->nparams + 1, sizeof(Oid));
	PGresult *res = NULL;
	int in_tx = PQtransactionStatus(d->c) != PQTRANS_IDLE, rc = 0;

	v = xcalloc(1, sizeof(*v));
	v->sig = xcalloc((size_t)st->nparams + 1, 1);
	for (int i = 0; i < st->nparams; i++)
		v->sig[i] = kind_letter(st->kind[i]);
	snprintf(v->name, sizeof(v->name), "b%lu", ++d->nprepared);
	for (int s = 0; s < 4; s++) {
		for (int i = 0; i < st->nparams; i++)
			oids[i] = types[s][st->kind[i]];
		if (s > 0 && memcmp(types[s], types[s - 1], sizeof(types[s])) == 0)
			continue;
		if (in_tx && (rc = pg_run(d, "SAVEPOINT baken_prepare", e)) != 0)
			break;
		PQclear(res);
		res = PQprepare(d->c, v->name, st->pgsql, st->nparams, oids);
		if (res && PQresultStatus(res) == PGRES_COMMAND_OK) {
			/* an earlier try's failure is cured by this one */
			rc = in_tx ? pg_run(d, "RELEASE SAVEPOINT baken_prepare", e) : 0;
			break;
		}
		rc = -1;
		if (in_tx && PQstatus(d->c) == CONNECTION_OK &&
		    pg_run(d,
		           "ROLLBACK TO SAVEPOINT baken_prepare; RELEASE SAVEPOINT baken_prepare",
		           NULL) != 0)
			break;
		if (!pg_type_trouble(res))
			break;
	}
	if (rc == -1) {
		char stmt[160];
		rc = pg_fail(d, res, e);
		snprintf(stmt, sizeof(stmt), "%s", st->sql);
		err_wrap(e, "preparing SQL (%s...): ", stmt);
	}
	PQclear(res);
	free(oids);
	if (rc != 0) {
		free(v->sig);
		free(v);
		return rc;
	}
	v->next = st->variants;
	st->variants = v;
	*out = v;
	return 0;
}

static int pg_step(struct db_stmt *st, struct err *e)
{
	struct pg_db *d = PDB(st->db);

	if (st->row < 0) {
		struct pg_variant *v;
		int *fmt = xcalloc((size_t)st->nparams + 1, sizeof(int));
		ExecStatusType s;
		int rc;

		if ((rc = pg_ready(d, e)) != 0) {
			free(fmt);
			return rc;
		}
		for (v = st->variants; v; v = v->next)
			if (variant_fits(st, v->sig))
				break;
		if (v == NULL && (rc = pg_prepare_variant(st, &v, e)) != 0) {
			free(fmt);
			return rc;
		}
		for (int i = 0; i < st->nparams; i++)
			fmt[i] = st->kind[i] == PB_BLOB;
		st->res = PQexecPrepared(d->c, v->name, st->nparams, (const char *const *)st->val,
		                         st->len, fmt, 0);
		free(fmt);
		s = st->res ? PQresultStatus(st->res) : PGRES_FATAL_ERROR;
		if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
			rc = pg_fail(d, st->res, e);
			PQclear(st->res);
			st->res = NULL;
			return rc;
		}
		{
			const char *cmd = PQcmdStatus(st->res);
			if (strncmp(cmd, "INSERT", 6) == 0 || strncmp(cmd, "UPDATE", 6) == 0 ||
			    strncmp(cmd, "DELETE", 6) == 0 || strncmp(cmd, "MERGE", 5) == 0)
				d->changes = strtoll(PQcmdTuples(st->res), NULL, 10);
		}
		st->nrows = PQntuples(st->res);
		st->ncols = PQnfields(st->res);
		st->blob = xcalloc((size_t)st->ncols + 1, sizeof(*st->blob));
		st->bloblen = xcalloc((size_t)st->ncols + 1, sizeof(*st->bloblen));
	} else {
		pg_stmt_row_free(st);
	}
	st->row++;
	return st->row < st->nrows ? DB_ROW : DB_DONE;
}

static int pg_col_ok(const struct db_stmt *st, int i)
{
	return st->res && st->row >= 0 && st->row < st->nrows && i >= 0 && i < st->ncols;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The bytes of a bytea column of the current row (hex output), kept until the next step. */
static const unsigned char *pg_bytea(struct db_stmt *st, int i, size_t *n)
{
	const char *v = PQgetvalue(st->res, st->row, i);
	size_t len = (size_t)PQgetlength(st->res, st->row, i), k = 0;
	unsigned char *out;

	if (st->blob[i]) {
		*n = st->bloblen[i];
		return st->blob[i];
	}
	if (len >= 2 && v[0] == '\\' && v[1] == 'x') {
		out = xcalloc((len - 2) / 2 + 1, 1);
		for (size_t j = 2; j + 1 < len; j += 2) {
			int hi = hexval(v[j]), lo = hexval(v[j + 1]);
			if (hi < 0 || lo < 0)
				break;
			out[k++] = (unsigned char)(hi << 4 | lo);
		}
	} else {
		size_t m = 0;
		unsigned char *u = PQunescapeBytea((const unsigned char *)v, &m);
		out = xcalloc(m + 1, 1);
		if (u && m)
			memcpy(out, u, m);
		PQfreemem(u);
		k = m;
	}
	st->blob[i] = out;
	st->bloblen[i] = k;
	*n = k;
	return out;
}

#define OID_BOOL  16
#define OID_BYTEA 17

static const char *pg_col_text(struct db_stmt *st, int i)
{
	size_t n;

	if (!pg_col_ok(st, i) || PQgetisnull(st->res, st->row, i))
		return NULL;
	switch (PQftype(st->res, i)) {
	case OID_BOOL:
		return PQgetvalue(st->res, st->row, i)[0] == 't' ? "1" : "0";
	case OID_BYTEA:
		return (const char *)pg_bytea(st, i, &n);
	default:
		return PQgetvalue(st->res, st->row, i);
	}
}

static int64_t pg_col_int(struct db_stmt *st, int i)
{
	const char *v;

	if (!pg_col_ok(st, i) || PQgetisnull(st->res, st->row, i))
		return 0;
	v = PQgetvalue(st->res, st->row, i);
	if (PQftype(st->res, i) == OID_BOOL)
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

static const void *pg_col_blob(struct db_stmt *st, int i, size_t *n)
{
	*n = 0;
	if (!pg_col_ok(st, i) || PQgetisnull(st->res, st->row, i))
		return NULL;
	if (PQftype(st->res, i) == OID_BYTEA)
		return pg_bytea(st, i, n);
	*n = (size_t)PQgetlength(st->res, st->row, i);
	return PQgetvalue(st->res, st->row, i);
}

static int pg_col_is_null(struct db_stmt *st, int i)
{
	return !pg_col_ok(st, i) || PQgetisnull(st->res, st->row, i);
}

static int64_t pg_changes(struct db *db)
{
	return PDB(db)->changes;
}

static int pg_backup(struct db *db, const char *dest, struct err *e)
{
	return db_copy_to_sqlite(db, dest, e);
}

static const struct db_ops pg_ops = {
    .name = "postgres",
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .done = pg_done,
    .bind_text = pg_bind_text,
    .bind_int = pg_bind_int,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .col_text = pg_col_text,
    .col_int = pg_col_int,
    .col_blob = pg_col_blob,
    .col_is_null = pg_col_is_null,
    .changes = pg_changes,
    .begin = pg_begin,
    .backup = pg_backup,
};

static void pg_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* One text value of a one-row query, or NULL. */
static char *pg_query_text(struct pg_db *d, const char *sql)
{
	PGresult *res = PQexec(d->c, sql);
	char *v = NULL;

	if (res && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
	    !PQgetisnull(res, 0, 0))
		v = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return v;
}

int db_pg_open(const char *uri, int create, struct db **out, struct err *e)
{
	const char *const keys[] = {"connect_timeout", "application_name", "dbname", NULL};
	const char *const vals[] = {"10", "baken", uri, NULL};
	struct pg_db *d = xcalloc(1, sizeof(*d));
	char msg[512], *exists;
	int rc;

	d->base.ops = &pg_ops;
	d->where = pg_redact(uri);
	d->c = PQconnectdbParams(keys, vals, 1);
	if (d->c == NULL || PQstatus(d->c) != CONNECTION_OK) {
		pg_message(d->c ? PQerrorMessage(d->c) : "out of memory", msg, sizeof(msg));
		err_set(e, ERR_IO, "cannot connect to PostgreSQL at %s: %s", d->where, msg);
		pg_close(&d->base);
		return ERR_IO;
	}
	PQsetNoticeProcessor(d->c, pg_quiet, NULL);
	if ((rc = pg_session(d, e)) != 0) {
		pg_close(&d->base);
		return rc;
	}
	exists = pg_query_text(d, "SELECT to_regclass('schema_migrations') IS NOT NULL");
	if (exists == NULL) {
		rc = pg_fail(d, NULL, e);
		pg_close(&d->base);
		return rc;
	}
	if (exists[0] != 't' && !create) {
		free(exists);
		err_set(e, ERR_NOTFOUND,
		        "no Baken database at %s: run `baken init` (or give --db PATH)", d->where);
		pg_close(&d->base);
		return ERR_NOTFOUND;
	}
	if (exists[0] == 't' && create) {
		/* `init` and `demo` create a store: on PostgreSQL one that holds events is kept */
		char *has = pg_query_text(d, "SELECT to_regclass('events') IS NOT NULL"),
		     *used = NULL;
		int taken;

		if (has && has[0] == 't')
			used = pg_query_text(d, "SELECT EXISTS (SELECT 1 FROM events)");
		taken = used && used[0] == 't';
		free(has);
		free(used);
		if (taken) {
			free(exists);
			err_set(
			    e, ERR_CONFLICT,
			    "a Baken database exists already at %s; choose another database or drop"
			    " this one",
			    d->where);
			pg_close(&d->base);
			return ERR_CONFLICT;
		}
	}
	free(exists);
	*out = &d->base;
	return 0;
}
