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
