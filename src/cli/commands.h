/* commands.h: the handlers and option tables of commands.def. */
#ifndef BAKEN_COMMANDS_H
#define BAKEN_COMMANDS_H

#include "cli/cli.h"

#define CMD(words, fn, min, max, matrix, usage, help)                                              \
	int fn(struct cli_ctx *c);                                                                 \
	extern const struct opt_spec fn##_opts[];
#include "cli/commands.def"
#undef CMD

#endif
