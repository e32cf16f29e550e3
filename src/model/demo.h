/* demo.h: the demo database: both seed cases (Pulse Connect Secure in 2019, Citrix ADC and
 * Gateway in 2019-2020) with a constituency of ministries, agencies, vital providers and
 * partners, written from the letters to parliament. */
#ifndef BAKEN_DEMO_H
#define BAKEN_DEMO_H

#include "core/err.h"

#include <stdio.h>

struct db;

/* Loads the demo into an empty, migrated store, inside the caller's transaction. */
int demo_load(struct db *db, const char *actor, struct err *e);
/* Prints what the demo holds: the advisories, their versions and who is affected. */
int demo_show(struct db *db, FILE *out, struct err *e);

#endif
