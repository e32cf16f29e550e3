/* scan.h: vulnerable systems seen on the internet: scan feeds imported, each address mapped to
 * the organisation of the most specific registered netblock, owners informed, counted per day.
 *
 * An import reads one file as it streams (Shadowserver reports, plain CSV, JSON lines: see
 * formats/scanfeed.h) inside the caller's transaction, all or nothing; the file's SHA-256 is
 * recorded, so the same file a second time adds nothing. The file itself is kept (in chunks of
 * 1 MiB, zstd-compressed): an observation is a row of it, reachable with its source, line and
 * bytes through the sighting its system keeps (import, line, byte offset, length). Per CVE and
 * address a system holds the ports, owner, first and last seen and the days it was seen; the
 * daily counts per owner follow. Then, per organisation and advisory (the latest published
 * version naming the CVE), one alert lists the organisation's systems that are new to it, or
 * were last reported longer ago than scan.quiet_days (default 7); a government or vital
 * organisation gets a call task too when that version is high/high. Observations for CVEs that
 * no advisory names are stored and counted, and inform nobody. */
#ifndef BAKEN_SCAN_H
#define BAKEN_SCAN_H

#include "core/buf.h"
#include "core/err.h"
#include "formats/scanfeed.h"
#include "model/event.h"

#include <jansson.h>
#include <stdint.h>

struct db;

struct scan_import_result {
	int64_t id;  /* the import (of the earlier import when already) */
	int already; /* 1: this file was imported before; nothing was added */
	char sha256[65];
	const char *format; /* "shadowserver", "csv", "json" */
	char report[64];    /* Shadowserver report type, or "" */
	char source[128];
	long rows, observations, duplicates, matched, unmatched;
	long systems_new;   /* (cve, ip) pairs never seen before */
	long no_advisory;   /* observations of a CVE that no published advisory names */
	long organisations; /* organisations informed (an alert made) */
	long email, webhook, call;
	long prefix_ranges; /* the netblocks flattened, for the curious */
};

/* Imports the scan results in path (format SCAN_FORMAT_AUTO: recognised by the first line).
 * source names whose scan it is (NULL: shadowserver/<report>, or the format's name). Runs in
 * the caller's transaction; on any error (ERR_INPUT naming file:line and field, ERR_IO) nothing
 * of the file is stored. Fills *r. */
int scan_import(struct db *db, const struct act *act, const char *path, enum scan_format format,
                const char *source, struct scan_import_result *r, struct err *e);
/* The same for a file that is known to people by another name (an upload kept in a temporary
 * file): messages, the import's record and the Shadowserver report type (which the name tells)
 * use name; path is only read. */
int scan_import_as(struct db *db, const struct act *act, const char *path, const char *name,
                   enum scan_format format, const char *source, struct scan_import_result *r,
                   struct err *e);

struct scan_filter {
	const char *org;      /* only this organisation's systems */
	const char *cve;      /* only this CVE */
	const char *advisory; /* only the CVEs of this advisory (its latest published version) */
	const char *source;   /* only systems last seen by this source */
	int unmatched;        /* only systems in no registered netblock, by AS number */
	int64_t since;        /* only systems seen at or after this time (0: all) */
	int observations;     /* list the observations (rows as imported) instead of systems */
	long limit;           /* at most this many rows (0: 10,000) */
};

/* Systems as JSON rows {cve, ip, ports, org, asn, hostname, product, version, source,
 * first_seen, last_seen, seen, state ("vulnerable" or "fixed"), reported_at}, or with
 * f->observations the observations {id ("import:line"), import, source, file, line, ip, port,
 * seen_at, cve, org, asn, raw} in import and line order, each row read back from its stored
 * file (org: its system's owner now). ERR_DB when a stored row cannot be read back. */
int scan_list(struct db *db, const struct act *act, const struct scan_filter *f, json_t **out,
              struct err *e);

struct scan_stats_opts {
	const char *cve, *advisory; /* one CVE, or the CVEs of an advisory; neither: every CVE */
	const char *by;             /* NULL, "kind", "sector" or "org": the days split so */
	const char *org;            /* only this organisation (what a constituent may see) */
	int64_t since;              /* days from this time on (0: all) */
};

/* Exposure over time. Without cve/advisory: one row per CVE {cve, advisories, informs,
 * systems, vulnerable, fixed, organisations, unmatched, first_seen, last_seen}. With one: an
 * object {cve(s), advisory, informs, systems, vulnerable, fixed, first_seen, last_seen,
 * fixed_after, days: [{day, systems, by: [{kind|sector|org, systems}]}]}. "fixed" is a system
 * not seen in the last scan.fixed_after (default 3) imports of the source that saw it last. */
int scan_stats(struct db *db, const struct act *act, const struct scan_stats_opts *o, json_t **out,
               struct err *e);

/* The owners of the systems seen in addr/prefix (16 bytes, in the 128-bit space) mapped again
 * by longest prefix over the netblocks as they are now: call it, in the same transaction,
 * after a netblock was added, removed or given to another organisation. A system that changes
 * hands moves its days in the daily counts to its new owner, who is told of it as of a new
 * observation (one alert per organisation and advisory; not of systems counted as fixed); its
 * reported_at restarts with that. Costs one index look per CVE when nothing was seen in the
 * range. ERR_INPUT for a prefix outside 0-128; database errors. */
int scan_netblock_changed(struct db *db, const struct act *act, const unsigned char addr[16],
                          int prefix, struct err *e);

/* The exposure chart of a scan_stats object (with days) as an SVG document, drawn by the
 * server: one bar per day and the number of each day as text (and in each bar's title). Appends
 * to out. */
int scan_svg(const json_t *stats, struct buf *out);

#endif
