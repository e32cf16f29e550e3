/* csvfile.h: reading a CSV file row by row (libcsv), with the line number each row started
 * on, so errors can name file and line. The header is line 1. */
#ifndef BAKEN_CSVFILE_H
#define BAKEN_CSVFILE_H

#include "core/err.h"

#include <stddef.h>
#include <stdio.h>

/* Called once per row; fields are borrowed for the call. A non-zero return stops reading and
 * is returned by csv_each (with the message the callback put in e). */
typedef int (*csv_row_fn)(void *ctx, long line, char **fields, size_t nfields, struct err *e);

/* Reads path and calls fn for every non-empty row, the header included. Malformed CSV (an
 * unterminated quote, a stray quote) fails with "path:line: ...". At most 4096 fields a row,
 * 64 KiB a field and 1 MiB a row. */
int csv_each(const char *path, csv_row_fn fn, void *ctx, struct err *e);
/* csv_each over an open stream (an upload held in memory, through fmemopen); name stands for
 * the file in messages. The caller closes f. */
int csv_each_stream(FILE *f, const char *name, csv_row_fn fn, void *ctx, struct err *e);

/* For a header row: the index of column name (case-insensitive), or -1. */
int csv_column(char **fields, size_t nfields, const char *name);

/* Parses a CSV boolean: true/false, yes/no, 1/0, y/n (any case); "" is false. 0, or ERR_INPUT. */
int csv_bool(const char *s, int *out);

#endif
