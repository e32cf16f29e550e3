/* cmd_demo.c: `baken demo`: a fresh database with both seed cases. */
#include "cli/commands.h"
#include "db/db.h"
#include "model/demo.h"

#include <stdio.h>
#include <unistd.h>

const struct opt_spec cmd_demo_opts[] = {
    {"listen", OPT_VALUE, "ADDR:PORT", "where to serve it (default 127.0.0.1:8080)"},
    {NULL, 0, NULL, NULL},
};

int cmd_demo(struct cli_ctx *c)
{
	int rc;

	unlink(c->db_path);
	if ((rc = db_open(c->db_path, 1, &c->db, &c->err)) != 0)
		return rc;
	if ((rc = db_begin(c->db, &c->err)) != 0)
		return rc;
	rc = cli_finish(c, demo_load(c->db, c->act.actor, &c->err));
	if (rc != 0)
		return rc;
	return demo_show(c->db, stdout, &c->err);
}
