/* cmd_scan.c: `baken scan import|list|stats` */
#include "cli/commands.h"
#include "core/timeutil.h"
#include "model/scan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const struct opt_spec cmd_scan_import_opts[] = {
    {"format", OPT_VALUE, "F", "shadowserver, csv or json (default: recognised by the header)"},
    {"source", OPT_VALUE, "NAME", "whose scan (default shadowserver/<report>, csv or json)"},
    {NULL, 0, NULL, NULL},
};

int cmd_scan_import(struct cli_ctx *c)
{
	const char *path, *fmt = opt_get(&c->opts, "format");
	enum scan_format format = SCAN_FORMAT_AUTO;
	struct scan_import_result r;
	struct timespec t0, t1;
	int rc;

	if ((rc = cli_operand(c, 0, "FILE", &path)) != 0)
		return rc;
	if (fmt && scan_format_parse(fmt, &format) != 0)
		return err_set(&c->err, ERR_USAGE,
		               "--format \"%s\": expected shadowserver, csv or json", fmt);
	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = scan_import(c->db, &c->act, path, format, opt_get(&c->opts, "source"), &r, &c->err);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = cli_finish(c, rc);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* the last of the phases scan_import prints (src/model/scan.c): the commit */
	if (rc == 0 && getenv("BAKEN_SCAN_TIMING"))
		fprintf(stderr, "scan import: commit   %.3f s\n",
		        (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (rc != 0)
		return rc;
	if (r.already) {
		cli_print_object(c,
		                 json_pack("{s:s, s:I, s:s, s:b, s:s}", "file", path, "import",
		                           (json_int_t)r.id, "sha256", r.sha256, "already", 1,
		                           "note", "imported before: nothing added"),
		                 (const char *const[]){"file", "import", "sha256", "note", NULL});
		return 0;
	}
	cli_print_object(
	    c,
	    json_pack("{s:s, s:I, s:s, s:s, s:s?, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
	              " s:I, s:I, s:I, s:I}",
	              "file", path, "import", (json_int_t)r.id, "sha256", r.sha256, "format",
	              r.format, "report", r.report[0] ? r.report : NULL, "source", r.source,
	              "already", 0, "rows", (json_int_t)r.rows, "observations",
	              (json_int_t)r.observations, "duplicates", (json_int_t)r.duplicates, "matched",
	              (json_int_t)r.matched, "unmatched", (json_int_t)r.unmatched, "systems_new",
	              (json_int_t)r.systems_new, "no_advisory", (json_int_t)r.no_advisory,
	              "organisations_informed", (json_int_t)r.organisations, "email",
	              (json_int_t)r.email, "webhook", (json_int_t)r.webhook, "call",
	              (json_int_t)r.call),
	    (const char *const[]){"file", "import", "format", "report", "source", "rows",
	                          "observations", "duplicates", "matched", "unmatched",
	                          "systems_new", "no_advisory", "organisations_informed", "email",
	                          "webhook", "call", NULL});
	return 0;
}

/* --cve in upper case ("cve-2019-19781" is CVE-2019-19781), into buf; NULL when not given. */
static const char *cve_opt(struct cli_ctx *c, char *buf, size_t n)
{
	const char *v = opt_get(&c->opts, "cve");
	size_t i;

	if (v == NULL)
		return NULL;
	for (i = 0; v[i] && i + 1 < n; i++)
		buf[i] = v[i] >= 'a' && v[i] <= 'z' ? (char)(v[i] - 32) : v[i];
	buf[i] = '\0';
	return buf;
}

/* --since as seconds since the epoch (0 when not given). */
static int since_opt(struct cli_ctx *c, int64_t *out)
{
	const char *s = opt_get(&c->opts, "since");

	*out = 0;
	if (s && time_parse(s, out, &c->err) != 0)
		return err_wrap(&c->err, "--since: ");
	return 0;
}

const struct opt_spec cmd_scan_list_opts[] = {
    {"org", OPT_VALUE, "ORG", "only this organisation's systems"},
    {"cve", OPT_VALUE, "CVE", "only this CVE"},
    {"advisory", OPT_VALUE, "ID", "only the CVEs of this advisory"},
    {"source", OPT_VALUE, "NAME", "only what this source saw last"},
    {"unmatched", OPT_FLAG, NULL, "only systems in no registered netblock, by AS number"},
    {"since", OPT_VALUE, "TIME", "only systems seen at or after TIME"},
    {"observations", OPT_FLAG, NULL, "the rows as imported (file, line, raw) instead"},
    {"limit", OPT_VALUE, "N", "at most N rows (default 10000)"},
    {NULL, 0, NULL, NULL},
};

int cmd_scan_list(struct cli_ctx *c)
{
	struct scan_filter f;
	const char *lim = opt_get(&c->opts, "limit");
	char cve[64];
	json_t *rows = NULL;
	int rc;

	memset(&f, 0, sizeof(f));
	f.org = opt_get(&c->opts, "org");
	f.cve = cve_opt(c, cve, sizeof(cve));
	f.advisory = opt_get(&c->opts, "advisory");
	f.source = opt_get(&c->opts, "source");
	f.unmatched = opt_has(&c->opts, "unmatched");
	f.observations = opt_has(&c->opts, "observations");
	if (lim) {
		char *end;
		errno = 0;
		f.limit = strtol(lim, &end, 10);
		if (*lim == '\0' || *end || errno || f.limit < 1 || f.limit > 100000000L)
			return err_set(&c->err, ERR_INPUT,
			               "--limit \"%s\": expected a whole number from 1", lim);
	}
	if ((rc = since_opt(c, &f.since)) != 0 || (rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, scan_list(c->db, &c->act, &f, &rows, &c->err));
	if (rc != 0)
		return rc;
	if (f.observations)
		cli_print_rows(c, rows,
		               (const char *const[]){"id", "source", "file", "line", "ip", "port",
		                                     "seen_at", "cve", "org", "asn", NULL});
	else if (f.unmatched)
		cli_print_rows(c, rows,
		               (const char *const[]){"asn", "ip", "ports", "cve", "hostname",
		                                     "first_seen", "last_seen", "state", NULL});
	else
		cli_print_rows(c, rows,
		               (const char *const[]){"org", "ip", "ports", "cve", "first_seen",
		                                     "last_seen", "seen", "state", "reported_at",
		                                     NULL});
	return 0;
}

const struct opt_spec cmd_scan_stats_opts[] = {
    {"advisory", OPT_VALUE, "ID", "per day, for the CVEs of this advisory"},
    {"cve", OPT_VALUE, "CVE", "per day, for this CVE"},
    {"by", OPT_VALUE, "kind|sector|org", "split each day by organisation kind, sector or org"},
    {"org", OPT_VALUE, "ORG", "only this organisation's systems"},
    {"since", OPT_VALUE, "TIME", "from this time on"},
    {"svg", OPT_VALUE, "FILE", "also write the chart (SVG) into FILE"},
    {NULL, 0, NULL, NULL},
};

static int write_svg(struct cli_ctx *c, const char *path, const json_t *stats)
{
	struct buf b;
	FILE *f;
	int rc = 0;

	buf_init(&b, BUF_MAX_DEFAULT);
	scan_svg(stats, &b);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(buf_str(&b), 1, b.len, f) != b.len)
		rc = err_set(&c->err, ERR_IO, "--svg %s: cannot write: %s", path, strerror(errno));
	if (f && fclose(f) != 0 && rc == 0)
		rc = err_set(&c->err, ERR_IO, "--svg %s: cannot write: %s", path, strerror(errno));
	buf_free(&b);
	return rc;
}

int cmd_scan_stats(struct cli_ctx *c)
{
	struct scan_stats_opts o;
	const char *svg = opt_get(&c->opts, "svg");
	json_t *res = NULL, *rows, *d, *g;
	char cve[64];
	size_t i, k;
	int rc;

	memset(&o, 0, sizeof(o));
	o.cve = cve_opt(c, cve, sizeof(cve));
	o.advisory = opt_get(&c->opts, "advisory");
	o.by = opt_get(&c->opts, "by");
	o.org = opt_get(&c->opts, "org");
	if (o.cve && o.advisory)
		return err_set(&c->err, ERR_USAGE, "give --cve or --advisory, not both");
	if (svg && !o.cve && !o.advisory)
		return err_set(&c->err, ERR_USAGE, "--svg needs --cve or --advisory");
	if ((rc = since_opt(c, &o.since)) != 0 || (rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, scan_stats(c->db, &c->act, &o, &res, &c->err));
	if (rc != 0)
		return rc;
	if (svg && (rc = write_svg(c, svg, res)) != 0) {
		json_decref(res);
		return rc;
	}
	if (!o.cve && !o.advisory) {
		cli_print_rows(c, res,
		               (const char *const[]){"cve", "advisories", "systems", "vulnerable",
		                                     "fixed", "organisations", "unmatched",
		                                     "first_seen", "last_seen", "informs", NULL});
		return 0;
	}
	if (c->json) {
		cli_print_json(res);
		return 0;
	}
	cli_print_object(c, json_incref(res),
	                 (const char *const[]){"cve", "advisory", "advisories", "informs", "org",
	                                       "systems", "vulnerable", "fixed", "organisations",
	                                       "unmatched", "first_seen", "last_seen",
	                                       "fixed_after", NULL});
	putchar('\n');
	rows = json_array();
	json_array_foreach(json_object_get(res, "days"), i, d)
	{
		if (o.by == NULL) {
			json_array_append(rows, d);
			continue;
		}
		json_array_foreach(json_object_get(d, "by"), k, g)
		{
			json_t *r = json_pack("{s:O, s:O, s:O}", "day", json_object_get(d, "day"),
			                      o.by, json_object_get(g, o.by), "systems",
			                      json_object_get(g, "systems"));
			json_array_append_new(rows, r);
		}
		if (json_array_size(json_object_get(d, "by")) == 0)
			json_array_append_new(rows,
			                      json_pack("{s:O, s:i}", "day",
			                                json_object_get(d, "day"), "systems", 0));
	}
	cli_print_rows(c, rows,
	               o.by ? (const char *const[]){"day", o.by, "systems", NULL}
	                    : (const char *const[]){"day", "systems", NULL});
	json_decref(res);
	return 0;
}
