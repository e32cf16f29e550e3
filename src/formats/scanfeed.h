/* scanfeed.h: reading scan results, streaming: bytes in, one struct scan_row per observation
 * out. Three formats, told apart by their first line when not given:
 *   - Shadowserver CSV reports (shadowserver.h): a known report's exact header, or their
 *     generic shape (timestamp first, ip and tag columns); CVE ids come from the tag;
 *   - a plain CSV with the header ip,port,seen_at,cve (any order; optional product, version,
 *     hostname, asn); cve may hold several ids separated by ';';
 *   - JSON lines: one object per line with the same fields ("cve" a string, an array of
 *     strings, or null; "port" and "asn" numbers).
 * The reader keeps only the row it is on (and the unread rest of the last chunk): a file of any
 * size passes through in chunks. Every row keeps its line number (the header is line 1) and its
 * bytes as they were in the file. Errors name the file, the line and the field; a file that
 * ends inside a row (a short last row, an open quote, a cut JSON line) is refused as
 * truncated. Nothing here touches the database. */
#ifndef BAKEN_SCANFEED_H
#define BAKEN_SCANFEED_H

#include "core/err.h"
#include "formats/shadowserver.h"

#include <stddef.h>
#include <stdint.h>

enum scan_format {
	SCAN_FORMAT_AUTO = 0,
	SCAN_FORMAT_SHADOWSERVER,
	SCAN_FORMAT_CSV,
	SCAN_FORMAT_JSON,
};

/* A row longer than this is refused (with its line). */
#define SCANFEED_ROW_MAX    ((size_t)1 << 20)
#define SCANFEED_FIELDS_MAX 4096

/* One observation: borrowed by the callback, valid during the call only. */
struct scan_row {
	long line;       /* where the row starts; the header is line 1 */
	const char *raw; /* the row's bytes as in the file, without its line end */
	size_t raw_len;
	int64_t offset;       /* where raw starts in the file, in bytes */
	unsigned char ip[16]; /* IPv4 mapped to ::ffff:a.b.c.d */
	int v4;
	int port;                             /* -1 when not given */
	int64_t seen_at;                      /* seconds since the epoch, UTC */
	char cves[SHADOWSERVER_CVES_MAX][24]; /* "CVE-2019-19781", upper case */
	size_t ncves;
	const char *product, *version, *hostname; /* NULL when not given */
	int64_t asn;                              /* -1 when not given */
};

typedef int (*scan_row_fn)(void *ctx, const struct scan_row *r, struct err *e);

struct scanfeed;

/* A reader of one file. fmt is SCAN_FORMAT_AUTO to recognise it by its first line; name is
 * the file's name, for messages (and to tell Shadowserver reports with equal columns apart);
 * fn is called once per row after the header; a non-zero return stops the reading and is
 * returned with its message. */
struct scanfeed *scanfeed_new(enum scan_format fmt, const char *name, scan_row_fn fn, void *ctx);
void scanfeed_free(struct scanfeed *f);
/* Sets the function called per row (before the first byte is fed). */
void scanfeed_set_callback(struct scanfeed *f, scan_row_fn fn, void *ctx);
/* Reads the next n bytes of the file. 0, or the first error (ERR_INPUT naming file:line and
 * field, or the callback's). After an error the reader takes nothing more. */
int scanfeed_feed(struct scanfeed *f, const char *data, size_t n, struct err *e);
/* The end of the file: the last row, if it has no line end; ERR_INPUT when the file is empty
 * or ends inside a row (truncated). A header without rows is a scan that found nothing. */
int scanfeed_finish(struct scanfeed *f, struct err *e);

/* What the first line said: the format, and for Shadowserver the report type (see
 * shadowserver_header), else NULL. */
enum scan_format scanfeed_format(const struct scanfeed *f);
const char *scanfeed_report(const struct scanfeed *f);
/* Rows read so far (without the header). */
long scanfeed_rows(const struct scanfeed *f);
/* The byte offset in the file just after the header line (0 for JSON lines, and before the
 * header is read): a reader given the bytes before it and then one row reads that row as it
 * was read the first time. */
int64_t scanfeed_body_offset(const struct scanfeed *f);

/* "shadowserver", "csv", "json" (and "auto"). */
const char *scan_format_name(enum scan_format fmt);
/* Parses a --format value (any case); 0 or ERR_INPUT. */
int scan_format_parse(const char *s, enum scan_format *out);

#endif
