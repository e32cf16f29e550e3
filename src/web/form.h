/* form.h: multipart/form-data bodies (RFC 7578), the encoding of a form that uploads a file.
 * The router reads application/x-www-form-urlencoded itself (router_parse_form); this reads the
 * other one, into the same r->fields, with each file's bytes, length and name.
 *
 * The body is parsed in place: names, file names and values are NUL-terminated inside it.
 * Limits: the body itself is capped by the route's body limit; at most REQ_MAX_FIELDS parts,
 * FORM_MAX_HEADERS bytes of headers per part, a boundary of 1-70 characters. */
#ifndef BAKEN_FORM_H
#define BAKEN_FORM_H

#include "core/err.h"

#include <stddef.h>

struct req;

#define FORM_MAX_HEADERS 8192
#define FORM_MAX_NAME    256 /* a field's name and a file's name */

struct form_part {
	char *name;     /* the field's name (decoded, NUL-terminated) */
	char *filename; /* the file's name as the browser sent it (its last path segment); NULL
	                   for a field that is not a file */
	char *ctype;    /* the part's Content-Type, or NULL */
	char *data;     /* the value or the file's bytes, NUL-terminated after len bytes */
	size_t len;
};

/* The boundary of a Content-Type header value "multipart/form-data; boundary=..." (quoted or
 * not) into out (71 bytes); ERR_INPUT when ctype is not multipart/form-data or the boundary is
 * missing or longer than 70 characters. */
int form_boundary(const char *ctype, char out[71], struct err *e);

/* Splits body (len bytes, changed in place: a NUL is written after each name and value) into
 * at most max parts; *n gets their number. ERR_INPUT, with what is wrong, for a body that is
 * not multipart with this boundary: no first boundary, a part without Content-Disposition
 * form-data and a name, headers too long, a missing closing boundary, more than max parts, a
 * NUL byte in a field that is not a file. */
int form_multipart_parse(const char *boundary, char *body, size_t len, struct form_part *parts,
                         int max, int *n, struct err *e);

/* The router's use: parses r's body (Content-Type ctype) into r->fields (each with its len
 * and, for files, filename), on a copy of the body kept in r->form_copy. */
int form_parse_req(struct req *r, const char *ctype);

/* The field name of a POST body as parsed, with its length and file name; NULL when absent.
 * Borrowed. */
const struct form_field *form_field(const struct req *r, const char *name);

#endif
