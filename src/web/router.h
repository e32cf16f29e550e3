/* router.h: the route table (routes.def) and the checks it makes before a handler runs. */
#ifndef BAKEN_ROUTER_H
#define BAKEN_ROUTER_H

#include "web/http.h"

#include <stddef.h>
#include <stdint.h>

enum http_method {
	GET,
	POST
};
enum route_perm {
	PERM_PUBLIC,
	PERM_API,
	PERM_LOGIN,
	PERM_STAFF,
	PERM_ANALYST,
	PERM_ADMIN
};
enum route_csrf {
	CSRF_NONE,
	CSRF_FORM
};

/* The body limit of a route whose body is not held in memory but written, as it arrives, to
 * a private temporary file (req_body_file), up to the setting web.upload_max (default
 * UPLOAD_MAX_DEFAULT). Who is asking, the permission and CSRF (the X-CSRF-Token header) are
 * checked on the headers, before a byte is written. */
#define BODY_FILE          ((size_t)-1)
#define UPLOAD_MAX_DEFAULT ((uint64_t)1 << 30)

struct route {
	enum http_method method;
	const char *path;
	int (*handler)(struct req *r);
	enum route_perm perm;
	enum route_csrf csrf;
	size_t body_limit;
};

/* Every handler of routes.def. */
#define ROUTE(method, path, fn, perm, csrf, limit) int fn(struct req *r);
#include "web/routes.def"
#undef ROUTE

/* The table, and its length. */
extern const struct route router_routes[];
extern const size_t router_nroutes;

/* Matches path against pattern ('*' is one non-empty segment); on a match stores up to
 * maxcap captures (malloc'd, not decoded) in caps and their count in *ncaps, returns 1. */
int router_match(const char *pattern, const char *path, char **caps, int maxcap, int *ncaps);

/* The route for method and path: its index, or -1 when no path matches (404), or -2 when
 * the path matches for another method only (405). HEAD counts as GET. Captures as above. */
int router_find(const char *method, const char *path, char **caps, int maxcap, int *ncaps);

/* Splits an application/x-www-form-urlencoded body (copied into r->form_copy) into
 * r->fields, decoded. At most REQ_MAX_FIELDS fields; more is ERR_INPUT. */
int router_parse_form(struct req *r, const char *body, size_t len);

/* The checks a BODY_FILE route makes on the headers alone, before its body is read: the
 * store, who is asking, the permission, the CSRF token (X-CSRF-Token, or an API token), no
 * Content-Encoding, and a Content-Length within web.upload_max (read into r->upload_max).
 * 0 when they hold; else r holds the error answer and its status is returned. */
int router_admit(struct req *r);

/* Sets r's answer to the error status with detail (may be NULL): problem+json under /api/,
 * else an HTML page. */
void router_error(struct req *r, int status, const char *detail);

/* Runs the route's checks and its handler; afterwards r holds the response (or r->deferred
 * is set: run it again on a worker). */
void router_dispatch(struct req *r);

/* 1 when the two strings are equal, in time that does not depend on where they differ. */
int router_token_equal(const char *a, const char *b);

#endif
