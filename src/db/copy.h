/* copy.h: one whole store into another, table by table, whatever their backends: what
 * `baken migrate --from FILE --to URI` does, and `baken backup` of a PostgreSQL store. */
#ifndef BAKEN_DB_COPY_H
#define BAKEN_DB_COPY_H

#include "db/db.h"

#include <stdint.h>

struct db_copy_table {
	char *name;
	int64_t rows; /* rows copied; the same count was read back from both stores */
};

struct db_copy_report {
	struct db_copy_table *tables; /* in the order they were copied */
	size_t n;
	int64_t rows;
};

/* Copies every table of from into to, keeping every value and id. to must be a store that
 * its migrations have just made (db_open with create), of the same schema version, and empty
 * (ERR_CONFLICT otherwise). from is read in one snapshot while others may go on writing it;
 * to is written in one transaction under its write lock, with its triggers (the append-only
 * rules) set aside for the copy and back before the commit, its identity sequences moved past
 * the highest ids, and the row count of every table compared with the source's (ERR_DB when one
 * differs: nothing is committed). A report of the tables goes to rep when it is not NULL
 * (free it with db_copy_report_free). progress, when not NULL, is called per table. */
int db_copy(struct db *from, struct db *to, struct db_copy_report *rep,
            void (*progress)(void *ctx, const char *table, int64_t rows), void *ctx, struct err *e);
void db_copy_report_free(struct db_copy_report *rep);

/* A consistent copy of from (any backend) into a new SQLite file at dest: written to
 * dest.tmp and renamed, so a reader of dest never sees half a copy. */
int db_copy_to_sqlite(struct db *from, const char *dest, struct err *e);

#endif
