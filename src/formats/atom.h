/* atom.h: Atom 1.0 feeds (RFC 4287), written from plain structs. Pure: no database.
 * Every text is escaped for XML; bytes that XML 1.0 does not allow are left out. */
#ifndef BAKEN_ATOM_H
#define BAKEN_ATOM_H

#include "core/buf.h"

#include <stddef.h>

struct atom_entry {
	const char *id; /* an IRI: the version's URL */
	const char *title;
	const char *link;      /* alternate link (HTML page) */
	const char *updated;   /* ISO 8601 */
	const char *published; /* may be NULL */
	const char *summary;   /* may be NULL */
	const char *category;  /* e.g. "high/high", may be NULL */
};

struct atom_feed {
	const char *id, *title, *self, *link, *updated, *author;
	const struct atom_entry *entries;
	size_t n;
};

/* Appends the feed as an XML document to out. 0, or ERR_INPUT when out's maximum would be
 * passed. */
int atom_render(const struct atom_feed *f, struct buf *out);

/* Appends s escaped for XML text and attributes (&, <, >, ", ' as entities; control
 * characters other than tab, LF and CR and invalid UTF-8 bytes dropped). */
int atom_escape(struct buf *out, const char *s);

#endif
