/* test_mail.c: composing one RFC 5322 message: headers, RFC 2047 words, CRLF, transfer
 * encodings, injection. The checks decode what mail_compose wrote and compare with the input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "deliver/mail.h"

#define MSGID "<baken.123.1577189100@csirt.example>"
#define SUBJECT                                                                                    \
	"NCSC-2019-0353 [v1.01] [H/H] Kwetsbaarheid in Citrix ADC \xe2\x80\x94 \xc3\xa9\xc3\xa9n"

static struct mail_fields base(void)
{
	struct mail_fields f = {
	    .from = "NCSC Advies <advies@csirt.example>",
	    .to = "ciso@a1.example",
	    .subject = "NCSC-2019-0353 [v1.01] [H/H] Kwetsbaarheid in Citrix ADC",
	    .date = 1577189100, /* 2019-12-24T12:05:00Z, a Tuesday */
	    .message_id = MSGID,
	    .body = "Beste contactpersoon,\n\nEr is een nieuwe versie.\n",
	};
	return f;
}

/* Composes f into b (max 1 MiB); returns mail_compose's code. */
static int compose(const struct mail_fields *f, struct buf *b, struct err *e)
{
	buf_init(b, 1 << 20);
	return mail_compose(f, b, e);
}

/* Every line ends in CRLF, there is no other CR or LF, and no line passes max octets. */
static void assert_crlf_lines(const char *s, size_t len, size_t max)
{
	size_t col = 0;

	assert_true(len >= 2);
	assert_memory_equal(s + len - 2, "\r\n", 2);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r') {
			assert_true(i + 1 < len && s[i + 1] == '\n');
			i++;
			col = 0;
			continue;
		}
		assert_true(s[i] != '\n');
		col++;
		assert_true(col <= max);
	}
}

/* The header block (up to and without the empty line), borrowed from b. */
static size_t head_len(const struct buf *b)
{
	const char *end = strstr(buf_str(b), "\r\n\r\n");

	assert_non_null(end);
	return (size_t)(end - buf_str(b)) + 2;
}

/* The unfolded value of header name, or "" when it is not there. */
static void header_value(const struct buf *b, const char *name, char *out, size_t outsz)
{
	const char *s = buf_str(b), *end = s + head_len(b);
	size_t n = strlen(name), o = 0;

	out[0] = '\0';
	for (const char *p = s; p < end;) {
		const char *eol = strstr(p, "\r\n");
		if (strncmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			if (*v == ' ')
				v++;
			for (;;) {
				while (v < eol && o + 1 < outsz)
					out[o++] = *v++;
				/* a continuation line starts with white space: unfold (drop CRLF)
				 */
				if (eol + 2 < end && (eol[2] == ' ' || eol[2] == '\t')) {
					v = eol + 2;
					eol = strstr(v, "\r\n");
					continue;
				}
				break;
			}
			out[o] = '\0';
			return;
		}
		p = eol + 2;
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int b64val(char c)
{
	static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = strchr(A, c);

	return c && p ? (int)(p - A) : -1;
}

/* Decodes the encoded-words of an unfolded unstructured value (RFC 2047 6), dropping white
 * space between two adjacent encoded-words; checks each word is at most 75 characters. */
static void decode_2047(const char *in, char *out, size_t outsz)
{
	size_t o = 0;
	const char *p = in, *pending_ws = NULL;
	int last_was_ew = 0;

	while (*p) {
		if (p[0] == '=' && p[1] == '?') {
			const char *q = strstr(p + 2, "?"), *text, *end;
			char enc;
			assert_non_null(q);
			assert_int_equal(q - (p + 2), 5); /* "UTF-8" */
			assert_true(strncmp(p + 2, "UTF-8", 5) == 0);
			enc = q[1];
			assert_int_equal(q[2], '?');
			text = q + 3;
			end = strstr(text, "?=");
			assert_non_null(end);
			assert_true(end + 2 - p <= 75);
			if (!last_was_ew && pending_ws)
				while (pending_ws < p && o + 1 < outsz)
					out[o++] = *pending_ws++;
			if (enc == 'Q') {
				for (const char *t = text; t < end; t++) {
					if (*t == '_') {
						out[o++] = ' ';
					} else if (*t == '=') {
						out[o++] = (char)(hexval(t[1]) * 16 + hexval(t[2]));
						t += 2;
					} else {
						out[o++] = *t;
					}
				}
			} else {
				unsigned v = 0;
				int bits = 0;
				assert_int_equal(enc, 'B');
				for (const char *t = text; t < end && *t != '='; t++) {
					v = (v << 6) | (unsigned)b64val(*t);
					bits += 6;
					if (bits >= 8) {
						bits -= 8;
						out[o++] = (char)((v >> bits) & 0xFF);
					}
				}
			}
			p = end + 2;
			last_was_ew = 1;
			pending_ws = NULL;
			continue;
		}
		if (*p == ' ' || *p == '\t') {
			if (!pending_ws)
				pending_ws = p;
			p++;
			continue;
		}
		if (pending_ws)
			while (pending_ws < p && o + 1 < outsz)
				out[o++] = *pending_ws++;
		pending_ws = NULL;
		last_was_ew = 0;
		out[o++] = *p++;
	}
	out[o] = '\0';
}

static void test_headers_present_and_well_formed(void **state)
{
	struct mail_header extra[] = {{"X-Baken-Alert", "42"},
	                              {"X-Baken-Advisory", "NCSC-2019-0353"}};
	struct mail_fields f = base();
	struct buf b;
	struct err e = {0};
	char v[1024];

	(void)state;
	f.headers = extra;
	f.n_headers = 2;
	assert_int_equal(compose(&f, &b, &e), 0);
	assert_crlf_lines(buf_str(&b), b.len, 998);
	assert_crlf_lines(buf_str(&b), head_len(&b), 76);
	header_value(&b, "Date", v, sizeof(v));
	assert_string_equal(v, "Tue, 24 Dec 2019 12:05:00 +0000");
	header_value(&b, "From", v, sizeof(v));
	assert_string_equal(v, "NCSC Advies <advies@csirt.example>");
	header_value(&b, "To", v, sizeof(v));
	assert_string_equal(v, "ciso@a1.example");
	header_value(&b, "Subject", v, sizeof(v));
	assert_string_equal(v, "NCSC-2019-0353 [v1.01] [H/H] Kwetsbaarheid in Citrix ADC");
	header_value(&b, "MIME-Version", v, sizeof(v));
	assert_string_equal(v, "1.0");
	header_value(&b, "Content-Type", v, sizeof(v));
	assert_string_equal(v, "text/plain; charset=utf-8");
	header_value(&b, "Content-Transfer-Encoding", v, sizeof(v));
	assert_string_equal(v, "7bit");
	header_value(&b, "X-Baken-Alert", v, sizeof(v));
	assert_string_equal(v, "42");
	header_value(&b, "X-Baken-Advisory", v, sizeof(v));
	assert_string_equal(v, "NCSC-2019-0353");
	/* every header line is "Name: value" or a continuation */
	for (const char *p = buf_str(&b); p < buf_str(&b) + head_len(&b);) {
		const char *colon = strchr(p, ':'), *eol = strstr(p, "\r\n");
		assert_true(p[0] == ' ' || (colon != NULL && colon < eol && colon[1] == ' '));
		p = eol + 2;
	}
	assert_non_null(strstr(buf_str(&b), "\r\n\r\nBeste contactpersoon,\r\n\r\nEr is een nieuwe "
	                                    "versie.\r\n"));
	buf_free(&b);
}

static void test_message_id_verbatim(void **state)
{
	struct mail_fields f = base();
	struct buf b;
	struct err e = {0};

	(void)state;
	assert_int_equal(compose(&f, &b, &e), 0);
	assert_non_null(strstr(buf_str(&b), "\r\nMessage-ID: " MSGID "\r\n"));
	buf_free(&b);
	f.message_id = "baken.123@csirt.example";
	assert_int_equal(compose(&f, &b, &e), ERR_INPUT);
	buf_free(&b);
	f.message_id = "<no at sign>";
	assert_int_equal(compose(&f, &b, &e), ERR_INPUT);
	buf_free(&b);
}

static void test_subject_rfc2047(void **state)
{
	struct mail_fields f = base();
	struct buf b;
	struct err e = {0};
	char raw[1024], dec[1024];

	(void)state;
	f.subject = SUBJECT;
	assert_int_equal(compose(&f, &b, &e), 0);
	assert_crlf_lines(buf_str(&b), head_len(&b), 76);
	header_value(&b, "Subject", raw, sizeof(raw));
	/* the ASCII words stay readable, the rest is UTF-8 encoded-words */
	assert_true(strncmp(raw, "NCSC-2019-0353 [v1.01] [H/H] Kwetsbaarheid in Citrix ADC ", 57) ==
	            0);
	assert_non_null(strstr(raw, "=?UTF-8?"));
	for (const char *p = raw; *p; p++)
		assert_true((unsigned char)*p < 0x80);
	decode_2047(raw, dec, sizeof(dec));
	assert_string_equal(dec, SUBJECT);
	buf_free(&b);
}

static void test_subject_long_folds(void **state)
{
	struct mail_fields f = base();
	struct buf b;
	struct err e = {0};
	char subject[600], raw[4096], dec[4096];
	size_t o = 0;

	(void)state;
	/* many non-ASCII words: several encoded-words over several lines */
	for (int i = 0; i < 20; i++) {
		const char *w =
		    i % 2 ? "\xc3\xa9\xc3\xa9n kwetsbaarheid " : "\xc3\xa9\xc3\xa9n\xc3\xa9 ";
		memcpy(subject + o, w, strlen(w));
		o += strlen(w);
	}
	memcpy(subject + o, "eind", 5);
	f.subject = subject;
	assert_int_equal(compose(&f, &b, &e), 0);
	assert_crlf_lines(buf_str(&b), head_len(&b), 76);
	header_value(&b, "Subject", raw, sizeof(raw));
	decode_2047(raw, dec, sizeof(dec));
	assert_string_equal(dec, subject);
	buf_free(&b);

	/* a long ASCII subject folds at spaces and reads back unchanged */
	o = 0;
	for (int i = 0; i < 30; i++) {
		memcpy(subject + o, "Citrix ADC ", 11);
		o += 11;
	}
	subject[o - 1] = '\0';
	f.subject = subject;
	assert_int_equal(compose(&f, &b, &e), 0);
	assert_crlf_lines(buf_str(&b), head_len(&b), 76);
	header_value(&b, "Subject", raw, sizeof(raw));
	assert_string_equal(raw, subject);
	buf_free(&b);
}

static void test_display_name_encoded(void **state)
{
	struct mail_fields f = base();
	struct buf b;
	struct err e = {0};
	char raw[512], dec[512];

	(void)state;
	f.to = "Zo\xc3\xab de Vries <zoe@a1.example>";
	assert_int_equal(compose(&f, &b, &e), 0);
	header_value(&b, "To", raw, sizeof(raw));
	assert_true(strncmp(raw, "=?UTF-8?", 8) == 0);
	assert_non_null(strstr(raw, "?= <zoe@a1.example>"));
	decode_2047(raw, dec, sizeof(dec));
	assert_string_equal(dec, "Zo\xc3\xab de Vries <zoe@a1.example>");
	buf_free(&b);
	f.to = "zo\xc3\xab@a1.example";
	assert_int_equal(compose(&f, &b, &e), ERR_INPUT);
	buf_free(&b);
}

static void test_crlf_endings(void **state)
{
	struct mail_fields f = base();
	struct buf b;
	struct err e = {0};

	(void)state;
	f.body = "een\ntwee\r\ndrie\rvier";
	assert_int_equal(compose(&f, &b, &e), 0);
	assert_crlf_lines(buf_str(&b), b.len, 998);
	assert_non_null(strstr(buf_str(&b), "\r\n\r\neen\r\ntwee\r\ndrie\r\nvier\r\n"));
	buf_free(&b);
}

static void test_body_encodings(void **state)
{
	struct mail_fields f = base();
	struct buf b;
	struct err e = {0};
	char v[128];

	(void)state;
	f.body = "Beschikbaarheid: h\xc3\xb3\xc3\xb3g\n";
	assert_int_equal(compose(&f, &b, &e), 0);
	header_value(&b, "Content-Transfer-Encoding", v, sizeof(v));
	assert_string_equal(v, "8bit");
	assert_non_null(strstr(buf_str(&b), "h\xc3\xb3\xc3\xb3g\r\n"));
	buf_free(&b);
	f.seven_bit = 1;
	assert_int_equal(compose(&f, &b, &e), 0);
	header_value(&b, "Content-Transfer-Encoding", v, sizeof(v));
	assert_string_equal(v, "quoted-printable");
	assert_non_null(strstr(buf_str(&b), "h=C3=B3=C3=B3g\r\n"));
	buf_free(&b);
}

/* Decodes quoted-printable text (soft breaks removed, =XX turned into octets). */
static size_t decode_qp(const char *in, char *out)
{
	size_t o = 0;

	for (const char *p = in; *p;) {
		if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
			p += 3;
		} else if (p[0] == '=') {
			out[o++] = (char)(hexval(p[1]) * 16 + hexval(p[2]));
			p += 3;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	return o;
}

static void test_long_lines_quoted_printable(void **state)
{
	static char body[5000], want[5000], got[8000];
	struct mail_fields f = base();
	struct buf b;
	struct err e = {0};
	char v[128];
	size_t o = 0;

	(void)state;
	/* one line of 2,000 octets with spaces, '=', a '.' and non-ASCII, then a short line */
	for (int i = 0; i < 200; i++) {
		memcpy(body + o, i % 7 ? "a=b.c \xc3\xa9x " : ".abcdefgh ", 10);
		o += 10;
	}
	memcpy(body + o, " \nkort \n", 9);
	f.body = body;
	assert_int_equal(compose(&f, &b, &e), 0);
	header_value(&b, "Content-Transfer-Encoding", v, sizeof(v));
	assert_string_equal(v, "quoted-printable");
	assert_crlf_lines(buf_str(&b) + head_len(&b) + 2, b.len - head_len(&b) - 2, 76);
	/* no line starts with '.', no line ends in white space */
	assert_null(strstr(buf_str(&b), "\r\n."));
	assert_null(strstr(buf_str(&b), " \r\n"));
	decode_qp(buf_str(&b) + head_len(&b) + 2, got);
	memcpy(want, body, o);
	memcpy(want + o, " \r\nkort \r\n", 11);
	assert_string_equal(got, want);
	buf_free(&b);
}

static void test_injection_refused(void **state)
{
	struct mail_header bad_value[] = {{"X-Baken-Alert", "1\r\nBcc: all@example.org"}};
	struct mail_header bad_name[] = {{"X-Baken: Alert", "1"}};
	struct mail_header repeat[] = {{"subject", "other"}};
	struct mail_fields f;
	struct buf b;
	struct err e = {0};

	(void)state;
	f = base();
	f.subject = "Advies\r\nBcc: all@example.org";
	assert_int_equal(compose(&f, &b, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "Subject"));
	buf_free(&b);
	f = base();
	f.subject = "Advies\nBcc: all@example.org";
	assert_int_equal(compose(&f, &b, &e), ERR_INPUT);
	buf_free(&b);
	f = base();
	f.to = "ciso@a1.example\r\nBcc: all@example.org";
	assert_int_equal(compose(&f, &b, &e), ERR_INPUT);
	buf_free(&b);
	f = base();
	f.from = "advies@csirt.example\r";
	assert_int_equal(compose(&f, &b, &e), ERR_INPUT);
	buf_free(&b);
	f = base();
	f.message_id = "<a@b>\r\nBcc: x@y";
	assert_int_equal(compose(&f, &b, &e), ERR_INPUT);
	buf_free(&b);
	f = base();
	f.headers = bad_value;
	f.n_headers = 1;
	assert_int_equal(compose(&f, &b, &e), ERR_INPUT);
	buf_free(&b);
	f.headers = bad_name;
	assert_int_equal(compose(&f, &b, &e), ERR_INPUT);
	buf_free(&b);
	f.headers = repeat;
	assert_int_equal(compose(&f, &b, &e), ERR_INPUT);
	buf_free(&b);
}

static void test_invalid_input(void **state)
{
	struct mail_fields f;
	struct buf b;
	struct err e = {0};

	(void)state;
	f = base();
	f.subject = "Kwetsbaarheid \xc3";
	assert_int_equal(compose(&f, &b, &e), ERR_INPUT);
	buf_free(&b);
	f = base();
	f.body = "overlong \xc0\xaf";
	assert_int_equal(compose(&f, &b, &e), ERR_INPUT);
	buf_free(&b);
	f = base();
	f.to = NULL;
	assert_int_equal(compose(&f, &b, &e), ERR_INPUT);
	buf_free(&b);
	/* the buffer's maximum holds */
	f = base();
	buf_init(&b, 100);
	assert_int_equal(mail_compose(&f, &b, &e), ERR_INPUT);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_headers_present_and_well_formed),
	    cmocka_unit_test(test_message_id_verbatim),
	    cmocka_unit_test(test_subject_rfc2047),
	    cmocka_unit_test(test_subject_long_folds),
	    cmocka_unit_test(test_display_name_encoded),
	    cmocka_unit_test(test_crlf_endings),
	    cmocka_unit_test(test_body_encodings),
	    cmocka_unit_test(test_long_lines_quoted_printable),
	    cmocka_unit_test(test_injection_refused),
	    cmocka_unit_test(test_invalid_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
