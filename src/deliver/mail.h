/* mail.h: composing one RFC 5322 message (headers and a text/plain UTF-8 body) for the SMTP
 * sender. Pure: no I/O. The bytes it produces use CRLF line endings, keep every line under 998
 * octets, and can be handed to smtp_send_batch as they are. */
#ifndef BAKEN_MAIL_H
#define BAKEN_MAIL_H

#include "core/buf.h"
#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

/* One extra header, e.g. {"X-Baken-Alert", "42"}. */
struct mail_header {
	const char *name;  /* printable ASCII without ':' or space */
	const char *value; /* UTF-8; encoded as RFC 2047 words when not ASCII */
};

struct mail_fields {
	const char *from;       /* "advies@csirt.example" or "NCSC Advies <advies@csirt.example>" */
	const char *to;         /* one address, same forms; a non-ASCII display name is encoded */
	const char *subject;    /* UTF-8 */
	int64_t date;           /* seconds since the epoch; written in UTC, "+0000" */
	const char *message_id; /* "<baken.123.1577189100@csirt.example>", written verbatim */
	const struct mail_header *headers; /* extra headers, may be NULL */
	size_t n_headers;
	const char *body; /* UTF-8 text, LF or CRLF line endings, NUL-terminated */
	int seven_bit;    /* nonzero: a non-ASCII body is always quoted-printable (for a relay
	                     without 8BITMIME); zero: 8bit when every line is short */
};

/* Appends the whole message to out: Date, From, To, Subject, Message-ID, the extra headers,
 * MIME-Version, Content-Type (text/plain; charset=utf-8), Content-Transfer-Encoding, an empty
 * line and the body. Header values that are not pure ASCII become RFC 2047 encoded-words
 * (UTF-8, B or Q, whichever is shorter); long headers are folded at 78 columns where they have
 * spaces. The body is 7bit when it is ASCII with short lines, 8bit when it is UTF-8 with
 * short lines (unless f->seven_bit), else quoted-printable; it always ends with CRLF.
 * Errors: ERR_INPUT for a missing field, CR or LF or another control character in any header
 * value (header injection), invalid UTF-8, a malformed Message-ID or header name, an extra
 * header that repeats one of the fixed ones, or when out's maximum is reached. On error out
 * may hold a partial message: the caller resets it. */
int mail_compose(const struct mail_fields *f, struct buf *out, struct err *e);

#endif
