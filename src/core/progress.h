/* progress.h: a progress bar on standard error for long work, drawn only when standard error
 * is a terminal (never in scripts, pipes or CI logs) and only for work large enough to wait
 * for. */
#ifndef BAKEN_PROGRESS_H
#define BAKEN_PROGRESS_H

#include <stdint.h>

struct progress {
	const char *label;
	int64_t total;    /* bytes or rows to do */
	int64_t drawn_ms; /* when it was last drawn */
	int on;           /* drawing at all */
};

/* Whether bars may be drawn at all (default yes): the server says no, its stderr is a log
 * even on a terminal, and the imports it runs for the API are nobody's to watch there. */
void progress_allow(int yes);
/* Starts a bar for total units; it stays off when stderr is no terminal or total < min. */
void progress_start(struct progress *p, const char *label, int64_t total, int64_t min);
/* Redraws with done units, at most ten times a second. */
void progress_update(struct progress *p, int64_t done);
/* Clears the bar's line. */
void progress_end(struct progress *p);

#endif
