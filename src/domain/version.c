/* version.c: generic version comparison, validation and sort keys. */
#include "domain/version.h"

#include "core/err.h"

#include <stdio.h>
#include <string.h>

/* Segment kinds, in their sort order: a version that has run out is smallest, and a number
 * is greater than letters. */
enum version_kind {
	VERSION_END,
	VERSION_ALPHA,
	VERSION_NUM
};

struct version_seg {
	enum version_kind kind;
	const char *p; /* numbers: without leading zeros, so "0" and "000" have len 0 */
	size_t len;
};

/* Key bytes: a number is KEY_NUM, its digit count, its digits (the count says where the
 * number ends and orders numbers of different lengths); a letter segment is KEY_ALPHA and its
 * letters in lower case. A letter segment needs no end mark: what follows it is the end of
 * the key or a type byte, both below every letter, so "ab" < "ab.c" < "abc". */
enum {
	KEY_ALPHA = 0x01,
	KEY_NUM = 0x02
};

static int version_isdigit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* ASCII only, whatever the locale. */
static int version_isalpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static unsigned char version_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Reads the segment at or after *pp into s and moves *pp past it. */
static void version_next(const char **pp, struct version_seg *s)
{
	const unsigned char *p = (const unsigned char *)*pp;
	const unsigned char *start;

	while (*p && !version_isdigit(*p) && !version_isalpha(*p))
		p++;
	start = p;
	if (*p == '\0') {
		s->kind = VERSION_END;
	} else if (version_isdigit(*p)) {
		s->kind = VERSION_NUM;
		while (*p == '0')
			p++;
		start = p;
		while (version_isdigit(*p))
			p++;
	} else {
		s->kind = VERSION_ALPHA;
		while (version_isalpha(*p))
			p++;
	}
	s->p = (const char *)start;
	s->len = (size_t)(p - start);
	*pp = (const char *)p;
}

/* Compares two segments of the same kind. */
static int version_seg_cmp(const struct version_seg *x, const struct version_seg *y)
{
	size_t i, n = x->len < y->len ? x->len : y->len;

	if (x->kind == VERSION_NUM) {
		/* Without leading zeros the longer number is the greater one. */
		if (x->len != y->len)
			return x->len < y->len ? -1 : 1;
		return memcmp(x->p, y->p, x->len);
	}
	for (i = 0; i < n; i++) {
		unsigned char a = version_lower((unsigned char)x->p[i]);
		unsigned char b = version_lower((unsigned char)y->p[i]);

		if (a != b)
			return a < b ? -1 : 1;
	}
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return 0;
}

int version_compare(const char *a, const char *b)
{
	struct version_seg x, y;
	int d;

	for (;;) {
		version_next(&a, &x);
		version_next(&b, &y);
		if (x.kind != y.kind)
			return x.kind < y.kind ? -1 : 1;
		if (x.kind == VERSION_END)
			return 0;
		d = version_seg_cmp(&x, &y);
		if (d != 0)
			return d;
	}
}

/* Copies at most n bytes of s into dst as printable text for a message: other bytes become
 * \xNN, and "..." marks a cut. */
static void version_quote(char *dst, size_t dstsz, const char *s, size_t n)
{
	size_t len = 0, i;

	for (i = 0; i < n && s[i] != '\0' && len + 8 < dstsz; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f)
			dst[len++] = (char)c;
		else
			len += (size_t)snprintf(dst + len, dstsz - len, "\\x%02x", c);
	}
	if (i < n && s[i] != '\0')
		len += (size_t)snprintf(dst + len, dstsz - len, "...");
	dst[len] = '\0';
}

int version_check(const char *v, struct err *e)
{
	char q[2 * VERSION_MAX];
	size_t len, i;
	int alnum = 0;

	if (v == NULL || v[0] == '\0')
		return err_set(e, ERR_INPUT,
		               "bad version \"\": empty; expected letters, digits and . - _ + ~");
	len = strnlen(v, VERSION_MAX + 1);
	if (len > VERSION_MAX) {
		version_quote(q, sizeof(q), v, 40);
		return err_set(e, ERR_INPUT, "bad version \"%s\": longer than %d bytes", q,
		               VERSION_MAX);
	}
	version_quote(q, sizeof(q), v, VERSION_MAX);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (version_isdigit(c) || version_isalpha(c)) {
			alnum = 1;
		} else if (strchr("._-+~", c) == NULL) {
			if (c >= 0x20 && c < 0x7f)
				return err_set(
				    e, ERR_INPUT,
				    "bad version \"%s\": only letters, digits and . - _ + "
				    "~ are allowed, not '%c'",
				    q, c);
			return err_set(e, ERR_INPUT,
			               "bad version \"%s\": only letters, digits and . - _ + ~ are "
			               "allowed, not byte 0x%02x",
			               q, c);
		}
	}
	if (!alnum)
		return err_set(e, ERR_INPUT, "bad version \"%s\": has no letter or digit", q);
	return 0;
}

int version_key(const char *v, unsigned char *out, size_t outsz, size_t *outlen)
{
	struct version_seg s;
	size_t len = 0, need, i;

	*outlen = 0;
	for (;;) {
		version_next(&v, &s);
		if (s.kind == VERSION_END)
			break;
		need = s.kind == VERSION_NUM ? 2 : 1;
		if (s.len > outsz - len || outsz - len - s.len < need)
			return ERR_INPUT;
		if (s.kind == VERSION_NUM) {
			if (s.len > 255) /* the count is one byte; a checked version has fewer */
				return ERR_INPUT;
			out[len++] = KEY_NUM;
			out[len++] = (unsigned char)s.len;
			memcpy(out + len, s.p, s.len);
			len += s.len;
		} else {
			out[len++] = KEY_ALPHA;
			for (i = 0; i < s.len; i++)
				out[len++] = version_lower((unsigned char)s.p[i]);
		}
		*outlen = len;
	}
	return 0;
}

int version_key_cmp(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	/* An empty key may come as NULL (a zero-length BLOB), which memcmp must not see. */
	int d = n ? memcmp(a, b, n) : 0;

	if (d != 0)
		return d;
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return 0;
}
