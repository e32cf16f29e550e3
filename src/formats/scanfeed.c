/* scanfeed.c: the streaming reader of scan results (Shadowserver CSV, plain CSV, JSON lines). */
#include "formats/scanfeed.h"

#include "core/xalloc.h"
#include "domain/cidr.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The columns of the plain CSV and the keys of a JSON line. */
enum {
	PC_IP,
	PC_PORT,
	PC_SEEN,
	PC_CVE,
	PC_PRODUCT,
	PC_VERSION,
	PC_HOSTNAME,
	PC_ASN,
	PC_N
};
static const char *const plain_names[PC_N] = {"ip",      "port",    "seen_at",  "cve",
                                              "product", "version", "hostname", "asn"};

struct scanfeed {
	enum scan_format want, fmt;
	const char *name;
	scan_row_fn fn;
	void *ctx;
	int failed, started, header_done;
	int bom_checked; /* a byte order mark counts only at the very start */
	long line;       /* the line the next row starts on */
	long rows;
	const char *report;
	struct shadowserver_cols ss;
	int plain[PC_N]; /* column of each plain field, or -1 */
	size_t ncols;
	/* bytes not yet read as rows; pend[0] is at byte base of the file */
	char *pend;
	size_t plen, pcap;
	int64_t base;
	int64_t body_offset;
	/* the fields of the current row, unquoted, each NUL-terminated, in fbuf */
	char *fbuf;
	size_t fcap;
	size_t foff[SCANFEED_FIELDS_MAX];
	char *fields[SCANFEED_FIELDS_MAX];
	size_t nfields;
};

const char *scan_format_name(enum scan_format fmt)
{
	switch (fmt) {
	case SCAN_FORMAT_SHADOWSERVER:
		return "shadowserver";
	case SCAN_FORMAT_CSV:
		return "csv";
	case SCAN_FORMAT_JSON:
		return "json";
	default:
		return "auto";
	}
}

int scan_format_parse(const char *s, enum scan_format *out)
{
	static const enum scan_format all[] = {SCAN_FORMAT_SHADOWSERVER, SCAN_FORMAT_CSV,
	                                       SCAN_FORMAT_JSON, SCAN_FORMAT_AUTO};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcasecmp(s, scan_format_name(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	if (strcasecmp(s, "jsonl") == 0) {
		*out = SCAN_FORMAT_JSON;
		return 0;
	}
	return ERR_INPUT;
}

struct scanfeed *scanfeed_new(enum scan_format fmt, const char *name, scan_row_fn fn, void *ctx)
{
	struct scanfeed *f = xcalloc(1, sizeof(*f));

	f->want = fmt;
	f->name = name ? name : "(input)";
	f->fn = fn;
	f->ctx = ctx;
	f->line = 1;
	f->fcap = 4096;
	f->fbuf = xmalloc(f->fcap);
	return f;
}

void scanfeed_set_callback(struct scanfeed *f, scan_row_fn fn, void *ctx)
{
	f->fn = fn;
	f->ctx = ctx;
}

void scanfeed_free(struct scanfeed *f)
{
	if (f == NULL)
		return;
	free(f->pend);
	free(f->fbuf);
	free(f);
}

enum scan_format scanfeed_format(const struct scanfeed *f)
{
	return f->fmt;
}

const char *scanfeed_report(const struct scanfeed *f)
{
	return f->report;
}

long scanfeed_rows(const struct scanfeed *f)
{
	return f->rows;
}

int64_t scanfeed_body_offset(const struct scanfeed *f)
{
	return f->body_offset;
}

/* "name:line: " + message; returns ERR_INPUT. */
__attribute__((format(printf, 4, 5))) static int fail(struct scanfeed *f, long line, struct err *e,
                                                      const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f->failed = 1;
	return err_set(e, ERR_INPUT, "%s:%ld: %s", f->name, line, msg);
}

/* Wraps the message already in e as "name:line: field F: ..."; returns ERR_INPUT. */
static int fail_field(struct scanfeed *f, long line, const char *field, struct err *e)
{
	f->failed = 1;
	if (e == NULL)
		return ERR_INPUT;
	e->code = ERR_INPUT;
	return err_wrap(e, "%s:%ld: field %s: ", f->name, line, field);
}

/* Appends n bytes of s to the field being built (and room for its NUL). The row's size is
 * checked before, so this grows to SCANFEED_ROW_MAX plus a NUL per field at most. */
static void fadd(struct scanfeed *f, size_t *flen, const char *s, size_t n)
{
	if (*flen + n + 1 > f->fcap) {
		while (*flen + n + 1 > f->fcap)
			f->fcap *= 2;
		f->fbuf = xrealloc(f->fbuf, f->fcap);
	}
	memcpy(f->fbuf + *flen, s, n);
	*flen += n;
}

/* Reads one CSV row from p..end into f->fields. Returns 1 with *used (bytes, with the line
 * end), *raw_len and *lines (line ends inside it, the last one included) when the row is
 * whole; 0 when the data ends before the row does and more may come (last is 0); or an error.
 */
static int csv_row(struct scanfeed *f, const char *p, const char *end, int last, size_t *used,
                   size_t *raw_len, long *lines, struct err *e)
{
	const char *q = p;
	size_t flen = 0;
	long nl = 0;

	f->nfields = 0;
	for (;;) {
		size_t start = flen;

		if ((size_t)(q - p) > SCANFEED_ROW_MAX)
			return fail(f, f->line, e, "a row longer than %zu bytes", SCANFEED_ROW_MAX);
		if (f->nfields == SCANFEED_FIELDS_MAX)
			return fail(f, f->line, e, "more than %d fields in a row",
			            SCANFEED_FIELDS_MAX);
		if (q < end && *q == '"') {
			q++;
			for (;;) {
				const char *dq = memchr(q, '"', (size_t)(end - q));
				const char *stop = dq ? dq : end;

				if ((size_t)(stop - p) > SCANFEED_ROW_MAX)
					return fail(f, f->line, e, "a row longer than %zu bytes",
					            SCANFEED_ROW_MAX);
				for (const char *c = q; c < stop; c++)
					nl += *c == '\n';
				fadd(f, &flen, q, (size_t)(stop - q));
				if (dq == NULL) {
					if (!last)
						return 0;
					return fail(f, f->line, e,
					            "the file ends inside a quoted field: it is "
					            "truncated");
				}
				if (dq + 1 < end && dq[1] == '"') {
					fadd(f, &flen, "\"", 1);
					q = dq + 2;
					continue;
				}
				if (dq + 1 == end && !last)
					return 0;
				q = dq + 1;
				break;
			}
			if (q < end && *q != ',' && *q != '\n' && *q != '\r')
				return fail(f, f->line + nl, e,
				            "field %zu: unexpected '%c' after a closing quote",
				            f->nfields + 1, *q);
		} else {
			const char *c = q;
			while (c < end && *c != ',' && *c != '\n' && *c != '\r')
				c++;
			if ((size_t)(c - p) > SCANFEED_ROW_MAX)
				return fail(f, f->line, e, "a row longer than %zu bytes",
				            SCANFEED_ROW_MAX);
			fadd(f, &flen, q, (size_t)(c - q));
			q = c;
		}
		fadd(f, &flen, "", 0); /* makes room for the NUL */
		f->fbuf[flen++] = '\0';
		f->foff[f->nfields++] = start;
		if (q == end) {
			if (!last)
				return 0;
			*raw_len = (size_t)(q - p);
			*used = (size_t)(q - p);
			*lines = nl + 1;
			break;
		}
		if (*q == ',') {
			q++;
			continue;
		}
		*raw_len = (size_t)(q - p);
		if (*q == '\r' && q + 1 == end && !last)
			return 0;
		q += (*q == '\r' && q + 1 < end && q[1] == '\n') ? 2 : 1;
		*used = (size_t)(q - p);
		*lines = nl + 1;
		break;
	}
	for (size_t i = 0; i < f->nfields; i++)
		f->fields[i] = f->fbuf + f->foff[i];
	return 1;
}

/* Parses a whole number 0..max from s; -1 when s is empty; -2 when it is not one. */
static int64_t number(const char *s, int64_t max)
{
	int64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > max / 10)
			return -2;
		v = v * 10 + (*s - '0');
	}
	return v > max ? -2 : v;
}

static int take_ip(struct scanfeed *f, long line, const char *s, struct scan_row *r, struct err *e)
{
	if (*s == '\0')
		return fail(f, line, e, "field ip: missing");
	if (ip_parse(s, r->ip, &r->v4, e) != 0)
		return fail_field(f, line, "ip", e);
	return 0;
}

static int take_port(struct scanfeed *f, long line, const char *s, struct scan_row *r,
                     struct err *e)
{
	int64_t v = number(s, 65535);

	if (v == -2)
		return fail(f, line, e, "field port: \"%.40s\" is not a port (0-65535)", s);
	r->port = (int)v;
	return 0;
}

static int take_asn(struct scanfeed *f, long line, const char *s, struct scan_row *r, struct err *e)
{
	int64_t v = number(s, 4294967295LL);

	if (v == -2)
		return fail(f, line, e, "field asn: \"%.40s\" is not an AS number", s);
	r->asn = v;
	return 0;
}

static int take_time(struct scanfeed *f, long line, const char *field, const char *s,
                     struct scan_row *r, struct err *e)
{
	if (*s == '\0')
		return fail(f, line, e, "field %s: missing", field);
	if (shadowserver_time(s, &r->seen_at, e) != 0)
		return fail_field(f, line, field, e);
	return 0;
}

/* CVE ids from a plain "cve" value: ids separated by ';', ',' or nothing else. */
static int take_cves(struct scanfeed *f, long line, const char *s, struct scan_row *r,
                     struct err *e)
{
	char rest[64];

	if (shadowserver_tag_cves(s, r->cves, SHADOWSERVER_CVES_MAX, &r->ncves, rest, sizeof(rest),
	                          e) != 0)
		return fail_field(f, line, "cve", e);
	if (rest[0])
		return fail(f, line, e, "field cve: \"%.40s\" is not a CVE id (CVE-YYYY-NNNN)",
		            rest);
	return 0;
}

static const char *opt_field(struct scanfeed *f, int col)
{
	return col >= 0 && f->fields[col][0] ? f->fields[col] : NULL;
}

static int shadowserver_row(struct scanfeed *f, long line, struct scan_row *r, struct err *e)
{
	char product[256];
	int rc;

	if ((rc = take_ip(f, line, f->fields[f->ss.ip], r, e)) ||
	    (rc = take_time(f, line, "timestamp", f->fields[f->ss.timestamp], r, e)) ||
	    (f->ss.port >= 0 && (rc = take_port(f, line, f->fields[f->ss.port], r, e))) ||
	    (f->ss.asn >= 0 && (rc = take_asn(f, line, f->fields[f->ss.asn], r, e))))
		return rc;
	product[0] = '\0';
	if (f->ss.tag >= 0 &&
	    shadowserver_tag_cves(f->fields[f->ss.tag], r->cves, SHADOWSERVER_CVES_MAX, &r->ncves,
	                          product, sizeof(product), e) != 0)
		return fail_field(f, line, "tag", e);
	r->product = product[0] ? product : NULL;
	r->version = opt_field(f, f->ss.version);
	r->hostname = opt_field(f, f->ss.hostname);
	return f->fn(f->ctx, r, e);
}

static int plain_row(struct scanfeed *f, long line, struct scan_row *r, struct err *e)
{
	int rc;

	if ((rc = take_ip(f, line, f->fields[f->plain[PC_IP]], r, e)) ||
	    (rc = take_time(f, line, "seen_at", f->fields[f->plain[PC_SEEN]], r, e)) ||
	    (rc = take_port(f, line, f->fields[f->plain[PC_PORT]], r, e)) ||
	    (rc = take_cves(f, line, f->fields[f->plain[PC_CVE]], r, e)) ||
	    (f->plain[PC_ASN] >= 0 && (rc = take_asn(f, line, f->fields[f->plain[PC_ASN]], r, e))))
		return rc;
	r->product = opt_field(f, f->plain[PC_PRODUCT]);
	r->version = opt_field(f, f->plain[PC_VERSION]);
	r->hostname = opt_field(f, f->plain[PC_HOSTNAME]);
	return f->fn(f->ctx, r, e);
}

/* The header line of a CSV file decides its format. */
static int csv_header(struct scanfeed *f, struct err *e)
{
	char shown[200];
	size_t o = 0;
	int plain_ok = 1;

	f->ncols = f->nfields;
	if (f->want != SCAN_FORMAT_CSV &&
	    shadowserver_header(f->fields, f->nfields, f->name, &f->report, &f->ss) == 0) {
		f->fmt = SCAN_FORMAT_SHADOWSERVER;
		return 0;
	}
	for (int k = 0; k < PC_N; k++)
		f->plain[k] = -1;
	for (size_t i = 0; i < f->nfields; i++) {
		int k;
		for (k = 0; k < PC_N; k++)
			if (strcasecmp(f->fields[i], plain_names[k]) == 0)
				break;
		if (k == PC_N || f->plain[k] >= 0)
			plain_ok = 0;
		else
			f->plain[k] = (int)i;
	}
	for (int k = 0; k < 4; k++)
		plain_ok &= f->plain[k] >= 0;
	if (plain_ok && f->want != SCAN_FORMAT_SHADOWSERVER) {
		f->fmt = SCAN_FORMAT_CSV;
		return 0;
	}
	for (size_t i = 0; i < f->nfields && o + 8 < sizeof(shown); i++) {
		int n = snprintf(shown + o, sizeof(shown) - o, "%s%s", i ? "," : "", f->fields[i]);
		o += n > 0 ? (size_t)n : 0;
	}
	if (o >= sizeof(shown) - 8)
		snprintf(shown + sizeof(shown) - 8, 8, "...");
	if (f->want == SCAN_FORMAT_SHADOWSERVER)
		return fail(f, 1, e,
		            "unknown header \"%s\": not one of the %zu Shadowserver reports Baken "
		            "knows, nor their generic shape (timestamp first, with ip and tag)",
		            shown, shadowserver_known_reports());
	if (f->want == SCAN_FORMAT_CSV)
		return fail(f, 1, e,
		            "unknown header \"%s\": expected ip,port,seen_at,cve (optional "
		            "product,version,hostname,asn)",
		            shown);
	return fail(f, 1, e,
	            "unknown header \"%s\": expected a Shadowserver report (timestamp,...,ip,..."
	            ",tag,...), the plain ip,port,seen_at,cve[,product,version], or JSON lines",
	            shown);
}

static const char *jstr(json_t *v)
{
	return json_is_string(v) && json_string_value(v)[0] ? json_string_value(v) : NULL;
}

static int json_row(struct scanfeed *f, const char *p, size_t n, struct scan_row *r, struct err *e)
{
	json_error_t jerr;
	json_t *o = json_loadb(p, n, JSON_REJECT_DUPLICATES, &jerr), *v;
	const char *k;
	int rc = 0;

	if (o == NULL)
		return fail(f, r->line, e, "malformed JSON: %s", jerr.text);
	if (!json_is_object(o)) {
		json_decref(o);
		return fail(f, r->line, e, "expected an object");
	}
	json_object_foreach(o, k, v)
	{
		int i;
		for (i = 0; i < PC_N; i++)
			if (strcmp(k, plain_names[i]) == 0)
				break;
		if (i == PC_N) {
			rc = fail(f, r->line, e,
			          "unknown field \"%.40s\" (expected ip, port, seen_at, cve, "
			          "product, version, hostname, asn)",
			          k);
			goto out;
		}
		if ((i == PC_PORT || i == PC_ASN) && !json_is_integer(v) && !json_is_null(v)) {
			rc = fail(f, r->line, e, "field %s: expected a number", k);
			goto out;
		}
		if (i != PC_PORT && i != PC_ASN && i != PC_CVE && !json_is_string(v) &&
		    !json_is_null(v)) {
			rc = fail(f, r->line, e, "field %s: expected a string", k);
			goto out;
		}
	}
	if (!jstr(json_object_get(o, "ip")) || !jstr(json_object_get(o, "seen_at"))) {
		rc = fail(f, r->line, e, "field %s: missing",
		          jstr(json_object_get(o, "ip")) ? "seen_at" : "ip");
		goto out;
	}
	if ((rc = take_ip(f, r->line, jstr(json_object_get(o, "ip")), r, e)) ||
	    (rc = take_time(f, r->line, "seen_at", jstr(json_object_get(o, "seen_at")), r, e)))
		goto out;
	v = json_object_get(o, "port");
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0 || json_integer_value(v) > 65535) {
			rc = fail(f, r->line, e, "field port: %lld is not a port (0-65535)",
			          (long long)json_integer_value(v));
			goto out;
		}
		r->port = (int)json_integer_value(v);
	}
	v = json_object_get(o, "asn");
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0 || json_integer_value(v) > 4294967295LL) {
			rc = fail(f, r->line, e, "field asn: not an AS number");
			goto out;
		}
		r->asn = json_integer_value(v);
	}
	v = json_object_get(o, "cve");
	if (json_is_string(v)) {
		rc = take_cves(f, r->line, json_string_value(v), r, e);
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			struct scan_row one;
			if (!json_is_string(x)) {
				rc = fail(f, r->line, e, "field cve: [%zu]: expected a string", i);
				goto out;
			}
			if ((rc = take_cves(f, r->line, json_string_value(x), &one, e)) != 0)
				goto out;
			for (size_t c = 0; c < one.ncves; c++) {
				size_t d;
				for (d = 0; d < r->ncves; d++)
					if (strcmp(r->cves[d], one.cves[c]) == 0)
						break;
				if (d < r->ncves)
					continue;
				if (r->ncves == SHADOWSERVER_CVES_MAX) {
					rc = fail(f, r->line, e, "field cve: more than %d CVE ids",
					          SHADOWSERVER_CVES_MAX);
					goto out;
				}
				memcpy(r->cves[r->ncves++], one.cves[c], sizeof(one.cves[c]));
			}
		}
	} else if (v && !json_is_null(v)) {
		rc = fail(f, r->line, e, "field cve: expected a string or an array of strings");
	}
	if (rc != 0)
		goto out;
	r->product = jstr(json_object_get(o, "product"));
	r->version = jstr(json_object_get(o, "version"));
	r->hostname = jstr(json_object_get(o, "hostname"));
	rc = f->fn(f->ctx, r, e);
out:
	json_decref(o);
	return rc;
}

static void row_init(struct scanfeed *f, struct scan_row *r, long line, const char *raw,
                     size_t raw_len)
{
	r->line = line;
	r->raw = raw;
	r->raw_len = raw_len;
	r->offset = f->base + (raw - f->pend);
	r->v4 = 0;
	r->port = -1;
	r->asn = -1;
	r->ncves = 0;
	r->seen_at = 0;
	r->product = r->version = r->hostname = NULL;
}

/* Reads the rows in f->pend; keeps what is not yet a whole row. last: the file ends here. */
static int drain(struct scanfeed *f, int last, struct err *e)
{
	size_t pos = 0;
	int rc = 0;

	if (!f->started) {
		size_t skip = 0;
		if (!f->bom_checked && f->plen < 3 && !last)
			return 0;
		if (!f->bom_checked && f->plen >= 3 && memcmp(f->pend, "\xef\xbb\xbf", 3) == 0)
			skip = 3;
		f->bom_checked = 1;
		while (skip < f->plen && (f->pend[skip] == ' ' || f->pend[skip] == '\t' ||
		                          f->pend[skip] == '\r' || f->pend[skip] == '\n')) {
			f->line += f->pend[skip] == '\n';
			skip++;
		}
		if (skip == f->plen && !last) {
			pos = skip;
			goto keep;
		}
		if (skip == f->plen)
			return fail(f, f->line, e, "the file is empty");
		f->started = 1;
		if (f->want == SCAN_FORMAT_JSON ||
		    (f->want == SCAN_FORMAT_AUTO && f->pend[skip] == '{')) {
			f->fmt = SCAN_FORMAT_JSON;
			f->header_done = 1;
		}
		pos = skip;
	}
	while (pos < f->plen) {
		struct scan_row r;
		const char *p = f->pend + pos, *end = f->pend + f->plen;
		long line = f->line;

		if (f->fmt == SCAN_FORMAT_JSON) {
			const char *nlp = memchr(p, '\n', (size_t)(end - p));
			size_t n = nlp ? (size_t)(nlp - p) : (size_t)(end - p), raw = n;
			size_t blank = 0;

			if (nlp == NULL && !last) {
				if (n > SCANFEED_ROW_MAX)
					return fail(f, line, e, "a line longer than %zu bytes",
					            SCANFEED_ROW_MAX);
				break;
			}
			if (raw > 0 && p[raw - 1] == '\r')
				raw--;
			while (blank < raw && (p[blank] == ' ' || p[blank] == '\t'))
				blank++;
			pos += n + (nlp != NULL);
			f->line++;
			if (blank == raw)
				continue;
			if (n > SCANFEED_ROW_MAX)
				return fail(f, line, e, "a line longer than %zu bytes",
				            SCANFEED_ROW_MAX);
			if (nlp == NULL && p[raw - 1] != '}')
				return fail(f, line, e,
				            "the file ends inside a JSON line: it is truncated");
			row_init(f, &r, line, p, raw);
			f->rows++;
			if ((rc = json_row(f, p, raw, &r, e)) != 0) {
				f->failed = 1;
				return rc;
			}
			continue;
		}
		{
			size_t used = 0, raw_len = 0;
			long lines = 0;

			rc = csv_row(f, p, end, last, &used, &raw_len, &lines, e);
			if (rc < 0)
				return rc;
			if (rc == 0)
				break;
			pos += used;
			f->line += lines;
			if (raw_len == 0 || (f->nfields == 1 && f->fields[0][0] == '\0'))
				continue; /* a blank line */
			if (!f->header_done) {
				if ((rc = csv_header(f, e)) != 0)
					return rc;
				f->header_done = 1;
				f->body_offset = f->base + (int64_t)pos;
				continue;
			}
			if (f->nfields != f->ncols) {
				if (last && pos >= f->plen && f->nfields < f->ncols)
					return fail(f, line, e,
					            "%zu fields where the header has %zu: the file "
					            "ends inside this row, it is truncated",
					            f->nfields, f->ncols);
				return fail(f, line, e, "%zu fields where the header has %zu",
				            f->nfields, f->ncols);
			}
			row_init(f, &r, line, p, raw_len);
			f->rows++;
			rc = f->fmt == SCAN_FORMAT_SHADOWSERVER ? shadowserver_row(f, line, &r, e)
			                                        : plain_row(f, line, &r, e);
			if (rc != 0) {
				f->failed = 1;
				return rc;
			}
		}
	}
keep:
	if (pos > 0) {
		memmove(f->pend, f->pend + pos, f->plen - pos);
		f->plen -= pos;
		f->base += (int64_t)pos;
	}
	return 0;
}

int scanfeed_feed(struct scanfeed *f, const char *data, size_t n, struct err *e)
{
	if (f->failed)
		return err_set(e, ERR_INPUT, "%s: reading stopped at an earlier error", f->name);
	if (f->plen + n > f->pcap) {
		size_t cap = f->pcap ? f->pcap : 65536;
		while (cap < f->plen + n)
			cap *= 2;
		f->pend = xrealloc(f->pend, cap);
		f->pcap = cap;
	}
	memcpy(f->pend + f->plen, data, n);
	f->plen += n;
	return drain(f, 0, e);
}

int scanfeed_finish(struct scanfeed *f, struct err *e)
{
	int rc;

	if (f->failed)
		return err_set(e, ERR_INPUT, "%s: reading stopped at an earlier error", f->name);
	if (f->pend == NULL)
		f->pend = xmalloc(1);
	if ((rc = drain(f, 1, e)) != 0)
		return rc;
	if (f->plen != 0)
		return fail(f, f->line, e, "the file ends inside a row: it is truncated");
	if (!f->header_done)
		return fail(f, f->line, e, "no header line");
	return 0;
}
