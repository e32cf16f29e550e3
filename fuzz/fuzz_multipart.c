/* fuzz_multipart.c: libFuzzer target for web/form (multipart/form-data).
 *
 * The input is a Content-Type value, a newline, and the body. Oracles: no crash or sanitizer
 * report (the body is parsed in place, in a buffer exactly its size plus the NUL); a refusal
 * is ERR_INPUT with a message; an accepted body gives at most max parts, each with a non-empty
 * name, its data inside the body and NUL-terminated after len bytes, and no NUL in a field
 * that is not a file; a boundary that parses is 1-70 bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	struct form_part parts[8];
	char boundary[71], *ctype, *body;
	size_t clen, blen;
	struct err e;
	int n = -1, rc;

	if (nl == NULL || size > (1 << 20))
		return 0;
	clen = (size_t)(nl - data);
	ctype = malloc(clen + 1);
	memcpy(ctype, data, clen);
	ctype[clen] = '\0';
	blen = size - clen - 1;
	body = malloc(blen + 1);
	memcpy(body, nl + 1, blen);
	body[blen] = '\0';
	memset(&e, 0, sizeof(e));
	if (form_boundary(ctype, boundary, &e) != 0) {
		if (e.code != ERR_INPUT || e.msg[0] == '\0')
			abort();
		memcpy(boundary, "XyZ", 4); /* still parse the body, with a boundary of our own */
	} else if (strlen(boundary) < 1 || strlen(boundary) > 70) {
		abort();
	}
	memset(&e, 0, sizeof(e));
	rc = form_multipart_parse(boundary, body, blen, parts, 8, &n, &e);
	if (rc != 0) {
		if (rc != ERR_INPUT || e.msg[0] == '\0')
			abort();
	} else {
		if (n < 0 || n > 8)
			abort();
		for (int i = 0; i < n; i++) {
			const struct form_part *p = &parts[i];
			if (p->name == NULL || p->name[0] == '\0')
				abort();
			if (p->data < body || p->data + p->len > body + blen ||
			    p->data[p->len] != '\0')
				abort();
			if (p->filename == NULL && memchr(p->data, '\0', p->len) != NULL)
				abort();
		}
	}
	free(ctype);
	free(body);
	return 0;
}
