/* cmd_demo.c: `baken demo`: a fresh database with both seed cases. */
#include "cli/commands.h"
#include "db/db.h"
#include "model/demo.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

const struct opt_spec cmd_demo_opts[] = {
    {"listen", OPT_VALUE, "ADDR:PORT", "where to serve it (default 127.0.0.1:8080)"},
    {NULL, 0, NULL, NULL},
};

/* Removes the database at path (and its WAL files), but only when it is a demo itself:
 * a fresh demo must never cost real data. */
static int demo_remove_old(struct cli_ctx *c)
{
	char side[4096];
	struct stat sb;
	int64_t demo = 0;
	struct db *old;
	int rc;

	if (stat(c->db_path, &sb) != 0)
		return 0;
	rc = db_open(c->db_path, 0, &old, &c->err);
	if (rc == 0) {
		rc = db_query_int(old, "SELECT count(*) FROM events WHERE action = 'demo.load'", NULL,
				  &demo, &c->err);
		db_close(old);
	}
	if (rc != 0 || demo == 0)
		return err_set(&c->err, ERR_CONFLICT,
			       "%s holds a database that is not a demo; give another --db path",
			       c->db_path);
	unlink(c->db_path);
	snprintf(side, sizeof(side), "%s-wal", c->db_path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", c->db_path);
	unlink(side);
	return 0;
}

int cmd_demo(struct cli_ctx *c)
{
	int rc;

	if ((rc = demo_remove_old(c)) != 0)
		return rc;
	if ((rc = db_open(c->db_path, 1, &c->db, &c->err)) != 0)
		return rc;
	if ((rc = db_begin(c->db, &c->err)) != 0)
		return rc;
	rc = cli_finish(c, demo_load(c->db, c->act.actor, &c->err));
	if (rc != 0)
		return rc;
	return demo_show(c->db, stdout, &c->err);
}
