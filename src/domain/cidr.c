/* cidr.c: strict parsers and RFC 5952 formatting for IPv4/IPv6 addresses and netblocks. */
#include "domain/cidr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* At most this many bytes of the user's text are quoted in a message. */
#define QUOTE_MAX 96

/* What an error message needs: where it goes, what was being parsed and the whole text. */
struct ctx {
	struct err *e;
	const char *kind; /* "CIDR" or "IP address" */
	const char *text;
};

static const char hexdig[] = "0123456789abcdef";

/* Sets `bad <kind> "<text>": <why>` in cx->e; returns ERR_INPUT. */
__attribute__((format(printf, 2, 3))) static int fail(const struct ctx *cx, const char *fmt, ...)
{
	char why[256], q[QUOTE_MAX * 4 + 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	err_quote(q, sizeof(q), cx->text, QUOTE_MAX);
	return err_set(cx->e, ERR_INPUT, "bad %s \"%s\": %s", cx->kind, q, why);
}

static int unexpected(const struct ctx *cx, unsigned char c, const char *where)
{
	char cb[8];

	if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
		return fail(cx, "unexpected white space%s", where);
	return fail(cx, "unexpected character %s%s", err_char_name(c, cb), where);
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses exactly four dotted decimal octets filling s[0..n) into out[4]. */
static int parse_v4(const struct ctx *cx, const char *s, size_t n, unsigned char out[4])
{
	size_t i = 0;
	int count = 0;

	for (;;) {
		size_t start = i, len;
		unsigned int v = 0;

		while (i < n && is_digit(s[i]))
			i++;
		len = i - start;
		if (len == 0) {
			if (i < n && s[i] != '.')
				return unexpected(cx, (unsigned char)s[i], "");
			if (i == 0)
				return fail(cx, "an IPv4 address starts with '.'");
			if (i == n)
				return fail(cx, "an IPv4 address ends with '.'");
			return fail(cx, "empty octet %d", count + 1);
		}
		if (len > 1 && s[start] == '0')
			return fail(
			    cx, "octet \"%.*s\" has a leading zero (ambiguous: octal or decimal?)",
			    len > 20 ? 20 : (int)len, s + start);
		if (len > 3)
			return fail(cx, "octet %.*s%s is over 255", len > 20 ? 20 : (int)len,
			            s + start, len > 20 ? "..." : "");
		for (size_t k = start; k < i; k++)
			v = v * 10 + (unsigned int)(s[k] - '0');
		if (v > 255)
			return fail(cx, "octet %u is over 255", v);
		if (count < 4)
			out[count] = (unsigned char)v;
		count++;
		if (i == n)
			break;
		if (s[i] != '.')
			return unexpected(cx, (unsigned char)s[i], "");
		i++;
	}
	if (count != 4)
		return fail(cx, "expected 4 octets in an IPv4 address, got %d", count);
	return 0;
}

/* Parses RFC 4291 IPv6 text filling s[0..n) (n > 0) into out[16]. */
static int parse_v6(const struct ctx *cx, const char *s, size_t n, unsigned char out[16])
{
	unsigned int g[8];
	int ng = 0, dc = -1, rc;
	size_t i = 0;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		dc = 0;
		i = 2;
		if (i < n && s[i] == ':')
			return fail(cx, "\":::\" is not allowed");
	} else if (s[0] == ':') {
		return fail(cx, "an IPv6 address starts with a single ':'");
	}
	while (i < n) {
		size_t start = i, len;
		unsigned int v = 0;

		while (i < n && hex_value(s[i]) >= 0)
			i++;
		if (i < n && s[i] == '.') {
			unsigned char q[4] = {0};

			if (ng > 6)
				return fail(cx, "too many groups before the IPv4 part (at most 6)");
			rc = parse_v4(cx, s + start, n - start, q);
			if (rc < 0)
				return rc;
			g[ng++] = (unsigned int)q[0] << 8 | q[1];
			g[ng++] = (unsigned int)q[2] << 8 | q[3];
			break;
		}
		len = i - start;
		if (len == 0) {
			if (s[i] == '%')
				return fail(cx, "a zone index (\"%%...\") is not allowed");
			return unexpected(cx, (unsigned char)s[i], "");
		}
		if (len > 4)
			return fail(cx, "group \"%.*s%s\" has more than 4 hex digits",
			            len > 16 ? 16 : (int)len, s + start, len > 16 ? "..." : "");
		if (ng == 8)
			return fail(cx, "more than 8 groups");
		for (size_t k = start; k < i; k++)
			v = v << 4 | (unsigned int)hex_value(s[k]);
		g[ng++] = v;
		if (i == n)
			break;
		if (s[i] == '%')
			return fail(cx, "a zone index (\"%%...\") is not allowed");
		if (s[i] != ':')
			return unexpected(cx, (unsigned char)s[i], "");
		i++;
		if (i == n)
			return fail(cx, "an IPv6 address ends with a single ':'");
		if (s[i] == ':') {
			if (dc >= 0)
				return fail(cx, "more than one \"::\"");
			dc = ng;
			i++;
			if (i < n && s[i] == ':')
				return fail(cx, "\":::\" is not allowed");
		}
	}
	if (dc < 0 && ng != 8)
		return fail(cx, "too few groups: expected 8, got %d", ng);
	if (dc >= 0 && ng > 7)
		return fail(cx, "too many groups: \"::\" must stand for at least one zero group");
	memset(out, 0, 16);
	for (int k = 0; k < ng; k++) {
		int at = (dc < 0 || k < dc) ? k : 8 - (ng - k);

		out[2 * at] = (unsigned char)(g[k] >> 8);
		out[2 * at + 1] = (unsigned char)(g[k] & 0xff);
	}
	return 0;
}

/* 1 when addr is in ::ffff:0:0/96. */
static int is_mapped(const unsigned char addr[16])
{
	static const unsigned char pre[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	return memcmp(addr, pre, sizeof(pre)) == 0;
}

/* Parses an address filling s[0..n) (n > 0); *v4text tells whether it was dotted IPv4. */
static int parse_addr(const struct ctx *cx, const char *s, size_t n, unsigned char addr[16],
                      int *v4text)
{
	if (memchr(s, ':', n) != NULL) {
		*v4text = 0;
		return parse_v6(cx, s, n, addr);
	}
	*v4text = 1;
	memset(addr, 0, 16);
	addr[10] = 0xff;
	addr[11] = 0xff;
	return parse_v4(cx, s, n, addr + 12);
}

int ip_parse(const char *text, unsigned char addr[16], int *v4, struct err *e)
{
	struct ctx cx = {e, "IP address", text != NULL ? text : ""};
	size_t n = strlen(cx.text);
	int rc, v4text;

	memset(addr, 0, 16);
	if (v4 != NULL)
		*v4 = 0;
	if (n == 0)
		return fail(&cx, "empty");
	rc = parse_addr(&cx, cx.text, n, addr, &v4text);
	if (rc < 0) {
		memset(addr, 0, 16);
		return rc;
	}
	if (v4 != NULL)
		*v4 = is_mapped(addr);
	return 0;
}

/* Zeroes the bits of addr below prefix (0..128). */
static void mask_host(unsigned char addr[16], int prefix)
{
	int full = prefix / 8, rem = prefix % 8;

	if (full >= 16)
		return;
	if (rem != 0)
		addr[full++] &= (unsigned char)(0xff << (8 - rem));
	memset(addr + full, 0, (size_t)(16 - full));
}

int cidr_parse(const char *text, struct cidr *out, struct err *e)
{
	struct ctx cx = {e, "CIDR", text != NULL ? text : ""};
	size_t n = strlen(cx.text), alen, i, plen;
	const char *slash;
	unsigned int v = 0;
	int rc, v4text, max;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return fail(&cx, "empty");
	slash = memchr(cx.text, '/', n);
	alen = slash != NULL ? (size_t)(slash - cx.text) : n;
	if (alen == 0)
		return fail(&cx, "missing address before '/'");
	rc = parse_addr(&cx, cx.text, alen, out->addr, &v4text);
	if (rc < 0)
		goto out;
	max = v4text ? 32 : 128;
	if (slash == NULL) {
		out->prefix = 128;
	} else {
		const char *p = slash + 1;

		plen = n - alen - 1;
		if (plen == 0) {
			rc = fail(&cx, "missing prefix length after '/'");
			goto out;
		}
		for (i = 0; i < plen; i++) {
			if (!is_digit(p[i])) {
				rc = unexpected(&cx, (unsigned char)p[i], " in the prefix length");
				goto out;
			}
		}
		if (plen > 1 && p[0] == '0') {
			rc = fail(&cx, "prefix length \"%.*s\" has a leading zero",
			          plen > 20 ? 20 : (int)plen, p);
			goto out;
		}
		if (plen > 3) {
			rc = fail(&cx, "prefix length %.*s%s is over %d",
			          plen > 20 ? 20 : (int)plen, p, plen > 20 ? "..." : "", max);
			goto out;
		}
		for (i = 0; i < plen; i++)
			v = v * 10 + (unsigned int)(p[i] - '0');
		if (v > (unsigned int)max) {
			rc = fail(&cx, "prefix length %u is over %d%s", v, max,
			          v4text ? " for IPv4" : "");
			goto out;
		}
		out->prefix = (int)v + (v4text ? 96 : 0);
	}
	{
		struct cidr net = *out;
		char sug[CIDR_TEXT_MAX];

		mask_host(net.addr, net.prefix);
		if (memcmp(net.addr, out->addr, 16) != 0) {
			cidr_format(&net, sug, sizeof(sug));
			rc = fail(&cx, "host bits are set; did you mean %s?", sug);
			goto out;
		}
	}
	out->v4 = is_mapped(out->addr) && out->prefix >= 96;
	rc = 0;
out:
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* Writes addr as text into buf (at least 40 bytes); returns its length. */
static size_t addr_text(const unsigned char addr[16], int as_v4, char *buf)
{
	unsigned int w[8];
	int bs = -1, bl = 0;
	size_t o = 0;

	if (as_v4) {
		for (int k = 12; k < 16; k++) {
			unsigned int v = addr[k];

			if (k > 12)
				buf[o++] = '.';
			if (v >= 100)
				buf[o++] = (char)('0' + v / 100);
			if (v >= 10)
				buf[o++] = (char)('0' + v / 10 % 10);
			buf[o++] = (char)('0' + v % 10);
		}
		buf[o] = '\0';
		return o;
	}
	for (int k = 0; k < 8; k++)
		w[k] = (unsigned int)addr[2 * k] << 8 | addr[2 * k + 1];
	/* RFC 5952 4.2: the longest run of two or more zero groups, the first on a tie */
	for (int k = 0; k < 8;) {
		int l = 0;

		while (k + l < 8 && w[k + l] == 0)
			l++;
		if (l >= 2 && l > bl) {
			bs = k;
			bl = l;
		}
		k += l > 0 ? l : 1;
	}
	for (int k = 0; k < 8; k++) {
		int started = 0;

		if (k == bs) {
			buf[o++] = ':';
			buf[o++] = ':';
			k += bl - 1;
			continue;
		}
		if (k > 0 && k != bs + bl)
			buf[o++] = ':';
		for (int sh = 12; sh >= 0; sh -= 4) {
			unsigned int d = (w[k] >> sh) & 15;

			if (d != 0 || started || sh == 0) {
				buf[o++] = hexdig[d];
				started = 1;
			}
		}
	}
	buf[o] = '\0';
	return o;
}

int ip_format(const unsigned char addr[16], char *out, size_t outsz)
{
	char buf[CIDR_TEXT_MAX];
	size_t n = addr_text(addr, is_mapped(addr), buf);

	if (n >= outsz) {
		if (outsz > 0)
			out[0] = '\0';
		return ERR_INPUT;
	}
	memcpy(out, buf, n + 1);
	return 0;
}

int cidr_format(const struct cidr *c, char *out, size_t outsz)
{
	char buf[CIDR_TEXT_MAX];
	int as_v4, len;

	if (c->prefix < 0 || c->prefix > 128) {
		if (outsz > 0)
			out[0] = '\0';
		return ERR_INPUT;
	}
	as_v4 = is_mapped(c->addr) && c->prefix >= 96;
	addr_text(c->addr, as_v4, buf);
	len = snprintf(out, outsz, "%s/%d", buf, as_v4 ? c->prefix - 96 : c->prefix);
	if (len < 0 || (size_t)len >= outsz) {
		if (outsz > 0)
			out[0] = '\0';
		return ERR_INPUT;
	}
	return 0;
}

int cidr_contains(const struct cidr *net, const unsigned char addr[16])
{
	int full, rem;

	if (net->prefix < 0 || net->prefix > 128)
		return 0;
	full = net->prefix / 8;
	rem = net->prefix % 8;
	if (memcmp(addr, net->addr, (size_t)full) != 0)
		return 0;
	if (rem != 0) {
		unsigned int mask = (0xffu << (8 - rem)) & 0xffu;

		if (((addr[full] ^ net->addr[full]) & mask) != 0)
			return 0;
	}
	return 1;
}

int cidr_contains_cidr(const struct cidr *outer, const struct cidr *inner)
{
	if (inner->prefix < 0 || inner->prefix > 128)
		return 0;
	return inner->prefix >= outer->prefix && cidr_contains(outer, inner->addr);
}
