/* mail.c: one RFC 5322 message with a text/plain UTF-8 body (RFC 2045-2047 for the MIME parts).
 *
 * Header values are checked before anything is written: no control characters (so no CR or LF
 * can start a header of the caller's choosing), valid UTF-8. Unstructured values (Subject,
 * extra headers) keep their ASCII words as they are and turn each run of words with non-ASCII
 * characters into encoded-words, so "NCSC-2019-0353 [v1.01] [H/H] Kwetsbaarheid — één" keeps its
 * identifying prefix readable to tools that do not decode RFC 2047. */
#include "deliver/mail.h"

#include "core/xalloc.h"

#include <string.h>
#include <strings.h>
#include <time.h>

/* RFC 5322 2.1.1: a line SHOULD be at most 78 characters and MUST be at most 998; RFC 2047
 * asks 76 for lines with encoded-words. We fold at 76 for every header. */
#define FOLD_AT   76
#define LINE_MAX_ 998
/* An encoded-word is at most 75 characters: "=?UTF-8?B?" + text + "?=". */
#define EW_MAX      75
#define EW_OVERHEAD 12
/* An ASCII word longer than this is encoded, so that it can be split across lines. */
#define WORD_MAX 200

static const char HEX[] = "0123456789ABCDEF";

/* Length of the UTF-8 sequence at s (at most n bytes), or 0 when it is not valid UTF-8: no
 * overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/* The length of the run of ASCII bytes at the start of s[0..n), eight bytes at a time (a
 * message body is read three times per mail: this is most of composing one). */
static size_t ascii_run(const char *s, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (w & 0x8080808080808080ULL)
			break;
	}
	while (i < n && (unsigned char)s[i] < 0x80)
		i++;
	return i;
}

static int utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		if (p[i] < 0x80) {
			i += ascii_run(s + i, n - i);
			continue;
		}
		size_t k = utf8_seq(p + i, n - i);
		if (k == 0)
			return 0;
		i += k;
	}
	return 1;
}

static int is_ascii(const char *s, size_t n)
{
	return ascii_run(s, n) == n;
}

/* A header value may hold no control character but HTAB (CR and LF above all: a value with
 * "\r\nBcc: ..." would add a header), and must be valid UTF-8. */
static int check_value(const char *name, const char *value, struct err *e)
{
	size_t n = strlen(value);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)value[i];
		if ((c < 0x20 && c != '\t') || c == 0x7F)
			return err_set(e, ERR_INPUT,
			               "mail: header %s: control character 0x%02x at %zu", name, c,
			               i);
	}
	if (!utf8_valid(value, n))
		return err_set(e, ERR_INPUT, "mail: header %s: not valid UTF-8", name);
	return 0;
}

/* The header being written: where the current line started, to fold and to check lengths. */
struct hdr {
	struct buf *out;
	const char *name;
	size_t line_start; /* offset in out of the current line */
	size_t name_end;   /* offset just after "Name:" */
	int rc;
};

static size_t hdr_col(const struct hdr *h)
{
	return h->out->len - h->line_start;
}

static void hdr_add(struct hdr *h, const char *p, size_t n)
{
	if (h->rc == 0)
		h->rc = buf_add(h->out, p, n);
}

static void hdr_begin(struct hdr *h, struct buf *out, const char *name)
{
	h->out = out;
	h->name = name;
	h->rc = 0;
	h->line_start = out->len;
	hdr_add(h, name, strlen(name));
	hdr_add(h, ":", 1);
	h->name_end = out->len;
}

/* Appends white space ws (may be empty) and a token that must not be split; folds before
 * the white space when the line would pass FOLD_AT and something already stands on it. */
static void hdr_token(struct hdr *h, const char *ws, size_t wsn, const char *tok, size_t n)
{
	if (wsn > 0 && h->out->len > h->name_end && hdr_col(h) + wsn + n > FOLD_AT) {
		hdr_add(h, "\r\n", 2);
		h->line_start = h->out->len;
	}
	hdr_add(h, ws, wsn);
	hdr_add(h, tok, n);
}

static int hdr_end(struct hdr *h, struct err *e)
{
	if (h->rc == 0 && hdr_col(h) > LINE_MAX_)
		return err_set(e, ERR_INPUT, "mail: header %s: a line longer than %d octets",
		               h->name, LINE_MAX_);
	hdr_add(h, "\r\n", 2);
	if (h->rc != 0)
		return err_set(e, h->rc, "mail: message larger than its maximum");
	return 0;
}

/* Q encoding (RFC 2047 4.2) keeps only letters, digits and "!*+-/" as they are, which is
 * safe in every place an encoded-word may stand (5(3)); space becomes "_". */
static int q_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
}

static size_t q_len(unsigned char c)
{
	return q_plain(c) || c == ' ' ? 1 : 3;
}

static size_t b64_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

static void b64_encode(const unsigned char *p, size_t n, char *out)
{
	static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[o++] = A[(v >> 18) & 63];
		out[o++] = A[(v >> 12) & 63];
		out[o++] = i + 1 < n ? A[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? A[v & 63] : '=';
	}
}

/* Writes s[0..n) as encoded-words, each holding whole UTF-8 characters (RFC 2047 5), the first
 * after white space ws, the others after one space (white space between encoded-words is not
 * displayed). B or Q, whichever is shorter for the whole run. */
static void hdr_encoded(struct hdr *h, const char *ws, size_t wsn, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t qtotal = 0, i = 0;
	int use_q;

	for (size_t k = 0; k < n; k++)
		qtotal += q_len(p[k]);
	use_q = qtotal <= b64_len(n);
	while (i < n) {
		char word[EW_MAX + 1];
		size_t start = i, enc = 0, w = 0, limit;
		const char *sep = start == 0 ? ws : " ";
		size_t sepn = start == 0 ? wsn : 1, col = hdr_col(h) + sepn;

		/* fill the rest of this line, or a whole new one when too little is left */
		limit = col < FOLD_AT ? FOLD_AT - col : 0;
		if (limit < EW_OVERHEAD + 12 && (sepn > 0 && h->out->len > h->name_end))
			limit = FOLD_AT - 1;
		if (limit < EW_OVERHEAD + 12)
			limit = EW_OVERHEAD + 12; /* cannot fold here: a little over */
		if (limit > EW_MAX)
			limit = EW_MAX;

		/* take whole characters while the word stays within EW_MAX */
		while (i < n) {
			size_t k = utf8_seq(p + i, n - i), add = 0;
			if (k == 0)
				k = 1; /* cannot happen: values are checked first */
			if (use_q) {
				for (size_t j = 0; j < k; j++)
					add += q_len(p[i + j]);
				if (enc + add > limit - EW_OVERHEAD)
					break;
				enc += add;
			} else if (b64_len(i + k - start) > limit - EW_OVERHEAD) {
				break;
			}
			i += k;
		}
		memcpy(word, use_q ? "=?UTF-8?Q?" : "=?UTF-8?B?", 10);
		w = 10;
		if (use_q) {
			for (size_t j = start; j < i; j++) {
				if (q_plain(p[j])) {
					word[w++] = (char)p[j];
				} else if (p[j] == ' ') {
					word[w++] = '_';
				} else {
					word[w++] = '=';
					word[w++] = HEX[p[j] >> 4];
					word[w++] = HEX[p[j] & 15];
				}
			}
		} else {
			b64_encode(p + start, i - start, word + w);
			w += b64_len(i - start);
		}
		word[w++] = '?';
		word[w++] = '=';
		hdr_token(h, sep, sepn, word, w);
	}
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* An ASCII word is written as it is unless it could be read as an encoded-word or is too
 * long to fit on a line. */
static int word_needs_encoding(const char *w, size_t n)
{
	return !is_ascii(w, n) || n > WORD_MAX || (n >= 2 && w[0] == '=' && w[1] == '?');
}

/* An unstructured value (RFC 5322 3.2.5): words separated by white space, runs of words that
 * need encoding turned into encoded-words, folded at white space. Leading and trailing white
 * space are dropped. */
static void hdr_unstructured(struct hdr *h, const char *v)
{
	const char *p = v, *end = v + strlen(v);

	while (p < end && is_ws(*p))
		p++;
	while (end > p && is_ws(end[-1]))
		end--;
	/* the first word follows "Name:" after one space */
	const char *ws = " ";
	size_t wsn = 1;
	while (p < end) {
		const char *w = p;
		while (p < end && !is_ws(*p))
			p++;
		if (!word_needs_encoding(w, (size_t)(p - w))) {
			hdr_token(h, ws, wsn, w, (size_t)(p - w));
		} else {
			/* extend the run over following words that need encoding too */
			const char *run_end = p;
			for (;;) {
				const char *q = run_end, *nw;
				while (q < end && is_ws(*q))
					q++;
				nw = q;
				while (q < end && !is_ws(*q))
					q++;
				if (nw == q || !word_needs_encoding(nw, (size_t)(q - nw)))
					break;
				run_end = q;
			}
			hdr_encoded(h, ws, wsn, w, (size_t)(run_end - w));
			p = run_end;
		}
		ws = p;
		while (p < end && is_ws(*p))
			p++;
		wsn = (size_t)(p - ws);
	}
}

/* From and To: an address, or "Display Name <address>". The address must be ASCII (we do not
 * speak SMTPUTF8); a display name that is not is written as encoded-words. */
static int hdr_address(struct hdr *h, const char *v, struct err *e)
{
	size_t n = strlen(v);
	const char *lt, *d, *dend;

	while (n > 0 && is_ws(v[n - 1]))
		n--;
	while (n > 0 && is_ws(*v)) {
		v++;
		n--;
	}
	if (n == 0)
		return err_set(e, ERR_INPUT, "mail: header %s: empty", h->name);
	if (is_ascii(v, n)) {
		hdr_token(h, " ", 1, v, n);
		return 0;
	}
	lt = memrchr(v, '<', n);
	if (lt == NULL || v[n - 1] != '>' || !is_ascii(lt, (size_t)(v + n - lt)))
		return err_set(e, ERR_INPUT,
		               "mail: header %s: a non-ASCII address (only a display name may be "
		               "non-ASCII, as \"Name <user@example.org>\")",
		               h->name);
	d = v;
	dend = lt;
	while (dend > d && is_ws(dend[-1]))
		dend--;
	if (dend - d >= 2 && d[0] == '"' && dend[-1] == '"') {
		d++;
		dend--;
	}
	if (dend > d)
		hdr_encoded(h, " ", 1, d, (size_t)(dend - d));
	hdr_token(h, " ", 1, lt, (size_t)(v + n - lt));
	return 0;
}

/* "<left@right>": printable ASCII without space, angle brackets only around it. */
static int check_message_id(const char *id, struct err *e)
{
	size_t n = strlen(id);
	const char *at;

	if (n < 5 || n > 250 || id[0] != '<' || id[n - 1] != '>')
		goto bad;
	for (size_t i = 1; i + 1 < n; i++) {
		unsigned char c = (unsigned char)id[i];
		if (c <= 0x20 || c >= 0x7F || c == '<' || c == '>')
			goto bad;
	}
	at = memchr(id, '@', n);
	if (at == NULL || at == id + 1 || at == id + n - 2)
		goto bad;
	return 0;
bad:
	return err_set(e, ERR_INPUT, "mail: Message-ID '%.*s' is not of the form <left@right>",
	               n > 100 ? 100 : (int)n, id);
}

static const char *const FIXED[] = {
    "Date",       "From",         "To",           "Subject",
    "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"};

static int check_header_name(const char *name, struct err *e)
{
	size_t n = strlen(name);

	if (n == 0 || n > 76)
		return err_set(e, ERR_INPUT, "mail: a header name of %zu characters", n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c <= 0x20 || c >= 0x7F || c == ':')
			return err_set(e, ERR_INPUT,
			               "mail: header name '%.76s' holds character 0x%02x", name, c);
	}
	for (size_t i = 0; i < sizeof(FIXED) / sizeof(FIXED[0]); i++)
		if (strcasecmp(name, FIXED[i]) == 0)
			return err_set(e, ERR_INPUT,
			               "mail: extra header %s would repeat a fixed one", name);
	return 0;
}

/* "Tue, 24 Dec 2019 12:05:00 +0000" (RFC 5322 3.3), without the C library's locale. */
static int add_date(struct buf *out, int64_t t, struct err *e)
{
	static const char *const DAY[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const MON[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)t;
	struct tm tm;

	if ((int64_t)tt != t || gmtime_r(&tt, &tm) == NULL || tm.tm_year + 1900 < 1900 ||
	    tm.tm_year + 1900 > 9999)
		return err_set(e, ERR_INPUT, "mail: date %lld is out of range", (long long)t);
	if (buf_printf(out, "Date: %s, %d %s %04d %02d:%02d:%02d +0000\r\n", DAY[tm.tm_wday],
	               tm.tm_mday, MON[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	               tm.tm_sec) != 0)
		return err_set(e, ERR_INPUT, "mail: message larger than its maximum");
	return 0;
}

/* p past the line ending it points at: CRLF, LF or a lone CR (each ends a line), or p itself at
 * the end of the text. Every reading of the body splits its lines alike. */
static const char *past_eol(const char *p)
{
	if (*p == '\r' && p[1] == '\n')
		return p + 2;
	return *p ? p + 1 : p;
}

/* Line lengths of the body, with LF, CRLF and a lone CR each ending a line. */
static size_t body_max_line(const char *b)
{
	size_t max = 0;

	for (const char *p = b; *p;) {
		size_t n = strcspn(p, "\r\n");
		if (n > max)
			max = n;
		p = past_eol(p + n);
	}
	return max;
}

/* The body as it is, with CRLF line endings and a final CRLF. */
static int add_body_plain(struct buf *out, const char *b)
{
	const char *p = b;
	int rc = 0;

	if (strchr(b, '\r') == NULL) { /* LF only, the usual: converted in one go */
		size_t blen = strlen(b), lf = 0, n;
		const char *end = b + blen, *q;
		char *tmp, *o;

		for (q = b; (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++)
			lf++;
		n = blen + lf + (blen > 0 && end[-1] != '\n' ? 2 : 0);
		o = tmp = xmalloc(n + 1);
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t k = nl ? (size_t)(nl - p) : (size_t)(end - p);
			memcpy(o, p, k);
			o += k;
			*o++ = '\r';
			*o++ = '\n';
			p += k + 1;
		}
		rc = buf_add(out, tmp, n);
		free(tmp);
		return rc;
	}

	while (*p && rc == 0) {
		size_t n = strcspn(p, "\r\n");
		rc = buf_add(out, p, n);
		if (rc == 0)
			rc = buf_add(out, "\r\n", 2);
		p = past_eol(p + n);
	}
	return rc;
}

/* c as a quoted-printable escape ("=XX") in unit; returns its length, 3. */
static size_t qp_escape(char unit[3], unsigned char c)
{
	unit[0] = '=';
	unit[1] = HEX[c >> 4];
	unit[2] = HEX[c & 15];
	return 3;
}

/* Quoted-printable (RFC 2045 6.7): lines of at most 76 characters with soft breaks, white
 * space at a line's end encoded, and a '.' or "From " at a line's start encoded so that no
 * transport can take them for anything else. */
static int add_body_qp(struct buf *out, const char *b)
{
	const char *p = b;
	int rc = 0;

	while (*p && rc == 0) {
		size_t n = strcspn(p, "\r\n"), col = 0;
		for (size_t i = 0; i < n && rc == 0; i++) {
			unsigned char c = (unsigned char)p[i];
			char unit[3];
			size_t u;
			int last = i + 1 == n;
			int plain =
			    (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
			if (col == 0 && (c == '.' || (c == 'F' && n - i >= 5 &&
			                              memcmp(p + i, "From ", 5) == 0)))
				plain = 0;
			if (plain) {
				unit[0] = (char)c;
				u = 1;
			} else {
				u = qp_escape(unit, c);
			}
			/* 76 characters with the soft break's '=', unless this is the last unit */
			if (col + u > (last ? 76 : 75)) {
				rc = buf_add(out, "=\r\n", 3);
				col = 0;
				if (rc == 0 && u == 1 && (c == '.' || c == 'F')) {
					/* the unit now starts a line: encode it */
					u = qp_escape(unit, c);
				}
			}
			if (rc == 0)
				rc = buf_add(out, unit, u);
			col += u;
		}
		if (rc == 0)
			rc = buf_add(out, "\r\n", 2);
		p = past_eol(p + n);
	}
	return rc;
}

int mail_compose(const struct mail_fields *f, struct buf *out, struct err *e)
{
	struct hdr h;
	const char *cte;
	size_t blen, maxline;
	int rc, ascii;

	if (f->from == NULL || f->to == NULL || f->subject == NULL || f->message_id == NULL ||
	    f->body == NULL)
		return err_set(e, ERR_INPUT,
		               "mail: from, to, subject, message_id and body are needed");
	if ((rc = check_value("From", f->from, e)) != 0 ||
	    (rc = check_value("To", f->to, e)) != 0 ||
	    (rc = check_value("Subject", f->subject, e)) != 0 ||
	    (rc = check_value("Message-ID", f->message_id, e)) != 0 ||
	    (rc = check_message_id(f->message_id, e)) != 0)
		return rc;
	for (size_t i = 0; i < f->n_headers; i++) {
		const struct mail_header *x = &f->headers[i];
		if (x->name == NULL || x->value == NULL)
			return err_set(e, ERR_INPUT, "mail: extra header %zu without name or value",
			               i);
		if ((rc = check_header_name(x->name, e)) != 0 ||
		    (rc = check_value(x->name, x->value, e)) != 0)
			return rc;
	}
	blen = strlen(f->body);
	ascii = is_ascii(f->body, blen);
	if (!ascii && !utf8_valid(f->body, blen))
		return err_set(e, ERR_INPUT, "mail: the body is not valid UTF-8");

	if ((rc = add_date(out, f->date, e)) != 0)
		return rc;
	hdr_begin(&h, out, "From");
	if ((rc = hdr_address(&h, f->from, e)) != 0 || (rc = hdr_end(&h, e)) != 0)
		return rc;
	hdr_begin(&h, out, "To");
	if ((rc = hdr_address(&h, f->to, e)) != 0 || (rc = hdr_end(&h, e)) != 0)
		return rc;
	hdr_begin(&h, out, "Subject");
	hdr_unstructured(&h, f->subject);
	if ((rc = hdr_end(&h, e)) != 0)
		return rc;
	hdr_begin(&h, out, "Message-ID");
	hdr_token(&h, " ", 1, f->message_id, strlen(f->message_id));
	if ((rc = hdr_end(&h, e)) != 0)
		return rc;
	for (size_t i = 0; i < f->n_headers; i++) {
		hdr_begin(&h, out, f->headers[i].name);
		hdr_unstructured(&h, f->headers[i].value);
		if ((rc = hdr_end(&h, e)) != 0)
			return rc;
	}

	maxline = body_max_line(f->body);
	if (maxline <= LINE_MAX_ && ascii)
		cte = "7bit";
	else if (maxline <= LINE_MAX_ && !f->seven_bit)
		cte = "8bit";
	else
		cte = "quoted-printable";
	if (buf_printf(out,
	               "MIME-Version: 1.0\r\n"
	               "Content-Type: text/plain; charset=utf-8\r\n"
	               "Content-Transfer-Encoding: %s\r\n"
	               "\r\n",
	               cte) != 0)
		return err_set(e, ERR_INPUT, "mail: message larger than its maximum");
	rc = cte[0] == 'q' ? add_body_qp(out, f->body) : add_body_plain(out, f->body);
	if (rc != 0)
		return err_set(e, ERR_INPUT, "mail: message larger than its maximum");
	return 0;
}
