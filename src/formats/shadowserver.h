/* shadowserver.h: what Baken knows of Shadowserver's reports: the column list of every report
 * that names an IP address (shadowserver_reports.def, from their published schemas), how a
 * header is recognised, and how their values read: the ";"-separated tag that carries CVE ids
 * ("citrix;cve-2019-19781") and the timestamp ("2020-01-13 03:12:44", UTC).
 *
 * The streaming reader of the files themselves, for these and the other scan formats, is
 * scanfeed.h. Nothing here touches the database. */
#ifndef BAKEN_SHADOWSERVER_H
#define BAKEN_SHADOWSERVER_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

/* The most CVE ids one row may carry; more is an error naming the row. */
#define SHADOWSERVER_CVES_MAX 16

/* Which columns of a Shadowserver report Baken reads (-1: the report has none). */
struct shadowserver_cols {
	int timestamp, ip, port, hostname, tag, asn, version;
};

/* Recognises a header (the fields of line 1, unquoted). It is a known report when its columns
 * are exactly the published list of one (two reports with the same columns, such as
 * scan_http_vulnerable and scan6_http_vulnerable, are told apart by the file name when it
 * follows Shadowserver's "2020-01-13-scan_http_vulnerable-..." pattern; filename may be NULL);
 * else it is of the generic shape of their reports when it starts with "timestamp" and has
 * the columns ip (or src_ip) and tag. Sets *report to the report type ("scan_http_vulnerable",
 * or "generic" for the generic shape; a static string) and fills *cols. Returns 0, or
 * ERR_INPUT (no message) when the header is neither. */
int shadowserver_header(char **fields, size_t n, const char *filename, const char **report,
                        struct shadowserver_cols *cols);

/* The number of reports Baken knows by their columns. */
size_t shadowserver_known_reports(void);

/* Takes the CVE ids out of a tag ("citrix;cve-2019-19781"; tokens separated by ';' or ',',
 * any case) into out[] (each 20 bytes at most, written upper case: "CVE-2019-19781"), and the
 * other tokens, joined by ';', into rest (restsz bytes; "citrix"). Sets *n. Returns 0, or
 * ERR_INPUT with a message when the tag names more than max CVE ids or a token that starts
 * "cve-" is not a CVE id. */
int shadowserver_tag_cves(const char *tag, char out[][24], size_t max, size_t *n, char *rest,
                          size_t restsz, struct err *e);

/* Parses a timestamp: Shadowserver's "2020-01-13 03:12:44" (UTC) on a fast path, else any
 * ISO 8601 form time_parse takes. 0, or ERR_INPUT with a message quoting the text. */
int shadowserver_time(const char *text, int64_t *out, struct err *e);

#endif
