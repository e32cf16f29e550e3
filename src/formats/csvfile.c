/* csvfile.c: CSV rows from a file through libcsv, with line numbers. */
#include "formats/csvfile.h"

#include "core/buf.h"
#include "core/progress.h"
#include "core/xalloc.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>

#define CSV_MAX_FIELDS 4096
#define CSV_MAX_FIELD  (64 * 1024)
#define CSV_MAX_ROW    (1024 * 1024)

struct csv_state {
	const char *path;
	csv_row_fn fn;
	void *ctx;
	struct err *e;
	char **fields;
	size_t n;
	long line;        /* the line being fed */
	long row_start;   /* the line the current row began on */
	size_t row_bytes; /* bytes fed since the current row began */
	int rc;
	int first_row;
};

static void on_field(void *s, size_t len, void *data)
{
	struct csv_state *st = data;

	if (st->rc != 0)
		return;
	if (st->n >= CSV_MAX_FIELDS || len > CSV_MAX_FIELD) {
		st->rc = err_set(st->e, ERR_INPUT,
		                 "%s:%ld: row too large (over %d fields or %d bytes"
		                 " in a field)",
		                 st->path, st->row_start, CSV_MAX_FIELDS, CSV_MAX_FIELD);
		return;
	}
	st->fields[st->n++] = xstrndup(s ? s : "", len);
}

static void on_row(int c, void *data)
{
	struct csv_state *st = data;
	int blank;

	(void)c;
	/* an empty line (libcsv reports each one, and the LF of a CRLF, as a row without fields) */
	blank = st->n == 0 || (st->n == 1 && st->fields[0][0] == '\0');
	if (st->rc == 0 && !blank) {
		/* a UTF-8 byte order mark is not part of the first column's name */
		if (st->first_row && st->n && strncmp(st->fields[0], "\xef\xbb\xbf", 3) == 0)
			memmove(st->fields[0], st->fields[0] + 3, strlen(st->fields[0] + 3) + 1);
		st->first_row = 0;
		st->rc = st->fn(st->ctx, st->row_start, st->fields, st->n, st->e);
	}
	for (size_t i = 0; i < st->n; i++)
		free(st->fields[i]);
	st->n = 0;
	st->row_start = st->line + 1;
	st->row_bytes = 0;
}

/* What libcsv's strict mode refused, in words a user can act on. */
static const char *csv_problem(struct csv_parser *p, int at_end)
{
	if (csv_error(p) != CSV_EPARSE)
		return csv_strerror(csv_error(p));
	if (at_end)
		return "a quoted field is never closed (a '\"' is missing)";
	return "a '\"' inside a field that is not quoted, or text after a closing '\"' (quote the"
	       " whole field and double every '\"' in it)";
}

/* Reads at most max bytes of one line (up to and with its '\n') into buf; returns how many,
 * 0 at the end of the file. A longer line comes in pieces. */
static size_t read_piece(FILE *f, char *buf, size_t max)
{
	size_t n = 0;
	int c;

	while (n < max && (c = getc_unlocked(f)) != EOF) {
		buf[n++] = (char)c;
		if (c == '\n')
			break;
	}
	return n;
}

int csv_each(const char *path, csv_row_fn fn, void *ctx, struct err *e)
{
	FILE *f = fopen(path, "rb");
	int rc;

	if (f == NULL)
		return err_set(e, ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
	rc = csv_each_stream(f, path, fn, ctx, e);
	fclose(f);
	return rc;
}

int csv_each_stream(FILE *f, const char *path, csv_row_fn fn, void *ctx, struct err *e)
{
	struct csv_parser p;
	struct csv_state st;
	struct progress bar;
	struct stat sb;
	int64_t done = 0;
	char *piece;
	size_t len;
	int line_start = 1;

	memset(&st, 0, sizeof(st));
	st.path = path;
	st.fn = fn;
	st.ctx = ctx;
	st.e = e;
	st.fields = xcalloc(CSV_MAX_FIELDS, sizeof(char *));
	st.row_start = 1;
	st.first_row = 1;
	piece = xmalloc(CSV_MAX_FIELD);
	if (fileno(f) >= 0 && fstat(fileno(f), &sb) == 0)
		progress_start(&bar, path, (int64_t)sb.st_size, 4 << 20);
	else
		progress_start(&bar, path, 0, 1);
	/* strict: a stray quote, and a quoted field still open at the end, are errors; every line
	 * end is reported, so that blank lines count in the line numbers */
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL | CSV_APPEND_NULL |
	                 CSV_EMPTY_IS_NULL);
	while (st.rc == 0 && (len = read_piece(f, piece, CSV_MAX_FIELD)) > 0) {
		if (line_start)
			st.line++;
		line_start = piece[len - 1] == '\n';
		st.row_bytes += len;
		done += (int64_t)len;
		progress_update(&bar, done);
		if (st.row_bytes > CSV_MAX_ROW) {
			st.rc = err_set(e, ERR_INPUT, "%s:%ld: row too large (over %d bytes)", path,
			                st.row_start, CSV_MAX_ROW);
			break;
		}
		if (csv_parse(&p, piece, len, on_field, on_row, &st) != len && st.rc == 0)
			st.rc = err_set(e, ERR_INPUT, "%s:%ld: malformed CSV: %s", path, st.line,
			                csv_problem(&p, 0));
	}
	if (st.rc == 0 && ferror(f))
		st.rc = err_set(e, ERR_IO, "%s: read error: %s", path, strerror(errno));
	if (st.rc == 0 && csv_fini(&p, on_field, on_row, &st) != 0 && st.rc == 0)
		st.rc = err_set(e, ERR_INPUT, "%s:%ld: malformed CSV: %s", path, st.row_start,
		                csv_problem(&p, 1));
	progress_end(&bar);
	for (size_t i = 0; i < st.n; i++)
		free(st.fields[i]);
	csv_free(&p);
	free(st.fields);
	free(piece);
	return st.rc;
}

int csv_column(char **fields, size_t nfields, const char *name)
{
	for (size_t i = 0; i < nfields; i++)
		if (strcasecmp(fields[i], name) == 0)
			return (int)i;
	return -1;
}

int csv_bool(const char *s, int *out)
{
	static const char *yes[] = {"true", "yes", "1", "y"}, *no[] = {"false", "no", "0", "n", ""};

	for (size_t i = 0; i < 4; i++)
		if (strcasecmp(s, yes[i]) == 0)
			return *out = 1, 0;
	for (size_t i = 0; i < 5; i++)
		if (strcasecmp(s, no[i]) == 0)
			return *out = 0, 0;
	return ERR_INPUT;
}
