/* opt.h: command-line options against a declared table.
 *
 * A command declares its options; anything else is a usage error. A value option takes one
 * argument; a list option takes every argument up to the next one that starts with "--" and
 * may be repeated (`--to a b` equals `--to a --to b`). Arguments that are not options are the
 * command's operands. */
#ifndef BAKEN_OPT_H
#define BAKEN_OPT_H

#include "core/err.h"

#include <stddef.h>

enum opt_kind {
	OPT_FLAG,
	OPT_VALUE,
	OPT_LIST
};

struct opt_spec {
	const char *name; /* without the dashes */
	enum opt_kind kind;
	const char *arg; /* name of the argument in help, e.g. "ORG" */
	const char *help;
};

struct opt_entry {
	const char *name;
	const char *value; /* NULL for a flag */
};

struct opts {
	struct opt_entry *entries; /* in command-line order */
	size_t n;
	const char **operands;
	size_t noperands;
};

/* Parses argv (the arguments after the command's words) against specs (terminated by a
 * {NULL} entry). extra, when not NULL, accepts more value options by name (the
 * classification matrix). Returns 0 or ERR_USAGE with a message naming the option. */
int opt_parse(int argc, char **argv, const struct opt_spec *specs, int (*extra)(const char *name),
              struct opts *out, struct err *e);
void opt_free(struct opts *o);

/* The last value given for name, or NULL. */
const char *opt_get(const struct opts *o, const char *name);
/* 1 when name was given at all. */
int opt_has(const struct opts *o, const char *name);
/* Every value given for name, in order; *n set to their count; the array is malloc'd (free it),
 * the strings are borrowed from argv. */
const char **opt_list(const struct opts *o, const char *name, size_t *n);

#endif
