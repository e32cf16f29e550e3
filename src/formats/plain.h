/* plain.h: the plain-text advisory, in the layout constituents have parsed for years: the
 * banner, aligned header fields (Titel, Advisory ID, Versie, Kans, CVE ID, Schade and its
 * consequence lines, Uitgiftedatum, Toepassing, Versie(s), Platform(s)), then the sections
 * Update, Samenvatting, Gevolgen, Beschrijving, Mogelijke oplossingen, Vrijwaringsverklaring.
 * English labels with lang "en". */
#ifndef BAKEN_PLAIN_H
#define BAKEN_PLAIN_H

#include "core/buf.h"

struct advisory_version;

/* Appends the plain text of v to out. lang is "nl" (default) or "en". */
int plain_render(const struct advisory_version *v, const char *lang, struct buf *out);

/* Appends text wrapped at width columns, each line indented by indent spaces; blank lines
 * separate paragraphs and are kept, as are lines that start with "- ". */
int plain_wrap(struct buf *out, const char *text, int indent, int width);

#endif
