/* smtp_pipe.c: a batch of messages over a few plain SMTP connections, pipelined (RFC 2920).
 *
 * One poll() loop drives every connection, each a small state machine: connecting, greeting,
 * EHLO (HELO when EHLO is refused), then ready. A ready connection takes the next waiting item
 * and writes its MAIL FROM, RCPT TO and DATA (all three at once with PIPELINING, else one at a
 * time); the replies come back in the order of the commands, so each connection keeps a small
 * queue of the commands still to be answered and who they were for. On the 354 the message is
 * written, dot-stuffed, with the final dot, and the next item's commands right behind it: the
 * server's 250 for one message and its replies for the next arrive together.
 *
 * A refused MAIL or RCPT fails that item with the server's reply; its DATA is then refused too
 * and an RSET (pipelined with the next item) clears the transaction. A connection that breaks,
 * times out or says 421 puts back the items it had not acknowledged, for another connection
 * (at most PIPE_TRIES connections per item); one whose body had gone out may so arrive twice,
 * with the same Message-ID, as after any break between send and acknowledgement. A connection that
 * breaks before any MAIL FROM was answered (refused, no greeting, EHLO and HELO refused) is not
 * tried again in this batch; when none is left the items still waiting fail with "not tried: " and
 * the reason. Connections stay open between batches. */
#include "deliver/smtp_pipe.h"

#include "core/xalloc.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PIPE_CONNS_MAX 32
#define PIPE_PEND_MAX  8     /* commands awaiting replies on one connection: 5 at most */
#define PIPE_IN_MAX    16384 /* one reply must fit */
#define PIPE_TRIES     3     /* connections one item may be started on */
#define PIPE_QUIT_MS   200   /* how long close waits for the servers' 221 */

enum cstate {
	C_IDLE,
	C_CONNECTING,
	C_GREETING,
	C_EHLO,
	C_HELO,
	C_READY
};
enum cmd {
	CMD_MAIL,
	CMD_RCPT,
	CMD_DATA,
	CMD_WAIT354,
	CMD_DOT,
	CMD_RSET
};
enum tstate {
	T_WAIT,
	T_ON,
	T_DONE
}; /* an item: waiting, on a connection, has its result */

struct track {
	unsigned char state, tries;
	unsigned char failed; /* a refusal is in item->error; the item fails whatever follows */
};

struct pend {
	enum cmd cmd;
	struct smtp_item *it;
};

struct conn {
	int fd;
	enum cstate st;
	const struct addrinfo *ai; /* the address being connected to */
	int pipelining, useful, retired;
	struct smtp_item *cur; /* the item whose commands are being sent */
	enum cmd cur_next;     /* its next command; CMD_WAIT354 when DATA is out */
	int need_rset;
	struct pend pend[PIPE_PEND_MAX];
	size_t phead, npend;
	char *out;
	size_t olen, ooff, ocap;
	size_t ilen;
	int64_t deadline; /* ms, CLOCK_MONOTONIC: when waiting for the server ends */
	char in[PIPE_IN_MAX];
};

struct smtp_pipe {
	char host[256], port[8], domain[256], from[256];
	long timeout;
	int nconns;
	struct addrinfo *ai;
	/* the batch being sent */
	struct smtp_item *items;
	struct track *tr;
	size_t n, next, left, *requeue, nrequeue;
	char last_error[sizeof(((struct smtp_item *)0)->error)];
	struct conn conns[];
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- pure parts ---- */

int smtp_reply_scan(const char *p, size_t n, struct smtp_reply *r)
{
	size_t off = 0;
	int code = -1;

	for (;;) {
		const char *nl = memchr(p + off, '\n', n - off);
		size_t end, llen;
		int c;

		if (nl == NULL)
			return 0;
		end = (size_t)(nl - p);
		llen = end - off;
		if (llen > 0 && p[end - 1] == '\r')
			llen--;
		if (llen < 3 || p[off] < '2' || p[off] > '5' || p[off + 1] < '0' ||
		    p[off + 1] > '9' || p[off + 2] < '0' || p[off + 2] > '9' ||
		    (llen > 3 && p[off + 3] != ' ' && p[off + 3] != '-'))
			return -1;
		c = (p[off] - '0') * 100 + (p[off + 1] - '0') * 10 + (p[off + 2] - '0');
		if (code >= 0 && c != code)
			return -1;
		code = c;
		if (llen == 3 || p[off + 3] == ' ') {
			r->code = code;
			r->len = end + 1;
			return 1;
		}
		off = end + 1;
	}
}

void smtp_reply_text(const char *p, size_t len, char *out, size_t outsz)
{
	size_t o = 0, off = 0;
	int first = 1;

	if (outsz == 0)
		return;
	while (off < len) {
		const char *nl = memchr(p + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - p) : len, from = off, to = end;

		if (to > from && p[to - 1] == '\r')
			to--;
		if (!first) {
			from += to - from > 4 ? 4 : to - from; /* the code and its '-' or ' ' */
			if (from < to && o + 1 < outsz)
				out[o++] = ' ';
		}
		for (size_t i = from; i < to && o + 1 < outsz; i++) {
			unsigned char c = (unsigned char)p[i];
			out[o++] = c < 0x20 || c == 0x7F ? '?' : (char)c;
		}
		first = 0;
		off = end + 1;
	}
	out[o] = '\0';
}

int smtp_reply_has(const char *p, size_t len, const char *keyword)
{
	size_t kl = strlen(keyword), off = 0;
	int first = 1;

	while (off < len) {
		const char *nl = memchr(p + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - p) : len, to = end;

		if (to > off && p[to - 1] == '\r')
			to--;
		if (!first && to >= off + 4 + kl && strncasecmp(p + off + 4, keyword, kl) == 0 &&
		    (to == off + 4 + kl || p[off + 4 + kl] == ' '))
			return 1;
		first = 0;
		off = end + 1;
	}
	return 0;
}

size_t smtp_dot_stuff(const char *data, size_t len, char *out)
{
	size_t o = 0, i = 0;

	while (i < len) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - data) : len; /* the line is data[i..end) */

		if (data[i] == '.')
			out[o++] = '.';
		memcpy(out + o, data + i, end - i);
		o += end - i;
		if (nl == NULL)
			break;
		if (end == i || data[end - 1] != '\r')
			out[o++] = '\r';
		out[o++] = '\n';
		i = end + 1;
	}
	if (o > 0 && out[o - 1] != '\n') {
		out[o++] = '\r';
		out[o++] = '\n';
	}
	memcpy(out + o, ".\r\n", 3);
	return o + 3;
}

/* Copies s[0..n) into out when it fits and every byte is accepted by ok. */
static int copy_part(const char *s, size_t n, char *out, size_t outsz, int (*ok)(int))
{
	if (n == 0 || n >= outsz)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!ok((unsigned char)s[i]))
			return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

static int name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_';
}

static int v6_char(int c)
{
	return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9') ||
	       c == ':' || c == '.';
}

static int domain_char(int c)
{
	return c > 0x20 && c < 0x7F && c != '%' && c != '?' && c != '#' && c != '/' && c != '@';
}

int smtp_url_parse(const char *url, char *host, size_t hostsz, char *port, size_t portsz,
                   char *domain, size_t domainsz)
{
	const char *p, *h, *slash;
	size_t hl;

	if (url == NULL || strncasecmp(url, "smtp://", 7) != 0)
		return -1;
	p = url + 7;
	slash = p + strcspn(p, "/");
	if (memchr(p, '@', (size_t)(slash - p)) != NULL)
		return -1;
	if (*p == '[') {
		const char *close = memchr(p, ']', (size_t)(slash - p));
		if (close == NULL ||
		    copy_part(p + 1, (size_t)(close - p - 1), host, hostsz, v6_char))
			return -1;
		p = close + 1;
	} else {
		h = p;
		hl = strcspn(p, ":/");
		if (copy_part(h, hl, host, hostsz, name_char))
			return -1;
		p += hl;
	}
	if (*p == ':') {
		char *end;
		long v;

		p++;
		if (*p < '0' || *p > '9')
			return -1;
		errno = 0;
		v = strtol(p, &end, 10);
		if (errno || v < 1 || v > 65535 || end != slash ||
		    (size_t)snprintf(port, portsz, "%ld", v) >= portsz)
			return -1;
		p = end;
	} else if (p != slash || (size_t)snprintf(port, portsz, "25") >= portsz) {
		return -1;
	}
	domain[0] = '\0';
	if (*p == '/' && p[1] != '\0' &&
	    copy_part(p + 1, strlen(p + 1), domain, domainsz, domain_char))
		return -1;
	return 0;
}

/* An SMTP address as it goes between angle brackets: printable ASCII, no space and no
 * brackets of its own, with an '@' (the same rule smtp.c applies for libcurl). */
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

int smtp_pipe_handles(const struct smtp_conf *c)
{
	char host[256], port[8], domain[256];

	return (c->user == NULL || c->user[0] == '\0') &&
	       smtp_url_parse(c->url, host, sizeof(host), port, sizeof(port), domain,
	                      sizeof(domain)) == 0;
}

/* ---- one connection ---- */

static void out_add(struct conn *c, const char *s, size_t n)
{
	if (c->ooff > 0 && c->ooff == c->olen)
		c->ooff = c->olen = 0;
	if (c->olen + n > c->ocap) {
		if (c->ooff > 0) {
			memmove(c->out, c->out + c->ooff, c->olen - c->ooff);
			c->olen -= c->ooff;
			c->ooff = 0;
		}
		if (c->olen + n > c->ocap) {
			c->ocap = c->olen + n + 8192;
			c->out = xrealloc(c->out, c->ocap);
		}
	}
	memcpy(c->out + c->olen, s, n);
	c->olen += n;
}

static void out_cmd(struct conn *c, const char *verb, const char *arg, const char *tail)
{
	char line[600];
	int k = snprintf(line, sizeof(line), "%s%s%s\r\n", verb, arg, tail);

	out_add(c, line, (size_t)k < sizeof(line) ? (size_t)k : sizeof(line) - 1);
}

static void push(struct conn *c, enum cmd cmd, struct smtp_item *it)
{
	struct pend *pe = &c->pend[(c->phead + c->npend++) % PIPE_PEND_MAX];

	pe->cmd = cmd;
	pe->it = it;
}

static struct track *tr_of(struct smtp_pipe *p, const struct smtp_item *it)
{
	return &p->tr[it - p->items];
}

/* Gives item its result. */
static void item_done(struct smtp_pipe *p, struct smtp_item *it, int result, const char *error)
{
	struct track *t = tr_of(p, it);

	if (t->state == T_DONE)
		return;
	t->state = T_DONE;
	it->result = result;
	if (result == 0)
		it->error[0] = '\0';
	else if (error != it->error)
		snprintf(it->error, sizeof(it->error), "%s", error);
	p->left--;
}

/* Notes a refusal for item (the first one counts). */
static void item_refused(struct smtp_pipe *p, struct smtp_item *it, const char *reply)
{
	struct track *t = tr_of(p, it);

	if (!t->failed) {
		t->failed = 1;
		snprintf(it->error, sizeof(it->error), "%s", reply);
	}
}

/* The connection of item broke before the server accepted it: it is sent again on another
 * connection, unless it was refused already or was tried often enough. When its body had gone
 * out the server may have taken it without saying so: it may arrive twice, with the same
 * Message-ID (RFC 5321 6.1: a sender retries what the server did not acknowledge). */
static void item_broken(struct smtp_pipe *p, struct smtp_item *it, const char *why)
{
	struct track *t = tr_of(p, it);

	if (t->state != T_ON)
		return;
	if (t->failed)
		item_done(p, it, ERR_IO, it->error);
	else if (t->tries >= PIPE_TRIES)
		item_done(p, it, ERR_IO, why);
	else {
		t->state = T_WAIT;
		p->requeue[p->nrequeue++] = (size_t)(it - p->items);
	}
}

/* The next item to send, NULL when none waits. */
static struct smtp_item *take_item(struct smtp_pipe *p)
{
	struct smtp_item *it;
	struct track *t;

	while (p->next < p->n && p->tr[p->next].state == T_DONE)
		p->next++; /* refused before sending: not an address, no message */
	if (p->nrequeue > 0)
		it = &p->items[p->requeue[--p->nrequeue]];
	else if (p->next < p->n)
		it = &p->items[p->next++];
	else
		return NULL;
	t = tr_of(p, it);
	t->state = T_ON;
	t->tries++;
	return it;
}

static void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->st = C_IDLE;
	c->cur = NULL;
	c->need_rset = 0;
	c->phead = c->npend = 0;
	c->olen = c->ooff = c->ilen = 0;
	c->pipelining = 0;
}

/* The connection failed for why: its items go back or fail; a connection that never had a
 * MAIL FROM answered is not tried again in this batch. */
static void conn_fail(struct smtp_pipe *p, struct conn *c, const char *why)
{
	for (size_t i = 0; i < c->npend; i++) {
		struct smtp_item *it = c->pend[(c->phead + i) % PIPE_PEND_MAX].it;
		if (it) /* an RSET waiting for its answer is nobody's */
			item_broken(p, it, why);
	}
	if (c->cur)
		item_broken(p, c->cur, why);
	if (!c->useful) {
		c->retired = 1;
		snprintf(p->last_error, sizeof(p->last_error), "%s", why);
	}
	c->useful = 0;
	conn_close(c);
}

static void conn_fail_errno(struct smtp_pipe *p, struct conn *c, const char *what, int err)
{
	char why[256], eb[128];

	snprintf(why, sizeof(why), "%s %.100s:%s: %.100s", what, p->host, p->port,
	         strerror_r(err, eb, sizeof(eb)));
	conn_fail(p, c, why);
}

/* Starts connecting to the next address from a (NULL: the first); fails the connection when
 * none is left. */
static void conn_connect(struct smtp_pipe *p, struct conn *c, const struct addrinfo *a)
{
	int err = 0;

	for (; a; a = a->ai_next) {
		int fd = socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0),
		    one = 1;

		if (fd < 0) {
			err = errno;
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) {
			c->fd = fd;
			c->ai = a;
			c->st = C_CONNECTING;
			c->deadline = now_ms() + p->timeout;
			return;
		}
		err = errno;
		close(fd);
	}
	conn_fail_errno(p, c, "connect to", err ? err : ECONNREFUSED);
}

static void conn_start(struct smtp_pipe *p, struct conn *c)
{
	if (p->ai == NULL) {
		struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
		int rc = getaddrinfo(p->host, p->port, &hints, &res);

		if (rc != 0) {
			char why[400];
			snprintf(why, sizeof(why), "cannot resolve host '%s': %s", p->host,
			         gai_strerror(rc));
			c->useful = 0;
			conn_fail(p, c, why);
			return;
		}
		p->ai = res;
	}
	conn_connect(p, c, p->ai);
}

/* Writes whatever the connection may send now: RSET after a refused transaction, then the
 * next item's commands (all three with PIPELINING, else one per reply). */
static void conn_fill(struct smtp_pipe *p, struct conn *c)
{
	for (;;) {
		if (c->cur == NULL) {
			if (!c->pipelining && c->npend > 0)
				return;
			if (c->need_rset) {
				out_add(c, "RSET\r\n", 6);
				push(c, CMD_RSET, NULL);
				c->need_rset = 0;
				continue;
			}
			if (c->npend + 3 > PIPE_PEND_MAX || (c->cur = take_item(p)) == NULL)
				return;
			c->cur_next = CMD_MAIL;
		}
		if (c->cur_next == CMD_WAIT354 || (!c->pipelining && c->npend > 0))
			return;
		if (c->cur_next == CMD_MAIL)
			out_cmd(c, "MAIL FROM:<", p->from, ">");
		else if (c->cur_next == CMD_RCPT)
			out_cmd(c, "RCPT TO:<", c->cur->rcpt, ">");
		else
			out_add(c, "DATA\r\n", 6);
		if (c->npend == 0)
			c->deadline = now_ms() + p->timeout;
		push(c, c->cur_next, c->cur);
		c->cur_next++;
	}
}

/* The 354 came for it: its message, or only the final dot when it was refused already (a
 * server that says 354 without a recipient). */
static void conn_body(struct conn *c, struct smtp_pipe *p, struct smtp_item *it)
{
	struct track *t = tr_of(p, it);

	if (t->failed) {
		out_add(c, ".\r\n", 3);
	} else {
		size_t need = SMTP_STUFF_MAX(it->len);
		out_add(c, "", 0);
		if (c->olen + need > c->ocap) {
			if (c->ooff > 0) {
				memmove(c->out, c->out + c->ooff, c->olen - c->ooff);
				c->olen -= c->ooff;
				c->ooff = 0;
			}
			if (c->olen + need > c->ocap) {
				c->ocap = c->olen + need + 8192;
				c->out = xrealloc(c->out, c->ocap);
			}
		}
		c->olen += smtp_dot_stuff(it->data, it->len, c->out + c->olen);
	}
	push(c, CMD_DOT, it);
}

/* Handles one complete reply; may fail (and close) the connection. */
static void conn_reply(struct smtp_pipe *p, struct conn *c, const char *r, size_t len, int code)
{
	char text[sizeof(((struct smtp_item *)0)->error)];
	int ok = code / 100 == 2;
	struct pend pe;

	smtp_reply_text(r, len, text, sizeof(text));
	if (code == 421) { /* the server is closing the connection */
		conn_fail(p, c, text);
		return;
	}
	switch (c->st) {
	case C_GREETING:
		if (code != 220) {
			conn_fail(p, c, text);
			return;
		}
		out_cmd(c, "EHLO ", p->domain, "");
		c->st = C_EHLO;
		return;
	case C_EHLO:
	case C_HELO:
		if (ok) {
			c->pipelining = c->st == C_EHLO && smtp_reply_has(r, len, "PIPELINING");
			c->st = C_READY;
		} else if (c->st == C_EHLO && code / 100 == 5) {
			out_cmd(c, "HELO ", p->domain, "");
			c->st = C_HELO;
		} else {
			conn_fail(p, c, text);
		}
		return;
	case C_READY:
		break;
	default:
		conn_fail(p, c, "a reply before the greeting");
		return;
	}
	if (c->npend == 0) {
		char why[300];
		snprintf(why, sizeof(why), "a reply no command asked for: %s", text);
		conn_fail(p, c, why);
		return;
	}
	pe = c->pend[c->phead];
	c->phead = (c->phead + 1) % PIPE_PEND_MAX;
	c->npend--;
	switch (pe.cmd) {
	case CMD_MAIL:
	case CMD_RCPT:
		c->useful = 1;
		if (!ok) {
			item_refused(p, pe.it, text);
			if (!c->pipelining) { /* DATA was not sent: the item ends here */
				item_done(p, pe.it, ERR_IO, pe.it->error);
				c->cur = NULL;
				c->need_rset = 1;
			}
		}
		break;
	case CMD_DATA:
		c->cur = NULL;
		if (code == 354) {
			conn_body(c, p, pe.it);
		} else {
			item_refused(p, pe.it, text);
			item_done(p, pe.it, ERR_IO, pe.it->error);
			c->need_rset = 1;
		}
		break;
	case CMD_DOT:
		if (tr_of(p, pe.it)->failed)
			item_done(p, pe.it, ERR_IO, pe.it->error);
		else
			item_done(p, pe.it, ok ? 0 : ERR_IO, text);
		break;
	default: /* RSET: its answer changes nothing */
		break;
	}
	if (c->npend > 0 || c->ooff < c->olen)
		c->deadline = now_ms() + p->timeout;
}

/* Reads what the server sent and handles every complete reply. */
static void conn_read(struct smtp_pipe *p, struct conn *c)
{
	for (;;) {
		size_t room = sizeof(c->in) - c->ilen, off = 0;
		ssize_t k = recv(c->fd, c->in + c->ilen, room, 0);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn_fail_errno(p, c, "reading from", errno);
			return;
		}
		if (k == 0) {
			char why[300];
			snprintf(why, sizeof(why), "%s:%s closed the connection", p->host, p->port);
			conn_fail(p, c, why);
			return;
		}
		c->ilen += (size_t)k;
		c->deadline = now_ms() + p->timeout;
		for (;;) {
			struct smtp_reply r;
			int s = smtp_reply_scan(c->in + off, c->ilen - off, &r);

			if (s == 0)
				break;
			if (s < 0) {
				char why[300], q[120];
				smtp_reply_text(c->in + off,
				                c->ilen - off > 100 ? 100 : c->ilen - off, q,
				                sizeof(q));
				snprintf(why, sizeof(why), "not an SMTP reply: '%s'", q);
				conn_fail(p, c, why);
				return;
			}
			conn_reply(p, c, c->in + off, r.len, r.code);
			if (c->fd < 0)
				return;
			off += r.len;
		}
		memmove(c->in, c->in + off, c->ilen - off);
		c->ilen -= off;
		if (c->ilen == sizeof(c->in)) {
			conn_fail(p, c, "a reply longer than 16 KiB");
			return;
		}
		if ((size_t)k < room)
			return; /* the socket is drained */
	}
}

/* Writes what is waiting; 0, or -1 when the connection failed. */
static int conn_flush(struct smtp_pipe *p, struct conn *c)
{
	while (c->ooff < c->olen) {
		ssize_t k =
		    send(c->fd, c->out + c->ooff, c->olen - c->ooff, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			conn_fail_errno(p, c, "writing to", errno);
			return -1;
		}
		c->ooff += (size_t)k;
		c->deadline = now_ms() + p->timeout;
	}
	c->ooff = c->olen = 0;
	return 0;
}

/* Whether the connection is waiting for the server (its timeout runs). */
static int conn_waiting(const struct conn *c)
{
	return c->fd >= 0 && (c->st != C_READY || c->npend > 0 || c->ooff < c->olen);
}

/* ---- the client ---- */

int smtp_pipe_open(const struct smtp_conf *c, struct smtp_pipe **out, struct err *e)
{
	struct smtp_pipe *p;
	char host[256], port[8], domain[256];

	*out = NULL;
	if (!smtp_pipe_handles(c) ||
	    smtp_url_parse(c->url, host, sizeof(host), port, sizeof(port), domain, sizeof(domain)))
		return err_set(e, ERR_INPUT, "smtp: URL '%.200s' is not a plain smtp://host:port",
		               c->url ? c->url : "");
	if (!address_ok(c->from))
		return err_set(e, ERR_INPUT, "smtp: sender '%.200s' is not an address",
		               c->from ? c->from : "");
	if (c->connections < 1 || c->connections > PIPE_CONNS_MAX)
		return err_set(e, ERR_INPUT, "smtp: %d connections (want 1..%d)", c->connections,
		               PIPE_CONNS_MAX);
	p = xcalloc(1, sizeof(*p) + (size_t)c->connections * sizeof(p->conns[0]));
	memcpy(p->host, host, sizeof(host));
	memcpy(p->port, port, sizeof(port));
	if (domain[0])
		memcpy(p->domain, domain, sizeof(domain));
	else if (gethostname(p->domain, sizeof(p->domain)) != 0 || p->domain[0] == '\0')
		snprintf(p->domain, sizeof(p->domain), "localhost");
	p->domain[sizeof(p->domain) - 1] = '\0';
	for (char *d = p->domain; *d; d++)
		if (!domain_char((unsigned char)*d))
			*d = '-';
	snprintf(p->from, sizeof(p->from), "%s", c->from);
	p->timeout = c->timeout_ms > 0 ? c->timeout_ms : 30000;
	p->nconns = c->connections;
	for (int i = 0; i < p->nconns; i++)
		p->conns[i].fd = -1;
	*out = p;
	return 0;
}

int smtp_pipe_send(struct smtp_pipe *p, struct smtp_item *items, size_t n, struct err *e)
{
	struct pollfd pf[PIPE_CONNS_MAX];
	struct conn *pc[PIPE_CONNS_MAX];

	(void)e;
	if (n == 0)
		return 0;
	p->items = items;
	p->n = n;
	p->next = 0;
	p->left = n;
	p->nrequeue = 0;
	p->tr = xcalloc(n, sizeof(*p->tr));
	p->requeue = xcalloc(n, sizeof(*p->requeue));
	snprintf(p->last_error, sizeof(p->last_error), "every connection failed");
	for (size_t i = 0; i < n; i++) {
		struct smtp_item *it = &items[i];
		it->result = ERR_IO;
		it->error[0] = '\0';
		if (!address_ok(it->rcpt)) {
			snprintf(it->error, sizeof(it->error), "not an address: '%.200s'",
			         it->rcpt ? it->rcpt : "");
			item_done(p, it, ERR_INPUT, it->error);
		} else if (it->data == NULL || it->len == 0) {
			item_done(p, it, ERR_INPUT, "an empty message");
		}
	}
	for (int i = 0; i < p->nconns; i++)
		p->conns[i].retired = 0;
	while (p->left > 0) {
		int np = 0, live = 0, wait = -1;
		int64_t now;

		while (p->next < n && p->tr[p->next].state == T_DONE)
			p->next++;
		for (int i = 0; i < p->nconns; i++) {
			struct conn *c = &p->conns[i];
			if (c->retired)
				continue;
			if (c->st == C_IDLE && (p->next < n || p->nrequeue > 0))
				conn_start(p, c);
			if (c->st == C_READY)
				conn_fill(p, c);
			if (c->fd >= 0 && c->ooff < c->olen)
				conn_flush(p, c);
			if (c->fd < 0)
				continue;
			live++;
			pf[np].fd = c->fd;
			pf[np].events =
			    (short)(POLLIN |
			            (c->st == C_CONNECTING || c->ooff < c->olen ? POLLOUT : 0));
			pf[np].revents = 0;
			pc[np++] = c;
		}
		if (live == 0) {
			int any = 0;
			for (int i = 0; i < p->nconns; i++)
				any |= !p->conns[i].retired;
			/* every connection failed before a transaction: the rest are not tried; and
			 * with nothing in flight and nothing waiting (which left > 0 rules out) */
			if (!any || !(p->next < n || p->nrequeue > 0))
				break;
			continue;
		}
		now = now_ms();
		for (int i = 0; i < np; i++)
			if (conn_waiting(pc[i])) {
				int64_t d = pc[i]->deadline - now;
				d = d < 0 ? 0 : d;
				if (wait < 0 || d < wait)
					wait = (int)d;
			}
		if (poll(pf, (nfds_t)np, wait) < 0 && errno != EINTR) {
			for (int i = 0; i < np; i++)
				conn_fail_errno(p, pc[i], "poll for", errno);
			continue;
		}
		now = now_ms();
		for (int i = 0; i < np; i++) {
			struct conn *c = pc[i];
			short ev = pf[i].revents;

			if (c->fd < 0)
				continue;
			if (c->st == C_CONNECTING && ev) {
				int err = 0;
				socklen_t el = sizeof(err);
				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
				if (err != 0) {
					const struct addrinfo *nexta = c->ai->ai_next;
					close(c->fd);
					c->fd = -1;
					c->st = C_IDLE;
					if (nexta)
						conn_connect(p, c, nexta);
					else
						conn_fail_errno(p, c, "connect to", err);
					continue;
				}
				c->st = C_GREETING;
				c->deadline = now + p->timeout;
				ev &= ~POLLOUT;
			}
			if ((ev & POLLOUT) && conn_flush(p, c) != 0)
				continue;
			if (ev & (POLLIN | POLLHUP | POLLERR))
				conn_read(p, c);
			if (c->fd >= 0 && conn_waiting(c) && now >= c->deadline) {
				char why[300];
				snprintf(why, sizeof(why),
				         "timed out after %ld ms waiting for %s:%s", p->timeout,
				         p->host, p->port);
				conn_fail(p, c, why);
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		if (p->tr[i].state != T_DONE) {
			char why[sizeof(items[0].error)];
			snprintf(why, sizeof(why), "not tried: %.240s", p->last_error);
			p->tr[i].state = T_ON;
			item_done(p, &items[i], ERR_IO, why);
		}
	free(p->tr);
	free(p->requeue);
	p->tr = NULL;
	p->requeue = NULL;
	p->items = NULL;
	return 0;
}

void smtp_pipe_close(struct smtp_pipe *p)
{
	struct pollfd pf[PIPE_CONNS_MAX];
	int np = 0;
	int64_t end;

	if (p == NULL)
		return;
	for (int i = 0; i < p->nconns; i++) {
		struct conn *c = &p->conns[i];
		if (c->fd >= 0 && c->st == C_READY && c->npend == 0 &&
		    send(c->fd, "QUIT\r\n", 6, MSG_NOSIGNAL | MSG_DONTWAIT) == 6) {
			pf[np].fd = c->fd;
			pf[np].events = POLLIN;
			np++;
		}
	}
	/* wait a little for the 221s, so that the servers see a clean end */
	end = now_ms() + PIPE_QUIT_MS;
	for (int left = np; left > 0;) {
		int64_t w = end - now_ms();
		if (w <= 0 || poll(pf, (nfds_t)np, (int)w) <= 0)
			break;
		for (int i = 0; i < np; i++)
			if (pf[i].fd >= 0 && pf[i].revents) {
				char buf[512];
				/* the 221, or the end: either is the end of this one */
				(void)recv(pf[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
				pf[i].fd = -1;
				left--;
			}
	}
	for (int i = 0; i < p->nconns; i++) {
		conn_close(&p->conns[i]);
		free(p->conns[i].out);
	}
	if (p->ai)
		freeaddrinfo(p->ai);
	free(p);
}
