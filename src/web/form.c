/* form.c: multipart/form-data (RFC 7578, RFC 2046 §5.1.1), parsed in place. */
#include "web/form.h"

#include "core/xalloc.h"
#include "web/http.h"

#include <string.h>
#include <strings.h>

/* Skips spaces and tabs. */
static char *skip_ws(char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

int form_boundary(const char *ctype, char out[71], struct err *e)
{
	const char *p;
	size_t n = 0;

	if (ctype == NULL || strncasecmp(ctype, "multipart/form-data", 19) != 0 ||
	    (ctype[19] != '\0' && ctype[19] != ';' && ctype[19] != ' '))
		return err_set(e, ERR_INPUT, "expected a multipart/form-data body");
	for (p = ctype + 19; (p = strchr(p, ';')) != NULL;) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "boundary=", 9) != 0)
			continue;
		p += 9;
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				if (n == 70)
					goto bad;
				out[n++] = *p;
			}
			if (*p != '"')
				goto bad;
		} else {
			for (; *p && *p != ';' && *p != ' ' && *p != '\t'; p++) {
				if (n == 70)
					goto bad;
				out[n++] = *p;
			}
		}
		if (n == 0)
			goto bad;
		out[n] = '\0';
		return 0;
	}
bad:
	return err_set(e, ERR_INPUT,
	               "multipart/form-data without a boundary of 1-70 characters in its"
	               " Content-Type");
}

/* A parameter value at *pp in a header (a quoted string, backslash escapes undone in place,
 * or a token up to ';'); returns it NUL-terminated and moves *pp past it. NULL when a quote
 * is not closed. */
static char *param_value(char **pp)
{
	char *p = *pp, *w, *v;

	if (*p != '"') {
		v = p;
		while (*p && *p != ';')
			p++;
		w = p;
		while (w > v && (w[-1] == ' ' || w[-1] == '\t'))
			w--;
		if (*p)
			p++;
		*w = '\0';
		*pp = p;
		return v;
	}
	v = w = ++p;
	while (*p && *p != '"') {
		if (*p == '\\' && p[1])
			p++;
		*w++ = *p++;
	}
	if (*p != '"')
		return NULL;
	p++;
	*w = '\0';
	p = skip_ws(p);
	if (*p == ';')
		p++;
	*pp = p;
	return v;
}

/* Content-Disposition: form-data; name="x"[; filename="y"] into part. */
static int disposition(char *v, struct form_part *part, struct err *e)
{
	char *p = skip_ws(v);

	if (strncasecmp(p, "form-data", 9) != 0 || (p[9] != '\0' && p[9] != ';' && p[9] != ' '))
		return err_set(e, ERR_INPUT, "a part's Content-Disposition is not form-data");
	p += 9;
	p = skip_ws(p);
	if (*p == ';')
		p++;
	while (*(p = skip_ws(p))) {
		char *key = p, *eq = strchr(p, '='), *val;
		if (eq == NULL)
			return err_set(e, ERR_INPUT,
			               "a part's Content-Disposition has a parameter"
			               " without a value");
		p = eq + 1;
		while (eq > key && (eq[-1] == ' ' || eq[-1] == '\t'))
			eq--;
		*eq = '\0';
		p = skip_ws(p);
		if ((val = param_value(&p)) == NULL)
			return err_set(e, ERR_INPUT,
			               "a part's Content-Disposition has a quote that is"
			               " not closed");
		if (strlen(val) > FORM_MAX_NAME)
			return err_set(e, ERR_INPUT,
			               "a part's name or file name is longer than %d bytes",
			               FORM_MAX_NAME);
		if (strcasecmp(key, "name") == 0 && part->name == NULL)
			part->name = val;
		else if (strcasecmp(key, "filename") == 0 && part->filename == NULL)
			part->filename = val;
	}
	if (part->name == NULL || part->name[0] == '\0')
		return err_set(e, ERR_INPUT, "a part of the form has no name");
	if (part->filename) { /* some browsers send the whole path: keep its last segment */
		char *slash = strrchr(part->filename, '/'), *back = strrchr(part->filename, '\\');
		if (back > slash)
			slash = back;
		if (slash)
			part->filename = slash + 1;
	}
	return 0;
}

/* The headers of one part, from h (NUL-terminated, lines separated by CRLF). */
static int part_headers(char *h, struct form_part *part, struct err *e)
{
	int have = 0;

	while (h && *h) {
		char *next = strstr(h, "\r\n"), *colon;
		if (next) {
			*next = '\0';
			next += 2;
		}
		if (*h == ' ' || *h == '\t')
			return err_set(e, ERR_INPUT, "a part's header is folded over lines");
		if ((colon = strchr(h, ':')) == NULL)
			return err_set(e, ERR_INPUT, "a part's header line has no ':'");
		*colon = '\0';
		if (strcasecmp(h, "Content-Disposition") == 0) {
			if (have++)
				return err_set(e, ERR_INPUT, "a part has two Content-Dispositions");
			if (disposition(colon + 1, part, e) != 0)
				return ERR_INPUT;
		} else if (strcasecmp(h, "Content-Type") == 0) {
			char *v = skip_ws(colon + 1), *w = v + strlen(v);
			while (w > v && (w[-1] == ' ' || w[-1] == '\t'))
				*--w = '\0';
			part->ctype = v;
		}
		h = next;
	}
	if (!have)
		return err_set(e, ERR_INPUT, "a part of the form has no Content-Disposition");
	return 0;
}

int form_multipart_parse(const char *boundary, char *body, size_t len, struct form_part *parts,
                         int max, int *n, struct err *e)
{
	char delim[4 + 70 + 1];
	size_t blen = strlen(boundary), dlen;
	char *p, *end = body + len;

	*n = 0;
	if (blen == 0 || blen > 70)
		return err_set(e, ERR_INPUT, "a boundary of 1-70 characters is needed");
	memcpy(delim, "\r\n--", 4);
	memcpy(delim + 4, boundary, blen);
	dlen = 4 + blen;
	/* the first boundary: at the very start, or after a preamble and its CRLF */
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		p = body + dlen - 2;
	else if ((p = memmem(body, len, delim, dlen)) != NULL)
		p += dlen;
	else
		return err_set(e, ERR_INPUT, "the form's body does not have its boundary");
	for (;;) {
		struct form_part *part;
		char *hend, *data, *q;
		size_t room;

		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break; /* the closing boundary; an epilogue after it is ignored */
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return err_set(e, ERR_INPUT,
			               "a boundary of the form is not followed by a line end");
		p += 2;
		if (*n >= max)
			return err_set(e, ERR_INPUT, "too many parts in the form (over %d)", max);
		part = &parts[*n];
		memset(part, 0, sizeof(*part));
		room = (size_t)(end - p) < FORM_MAX_HEADERS + 4 ? (size_t)(end - p)
		                                                : FORM_MAX_HEADERS + 4;
		if (room >= 2 && p[0] == '\r' && p[1] == '\n')
			return err_set(e, ERR_INPUT, "a part of the form has no headers");
		if ((hend = memmem(p, room, "\r\n\r\n", 4)) == NULL)
			return err_set(e, ERR_INPUT,
			               room == FORM_MAX_HEADERS + 4
			                   ? "a part's headers are longer than 8192 bytes"
			                   : "a part's headers do not end");
		data = hend + 4;
		*hend = '\0';
		if (memchr(p, '\0', (size_t)(hend - p)) != NULL)
			return err_set(e, ERR_INPUT, "a NUL byte in a part's headers");
		if (part_headers(p, part, e) != 0)
			return ERR_INPUT;
		if ((q = memmem(data, (size_t)(end - data), delim, dlen)) == NULL)
			return err_set(e, ERR_INPUT,
			               "the form's body ends inside a part (no closing boundary)");
		part->data = data;
		part->len = (size_t)(q - data);
		if (part->filename == NULL && memchr(data, '\0', part->len) != NULL)
			return err_set(e, ERR_INPUT, "a NUL byte in the form field %s", part->name);
		*q = '\0';
		(*n)++;
		p = q + dlen;
	}
	return 0;
}

int form_parse_req(struct req *r, const char *ctype)
{
	struct form_part parts[REQ_MAX_FIELDS];
	char boundary[71];
	int n = 0, rc;

	free(r->form_copy);
	r->form_copy = NULL;
	r->nfields = 0;
	if ((rc = form_boundary(ctype, boundary, &r->err)) != 0)
		return rc;
	r->form_copy = xmalloc(r->body.len + 1);
	if (r->body.len)
		memcpy(r->form_copy, r->body.data, r->body.len);
	r->form_copy[r->body.len] = '\0';
	rc = form_multipart_parse(boundary, r->form_copy, r->body.len, parts, REQ_MAX_FIELDS, &n,
	                          &r->err);
	if (rc != 0)
		return rc;
	for (int i = 0; i < n; i++) {
		r->fields[i].name = parts[i].name;
		r->fields[i].value = parts[i].data;
		r->fields[i].len = parts[i].len;
		r->fields[i].filename = parts[i].filename;
	}
	r->nfields = n;
	return 0;
}

const struct form_field *form_field(const struct req *r, const char *name)
{
	for (int i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return &r->fields[i];
	return NULL;
}
