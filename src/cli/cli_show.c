/* cli_show.c: the shared first half of the `<noun> show ID` commands. */
#include "cli/cli_show.h"

int cli_show_fetch(struct cli_ctx *c, const char *what, cli_show_fn show, json_t **out)
{
	const char *id;
	json_t *o = NULL;
	int rc;

	*out = NULL;
	if ((rc = cli_operand(c, 0, what, &id)) != 0 || (rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, show(c->db, id, &o, &c->err));
	if (rc != 0) {
		json_decref(o);
		return rc;
	}
	if (c->json) {
		cli_print_json(o);
		return 0;
	}
	*out = o;
	return 0;
}
