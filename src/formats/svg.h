/* svg.h: small SVG charts for reports, readable on screen and on paper (no colour is needed to
 * read them, every value is labelled or on a grid line). Every text goes through svg_escape. */
#ifndef BAKEN_SVG_H
#define BAKEN_SVG_H

#include "core/buf.h"

#include <stddef.h>

/* Appends s with &, <, >, " and ' escaped: safe in XML and HTML text and attribute values. */
void svg_escape(struct buf *out, const char *s);

struct svg_chart {
	const char *title;         /* the accessible name, and the caption above the chart */
	const char *const *labels; /* one per value, under the x axis (thinned when many) */
	const double *values;
	size_t n;
	int line;  /* 1: a line over time; 0: bars */
	long mark; /* index of a value to mark with a dashed line (e.g. the due day), -1 */
	const char *mark_label; /* its label */
};

/* Appends one chart as an inline <svg> element. */
void svg_chart(struct buf *out, const struct svg_chart *c);

/* Appends horizontal bars, one per label, each with its value written after it. */
void svg_hbars(struct buf *out, const char *title, const char *const *labels, const double *values,
               size_t n);

#endif
