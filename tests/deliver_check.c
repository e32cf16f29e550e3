/* deliver_check.c: smtp_send_batch (our pipelining client, and libcurl), smtp_client and
 * webhook_post against real servers on 127.0.0.1.
 *
 * Not a unit test (it starts servers and needs python3-aiosmtpd), so it is not under
 * tests/unit. Build and run from the repository's root after `make`:
 *
 *   cc -std=c17 -D_GNU_SOURCE -O2 -Isrc -o build/deliver_check tests/deliver_check.c \
 *      build/libbaken.a $(pkg-config --libs libcurl sqlite3 jansson libsodium) -lcsv -lm
 *   build/deliver_check all               every check below; ends "deliver: N passed, N failed"
 *   build/deliver_check bench HOST PORT MESSAGES CONNECTIONS SIZE
 *                                         MESSAGES of about SIZE bytes to an SMTP server
 *                                         (postfix's smtp-sink), prints messages/s
 *
 * The servers are small Python programs held below as strings and run with /usr/bin/python3:
 * an aiosmtpd sink that logs every message (recipient, Message-ID, decoded Subject, the
 * client's port) and every TCP connection, refuses recipients named reject550@, defer451@ and
 * datafail@ (at DATA), and with CLOSE_EVERY=k drops the connection after every k messages,
 * with DROP_AT=k after the k-th message of a connection arrived but before it is answered;
 * PIPELINING=1 makes it offer PIPELINING (aiosmtpd reads pipelined commands in order but
 * does not say so); a strict server that offers no PIPELINING and logs any command sent
 * before the reply to the one before;
 * a listener that never greets (SMTP timeout); an HTTP receiver for webhooks that checks the
 * signature with Python's hmac module and answers 200 (/ok), 500 (/fail) or late (/slow). */
#include "core/buf.h"
#include "core/err.h"
#include "deliver/mail.h"
#include "deliver/smtp.h"
#include "deliver/webhook.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char SINK_PY[] =
    "import asyncio, email, email.policy, json, os, sys\n"
    "from aiosmtpd.controller import Controller\n"
    "from aiosmtpd.smtp import SMTP\n"
    "port, path = int(sys.argv[1]), sys.argv[2]\n"
    "every = int(os.environ.get('CLOSE_EVERY', '0'))\n"
    "drop = int(os.environ.get('DROP_AT', '0'))\n"
    "out = open(path, 'a', buffering=1); conns = open(path + '.conn', 'a', buffering=1)\n"
    "class Counting(SMTP):\n"
    "    count = 0\n"
    "    async def smtp_EHLO(self, arg):\n"
    "        conns.write('%s\\n' % (self.session.peer,))\n"
    "        await super().smtp_EHLO(arg)\n"
    "class Sink:\n"
    "    async def handle_RCPT(self, server, session, envelope, address, options):\n"
    "        if address.startswith('reject550'):\n"
    "            return '550 5.1.1 <%s>: Recipient address rejected' % address\n"
    "        if address.startswith('defer451'):\n"
    "            return '451 4.7.1 <%s>: Try again later' % address\n"
    "        envelope.rcpt_tos.append(address)\n"
    "        return '250 OK'\n"
    "    async def handle_DATA(self, server, session, envelope):\n"
    "        if any(r.startswith('datafail') for r in envelope.rcpt_tos):\n"
    "            return '554 5.6.0 Message refused'\n"
    "        m = email.message_from_bytes(envelope.content, policy=email.policy.default)\n"
    "        out.write(json.dumps({'to': envelope.rcpt_tos, 'mid': m['Message-ID'],\n"
    "            'subject': str(m['Subject']), 'peer': list(session.peer),\n"
    "            'size': len(envelope.content), 'body': m.get_content()}) + '\\n')\n"
    "        server.count += 1\n"
    "        if drop and server.count == drop:\n"
    "            server.transport.abort()\n"
    "        if every and server.count % every == 0:\n"
    "            asyncio.get_event_loop().call_soon(server.transport.close)\n"
    "        return '250 OK'\n"
    "if os.environ.get('PIPELINING'):\n"
    "    async def handle_EHLO(self, server, session, envelope, hostname, responses):\n"
    "        session.host_name = hostname\n"
    "        return responses[:-1] + ['250-PIPELINING', responses[-1]]\n"
    "    Sink.handle_EHLO = handle_EHLO\n"
    "class C(Controller):\n"
    "    def factory(self):\n"
    "        return Counting(self.handler, **self.SMTP_kwargs)\n"
    "kw = {}\n"
    "if os.environ.get('SINK_AUTH'):\n"
    "    from aiosmtpd.smtp import AuthResult, LoginPassword\n"
    "    def auth(server, session, envelope, mechanism, data):\n"
    "        ok = isinstance(data, LoginPassword) and\\\n"
    "            data.login == b'baken' and data.password == b's3cret'\n"
    "        return AuthResult(success=ok, handled=False)\n"
    "    kw.update(authenticator=auth, auth_required=True, auth_require_tls=False)\n"
    "if os.environ.get('SINK_TLS'):\n"
    "    import ssl\n"
    "    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)\n"
    "    ctx.load_cert_chain(*os.environ['SINK_TLS'].split(':'))\n"
    "    kw.update(tls_context=ctx, require_starttls=True)\n"
    "c = C(Sink(), hostname='127.0.0.1', port=port, **kw)\n"
    "c.start()\n"
    "import time\n"
    "while True: time.sleep(3600)\n";

static const char MUTE_PY[] = "import socket, sys, time\n"
                              "s = socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1])))\n"
                              "s.listen(64); time.sleep(120)\n";

/* A strict SMTP server on raw sockets, one thread per connection, that offers no PIPELINING
 * and logs as "pipelined" every command that arrived before the reply to the one before
 * (bytes already waiting behind a command line). It refuses RCPT for reject550@, answers 502
 * to EHLO with NO_EHLO=1 (the client must fall back to HELO), with DROP_AT=k closes the
 * connection after the k-th message's final dot without answering it, and with RSET_CLOSE=1
 * closes it on RSET without answering (as a server at its error limit). Each message is logged
 * with its recipient and its content, un-dot-stuffed as RFC 5321 4.5.2 says. */
static const char STRICT_PY[] =
    "import json, os, socket, sys, threading\n"
    "port, path = int(sys.argv[1]), sys.argv[2]\n"
    "out = open(path, 'a', buffering=1)\n"
    "no_ehlo = os.environ.get('NO_EHLO'); drop_at = int(os.environ.get('DROP_AT', '0'))\n"
    "rset_close = os.environ.get('RSET_CLOSE')\n"
    "lock = threading.Lock(); count = [0]\n"
    "def log(o):\n"
    "    with lock: out.write(json.dumps(o) + '\\n')\n"
    "def serve(c):\n"
    "    buf = b''; rcpt = []; data = None\n"
    "    def line():\n"
    "        nonlocal buf\n"
    "        while b'\\r\\n' not in buf:\n"
    "            k = c.recv(65536)\n"
    "            if not k: return None\n"
    "            buf += k\n"
    "        l, buf = buf.split(b'\\r\\n', 1)\n"
    "        return l\n"
    "    c.sendall(b'220 strict ESMTP\\r\\n')\n"
    "    while True:\n"
    "        l = line()\n"
    "        if l is None: return\n"
    "        if data is not None:\n"
    "            if l == b'.':\n"
    "                with lock: count[0] += 1; k = count[0]\n"
    "                log({'to': rcpt, 'body': b''.join(x + b'\\r\\n' for x in data).decode()})\n"
    "                data = None; rcpt = []\n"
    "                if k == drop_at: c.close(); return\n"
    "                c.sendall(b'250 2.0.0 queued\\r\\n')\n"
    "            else: data.append(l[1:] if l.startswith(b'.') else l)\n"
    "            continue\n"
    "        if buf: log({'pipelined': l.decode(errors='replace')})\n"
    "        v = l[:4].upper()\n"
    "        if v == b'EHLO': r = b'502 5.5.2 no EHLO here' if no_ehlo else b'250-strict\\r\\n250 "
    "8BITMIME'\n"
    "        elif v == b'HELO': r = b'250 strict'\n"
    "        elif v == b'MAIL': rcpt = []; r = b'250 2.1.0 Ok'\n"
    "        elif v == b'RCPT':\n"
    "            a = l[9:-1].decode()\n"
    "            if a.startswith('reject550'): r = ('550 5.1.1 <%s>: Recipient address rejected' % "
    "a).encode()\n"
    "            else: rcpt.append(a); r = b'250 2.1.5 Ok'\n"
    "        elif v == b'DATA':\n"
    "            if rcpt: data = []; r = b'354 End data with <CR><LF>.<CR><LF>'\n"
    "            else: r = b'554 5.5.1 Error: no valid recipients'\n"
    "        elif v == b'RSET' and rset_close: c.close(); return\n"
    "        elif v == b'RSET': rcpt = []; r = b'250 2.0.0 Ok'\n"
    "        elif v == b'QUIT': c.sendall(b'221 2.0.0 Bye\\r\\n'); c.close(); return\n"
    "        else: r = b'502 5.5.2 Error: command not recognized'\n"
    "        c.sendall(r + b'\\r\\n')\n"
    "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
    "s.bind(('127.0.0.1', port)); s.listen(64)\n"
    "while True:\n"
    "    c, _ = s.accept()\n"
    "    threading.Thread(target=serve, args=(c,), daemon=True).start()\n";

static const char HOOK_PY[] =
    "import hashlib, hmac, json, sys, time\n"
    "from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer\n"
    "port, path, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3].encode()\n"
    "out = open(path, 'a', buffering=1)\n"
    "class H(BaseHTTPRequestHandler):\n"
    "    protocol_version = 'HTTP/1.1'\n"
    "    def log_message(self, *a): pass\n"
    "    def do_POST(self):\n"
    "        body = self.rfile.read(int(self.headers['Content-Length']))\n"
    "        want = 'sha256=' + hmac.new(secret, body, hashlib.sha256).hexdigest()\n"
    "        got = self.headers.get('X-Baken-Signature', '')\n"
    "        out.write(json.dumps({'path': self.path, 'port': self.client_address[1],\n"
    "            'sig_ok': hmac.compare_digest(want, got), 'delivery':\n"
    "            self.headers.get('X-Baken-Delivery'), 'event': "
    "self.headers.get('X-Baken-Event'),\n"
    "            'type': self.headers.get('Content-Type'), 'json': json.loads(body)}) + '\\n')\n"
    "        if self.path == '/slow': time.sleep(3)\n"
    "        code = 500 if self.path == '/fail' else 200\n"
    "        self.send_response(code); self.send_header('Content-Length', '2')\n"
    "        self.end_headers(); self.wfile.write(b'ok')\n"
    "ThreadingHTTPServer(('127.0.0.1', port), H).serve_forever()\n";

static int passed, failed;
static char pylog[600] = "/dev/null"; /* the servers' stderr */

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok  " : "FAIL", what);
	if (ok)
		passed++;
	else
		failed++;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A port nothing listens on now (the kernel's choice). */
static int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
		perror("free_port");
		exit(2);
	}
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static int port_open(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)port),
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

	ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Starts python3 -c script with the arguments and the environment variables in env (NULL or
 * "NAME=value NAME=value"), waits until port accepts connections; returns the child's pid. */
static pid_t start_py(const char *script, int port, const char *a2, const char *a3, const char *env)
{
	char p[16];
	pid_t pid;

	snprintf(p, sizeof(p), "%d", port);
	pid = fork();
	if (pid == 0) {
		FILE *log = fopen(pylog, "a");
		if (log)
			dup2(fileno(log), 2);
		for (const char *v = env; v && *v;) {
			size_t n = strcspn(v, " ");
			putenv(strndup(v, n));
			v += n + (v[n] == ' ');
		}
		execl("/usr/bin/python3", "python3", "-c", script, p, a2, a3, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100; i++) {
		if (port_open(port))
			return pid;
		usleep(50000);
	}
	fprintf(stderr, "server on port %d did not start\n", port);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	exit(2);
}

static void stop_py(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

static size_t count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;
	int c;

	if (f == NULL)
		return 0;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* Reads a JSON-lines file into an array (new reference). */
static json_t *read_jsonl(const char *path)
{
	json_t *arr = json_array();
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	if (f == NULL)
		return arr;
	while (getline(&line, &cap, f) > 0) {
		json_t *o = json_loads(line, 0, NULL);
		if (o)
			json_array_append_new(arr, o);
	}
	free(line);
	fclose(f);
	return arr;
}

struct msgs {
	struct smtp_item *items;
	char **data, **rcpt, **mid;
	size_t n;
};

/* n messages of about size bytes to rcpt (or to the address special names at index i). */
static void make_msgs(struct msgs *m, size_t n, size_t size, const char *subject,
                      const char *(*rcpt_of)(size_t))
{
	static const char line[] = "Kwetsbaarheid in Citrix ADC: een aanvaller kan op afstand "
	                           "willekeurige code uitvoeren.\n";
	struct buf body, out;
	struct err e;

	m->n = n;
	m->items = calloc(n, sizeof(*m->items));
	m->data = calloc(n, sizeof(char *));
	m->rcpt = calloc(n, sizeof(char *));
	m->mid = calloc(n, sizeof(char *));
	buf_init(&body, 1 << 20);
	while (body.len < size)
		buf_adds(&body, line);
	for (size_t i = 0; i < n; i++) {
		char mid[128], to[128];
		snprintf(mid, sizeof(mid), "<baken.%zu.1577189100@csirt.example>", i + 1);
		snprintf(to, sizeof(to), "%s", rcpt_of ? rcpt_of(i) : "ciso@a1.example");
		struct mail_header h[] = {{"X-Baken-Alert", "1"}};
		struct mail_fields f = {.from = "NCSC Advies <advies@csirt.example>",
		                        .to = to,
		                        .subject = subject,
		                        .date = 1577189100,
		                        .message_id = mid,
		                        .headers = h,
		                        .n_headers = 1,
		                        .body = buf_str(&body)};
		buf_init(&out, 1 << 20);
		if (mail_compose(&f, &out, &e) != 0) {
			fprintf(stderr, "compose: %s\n", e.msg);
			exit(2);
		}
		m->mid[i] = strdup(mid);
		m->rcpt[i] = strdup(to);
		m->items[i].rcpt = m->rcpt[i];
		m->items[i].len = out.len;
		m->data[i] = buf_take(&out);
		m->items[i].data = m->data[i];
	}
	buf_free(&body);
}

static void free_msgs(struct msgs *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->data[i]);
		free(m->rcpt[i]);
		free(m->mid[i]);
	}
	free(m->items);
	free(m->data);
	free(m->rcpt);
	free(m->mid);
}

static size_t count_ok(const struct msgs *m)
{
	size_t ok = 0;

	for (size_t i = 0; i < m->n; i++)
		ok += m->items[i].result == 0;
	return ok;
}

static const char *SUBJECT_UTF8 =
    "NCSC-2019-0353 [v1.01] [H/H] Kwetsbaarheid in Citrix ADC \xe2\x80\x94 \xc3\xa9\xc3\xa9n";

/* How a check talks to the aiosmtpd sink: our client with PIPELINING offered, our client
 * without it (one command at a time), or libcurl. */
enum mode {
	PIPELINED,
	LOCKSTEP,
	LIBCURL
};
static const char *const MODE_NAME[] = {"pipelined", "lock-step", "libcurl"};

/* n messages over conns connections: all accepted, all arrived with their Message-IDs and
 * decoded subject, over exactly conns TCP connections (closing every k: n/k connections). */
static void check_volume(const char *dir, size_t n, int conns, int every, enum mode mode)
{
	char path[512], cpath[600], url[64], what[320];
	int port = free_port();
	struct smtp_conf c = {url,   "advies@csirt.example", NULL, NULL, 10000,
	                      conns, mode == LIBCURL};
	struct msgs m;
	struct err e = {0};
	double t0, dt;
	size_t seen = 0, want_conns;
	int subj_ok = 1;

	snprintf(path, sizeof(path), "%s/sink-%zu-%d-%d-%d.jsonl", dir, n, conns, every, (int)mode);
	snprintf(cpath, sizeof(cpath), "%s.conn", path);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	char env[64];
	snprintf(env, sizeof(env), "CLOSE_EVERY=%d%s", every,
	         mode == PIPELINED ? " PIPELINING=1" : "");
	pid_t pid = start_py(SINK_PY, port, path, "", env);
	make_msgs(&m, n, 3000, SUBJECT_UTF8, NULL);
	t0 = now_s();
	int rc = smtp_send_batch(&c, m.items, n, &e);
	dt = now_s() - t0;
	usleep(300000);
	stop_py(pid);
	json_t *log = read_jsonl(path);
	char *got = calloc(n, 1);
	for (size_t i = 0; i < json_array_size(log); i++) {
		json_t *o = json_array_get(log, i);
		const char *mid = json_string_value(json_object_get(o, "mid"));
		unsigned long k;
		char *end;
		if (mid && strncmp(mid, "<baken.", 7) == 0) {
			k = strtoul(mid + 7, &end, 10);
			if (k >= 1 && k <= n && strcmp(end, ".1577189100@csirt.example>") == 0 &&
			    !got[k - 1]) {
				got[k - 1] = 1;
				seen++;
			}
		}
		const char *s = json_string_value(json_object_get(o, "subject"));
		if (s == NULL || strcmp(s, SUBJECT_UTF8) != 0)
			subj_ok = 0;
	}
	/* the sink counts the connections that said EHLO: not the probes of start_py and
	 * aiosmtpd's own */
	size_t nconn = count_lines(cpath);
	want_conns = every > 0 ? (n + (size_t)every - 1) / (size_t)every : (size_t)conns;
	snprintf(what, sizeof(what),
	         "smtp %s: %zu messages over %d connection(s)%s: %zu accepted, %zu arrived once "
	         "with their Message-IDs, %zu TCP connections (want %zu); %.2f s, %.0f msg/s",
	         MODE_NAME[mode], n, conns, every ? " (server closes after every few)" : "",
	         count_ok(&m), seen, nconn, want_conns, dt, (double)n / dt);
	check(rc == 0 && count_ok(&m) == n && seen == n && json_array_size(log) == n &&
	          nconn == want_conns,
	      what);
	check(subj_ok && json_array_size(log) == n,
	      "smtp: the sink decodes the RFC 2047 subject back to the UTF-8 original");
	for (size_t i = 0, shown = 0; i < n && shown < 5; i++)
		if (m.items[i].result != 0) {
			printf("      failure %zu: %s\n", i, m.items[i].error);
			shown++;
		}
	free(got);
	json_decref(log);
	free_msgs(&m);
}

static const char *rcpt_mixed(size_t i)
{
	switch (i) {
	case 2:
		return "reject550@a1.example";
	case 4:
		return "defer451@a1.example";
	case 6:
		return "datafail@a1.example";
	case 8:
		return "bad address@a1.example";
	default:
		return "ciso@a1.example";
	}
}

/* "smtp MODE: what" in buf, for a check's name. */
static const char *named(char *buf, size_t sz, enum mode mode, const char *what)
{
	snprintf(buf, sz, "smtp %s: %s", MODE_NAME[mode], what);
	return buf;
}

static void check_rejections(const char *dir, enum mode mode)
{
	char path[512], url[64], what[1024], name[300];
	int port = free_port();
	struct smtp_conf c = {url, "advies@csirt.example", NULL, NULL, 10000, 2, mode == LIBCURL};
	struct msgs m;
	struct err e = {0};

	snprintf(path, sizeof(path), "%s/sink-reject-%d.jsonl", dir, (int)mode);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	pid_t pid = start_py(SINK_PY, port, path, "", mode == PIPELINED ? "PIPELINING=1" : NULL);
	make_msgs(&m, 10, 3000, "NCSC-2019-0353 [v1.01] [H/H] Citrix ADC", rcpt_mixed);
	int rc = smtp_send_batch(&c, m.items, m.n, &e);
	usleep(300000);
	stop_py(pid);
	size_t arrived = count_lines(path);
	for (size_t i = 0; i < m.n; i++)
		if (m.items[i].result != 0)
			printf("      item %zu (%s): %d %s\n", i, m.rcpt[i], m.items[i].result,
			       m.items[i].error);
	check(
	    rc == 0 && m.items[2].result == ERR_IO &&
	        strstr(m.items[2].error, "550 5.1.1 <reject550@a1.example>: Recipient address "
	                                 "rejected") != NULL,
	    named(name, sizeof(name), mode, "550 on RCPT fails that item with the server's reply"));
	check(
	    m.items[4].result == ERR_IO && strstr(m.items[4].error, "451 4.7.1") != NULL,
	    named(name, sizeof(name), mode, "451 on RCPT fails that item with the server's reply"));
	check(m.items[6].result == ERR_IO && strstr(m.items[6].error, "554 5.6.0") != NULL,
	      named(name, sizeof(name), mode,
	            "554 after DATA fails that item with the server's reply"));
	check(m.items[8].result == ERR_INPUT,
	      named(name, sizeof(name), mode, "a recipient that is not an address is not sent"));
	snprintf(what, sizeof(what), "smtp %s: the other items are accepted and arrive (%zu of 6)",
	         MODE_NAME[mode], arrived);
	check(count_ok(&m) == 6 && arrived == 6, what);
	free_msgs(&m);
}

static void check_refused(enum mode mode)
{
	char url[64], what[1024];
	struct smtp_conf c = {url, "advies@csirt.example", NULL, NULL, 5000, 4, mode == LIBCURL};
	struct msgs m;
	struct err e = {0};
	size_t with_reason = 0;
	double t0, dt;

	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", free_port());
	make_msgs(&m, 200, 3000, "NCSC-2019-0353 [v1.01] [H/H] Citrix ADC", NULL);
	t0 = now_s();
	int rc = smtp_send_batch(&c, m.items, m.n, &e);
	dt = now_s() - t0;
	for (size_t i = 0; i < m.n; i++)
		with_reason += m.items[i].result == ERR_IO &&
		               strcasestr(m.items[i].error, "connection refused") != NULL;
	snprintf(
	    what, sizeof(what),
	    "smtp %s: nothing listening: %zu of 200 fail with \"connection refused\" in %.3f s "
	    "(first: %s; last: %s)",
	    MODE_NAME[mode], with_reason, dt, m.items[0].error, m.items[199].error);
	check(rc == 0 && with_reason == 200 && dt < 2, what);
	free_msgs(&m);
}

static void check_timeout(enum mode mode)
{
	char url[64], what[1024];
	int port = free_port();
	struct smtp_conf c = {url, "advies@csirt.example", NULL, NULL, 500, 1, mode == LIBCURL};
	struct msgs m;
	struct err e = {0};
	double t0, dt;

	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	pid_t pid = start_py(MUTE_PY, port, "", "", NULL);
	make_msgs(&m, 3, 3000, "NCSC-2019-0353 [v1.01] [H/H] Citrix ADC", NULL);
	t0 = now_s();
	int rc = smtp_send_batch(&c, m.items, m.n, &e);
	dt = now_s() - t0;
	stop_py(pid);
	snprintf(what, sizeof(what),
	         "smtp %s: a server that never greets: every item fails in %.2f s (%s | %s)",
	         MODE_NAME[mode], dt, m.items[0].error, m.items[2].error);
	check(rc == 0 && count_ok(&m) == 0 && strcasestr(m.items[0].error, "timed out") != NULL &&
	          dt < 2,
	      what);
	free_msgs(&m);
}

/* Lines that are only a dot, or start with one, arrive as they were (both clients
 * dot-stuff). */
static void check_dots(const char *dir, enum mode mode)
{
	char path[512], url[64], what[1024];
	int port = free_port();
	struct smtp_conf c = {url, "advies@csirt.example", NULL, NULL, 5000, 1, mode == LIBCURL};
	struct smtp_item it = {.rcpt = "ciso@a1.example"};
	struct mail_fields f = {.from = "advies@csirt.example",
	                        .to = "ciso@a1.example",
	                        .subject = "dots",
	                        .date = 1577189100,
	                        .message_id = "<dots@csirt.example>",
	                        .body = ".\n..\n.begin\nmidden\n."};
	struct buf b;
	struct err e = {0};

	snprintf(path, sizeof(path), "%s/sink-dots-%d.jsonl", dir, (int)mode);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	pid_t pid = start_py(SINK_PY, port, path, "", mode == PIPELINED ? "PIPELINING=1" : NULL);
	buf_init(&b, 1 << 16);
	mail_compose(&f, &b, &e);
	it.data = buf_str(&b);
	it.len = b.len;
	int rc = smtp_send_batch(&c, &it, 1, &e);
	usleep(200000);
	stop_py(pid);
	json_t *log = read_jsonl(path);
	const char *body = json_string_value(json_object_get(json_array_get(log, 0), "body"));
	snprintf(what, sizeof(what), "smtp %s: lines of dots arrive unchanged (%d, got '%s')",
	         MODE_NAME[mode], rc, body ? body : "(nothing)");
	check(rc == 0 && it.result == 0 && body &&
	          strcmp(body, ".\r\n..\r\n.begin\r\nmidden\r\n.\r\n") == 0,
	      what);
	json_decref(log);
	buf_free(&b);
}

/* Messages whose connection breaks: with DROP_AT=4 the sink takes the 4th message of each
 * connection and drops the connection without answering it. Every message the server did not
 * acknowledge is sent again over a new connection (with PIPELINING the next one's commands
 * were on the way too): all 10 are accepted, none is lost, and the three that were taken but
 * not acknowledged (the 4th, 7th and 10th) arrive twice, with their own Message-ID. */
static void check_drop(const char *dir, enum mode mode)
{
	char path[512], url[64], what[1024], env[64];
	int port = free_port();
	struct smtp_conf c = {url, "advies@csirt.example", NULL, NULL, 5000, 1, 0};
	struct msgs m;
	struct err e = {0};

	snprintf(path, sizeof(path), "%s/sink-drop-%d.jsonl", dir, (int)mode);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	snprintf(env, sizeof(env), "DROP_AT=4%s", mode == PIPELINED ? " PIPELINING=1" : "");
	pid_t pid = start_py(SINK_PY, port, path, "", env);
	make_msgs(&m, 10, 3000, "NCSC-2019-0353 [v1.01] [H/H] Citrix ADC", NULL);
	int rc = smtp_send_batch(&c, m.items, m.n, &e);
	usleep(300000);
	stop_py(pid);
	json_t *log = read_jsonl(path);
	char times[16] = "";
	for (size_t i = 0; i < m.n; i++) {
		size_t k = 0;
		for (size_t j = 0; j < json_array_size(log); j++)
			k += strcmp(
			         json_string_value(json_object_get(json_array_get(log, j), "mid")),
			         m.mid[i]) == 0;
		times[i] = (char)('0' + (k > 9 ? 9 : k));
	}
	snprintf(what, sizeof(what),
	         "smtp %s: the server drops the connection before acknowledging every 4th "
	         "message: %zu of 10 accepted, arrivals per message %s (want 1112112112)",
	         MODE_NAME[mode], count_ok(&m), times);
	check(rc == 0 && count_ok(&m) == 10 && strcmp(times, "1112112112") == 0, what);
	json_decref(log);
	free_msgs(&m);
}

/* A server that offers no PIPELINING gets one command at a time (it logs any that came early),
 * refusals included; one that refuses EHLO gets HELO. Its own un-dot-stuffing gives back the
 * lines of dots as they were. */
static void check_strict(const char *dir)
{
	char path[512], url[64], what[1024];
	int port = free_port();
	struct smtp_conf c = {url, "advies@csirt.example", NULL, NULL, 5000, 2, 0};
	struct msgs m;
	struct err e = {0};

	snprintf(path, sizeof(path), "%s/strict.jsonl", dir);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	pid_t pid = start_py(STRICT_PY, port, path, "", NULL);
	make_msgs(&m, 40, 3000, "NCSC-2019-0353 [v1.01] [H/H] Citrix ADC", rcpt_mixed);
	int rc = smtp_send_batch(&c, m.items, m.n, &e);
	usleep(200000);
	stop_py(pid);
	json_t *log = read_jsonl(path);
	size_t early = 0, msgs = 0;
	for (size_t j = 0; j < json_array_size(log); j++) {
		json_t *o = json_array_get(log, j);
		if (json_object_get(o, "pipelined"))
			early++;
		else
			msgs++;
	}
	/* rcpt_mixed: 2 reject550 (refused), 4 defer451 and 6 datafail (this server takes
	 * them), 8 not an address */
	snprintf(what, sizeof(what),
	         "smtp: a server without PIPELINING gets one command at a time (%zu sent early); "
	         "the refused recipient fails (%s), the other 38 of 40 arrive (%zu, %zu accepted)",
	         early, m.items[2].error, msgs, count_ok(&m));
	check(rc == 0 && early == 0 && msgs == 38 && count_ok(&m) == 38 &&
	          m.items[2].result == ERR_IO && strstr(m.items[2].error, "550 5.1.1") != NULL &&
	          m.items[8].result == ERR_INPUT,
	      what);
	json_decref(log);
	free_msgs(&m);

	/* a refusal is followed by RSET; a server that closes then (with the RSET unanswered)
	 * costs a connection, not the batch, and not the process */
	port = free_port();
	snprintf(path, sizeof(path), "%s/strict-rset.jsonl", dir);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	pid = start_py(STRICT_PY, port, path, "", "RSET_CLOSE=1");
	make_msgs(&m, 40, 3000, "NCSC-2019-0353 [v1.01] [H/H] Citrix ADC", rcpt_mixed);
	rc = smtp_send_batch(&c, m.items, m.n, &e);
	usleep(200000);
	stop_py(pid);
	log = read_jsonl(path);
	snprintf(what, sizeof(what),
	         "smtp: a server that closes on the RSET after a refusal: the refused recipient "
	         "fails (%s), the other 38 of 40 arrive (%zu, %zu accepted)",
	         m.items[2].error, json_array_size(log), count_ok(&m));
	check(rc == 0 && json_array_size(log) == 38 && count_ok(&m) == 38 &&
	          m.items[2].result == ERR_IO && strstr(m.items[2].error, "550 5.1.1") != NULL,
	      what);
	json_decref(log);
	free_msgs(&m);

	/* EHLO refused: HELO; and dots */
	port = free_port();
	snprintf(path, sizeof(path), "%s/strict-helo.jsonl", dir);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	pid = start_py(STRICT_PY, port, path, "", "NO_EHLO=1");
	struct smtp_item it = {.rcpt = "ciso@a1.example"};
	struct mail_fields f = {.from = "advies@csirt.example",
	                        .to = "ciso@a1.example",
	                        .subject = "dots",
	                        .date = 1577189100,
	                        .message_id = "<dots@csirt.example>",
	                        .body = ".\n..\n.begin\nmidden\n."};
	struct buf b;
	buf_init(&b, 1 << 16);
	mail_compose(&f, &b, &e);
	it.data = buf_str(&b);
	it.len = b.len;
	rc = smtp_send_batch(&c, &it, 1, &e);
	usleep(200000);
	stop_py(pid);
	log = read_jsonl(path);
	const char *body = json_string_value(json_object_get(json_array_get(log, 0), "body"));
	const char *tail = body ? strstr(body, "\r\n\r\n") : NULL;
	snprintf(what, sizeof(what),
	         "smtp: EHLO refused: HELO, and the body arrives with its dots (%d %s, got '%s')",
	         it.result, it.error, tail ? tail + 4 : "(nothing)");
	check(rc == 0 && it.result == 0 && json_array_size(log) == 1 && tail &&
	          strcmp(tail + 4, ".\r\n..\r\n.begin\r\nmidden\r\n.\r\n") == 0,
	      what);
	json_decref(log);
	buf_free(&b);
}

/* One client for several batches keeps its connections: three batches of 20 over 2
 * connections are 2 TCP connections; a server that closes a connection while it is idle
 * between batches (after every 20 messages) costs only a new one. */
static void check_persistent(const char *dir)
{
	for (int every = 0; every <= 20; every += 20) {
		char path[512], cpath[600], url[64], what[1024], env[64];
		int port = free_port(), conns = every ? 1 : 2;
		struct smtp_conf c = {url, "advies@csirt.example", NULL, NULL, 5000, conns, 0};
		struct smtp_client *cl = NULL;
		struct msgs m;
		struct err e = {0};
		size_t ok = 0;
		int rc;

		snprintf(path, sizeof(path), "%s/sink-persist-%d.jsonl", dir, every);
		snprintf(cpath, sizeof(cpath), "%s.conn", path);
		snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
		snprintf(env, sizeof(env), "PIPELINING=1 CLOSE_EVERY=%d", every);
		pid_t pid = start_py(SINK_PY, port, path, "", env);
		make_msgs(&m, 20, 3000, "NCSC-2019-0353 [v1.01] [H/H] Citrix ADC", NULL);
		rc = smtp_client_open(&c, &cl, &e);
		for (int k = 0; k < 3 && rc == 0; k++) {
			rc = smtp_client_send(cl, m.items, m.n, &e);
			ok += count_ok(&m);
			usleep(100000); /* idle: the server's close arrives meanwhile */
		}
		smtp_client_close(cl);
		usleep(200000);
		stop_py(pid);
		size_t arrived = count_lines(path), nconn = count_lines(cpath);
		snprintf(what, sizeof(what),
		         "smtp: one client, 3 batches of 20 over %d connection(s)%s: %zu accepted, "
		         "%zu arrived, %zu TCP connections (want %d) (%.200s)",
		         conns, every ? ", closed by the server after each batch" : "", ok, arrived,
		         nconn, every ? 3 : 2, rc ? e.msg : m.items[0].error);
		check(rc == 0 && ok == 60 && arrived == 60 && nconn == (size_t)(every ? 3 : 2),
		      what);
		free_msgs(&m);
	}
}

/* AUTH: the right password delivers; a wrong one fails every connection before MAIL FROM,
 * so the batch stops trying after one attempt per connection. */
static void check_auth(const char *dir)
{
	char path[512], url[64], what[1024];
	int port = free_port();
	struct smtp_conf c = {url, "advies@csirt.example", "baken", "s3cret", 5000, 2, 0};
	struct msgs m;
	struct err e = {0};

	snprintf(path, sizeof(path), "%s/sink-auth.jsonl", dir);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	pid_t pid = start_py(SINK_PY, port, path, "", "SINK_AUTH=1");
	make_msgs(&m, 20, 3000, "NCSC-2019-0353 [v1.01] [H/H] Citrix ADC", NULL);
	int rc = smtp_send_batch(&c, m.items, m.n, &e);
	snprintf(what, sizeof(what),
	         "smtp: AUTH with the right password (no STARTTLS offered: TRY goes on in the "
	         "clear): %zu of 20 accepted (%s)",
	         count_ok(&m), m.items[0].error);
	check(rc == 0 && count_ok(&m) == 20, what);
	c.password = "wrong";
	rc = smtp_send_batch(&c, m.items, m.n, &e);
	snprintf(what, sizeof(what), "smtp: a wrong password fails every item (%s | %s)",
	         m.items[0].error, m.items[19].error);
	check(rc == 0 && count_ok(&m) == 0 && strstr(m.items[0].error, "535") != NULL &&
	          strncmp(m.items[19].error, "not tried: ", 11) == 0,
	      what);
	usleep(200000);
	stop_py(pid);
	check(count_lines(path) == 20, "smtp: only the authenticated batch arrived");
	free_msgs(&m);
}

/* STARTTLS: with a user, a server that offers STARTTLS gets TLS, and its certificate is
 * verified: a self-signed one is refused and nothing is sent in the clear. */
static void check_starttls(const char *dir)
{
	char path[512], url[64], what[1024], cmd[1024], env[1200];
	int port = free_port();
	struct smtp_conf c = {url, "advies@csirt.example", "baken", "s3cret", 5000, 1, 0};
	struct msgs m;
	struct err e = {0};

	snprintf(cmd, sizeof(cmd),
	         "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
	         "-keyout %s/key.pem -out %s/crt.pem >/dev/null 2>&1",
	         dir, dir);
	if (system(cmd) != 0) {
		printf("skip: openssl cannot make a certificate; STARTTLS not checked\n");
		return;
	}
	snprintf(env, sizeof(env), "SINK_AUTH=1 SINK_TLS=%s/crt.pem:%s/key.pem", dir, dir);
	snprintf(path, sizeof(path), "%s/sink-tls.jsonl", dir);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	pid_t pid = start_py(SINK_PY, port, path, "", env);
	make_msgs(&m, 3, 3000, "NCSC-2019-0353 [v1.01] [H/H] Citrix ADC", NULL);
	int rc = smtp_send_batch(&c, m.items, m.n, &e);
	usleep(200000);
	stop_py(pid);
	snprintf(what, sizeof(what),
	         "smtp: STARTTLS is used and a self-signed certificate refused (%s)",
	         m.items[0].error);
	check(rc == 0 && count_ok(&m) == 0 && strcasestr(m.items[0].error, "certificate") != NULL &&
	          count_lines(path) == 0,
	      what);
	free_msgs(&m);
}

static void check_webhooks(const char *dir)
{
	char path[512], base[64], url[128], what[1024];
	int port = free_port();
	struct webhook_client *wc = NULL;
	struct webhook_result res;
	struct err e = {0};
	const char *body =
	    "{\"event\":\"advisory.published\",\"advisory\":{\"id\":\"NCSC-2019-"
	    "0353\",\"version\":\"1.01\"},\"matched\":[{\"product\":\"Citrix ADC\"}]}";
	struct webhook_req r = {
	    url, body, strlen(body), "org-secret-\xc3\xa9", "d-42", "advisory.published", 1000};
	double t0, dt;
	int rc;

	snprintf(path, sizeof(path), "%s/hooks.jsonl", dir);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
	pid_t pid = start_py(HOOK_PY, port, path, "org-secret-\xc3\xa9", NULL);
	if (webhook_client_open(&wc, &e) != 0) {
		check(0, e.msg);
		stop_py(pid);
		return;
	}
	snprintf(url, sizeof(url), "%s/ok", base);
	rc = webhook_post(wc, &r, &res, &e);
	snprintf(what, sizeof(what), "webhook: loopback is refused unless allowed (%d, %s)", rc,
	         res.error);
	check(rc == ERR_IO && strstr(res.error, "127.0.0.1 is not public") != NULL, what);
	webhook_client_allow_private(wc, 1);
	rc = webhook_post(wc, &r, &res, &e);
	check(rc == 0 && res.status == 200 && res.error[0] == '\0', "webhook: 200 is a success");
	for (int i = 0; i < 4; i++)
		rc |= webhook_post(wc, &r, &res, &e);
	snprintf(url, sizeof(url), "%s/fail", base);
	rc = webhook_post(wc, &r, &res, &e);
	snprintf(what, sizeof(what), "webhook: 500 fails with \"HTTP 500\" (%d, %s)", rc,
	         res.error);
	check(rc == ERR_IO && res.status == 500 && strcmp(res.error, "HTTP 500") == 0 &&
	          strcmp(e.msg, "HTTP 500") == 0,
	      what);
	snprintf(url, sizeof(url), "%s/slow", base);
	r.timeout_ms = 500;
	t0 = now_s();
	rc = webhook_post(wc, &r, &res, &e);
	dt = now_s() - t0;
	snprintf(what, sizeof(what),
	         "webhook: a receiver slower than timeout_ms fails in %.2f s (%s)", dt, res.error);
	check(rc == ERR_IO && strcasestr(res.error, "timed out") != NULL && dt < 1.5, what);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/ok", free_port());
	rc = webhook_post(wc, &r, &res, &e);
	snprintf(what, sizeof(what), "webhook: nothing listening fails (%s)", res.error);
	check(rc == ERR_IO && strcasestr(res.error, "refused") != NULL, what);
	webhook_client_close(wc);
	usleep(200000);
	stop_py(pid);

	json_t *log = read_jsonl(path);
	size_t ok_posts = 0, sig_ok = 0, hdr_ok = 0;
	long first_port = -1;
	int one_conn = 1;
	for (size_t i = 0; i < json_array_size(log); i++) {
		json_t *o = json_array_get(log, i);
		if (strcmp(json_string_value(json_object_get(o, "path")), "/ok") != 0)
			continue;
		ok_posts++;
		sig_ok += json_is_true(json_object_get(o, "sig_ok"));
		hdr_ok +=
		    strcmp(json_string_value(json_object_get(o, "delivery")), "d-42") == 0 &&
		    strcmp(json_string_value(json_object_get(o, "event")), "advisory.published") ==
		        0 &&
		    strcmp(json_string_value(json_object_get(o, "type")), "application/json") == 0;
		long p = (long)json_integer_value(json_object_get(o, "port"));
		if (first_port < 0)
			first_port = p;
		else if (p != first_port)
			one_conn = 0;
	}
	snprintf(what, sizeof(what), "webhook: Python's hmac verifies the signature (%zu of %zu)",
	         sig_ok, ok_posts);
	check(ok_posts == 5 && sig_ok == 5, what);
	check(hdr_ok == 5, "webhook: X-Baken-Delivery, X-Baken-Event, Content-Type as sent");
	check(one_conn, "webhook: five posts to one receiver share one connection");
	json_decref(log);
}

/* The benchmark against postfix's smtp-sink: MESSAGES of about SIZE bytes. */
static int bench(const char *host, const char *port, long n, int conns, long size)
{
	char url[256];
	struct smtp_conf c = {url, "advies@csirt.example", NULL, NULL, 30000, conns, 0};
	struct msgs m;
	struct err e = {0};
	double t0, dt, tc;

	snprintf(url, sizeof(url), "smtp://%s:%s", host, port);
	t0 = now_s();
	make_msgs(&m, (size_t)n, (size_t)size, "NCSC-2019-0353 [v1.01] [H/H] Citrix ADC", NULL);
	tc = now_s() - t0;
	t0 = now_s();
	int rc = smtp_send_batch(&c, m.items, m.n, &e);
	dt = now_s() - t0;
	if (rc != 0)
		fprintf(stderr, "smtp_send_batch: %s\n", e.msg);
	printf("baken smtp_send_batch: %ld messages of %zu bytes over %d connection(s): %zu "
	       "accepted in %.2f s = %.0f msg/s (composing them took %.2f s)\n",
	       n, m.items[0].len, conns, count_ok(&m), dt, (double)n / dt, tc);
	for (size_t i = 0; i < m.n; i++)
		if (m.items[i].result != 0) {
			printf("first failure: %s\n", m.items[i].error);
			break;
		}
	free_msgs(&m);
	return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/deliver_check.XXXXXX";

	signal(SIGPIPE, SIG_IGN);
	if (argc == 7 && strcmp(argv[1], "bench") == 0)
		return bench(argv[2], argv[3], strtol(argv[4], NULL, 10),
		             (int)strtol(argv[5], NULL, 10), strtol(argv[6], NULL, 10));
	if (argc != 2 || strcmp(argv[1], "all") != 0) {
		fprintf(stderr,
		        "usage: deliver_check all | bench HOST PORT MESSAGES CONNECTIONS SIZE\n");
		return 2;
	}
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(pylog, sizeof(pylog), "%s/servers.log", dir);
	printf("servers' files and log in %s\n", dir);
	check_volume(dir, 1000, 1, 0, PIPELINED);
	check_volume(dir, 1000, 4, 0, PIPELINED);
	check_volume(dir, 30, 1, 3, PIPELINED);
	check_volume(dir, 300, 2, 0, LOCKSTEP);
	check_volume(dir, 30, 1, 3, LOCKSTEP);
	check_volume(dir, 300, 2, 0, LIBCURL);
	check_volume(dir, 30, 1, 3, LIBCURL);
	check_rejections(dir, PIPELINED);
	check_rejections(dir, LOCKSTEP);
	check_rejections(dir, LIBCURL);
	check_drop(dir, PIPELINED);
	check_drop(dir, LOCKSTEP);
	check_strict(dir);
	check_persistent(dir);
	check_refused(PIPELINED);
	check_refused(LIBCURL);
	check_timeout(PIPELINED);
	check_timeout(LIBCURL);
	check_dots(dir, PIPELINED);
	check_dots(dir, LIBCURL);
	check_auth(dir);
	check_starttls(dir);
	check_webhooks(dir);
	printf("deliver: %d passed, %d failed\n", passed, failed);
	if (failed == 0) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return failed ? 1 : 0;
}
