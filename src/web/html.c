/* html.c: escaping printf and URL helpers. */
#include "web/html.h"

#include "core/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

int html_escape(struct buf *b, const char *s)
{
	const char *run = s;
	int rc = 0;

	if (s == NULL)
		return 0;
	for (; *s && rc == 0; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		rc = buf_add(b, run, (size_t)(s - run));
		if (rc == 0)
			rc = buf_adds(b, rep);
		run = s + 1;
	}
	if (rc == 0)
		rc = buf_add(b, run, strlen(run));
	return rc;
}

int html_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	const char *p = fmt, *run = fmt;
	char num[32];
	int rc = 0;

	va_start(ap, fmt);
	while (*p && rc == 0) {
		int lng = 0, size = 0;
		const char *spec;

		if (*p != '%') {
			p++;
			continue;
		}
		rc = buf_add(b, run, (size_t)(p - run));
		spec = ++p;
		if (*p == '%') {
			rc = rc ? rc : buf_addc(b, '%');
			run = ++p;
			continue;
		}
		while (*p == 'l') {
			lng++;
			p++;
		}
		if (*p == 'z') {
			size = 1;
			p++;
		}
		switch (*p) {
		case 's':
			if (lng || size)
				abort();
			rc = rc ? rc : html_escape(b, va_arg(ap, const char *));
			break;
		case 'd':
		case 'i':
			if (size)
				snprintf(num, sizeof(num), "%zd", va_arg(ap, ssize_t));
			else if (lng >= 2)
				snprintf(num, sizeof(num), "%lld", va_arg(ap, long long));
			else if (lng == 1)
				snprintf(num, sizeof(num), "%ld", va_arg(ap, long));
			else
				snprintf(num, sizeof(num), "%d", va_arg(ap, int));
			rc = rc ? rc : buf_adds(b, num);
			break;
		case 'u':
			if (size)
				snprintf(num, sizeof(num), "%zu", va_arg(ap, size_t));
			else if (lng >= 2)
				snprintf(num, sizeof(num), "%llu", va_arg(ap, unsigned long long));
			else if (lng == 1)
				snprintf(num, sizeof(num), "%lu", va_arg(ap, unsigned long));
			else
				snprintf(num, sizeof(num), "%u", va_arg(ap, unsigned));
			rc = rc ? rc : buf_adds(b, num);
			break;
		default:
			/* a conversion this printf does not know: the format string is wrong */
			(void)spec;
			abort();
		}
		run = ++p;
	}
	if (rc == 0)
		rc = buf_add(b, run, (size_t)(p - run));
	va_end(ap);
	return rc;
}

int url_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;

	for (; s && *s && rc == 0; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			rc = buf_addc(b, (char)c);
		} else {
			char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
			rc = buf_add(b, enc, 3);
		}
	}
	return rc;
}

char *url_encode_dup(const char *s)
{
	struct buf b;

	buf_init(&b, BUF_MAX_DEFAULT);
	url_encode(&b, s);
	return buf_take(&b);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t url_decode(char *s)
{
	char *w = s;

	for (const char *r = s; *r; r++) {
		if (*r == '+') {
			*w++ = ' ';
		} else if (*r == '%' && hexval(r[1]) >= 0 && hexval(r[2]) >= 0) {
			char c = (char)(hexval(r[1]) * 16 + hexval(r[2]));
			r += 2;
			if (c == '\0')
				continue; /* no NUL inside a C string */
			*w++ = c;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

int html_url_ok(const char *url)
{
	if (url == NULL || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0))
		return 0;
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>' || *p == '\\' ||
		    *p == '`' || (unsigned char)*p == 0x7f)
			return 0;
	return 1;
}

int html_link(struct buf *b, const char *url, const char *text)
{
	if (!html_url_ok(url))
		return html_escape(b, text ? text : url);
	return html_printf(b, "<a href=\"%s\" rel=\"noopener noreferrer nofollow\">%s</a>", url,
	                   text ? text : url);
}

int html_paragraphs(struct buf *b, const char *text)
{
	const char *p = text;
	int rc = 0, open = 0;

	if (text == NULL)
		return 0;
	while (*p && rc == 0) {
		const char *end = strchr(p, '\n');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *line = xstrndup(p, n);

		if (n == 0 || (n == 1 && line[0] == '\r')) {
			if (open)
				rc = buf_adds(b, "</p>\n");
			open = 0;
		} else {
			rc = buf_adds(b, open ? "<br>\n" : "<p>");
			open = 1;
			if (rc == 0)
				rc = html_escape(b, line);
		}
		free(line);
		p += n;
		if (*p == '\n')
			p++;
	}
	if (open && rc == 0)
		rc = buf_adds(b, "</p>\n");
	return rc;
}
