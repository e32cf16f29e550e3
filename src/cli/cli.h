/* cli.h: what every command handler gets, and the output helpers they share.
 *
 * A handler parses its options (done for it, from the command table), opens the store, runs
 * the model inside one transaction, and prints either aligned tables for people or JSON
 * (--json) for scripts. Errors go back as an ERR_* code with the message in ctx->err; main
 * prints it and exits with the status that goes with it. */
#ifndef BAKEN_CLI_H
#define BAKEN_CLI_H

#include "cli/opt.h"
#include "core/err.h"
#include "model/event.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

struct db;

struct cli_ctx {
	const char *db_path;
	int json;       /* --json */
	struct act act; /* who acts, and when it happened (--at, default now) */
	int at_given;
	struct db *db;       /* opened by cli_open */
	struct opts opts;    /* this command's options and operands */
	const char *command; /* "org add" */
	struct err err;
};

/* Opens the store (it must exist) and starts the command's transaction. */
int cli_open(struct cli_ctx *c);
/* Commits when rc is 0, rolls back otherwise; returns rc (or the commit's error). */
int cli_finish(struct cli_ctx *c, int rc);

/* Prints result: as JSON with --json; else each object of the array rows as one line of an
 * aligned table with the given columns (keys of the objects; a header in capitals). Steals
 * rows. */
void cli_print_rows(struct cli_ctx *c, json_t *rows, const char *const *columns);
/* Prints one object: as JSON with --json, else "key: value" lines for the given keys. Steals. */
void cli_print_object(struct cli_ctx *c, json_t *obj, const char *const *keys);
/* Prints a JSON value to stdout, indented. Steals. */
void cli_print_json(json_t *v);

/* An operand, or a usage error naming what is missing. */
int cli_operand(struct cli_ctx *c, size_t i, const char *what, const char **out);
/* A required option's value, or a usage error. */
int cli_required(struct cli_ctx *c, const char *name, const char **out);

#endif
