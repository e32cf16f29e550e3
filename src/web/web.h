/* web.h: `baken serve`: the web UI, the JSON API and alert delivery in one process. */
#ifndef BAKEN_WEB_H
#define BAKEN_WEB_H

#include "core/err.h"

struct web_options {
	const char *db_path;
	const char *listen;   /* "ADDR:PORT" or "[ADDR6]:PORT"; NULL is 127.0.0.1:8080 */
	const char *tls_cert; /* PEM files; both or neither */
	const char *tls_key;
	int deliver_interval; /* seconds between delivery rounds; 0: no delivery here */
	const char *banner;   /* printed to stdout once the server listens (may be NULL) */
	int threads;          /* event threads; 0: one per core, 2 to 4 */
};

/* Serves until SIGTERM or SIGINT, then stops taking connections, lets the ones in flight
 * finish (up to 10 s) and returns 0. An error (the address is taken, a TLS file is missing)
 * returns before serving, with the reason in e. */
int web_serve(const struct web_options *o, struct err *e);

/* Parses "127.0.0.1:8080", "[::1]:8080" or ":8080" into a socket address (storage of
 * sizeof(struct sockaddr_in6) bytes at least); *len gets its size. ERR_USAGE on bad text. */
int web_parse_listen(const char *text, void *addr, unsigned *len, struct err *e);

#endif
