/* scan.c: scan imports, ownership by longest prefix, informing owners, exposure over time. */
#include "model/scan.h"

#include "core/progress.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "domain/cidr.h"
#include "domain/prefix.h"
#include "model/advisory.h"
#include "model/alert.h"
#include "model/config.h"

#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#define READ_CHUNK     ((size_t)1 << 20)
#define HEAD_BYTES     65536
#define PORTS_INLINE   4
#define DAY_WINDOW     64 /* days of a file tracked per system in one word */
#define MAIL_LINES_MAX 500
#define PREFETCH_AHEAD 16  /* systems asked for ahead of their turn */
#define OLD_WINDOW     256 /* stored systems read by one query ... */
#define OLD_SPARSE     16  /* ... at most this many rows for each of them */
#define INSERT_BATCH   64  /* new systems written by one statement */

/* ---- small helpers ---- */

/* With BAKEN_SCAN_TIMING set, prints on stderr how long the phase since *t took, by the clock
 * and in CPU time of the process (both threads; t[1]). */
static void phase(double t[2], const char *what)
{
	struct timespec ts, cs;
	double n, c;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cs);
	n = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	c = (double)cs.tv_sec + (double)cs.tv_nsec / 1e9;
	if (t[0] > 0 && getenv("BAKEN_SCAN_TIMING"))
		fprintf(stderr, "scan import: %-8s %.3f s (CPU %.3f s)\n", what, n - t[0],
		        c - t[1]);
	t[0] = n;
	t[1] = c;
}

static int64_t day_of(int64_t t)
{
	return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

static void day_text(int64_t day, char *out, size_t outsz)
{
	char iso[32];

	time_format(day * 86400, iso, sizeof(iso));
	snprintf(out, outsz, "%.10s", iso);
}

static json_t *json_time(int64_t t)
{
	char iso[32];

	time_format(t, iso, sizeof(iso));
	return json_string(iso);
}

static json_t *json_ip(const unsigned char *ip)
{
	char text[CIDR_TEXT_MAX];

	if (ip_format(ip, text, sizeof(text)) != 0)
		return json_string("?");
	return json_string(text);
}

/* An address as text, quickly for IPv4 (a mail lists thousands); the length written. */
static size_t ip_text(const unsigned char *ip, char *out, size_t outsz)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	size_t o = 0;

	if (memcmp(ip, mapped, 12) != 0 || outsz < 16) {
		if (ip_format(ip, out, outsz) != 0)
			snprintf(out, outsz, "?");
		return strlen(out);
	}
	for (int k = 12; k < 16; k++) {
		unsigned v = ip[k];
		if (v >= 100)
			out[o++] = (char)('0' + v / 100);
		if (v >= 10)
			out[o++] = (char)('0' + v / 10 % 10);
		out[o++] = (char)('0' + v % 10);
		if (k < 15)
			out[o++] = '.';
	}
	out[o] = '\0';
	return o;
}

/* t as "YYYY-MM-DDTHH:MM:SSZ" (out has room for 32), as time_format writes it, without the C
 * library's time zone machinery (days to civil date, H. Hinnant's algorithm). */
static void iso_time(int64_t t, char out[32])
{
	int64_t days = day_of(t), secs = t - days * 86400, z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	y += m <= 2;
	if (y < 0 || y > 9999) {
		time_format(t, out, 32);
		return;
	}
	{
		int v[6] = {
		    (int)y,          (int)m, (int)d, (int)(secs / 3600), (int)(secs / 60 % 60),
		    (int)(secs % 60)};
		static const char sep[6] = {'-', '-', 'T', ':', ':', 'Z'};
		char *o = out;
		*o++ = (char)('0' + v[0] / 1000);
		*o++ = (char)('0' + v[0] / 100 % 10);
		for (int k = 0; k < 6; k++) {
			*o++ = (char)('0' + v[k] / 10 % 10);
			*o++ = (char)('0' + v[k] % 10);
			*o++ = sep[k];
		}
		*o = '\0';
	}
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* A growing array of strings kept by offset (0 means none). */
struct arena {
	char *p;
	size_t len, cap;
};

static uint32_t arena_add(struct arena *a, const char *s)
{
	size_t n;
	uint32_t off;

	if (s == NULL)
		return 0;
	n = strlen(s) + 1;
	if (a->len == 0)
		a->len = 1; /* offset 0 is "none" */
	if (a->len + n > UINT32_MAX)
		return 0; /* beyond 4 GiB of names: keep none rather than fail */
	if (a->len + n > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 65536;
		while (a->cap < a->len + n)
			a->cap *= 2;
		a->p = xrealloc(a->p, a->cap);
	}
	memcpy(a->p + a->len, s, n);
	off = (uint32_t)a->len;
	a->len += n;
	return off;
}

static const char *arena_get(const struct arena *a, uint32_t off)
{
	return off ? a->p + off : NULL;
}

/* ---- what the import works with ---- */

struct adv {
	char *id, *title, *tlp, *likelihood, *impact;
	int num;
	int high_high;
};

/* A CVE of this file, and the advisories whose latest published version names it. */
struct cve {
	char id[24];
	int stored; /* the store holds systems of this CVE already (else every one is new) */
	size_t *advs;
	size_t nadvs;
	int rank; /* position in text order */
};

struct org {
	char *id, *kind;
	int reach; /* an alert can reach it by e-mail or webhook (its contacts, else a parent's) */
	int gov;   /* a ministry, an agency or vital: called about high/high */
	int hook;  /* a webhook reaches it: the alert carries the systems as data too */
};

struct old_row;

/* One (cve, ip) of this file: what the file says of it. */
struct sys {
	uint32_t cve, org;
	unsigned char ip[16];
	int64_t first, last; /* in this file; after the store, over all files */
	int64_t asn;
	int64_t off; /* the first row of the file naming it: byte offset, line, length */
	int64_t old_reported;
	uint64_t daybits; /* days of the file, from imp.base_day */
	uint32_t line, len;
	uint32_t seen;
	uint32_t host, product, version, ports_text;
	uint16_t ports[PORTS_INLINE];
	uint8_t nports;
	uint8_t report;       /* its owner is to be told (and reported_at is set to now) */
	uint8_t was_reported; /* reported before, at old_reported */
	uint8_t more;         /* named by more rows of the file: see imp.more */
	uint32_t more_head;   /* while reading: the last of them (index + 1 into imp.more) */
};

struct extra_day {
	uint32_t sys;
	int64_t day;
};

/* A further row of the file naming a system (the first is in the system itself). */
struct sighting {
	uint32_t sys, line, len;
	uint32_t next; /* while reading: the one before of the same system (index + 1), or 0 */
	int64_t off;
};

/* The file as read: hashed and compressed chunk by chunk on a second thread while the first
 * parses it. Chunks are handed over in order; the packer holds at most PACK_AHEAD unpacked. */
struct chunk {
	char *raw; /* handed over; freed once packed */
	size_t n;
	int64_t start;
	void *z; /* the zstd frame */
	size_t zn;
};

struct packer {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t more, room;
	struct chunk *v;
	size_t n, cap, packed, stored; /* chunks handed over, packed, in the store */
	int closing, failed, running;
	EVP_MD_CTX *md;
	ZSTD_CCtx *zc;
};

struct imp {
	struct db *db;
	const struct act *act;
	const char *path;
	int fd; /* the file, to compare a row with an earlier one of the same hash */
	int64_t id;
	const char *source;
	const char *intro; /* the mail's first lines (a format with %s for source and advisory) */
	const char *topic_ref;
	struct prefix_table *lpm;
	struct org *orgs;
	size_t norgs;
	uint32_t *org_slots; /* index + 1 into orgs, by id */
	int sqlite;          /* the store is SQLite: its own statement forms */
	size_t org_mask;
	struct adv *advs;
	size_t nadvs;
	struct cve *cves;
	size_t ncves, capcves;
	uint32_t *cve_slots; /* open addressing: index + 1 into cves */
	size_t cve_mask;
	uint32_t last_cve;
	struct sys *sys;
	size_t nsys, capsys;
	uint64_t *sys_slots; /* open addressing: see SLOT_TAG */
	size_t sys_mask;
	struct extra_day *extra;
	size_t nextra, capextra;
	struct sighting *more;
	size_t nmore, capmore;
	struct arena names;
	int64_t base_day; /* bit 0 of sys.daybits; set by the first row */
	int have_base;
	int64_t first_seen, last_seen;
	/* scratch space reused from system to system: no allocation per row */
	unsigned char *bits, *obs, *rowbuf;
	size_t bitscap, obscap, rowcap;
	struct arena old;    /* the stored rows of the window of systems being merged */
	struct old_row *win; /* those rows, in key order (see old_window) */
	size_t nwin, capwin, winpos;
	/* new systems waiting to be written, INSERT_BATCH to a statement; their days and
	 * sightings in pbuf */
	struct pending {
		uint32_t sys;
		int64_t d0;
		size_t bits, nbits, obs, nobs;
	} pend[INSERT_BATCH];
	size_t npend;
	unsigned char *pbuf;
	size_t pbuflen, pbufcap;
	struct progress bar; /* on a terminal: the file read, then the systems stored */
	char *insert_sql[2]; /* for INSERT_BATCH rows, and for the rest */
	size_t insert_rows[2];
	struct scan_import_result *r;
};

static void imp_free(struct imp *s)
{
	for (size_t i = 0; i < s->norgs; i++) {
		free(s->orgs[i].id);
		free(s->orgs[i].kind);
	}
	free(s->orgs);
	free(s->org_slots);
	for (size_t i = 0; i < s->nadvs; i++) {
		free(s->advs[i].id);
		free(s->advs[i].title);
		free(s->advs[i].tlp);
		free(s->advs[i].likelihood);
		free(s->advs[i].impact);
	}
	free(s->advs);
	for (size_t i = 0; i < s->ncves; i++)
		free(s->cves[i].advs);
	free(s->cves);
	free(s->cve_slots);
	free(s->sys);
	free(s->sys_slots);
	free(s->extra);
	free(s->more);
	free(s->names.p);
	free(s->old.p);
	free(s->win);
	free(s->bits);
	free(s->obs);
	free(s->rowbuf);
	free(s->pbuf);
	free(s->insert_sql[0]);
	free(s->insert_sql[1]);
	prefix_free(s->lpm);
}

/* Room for n bytes in a scratch buffer. */
static unsigned char *scratch(unsigned char **p, size_t *cap, size_t n)
{
	if (n > *cap) {
		*cap = n > 4096 ? n : 4096;
		*p = xrealloc(*p, *cap);
	}
	return *p;
}

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The index of organisation id in s->orgs, or PREFIX_NONE. */
static uint32_t org_find(struct imp *s, const char *id)
{
	if (id == NULL)
		return PREFIX_NONE;
	if (s->org_slots == NULL) {
		size_t cap = 64;
		while (cap < s->norgs * 2)
			cap *= 2;
		s->org_slots = xcalloc(cap, sizeof(uint32_t));
		s->org_mask = cap - 1;
		for (size_t k = 0; k < s->norgs; k++) {
			size_t i = str_hash(s->orgs[k].id) & s->org_mask;
			while (s->org_slots[i])
				i = (i + 1) & s->org_mask;
			s->org_slots[i] = (uint32_t)k + 1;
		}
	}
	for (size_t i = str_hash(id) & s->org_mask; s->org_slots[i]; i = (i + 1) & s->org_mask)
		if (strcmp(s->orgs[s->org_slots[i] - 1].id, id) == 0)
			return s->org_slots[i] - 1;
	return PREFIX_NONE;
}

/* The organisations and their netblocks, as a prefix table whose values index s->orgs. */
static int load_netblocks(struct imp *s, struct err *e)
{
	struct db_stmt *st;
	struct prefix_block *blocks = NULL;
	size_t nb = 0, cap = 0;
	int rc;

	rc = db_prepare(s->db, "SELECT id, kind FROM orgs ORDER BY id", &st, e);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct org *o;
		s->orgs = xreallocarray(s->orgs, s->norgs + 1, sizeof(*s->orgs));
		o = &s->orgs[s->norgs++];
		o->id = xstrdup(db_col_text(st, 0));
		o->kind = xstrdup(db_col_text(st, 1));
		o->gov = strcmp(o->kind, "ministry") == 0 || strcmp(o->kind, "agency") == 0 ||
		         strcmp(o->kind, "vital") == 0;
		o->reach = 0;
		o->hook = 0;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	/* who an alert reaches: as alert_notice finds contacts, its own, else the nearest
	 * parent's that has any; reached when one of them has an e-mail address or a webhook */
	rc =
	    db_prepare(s->db,
	               "WITH RECURSIVE up(org, cur, depth) AS (SELECT id, id, 0 FROM orgs UNION ALL"
	               " SELECT up.org, o.parent_id, up.depth + 1 FROM up JOIN orgs o ON o.id ="
	               " up.cur WHERE o.parent_id IS NOT NULL AND up.depth < 16 AND NOT EXISTS"
	               " (SELECT 1 FROM contacts c WHERE c.org_id = up.cur)) SELECT up.org,"
	               " max(CASE WHEN c.webhook_url IS NOT NULL THEN 1 ELSE 0 END) FROM up JOIN"
	               " contacts c ON c.org_id = up.cur WHERE c.email IS NOT NULL OR"
	               " c.webhook_url IS NOT NULL GROUP BY up.org ORDER BY up.org",
	               &st, e);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		uint32_t k = org_find(s, db_col_text(st, 0));
		if (k != PREFIX_NONE) {
			s->orgs[k].reach = 1;
			s->orgs[k].hook = db_col_int(st, 1) != 0;
		}
	}
	db_done(st);
	if (rc < 0)
		return rc;
	rc = db_prepare(s->db, "SELECT addr, prefix, org_id FROM netblocks", &st, e);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		size_t n;
		const void *addr = db_col_blob(st, 0, &n);
		uint32_t k = org_find(s, db_col_text(st, 2));
		if (n != 16 || k == PREFIX_NONE)
			continue;
		if (nb == cap) {
			cap = cap ? cap * 2 : 1024;
			blocks = xreallocarray(blocks, cap, sizeof(*blocks));
		}
		memcpy(blocks[nb].addr, addr, 16);
		blocks[nb].prefix = (int)db_col_int(st, 1);
		blocks[nb].value = k;
		nb++;
	}
	db_done(st);
	if (rc >= 0)
		rc = prefix_build(blocks, nb, &s->lpm, e);
	free(blocks);
	if (rc == 0)
		s->r->prefix_ranges = (long)prefix_ranges(s->lpm);
	return rc < 0 ? rc : 0;
}

/* The latest published version of every advisory, and the CVEs each names. */
static int load_advisories(struct imp *s, struct err *e)
{
	struct db_stmt *st;
	int rc;

	rc = db_prepare(s->db,
	                "SELECT v.advisory_id, v.num, v.title, v.tlp, v.likelihood, v.impact"
	                " FROM advisory_versions v WHERE v.published_at IS NOT NULL AND v.num ="
	                " (SELECT max(w.num) FROM advisory_versions w WHERE w.advisory_id ="
	                " v.advisory_id AND w.published_at IS NOT NULL) ORDER BY v.advisory_id",
	                &st, e);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct adv *a;
		s->advs = xreallocarray(s->advs, s->nadvs + 1, sizeof(*s->advs));
		a = &s->advs[s->nadvs++];
		a->id = xstrdup(db_col_text(st, 0));
		a->num = (int)db_col_int(st, 1);
		a->title = xstrdup(db_col_text(st, 2));
		a->tlp = xstrdup(db_col_text(st, 3));
		a->likelihood = xstrdup(db_col_text(st, 4));
		a->impact = xstrdup(db_col_text(st, 5));
		a->high_high = strcmp(a->likelihood, "high") == 0 && strcmp(a->impact, "high") == 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* Which advisories name cve (in their latest published version). */
static int cve_advisories(struct imp *s, struct cve *c, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (c->id[0] == '\0')
		return 0;
	rc = db_prepare(s->db,
	                "SELECT advisory_id, num FROM advisory_cves WHERE cve = ?1"
	                " ORDER BY advisory_id",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, c->id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *id = db_col_text(st, 0);
		int num = (int)db_col_int(st, 1);
		for (size_t i = 0; i < s->nadvs; i++)
			if (s->advs[i].num == num && strcmp(s->advs[i].id, id) == 0) {
				c->advs = xreallocarray(c->advs, c->nadvs + 1, sizeof(size_t));
				c->advs[c->nadvs++] = i;
			}
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* Whether the store holds systems of the CVE already. */
static int cve_stored(struct imp *s, struct cve *c, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(s->db, "SELECT 1 FROM scan_systems WHERE cve = ?1 LIMIT 1", &st, e);

	if (rc != 0)
		return rc;
	db_bind_text(st, 1, c->id);
	rc = db_step(st, e);
	c->stored = rc == DB_ROW;
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* The index of CVE id in this file's list, added when new. */
static int cve_intern(struct imp *s, const char *id, uint32_t *out, struct err *e)
{
	size_t i;
	int rc;

	if (s->cve_slots == NULL || (s->ncves + 1) * 2 > s->cve_mask + 1) {
		size_t cap = s->cve_slots ? (s->cve_mask + 1) * 2 : 64;
		free(s->cve_slots);
		s->cve_slots = xcalloc(cap, sizeof(uint32_t));
		s->cve_mask = cap - 1;
		for (size_t k = 0; k < s->ncves; k++) {
			i = str_hash(s->cves[k].id) & s->cve_mask;
			while (s->cve_slots[i])
				i = (i + 1) & s->cve_mask;
			s->cve_slots[i] = (uint32_t)k + 1;
		}
	}
	i = str_hash(id) & s->cve_mask;
	while (s->cve_slots[i]) {
		if (strcmp(s->cves[s->cve_slots[i] - 1].id, id) == 0) {
			*out = s->cve_slots[i] - 1;
			return 0;
		}
		i = (i + 1) & s->cve_mask;
	}
	if (s->ncves == s->capcves) {
		s->capcves = s->capcves ? s->capcves * 2 : 16;
		s->cves = xreallocarray(s->cves, s->capcves, sizeof(*s->cves));
	}
	memset(&s->cves[s->ncves], 0, sizeof(s->cves[0]));
	strlcpy_safe(s->cves[s->ncves].id, id, sizeof(s->cves[0].id));
	if ((rc = cve_advisories(s, &s->cves[s->ncves], e)) != 0 ||
	    (rc = cve_stored(s, &s->cves[s->ncves], e)) != 0)
		return rc;
	s->cve_slots[i] = (uint32_t)s->ncves + 1;
	*out = (uint32_t)s->ncves++;
	return 0;
}

static uint64_t sys_hash(uint32_t cve, const unsigned char ip[16])
{
	uint64_t a, b;

	memcpy(&a, ip, 8);
	memcpy(&b, ip + 8, 8);
	return mix64(a ^ mix64(b ^ ((uint64_t)cve << 32)));
}

/* A slot of the systems' table: the index + 1 of a system in the low half (0: empty), the top
 * 32 bits of its hash in the high half, so that a probe passing other systems' slots compares
 * those bits and does not read the systems themselves (each a miss of the cache). */
#define SLOT_TAG(h) ((h) >> 32 << 32)

static void sys_grow(struct imp *s)
{
	size_t cap = s->sys_slots ? (s->sys_mask + 1) * 2 : 4096;

	free(s->sys_slots);
	s->sys_slots = xcalloc(cap, sizeof(uint64_t));
	s->sys_mask = cap - 1;
	for (size_t k = 0; k < s->nsys; k++) {
		uint64_t h = sys_hash(s->sys[k].cve, s->sys[k].ip);
		size_t i = h & s->sys_mask;
		while (s->sys_slots[i])
			i = (i + 1) & s->sys_mask;
		s->sys_slots[i] = SLOT_TAG(h) | ((uint64_t)k + 1);
	}
}

/* The slot of system (cve, ip) of hash h: the one holding it, else the empty one where it
 * would go. */
static size_t sys_slot(const struct imp *s, uint32_t cve, const unsigned char ip[16], uint64_t h)
{
	size_t i = h & s->sys_mask;
	uint64_t w;

	while ((w = s->sys_slots[i]) != 0) {
		if ((w ^ h) >> 32 == 0) {
			const struct sys *y = &s->sys[(uint32_t)w - 1];
			if (y->cve == cve && memcmp(y->ip, ip, 16) == 0)
				break;
		}
		i = (i + 1) & s->sys_mask;
	}
	return i;
}

/* Starts reading the slot where system (cve, ip) is, or would go (a hint). */
static void sys_prefetch(const struct imp *s, uint32_t cve, const unsigned char ip[16])
{
	if (s->sys_slots)
		__builtin_prefetch(&s->sys_slots[sys_hash(cve, ip) & s->sys_mask]);
}

/* The system (cve, ip) of this file, added when new (*isnew). */
static struct sys *sys_get(struct imp *s, uint32_t cve, const unsigned char ip[16], int *isnew)
{
	uint64_t h;
	size_t i;
	struct sys *y;

	if (s->sys_slots == NULL || (s->nsys + 1) * 2 > s->sys_mask + 1)
		sys_grow(s);
	h = sys_hash(cve, ip);
	i = sys_slot(s, cve, ip, h);
	if (s->sys_slots[i]) {
		*isnew = 0;
		return &s->sys[(uint32_t)s->sys_slots[i] - 1];
	}
	if (s->nsys == s->capsys) {
		s->capsys = s->capsys ? s->capsys * 2 : 4096;
		s->sys = xreallocarray(s->sys, s->capsys, sizeof(*s->sys));
	}
	s->sys_slots[i] = SLOT_TAG(h) | ((uint64_t)s->nsys + 1);
	y = &s->sys[s->nsys++];
	memset(y, 0, sizeof(*y));
	y->cve = cve;
	memcpy(y->ip, ip, 16);
	*isnew = 1;
	return y;
}

/* Reads n bytes of the file at off into s->rowbuf. */
static int file_bytes(struct imp *s, int64_t off, size_t n, struct err *e)
{
	size_t got = 0;

	scratch(&s->rowbuf, &s->rowcap, n + 1);
	while (got < n) {
		ssize_t k = pread(s->fd, s->rowbuf + got, n - got, (off_t)(off + (int64_t)got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return err_set(e, ERR_IO, "%s: cannot read: %s", s->path,
			               k < 0 ? strerror(errno) : "the file got shorter");
		got += (size_t)k;
	}
	return 0;
}

/* The system (cve, ip) of this file, or NULL. */
static struct sys *sys_find(struct imp *s, uint32_t cve, const unsigned char ip[16])
{
	size_t i;

	if (s->sys_slots == NULL)
		return NULL;
	i = sys_slot(s, cve, ip, sys_hash(cve, ip));
	return s->sys_slots[i] ? &s->sys[(uint32_t)s->sys_slots[i] - 1] : NULL;
}

static void sys_add_port(struct sys *y, int port)
{
	if (port < 0)
		return;
	for (size_t i = 0; i < y->nports && i < PORTS_INLINE; i++)
		if (y->ports[i] == port)
			return;
	if (y->nports < PORTS_INLINE)
		y->ports[y->nports++] = (uint16_t)port;
}

static void sys_add_day(struct imp *s, struct sys *y, int64_t day)
{
	int64_t k = day - s->base_day;

	if (k >= 0 && k < DAY_WINDOW) {
		y->daybits |= (uint64_t)1 << k;
		return;
	}
	if (s->nextra == s->capextra) {
		s->capextra = s->capextra ? s->capextra * 2 : 256;
		s->extra = xreallocarray(s->extra, s->capextra, sizeof(*s->extra));
	}
	s->extra[s->nextra].sys = (uint32_t)(y - s->sys);
	s->extra[s->nextra].day = day;
	s->nextra++;
}

/* One row as the reader thread read it: what the aggregation needs, texts in the block. */
struct rec {
	int64_t off, seen_at, asn;
	uint32_t line, len, org;
	int32_t port;
	unsigned char ip[16];
	uint32_t host, product, version; /* offsets into the block's text; 0: none */
	uint32_t cves;                   /* offset of ncves NUL-terminated ids in a row */
	uint32_t ncves;
};

static void sys_add_sighting(struct imp *s, struct sys *y, const struct rec *r)
{
	if (s->nmore == s->capmore) {
		s->capmore = s->capmore ? s->capmore * 2 : 256;
		s->more = xreallocarray(s->more, s->capmore, sizeof(*s->more));
	}
	s->more[s->nmore].sys = (uint32_t)(y - s->sys);
	s->more[s->nmore].line = r->line;
	s->more[s->nmore].len = r->len;
	s->more[s->nmore].off = r->off;
	s->more[s->nmore].next = y->more_head;
	s->nmore++;
	y->more_head = (uint32_t)s->nmore;
	y->more = 1;
}

/* ---- the file, kept: SHA-256 and zstd chunk by chunk on a second thread ---- */

#define PACK_AHEAD 32 /* chunks read but not yet packed, at most */
#define ZSTD_LEVEL 1

static void *packer_main(void *arg)
{
	struct packer *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct chunk c;
		size_t k, bound, zn;
		void *z;
		int bad;

		while (p->packed == p->n && !p->closing)
			pthread_cond_wait(&p->more, &p->mu);
		if (p->packed == p->n)
			break;
		k = p->packed;
		c = p->v[k]; /* v may move while unlocked: work on a copy, write back by index */
		pthread_mutex_unlock(&p->mu);
		bad = EVP_DigestUpdate(p->md, c.raw, c.n) != 1;
		bound = ZSTD_compressBound(c.n);
		z = xmalloc(bound);
		zn = ZSTD_compressCCtx(p->zc, z, bound, c.raw, c.n, ZSTD_LEVEL);
		if (ZSTD_isError(zn)) {
			bad = 1;
			zn = 0;
		}
		z = xrealloc(z, zn ? zn : 1);
		free(c.raw);
		pthread_mutex_lock(&p->mu);
		p->v[k].raw = NULL;
		p->v[k].z = z;
		p->v[k].zn = zn;
		p->failed |= bad;
		p->packed++;
		pthread_cond_signal(&p->room);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static int packer_start(struct packer *p, struct err *e)
{
	memset(p, 0, sizeof(*p));
	p->md = EVP_MD_CTX_new();
	p->zc = ZSTD_createCCtx();
	if (p->md == NULL || p->zc == NULL || EVP_DigestInit_ex(p->md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(p->md);
		ZSTD_freeCCtx(p->zc);
		p->md = NULL;
		p->zc = NULL;
		return err_set(e, ERR_IO, "cannot set up SHA-256 and zstd");
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->more, NULL);
	pthread_cond_init(&p->room, NULL);
	if (pthread_create(&p->th, NULL, packer_main, p) != 0) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->more);
		pthread_cond_destroy(&p->room);
		EVP_MD_CTX_free(p->md);
		ZSTD_freeCCtx(p->zc);
		p->md = NULL;
		p->zc = NULL;
		return err_set(e, ERR_IO, "cannot start a thread: %s", strerror(errno));
	}
	p->running = 1;
	return 0;
}

/* Hands the next n bytes of the file (raw, malloc'd; the packer frees them) over. */
static void packer_give(struct packer *p, char *raw, size_t n, int64_t start)
{
	pthread_mutex_lock(&p->mu);
	while (p->n - p->packed >= PACK_AHEAD)
		pthread_cond_wait(&p->room, &p->mu);
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 256;
		p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	p->v[p->n].raw = raw;
	p->v[p->n].n = n;
	p->v[p->n].start = start;
	p->v[p->n].z = NULL;
	p->v[p->n].zn = 0;
	p->n++;
	pthread_cond_signal(&p->more);
	pthread_mutex_unlock(&p->mu);
}

/* Waits until every chunk is packed and stops the thread; the file's SHA-256 in hex. */
static int packer_finish(struct packer *p, char sha[65], struct err *e)
{
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hn = 0;

	if (!p->running)
		return err_set(e, ERR_IO, "the packer is not running");
	pthread_mutex_lock(&p->mu);
	p->closing = 1;
	pthread_cond_signal(&p->more);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->th, NULL);
	p->running = 0;
	if (p->failed || EVP_DigestFinal_ex(p->md, h, &hn) != 1 || hn != 32)
		return err_set(e, ERR_IO, "%s", "the file could not be hashed and compressed");
	sodium_bin2hex(sha, 65, h, 32);
	return 0;
}

static void packer_free(struct packer *p)
{
	char sha[65];

	if (p->running)
		packer_finish(p, sha, NULL);
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].raw);
		free(p->v[i].z);
	}
	free(p->v);
	if (p->md) {
		EVP_MD_CTX_free(p->md);
		ZSTD_freeCCtx(p->zc);
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->more);
		pthread_cond_destroy(&p->room);
	}
}

/* Stores the chunks packed since the last call (all of them once the packer has finished),
 * and frees their bytes: the file is not held in memory to the end. */
static int store_chunks(struct imp *s, struct packer *p, struct err *e)
{
	for (;;) {
		struct chunk c;
		struct db_stmt *st;
		size_t k;
		int rc, have = 0;

		pthread_mutex_lock(&p->mu);
		k = p->stored;
		if (k < p->packed) {
			c = p->v[k]; /* v may move while unlocked: a copy; the frame is ours now */
			p->v[k].z = NULL;
			p->stored++;
			have = 1;
		}
		pthread_mutex_unlock(&p->mu);
		if (!have)
			return 0;
		rc = db_prepare(s->db,
		                "INSERT INTO scan_chunks (import_id, seq, start, size, data)"
		                " VALUES (?1, ?2, ?3, ?4, ?5)",
		                &st, e);
		if (rc == 0) {
			db_bind_int(st, 1, s->id);
			db_bind_int(st, 2, (int64_t)k);
			db_bind_int(st, 3, c.start);
			db_bind_int(st, 4, (int64_t)c.n);
			db_bind_blob(st, 5, c.z, c.zn);
			rc = db_step(st, e);
			db_done(st);
		}
		free(c.z);
		if (rc < 0)
			return rc;
	}
}

/* ---- reading: parsed and mapped on a second thread, aggregated on this one ---- */

#define BLOCK_ROWS   4096 /* rows handed over at once */
#define BLOCKS_AHEAD 8    /* blocks parsed but not yet aggregated, at most */

struct block {
	struct rec v[BLOCK_ROWS];
	size_t n;
	char *text;
	size_t tlen, tcap;
};

struct reader {
	struct imp *s;
	FILE *f;
	struct scanfeed *feed;
	struct packer *pk;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t ready, room;
	struct block *q[BLOCKS_AHEAD];
	size_t head, count;
	struct block *cur;
	int done, stop, rc, running;
	struct err err;
};

static uint32_t block_text(struct block *b, const char *t)
{
	size_t n;
	uint32_t off;

	if (t == NULL)
		return 0;
	n = strlen(t) + 1;
	if (b->tlen == 0)
		b->tlen = 1;
	if (b->tlen + n > b->tcap) {
		b->tcap = b->tcap ? b->tcap * 2 : 65536;
		while (b->tcap < b->tlen + n)
			b->tcap *= 2;
		b->text = xrealloc(b->text, b->tcap);
	}
	memcpy(b->text + b->tlen, t, n);
	off = (uint32_t)b->tlen;
	b->tlen += n;
	return off;
}

static void block_free(struct block *b)
{
	if (b) {
		free(b->text);
		free(b);
	}
}

/* Hands the block being filled over to the aggregating thread, its rows mapped to their
 * owners first (all at once: the table is asked for a few rows ahead); -1 when told to
 * stop. */
static int reader_push(struct reader *rd)
{
	struct block *b = rd->cur;
	int stop;

	for (size_t i = 0; i < b->n; i++) {
		if (i + PREFETCH_AHEAD < b->n)
			prefix_prefetch(rd->s->lpm, b->v[i + PREFETCH_AHEAD].ip);
		b->v[i].org = prefix_lookup(rd->s->lpm, b->v[i].ip);
	}

	pthread_mutex_lock(&rd->mu);
	while (rd->count == BLOCKS_AHEAD && !rd->stop)
		pthread_cond_wait(&rd->room, &rd->mu);
	stop = rd->stop;
	if (!stop) {
		rd->q[(rd->head + rd->count) % BLOCKS_AHEAD] = rd->cur;
		rd->count++;
		rd->cur = NULL;
		pthread_cond_signal(&rd->ready);
	}
	pthread_mutex_unlock(&rd->mu);
	return stop ? -1 : 0;
}

/* One row, on the reader thread: checked, mapped, noted in the block. */
static int reader_row(void *ctx, const struct scan_row *row, struct err *e)
{
	struct reader *rd = ctx;
	struct rec *r;
	struct block *b;

	if (row->seen_at < 631152000 || row->seen_at >= 4102444800LL)
		return err_set(e, ERR_INPUT, "%s:%ld: the time seen is outside 1990-2099",
		               rd->s->path, row->line);
	if (memchr(row->raw, '\0', row->raw_len))
		return err_set(e, ERR_INPUT, "%s:%ld: a NUL byte in the row", rd->s->path,
		               row->line);
	if (row->line > (long)UINT32_MAX - 1)
		return err_set(e, ERR_INPUT, "%s:%ld: more than %u lines", rd->s->path, row->line,
		               UINT32_MAX - 1);
	if (rd->cur == NULL)
		rd->cur = xcalloc(1, sizeof(*rd->cur));
	b = rd->cur;
	r = &b->v[b->n++];
	r->off = row->offset;
	r->seen_at = row->seen_at;
	r->asn = row->asn;
	r->line = (uint32_t)row->line;
	r->len = (uint32_t)row->raw_len;
	r->port = row->port;
	memcpy(r->ip, row->ip, 16);
	r->host = block_text(b, row->hostname);
	r->product = block_text(b, row->product);
	r->version = block_text(b, row->version);
	r->ncves = (uint32_t)row->ncves;
	r->cves = 0;
	for (size_t k = 0; k < row->ncves; k++) {
		uint32_t o = block_text(b, row->cves[k]);
		if (k == 0)
			r->cves = o;
	}
	if (b->n == BLOCK_ROWS && reader_push(rd) != 0)
		return err_set(e, ERR_IO, "%s: reading stopped", rd->s->path);
	return 0;
}

/* The reader thread: the file through the parser (and on to the packer), then done. */
static void *reader_main(void *arg)
{
	struct reader *rd = arg;
	int64_t start = 0;
	int rc = 0;

	for (;;) {
		char *buf = xmalloc(READ_CHUNK);
		size_t n = fread(buf, 1, READ_CHUNK, rd->f);

		if (n == 0) {
			free(buf);
			break;
		}
		rc = scanfeed_feed(rd->feed, buf, n, &rd->err);
		packer_give(rd->pk, buf, n, start);
		start += (int64_t)n;
		if (rc != 0)
			break;
	}
	if (rc == 0 && ferror(rd->f))
		rc = err_set(&rd->err, ERR_IO, "%s: cannot read: %s", rd->s->path, strerror(errno));
	if (rc == 0)
		rc = scanfeed_finish(rd->feed, &rd->err);
	if (rc == 0 && rd->cur && rd->cur->n > 0 && reader_push(rd) != 0)
		rc = err_set(&rd->err, ERR_IO, "%s: reading stopped", rd->s->path);
	pthread_mutex_lock(&rd->mu);
	rd->done = 1;
	rd->rc = rc;
	pthread_cond_signal(&rd->ready);
	pthread_mutex_unlock(&rd->mu);
	return NULL;
}

/* The next parsed block, or NULL when the reader is done. */
static struct block *reader_pop(struct reader *rd)
{
	struct block *b = NULL;

	pthread_mutex_lock(&rd->mu);
	while (rd->count == 0 && !rd->done)
		pthread_cond_wait(&rd->ready, &rd->mu);
	if (rd->count > 0) {
		b = rd->q[rd->head];
		rd->head = (rd->head + 1) % BLOCKS_AHEAD;
		rd->count--;
		pthread_cond_signal(&rd->room);
	}
	pthread_mutex_unlock(&rd->mu);
	return b;
}

/* 1 when this row repeats an earlier row of the file byte for byte. Such a row has the same
 * address and CVEs, so it is among the rows of the system of its first CVE (cve): only those
 * are compared, both read again from the file. A row whose system is new to the file (nearly
 * all) costs nothing more. */
static int dup_check(struct imp *s, const struct rec *r, uint32_t cve, int *dup, struct err *e)
{
	const struct sys *y = sys_find(s, cve, r->ip);
	int64_t off;
	uint32_t len, next;
	int rc, have = 0;

	*dup = 0;
	if (y == NULL)
		return 0;
	off = y->off;
	len = y->len;
	next = y->more_head;
	for (;;) {
		if (len == r->len) {
			if (!have) {
				if ((rc = file_bytes(s, r->off, r->len, e)) != 0)
					return rc;
				memcpy(scratch(&s->obs, &s->obscap, r->len + 1), s->rowbuf, r->len);
				have = 1;
			}
			if ((rc = file_bytes(s, off, len, e)) != 0)
				return rc;
			if (memcmp(s->rowbuf, s->obs, len) == 0) {
				*dup = 1;
				return 0;
			}
		}
		if (next == 0)
			return 0;
		off = s->more[next - 1].off;
		len = s->more[next - 1].len;
		next = s->more[next - 1].next;
	}
}

static const char *rec_text(const struct block *b, uint32_t off)
{
	return off ? b->text + off : NULL;
}

/* One row of the file: its systems noted (the row itself stays in the file, stored whole). */
static int imp_rec(struct imp *s, const struct block *b, const struct rec *r, struct err *e)
{
	size_t n = r->ncves ? r->ncves : 1;
	int64_t day = day_of(r->seen_at);
	const char *cve = r->ncves ? b->text + r->cves : "";
	uint32_t ci;
	int rc, dup;

	s->r->rows++;
	/* a row repeated byte for byte adds nothing */
	if (s->ncves && strcmp(s->cves[s->last_cve].id, cve) == 0)
		ci = s->last_cve; /* most rows name the CVE the row before named */
	else if ((rc = cve_intern(s, cve, &ci, e)) != 0)
		return rc;
	s->last_cve = ci;
	if ((rc = dup_check(s, r, ci, &dup, e)) != 0)
		return rc;
	if (dup) {
		s->r->duplicates++;
		return 0;
	}
	if (!s->have_base) {
		s->base_day = day - DAY_WINDOW / 2;
		s->have_base = 1;
		s->first_seen = s->last_seen = r->seen_at;
	}
	if (r->seen_at < s->first_seen)
		s->first_seen = r->seen_at;
	if (r->seen_at > s->last_seen)
		s->last_seen = r->seen_at;
	for (size_t k = 0; k < n; k++) {
		struct sys *y;
		int isnew;

		if (k > 0) {
			cve += strlen(cve) + 1;
			if ((rc = cve_intern(s, cve, &ci, e)) != 0)
				return rc;
		}
		s->r->observations++;
		if (r->org == PREFIX_NONE)
			s->r->unmatched++;
		else
			s->r->matched++;
		if (cve[0] && s->cves[ci].nadvs == 0)
			s->r->no_advisory++;
		y = sys_get(s, ci, r->ip, &isnew);
		if (isnew) {
			y->line = r->line;
			y->off = r->off;
			y->len = r->len;
		} else {
			sys_add_sighting(s, y, r);
		}
		if (isnew || r->seen_at >= y->last) {
			y->org = r->org;
			y->asn = r->asn;
			y->host = arena_add(&s->names, rec_text(b, r->host));
			y->product = arena_add(&s->names, rec_text(b, r->product));
			y->version = arena_add(&s->names, rec_text(b, r->version));
		}
		if (isnew || r->seen_at < y->first)
			y->first = r->seen_at;
		if (isnew || r->seen_at > y->last)
			y->last = r->seen_at;
		y->seen++;
		sys_add_port(y, r->port);
		sys_add_day(s, y, day);
	}
	return 0;
}

/* Reads the whole file: the reader thread parses and maps it (and hands its bytes to the
 * packer), this one aggregates. The first error in the file's order wins: the aggregation's,
 * else the reader's. */
static int read_file(struct imp *s, FILE *f, struct scanfeed *feed, struct packer *pk,
                     struct err *e)
{
	struct reader rd;
	struct block *b;
	int rc = 0;

	memset(&rd, 0, sizeof(rd));
	rd.s = s;
	rd.f = f;
	rd.feed = feed;
	rd.pk = pk;
	pthread_mutex_init(&rd.mu, NULL);
	pthread_cond_init(&rd.ready, NULL);
	pthread_cond_init(&rd.room, NULL);
	scanfeed_set_callback(feed, reader_row, &rd);
	if (pthread_create(&rd.th, NULL, reader_main, &rd) != 0) {
		rc = err_set(e, ERR_IO, "cannot start a thread: %s", strerror(errno));
		goto out;
	}
	while ((b = reader_pop(&rd)) != NULL) {
		for (size_t i = 0; i < b->n && rc == 0; i++) {
			/* most rows name the CVE of the row before: its slot, rows ahead */
			if (i + PREFETCH_AHEAD < b->n && s->ncves)
				sys_prefetch(s, s->last_cve, b->v[i + PREFETCH_AHEAD].ip);
			rc = imp_rec(s, b, &b->v[i], e);
		}
		if (b->n > 0)
			progress_update(&s->bar, b->v[b->n - 1].off);
		block_free(b);
		if (rc == 0)
			rc = store_chunks(s, pk, e);
		if (rc != 0)
			break;
	}
	if (rc != 0) {
		/* stop the reader: it may wait for room */
		pthread_mutex_lock(&rd.mu);
		rd.stop = 1;
		pthread_cond_signal(&rd.room);
		pthread_mutex_unlock(&rd.mu);
	}
	pthread_join(rd.th, NULL);
	while (rd.count > 0) {
		block_free(rd.q[rd.head]);
		rd.head = (rd.head + 1) % BLOCKS_AHEAD;
		rd.count--;
	}
	block_free(rd.cur);
	if (rc == 0 && rd.rc != 0) {
		rc = rd.rc;
		if (e)
			*e = rd.err;
	}
out:
	pthread_mutex_destroy(&rd.mu);
	pthread_cond_destroy(&rd.ready);
	pthread_cond_destroy(&rd.room);
	return rc;
}

/* ---- storing what the file said ---- */

/* An address as two integers that sort as its bytes do. */
static void ip_key(const unsigned char ip[16], uint64_t *hi, uint64_t *lo)
{
	*hi = 0;
	*lo = 0;
	for (int b = 0; b < 8; b++) {
		*hi = *hi << 8 | ip[b];
		*lo = *lo << 8 | ip[8 + b];
	}
}

struct syskey {
	uint64_t hi, lo; /* the address, big-endian */
	uint32_t rank, idx;
};

static int syskey_order(const void *pa, const void *pb)
{
	const struct syskey *a = pa, *b = pb;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	return (a->lo > b->lo) - (a->lo < b->lo);
}

struct sort_half {
	struct syskey *v;
	size_t n;
};

static void *sort_half_main(void *arg)
{
	struct sort_half *h = arg;

	qsort(h->v, h->n, sizeof(*h->v), syskey_order);
	return NULL;
}

/* Sorts n keys and writes their indexes in order to order: a large set in two halves at once
 * (the second on another thread), then merged. */
static void keys_sort(struct syskey *keys, size_t n, uint32_t *order)
{
	struct sort_half h = {keys + n / 2, n - n / 2};
	pthread_t th;
	size_t i = 0, j = n / 2, k = 0;

	if (n < 65536 || pthread_create(&th, NULL, sort_half_main, &h) != 0) {
		if (n > 1)
			qsort(keys, n, sizeof(*keys), syskey_order);
		for (k = 0; k < n; k++)
			order[k] = keys[k].idx;
		return;
	}
	qsort(keys, n / 2, sizeof(*keys), syskey_order);
	pthread_join(th, NULL);
	while (i < n / 2 && j < n)
		order[k++] = syskey_order(&keys[j], &keys[i]) < 0 ? keys[j++].idx : keys[i++].idx;
	while (i < n / 2)
		order[k++] = keys[i++].idx;
	while (j < n)
		order[k++] = keys[j++].idx;
}

static int cve_text_order(const void *pa, const void *pb, void *ctx)
{
	const struct imp *s = ctx;

	return strcmp(s->cves[*(const uint32_t *)pa].id, s->cves[*(const uint32_t *)pb].id);
}

static int extra_order(const void *pa, const void *pb)
{
	const struct extra_day *a = pa, *b = pb;

	if (a->sys != b->sys)
		return a->sys < b->sys ? -1 : 1;
	return (a->day > b->day) - (a->day < b->day);
}

static int sighting_order(const void *pa, const void *pb)
{
	const struct sighting *a = pa, *b = pb;

	if (a->sys != b->sys)
		return a->sys < b->sys ? -1 : 1;
	return (a->off > b->off) - (a->off < b->off);
}

struct daycount {
	uint32_t cve, org;
	int64_t day;
	int64_t n; /* systems (a negative number takes them away) */
};

static int daycount_order(const void *pa, const void *pb)
{
	const struct daycount *a = pa, *b = pb;

	if (a->cve != b->cve)
		return a->cve < b->cve ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return (a->org > b->org) - (a->org < b->org);
}

/* The daily counts to add, one entry per CVE, day and owner (a hash table finds it). */
struct dayvec {
	struct daycount *v;
	size_t n, cap;
	uint32_t *slots; /* index + 1 into v */
	size_t mask;
};

static size_t daycount_slot(const struct dayvec *d, uint32_t cve, int64_t day, uint32_t org)
{
	return mix64((uint64_t)day ^ (uint64_t)cve << 40 ^ (uint64_t)org << 20) & d->mask;
}

static void dayvec_push(struct dayvec *d, uint32_t cve, int64_t day, uint32_t org, int64_t n)
{
	size_t i;

	if (d->slots == NULL || (d->n + 1) * 2 > d->mask + 1) {
		size_t cap = d->slots ? (d->mask + 1) * 2 : 4096;
		free(d->slots);
		d->slots = xcalloc(cap, sizeof(uint32_t));
		d->mask = cap - 1;
		for (size_t k = 0; k < d->n; k++) {
			i = daycount_slot(d, d->v[k].cve, d->v[k].day, d->v[k].org);
			while (d->slots[i])
				i = (i + 1) & d->mask;
			d->slots[i] = (uint32_t)k + 1;
		}
	}
	for (i = daycount_slot(d, cve, day, org); d->slots[i]; i = (i + 1) & d->mask) {
		struct daycount *c = &d->v[d->slots[i] - 1];
		if (c->cve == cve && c->day == day && c->org == org) {
			c->n += n;
			return;
		}
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 1024;
		d->v = xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	d->v[d->n].cve = cve;
	d->v[d->n].day = day;
	d->v[d->n].org = org;
	d->v[d->n].n = n;
	d->slots[i] = (uint32_t)++d->n;
}

static void dayvec_free(struct dayvec *d)
{
	free(d->v);
	free(d->slots);
}

/* The daily counts changed by dv: one statement per CVE, day and owner. */
static int dayvec_store(struct imp *s, struct dayvec *dv, struct err *e)
{
	int rc = 0;

	if (dv->n > 1)
		qsort(dv->v, dv->n, sizeof(*dv->v), daycount_order);
	for (size_t i = 0; i < dv->n && rc == 0;) {
		struct db_stmt *st;
		size_t j = i;
		int64_t sum = 0;
		const char *org;

		while (j < dv->n && daycount_order(&dv->v[i], &dv->v[j]) == 0)
			sum += dv->v[j++].n;
		org = dv->v[i].org == PREFIX_NONE ? "" : s->orgs[dv->v[i].org].id;
		if (sum != 0) {
			rc = db_prepare(
			    s->db,
			    "INSERT INTO scan_daily (cve, day, org_id, systems) VALUES (?1, ?2, ?3,"
			    " ?4) ON CONFLICT (cve, day, org_id) DO UPDATE SET systems ="
			    " scan_daily.systems + excluded.systems",
			    &st, e);
			if (rc != 0)
				break;
			db_bind_text(st, 1, s->cves[dv->v[i].cve].id);
			db_bind_int(st, 2, dv->v[i].day);
			db_bind_text(st, 3, org);
			db_bind_int(st, 4, sum);
			rc = db_step(st, e);
			db_done(st);
			rc = rc < 0 ? rc : 0;
		}
		if (rc == 0 && sum < 0) {
			rc = db_prepare(s->db,
			                "DELETE FROM scan_daily WHERE cve = ?1 AND day = ?2 AND"
			                " org_id = ?3 AND systems <= 0",
			                &st, e);
			if (rc != 0)
				break;
			db_bind_text(st, 1, s->cves[dv->v[i].cve].id);
			db_bind_int(st, 2, dv->v[i].day);
			db_bind_text(st, 3, org);
			rc = db_step(st, e);
			db_done(st);
			rc = rc < 0 ? rc : 0;
		}
		i = j;
	}
	return rc;
}

/* The ports of a system: those stored (text) and those of this file, sorted, as text. */
static void ports_merge(const char *old, const struct sys *y, char *out, size_t outsz)
{
	int ports[64];
	size_t n = 0, o = 0;

	while (old && *old && n < 64) {
		char *end;
		long p = strtol(old, &end, 10);
		if (end == old)
			break;
		ports[n++] = (int)p;
		old = *end == ',' ? end + 1 : end;
	}
	for (size_t i = 0; i < y->nports && n < 64; i++) {
		size_t k;
		for (k = 0; k < n && ports[k] != y->ports[i]; k++)
			;
		if (k == n)
			ports[n++] = y->ports[i];
	}
	for (size_t i = 1; i < n; i++) /* insertion sort: a handful */
		for (size_t k = i; k > 0 && ports[k - 1] > ports[k]; k--) {
			int t = ports[k];
			ports[k] = ports[k - 1];
			ports[k - 1] = t;
		}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(out + o, outsz - o, "%s%d", i ? "," : "", ports[i]);
		if (w < 0 || (size_t)w >= outsz - o)
			break;
		o += (size_t)w;
	}
}

/* One port as text (out has room for 6). */
static void ports_one(unsigned port, char *out)
{
	char tmp[8];
	size_t n = 0, o = 0;

	do {
		tmp[n++] = (char)('0' + port % 10);
		port /= 10;
	} while (port);
	while (n)
		out[o++] = tmp[--n];
	out[o] = '\0';
}

/* Unsigned LEB128: v at p (room for 10 bytes); the bytes written. */
static size_t uleb_put(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	do {
		p[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return n;
}

/* Reads one number at *p (before end); 0, or -1 when the bytes end inside it or it is too
 * long. */
static int uleb_get(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; *p < end && shift < 64; shift += 7) {
		unsigned char b = *(*p)++;
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return 0;
	}
	return -1;
}

static size_t sighting_put(unsigned char *p, int64_t import, uint32_t line, int64_t off,
                           uint32_t len)
{
	size_t n = uleb_put(p, (uint64_t)import);

	n += uleb_put(p + n, line);
	n += uleb_put(p + n, (uint64_t)off);
	return n + uleb_put(p + n, len);
}

/* The stored rows of a CVE from one address to another, in key order, at most ?4. */
static const char sys_range_sql[] =
    "SELECT ports, org_id, asn, hostname, product, version, last_import, first_seen,"
    " last_seen, seen, day0, days, reported_at, obs, ip FROM scan_systems WHERE cve = ?1 AND"
    " ip >= ?2 AND ip <= ?3 ORDER BY ip LIMIT ?4";
/* For SQLite the statements say OR FAIL: a failing statement keeps what it did before failing,
 * so SQLite keeps no statement journal for it (a copy of every page it touches, a million times
 * a file); any failure rolls the whole import back anyway. PostgreSQL gets the plain text. */
#define SYS_COLS 16 /* the columns a new system is written with, in this order: */
static const char sys_insert_cols[] =
    " INTO scan_systems (cve, ip, ports, org_id, asn, hostname, product, version, last_import,"
    " first_seen, last_seen, seen, day0, days, reported_at, obs) VALUES ";
static const char *const sys_update_sql[2] = {
    "UPDATE scan_systems SET ports = ?3, org_id = ?4, asn = ?5, hostname = ?6, product = ?7,"
    " version = ?8, last_import = ?9, first_seen = ?10, last_seen = ?11, seen = ?12, day0 ="
    " ?13, days = ?14, reported_at = ?15, obs = ?16 WHERE cve = ?1 AND ip = ?2",

    "UPDATE OR FAIL scan_systems SET ports = ?3, org_id = ?4, asn = ?5, hostname = ?6,"
    " product = ?7, version = ?8, last_import = ?9, first_seen = ?10, last_seen = ?11, seen"
    " = ?12, day0 = ?13, days = ?14, reported_at = ?15, obs = ?16 WHERE cve = ?1 AND ip = ?2"};

/* 1 when an advisory naming the CVE is high/high (its owners are called). */
static int cve_high_high(const struct imp *s, uint32_t cve)
{
	for (size_t k = 0; k < s->cves[cve].nadvs; k++)
		if (s->advs[s->cves[cve].advs[k]].high_high)
			return 1;
	return 0;
}

/* The stored row of a system, copied into s->old (offsets; 0 is NULL). */
struct old_row {
	unsigned char ip[16];
	uint32_t ports, org, host, product, version, bits_off, obs_off;
	int64_t asn, last_import, first, last, seen, reported, d0;
	int asn_null, reported_null;
	const unsigned char *bits, *obs; /* in s->old too, once the window is read */
	size_t nbits, nobs;
};

static uint32_t old_blob(struct arena *a, const void *p, size_t n)
{
	uint32_t off;

	if (a->len == 0)
		a->len = 1;
	if (a->len + n + 1 > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 65536;
		while (a->cap < a->len + n + 1)
			a->cap *= 2;
		a->p = xrealloc(a->p, a->cap);
	}
	if (n)
		memcpy(a->p + a->len, p, n);
	off = (uint32_t)a->len;
	a->len += n;
	return off;
}

/* Writes the new systems waiting in s->pend, with one statement. */
static int insert_flush(struct imp *s, struct err *e)
{
	struct db_stmt *st;
	size_t n = s->npend, which = n == INSERT_BATCH ? 0 : 1;
	int rc;

	if (n == 0)
		return 0;
	if (s->insert_rows[which] != n) {
		/* ?1 the CVE and ?2 the import, which all rows of a batch share; then 14 a row */
		static const int shared[SYS_COLS] = {1, 0, 0, 0, 0, 0, 0, 0,
		                                     2, 0, 0, 0, 0, 0, 0, 0};
		struct buf b;
		size_t k = 3;
		buf_init(&b, BUF_MAX_DEFAULT);
		buf_adds(&b, s->sqlite ? "INSERT OR FAIL" : "INSERT");
		buf_adds(&b, sys_insert_cols);
		for (size_t r = 0; r < n; r++) {
			buf_adds(&b, r ? ", (" : "(");
			for (int c = 0; c < SYS_COLS; c++)
				buf_printf(&b, "%s?%zu", c ? ", " : "",
				           shared[c] ? (size_t)shared[c] : k++);
			buf_adds(&b, ")");
		}
		free(s->insert_sql[which]);
		s->insert_sql[which] = xstrdup(buf_str(&b));
		s->insert_rows[which] = n;
		buf_free(&b);
	}
	if ((rc = db_prepare(s->db, s->insert_sql[which], &st, e)) != 0)
		return rc;
	db_bind_borrow(st); /* names, ports, days and sightings stay put until the step */
	db_bind_text(st, 1, s->cves[s->sys[s->pend[0].sys].cve].id);
	db_bind_int(st, 2, s->id);
	for (size_t r = 0; r < n; r++) {
		const struct pending *p = &s->pend[r];
		const struct sys *y = &s->sys[p->sys];
		int k = 3 + (int)(r * (SYS_COLS - 2));

		db_bind_blob(st, k, y->ip, 16);
		db_bind_text(st, k + 1, arena_get(&s->names, y->ports_text));
		db_bind_text(st, k + 2, y->org == PREFIX_NONE ? NULL : s->orgs[y->org].id);
		if (y->asn >= 0)
			db_bind_int(st, k + 3, y->asn);
		else
			db_bind_null(st, k + 3);
		db_bind_text(st, k + 4, arena_get(&s->names, y->host));
		db_bind_text(st, k + 5, arena_get(&s->names, y->product));
		db_bind_text(st, k + 6, arena_get(&s->names, y->version));
		db_bind_int(st, k + 7, y->first);
		db_bind_int(st, k + 8, y->last);
		db_bind_int(st, k + 9, y->seen);
		db_bind_int(st, k + 10, p->d0);
		db_bind_blob(st, k + 11, s->pbuf + p->bits, p->nbits);
		if (y->report)
			db_bind_int(st, k + 12, s->act->at);
		else
			db_bind_null(st, k + 12);
		db_bind_blob(st, k + 13, s->pbuf + p->obs, p->nobs);
	}
	rc = db_step(st, e);
	db_done(st);
	s->npend = 0;
	s->pbuflen = 0;
	return rc < 0 ? rc : 0;
}

/* A system new to the store, written with the next INSERT_BATCH - 1 (its days and sightings
 * are in s->bits and s->obs). */
static int insert_later(struct imp *s, const struct sys *y, int64_t d0, size_t nbits, size_t nobs,
                        struct err *e)
{
	struct pending *p;
	int rc;

	/* a statement writes the systems of one CVE */
	if (s->npend > 0 && s->sys[s->pend[0].sys].cve != y->cve && (rc = insert_flush(s, e)) != 0)
		return rc;
	p = &s->pend[s->npend++];

	if (s->pbuflen + nbits + nobs > s->pbufcap) {
		s->pbufcap = s->pbufcap ? s->pbufcap * 2 : 65536;
		while (s->pbufcap < s->pbuflen + nbits + nobs)
			s->pbufcap *= 2;
		s->pbuf = xrealloc(s->pbuf, s->pbufcap);
	}
	p->sys = (uint32_t)(y - s->sys);
	p->d0 = d0;
	p->bits = s->pbuflen;
	p->nbits = nbits;
	memcpy(s->pbuf + s->pbuflen, s->bits, nbits);
	s->pbuflen += nbits;
	p->obs = s->pbuflen;
	p->nobs = nobs;
	memcpy(s->pbuf + s->pbuflen, s->obs, nobs);
	s->pbuflen += nobs;
	return s->npend == INSERT_BATCH ? insert_flush(s, e) : 0;
}

/* Reads the stored rows for the systems order[i..) of a CVE that has systems in the store, a
 * window at a time: one range query over the key (the CVE's rows from the first system's
 * address to the last's, in key order) for up to OLD_WINDOW systems, rather than a query per
 * system; a day's file names mostly the systems of the day before. Only the rows of the
 * window's systems are kept. Reading stops when it has read OLD_SPARSE rows for each system
 * passed so far, so a small file over a large store costs a few rows per system more than a
 * query per system would; the window then ends at the last row read. *end gets the index in
 * order after the window. */
static int old_window(struct imp *s, const uint32_t *order, size_t i, size_t *end, struct err *e)
{
	const struct sys *first = &s->sys[order[i]];
	unsigned char last[16]; /* the key of the last row read */
	size_t j = i, k = i, limit, rows = 0;
	struct db_stmt *st;
	int rc, stopped = 0;

	while (j < s->nsys && j - i < OLD_WINDOW && s->sys[order[j]].cve == first->cve)
		j++;
	limit = (j - i) * OLD_SPARSE;
	s->old.len = 0;
	s->nwin = 0;
	s->winpos = 0;
	if ((rc = db_prepare(s->db, sys_range_sql, &st, e)) != 0)
		return rc;
	db_bind_text(st, 1, s->cves[first->cve].id);
	db_bind_blob(st, 2, first->ip, 16);
	db_bind_blob(st, 3, s->sys[order[j - 1]].ip, 16);
	db_bind_int(st, 4, (int64_t)limit);
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct old_row *o;
		size_t n;
		const unsigned char *ip = db_col_blob(st, 14, &n);
		const void *b, *ob;

		rows++;
		if (n != 16)
			continue; /* no address this import names */
		memcpy(last, ip, 16);
		while (k < j && memcmp(s->sys[order[k]].ip, ip, 16) < 0)
			k++;
		if (k == j || memcmp(s->sys[order[k]].ip, ip, 16) != 0) {
			if (rows >= OLD_SPARSE * (k - i + 1)) {
				stopped = 1;
				break;
			}
			continue;
		}
		if (s->nwin == s->capwin) {
			s->capwin = s->capwin ? s->capwin * 2 : OLD_WINDOW;
			s->win = xreallocarray(s->win, s->capwin, sizeof(*s->win));
		}
		o = &s->win[s->nwin++];
		memset(o, 0, sizeof(*o));
		memcpy(o->ip, ip, 16);
		b = db_col_blob(st, 11, &o->nbits);
		ob = db_col_blob(st, 13, &o->nobs);
		o->ports = arena_add(&s->old, db_col_text(st, 0) ? db_col_text(st, 0) : "");
		o->org = arena_add(&s->old, db_col_text(st, 1));
		o->asn_null = db_col_is_null(st, 2);
		o->asn = db_col_int(st, 2);
		o->host = arena_add(&s->old, db_col_text(st, 3));
		o->product = arena_add(&s->old, db_col_text(st, 4));
		o->version = arena_add(&s->old, db_col_text(st, 5));
		o->last_import = db_col_int(st, 6);
		o->first = db_col_int(st, 7);
		o->last = db_col_int(st, 8);
		o->seen = db_col_int(st, 9);
		o->d0 = db_col_int(st, 10);
		o->bits_off = old_blob(&s->old, b, o->nbits);
		o->obs_off = old_blob(&s->old, ob, o->nobs);
		o->reported_null = db_col_is_null(st, 12);
		o->reported = db_col_int(st, 12);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	for (size_t w = 0; w < s->nwin; w++) {
		s->win[w].bits = (const unsigned char *)s->old.p + s->win[w].bits_off;
		s->win[w].obs = (const unsigned char *)s->old.p + s->win[w].obs_off;
	}
	*end = j;
	if (stopped || rows == limit) {
		/* the rows after the last one read were not seen: the window ends there */
		*end = i + 1;
		while (*end < j && memcmp(s->sys[order[*end]].ip, last, 16) <= 0)
			(*end)++;
	}
	return 0;
}

/* The stored row of system y from the window, or NULL: the systems come in key order, so the
 * window is walked once. */
static const struct old_row *old_find(struct imp *s, const struct sys *y)
{
	while (s->winpos < s->nwin) {
		int c = memcmp(s->win[s->winpos].ip, y->ip, 16);
		if (c > 0)
			return NULL;
		s->winpos++;
		if (c == 0)
			return &s->win[s->winpos - 1];
	}
	return NULL;
}

/* One system of the file merged into the store; the days it is new on go to dv. */
static int store_one(struct imp *s, struct sys *y, const struct old_row *stored,
                     const struct extra_day *xd, size_t nxd, const struct sighting *more,
                     size_t nmore, int64_t quiet_before, struct dayvec *dv, struct err *e)
{
	static const struct old_row none;
	const struct old_row *o = stored ? stored : &none;
	struct db_stmt *st;
	int64_t days[DAY_WINDOW + 256];
	size_t ndays = 0, nbits, nobs = 0;
	int64_t d0, dmax;
	char ports[400];
	int found = stored != NULL, rc, newer = 1;

	for (uint64_t b = y->daybits; b; b &= b - 1)
		days[ndays++] = s->base_day + __builtin_ctzll(b);
	for (size_t i = 0; i < nxd && ndays < sizeof(days) / sizeof(days[0]); i++)
		if (i == 0 || xd[i].day != xd[i - 1].day)
			days[ndays++] = xd[i].day;
	/* the days: the stored ones and this file's, in one bitmap from the earliest */
	d0 = ndays ? days[0] : day_of(y->first);
	dmax = d0;
	for (size_t i = 0; i < ndays; i++) {
		d0 = days[i] < d0 ? days[i] : d0;
		dmax = days[i] > dmax ? days[i] : dmax;
	}
	if (found && o->nbits) {
		d0 = o->d0 < d0 ? o->d0 : d0;
		dmax = o->d0 + (int64_t)o->nbits * 8 - 1 > dmax ? o->d0 + (int64_t)o->nbits * 8 - 1
		                                                : dmax;
	}
	nbits = (size_t)((dmax - d0) / 8 + 1);
	memset(scratch(&s->bits, &s->bitscap, nbits), 0, nbits);
	for (size_t i = 0; found && i < o->nbits; i++)
		for (int k = 0; k < 8; k++)
			if (o->bits[i] >> k & 1) {
				int64_t d = o->d0 + (int64_t)i * 8 + k - d0;
				s->bits[d / 8] |= (unsigned char)(1u << (d % 8));
			}
	for (size_t i = 0; i < ndays; i++) {
		int64_t d = days[i] - d0;
		if (s->bits[d / 8] >> (d % 8) & 1)
			continue; /* counted before, by another file */
		s->bits[d / 8] |= (unsigned char)(1u << (d % 8));
		if (s->cves[y->cve].id[0])
			dayvec_push(dv, y->cve, days[i], y->org, 1);
	}
	/* the sightings: the stored ones, then this file's */
	scratch(&s->obs, &s->obscap, o->nobs + (nmore + 1) * 40);
	if (found && o->nobs) {
		memcpy(s->obs, o->obs, o->nobs);
		nobs = o->nobs;
	}
	nobs += sighting_put(s->obs + nobs, s->id, y->line, y->off, y->len);
	for (size_t i = 0; i < nmore; i++)
		nobs += sighting_put(s->obs + nobs, s->id, more[i].line, more[i].off, more[i].len);
	if (found || y->nports > 1)
		ports_merge(found ? arena_get(&s->old, o->ports) : NULL, y, ports, sizeof(ports));
	else if (y->nports == 1)
		ports_one(y->ports[0], ports);
	else
		ports[0] = '\0';
	y->ports_text = arena_add(&s->names, ports);
	if (found) {
		newer = y->last >= o->last;
		y->first = o->first < y->first ? o->first : y->first;
		y->last = o->last > y->last ? o->last : y->last;
	} else {
		s->r->systems_new++;
	}
	/* its owner hears of it when it is new to them, or their last word is old, and when an
	 * alert can reach them (by mail or webhook, or a call about a high/high advisory) */
	y->was_reported = found && !o->reported_null;
	y->old_reported = o->reported;
	y->report = y->org != PREFIX_NONE && s->cves[y->cve].nadvs > 0 &&
	            (!found || o->reported_null || o->reported <= quiet_before) &&
	            (s->orgs[y->org].reach || (s->orgs[y->org].gov && cve_high_high(s, y->cve)));
	if (!found)
		return insert_later(s, y, d0, nbits, nobs, e);
	if ((rc = db_prepare(s->db, sys_update_sql[s->sqlite], &st, e)) != 0)
		return rc;
	db_bind_text(st, 1, s->cves[y->cve].id);
	db_bind_blob(st, 2, y->ip, 16);
	db_bind_text(st, 3, ports);
	if (newer) {
		db_bind_text(st, 4, y->org == PREFIX_NONE ? NULL : s->orgs[y->org].id);
		if (y->asn >= 0)
			db_bind_int(st, 5, y->asn);
		else
			db_bind_null(st, 5);
		db_bind_text(st, 6, arena_get(&s->names, y->host));
		db_bind_text(st, 7, arena_get(&s->names, y->product));
		db_bind_text(st, 8, arena_get(&s->names, y->version));
		db_bind_int(st, 9, s->id);
	} else {
		/* an older scan imported late: the latest word on the system stays */
		db_bind_text(st, 4, arena_get(&s->old, o->org));
		if (o->asn_null)
			db_bind_null(st, 5);
		else
			db_bind_int(st, 5, o->asn);
		db_bind_text(st, 6, arena_get(&s->old, o->host));
		db_bind_text(st, 7, arena_get(&s->old, o->product));
		db_bind_text(st, 8, arena_get(&s->old, o->version));
		db_bind_int(st, 9, o->last_import);
		y->report = 0;
	}
	db_bind_int(st, 10, y->first);
	db_bind_int(st, 11, y->last);
	db_bind_int(st, 12, (found ? o->seen : 0) + y->seen);
	db_bind_int(st, 13, d0);
	db_bind_blob(st, 14, s->bits, nbits);
	if (y->report)
		db_bind_int(st, 15, s->act->at);
	else if (y->was_reported)
		db_bind_int(st, 15, y->old_reported);
	else
		db_bind_null(st, 15);
	db_bind_blob(st, 16, s->obs, nobs);
	rc = db_step(st, e);
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* The entries of system k in v[0..n), each size bytes, sorted by their first member, the
 * system (struct extra_day, struct sighting): the first of them, and their number in *count. */
static const void *sys_run(const void *v, size_t n, size_t size, uint32_t k, size_t *count)
{
	const unsigned char *base = v;
	size_t lo = 0, hi = n, end;
	uint32_t sys;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		memcpy(&sys, base + mid * size, sizeof(sys));
		if (sys < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < n; end++) {
		memcpy(&sys, base + end * size, sizeof(sys));
		if (sys != k)
			break;
	}
	*count = end - lo;
	return base + lo * size;
}

static int store_systems(struct imp *s, struct err *e)
{
	uint32_t *order = xcalloc(s->nsys ? s->nsys : 1, sizeof(uint32_t)),
	         *corder = xcalloc(s->ncves ? s->ncves : 1, sizeof(uint32_t));
	long quiet = config_get_long(s->db, "scan.quiet_days", 7);
	int64_t quiet_before = s->act->at - (int64_t)quiet * 86400;
	struct dayvec dv = {0};
	double t[2] = {0, 0};
	size_t win_end = 0;
	int rc = 0;

	phase(t, "start");
	for (size_t i = 0; i < s->ncves; i++)
		corder[i] = (uint32_t)i;
	if (s->ncves > 1)
		qsort_r(corder, s->ncves, sizeof(uint32_t), cve_text_order, s);
	for (size_t i = 0; i < s->ncves; i++)
		s->cves[corder[i]].rank = (int)i;
	/* in key order, so the store's pages are visited once each: sorted as integers */
	if (s->nsys > 0) {
		struct syskey *keys = xcalloc(s->nsys, sizeof(*keys));
		for (size_t i = 0; i < s->nsys; i++) {
			ip_key(s->sys[i].ip, &keys[i].hi, &keys[i].lo);
			keys[i].rank = (uint32_t)s->cves[s->sys[i].cve].rank;
			keys[i].idx = (uint32_t)i;
		}
		keys_sort(keys, s->nsys, order);
		free(keys);
	}
	if (s->nextra > 1)
		qsort(s->extra, s->nextra, sizeof(*s->extra), extra_order);
	if (s->nmore > 1)
		qsort(s->more, s->nmore, sizeof(*s->more), sighting_order);
	phase(t, "sort");
	progress_start(&s->bar, "storing the systems", (int64_t)s->nsys, 100000);
	for (size_t i = 0; i < s->nsys && rc == 0; i++) {
		uint32_t k = order[i];
		const struct extra_day *xd = NULL;

		const struct sighting *mo = NULL;
		const struct old_row *stored = NULL;
		size_t nxd = 0, nmo = 0;

		/* the systems are visited in key order, scattered in memory: ask for them (and
		 * then their names) ahead, so the wait for memory overlaps the work */
		if (i + PREFETCH_AHEAD < s->nsys) {
			const char *y = (const char *)&s->sys[order[i + PREFETCH_AHEAD]];
			__builtin_prefetch(y);
			__builtin_prefetch(y + sizeof(struct sys) - 1);
		}
		if (i + PREFETCH_AHEAD / 2 < s->nsys) {
			const struct sys *y = &s->sys[order[i + PREFETCH_AHEAD / 2]];
			__builtin_prefetch(arena_get(&s->names, y->host));
			__builtin_prefetch(arena_get(&s->names, y->product));
		}

		/* this system's days outside the window and further rows (both sorted by system) */
		if (s->nextra)
			xd = sys_run(s->extra, s->nextra, sizeof(*s->extra), k, &nxd);
		if (s->sys[k].more)
			mo = sys_run(s->more, s->nmore, sizeof(*s->more), k, &nmo);
		if (s->cves[s->sys[k].cve].stored) {
			if (i >= win_end)
				rc = old_window(s, order, i, &win_end, e);
			stored = rc == 0 ? old_find(s, &s->sys[k]) : NULL;
		}
		if (rc == 0)
			rc = store_one(s, &s->sys[k], stored, xd, nxd, mo, nmo, quiet_before, &dv,
			               e);
		if (i % 4096 == 0)
			progress_update(&s->bar, (int64_t)i);
	}
	free(order);
	free(corder);
	if (rc == 0)
		rc = insert_flush(s, e);
	progress_end(&s->bar);
	phase(t, "write");
	if (rc == 0)
		rc = dayvec_store(s, &dv, e);
	phase(t, "daily");
	dayvec_free(&dv);
	return rc;
}

/* ---- informing the owners ---- */

/* A system to tell its owner of, in one advisory's alert: sorted by organisation, advisory
 * (both by index: in id order as loaded) and address, all as integers beside it, so that the
 * sort of hundreds of thousands of them reads no systems. */
struct tell {
	uint32_t org, adv;
	uint64_t hi, lo; /* the address, big-endian */
	uint32_t sys;
};

static int tell_order(const void *pa, const void *pb)
{
	const struct tell *a = pa, *b = pb;

	if (a->org != b->org)
		return a->org < b->org ? -1 : 1; /* orgs are in id order */
	if (a->adv != b->adv)
		return a->adv < b->adv ? -1 : 1;
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	return (a->lo > b->lo) - (a->lo < b->lo);
}

/* text, then spaces to width w, then one space. */
static void pad_add(struct buf *b, const char *text, int w)
{
	static const char spaces[] = "                                                ";
	size_t n = strlen(text);

	buf_add(b, text, n);
	if ((size_t)w > n)
		buf_add(b, spaces,
		        (size_t)w - n < sizeof(spaces) - 1 ? (size_t)w - n : sizeof(spaces) - 1);
	buf_addc(b, ' ');
}

/* One alert to one organisation about one advisory: the systems in t[0..n). */
static int tell_one(struct imp *s, const struct tell *t, size_t n, struct err *e)
{
	const struct adv *a = &s->advs[t[0].adv];
	const struct org *o = &s->orgs[t[0].org];
	struct alert_notice nt;
	struct alert_counts cnt;
	struct buf body;
	/* the systems as data go to webhooks; a mail lists them in its text */
	json_t *data = o->hook ? json_array() : NULL;
	char subject[1200], head[1024];
	int rc, ipw = 8, portw = 9, cvew = 3;

	buf_init(&body, BUF_MAX_DEFAULT);
	alert_subject(a->id, a->num, a->tlp, a->likelihood, a->impact, a->title, head,
	              sizeof(head));
	snprintf(subject, sizeof(subject), "%s - %zu kwetsba%s syste%s gezien", head, n,
	         n == 1 ? "ar" : "re", n == 1 ? "em" : "men");
	buf_printf(&body, s->intro, s->source, a->id);
	/* the columns as wide as their widest text in this mail */
	for (size_t i = 0; i < n && i < MAIL_LINES_MAX; i++) {
		const struct sys *y = &s->sys[t[i].sys];
		const char *ports = arena_get(&s->names, y->ports_text);
		char ip[CIDR_TEXT_MAX];
		int w = (int)ip_text(y->ip, ip, sizeof(ip)), pw = ports ? (int)strlen(ports) : 1,
		    cw = (int)strlen(s->cves[y->cve].id);
		ipw = w > ipw ? w : ipw;
		portw = pw > portw ? pw : portw;
		cvew = cw > cvew ? cw : cvew;
	}
	buf_printf(&body, "    %-*s %-*s %-*s %-20s %s\n", ipw, "IP-adres", portw, "poort(en)",
	           cvew, "CVE", "eerst gezien", "laatst gezien");
	for (size_t i = 0; i < n; i++) {
		const struct sys *y = &s->sys[t[i].sys];
		char ip[CIDR_TEXT_MAX], first[32], last[32];
		const char *ports = arena_get(&s->names, y->ports_text);

		if (i + PREFETCH_AHEAD < n)
			__builtin_prefetch(&s->sys[t[i + PREFETCH_AHEAD].sys]);

		ip_text(y->ip, ip, sizeof(ip));
		iso_time(y->first, first);
		iso_time(y->last, last);
		if (i < MAIL_LINES_MAX) {
			/* "    %-*s %-*s %-*s %s %s\n", without printf: thousands of lines */
			buf_add(&body, "    ", 4);
			pad_add(&body, ip, ipw);
			pad_add(&body, ports && ports[0] ? ports : "-", portw);
			pad_add(&body, s->cves[y->cve].id, cvew);
			buf_add(&body, first, strlen(first));
			buf_addc(&body, ' ');
			buf_add(&body, last, strlen(last));
			buf_addc(&body, '\n');
		}
		if (data == NULL)
			continue;
		json_t *pl = json_array();
		for (const char *p = ports; p && *p;) {
			char *end;
			long v = strtol(p, &end, 10);
			if (end == p)
				break;
			json_array_append_new(pl, json_integer(v));
			p = *end == ',' ? end + 1 : end;
		}
		json_array_append_new(data, json_pack("{s:s, s:o, s:s, s:s, s:s, s:s?}", "ip", ip,
		                                      "ports", pl, "cve", s->cves[y->cve].id,
		                                      "first_seen", first, "last_seen", last,
		                                      "hostname", arena_get(&s->names, y->host)));
	}
	if (n > MAIL_LINES_MAX)
		buf_printf(&body,
		           "    ... en %zu meer (alle adressen staan in de webhook en in "
		           "Baken)\n",
		           n - MAIL_LINES_MAX);
	buf_adds(&body,
	         "\nVolg de mogelijke oplossingen in het advies, en onderzoek of deze systemen\n"
	         "al zijn misbruikt. Systemen die niet meer worden gezien, tellen wij als\n"
	         "opgelost.\n");
	memset(&nt, 0, sizeof(nt));
	memset(&cnt, 0, sizeof(cnt));
	nt.advisory_id = a->id;
	nt.num = a->num;
	nt.org = o->id;
	nt.topic = "scan";
	nt.topic_ref = s->topic_ref;
	nt.reason = "scan";
	nt.subject = subject;
	nt.body = buf_str(&body);
	nt.data = data;
	nt.call = a->high_high && (strcmp(o->kind, "ministry") == 0 ||
	                           strcmp(o->kind, "agency") == 0 || strcmp(o->kind, "vital") == 0);
	rc = alert_notice(s->db, s->act, &nt, &cnt, e);
	json_decref(data);
	buf_free(&body);
	if (rc != 0)
		return rc;
	s->r->email += cnt.email;
	s->r->webhook += cnt.webhook;
	s->r->call += cnt.call;
	if (cnt.email + cnt.webhook + cnt.call > 0) {
		s->r->organisations++;
		return 0;
	}
	/* nobody could be told (contacts without an address): they stay unreported */
	for (size_t i = 0; i < n; i++) {
		struct db_stmt *st;
		const struct sys *y = &s->sys[t[i].sys];
		rc = db_prepare(
		    s->db, "UPDATE scan_systems SET reported_at = ?3 WHERE cve = ?1 AND ip = ?2",
		    &st, e);
		if (rc != 0)
			return rc;
		db_bind_text(st, 1, s->cves[y->cve].id);
		db_bind_blob(st, 2, y->ip, 16);
		if (y->was_reported)
			db_bind_int(st, 3, y->old_reported);
		else
			db_bind_null(st, 3);
		rc = db_step(st, e);
		db_done(st);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int inform_owners(struct imp *s, struct err *e)
{
	struct tell *t = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	for (size_t i = 0; i < s->nsys; i++) {
		const struct sys *y = &s->sys[i];
		if (!y->report)
			continue;
		for (size_t k = 0; k < s->cves[y->cve].nadvs; k++) {
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				t = xreallocarray(t, cap, sizeof(*t));
			}
			t[n].org = y->org;
			t[n].sys = (uint32_t)i;
			t[n].adv = (uint32_t)s->cves[y->cve].advs[k];
			ip_key(y->ip, &t[n].hi, &t[n].lo);
			n++;
		}
	}
	if (n > 1)
		qsort(t, n, sizeof(*t), tell_order);
	for (size_t i = 0; i < n && rc == 0;) {
		size_t j = i + 1;
		while (j < n && t[j].org == t[i].org && t[j].adv == t[i].adv)
			j++;
		rc = tell_one(s, t + i, j - i, e);
		i = j;
	}
	free(t);
	return rc;
}

/* ---- the import ---- */

static void hex(const unsigned char *h, size_t n, char *out)
{
	sodium_bin2hex(out, n * 2 + 1, h, n);
}

/* The SHA-256 of the first HEAD_BYTES of f and its size; f is left at its start. */
static int file_head(FILE *f, const char *path, char head[65], int64_t *size, struct err *e)
{
	unsigned char buf[HEAD_BYTES], h[crypto_hash_sha256_BYTES];
	size_t n = fread(buf, 1, sizeof(buf), f);

	if (ferror(f))
		return err_set(e, ERR_IO, "%s: cannot read: %s", path, strerror(errno));
	crypto_hash_sha256(h, buf, n);
	hex(h, sizeof(h), head);
	if (fseeko(f, 0, SEEK_END) != 0 || (*size = ftello(f)) < 0 || fseeko(f, 0, SEEK_SET) != 0)
		return err_set(e, ERR_IO, "%s: cannot seek: %s", path, strerror(errno));
	return 0;
}

/* The SHA-256 of the whole file (only when its size and head match an earlier import). */
static int file_sha(FILE *f, const char *path, char out[65], struct err *e)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hn = 0;
	char *buf = xmalloc(READ_CHUNK);
	size_t n;
	int ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;

	while (ok && (n = fread(buf, 1, READ_CHUNK, f)) > 0)
		ok = EVP_DigestUpdate(md, buf, n) == 1;
	free(buf);
	ok = ok && EVP_DigestFinal_ex(md, h, &hn) == 1 && hn == 32;
	EVP_MD_CTX_free(md);
	if (!ok || ferror(f) || fseeko(f, 0, SEEK_SET) != 0)
		return err_set(e, ERR_IO, "%s: cannot read: %s", path, strerror(errno));
	hex(h, 32, out);
	return 0;
}

/* The import of a file with this size and head, when one exists with the whole hash too. */
static int imported_before(struct imp *s, FILE *f, int64_t size, const char *head, int64_t *id,
                           char sha[65], struct err *e)
{
	struct db_stmt *st;
	int64_t maybe = 0;
	int rc;

	*id = 0;
	rc = db_prepare(s->db,
	                "SELECT count(*) FROM scan_imports WHERE size = ?1 AND head_sha256 = ?2",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_int(st, 1, size);
	db_bind_text(st, 2, head);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		maybe = db_col_int(st, 0);
	db_done(st);
	if (rc < 0 || maybe == 0)
		return rc < 0 ? rc : 0;
	if ((rc = file_sha(f, s->path, sha, e)) != 0)
		return rc;
	rc = db_prepare(s->db, "SELECT id FROM scan_imports WHERE sha256 = ?1", &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, sha);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int scan_import(struct db *db, const struct act *act, const char *path, enum scan_format format,
                const char *source, struct scan_import_result *r, struct err *e)
{
	return scan_import_as(db, act, path, path, format, source, r, e);
}

int scan_import_as(struct db *db, const struct act *act, const char *path, const char *name,
                   enum scan_format format, const char *source, struct scan_import_result *r,
                   struct err *e)
{
	struct imp s;
	struct packer pk;
	struct scanfeed *feed = NULL;
	struct db_stmt *st;
	FILE *f;
	char head[65], sha[65] = "", now[32], object[64], defsource[96], ref[48];
	int64_t size = 0, before = 0;
	double t0[2] = {0, 0};
	int rc;

	phase(t0, "start");
	memset(r, 0, sizeof(*r));
	memset(&s, 0, sizeof(s));
	memset(&pk, 0, sizeof(pk));
	s.db = db;
	s.act = act;
	s.path = name; /* what messages and the record call it */
	s.r = r;
	s.intro =
	    "Bij een scan van het internet (bron: %s) zijn in de netwerken van uw\n"
	    "organisatie systemen gezien die kwetsbaar zijn voor wat advies %s beschrijft:\n\n";
	r->format = scan_format_name(format);
	if (source && (source[0] == '\0' || strlen(source) > 100))
		return err_set(e, ERR_INPUT,
		               "--source \"%.40s\": expected a name of 1-100 characters", source);
	f = fopen(path, "rb");
	if (f == NULL)
		return err_set(e, ERR_INPUT, "%s: cannot open: %s", name, strerror(errno));
	s.fd = fileno(f);
	if ((rc = file_head(f, name, head, &size, e)) != 0 ||
	    (rc = imported_before(&s, f, size, head, &before, sha, e)) != 0)
		goto out;
	if (before) {
		r->already = 1;
		r->id = before;
		snprintf(r->sha256, sizeof(r->sha256), "%s", sha);
		goto out;
	}
	s.sqlite = strcmp(db_backend(db), "sqlite") == 0;
	/* a file's pages stay in memory until the commit, not spilled and read back */
	if (s.sqlite && (rc = db_exec(db, "PRAGMA cache_size = -2097152", e)) != 0)
		goto out;
	if ((rc = load_netblocks(&s, e)) != 0 || (rc = load_advisories(&s, e)) != 0 ||
	    (rc = db_query_int(db, "SELECT coalesce(max(id), 0) + 1 FROM scan_imports", NULL, &s.id,
	                       e)) != 0)
		goto out;
	snprintf(ref, sizeof(ref), "import:%lld", (long long)s.id);
	s.topic_ref = ref;
	/* the default source is known once the header is read; it is needed only after the
	 * rows, to store the systems */
	defsource[0] = '\0';
	s.source = source ? source : defsource;
	feed = scanfeed_new(format, name, NULL, NULL);
	phase(t0, "setup");
	if ((rc = packer_start(&pk, e)) != 0)
		goto out;
	progress_start(&s.bar, name, size, (int64_t)16 << 20);
	rc = read_file(&s, f, feed, &pk, e);
	progress_end(&s.bar);
	phase(t0, "read");
	if (rc != 0 || (rc = packer_finish(&pk, sha, e)) != 0)
		goto out;
	phase(t0, "pack");
	r->format = scan_format_name(scanfeed_format(feed));
	snprintf(r->report, sizeof(r->report), "%s",
	         scanfeed_report(feed) ? scanfeed_report(feed) : "");
	if (scanfeed_format(feed) == SCAN_FORMAT_SHADOWSERVER)
		snprintf(defsource, sizeof(defsource), "shadowserver/%s", r->report);
	else
		snprintf(defsource, sizeof(defsource), "%s", r->format);
	snprintf(r->source, sizeof(r->source), "%s", s.source);
	snprintf(r->sha256, sizeof(r->sha256), "%s", sha);
	if ((rc = store_chunks(&s, &pk, e)) != 0)
		goto out;
	phase(t0, "chunks");
	if ((rc = store_systems(&s, e)) != 0)
		goto out;
	phase(t0, "systems");
	if ((rc = inform_owners(&s, e)) != 0)
		goto out;
	phase(t0, "inform");
	time_format(act->at, now, sizeof(now));
	rc = db_prepare(
	    db,
	    "INSERT INTO scan_imports (id, sha256, size, head_sha256, file, format, report,"
	    " source, rows, observations, duplicates, matched, scanned_from, scanned_at,"
	    " alerts, imported_at, actor, body_offset) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
	    " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
	    &st, e);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, s.id);
	db_bind_text(st, 2, sha);
	db_bind_int(st, 3, size);
	db_bind_text(st, 4, head);
	db_bind_text(st, 5, name);
	db_bind_text(st, 6, r->format);
	db_bind_text(st, 7, r->report[0] ? r->report : NULL);
	db_bind_text(st, 8, s.source);
	db_bind_int(st, 9, r->rows);
	db_bind_int(st, 10, r->observations);
	db_bind_int(st, 11, r->duplicates);
	db_bind_int(st, 12, r->matched);
	if (s.have_base) {
		db_bind_int(st, 13, s.first_seen);
		db_bind_int(st, 14, s.last_seen);
	} else {
		/* a report without rows: a scan that found nothing, at the time of the import */
		db_bind_int(st, 13, act->at);
		db_bind_int(st, 14, act->at);
	}
	db_bind_int(st, 15, r->organisations);
	db_bind_text(st, 16, now);
	db_bind_text(st, 17, act->actor);
	db_bind_int(st, 18, scanfeed_body_offset(feed));
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		goto out;
	r->id = s.id;
	snprintf(object, sizeof(object), "scan:%lld", (long long)s.id);
	rc = event_append(
	    db, act, "scan.import", object,
	    json_pack("{s:s, s:s, s:s, s:s?, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "file", name,
	              "sha256", sha, "format", r->format, "report", r->report[0] ? r->report : NULL,
	              "source", s.source, "rows", (json_int_t)r->rows, "observations",
	              (json_int_t)r->observations, "duplicates", (json_int_t)r->duplicates,
	              "matched", (json_int_t)r->matched, "systems_new", (json_int_t)r->systems_new,
	              "organisations", (json_int_t)r->organisations),
	    e);
out:
	packer_free(&pk);
	scanfeed_free(feed);
	fclose(f);
	imp_free(&s);
	return rc;
}

/* ---- reading: systems, observations, exposure ---- */

struct rank {
	int64_t id;
	long rank; /* 1: the latest scan of its source */
};

static int rank_order(const void *pa, const void *pb)
{
	const struct rank *a = pa, *b = pb;

	return (a->id > b->id) - (a->id < b->id);
}

/* Every import's place among the scans of its source, newest first, as of at. */
static int load_ranks(struct db *db, int64_t at, struct rank **out, size_t *n, struct err *e)
{
	struct db_stmt *st;
	char prev[128] = "";
	long k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = db_prepare(db,
	                "SELECT id, source FROM scan_imports WHERE scanned_at <= ?1"
	                " ORDER BY source, scanned_at DESC, id DESC",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_int(st, 1, at);
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *src = db_col_text(st, 1);
		if (strcmp(src, prev) != 0) {
			snprintf(prev, sizeof(prev), "%s", src);
			k = 0;
		}
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		(*out)[*n].id = db_col_int(st, 0);
		(*out)[*n].rank = ++k;
		(*n)++;
	}
	db_done(st);
	if (*n > 1) /* qsort of an empty (NULL) array is undefined */
		qsort(*out, *n, sizeof(**out), rank_order);
	return rc < 0 ? rc : 0;
}

/* 1 when the system last seen in import id was not seen in the last n scans of its source. */
static int is_fixed(const struct rank *r, size_t nr, int64_t id, long n)
{
	struct rank key = {id, 0};
	const struct rank *hit = bsearch(&key, r, nr, sizeof(*r), rank_order);

	return hit && hit->rank > n;
}

static int advisory_check(struct db *db, const char *id, struct err *e)
{
	int64_t n = 0;
	int rc = db_query_int(db,
	                      "SELECT count(*) FROM advisory_versions WHERE advisory_id = ?1"
	                      " AND published_at IS NOT NULL",
	                      id, &n, e);

	if (rc == 0 && n == 0)
		return err_set(e, ERR_NOTFOUND, "no published advisory %s", id);
	return rc;
}

/* The CVEs of a filter: ?2 one CVE, ?3 the CVEs of an advisory's latest published version. */
#define CVE_SET                                                                                    \
	"(?2 IS NULL OR %s.cve = ?2) AND (?3 IS NULL OR %s.cve IN (SELECT c.cve FROM"              \
	" advisory_cves c WHERE c.advisory_id = ?3 AND c.num = (SELECT max(v.num) FROM"            \
	" advisory_versions v WHERE v.advisory_id = ?3 AND v.published_at IS NOT NULL)))"

static json_t *ports_json(const char *text)
{
	json_t *a = json_array();

	for (const char *p = text; p && *p;) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		json_array_append_new(a, json_integer(v));
		p = *end == ',' ? end + 1 : end;
	}
	return a;
}

static void bind_filter(struct db_stmt *st, const struct scan_filter *f, int64_t at, long limit)
{
	db_bind_text(st, 1, f->org);
	db_bind_text(st, 2, f->cve);
	db_bind_text(st, 3, f->advisory);
	db_bind_text(st, 4, f->source);
	db_bind_int(st, 5, f->unmatched ? 1 : 0);
	db_bind_int(st, 6, f->since);
	db_bind_int(st, 7, limit);
	db_bind_int(st, 8, at);
}

/* ---- observations: read back from the stored files ---- */

struct imp_info {
	int64_t id, body_offset;
	char *source, *file;
	enum scan_format format;
};

/* One observation to list: a sighting of a system (in the systems list of the query). */
struct obs_ref {
	int64_t import, off;
	uint32_t line, len;
	uint32_t sys;
};

struct obs_sys {
	char cve[24];
	unsigned char ip[16];
	char *org;
};

/* Reads rows of stored files back: the chunk holding them, decompressed, and a reader of the
 * file's format that has read its header. */
struct obs_reader {
	struct db *db;
	const struct imp_info *imp;
	int64_t seq, start; /* the chunk held (seq -1: none) */
	char *chunk;
	size_t n, cap;
	unsigned char *row;
	size_t rowcap;
	struct scanfeed *feed;
	int got;
	int port;
	int64_t seen_at, asn;
};

static int obs_take(void *ctx, const struct scan_row *r, struct err *e)
{
	struct obs_reader *o = ctx;

	(void)e;
	o->got = 1;
	o->port = r->port;
	o->seen_at = r->seen_at;
	o->asn = r->asn;
	return 0;
}

/* Makes the chunk holding byte off of the import's file the one held. */
static int obs_chunk(struct obs_reader *o, int64_t off, struct err *e)
{
	struct db_stmt *st;
	int64_t seq = off / (int64_t)READ_CHUNK;
	int rc;

	if (o->seq >= 0 && off >= o->start && off < o->start + (int64_t)o->n)
		return 0;
	for (int pass = 0; pass < 2; pass++) {
		/* chunks are READ_CHUNK bytes but the last: seq is known; else look */
		rc = db_prepare(o->db,
		                pass == 0 ? "SELECT seq, start, size, data FROM scan_chunks WHERE"
		                            " import_id = ?1 AND seq = ?2"
		                          : "SELECT seq, start, size, data FROM scan_chunks WHERE"
		                            " import_id = ?1 AND start <= ?3 ORDER BY start DESC"
		                            " LIMIT 1",
		                &st, e);
		if (rc != 0)
			return rc;
		db_bind_int(st, 1, o->imp->id);
		db_bind_int(st, 2, seq);
		db_bind_int(st, 3, off);
		rc = db_step(st, e);
		if (rc == DB_ROW && db_col_int(st, 1) <= off &&
		    off < db_col_int(st, 1) + db_col_int(st, 2)) {
			size_t zn, size = (size_t)db_col_int(st, 2);
			const void *z = db_col_blob(st, 3, &zn);
			size_t got;

			if (size > o->cap) {
				o->cap = size;
				o->chunk = xrealloc(o->chunk, o->cap);
			}
			got = ZSTD_decompress(o->chunk, size, z, zn);
			o->seq = db_col_int(st, 0);
			o->start = db_col_int(st, 1);
			o->n = size;
			db_done(st);
			if (ZSTD_isError(got) || got != size) {
				o->seq = -1;
				return err_set(e, ERR_DB, "scan import %lld: chunk %lld is damaged",
				               (long long)o->imp->id, (long long)seq);
			}
			return 0;
		}
		db_done(st);
		if (rc < 0)
			return rc;
	}
	return err_set(e, ERR_DB, "scan import %lld: no stored bytes at offset %lld",
	               (long long)o->imp->id, (long long)off);
}

/* Bytes [off, off + n) of the import's file into o->row (NUL-terminated). */
static int obs_bytes(struct obs_reader *o, int64_t off, size_t n, struct err *e)
{
	size_t have = 0;
	int rc;

	scratch(&o->row, &o->rowcap, n + 2);
	while (have < n) {
		size_t k;
		if ((rc = obs_chunk(o, off + (int64_t)have, e)) != 0)
			return rc;
		k = o->n - (size_t)(off + (int64_t)have - o->start);
		k = k < n - have ? k : n - have;
		memcpy(o->row + have, o->chunk + (off + (int64_t)have - o->start), k);
		have += k;
	}
	o->row[n] = '\0';
	return 0;
}

/* Reads the observation's row again: its bytes in o->row, its port, time and AS number. */
static int obs_read(struct obs_reader *o, const struct imp_info *imp, const struct obs_ref *r,
                    struct err *e)
{
	int rc;

	if (o->imp != imp) {
		scanfeed_free(o->feed);
		o->imp = imp;
		o->seq = -1;
		o->feed = scanfeed_new(imp->format, imp->file, obs_take, o);
		if (imp->body_offset > 0) {
			if ((rc = obs_bytes(o, 0, (size_t)imp->body_offset, e)) != 0 ||
			    (rc = scanfeed_feed(o->feed, (const char *)o->row,
			                        (size_t)imp->body_offset, e)) != 0)
				return err_wrap(
				    e, "scan import %lld: its header: ", (long long)imp->id);
		}
	}
	if ((rc = obs_bytes(o, r->off, r->len, e)) != 0)
		return rc;
	o->row[r->len] = '\n';
	o->got = 0;
	rc = scanfeed_feed(o->feed, (const char *)o->row, r->len + 1, e);
	o->row[r->len] = '\0';
	if (rc != 0 || !o->got) {
		/* the reader is left after an error: a new one for the next row */
		scanfeed_free(o->feed);
		o->feed = NULL;
		o->imp = NULL;
		return rc ? err_wrap(e, "scan import %lld line %lu: ", (long long)imp->id,
		                     (unsigned long)r->line)
		          : err_set(e, ERR_DB,
		                    "scan import %lld line %lu: the stored row is not one",
		                    (long long)imp->id, (unsigned long)r->line);
	}
	return 0;
}

static int obs_ref_order(const void *pa, const void *pb, void *ctx)
{
	const struct obs_ref *a = pa, *b = pb;
	const struct obs_sys *sys = ctx;

	if (a->import != b->import)
		return a->import < b->import ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return strcmp(sys[a->sys].cve, sys[b->sys].cve);
}

static void imp_infos_free(struct imp_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].source);
		free(v[i].file);
	}
	free(v);
}

/* Every import (id order), with what reading its rows back needs. */
static int imp_infos(struct db *db, struct imp_info **out, size_t *n, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	rc = db_prepare(
	    db, "SELECT id, source, file, format, body_offset FROM scan_imports ORDER BY id", &st,
	    e);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct imp_info *v;
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		v = &(*out)[(*n)++];
		v->id = db_col_int(st, 0);
		v->source = xstrdup(db_col_text(st, 1));
		v->file = xstrdup(db_col_text(st, 2));
		if (scan_format_parse(db_col_text(st, 3), &v->format) != 0)
			v->format = SCAN_FORMAT_AUTO;
		v->body_offset = db_col_int(st, 4);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static const struct imp_info *imp_info_find(const struct imp_info *v, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].id == id ? &v[lo] : NULL;
}

static json_t *obs_json(const char *id, int64_t import, const char *source, const char *file,
                        int64_t line, const unsigned char *ip, int port, int64_t seen_at,
                        const char *cve, const char *org, int64_t asn, const char *raw)
{
	return json_pack(
	    "{s:s, s:I, s:s, s:s, s:I, s:o, s:o, s:o, s:s, s:o, s:o, s:s}", "id", id, "import",
	    (json_int_t)import, "source", source, "file", file, "line", (json_int_t)line, "ip",
	    json_ip(ip), "port", port >= 0 ? json_integer(port) : json_null(), "seen_at",
	    json_time(seen_at), "cve", cve, "org", org ? json_string(org) : json_null(), "asn",
	    asn >= 0 ? json_integer(asn) : json_null(), "raw", raw);
}

/* Observations of imports made before schema 9, kept row by row in scan_obs; their owner is
 * their system's. */
static int list_legacy(struct db *db, const struct act *act, const struct scan_filter *f,
                       long limit, json_t *out, struct err *e)
{
	struct db_stmt *st;
	char sql[2048], cveset[512];
	int64_t any = 0;
	int rc;

	if ((rc = db_query_int(db, "SELECT count(*) FROM (SELECT 1 FROM scan_obs LIMIT 1) x", NULL,
	                       &any, e)) != 0 ||
	    any == 0)
		return rc;
	snprintf(cveset, sizeof(cveset), CVE_SET, "o", "o");
	snprintf(sql, sizeof(sql),
	         "SELECT o.import_id, i.source, i.file, o.line, o.ip, o.port, o.seen_at, o.cve,"
	         " s.org_id, o.asn, o.raw FROM scan_obs o JOIN scan_imports i ON i.id ="
	         " o.import_id LEFT JOIN scan_systems s ON s.cve = o.cve AND s.ip = o.ip WHERE %s"
	         " AND %s AND (?4 IS NULL OR i.source = ?4) AND (?5 = 0 OR s.org_id IS NULL) AND"
	         " o.seen_at >= ?6 AND o.seen_at <= ?8 ORDER BY o.id LIMIT ?7",
	         f->org ? "s.org_id = ?1" : "?1 IS NULL", cveset);
	if ((rc = db_prepare(db, sql, &st, e)) != 0)
		return rc;
	bind_filter(st, f, act->at, limit);
	while ((rc = db_step(st, e)) == DB_ROW) {
		size_t n;
		const unsigned char *ip = db_col_blob(st, 4, &n);
		char id[48];
		json_t *row;

		if (n != 16)
			continue;
		snprintf(id, sizeof(id), "%lld:%lld", (long long)db_col_int(st, 0),
		         (long long)db_col_int(st, 3));
		row = obs_json(id, db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2),
		               db_col_int(st, 3), ip,
		               db_col_is_null(st, 5) ? -1 : (int)db_col_int(st, 5),
		               db_col_int(st, 6), db_col_text(st, 7), db_col_text(st, 8),
		               db_col_is_null(st, 9) ? -1 : db_col_int(st, 9), db_col_text(st, 10));
		if (row == NULL) {
			rc = err_set(e, ERR_DB, "scan list: a row could not be written as JSON");
			break;
		}
		json_array_append_new(out, row);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* The observations of the systems the filter selects, in import and line order: each row read
 * back from its stored file. */
static int list_observations(struct db *db, const struct act *act, const struct scan_filter *f,
                             long limit, json_t *out, struct err *e)
{
	struct imp_info *imps = NULL;
	size_t nimps = 0, nsys = 0, nrefs = 0, caprefs = 0;
	struct obs_sys *sys = NULL;
	struct obs_ref *refs = NULL;
	struct obs_reader rd;
	struct db_stmt *st;
	char sql[2048], cveset[512];
	int rc;

	memset(&rd, 0, sizeof(rd));
	rd.db = db;
	rd.seq = -1;
	if ((rc = list_legacy(db, act, f, limit, out, e)) != 0 ||
	    (long)json_array_size(out) >= limit || (rc = imp_infos(db, &imps, &nimps, e)) != 0)
		goto out;
	snprintf(cveset, sizeof(cveset), CVE_SET, "s", "s");
	snprintf(sql, sizeof(sql),
	         "SELECT s.cve, s.ip, s.org_id, s.obs FROM scan_systems s WHERE %s AND %s AND"
	         " (?4 IS NULL OR ?4 IS NOT NULL) AND (?5 = 0 OR s.org_id IS NULL) AND"
	         " s.last_seen >= ?6 AND s.first_seen <= ?8 AND ?7 > 0 AND s.obs IS NOT NULL",
	         f->org ? "s.org_id = ?1" : "?1 IS NULL", cveset);
	if ((rc = db_prepare(db, sql, &st, e)) != 0)
		goto out;
	bind_filter(st, f, act->at, limit);
	while ((rc = db_step(st, e)) == DB_ROW) {
		size_t n, nobs;
		const unsigned char *ip = db_col_blob(st, 1, &n);
		const unsigned char *p = db_col_blob(st, 3, &nobs), *end = p + nobs;
		struct obs_sys *y;

		if (n != 16)
			continue;
		sys = xreallocarray(sys, nsys + 1, sizeof(*sys));
		y = &sys[nsys];
		snprintf(y->cve, sizeof(y->cve), "%s", db_col_text(st, 0));
		memcpy(y->ip, ip, 16);
		y->org = db_col_text(st, 2) ? xstrdup(db_col_text(st, 2)) : NULL;
		while (p && p < end) {
			uint64_t imp, line, off, len;
			const struct imp_info *ii;
			if (uleb_get(&p, end, &imp) || uleb_get(&p, end, &line) ||
			    uleb_get(&p, end, &off) || uleb_get(&p, end, &len))
				break; /* a damaged list: what it held so far */
			ii = imp_info_find(imps, nimps, (int64_t)imp);
			if (ii == NULL || (f->source && strcmp(ii->source, f->source) != 0))
				continue;
			if (nrefs == caprefs) {
				caprefs = caprefs ? caprefs * 2 : 1024;
				refs = xreallocarray(refs, caprefs, sizeof(*refs));
			}
			refs[nrefs].import = (int64_t)imp;
			refs[nrefs].line = (uint32_t)line;
			refs[nrefs].off = (int64_t)off;
			refs[nrefs].len = (uint32_t)len;
			refs[nrefs].sys = (uint32_t)nsys;
			nrefs++;
		}
		nsys++;
	}
	db_done(st);
	if (rc < 0)
		goto out;
	rc = 0;
	if (nrefs > 1)
		qsort_r(refs, nrefs, sizeof(*refs), obs_ref_order, sys);
	for (size_t i = 0; i < nrefs && (long)json_array_size(out) < limit; i++) {
		const struct imp_info *ii = imp_info_find(imps, nimps, refs[i].import);
		const struct obs_sys *y = &sys[refs[i].sys];
		char id[48];
		json_t *row;

		if ((rc = obs_read(&rd, ii, &refs[i], e)) != 0)
			break;
		if (rd.seen_at < f->since || rd.seen_at > act->at)
			continue;
		snprintf(id, sizeof(id), "%lld:%lu", (long long)refs[i].import,
		         (unsigned long)refs[i].line);
		row = obs_json(id, refs[i].import, ii->source, ii->file, refs[i].line, y->ip,
		               rd.port, rd.seen_at, y->cve, y->org, rd.asn, (const char *)rd.row);
		if (row == NULL) {
			rc = err_set(e, ERR_DB, "scan list: a row could not be written as JSON");
			break;
		}
		json_array_append_new(out, row);
	}
out:
	for (size_t i = 0; i < nsys; i++)
		free(sys[i].org);
	free(sys);
	free(refs);
	imp_infos_free(imps, nimps);
	scanfeed_free(rd.feed);
	free(rd.chunk);
	free(rd.row);
	return rc;
}

int scan_list(struct db *db, const struct act *act, const struct scan_filter *f, json_t **out,
              struct err *e)
{
	long limit = f->limit > 0 ? f->limit : 10000, fixed_after;
	struct db_stmt *st;
	struct rank *ranks = NULL;
	size_t nranks = 0;
	char sql[2048], cveset[512];
	int rc;

	*out = NULL;
	if (f->advisory && (rc = advisory_check(db, f->advisory, e)) != 0)
		return rc;
	if (f->observations) {
		*out = json_array();
		if ((rc = list_observations(db, act, f, limit, *out, e)) != 0) {
			json_decref(*out);
			*out = NULL;
		}
		return rc;
	}
	fixed_after = config_get_long(db, "scan.fixed_after", 3);
	snprintf(cveset, sizeof(cveset), CVE_SET, "s", "s");
	snprintf(sql, sizeof(sql),
	         "SELECT s.cve, s.ip, s.ports, s.org_id, s.asn, s.hostname, s.product,"
	         " s.version, i.source, s.first_seen, s.last_seen, s.seen, s.reported_at,"
	         " s.last_import FROM scan_systems s JOIN scan_imports i ON i.id = s.last_import"
	         " WHERE %s AND %s AND (?4 IS NULL OR i.source = ?4) AND (?5 = 0 OR s.org_id IS"
	         " NULL) AND s.last_seen >= ?6 AND s.first_seen <= ?8 ORDER BY %s s.org_id, s.cve,"
	         " s.ip LIMIT ?7",
	         f->org ? "s.org_id = ?1" : "?1 IS NULL", cveset,
	         f->unmatched ? "coalesce(s.asn, -1)," : "");
	if ((rc = load_ranks(db, act->at, &ranks, &nranks, e)) != 0)
		return rc;
	if ((rc = db_prepare(db, sql, &st, e)) != 0) {
		free(ranks);
		return rc;
	}
	bind_filter(st, f, act->at, limit);
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		size_t n;
		const unsigned char *ip = db_col_blob(st, 1, &n);
		int fixed;
		json_t *row;

		if (n != 16)
			continue;
		fixed = is_fixed(ranks, nranks, db_col_int(st, 13), fixed_after);
		row =
		    json_pack("{s:s, s:o, s:o, s:s?, s:o, s:s?, s:s?, s:s?, s:s, s:o, s:o, s:I,"
		              " s:s, s:o}",
		              "cve", db_col_text(st, 0), "ip", json_ip(ip), "ports",
		              ports_json(db_col_text(st, 2)), "org", db_col_text(st, 3), "asn",
		              db_col_is_null(st, 4) ? json_null() : json_integer(db_col_int(st, 4)),
		              "hostname", db_col_text(st, 5), "product", db_col_text(st, 6),
		              "version", db_col_text(st, 7), "source", db_col_text(st, 8),
		              "first_seen", json_time(db_col_int(st, 9)), "last_seen",
		              json_time(db_col_int(st, 10)), "seen", (json_int_t)db_col_int(st, 11),
		              "state", fixed ? "fixed" : "vulnerable", "reported_at",
		              db_col_is_null(st, 12) ? json_null() : json_time(db_col_int(st, 12)));
		if (row == NULL) {
			rc = err_set(e, ERR_DB, "scan list: a row could not be written as JSON");
			break;
		}
		if (!json_object_get(row, "org"))
			json_object_set_new(row, "org", json_null());
		json_array_append_new(*out, row);
	}
	db_done(st);
	free(ranks);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

/* The advisories whose latest published version names cve, as a JSON array of ids. */
static int advisories_of(struct db *db, const char *cve, json_t **out, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*out = json_array();
	rc = db_prepare(db,
	                "SELECT c.advisory_id FROM advisory_cves c WHERE c.cve = ?1 AND c.num ="
	                " (SELECT max(v.num) FROM advisory_versions v WHERE v.advisory_id ="
	                " c.advisory_id AND v.published_at IS NOT NULL) ORDER BY c.advisory_id",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, cve);
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(*out, json_string(db_col_text(st, 0)));
	db_done(st);
	return rc < 0 ? rc : 0;
}

struct tally {
	long systems, vulnerable, fixed, unmatched, orgs;
	int64_t first, last;
	char last_org[128];
};

static void tally_add(struct tally *t, const char *org, int64_t first, int64_t last, int fixed)
{
	if (t->systems == 0 || first < t->first)
		t->first = first;
	if (t->systems == 0 || last > t->last)
		t->last = last;
	t->systems++;
	if (fixed)
		t->fixed++;
	else
		t->vulnerable++;
	if (org == NULL)
		t->unmatched++;
	else if (strcmp(org, t->last_org) != 0) {
		t->orgs++;
		snprintf(t->last_org, sizeof(t->last_org), "%s", org);
	}
}

static void tally_json(json_t *o, const struct tally *t)
{
	json_object_set_new(o, "systems", json_integer(t->systems));
	json_object_set_new(o, "vulnerable", json_integer(t->vulnerable));
	json_object_set_new(o, "fixed", json_integer(t->fixed));
	json_object_set_new(o, "organisations", json_integer(t->orgs));
	json_object_set_new(o, "unmatched", json_integer(t->unmatched));
	json_object_set_new(o, "first_seen", t->systems ? json_time(t->first) : json_null());
	json_object_set_new(o, "last_seen", t->systems ? json_time(t->last) : json_null());
}

static const char *informs_text(const json_t *advisories)
{
	return json_array_size(advisories) ? "yes" : "no advisory: stored, nobody informed";
}

/* One row per CVE. */
static int stats_all(struct db *db, const struct act *act, const struct scan_stats_opts *o,
                     const struct rank *ranks, size_t nranks, long fixed_after, json_t **out,
                     struct err *e)
{
	struct db_stmt *st;
	struct tally t;
	char cur[32] = "";
	int rc;

	*out = json_array();
	rc = db_prepare(db,
	                o->org ? "SELECT cve, org_id, last_import, first_seen, last_seen FROM"
	                         " scan_systems WHERE org_id = ?1 AND cve != '' AND last_seen >= ?2"
	                         " AND first_seen <= ?3 ORDER BY cve"
	                       : "SELECT cve, org_id, last_import, first_seen, last_seen FROM"
	                         " scan_systems WHERE ?1 IS NULL AND cve != '' AND last_seen >= ?2"
	                         " AND first_seen <= ?3 ORDER BY cve, org_id",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, o->org);
	db_bind_int(st, 2, o->since);
	db_bind_int(st, 3, act->at);
	memset(&t, 0, sizeof(t));
	for (;;) {
		const char *cve = NULL;
		rc = db_step(st, e);
		if (rc == DB_ROW)
			cve = db_col_text(st, 0);
		if (cur[0] && (rc != DB_ROW || strcmp(cve, cur) != 0)) {
			json_t *row = json_pack("{s:s}", "cve", cur), *advs = NULL;
			int r2 = advisories_of(db, cur, &advs, e);
			if (r2 != 0) {
				json_decref(row);
				json_decref(advs);
				rc = r2;
				break;
			}
			json_object_set_new(row, "advisories", advs);
			json_object_set_new(row, "informs", json_string(informs_text(advs)));
			tally_json(row, &t);
			json_array_append_new(*out, row);
			memset(&t, 0, sizeof(t));
		}
		if (rc != DB_ROW)
			break;
		snprintf(cur, sizeof(cur), "%s", cve);
		tally_add(&t, db_col_text(st, 1), db_col_int(st, 3), db_col_int(st, 4),
		          is_fixed(ranks, nranks, db_col_int(st, 2), fixed_after));
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int scan_stats(struct db *db, const struct act *act, const struct scan_stats_opts *o, json_t **out,
               struct err *e)
{
	long fixed_after = config_get_long(db, "scan.fixed_after", 3);
	struct rank *ranks = NULL;
	size_t nranks = 0;
	struct db_stmt *st;
	struct tally t;
	json_t *res = NULL, *days = NULL, *advs = NULL, *day = NULL;
	const char *group;
	char sql[2048], cveset[512];
	int64_t prev_day = 0, at_day = day_of(act->at);
	int rc;

	*out = NULL;
	if (o->by && strcmp(o->by, "kind") && strcmp(o->by, "sector") && strcmp(o->by, "org"))
		return err_set(e, ERR_INPUT, "--by \"%s\": expected kind, sector or org", o->by);
	if (o->advisory && (rc = advisory_check(db, o->advisory, e)) != 0)
		return rc;
	if ((rc = load_ranks(db, act->at, &ranks, &nranks, e)) != 0)
		return rc;
	if (o->cve == NULL && o->advisory == NULL) {
		rc = stats_all(db, act, o, ranks, nranks, fixed_after, out, e);
		free(ranks);
		return rc;
	}
	res = json_object();
	if (o->cve) {
		json_object_set_new(res, "cve", json_string(o->cve));
		rc = advisories_of(db, o->cve, &advs, e);
	} else {
		json_object_set_new(res, "advisory", json_string(o->advisory));
		advs = json_array();
		json_array_append_new(advs, json_string(o->advisory));
	}
	if (rc != 0)
		goto out;
	json_object_set_new(res, "advisories", advs);
	json_object_set_new(res, "informs", json_string(informs_text(advs)));
	if (o->org)
		json_object_set_new(res, "org", json_string(o->org));
	/* the systems: how many, fixed or not */
	snprintf(cveset, sizeof(cveset), CVE_SET, "s", "s");
	snprintf(
	    sql, sizeof(sql),
	    "SELECT s.org_id, s.last_import, s.first_seen, s.last_seen, s.cve FROM scan_systems"
	    " s WHERE %s AND %s AND s.last_seen >= ?4 AND s.first_seen <= ?5 ORDER BY"
	    " s.org_id",
	    o->org ? "s.org_id = ?1" : "?1 IS NULL", cveset);
	if ((rc = db_prepare(db, sql, &st, e)) != 0)
		goto out;
	db_bind_text(st, 1, o->org);
	db_bind_text(st, 2, o->cve);
	db_bind_text(st, 3, o->advisory);
	db_bind_int(st, 4, o->since);
	db_bind_int(st, 5, act->at);
	memset(&t, 0, sizeof(t));
	while ((rc = db_step(st, e)) == DB_ROW)
		tally_add(&t, db_col_text(st, 0), db_col_int(st, 2), db_col_int(st, 3),
		          is_fixed(ranks, nranks, db_col_int(st, 1), fixed_after));
	db_done(st);
	if (rc < 0)
		goto out;
	tally_json(res, &t);
	json_object_set_new(res, "fixed_after", json_integer(fixed_after));
	/* the days */
	group = o->by == NULL                  ? "'all'"
	        : strcmp(o->by, "kind") == 0   ? "coalesce(g.kind, 'unmatched')"
	        : strcmp(o->by, "sector") == 0 ? "coalesce(g.sector, '')"
	                                       : "d.org_id";
	snprintf(cveset, sizeof(cveset), CVE_SET, "d", "d");
	snprintf(sql, sizeof(sql),
	         "SELECT d.day, %s, sum(d.systems) FROM scan_daily d LEFT JOIN orgs g ON g.id ="
	         " d.org_id WHERE %s AND %s AND d.day >= ?4 AND d.day <= ?5 GROUP BY 1, 2"
	         " ORDER BY 1, 2",
	         group, o->org ? "d.org_id = ?1" : "?1 IS NULL", cveset);
	if ((rc = db_prepare(db, sql, &st, e)) != 0)
		goto out;
	db_bind_text(st, 1, o->org);
	db_bind_text(st, 2, o->cve);
	db_bind_text(st, 3, o->advisory);
	db_bind_int(st, 4, day_of(o->since));
	db_bind_int(st, 5, at_day);
	days = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t d = db_col_int(st, 0);
		char text[16];

		if (day == NULL || d != prev_day) {
			/* the days between without a sighting count zero */
			for (int64_t g = day ? prev_day + 1 : d; g < d; g++) {
				day_text(g, text, sizeof(text));
				json_array_append_new(
				    days, json_pack("{s:s, s:i}", "day", text, "systems", 0));
			}
			day_text(d, text, sizeof(text));
			day = json_pack("{s:s, s:i}", "day", text, "systems", 0);
			if (o->by)
				json_object_set_new(day, "by", json_array());
			json_array_append_new(days, day);
			prev_day = d;
		}
		json_object_set_new(
		    day, "systems",
		    json_integer(json_integer_value(json_object_get(day, "systems")) +
		                 db_col_int(st, 2)));
		if (o->by) {
			const char *g = db_col_text(st, 1);
			json_array_append_new(
			    json_object_get(day, "by"),
			    json_pack("{s:s?, s:I}", o->by,
			              strcmp(o->by, "org") == 0 && g && !g[0] ? NULL : g, "systems",
			              (json_int_t)db_col_int(st, 2)));
		}
	}
	db_done(st);
	if (rc < 0)
		goto out;
	json_object_set_new(res, "days", days);
	days = NULL;
	rc = 0;
out:
	free(ranks);
	json_decref(days);
	if (rc != 0) {
		json_decref(res);
		return rc;
	}
	*out = res;
	return 0;
}

/* ---- the chart ---- */

/* Text for SVG: &, <, >, " and ' escaped. */
static void svg_text(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		case '\'':
			buf_adds(b, "&#39;");
			break;
		default:
			buf_addc(b, *s);
		}
	}
}

int scan_svg(const json_t *stats, struct buf *out)
{
	const json_t *days = json_object_get(stats, "days"), *d;
	const char *what = json_string_value(json_object_get(stats, "cve"));
	size_t n = json_array_size(days), i;
	long max = 1;
	int bw, w, h = 320, top = 40, bottom = 60, left = 50, plot;

	if (what == NULL)
		what = json_string_value(json_object_get(stats, "advisory"));
	json_array_foreach(days, i, d)
	{
		long v = (long)json_integer_value(json_object_get(d, "systems"));
		max = v > max ? v : max;
	}
	bw = n > 120 ? 6 : n > 40 ? 12 : 24;
	w = left + (int)n * bw + 20;
	w = w < 480 ? 480 : w;
	plot = h - top - bottom;
	buf_printf(out,
	           "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
	           " viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"t\" font-family="
	           "\"sans-serif\" font-size=\"11\">\n<title id=\"t\">Kwetsbare systemen per dag: ",
	           w, h, w, h);
	svg_text(out, what ? what : "");
	buf_adds(out, "</title>\n<text x=\"10\" y=\"20\" font-size=\"14\">");
	buf_adds(out, "Kwetsbare systemen per dag: ");
	svg_text(out, what ? what : "");
	buf_printf(out,
	           "</text>\n<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n",
	           left, top + plot, w - 10, top + plot);
	buf_printf(out,
	           "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%ld</text>\n<text x=\"%d\" y=\"%d\""
	           " text-anchor=\"end\">0</text>\n",
	           left - 4, top + 4, max, left - 4, top + plot);
	json_array_foreach(days, i, d)
	{
		long v = (long)json_integer_value(json_object_get(d, "systems"));
		const char *day = json_string_value(json_object_get(d, "day"));
		int bh = (int)((double)v * plot / (double)max + 0.5), x = left + (int)i * bw + 2;

		buf_printf(out,
		           "<g><title>%s: %ld</title><rect x=\"%d\" y=\"%d\" width=\"%d\""
		           " height=\"%d\" fill=\"#c0392b\"/>",
		           day ? day : "", v, x, top + plot - bh, bw - 3, bh);
		if (bw >= 12 || v == max)
			buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%ld</text>",
			           x + (bw - 3) / 2, top + plot - bh - 3, v);
		if (day && (i % (size_t)(bw >= 24 ? 1 : bw >= 12 ? 3 : 7) == 0))
			buf_printf(out,
			           "<text x=\"%d\" y=\"%d\" transform=\"rotate(-60 %d %d)\""
			           " text-anchor=\"end\">%s</text>",
			           x + (bw - 3) / 2, top + plot + 12, x + (bw - 3) / 2,
			           top + plot + 12, day);
		buf_adds(out, "</g>\n");
	}
	return buf_adds(out, "</svg>\n");
}

/* ---- netblocks changed: the owners follow ---- */

/* A system in a changed range, as stored. */
struct moved {
	char cve[24];
	unsigned char ip[16];
	char *org, *ports, *host;
	int64_t last_import, day0, first, last;
	unsigned char *days;
	size_t ndays;
};

static const char remap_select_sql[] =
    "WITH RECURSIVE c(cve) AS (SELECT min(cve) FROM scan_systems UNION ALL SELECT (SELECT"
    " min(x.cve) FROM scan_systems x WHERE x.cve > c.cve) FROM c WHERE c.cve IS NOT NULL)"
    " SELECT s.cve, s.ip, s.org_id, s.last_import, s.day0, s.days, s.ports, s.first_seen,"
    " s.last_seen, s.hostname FROM c JOIN scan_systems s ON s.cve = c.cve AND s.ip >= ?1 AND"
    " s.ip <= ?2 ORDER BY s.cve, s.ip";

/* The systems stored in [lo, hi]. */
static int moved_load(struct db *db, const unsigned char lo[16], const unsigned char hi[16],
                      struct moved **out, size_t *n, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_prepare(db, remap_select_sql, &st, e)) != 0)
		return rc;
	db_bind_blob(st, 1, lo, 16);
	db_bind_blob(st, 2, hi, 16);
	while ((rc = db_step(st, e)) == DB_ROW) {
		size_t ipn, dn;
		const void *ip = db_col_blob(st, 1, &ipn);
		const void *d = db_col_blob(st, 5, &dn);
		struct moved *m;

		if (ipn != 16)
			continue;
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		m = &(*out)[(*n)++];
		memset(m, 0, sizeof(*m));
		snprintf(m->cve, sizeof(m->cve), "%s", db_col_text(st, 0));
		memcpy(m->ip, ip, 16);
		m->org = db_col_text(st, 2) ? xstrdup(db_col_text(st, 2)) : NULL;
		m->last_import = db_col_int(st, 3);
		m->day0 = db_col_int(st, 4);
		m->days = xmalloc(dn ? dn : 1);
		if (dn)
			memcpy(m->days, d, dn);
		m->ndays = dn;
		m->ports = xstrdup(db_col_text(st, 6) ? db_col_text(st, 6) : "");
		m->first = db_col_int(st, 7);
		m->last = db_col_int(st, 8);
		m->host = db_col_text(st, 9) ? xstrdup(db_col_text(st, 9)) : NULL;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static void moved_free(struct moved *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].org);
		free(m[i].ports);
		free(m[i].host);
		free(m[i].days);
	}
	free(m);
}

int scan_netblock_changed(struct db *db, const struct act *act, const unsigned char addr[16],
                          int prefix, struct err *e)
{
	struct imp s;
	struct scan_import_result r;
	struct moved *mv = NULL;
	struct dayvec dv = {0};
	struct rank *ranks = NULL;
	size_t nmv = 0, nranks = 0;
	unsigned char lo[16], hi[16];
	char ref[160], text[CIDR_TEXT_MAX], object[96];
	struct cidr c;
	long fixed_after, moved = 0;
	int rc;

	if (prefix < 0 || prefix > 128)
		return err_set(e, ERR_INPUT, "netblock prefix %d is outside 0-128", prefix);
	memcpy(lo, addr, 16);
	memcpy(hi, addr, 16);
	for (int bit = prefix; bit < 128; bit++) {
		lo[bit / 8] &= (unsigned char)~(0x80u >> (bit % 8));
		hi[bit / 8] |= (unsigned char)(0x80u >> (bit % 8));
	}
	/* nothing seen in the range (the common case, and every netblock of an empty store):
	 * one look per CVE in the primary key */
	if ((rc = moved_load(db, lo, hi, &mv, &nmv, e)) != 0 || nmv == 0) {
		moved_free(mv, nmv);
		return rc;
	}
	memset(&s, 0, sizeof(s));
	memset(&r, 0, sizeof(r));
	memcpy(c.addr, lo, 16);
	c.prefix = prefix;
	c.v4 = prefix >= 96 && memcmp(lo, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0;
	cidr_format(&c, text, sizeof(text));
	snprintf(ref, sizeof(ref), "netblock:%s:%lld", text, (long long)act->at);
	s.db = db;
	s.act = act;
	s.r = &r;
	s.path = text;
	s.source = text;
	s.topic_ref = ref;
	s.intro = "In het netwerk %s, dat nu aan uw organisatie is toegekend, zijn bij eerdere\n"
	          "scans van het internet systemen gezien die kwetsbaar zijn voor wat advies %s\n"
	          "beschrijft:\n\n";
	s.sqlite = strcmp(db_backend(db), "sqlite") == 0;
	fixed_after = config_get_long(db, "scan.fixed_after", 3);
	if ((rc = load_netblocks(&s, e)) != 0 || (rc = load_advisories(&s, e)) != 0 ||
	    (rc = load_ranks(db, act->at, &ranks, &nranks, e)) != 0)
		goto out;
	for (size_t i = 0; i < nmv; i++) {
		struct moved *m = &mv[i];
		uint32_t now_org = prefix_lookup(s.lpm, m->ip), was = org_find(&s, m->org), ci;
		struct db_stmt *st;
		struct sys *y;
		int isnew, fixed;

		if (now_org == was)
			continue;
		if ((rc = cve_intern(&s, m->cve, &ci, e)) != 0)
			goto out;
		y = sys_get(&s, ci, m->ip, &isnew);
		y->org = now_org;
		y->first = m->first;
		y->last = m->last;
		y->host = arena_add(&s.names, m->host);
		y->ports_text = arena_add(&s.names, m->ports);
		/* the days it was seen count for its new owner now */
		for (size_t b = 0; m->cve[0] && b < m->ndays * 8; b++)
			if (m->days[b / 8] >> (b % 8) & 1) {
				dayvec_push(&dv, ci, m->day0 + (int64_t)b, was, -1);
				dayvec_push(&dv, ci, m->day0 + (int64_t)b, now_org, 1);
			}
		/* the new owner hears of it as of a new observation, unless it is fixed */
		fixed = is_fixed(ranks, nranks, m->last_import, fixed_after);
		y->report =
		    now_org != PREFIX_NONE && s.cves[ci].nadvs > 0 && !fixed &&
		    (s.orgs[now_org].reach || (s.orgs[now_org].gov && cve_high_high(&s, ci)));
		rc = db_prepare(
		    db,
		    "UPDATE scan_systems SET org_id = ?3, reported_at = ?4 WHERE cve = ?1"
		    " AND ip = ?2",
		    &st, e);
		if (rc != 0)
			goto out;
		db_bind_text(st, 1, m->cve);
		db_bind_blob(st, 2, m->ip, 16);
		db_bind_text(st, 3, now_org == PREFIX_NONE ? NULL : s.orgs[now_org].id);
		if (y->report)
			db_bind_int(st, 4, act->at);
		else
			db_bind_null(st, 4);
		rc = db_step(st, e);
		db_done(st);
		if (rc < 0)
			goto out;
		moved++;
	}
	rc = 0;
	if (moved == 0)
		goto out;
	if ((rc = dayvec_store(&s, &dv, e)) != 0 || (rc = inform_owners(&s, e)) != 0)
		goto out;
	snprintf(object, sizeof(object), "netblock:%s", text);
	rc = event_append(db, act, "scan.remap", object,
	                  json_pack("{s:s, s:I, s:I, s:I, s:I, s:I}", "netblock", text, "systems",
	                            (json_int_t)moved, "organisations", (json_int_t)r.organisations,
	                            "email", (json_int_t)r.email, "webhook", (json_int_t)r.webhook,
	                            "call", (json_int_t)r.call),
	                  e);
out:
	dayvec_free(&dv);
	free(ranks);
	moved_free(mv, nmv);
	imp_free(&s);
	return rc;
}
