/* bench_match.c: re-matching a whole portfolio, as a CSIRT must when its inventory or the KEV
 * changes, Baken against the same questions asked in plain SQL of the same SQLite file.
 *
 * It generates (once, then reuses) a database of 10,000 organisations x 200 products (2
 * million inventory rows over a catalogue of 4,000 products with Citrix-, Pulse-, semver-,
 * Windows-build-, OpenSSL- and VMware-style versions, popularity skewed so that some products
 * are run by nearly every organisation) and 2,000 advisories with 10,000 (product, range)
 * pairs in their latest versions (multi-interval ranges, "=", "!=", "*", fixed versions,
 * drafts and updates). Then it measures, in one run, medians over repetitions of:
 *   1. `advisory affected` of one advisory (a typical one and the one with the most hits):
 *      advisory_load + advisory_affected in-process, against one SQL query;
 *   2. the full re-match of every advisory: match_portfolio, against one SQL query.
 * The SQL is what an analyst would write: the advisory's ranges stored as interval rows
 * (bench_intervals: lo/hi bounds and their inclusivity, from range_parse) joined with the
 * inventory, and compared with vcmp(a, b), version_compare registered as an SQL function.
 * For reference it also asks the same with the inventory's vkey column (a range scan of the
 * index inventory_product), which is what the SQL could do at best.
 * The hits of both sides must be the same set: a mismatch fails the run (exit 1).
 *
 * Environment: BENCH_SCALE (default 1: the full size; 0.1 for a quick run) scales the
 * organisations, advisories and ranges; BENCH_SEED (default 1); BENCH_REPS (repetitions of
 * the fast measurements, default 15); BENCH_SQL_REPS (of the full SQL re-match, default 3);
 * BENCH_DIR (default build/bench); BENCH_PLAN=1 prints the SQL query plans;
 * BENCH_EXTRA_INDEX=1 generates (into another file) the data with the covering index
 * inventory_match (product, vkey, org_id, version, count, internet_facing) that
 * docs/performance.md proposes, to measure both sides with it. */
#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "domain/range.h"
#include "domain/version.h"
#include "model/advisory.h"
#include "model/match.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define GEN_VERSION    3 /* part of the file name: bump when the generated data changes */
#define CATALOGUE      4000
#define PER_ORG        200
#define MAX_BRANCHES   6
#define GOAL_ONE_MS    10.0
#define GOAL_FULL_MS   2000.0
#define GOAL_RATIO     10.0
#define ADVISORY_YEARS 5

struct params {
	double scale;
	long orgs, per_org, products, advisories, ranges;
	unsigned long seed;
	int reps, sql_reps, plan, extra_index;
	char dir[512], path[1024];
};

/* ---- small helpers ---- */

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "bench_match: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static void sq_check(sqlite3 *h, int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "bench_match: %s: %s\n", what, sqlite3_errmsg(h));
		exit(1);
	}
}

static void sq_exec(sqlite3 *h, const char *sql)
{
	sq_check(h, sqlite3_exec(h, sql, NULL, NULL, NULL), sql);
}

static sqlite3_stmt *sq_prepare(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st = NULL;

	sq_check(h, sqlite3_prepare_v2(h, sql, -1, &st, NULL), sql);
	return st;
}

static void sq_step_done(sqlite3 *h, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE)
		sq_check(h, rc == SQLITE_ROW ? SQLITE_ERROR : rc, what);
	sqlite3_reset(st);
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), dbl_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long env_long(const char *name, long def, long lo, long hi)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return def;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < lo || v > hi)
		die("%s: expected a whole number in range", name);
	return v;
}

/* splitmix64: deterministic for a seed, on every platform */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* uniform in [0, n) */
static long rng_below(long n)
{
	return (long)(rng_next() % (uint64_t)n);
}

static double rng_unit(void)
{
	return (double)(rng_next() >> 11) / 9007199254740992.0;
}

/* An index drawn from a cumulative distribution cdf[0..n-1] (cdf[n-1] == 1). */
static long rng_cdf(const double *cdf, long n)
{
	double u = rng_unit();
	long lo = 0, hi = n - 1;

	while (lo < hi) {
		long mid = (lo + hi) / 2;
		if (cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Turns weights w[0..n-1] into their cumulative distribution. */
static void cdf_normalise(double *w, long n)
{
	double sum = 0;

	for (long i = 0; i < n; i++)
		sum += w[i];
	for (long i = 0; i < n; i++)
		w[i] = (i ? w[i - 1] : 0) + w[i] / sum;
	w[n - 1] = 1.0;
}

/* ---- the catalogue: products, their branches and versions ---- */

enum scheme {
	SCHEME_CITRIX,   /* 13.0-47.22 */
	SCHEME_PULSE,    /* 9.0R3.3, 9.1R1 */
	SCHEME_SEMVER,   /* 2.4.51 */
	SCHEME_FOUR,     /* 10.5.70.12 */
	SCHEME_OPENSSL,  /* 1.1.1k */
	SCHEME_VMWARE,   /* 7.0U3c */
	SCHEME_WINBUILD, /* 10.0.19041.1234 */
	SCHEME_PATCH,    /* 7.2.5, 7.2.5-p1 */
	SCHEMES
};

struct gproduct {
	char name[80];
	enum scheme scheme;
	int nbranch;
	int bfirst[MAX_BRANCHES], blen[MAX_BRANCHES]; /* each branch's versions in ver[] */
	int nver;
	char **ver; /* ascending */
	unsigned char **key;
	size_t *keylen;
	double *cdf; /* how often each version is run */
};

static const struct {
	const char *name;
	enum scheme scheme;
} known[] = {
    {"microsoft:windows_server", SCHEME_WINBUILD},
    {"microsoft:windows_10", SCHEME_WINBUILD},
    {"microsoft:exchange_server", SCHEME_FOUR},
    {"vmware:esxi", SCHEME_VMWARE},
    {"vmware:vcenter_server", SCHEME_VMWARE},
    {"citrix:netscaler_adc", SCHEME_CITRIX},
    {"citrix:netscaler_gateway", SCHEME_CITRIX},
    {"openssl:openssl", SCHEME_OPENSSL},
    {"apache:http_server", SCHEME_SEMVER},
    {"apache:log4j", SCHEME_SEMVER},
    {"fortinet:fortios", SCHEME_SEMVER},
    {"ivanti:connect_secure", SCHEME_PULSE},
    {"pulsesecure:pulse_connect_secure", SCHEME_PULSE},
    {"cisco:adaptive_security_appliance", SCHEME_FOUR},
    {"f5:big-ip", SCHEME_FOUR},
    {"paloaltonetworks:pan-os", SCHEME_PATCH},
    {"openbsd:openssh", SCHEME_PATCH},
    {"atlassian:confluence_server", SCHEME_SEMVER},
    {"gitlab:gitlab", SCHEME_SEMVER},
    {"oracle:weblogic_server", SCHEME_FOUR},
    {"sonicwall:sma_100", SCHEME_FOUR},
    {"progress:moveit_transfer", SCHEME_SEMVER},
    {"veeam:backup_and_replication", SCHEME_FOUR},
    {"zimbra:collaboration", SCHEME_PATCH},
    {"juniper:junos", SCHEME_PULSE},
    {"sap:netweaver", SCHEME_SEMVER},
    {"nginx:nginx", SCHEME_SEMVER},
    {"postgresql:postgresql", SCHEME_SEMVER},
    {"mozilla:firefox", SCHEME_SEMVER},
    {"google:chrome", SCHEME_FOUR},
};

static const char *const syll[] = {"ar",  "bel", "cor", "dat", "el",  "fin", "gra", "hel",  "ion",
                                   "jet", "kor", "lum", "mar", "nex", "or",  "pax", "quin", "ros",
                                   "sol", "tek", "ul",  "vor", "wex", "xan", "yor", "zen"};
static const char *const words[] = {
    "gateway",   "server",     "firewall", "vpn",     "portal", "agent",     "manager",
    "console",   "switch",     "router",   "storage", "backup", "mail",      "web",
    "db",        "sso",        "proxy",    "ids",     "edr",    "scada",     "hmi",
    "plc",       "hypervisor", "client",   "suite",   "cloud",  "connector", "controller",
    "analytics", "monitor",    "camera",   "printer", "nas",    "wiki",      "crm"};
#define NSYLL  (long)(sizeof(syll) / sizeof(syll[0]))
#define NWORDS (long)(sizeof(words) / sizeof(words[0]))

/* Writes release j of branch b of a product of scheme s; base numbers come with the branch. */
static void gen_format(enum scheme s, const int *base, int j, int extra, char *out, size_t n)
{
	switch (s) {
	case SCHEME_CITRIX:
		snprintf(out, n, "%d.%d-%d.%d", base[0], base[1], base[2] + 2 * j + extra % 2,
		         1 + extra % 60);
		break;
	case SCHEME_PULSE:
		if (extra % 3 == 0)
			snprintf(out, n, "%d.%dR%d", base[0], base[1], 1 + j);
		else
			snprintf(out, n, "%d.%dR%d.%d", base[0], base[1], 1 + j, extra % 5);
		break;
	case SCHEME_SEMVER:
		snprintf(out, n, "%d.%d.%d", base[0], base[1], j);
		break;
	case SCHEME_FOUR:
		snprintf(out, n, "%d.%d.%d.%d", base[0], base[1], base[2] + 10 * j + extra % 7,
		         1 + extra % 40);
		break;
	case SCHEME_OPENSSL:
		snprintf(out, n, "%d.%d.%d%c", base[0], base[1], base[2], 'a' + j % 26);
		break;
	case SCHEME_VMWARE:
		if (j % 3 == 0)
			snprintf(out, n, "%d.%dU%d", base[0], base[1], 1 + j / 3);
		else
			snprintf(out, n, "%d.%dU%d%c", base[0], base[1], 1 + j / 3,
			         'a' + j % 3 - 1);
		break;
	case SCHEME_WINBUILD:
		snprintf(out, n, "10.0.%d.%d", base[2], 100 + 97 * j + extra % 50);
		break;
	default: /* SCHEME_PATCH */
		if (j % 2)
			snprintf(out, n, "%d.%d.%d-p%d", base[0], base[1], j / 2, 1 + extra % 3);
		else
			snprintf(out, n, "%d.%d.%d", base[0], base[1], j / 2);
		break;
	}
}

static void gen_product(struct gproduct *p)
{
	static const int winbuilds[] = {14393, 17763, 19041, 19045, 20348, 22621};
	int major = 1 + (int)rng_below(12), nb = 1 + (int)rng_below(5), cap = 0;
	double *w;

	p->nbranch = 0;
	p->nver = 0;
	for (int b = 0; b < nb; b++) {
		int base[3], len = 3 + (int)rng_below(13), first = p->nver;
		switch (p->scheme) {
		case SCHEME_CITRIX:
			base[0] = 11 + b / 2;
			base[1] = b % 2;
			base[2] = 20 + (int)rng_below(30);
			break;
		case SCHEME_OPENSSL:
			base[0] = 1;
			base[1] = b / 2;
			base[2] = b % 2;
			break;
		case SCHEME_WINBUILD:
			base[0] = 10;
			base[1] = 0;
			base[2] = winbuilds[b];
			break;
		default:
			base[0] = major + b / 3;
			base[1] = b % 3;
			base[2] = 30 + 100 * b;
			break;
		}
		for (int j = 0; j < len; j++) {
			char v[64];
			gen_format(p->scheme, base, j, (int)rng_below(1000), v, sizeof(v));
			if (p->nver == cap) {
				cap = cap ? 2 * cap : 32;
				p->ver = xreallocarray(p->ver, (size_t)cap, sizeof(char *));
			}
			p->ver[p->nver++] = xstrdup(v);
		}
		p->bfirst[b] = first;
		p->blen[b] = len;
		p->nbranch++;
	}
	/* every scheme writes branches and their releases in ascending order: ranges and
	 * popularity rely on it */
	for (int i = 1; i < p->nver; i++)
		if (version_compare(p->ver[i - 1], p->ver[i]) >= 0)
			die("the generator wrote versions out of order: %s", p->ver[i]);
	p->key = xcalloc((size_t)p->nver, sizeof(*p->key));
	p->keylen = xcalloc((size_t)p->nver, sizeof(*p->keylen));
	w = xcalloc((size_t)p->nver, sizeof(*w));
	for (int i = 0; i < p->nver; i++) {
		unsigned char key[VERSION_KEY_MAX];
		if (version_key(p->ver[i], key, sizeof(key), &p->keylen[i]) != 0)
			die("version_key(%s) failed", p->ver[i]);
		p->key[i] = xmalloc(p->keylen[i]);
		memcpy(p->key[i], key, p->keylen[i]);
	}
	/* newer branches and newer releases are run more */
	for (int b = 0; b < p->nbranch; b++)
		for (int j = 0; j < p->blen[b]; j++) {
			double bw = (double)(b + 1) * (b + 1), rw = 1.0;
			for (int k = j; k < p->blen[b] - 1; k++)
				rw *= 0.75;
			w[p->bfirst[b] + j] = bw * rw;
		}
	cdf_normalise(w, p->nver);
	p->cdf = w;
}

static int name_cmp(const void *a, const void *b)
{
	const struct gproduct *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* The catalogue, most popular first; rank[i] is product i's place in name order. */
static struct gproduct *gen_catalogue(long n, long **rank)
{
	struct gproduct *p = xcalloc((size_t)n, sizeof(*p));
	struct gproduct **byname = xcalloc((size_t)n, sizeof(*byname));
	long nknown = (long)(sizeof(known) / sizeof(known[0]));

	for (long i = 0; i < n; i++) {
		if (i < nknown) {
			snprintf(p[i].name, sizeof(p[i].name), "%s", known[i].name);
			p[i].scheme = known[i].scheme;
		} else {
			snprintf(p[i].name, sizeof(p[i].name), "%s%s:%s_%s", syll[rng_below(NSYLL)],
			         syll[rng_below(NSYLL)], words[rng_below(NWORDS)],
			         words[rng_below(NWORDS)]);
			p[i].scheme = (enum scheme)rng_below(SCHEMES);
		}
		gen_product(&p[i]);
		byname[i] = &p[i];
	}
	/* names must be unique: number the repeats */
	for (int again = 1; again;) {
		again = 0;
		qsort(byname, (size_t)n, sizeof(*byname), name_cmp);
		for (long i = 1; i < n; i++)
			if (strcmp(byname[i]->name, byname[i - 1]->name) == 0) {
				size_t len = strlen(byname[i]->name);
				snprintf(byname[i]->name + len, sizeof(byname[i]->name) - len,
				         "%ld", 2 + rng_below(8));
				again = 1;
			}
	}
	*rank = xcalloc((size_t)n, sizeof(**rank));
	for (long i = 0; i < n; i++)
		(*rank)[byname[i] - p] = i;
	free(byname);
	return p;
}

/* ---- ranges ---- */

/* A random range over p's versions, canonical, into out; also its parse into r. */
static void gen_range(const struct gproduct *p, char *out, size_t outsz, struct range *r)
{
	struct err e = {0};
	struct buf canon;
	char text[1024];
	size_t len = 0;
	long kind = rng_below(100);
	int last = p->nbranch - 1;

	text[0] = '\0';
	if (kind < 55 || p->nver < 3) {
		/* one interval per affected branch, the most recent branches */
		int k = 1 + (int)rng_below(p->nbranch < 3 ? p->nbranch : 3);
		for (int b = p->nbranch - k; b <= last; b++) {
			int f = p->blen[b] > 1 ? 1 + (int)rng_below(p->blen[b] - 1) : 0;
			const char *fix = p->ver[p->bfirst[b] + f];
			if (p->blen[b] < 2)
				continue;
			if (b == 0 && rng_below(3) == 0)
				len += (size_t)snprintf(text + len, sizeof(text) - len, "%s<%s",
				                        len ? "|" : "", fix);
			else
				len +=
				    (size_t)snprintf(text + len, sizeof(text) - len, "%s>=%s|<%s",
				                     len ? "|" : "", p->ver[p->bfirst[b]], fix);
		}
		if (len == 0)
			snprintf(text, sizeof(text), "<=%s", p->ver[p->nver - 1]);
	} else if (kind < 70) {
		snprintf(text, sizeof(text), "<%s", p->ver[1 + rng_below(p->nver - 1)]);
	} else if (kind < 78) {
		snprintf(text, sizeof(text), "<=%s", p->ver[rng_below(p->nver)]);
	} else if (kind < 88) {
		/* exact versions */
		int n = 1 + (int)rng_below(3), at = (int)rng_below(p->nver);
		for (int i = 0; i < n && at + i < p->nver; i++)
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s",
			                        len ? "|" : "", p->ver[at + i]);
	} else if (kind < 96) {
		/* a branch with one release left out */
		int b = last, n = p->blen[b];
		if (n >= 3)
			snprintf(text, sizeof(text), ">=%s|!=%s|<%s", p->ver[p->bfirst[b]],
			         p->ver[p->bfirst[b] + 1 + (int)rng_below(n - 2)],
			         p->ver[p->bfirst[b] + n - 1]);
		else
			snprintf(text, sizeof(text), "<%s", p->ver[p->nver - 1]);
	} else {
		snprintf(text, sizeof(text), "*");
	}
	if (range_parse(text, r, &e) != 0)
		die("generated a bad range: %s", e.msg);
	buf_init(&canon, 4096);
	range_format(r, &canon);
	snprintf(out, outsz, "%s", buf_str(&canon));
	buf_free(&canon);
}

/* The interval rows of a parsed range, as the SQL side stores them: runs of "in" among the
 * gaps and points gap0 c0 gap1 c1 ... c(n-1) gapn. lo/hi NULL are unbounded. */
struct interval {
	const char *lo, *hi;
	int lo_incl, hi_incl;
	const unsigned char *lo_key, *hi_key;
	size_t lo_keylen, hi_keylen;
};

static size_t range_intervals(const struct range *r, struct interval *out, size_t max)
{
	size_t n = 0;
	int open = 0;

	if (r->all) {
		out[0] = (struct interval){0};
		return 1;
	}
	for (size_t i = 0; i <= r->n; i++) {
		int gap_in = i < r->n ? r->c[i].below_in : r->above_in;
		int pt_in = i < r->n && (r->c[i].op == RANGE_EQ || r->c[i].op == RANGE_LE ||
		                         r->c[i].op == RANGE_GE);
		/* the gap below constraint i */
		if (gap_in && !open) {
			if (n == max)
				die("%s", "too many intervals");
			out[n] = (struct interval){0};
			if (i > 0) {
				out[n].lo = r->c[i - 1].version;
				out[n].lo_key = r->c[i - 1].key;
				out[n].lo_keylen = r->c[i - 1].keylen;
			}
			open = 1;
		} else if (!gap_in && open) {
			out[n].hi = r->c[i - 1].version;
			out[n].hi_key = r->c[i - 1].key;
			out[n].hi_keylen = r->c[i - 1].keylen;
			out[n++].hi_incl = 1; /* it ended at the point before */
			open = 0;
		}
		if (i == r->n)
			break;
		/* the point of constraint i */
		if (pt_in && !open) {
			if (n == max)
				die("%s", "too many intervals");
			out[n] = (struct interval){r->c[i].version, NULL, 1, 0, r->c[i].key, NULL,
			                           r->c[i].keylen,  0};
			open = 1;
		} else if (!pt_in && open) {
			out[n].hi = r->c[i].version;
			out[n].hi_key = r->c[i].key;
			out[n++].hi_keylen = r->c[i].keylen;
			open = 0;
		}
	}
	if (open)
		n++; /* unbounded above */
	return n;
}

/* ---- generation ---- */

struct gen {
	sqlite3 *h;
	sqlite3_stmt *version, *publish, *affect, *fixed, *interval, *cve, *vuln;
	long intervals, fixed_rows;
};

static void gen_affect(struct gen *g, const char *id, int num, int pos, const char *product,
                       const char *range, const struct range *r)
{
	struct interval iv[2 * RANGE_MAX_CONSTRAINTS + 2];
	size_t n = range_intervals(r, iv, sizeof(iv) / sizeof(iv[0]));
	static const unsigned char lowest[1] = {0}, highest[1] = {0xff};

	sqlite3_bind_text(g->affect, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(g->affect, 2, num);
	sqlite3_bind_int(g->affect, 3, pos);
	sqlite3_bind_text(g->affect, 4, product, -1, SQLITE_STATIC);
	sqlite3_bind_text(g->affect, 5, range, -1, SQLITE_STATIC);
	sq_step_done(g->h, g->affect, "insert advisory_affects");
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st = g->interval;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, num);
		sqlite3_bind_text(st, 3, product, -1, SQLITE_STATIC);
		if (iv[i].lo)
			sqlite3_bind_text(st, 4, iv[i].lo, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 4);
		sqlite3_bind_int(st, 5, iv[i].lo_incl);
		if (iv[i].hi)
			sqlite3_bind_text(st, 6, iv[i].hi, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 6);
		sqlite3_bind_int(st, 7, iv[i].hi_incl);
		/* unbounded: an empty key is below every key, 0xff above every key */
		sqlite3_bind_blob(st, 8, iv[i].lo ? iv[i].lo_key : lowest,
		                  iv[i].lo ? (int)iv[i].lo_keylen : 0, SQLITE_STATIC);
		sqlite3_bind_blob(st, 9, iv[i].hi ? iv[i].hi_key : highest,
		                  iv[i].hi ? (int)iv[i].hi_keylen : 1, SQLITE_STATIC);
		sq_step_done(g->h, st, "insert bench_intervals");
		g->intervals++;
	}
}

/* A version row, written as a draft: the lists of a published version may not change, so a
 * version is published (gen_publish) after its lists are in, as advisory_publish does. */
static void gen_version_row(struct gen *g, const char *id, int num, int day)
{
	char created[48];

	snprintf(created, sizeof(created), "%d-%02d-%02dT09:00:00Z", 2020 + day / 365,
	         1 + (day % 365) / 31, 1 + day % 28);
	sqlite3_bind_text(g->version, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(g->version, 2, num);
	sqlite3_bind_text(g->version, 3,
	                  num ? "Kwetsbaarheden verholpen (update)" : "Kwetsbaarheden verholpen",
	                  -1, SQLITE_STATIC);
	sqlite3_bind_text(g->version, 4, day % 7 ? "CLEAR" : "AMBER", -1, SQLITE_STATIC);
	sqlite3_bind_text(g->version, 5, "exploit=poc,access=internet", -1, SQLITE_STATIC);
	sqlite3_bind_text(g->version, 6, day % 3 ? "medium" : "high", -1, SQLITE_STATIC);
	sqlite3_bind_text(g->version, 7, day % 5 ? "high" : "medium", -1, SQLITE_STATIC);
	sqlite3_bind_text(g->version, 8, num ? "Versie 1.01: bereik bijgewerkt" : NULL, -1,
	                  SQLITE_STATIC);
	sqlite3_bind_text(g->version, 9, created, -1, SQLITE_TRANSIENT);
	sq_step_done(g->h, g->version, "insert advisory_versions");
}

static void gen_publish(struct gen *g, const char *id, int num, int day)
{
	char pub[48];

	snprintf(pub, sizeof(pub), "%d-%02d-%02dT1%d:00:00Z", 2020 + day / 365,
	         1 + (day % 365) / 31, 1 + day % 28, num);
	sqlite3_bind_text(g->publish, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(g->publish, 2, num);
	sqlite3_bind_text(g->publish, 3, pub, -1, SQLITE_STATIC);
	sq_step_done(g->h, g->publish, "publish advisory_versions");
}

static void gen_advisories(struct gen *g, const struct params *pr, const struct gproduct *cat,
                           const double *zipf)
{
	long na = pr->advisories, *nranges = xcalloc((size_t)na, sizeof(long));
	double *weight = xcalloc((size_t)na, sizeof(double));
	sqlite3_stmt *adv;
	long per_year = (na + ADVISORY_YEARS - 1) / ADVISORY_YEARS;

	/* every advisory one range; the rest spread with a skew: some advisories (a vendor's
	 * quarterly patch day) name dozens of products */
	for (long i = 0; i < na; i++) {
		nranges[i] = 1;
		weight[i] = rng_below(10) == 0 ? 8.0 : 1.0;
	}
	cdf_normalise(weight, na);
	for (long k = na; k < pr->ranges; k++) {
		long i = rng_cdf(weight, na);
		if (nranges[i] < 200)
			nranges[i]++;
		else
			k--;
	}
	adv = sq_prepare(g->h, "INSERT INTO advisories (id, year, seq, created_at)"
	                       " VALUES (?1, ?2, ?3, ?4)");
	for (long i = 0; i < na; i++) {
		char id[32], created[32], cves[3][32];
		int ncves;
		int year = 2020 + (int)(i / per_year), seq = 1 + (int)(i % per_year);
		int day = (year - 2020) * 365 + (int)((seq * 365L) / (per_year + 1));
		long *prod;
		long kind = rng_below(100), n = nranges[i];
		int versions = kind < 80 ? 1 : 2, draft = kind >= 95 || (kind >= 90 && kind < 95);

		/* kind: <80 one published version; 80-89 1.00 and 1.01 published; 90-94 1.00
		 * published and a draft 1.01; 95-99 only a draft 1.00 */
		if (kind >= 95)
			versions = 1;
		snprintf(id, sizeof(id), "NCSC-%d-%04d", year, seq);
		snprintf(created, sizeof(created), "%d-%02d-%02dT09:00:00Z", year,
		         1 + (day % 365) / 31, 1 + day % 28);
		sqlite3_bind_text(adv, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(adv, 2, year);
		sqlite3_bind_int64(adv, 3, seq);
		sqlite3_bind_text(adv, 4, created, -1, SQLITE_STATIC);
		sq_step_done(g->h, adv, "insert advisories");

		/* its CVEs: 1-3, each a vulnerability record */
		ncves = 1 + (int)rng_below(3);
		for (int c = 0; c < ncves; c++) {
			snprintf(cves[c], sizeof(cves[c]), "CVE-%d-%d", year - (int)rng_below(2),
			         1000 + (int)(i * 3 + c));
			sqlite3_bind_text(g->vuln, 1, cves[c], -1, SQLITE_STATIC);
			sq_step_done(g->h, g->vuln, "insert vulns");
		}

		/* the products: popular ones by the inventory's skew, and any product */
		prod = xcalloc((size_t)n, sizeof(long));
		for (long k = 0; k < n; k++) {
			long p;
			int dup;
			do {
				p = rng_below(2) ? rng_cdf(zipf, pr->products)
				                 : rng_below(pr->products);
				dup = 0;
				for (long m = 0; m < k; m++)
					dup |= prod[m] == p;
			} while (dup);
			prod[k] = p;
		}
		for (int num = 0; num < versions; num++) {
			int latest = num == versions - 1;
			int published = !(latest && draft);
			/* 1.00 of a two-version advisory lacks the last product (1.01 widened it)
			 */
			long nprod = latest || n == 1 ? n : n - 1;

			gen_version_row(g, id, num, day);
			for (int c = 0; c < ncves; c++) {
				sqlite3_bind_text(g->cve, 1, id, -1, SQLITE_STATIC);
				sqlite3_bind_int(g->cve, 2, num);
				sqlite3_bind_int(g->cve, 3, c);
				sqlite3_bind_text(g->cve, 4, cves[c], -1, SQLITE_STATIC);
				sq_step_done(g->h, g->cve, "insert advisory_cves");
			}
			for (long k = 0; k < nprod; k++) {
				const struct gproduct *p = &cat[prod[k]];
				char range[1024];
				struct range r;

				gen_range(p, range, sizeof(range), &r);
				gen_affect(g, id, num, (int)k, p->name, range, &r);
				/* fixed versions: hotfix builds inside the range */
				if (rng_below(100) < 30) {
					int nf = 1 + (int)rng_below(2), pos = 0;
					for (int t = 0; t < 12 && nf > 0; t++) {
						const char *v = p->ver[rng_below(p->nver)];
						if (!range_contains(&r, v))
							continue;
						sqlite3_bind_text(g->fixed, 1, id, -1,
						                  SQLITE_STATIC);
						sqlite3_bind_int(g->fixed, 2, num);
						sqlite3_bind_int(g->fixed, 3, (int)k * 10 + pos++);
						sqlite3_bind_text(g->fixed, 4, p->name, -1,
						                  SQLITE_STATIC);
						sqlite3_bind_text(g->fixed, 5, v, -1,
						                  SQLITE_STATIC);
						/* the same version twice is skipped (primary key)
						 */
						if (sqlite3_step(g->fixed) == SQLITE_DONE)
							g->fixed_rows++;
						sqlite3_reset(g->fixed);
						nf--;
					}
				}
				range_free(&r);
			}
			if (published)
				gen_publish(g, id, num, day);
		}
		free(prod);
	}
	sqlite3_finalize(adv);
	free(nranges);
	free(weight);
}

static void gen_database(const struct params *pr, const char *path)
{
	struct db *db = NULL;
	struct err e = {0};
	struct gen g = {0};
	struct gproduct *cat;
	long *rank, *pick = xcalloc((size_t)pr->per_org, sizeof(long));
	long *stamp = xcalloc((size_t)pr->products, sizeof(long));
	double *zipf = xcalloc((size_t)pr->products, sizeof(double));
	sqlite3_stmt *org, *inv;
	char *index_sql;
	sqlite3_stmt *st;

	rng_state = pr->seed;
	unlink(path);
	if (db_open(path, 1, &db, &e) != 0) /* the schema, by Baken's own migrations */
		die("%s", e.msg);
	db_close(db);
	sq_check(NULL, sqlite3_open_v2(path, &g.h, SQLITE_OPEN_READWRITE, NULL), path);
	sq_exec(g.h, "PRAGMA journal_mode=DELETE; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
	             " PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-262144;"
	             " PRAGMA foreign_keys=OFF; BEGIN");

	/* the secondary index is built after the rows: far faster than row by row */
	st = sq_prepare(g.h, "SELECT sql FROM sqlite_master WHERE name = 'inventory_match'");
	if (sqlite3_step(st) != SQLITE_ROW)
		die("%s", "the schema has no index inventory_match");
	index_sql = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sq_exec(g.h, "DROP INDEX inventory_match");

	cat = gen_catalogue(pr->products, &rank);
	for (long i = 0; i < pr->products; i++)
		zipf[i] = 1.0 / (double)(i + 1);
	cdf_normalise(zipf, pr->products);

	org = sq_prepare(g.h, "INSERT INTO orgs (id, name, kind, sector, created_at)"
	                      " VALUES (?1, ?2, ?3, ?4, '2020-01-01T00:00:00Z')");
	inv = sq_prepare(g.h, "INSERT INTO inventory (org_id, product, version, vkey, count,"
	                      " internet_facing, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	                      " '2024-06-01T00:00:00Z')");
	for (long o = 0; o < pr->orgs; o++) {
		static const char *const kinds[] = {"ministry", "agency", "vital", "partner",
		                                    "other"};
		char id[32], name[64];
		long r = rng_below(1000), n = 0;
		const char *kind = kinds[r < 15 ? 0 : r < 150 ? 1 : r < 450 ? 2 : r < 500 ? 3 : 4];

		snprintf(id, sizeof(id), "org%05ld", o + 1);
		snprintf(name, sizeof(name), "Organisatie %ld", o + 1);
		sqlite3_bind_text(org, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(org, 2, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(org, 3, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(org, 4, kind[0] == 'v' ? "energie" : NULL, -1, SQLITE_STATIC);
		sq_step_done(g.h, org, "insert orgs");
		/* 200 different products, drawn by popularity, inserted in key order */
		while (n < pr->per_org) {
			long k = rng_cdf(zipf, pr->products);
			if (stamp[k] == o + 1)
				continue;
			stamp[k] = o + 1;
			pick[n++] = k;
		}
		for (long i = 1; i < n; i++) /* insertion sort by name rank: 200 items */
			for (long j = i; j > 0 && rank[pick[j]] < rank[pick[j - 1]]; j--) {
				long t = pick[j];
				pick[j] = pick[j - 1];
				pick[j - 1] = t;
			}
		for (long i = 0; i < n; i++) {
			const struct gproduct *p = &cat[pick[i]];
			long v = rng_cdf(p->cdf, p->nver);
			sqlite3_bind_text(inv, 1, id, -1, SQLITE_STATIC);
			sqlite3_bind_text(inv, 2, p->name, -1, SQLITE_STATIC);
			sqlite3_bind_text(inv, 3, p->ver[v], -1, SQLITE_STATIC);
			sqlite3_bind_blob(inv, 4, p->key[v], (int)p->keylen[v], SQLITE_STATIC);
			sqlite3_bind_int64(inv, 5, rng_below(4) ? 1 : 1 + rng_below(50));
			sqlite3_bind_int(inv, 6, rng_below(100) < 15);
			sq_step_done(g.h, inv, "insert inventory");
		}
	}
	sqlite3_finalize(org);
	sqlite3_finalize(inv);
	sq_exec(g.h, index_sql);
	free(index_sql);
	if (pr->extra_index) /* an experiment: see docs/performance.md */
		sq_exec(g.h,
		        "CREATE INDEX IF NOT EXISTS inventory_match ON inventory (product, vkey,"
		        " org_id, version, count, internet_facing)");

	/* the SQL side's view of the ranges: one row per interval of every stored range */
	sq_exec(g.h,
	        "CREATE TABLE bench_intervals (advisory_id TEXT NOT NULL, num INTEGER NOT NULL,"
	        " product TEXT NOT NULL, lo TEXT, lo_incl INTEGER NOT NULL, hi TEXT,"
	        " hi_incl INTEGER NOT NULL, lo_key BLOB NOT NULL, hi_key BLOB NOT NULL);"
	        " CREATE TABLE bench_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
	g.version = sq_prepare(g.h, "INSERT INTO advisory_versions (advisory_id, num, title, tlp,"
	                            " matrix, likelihood, impact, changelog, material, created_at,"
	                            " updated_at, published_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	                            " ?8, 1, ?9, ?9, NULL)");
	g.publish =
	    sq_prepare(g.h, "UPDATE advisory_versions SET published_at = ?3, updated_at = ?3"
	                    " WHERE advisory_id = ?1 AND num = ?2");
	g.affect = sq_prepare(g.h, "INSERT INTO advisory_affects (advisory_id, num, pos, product,"
	                           " range) VALUES (?1, ?2, ?3, ?4, ?5)");
	g.fixed = sq_prepare(g.h, "INSERT OR IGNORE INTO advisory_fixed (advisory_id, num, pos,"
	                          " product, version) VALUES (?1, ?2, ?3, ?4, ?5)");
	g.interval = sq_prepare(g.h, "INSERT INTO bench_intervals VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	                             " ?7, ?8, ?9)");
	g.cve = sq_prepare(g.h, "INSERT INTO advisory_cves (advisory_id, num, pos, cve)"
	                        " VALUES (?1, ?2, ?3, ?4)");
	g.vuln = sq_prepare(g.h, "INSERT OR IGNORE INTO vulns (cve, title, exploit_status,"
	                         " updated_at) VALUES (?1, 'Kwetsbaarheid', 'public',"
	                         " '2024-06-01T00:00:00Z')");
	gen_advisories(&g, pr, cat, zipf);
	sqlite3_finalize(g.cve);
	sqlite3_finalize(g.vuln);
	sqlite3_finalize(g.version);
	sqlite3_finalize(g.publish);
	sqlite3_finalize(g.affect);
	sqlite3_finalize(g.fixed);
	sqlite3_finalize(g.interval);
	sq_exec(g.h, "CREATE INDEX bench_intervals_advisory ON bench_intervals (advisory_id, num);"
	             " COMMIT; PRAGMA journal_mode=WAL");
	sqlite3_close(g.h);

	for (long i = 0; i < pr->products; i++) {
		for (int v = 0; v < cat[i].nver; v++) {
			free(cat[i].ver[v]);
			free(cat[i].key[v]);
		}
		free(cat[i].ver);
		free(cat[i].key);
		free(cat[i].keylen);
		free(cat[i].cdf);
	}
	free(cat);
	free(rank);
	free(pick);
	free(stamp);
	free(zipf);
}

static void meta_put(sqlite3 *h, const char *key, const char *value)
{
	sqlite3_stmt *st = sq_prepare(h, "INSERT OR REPLACE INTO bench_meta VALUES (?1, ?2)");

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	sq_step_done(h, st, "bench_meta");
	sqlite3_finalize(st);
}

/* The value of key in bench_meta, or "" (into out). */
static void meta_get(sqlite3 *h, const char *key, char *out, size_t outsz)
{
	sqlite3_stmt *st = NULL;

	out[0] = '\0';
	if (sqlite3_prepare_v2(h, "SELECT value FROM bench_meta WHERE key = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, outsz, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* ---- the SQL side ---- */

/* vcmp(a, b): version_compare as an SQL function, -1, 0 or 1; NULL when either is NULL. */
static void sql_vcmp(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const char *a = (const char *)sqlite3_value_text(argv[0]);
	const char *b = (const char *)sqlite3_value_text(argv[1]);
	int d;

	(void)argc;
	if (a == NULL || b == NULL) {
		sqlite3_result_null(cx);
		return;
	}
	d = version_compare(a, b);
	sqlite3_result_int(cx, d < 0 ? -1 : d > 0);
}

/* The version `advisory affected` works on: the draft, else the latest published one. */
#define SQL_LATEST                                                                                 \
	"WITH latest (advisory_id, num) AS (SELECT a.id, coalesce((SELECT d.num FROM"              \
	" advisory_versions d WHERE d.advisory_id = a.id AND d.published_at IS NULL),"             \
	" (SELECT max(p.num) FROM advisory_versions p WHERE p.advisory_id = a.id))"                \
	" FROM advisories a %s) "

#define SQL_NOT_FIXED                                                                              \
	" AND NOT EXISTS (SELECT 1 FROM advisory_fixed f WHERE f.advisory_id = r.advisory_id"      \
	" AND f.num = r.num AND f.product = i.product AND vcmp(f.version, i.version) = 0)"

/* in an interval by vcmp: above lo (or at it when inclusive), below hi (or at it) */
#define SQL_IN_VCMP                                                                                \
	" WHERE (r.lo IS NULL OR vcmp(i.version, r.lo) >= 1 - r.lo_incl)"                          \
	" AND (r.hi IS NULL OR vcmp(i.version, r.hi) <= r.hi_incl - 1)"

/* the same by the stored keys: a range scan of inventory_product (product, vkey) */
#define SQL_IN_VKEY                                                                                \
	" WHERE i.vkey >= r.lo_key AND i.vkey <= r.hi_key"                                         \
	" AND (r.lo_incl OR i.vkey <> r.lo_key) AND (r.hi_incl OR i.vkey <> r.hi_key)"

/* one advisory, with what advisory_affected returns */
#define SQL_ONE_SELECT                                                                             \
	"SELECT i.org_id, o.name, o.kind, i.product, i.version, i.count, i.internet_facing"        \
	" FROM latest l JOIN bench_intervals r ON r.advisory_id = l.advisory_id AND r.num = l.num" \
	" JOIN inventory i ON i.product = r.product JOIN orgs o ON o.id = i.org_id"

/* every advisory */
#define SQL_ALL_SELECT                                                                             \
	"SELECT r.advisory_id, i.org_id, i.product, i.version, i.count FROM latest l"              \
	" JOIN bench_intervals r ON r.advisory_id = l.advisory_id AND r.num = l.num"               \
	" JOIN inventory i ON i.product = r.product"

enum {
	Q_ONE_VCMP,
	Q_ONE_VKEY,
	Q_ALL_VCMP,
	Q_ALL_VKEY,
	NQUERIES
};

static const char *query_text(int q, char *buf, size_t n)
{
	switch (q) {
	case Q_ONE_VCMP:
		snprintf(buf, n, SQL_LATEST SQL_ONE_SELECT SQL_IN_VCMP SQL_NOT_FIXED,
		         "WHERE a.id = ?1");
		break;
	case Q_ONE_VKEY:
		snprintf(buf, n, SQL_LATEST SQL_ONE_SELECT SQL_IN_VKEY SQL_NOT_FIXED,
		         "WHERE a.id = ?1");
		break;
	case Q_ALL_VCMP:
		snprintf(buf, n, SQL_LATEST SQL_ALL_SELECT SQL_IN_VCMP SQL_NOT_FIXED, "");
		break;
	default:
		snprintf(buf, n, SQL_LATEST SQL_ALL_SELECT SQL_IN_VKEY SQL_NOT_FIXED, "");
		break;
	}
	return buf;
}

/* ---- hit sets: a count and an order-independent hash of (advisory, org, product, version,
 * count) ---- */

struct tally {
	long hits;
	uint64_t sum;
};

static uint64_t hash_str(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (h ^ 0xff) * 0x100000001b3ull; /* a separator */
}

static void tally_add(struct tally *t, const char *adv, const char *org, const char *product,
                      const char *version, long count)
{
	uint64_t h = 0xcbf29ce484222325ull;

	h = hash_str(h, adv);
	h = hash_str(h, org);
	h = hash_str(h, product);
	h = hash_str(h, version);
	h = (h ^ (uint64_t)count) * 0x100000001b3ull;
	t->hits++;
	t->sum += h ^ (h >> 29);
}

static int tally_equal(const struct tally *a, const struct tally *b)
{
	return a->hits == b->hits && a->sum == b->sum;
}

/* Runs query q (bound to advisory id when not NULL), stepping every row and reading the
 * columns an application would; with t, tallies the hits. Returns the rows. */
static long sql_run(sqlite3 *h, sqlite3_stmt *st, const char *id, struct tally *t)
{
	long rows = 0;
	int rc;

	if (id)
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rows++;
		if (id) {
			const char *org = (const char *)sqlite3_column_text(st, 0);
			const char *name = (const char *)sqlite3_column_text(st, 1);
			const char *product = (const char *)sqlite3_column_text(st, 3);
			const char *version = (const char *)sqlite3_column_text(st, 4);
			long count = (long)sqlite3_column_int64(st, 5);
			(void)name;
			(void)sqlite3_column_text(st, 2);
			(void)sqlite3_column_int(st, 6);
			if (t)
				tally_add(t, id, org, product, version, count);
		} else {
			const char *adv = (const char *)sqlite3_column_text(st, 0);
			const char *org = (const char *)sqlite3_column_text(st, 1);
			const char *product = (const char *)sqlite3_column_text(st, 2);
			const char *version = (const char *)sqlite3_column_text(st, 3);
			long count = (long)sqlite3_column_int64(st, 4);
			if (t)
				tally_add(t, adv, org, product, version, count);
		}
	}
	sq_check(h, rc, "SQL query");
	sqlite3_reset(st);
	return rows;
}

/* ---- Baken's side ---- */

/* advisory_load + advisory_affected, as `baken advisory affected ID --json` runs them. */
static long baken_one(struct db *db, const char *id, struct tally *t)
{
	struct advisory_version v;
	struct err e = {0};
	json_t *rows, *row;
	size_t i;
	long n;

	if (advisory_load(db, id, NULL, 1, &v, &e) != 0 ||
	    advisory_affected(db, &v, &rows, &e) != 0)
		die("advisory affected: %s", e.msg);
	n = (long)json_array_size(rows);
	if (t)
		json_array_foreach(rows, i, row)
		{
			tally_add(t, id, json_string_value(json_object_get(row, "org")),
			          json_string_value(json_object_get(row, "product")),
			          json_string_value(json_object_get(row, "version")),
			          (long)json_integer_value(json_object_get(row, "count")));
		}
	json_decref(rows);
	advisory_version_free(&v);
	return n;
}

/* Per advisory its number of hits, from the full re-match. */
struct per_advisory {
	char (*id)[32];
	long *hits;
	long n, cap;
	const char *last; /* the pointer of the advisory being counted */
	struct tally all;
};

static int per_advisory_emit(void *ctx, const struct match_hit *h)
{
	struct per_advisory *pa = ctx;

	if (h->advisory != pa->last) {
		if (pa->n == pa->cap) {
			pa->cap = pa->cap ? 2 * pa->cap : 1024;
			pa->id = xreallocarray(pa->id, (size_t)pa->cap, sizeof(*pa->id));
			pa->hits = xreallocarray(pa->hits, (size_t)pa->cap, sizeof(long));
		}
		snprintf(pa->id[pa->n], sizeof(pa->id[0]), "%s", h->advisory);
		pa->hits[pa->n++] = 0;
		pa->last = h->advisory;
	}
	pa->hits[pa->n - 1]++;
	tally_add(&pa->all, h->advisory, h->org, h->product, h->version, h->count);
	return 0;
}

/* What the alerts would do at least: look at each hit. */
static int count_emit(void *ctx, const struct match_hit *h)
{
	long *n = ctx;

	*n += h->count > 0;
	return 0;
}

/* ---- the run ---- */

struct result {
	const char *question;
	double baken_ms, sql_ms, vkey_ms, goal_ms;
	long hits;
	double index_ms; /* the same from an index held in memory, without loading it */
};

static void mismatch(const char *what, long baken, long sql)
{
	fprintf(stderr,
	        "bench_match: MISMATCH in %s: Baken found %ld hits, the SQL %ld (or the same number"
	        " of different hits)\n",
	        what, baken, sql);
	exit(1);
}

static void print_plan(sqlite3 *h, const char *sql)
{
	char *text = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st = sq_prepare(h, text);

	sqlite3_free(text);
	if (strstr(sql, "?1"))
		sqlite3_bind_text(st, 1, "x", -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		printf("    %s\n", (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
}

/* Measures one advisory both ways; fails on any difference. */
static struct result measure_one(const struct params *pr, struct db *db, sqlite3 *h,
                                 sqlite3_stmt *one_vcmp, sqlite3_stmt *one_vkey, const char *id,
                                 const char *question)
{
	struct result r = {question, 0, 0, 0, GOAL_ONE_MS, 0, 0};
	struct tally tb = {0}, ts = {0}, tk = {0};
	double *tm = xcalloc((size_t)pr->reps, sizeof(double));

	/* first the check (and a warm-up): the same set of hits three ways */
	r.hits = baken_one(db, id, &tb);
	sql_run(h, one_vcmp, id, &ts);
	sql_run(h, one_vkey, id, &tk);
	if (!tally_equal(&tb, &ts))
		mismatch(question, tb.hits, ts.hits);
	if (!tally_equal(&tb, &tk))
		mismatch(question, tb.hits, tk.hits);
	for (int i = 0; i < pr->reps; i++) {
		double t0 = now_ms();
		if (baken_one(db, id, NULL) != r.hits)
			mismatch(question, -1, r.hits);
		tm[i] = now_ms() - t0;
	}
	r.baken_ms = median(tm, pr->reps);
	for (int i = 0; i < pr->reps; i++) {
		double t0 = now_ms();
		if (sql_run(h, one_vcmp, id, NULL) != r.hits)
			mismatch(question, r.hits, -1);
		tm[i] = now_ms() - t0;
	}
	r.sql_ms = median(tm, pr->reps);
	for (int i = 0; i < pr->reps; i++) {
		double t0 = now_ms();
		if (sql_run(h, one_vkey, id, NULL) != r.hits)
			mismatch(question, r.hits, -1);
		tm[i] = now_ms() - t0;
	}
	r.vkey_ms = median(tm, pr->reps);
	free(tm);
	return r;
}

/* advisory_load + match_index_advisory from a loaded index: what a process that keeps the
 * index in memory would spend on one advisory. */
static double measure_resident(const struct params *pr, struct db *db, const struct match_index *ix,
                               const char *id, long want)
{
	double *tm = xcalloc((size_t)pr->reps, sizeof(double)), m;
	struct err e = {0};

	for (int i = 0; i < pr->reps; i++) {
		struct advisory_version v;
		long hits = -1, seen = 0;
		double t0 = now_ms();
		if (advisory_load(db, id, NULL, 1, &v, &e) != 0 ||
		    match_index_advisory(ix, &v, count_emit, &seen, &hits, &e) != 0)
			die("match_index_advisory: %s", e.msg);
		advisory_version_free(&v);
		tm[i] = now_ms() - t0;
		if (hits != want)
			mismatch(id, hits, want);
	}
	m = median(tm, pr->reps);
	free(tm);
	return m;
}

static void print_row(const struct result *r)
{
	int goal_time = r->baken_ms < r->goal_ms,
	    goal_ratio = r->sql_ms / r->baken_ms >= GOAL_RATIO;

	printf("%-40s %10.2f %12.2f %7.1fx %12.2f %7.1fx %10ld   < %.0f ms: %s, >= 10x: %s\n",
	       r->question, r->baken_ms, r->sql_ms, r->sql_ms / r->baken_ms, r->vkey_ms,
	       r->vkey_ms / r->baken_ms, r->hits, r->goal_ms, goal_time ? "yes" : "NO",
	       goal_ratio ? "yes" : "NO");
}

static void params_read(struct params *pr)
{
	const char *s = getenv("BENCH_SCALE"), *dir = getenv("BENCH_DIR");
	char *end;

	pr->scale = 1.0;
	if (s && *s) {
		pr->scale = strtod(s, &end);
		if (*end != '\0' || !(pr->scale >= 0.01 && pr->scale <= 10))
			die("BENCH_SCALE=%s: expected a number from 0.01 to 10", s);
	}
	pr->orgs = (long)(10000 * pr->scale + 0.5);
	pr->per_org = PER_ORG;
	pr->products = CATALOGUE;
	pr->advisories = (long)(2000 * pr->scale + 0.5);
	pr->ranges = (long)(10000 * pr->scale + 0.5);
	pr->seed = (unsigned long)env_long("BENCH_SEED", 1, 0, 1000000000);
	pr->reps = (int)env_long("BENCH_REPS", 15, 1, 1000);
	pr->sql_reps = (int)env_long("BENCH_SQL_REPS", 3, 1, 100);
	pr->plan = (int)env_long("BENCH_PLAN", 0, 0, 1);
	pr->extra_index = (int)env_long("BENCH_EXTRA_INDEX", 0, 0, 1);
	snprintf(pr->dir, sizeof(pr->dir), "%s", dir && *dir ? dir : "build/bench");
	snprintf(pr->path, sizeof(pr->path), "%s/match-o%ld-p%ld-c%ld-a%ld-r%ld-s%lu-g%d%s.db",
	         pr->dir, pr->orgs, pr->per_org, pr->products, pr->advisories, pr->ranges, pr->seed,
	         GEN_VERSION, pr->extra_index ? "-ix" : "");
}

/* Generates the database unless a complete one with these parameters exists. */
static void ensure_database(const struct params *pr, char *gen_note, size_t notesz)
{
	struct stat sb;
	sqlite3 *h = NULL;
	char tmp[1100], done[64] = "";

	if (stat(pr->path, &sb) == 0) {
		if (sqlite3_open_v2(pr->path, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK)
			meta_get(h, "generate_ms", done, sizeof(done));
		sqlite3_close(h);
		if (done[0]) {
			snprintf(gen_note, notesz, "reused (generated earlier in %.1f s)",
			         strtod(done, NULL) / 1e3);
			return;
		}
	}
	mkdir("build", 0755);
	if (mkdir(pr->dir, 0755) != 0 && stat(pr->dir, &sb) != 0)
		die("cannot create %s", pr->dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", pr->path);
	{
		double t0 = now_ms(), ms;
		char v[64];

		fprintf(stderr, "bench_match: generating %s ...\n", pr->path);
		gen_database(pr, tmp);
		ms = now_ms() - t0;
		sq_check(NULL, sqlite3_open_v2(tmp, &h, SQLITE_OPEN_READWRITE, NULL), tmp);
		snprintf(v, sizeof(v), "%.0f", ms);
		meta_put(h, "generate_ms", v);
		sqlite3_close(h);
		if (rename(tmp, pr->path) != 0)
			die("cannot rename into %s", pr->path);
		snprintf(gen_note, notesz, "generated now in %.1f s", ms / 1e3);
	}
}

static int long_cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

static long query_long(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st = sq_prepare(h, sql);
	long v = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : -1;

	sqlite3_finalize(st);
	return v;
}

static void report(const struct result *res, int n)
{
	printf("\n%-40s %10s %12s %8s %12s %8s %10s   %s\n", "question", "baken ms", "SQL vcmp ms",
	       "ratio", "SQL vkey ms", "ratio", "hits", "goals");
	for (int i = 0; i < n; i++)
		print_row(&res[i]);
}

int main(void)
{
	struct params pr;
	struct db *db = NULL;
	struct err e = {0};
	sqlite3 *h = NULL;
	sqlite3_stmt *q[NQUERIES];
	char sql[NQUERIES][4096], gen_note[128], count_sql[1024], qname[2][96];
	struct per_advisory pa = {0};
	struct match_stats ms = {0};
	struct result res[3];
	struct tally ts = {0}, tk = {0};
	long *sorted, nadv, worst = 0, typical = 0, seen = 0;
	double *tb, *tl, *tmm, t0;
	struct stat sb;

	params_read(&pr);
	ensure_database(&pr, gen_note, sizeof(gen_note));
	if (db_open(pr.path, 0, &db, &e) != 0)
		die("%s", e.msg);
	sq_check(NULL, sqlite3_open_v2(pr.path, &h, SQLITE_OPEN_READWRITE, NULL), pr.path);
	sq_check(h,
	         sqlite3_create_function(h, "vcmp", 2,
	                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
	                                 NULL, sql_vcmp, NULL, NULL),
	         "vcmp");
	for (int i = 0; i < NQUERIES; i++)
		q[i] = sq_prepare(h, query_text(i, sql[i], sizeof(sql[i])));

	stat(pr.path, &sb);
	snprintf(count_sql, sizeof(count_sql),
	         SQL_LATEST "SELECT count(*) FROM latest l JOIN advisory_affects f"
	                    " ON f.advisory_id = l.advisory_id AND f.num = l.num",
	         "");
	printf("bench_match: re-matching a portfolio, Baken against SQL with vcmp() on the same"
	       " SQLite file (SQLite %s)\n",
	       sqlite3_libversion());
	printf("  file        %s (%.0f MB), %s\n", pr.path, (double)sb.st_size / 1e6, gen_note);
	printf("  inventory   %ld organisations x %ld products = %ld rows; %ld products in use,"
	       " %ld distinct (product, version); the most run product: %ld organisations\n",
	       query_long(h, "SELECT count(*) FROM orgs"), pr.per_org,
	       query_long(h, "SELECT count(*) FROM inventory"),
	       query_long(h, "SELECT count(DISTINCT product) FROM inventory"),
	       query_long(h, "SELECT count(*) FROM (SELECT DISTINCT product, version FROM"
	                     " inventory)"),
	       query_long(h, "SELECT max(n) FROM (SELECT count(*) AS n FROM inventory"
	                     " GROUP BY product)"));
	printf("  advisories  %ld (%ld drafts, %ld with a version 1.01); %ld (product, range)"
	       " pairs in their latest versions, %ld SQL interval rows, %ld fixed versions\n",
	       query_long(h, "SELECT count(*) FROM advisories"),
	       query_long(h, "SELECT count(*) FROM advisory_versions WHERE published_at IS NULL"),
	       query_long(h, "SELECT count(*) FROM advisory_versions WHERE num = 1"),
	       query_long(h, count_sql), query_long(h, "SELECT count(*) FROM bench_intervals"),
	       query_long(h, "SELECT count(*) FROM advisory_fixed"));
	if (pr.plan)
		for (int i = 0; i < NQUERIES; i++) {
			printf("  plan of %s\n", sql[i]);
			print_plan(h, sql[i]);
		}
	fflush(stdout);

	/* Baken's hits (and a warm-up): each SQL run below must give the same set */
	if (match_portfolio(db, per_advisory_emit, &pa, &ms, &e) != 0)
		die("match_portfolio: %s", e.msg);
	printf("  check       full re-match: %ld hits by Baken (the SQL's are checked as a set"
	       " in every run below)\n",
	       pa.all.hits);

	/* a typical advisory (the median number of hits) and the worst (the most) */
	nadv = ms.advisories;
	sorted = xcalloc((size_t)(nadv > 0 ? nadv : 1), sizeof(long));
	for (long i = 0; i < pa.n; i++) {
		sorted[i] = pa.hits[i];
		if (pa.hits[i] > pa.hits[worst])
			worst = i;
	}
	qsort(sorted, (size_t)nadv, sizeof(long), long_cmp);
	for (long i = 0; i < pa.n; i++)
		if (labs(pa.hits[i] - sorted[nadv / 2]) < labs(pa.hits[typical] - sorted[nadv / 2]))
			typical = i;
	printf("  hits per advisory: median %ld, 90th percentile %ld, most %ld\n", sorted[nadv / 2],
	       sorted[nadv * 9 / 10], nadv ? sorted[nadv - 1] : 0);
	free(sorted);
	if (pa.n == 0)
		die("%s", "no advisory has any hit: nothing to measure");
	snprintf(qname[0], sizeof(qname[0]), "advisory affected, typical (%s)", pa.id[typical]);
	snprintf(qname[1], sizeof(qname[1]), "advisory affected, worst (%s)", pa.id[worst]);
	res[0] = measure_one(&pr, db, h, q[Q_ONE_VCMP], q[Q_ONE_VKEY], pa.id[typical], qname[0]);
	res[1] = measure_one(&pr, db, h, q[Q_ONE_VCMP], q[Q_ONE_VKEY], pa.id[worst], qname[1]);

	/* the full re-match */
	tb = xcalloc((size_t)pr.reps, sizeof(double));
	tl = xcalloc((size_t)pr.reps, sizeof(double));
	tmm = xcalloc((size_t)pr.reps, sizeof(double));
	for (int i = 0; i < pr.reps; i++) {
		seen = 0;
		t0 = now_ms();
		if (match_portfolio(db, count_emit, &seen, &ms, &e) != 0)
			die("match_portfolio: %s", e.msg);
		tb[i] = now_ms() - t0;
		tl[i] = ms.load_ms;
		tmm[i] = ms.match_ms;
		if (ms.hits != pa.all.hits)
			mismatch("the full re-match", ms.hits, pa.all.hits);
	}
	res[2] = (struct result){"full re-match (all advisories)",
	                         median(tb, pr.reps),
	                         0,
	                         0,
	                         GOAL_FULL_MS,
	                         ms.hits,
	                         median(tmm, pr.reps)};
	printf("  baken       full re-match: index %.0f ms (%ld rows, %ld distinct versions,"
	       " %ld products, %ld organisations), matching and emitting %.0f ms (%ld advisories,"
	       " %ld ranges)\n",
	       median(tl, pr.reps), ms.rows, ms.versions, ms.products, ms.orgs,
	       median(tmm, pr.reps), ms.advisories, ms.ranges);
	free(tb);
	free(tl);
	free(tmm);
	fflush(stdout);
	tb = xcalloc((size_t)pr.sql_reps, sizeof(double));
	for (int i = 0; i < pr.sql_reps; i++) {
		memset(&ts, 0, sizeof(ts));
		t0 = now_ms();
		sql_run(h, q[Q_ALL_VCMP], NULL, &ts);
		tb[i] = now_ms() - t0;
		if (!tally_equal(&pa.all, &ts))
			mismatch("the full re-match (vcmp)", pa.all.hits, ts.hits);
	}
	res[2].sql_ms = median(tb, pr.sql_reps);
	for (int i = 0; i < pr.sql_reps; i++) {
		memset(&tk, 0, sizeof(tk));
		t0 = now_ms();
		sql_run(h, q[Q_ALL_VKEY], NULL, &tk);
		tb[i] = now_ms() - t0;
		if (!tally_equal(&pa.all, &tk))
			mismatch("the full re-match (vkey)", pa.all.hits, tk.hits);
	}
	res[2].vkey_ms = median(tb, pr.sql_reps);
	free(tb);

	report(res, 3);
	{
		struct match_index *ix;
		double t1 = now_ms(), load;
		if (match_index_load(db, &ix, &e) != 0)
			die("match_index_load: %s", e.msg);
		load = now_ms() - t1;
		res[0].index_ms = measure_resident(&pr, db, ix, pa.id[typical], res[0].hits);
		res[1].index_ms = measure_resident(&pr, db, ix, pa.id[worst], res[1].hits);
		match_index_free(ix);
		printf("\nfrom an index kept in memory (match_index_load once: %.0f ms; then"
		       " advisory_load + match_index_advisory, hits counted, no JSON):\n"
		       "  advisory affected, typical %.3f ms, worst %.3f ms; the full re-match's"
		       " matching %.0f ms\n",
		       load, res[0].index_ms, res[1].index_ms, res[2].index_ms);
	}
	printf("\nmedians of %d runs (the SQL full re-match: %d); ratio = SQL ms / baken ms;"
	       " hits equal on both sides, checked as sets\n",
	       pr.reps, pr.sql_reps);

	for (int i = 0; i < NQUERIES; i++)
		sqlite3_finalize(q[i]);
	sqlite3_close(h);
	db_close(db);
	free(pa.id);
	free(pa.hits);
	return 0;
}
