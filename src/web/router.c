/* router.c: the route table and what it enforces before a handler runs. */
#include "web/router.h"

#include "core/xalloc.h"
#include "db/db.h"
#include "web/app.h"
#include "web/form.h"
#include "web/html.h"
#include "web/pages/pages.h"

#include <stdio.h>
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

/* An error answer: problem+json under /api/, else an HTML page. */
static void router_error(struct req *r, int status, const char *detail)
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
	    {429, "Too many requests"},
	    {500, "Internal error"},
	    {501, "Not implemented"},
	    {503, "Service unavailable"},
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

void router_dispatch(struct req *r)
{
	const char *ctype;
	int rc, status;

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
	if (r->route == NULL) {
		router_error(r, r->route_index == -2 ? 405 : 404, NULL);
		return;
	}
	if (r->body_too_large) {
		router_error(r, 413, "the request body is larger than this path takes");
		return;
	}
	r->db = app_db(r->app, &r->err);
	if (r->db == NULL) {
		fprintf(stderr, "baken serve: %s\n", r->err.msg);
		router_error(r, 503, "the store is not available");
		return;
	}
	if ((status = router_authenticate(r)) != 0) {
		router_error(r, status, "the API token is not valid");
		return;
	}
	if ((status = router_permit(r)) != 0) {
		if (status == 401 && !is_api(r)) {
			struct buf loc;
			buf_init(&loc, 4096);
			buf_adds(&loc, "/login?next=");
			url_encode(&loc, r->path);
			resp_redirect(r, buf_str(&loc));
			buf_free(&loc);
			return;
		}
		router_error(r, status,
		             status == 401 ? "this needs an API token (Authorization: Bearer) or"
		                             " a session"
		                           : "your role may not do this");
		return;
	}
	ctype = req_header(r, "Content-Type");
	if (r->route->method == POST && ctype &&
	    strncasecmp(ctype, "application/x-www-form-urlencoded", 33) == 0 &&
	    router_parse_form(r, buf_str(&r->body), r->body.len) != 0) {
		router_error(r, 400, r->err.msg);
		return;
	}
	/* a form with a file (web/form.c) */
	if (r->route->method == POST && ctype &&
	    strncasecmp(ctype, "multipart/form-data", 19) == 0 && form_parse_req(r, ctype) != 0) {
		router_error(r, 400, r->err.msg);
		return;
	}
	if (r->route->csrf == CSRF_FORM && !r->via_token) {
		const char *given = req_form(r, "csrf");
		if (given == NULL)
			given = req_header(r, "X-CSRF-Token");
		if (given == NULL || r->csrf[0] == '\0' || !router_token_equal(given, r->csrf)) {
			router_error(r, 403,
			             "the form's CSRF token is missing or wrong: reload the page"
			             " and try again");
			return;
		}
	}
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
