/* cmd_csaf.h: what cmd_advisory.c borrows from cmd_csaf.c (issue 5). */
#ifndef BAKEN_CMD_CSAF_H
#define BAKEN_CMD_CSAF_H

#include "cli/cli.h"

/* `advisory show ID --format csaf [--version V]`: prints the CSAF document. */
int cmd_csaf_show(struct cli_ctx *c, const char *id, const char *version);

#endif
