/* smtp.c: a batch of messages over a few SMTP connections: smtp_pipe.c for plain smtp://
 * without a user, else libcurl's multi interface (below).
 *
 * Each of the c->connections slots owns one easy handle. A slot sends one item, and when it
 * is done takes the next waiting one; the multi handle's connection cache hands the open
 * connection to the next transfer, so a connection carries message after message (MAIL FROM,
 * RCPT TO, DATA: libcurl does not pipeline SMTP commands). libcurl closes a connection after
 * a transfer that failed (a rejected RCPT too); the slot's next item opens a new one.
 *
 * The server's replies reach us through the header callback (libcurl passes every reply line
 * of its "pingpong" protocols there), so an item's error holds the server's own words
 * ("550 5.1.1 <x@example.org>: Recipient address rejected"), not only curl's "RCPT failed:
 * 550". */
#include "deliver/smtp.h"

#include "core/xalloc.h"
#include "deliver/smtp_pipe.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define CONNECTIONS_MAX 32

struct slot {
	CURL *h;
	struct smtp_item *item; /* being sent, NULL when idle */
	struct curl_slist *rcpt;
	size_t off;        /* bytes of item->data handed to libcurl */
	int mail_sent;     /* this attempt sent MAIL FROM: the transaction started */
	int replies;       /* complete server replies since MAIL FROM */
	int tries;         /* attempts at this item */
	int retired;       /* its connection failed before a transaction: take no more items */
	size_t plen;       /* length of the reply being read, in partial */
	char partial[256]; /* the reply being read: continuation lines joined by a space */
	char reply[256];   /* the last complete 4xx or 5xx reply of this attempt */
	char errbuf[CURL_ERROR_SIZE];
};

/* Hands libcurl the next part of the message. */
static size_t read_item(char *p, size_t size, size_t nmemb, void *arg)
{
	struct slot *s = arg;
	size_t want = size * nmemb, left = s->item->len - s->off;
	size_t n = want < left ? want : left;

	memcpy(p, s->item->data + s->off, n);
	s->off += n;
	return n;
}

/* Keeps the server's reply lines: "250-..." continues a reply, "250 ..." ends it. */
static size_t read_reply(char *p, size_t size, size_t nmemb, void *arg)
{
	struct slot *s = arg;
	size_t n = size * nmemb, len = n;

	while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == '\n'))
		len--;
	if (s->plen > 0 && s->plen + 1 < sizeof(s->partial))
		s->partial[s->plen++] = ' ';
	for (size_t i = 0; i < len && s->plen + 1 < sizeof(s->partial); i++) {
		unsigned char c = (unsigned char)p[i];
		s->partial[s->plen++] = c < 0x20 || c == 0x7F ? '?' : (char)c;
	}
	s->partial[s->plen] = '\0';
	if (len < 4 || p[3] != '-') {
		if (s->partial[0] == '4' || s->partial[0] == '5')
			memcpy(s->reply, s->partial, s->plen + 1);
		s->plen = 0;
		s->replies += s->mail_sent;
	}
	return n;
}

/* Notes when libcurl sends MAIL FROM: a failure before it is the connection's (refused,
 * greeting, TLS, AUTH) and will recur for every message; a failure after it is the message's. */
static int on_debug(CURL *h, curl_infotype type, char *p, size_t n, void *arg)
{
	struct slot *s = arg;

	(void)h;
	if (type == CURLINFO_HEADER_OUT && n >= 10 && strncasecmp(p, "MAIL FROM:", 10) == 0) {
		s->mail_sent = 1;
		s->replies = 0;
	}
	return 0;
}

/* An SMTP address as libcurl puts it between angle brackets: printable ASCII, no space and
 * no brackets of its own, with an '@'. */
static int address_ok(const char *a)
{
	if (a == NULL || strchr(a, '@') == NULL || strlen(a) > 254)
		return 0;
	for (; *a; a++)
		if ((unsigned char)*a <= 0x20 || (unsigned char)*a >= 0x7F || *a == '<' ||
		    *a == '>')
			return 0;
	return 1;
}

static void slot_setup(struct slot *s, const struct smtp_conf *c, long timeout)
{
	int auth = c->user != NULL && c->user[0] != '\0';

	curl_easy_setopt(s->h, CURLOPT_URL, c->url);
	curl_easy_setopt(s->h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(s->h, CURLOPT_MAIL_FROM, c->from);
	curl_easy_setopt(s->h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(s->h, CURLOPT_READFUNCTION, read_item);
	curl_easy_setopt(s->h, CURLOPT_READDATA, s);
	curl_easy_setopt(s->h, CURLOPT_HEADERFUNCTION, read_reply);
	curl_easy_setopt(s->h, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(s->h, CURLOPT_ERRORBUFFER, s->errbuf);
	/* the debug callback sees the commands we send; it needs VERBOSE, which costs little */
	curl_easy_setopt(s->h, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(s->h, CURLOPT_DEBUGDATA, s);
	curl_easy_setopt(s->h, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(s->h, CURLOPT_PRIVATE, s);
	curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->h, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(s->h, CURLOPT_CONNECTTIMEOUT_MS, timeout);
	curl_easy_setopt(s->h, CURLOPT_TCP_KEEPALIVE, 1L);
	/* libcurl allocates the upload buffer (and twice its size for dot-stuffing) for every
	 * transfer and frees it after; at the default 64 KiB glibc gives the memory back each
	 * time and takes page faults for it the next (measured: 20% more system time). 16 KiB,
	 * the smallest allowed, stays in malloc's pools; larger messages just take more reads. */
	curl_easy_setopt(s->h, CURLOPT_UPLOAD_BUFFERSIZE, 16384L);
	if (auth) {
		curl_easy_setopt(s->h, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(s->h, CURLOPT_PASSWORD, c->password ? c->password : "");
		/* smtps:// is TLS from the start; smtp:// upgrades when the server offers it */
		if (strncasecmp(c->url, "smtp://", 7) == 0)
			curl_easy_setopt(s->h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	}
}

/* Points the slot at item and adds its handle to the multi handle. */
static void slot_start(CURLM *m, struct slot *s, struct smtp_item *item)
{
	if (s->item != item)
		s->tries = 0;
	s->item = item;
	s->off = 0;
	s->mail_sent = 0;
	s->replies = 0;
	s->plen = 0;
	s->reply[0] = '\0';
	s->errbuf[0] = '\0';
	s->tries++;
	curl_slist_free_all(s->rcpt);
	s->rcpt = curl_slist_append(NULL, item->rcpt);
	if (s->rcpt == NULL)
		abort(); /* out of memory: see xalloc.h */
	curl_easy_setopt(s->h, CURLOPT_MAIL_RCPT, s->rcpt);
	curl_easy_setopt(s->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)item->len);
	curl_multi_add_handle(m, s->h);
}

/* The reason an attempt failed: the server's reply when it refused (4xx, 5xx), curl's words,
 * and the system's when curl's do not name it ("Connection refused"). */
static void slot_error(struct slot *s, CURLcode rc, char *out, size_t outsz)
{
	const char *why = s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc), *sys = NULL;
	char eb[128];
	long oserr = 0;

	curl_easy_getinfo(s->h, CURLINFO_OS_ERRNO, &oserr);
	if (oserr != 0)
		sys = strerror_r((int)oserr, eb, sizeof(eb));
	if (s->reply[0] == '4' || s->reply[0] == '5')
		snprintf(out, outsz, "%.180s (%.70s)", s->reply, why);
	else if (sys != NULL && strcasestr(why, sys) == NULL)
		snprintf(out, outsz, "%.180s: %.70s", why, sys);
	else
		snprintf(out, outsz, "%.250s", why);
}

/* Records the result of a finished attempt. Returns 1 when the item is to be sent again: its
 * reused connection broke after MAIL FROM but before the server answered anything, so it
 * cannot have been accepted (a server that closed an idle connection as we reused it). A
 * failure before MAIL FROM (no connection, no greeting, TLS or AUTH refused) retires the
 * slot. */
static int slot_done(struct slot *s, CURLcode rc, char *last_error, size_t lesz)
{
	struct smtp_item *it = s->item;
	long connects = 0;

	if (rc == CURLE_OK) {
		it->result = 0;
		it->error[0] = '\0';
		return 0;
	}
	curl_easy_getinfo(s->h, CURLINFO_NUM_CONNECTS, &connects);
	it->result = ERR_IO;
	slot_error(s, rc, it->error, sizeof(it->error));
	if (s->mail_sent && s->replies == 0 && connects == 0 && s->tries < 2)
		return 1;
	if (!s->mail_sent) {
		s->retired = 1;
		snprintf(last_error, lesz, "%.250s", it->error);
	}
	return 0;
}

/* Starts the next item on slot s; an item whose recipient is not an address, or that has no
 * message, fails here and never reaches the server. Returns 1 when an item was started. */
static int take_next(CURLM *m, struct slot *s, struct smtp_item *items, size_t n, size_t *next)
{
	while (*next < n && (!address_ok(items[*next].rcpt) || items[*next].data == NULL ||
	                     items[*next].len == 0)) {
		struct smtp_item *it = &items[(*next)++];
		it->result = ERR_INPUT;
		if (!address_ok(it->rcpt))
			snprintf(it->error, sizeof(it->error), "not an address: '%.200s'",
			         it->rcpt ? it->rcpt : "");
		else
			snprintf(it->error, sizeof(it->error), "an empty message");
	}
	if (*next >= n)
		return 0;
	slot_start(m, s, &items[(*next)++]);
	return 1;
}

/* Drives the transfers until every item has a result, or libcurl's multi interface fails
 * (ERR_IO: out of memory or a libcurl bug). */
static int run(CURLM *m, struct slot *slots, size_t nslots, struct smtp_item *items, size_t n,
               char *last_error, size_t lesz, struct err *e)
{
	size_t next = 0;
	int active = 0;

	for (size_t i = 0; i < nslots; i++)
		active += take_next(m, &slots[i], items, n, &next);
	while (active > 0) {
		struct CURLMsg *msg;
		int running, left;

		if (curl_multi_perform(m, &running) != CURLM_OK)
			return err_set(e, ERR_IO, "smtp: libcurl's multi interface failed");
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			CURLcode result = msg->data.result;
			struct slot *s;
			char *priv = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
			s = (struct slot *)(void *)priv;
			curl_multi_remove_handle(m, s->h); /* msg is gone from here on */
			active--;
			if (slot_done(s, result, last_error, lesz)) {
				slot_start(m, s, s->item);
				active++;
			} else {
				s->item = NULL;
				if (!s->retired)
					active += take_next(m, s, items, n, &next);
			}
		}
		if (active > 0 && curl_multi_poll(m, NULL, 0, 1000, NULL) != CURLM_OK)
			return err_set(e, ERR_IO, "smtp: libcurl's multi interface failed");
	}
	return 0;
}

/* libcurl's side of a client: the multi handle (its connection cache keeps the connections
 * open between batches) and one slot per connection. */
struct curl_pool {
	CURLM *m;
	struct slot *slots;
	size_t nslots;
};

struct smtp_client {
	struct smtp_pipe *pipe; /* plain smtp:// without a user */
	struct curl_pool *curl; /* everything else */
	char *url, *from, *user, *password;
};

static void curl_pool_free(struct curl_pool *cp)
{
	if (cp == NULL)
		return;
	for (size_t i = 0; i < cp->nslots; i++) {
		if (cp->slots[i].h) {
			if (cp->m)
				curl_multi_remove_handle(cp->m, cp->slots[i].h);
			curl_easy_cleanup(cp->slots[i].h);
		}
		curl_slist_free_all(cp->slots[i].rcpt);
	}
	if (cp->m)
		curl_multi_cleanup(cp->m);
	free(cp->slots);
	free(cp);
	curl_global_cleanup();
}

static int curl_pool_open(const struct smtp_conf *c, struct curl_pool **out, struct err *e)
{
	struct curl_pool *cp;
	long timeout = c->timeout_ms > 0 ? c->timeout_ms : 30000;

	*out = NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return err_set(e, ERR_IO, "smtp: libcurl cannot be initialised");
	cp = xcalloc(1, sizeof(*cp));
	cp->nslots = (size_t)c->connections;
	cp->slots = xcalloc(cp->nslots, sizeof(*cp->slots));
	cp->m = curl_multi_init();
	if (cp->m == NULL) {
		curl_pool_free(cp);
		return err_set(e, ERR_IO, "smtp: libcurl cannot be initialised");
	}
	curl_multi_setopt(cp->m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)cp->nslots);
	curl_multi_setopt(cp->m, CURLMOPT_MAXCONNECTS, (long)cp->nslots);
	for (size_t i = 0; i < cp->nslots; i++) {
		cp->slots[i].h = curl_easy_init();
		if (cp->slots[i].h == NULL) {
			curl_pool_free(cp);
			return err_set(e, ERR_IO, "smtp: libcurl cannot be initialised");
		}
		slot_setup(&cp->slots[i], c, timeout);
	}
	*out = cp;
	return 0;
}

static int curl_pool_send(struct curl_pool *cp, struct smtp_item *items, size_t n, struct err *e)
{
	char last_error[sizeof(items[0].error)] = "every connection failed";
	size_t nslots = cp->nslots < n ? cp->nslots : n;

	for (size_t i = 0; i < cp->nslots; i++) {
		cp->slots[i].retired = 0;
		cp->slots[i].item = NULL;
	}
	/* from here every item gets a result: an item that is never started says why */
	for (size_t i = 0; i < n; i++) {
		items[i].result = ERR_IO;
		items[i].error[0] = '\0';
	}
	if (run(cp->m, cp->slots, nslots, items, n, last_error, sizeof(last_error), e) != 0) {
		/* libcurl failed us mid-way: what was in flight may or may not have arrived */
		for (size_t i = 0; i < nslots; i++)
			if (cp->slots[i].item != NULL) {
				snprintf(cp->slots[i].item->error, sizeof(cp->slots[i].item->error),
				         "interrupted: %.200s", e ? e->msg : "libcurl failed");
				curl_multi_remove_handle(cp->m, cp->slots[i].h);
				cp->slots[i].item = NULL;
			}
		snprintf(last_error, sizeof(last_error), "%.250s", e ? e->msg : "libcurl failed");
	}
	for (size_t i = 0; i < n; i++)
		if (items[i].result != 0 && items[i].error[0] == '\0')
			snprintf(items[i].error, sizeof(items[i].error), "not tried: %.240s",
			         last_error);
	return 0;
}

int smtp_client_open(const struct smtp_conf *c, struct smtp_client **out, struct err *e)
{
	struct smtp_client *cl;
	int rc;

	*out = NULL;
	if (c->url == NULL ||
	    (strncasecmp(c->url, "smtp://", 7) != 0 && strncasecmp(c->url, "smtps://", 8) != 0))
		return err_set(e, ERR_INPUT, "smtp: URL '%.200s' is not smtp:// or smtps://",
		               c->url ? c->url : "");
	if (!address_ok(c->from))
		return err_set(e, ERR_INPUT, "smtp: sender '%.200s' is not an address",
		               c->from ? c->from : "");
	if (c->connections < 1 || c->connections > CONNECTIONS_MAX)
		return err_set(e, ERR_INPUT, "smtp: %d connections (want 1..%d)", c->connections,
		               CONNECTIONS_MAX);
	cl = xcalloc(1, sizeof(*cl));
	/* libcurl's options point at these: they must live as long as the client */
	cl->url = xstrdup(c->url);
	cl->from = xstrdup(c->from);
	cl->user = c->user ? xstrdup(c->user) : NULL;
	cl->password = c->password ? xstrdup(c->password) : NULL;
	struct smtp_conf own = *c;
	own.url = cl->url;
	own.from = cl->from;
	own.user = cl->user;
	own.password = cl->password;
	if (!c->use_curl && smtp_pipe_handles(&own))
		rc = smtp_pipe_open(&own, &cl->pipe, e);
	else
		rc = curl_pool_open(&own, &cl->curl, e);
	if (rc != 0) {
		smtp_client_close(cl);
		return rc;
	}
	*out = cl;
	return 0;
}

int smtp_client_send(struct smtp_client *cl, struct smtp_item *items, size_t n, struct err *e)
{
	if (n == 0)
		return 0;
	return cl->pipe ? smtp_pipe_send(cl->pipe, items, n, e)
	                : curl_pool_send(cl->curl, items, n, e);
}

void smtp_client_close(struct smtp_client *cl)
{
	if (cl == NULL)
		return;
	smtp_pipe_close(cl->pipe);
	curl_pool_free(cl->curl);
	free(cl->url);
	free(cl->from);
	free(cl->user);
	if (cl->password) {
		memset(cl->password, 0, strlen(cl->password));
		free(cl->password);
	}
	free(cl);
}

int smtp_send_batch(const struct smtp_conf *c, struct smtp_item *items, size_t n, struct err *e)
{
	struct smtp_client *cl;
	int rc;

	if ((rc = smtp_client_open(c, &cl, e)) != 0)
		return rc;
	rc = smtp_client_send(cl, items, n, e);
	smtp_client_close(cl);
	return rc;
}
