/* timeutil.c: ISO 8601 parsing and formatting without the C library's locale and TZ state. */
#include "core/timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Reads exactly n digits at *p, advancing it; -1 when they are not there. */
static int take_digits(const char **p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	return v;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dim[m - 1];
}

int time_parse(const char *text, int64_t *out, struct err *e)
{
	const char *p = text;
	int y, mo, d, h = 0, mi = 0, s = 0, off = 0;

	y = take_digits(&p, 4);
	if (y < 0 || *p++ != '-')
		goto bad;
	mo = take_digits(&p, 2);
	if (mo < 1 || mo > 12 || *p++ != '-')
		goto bad;
	d = take_digits(&p, 2);
	if (d < 1 || d > days_in_month(y, mo))
		goto bad;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		h = take_digits(&p, 2);
		if (h < 0 || h > 23 || *p++ != ':')
			goto bad;
		mi = take_digits(&p, 2);
		if (mi < 0 || mi > 59)
			goto bad;
		if (*p == ':') {
			p++;
			s = take_digits(&p, 2);
			if (s < 0 || s > 60)
				goto bad;
			if (*p == '.' || *p == ',') {
				p++;
				if (*p < '0' || *p > '9')
					goto bad;
				while (*p >= '0' && *p <= '9')
					p++;
			}
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1, oh, om;
			oh = take_digits(&p, 2);
			if (*p == ':')
				p++;
			om = take_digits(&p, 2);
			if (oh < 0 || oh > 23 || om < 0 || om > 59)
				goto bad;
			off = sign * (oh * 3600 + om * 60);
		}
	}
	if (*p != '\0')
		goto bad;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - off;
	return 0;
bad:
	return err_set(
	    e, ERR_INPUT,
	    "bad time \"%s\": expected ISO 8601 such as 2019-12-18T10:00:00Z or 2019-12-18", text);
}

void time_format(int64_t t, char *out, size_t outsz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_format_compact_date(int64_t t, char *out, size_t outsz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, outsz, "%Y%m%d", &tm);
}

int64_t time_now(void)
{
	return (int64_t)time(NULL);
}
