/* config.h: settings kept in the store (prefix, site.url, smtp.url, ...). */
#ifndef BAKEN_CONFIG_H
#define BAKEN_CONFIG_H

#include "core/err.h"
#include "model/event.h"

#include <jansson.h>

struct db;

/* The value of key, malloc'd, or a copy of def (NULL when def is NULL) when it is not set. */
char *config_get(struct db *db, const char *key, const char *def);
/* The value of key as a whole number, or def when it is not set or not a number. */
long config_get_long(struct db *db, const char *key, long def);
/* Sets key (one of the known keys; the error lists them) and logs the change; secrets are
 * logged without their value. */
int config_set(struct db *db, const struct act *act, const char *key, const char *value,
               struct err *e);
/* Every setting as a JSON array of {key, value}; secret values are shown as "(set)". */
int config_list(struct db *db, json_t **out, struct err *e);

#endif
