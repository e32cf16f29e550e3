/* range.c: vers-style version ranges: parsing, validation, containment, canonical text. */
#include "domain/range.h"

#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "domain/version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Comparators as written; "=" is written as a bare version in canonical text. */
static const char *const range_op_text[] = {
    [RANGE_EQ] = "",   [RANGE_NE] = "!=", [RANGE_LT] = "<",
    [RANGE_LE] = "<=", [RANGE_GT] = ">",  [RANGE_GE] = ">=",
};

static int range_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int range_is_upper(enum range_op op)
{
	return op == RANGE_LT || op == RANGE_LE;
}

static int range_is_lower(enum range_op op)
{
	return op == RANGE_GT || op == RANGE_GE;
}

/* Copies at most n bytes of s into dst as printable text for a message: other bytes become
 * \xNN, and "..." marks a cut. */
static void range_quote(char *dst, size_t dstsz, const char *s, size_t n)
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

/* A constraint as the user would write it, for messages. */
static void range_quote_constraint(char *dst, size_t dstsz, const struct range_constraint *c)
{
	size_t len = strlcpy_safe(dst, range_op_text[c->op], dstsz);

	if (len < dstsz)
		range_quote(dst + len, dstsz - len, c->version, 60);
}

/* Parses the constraint in [s, end) into c. q is the whole text, quoted for messages. */
static int range_parse_one(const char *s, const char *end, struct range_constraint *c,
                           const char *q, struct err *e)
{
	unsigned char key[VERSION_KEY_MAX];
	char cq[128];
	size_t keylen;

	while (s < end && range_isspace(*s))
		s++;
	while (end > s && range_isspace(end[-1]))
		end--;
	if (s == end)
		return err_set(e, ERR_INPUT,
		               "bad range \"%s\": empty constraint (a '|' at an end or next to "
		               "another)",
		               q);
	range_quote(cq, sizeof(cq), s, (size_t)(end - s) < 60 ? (size_t)(end - s) : 60);
	if (end - s == 1 && *s == '*')
		return err_set(e, ERR_INPUT, "bad range \"%s\": \"*\" must stand alone", q);
	c->op = RANGE_EQ;
	if (end - s >= 2 && s[1] == '=' && (s[0] == '>' || s[0] == '<' || s[0] == '!')) {
		c->op = s[0] == '>' ? RANGE_GE : s[0] == '<' ? RANGE_LE : RANGE_NE;
		s += 2;
	} else if (*s == '>' || *s == '<' || *s == '=') {
		c->op = *s == '>' ? RANGE_GT : *s == '<' ? RANGE_LT : RANGE_EQ;
		s++;
	}
	while (s < end && range_isspace(*s))
		s++;
	if (s == end)
		return err_set(e, ERR_INPUT, "bad range \"%s\": constraint \"%s\" has no version",
		               q, cq);
	c->version = xstrndup(s, (size_t)(end - s));
	if (version_check(c->version, e) != 0)
		return err_wrap(e, "bad range \"%s\": ", q);
	/* Cannot fail: a checked version's key fits VERSION_KEY_MAX. */
	if (version_key(c->version, key, sizeof(key), &keylen) != 0)
		return err_set(e, ERR_INPUT, "bad range \"%s\": version \"%s\" has no key", q, cq);
	c->key = xmalloc(keylen);
	memcpy(c->key, key, keylen);
	c->keylen = keylen;
	return 0;
}

static int range_cmp_constraint(const void *a, const void *b)
{
	const struct range_constraint *x = a, *y = b;

	return version_key_cmp(x->key, x->keylen, y->key, y->keylen);
}

/* Sets the error for two contiguous constraints a and b that may not stand together. */
static int range_pair_error(struct err *e, const char *q, const struct range_constraint *a,
                            const struct range_constraint *b, const char *why)
{
	char aq[128], bq[128];

	range_quote_constraint(aq, sizeof(aq), a);
	range_quote_constraint(bq, sizeof(bq), b);
	return err_set(e, ERR_INPUT, "bad range \"%s\": \"%s\" then \"%s\": %s", q, aq, bq, why);
}

/* Applies the spec's rules to the sorted constraints (see range.h). */
static int range_verify(const struct range *r, const char *q, struct err *e)
{
	const struct range_constraint *prev = NULL, *c;
	size_t i;

	for (i = 0; i < r->n; i++) {
		c = &r->c[i];
		if (i > 0 && range_cmp_constraint(&r->c[i - 1], c) == 0)
			return range_pair_error(
			    e, q, &r->c[i - 1], c,
			    "both name the same version; each version may appear once");
		if (c->op == RANGE_NE)
			continue;
		if (prev != NULL && range_is_upper(prev->op) && range_is_upper(c->op))
			return range_pair_error(e, q, prev, c,
			                        "two upper bounds in a row; after sorting, lower "
			                        "(>, >=) and upper (<, <=) bounds must alternate");
		if (prev != NULL && range_is_lower(prev->op) && range_is_lower(c->op))
			return range_pair_error(e, q, prev, c,
			                        "two lower bounds in a row; after sorting, lower "
			                        "(>, >=) and upper (<, <=) bounds must alternate");
		if (prev != NULL && prev->op == RANGE_EQ && range_is_upper(c->op))
			return range_pair_error(e, q, prev, c,
			                        "the first is already inside the second");
		if (prev != NULL && range_is_lower(prev->op) && c->op == RANGE_EQ)
			return range_pair_error(e, q, prev, c,
			                        "the second is already inside the first");
		prev = c;
	}
	return 0;
}

/* Precomputes, for each gap between constraints, whether the versions in it are in, so that
 * containment is one search. A gap is in when the next bound above it is an upper bound;
 * above the last constraint, when the last bound is a lower one or there are only "!=". */
static void range_mark(struct range *r)
{
	size_t i;
	int in = 1;

	for (i = 0; i < r->n; i++) {
		if (r->c[i].op != RANGE_NE)
			in = range_is_lower(r->c[i].op);
	}
	r->above_in = in;
	for (i = r->n; i-- > 0;) {
		if (range_is_upper(r->c[i].op))
			in = 1;
		else if (range_is_lower(r->c[i].op))
			in = 0;
		r->c[i].below_in = in;
	}
}

int range_parse(const char *text, struct range *out, struct err *e)
{
	struct range r = {0};
	char q[128];
	const char *p, *end, *bar;
	size_t len, n = 1, i;
	int rc;

	memset(out, 0, sizeof(*out));
	if (text == NULL)
		return err_set(e, ERR_INPUT, "bad range: none given");
	len = strnlen(text, RANGE_MAX_TEXT + 1);
	range_quote(q, sizeof(q), text, 80);
	if (len > RANGE_MAX_TEXT)
		return err_set(e, ERR_INPUT, "bad range \"%s\": longer than %d bytes", q,
		               RANGE_MAX_TEXT);
	p = text;
	end = text + len;
	while (p < end && range_isspace(*p))
		p++;
	while (end > p && range_isspace(end[-1]))
		end--;
	if (p == end)
		return err_set(e, ERR_INPUT,
		               "bad range \"%s\": empty; expected \"*\" or constraints such as "
		               "\">=1.0|<1.2\"",
		               q);
	if (end - p == 1 && *p == '*') {
		out->all = 1;
		return 0;
	}
	for (i = 0; p + i < end; i++)
		n += p[i] == '|';
	if (n > RANGE_MAX_CONSTRAINTS)
		return err_set(e, ERR_INPUT, "bad range \"%s\": %zu constraints, at most %d", q, n,
		               RANGE_MAX_CONSTRAINTS);
	r.c = xcalloc(n, sizeof(*r.c));
	for (;;) {
		bar = memchr(p, '|', (size_t)(end - p));
		/* Counted in n so that range_free releases a half-parsed constraint. */
		r.n++;
		rc = range_parse_one(p, bar ? bar : end, &r.c[r.n - 1], q, e);
		if (rc != 0)
			goto out;
		if (bar == NULL)
			break;
		p = bar + 1;
	}
	qsort(r.c, r.n, sizeof(*r.c), range_cmp_constraint);
	rc = range_verify(&r, q, e);
	if (rc != 0)
		goto out;
	range_mark(&r);
	*out = r;
	return 0;
out:
	range_free(&r);
	return rc;
}

void range_free(struct range *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->c[i].version);
		free(r->c[i].key);
	}
	free(r->c);
	memset(r, 0, sizeof(*r));
}

/* The answer for a version that compared d (<0 or 0) with constraint i, the first it is not
 * above; i == n when it is above them all. */
static int range_verdict(const struct range *r, size_t i, int d)
{
	enum range_op op;

	if (r->all)
		return 1;
	if (i == r->n)
		return r->above_in;
	op = r->c[i].op;
	if (d == 0)
		return op == RANGE_EQ || op == RANGE_LE || op == RANGE_GE;
	return r->c[i].below_in;
}

int range_contains_key(const struct range *r, const unsigned char *key, size_t keylen)
{
	size_t i;
	int d = 1;

	/* A linear walk: ranges are short (a handful of constraints), and it stops early. */
	for (i = 0; i < r->n; i++) {
		d = version_key_cmp(key, keylen, r->c[i].key, r->c[i].keylen);
		if (d <= 0)
			break;
	}
	return range_verdict(r, i, d);
}

int range_contains(const struct range *r, const char *version)
{
	size_t i;
	int d = 1;

	for (i = 0; i < r->n; i++) {
		d = version_compare(version, r->c[i].version);
		if (d <= 0)
			break;
	}
	return range_verdict(r, i, d);
}

int range_format(const struct range *r, struct buf *out)
{
	size_t i;

	if (r->all)
		return buf_adds(out, "*");
	for (i = 0; i < r->n; i++) {
		if ((i > 0 && buf_addc(out, '|') != 0) ||
		    buf_adds(out, range_op_text[r->c[i].op]) != 0 ||
		    buf_adds(out, r->c[i].version) != 0)
			return ERR_INPUT;
	}
	return 0;
}
