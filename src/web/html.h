/* html.h: every byte of HTML Baken sends goes through here. html_printf escapes every %s for
 * text and attributes alike (& < > " '), so markup comes only from the format strings, which
 * are literals in the page code. URLs have their own encoder, and links to elsewhere only
 * take http(s). */
#ifndef BAKEN_HTML_H
#define BAKEN_HTML_H

#include "core/buf.h"

/* Appends to b like printf, but each %s argument HTML-escaped (a NULL prints nothing).
 * Conversions: %s %d %i %u %ld %lu %lld %llu %zu %%; any other is a bug and aborts. */
int html_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s HTML-escaped. */
int html_escape(struct buf *b, const char *s);
/* Appends s percent-encoded for a URL query value or path segment (all but A-Z a-z 0-9 -._~). */
int url_encode(struct buf *b, const char *s);
/* s percent-encoded into a new malloc'd string. */
char *url_encode_dup(const char *s);
/* Decodes a percent-encoded form value ('+' is a space) in place; returns its new length. */
size_t url_decode(char *s);
/* 1 when url is an absolute http:// or https:// URL without spaces or quotes: the only links
 * to elsewhere a page may carry. */
int html_url_ok(const char *url);
/* Appends a link to an outside URL (escaped, rel=noopener noreferrer), or just the text when
 * the URL is not http(s). */
int html_link(struct buf *b, const char *url, const char *text);
/* Appends text as paragraphs: blank lines separate <p>s, single line ends become <br>. */
int html_paragraphs(struct buf *b, const char *text);

#endif
