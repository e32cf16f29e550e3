/* shadowserver.c: recognising Shadowserver reports and reading their tags and timestamps. */
#include "formats/shadowserver.h"

#include "core/timeutil.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

struct report {
	const char *type, *title, *columns;
};

static const struct report reports[] = {
#define REPORT(type, title, columns) {type, title, columns},
#include "formats/shadowserver_reports.def"
#undef REPORT
};
#define NREPORTS (sizeof(reports) / sizeof(reports[0]))

size_t shadowserver_known_reports(void)
{
	return NREPORTS;
}

/* 1 when the header's fields are exactly the comma-separated list cols (any case). */
static int header_is(char **fields, size_t n, const char *cols)
{
	const char *p = cols;

	for (size_t i = 0; i < n; i++) {
		size_t len = strcspn(p, ",");
		if (strlen(fields[i]) != len || strncasecmp(fields[i], p, len) != 0)
			return 0;
		p += len;
		if (*p == ',')
			p++;
		else if (i + 1 < n)
			return 0;
	}
	return *p == '\0';
}

static int column(char **fields, size_t n, const char *a, const char *b)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(fields[i], a) == 0 || (b && strcasecmp(fields[i], b) == 0))
			return (int)i;
	return -1;
}

/* 1 when filename (its last path component) is "YYYY-MM-DD-<type>-...". */
static int filename_names(const char *filename, const char *type)
{
	const char *base;
	size_t tl = strlen(type);

	if (filename == NULL)
		return 0;
	base = strrchr(filename, '/');
	base = base ? base + 1 : filename;
	if (strlen(base) < 11 || base[4] != '-' || base[7] != '-' || base[10] != '-')
		return 0;
	return strncmp(base + 11, type, tl) == 0 && (base[11 + tl] == '-' || base[11 + tl] == '.');
}

int shadowserver_header(char **fields, size_t n, const char *filename, const char **report,
                        struct shadowserver_cols *cols)
{
	const struct report *found = NULL;

	for (size_t i = 0; i < NREPORTS; i++) {
		if (!header_is(fields, n, reports[i].columns))
			continue;
		if (found == NULL || filename_names(filename, reports[i].type))
			found = &reports[i];
	}
	if (found == NULL &&
	    (n == 0 || strcasecmp(fields[0], "timestamp") != 0 ||
	     column(fields, n, "ip", "src_ip") < 0 || column(fields, n, "tag", NULL) < 0))
		return ERR_INPUT;
	*report = found ? found->type : "generic";
	cols->timestamp = column(fields, n, "timestamp", NULL);
	cols->ip = column(fields, n, "ip", "src_ip");
	cols->port = column(fields, n, "port", "src_port");
	cols->hostname = column(fields, n, "hostname", "src_hostname");
	cols->tag = column(fields, n, "tag", NULL);
	cols->asn = column(fields, n, "asn", "src_asn");
	cols->version = column(fields, n, "version", NULL);
	if (cols->timestamp < 0 || cols->ip < 0)
		return ERR_INPUT;
	return 0;
}

/* 1 when s[0..n) is a CVE id: "cve-" (any case), four digits, '-', four or more digits. */
static int is_cve(const char *s, size_t n)
{
	if (n < 13 || n > 20 || strncasecmp(s, "cve-", 4) != 0 || s[8] != '-')
		return 0;
	for (size_t i = 4; i < n; i++)
		if (i != 8 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

int shadowserver_tag_cves(const char *tag, char out[][24], size_t max, size_t *n, char *rest,
                          size_t restsz, struct err *e)
{
	const char *p = tag;
	size_t rl = 0;

	*n = 0;
	if (restsz)
		rest[0] = '\0';
	while (p && *p) {
		size_t len = strcspn(p, ";,");
		const char *tok = p;

		p += len;
		if (*p)
			p++;
		while (len && (*tok == ' ' || *tok == '\t'))
			tok++, len--;
		while (len && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
			len--;
		if (len == 0)
			continue;
		if (len >= 4 && strncasecmp(tok, "cve-", 4) == 0) {
			size_t k;
			if (!is_cve(tok, len))
				return err_set(e, ERR_INPUT,
				               "\"%.*s\" is not a CVE id (CVE-YYYY-NNNN)",
				               len > 40 ? 40 : (int)len, tok);
			for (k = 0; k < *n; k++)
				if (strncasecmp(out[k], tok, len) == 0 && out[k][len] == '\0')
					break;
			if (k < *n)
				continue; /* named twice */
			if (*n == max)
				return err_set(e, ERR_INPUT, "more than %zu CVE ids", max);
			for (size_t i = 0; i < len; i++)
				out[*n][i] =
				    (char)(tok[i] >= 'a' && tok[i] <= 'z' ? tok[i] - 32 : tok[i]);
			out[*n][len] = '\0';
			(*n)++;
			continue;
		}
		if (rl + len + 2 <= restsz) {
			if (rl)
				rest[rl++] = ';';
			memcpy(rest + rl, tok, len);
			rl += len;
			rest[rl] = '\0';
		}
	}
	return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, int n, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int shadowserver_time(const char *text, int64_t *out, struct err *e)
{
	static const unsigned char mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned y, mo, d, h, mi, s;

	if (strlen(text) == 19 && text[4] == '-' && text[7] == '-' && text[10] == ' ' &&
	    text[13] == ':' && text[16] == ':' && digits(text, 4, &y) == 0 &&
	    digits(text + 5, 2, &mo) == 0 && digits(text + 8, 2, &d) == 0 &&
	    digits(text + 11, 2, &h) == 0 && digits(text + 14, 2, &mi) == 0 &&
	    digits(text + 17, 2, &s) == 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= mdays[mo - 1] &&
	    h < 24 && mi < 60 && s < 60 &&
	    !(mo == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400)))) {
		*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
		return 0;
	}
	return time_parse(text, out, e);
}
