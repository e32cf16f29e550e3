/* buf.h: a growable byte buffer with a hard maximum size (after curl's dynbuf), so that no
 * input can grow memory without bound. The data is always NUL-terminated. */
#ifndef BAKEN_BUF_H
#define BAKEN_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
	size_t max; /* appends that would pass this fail with ERR_INPUT */
};

#define BUF_MAX_DEFAULT ((size_t)64 << 20)

/* Sets up an empty buffer that may grow to max bytes. */
void buf_init(struct buf *b, size_t max);
/* Frees the data; the buffer may be used again after buf_init. */
void buf_free(struct buf *b);
/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* Appends n bytes; 0, or ERR_INPUT when the maximum would be passed (nothing appended). */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* The contents as a string ("" when empty); borrowed. */
const char *buf_str(const struct buf *b);
/* Hands over the malloc'd string (never NULL); the buffer is empty afterwards. */
char *buf_take(struct buf *b);

#endif
