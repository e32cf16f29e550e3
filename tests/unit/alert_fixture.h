/* alert_fixture.h: what test_alert.c and test_alert_plan.c share: a small constituency with
 * contacts and Citrix inventory, a draft advisory on it, and publishing it with its alerts. */
#ifndef BAKEN_ALERT_FIXTURE_H
#define BAKEN_ALERT_FIXTURE_H

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
#include "testdb.h"
#include "model/advisory.h"
#include "model/alert.h"
#include "model/inventory.h"
#include "model/org.h"

struct fixture {
	struct testdb t;
	struct db *db;
	struct act act;
	char id[64];
};

static const char *affects[] = {"citrix:adc:>=13.0|<13.0.47.24"};
static const char *cves[] = {"CVE-2019-19781"};

/* A fresh database (named name) with a ministry and its two agencies, an energy provider, a
 * partner, their contacts and Citrix inventory, and a draft medium/high Citrix advisory. */
static int alert_fixture_setup(void **state, const char *name)
{
	static const struct org_fields orgs[] = {
	    {"min-a", "Ministerie A", "ministry", NULL, NULL},
	    {"agency-a1", "Dienst A1", "agency", "min-a", NULL},
	    {"agency-a2", "Dienst A2", "agency", "min-a", NULL},
	    {"vital-e", "Energie E", "vital", NULL, "energy"},
	    {"part-z", "Z-CERT", "partner", NULL, "health"},
	};
	static const struct contact_fields contacts[] = {
	    {"min-a", "CISO A", "ciso", "ciso@a.example", "+31700000003", 0, NULL},
	    {"agency-a1", "CISO A1", "ciso", "ciso@a1.example", "+31700000001", 0, NULL},
	    {"agency-a1", "SOC A1", "soc", "soc@a1.example", "+31700000011", 1,
	     "https://a1.example/hook"},
	    {"vital-e", "SOC E", "soc", "soc@e.example", NULL, 1, NULL},
	    {"part-z", "Z", "cert", "cert@z.example", NULL, 0, NULL},
	};
	static const struct inventory_row inv[] = {
	    {"agency-a1", "citrix:adc", "13.0-47.22", 2, 1},
	    {"agency-a2", "citrix:adc", "13.0-47.10", 1, 1},
	    {"vital-e", "citrix:adc", "13.0-47.24", 1, 1},
	};
	struct fixture *f = calloc(1, sizeof(*f));
	struct advisory_input in;

	f->act.actor = "test:analyst";
	time_parse("2019-12-18T09:00:00Z", &f->act.at, NULL);
	f->db = testdb_open(&f->t, name);
	for (size_t i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++)
		assert_int_equal(org_add(f->db, &f->act, &orgs[i], NULL), 0);
	for (size_t i = 0; i < sizeof(contacts) / sizeof(contacts[0]); i++)
		assert_int_equal(org_contact_set(f->db, &f->act, &contacts[i], NULL), 0);
	for (size_t i = 0; i < sizeof(inv) / sizeof(inv[0]); i++)
		assert_int_equal(inventory_put(f->db, &f->act, &inv[i], 0, NULL), 0);
	memset(&in, 0, sizeof(in));
	in.title = "Kwetsbaarheid in Citrix ADC";
	in.cves = cves;
	in.ncves = 1;
	in.affects = affects;
	in.naffects = 1;
	matrix_init(&in.matrix);
	matrix_from_text("access=internet,credentials=none,interaction=none,default-config=yes,"
	                 "details=somewhat,complexity=average,code-exec=root",
	                 &in.matrix, NULL);
	assert_int_equal(advisory_new(f->db, &f->act, &in, f->id, sizeof(f->id), NULL), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	testdb_close(&f->t);
	free(f);
	return 0;
}

static void publish(struct fixture *f, struct alert_counts *n)
{
	int num, material;

	assert_int_equal(advisory_publish(f->db, &f->act, f->id, 0, 0, &num, &material, NULL), 0);
	assert_int_equal(alert_on_publish(f->db, &f->act, f->id, num, material, n, NULL), 0);
}

#endif
