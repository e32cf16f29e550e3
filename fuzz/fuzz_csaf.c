/* fuzz_csaf.c: libFuzzer target for formats/csaf (the mandatory tests, the reader and the
 * fold of product status into ranges).
 *
 * Oracles: no crash or sanitizer report; a refusal is ERR_INPUT with a message that starts
 * with a JSON pointer ('/'), "line" (malformed JSON) or "larger"; what is accepted has product
 * keys that product_name_check accepts, versions version_check accepts and ranges range_parse
 * accepts, and csaf_affects gives ranges that parse; csaf_build of it does not crash.
 *
 *   make fuzz   (the corpus is fuzz/corpus/csaf: the real documents and Baken's own)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/product.h"
#include "domain/range.h"
#include "domain/version.h"
#include "formats/csaf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_csaf: %s:%d: %s\n", __FILE__, __LINE__, #c);         \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csaf_doc d;
	struct err e = {0};
	struct range r;
	json_t *built;

	if (size > (1u << 20))
		return 0;
	if (csaf_read((const char *)data, size, &d, &e) != 0) {
		CHECK(e.code == ERR_INPUT);
		CHECK(e.msg[0] == '/' || strncmp(e.msg, "line", 4) == 0 ||
		      strncmp(e.msg, "larger", 6) == 0);
		return 0;
	}
	for (size_t i = 0; i < d.nproducts; i++) {
		const struct csaf_product *p = &d.products[i];
		if (p->skipped)
			continue;
		CHECK(p->key && product_name_check(p->key, NULL) == 0);
		CHECK(!(p->version && p->range));
		if (p->version)
			CHECK(version_check(p->version, NULL) == 0);
		if (p->range) {
			CHECK(range_parse(p->range, &r, NULL) == 0);
			range_free(&r);
		}
	}
	for (size_t i = 0; i < d.nvulns; i++) {
		struct csaf_affect *a;
		size_t n;
		if (csaf_affects(&d, &d.vulns[i], &a, &n, &e) != 0) {
			CHECK(e.code == ERR_INPUT);
			continue;
		}
		for (size_t j = 0; j < n; j++) {
			if (a[j].range) {
				CHECK(range_parse(a[j].range, &r, NULL) == 0);
				range_free(&r);
			}
			for (size_t k = 0; k < a[j].fixed.n; k++)
				CHECK(version_check(a[j].fixed.v[k], NULL) == 0);
		}
		csaf_affects_free(a, n);
	}
	built = csaf_build(&d);
	CHECK(built != NULL);
	json_decref(built);
	csaf_doc_free(&d);
	return 0;
}
