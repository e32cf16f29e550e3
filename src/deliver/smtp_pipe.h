/* smtp_pipe.h: our own SMTP client for plain smtp:// servers without AUTH, with RFC 2920
 * PIPELINING, and the pure pieces of it (reply parsing, dot-stuffing, the URL) for the unit
 * tests. smtp.c chooses it; everything else (smtps://, STARTTLS, AUTH) goes through libcurl.
 *
 * Per message it sends MAIL FROM, RCPT TO and DATA in one write when the server's EHLO offers
 * PIPELINING, and after the 354 the message, its final dot and the next message's three
 * commands in the next: one round trip per message on each connection, where libcurl waits
 * for four. A server without PIPELINING gets one command at a time. */
#ifndef BAKEN_SMTP_PIPE_H
#define BAKEN_SMTP_PIPE_H

#include "core/err.h"
#include "deliver/smtp.h"

#include <stddef.h>

struct smtp_pipe;

/* Whether the pipe client handles c: an smtp:// URL smtp_url_parse understands and no user
 * (AUTH, and so STARTTLS, is libcurl's). */
int smtp_pipe_handles(const struct smtp_conf *c);

/* A client with c->connections connection slots; nothing is connected yet. c's strings are
 * copied. *out is the caller's, for smtp_pipe_close. ERR_INPUT when c is not one it handles. */
int smtp_pipe_open(const struct smtp_conf *c, struct smtp_pipe **out, struct err *e);

/* Sends every item, as smtp_send_batch describes, over the client's connections; connections
 * left open by an earlier call are used again, and stay open after. An item whose recipient is
 * refused fails alone, with the server's reply; a message whose connection broke before the
 * server acknowledged it is sent again on another connection (at most 3 connections per
 * message; when its body had gone out it may arrive twice, with the same Message-ID).
 * Returns 0 when every item has its result. */
int smtp_pipe_send(struct smtp_pipe *p, struct smtp_item *items, size_t n, struct err *e);

/* Says QUIT on every open connection, closes them and frees p. NULL is fine. */
void smtp_pipe_close(struct smtp_pipe *p);

/* One complete reply at the start of a buffer. */
struct smtp_reply {
	int code;   /* 200..599 */
	size_t len; /* bytes of the reply, every line and line end included */
};

/* Finds the first complete reply in p[0..n): lines "ddd-text" continue it, "ddd text" or
 * "ddd" end it, each ending in LF (a CR before it is dropped), all with the same code.
 * Returns 1 with *r set, 0 when more bytes are needed, -1 when the bytes are not a reply. */
int smtp_reply_scan(const char *p, size_t n, struct smtp_reply *r);

/* The reply p[0..len) as one line for an error message: the first line whole, the text of the
 * others after a space, control characters as '?', cut to fit out (always terminated). */
void smtp_reply_text(const char *p, size_t len, char *out, size_t outsz);

/* Whether the EHLO reply p[0..len) names the extension keyword (case-insensitive) on one of
 * its lines after the first. */
int smtp_reply_has(const char *p, size_t len, const char *keyword);

/* Writes data[0..len) as the content of DATA: CRLF line ends (a bare LF becomes CRLF), a dot
 * doubled at the start of every line, a CRLF added when the last line has none, and the
 * final ".\r\n". out must hold SMTP_STUFF_MAX(len) bytes; returns the bytes written. */
#define SMTP_STUFF_MAX(len) (2 * (len) + 5)
size_t smtp_dot_stuff(const char *data, size_t len, char *out);

/* Splits smtp://host[:port][/ehlo-domain] (host a name, an IPv4 address or [IPv6]; port
 * 1..65535, default 25). Returns 0, or -1 for anything else: another scheme, user info,
 * a query, percent signs, characters a name cannot have. domain is "" when the URL has none. */
int smtp_url_parse(const char *url, char *host, size_t hostsz, char *port, size_t portsz,
                   char *domain, size_t domainsz);

#endif
