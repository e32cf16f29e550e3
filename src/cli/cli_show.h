/* cli_show.h: the part every `<noun> show ID` command shares: the operand, the store, the
 * model's show function and --json. What each prints for people stays in its command. */
#ifndef BAKEN_CLI_SHOW_H
#define BAKEN_CLI_SHOW_H

#include "cli/cli.h"

/* A model function that reads one object by its id (org_show, incident_show, vuln_show). */
typedef int (*cli_show_fn)(struct db *db, const char *id, json_t **out, struct err *e);

/* Takes operand 0 (what names it in a usage error), opens the store and runs show on it in the
 * command's transaction. With --json it prints the object and sets *out to NULL: the command
 * is done. Otherwise *out is the object for the command to lay out; the command frees it.
 * Errors as show and cli_finish return them (*out NULL). */
int cli_show_fetch(struct cli_ctx *c, const char *what, cli_show_fn show, json_t **out);

#endif
