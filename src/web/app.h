/* app.h: the server's state, built at startup and read-only afterwards (the metrics are
 * atomic counters); and the per-thread store connection. */
#ifndef BAKEN_APP_H
#define BAKEN_APP_H

#include "core/err.h"

#include <pthread.h>

struct db;
struct metrics;
struct workq;

struct app {
	const char *db_path;
	int tls;
	pthread_key_t db_key; /* each thread's own connection: SQLite handles are not shared */
	struct metrics *metrics;
	struct workq *work; /* slow work (argon2id, gpgme) off the event threads */
	struct MHD_Daemon *daemon;
};

/* This thread's connection to the store, opened on first use and closed when the thread
 * ends. NULL (with e set) when the store cannot be opened. */
struct db *app_db(const struct app *a, struct err *e);

#endif
