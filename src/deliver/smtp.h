/* smtp.h: sending composed messages through an SMTP server, many messages over a few kept-open
 * connections: our own pipelining client (smtp_pipe.c) for plain smtp:// without AUTH,
 * libcurl for smtps://, STARTTLS and AUTH. The only SMTP code that does network I/O; called by
 * the outbox worker, never on an HTTP thread. */
#ifndef BAKEN_SMTP_H
#define BAKEN_SMTP_H

#include "core/err.h"

#include <stddef.h>

struct smtp_conf {
	/* smtp://host:port (plain, or STARTTLS when a user is set) or smtps://host:port (TLS
	 * from the start). A path names the EHLO domain: smtp://mx.example:25/csirt.example. */
	const char *url;
	const char *from;     /* envelope sender (MAIL FROM), an address */
	const char *user;     /* NULL or "": no AUTH and no STARTTLS */
	const char *password; /* with user */
	long timeout_ms;      /* per message, connecting included; <= 0: 30,000 */
	int connections;      /* 1..32 connections used at once, each kept open for many messages */
	int use_curl;         /* nonzero: libcurl even where smtp_pipe.c would do (tests) */
};

struct smtp_item {
	const char *rcpt; /* envelope recipient, an address */
	const char *data; /* the composed message (mail_compose): CRLF lines */
	size_t len;
	int result; /* out: 0 accepted (250 after DATA), ERR_IO, or ERR_INPUT (not sent: rcpt is
	               not an address, or data is empty) */
	char error[256]; /* out: the server's reply or curl's error; "" when accepted */
};

/* Sends every item over at most c->connections connections: smtp_client_open, _send and
 * _close in one. Each item gets its own MAIL FROM, RCPT TO and DATA, and its own result: a
 * 4xx/5xx reply to MAIL, RCPT or DATA (or after the message), a refused or broken connection
 * or a timeout fails that item, with the server's reply or the reason in item->error; the
 * others go on. A connection that fails before a transaction starts (refused, greeting,
 * EHLO, TLS, AUTH) is not used again in this batch; when every one has failed so, the items
 * not yet tried fail with "not tried: " and the last reason, without more attempts.
 *
 * A message whose connection broke before the server acknowledged it is sent again on a new
 * connection: with smtp_pipe.c whatever the point of the break (at most 3 connections per
 * message; one whose body had gone out may so arrive twice, with the same Message-ID, as
 * RFC 5321 6.1 expects of a sender); with libcurl only when the server had answered nothing.
 *
 * With libcurl: a multi handle drives that many easy handles; each handle takes the next
 * waiting item when it is done, and the connection stays open between messages.
 * STARTTLS: with a user set and an smtp:// URL, CURLOPT_USE_SSL is CURLUSESSL_TRY: TLS when
 * the server offers STARTTLS, else the session (and AUTH) goes on in the clear. Servers'
 * certificates are verified against the system's CAs.
 *
 * Returns 0 when every item has its result (accepted or not); ERR_INPUT for a bad
 * configuration (URL scheme, from, connections out of 1..32) or ERR_IO when libcurl cannot
 * be set up, with no item tried. */
int smtp_send_batch(const struct smtp_conf *c, struct smtp_item *items, size_t n, struct err *e);

struct smtp_client;

/* A client for many batches: its connections stay open between smtp_client_send calls.
 * Plain smtp:// URLs without a user get smtp_pipe.c (PIPELINING: one round trip per message),
 * everything else (or c->use_curl) libcurl. c's strings are copied. Errors as
 * smtp_send_batch's before any item is tried: ERR_INPUT for a bad configuration, ERR_IO when
 * libcurl cannot be set up. *out is the caller's, for smtp_client_close. */
int smtp_client_open(const struct smtp_conf *c, struct smtp_client **out, struct err *e);

/* Sends a batch as smtp_send_batch does, over the client's connections. */
int smtp_client_send(struct smtp_client *cl, struct smtp_item *items, size_t n, struct err *e);

/* Ends the client's connections (QUIT) and frees it. NULL is fine. */
void smtp_client_close(struct smtp_client *cl);

#endif
