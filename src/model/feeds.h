/* feeds.h: the public feeds of the site: /feed.atom and /advisories.json. Public means
 * published versions with TLP:CLEAR; nothing else appears. The web server serves them, and
 * `baken csaf export` writes them beside the provider tree. URLs start with site.url. */
#ifndef BAKEN_FEEDS_H
#define BAKEN_FEEDS_H

#include "core/buf.h"
#include "core/err.h"

#include <jansson.h>

struct db;

#define FEEDS_ATOM_MAX 500 /* the newest entries the Atom feed carries */

/* Appends the Atom feed to out: one entry per published TLP:CLEAR version, newest first
 * (at most FEEDS_ATOM_MAX), titled "NCSC-2019-0353 [v1.01] [H/H] title". */
int feeds_atom(struct db *db, struct buf *out, struct err *e);

/* The list of public advisories (new reference): per advisory its latest published
 * TLP:CLEAR version: id, version, title, likelihood, impact, classification, cves, products,
 * initial_release, published_at, url, csaf (the document's URL in the provider tree) and
 * versions (every public version with its date and change). Newest first. */
int feeds_advisories_json(struct db *db, json_t **out, struct err *e);

#endif
