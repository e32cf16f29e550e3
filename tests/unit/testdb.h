/* testdb.h: a fresh database in a temporary file for a unit test, and its removal. */
#ifndef BAKEN_TESTDB_H
#define BAKEN_TESTDB_H

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct testdb {
	char path[64];
	struct db *db;
};

/* Opens a new, migrated database and begins a transaction; aborts the test on failure. */
static inline struct db *testdb_open(struct testdb *t, const char *name)
{
	int fd;

	snprintf(t->path, sizeof(t->path), "/tmp/baken-test-%s-XXXXXX", name);
	fd = mkstemp(t->path);
	if (fd < 0)
		abort();
	close(fd);
	unlink(t->path);
	if (db_open(t->path, 1, &t->db, NULL) != 0 || db_begin(t->db, NULL) != 0)
		abort();
	return t->db;
}

/* Rolls back, closes and removes the database and its WAL files. */
static inline void testdb_close(struct testdb *t)
{
	char side[80];

	db_rollback(t->db);
	db_close(t->db);
	unlink(t->path);
	snprintf(side, sizeof(side), "%s-wal", t->path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", t->path);
	unlink(side);
}

/* Writes text to path (an input file for an import test); aborts when it cannot. */
static inline void testdb_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		abort();
	fputs(text, f);
	fclose(f);
}

#endif
