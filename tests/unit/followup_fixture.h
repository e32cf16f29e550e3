/* followup_fixture.h: what test_followup.c, test_deadline.c and test_report.c share: a fresh
 * database with a small constituency and the Citrix advisory, 1.00 medium/high published on
 * 18 Dec 2019 10:00 and, when asked for, 1.01 high/high on 24 Dec 12:05. */
#ifndef BAKEN_FOLLOWUP_FIXTURE_H
#define BAKEN_FOLLOWUP_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "db/db.h"
#include "model/advisory.h"
#include "model/deadline.h"
#include "model/inventory.h"
#include "model/org.h"

struct fx {
	char path[64];
	struct db *db;
	struct act act;
	char id[64]; /* the advisory */
};

/* An ISO time as seconds. */
static inline int64_t fx_t(const char *iso)
{
	int64_t t = 0;

	if (time_parse(iso, &t, NULL) != 0)
		abort();
	return t;
}

static inline void fx_at(struct fx *f, const char *iso)
{
	f->act.at = fx_t(iso);
}

/* Publishes the draft of f->id at iso; a high/high version starts its clocks, as `advisory
 * publish` does. */
static inline void fx_publish(struct fx *f, const char *iso)
{
	int num, material;

	fx_at(f, iso);
	assert_int_equal(advisory_publish(f->db, &f->act, f->id, 0, 0, &num, &material, NULL), 0);
	assert_int_equal(deadline_sync(f->db, f->id, NULL, NULL), 0);
}

/* 1.01: high/high, published at 24 Dec 2019 12:05. */
static inline void fx_high(struct fx *f)
{
	struct advisory_input in;
	int num;

	memset(&in, 0, sizeof(in));
	matrix_init(&in.matrix);
	matrix_set(&in.matrix, "exploit", "poc", NULL);
	matrix_set(&in.matrix, "exploit-expected", "yes", NULL);
	in.change = "Inschaling verhoogd naar high/high";
	fx_at(f, "2019-12-24T12:00:00Z");
	assert_int_equal(advisory_update(f->db, &f->act, f->id, &in, &num, NULL), 0);
	fx_publish(f, "2019-12-24T12:05:00Z");
}

static inline int fx_setup(void **state)
{
	static const struct org_fields orgs[] = {
	    {"min-a", "Ministerie A", "ministry", NULL, NULL},
	    {"agency-a1", "Dienst A1", "agency", "min-a", NULL},
	    {"agency-a2", "Dienst A2", "agency", "min-a", NULL},
	    {"vital-e", "Energie E", "vital", NULL, "energy"},
	    {"other-x", "Gemeente X", "other", NULL, NULL},
	    {"cio", "CIO Rijk", "other", NULL, NULL},
	};
	static const struct inventory_row inv[] = {
	    {"agency-a1", "citrix:adc", "13.0-47.22", 2, 1},
	    {"agency-a2", "citrix:adc", "13.0-41.20", 1, 1},
	    {"vital-e", "citrix:adc", "13.0-47.22", 1, 1},
	    {"other-x", "citrix:gateway", "12.1-50.31", 1, 0},
	    {"min-a", "pulsesecure:pulse_connect_secure", "9.0R3.3", 1, 0},
	};
	static const struct contact_fields contacts[] = {
	    {"agency-a1", "CISO A1", "ciso", "ciso@a1.example", "+31700000001", 0, NULL},
	    {"min-a", "CISO A", "ciso", "ciso@a.example", NULL, 0, NULL},
	    {"vital-e", "SOC E", "soc", "soc@e.example", NULL, 1, NULL},
	    {"cio", "CIO", "cio", "cio@rijk.example", NULL, 0, NULL},
	};
	static const char *affects[] = {"citrix:adc:>=13.0|<13.0.47.24",
	                                "citrix:gateway:>=12.1|<12.1.55.18"};
	static const char *cves[] = {"CVE-2019-19781"};
	struct fx *f = calloc(1, sizeof(*f));
	struct advisory_input in;
	int fd;

	snprintf(f->path, sizeof(f->path), "/tmp/baken-test-fu-XXXXXX");
	fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	f->act.actor = "test:coordinator";
	fx_at(f, "2019-12-17T09:00:00Z");
	assert_int_equal(db_open(f->path, 1, &f->db, NULL), 0);
	assert_int_equal(db_begin(f->db, NULL), 0);
	for (size_t i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++)
		assert_int_equal(org_add(f->db, &f->act, &orgs[i], NULL), 0);
	for (size_t i = 0; i < sizeof(inv) / sizeof(inv[0]); i++)
		assert_int_equal(inventory_put(f->db, &f->act, &inv[i], 1, NULL), 0);
	for (size_t i = 0; i < sizeof(contacts) / sizeof(contacts[0]); i++)
		assert_int_equal(org_contact_set(f->db, &f->act, &contacts[i], NULL), 0);
	memset(&in, 0, sizeof(in));
	in.title = "Kwetsbaarheid in Citrix ADC";
	in.cves = cves;
	in.ncves = 1;
	in.affects = affects;
	in.naffects = 2;
	in.disclosed = "2019-12-17T00:00:00Z";
	in.reported_to_vendor = "2019-12-06T00:00:00Z";
	matrix_init(&in.matrix);
	assert_int_equal(matrix_from_text("default-config=yes,exploit=none,details=somewhat,"
	                                  "access=internet,credentials=none,complexity=average,"
	                                  "interaction=none,exploited=no,exploit-expected=no,"
	                                  "fix-available=none,dos=no,code-exec=root,remote=no,"
	                                  "privesc=no,leak=no",
	                                  &in.matrix, NULL),
	                 0);
	assert_int_equal(advisory_new(f->db, &f->act, &in, f->id, sizeof(f->id), NULL), 0);
	fx_publish(f, "2019-12-18T10:00:00Z");
	*state = f;
	return 0;
}

static inline int fx_teardown(void **state)
{
	struct fx *f = *state;
	char side[80];

	db_rollback(f->db);
	db_close(f->db);
	unlink(f->path);
	snprintf(side, sizeof(side), "%s-wal", f->path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", f->path);
	unlink(side);
	free(f);
	return 0;
}

/* A count from the store. */
static inline int64_t fx_count(struct fx *f, const char *sql)
{
	int64_t n = -1;

	assert_int_equal(db_query_int(f->db, sql, NULL, &n, NULL), 0);
	return n;
}

#endif
