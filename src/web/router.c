/* router.c: the route table and what it enforces before a handler runs. */
#include "web/router.h"

#include "core/xalloc.h"
#include "db/db.h"
#include "model/config.h"
#include "web/app.h"
#include "web/form.h"
#include "web/html.h"
#include "web/pages/pages.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct route router_routes[] = {
#define ROUTE(method, path, fn, perm, csrf, limit) {method, path, fn, perm, csrf, limit},
#include "web/routes.def"
#undef ROUTE
};
const size_t router_nroutes = sizeof(router_routes) / sizeof(router_routes[0]);

int router_match(const char *pattern, const char *path, char **caps, int maxcap, int *ncaps)
{
	const char *p = pattern, *s = path;
	int n = 0;

	while (*p && *s) {
		if (*p == '*') {
			const char *end = strchr(s, '/');
			size_t len = end ? (size_t)(end - s) : strlen(s);
			if (len == 0 || n >= maxcap)
				goto no;
			caps[n++] = xstrndup(s, len);
			s += len;
			p++;
			continue;
		}
		if (*p != *s)
			goto no;
		p++;
		s++;
	}
	if (*p || *s)
		goto no;
	*ncaps = n;
	return 1;
no:
	for (int i = 0; i < n; i++) {
		free(caps[i]);
		caps[i] = NULL;
	}
	*ncaps = 0;
	return 0;
}

int router_find(const char *method, const char *path, char **caps, int maxcap, int *ncaps)
{
	int other = 0;
	enum http_method m;

	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
		m = GET;
	else if (strcmp(method, "POST") == 0)
		m = POST;
	else
		m = (enum http_method) - 1;
	for (size_t i = 0; i < router_nroutes; i++) {
		if (!router_match(router_routes[i].path, path, caps, maxcap, ncaps))
			continue;
		if (router_routes[i].method == m)
			return (int)i;
		for (int k = 0; k < *ncaps; k++) {
			free(caps[k]);
			caps[k] = NULL;
		}
		*ncaps = 0;
		other = 1;
	}
	return other ? -2 : -1;
}

int router_parse_form(struct req *r, const char *body, size_t len)
{
	char *p;

	free(r->form_copy);
	r->nfields = 0;
	r->form_copy = xstrndup(body, len);
	p = r->form_copy;
	while (*p) {
		char *amp = strchr(p, '&'), *eq;
		if (amp)
			*amp = '\0';
		if (*p) {
			if (r->nfields >= REQ_MAX_FIELDS)
				return err_set(&r->err, ERR_INPUT, "too many form fields (over %d)",
				               REQ_MAX_FIELDS);
			eq = strchr(p, '=');
			if (eq)
				*eq = '\0';
			url_decode(p);
			r->fields[r->nfields].name = p;
			r->fields[r->nfields].value = eq ? eq + 1 : p + strlen(p);
			r->fields[r->nfields].len = url_decode(r->fields[r->nfields].value);
			r->fields[r->nfields].filename = NULL;
			r->nfields++;
		}
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	return 0;
}

int router_token_equal(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	unsigned char d = na != nb;

	for (size_t i = 0; i < na && i < nb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0 && na > 0;
}

static int is_api(const struct req *r)
{
	return strncmp(r->path, "/api/", 5) == 0;
}

void router_error(struct req *r, int status, const char *detail)
{
	static const struct {
		int status;
		const char *title;
	} titles[] = {
	    {400, "Bad request"},
	    {401, "Authentication required"},
	    {403, "Forbidden"},
	    {404, "Not found"},
	    {405, "Method not allowed"},
	    {409, "Conflict"},
	    {413, "Request body too large"},
	    {415, "Unsupported media type"},
	    {429, "Too many requests"},
	    {500, "Internal error"},
	    {501, "Not implemented"},
	    {503, "Service unavailable"},
	    {507, "Insufficient storage"},
	};
	const char *title = "Error";

	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (titles[i].status == status)
			title = titles[i].title;
	buf_reset(&r->out);
	for (int i = 0; i < r->nheaders; i++) {
		free(r->headers[i][0]);
		free(r->headers[i][1]);
	}
	r->nheaders = 0;
	if (status == 401)
		resp_header(r, "WWW-Authenticate", "Bearer realm=\"baken\"");
	if (is_api(r))
		resp_problem(r, status, title, detail);
	else
		page_error(r, status, title, detail);
}

/* Who is asking: an API token (Authorization: Bearer) or a session cookie. Returns 0, or
 * 401 for a token that is not valid. */
static int router_authenticate(struct req *r)
{
	const char *auth = req_header(r, "Authorization"), *cookie;
	struct err e;

	memset(&r->user, 0, sizeof(r->user));
	r->via_token = 0;
	r->csrf[0] = '\0';
	if (auth) {
		if (strncasecmp(auth, "Bearer ", 7) != 0)
			return 401;
		auth += 7;
		while (*auth == ' ')
			auth++;
		if (user_by_token(r->db, auth, &r->user, &e) != 0)
			return 401;
		r->via_token = 1;
		return 0;
	}
	cookie = req_cookie(r, "baken_session");
	if (cookie && user_session_get(r->db, cookie, r->now, &r->user, r->csrf, &e) == 0)
		return 0;
	/* the public: forms carry the anonymous token of the baken_csrf cookie */
	cookie = req_cookie(r, "baken_csrf");
	if (cookie && strlen(cookie) == USER_CSRF_LEN &&
	    strspn(cookie, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
	        USER_CSRF_LEN)
		strlcpy_safe(r->csrf, cookie, sizeof(r->csrf));
	return 0;
}

/* The permission of the route: 0 when it holds, else the status to answer. */
static int router_permit(struct req *r)
{
	int in = r->user.id != 0;

	switch (r->route->perm) {
	case PERM_PUBLIC:
		return 0;
	case PERM_API:
	case PERM_LOGIN:
		return in ? 0 : 401;
	case PERM_STAFF:
		return !in ? 401 : user_is_staff(&r->user) ? 0 : 403;
	case PERM_ANALYST:
		return !in ? 401 : user_has_role(&r->user, "analyst") ? 0 : 403;
	case PERM_ADMIN:
		return !in ? 401 : user_has_role(&r->user, "admin") ? 0 : 403;
	}
	return 403;
}

/* Clears r's answer, before the checks and the handler write it. */
static void router_reset(struct req *r)
{
	buf_reset(&r->out);
	for (int i = 0; i < r->nheaders; i++) {
		free(r->headers[i][0]);
		free(r->headers[i][1]);
	}
	r->nheaders = 0;
	r->status = 0;
	r->deferred = 0;
	r->cache_public = 0;
	memset(&r->err, 0, sizeof(r->err));
}

/* The store, who is asking and the route's permission: 0 when they hold, else 1 with the
 * error answer (or the redirect to /login) in r. */
static int router_who(struct req *r)
{
	int status;

	r->db = app_db(r->app, &r->err);
	if (r->db == NULL) {
		fprintf(stderr, "baken serve: %s\n", r->err.msg);
		router_error(r, 503, "the store is not available");
		return 1;
	}
	if ((status = router_authenticate(r)) != 0) {
		router_error(r, status, "the API token is not valid");
		return 1;
	}
	if ((status = router_permit(r)) != 0) {
		if (status == 401 && !is_api(r)) {
			struct buf loc;
			buf_init(&loc, 4096);
			buf_adds(&loc, "/login?next=");
			url_encode(&loc, r->path);
			resp_redirect(r, buf_str(&loc));
			buf_free(&loc);
			return 1;
		}
		router_error(r, status,
		             status == 401 ? "this needs an API token (Authorization: Bearer) or"
		                             " a session"
		                           : "your role may not do this");
		return 1;
	}
	return 0;
}

/* The CSRF token of a CSRF_FORM route (the form's field csrf or the X-CSRF-Token header; an
 * API token needs none): 0 when it holds, else 1 with the 403 in r. */
static int router_csrf(struct req *r)
{
	const char *given;

	if (r->route->csrf != CSRF_FORM || r->via_token)
		return 0;
	given = req_form(r, "csrf");
	if (given == NULL)
		given = req_header(r, "X-CSRF-Token");
	if (given == NULL || r->csrf[0] == '\0' || !router_token_equal(given, r->csrf)) {
		router_error(r, 403,
		             "the form's CSRF token is missing or wrong: reload the page"
		             " and try again");
		return 1;
	}
	return 0;
}

/* web.upload_max in bytes: the setting when it is a whole number in range, else the default
 * (config_set refuses anything else; this guards against a value written around it). */
static uint64_t router_upload_max(struct req *r)
{
	char *v = config_get(r->db, "web.upload_max", NULL), *end = NULL;
	unsigned long long n;
	uint64_t max = UPLOAD_MAX_DEFAULT;

	if (v && v[0] >= '0' && v[0] <= '9') {
		errno = 0;
		n = strtoull(v, &end, 10);
		if (errno == 0 && *end == '\0' && n > 0)
			max = (uint64_t)n;
	}
	free(v);
	return max;
}

int router_admit(struct req *r)
{
	const char *enc, *len;
	char detail[160];

	router_reset(r);
	if (r->route == NULL) {
		router_error(r, r->route_index == -2 ? 405 : 404, NULL);
		return r->status;
	}
	if (router_who(r) || router_csrf(r))
		return r->status;
	enc = req_header(r, "Content-Encoding");
	if (enc && *enc && strcasecmp(enc, "identity") != 0) {
		snprintf(detail, sizeof(detail),
		         "Content-Encoding \"%.40s\" is not taken here: send the file as it is",
		         enc);
		router_error(r, 415, detail);
		return r->status;
	}
	r->upload_max = router_upload_max(r);
	len = req_header(r, "Content-Length");
	if (len && *len) {
		char *end = NULL;
		unsigned long long n;
		errno = 0;
		n = strtoull(len, &end, 10);
		if (errno == ERANGE || (*end == '\0' && len[0] != '-' && n > r->upload_max)) {
			snprintf(detail, sizeof(detail),
			         "the upload is larger than web.upload_max (%llu bytes)",
			         (unsigned long long)r->upload_max);
			router_error(r, 413, detail);
			return r->status;
		}
	}
	return 0;
}

void router_dispatch(struct req *r)
{
	const char *ctype;
	int rc, status;
	int file = r->route && r->route->body_limit == BODY_FILE;

	router_reset(r);
	if (r->route == NULL) {
		router_error(r, r->route_index == -2 ? 405 : 404, NULL);
		return;
	}
	if (r->body_too_large && file) {
		char detail[160];
		snprintf(detail, sizeof(detail),
		         "the upload is larger than web.upload_max (%llu bytes)",
		         (unsigned long long)r->upload_max);
		router_error(r, 413, detail);
		return;
	}
	if (r->body_too_large) {
		router_error(r, 413, "the request body is larger than this path takes");
		return;
	}
	if (file && r->body_errno) {
		char detail[200];
		int full = r->body_errno == ENOSPC || r->body_errno == EDQUOT;
		snprintf(detail, sizeof(detail),
		         "the upload could not be stored in a temporary file: %s; nothing was"
		         " imported",
		         strerror(r->body_errno));
		fprintf(stderr, "baken serve: %s %s: %s\n", r->method, r->path, detail);
		router_error(r, full ? 507 : 500, detail);
		return;
	}
	if (router_who(r))
		return;
	ctype = req_header(r, "Content-Type");
	/* a BODY_FILE route's body is a file, not a form */
	if (r->route->method == POST && !file && ctype &&
	    strncasecmp(ctype, "application/x-www-form-urlencoded", 33) == 0 &&
	    router_parse_form(r, buf_str(&r->body), r->body.len) != 0) {
		router_error(r, 400, r->err.msg);
		return;
	}
	/* a form with a file (web/form.c) */
	if (r->route->method == POST && !file && ctype &&
	    strncasecmp(ctype, "multipart/form-data", 19) == 0 && form_parse_req(r, ctype) != 0) {
		router_error(r, 400, r->err.msg);
		return;
	}
	if (router_csrf(r))
		return;
	if (r->route->method == GET)
		db_exec(r->db, "BEGIN", NULL); /* one snapshot for the whole page */
	rc = r->route->handler(r);
	if (r->route->method == GET)
		db_exec(r->db, "COMMIT", NULL);
	if (r->db->in_tx)
		db_rollback(r->db); /* a handler that failed inside its transaction */
	if (rc == HTTP_DEFER && !r->on_worker) {
		r->deferred = 1;
		return;
	}
	if (rc == HTTP_DEFER)
		rc = err_set(&r->err, ERR_IO, "deferred twice");
	if (rc != 0) {
		status = http_status_of(rc);
		if (status >= 500)
			fprintf(stderr, "baken serve: %s %s: %s\n", r->method, r->path, r->err.msg);
		router_error(r, status,
		             status == 404   ? NULL
		             : status >= 500 ? "see the server's log"
		                             : r->err.msg);
		return;
	}
	if (r->status == 0)
		router_error(r, 500, "the handler gave no answer");
}
