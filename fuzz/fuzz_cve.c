/* fuzz_cve.c: libFuzzer target for formats/cve5 (CVE JSON 5 records).
 *
 * Oracles: no crash or sanitizer report; a refusal is ERR_INPUT with a message that starts
 * with a JSON pointer or "line"; an accepted record has a CVE id, product keys that
 * product_name_check accepts, ranges that range_parse accepts and fixed versions that
 * version_check accepts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/product.h"
#include "domain/range.h"
#include "domain/version.h"
#include "formats/cve5.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_cve: %s:%d: %s\n", __FILE__, __LINE__, #c);          \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cve_record r;
	struct err e = {0};
	struct range rg;

	if (size > (1u << 20))
		return 0;
	if (cve5_read((const char *)data, size, &r, &e) != 0) {
		CHECK(e.code == ERR_INPUT);
		CHECK(e.msg[0] == '/' || strncmp(e.msg, "line", 4) == 0);
		return 0;
	}
	CHECK(r.id && strncmp(r.id, "CVE-", 4) == 0);
	for (size_t i = 0; i < r.nproducts; i++) {
		CHECK(product_name_check(r.products[i].key, NULL) == 0);
		if (r.products[i].range) {
			CHECK(range_parse(r.products[i].range, &rg, NULL) == 0);
			range_free(&rg);
		}
		for (size_t k = 0; k < r.products[i].fixed.n; k++)
			CHECK(version_check(r.products[i].fixed.v[k], NULL) == 0);
	}
	cve5_free(&r);
	return 0;
}
