/* http.c: libmicrohttpd glue. Event threads (epoll, a pool sized to the cores) read the
 * request, answer on the second call of the access handler (never the first: MHD then closes
 * the connection), and hand slow work (argon2id, gpgme) to worker threads through
 * suspend/resume. Every thread has its own store connection. SIGTERM stops taking
 * connections, lets requests in flight finish, and returns. */
#include "web/http.h"

#include "core/progress.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "model/alert.h"
#include "model/config.h"
#include "web/app.h"
#include "web/cache.h"
#include "web/metrics.h"
#include "web/router.h"
#include "web/html.h"
#include "web/web.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gpgme.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WORKERS      2
#define DRAIN_SECS   10
#define CONN_LIMIT   512
#define CONN_TIMEOUT 20
/* per connection: the request's headers and the answer's; libmicrohttpd zeroes it for every
 * request on a kept-alive connection, so 64 KiB cost 7% of a cached answer's time */
#define CONN_MEMORY  ((size_t)32 * 1024)
#define CACHE_BYTES  ((size_t)64 << 20) /* rendered public answers kept in memory */
#define LOG_BYTES    (64 * 1024)        /* request log lines held before they are written */
#define LOG_FLUSH_MS 200                /* and at most this long */

/* ---- the request log: one line per request, written in batches ---- */

/* Lines wait in a buffer and go to stderr in one write when it fills or LOG_FLUSH_MS after
 * the first: a write(2) per request costs more than the rest of a cached answer. */
struct reqlog {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct buf pending;
	int stop, running;
	pthread_t thread;
};

/* Writes what is pending. Under the lock. */
static void reqlog_write(struct reqlog *l)
{
	size_t off = 0;

	while (off < l->pending.len) {
		ssize_t n = write(STDERR_FILENO, l->pending.data + off, l->pending.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* nowhere to log to: the lines are dropped, the server goes on */
		off += (size_t)n;
	}
	buf_reset(&l->pending);
}

static void reqlog_add(struct reqlog *l, const char *line, size_t len)
{
	pthread_mutex_lock(&l->mu);
	if (l->pending.len + len > LOG_BYTES)
		reqlog_write(l);
	if (l->pending.len == 0)
		pthread_cond_signal(&l->cv);
	buf_add(&l->pending, line, len);
	pthread_mutex_unlock(&l->mu);
}

static void *reqlog_main(void *arg)
{
	struct reqlog *l = arg;

	pthread_mutex_lock(&l->mu);
	while (!l->stop) {
		struct timespec until;
		if (l->pending.len == 0) {
			pthread_cond_wait(&l->cv, &l->mu);
			continue;
		}
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += LOG_FLUSH_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!l->stop && pthread_cond_timedwait(&l->cv, &l->mu, &until) != ETIMEDOUT)
			;
		reqlog_write(l);
	}
	reqlog_write(l);
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

static void reqlog_start(struct reqlog *l)
{
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
	buf_init(&l->pending, LOG_BYTES + 4096);
	l->running = pthread_create(&l->thread, NULL, reqlog_main, l) == 0;
}

/* Writes what is pending and stops the log thread. */
static void reqlog_stop(struct reqlog *l)
{
	if (!l->running)
		return;
	pthread_mutex_lock(&l->mu);
	l->stop = 1;
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->mu);
	pthread_join(l->thread, NULL);
	l->running = 0;
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->cv);
	buf_free(&l->pending);
}

/* What the server holds beyond struct app (which every handler sees): the cache of rendered
 * public answers and the request log. The access handler's closure is &server.app. */
struct server {
	struct app app; /* first */
	struct cache *cache;
	struct reqlog log;
};

static struct server *server_of(const struct app *a)
{
	return (struct server *)(void *)(uintptr_t)a;
}

/* ---- the per-thread store connection ---- */

static void db_key_close(void *p)
{
	db_close(p);
}

struct db *app_db(const struct app *a, struct err *e)
{
	struct db *db = pthread_getspecific(a->db_key);

	if (db)
		return db;
	if (db_open(a->db_path, 0, &db, e) != 0)
		return NULL;
	pthread_setspecific(a->db_key, db);
	return db;
}

/* ---- requests ---- */

const char *req_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_form(struct req *r, const char *name)
{
	for (int i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return r->fields[i].value;
	return NULL;
}

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *req_body_file(struct req *r, uint64_t *size)
{
	*size = r->body_size;
	return r->body_fd < 0 ? r->body_path : NULL;
}

const char *req_csrf(struct req *r)
{
	r->csrf_used = 1;
	if (r->csrf[0] == '\0') {
		user_random_text(r->csrf, USER_CSRF_LEN);
		r->csrf_new = 1;
		/* here, while the handler's store connection is this thread's: behind a TLS proxy
		 * (site.url https) the cookie is Secure as the session's is */
		r->csrf_secure = req_secure(r);
	}
	return r->csrf;
}

char *req_site_url(struct req *r)
{
	char *u = config_get(r->db, "site.url", "http://localhost:8080");
	size_t n = strlen(u);

	while (n && u[n - 1] == '/')
		u[--n] = '\0';
	return u;
}

char *req_site_name(struct req *r)
{
	return config_get(r->db, "site.name", "NCSC");
}

int req_secure(struct req *r)
{
	char *u;
	int s;

	if (r->app->tls)
		return 1;
	u = req_site_url(r);
	s = strncmp(u, "https://", 8) == 0;
	free(u);
	return s;
}

void resp_header(struct req *r, const char *name, const char *value)
{
	if (r->nheaders >= REQ_MAX_HEADERS)
		return;
	r->headers[r->nheaders][0] = xstrdup(name);
	r->headers[r->nheaders][1] = xstrdup(value);
	r->nheaders++;
}

void resp_set(struct req *r, int status, const char *ctype)
{
	r->status = status;
	r->ctype = ctype;
}

int resp_json(struct req *r, int status, json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	json_decref(v);
	buf_reset(&r->out);
	if (s) {
		buf_adds(&r->out, s);
		buf_addc(&r->out, '\n');
		free(s);
	}
	resp_set(r, status, "application/json");
	return 0;
}

/* The field a message names: `field "x"`, `query parameter "x"` or the CLI's `--x` (the API's
 * body fields are the CLI's option names). Writes it to out; 0 when there is none. */
static int problem_field(const char *msg, char *out, size_t outsz)
{
	static const char *const quoted[] = {"field \"", "query parameter \""};
	const char *p;
	size_t n;

	for (size_t i = 0; i < sizeof(quoted) / sizeof(quoted[0]); i++)
		if ((p = strstr(msg, quoted[i])) != NULL) {
			p += strlen(quoted[i]);
			n = strcspn(p, "\"");
			if (p[n] == '"' && n > 0 && n < outsz) {
				memcpy(out, p, n);
				out[n] = '\0';
				return 1;
			}
		}
	for (p = strstr(msg, "--"); p; p = strstr(p + 2, "--")) {
		n = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");
		if ((p == msg || p[-1] == ' ' || p[-1] == '(' || p[-1] == '"') && n > 0 &&
		    n < outsz && p[2] != '-') {
			memcpy(out, p + 2, n);
			out[n] = '\0';
			return 1;
		}
	}
	return 0;
}

int resp_problem(struct req *r, int status, const char *title, const char *detail)
{
	json_t *p =
	    json_pack("{s:s, s:s, s:i}", "type", "about:blank", "title", title, "status", status);
	char field[64];

	if (detail)
		json_object_set_new(p, "detail", json_string(detail));
	if (detail && status == 400 && problem_field(detail, field, sizeof(field)))
		json_object_set_new(p, "field", json_string(field));
	json_object_set_new(p, "instance", json_string(r->path));
	resp_json(r, status, p);
	r->ctype = "application/problem+json";
	return 0;
}

int resp_local_path(const char *path)
{
	if (path == NULL || path[0] != '/' || path[1] == '/' || path[1] == '\\')
		return 0;
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			return 0;
	return 1;
}

int resp_redirect(struct req *r, const char *location)
{
	/* only local paths: "/x" but not "//host"; and no control characters, which browsers
	 * drop from a URL before they read it ("/<TAB>/host" is "//host" to them) */
	if (!resp_local_path(location))
		location = "/";
	resp_header(r, "Location", location);
	buf_reset(&r->out);
	resp_set(r, 303, "text/plain; charset=utf-8");
	return 0;
}

void resp_cookie(struct req *r, const char *name, const char *value, long max_age,
                 const char *samesite)
{
	struct buf b;

	buf_init(&b, 4096);
	buf_printf(&b, "%s=%s; Path=/; HttpOnly; SameSite=%s; Max-Age=%ld%s", name,
	           max_age < 0 ? "" : value, samesite, max_age < 0 ? 0 : max_age,
	           req_secure(r) ? "; Secure" : "");
	resp_header(r, "Set-Cookie", buf_str(&b));
	buf_free(&b);
}

int http_status_of(int code)
{
	switch (code) {
	case 0:
		return 200;
	case ERR_USAGE:
	case ERR_INPUT:
		return 400;
	case ERR_NOTFOUND:
		return 404;
	case ERR_CONFLICT:
		return 409;
	case ERR_PERM:
		return 403;
	case ERR_IO:
		return 502;
	default:
		return 500;
	}
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Decodes a percent-encoded path segment in place ('+' stays a '+' in a path). */
static void segment_decode(char *s)
{
	static const char hexdigits[] = "0123456789abcdef0123456789ABCDEF";
	char *w = s;

	for (const char *p = s; *p; p++) {
		const char *h1 = p[0] == '%' && p[1] ? strchr(hexdigits, p[1]) : NULL;
		const char *h2 = h1 && p[2] ? strchr(hexdigits, p[2]) : NULL;
		if (h1 && h2) {
			char c = (char)(((h1 - hexdigits) % 16) * 16 + (h2 - hexdigits) % 16);
			if (c != '\0') {
				*w++ = c;
				p += 2;
				continue;
			}
		}
		*w++ = *p;
	}
	*w = '\0';
}

static struct req *req_new(struct app *a, struct MHD_Connection *conn, const char *url,
                           const char *method)
{
	struct req *r = xcalloc(1, sizeof(*r));
	const union MHD_ConnectionInfo *ci;
	size_t limit = 0;

	r->app = a;
	r->conn = conn;
	r->start_ns = now_ns();
	r->now = time_now();
	strlcpy_safe(r->method, method, sizeof(r->method));
	r->path = xstrdup(url);
	r->body_fd = -1;
	r->route_index = router_find(method, url, r->params, REQ_MAX_PARAMS, &r->nparams);
	if (r->route_index >= 0) {
		r->route = &router_routes[r->route_index];
		/* a BODY_FILE route's body goes to a file: none of it in memory */
		limit = r->route->body_limit == BODY_FILE ? 0 : r->route->body_limit;
	}
	for (int i = 0; i < r->nparams; i++)
		segment_decode(r->params[i]);
	buf_init(&r->body, limit);
	buf_init(&r->out, (size_t)64 << 20);
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET,
			          &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			          r->addr, sizeof(r->addr));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
			          &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			          r->addr, sizeof(r->addr));
	}
	if (r->addr[0] == '\0')
		strlcpy_safe(r->addr, "-", sizeof(r->addr));
	metrics_inflight(a->metrics, 1);
	return r;
}

/* ---- a BODY_FILE route's body: streamed to a private temporary file ---- */

/* Closes and removes the body's file and its directory, if there are any. */
static void upload_drop(struct req *r)
{
	if (r->body_fd >= 0)
		close(r->body_fd);
	r->body_fd = -1;
	if (r->body_path)
		unlink(r->body_path);
	if (r->body_dir)
		rmdir(r->body_dir);
	free(r->body_path);
	free(r->body_dir);
	r->body_path = r->body_dir = NULL;
}

/* 1 when name may name the body's file: 1-100 letters, digits, '.', '-', '_', not starting
 * with a '.' (so never "..", nor a path). */
static int upload_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= 100 && name[0] != '.' &&
	       strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
	           n;
}

/* Makes the file the body goes to: a private directory (mode 0700, mkdtemp) in $TMPDIR or
 * /tmp, and in it the file (mode 0600) named as ?filename= says (a Shadowserver report's
 * type is read from its name), else "body". 0, or -1 with the error answer in r. */
static int upload_open(struct req *r)
{
	const char *dir = getenv("TMPDIR"), *name = req_query(r, "filename");
	struct buf path;
	char detail[300];
	int fd, saved;

	if (name == NULL || *name == '\0')
		name = "body";
	else if (!upload_name_ok(name)) {
		router_error(
		    r, 400,
		    "query parameter \"filename\": expected a file name of 1-100 letters,"
		    " digits, '.', '-' or '_', e.g. 2020-01-13-scan_http_vulnerable-nl-geo.csv");
		return -1;
	}
	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	buf_init(&path, 4096);
	/* the server's pid in the name: a server killed mid-upload leaves it, the next removes
	 * it (upload_sweep) */
	if (buf_printf(&path, "%s/baken-upload-%ld-XXXXXX", dir, (long)getpid()) != 0 ||
	    mkdtemp(path.data) == NULL)
		goto fail;
	r->body_dir = xstrdup(buf_str(&path));
	if (buf_printf(&path, "/%s", name) != 0 ||
	    (fd = open(buf_str(&path), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	               0600)) < 0)
		goto fail;
	r->body_fd = fd;
	r->body_path = buf_take(&path);
	return 0;
fail:
	saved = errno;
	buf_free(&path);
	upload_drop(r);
	snprintf(detail, sizeof(detail), "cannot make a temporary file in %.200s: %s", dir,
	         strerror(saved));
	fprintf(stderr, "baken serve: %s %s: %s\n", r->method, r->path, detail);
	router_error(r, 500, detail);
	return -1;
}

/* Removes the upload directories in $TMPDIR (or /tmp) that a server killed mid-upload left:
 * ours (same owner, not a link), named for a process that no longer exists. A directory of a
 * server still running, here or sharing the directory, is left alone. */
static void upload_sweep(void)
{
	const char *dir = getenv("TMPDIR");
	DIR *d, *sub;
	struct dirent *de, *f;
	char path[4096], file[4096];
	struct stat sb;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid;

		if (strncmp(de->d_name, "baken-upload-", 13) != 0)
			continue;
		errno = 0;
		pid = strtol(de->d_name + 13, &end, 10);
		if (errno != 0 || end == de->d_name + 13 || *end != '-' || pid <= 0 ||
		    (long)(pid_t)pid != pid || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		        sizeof(path) ||
		    lstat(path, &sb) != 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != geteuid() ||
		    (sub = opendir(path)) == NULL)
			continue;
		while ((f = readdir(sub)) != NULL)
			if (f->d_name[0] != '.' && (size_t)snprintf(file, sizeof(file), "%s/%s",
			                                            path, f->d_name) < sizeof(file))
				unlink(file);
		closedir(sub);
		if (rmdir(path) == 0)
			fprintf(
			    stderr,
			    "baken serve: removed %s, left by a server that stopped mid-upload\n",
			    path);
	}
	closedir(d);
}

/* Appends a piece of the body to its file. Over web.upload_max, or when a write fails, the
 * file is removed at once and the rest of the body is read and dropped; the answer (413,
 * 507 or 500) comes when the body is complete. */
static void upload_add(struct req *r, const char *data, size_t len)
{
	if (r->body_fd < 0)
		return;
	if (len > r->upload_max - r->body_size) {
		r->body_too_large = 1;
		upload_drop(r);
		return;
	}
	while (len > 0) {
		ssize_t n = write(r->body_fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r->body_errno = n < 0 ? errno : EIO;
			upload_drop(r);
			return;
		}
		data += n;
		len -= (size_t)n;
		r->body_size += (uint64_t)n;
	}
}

/* The body is complete: closes its file (a failed close is a failed write). */
static void upload_end(struct req *r)
{
	if (r->body_fd < 0)
		return;
	if (close(r->body_fd) != 0) {
		r->body_errno = errno;
		r->body_fd = -1;
		upload_drop(r);
		return;
	}
	r->body_fd = -1;
}

static void req_free(struct req *r)
{
	upload_drop(r);
	for (int i = 0; i < r->nparams; i++)
		free(r->params[i]);
	for (int i = 0; i < r->nheaders; i++) {
		free(r->headers[i][0]);
		free(r->headers[i][1]);
	}
	free(r->form_copy);
	free(r->cache_key);
	free(r->path);
	buf_free(&r->body);
	buf_free(&r->out);
	sodium_memzero(r->csrf, sizeof(r->csrf));
	free(r);
}

/* ---- slow work: a queue and its worker threads ---- */

struct workq {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct req **items;
	size_t head, n, cap;
	int stop;
	pthread_t threads[WORKERS];
	int nthreads;
	struct app *app;
};

static void *workq_main(void *arg)
{
	struct workq *q = arg;

	for (;;) {
		struct req *r;

		pthread_mutex_lock(&q->mu);
		while (q->n == 0 && !q->stop)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->n == 0) {
			pthread_mutex_unlock(&q->mu);
			break;
		}
		r = q->items[q->head];
		q->head = (q->head + 1) % q->cap;
		q->n--;
		pthread_mutex_unlock(&q->mu);
		metrics_workq(q->app->metrics, -1);
		r->on_worker = 1;
		r->now = time_now();
		router_dispatch(r);
		upload_drop(
		    r); /* the handler is done with the body's file: gone before the answer */
		r->deferred = 0;
		MHD_resume_connection(r->conn);
	}
	return NULL;
}

static void workq_push(struct workq *q, struct req *r)
{
	pthread_mutex_lock(&q->mu);
	if (q->n == q->cap) {
		size_t ncap = q->cap ? q->cap * 2 : 64;
		struct req **items = xcalloc(ncap, sizeof(*items));
		for (size_t i = 0; i < q->n; i++)
			items[i] = q->items[(q->head + i) % q->cap];
		free(q->items);
		q->items = items;
		q->head = 0;
		q->cap = ncap;
	}
	q->items[(q->head + q->n) % q->cap] = r;
	q->n++;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	metrics_workq(q->app->metrics, 1);
}

static struct workq *workq_start(struct app *a)
{
	struct workq *q = xcalloc(1, sizeof(*q));

	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->app = a;
	for (int i = 0; i < WORKERS; i++)
		if (pthread_create(&q->threads[q->nthreads], NULL, workq_main, q) == 0)
			q->nthreads++;
	return q;
}

/* Lets the workers finish what is queued, then joins them. */
static void workq_stop(struct workq *q)
{
	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	for (int i = 0; i < q->nthreads; i++)
		pthread_join(q->threads[i], NULL);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q->items);
	free(q);
}

/* ---- the access handler ---- */

/* The response for r's status, type and headers, with body (len bytes) handed to MHD,
 * which frees it with free() when the last connection is done with it. */
static struct MHD_Response *make_response(struct req *r, char *body, size_t len, const char *etag)
{
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer_with_free_callback(len, body, free);

	if (resp == NULL) {
		free(body);
		return NULL;
	}
	MHD_add_response_header(resp, "Content-Type",
	                        r->ctype ? r->ctype : "text/plain; charset=utf-8");
	MHD_add_response_header(
	    resp, "Content-Security-Policy",
	    "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self';"
	    " form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cache-Control",
	                        r->cache_public && r->user.id == 0 && !r->csrf_new && !r->csrf_used
	                            ? "public, max-age=60"
	                            : "no-store");
	MHD_add_response_header(resp, "Vary", "Cookie, Authorization");
	if (etag)
		MHD_add_response_header(resp, "ETag", etag);
	if (r->app->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	if (r->csrf_new && r->user.id == 0) {
		char cookie[160];
		snprintf(cookie, sizeof(cookie),
		         "baken_csrf=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=86400%s",
		         r->csrf, r->csrf_secure ? "; Secure" : "");
		MHD_add_response_header(resp, "Set-Cookie", cookie);
	}
	for (int i = 0; i < r->nheaders; i++)
		MHD_add_response_header(resp, r->headers[i][0], r->headers[i][1]);
	return resp;
}

/* 1 when r's answer is the same for every anonymous reader, so the cache may keep it: the
 * public's 200 of a public GET route, marked cacheable by its handler, with no cookie and no
 * CSRF token in it. */
static int cacheable(const struct req *r)
{
	if (r->cache_key == NULL || r->status != 200 || !r->cache_public || r->user.id != 0 ||
	    r->via_token || r->csrf_new || r->csrf_used)
		return 0;
	for (int i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i][0], "Set-Cookie") == 0)
			return 0;
	return 1;
}

static enum MHD_Result queue_answer(struct req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len = r->out.len;
	char *body = buf_take(&r->out);

	r->sent = len;
	if (cacheable(r)) {
		struct server *s = server_of(r->app);
		struct MHD_Response *notmod;
		char etag[CACHE_ETAG_LEN + 1];
		int nm;

		cache_etag(body, len, etag);
		if ((resp = make_response(r, body, len, etag)) == NULL)
			return MHD_NO;
		notmod = make_response(r, NULL, 0, etag);
		nm = cache_etag_match(req_header(r, "If-None-Match"), etag);
		if (nm)
			r->sent = 0;
		ret = MHD_queue_response(r->conn, nm ? MHD_HTTP_NOT_MODIFIED : (unsigned)r->status,
		                         nm ? notmod : resp);
		if (nm)
			r->status = MHD_HTTP_NOT_MODIFIED;
		if (notmod)
			cache_put(s->cache, r->cache_key, r->cache_gen, r->now, resp, notmod, len,
			          etag);
		else
			MHD_destroy_response(resp);
		return ret;
	}
	if ((resp = make_response(r, body, len, NULL)) == NULL)
		return MHD_NO;
	ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* 1 when the cache may answer r: an anonymous GET (or HEAD) of a public route. */
static int cache_candidate(struct req *r)
{
	return r->route && r->route->method == GET && r->route->perm == PERM_PUBLIC &&
	       req_header(r, "Authorization") == NULL && req_cookie(r, "baken_session") == NULL;
}

/* Answers r from the cache when it holds it (returns 1 with the MHD result in *ret); else
 * notes the key and the generation, so that the answer can be kept, and returns 0. */
static int cache_try(struct server *s, struct req *r, enum MHD_Result *ret)
{
	struct buf key;
	struct err e;
	struct db *db = app_db(&s->app, &e);
	uint64_t gen = cache_generation(s->cache, db, now_ns());

	buf_init(&key, 4096);
	if (cache_key(&key, r->path, r->conn) != 0) {
		buf_free(&key);
		return 0;
	}
	if (cache_serve(s->cache, buf_str(&key), gen, r->now, req_header(r, "If-None-Match"),
	                r->conn, ret, &r->status, &r->sent)) {
		buf_free(&key);
		return 1;
	}
	r->cache_key = buf_take(&key);
	r->cache_gen = gen;
	return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	struct app *a = cls;
	struct req *r = *con_cls;

	(void)version;
	if (r == NULL) {
		/* first call: only set up; answering now would cost the connection */
		*con_cls = r = req_new(a, conn, url, method);
		/* ... except to refuse a body meant for a file on its headers: the client that
		 * sent "Expect: 100-continue" does not send it at all, and nothing is written */
		if (r->route && r->route->body_limit == BODY_FILE &&
		    (router_admit(r) != 0 || upload_open(r) != 0))
			return queue_answer(r);
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (r->route && r->route->body_limit == BODY_FILE)
			upload_add(r, upload_data, *upload_data_size);
		else if (!r->body_too_large &&
		         buf_add(&r->body, upload_data, *upload_data_size) != 0)
			r->body_too_large = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->status == 0) {
		upload_end(r);
		enum MHD_Result ret;
		if (cache_candidate(r) && cache_try(server_of(a), r, &ret))
			return ret;
		router_dispatch(r);
		if (r->route && r->route->method == POST)
			cache_bump(
			    server_of(a)->cache); /* it may have changed what the public sees */
		if (r->deferred) {
			MHD_suspend_connection(conn);
			workq_push(a->work, r);
			return MHD_YES;
		}
		upload_drop(r);
	}
	return queue_answer(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct app *a = cls;
	struct req *r = *con_cls;
	static _Thread_local int64_t log_sec = -1;
	static _Thread_local char log_when[32];
	int64_t t = time_now();
	double secs;
	char line[1200];
	int n;

	(void)conn;
	(void)toe;
	if (r == NULL)
		return;
	secs = (double)(now_ns() - r->start_ns) / 1e9;
	metrics_observe(a->metrics, r->route_index, r->status ? r->status : 500, secs);
	metrics_inflight(a->metrics, -1);
	/* the time, formatted once a second per thread */
	if (t != log_sec) {
		time_format(t, log_when, sizeof(log_when));
		log_sec = t;
	}
	/* one line per request; acknowledgement tokens stay out of the log */
	n = snprintf(line, sizeof(line), "%s %s %s %s %d %zu %.1fms %s\n", log_when, r->addr,
	             r->method, strncmp(r->path, "/ack/", 5) == 0 ? "/ack/..." : r->path, r->status,
	             r->sent, secs * 1000, r->user.id ? r->user.name : "-");
	if (n > 0)
		reqlog_add(&server_of(a)->log, line,
		           (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	req_free(r);
	*con_cls = NULL;
}

/* ---- alert delivery in the background ---- */

struct deliverer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop, interval;
	struct app *app;
};

static void *deliver_main(void *arg)
{
	struct deliverer *d = arg;
	char last[sizeof(((struct err *)0)->msg)] = "";

	pthread_mutex_lock(&d->mu);
	while (!d->stop) {
		struct timespec until;
		struct alert_deliver_stats st = {0};
		struct act act = {"system:serve", time_now()};
		struct err e = {0};
		struct db *db;
		int rc;

		pthread_mutex_unlock(&d->mu);
		db = app_db(d->app, &e);
		rc = db ? alert_deliver(db, &act, 1, &st, &e) : ERR_DB;
		if (rc != 0 && strcmp(last, e.msg) != 0) {
			fprintf(stderr, "baken serve: delivery: %s\n", e.msg);
			strlcpy_safe(last, e.msg, sizeof(last));
		} else if (rc == 0) {
			last[0] = '\0';
			if (st.delivered || st.retrying || st.failed)
				fprintf(stderr,
				        "baken serve: delivery: %ld delivered, %ld retrying, %ld"
				        " failed\n",
				        st.delivered, st.retrying, st.failed);
		}
		pthread_mutex_lock(&d->mu);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += d->interval;
		while (!d->stop && pthread_cond_timedwait(&d->cv, &d->mu, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

/* ---- serving ---- */

int web_parse_listen(const char *text, void *addr, unsigned *len, struct err *e)
{
	char host[128];
	const char *colon, *port_text;
	long port;
	char *end;

	if (text == NULL)
		text = "127.0.0.1:8080";
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (close == NULL || close[1] != ':' || (size_t)(close - text - 1) >= sizeof(host))
			goto bad;
		memcpy(host, text + 1, (size_t)(close - text - 1));
		host[close - text - 1] = '\0';
		port_text = close + 2;
	} else {
		colon = strrchr(text, ':');
		if (colon == NULL || (size_t)(colon - text) >= sizeof(host))
			goto bad;
		memcpy(host, text, (size_t)(colon - text));
		host[colon - text] = '\0';
		port_text = colon + 1;
	}
	errno = 0;
	port = strtol(port_text, &end, 10);
	if (*port_text == '\0' || *end || errno || port < 0 || port > 65535)
		goto bad;
	if (host[0] == '\0')
		strlcpy_safe(host, "0.0.0.0", sizeof(host));
	if (strchr(host, ':')) {
		struct sockaddr_in6 *s6 = addr;
		memset(s6, 0, sizeof(*s6));
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
			goto bad;
		*len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = addr;
		memset(s4, 0, sizeof(*s4));
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		if (strcmp(host, "localhost") == 0)
			strlcpy_safe(host, "127.0.0.1", sizeof(host));
		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			goto bad;
		*len = sizeof(*s4);
	}
	return 0;
bad:
	return err_set(e, ERR_USAGE,
	               "--listen \"%s\": expected ADDR:PORT, e.g. 127.0.0.1:8080 or"
	               " [::1]:8080",
	               text);
}

static char *read_file(const char *path, const char *what, struct err *e)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096];
	size_t n;

	if (f == NULL) {
		err_set(e, ERR_INPUT, "%s %s: %s", what, path, strerror(errno));
		return NULL;
	}
	buf_init(&b, 1 << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n) != 0) {
			fclose(f);
			buf_free(&b);
			err_set(e, ERR_INPUT, "%s %s: larger than 1 MiB", what, path);
			return NULL;
		}
	fclose(f);
	return buf_take(&b);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("baken serve: libmicrohttpd: ", stderr);
	vfprintf(stderr, fmt, ap);
}

int web_serve(const struct web_options *o, struct err *e)
{
	struct sockaddr_in6 sa;
	unsigned salen = 0;
	struct server srv;
	struct deliverer d;
	char *cert = NULL, *key = NULL;
	sigset_t sigs;
	struct db *db = NULL;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
	                 MHD_USE_ERROR_LOG | MHD_USE_ITC;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned pool = o->threads > 0 ? (unsigned)o->threads
	                               : (unsigned)(cores < 2   ? 2
	                                            : cores > 4 ? 4
	                                                        : cores);
	const union MHD_DaemonInfo *info;
	int rc = 0, sig = 0, deliver = 0;

	progress_allow(0); /* the imports it runs draw no bars in its log */
	upload_sweep();

	memset(&srv, 0, sizeof(srv));
	memset(&d, 0, sizeof(d));
	if (sodium_init() < 0)
		return err_set(e, ERR_IO, "libsodium cannot start");
	/* libraries whose global set-up is not thread-safe: done before any thread starts */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	gpgme_check_version(NULL);
	if ((rc = web_parse_listen(o->listen, &sa, &salen, e)) != 0)
		return rc;
	if ((o->tls_cert == NULL) != (o->tls_key == NULL))
		return err_set(e, ERR_USAGE, "--tls-cert and --tls-key go together");
	if (o->tls_cert) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
			return err_set(e, ERR_INPUT, "this libmicrohttpd has no TLS");
		if ((cert = read_file(o->tls_cert, "--tls-cert", e)) == NULL)
			return ERR_INPUT;
		if ((key = read_file(o->tls_key, "--tls-key", e)) == NULL) {
			free(cert);
			return ERR_INPUT;
		}
		flags |= MHD_USE_TLS;
		srv.app.tls = 1;
	}
	if (((struct sockaddr *)&sa)->sa_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* the store must open (and be migrated) before anyone is let in */
	if ((rc = db_open(o->db_path, 0, &db, e)) != 0)
		goto out;
	db_close(db);
	srv.app.db_path = o->db_path;
	pthread_key_create(&srv.app.db_key, db_key_close);
	srv.app.metrics = metrics_new(router_nroutes);
	/* signals go to sigwait below, not to any thread the server starts */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	srv.app.work = workq_start(&srv.app);
	srv.cache = cache_new(CACHE_BYTES);
	metrics_cache(srv.app.metrics, srv.cache);
	reqlog_start(&srv.log);
	if (cert)
		srv.app.daemon = MHD_start_daemon(
		    flags, 0, NULL, NULL, on_request, &srv.app, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
		    NULL, MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_THREAD_POOL_SIZE, pool,
		    MHD_OPTION_CONNECTION_LIMIT, CONN_LIMIT, MHD_OPTION_CONNECTION_TIMEOUT,
		    CONN_TIMEOUT, MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY,
		    MHD_OPTION_NOTIFY_COMPLETED, on_completed, &srv.app, MHD_OPTION_HTTPS_MEM_CERT,
		    cert, MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END);
	else
		srv.app.daemon = MHD_start_daemon(
		    flags, 0, NULL, NULL, on_request, &srv.app, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
		    NULL, MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_THREAD_POOL_SIZE, pool,
		    MHD_OPTION_CONNECTION_LIMIT, CONN_LIMIT, MHD_OPTION_CONNECTION_TIMEOUT,
		    CONN_TIMEOUT, MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY,
		    MHD_OPTION_NOTIFY_COMPLETED, on_completed, &srv.app, MHD_OPTION_END);
	if (srv.app.daemon == NULL) {
		rc = err_set(e, ERR_IO,
		             "cannot listen on %s (taken, or not an address of this"
		             " machine?)",
		             o->listen ? o->listen : "127.0.0.1:8080");
		goto out;
	}
	if (o->deliver_interval > 0) {
		d.app = &srv.app;
		d.interval = o->deliver_interval;
		pthread_mutex_init(&d.mu, NULL);
		pthread_cond_init(&d.cv, NULL);
		deliver = pthread_create(&d.thread, NULL, deliver_main, &d) == 0;
	}
	info = MHD_get_daemon_info(srv.app.daemon, MHD_DAEMON_INFO_BIND_PORT);
	{
		char host[INET6_ADDRSTRLEN] = "";
		if (((struct sockaddr *)&sa)->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &sa.sin6_addr, host, sizeof(host));
		else
			inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)&sa)->sin_addr, host,
			          sizeof(host));
		fprintf(stderr, "baken serve: listening on %s://%s%s%s:%u (%u threads)%s\n",
		        srv.app.tls ? "https" : "http", strchr(host, ':') ? "[" : "", host,
		        strchr(host, ':') ? "]" : "", info ? info->port : 0, pool,
		        deliver ? ", delivering alerts" : "");
	}
	if (o->banner) {
		fputs(o->banner, stdout);
		fflush(stdout);
	}
	while (sigwait(&sigs, &sig) != 0 || (sig != SIGTERM && sig != SIGINT))
		;
	fprintf(stderr, "baken serve: %s: stopping\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	{
		MHD_socket ls = MHD_quiesce_daemon(srv.app.daemon);
		if (ls != MHD_INVALID_SOCKET)
			close(ls);
	}
	for (int i = 0; i < DRAIN_SECS * 20 && metrics_inflight_now(srv.app.metrics) > 0; i++)
		usleep(50000);
	workq_stop(srv.app.work); /* what is queued finishes and is resumed first */
	srv.app.work = NULL;
	MHD_stop_daemon(srv.app.daemon);
	if (deliver) {
		pthread_mutex_lock(&d.mu);
		d.stop = 1;
		pthread_cond_signal(&d.cv);
		pthread_mutex_unlock(&d.mu);
		pthread_join(d.thread, NULL);
	}
	reqlog_stop(&srv.log);
	fprintf(stderr, "baken serve: stopped\n");
	rc = 0;
out:
	workq_stop(srv.app.work);
	if (srv.app.metrics)
		pthread_key_delete(srv.app.db_key);
	metrics_free(srv.app.metrics);
	reqlog_stop(&srv.log);
	cache_free(srv.cache);
	free(cert);
	if (key) {
		sodium_memzero(key, strlen(key));
		free(key);
	}
	return rc;
}
