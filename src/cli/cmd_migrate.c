/* cmd_migrate.c: `baken migrate --from FILE --to postgres://...`: a whole store into another,
 * verified by the row count of every table and by the event chain, which must hold on the
 * target and end in the same head as the source's. */
#include "cli/commands.h"
#include "db/copy.h"
#include "db/db.h"
#include "model/event.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

const struct opt_spec cmd_migrate_opts[] = {
    {"from", OPT_VALUE, "FILE", "the database to copy (a SQLite file, or a postgres:// URI)"},
    {"to", OPT_VALUE, "URI",
     "where to: an empty PostgreSQL database (postgres://USER@HOST:PORT/DB), or a new file"},
    {NULL, 0, NULL, NULL},
};

static int is_uri(const char *s)
{
	return strncmp(s, "postgres://", 11) == 0 || strncmp(s, "postgresql://", 13) == 0;
}

/* where, with a password in a URI left out, for what is printed */
static void shown(const char *where, char *out, size_t outsz)
{
	const char *scheme = strstr(where, "://"), *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;

	if (at && colon && colon < at && !memchr(scheme + 3, '/', (size_t)(at - scheme - 3)))
		snprintf(out, outsz, "%.*s%s", (int)(colon - where), where, at);
	else
		snprintf(out, outsz, "%s", where);
}

static void migrate_progress(void *ctx, const char *table, int64_t rows)
{
	struct cli_ctx *c = ctx;

	if (!c->json)
		fprintf(stderr, "baken migrate: %-24s %lld rows\n", table, (long long)rows);
}

int cmd_migrate(struct cli_ctx *c)
{
	const char *from = opt_get(&c->opts, "from"), *to = opt_get(&c->opts, "to");
	struct db *src = NULL, *dst = NULL;
	struct db_copy_report rep = {0};
	struct event_check before, after;
	struct err chain = {0, ""};
	struct stat sb;
	char from_shown[4096], to_shown[4096];
	json_t *tables, *out;
	int created = 0, rc;

	if (from == NULL || to == NULL)
		return err_set(&c->err, ERR_USAGE, "give --from FILE and --to postgres://...");
	if (strcmp(from, to) == 0)
		return err_set(&c->err, ERR_USAGE, "--from and --to name the same database");
	if (!is_uri(from) && stat(from, &sb) != 0)
		return err_set(&c->err, ERR_NOTFOUND, "--from %s: no database there", from);
	if (!is_uri(to) && stat(to, &sb) == 0)
		return err_set(&c->err, ERR_CONFLICT,
		               "--to %s exists already; migrate into a new file or an empty"
		               " PostgreSQL database",
		               to);
	/* the source: opened as every command opens it (missing migrations applied), its chain
	 * checked first, so a broken log is never carried over as if it held */
	if ((rc = db_open(from, 0, &src, &c->err)) != 0)
		return err_wrap(&c->err, "--from: ");
	rc = event_verify(src, &before, &chain);
	if (rc == 0 && before.bad_id != 0)
		rc = err_set(&c->err, ERR_CONFLICT,
		             "--from %s: the event log does not hold (%s); nothing was copied",
		             from, chain.msg);
	if (rc != 0)
		goto out;
	created = !is_uri(to);
	if ((rc = db_open(to, 1, &dst, &c->err)) != 0) {
		err_wrap(&c->err, "--to: ");
		goto out;
	}
	if ((rc = db_copy(src, dst, &rep, migrate_progress, c, &c->err)) != 0)
		goto out;
	/* the chain on the target: whole, and the very same */
	memset(&chain, 0, sizeof(chain));
	if ((rc = event_verify(dst, &after, &chain)) != 0)
		goto out;
	if (after.bad_id != 0 || after.count != before.count ||
	    strcmp(after.head, before.head) != 0) {
		rc = err_set(&c->err, ERR_DB,
		             "the copy was committed, but its event chain differs from the source's"
		             " (%lld entries, head %.12s..., want %lld, %.12s...)%s%s",
		             (long long)after.count, after.head, (long long)before.count,
		             before.head, chain.msg[0] ? ": " : "", chain.msg);
		goto out;
	}
	shown(from, from_shown, sizeof(from_shown));
	shown(to, to_shown, sizeof(to_shown));
	tables = json_array();
	for (size_t i = 0; i < rep.n; i++)
		json_array_append_new(tables, json_pack("{s:s, s:I}", "table", rep.tables[i].name,
		                                        "rows", (json_int_t)rep.tables[i].rows));
	out = json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:I, s:s, s:b}", "from", from,
	                "from_backend", db_backend(src), "to", to_shown, "to_backend",
	                db_backend(dst), "rows", (json_int_t)rep.rows, "tables", tables, "events",
	                (json_int_t)after.count, "head", after.head, "verified", 1);
	if (c->json) {
		cli_print_json(out);
	} else {
		cli_print_rows(c, json_incref(tables),
		               (const char *const[]){"table", "rows", NULL});
		printf("\n%lld rows in %zu tables copied from %s (%s) to %s (%s).\n"
		       "verified: every table has as many rows as in the source; the event chain"
		       " holds on the target, %lld entries, head %s, as in the source.\n",
		       (long long)rep.rows, rep.n, from_shown, db_backend(src), to_shown,
		       db_backend(dst), (long long)after.count, after.head);
		json_decref(out);
	}
out:
	db_copy_report_free(&rep);
	db_close(dst);
	db_close(src);
	if (rc != 0 && created) {
		char side[4200];
		remove(to); /* a new file that holds no whole copy is not left behind */
		snprintf(side, sizeof(side), "%s-wal", to);
		remove(side);
		snprintf(side, sizeof(side), "%s-shm", to);
		remove(side);
	}
	return rc;
}
