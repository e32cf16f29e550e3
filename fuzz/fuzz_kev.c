/* fuzz_kev.c: libFuzzer target for formats/kev (the CISA KEV catalogue).
 *
 * Oracles: no crash or sanitizer report; a refusal is ERR_INPUT with a message that starts
 * with a JSON pointer or "line"; every accepted entry has a CVE id, a date added of the form
 * YYYY-MM-DD, the required names, and its CWE list as a JSON array.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/kev.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_kev: %s:%d: %s\n", __FILE__, __LINE__, #c);          \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kev_catalog k;
	struct err e = {0};

	if (size > (4u << 20))
		return 0;
	if (kev_read((const char *)data, size, &k, &e) != 0) {
		CHECK(e.code == ERR_INPUT);
		CHECK(e.msg[0] == '/' || strncmp(e.msg, "line", 4) == 0);
		return 0;
	}
	CHECK(k.version != NULL);
	for (size_t i = 0; i < k.n; i++) {
		json_t *cwes = json_loads(k.entries[i].cwes, 0, NULL);
		CHECK(strncmp(k.entries[i].cve, "CVE-", 4) == 0);
		CHECK(strlen(k.entries[i].date_added) == 10);
		CHECK(k.entries[i].vendor_project[0] && k.entries[i].product[0] &&
		      k.entries[i].name[0]);
		CHECK(json_is_array(cwes));
		json_decref(cwes);
	}
	kev_free(&k);
	return 0;
}
