/* fuzz_cidr.c: libFuzzer target for domain/cidr.
 *
 * Oracles: no crash or sanitizer report; whatever parses formats, and the text parses back to
 * the same value and formats to the same text (round trip); a netblock contains its own
 * address and itself; a bare address is accepted exactly when the libc's inet_pton accepts it,
 * with the same bytes.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/cidr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_cidr(const char *text)
{
	struct cidr c, again;
	struct err e;
	char out[CIDR_TEXT_MAX], out2[CIDR_TEXT_MAX];

	if (cidr_parse(text, &c, &e) != 0) {
		if (e.code != ERR_INPUT || strncmp(e.msg, "bad CIDR \"", 10) != 0)
			abort();
		return;
	}
	if (c.prefix < 0 || c.prefix > 128)
		abort();
	if (cidr_format(&c, out, sizeof(out)) != 0)
		abort();
	if (cidr_parse(out, &again, &e) != 0)
		abort();
	if (memcmp(c.addr, again.addr, 16) != 0 || c.prefix != again.prefix || c.v4 != again.v4)
		abort();
	if (cidr_format(&again, out2, sizeof(out2)) != 0 || strcmp(out, out2) != 0)
		abort();
	if (!cidr_contains(&c, c.addr) || !cidr_contains_cidr(&c, &c))
		abort();
}

static void check_ip(const char *text)
{
	unsigned char a[16], b[16], ref[16], ref4[4];
	char out[CIDR_TEXT_MAX];
	struct err e;
	int v4, v4b, rc, theirs;

	rc = ip_parse(text, a, &v4, &e);
	theirs = 0;
	if (inet_pton(AF_INET, text, ref4) == 1) {
		memset(ref, 0, sizeof(ref));
		ref[10] = ref[11] = 0xff;
		memcpy(ref + 12, ref4, 4);
		theirs = 1;
	} else if (inet_pton(AF_INET6, text, ref) == 1) {
		theirs = 1;
	}
	if ((rc == 0) != theirs)
		abort();
	if (rc != 0)
		return;
	if (memcmp(a, ref, 16) != 0)
		abort();
	if (ip_format(a, out, sizeof(out)) != 0)
		abort();
	if (ip_parse(out, b, &v4b, &e) != 0 || memcmp(a, b, 16) != 0 || v4 != v4b)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size > 4096)
		return 0;
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_cidr(text);
	check_ip(text);
	free(text);
	return 0;
}
