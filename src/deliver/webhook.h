/* webhook.h: signed JSON POSTs to an organisation's webhook URL with libcurl. Called by the
 * outbox worker, never on an HTTP thread.
 *
 * What the receiver gets:
 *   POST <url>  Content-Type: application/json
 *   X-Baken-Event: advisory.published
 *   X-Baken-Delivery: <id, the same on every retry of one alert, to deduplicate>
 *   X-Baken-Signature: sha256=<hex of HMAC-SHA256(secret, body)>
 * and must answer 2xx; anything else (a redirect too: none is followed) is a failure. */
#ifndef BAKEN_WEBHOOK_H
#define BAKEN_WEBHOOK_H

#include "core/err.h"

#include <stddef.h>

struct webhook_req {
	const char *url;         /* http:// or https:// only */
	const char *body;        /* JSON text */
	size_t len;              /* bytes of body */
	const char *secret;      /* the organisation's HMAC key; must not be empty */
	const char *delivery_id; /* X-Baken-Delivery */
	const char *event;       /* X-Baken-Event, e.g. "advisory.published" */
	long timeout_ms;         /* the whole request, connecting included; <= 0: 10,000 */
};

struct webhook_result {
	long status;     /* the HTTP status, 0 when there was no response */
	char error[256]; /* "" on success, else "HTTP 500" or curl's error (timeout, refused) */
};

/* One libcurl handle, kept for the life of the worker so that connections to the same
 * receivers stay open between posts. Opaque; not for use by two threads at once. */
struct webhook_client;

/* Opens a client into *out; close it with webhook_client_close. ERR_IO when libcurl cannot
 * be set up. */
int webhook_client_open(struct webhook_client **out, struct err *e);

/* Receivers on loopback, private, link-local and other non-public addresses are refused
 * (the URL is set by constituents: no requests into our own network) unless allowed here,
 * for a deployment whose receivers are internal. The check is made on the address actually
 * connected to, so DNS cannot get around it. */
void webhook_client_allow_private(struct webhook_client *c, int allow);

/* Whether the textual IPv4 or IPv6 address ip is a public internet address: 0 for loopback,
 * private (RFC 1918, unique local), carrier-grade NAT, link-local, multicast, documentation
 * and reserved ranges, IPv4-mapped forms of those, and for anything not an address. */
int webhook_addr_public(const char *ip);

/* Closes the client and its connections; c may be NULL. */
void webhook_client_close(struct webhook_client *c);

/* POSTs r->body to r->url with the headers above, waiting at most r->timeout_ms. Fills res
 * (status and error text) and returns 0 only for a 2xx answer. Errors: ERR_INPUT (nothing
 * sent) for a URL that is not http(s), an empty secret, or a control character in the
 * delivery id or event; ERR_IO for no answer (refused, timeout, TLS) or a status that is not
 * 2xx, or a receiver address that is not public (see webhook_client_allow_private), with
 * res->error and e's message both "HTTP 500" or curl's reason. The response body is
 * read and dropped (at most 1 MiB, then the connection is closed). */
int webhook_post(struct webhook_client *c, const struct webhook_req *r, struct webhook_result *res,
                 struct err *e);

/* Writes "sha256=" and the 64 lowercase hex digits of HMAC-SHA256(secret, body[0..len)) into
 * out, NUL-terminated (71 characters and the NUL). The key is the whole of secret as bytes. */
void webhook_sign(const char *secret, const char *body, size_t len, char out[72]);

#endif
