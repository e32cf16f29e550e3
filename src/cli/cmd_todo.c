/* cmd_todo.c: `baken todo list|done` (issue 5): the analysts' to-do list. */
#include "cli/commands.h"
#include "model/todo.h"

#include <stdlib.h>
#include <string.h>

const struct opt_spec cmd_todo_list_opts[] = {
    {"all", OPT_FLAG, NULL, "also the to-dos that are done"},
    {NULL, 0, NULL, NULL},
};

int cmd_todo_list(struct cli_ctx *c)
{
	json_t *rows = NULL;
	int rc;

	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, todo_list(c->db, opt_has(&c->opts, "all"), &rows, &c->err));
	if (rc == 0)
		cli_print_rows(c, rows,
		               (const char *const[]){"id", "kind", "advisory", "cve", "state",
		                                     "created_at", "reason", NULL});
	return rc;
}

const struct opt_spec cmd_todo_done_opts[] = {
    {"note", OPT_VALUE, "N", "what was done"},
    {NULL, 0, NULL, NULL},
};

int cmd_todo_done(struct cli_ctx *c)
{
	const char *id;
	char *end;
	long n;
	int rc;

	if ((rc = cli_operand(c, 0, "ID", &id)) != 0)
		return rc;
	n = strtol(id, &end, 10);
	if (*id == '\0' || *end != '\0' || n <= 0)
		return err_set(&c->err, ERR_USAGE, "bad to-do id \"%s\": expected a number", id);
	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, todo_done(c->db, &c->act, n, opt_get(&c->opts, "note"), &c->err));
	if (rc == 0)
		cli_print_object(c, json_pack("{s:I, s:s}", "id", (json_int_t)n, "state", "done"),
		                 (const char *const[]){"id", "state", NULL});
	return rc;
}
