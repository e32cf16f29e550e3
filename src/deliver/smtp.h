/* smtp.h: sending composed messages through an SMTP server with libcurl, many messages over a
 * few kept-open connections. The only SMTP code that does network I/O; called by the outbox
 * worker, never on an HTTP thread. */
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
};

struct smtp_item {
	const char *rcpt; /* envelope recipient, an address */
	const char *data; /* the composed message (mail_compose): CRLF lines */
	size_t len;
	int result; /* out: 0 accepted (250 after DATA), ERR_IO, or ERR_INPUT (not sent: rcpt is
	               not an address, or data is empty) */
	char error[256]; /* out: the server's reply or curl's error; "" when accepted */
};

/* Sends every item over at most c->connections connections (a curl multi handle driving that
 * many easy handles; each handle takes the next waiting item when it is done, and the
 * connection stays open between messages). Each item gets its own MAIL FROM, RCPT TO and
 * DATA. A 4xx/5xx reply to RCPT or DATA, a refused or broken connection or a timeout fails
 * that item, with the reason in item->error; the others go on. A connection that fails before
 * a transaction starts (refused, greeting, TLS, AUTH) is not used again; when every one has
 * failed so, the items not yet tried fail with "not tried: " and the last reason, without
 * more attempts. A message whose connection broke before the server answered anything is
 * sent once more on a new connection (it cannot have been accepted).
 *
 * STARTTLS: with a user set and an smtp:// URL, CURLOPT_USE_SSL is CURLUSESSL_TRY: TLS when
 * the server offers STARTTLS, else the session (and AUTH) goes on in the clear. Servers'
 * certificates are verified against the system's CAs.
 *
 * Returns 0 when every item has its result (accepted or not); ERR_INPUT for a bad
 * configuration (URL scheme, from, connections out of 1..32) or ERR_IO when libcurl cannot
 * be set up, with no item tried. */
int smtp_send_batch(const struct smtp_conf *c, struct smtp_item *items, size_t n, struct err *e);

#endif
