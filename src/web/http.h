/* http.h: what a page or API handler gets: the request (route, path captures, query, form,
 * who is asking) and the response it builds. Handlers return 0 with a response set, or an
 * ERR_* code that the router turns into the matching status (an HTML page, or RFC 9457
 * problem+json under /api/), or HTTP_DEFER to be run again off the event threads. */
#ifndef BAKEN_HTTP_H
#define BAKEN_HTTP_H

#include "core/buf.h"
#include "core/err.h"
#include "model/user.h"

#include <jansson.h>
#include <stdint.h>

struct db;
struct app;
struct route;
struct MHD_Connection;

/* A handler's answer: run me again on a worker thread (argon2id, gpgme). */
#define HTTP_DEFER 1

#define REQ_MAX_PARAMS  4
#define REQ_MAX_FIELDS  64
#define REQ_MAX_HEADERS 8

struct form_field {
	char *name, *value;   /* decoded; point into the request's copy of the body */
	size_t len;           /* of value (a file may hold NUL bytes) */
	const char *filename; /* multipart/form-data: the file's name; NULL for other fields */
};

struct req {
	const struct app *app;
	struct MHD_Connection *conn;
	const struct route *route; /* NULL when no route matched */
	int route_index;
	char method[8];
	char *path;                   /* without the query; malloc'd */
	char *params[REQ_MAX_PARAMS]; /* the path segments that matched '*', decoded */
	int nparams;
	struct buf body;
	int body_too_large;
	/* a BODY_FILE route (router.h): the body in a private temporary file, removed when the
	 * request ends however it ends */
	int body_fd;         /* open while the body arrives, else -1 */
	char *body_path;     /* malloc'd; NULL when there is no file (none yet, or removed) */
	char *body_dir;      /* the private directory it is in (malloc'd), or NULL */
	uint64_t body_size;  /* bytes written to it */
	uint64_t upload_max; /* web.upload_max, read when the headers are checked */
	int body_errno;      /* the error that stopped writing it (ENOSPC ...), or 0 */
	char *form_copy;
	struct form_field fields[REQ_MAX_FIELDS];
	int nfields;
	char addr[64]; /* the client's address */

	/* who is asking: the public when user.id is 0 */
	struct user user;
	int via_token;                /* authenticated by an API token */
	char csrf[USER_CSRF_LEN + 1]; /* the session's CSRF token, or the anonymous one */
	int csrf_new;                 /* the anonymous CSRF cookie is to be set */
	int csrf_secure;              /* ... with Secure (req_secure when it was made) */
	int csrf_used;                /* the answer holds the CSRF token: never cached */

	struct db *db; /* this thread's connection; valid while the handler runs */
	int on_worker; /* 1 when running on a worker thread (after HTTP_DEFER) */
	int deferred;
	int64_t now;
	int64_t start_ns;

	/* the response */
	int status;
	const char *ctype;
	struct buf out;
	char *headers[REQ_MAX_HEADERS][2];
	int nheaders;
	int cache_public;   /* may be cached by others (public, no session) */
	char *cache_key;    /* an anonymous GET the server's cache may answer (malloc'd), or NULL */
	uint64_t cache_gen; /* the store's generation it is rendered at */
	size_t sent;        /* bytes of the body sent, for the log */
	struct err err;
};

/* The value of a query parameter (decoded), or NULL. Borrowed. */
const char *req_query(struct req *r, const char *name);
/* The value of a form field of a POST body, or NULL. Borrowed. */
const char *req_form(struct req *r, const char *name);
/* A BODY_FILE route's body: the path of the temporary file that holds it, complete, and
 * its size in *size; NULL when there is none. Borrowed: the file is removed when the request
 * ends (answered, failed, the client gone, the server stopping). */
const char *req_body_file(struct req *r, uint64_t *size);
/* A request header, or NULL. Borrowed. */
const char *req_header(struct req *r, const char *name);
/* A cookie, or NULL. Borrowed. */
const char *req_cookie(struct req *r, const char *name);
/* The CSRF token for a form on this page (creates the anonymous one when needed). */
const char *req_csrf(struct req *r);
/* 1 when the connection is TLS, or site.url says https (behind a proxy): cookies get Secure. */
int req_secure(struct req *r);
/* The site's name and base URL (site.name, site.url), malloc'd. */
char *req_site_name(struct req *r);
char *req_site_url(struct req *r);

/* Adds a response header (both strings copied). */
void resp_header(struct req *r, const char *name, const char *value);
/* Sets status and content type; the body is what the handler wrote to r->out. */
void resp_set(struct req *r, int status, const char *ctype);
/* The body is the JSON value v (stolen), pretty-printed. */
int resp_json(struct req *r, int status, json_t *v);
/* An RFC 9457 problem: status, title, detail (may be NULL). A 400 whose detail names a field
 * (`field "x"`, `query parameter "x"`, or the CLI's `--x`) carries it as "field": "x". */
int resp_problem(struct req *r, int status, const char *title, const char *detail);
/* 1 when path is a local path a redirect may name: "/x", not "//host" or "/\host", and no
 * control characters (browsers drop tabs and line ends from a URL: "/<TAB>/host" is "//host"). */
int resp_local_path(const char *path);
/* A 303 redirect to a local path (anything else goes to "/"). */
int resp_redirect(struct req *r, const char *location);
/* Sets a cookie: HttpOnly, Path=/, SameSite as given, Secure when req_secure;
 * max_age < 0 deletes it. */
void resp_cookie(struct req *r, const char *name, const char *value, long max_age,
                 const char *samesite);

/* The HTTP status for an ERR_* code. */
int http_status_of(int code);

#endif
