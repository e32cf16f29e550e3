/* bench_scans.c: mapping a scan feed to its owners, Baken against what an analyst would
 * otherwise do: the same mapping in PostgreSQL with the ip4r extension (GiST index, `>>=` join,
 * the most specific block per address).
 *
 * It generates (once, then reuses) 100,000 netblocks of 10,000 organisations (IPv4 /16s with
 * agencies' /24s nested inside, /20-/29s, IPv6 /32s with /48s and /56s nested inside) and a
 * Shadowserver Vulnerable-HTTP report of 1,000,000 rows (60% in an IPv4 block, 10% in an IPv6
 * block, 30% in no block; 80% CVE-2019-19781, 10% CVE-2019-11510, 10% without a CVE). Then,
 * side by side in one run:
 *   1. the prefix match alone: prefix_build over the blocks, then prefix_lookup of the million
 *      addresses, repeated for a second or more, on one core (one thread): lookups per second
 *      of the thread's CPU time, and of the wall clock (lower when the machine is shared);
 *   2. the import: `baken scan import` of the file into fresh copies of a database holding the
 *      organisations with their netblocks and contacts: (a) without advisories (parse, map,
 *      store: the file kept, a million systems written), (b) with the two advisories
 *      published (the same, and 10,000 organisations informed: 20,000 alerts with their
 *      mails), (c) the next day's report over the first day's import, without advisories
 *      (90% of the rows seen again, 5% more new systems: what a CSIRT importing Shadowserver's
 *      daily report does every day, each system merged with its stored row); wall clock and
 *      the CPU time it used, best of BENCH_IMPORTS (default 3) each, and the phases of the last
 *      run (BAKEN_SCAN_TIMING);
 *   3. PostgreSQL with ip4r (bench/scans_pg.sh: installs postgresql-15-ip4r with apt-get when
 *      missing, a throwaway cluster on a loopback port): the join of the million addresses
 *      against the blocks, most specific per address, wall clock, and its lookups per second.
 * The owner of every address must be the same on both sides: a mismatch fails the run.
 *
 * Environment: BENCH_DIR (default build/bench), B (the build directory of baken, default
 * build), BENCH_ROWS (default 1000000), BENCH_BLOCKS (default 100000), BENCH_IMPORTS,
 * BENCH_NO_PG=1 (skip PostgreSQL). */
#include "core/err.h"
#include "core/xalloc.h"
#include "domain/cidr.h"
#include "domain/prefix.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define GEN_VERSION   1
#define ORGS          10000
#define GOAL_LOOKUPS  10e6
#define GOAL_IMPORT_S 3.0

struct blk {
	unsigned char a[16];
	int prefix;
	uint32_t org;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double thread_cpu(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* CPU seconds (user + system) used by the children waited for so far. */
static double children_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return def;
	n = strtol(v, &end, 10);
	return *end || n <= 0 ? def : n;
}

/* ---- generating the blocks and the addresses ---- */

static void v4(unsigned char a[16], uint32_t x)
{
	memset(a, 0, 10);
	a[10] = a[11] = 0xff;
	a[12] = (unsigned char)(x >> 24);
	a[13] = (unsigned char)(x >> 16);
	a[14] = (unsigned char)(x >> 8);
	a[15] = (unsigned char)x;
}

/* Sets the bits of a below prefix (in the 128-bit space) to random ones (host) or zero. */
static void host_bits(unsigned char a[16], int prefix, int random)
{
	for (int bit = prefix; bit < 128; bit++) {
		unsigned char m = (unsigned char)(0x80 >> (bit % 8));
		if (random && (rnd() & 1))
			a[bit / 8] |= m;
		else
			a[bit / 8] &= (unsigned char)~m;
	}
}

struct blockset {
	struct blk *v;
	size_t n;
	uint64_t *slots;
	size_t mask;
};

static uint64_t blk_key(const unsigned char a[16], int prefix)
{
	uint64_t h = 1469598103934665603ULL;

	for (int i = 0; i < 16; i++)
		h = (h ^ a[i]) * 1099511628211ULL;
	return (h ^ (uint64_t)prefix) * 1099511628211ULL | 1;
}

/* Adds a block unless the same block is there already. */
static int blockset_add(struct blockset *s, const unsigned char a[16], int prefix, uint32_t org)
{
	uint64_t k = blk_key(a, prefix);
	size_t i = k & s->mask;

	while (s->slots[i]) {
		if (s->slots[i] == k)
			return 0;
		i = (i + 1) & s->mask;
	}
	s->slots[i] = k;
	memcpy(s->v[s->n].a, a, 16);
	s->v[s->n].prefix = prefix;
	s->v[s->n].org = org;
	s->n++;
	return 1;
}

static void gen_blocks(struct blockset *s, size_t want)
{
	size_t cap = 1;
	size_t *v4_16 = xcalloc(want, sizeof(size_t)), n16 = 0;
	size_t *v6_32 = xcalloc(want, sizeof(size_t)), n32 = 0;
	size_t *v6_48 = xcalloc(want, sizeof(size_t)), n48 = 0;

	while (cap < want * 4)
		cap *= 2;
	s->v = xcalloc(want, sizeof(*s->v));
	s->slots = xcalloc(cap, sizeof(uint64_t));
	s->mask = cap - 1;
	while (s->n < want) {
		unsigned char a[16];
		int r = (int)(rnd() % 100), prefix;
		uint32_t org = (uint32_t)(s->n % ORGS);
		size_t at = s->n;

		if (r < 2 || n16 == 0) {
			v4(a, (uint32_t)(1 + rnd() % 223) << 24 | (uint32_t)(rnd() & 0xffffff));
			prefix = 96 + 16;
		} else if (r < 40) {
			memcpy(a, s->v[v4_16[rnd() % n16]].a, 16);
			a[14] = (unsigned char)rnd();
			prefix = 96 + 24;
			org = (uint32_t)(rnd() % ORGS);
		} else if (r < 70) {
			v4(a, (uint32_t)(1 + rnd() % 223) << 24 | (uint32_t)(rnd() & 0xffffff));
			prefix = 96 + 24;
		} else if (r < 80) {
			v4(a, (uint32_t)(1 + rnd() % 223) << 24 | (uint32_t)(rnd() & 0xffffff));
			prefix = 96 + 20 + (int)(rnd() % 10);
		} else if (r < 82 || n32 == 0) {
			memset(a, 0, 16);
			a[0] = (unsigned char)(0x20 | (rnd() & 0x1f));
			a[1] = (unsigned char)rnd();
			a[2] = (unsigned char)rnd();
			a[3] = (unsigned char)rnd();
			prefix = 32;
		} else if (r < 94 || n48 == 0) {
			memcpy(a, s->v[v6_32[rnd() % n32]].a, 16);
			a[4] = (unsigned char)rnd();
			a[5] = (unsigned char)rnd();
			prefix = 48;
		} else {
			memcpy(a, s->v[v6_48[rnd() % n48]].a, 16);
			a[6] = (unsigned char)rnd();
			prefix = 56;
		}
		host_bits(a, prefix, 0);
		if (!blockset_add(s, a, prefix, org))
			continue;
		if (prefix == 112)
			v4_16[n16++] = at;
		else if (prefix == 32)
			v6_32[n32++] = at;
		else if (prefix == 48)
			v6_48[n48++] = at;
	}
	free(v4_16);
	free(v6_32);
	free(v6_48);
}

/* An address: 60% inside an IPv4 block, 10% inside an IPv6 block, 30% anywhere in IPv4. */
static void gen_ip(const struct blockset *s, const size_t *v4b, size_t nv4, const size_t *v6b,
                   size_t nv6, unsigned char a[16])
{
	int r = (int)(rnd() % 100);

	if (r < 60) {
		const struct blk *b = &s->v[v4b[rnd() % nv4]];
		memcpy(a, b->a, 16);
		host_bits(a, b->prefix, 1);
	} else if (r < 70) {
		const struct blk *b = &s->v[v6b[rnd() % nv6]];
		memcpy(a, b->a, 16);
		host_bits(a, b->prefix, 1);
	} else {
		v4(a, (uint32_t)(1 + rnd() % 223) << 24 | (uint32_t)(rnd() & 0xffffff));
	}
}

static int exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && sb.st_size > 0;
}

/* 1 when path was written before the file newer (a database made by an older build). */
static int older(const char *path, const char *newer)
{
	struct stat a, b;

	return stat(path, &a) != 0 || stat(newer, &b) != 0 || a.st_mtime < b.st_mtime;
}

static int run(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0)
		fprintf(stderr, "bench_scans: failed (%d): %s\n", rc, cmd);
	return rc;
}

/* Imports file (at time at) into n fresh copies of the database from (as work), printing each
 * run's wall clock and CPU time after label and then the phases of the last run; the best time
 * and its CPU time go to *best and *cpu, the last run's answer to work.ext. */
static int time_imports(const char *baken, const char *work, const char *from, const char *file,
                        const char *at, const char *ext, const char *label, long n, double *best,
                        double *cpu)
{
	char cmd[4096];

	for (long k = 0; k < n; k++) {
		double s, c;
		snprintf(cmd, sizeof(cmd), "rm -f %s %s-wal %s-shm && cp %s %s && sync", work, work,
		         work, from, work);
		if (run(cmd) != 0)
			return -1;
		snprintf(cmd, sizeof(cmd),
		         "BAKEN_SCAN_TIMING=1 %s --db %s --json --at %s scan import %s >%s.%s"
		         " 2>%s.phases",
		         baken, work, at, file, work, ext, work);
		c = children_cpu();
		s = now();
		if (run(cmd) != 0)
			return -1;
		s = now() - s;
		c = children_cpu() - c;
		if (s < *best) {
			*best = s;
			*cpu = c;
		}
		printf("  %s %ld: %.2f s (CPU %.2f s)\n", label, k + 1, s, c);
	}
	printf("  phases of the last run:\n");
	fflush(stdout);
	snprintf(cmd, sizeof(cmd), "sed 's/^scan import: /    /' %s.phases", work);
	if (system(cmd) != 0)
		printf("    (none)\n");
	return 0;
}

/* Writes the organisations (with their blocks and a contact each) for `baken org import`, and
 * the blocks as CSV for PostgreSQL. */
static int write_orgs(const struct blockset *s, const char *json_path, const char *csv_path)
{
	json_t *orgs = json_array();
	FILE *csv = fopen(csv_path, "w");
	int rc;

	if (csv == NULL)
		return -1;
	for (int i = 0; i < ORGS; i++) {
		static const char *const kinds[] = {"ministry", "agency", "vital", "other"};
		char id[32], email[64];
		snprintf(id, sizeof(id), "org-%05d", i);
		snprintf(email, sizeof(email), "csirt@org-%05d.example", i);
		json_array_append_new(orgs,
		                      json_pack("{s:s, s:s, s:s, s:s?, s:[{s:s, s:s}], s:[]}", "id",
		                                id, "name", id, "kind", kinds[i % 4], "sector",
		                                i % 4 == 2 ? "energy" : NULL, "contacts", "name",
		                                "CSIRT", "email", email, "netblocks"));
	}
	for (size_t i = 0; i < s->n; i++) {
		struct cidr c;
		char text[CIDR_TEXT_MAX], id[32];
		memcpy(c.addr, s->v[i].a, 16);
		c.prefix = s->v[i].prefix;
		c.v4 = c.prefix >= 96;
		cidr_format(&c, text, sizeof(text));
		snprintf(id, sizeof(id), "org-%05u", s->v[i].org);
		json_array_append_new(
		    json_object_get(json_array_get(orgs, s->v[i].org), "netblocks"),
		    json_string(text));
		fprintf(csv, "%s,%s\n", text, id);
	}
	rc = json_dump_file(orgs, json_path, JSON_COMPACT);
	json_decref(orgs);
	return fclose(csv) != 0 || rc != 0 ? -1 : 0;
}

/* The indexes of the IPv4 blocks into v4b and of the IPv6 ones into v6b (each room for all). */
static void split_families(const struct blockset *s, size_t *v4b, size_t *nv4, size_t *v6b,
                           size_t *nv6)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].prefix >= 96)
			v4b[(*nv4)++] = i;
		else
			v6b[(*nv6)++] = i;
	}
}

/* The Shadowserver report, and the addresses alone (for PostgreSQL). */
static int write_scan(const struct blockset *s, long rows, const char *csv_path,
                      const char *ips_path, unsigned char (*ips)[16])
{
	size_t *v4b = xcalloc(s->n, sizeof(size_t)), *v6b = xcalloc(s->n, sizeof(size_t));
	size_t nv4 = 0, nv6 = 0;
	FILE *f = fopen(csv_path, "w"), *g = fopen(ips_path, "w");
	int rc;

	if (f == NULL || g == NULL)
		return -1;
	split_families(s, v4b, &nv4, v6b, &nv6);
	fputs("\"timestamp\",\"severity\",\"ip\",\"protocol\",\"port\",\"hostname\",\"tag\","
	      "\"asn\",\"geo\",\"region\",\"city\",\"naics\",\"hostname_source\",\"sector\","
	      "\"http\",\"http_code\",\"http_reason\",\"content_type\",\"connection\","
	      "\"www_authenticate\",\"set_cookie\",\"server\",\"content_length\","
	      "\"transfer_encoding\",\"http_date\",\"version\",\"build_date\",\"detail\","
	      "\"build_branch\"\n",
	      f);
	for (long i = 0; i < rows; i++) {
		char ip[CIDR_TEXT_MAX], host[48] = "";
		int r = (int)(rnd() % 10), sec = (int)(i * 86399 / rows);
		const char *tag = r < 8   ? "citrix;cve-2019-19781"
		                  : r < 9 ? "pulse_secure;cve-2019-11510"
		                          : "http";

		gen_ip(s, v4b, nv4, v6b, nv6, ips[i]);
		ip_format(ips[i], ip, sizeof(ip));
		if (rnd() % 3 == 0)
			snprintf(host, sizeof(host), "\"vpn%ld.example.nl\"", i);
		fprintf(f,
		        "\"2020-01-13 %02d:%02d:%02d\",\"critical\",\"%s\",\"tcp\",%d,%s,\"%s\",%u,"
		        "\"NL\",\"%s\",\"%s\",,,,\"HTTP/1.1\",%d,\"%s\",\"text/html\",\"close\",,,"
		        "\"Apache\",%u,,\"Mon, 13 Jan 2020 %02d:%02d:%02d GMT\",,,,\n",
		        sec / 3600, sec / 60 % 60, sec % 60, ip, rnd() % 10 ? 443 : 8443, host, tag,
		        (unsigned)(1000 + rnd() % 64000), r % 2 ? "Noord-Holland" : "Zuid-Holland",
		        r % 2 ? "Amsterdam" : "Den Haag", r < 9 ? 403 : 200,
		        r < 9 ? "Forbidden" : "OK", (unsigned)(100 + rnd() % 5000), sec / 3600,
		        sec / 60 % 60, sec % 60);
		fprintf(g, "%s\n", ip);
	}
	free(v4b);
	free(v6b);
	rc = fclose(f);
	return fclose(g) != 0 || rc != 0 ? -1 : 0;
}

/* The next day's report from the first day's: each row again a day later but one in ten
 * (fixed overnight), and one new system every twenty rows. */
static int write_next_day(const struct blockset *s, const char *day1, const char *day2)
{
	size_t *v4b = xcalloc(s->n, sizeof(size_t)), *v6b = xcalloc(s->n, sizeof(size_t));
	size_t nv4 = 0, nv6 = 0;
	FILE *in = fopen(day1, "r"), *out = fopen(day2, "w");
	char line[2048], *p;
	long n = 0;
	int rc = 0;

	if (in == NULL || out == NULL)
		return -1;
	split_families(s, v4b, &nv4, v6b, &nv6);
	if (fgets(line, sizeof(line), in))
		fputs(line, out); /* the header */
	while (rc == 0 && fgets(line, sizeof(line), in)) {
		char *q1, *q2;

		/* "2020-01-13 hh:mm:ss","critical","ip",...,"Mon, 13 Jan 2020 hh:mm:ss GMT",... */
		if (strncmp(line, "\"2020-01-13 ", 12) != 0 ||
		    (p = strstr(line, "Mon, 13 Jan")) == NULL ||
		    (q1 = strstr(line, "\"critical\",\"")) == NULL ||
		    (q2 = strchr(q1 + 12, '"')) == NULL) {
			rc = -1;
			break;
		}
		line[10] = '4';
		memcpy(p, "Tue, 14", 7);
		if (rnd() % 10 != 0)
			fputs(line, out);
		if (++n % 20 == 0) {
			unsigned char ip[16];
			char text[CIDR_TEXT_MAX];

			/* the same row for a new address */
			gen_ip(s, v4b, nv4, v6b, nv6, ip);
			ip_format(ip, text, sizeof(text));
			fprintf(out, "%.*s%s%s", (int)(q1 + 12 - line), line, text, q2);
		}
	}
	free(v4b);
	free(v6b);
	if (fclose(in) != 0)
		rc = -1;
	return fclose(out) != 0 ? -1 : rc;
}

/* The addresses of the ips file, read back (when the files were made by an earlier run). */
static int read_ips(const char *path, unsigned char (*ips)[16], long rows)
{
	FILE *f = fopen(path, "r");
	char line[128];
	long n = 0;

	if (f == NULL)
		return -1;
	while (n < rows && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (ip_parse(line, ips[n], NULL, NULL) != 0)
			break;
		n++;
	}
	fclose(f);
	return n == rows ? 0 : -1;
}

/* The owner index of every address in PostgreSQL's answer ("ip<TAB>org-NNNNN" or an empty
 * org), compared with ours: the number of addresses where they differ. */
static long compare_pg(const char *path, const struct prefix_table *t, long *lines)
{
	FILE *f = fopen(path, "r");
	char line[256];
	long bad = 0;

	*lines = 0;
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t');
		unsigned char a[16];
		uint32_t want = PREFIX_NONE, got;

		line[strcspn(line, "\n")] = '\0';
		if (tab == NULL)
			continue;
		*tab = '\0';
		if (ip_parse(line, a, NULL, NULL) != 0) {
			bad++;
			continue;
		}
		if (strncmp(tab + 1, "org-", 4) == 0)
			want = (uint32_t)strtoul(tab + 5, NULL, 10);
		got = prefix_lookup(t, a);
		if (got != want && bad++ < 5)
			fprintf(stderr, "bench_scans: %s: baken says %d, PostgreSQL %d\n", line,
			        got == PREFIX_NONE ? -1 : (int)got,
			        want == PREFIX_NONE ? -1 : (int)want);
		(*lines)++;
	}
	fclose(f);
	return bad;
}

/* A number from a line "key value" of the file, or -1. */
static double figure(const char *path, const char *key)
{
	FILE *f = fopen(path, "r");
	char line[256];
	size_t kl = strlen(key);
	double v = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, kl) == 0 && line[kl] == ' ')
			v = strtod(line + kl + 1, NULL);
	fclose(f);
	return v;
}

int main(void)
{
	const char *dir = getenv("BENCH_DIR") ? getenv("BENCH_DIR") : "build/bench";
	const char *bdir = getenv("B") ? getenv("B") : "build";
	long rows = env_long("BENCH_ROWS", 1000000), nblocks = env_long("BENCH_BLOCKS", 100000);
	long imports = env_long("BENCH_IMPORTS", 3), pg_lines = 0, mismatches;
	char base[512], bare[512], scan[512], scan2[512], day1[512], ips_path[512], orgs_json[512],
	    blocks_csv[512], cmd[4096], work[512], pgout[512], pgfig[512], baken[512];
	unsigned char(*ips)[16] = xcalloc((size_t)rows, 16);
	struct blockset bs = {0};
	struct prefix_block *pb;
	struct prefix_table *t = NULL;
	double t0, c0, build_s, lookup_s, lookup_cpu,
	    best_import = 1e9, best_store = 1e9, best_next = 1e9, cpu_import = 0, cpu_store = 0,
	    cpu_next = 0, pg_join = -1, pg_index = -1;
	long reps = 0, matched = 0;
	volatile uint32_t sink = 0;
	struct err e;

	snprintf(baken, sizeof(baken), "%s/baken", bdir);
	snprintf(base, sizeof(base), "%s/scans-v%d-%ld-base.db", dir, GEN_VERSION, nblocks);
	snprintf(bare, sizeof(bare), "%s/scans-v%d-%ld-bare.db", dir, GEN_VERSION, nblocks);
	snprintf(orgs_json, sizeof(orgs_json), "%s/scans-v%d-%ld-orgs.json", dir, GEN_VERSION,
	         nblocks);
	snprintf(blocks_csv, sizeof(blocks_csv), "%s/scans-v%d-%ld-blocks.csv", dir, GEN_VERSION,
	         nblocks);
	snprintf(scan, sizeof(scan), "%s/2020-01-13-scan_http_vulnerable-v%d-%ld-%ld.csv", dir,
	         GEN_VERSION, nblocks, rows);
	snprintf(scan2, sizeof(scan2), "%s/2020-01-14-scan_http_vulnerable-v%d-%ld-%ld.csv", dir,
	         GEN_VERSION, nblocks, rows);
	snprintf(day1, sizeof(day1), "%s/scans-day1.db", dir);
	snprintf(ips_path, sizeof(ips_path), "%s/scans-v%d-%ld-%ld-ips.txt", dir, GEN_VERSION,
	         nblocks, rows);
	snprintf(work, sizeof(work), "%s/scans-work.db", dir);
	snprintf(pgout, sizeof(pgout), "%s/scans-pg-map.tsv", dir);
	snprintf(pgfig, sizeof(pgfig), "%s/scans-pg-figures.txt", dir);
	mkdir(dir, 0755);

	/* the blocks are always generated (the same seed gives the same blocks) */
	gen_blocks(&bs, (size_t)nblocks);
	/* the databases again when the build is newer: they are what its init made */
	if (!exists(blocks_csv) || !exists(base) || !exists(bare) || older(bare, baken)) {
		printf("generating %ld netblocks of %d organisations and the databases ...\n",
		       nblocks, ORGS);
		fflush(stdout);
		if (write_orgs(&bs, orgs_json, blocks_csv) != 0)
			return 1;
		unlink(base);
		unlink(bare);
		/* bare: the organisations, netblocks and contacts; base: and the two advisories */
		snprintf(
		    cmd, sizeof(cmd),
		    "set -e; B=%s; D=%s; $B --db $D init >/dev/null; $B --db $D org import %s"
		    " >/dev/null; $B --db $D backup %s >/dev/null; $B --db $D --at"
		    " 2019-12-18T09:00:00Z advisory new --title Citrix"
		    " --cve CVE-2019-19781 --affects 'citrix:adc:*' --exploit poc --access internet"
		    " --credentials none --complexity easy --interaction none --exploit-expected"
		    " yes --code-exec root --default-config yes --details fully >/dev/null;"
		    " $B --db $D --at 2019-12-18T09:00:00Z advisory new --title Pulse --cve"
		    " CVE-2019-11510 --affects 'pulsesecure:pulse_connect_secure:*' >/dev/null;"
		    " $B --db $D --at 2019-12-18T10:00:00Z advisory publish NCSC-2019-0001"
		    " --silent >/dev/null; $B --db $D --at 2019-12-18T10:00:00Z advisory publish"
		    " NCSC-2019-0002 --silent >/dev/null",
		    baken, base, orgs_json, bare);
		if (run(cmd) != 0)
			return 1;
	}
	if (!exists(scan) || !exists(ips_path) || read_ips(ips_path, ips, rows) != 0) {
		printf("generating a Vulnerable-HTTP report of %ld rows ...\n", rows);
		fflush(stdout);
		rng_state = 42;
		if (write_scan(&bs, rows, scan, ips_path, ips) != 0)
			return 1;
	}
	if (!exists(scan2) || older(scan2, scan)) {
		printf("generating the next day's report ...\n");
		fflush(stdout);
		if (write_next_day(&bs, scan, scan2) != 0) {
			fprintf(stderr, "bench_scans: cannot write %s from %s\n", scan2, scan);
			return 1;
		}
	}

	/* 1. the prefix match alone */
	pb = xcalloc(bs.n, sizeof(*pb));
	for (size_t i = 0; i < bs.n; i++) {
		memcpy(pb[i].addr, bs.v[i].a, 16);
		pb[i].prefix = bs.v[i].prefix;
		pb[i].value = bs.v[i].org;
	}
	t0 = now();
	if (prefix_build(pb, bs.n, &t, &e) != 0) {
		fprintf(stderr, "bench_scans: %s\n", e.msg);
		return 1;
	}
	build_s = now() - t0;
	for (long i = 0; i < rows; i++)
		matched += prefix_lookup(t, ips[i]) != PREFIX_NONE;
	t0 = now();
	c0 = thread_cpu();
	do {
		for (long i = 0; i < rows; i++)
			sink += prefix_lookup(t, ips[i]);
		reps++;
	} while (now() - t0 < 1.0);
	lookup_s = (now() - t0) / (double)reps;
	lookup_cpu = (thread_cpu() - c0) / (double)reps;

	/* 2. the import, into fresh copies of the database: without and with informing, then
	 * the next day's report over the first day's import */
	if (time_imports(baken, work, bare, scan, "2020-01-13T08:00:00Z", "out",
	                 "import without advisories", imports, &best_store, &cpu_store) != 0 ||
	    time_imports(baken, work, base, scan, "2020-01-13T08:00:00Z", "out",
	                 "import and inform", imports, &best_import, &cpu_import) != 0)
		return 1;
	snprintf(cmd, sizeof(cmd),
	         "rm -f %s %s-wal %s-shm && cp %s %s && %s --db %s --at 2020-01-13T08:00:00Z scan"
	         " import %s >/dev/null",
	         day1, day1, day1, bare, day1, baken, day1, scan);
	if (run(cmd) != 0 || time_imports(baken, work, day1, scan2, "2020-01-14T08:00:00Z", "next",
	                                  "the next day", imports, &best_next, &cpu_next) != 0)
		return 1;
	unlink(day1);
	{
		char outp[600];
		json_t *o;
		snprintf(outp, sizeof(outp), "%s.out", work);
		o = json_load_file(outp, 0, NULL);
		if (o == NULL ||
		    json_integer_value(json_object_get(o, "matched")) < matched * 9 / 10) {
			fprintf(stderr, "bench_scans: the import's result is not as expected\n");
			return 1;
		}
		printf("  import: %lld rows, %lld observations, %lld matched, %lld systems, %lld"
		       " organisations informed\n",
		       (long long)json_integer_value(json_object_get(o, "rows")),
		       (long long)json_integer_value(json_object_get(o, "observations")),
		       (long long)json_integer_value(json_object_get(o, "matched")),
		       (long long)json_integer_value(json_object_get(o, "systems_new")),
		       (long long)json_integer_value(json_object_get(o, "organisations_informed")));
		json_decref(o);
		snprintf(outp, sizeof(outp), "%s.next", work);
		o = json_load_file(outp, 0, NULL);
		if (o == NULL ||
		    json_integer_value(json_object_get(o, "systems_new")) < rows / 25 ||
		    json_integer_value(json_object_get(o, "systems_new")) > rows / 15) {
			fprintf(stderr, "bench_scans: the next day's import is not as expected\n");
			return 1;
		}
		printf("  the next day: %lld rows, %lld new systems\n",
		       (long long)json_integer_value(json_object_get(o, "rows")),
		       (long long)json_integer_value(json_object_get(o, "systems_new")));
		json_decref(o);
	}

	/* 3. PostgreSQL with ip4r */
	if (getenv("BENCH_NO_PG") == NULL) {
		snprintf(cmd, sizeof(cmd), "sh bench/scans_pg.sh %s %s %s >%s", blocks_csv,
		         ips_path, pgout, pgfig);
		if (system(cmd) == 0) {
			pg_join = figure(pgfig, "join_seconds");
			pg_index = figure(pgfig, "index_seconds");
		} else {
			printf("PostgreSQL with ip4r: skipped (%s)\n",
			       exists(pgfig) ? "see below" : "not run");
			snprintf(cmd, sizeof(cmd), "cat %s", pgfig);
			if (system(cmd) != 0)
				printf("  (no output)\n");
		}
	}

	{
		char pgb[32] = "-", pgl[32] = "-", pgm[32] = "-";
		double lps = (double)rows / lookup_s, cps = (double)rows / lookup_cpu;

		if (pg_index >= 0)
			snprintf(pgb, sizeof(pgb), "%.3f", pg_index);
		if (pg_join > 0) {
			snprintf(pgl, sizeof(pgl), "%.0f", (double)rows / pg_join);
			snprintf(pgm, sizeof(pgm), "%.3f", pg_join);
		}
		printf("\nscan mapping: %zu netblocks (%zu ranges after flattening), %ld addresses,"
		       " %ld in a block\n",
		       bs.n, prefix_ranges(t), rows, matched);
		printf("%-46s %14s %14s\n", "", "Baken", "PostgreSQL");
		printf("%-46s %14.3f %14s\n", "build: prefix table / GiST index (s)", build_s, pgb);
		printf("%-46s %14.0f %14s\n", "prefix match: lookups/s (1 core, CPU time)", cps,
		       pgl);
		printf("%-46s %14.0f %14s\n", "prefix match: lookups/s (wall clock)", lps, "");
		printf("%-46s %14.3f %14s\n", "prefix match of all addresses (s)", lookup_s, pgm);
		printf("%-46s %14.2f %14s\n", "import: parse, map, store (s)", best_store, "-");
		printf("%-46s %14.2f %14s\n", "  its CPU time (s)", cpu_store, "");
		printf("%-46s %14.2f %14s\n", "import: the same and inform 10,000 orgs (s)",
		       best_import, "-");
		printf("%-46s %14.2f %14s\n", "  its CPU time (s)", cpu_import, "");
		printf("%-46s %14.2f %14s\n", "import: the next day's report (s)", best_next, "-");
		printf("%-46s %14.2f %14s\n", "  its CPU time (s)", cpu_next, "");
		if (pg_join > 0)
			printf(
			    "ratio: the prefix match is %.0fx the ip4r join (%.0fx by wall clock);"
			    " the import %.1fx (%.1fx with informing)\n",
			    pg_join / lookup_cpu, pg_join / lookup_s, pg_join / best_store,
			    pg_join / best_import);
		printf("goals: %.1f M lookups/s %s (goal %.0f M); import %.2f s %s, with informing"
		       " %.2f s %s (goal %.1f s)\n",
		       cps / 1e6, cps >= GOAL_LOOKUPS ? "met" : "MISSED", GOAL_LOOKUPS / 1e6,
		       best_store, best_store <= GOAL_IMPORT_S ? "met" : "MISSED", best_import,
		       best_import <= GOAL_IMPORT_S ? "met" : "MISSED", GOAL_IMPORT_S);
	}
	if (pg_join > 0) {
		mismatches = compare_pg(pgout, t, &pg_lines);
		if (mismatches != 0 || pg_lines != rows) {
			fprintf(
			    stderr,
			    "bench_scans: PostgreSQL and Baken disagree: %ld of %ld owners differ"
			    " (%ld lines from PostgreSQL)\n",
			    mismatches, rows, pg_lines);
			return 1;
		}
		printf("answers: the same owner for all %ld addresses on both sides\n", rows);
	}
	(void)sink;
	prefix_free(t);
	free(pb);
	free(bs.v);
	free(bs.slots);
	free(ips);
	return 0;
}
