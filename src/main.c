/* main.c: argv -> the command table; nothing else. */
#include "cli/commands.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "domain/matrix.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BAKEN_VERSION "0.1.0"

struct command {
	const char *words;
	int (*fn)(struct cli_ctx *c);
	const struct opt_spec *opts;
	int min, max, matrix;
	const char *usage, *help;
};

static const struct command commands[] = {
#define CMD(words, fn, min, max, matrix, usage, help)                                              \
	{words, fn, fn##_opts, min, max, matrix, usage, help},
#include "cli/commands.def"
#undef CMD
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage_all(FILE *f)
{
	fputs("usage: baken [--db PATH] [--json] [--at TIME] COMMAND [ARGS]\n\n"
	      "Baken: vulnerability advisories, alerts and follow-up for a national CSIRT.\n\n",
	      f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-18s %s\n", commands[i].words, commands[i].help);
	fputs("\nGlobal options:\n"
	      "  --db PATH    the database (default $BAKEN_DB, else ./baken.db)\n"
	      "  --json       machine-readable output\n"
	      "  --at TIME    when the action happened (ISO 8601; default now)\n"
	      "`baken COMMAND --help` shows a command's options; `man baken` the whole manual.\n",
	      f);
}

static int is_matrix_flag(const char *name)
{
	return matrix_find_flag(name) >= 0;
}

static void usage_one(FILE *f, const struct command *cmd)
{
	fprintf(f, "usage: baken %s %s\n  %s\n", cmd->words, cmd->usage, cmd->help);
	for (const struct opt_spec *o = cmd->opts; o && o->name; o++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s%s%s%s", o->name, o->kind == OPT_FLAG ? "" : " ",
		         o->kind == OPT_FLAG ? "" : o->arg, o->kind == OPT_LIST ? "..." : "");
		fprintf(f, "  %-28s %s\n", left, o->help);
	}
	if (cmd->matrix)
		fputs("  MATRIX: the classification answers, see `baken classify --help`\n", f);
}

/* The command whose words start argv, or NULL; *used is how many words it took. */
static const struct command *command_find(int argc, char **argv, int *used)
{
	char two[64];

	if (argc >= 2) {
		snprintf(two, sizeof(two), "%s %s", argv[0], argv[1]);
		for (size_t i = 0; i < NCOMMANDS; i++)
			if (strcmp(commands[i].words, two) == 0) {
				*used = 2;
				return &commands[i];
			}
	}
	for (size_t i = 0; argc >= 1 && i < NCOMMANDS; i++)
		if (strcmp(commands[i].words, argv[0]) == 0) {
			*used = 1;
			return &commands[i];
		}
	return NULL;
}

static const char *actor_name(char *buf, size_t n)
{
	const char *env = getenv("BAKEN_ACTOR");
	struct passwd *pw;

	if (env && *env)
		return env;
	pw = getpwuid(getuid());
	snprintf(buf, n, "cli:%s", pw ? pw->pw_name : "unknown");
	return buf;
}

int main(int argc, char **argv)
{
	struct cli_ctx c;
	const struct command *cmd;
	char **rest, actor[128];
	const char *at_text = NULL;
	int nrest = 0, used = 0, help = 0, rc, status = 0;

	memset(&c, 0, sizeof(c));
	c.db_path = getenv("BAKEN_DB");
	if (c.db_path == NULL || *c.db_path == '\0')
		c.db_path = "baken.db";
	/* global options may stand anywhere; take them out first */
	rest = calloc((size_t)argc + 1, sizeof(char *));
	if (rest == NULL)
		return 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--json") == 0) {
			c.json = 1;
		} else if (strcmp(a, "--db") == 0 || strcmp(a, "--at") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "baken: %s needs a value\n", a);
				status = 2;
				goto out;
			}
			if (a[2] == 'd')
				c.db_path = argv[++i];
			else
				at_text = argv[++i];
		} else if (strncmp(a, "--db=", 5) == 0) {
			c.db_path = a + 5;
		} else if (strncmp(a, "--at=", 5) == 0) {
			at_text = a + 5;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			help = 1;
		} else if (strcmp(a, "--version") == 0 && nrest == 0) {
			puts("baken " BAKEN_VERSION);
			goto out;
		} else {
			rest[nrest++] = argv[i];
		}
	}
	if (nrest == 0 || strcmp(rest[0], "help") == 0) {
		usage_all(help || nrest ? stdout : stderr);
		status = help || nrest ? 0 : 2;
		goto out;
	}
	cmd = command_find(nrest, rest, &used);
	if (cmd == NULL) {
		fprintf(stderr, "baken: unknown command '%s'; `baken --help` lists them\n",
		        rest[0]);
		status = 2;
		goto out;
	}
	if (help) {
		usage_one(stdout, cmd);
		goto out;
	}
	c.command = cmd->words;
	c.act.actor = actor_name(actor, sizeof(actor));
	c.act.at = time_now();
	if (at_text) {
		if (time_parse(at_text, &c.act.at, &c.err) != 0) {
			fprintf(stderr, "baken: --at: %s\n", c.err.msg);
			status = 2;
			goto out;
		}
		c.at_given = 1;
	}
	rc = opt_parse(nrest - used, rest + used, cmd->opts, cmd->matrix ? is_matrix_flag : NULL,
	               &c.opts, &c.err);
	if (rc == 0 && (c.opts.noperands < (size_t)cmd->min ||
	                (cmd->max >= 0 && c.opts.noperands > (size_t)cmd->max)))
		rc = err_set(&c.err, ERR_USAGE, "wrong number of operands");
	if (rc == ERR_USAGE) {
		fprintf(stderr, "baken %s: %s\nusage: baken %s %s\n", cmd->words, c.err.msg,
		        cmd->words, cmd->usage);
		status = 2;
		goto out;
	}
	if (rc == 0)
		rc = cmd->fn(&c);
	if (rc != 0)
		fprintf(stderr, "baken %s: %s\n", cmd->words, c.err.msg[0] ? c.err.msg : "failed");
	status = err_exit_status(rc);
out:
	db_close(c.db);
	opt_free(&c.opts);
	free(rest);
	return status;
}
