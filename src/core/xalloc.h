/* xalloc.h: allocation that aborts when memory runs out. That is only safe because every
 * buffer fed by input has a maximum size (struct buf), so running out means the machine is
 * broken, not that an input was large. */
#ifndef BAKEN_XALLOC_H
#define BAKEN_XALLOC_H

#include <stddef.h>
#include <stdlib.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* reallocarray that aborts on overflow or exhaustion */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Copies src into dst of size dstsize, always NUL-terminated; returns strlen(src), so a
 * result >= dstsize means the copy was truncated. */
size_t strlcpy_safe(char *dst, const char *src, size_t dstsize);

#endif
