/* err.h: one set of error codes for every layer, and the message that goes with one.
 *
 * Functions that can fail return 0 or a negative ERR_* code and, when given a struct err,
 * fill in a message that names what was wrong (file, line, field, value) so the user can act.
 */
#ifndef BAKEN_ERR_H
#define BAKEN_ERR_H

#include <stddef.h>

enum {
	ERR_OK = 0,
	ERR_USAGE = -1,    /* bad command line: exit 2 */
	ERR_INPUT = -2,    /* a value or file the user gave is wrong: exit 1 */
	ERR_NOTFOUND = -3, /* a named object does not exist: exit 1 */
	ERR_CONFLICT = -4, /* the object exists already or is in the wrong state: exit 1 */
	ERR_DB = -5,       /* the store failed */
	ERR_IO = -6,       /* a file or network operation failed */
	ERR_PERM = -7,     /* the actor may not do this */
};

struct err {
	int code;
	char msg[1024];
};

/* Records code and a formatted message in e (when e is not NULL); returns code, so that
 * `return err_set(e, ERR_INPUT, "...")` reads naturally. A message already set is kept
 * when the new one is set with err_wrap. */
int err_set(struct err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prefixes the message already in e with more context ("file.csv:3: "); returns e->code. */
int err_wrap(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Copies s into out for a message: printable ASCII as is, '"' and '\' escaped, other bytes
 * as \xHH, cut after max bytes of s with "...". out is always NUL-terminated. */
void err_quote(char *out, size_t outsz, const char *s, size_t max);
/* Names one character for a message: 'x' when printable, '\xHH' otherwise; returns buf. */
const char *err_char_name(unsigned char c, char buf[8]);

/* The process exit status for an error code: 0 for ERR_OK, 2 for ERR_USAGE, else 1. */
int err_exit_status(int code);

#endif
