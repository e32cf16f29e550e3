/* bench_report.c: the evaluation report of a large incident: 10,000 government organisations
 * and 100,000 events, rendered as JSON, Markdown and HTML. The goal (issue 7): under two
 * seconds.
 *
 * It generates (once, then reuses) a database through the model, as the commands would fill
 * it: 10,000 organisations (100 ministries, 9,900 agencies under them) with a contact each and
 * a Citrix ADC in their inventory (nine in ten in the affected range); the Citrix advisory,
 * 1.00 medium/high and 1.01 high/high, each alerting every affected organisation (e-mail, and
 * call tasks for 1.01), delivered and partly acknowledged over the following hours; an
 * incident with its scale levels, decision and the vendor's patch timeline; a follow-up
 * request to every ministry and agency answered by four in five of them (patched, mitigated,
 * switched-off, kept-on with all three conditions, reviewed), a tenth remedied through the
 * inventory; the BIO clocks; and other changes (inventory of other products) up to 100,000
 * events in all. Then it measures, as medians over repetitions:
 *   1. report_evaluation: reading the events and building the report (JSON in memory);
 *   2. the three renderings of it;
 *   3. `baken report evaluation --format html` end to end, the command a user runs
 *      (opening the store, the report, writing it out).
 *
 * Environment: BENCH_SCALE (default 1; 0.1 for a quick run) scales organisations and events;
 * BENCH_REPS (default 5); BENCH_DIR (default build/bench); BENCH_BAKEN (default build/baken). */
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "formats/report_html.h"
#include "formats/report_md.h"
#include "model/advisory.h"
#include "model/alert.h"
#include "model/deadline.h"
#include "model/followup.h"
#include "model/incident.h"
#include "model/inventory.h"
#include "model/org.h"
#include "model/report.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define GEN_VERSION 1
#define GOAL_MS     2000.0

struct params {
	double scale;
	long orgs, events;
	int reps;
	char dir[512], path[1024], baken[512];
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what, const struct err *e)
{
	fprintf(stderr, "bench_report: %s: %s\n", what, e && e->msg[0] ? e->msg : "failed");
	exit(1);
}

static int64_t t_of(const char *iso)
{
	int64_t t = 0;

	time_parse(iso, &t, NULL);
	return t;
}

/* xorshift: the same data on every run */
static uint64_t rnd_state = 88172645463325252ULL;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static int64_t count(struct db *db, const char *sql)
{
	int64_t n = 0;

	if (db_query_int(db, sql, NULL, &n, NULL) != 0)
		die(sql, NULL);
	return n;
}

static void org_id(long i, char *out, size_t outsz)
{
	if (i < 100)
		snprintf(out, outsz, "min-%03ld", i);
	else
		snprintf(out, outsz, "agency-%05ld", i);
}

static void generate(const struct params *p)
{
	static const char *affects[] = {"citrix:adc:>=13.0|<13.0.47.24"};
	static const char *cves[] = {"CVE-2019-19781"};
	struct act act = {"bench", t_of("2019-12-17T09:00:00Z")};
	struct advisory_input in;
	struct alert_counts ac;
	struct db *db;
	struct err e = {0, ""};
	char tmp[1100], id[64], org[32], parent[32], email[64], ver[32];
	int num = 0, material = 0;
	long ministries = p->orgs < 1000 ? p->orgs / 100 + 1 : 100;
	double t0 = now_ms();

	snprintf(tmp, sizeof(tmp), "%s.tmp", p->path);
	unlink(tmp);
	if (db_open(tmp, 1, &db, &e) != 0 || db_begin(db, &e) != 0)
		die("open", &e);
	for (long i = 0; i < p->orgs; i++) {
		struct org_fields of = {org, "Organisatie", i < ministries ? "ministry" : "agency",
		                        NULL, NULL};
		struct contact_fields cf = {org, "CISO", "ciso", email, NULL, 0, NULL};
		struct inventory_row row = {org, "citrix:adc", ver, 1 + (long)(rnd() % 4), 1};

		org_id(i, org, sizeof(org));
		org_id((long)(i % ministries), parent, sizeof(parent));
		of.parent = i < ministries ? NULL : parent;
		snprintf(email, sizeof(email), "ciso@%s.example", org);
		snprintf(ver, sizeof(ver), "13.0-%ld.%ld", rnd() % 10 < 9 ? 41L : 47L,
		         rnd() % 10 < 9 ? 20L : 30L);
		if (rnd() % 10 == 0)
			snprintf(ver, sizeof(ver), "13.0.47.24");
		if (org_add(db, &act, &of, &e) != 0 || org_contact_set(db, &act, &cf, &e) != 0 ||
		    inventory_put(db, &act, &row, 1, &e) != 0)
			die("organisations", &e);
	}
	memset(&in, 0, sizeof(in));
	in.title = "Kwetsbaarheid in Citrix ADC";
	in.cves = cves;
	in.ncves = 1;
	in.affects = affects;
	in.naffects = 1;
	in.disclosed = "2019-12-17T00:00:00Z";
	in.reported_to_vendor = "2019-12-06T00:00:00Z";
	matrix_init(&in.matrix);
	matrix_from_text("default-config=yes,exploit=none,details=somewhat,access=internet,"
	                 "credentials=none,complexity=average,interaction=none,exploited=no,"
	                 "exploit-expected=no,fix-available=none,dos=no,code-exec=root,remote=no,"
	                 "privesc=no,leak=no",
	                 &in.matrix, NULL);
	if (advisory_new(db, &act, &in, id, sizeof(id), &e) != 0)
		die("advisory", &e);
	act.at = t_of("2019-12-18T10:00:00Z");
	if (advisory_publish(db, &act, id, 0, 0, &num, &material, &e) != 0 ||
	    alert_on_publish(db, &act, id, num, material, &ac, &e) != 0)
		die("publish 1.00", &e);
	memset(&in, 0, sizeof(in));
	matrix_init(&in.matrix);
	matrix_set(&in.matrix, "exploit", "poc", NULL);
	matrix_set(&in.matrix, "exploit-expected", "yes", NULL);
	in.change = "Inschaling verhoogd naar high/high";
	act.at = t_of("2019-12-24T12:00:00Z");
	if (advisory_update(db, &act, id, &in, &num, &e) != 0)
		die("update", &e);
	act.at = t_of("2019-12-24T12:05:00Z");
	if (advisory_publish(db, &act, id, 0, 0, &num, &material, &e) != 0 ||
	    alert_on_publish(db, &act, id, num, material, &ac, &e) != 0)
		die("publish 1.01", &e);
	/* delivery and acknowledgement over the following hours (as the outbox would record) */
	if (db_exec(
	        db,
	        "UPDATE alerts SET state = 'delivered', delivered_at = "
	        "strftime('%Y-%m-%dT%H:%M:%SZ',"
	        " created_at, '+' || (60 + id % 3000) || ' seconds') WHERE channel <> 'call'"
	        " AND id % 50 <> 0;"
	        "UPDATE alerts SET state = 'acknowledged', acked_at = "
	        "strftime('%Y-%m-%dT%H:%M:%SZ',"
	        " delivered_at, '+' || (300 + id % 20000) || ' seconds') WHERE delivered_at IS NOT"
	        " NULL AND id % 3 = 0;"
	        "UPDATE alerts SET state = 'delivered', outcome = 'reached', delivered_at ="
	        " strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+' || (600 + id % 7200) ||"
	        " ' seconds') WHERE channel = 'call' AND id % 4 <> 0",
	        &e) != 0)
		die("deliveries", &e);
	/* the incident */
	{
		const char *advs[] = {id}, *appr[] = {"Minister van JenV", "Minister van BZK"};
		struct incident_entry dec = {
		    "decision", "Akkoord op dringend advies", NULL, NULL, NULL, appr, 2, NULL, 0};
		long entry;
		act.at = t_of("2020-01-11T12:00:00Z");
		if (incident_new(db, &act, "citrix", "Citrix ADC (CVE-2019-19781)", advs, 1, 1,
		                 &e) ||
		    incident_patch(db, &act, "citrix", "citrix:adc:>=13.0|<13.0.47.24",
		                   "2020-01-27", NULL, &e))
			die("incident", &e);
		act.at = t_of("2020-01-17T10:00:00Z");
		if (incident_scale(db, &act, "citrix", 2, "NCTV", "Opschaling", &e))
			die("scale", &e);
		act.at = t_of("2020-01-17T16:00:00Z");
		if (incident_log(db, &act, "citrix", &dec, &entry, &e))
			die("decision", &e);
		act.at = t_of("2020-01-22T09:00:00Z");
		if (incident_patch(db, &act, "citrix", "citrix:adc:>=13.0|<13.0.47.24",
		                   "2020-01-24", NULL, &e))
			die("patch", &e);
		act.at = t_of("2020-01-24T22:00:00Z");
		if (incident_patch(db, &act, "citrix", "citrix:adc:>=13.0|<13.0.47.24", NULL,
		                   "13.0.47.24", &e))
			die("release", &e);
	}
	/* the follow-up: asked of every ministry and agency, answered by four in five */
	{
		const char *to[] = {"ministry", "agency"};
		struct followup_request_input rq = {
		    id, to, 2, "Schakel uit of leg uit", t_of("2020-01-18T12:00:00Z"), 0};
		json_t *orgs = NULL;
		long req = 0, answer = 0;
		act.at = t_of("2020-01-17T17:30:00Z");
		if (followup_request(db, &act, &rq, &req, &orgs, &e) != 0)
			die("request", &e);
		json_decref(orgs);
		for (long i = 0; i < p->orgs; i++) {
			static const char *const st[] = {"patched", "mitigated", "switched-off",
			                                 "kept-on"};
			struct followup_answer_input a = {0};
			long k = (long)(rnd() % 5);
			if (k == 4)
				continue;
			org_id(i, org, sizeof(org));
			a.advisory = id;
			a.org = org;
			a.status = st[k];
			a.version = k == 0 ? "13.0.47.24" : NULL;
			a.measures = k == 1 ? "Responder policy" : NULL;
			if (k == 3) {
				a.c[0] = "Continuiteit van de meldkamer";
				a.c[1] = "Extra monitoring";
				a.c[2] = "Gesegmenteerd";
			}
			act.at = t_of("2020-01-17T18:00:00Z") + (int64_t)(rnd() % (5 * 86400));
			if (followup_respond(db, &act, &a, &answer, &e) != 0)
				die("answer", &e);
			if (k == 3) {
				act.at += 3600;
				if (followup_review(db, &act, id, org, 0, rnd() % 3 != 0,
				                    "beoordeeld", 0, &e) != 0)
					die("review", &e);
			}
		}
	}
	/* a tenth fixed through the inventory */
	act.at = t_of("2020-01-25T09:00:00Z");
	for (long i = 0; i < p->orgs; i += 10) {
		struct inventory_row row = {org, "citrix:adc", "13.0.47.24", 1, 1};
		org_id(i, org, sizeof(org));
		{
			struct db_stmt *st;
			if (db_prepare(
			        db,
			        "UPDATE inventory SET count = 0, updated_at = ?2 WHERE org_id = ?1",
			        &st, &e) != 0)
				die("inventory", &e);
			db_bind_text(st, 1, org);
			db_bind_text(st, 2, "2020-01-25T09:00:00Z");
			db_step(st, &e);
			db_done(st);
		}
		if (inventory_put(db, &act, &row, 1, &e) != 0)
			die("inventory fix", &e);
	}
	if (deadline_sync(db, NULL, NULL, &e) != 0)
		die("deadlines", &e);
	/* the rest of the log: other changes, to 100,000 events */
	for (long n = count(db, "SELECT count(*) FROM events"), i = 0; n < p->events; n++, i++) {
		struct inventory_row row = {org, "fortinet:fortios", ver, 1, 0};
		org_id(i % p->orgs, org, sizeof(org));
		snprintf(ver, sizeof(ver), "6.%ld.%ld", i % 7, i);
		act.at = t_of("2019-12-01T00:00:00Z") + i * 60;
		if (inventory_put(db, &act, &row, 1, &e) != 0)
			die("filler", &e);
	}
	if (db_commit(db, &e) != 0)
		die("commit", &e);
	db_close(db);
	if (rename(tmp, p->path) != 0)
		die("rename", NULL);
	fprintf(stderr, "bench_report: generated %s in %.1f s\n", p->path, (now_ms() - t0) / 1000);
}

int main(void)
{
	struct params p;
	struct db *db;
	struct err e = {0, ""};
	struct stat sb;
	const char *s = getenv("BENCH_SCALE"), *r = getenv("BENCH_REPS"), *d = getenv("BENCH_DIR"),
	           *b = getenv("BENCH_BAKEN");
	double *tb, *th, *tm, *tj, *tc, sizes[3] = {0};
	int64_t events, orgs, clocks;
	char cmd[2200];

	memset(&p, 0, sizeof(p));
	p.scale = s ? strtod(s, NULL) : 1.0;
	if (p.scale <= 0 || p.scale > 10)
		p.scale = 1.0;
	p.orgs = (long)(10000 * p.scale);
	p.events = (long)(100000 * p.scale);
	p.reps = r ? (int)strtol(r, NULL, 10) : 5;
	if (p.reps < 1 || p.reps > 100)
		p.reps = 5;
	snprintf(p.dir, sizeof(p.dir), "%s", d ? d : "build/bench");
	snprintf(p.baken, sizeof(p.baken), "%s", b ? b : "build/baken");
	mkdir(p.dir, 0755);
	snprintf(p.path, sizeof(p.path), "%s/report-v%d-%ld.db", p.dir, GEN_VERSION, p.orgs);
	if (stat(p.path, &sb) != 0)
		generate(&p);
	if (db_open(p.path, 0, &db, &e) != 0)
		die("open", &e);
	events = count(db, "SELECT count(*) FROM events");
	orgs = count(db, "SELECT count(*) FROM orgs");
	clocks = count(db, "SELECT count(*) FROM deadlines");
	tb = calloc((size_t)p.reps, sizeof(double));
	th = calloc((size_t)p.reps, sizeof(double));
	tm = calloc((size_t)p.reps, sizeof(double));
	tj = calloc((size_t)p.reps, sizeof(double));
	tc = calloc((size_t)p.reps, sizeof(double));
	for (int i = 0; i < p.reps; i++) {
		struct report_opts o = {"citrix", t_of("2020-02-01T00:00:00Z"), "nl"};
		struct buf out;
		json_t *rep = NULL;
		char *text;
		double t0 = now_ms();

		if (db_begin(db, &e) != 0 || report_evaluation(db, &o, &rep, &e) != 0)
			die("report", &e);
		db_rollback(db);
		tb[i] = now_ms() - t0;
		buf_init(&out, (size_t)512 << 20);
		t0 = now_ms();
		if (report_html(rep, &out) != 0)
			die("html", NULL);
		th[i] = now_ms() - t0;
		sizes[0] = (double)out.len;
		buf_reset(&out);
		t0 = now_ms();
		if (report_markdown(rep, &out) != 0)
			die("markdown", NULL);
		tm[i] = now_ms() - t0;
		sizes[1] = (double)out.len;
		t0 = now_ms();
		text = json_dumps(rep, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		tj[i] = now_ms() - t0;
		sizes[2] = text ? (double)strlen(text) : 0;
		free(text);
		buf_free(&out);
		json_decref(rep);
	}
	db_close(db);
	for (int i = 0; i < p.reps; i++) {
		double t0 = now_ms();
		snprintf(
		    cmd, sizeof(cmd),
		    "%s --db '%s' --at 2020-02-01T00:00:00Z report evaluation citrix --format html"
		    " --out '%s/report.html'",
		    p.baken, p.path, p.dir);
		if (system(cmd) != 0)
			die(cmd, NULL);
		tc[i] = now_ms() - t0;
	}
	{
		double build = median(tb, p.reps), html = median(th, p.reps),
		       md = median(tm, p.reps), js = median(tj, p.reps), end = median(tc, p.reps);
		printf("bench_report: %lld organisations, %lld events, %lld BIO clocks; medians of "
		       "%d\n",
		       (long long)orgs, (long long)events, (long long)clocks, p.reps);
		printf("  report_evaluation (read the events, build)  %8.1f ms\n", build);
		printf("  + HTML with SVG charts (%5.1f MB)            %8.1f ms  total %8.1f ms\n",
		       sizes[0] / 1e6, html, build + html);
		printf("  + Markdown (%5.1f MB)                        %8.1f ms  total %8.1f ms\n",
		       sizes[1] / 1e6, md, build + md);
		printf("  + JSON (%5.1f MB)                            %8.1f ms  total %8.1f ms\n",
		       sizes[2] / 1e6, js, build + js);
		printf("  baken report evaluation --format html, end to end  %8.1f ms\n", end);
		printf("  goal: under %.0f ms: %s\n", GOAL_MS,
		       build + html < GOAL_MS && end < GOAL_MS ? "met" : "NOT met");
	}
	free(tb);
	free(th);
	free(tm);
	free(tj);
	free(tc);
	return 0;
}
