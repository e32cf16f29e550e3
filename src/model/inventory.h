/* inventory.h: which products and versions each organisation runs, how many, and whether
 * they face the internet. Products are "vendor:product"; CPE 2.3 names and purls are mapped
 * to that, their version taken from them. */
#ifndef BAKEN_INVENTORY_H
#define BAKEN_INVENTORY_H

#include "core/err.h"
#include "model/event.h"

#include <jansson.h>
#include <stddef.h>

struct db;

struct inventory_row {
	const char *org;
	const char *product; /* vendor:product, a CPE or a purl */
	const char *version; /* may be NULL when product carries it */
	long count;
	int internet_facing;
};

/* Adds a row, or replaces count and internet-facing of the same (org, product, version).
 * log: whether to append an event (an import logs one event for the whole file). */
int inventory_put(struct db *db, const struct act *act, const struct inventory_row *r, int log,
                  struct err *e);

/* Imports a CSV (header org,product,version,count,internet_facing), JSON (an array of such
 * objects) or CycloneDX 1.4-1.6 JSON SBOM file. org, when given, is the organisation of every
 * row (and a row naming another is refused). replace: the organisations in the file keep only
 * the rows the file has. *count gets the number of rows read. */
int inventory_import(struct db *db, const struct act *act, const char *path, const char *org,
                     int replace, long *count, struct err *e);

/* inventory_import of a file held in memory (an upload): the same formats, checks and
 * messages, with name standing for the file in them and in the event. */
int inventory_import_data(struct db *db, const struct act *act, const char *name, const char *data,
                          size_t len, const char *org, int replace, long *count, struct err *e);

/* Removes the organisation's row of product (any form inventory_put takes) and version (NULL or
 * "": the version the CPE or purl carries) and logs inventory.remove. ERR_NOTFOUND when the
 * organisation has no such row. */
int inventory_remove(struct db *db, const struct act *act, const char *org, const char *product,
                     const char *version, struct err *e);

/* A JSON array of rows (org, product, version, count, internet_facing); filters may be NULL. */
int inventory_list(struct db *db, const char *org, const char *product, json_t **out,
                   struct err *e);

#endif
