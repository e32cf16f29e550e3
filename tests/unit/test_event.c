/* test_event.c: the hash-chained event log finds the first entry that was changed, removed or
 * reordered, and the store refuses UPDATE and DELETE on it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "testdb.h"
#include "model/event.h"

struct fixture {
	struct testdb t;
	struct db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct act act = {"test:alice", 1576663200};
	char object[32];

	f->db = testdb_open(&f->t, "event");
	for (int i = 0; i < 6; i++) {
		snprintf(object, sizeof(object), "org:o%d", i);
		assert_int_equal(
		    event_append(f->db, &act, "org.add", object, json_pack("{s:i}", "n", i), NULL),
		    0);
	}
	assert_int_equal(db_commit(f->db, NULL), 0);
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

/* Tampering needs the triggers gone, as an attacker with file access would do. */
static void drop_triggers(struct db *db)
{
	assert_int_equal(
	    db_exec(db, "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete", NULL), 0);
}

static void test_intact_chain_verifies(void **state)
{
	struct fixture *f = *state;
	struct event_check r;

	assert_int_equal(event_verify(f->db, &r, NULL), 0);
	assert_int_equal(r.count, 6);
	assert_int_equal(r.bad_id, 0);
	assert_int_equal(strlen(r.head), 64);
}

static void test_store_refuses_changes(void **state)
{
	struct fixture *f = *state;
	struct err e = {0, ""};

	assert_int_equal(db_exec(f->db, "UPDATE events SET actor = 'mallory'", &e), ERR_CONFLICT);
	assert_non_null(strstr(e.msg, "append-only"));
	assert_int_equal(db_exec(f->db, "DELETE FROM events WHERE id = 2", &e), ERR_CONFLICT);
}

static void test_changed_entry_is_named(void **state)
{
	struct fixture *f = *state;
	struct event_check r;
	struct err e = {0, ""};

	drop_triggers(f->db);
	assert_int_equal(
	    db_exec(f->db, "UPDATE events SET detail = '{\"n\":9}' WHERE id = 4", NULL), 0);
	assert_int_equal(event_verify(f->db, &r, &e), 0);
	assert_int_equal(r.bad_id, 4);
	assert_non_null(strstr(e.msg, "entry 4"));
}

static void test_removed_entry_is_found(void **state)
{
	struct fixture *f = *state;
	struct event_check r;

	drop_triggers(f->db);
	assert_int_equal(db_exec(f->db, "DELETE FROM events WHERE id = 3", NULL), 0);
	assert_int_equal(event_verify(f->db, &r, NULL), 0);
	assert_int_equal(r.bad_id, 4);
}

static void test_removed_last_entries_change_the_head(void **state)
{
	struct fixture *f = *state;
	struct event_check before, after;

	assert_int_equal(event_verify(f->db, &before, NULL), 0);
	drop_triggers(f->db);
	assert_int_equal(db_exec(f->db, "DELETE FROM events WHERE id = 6", NULL), 0);
	assert_int_equal(event_verify(f->db, &after, NULL), 0);
	/* truncation keeps a valid chain: only a checkpoint kept outside shows it */
	assert_int_equal(after.bad_id, 0);
	assert_string_not_equal(before.head, after.head);
}

static void test_reordered_entries_are_found(void **state)
{
	struct fixture *f = *state;
	struct event_check r;

	drop_triggers(f->db);
	/* swap the contents of entries 2 and 5, keeping each entry's stored hashes */
	assert_int_equal(db_exec(f->db,
	                         "UPDATE events SET id = 100 WHERE id = 2;"
	                         "UPDATE events SET id = 2 WHERE id = 5;"
	                         "UPDATE events SET id = 5 WHERE id = 100;",
	                         NULL),
	                 0);
	assert_int_equal(event_verify(f->db, &r, NULL), 0);
	assert_int_equal(r.bad_id, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_intact_chain_verifies, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_store_refuses_changes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_changed_entry_is_named, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_removed_entry_is_found, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_removed_last_entries_change_the_head, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_reordered_entries_are_found, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
