/* access.h: advisories as the one asking may see them, for pages and the API alike. Whatever
 * the asker may not read answers ERR_NOTFOUND, as if it did not exist (DESIGN §4). */
#ifndef BAKEN_ACCESS_H
#define BAKEN_ACCESS_H

#include "web/http.h"

#include <jansson.h>

struct advisory_version;

/* Loads version label of advisory id (NULL: the latest the asker may read) when r->user may
 * read it; ERR_NOTFOUND otherwise. */
int access_load(struct req *r, const char *id, const char *label, struct advisory_version *v);

struct access_filter {
	const char *product; /* part of a product name: "citrix", "citrix:adc" */
	const char *cve;     /* one CVE id, any case */
	const char *year;    /* the year of the ID */
	int limit;           /* at most this many rows (0: no limit) */
	int offset;          /* skip this many readable rows first */
};

/* One row per advisory the asker may read, newest first, for its latest readable version:
 * id, version, state, tlp, likelihood, impact, classification, title, date. */
int access_list(struct req *r, const struct access_filter *f, json_t **out);

/* The version history of advisory id as the asker may see it: one row per readable version
 * (version, tlp, likelihood, impact, change, published_at), oldest first. */
int access_history(struct req *r, const char *id, json_t **out);

/* advisory_to_json of v, cut for the asker: only readable versions in the history, and the
 * list of addressed organisations ("to") for staff only. The rationale of a classification
 * that departs from the proposal stays: the published CSAF document states it too. */
int access_advisory_json(struct req *r, const struct advisory_version *v, json_t **out);

#endif
