/* err.c: error messages with context. */
#include "core/err.h"

#include "core/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

int err_wrap(struct err *e, const char *fmt, ...)
{
	char prefix[512], old[sizeof(e->msg)];
	va_list ap;

	if (e == NULL)
		return ERR_INPUT;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	/* the prefix first, then as much of the old message as fits */
	size_t n = strlcpy_safe(e->msg, prefix, sizeof(e->msg));
	if (n < sizeof(e->msg))
		strlcpy_safe(e->msg + n, old, sizeof(e->msg) - n);
	return e->code;
}

int err_exit_status(int code)
{
	if (code == ERR_OK)
		return 0;
	return code == ERR_USAGE ? 2 : 1;
}

static const char hexdig[] = "0123456789abcdef";

void err_quote(char *out, size_t outsz, const char *s, size_t max)
{
	size_t o = 0, i;

	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];
		char t[4];
		size_t tn = 0;

		if (c == '"' || c == '\\') {
			t[tn++] = '\\';
			t[tn++] = (char)c;
		} else if (c < 0x20 || c >= 0x7f) {
			t[tn++] = '\\';
			t[tn++] = 'x';
			t[tn++] = hexdig[c >> 4];
			t[tn++] = hexdig[c & 15];
		} else {
			t[tn++] = (char)c;
		}
		if (i >= max || o + tn + 4 > outsz) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(out + o, t, tn);
		o += tn;
	}
	out[o] = '\0';
}

const char *err_char_name(unsigned char c, char buf[8])
{
	buf[0] = '\'';
	if (c > 0x20 && c < 0x7f && c != '\'' && c != '\\') {
		buf[1] = (char)c;
		buf[2] = '\'';
		buf[3] = '\0';
	} else {
		buf[1] = '\\';
		buf[2] = 'x';
		buf[3] = hexdig[c >> 4];
		buf[4] = hexdig[c & 15];
		buf[5] = '\'';
		buf[6] = '\0';
	}
	return buf;
}
