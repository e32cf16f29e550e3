/* report_md.h: the evaluation report (report_evaluation's JSON) as Markdown, for a letter; and
 * the walk over the report that the Markdown and the HTML writers share. */
#ifndef BAKEN_REPORT_MD_H
#define BAKEN_REPORT_MD_H

#include "core/buf.h"
#include "formats/svg.h"

#include <jansson.h>

/* What a writer does with the parts of the report, in order. Texts are plain (the writer
 * escapes them); a table's rows are a JSON array of arrays of strings. */
struct report_writer {
	void (*heading)(void *ctx, int level, const char *text);
	void (*para)(void *ctx, const char *text);
	void (*table)(void *ctx, const char *const *columns, size_t ncolumns, json_t *rows);
	/* a chart (hbars: horizontal bars); NULL for writers without charts */
	void (*chart)(void *ctx, const struct svg_chart *c, int hbars);
	/* 1: also the table of every organisation's clock (the page); 0: the exceptions only (the
	 * letter) */
	int every_org;
};

/* Walks the report r, calling w's functions with ctx. */
void report_walk(json_t *r, const struct report_writer *w, void *ctx);

/* Appends the report r as Markdown to out; 0, or ERR_INPUT when out's maximum is reached.
 * Every text taken from the report is escaped for Markdown (tables stay tables). */
int report_markdown(json_t *r, struct buf *out);

/* A label of the report in its language ("timeline" -> "Tijdlijn" for "nl", the default);
 * key itself when unknown. */
const char *report_label(const char *lang, const char *key);

/* "45 s", "7 min", "2 h 05 min", "3.5 d" (nl: "2 u 05 min", "3,5 dg") into out. */
void report_duration(double seconds, const char *lang, char *out, size_t outsz);

#endif
