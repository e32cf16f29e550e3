/* scan.c: scan imports, ownership by longest prefix, informing owners, exposure over time. */
#include "model/scan.h"

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "domain/cidr.h"
#include "domain/prefix.h"
#include "model/advisory.h"
#include "model/alert.h"
#include "model/config.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define READ_CHUNK     ((size_t)1 << 20)
#define HEAD_BYTES     65536
#define PORTS_INLINE   4
#define DAY_WINDOW     64 /* days of a file tracked per system in one word */
#define MAIL_LINES_MAX 500

/* ---- small helpers ---- */

/* With BAKEN_SCAN_TIMING set, prints on stderr how long the phase since *t took. */
static void phase(double *t, const char *what)
{
	struct timespec ts;
	double n;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if (*t > 0 && getenv("BAKEN_SCAN_TIMING"))
		fprintf(stderr, "scan import: %-8s %.3f s\n", what, n - *t);
	*t = n;
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
};

/* One (cve, ip) of this file: what the file says of it. */
struct sys {
	uint32_t cve, org;
	unsigned char ip[16];
	int64_t first, last; /* in this file; after the store, over all files */
	int64_t asn;
	uint32_t seen;
	uint16_t ports[PORTS_INLINE];
	uint8_t nports;
	uint8_t report;       /* its owner is to be told (and reported_at is set to now) */
	uint8_t was_reported; /* reported before, at old_reported */
	int64_t old_reported;
	uint64_t daybits; /* days of the file, from imp.base_day */
	uint32_t host, product, version, ports_text;
};

struct extra_day {
	uint32_t sys;
	int64_t day;
};

struct dup_slot {
	uint64_t h;
	int64_t obs; /* the first observation of the row with this hash; 0: empty */
};

struct imp {
	struct db *db;
	const struct act *act;
	const char *path;
	int64_t id;
	const char *source;
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
	struct sys *sys;
	size_t nsys, capsys;
	uint32_t *sys_slots; /* index + 1 into sys */
	size_t sys_mask;
	struct extra_day *extra;
	size_t nextra, capextra;
	struct dup_slot *dups;
	size_t dup_mask, ndups;
	unsigned char dup_key[crypto_shorthash_KEYBYTES];
	struct arena names;
	int64_t base_day; /* bit 0 of sys.daybits; set by the first row */
	int have_base;
	int64_t first_seen, last_seen;
	int64_t next_obs; /* the id of the next observation (the write lock is ours) */
	char *raw;        /* the current row, NUL-terminated, for binding */
	size_t rawcap;
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
	free(s->dups);
	free(s->names.p);
	free(s->raw);
	prefix_free(s->lpm);
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
	               " (SELECT 1 FROM contacts c WHERE c.org_id = up.cur)) SELECT DISTINCT up.org"
	               " FROM up JOIN contacts c ON c.org_id = up.cur WHERE c.email IS NOT NULL OR"
	               " c.webhook_url IS NOT NULL ORDER BY up.org",
	               &st, e);
	if (rc != 0)
		return rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		uint32_t k = org_find(s, db_col_text(st, 0));
		if (k != PREFIX_NONE)
			s->orgs[k].reach = 1;
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

static void sys_grow(struct imp *s)
{
	size_t cap = s->sys_slots ? (s->sys_mask + 1) * 2 : 4096;

	free(s->sys_slots);
	s->sys_slots = xcalloc(cap, sizeof(uint32_t));
	s->sys_mask = cap - 1;
	for (size_t k = 0; k < s->nsys; k++) {
		size_t i = sys_hash(s->sys[k].cve, s->sys[k].ip) & s->sys_mask;
		while (s->sys_slots[i])
			i = (i + 1) & s->sys_mask;
		s->sys_slots[i] = (uint32_t)k + 1;
	}
}

/* The system (cve, ip) of this file, added when new (*isnew). */
static struct sys *sys_get(struct imp *s, uint32_t cve, const unsigned char ip[16], int *isnew)
{
	size_t i;
	struct sys *y;

	if (s->sys_slots == NULL || (s->nsys + 1) * 2 > s->sys_mask + 1)
		sys_grow(s);
	i = sys_hash(cve, ip) & s->sys_mask;
	while (s->sys_slots[i]) {
		y = &s->sys[s->sys_slots[i] - 1];
		if (y->cve == cve && memcmp(y->ip, ip, 16) == 0) {
			*isnew = 0;
			return y;
		}
		i = (i + 1) & s->sys_mask;
	}
	if (s->nsys == s->capsys) {
		s->capsys = s->capsys ? s->capsys * 2 : 4096;
		s->sys = xreallocarray(s->sys, s->capsys, sizeof(*s->sys));
	}
	s->sys_slots[i] = (uint32_t)s->nsys + 1;
	y = &s->sys[s->nsys++];
	memset(y, 0, sizeof(*y));
	y->cve = cve;
	memcpy(y->ip, ip, 16);
	*isnew = 1;
	return y;
}

/* 1 when this row repeats an earlier row of the file byte for byte. Remembers it otherwise,
 * under the id of its first observation. */
static int dup_check(struct imp *s, const struct scan_row *row, int64_t first_obs, int *dup,
                     struct err *e)
{
	uint64_t h;
	size_t i;
	int rc;

	*dup = 0;
	if (s->dups == NULL || (s->ndups + 1) * 2 > s->dup_mask + 1) {
		size_t cap = s->dups ? (s->dup_mask + 1) * 2 : 4096;
		struct dup_slot *old = s->dups;
		size_t oldcap = s->dups ? s->dup_mask + 1 : 0;
		s->dups = xcalloc(cap, sizeof(*s->dups));
		s->dup_mask = cap - 1;
		for (size_t k = 0; k < oldcap; k++) {
			if (old[k].obs == 0)
				continue;
			i = old[k].h & s->dup_mask;
			while (s->dups[i].obs)
				i = (i + 1) & s->dup_mask;
			s->dups[i] = old[k];
		}
		free(old);
	}
	crypto_shorthash((unsigned char *)&h, (const unsigned char *)row->raw, row->raw_len,
	                 s->dup_key);
	for (i = h & s->dup_mask; s->dups[i].obs; i = (i + 1) & s->dup_mask) {
		struct db_stmt *st;
		if (s->dups[i].h != h)
			continue;
		/* the same hash: compare the bytes of the row kept */
		rc = db_prepare(s->db, "SELECT raw FROM scan_obs WHERE id = ?1", &st, e);
		if (rc != 0)
			return rc;
		db_bind_int(st, 1, s->dups[i].obs);
		rc = db_step(st, e);
		if (rc == DB_ROW) {
			const char *kept = db_col_text(st, 0);
			*dup = kept && strlen(kept) == row->raw_len &&
			       memcmp(kept, row->raw, row->raw_len) == 0;
		}
		db_done(st);
		if (rc < 0)
			return rc;
		if (*dup)
			return 0;
	}
	s->dups[i].h = h;
	s->dups[i].obs = first_obs;
	s->ndups++;
	return 0;
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

/* [1] for SQLite, OR FAIL: a failing statement keeps what it did before failing, so SQLite keeps
 * no statement journal for it (a copy of every page it touches, a million times a file); any
 * failure rolls the whole import back anyway. [0]: the portable text, for PostgreSQL. */
static const char *const obs_sql[2] = {
    "INSERT INTO scan_obs (id, import_id, line, ip, port, seen_at, cve, org_id, asn, raw)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",

    "INSERT OR FAIL INTO scan_obs (id, import_id, line, ip, port, seen_at, cve, org_id, asn, raw)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"};

/* One row of the file: its observations stored, its systems noted. */
static int imp_row(void *ctx, const struct scan_row *row, struct err *e)
{
	struct imp *s = ctx;
	uint32_t org = prefix_lookup(s->lpm, row->ip);
	size_t n = row->ncves ? row->ncves : 1;
	int64_t day = day_of(row->seen_at);
	int rc, dup;

	s->r->rows++;
	if (row->seen_at < 631152000 || row->seen_at >= 4102444800LL)
		return err_set(e, ERR_INPUT, "%s:%ld: the time seen is outside 1990-2099", s->path,
		               row->line);
	if (memchr(row->raw, '\0', row->raw_len))
		return err_set(e, ERR_INPUT, "%s:%ld: a NUL byte in the row", s->path, row->line);
	/* a row repeated byte for byte adds nothing */
	if ((rc = dup_check(s, row, s->next_obs, &dup, e)) != 0)
		return rc;
	if (dup) {
		s->r->duplicates++;
		return 0;
	}
	if (!s->have_base) {
		s->base_day = day - DAY_WINDOW / 2;
		s->have_base = 1;
		s->first_seen = s->last_seen = row->seen_at;
	}
	if (row->seen_at < s->first_seen)
		s->first_seen = row->seen_at;
	if (row->seen_at > s->last_seen)
		s->last_seen = row->seen_at;
	if (row->raw_len + 1 > s->rawcap) {
		s->rawcap = row->raw_len + 1 > 4096 ? row->raw_len + 1 : 4096;
		s->raw = xrealloc(s->raw, s->rawcap);
	}
	memcpy(s->raw, row->raw, row->raw_len);
	s->raw[row->raw_len] = '\0';
	for (size_t k = 0; k < n; k++) {
		const char *cve = row->ncves ? row->cves[k] : "";
		struct db_stmt *st;
		uint32_t ci;
		struct sys *y;
		int isnew;

		if ((rc = cve_intern(s, cve, &ci, e)) != 0 ||
		    (rc = db_prepare(s->db, obs_sql[s->sqlite], &st, e)) != 0)
			return rc;
		db_bind_int(st, 1, s->next_obs++);
		db_bind_int(st, 2, s->id);
		db_bind_int(st, 3, row->line);
		db_bind_blob(st, 4, row->ip, 16);
		if (row->port >= 0)
			db_bind_int(st, 5, row->port);
		else
			db_bind_null(st, 5);
		db_bind_int(st, 6, row->seen_at);
		db_bind_text(st, 7, cve);
		db_bind_text(st, 8, org == PREFIX_NONE ? NULL : s->orgs[org].id);
		if (row->asn >= 0)
			db_bind_int(st, 9, row->asn);
		else
			db_bind_null(st, 9);
		db_bind_text(st, 10, s->raw);
		rc = db_step(st, e);
		db_done(st);
		if (rc < 0)
			return rc;
		s->r->observations++;
		if (org == PREFIX_NONE)
			s->r->unmatched++;
		else
			s->r->matched++;
		if (cve[0] && s->cves[ci].nadvs == 0)
			s->r->no_advisory++;
		y = sys_get(s, ci, row->ip, &isnew);
		if (isnew || row->seen_at >= y->last) {
			y->org = org;
			y->asn = row->asn;
			y->host = arena_add(&s->names, row->hostname);
			y->product = arena_add(&s->names, row->product);
			y->version = arena_add(&s->names, row->version);
		}
		if (isnew || row->seen_at < y->first)
			y->first = row->seen_at;
		if (isnew || row->seen_at > y->last)
			y->last = row->seen_at;
		y->seen++;
		sys_add_port(y, row->port);
		sys_add_day(s, y, day);
	}
	return 0;
}

/* ---- storing what the file said ---- */

static int sys_order(const void *pa, const void *pb, void *ctx)
{
	const struct imp *s = ctx;
	const struct sys *a = &s->sys[*(const uint32_t *)pa], *b = &s->sys[*(const uint32_t *)pb];

	if (a->cve != b->cve)
		return s->cves[a->cve].rank - s->cves[b->cve].rank;
	return memcmp(a->ip, b->ip, 16);
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

struct daycount {
	uint32_t cve, org;
	int64_t day;
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

struct dayvec {
	struct daycount *v;
	size_t n, cap;
};

static void dayvec_push(struct dayvec *d, uint32_t cve, int64_t day, uint32_t org)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 1024;
		d->v = xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	d->v[d->n].cve = cve;
	d->v[d->n].day = day;
	d->v[d->n].org = org;
	d->n++;
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

static const char sys_select_sql[] =
    "SELECT ports, org_id, asn, hostname, product, version, source, last_import, first_seen,"
    " last_seen, seen, day0, days, reported_at FROM scan_systems WHERE cve = ?1 AND ip = ?2";
static const char *const sys_insert_sql[2] = {
    "INSERT INTO scan_systems (cve, ip, ports, org_id, asn, hostname, product, version, "
    "source,"
    " last_import, first_seen, last_seen, seen, day0, days, reported_at) VALUES (?1, ?2, ?3,"
    " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",

    "INSERT OR FAIL INTO scan_systems (cve, ip, ports, org_id, asn, hostname, product, version, "
    "source,"
    " last_import, first_seen, last_seen, seen, day0, days, reported_at) VALUES (?1, ?2, ?3,"
    " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"};
static const char *const sys_update_sql[2] = {
    "UPDATE scan_systems SET ports = ?3, org_id = ?4, asn = ?5, hostname = ?6, product = "
    "?7,"
    " version = ?8, source = ?9, last_import = ?10, first_seen = ?11, last_seen = ?12,"
    " seen = ?13, day0 = ?14, days = ?15, reported_at = ?16 WHERE cve = ?1 AND ip = ?2",

    "UPDATE OR FAIL scan_systems SET ports = ?3, org_id = ?4, asn = ?5, hostname = ?6, product = "
    "?7,"
    " version = ?8, source = ?9, last_import = ?10, first_seen = ?11, last_seen = ?12,"
    " seen = ?13, day0 = ?14, days = ?15, reported_at = ?16 WHERE cve = ?1 AND ip = ?2"};

/* 1 when an advisory naming the CVE is high/high (its owners are called). */
static int cve_high_high(const struct imp *s, uint32_t cve)
{
	for (size_t k = 0; k < s->cves[cve].nadvs; k++)
		if (s->advs[s->cves[cve].advs[k]].high_high)
			return 1;
	return 0;
}

/* One system of the file merged into the store; the days it is new on go to dv. */
static int store_one(struct imp *s, struct sys *y, const struct extra_day *xd, size_t nxd,
                     int64_t quiet_before, struct dayvec *dv, struct err *e)
{
	struct db_stmt *st;
	int64_t days[DAY_WINDOW + 256];
	size_t ndays = 0;
	int64_t d0, dmax, old_d0 = 0;
	unsigned char *bits = NULL, *oldbits = NULL;
	size_t nbits = 0, noldbits = 0;
	char ports[400];
	int found, rc, newer = 1;
	struct {
		char *ports, *org, *host, *product, *version, *source;
		int64_t asn, last_import, first, last, seen, reported;
		int asn_null, reported_null;
	} old = {0};

	for (int k = 0; k < DAY_WINDOW; k++)
		if (y->daybits >> k & 1)
			days[ndays++] = s->base_day + k;
	for (size_t i = 0; i < nxd && ndays < sizeof(days) / sizeof(days[0]); i++)
		if (i == 0 || xd[i].day != xd[i - 1].day)
			days[ndays++] = xd[i].day;
	if (!s->cves[y->cve].stored) {
		rc = DB_DONE; /* none of this CVE yet: no need to look */
		found = 0;
		goto merge;
	}
	if ((rc = db_prepare(s->db, sys_select_sql, &st, e)) != 0)
		return rc;
	db_bind_text(st, 1, s->cves[y->cve].id);
	db_bind_blob(st, 2, y->ip, 16);
	rc = db_step(st, e);
	found = rc == DB_ROW;
	if (found) {
		size_t n;
		const void *b = db_col_blob(st, 12, &n);
		old.ports = xstrdup(db_col_text(st, 0) ? db_col_text(st, 0) : "");
		old.org = db_col_text(st, 1) ? xstrdup(db_col_text(st, 1)) : NULL;
		old.asn_null = db_col_is_null(st, 2);
		old.asn = db_col_int(st, 2);
		old.host = db_col_text(st, 3) ? xstrdup(db_col_text(st, 3)) : NULL;
		old.product = db_col_text(st, 4) ? xstrdup(db_col_text(st, 4)) : NULL;
		old.version = db_col_text(st, 5) ? xstrdup(db_col_text(st, 5)) : NULL;
		old.source = xstrdup(db_col_text(st, 6) ? db_col_text(st, 6) : "");
		old.last_import = db_col_int(st, 7);
		old.first = db_col_int(st, 8);
		old.last = db_col_int(st, 9);
		old.seen = db_col_int(st, 10);
		old_d0 = db_col_int(st, 11);
		oldbits = xmalloc(n ? n : 1);
		memcpy(oldbits, b, n);
		noldbits = n;
		old.reported_null = db_col_is_null(st, 13);
		old.reported = db_col_int(st, 13);
	}
	db_done(st);
	if (rc < 0)
		goto out;
merge:
	/* the days: the stored ones and this file's, in one bitmap from the earliest */
	d0 = ndays ? days[0] : day_of(y->first);
	dmax = d0;
	for (size_t i = 0; i < ndays; i++) {
		d0 = days[i] < d0 ? days[i] : d0;
		dmax = days[i] > dmax ? days[i] : dmax;
	}
	if (found && noldbits) {
		d0 = old_d0 < d0 ? old_d0 : d0;
		dmax = old_d0 + (int64_t)noldbits * 8 - 1 > dmax
		           ? old_d0 + (int64_t)noldbits * 8 - 1
		           : dmax;
	}
	nbits = (size_t)((dmax - d0) / 8 + 1);
	bits = xcalloc(nbits, 1);
	for (size_t i = 0; found && i < noldbits; i++)
		for (int k = 0; k < 8; k++)
			if (oldbits[i] >> k & 1) {
				int64_t d = old_d0 + (int64_t)i * 8 + k - d0;
				bits[d / 8] |= (unsigned char)(1u << (d % 8));
			}
	for (size_t i = 0; i < ndays; i++) {
		int64_t d = days[i] - d0;
		if (bits[d / 8] >> (d % 8) & 1)
			continue; /* counted before, by another file */
		bits[d / 8] |= (unsigned char)(1u << (d % 8));
		if (s->cves[y->cve].id[0])
			dayvec_push(dv, y->cve, days[i], y->org);
	}
	ports_merge(found ? old.ports : NULL, y, ports, sizeof(ports));
	y->ports_text = arena_add(&s->names, ports);
	if (found) {
		newer = y->last >= old.last;
		y->first = old.first < y->first ? old.first : y->first;
		y->last = old.last > y->last ? old.last : y->last;
	} else {
		s->r->systems_new++;
	}
	/* its owner hears of it when it is new to them, or their last word is old, and when an
	 * alert can reach them (by mail or webhook, or a call about a high/high advisory) */
	y->was_reported = found && !old.reported_null;
	y->old_reported = old.reported;
	y->report = y->org != PREFIX_NONE && s->cves[y->cve].nadvs > 0 &&
	            (!found || old.reported_null || old.reported <= quiet_before) &&
	            (s->orgs[y->org].reach || (s->orgs[y->org].gov && cve_high_high(s, y->cve)));
	if ((rc = db_prepare(s->db, found ? sys_update_sql[s->sqlite] : sys_insert_sql[s->sqlite],
	                     &st, e)) != 0)
		goto out;
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
		db_bind_text(st, 9, s->source);
		db_bind_int(st, 10, s->id);
	} else {
		/* an older scan imported late: the latest word on the system stays */
		db_bind_text(st, 4, old.org);
		if (old.asn_null)
			db_bind_null(st, 5);
		else
			db_bind_int(st, 5, old.asn);
		db_bind_text(st, 6, old.host);
		db_bind_text(st, 7, old.product);
		db_bind_text(st, 8, old.version);
		db_bind_text(st, 9, old.source);
		db_bind_int(st, 10, old.last_import);
		y->report = 0;
	}
	db_bind_int(st, 11, y->first);
	db_bind_int(st, 12, y->last);
	db_bind_int(st, 13, (found ? old.seen : 0) + y->seen);
	db_bind_int(st, 14, d0);
	db_bind_blob(st, 15, bits, nbits);
	if (y->report)
		db_bind_int(st, 16, s->act->at);
	else if (y->was_reported)
		db_bind_int(st, 16, y->old_reported);
	else
		db_bind_null(st, 16);
	rc = db_step(st, e);
	db_done(st);
out:
	free(old.ports);
	free(old.org);
	free(old.host);
	free(old.product);
	free(old.version);
	free(old.source);
	free(oldbits);
	free(bits);
	return rc < 0 ? rc : 0;
}

static int store_systems(struct imp *s, struct err *e)
{
	uint32_t *order = xcalloc(s->nsys ? s->nsys : 1, sizeof(uint32_t)),
	         *corder = xcalloc(s->ncves ? s->ncves : 1, sizeof(uint32_t));
	long quiet = config_get_long(s->db, "scan.quiet_days", 7);
	int64_t quiet_before = s->act->at - (int64_t)quiet * 86400;
	struct dayvec dv = {0};
	struct db_stmt *st;
	size_t x = 0;
	int rc = 0;

	for (size_t i = 0; i < s->ncves; i++)
		corder[i] = (uint32_t)i;
	qsort_r(corder, s->ncves, sizeof(uint32_t), cve_text_order, s);
	for (size_t i = 0; i < s->ncves; i++)
		s->cves[corder[i]].rank = (int)i;
	for (size_t i = 0; i < s->nsys; i++)
		order[i] = (uint32_t)i;
	/* in key order, so the store's pages are visited once each */
	qsort_r(order, s->nsys, sizeof(uint32_t), sys_order, s);
	if (s->nextra > 1)
		qsort(s->extra, s->nextra, sizeof(*s->extra), extra_order);
	for (size_t i = 0; i < s->nsys && rc == 0; i++) {
		uint32_t k = order[i];
		size_t lo, hi;

		/* this system's days outside the window (extra is sorted by system) */
		for (lo = 0, hi = s->nextra; lo < hi;) {
			size_t mid = lo + (hi - lo) / 2;
			if (s->extra[mid].sys < k)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (x = lo; x < s->nextra && s->extra[x].sys == k; x++)
			;
		rc = store_one(s, &s->sys[k], s->extra + lo, x - lo, quiet_before, &dv, e);
	}
	free(order);
	free(corder);
	if (rc != 0)
		goto out;
	/* the daily counts: one row per CVE, day and owner */
	if (dv.n > 1)
		qsort(dv.v, dv.n, sizeof(*dv.v), daycount_order);
	for (size_t i = 0; i < dv.n && rc == 0;) {
		size_t j = i;
		while (j < dv.n && daycount_order(&dv.v[i], &dv.v[j]) == 0)
			j++;
		rc = db_prepare(
		    s->db,
		    "INSERT INTO scan_daily (cve, day, org_id, systems) VALUES (?1, ?2, ?3,"
		    " ?4) ON CONFLICT (cve, day, org_id) DO UPDATE SET systems ="
		    " scan_daily.systems + excluded.systems",
		    &st, e);
		if (rc != 0)
			break;
		db_bind_text(st, 1, s->cves[dv.v[i].cve].id);
		db_bind_int(st, 2, dv.v[i].day);
		db_bind_text(st, 3, dv.v[i].org == PREFIX_NONE ? "" : s->orgs[dv.v[i].org].id);
		db_bind_int(st, 4, (int64_t)(j - i));
		rc = db_step(st, e);
		db_done(st);
		rc = rc < 0 ? rc : 0;
		i = j;
	}
out:
	free(dv.v);
	return rc;
}

/* ---- informing the owners ---- */

struct tell {
	uint32_t org, sys;
	size_t adv;
};

static int tell_order(const void *pa, const void *pb, void *ctx)
{
	const struct imp *s = ctx;
	const struct tell *a = pa, *b = pb;
	int c;

	if (a->org != b->org)
		return a->org < b->org ? -1 : 1; /* orgs are in id order */
	if ((c = strcmp(s->advs[a->adv].id, s->advs[b->adv].id)) != 0)
		return c;
	return memcmp(s->sys[a->sys].ip, s->sys[b->sys].ip, 16);
}

/* One alert to one organisation about one advisory: the systems in t[0..n). */
static int tell_one(struct imp *s, const struct tell *t, size_t n, struct err *e)
{
	const struct adv *a = &s->advs[t[0].adv];
	const struct org *o = &s->orgs[t[0].org];
	struct alert_notice nt;
	struct alert_counts cnt;
	struct buf body;
	json_t *data = json_array();
	char subject[1200], head[1024], ref[96];
	int rc;

	buf_init(&body, BUF_MAX_DEFAULT);
	alert_subject(a->id, a->num, a->tlp, a->likelihood, a->impact, a->title, head,
	              sizeof(head));
	snprintf(subject, sizeof(subject), "%s - %zu kwetsba%s syste%s gezien", head, n,
	         n == 1 ? "ar" : "re", n == 1 ? "em" : "men");
	buf_printf(
	    &body,
	    "Bij een scan van het internet (bron: %s) zijn in de netwerken van uw\n"
	    "organisatie systemen gezien die kwetsbaar zijn voor wat advies %s beschrijft:\n\n",
	    s->source, a->id);
	buf_printf(&body, "    %-40s %-12s %-16s %-20s %s\n", "IP-adres", "poort(en)", "CVE",
	           "eerst gezien", "laatst gezien");
	for (size_t i = 0; i < n; i++) {
		const struct sys *y = &s->sys[t[i].sys];
		char ip[CIDR_TEXT_MAX], first[32], last[32];
		const char *ports = arena_get(&s->names, y->ports_text);
		json_t *pl = json_array();

		ip_format(y->ip, ip, sizeof(ip));
		time_format(y->first, first, sizeof(first));
		time_format(y->last, last, sizeof(last));
		if (i < MAIL_LINES_MAX)
			buf_printf(&body, "    %-40s %-12s %-16s %-20s %s\n", ip,
			           ports && ports[0] ? ports : "-", s->cves[y->cve].id, first,
			           last);
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
	snprintf(ref, sizeof(ref), "import:%lld", (long long)s->id);
	memset(&nt, 0, sizeof(nt));
	memset(&cnt, 0, sizeof(cnt));
	nt.advisory_id = a->id;
	nt.num = a->num;
	nt.org = o->id;
	nt.topic = "scan";
	nt.topic_ref = ref;
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
			t[n].adv = s->cves[y->cve].advs[k];
			n++;
		}
	}
	if (n > 1)
		qsort_r(t, n, sizeof(*t), tell_order, s);
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
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	char *buf = xmalloc(READ_CHUNK);
	size_t n;

	crypto_hash_sha256_init(&st);
	while ((n = fread(buf, 1, READ_CHUNK, f)) > 0)
		crypto_hash_sha256_update(&st, (unsigned char *)buf, n);
	free(buf);
	if (ferror(f) || fseeko(f, 0, SEEK_SET) != 0)
		return err_set(e, ERR_IO, "%s: cannot read: %s", path, strerror(errno));
	crypto_hash_sha256_final(&st, h);
	hex(h, sizeof(h), out);
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

/* Reads the whole file through the parser, hashing it on the way. */
static int read_file(struct imp *s, FILE *f, struct scanfeed *feed, char sha[65], struct err *e)
{
	crypto_hash_sha256_state hs;
	unsigned char h[crypto_hash_sha256_BYTES];
	char *buf = xmalloc(READ_CHUNK);
	size_t n;
	int rc = 0;

	crypto_hash_sha256_init(&hs);
	while ((n = fread(buf, 1, READ_CHUNK, f)) > 0) {
		crypto_hash_sha256_update(&hs, (unsigned char *)buf, n);
		if ((rc = scanfeed_feed(feed, buf, n, e)) != 0)
			break;
	}
	free(buf);
	if (rc == 0 && ferror(f))
		rc = err_set(e, ERR_IO, "%s: cannot read: %s", s->path, strerror(errno));
	if (rc == 0)
		rc = scanfeed_finish(feed, e);
	crypto_hash_sha256_final(&hs, h);
	hex(h, sizeof(h), sha);
	return rc;
}

int scan_import(struct db *db, const struct act *act, const char *path, enum scan_format format,
                const char *source, struct scan_import_result *r, struct err *e)
{
	struct imp s;
	struct scanfeed *feed = NULL;
	struct db_stmt *st;
	FILE *f;
	char head[65], sha[65] = "", now[32], object[64], defsource[96];
	int64_t size = 0, before = 0;
	double t0 = 0;
	int rc;

	phase(&t0, "start");
	memset(r, 0, sizeof(*r));
	memset(&s, 0, sizeof(s));
	s.db = db;
	s.act = act;
	s.path = path;
	s.r = r;
	r->format = scan_format_name(format);
	if (source && (source[0] == '\0' || strlen(source) > 100))
		return err_set(e, ERR_INPUT,
		               "--source \"%.40s\": expected a name of 1-100 characters", source);
	f = fopen(path, "rb");
	if (f == NULL)
		return err_set(e, ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
	if ((rc = file_head(f, path, head, &size, e)) != 0 ||
	    (rc = imported_before(&s, f, size, head, &before, sha, e)) != 0)
		goto out;
	if (before) {
		r->already = 1;
		r->id = before;
		snprintf(r->sha256, sizeof(r->sha256), "%s", sha);
		goto out;
	}
	randombytes_buf(s.dup_key, sizeof(s.dup_key));
	s.sqlite = strcmp(db_backend(db), "sqlite") == 0;
	/* a file's pages stay in memory until the commit, not spilled and read back */
	if (s.sqlite && (rc = db_exec(db, "PRAGMA cache_size = -2097152", e)) != 0)
		goto out;
	if ((rc = load_netblocks(&s, e)) != 0 || (rc = load_advisories(&s, e)) != 0 ||
	    (rc = db_query_int(db, "SELECT coalesce(max(id), 0) + 1 FROM scan_imports", NULL, &s.id,
	                       e)) != 0 ||
	    (rc = db_query_int(db, "SELECT coalesce(max(id), 0) + 1 FROM scan_obs", NULL,
	                       &s.next_obs, e)) != 0)
		goto out;
	/* the default source is known once the header is read; it is needed only after the
	 * rows, to store the systems */
	defsource[0] = '\0';
	s.source = source ? source : defsource;
	feed = scanfeed_new(format, path, imp_row, &s);
	phase(&t0, "setup");
	if ((rc = read_file(&s, f, feed, sha, e)) != 0)
		goto out;
	phase(&t0, "read");
	r->format = scan_format_name(scanfeed_format(feed));
	snprintf(r->report, sizeof(r->report), "%s",
	         scanfeed_report(feed) ? scanfeed_report(feed) : "");
	if (scanfeed_format(feed) == SCAN_FORMAT_SHADOWSERVER)
		snprintf(defsource, sizeof(defsource), "shadowserver/%s", r->report);
	else
		snprintf(defsource, sizeof(defsource), "%s", r->format);
	snprintf(r->source, sizeof(r->source), "%s", s.source);
	snprintf(r->sha256, sizeof(r->sha256), "%s", sha);
	if ((rc = store_systems(&s, e)) != 0)
		goto out;
	phase(&t0, "systems");
	if ((rc = inform_owners(&s, e)) != 0)
		goto out;
	phase(&t0, "inform");
	time_format(act->at, now, sizeof(now));
	rc = db_prepare(
	    db,
	    "INSERT INTO scan_imports (id, sha256, size, head_sha256, file, format, report,"
	    " source, rows, observations, duplicates, matched, scanned_from, scanned_at,"
	    " alerts, imported_at, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
	    " ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
	    &st, e);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, s.id);
	db_bind_text(st, 2, sha);
	db_bind_int(st, 3, size);
	db_bind_text(st, 4, head);
	db_bind_text(st, 5, path);
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
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		goto out;
	r->id = s.id;
	snprintf(object, sizeof(object), "scan:%lld", (long long)s.id);
	rc = event_append(
	    db, act, "scan.import", object,
	    json_pack("{s:s, s:s, s:s, s:s?, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "file", path,
	              "sha256", sha, "format", r->format, "report", r->report[0] ? r->report : NULL,
	              "source", s.source, "rows", (json_int_t)r->rows, "observations",
	              (json_int_t)r->observations, "duplicates", (json_int_t)r->duplicates,
	              "matched", (json_int_t)r->matched, "systems_new", (json_int_t)r->systems_new,
	              "organisations", (json_int_t)r->organisations),
	    e);
out:
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
	fixed_after = config_get_long(db, "scan.fixed_after", 3);
	if (f->observations) {
		snprintf(cveset, sizeof(cveset), CVE_SET, "o", "o");
		snprintf(sql, sizeof(sql),
		         "SELECT o.id, o.import_id, i.source, i.file, o.line, o.ip, o.port,"
		         " o.seen_at, o.cve, o.org_id, o.asn, o.raw FROM scan_obs o JOIN"
		         " scan_imports i ON i.id = o.import_id WHERE %s AND %s AND (?4 IS NULL OR"
		         " i.source = ?4) AND (?5 = 0 OR o.org_id IS NULL) AND o.seen_at >= ?6 AND"
		         " o.seen_at <= ?8 ORDER BY o.id LIMIT ?7",
		         f->org ? "o.org_id = ?1" : "?1 IS NULL", cveset);
	} else {
		snprintf(cveset, sizeof(cveset), CVE_SET, "s", "s");
		snprintf(
		    sql, sizeof(sql),
		    "SELECT s.cve, s.ip, s.ports, s.org_id, s.asn, s.hostname, s.product,"
		    " s.version, s.source, s.first_seen, s.last_seen, s.seen, s.reported_at,"
		    " s.last_import FROM scan_systems s WHERE %s AND %s AND (?4 IS NULL OR"
		    " s.source = ?4) AND (?5 = 0 OR s.org_id IS NULL) AND s.last_seen >= ?6 AND"
		    " s.first_seen <= ?8 ORDER BY %s s.org_id, s.cve, s.ip LIMIT ?7",
		    f->org ? "s.org_id = ?1" : "?1 IS NULL", cveset,
		    f->unmatched ? "coalesce(s.asn, -1)," : "");
		if ((rc = load_ranks(db, act->at, &ranks, &nranks, e)) != 0)
			return rc;
	}
	if ((rc = db_prepare(db, sql, &st, e)) != 0) {
		free(ranks);
		return rc;
	}
	bind_filter(st, f, act->at, limit);
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		size_t n;
		const unsigned char *ip = db_col_blob(st, f->observations ? 5 : 1, &n);
		json_t *row;

		if (n != 16)
			continue;
		if (f->observations) {
			row = json_pack(
			    "{s:I, s:I, s:s, s:s, s:I, s:o, s:o, s:o, s:s, s:s?, s:o,"
			    " s:s}",
			    "id", (json_int_t)db_col_int(st, 0), "import",
			    (json_int_t)db_col_int(st, 1), "source", db_col_text(st, 2), "file",
			    db_col_text(st, 3), "line", (json_int_t)db_col_int(st, 4), "ip",
			    json_ip(ip), "port",
			    db_col_is_null(st, 6) ? json_null() : json_integer(db_col_int(st, 6)),
			    "seen_at", json_time(db_col_int(st, 7)), "cve", db_col_text(st, 8),
			    "org", db_col_text(st, 9), "asn",
			    db_col_is_null(st, 10) ? json_null() : json_integer(db_col_int(st, 10)),
			    "raw", db_col_text(st, 11));
		} else {
			int fixed = is_fixed(ranks, nranks, db_col_int(st, 13), fixed_after);
			row = json_pack(
			    "{s:s, s:o, s:o, s:s?, s:o, s:s?, s:s?, s:s?, s:s, s:o, s:o, s:I,"
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
		}
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
