/* recipients.c: who a version alerts, on which channels (the rules: recipients.h).
 *
 * Made for 50,000 organisations in the one transaction of a publication: the contacts are read
 * once for all organisations when there are many (else one query per organisation), the
 * affected rows are grouped by organisation without copying them and freed as each
 * organisation is done, and the matched products are written as JSON text directly. */
#include "model/recipients.h"

#include "core/xalloc.h"
#include "db/db.h"
#include "model/advisory.h"
#include "model/org.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* all contacts are read at once when that costs less than one query per organisation: a
 * query costs about as much as reading this many contacts */
#define RCPT_QUERY_ROWS 32

/* Strings kept for the whole run, in blocks that never move (so pointers into them stay
 * valid while more are added), freed at once. */
struct rcpt_pool {
	char **blocks;
	size_t nblocks, used, size; /* used of size bytes of the last block */
};

#define RCPT_POOL_BLOCK ((size_t)64 << 10)

/* A copy of s (NULL for NULL) that lives until rcpt_pool_free. */
static const char *rcpt_pool_add(struct rcpt_pool *p, const char *s)
{
	size_t n;
	char *out;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	if (n > p->size - p->used) {
		/* a new block (one of its own for a string longer than a block) */
		p->size = n > RCPT_POOL_BLOCK ? n : RCPT_POOL_BLOCK;
		p->blocks = xreallocarray(p->blocks, p->nblocks + 1, sizeof(*p->blocks));
		p->blocks[p->nblocks++] = xmalloc(p->size);
		p->used = 0;
	}
	out = p->blocks[p->nblocks - 1] + p->used;
	memcpy(out, s, n);
	p->used += n;
	return out;
}

/* Frees every string of the pool; it may be used again. */
static void rcpt_pool_free(struct rcpt_pool *p)
{
	for (size_t i = 0; i < p->nblocks; i++)
		free(p->blocks[i]);
	free(p->blocks);
	memset(p, 0, sizeof(*p));
}

/* Contacts: either every contact of the store, read once and sorted by (organisation, id),
 * or those of one organisation at a time. */
struct rcpt_contacts {
	struct db *db;
	int all;
	struct recipient_contact *v;
	size_t n, cap;
	struct rcpt_pool text;
};

static int contact_cmp(const void *pa, const void *pb)
{
	const struct recipient_contact *a = pa, *b = pb;
	int c = strcmp(a->org, b->org);

	return c ? c : (a->id > b->id) - (a->id < b->id);
}

/* Reads the contacts of org (all of them when org is NULL) into c. */
static int contacts_read(struct rcpt_contacts *c, const char *org, struct err *e)
{
	static const char *const sql[] = {
	    "SELECT org_id, id, name, email, phone, always_on, webhook_url FROM contacts",
	    "SELECT org_id, id, name, email, phone, always_on, webhook_url FROM contacts"
	    " WHERE org_id = ?1 ORDER BY id",
	};
	struct db_stmt *st;
	int rc;

	c->n = 0;
	rcpt_pool_free(&c->text);
	if ((rc = db_prepare(c->db, sql[org != NULL], &st, e)) != 0)
		return rc;
	if (org)
		db_bind_text(st, 1, org);
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct recipient_contact *k;
		if (c->n == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 64;
			c->v = xreallocarray(c->v, c->cap, sizeof(*c->v));
		}
		k = &c->v[c->n++];
		k->org = rcpt_pool_add(&c->text, db_col_text(st, 0));
		k->id = db_col_int(st, 1);
		k->name = rcpt_pool_add(&c->text, db_col_text(st, 2));
		k->email = rcpt_pool_add(&c->text, db_col_text(st, 3));
		k->phone = rcpt_pool_add(&c->text, db_col_text(st, 4));
		k->always = (int)db_col_int(st, 5);
		k->webhook = rcpt_pool_add(&c->text, db_col_text(st, 6));
		if (k->name == NULL)
			k->name = "";
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (org == NULL && c->n > 1)
		qsort(c->v, c->n, sizeof(*c->v), contact_cmp);
	return 0;
}

static int contacts_init(struct rcpt_contacts *c, struct db *db, int all, struct err *e)
{
	memset(c, 0, sizeof(*c));
	c->db = db;
	c->all = all;
	return all ? contacts_read(c, NULL, e) : 0;
}

static void contacts_free(struct rcpt_contacts *c)
{
	free(c->v);
	rcpt_pool_free(&c->text);
}

/* The contacts to alert for org: its own, else its parent's (and so on up); *first and *n
 * are borrowed from c until the next call. */
static int contacts_of(struct rcpt_contacts *c, const char *org,
                       const struct recipient_contact **first, size_t *n, struct err *e)
{
	char cur[80];
	int rc, depth = 0;

	*first = NULL;
	*n = 0;
	snprintf(cur, sizeof(cur), "%s", org);
	while (cur[0] && depth++ < 16) {
		if (c->all) {
			size_t lo = 0, hi = c->n;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (strcmp(c->v[mid].org, cur) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			*first = &c->v[lo];
			while (lo + *n < c->n && strcmp(c->v[lo + *n].org, cur) == 0)
				(*n)++;
		} else {
			if ((rc = contacts_read(c, cur, e)) != 0)
				return rc;
			*first = c->v;
			*n = c->n;
		}
		if (*n)
			return 0;
		if ((rc = org_parent_step(c->db, cur, sizeof(cur), e)) != 0)
			return rc;
	}
	return 0;
}

/* A walk over recipients: the contacts, and the alerts of the current one. */
struct rcpt_walk {
	struct rcpt_contacts c;
	struct recipient_alert *alerts;
	size_t cap;
	recipients_fn fn;
	void *ctx;
};

/* Works out the alerts of one organisation (each contact, its ancestor's when it has none,
 * on each of their channels; a call task when call is set) and hands them to the callback. */
static int walk_org(struct rcpt_walk *wk, const char *org, const char *reason, const char *matched,
                    int call, struct err *e)
{
	struct recipient r = {org, reason, matched, call, NULL, 0, NULL, 0};
	size_t n = 0;
	int rc;

	if ((rc = contacts_of(&wk->c, org, &r.contacts, &r.ncontacts, e)) != 0)
		return rc;
	if (wk->cap < 2 * r.ncontacts + 1) {
		wk->cap = 2 * r.ncontacts + 1 < 8 ? 8 : 2 * r.ncontacts + 1;
		wk->alerts = xreallocarray(wk->alerts, wk->cap, sizeof(*wk->alerts));
	}
	for (size_t i = 0; i < r.ncontacts; i++) {
		const struct recipient_contact *k = &r.contacts[i];
		if (k->email)
			wk->alerts[n++] = (struct recipient_alert){"email", k->id, k->email};
		if (k->webhook)
			wk->alerts[n++] = (struct recipient_alert){"webhook", k->id, k->webhook};
	}
	if (call)
		wk->alerts[n++] = (struct recipient_alert){"call", 0, NULL};
	r.alerts = wk->alerts;
	r.nalerts = n;
	return wk->fn(wk->ctx, &r, e);
}

static void walk_free(struct rcpt_walk *wk)
{
	contacts_free(&wk->c);
	free(wk->alerts);
}

/* s as a JSON string (as jansson writes it: UTF-8 as it is, control characters escaped). */
static void json_str_add(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			buf_printf(b, "\\%c", ch);
		else if (ch == '\n')
			buf_adds(b, "\\n");
		else if (ch == '\r')
			buf_adds(b, "\\r");
		else if (ch == '\t')
			buf_adds(b, "\\t");
		else if (ch == '\b')
			buf_adds(b, "\\b");
		else if (ch == '\f')
			buf_adds(b, "\\f");
		else if (ch < 0x20)
			buf_printf(b, "\\u%04x", ch);
		else
			buf_addc(b, (char)ch);
	}
	buf_addc(b, '"');
}

void recipients_phones(struct buf *b, const struct recipient *r, int night)
{
	const struct recipient_contact *k = r->contacts;
	int any = 0;

	buf_reset(b);
	buf_addc(b, '[');
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < r->ncontacts; i++) {
			int always = k[i].always != 0;
			if (k[i].phone == NULL || (pass == 0) != (always == night))
				continue;
			buf_adds(b, any++ ? ",{\"name\":" : "{\"name\":");
			json_str_add(b, k[i].name);
			buf_adds(b, ",\"phone\":");
			json_str_add(b, k[i].phone);
			buf_adds(b, always ? ",\"24x7\":true}" : ",\"24x7\":false}");
		}
	buf_addc(b, ']');
}

/* Whether a partner may see a version: CLEAR always, other TLP only when addressed to it. */
static int partner_may_see(const struct advisory_version *v, const char *org)
{
	if (strcmp(v->tlp, "CLEAR") == 0)
		return 1;
	for (size_t i = 0; i < v->nto; i++)
		if (strcmp(v->to[i], org) == 0)
			return 1;
	return 0;
}

/* Whether org is among the n sorted names of v (the affected organisations). */
static int org_in_sorted(const char *const *v, size_t n, const char *org)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid], org);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Whether org is among the first n of v (unsorted; the addressed organisations). */
static int org_in(char *const *v, size_t n, const char *org)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], org) == 0)
			return 1;
	return 0;
}

/* The affected rows of one organisation, rows [from, to) of affected, as the JSON text the
 * outbox reads: [{"product", "version", "count", "internet_facing"}, ...]. */
static void matched_text(struct buf *b, json_t *affected, size_t from, size_t to)
{
	buf_reset(b);
	buf_addc(b, '[');
	for (size_t i = from; i < to; i++) {
		json_t *row = json_array_get(affected, i);
		const char *p = json_string_value(json_object_get(row, "product"));
		const char *v = json_string_value(json_object_get(row, "version"));
		buf_adds(b, i > from ? ",{\"product\":" : "{\"product\":");
		json_str_add(b, p ? p : "");
		buf_adds(b, ",\"version\":");
		json_str_add(b, v ? v : "");
		buf_printf(b, ",\"count\":%lld,\"internet_facing\":%s}",
		           (long long)json_integer_value(json_object_get(row, "count")),
		           json_is_true(json_object_get(row, "internet_facing")) ? "true"
		                                                                 : "false");
	}
	buf_addc(b, ']');
}

/* A row of the affected list, for putting it in organisation order. */
struct affected_ref {
	json_t *row;
	const char *org;
	size_t i;
};

static int affected_ref_cmp(const void *pa, const void *pb)
{
	const struct affected_ref *a = pa, *b = pb;
	int c = strcmp(a->org, b->org);

	return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* The affected rows grouped by organisation, each organisation's rows in the order given:
 * advisory_affected gives them so; should that change, they are sorted here. Rows without an
 * organisation are left out. Returns a new reference. */
static json_t *affected_by_org(json_t *affected)
{
	size_t n = json_array_size(affected), m = 0;
	struct affected_ref *v = xcalloc(n + 1, sizeof(*v));
	int sorted = 1;
	json_t *out;

	for (size_t i = 0; i < n; i++) {
		json_t *row = json_array_get(affected, i);
		const char *o = json_string_value(json_object_get(row, "org"));
		if (o == NULL)
			continue;
		v[m] = (struct affected_ref){row, o, i};
		sorted &= m == 0 || strcmp(v[m - 1].org, o) <= 0;
		m++;
	}
	if (sorted && m == n) {
		free(v);
		return json_incref(affected);
	}
	qsort(v, m, sizeof(*v), affected_ref_cmp);
	out = json_array();
	for (size_t i = 0; i < m; i++)
		json_array_append(out, v[i].row);
	free(v);
	return out;
}

int recipients_call(const struct advisory_version *v)
{
	return strcmp(v->likelihood, "high") == 0 && strcmp(v->impact, "high") == 0;
}

int recipients_of_version(struct db *db, const struct advisory_version *v, int material,
                          recipients_fn fn, void *ctx, struct err *e)
{
	struct rcpt_walk wk;
	struct buf matched;
	json_t *affected = NULL;
	const char **orgs = NULL; /* the affected organisations, sorted */
	size_t norgs = 0, naffected, *starts = NULL;
	struct rcpt_pool orgnames = {NULL, 0, 0, 0};
	struct db_stmt *st;
	int64_t ncontacts = 0;
	int rc = 0, call = recipients_call(v);

	memset(&wk, 0, sizeof(wk));
	wk.fn = fn;
	wk.ctx = ctx;
	buf_init(&matched, BUF_MAX_DEFAULT);
	/* everyone affected, by organisation, when the version is material */
	if (material) {
		json_t *rows = NULL;
		if ((rc = advisory_affected(db, v, &rows, e)) != 0)
			goto out;
		affected = affected_by_org(rows);
		json_decref(rows);
	}
	naffected = affected ? json_array_size(affected) : 0;
	/* the organisations (copied: the rows are freed as they are done) and where their rows
	 * start; one more start marks the end */
	orgs = xcalloc(naffected + 1, sizeof(*orgs));
	starts = xcalloc(naffected + 1, sizeof(*starts));
	for (size_t i = 0; i < naffected; i++) {
		const char *o =
		    json_string_value(json_object_get(json_array_get(affected, i), "org"));
		if (norgs == 0 || strcmp(orgs[norgs - 1], o) != 0) {
			starts[norgs] = i;
			orgs[norgs++] = rcpt_pool_add(&orgnames, o);
		}
	}
	starts[norgs] = naffected;
	if (norgs > 0 &&
	    (rc = db_query_int(db, "SELECT count(*) FROM contacts", NULL, &ncontacts, e)) != 0)
		goto out;
	if ((rc = contacts_init(
	         &wk.c, db, norgs > 0 && (int64_t)norgs * RCPT_QUERY_ROWS >= ncontacts, e)) != 0)
		goto out;
	for (size_t k = 0; k < norgs; k++) {
		matched_text(&matched, affected, starts[k], starts[k + 1]);
		/* done with these rows: freed now, while they are still in the cache */
		for (size_t j = starts[k]; j < starts[k + 1]; j++)
			json_array_set_new(affected, j, json_null());
		if ((rc = walk_org(&wk, orgs[k], "affected", buf_str(&matched), call, e)) != 0)
			goto out;
	}
	/* everyone addressed, once */
	for (size_t k = 0; material && k < v->nto; k++) {
		if (org_in_sorted(orgs, norgs, v->to[k]) || org_in(v->to, k, v->to[k]))
			continue;
		if ((rc = walk_org(&wk, v->to[k], "addressed", "[]", 0, e)) != 0)
			goto out;
	}
	/* partners get every version they may see, to pass on under its TLP */
	rc = db_prepare(db, "SELECT id FROM orgs WHERE kind = 'partner' ORDER BY id", &st, e);
	if (rc != 0)
		goto out;
	{
		json_t *list = json_array(), *row;
		size_t i;
		while ((rc = db_step(st, e)) == DB_ROW)
			json_array_append_new(list, json_string(db_col_text(st, 0)));
		db_done(st);
		rc = rc < 0 ? rc : 0;
		json_array_foreach(list, i, row)
		{
			const char *o = json_string_value(row);
			if (rc != 0 || org_in_sorted(orgs, norgs, o) ||
			    (material && org_in(v->to, v->nto, o)) || !partner_may_see(v, o))
				continue;
			rc = walk_org(&wk, o, "partner", "[]", 0, e);
		}
		json_decref(list);
	}
out:
	free(orgs);
	free(starts);
	rcpt_pool_free(&orgnames);
	json_decref(affected);
	walk_free(&wk);
	buf_free(&matched);
	return rc;
}

int recipients_of_org(struct db *db, const char *org, const char *reason, const char *matched,
                      int call, recipients_fn fn, void *ctx, struct err *e)
{
	struct rcpt_walk wk;
	int rc;

	memset(&wk, 0, sizeof(wk));
	wk.fn = fn;
	wk.ctx = ctx;
	rc = contacts_init(&wk.c, db, 0, e);
	if (rc == 0)
		rc = walk_org(&wk, org, reason, matched, call, e);
	walk_free(&wk);
	return rc;
}
