/* test_match.c: match_portfolio and match_index_advisory give exactly the hits of
 * advisory_affected, advisory by advisory: multi-interval ranges, "=", "!=", "*", fixed
 * versions, equal versions written differently, drafts over published versions, and a
 * generated portfolio of random versions and ranges. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "domain/range.h"
#include "model/advisory.h"
#include "model/inventory.h"
#include "model/match.h"
#include "model/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AT 1576663200 /* 2019-12-18T10:00:00Z */

struct fixture {
	char path[64];
	struct db *db;
	struct act act;
};

/* A set of hits as sorted lines "advisory version org product version count internet". */
struct hitset {
	char **line;
	size_t n, cap;
};

static void hitset_add(struct hitset *s, const char *adv, int num, const char *org,
                       const char *product, const char *version, long count, int inet)
{
	char line[512];

	snprintf(line, sizeof(line), "%s %d %s %s %s %ld %d", adv, num, org, product, version,
	         count, inet);
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->line = xreallocarray(s->line, s->cap, sizeof(char *));
	}
	s->line[s->n++] = xstrdup(line);
}

static int line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void hitset_sort(struct hitset *s)
{
	if (s->n)
		qsort(s->line, s->n, sizeof(char *), line_cmp);
}

static void hitset_free(struct hitset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->line[i]);
	free(s->line);
	memset(s, 0, sizeof(*s));
}

/* Fails with the first line where a and b differ. */
static void hitset_equal(struct hitset *a, struct hitset *b, const char *what)
{
	hitset_sort(a);
	hitset_sort(b);
	for (size_t i = 0; i < a->n || i < b->n; i++) {
		const char *x = i < a->n ? a->line[i] : "(none)",
		           *y = i < b->n ? b->line[i] : "(none)";
		if (strcmp(x, y) != 0)
			fail_msg("%s: hit %zu differs: advisory_affected \"%s\", match \"%s\"",
			         what, i, x, y);
	}
}

static int collect(void *ctx, const struct match_hit *h)
{
	hitset_add(ctx, h->advisory, h->num, h->org, h->product, h->version, h->count,
	           h->internet_facing);
	return 0;
}

static int stop_at_three(void *ctx, const struct match_hit *h)
{
	(void)h;
	return ++*(int *)ctx == 3 ? 42 : 0;
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct err e = {0};
	int fd;

	snprintf(f->path, sizeof(f->path), "/tmp/baken-test-match-XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	close(fd);
	unlink(f->path);
	if (db_open(f->path, 1, &f->db, &e) != 0)
		fail_msg("db_open: %s", e.msg);
	f->act.actor = "cli:test";
	f->act.at = AT;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char wal[80];

	db_close(f->db);
	unlink(f->path);
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", f->path);
	unlink(wal);
	free(f);
	return 0;
}

static void add_org(struct fixture *f, const char *id)
{
	struct org_fields o = {id, id, "agency", NULL, NULL};
	struct err e = {0};

	if (org_add(f->db, &f->act, &o, &e) != 0)
		fail_msg("org_add %s: %s", id, e.msg);
}

static void put(struct fixture *f, const char *org, const char *product, const char *version,
                long count, int inet)
{
	struct inventory_row r = {org, product, version, count, inet};
	struct err e = {0};

	if (inventory_put(f->db, &f->act, &r, 0, &e) != 0)
		fail_msg("inventory_put %s %s %s: %s", org, product, version, e.msg);
}

/* A new advisory (a draft) affecting the given "vendor:product:range" texts, with fixed
 * "vendor:product:version" texts; its id into id. */
static void new_advisory(struct fixture *f, const char **affects, size_t naffects,
                         const char **fixed, size_t nfixed, char *id, size_t idsz)
{
	struct advisory_input in;
	struct err e = {0};

	memset(&in, 0, sizeof(in));
	matrix_init(&in.matrix);
	in.title = "test";
	in.cves = (const char *[]){"CVE-2019-19781"};
	in.ncves = 1;
	in.affects = affects;
	in.naffects = naffects;
	in.fixed = fixed;
	in.nfixed = nfixed;
	if (advisory_new(f->db, &f->act, &in, id, idsz, &e) != 0)
		fail_msg("advisory_new %s: %s", affects[0], e.msg);
}

static void update_advisory(struct fixture *f, const char *id, const char **affects,
                            size_t naffects)
{
	struct advisory_input in;
	struct err e = {0};
	int num;

	memset(&in, 0, sizeof(in));
	matrix_init(&in.matrix);
	in.change = "wider";
	in.affects = affects;
	in.naffects = naffects;
	if (advisory_update(f->db, &f->act, id, &in, &num, &e) != 0)
		fail_msg("advisory_update %s: %s", id, e.msg);
}

static void publish(struct fixture *f, const char *id)
{
	struct err e = {0};
	int num, material;

	if (advisory_publish(f->db, &f->act, id, 0, 0, &num, &material, &e) != 0)
		fail_msg("advisory_publish %s: %s", id, e.msg);
}

/* advisory_affected of the version `advisory affected` shows, for every advisory, into s; and
 * match_index_advisory of the same versions into m. Returns the number of advisories. */
static size_t affected_all(struct fixture *f, struct hitset *s, struct hitset *m)
{
	struct match_index *ix;
	struct err e = {0};
	json_t *list;
	size_t i, n;

	if (advisory_list(f->db, &list, &e) != 0)
		fail_msg("advisory_list: %s", e.msg);
	if (match_index_load(f->db, &ix, &e) != 0)
		fail_msg("match_index_load: %s", e.msg);
	n = json_array_size(list);
	for (i = 0; i < n; i++) {
		const char *id = json_string_value(json_object_get(json_array_get(list, i), "id"));
		struct advisory_version v;
		json_t *rows, *row;
		size_t j;
		long hits = -1;

		if (advisory_load(f->db, id, NULL, 1, &v, &e) != 0)
			fail_msg("advisory_load %s: %s", id, e.msg);
		if (advisory_affected(f->db, &v, &rows, &e) != 0)
			fail_msg("advisory_affected %s: %s", id, e.msg);
		json_array_foreach(rows, j, row)
		{
			hitset_add(s, id, v.num, json_string_value(json_object_get(row, "org")),
			           json_string_value(json_object_get(row, "product")),
			           json_string_value(json_object_get(row, "version")),
			           (long)json_integer_value(json_object_get(row, "count")),
			           json_is_true(json_object_get(row, "internet_facing")));
		}
		if (match_index_advisory(ix, &v, collect, m, &hits, &e) != 0)
			fail_msg("match_index_advisory %s: %s", id, e.msg);
		assert_int_equal(hits, (long)json_array_size(rows));
		json_decref(rows);
		advisory_version_free(&v);
	}
	json_decref(list);
	match_index_free(ix);
	return n;
}

/* Every way of matching agrees; returns the number of hits. */
static size_t check_all(struct fixture *f)
{
	struct hitset want = {0}, one = {0}, all = {0};
	struct match_stats st;
	struct err e = {0};
	size_t nadv = affected_all(f, &want, &one), n;
	long counted = -1;

	if (match_portfolio(f->db, collect, &all, &st, &e) != 0)
		fail_msg("match_portfolio: %s", e.msg);
	assert_int_equal(st.hits, (long)all.n);
	assert_int_equal(st.advisories, (long)nadv);
	hitset_equal(&want, &one, "match_index_advisory");
	hitset_equal(&want, &all, "match_portfolio");
	/* counting only gives the same number */
	if (match_portfolio(f->db, NULL, NULL, &st, &e) != 0)
		fail_msg("match_portfolio: %s", e.msg);
	counted = st.hits;
	assert_int_equal(counted, (long)want.n);
	n = want.n;
	hitset_free(&want);
	hitset_free(&one);
	hitset_free(&all);
	return n;
}

static int has_line(struct hitset *s, const char *line)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->line[i], line) == 0)
			return 1;
	return 0;
}

static void test_cases(void **state)
{
	struct fixture *f = *state;
	const char *orgs[] = {"gem-a", "gem-b", "rws", "tennet", "zz-last"};
	char a1[64], a2[64], a3[64], a4[64], a5[64], a6[64];
	struct hitset all = {0};
	struct match_stats st;
	struct err e = {0};
	char line[256];

	for (size_t i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++)
		add_org(f, orgs[i]);
	/* Citrix: two branches, a fixed build, and one version written two ways */
	put(f, "gem-a", "citrix:adc", "13.0-47.22", 2, 1);
	put(f, "gem-b", "citrix:adc", "13.0.47.22", 1, 0);
	put(f, "rws", "citrix:adc", "13.0-47.24", 4, 1);
	put(f, "tennet", "citrix:adc", "12.1-55.17", 1, 1);
	put(f, "zz-last", "citrix:adc", "12.1-55.18", 1, 0);
	put(f, "gem-a", "citrix:adc", "13.0-36.27", 3, 0); /* a second version at one org */
	put(f, "gem-b", "citrix:adc", "13.1-4.42", 1, 0);
	put(f, "rws", "citrix:adc", "11.1-63.14", 1, 0);
	/* Pulse */
	put(f, "gem-a", "pulsesecure:pulse_connect_secure", "9.0R3.3", 1, 1);
	put(f, "gem-b", "pulsesecure:pulse_connect_secure", "9.0r3.4", 1, 1);
	put(f, "rws", "pulsesecure:pulse_connect_secure", "8.3R7.1", 1, 0);
	put(f, "tennet", "pulsesecure:pulse_connect_secure", "9.1R1", 1, 0);
	/* semver, with a CPE for the product */
	put(f, "gem-a", "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*", NULL, 7, 0);
	put(f, "gem-b", "apache:log4j", "2.15.0", 1, 0);
	put(f, "rws", "apache:log4j", "2.17.1", 1, 0);
	put(f, "tennet", "apache:log4j", "1.2.17", 1, 0);
	put(f, "zz-last", "apache:log4j", "2.3.1", 1, 1);
	/* a product no advisory names */
	put(f, "rws", "microsoft:exchange_server", "15.2.986.5", 1, 1);

	/* multi-interval, with a fixed version written the other way round */
	new_advisory(f,
	             (const char *[]){"citrix:adc:>=12.1|<12.1.55.18|>=13.0|<13.0.47.24",
	                              "citrix:gateway:<13.0.47.24"},
	             2, (const char *[]){"citrix:adc:13.0.47.22"}, 1, a1, sizeof(a1));
	/* "=", "!=", "<=" and a bound at a version someone runs */
	new_advisory(f,
	             (const char *[]){"pulsesecure:pulse_connect_secure:9.0R3.3|>=9.1|<=9.1R1",
	                              "apache:log4j:>=2.0|!=2.3.1|<2.17.0|<=1.2.17"},
	             2, (const char *[]){"apache:log4j:2.15.0"}, 1, a2, sizeof(a2));
	/* "*" and "!=" only */
	new_advisory(f, (const char *[]){"apache:log4j:*", "citrix:adc:!=13.0-47.24"}, 2, NULL, 0,
	             a3, sizeof(a3));
	/* published, then a draft with a wider range: the draft is what is matched */
	new_advisory(f, (const char *[]){"pulsesecure:pulse_connect_secure:<8.3R7.1"}, 1, NULL, 0,
	             a4, sizeof(a4));
	publish(f, a4);
	update_advisory(f, a4, (const char *[]){"pulsesecure:pulse_connect_secure:<=8.3R7.1"}, 1);
	/* published twice: the latest published version */
	new_advisory(f, (const char *[]){"citrix:adc:<12.0"}, 1, NULL, 0, a5, sizeof(a5));
	publish(f, a5);
	update_advisory(f, a5, (const char *[]){"citrix:adc:<13.0"}, 1);
	publish(f, a5);
	/* nothing matches */
	new_advisory(f, (const char *[]){"citrix:adc:>=14.0"}, 1, NULL, 0, a6, sizeof(a6));

	assert_int_equal(check_all(f), 22); /* 2 + 4 + 12 + 1 + 3 + 0, by hand */
	if (match_portfolio(f->db, collect, &all, &st, &e) != 0)
		fail_msg("match_portfolio: %s", e.msg);
	assert_int_equal(st.orgs, 5);
	assert_int_equal(st.products, 4);
	assert_int_equal(st.rows, 18);
	assert_int_equal(st.advisories, 6);
	assert_int_equal(st.ranges, 9);
	/* the fixed version is left out however it is written; the other branch is in */
	snprintf(line, sizeof(line), "%s 0 gem-a citrix:adc 13.0-47.22 2 1", a1);
	assert_false(has_line(&all, line));
	snprintf(line, sizeof(line), "%s 0 gem-b citrix:adc 13.0.47.22 1 0", a1);
	assert_false(has_line(&all, line));
	snprintf(line, sizeof(line), "%s 0 gem-a citrix:adc 13.0-36.27 3 0", a1);
	assert_true(has_line(&all, line));
	snprintf(line, sizeof(line), "%s 0 tennet citrix:adc 12.1-55.17 1 1", a1);
	assert_true(has_line(&all, line));
	snprintf(line, sizeof(line), "%s 0 zz-last citrix:adc 12.1-55.18 1 0", a1);
	assert_false(has_line(&all, line));
	/* the draft 1.01 of a4, not 1.00 */
	snprintf(line, sizeof(line), "%s 1 rws pulsesecure:pulse_connect_secure 8.3R7.1 1 0", a4);
	assert_true(has_line(&all, line));
	/* 1.01 of a5 */
	snprintf(line, sizeof(line), "%s 1 tennet citrix:adc 12.1-55.17 1 1", a5);
	assert_true(has_line(&all, line));
	/* the CPE row, under its product key */
	snprintf(line, sizeof(line), "%s 0 gem-a apache:log4j 2.14.1 7 0", a3);
	assert_true(has_line(&all, line));
	hitset_free(&all);
}

static void test_order_and_stop(void **state)
{
	struct fixture *f = *state;
	const char *orgs[] = {"o3", "o1", "o2"};
	struct hitset all = {0};
	struct err e = {0};
	char id[64];
	int seen = 0;

	for (size_t i = 0; i < 3; i++)
		add_org(f, orgs[i]);
	put(f, "o3", "v:p", "2.0", 1, 0);
	put(f, "o1", "v:p", "10.0", 1, 0);
	put(f, "o2", "v:p", "2.0", 1, 0);
	put(f, "o1", "v:p", "2.0", 1, 0);
	put(f, "o2", "v:p", "1.9", 1, 0);
	new_advisory(f, (const char *[]){"v:p:*"}, 1, NULL, 0, id, sizeof(id));
	if (match_portfolio(f->db, collect, &all, NULL, &e) != 0)
		fail_msg("match_portfolio: %s", e.msg);
	/* versions in version order, each version's rows by organisation */
	assert_int_equal(all.n, 5);
	assert_non_null(strstr(all.line[0], " o2 v:p 1.9 "));
	assert_non_null(strstr(all.line[1], " o1 v:p 2.0 "));
	assert_non_null(strstr(all.line[2], " o2 v:p 2.0 "));
	assert_non_null(strstr(all.line[3], " o3 v:p 2.0 "));
	assert_non_null(strstr(all.line[4], " o1 v:p 10.0 "));
	hitset_free(&all);
	/* the callback's value stops the match and comes back */
	assert_int_equal(match_portfolio(f->db, stop_at_three, &seen, NULL, &e), 42);
	assert_int_equal(seen, 3);
	/* inside the caller's transaction, which it leaves open */
	assert_int_equal(db_begin(f->db, &e), 0);
	put(f, "o3", "v:p", "1.0", 2, 1);
	if (match_portfolio(f->db, collect, &all, NULL, &e) != 0)
		fail_msg("match_portfolio: %s", e.msg);
	assert_int_equal(all.n, 6);
	assert_non_null(strstr(all.line[0], " o3 v:p 1.0 2 1"));
	assert_int_equal(db_commit(f->db, &e), 0);
	hitset_free(&all);
}

static void test_empty(void **state)
{
	struct fixture *f = *state;
	struct match_stats st;
	struct err e = {0};

	assert_int_equal(match_portfolio(f->db, NULL, NULL, &st, &e), 0);
	assert_int_equal(st.rows, 0);
	assert_int_equal(st.hits, 0);
	assert_int_equal(st.advisories, 0);
	assert_int_equal(check_all(f), 0);
}

/* A generated portfolio: random versions of a few schemes, random valid ranges (built from
 * the versions run and others), random fixed versions; every way must agree. */
static unsigned long rnd_state = 12345;

static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005ul + 1442695040888963407ul;
	return (unsigned)((rnd_state >> 33) % n);
}

static void random_version(char *out, size_t outsz)
{
	switch (rnd(4)) {
	case 0:
		snprintf(out, outsz, "%u.%u-%u.%u", 11 + rnd(3), rnd(2), 30 + rnd(30), rnd(40));
		break;
	case 1:
		snprintf(out, outsz, "%u.%uR%u.%u", 8 + rnd(2), rnd(2), 1 + rnd(7), rnd(3));
		break;
	case 2:
		snprintf(out, outsz, "%u.%u.%u", rnd(3), rnd(20), rnd(3));
		break;
	default:
		snprintf(out, outsz, "%u.%u%s", 1 + rnd(2), rnd(5), rnd(2) ? "" : ".0");
		break;
	}
}

static void test_random(void **state)
{
	static const char *const ops[] = {"", "!=", "<", "<=", ">", ">="};
	struct fixture *f = *state;
	const char *products[] = {"a:one", "a:two", "b:three"};
	char orgs[12][16];
	int made = 0;
	size_t hits;

	for (int i = 0; i < 12; i++) {
		snprintf(orgs[i], sizeof(orgs[i]), "org%02d", i);
		add_org(f, orgs[i]);
	}
	for (int i = 0; i < 400; i++) {
		char v[64];
		random_version(v, sizeof(v));
		put(f, orgs[rnd(12)], products[rnd(3)], v, 1 + rnd(5), rnd(2));
	}
	while (made < 60) {
		char aff[4][300], fix[3][100], id[64];
		const char *affp[4], *fixp[3];
		size_t na = 1 + rnd(3), nf = rnd(4);
		int ok = 1;

		for (size_t j = 0; j < na; j++) {
			int pos = snprintf(aff[j], sizeof(aff[j]), "%s:", products[j]);
			size_t nc = 1 + rnd(5);
			struct range r;
			struct err e = {0};

			for (size_t k = 0; k < nc; k++) {
				char v[64];
				random_version(v, sizeof(v));
				pos += snprintf(aff[j] + pos, sizeof(aff[j]) - (size_t)pos,
				                "%s%s%s", k ? "|" : "", ops[rnd(6)], v);
			}
			/* keep only ranges range_parse accepts */
			if (range_parse(aff[j] + strlen(products[j]) + 1, &r, &e) != 0) {
				ok = 0;
				break;
			}
			range_free(&r);
			affp[j] = aff[j];
		}
		if (!ok)
			continue;
		for (size_t j = 0; j < nf; j++) {
			char v[64];
			random_version(v, sizeof(v));
			snprintf(fix[j], sizeof(fix[j]), "%s:%s", products[rnd(3)], v);
			fixp[j] = fix[j];
		}
		new_advisory(f, affp, na, fixp, nf, id, sizeof(id));
		made++;
	}
	hits = check_all(f);
	/* the generated ranges must hit something, or the test proves little */
	assert_true(hits > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_cases, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_order_and_stop, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_random, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
