/* progress.c: the terminal progress bar. */
#include "core/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_WIDTH 30

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int allowed = 1;

void progress_allow(int yes)
{
	allowed = yes;
}

void progress_start(struct progress *p, const char *label, int64_t total, int64_t min)
{
	p->label = label;
	p->total = total > 0 ? total : 1;
	p->drawn_ms = 0;
	p->on = allowed && isatty(STDERR_FILENO) && total >= min;
}

void progress_update(struct progress *p, int64_t done)
{
	char bar[PROGRESS_WIDTH + 1];
	int64_t t;
	int filled, pct;

	if (!p->on || (t = now_ms()) - p->drawn_ms < 100)
		return;
	p->drawn_ms = t;
	if (done > p->total)
		done = p->total;
	pct = (int)(done * 100 / p->total);
	filled = (int)(done * PROGRESS_WIDTH / p->total);
	for (int i = 0; i < PROGRESS_WIDTH; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[PROGRESS_WIDTH] = '\0';
	fprintf(stderr, "\r%s [%s] %3d%%", p->label, bar, pct);
	fflush(stderr);
}

void progress_end(struct progress *p)
{
	if (p->on)
		fprintf(stderr, "\r%*s\r", PROGRESS_WIDTH + 40, "");
}
