/* fuzz_product.c: libFuzzer target for domain/product.
 *
 * Oracles: no crash or sanitizer report; a refusal is ERR_INPUT with a "bad ..." message; what
 * parses yields a key that product_name_check accepts, is already lower case and parses back
 * to itself with no version, and a version of printable ASCII within PRODUCT_VERSION_MAX; text
 * that product_name_check accepts parses to itself lowercased, and other text without a
 * "cpe:" or "pkg:" prefix is refused.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/product.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *text)
{
	struct product_ref p, again;
	struct err e;
	size_t n, colons = 0;
	int rc;

	rc = product_parse(text, &p, &e);
	if (product_name_check(text, NULL) == 0) {
		if (rc != 0 || p.version[0] != '\0' || strcasecmp(p.name, text) != 0)
			abort();
	} else if (strncasecmp(text, "cpe:", 4) != 0 && strncasecmp(text, "pkg:", 4) != 0) {
		if (rc == 0)
			abort();
	}
	if (rc != 0) {
		if (rc != ERR_INPUT || e.code != ERR_INPUT || strncmp(e.msg, "bad ", 4) != 0)
			abort();
		if (p.name[0] != '\0' || p.version[0] != '\0')
			abort();
		return;
	}
	if (product_name_check(p.name, NULL) != 0)
		abort();
	n = strlen(p.name);
	if (n == 0 || n > PRODUCT_NAME_MAX)
		abort();
	for (size_t i = 0; i < n; i++) {
		char c = p.name[i];

		if (c == ':')
			colons++;
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
		           c == '_' || c == '-'))
			abort();
	}
	if (colons != 1)
		abort();
	n = strlen(p.version);
	if (n > PRODUCT_VERSION_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p.version[i] <= 0x20 || (unsigned char)p.version[i] >= 0x7f)
			abort();
	if (product_parse(p.name, &again, NULL) != 0 || strcmp(again.name, p.name) != 0 ||
	    again.version[0] != '\0')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size > 2048)
		return 0;
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check(text);
	free(text);
	return 0;
}
