/* product.c: vendor:product keys from Baken names, CPE 2.3, CPE 2.2 URIs and purls. */
#include "domain/product.h"

#include "core/xalloc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* At most this many bytes of the user's text are quoted in a message. */
#define QUOTE_MAX 120

/* CPE 2.3 formatted strings have this many ':'-separated fields, "cpe" and "2.3" included. */
#define CPE23_FIELDS 13
/* A CPE 2.2 URI has at most this many components after "cpe:/". */
#define CPE22_FIELDS 7

/* What an error message needs: where it goes, what was being parsed and the whole text. */
struct ctx {
	struct err *e;
	const char *kind; /* "CPE", "purl" or "product name" */
	const char *text;
};

/* A decoded value of one field. */
enum {
	VAL_SET,
	VAL_ANY,
	VAL_NA
};

struct val {
	char s[PRODUCT_INPUT_MAX + 1];
	size_t n;
	int kind; /* VAL_* */
	int wild; /* holds an unquoted '*' or '?' */
};

/* A key being built. */
struct name {
	char s[PRODUCT_NAME_MAX + 1];
	size_t n;
	int over; /* more than PRODUCT_NAME_MAX bytes were added */
};

static const char hexdig[] = "0123456789abcdef";

static const char *const cpe23_field_names[CPE23_FIELDS] = {
    "prefix",  "CPE version", "part",       "vendor",    "product",   "version", "update",
    "edition", "language",    "sw_edition", "target_sw", "target_hw", "other",
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Sets `bad <kind> "<text>": <why>` in cx->e; returns ERR_INPUT. */
__attribute__((format(printf, 2, 3))) static int fail(const struct ctx *cx, const char *fmt, ...)
{
	char why[512], q[QUOTE_MAX * 4 + 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	err_quote(q, sizeof(q), cx->text, QUOTE_MAX);
	return err_set(cx->e, ERR_INPUT, "bad %s \"%s\": %s", cx->kind, q, why);
}

static int fail_char(const struct ctx *cx, unsigned char c, const char *field)
{
	char cb[8];

	if (is_space((char)c))
		return fail(cx, "unexpected white space in the %s", field);
	return fail(cx, "unexpected character %s in the %s", err_char_name(c, cb), field);
}

static int is_print(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static int is_key_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
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

/* 1 when s[0..n) equals the lower-case word w, ignoring case. */
static int word_is(const char *s, size_t n, const char *w)
{
	if (strlen(w) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != (unsigned char)w[i])
			return 0;
	return 1;
}

/* 1 when text starts with the lower-case prefix p, ignoring case. */
static int has_prefix(const char *text, const char *p)
{
	size_t i;

	for (i = 0; p[i] != '\0'; i++)
		if (lower((unsigned char)text[i]) != (unsigned char)p[i])
			return 0;
	return 1;
}

/* Adds one byte to a key, lowercased, anything but [a-z0-9._-] as '_'. */
static void name_add(struct name *nm, unsigned char c)
{
	c = lower(c);
	if (!is_key_char(c))
		c = '_';
	if (nm->n >= PRODUCT_NAME_MAX) {
		nm->over = 1;
		return;
	}
	nm->s[nm->n++] = (char)c;
	nm->s[nm->n] = '\0';
}

/* Builds "vendor:product" into out->name. */
static int name_build(const struct ctx *cx, const char *vendor, size_t vn, const char *product,
                      size_t pn, struct product_ref *out)
{
	struct name nm = {.n = 0};

	for (size_t i = 0; i < vn && !nm.over; i++)
		name_add(&nm, (unsigned char)vendor[i]);
	if (!nm.over && nm.n < PRODUCT_NAME_MAX) {
		nm.s[nm.n++] = ':';
		for (size_t i = 0; i < pn && !nm.over; i++)
			name_add(&nm, (unsigned char)product[i]);
	} else {
		nm.over = 1;
	}
	if (nm.over)
		return fail(cx, "the name vendor:product is longer than %d bytes",
		            PRODUCT_NAME_MAX);
	nm.s[nm.n] = '\0';
	memcpy(out->name, nm.s, nm.n + 1);
	return 0;
}

/* Empties v for the field raw[0..n) and returns 1 when the field is the logical value ANY
 * (empty or '*') or NA ('-'), which both CPE bindings spell alike; 0 when it holds a value. */
static int val_start(const char *raw, size_t n, struct val *v)
{
	v->n = 0;
	v->s[0] = '\0';
	v->wild = 0;
	v->kind = VAL_SET;
	if (n == 0 || (n == 1 && raw[0] == '*'))
		v->kind = VAL_ANY;
	else if (n == 1 && raw[0] == '-')
		v->kind = VAL_NA;
	return v->kind != VAL_SET;
}

/* Decodes one CPE 2.3 field raw[0..n) (still '\'-quoted) into v. The splitter has made sure no
 * '\' ends the field. */
static int cpe23_value(const struct ctx *cx, const char *field, const char *raw, size_t n,
                       struct val *v)
{
	if (val_start(raw, n, v))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c == '\\') {
			c = (unsigned char)raw[++i];
			if (!is_print(c)) {
				char cb[8];

				return fail(cx, "bad quoting '\\' + %s in the %s",
				            err_char_name(c, cb), field);
			}
		} else if (c == '*' || c == '?') {
			v->wild = 1;
		} else if (!is_print(c)) {
			return fail_char(cx, c, field);
		}
		v->s[v->n++] = (char)c;
	}
	v->s[v->n] = '\0';
	return 0;
}

/* Decodes one CPE 2.2 URI component raw[0..n) (percent-encoded) into v. */
static int uri_value(const struct ctx *cx, const char *field, const char *raw, size_t n,
                     struct val *v)
{
	if (val_start(raw, n, v))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c == '%') {
			int hi = i + 1 < n ? hex_value(raw[i + 1]) : -1;
			int lo = i + 2 < n ? hex_value(raw[i + 2]) : -1;

			if (hi < 0 || lo < 0)
				return fail(cx, "bad percent-encoding \"%.*s\" in the %s",
				            (int)(n - i < 3 ? n - i : 3), raw + i, field);
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
			/* the CPE 2.3 URI binding writes the wildcards '?' and '*' as %01, %02 */
			if (c == 0x01 || c == 0x02) {
				v->wild = 1;
				c = c == 0x01 ? '?' : '*';
			} else if (!is_print(c)) {
				return fail(cx,
				            "percent-encoded byte %%%c%c in the %s is not "
				            "printable ASCII",
				            hexdig[c >> 4], hexdig[c & 15], field);
			}
		} else if (c == '*' || c == '?') {
			v->wild = 1;
		} else if (!is_print(c)) {
			return fail_char(cx, c, field);
		}
		v->s[v->n++] = (char)c;
	}
	v->s[v->n] = '\0';
	return 0;
}

/* Refuses a vendor or product that is not one specific value. */
static int need_specific(const struct ctx *cx, const char *field, const struct val *v)
{
	if (v->kind == VAL_ANY)
		return fail(cx, "the %s is empty or '*' (any); a product needs a specific %s",
		            field, field);
	if (v->kind == VAL_NA)
		return fail(cx, "the %s is '-' (not applicable); a product needs a specific %s",
		            field, field);
	if (v->wild)
		return fail(cx, "the %s \"%s\" holds a wildcard ('*' or '?')", field, v->s);
	return 0;
}

/* 1 when an update is of the "Rn" form: r or R, a digit, then digits and dots. */
static int is_rn(const struct val *u)
{
	if (u->n < 2 || (u->s[0] != 'r' && u->s[0] != 'R') || u->s[1] < '0' || u->s[1] > '9')
		return 0;
	for (size_t i = 2; i < u->n; i++)
		if ((u->s[i] < '0' || u->s[i] > '9') && u->s[i] != '.')
			return 0;
	return 1;
}

/* Joins a CPE version and update into out->version (the rule in product.h). */
static int cpe_version(const struct ctx *cx, const struct val *ver, const struct val *upd,
                       struct product_ref *out)
{
	size_t n;

	out->version[0] = '\0';
	if (ver->kind != VAL_SET)
		return 0;
	if (ver->wild)
		return fail(cx, "the version \"%s\" holds a wildcard ('*' or '?')", ver->s);
	if (upd->kind == VAL_SET && upd->wild)
		return fail(cx, "the update \"%s\" holds a wildcard ('*' or '?')", upd->s);
	n = ver->n;
	if (upd->kind == VAL_SET)
		n += upd->n + (is_rn(upd) ? 0 : 1);
	if (n > PRODUCT_VERSION_MAX)
		return fail(cx, "the version is longer than %d bytes", PRODUCT_VERSION_MAX);
	memcpy(out->version, ver->s, ver->n);
	n = ver->n;
	if (upd->kind == VAL_SET) {
		if (is_rn(upd)) {
			out->version[n++] = 'R';
			memcpy(out->version + n, upd->s + 1, upd->n - 1);
			n += upd->n - 1;
		} else {
			out->version[n++] = '-';
			memcpy(out->version + n, upd->s, upd->n);
			n += upd->n;
		}
	}
	out->version[n] = '\0';
	return 0;
}

static int cpe_part(const struct ctx *cx, const struct val *part)
{
	if (part->kind != VAL_SET || part->n != 1 ||
	    (part->s[0] != 'a' && part->s[0] != 'o' && part->s[0] != 'h' && part->s[0] != 'A' &&
	     part->s[0] != 'O' && part->s[0] != 'H'))
		return fail(cx, "the part \"%s\" is not a, o or h",
		            part->kind == VAL_ANY  ? "*"
		            : part->kind == VAL_NA ? "-"
		                                   : part->s);
	return 0;
}

/* Splits s[0..n) at each ':' into fields: the first max in f[k] (start) and fl[k] (length).
 * Returns how many fields there are, those past max included. With escapes (CPE 2.3), a '\\'
 * quotes the next byte, so "\\:" does not split; -1 for a lone '\\' at the end. Both CPE forms
 * split their fields here. */
static int split_fields(const char *s, size_t n, int escapes, const char **f, size_t *fl, int max)
{
	size_t start = 0;
	int nf = 0;

	for (size_t i = 0;; i++) {
		if (i == n || s[i] == ':') {
			if (nf < max) {
				f[nf] = s + start;
				fl[nf] = i - start;
			}
			nf++;
			start = i + 1;
			if (i == n)
				break;
		} else if (escapes && s[i] == '\\') {
			if (i + 1 == n)
				return -1;
			i++;
		}
	}
	return nf;
}

/* Decodes one field of a CPE (raw[0..n)) into v; each form has its own quoting. */
typedef int (*cpe_decode_fn)(const struct ctx *cx, const char *field, const char *raw, size_t n,
                             struct val *v);

/* The fields a CPE 2.3 string and a CPE 2.2 URI share, from "part" on and in the same order:
 * part, vendor, product, version, update, then the rest (checked, not used). f[k], fl[k] and
 * names[k] are field k of nf; decode is the form's field decoder. One function so that both
 * forms give the same key and the same messages. */
static int cpe_fields(const struct ctx *cx, cpe_decode_fn decode, const char *const *names,
                      const char *const *f, const size_t *fl, int nf, struct product_ref *out)
{
	struct val part, vendor, product, ver, upd, other;
	int rc;

	rc = decode(cx, "part", f[0], fl[0], &part);
	if (rc == 0)
		rc = cpe_part(cx, &part);
	if (rc == 0)
		rc = decode(cx, "vendor", f[1], fl[1], &vendor);
	if (rc == 0)
		rc = need_specific(cx, "vendor", &vendor);
	if (rc == 0)
		rc = decode(cx, "product", f[2], fl[2], &product);
	if (rc == 0)
		rc = need_specific(cx, "product", &product);
	if (rc == 0)
		rc = decode(cx, "version", f[3], fl[3], &ver);
	if (rc == 0)
		rc = decode(cx, "update", f[4], fl[4], &upd);
	for (int k = 5; k < nf && rc == 0; k++)
		rc = decode(cx, names[k], f[k], fl[k], &other);
	if (rc == 0)
		rc = cpe_version(cx, &ver, &upd, out);
	if (rc == 0)
		rc = name_build(cx, vendor.s, vendor.n, product.s, product.n, out);
	return rc;
}

/* cpe:2.3:part:vendor:product:version:update:edition:language:sw_edition:target_sw:
 * target_hw:other */
static int parse_cpe23(const struct ctx *cx, const char *s, size_t n, struct product_ref *out)
{
	const char *f[CPE23_FIELDS];
	size_t fl[CPE23_FIELDS];
	int nf;

	if ((nf = split_fields(s, n, 1, f, fl, CPE23_FIELDS)) < 0)
		return fail(cx, "a lone '\\' at the end");
	if (nf >= 2 && !word_is(f[1], fl[1], "2.3"))
		return fail(cx, "expected \"cpe:2.3:\" (a CPE 2.3 formatted string) or \"cpe:/\" "
		                "(a CPE 2.2 URI)");
	if (nf != CPE23_FIELDS)
		return fail(cx, "expected %d fields, got %d", CPE23_FIELDS, nf);
	/* the fields from "part" on are those of a CPE 2.2 URI, in the same order */
	return cpe_fields(cx, cpe23_value, cpe23_field_names + 2, f + 2, fl + 2, CPE23_FIELDS - 2,
	                  out);
}

/* cpe:/part:vendor:product[:version[:update[:edition[:language]]]]; s is past "cpe:/". */
static int parse_cpe22(const struct ctx *cx, const char *s, size_t n, struct product_ref *out)
{
	static const char *const names[CPE22_FIELDS] = {
	    "part", "vendor", "product", "version", "update", "edition", "language",
	};
	const char *f[CPE22_FIELDS];
	size_t fl[CPE22_FIELDS];
	int nf;

	nf = split_fields(s, n, 0, f, fl, CPE22_FIELDS);
	if (nf > CPE22_FIELDS)
		return fail(cx, "expected at most %d components after \"cpe:/\", got %d",
		            CPE22_FIELDS, nf);
	if (nf < 3)
		return fail(cx, "expected part:vendor:product after \"cpe:/\", got %d component%s",
		            nf, nf == 1 ? "" : "s");
	for (int k = nf; k < CPE22_FIELDS; k++) {
		f[k] = s + n;
		fl[k] = 0;
	}
	return cpe_fields(cx, uri_value, names, f, fl, CPE22_FIELDS, out);
}

/* Percent-decodes raw[0..n) and appends it to v (whose s has room for the whole input). */
static int pct_append(const struct ctx *cx, const char *field, const char *raw, size_t n,
                      struct val *v)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c == '%') {
			int hi = i + 1 < n ? hex_value(raw[i + 1]) : -1;
			int lo = i + 2 < n ? hex_value(raw[i + 2]) : -1;

			if (hi < 0 || lo < 0)
				return fail(cx, "bad percent-encoding \"%.*s\" in the %s",
				            (int)(n - i < 3 ? n - i : 3), raw + i, field);
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		v->s[v->n++] = (char)c;
	}
	v->s[v->n] = '\0';
	return 0;
}

/* pkg:type/namespace/name@version?qualifiers#subpath; s is past "pkg:". */
static int parse_purl(const struct ctx *cx, const char *s, size_t n, struct product_ref *out)
{
	struct val ns, name, ver;
	size_t i, end, tn, last, at;
	const char *type;
	int rc;

	for (i = 0; i < n; i++) {
		if (!is_print((unsigned char)s[i])) {
			char cb[8];

			if (is_space(s[i]))
				return fail(cx, "unexpected white space");
			return fail(cx, "unexpected character %s (must be percent-encoded)",
			            err_char_name((unsigned char)s[i], cb));
		}
	}
	/* qualifiers and subpath: ignored */
	for (end = 0; end < n && s[end] != '?' && s[end] != '#'; end++)
		;
	/* "pkg://type/..." is tolerated, as the purl spec asks */
	for (i = 0; i < end && s[i] == '/'; i++)
		;
	type = s + i;
	for (tn = 0; i + tn < end && s[i + tn] != '/'; tn++) {
		unsigned char c = (unsigned char)type[tn];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9' && tn > 0) || c == '.' || c == '+' || c == '-'))
			return fail_char(cx, c, "type");
	}
	if (tn == 0)
		return fail(cx, "missing type after \"pkg:\"");
	if (i + tn == end)
		return fail(cx, "missing '/' and name after the type");
	i += tn + 1;
	while (end > i && s[end - 1] == '/')
		end--;
	/* the name is the last segment; a version follows its last '@' */
	for (last = end; last > i && s[last - 1] != '/'; last--)
		;
	for (at = end; at > last && s[at - 1] != '@'; at--)
		;
	ver.n = 0;
	ver.s[0] = '\0';
	if (at > last) {
		rc = pct_append(cx, "version", s + at, end - at, &ver);
		if (rc < 0)
			return rc;
		if (ver.n == 0)
			return fail(cx, "empty version after '@'");
		for (size_t k = 0; k < ver.n; k++)
			if (!is_print((unsigned char)ver.s[k]))
				return fail(cx,
				            "the version has a byte %%%c%c that is not "
				            "printable ASCII",
				            hexdig[(unsigned char)ver.s[k] >> 4],
				            hexdig[(unsigned char)ver.s[k] & 15]);
		if (ver.n > PRODUCT_VERSION_MAX)
			return fail(cx, "the version is longer than %d bytes", PRODUCT_VERSION_MAX);
		end = at - 1;
	}
	name.n = 0;
	rc = pct_append(cx, "name", s + last, end - last, &name);
	if (rc < 0)
		return rc;
	if (name.n == 0)
		return fail(cx, "missing name");
	/* namespace segments, percent-decoded, empty ones dropped, joined with '/' */
	ns.n = 0;
	ns.s[0] = '\0';
	for (size_t k = i; k + 1 < last;) {
		size_t seg = k;

		while (seg < last - 1 && s[seg] != '/')
			seg++;
		if (seg > k) {
			if (ns.n > 0)
				ns.s[ns.n++] = '/';
			rc = pct_append(cx, "namespace", s + k, seg - k, &ns);
			if (rc < 0)
				return rc;
		}
		k = seg + 1;
	}
	memcpy(out->version, ver.s, ver.n + 1);
	if (ns.n > 0)
		return name_build(cx, ns.s, ns.n, name.s, name.n, out);
	return name_build(cx, type, tn, name.s, name.n, out);
}

/* Checks name[0..n) as a key, lowercased; kind names it in messages. */
static int check_key(const struct ctx *cx, const char *s, size_t n)
{
	size_t colon = n, ncolon = 0, bad = n;

	if (n == 0)
		return fail(cx, "empty");
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ':') {
			if (ncolon++ == 0)
				colon = i;
		} else if (!is_key_char(lower((unsigned char)s[i])) && bad == n) {
			bad = i;
		}
	}
	if (ncolon == 0)
		return fail(cx, "expected vendor:product, a CPE (cpe:2.3:... or cpe:/...) or a "
		                "purl (pkg:...)");
	if (ncolon > 1)
		return fail(cx, "more than one ':' (expected vendor:product)");
	if (colon == 0)
		return fail(cx, "empty vendor before ':'");
	if (colon == n - 1)
		return fail(cx, "empty product after ':'");
	if (n > PRODUCT_NAME_MAX)
		return fail(cx, "longer than %d bytes", PRODUCT_NAME_MAX);
	if (bad < n) {
		struct name nm = {.n = 0};
		size_t b = 0, e = n;
		char cb[8];

		/* suggest the key with surrounding white space cut and the rest as '_' */
		while (b < e && is_space(s[b]))
			b++;
		while (e > b && is_space(s[e - 1]))
			e--;
		for (size_t i = b; i < e; i++) {
			if (s[i] == ':' && nm.n < PRODUCT_NAME_MAX) {
				nm.s[nm.n++] = ':';
				nm.s[nm.n] = '\0';
			} else {
				name_add(&nm, (unsigned char)s[i]);
			}
		}
		if (is_space(s[bad]))
			memcpy(cb, "space", 6);
		else
			err_char_name((unsigned char)s[bad], cb);
		if (nm.n > 0 && nm.s[0] != ':' && nm.s[nm.n - 1] != ':')
			return fail(cx,
			            "%s%s is not allowed (only a-z, 0-9, '.', '_' and '-'); "
			            "did you mean %s?",
			            is_space(s[bad]) ? "white " : "character ", cb, nm.s);
		return fail(cx, "%s%s is not allowed (only a-z, 0-9, '.', '_' and '-')",
		            is_space(s[bad]) ? "white " : "character ", cb);
	}
	return 0;
}

int product_name_check(const char *name, struct err *e)
{
	struct ctx cx = {e, "product name", name != NULL ? name : ""};

	return check_key(&cx, cx.text, strlen(cx.text));
}

int product_parse(const char *text, struct product_ref *out, struct err *e)
{
	struct ctx cx = {e, "product name", text != NULL ? text : ""};
	struct ctx quiet = {NULL, "product name", cx.text};
	size_t n = strnlen(cx.text, PRODUCT_INPUT_MAX + 1);
	int rc;

	out->name[0] = '\0';
	out->version[0] = '\0';
	if (has_prefix(cx.text, "cpe:"))
		cx.kind = "CPE";
	else if (has_prefix(cx.text, "pkg:"))
		cx.kind = "purl";
	if (n > PRODUCT_INPUT_MAX) {
		rc = fail(&cx, "longer than %d bytes", PRODUCT_INPUT_MAX);
	} else if (check_key(&quiet, cx.text, n) == 0) {
		/* a valid key is a key, even "cpe:x" or "pkg:x": no CPE or purl is one */
		for (size_t i = 0; i <= n; i++)
			out->name[i] = (char)lower((unsigned char)cx.text[i]);
		rc = 0;
	} else if (has_prefix(cx.text, "cpe:/")) {
		rc = parse_cpe22(&cx, cx.text + 5, n - 5, out);
	} else if (has_prefix(cx.text, "cpe:")) {
		rc = parse_cpe23(&cx, cx.text, n, out);
	} else if (has_prefix(cx.text, "pkg:")) {
		rc = parse_purl(&cx, cx.text + 4, n - 4, out);
	} else {
		rc = check_key(&cx, cx.text, n);
	}
	if (rc < 0) {
		out->name[0] = '\0';
		out->version[0] = '\0';
	}
	return rc;
}

char *product_key_part(const char *name)
{
	size_t n = strlen(name), k = 0;
	char *out = xmalloc(n + 1);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)tolower((unsigned char)name[i]);
		char o = (isalnum(c) && c < 0x80) || c == '.' || c == '-' ? (char)c : '_';
		if (o == '_' && (k == 0 || out[k - 1] == '_'))
			continue;
		out[k++] = o;
	}
	while (k && out[k - 1] == '_')
		k--;
	out[k] = '\0';
	if (k > 120)
		out[120] = '\0';
	return out;
}
