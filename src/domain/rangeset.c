/* rangeset.c: the exact union of version ranges.
 *
 * Every constraint version of every piece is a boundary point. Between two neighbouring
 * points (and below the first, above the last) no piece changes its mind, so the union is
 * known from each piece's answer for the points and for the open intervals between them;
 * the canonical range is then written back from those answers. */
#include "domain/rangeset.h"

#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "domain/range.h"
#include "domain/version.h"

#include <stdlib.h>
#include <string.h>

struct rs_point {
	const struct range_constraint *c; /* one piece's constraint at this version */
	int in;                           /* the point itself is in the union */
	int above;                        /* the open interval above it is in the union */
};

static int rs_cmp(const void *a, const void *b)
{
	const struct rs_point *x = a, *y = b;

	return version_key_cmp(x->c->key, x->c->keylen, y->c->key, y->c->keylen);
}

/* Whether the open interval just above the point with key k is in range r (k is one of
 * the union's points, so no constraint of r lies strictly inside that interval). */
static int rs_above_in(const struct range *r, const unsigned char *k, size_t klen)
{
	for (size_t i = 0; i < r->n; i++)
		if (version_key_cmp(r->c[i].key, r->c[i].keylen, k, klen) > 0)
			return r->c[i].below_in;
	return r->above_in;
}

/* Whether the interval below every point is in r. */
static int rs_bottom_in(const struct range *r)
{
	return r->n ? r->c[0].below_in : r->above_in;
}

struct rs_seg {
	const struct rs_point *lo, *hi; /* NULL: unbounded */
	int lo_in, hi_in;
};

/* The first two segments of a version's text ("12.2(55)SE3" -> "12.2"), for grouping. */
static size_t rs_prefix(const char *v)
{
	size_t i = 0;
	int seps = 0;

	while (v[i]) {
		if (v[i] == '.' || v[i] == '-' || v[i] == '_' || v[i] == '(' || v[i] == 'R' ||
		    v[i] == 'r') {
			if (++seps == 2)
				break;
		}
		i++;
	}
	return i;
}

/* Writes the segments as a range into out. */
static int rs_write_segs(const struct rs_seg *s, size_t n, struct buf *out)
{
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		if (i)
			rc = buf_addc(out, '|');
		if (s[i].lo && s[i].hi && s[i].lo == s[i].hi) {
			rc = rc ? rc : buf_adds(out, s[i].lo->c->version);
			continue;
		}
		if (s[i].lo) {
			rc = rc ? rc : buf_adds(out, s[i].lo_in ? ">=" : ">");
			rc = rc ? rc : buf_adds(out, s[i].lo->c->version);
		}
		if (s[i].lo && s[i].hi)
			rc = rc ? rc : buf_addc(out, '|');
		if (s[i].hi) {
			rc = rc ? rc : buf_adds(out, s[i].hi_in ? "<=" : "<");
			rc = rc ? rc : buf_adds(out, s[i].hi->c->version);
		}
	}
	return rc;
}

/* Widens the union given by the points into at most RANGE_MAX_CONSTRAINTS constraints. */
static int rs_cover(const struct rs_point *p, size_t np, int bottom, struct buf *out, struct err *e)
{
	struct rs_seg *s = xcalloc(np + 1, sizeof(*s)), *g;
	size_t ns = 0, ng = 0, i;
	int open = bottom, rc;
	struct buf text;
	struct range u;

	if (bottom)
		s[ns].lo = NULL;
	for (i = 0; i < np; i++) {
		int below = i ? p[i - 1].above : bottom;
		if (!open && (p[i].in || p[i].above)) {
			s[ns].lo = &p[i];
			s[ns].lo_in = p[i].in;
			open = 1;
		}
		if (open && !p[i].above) {
			s[ns].hi = &p[i];
			s[ns].hi_in = p[i].in || (!below && s[ns].lo == &p[i]);
			ns++;
			open = 0;
		}
	}
	if (open)
		s[ns++].hi = NULL;
	/* group by the first two version segments of the lower end */
	g = xcalloc(ns + 1, sizeof(*g));
	for (i = 0; i < ns; i++) {
		const char *a = s[i].lo ? s[i].lo->c->version : NULL;
		const char *b = ng && g[ng - 1].lo ? g[ng - 1].lo->c->version : NULL;
		if (ng && a && b && g[ng - 1].hi && rs_prefix(a) == rs_prefix(b) &&
		    strncmp(a, b, rs_prefix(a)) == 0) {
			g[ng - 1].hi = s[i].hi;
			g[ng - 1].hi_in = s[i].hi_in;
			continue;
		}
		g[ng++] = s[i];
	}
	if (2 * ng > RANGE_MAX_CONSTRAINTS) {
		g[0].hi = g[ng - 1].hi;
		g[0].hi_in = g[ng - 1].hi_in;
		ng = 1;
	}
	buf_init(&text, 4 * RANGE_MAX_TEXT);
	rc = rs_write_segs(g, ng, &text);
	if (rc == 0 && text.len > RANGE_MAX_TEXT) {
		g[0].hi = g[ng - 1].hi;
		g[0].hi_in = g[ng - 1].hi_in;
		ng = 1;
		buf_reset(&text);
		rc = rs_write_segs(g, ng, &text);
	}
	if (rc == 0 && (rc = range_parse(buf_str(&text), &u, e)) == 0) {
		rc = range_format(&u, out);
		range_free(&u);
	}
	buf_free(&text);
	free(s);
	free(g);
	return rc;
}

static int rs_union(const char *const *ranges, size_t n, struct buf *out, int *widened,
                    struct err *e);

int rangeset_union(const char *const *ranges, size_t n, struct buf *out, struct err *e)
{
	return rs_union(ranges, n, out, NULL, e);
}

int rangeset_cover(const char *const *ranges, size_t n, struct buf *out, int *widened,
                   struct err *e)
{
	*widened = 0;
	return rs_union(ranges, n, out, widened, e);
}

static int rs_union(const char *const *ranges, size_t n, struct buf *out, int *widened,
                    struct err *e)
{
	struct range *r = xcalloc(n ? n : 1, sizeof(*r));
	struct rs_point *p = NULL;
	size_t np = 0, total = 0, i, j, k, emitted = 0;
	int all = 0, bottom = 0, rc = 0;
	struct buf text;

	buf_init(&text, 4 * RANGE_MAX_TEXT);
	for (i = 0; i < n; i++) {
		if ((rc = range_parse(ranges[i], &r[i], e)) != 0) {
			err_wrap(e, "range %zu of %zu: ", i + 1, n);
			goto out;
		}
		all |= r[i].all;
		total += r[i].n;
	}
	if (n == 0)
		goto out;
	if (all) {
		rc = buf_adds(out, "*");
		goto out;
	}
	p = xcalloc(total ? total : 1, sizeof(*p));
	for (i = 0; i < n; i++)
		for (j = 0; j < r[i].n; j++)
			p[np++].c = &r[i].c[j];
	qsort(p, np, sizeof(*p), rs_cmp);
	/* one point per version */
	for (i = 0, k = 0; i < np; i++)
		if (k == 0 || rs_cmp(&p[k - 1], &p[i]) != 0)
			p[k++] = p[i];
	np = k;
	for (i = 0; i < n; i++)
		bottom |= rs_bottom_in(&r[i]);
	for (k = 0; k < np; k++) {
		const unsigned char *key = p[k].c->key;
		size_t klen = p[k].c->keylen;

		for (i = 0; i < n; i++) {
			p[k].in |= range_contains_key(&r[i], key, klen);
			p[k].above |= rs_above_in(&r[i], key, klen);
		}
	}
	/* write it back: each point where something changes becomes a constraint */
	for (k = 0; k < np; k++) {
		int below = k ? p[k - 1].above : bottom;
		const char *op = NULL;

		if (below && !p[k].above)
			op = p[k].in ? "<=" : "<";
		else if (!below && p[k].above)
			op = p[k].in ? ">=" : ">";
		else if (below && p[k].above && !p[k].in)
			op = "!=";
		else if (!below && !p[k].above && p[k].in)
			op = "";
		if (op == NULL)
			continue;
		if (emitted++ && buf_addc(&text, '|') != 0)
			goto too_long;
		if (buf_adds(&text, op) != 0 || buf_adds(&text, p[k].c->version) != 0)
			goto too_long;
	}
	if (emitted == 0) {
		/* no boundary: every version, or none */
		if (bottom)
			rc = buf_adds(out, "*");
		goto out;
	}
	{
		struct range u;

		if (emitted > RANGE_MAX_CONSTRAINTS || text.len > RANGE_MAX_TEXT)
			goto too_long;
		if ((rc = range_parse(buf_str(&text), &u, e)) != 0)
			goto out;
		rc = range_format(&u, out);
		range_free(&u);
	}
	goto out;
too_long:
	if (widened) {
		*widened = 1;
		rc = rs_cover(p, np, bottom, out, e);
		goto out;
	}
	rc = err_set(e, ERR_INPUT,
	             "the union of %zu ranges has more than %d constraints or %d bytes", n,
	             RANGE_MAX_CONSTRAINTS, RANGE_MAX_TEXT);
out:
	for (i = 0; i < n; i++)
		range_free(&r[i]);
	free(r);
	free(p);
	buf_free(&text);
	return rc;
}
