/* timeutil.h: ISO 8601 times as the interface speaks them ("2019-12-18T10:00:00Z"). All times
 * are kept as seconds since the epoch, UTC. */
#ifndef BAKEN_TIMEUTIL_H
#define BAKEN_TIMEUTIL_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

/* Parses "2019-12-18", "2019-12-18T10:00", "2019-12-18T10:00:00Z", "...+01:00", with an
 * optional fraction of seconds; a time without zone is UTC. 0 or ERR_INPUT naming the text. */
int time_parse(const char *text, int64_t *out, struct err *e);
/* Writes "2019-12-18T10:00:00Z" into out (at least 21 bytes). */
void time_format(int64_t t, char *out, size_t outsz);
/* Writes "20191218" (the plain advisory's Uitgiftedatum) into out (at least 9 bytes). */
void time_format_compact_date(int64_t t, char *out, size_t outsz);
/* The current time. */
int64_t time_now(void);

#endif
