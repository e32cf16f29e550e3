/* webhook.c: signed JSON POSTs through one kept libcurl easy handle (its connection cache
 * keeps connections to receivers open between posts). */
#include "deliver/webhook.h"

#include "core/xalloc.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The most of a response body we read before dropping the connection. */
#define RESPONSE_MAX ((size_t)1 << 20)

struct webhook_client {
	CURL *h;
	size_t got;        /* response bytes read in this post */
	int allow_private; /* receivers on loopback and private networks are allowed */
	char refused[96];  /* why the address was refused, "" when it was not */
	char errbuf[CURL_ERROR_SIZE];
};

/* Whether the first n bits of a and b (n <= 8 * len) agree. */
static int prefix_equal(const unsigned char *a, const unsigned char *b, int n)
{
	int bytes = n / 8, bits = n % 8;

	if (memcmp(a, b, (size_t)bytes) != 0)
		return 0;
	return bits == 0 || ((a[bytes] ^ b[bytes]) & (0xFF << (8 - bits))) == 0;
}

int webhook_addr_public(const char *ip)
{
	/* Not reachable on the internet (RFC 6890 and IANA's special-purpose registries):
	 * "this network", private, carrier-grade NAT, loopback, link-local (cloud metadata
	 * services), benchmarking, multicast, reserved and broadcast. */
	static const struct {
		unsigned char net[4];
		int bits;
	} v4[] = {
	    {{0, 0, 0, 0}, 8},    {{10, 0, 0, 0}, 8},     {{100, 64, 0, 0}, 10},
	    {{127, 0, 0, 0}, 8},  {{169, 254, 0, 0}, 16}, {{172, 16, 0, 0}, 12},
	    {{192, 0, 0, 0}, 24}, {{192, 168, 0, 0}, 16}, {{198, 18, 0, 0}, 15},
	    {{224, 0, 0, 0}, 4},  {{240, 0, 0, 0}, 4},
	};
	static const struct {
		unsigned char net[16];
		int bits;
	} v6[] = {
	    {{0}, 127},                     /* :: and ::1 (the last bit is either) */
	    {{0xfc}, 7},                    /* unique local */
	    {{0xfe, 0x80}, 10},             /* link-local */
	    {{0xff}, 8},                    /* multicast */
	    {{0x20, 0x01, 0x0d, 0xb8}, 32}, /* documentation */
	};
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	unsigned char a[16];
	const unsigned char *a4 = a;

	if (ip == NULL)
		return 0;
	if (inet_pton(AF_INET6, ip, a) == 1) {
		if (memcmp(a, mapped, sizeof(mapped)) != 0) {
			for (size_t i = 0; i < sizeof(v6) / sizeof(v6[0]); i++)
				if (prefix_equal(a, v6[i].net, v6[i].bits))
					return 0;
			return 1;
		}
		a4 = a + 12; /* ::ffff:10.0.0.1 is 10.0.0.1 */
	} else if (inet_pton(AF_INET, ip, a) != 1) {
		return 0;
	}
	for (size_t i = 0; i < sizeof(v4) / sizeof(v4[0]); i++)
		if (prefix_equal(a4, v4[i].net, v4[i].bits))
			return 0;
	return 1;
}

/* Runs once connected, before the request is sent: the address is the one actually
 * connected to, so a name that resolves to a private address (or changes between a check
 * and the connection) is caught too. */
static int check_peer(void *arg, char *peer_ip, char *local_ip, int peer_port, int local_port)
{
	struct webhook_client *c = arg;

	(void)local_ip, (void)peer_port, (void)local_port;
	if (c->allow_private || webhook_addr_public(peer_ip))
		return CURL_PREREQFUNC_OK;
	snprintf(c->refused, sizeof(c->refused), "address %.46s is not public", peer_ip);
	return CURL_PREREQFUNC_ABORT;
}

void webhook_sign(const char *secret, const char *body, size_t len, char out[72])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	if (sodium_init() < 0)
		abort(); /* cannot happen after the first call succeeded; no fallback for crypto */
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, "sha256=", 7);
	sodium_bin2hex(out + 7, 65, mac, sizeof(mac));
	sodium_memzero(&st, sizeof(st));
}

/* Reads and drops the response body, up to RESPONSE_MAX. */
static size_t drop_body(char *p, size_t size, size_t n, void *arg)
{
	struct webhook_client *c = arg;

	(void)p;
	c->got += size * n;
	return c->got > RESPONSE_MAX ? 0 : size * n;
}

int webhook_client_open(struct webhook_client **out, struct err *e)
{
	struct webhook_client *c;

	*out = NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return err_set(e, ERR_IO, "webhook: libcurl cannot be initialised");
	c = xcalloc(1, sizeof(*c));
	c->h = curl_easy_init();
	if (c->h == NULL) {
		free(c);
		curl_global_cleanup();
		return err_set(e, ERR_IO, "webhook: libcurl cannot be initialised");
	}
	curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c->h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c->h, CURLOPT_USERAGENT, "Baken-Webhook/1");
	curl_easy_setopt(c->h, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, drop_body);
	curl_easy_setopt(c->h, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c->h, CURLOPT_PREREQFUNCTION, check_peer);
	curl_easy_setopt(c->h, CURLOPT_PREREQDATA, c);
	*out = c;
	return 0;
}

void webhook_client_allow_private(struct webhook_client *c, int allow)
{
	c->allow_private = allow != 0;
}

void webhook_client_close(struct webhook_client *c)
{
	if (c == NULL)
		return;
	curl_easy_cleanup(c->h);
	free(c);
	curl_global_cleanup();
}

/* A header value we put on the wire: printable ASCII and spaces only. */
static int header_safe(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7F)
			return 0;
	return 1;
}

/* curl's reason for a failed transfer, with the system's when curl's does not name it
 * ("Couldn't connect to server: Connection refused"). */
static void transfer_error(struct webhook_client *c, CURLcode rc, char *out, size_t outsz)
{
	const char *why = c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc), *sys;
	char eb[128];
	long oserr = 0;

	curl_easy_getinfo(c->h, CURLINFO_OS_ERRNO, &oserr);
	sys = oserr != 0 ? strerror_r((int)oserr, eb, sizeof(eb)) : NULL;
	if (sys != NULL && strcasestr(why, sys) == NULL)
		snprintf(out, outsz, "%.180s: %.70s", why, sys);
	else
		snprintf(out, outsz, "%.250s", why);
}

int webhook_post(struct webhook_client *c, const struct webhook_req *r, struct webhook_result *res,
                 struct err *e)
{
	struct curl_slist *hdrs = NULL;
	char line[256], sig[72];
	long timeout = r->timeout_ms > 0 ? r->timeout_ms : 10000;
	CURLcode rc;
	int ret;

	res->status = 0;
	res->error[0] = '\0';
	if (r->url == NULL ||
	    (strncasecmp(r->url, "http://", 7) != 0 && strncasecmp(r->url, "https://", 8) != 0)) {
		snprintf(res->error, sizeof(res->error), "webhook URL is not http(s)");
		return err_set(e, ERR_INPUT, "webhook: URL '%.200s' is not http:// or https://",
		               r->url ? r->url : "");
	}
	if (r->secret == NULL || r->secret[0] == '\0') {
		snprintf(res->error, sizeof(res->error), "no webhook secret");
		return err_set(e, ERR_INPUT, "webhook: no secret to sign with for %.200s", r->url);
	}
	if (!header_safe(r->delivery_id) || !header_safe(r->event) ||
	    strlen(r->delivery_id) > 200 || strlen(r->event) > 200) {
		snprintf(res->error, sizeof(res->error), "bad delivery id or event name");
		return err_set(e, ERR_INPUT,
		               "webhook: delivery id or event name missing or not "
		               "printable ASCII");
	}

	webhook_sign(r->secret, r->body, r->len, sig);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "Expect:"); /* no 100-continue round trip */
	snprintf(line, sizeof(line), "X-Baken-Event: %.200s", r->event);
	hdrs = curl_slist_append(hdrs, line);
	snprintf(line, sizeof(line), "X-Baken-Delivery: %.200s", r->delivery_id);
	hdrs = curl_slist_append(hdrs, line);
	snprintf(line, sizeof(line), "X-Baken-Signature: %s", sig);
	hdrs = curl_slist_append(hdrs, line);
	if (hdrs == NULL)
		abort(); /* out of memory: see xalloc.h */

	c->got = 0;
	c->errbuf[0] = '\0';
	c->refused[0] = '\0';
	curl_easy_setopt(c->h, CURLOPT_URL, r->url);
	curl_easy_setopt(c->h, CURLOPT_POST, 1L);
	curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, r->body);
	curl_easy_setopt(c->h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->len);
	curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c->h, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(c->h, CURLOPT_CONNECTTIMEOUT_MS, timeout);
	rc = curl_easy_perform(c->h);
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &res->status);
	curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, NULL);
	curl_slist_free_all(hdrs);

	/* a body past our limit ends the transfer, but the receiver had answered */
	if (c->refused[0]) {
		snprintf(res->error, sizeof(res->error), "%s (webhook.allow_private is off)",
		         c->refused);
		ret = ERR_IO;
	} else if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && c->got > RESPONSE_MAX)) {
		transfer_error(c, rc, res->error, sizeof(res->error));
		ret = ERR_IO;
	} else if (res->status < 200 || res->status > 299) {
		snprintf(res->error, sizeof(res->error), "HTTP %ld", res->status);
		ret = ERR_IO;
	} else {
		return 0;
	}
	return err_set(e, ret, "%s", res->error);
}
