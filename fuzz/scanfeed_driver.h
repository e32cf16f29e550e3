/* scanfeed_driver.h: the body of the scan parser fuzz targets (fuzz_shadowserver.c,
 * fuzz_scancsv.c, fuzz_scanjson.c), each of which defines FUZZ_FORMAT first.
 *
 * `make fuzz` links the targets with src/core and src/domain only, so the parsers' sources are
 * included here whole.
 *
 * Oracles: no crash or sanitizer report; an error is ERR_INPUT with a message naming the file;
 * the same bytes fed at once and fed in pieces (cut at places the input chooses) give the same
 * result: the same error, or the same rows (line, raw bytes, address, port, time, CVEs); each
 * row's offset points at its raw bytes in the input (the import keeps the file and reads rows
 * back by offset); the bytes before the body offset and then one row read that row again. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/scanfeed.c"
#include "formats/shadowserver.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct digest {
	uint64_t h;
	long rows;
	const uint8_t *data; /* the whole input */
	size_t size;
	int64_t last_off, last_len; /* the last row read */
};

static void mix(struct digest *d, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		d->h = (d->h ^ b[i]) * 1099511628211ULL;
}

static int row(void *ctx, const struct scan_row *r, struct err *e)
{
	struct digest *d = ctx;

	(void)e;
	if (r->raw_len > SCANFEED_ROW_MAX || r->line < 1 || r->port < -1 || r->port > 65535 ||
	    r->ncves > SHADOWSERVER_CVES_MAX)
		abort();
	for (size_t i = 0; i < r->ncves; i++)
		if (strncmp(r->cves[i], "CVE-", 4) != 0)
			abort();
	if (r->offset < 0 || (size_t)r->offset + r->raw_len > d->size ||
	    memcmp(d->data + r->offset, r->raw, r->raw_len) != 0)
		abort();
	d->last_off = r->offset;
	d->last_len = (int64_t)r->raw_len;
	d->rows++;
	mix(d, &r->line, sizeof(r->line));
	mix(d, &r->offset, sizeof(r->offset));
	mix(d, r->raw, r->raw_len);
	mix(d, r->ip, 16);
	mix(d, &r->port, sizeof(r->port));
	mix(d, &r->seen_at, sizeof(r->seen_at));
	for (size_t i = 0; i < r->ncves; i++)
		mix(d, r->cves[i], strlen(r->cves[i]));
	return 0;
}

/* Feeds data in pieces of the given sizes (cycled; 0 means all); returns rc, digest in d. */
static int run(const uint8_t *data, size_t size, size_t step, struct digest *d, struct err *e)
{
	struct scanfeed *f = scanfeed_new(FUZZ_FORMAT, "fuzz.csv", row, d);
	int rc = 0;

	memset(d, 0, sizeof(*d));
	d->data = data;
	d->size = size;
	memset(e, 0, sizeof(*e));
	for (size_t i = 0; i < size && rc == 0; i += step ? step : size)
		rc = scanfeed_feed(f, (const char *)data + i,
		                   step && size - i > step ? step : size - i, e);
	if (rc == 0)
		rc = scanfeed_finish(f, e);
	scanfeed_free(f);
	return rc;
}

/* The last row read again as `scan list --observations` does: a reader of the same format fed
 * the bytes before the body offset, then the row and a line end, must give that row. */
static void reread(const uint8_t *data, size_t size, const struct digest *whole)
{
	struct digest again;
	struct scanfeed *f = scanfeed_new(FUZZ_FORMAT, "fuzz.csv", row, &again);
	struct err e;
	int64_t body;
	char *buf;
	int rc;

	/* the body offset: from a reader that stops after the header */
	memset(&again, 0, sizeof(again));
	again.data = data;
	again.size = size;
	rc = scanfeed_feed(f, (const char *)data, size, &e);
	if (rc == 0)
		rc = scanfeed_finish(f, &e);
	body = scanfeed_body_offset(f);
	scanfeed_free(f);
	if (rc != 0 || body < 0 || (size_t)body > (size_t)whole->last_off)
		abort();
	buf = malloc((size_t)body + (size_t)whole->last_len + 1);
	memcpy(buf, data, (size_t)body);
	memcpy(buf + body, data + whole->last_off, (size_t)whole->last_len);
	buf[body + whole->last_len] = '\n';
	memset(&again, 0, sizeof(again));
	again.data = (const uint8_t *)buf;
	again.size = (size_t)body + (size_t)whole->last_len + 1;
	f = scanfeed_new(FUZZ_FORMAT, "fuzz.csv", row, &again);
	rc = scanfeed_feed(f, buf, again.size, &e);
	scanfeed_free(f);
	if (rc != 0 || again.rows != 1)
		abort();
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct digest whole, pieces;
	struct err e1, e2;
	size_t step;
	int rc1, rc2;

	if (size > 1 << 16)
		return 0;
	step = size ? 1 + data[0] % 17 : 1;
	rc1 = run(data, size, 0, &whole, &e1);
	rc2 = run(data, size, step, &pieces, &e2);
	if (rc1 != 0 && (rc1 != ERR_INPUT || strstr(e1.msg, "fuzz.csv") == NULL))
		abort();
	if (rc1 != rc2 || whole.rows != pieces.rows || whole.h != pieces.h)
		abort();
	if (rc1 != 0 && strcmp(e1.msg, e2.msg) != 0)
		abort();
	if (rc1 == 0 && whole.rows > 0)
		reread(data, size, &whole);
	return 0;
}
