/* org.c: organisations, contacts and netblocks. */
#include "model/org.h"

#include "core/buf.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "domain/cidr.h"
#include "formats/csvfile.h"
#include "model/deadline.h"
#include "model/field.h"
#include "model/scan.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

static const char *const org_kinds[] = {"ministry", "agency", "vital", "partner", "other", NULL};

const char *org_kind_parse(const char *s, struct err *e)
{
	for (size_t i = 0; org_kinds[i]; i++)
		if (strcasecmp(s, org_kinds[i]) == 0)
			return org_kinds[i];
	err_set(e, ERR_INPUT,
	        "bad kind \"%s\": expected one of ministry, agency, vital, partner, other", s);
	return NULL;
}

int org_id_check(const char *id, struct err *e)
{
	if (field_id_ok(id))
		return 0;
	return err_set(e, ERR_INPUT,
	               "bad organisation id \"%s\": expected 1-64 of a-z 0-9 . _ -, starting with a"
	               " letter or digit",
	               id);
}

int org_require(struct db *db, const char *id, struct err *e)
{
	int64_t n = 0;
	int rc = db_query_int(db, "SELECT count(*) FROM orgs WHERE id = ?1", id, &n, e);

	if (rc != 0)
		return rc;
	if (n == 0)
		return err_set(
		    e, ERR_NOTFOUND,
		    "unknown organisation '%s' (`baken org list` shows the registered ones)", id);
	return 0;
}

int org_parent_step(struct db *db, char *cur, size_t cursz, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if ((rc = db_prepare(db, "SELECT parent_id FROM orgs WHERE id = ?1", &st, e)) != 0)
		return rc;
	db_bind_text(st, 1, cur);
	rc = db_step(st, e);
	snprintf(cur, cursz, "%s",
	         rc == DB_ROW && !db_col_is_null(st, 0) ? db_col_text(st, 0) : "");
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ERR_INPUT when making parent the parent of id would close a loop. */
static int org_check_no_cycle(struct db *db, const char *id, const char *parent, struct err *e)
{
	char cur[80];
	int depth = 0, rc = 0;

	snprintf(cur, sizeof(cur), "%s", parent);
	while (cur[0] && depth++ < 64) {
		if (strcmp(cur, id) == 0)
			return err_set(
			    e, ERR_INPUT,
			    "organisation '%s' cannot have parent '%s': that makes a loop", id,
			    parent);
		if ((rc = org_parent_step(db, cur, sizeof(cur), e)) != 0)
			return rc;
	}
	return 0;
}

/* Checks the fields; on an error *bad names the field at fault (for import messages). */
static int org_validate(const struct org_fields *f, const char **kind, const char **bad,
                        struct err *e)
{
	int rc;

	*bad = "id";
	if ((rc = org_id_check(f->id, e)) != 0)
		return rc;
	*bad = "name";
	if (f->name == NULL || f->name[0] == '\0')
		return err_set(e, ERR_INPUT, "organisation '%s': a name is required", f->id);
	*bad = "kind";
	if (f->kind == NULL)
		return err_set(e, ERR_INPUT, "organisation '%s': a kind is required", f->id);
	*kind = org_kind_parse(f->kind, e);
	if (*kind == NULL)
		return ERR_INPUT;
	*bad = NULL;
	return 0;
}

static json_t *org_detail(const struct org_fields *f, const char *kind)
{
	return json_pack("{s:s, s:s, s:s?, s:s?}", "name", f->name, "kind", kind, "parent",
	                 f->parent, "sector", f->sector);
}

int org_add(struct db *db, const struct act *act, const struct org_fields *f, struct err *e)
{
	const char *kind, *bad;
	struct db_stmt *st;
	char now[32], object[96];
	int64_t n = 0;
	int rc;

	if ((rc = org_validate(f, &kind, &bad, e)) != 0)
		return rc;
	if ((rc = db_query_int(db, "SELECT count(*) FROM orgs WHERE id = ?1", f->id, &n, e)) != 0)
		return rc;
	if (n)
		return err_set(e, ERR_CONFLICT, "organisation '%s' exists already", f->id);
	if (f->parent && (rc = org_require(db, f->parent, e)) != 0)
		return err_wrap(e, "--parent: ");
	time_format(act->at, now, sizeof(now));
	rc = db_prepare(db,
	                "INSERT INTO orgs (id, name, kind, parent_id, sector, created_at)"
	                " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, f->id);
	db_bind_text(st, 2, f->name);
	db_bind_text(st, 3, kind);
	db_bind_text(st, 4, f->parent);
	db_bind_text(st, 5, f->sector);
	db_bind_text(st, 6, now);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	snprintf(object, sizeof(object), "org:%s", f->id);
	return event_append(db, act, "org.add", object, org_detail(f, kind), e);
}

/* Adds or updates an organisation (import); the parent is set afterwards by the caller. On a
 * bad value *bad names the field. */
static int org_upsert(struct db *db, const struct act *act, const struct org_fields *f,
                      const char **bad, struct err *e)
{
	const char *kind;
	struct db_stmt *st;
	char now[32];
	int rc;

	if ((rc = org_validate(f, &kind, bad, e)) != 0)
		return rc;
	time_format(act->at, now, sizeof(now));
	rc = db_prepare(db,
	                "INSERT INTO orgs (id, name, kind, sector, created_at)"
	                " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET"
	                " name = excluded.name, kind = excluded.kind, sector = excluded.sector",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, f->id);
	db_bind_text(st, 2, f->name);
	db_bind_text(st, 3, kind);
	db_bind_text(st, 4, f->sector);
	db_bind_text(st, 5, now);
	rc = db_step(st, e);
	db_done(st);
	return rc < 0 ? rc : 0;
}

static int org_set_parent(struct db *db, const char *id, const char *parent, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (parent && parent[0]) {
		if ((rc = org_require(db, parent, e)) != 0)
			return rc;
		if ((rc = org_check_no_cycle(db, id, parent, e)) != 0)
			return rc;
	}
	if ((rc = db_prepare(db, "UPDATE orgs SET parent_id = ?2 WHERE id = ?1", &st, e)) != 0)
		return rc;
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, parent && parent[0] ? parent : NULL);
	rc = db_step(st, e);
	db_done(st);
	return rc < 0 ? rc : 0;
}

static int email_check(const char *s, struct err *e)
{
	const char *at = strchr(s, '@');

	if (at == NULL || at == s || strchr(at + 1, '.') == NULL || strchr(at + 1, '@') ||
	    strpbrk(s, " \t\r\n<>,;\"") || strlen(s) > 254)
		return err_set(e, ERR_INPUT, "bad e-mail address \"%s\": expected name@domain", s);
	return 0;
}

static int phone_check(const char *s, struct err *e)
{
	int digits = 0;

	for (const char *p = s; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (!strchr("+ -()./", *p))
			goto bad;
	}
	if (digits >= 3 && digits <= 20)
		return 0;
bad:
	return err_set(e, ERR_INPUT, "bad phone number \"%s\": expected digits, e.g. +31701234567",
	               s);
}

static int webhook_url_check(const char *u, struct err *e)
{
	if ((strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0) || strlen(u) > 2048 ||
	    strpbrk(u, " \t\r\n\"<>") != NULL)
		return err_set(e, ERR_INPUT, "bad webhook URL \"%s\": expected an http(s) URL", u);
	return 0;
}

/* Gives the organisation a secret to sign its webhooks with, once. */
static int org_webhook_secret(struct db *db, const char *org, struct err *e)
{
	unsigned char raw[32];
	char hex[65];
	struct db_stmt *st;
	int rc;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
	rc = db_prepare(
	    db, "UPDATE orgs SET webhook_secret = ?2 WHERE id = ?1 AND webhook_secret IS NULL", &st,
	    e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, org);
	db_bind_text(st, 2, hex);
	rc = db_step(st, e);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int org_contact_set(struct db *db, const struct act *act, const struct contact_fields *f,
                    struct err *e)
{
	struct db_stmt *st;
	char now[32], object[96];
	int rc;

	if ((rc = org_require(db, f->org, e)) != 0)
		return rc;
	if (f->name == NULL || f->name[0] == '\0')
		return err_set(e, ERR_INPUT, "a contact needs a name (--name)");
	if (f->email && f->email[0] && (rc = email_check(f->email, e)) != 0)
		return rc;
	if (f->phone && f->phone[0] && (rc = phone_check(f->phone, e)) != 0)
		return rc;
	if (f->webhook_url && (rc = webhook_url_check(f->webhook_url, e)) != 0)
		return rc;
	if (f->webhook_url && (rc = org_webhook_secret(db, f->org, e)) != 0)
		return rc;
	time_format(act->at, now, sizeof(now));
	rc = db_prepare(
	    db,
	    "INSERT INTO contacts (org_id, name, role, email, phone, always_on, created_at,"
	    " webhook_url) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	    " ON CONFLICT (org_id, name) DO UPDATE SET"
	    " role = coalesce(excluded.role, contacts.role),"
	    " email = coalesce(excluded.email, contacts.email),"
	    " phone = coalesce(excluded.phone, contacts.phone),"
	    " webhook_url = coalesce(excluded.webhook_url, contacts.webhook_url),"
	    " always_on = excluded.always_on",
	    &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, f->org);
	db_bind_text(st, 2, f->name);
	db_bind_text(st, 3, f->role);
	db_bind_text(st, 4, f->email);
	db_bind_text(st, 5, f->phone);
	db_bind_int(st, 6, f->always_on);
	db_bind_text(st, 7, now);
	db_bind_text(st, 8, f->webhook_url);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	snprintf(object, sizeof(object), "org:%s", f->org);
	return event_append(db, act, "org.contact", object,
	                    json_pack("{s:s, s:s?, s:s?, s:s?, s:b, s:s?}", "name", f->name, "role",
	                              f->role, "email", f->email, "phone", f->phone, "24x7",
	                              f->always_on, "webhook", f->webhook_url),
	                    e);
}

int org_netblock_add(struct db *db, const struct act *act, const char *org, const char *text,
                     struct err *e)
{
	struct cidr c;
	struct db_stmt *st;
	char canon[64], now[32], object[96];
	const char *owner = NULL;
	int rc;

	if ((rc = org_require(db, org, e)) != 0)
		return rc;
	if ((rc = cidr_parse(text, &c, e)) != 0)
		return rc;
	cidr_format(&c, canon, sizeof(canon));
	if ((rc = db_prepare(db, "SELECT org_id FROM netblocks WHERE cidr = ?1", &st, e)) != 0)
		return rc;
	db_bind_text(st, 1, canon);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		owner = xstrdup(db_col_text(st, 0));
	db_done(st);
	if (rc < 0)
		return rc;
	if (owner) {
		rc = strcmp(owner, org) == 0
		         ? 0
		         : err_set(e, ERR_CONFLICT, "netblock %s is registered to '%s' already",
		                   canon, owner);
		free((char *)owner);
		return rc;
	}
	time_format(act->at, now, sizeof(now));
	rc = db_prepare(db,
	                "INSERT INTO netblocks (org_id, cidr, addr, prefix, created_at)"
	                " VALUES (?1, ?2, ?3, ?4, ?5)",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, org);
	db_bind_text(st, 2, canon);
	db_bind_blob(st, 3, c.addr, sizeof(c.addr));
	db_bind_int(st, 4, c.prefix);
	db_bind_text(st, 5, now);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	snprintf(object, sizeof(object), "org:%s", org);
	if ((rc = event_append(db, act, "org.netblock", object, json_pack("{s:s}", "cidr", canon),
	                       e)) != 0)
		return rc;
	/* systems seen in it before belong to this organisation now (or to a more specific
	 * netblock inside it): their owners follow, and the new owner is told */
	return scan_netblock_changed(db, act, c.addr, c.prefix, e);
}

/* ---- the portal: contacts by id, netblocks removed ---- */

static int rows_into(struct db *db, const char *sql, const char *id, const char *const *keys,
                     json_t *arr, struct err *e);

int org_contact_list(struct db *db, const char *org, json_t **out, struct err *e)
{
	static const char *const keys[] = {"#id",   "name",  "role",    "email",
	                                   "phone", "?24x7", "webhook", NULL};
	int rc;

	if ((rc = org_require(db, org, e)) != 0)
		return rc;
	*out = json_array();
	rc = rows_into(db,
	               "SELECT id, name, role, email, phone, always_on, webhook_url FROM contacts"
	               " WHERE org_id = ?1 ORDER BY name",
	               org, keys, *out, e);
	if (rc != 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* ERR_NOTFOUND unless contact id belongs to org; the name it has goes to name. */
static int org_contact_own(struct db *db, const char *org, long id, char *name, size_t namesz,
                           struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, "SELECT name FROM contacts WHERE id = ?1 AND org_id = ?2", &st, e);

	if (rc != 0)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, org);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		snprintf(name, namesz, "%s", db_col_text(st, 0));
	db_done(st);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_set(e, ERR_NOTFOUND, "%s has no contact %ld", org, id);
	return 0;
}

int org_contact_update(struct db *db, const struct act *act, long id,
                       const struct contact_fields *f, struct err *e)
{
	struct db_stmt *st;
	char old[256], object[96];
	int64_t taken = 0;
	int rc;

	if ((rc = org_contact_own(db, f->org, id, old, sizeof(old), e)) != 0)
		return rc;
	if (f->name == NULL || f->name[0] == '\0')
		return err_set(e, ERR_INPUT, "field name: a contact needs a name");
	if (f->email && f->email[0] && (rc = email_check(f->email, e)) != 0)
		return err_wrap(e, "field email: ");
	if (f->phone && f->phone[0] && (rc = phone_check(f->phone, e)) != 0)
		return err_wrap(e, "field phone: ");
	if (f->webhook_url && f->webhook_url[0] && (rc = webhook_url_check(f->webhook_url, e)) != 0)
		return err_wrap(e, "field webhook: ");
	rc = db_prepare(
	    db, "SELECT count(*) FROM contacts WHERE org_id = ?1 AND name = ?2 AND id <> ?3", &st,
	    e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, f->org);
	db_bind_text(st, 2, f->name);
	db_bind_int(st, 3, id);
	if ((rc = db_step(st, e)) == DB_ROW)
		taken = db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return rc;
	if (taken)
		return err_set(e, ERR_CONFLICT, "field name: %s has another contact named \"%s\"",
		               f->org, f->name);
	if (f->webhook_url && f->webhook_url[0] && (rc = org_webhook_secret(db, f->org, e)) != 0)
		return rc;
	rc = db_prepare(db,
	                "UPDATE contacts SET name = ?3, role = ?4, email = ?5, phone = ?6,"
	                " always_on = ?7, webhook_url = ?8 WHERE id = ?1 AND org_id = ?2",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, f->org);
	db_bind_text(st, 3, f->name);
	db_bind_text(st, 4, f->role && f->role[0] ? f->role : NULL);
	db_bind_text(st, 5, f->email && f->email[0] ? f->email : NULL);
	db_bind_text(st, 6, f->phone && f->phone[0] ? f->phone : NULL);
	db_bind_int(st, 7, f->always_on);
	db_bind_text(st, 8, f->webhook_url && f->webhook_url[0] ? f->webhook_url : NULL);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	snprintf(object, sizeof(object), "org:%s", f->org);
	return event_append(db, act, "org.contact", object,
	                    json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:s?, s:b, s:s?}", "id",
	                              (json_int_t)id, "was", old, "name", f->name, "role", f->role,
	                              "email", f->email, "phone", f->phone, "24x7", f->always_on,
	                              "webhook", f->webhook_url),
	                    e);
}

int org_contact_remove(struct db *db, const struct act *act, const char *org, long id,
                       struct err *e)
{
	struct db_stmt *st;
	char name[256], object[96];
	int rc;

	if ((rc = org_contact_own(db, org, id, name, sizeof(name), e)) != 0)
		return rc;
	if ((rc = db_prepare(db, "DELETE FROM contacts WHERE id = ?1 AND org_id = ?2", &st, e)) !=
	    0)
		return rc;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, org);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	snprintf(object, sizeof(object), "org:%s", org);
	return event_append(db, act, "org.contact.remove", object,
	                    json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name), e);
}

int org_netblock_remove(struct db *db, const struct act *act, const char *org, const char *text,
                        struct err *e)
{
	struct cidr c;
	struct db_stmt *st;
	char canon[64], object[96];
	int rc;

	if ((rc = org_require(db, org, e)) != 0)
		return rc;
	if ((rc = cidr_parse(text, &c, e)) != 0)
		return rc;
	cidr_format(&c, canon, sizeof(canon));
	rc = db_prepare(db, "DELETE FROM netblocks WHERE cidr = ?1 AND org_id = ?2", &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, canon);
	db_bind_text(st, 2, org);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	if (db_changes(db) == 0)
		return err_set(e, ERR_NOTFOUND, "%s has no netblock %s", org, canon);
	snprintf(object, sizeof(object), "org:%s", org);
	if ((rc = event_append(db, act, "org.netblock.remove", object,
	                       json_pack("{s:s}", "cidr", canon), e)) != 0)
		return rc;
	/* the systems seen in it go to a less specific netblock, or to nobody */
	return scan_netblock_changed(db, act, c.addr, c.prefix, e);
}

/* ---- import ---- */

struct org_import_state {
	struct db *db;
	const struct act *act;
	const char *path;
	int col[5];   /* id, name, kind, parent, sector */
	size_t ncols; /* columns in the header */
	int csv;      /* read as CSV: errors name lines, not array indexes */
	char **ids, **parents;
	long *lines;
	size_t n;
};

static const char *const org_columns[] = {"id", "name", "kind", "parent", "sector"};

static const char *field(char **fields, size_t n, int col)
{
	return col >= 0 && (size_t)col < n && fields[col][0] ? fields[col] : NULL;
}

static void org_import_remember(struct org_import_state *s, const char *id, const char *parent,
                                long line)
{
	s->ids = xreallocarray(s->ids, s->n + 1, sizeof(char *));
	s->parents = xreallocarray(s->parents, s->n + 1, sizeof(char *));
	s->lines = xreallocarray(s->lines, s->n + 1, sizeof(long));
	s->ids[s->n] = xstrdup(id);
	s->parents[s->n] = parent ? xstrdup(parent) : NULL;
	s->lines[s->n] = line;
	s->n++;
}

static int org_import_row(void *ctx, long line, char **fields, size_t n, struct err *e)
{
	struct org_import_state *s = ctx;
	struct org_fields f;
	const char *bad = NULL;
	int rc;

	if (s->ncols == 0) { /* the header: the first row */
		for (size_t i = 0; i < n; i++) {
			int known = 0;
			for (size_t k = 0; k < 5; k++)
				known |= strcasecmp(fields[i], org_columns[k]) == 0;
			if (!known)
				return err_set(e, ERR_INPUT,
				               "%s:%ld: unknown column \"%s\": expected the header"
				               " id,name,kind,parent,sector",
				               s->path, line, fields[i]);
		}
		for (size_t k = 0; k < 5; k++)
			s->col[k] = csv_column(fields, n, org_columns[k]);
		for (size_t k = 0; k < 3; k++)
			if (s->col[k] < 0)
				return err_set(e, ERR_INPUT,
				               "%s:%ld: the header has no column \"%s\" (expected"
				               " id,name,kind,parent,sector)",
				               s->path, line, org_columns[k]);
		s->ncols = n;
		return 0;
	}
	if (n != s->ncols)
		return err_set(e, ERR_INPUT,
		               "%s:%ld: expected %zu fields, as in the header, got %zu", s->path,
		               line, s->ncols, n);
	f.id = field(fields, n, s->col[0]);
	f.name = field(fields, n, s->col[1]);
	f.kind = field(fields, n, s->col[2]);
	f.parent = field(fields, n, s->col[3]);
	f.sector = field(fields, n, s->col[4]);
	if (f.id == NULL)
		return err_set(e, ERR_INPUT, "%s:%ld: field id: empty; every row needs an id",
		               s->path, line);
	rc = org_upsert(s->db, s->act, &f, &bad, e);
	if (rc != 0)
		return bad ? err_wrap(e, "%s:%ld: field %s: ", s->path, line, bad)
		           : err_wrap(e, "%s:%ld: ", s->path, line);
	org_import_remember(s, f.id, f.parent, line);
	return 0;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* ERR_INPUT unless every key of o is one of keys (NULL-terminated) and has the type the key
 * names: a leading '[' an array, '?' true or false, else a string (or null). where prefixes
 * the message ("orgs.json: [2]"). */
static int json_keys_check(json_t *o, const char *const *keys, const char *where, struct err *e)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v)
	{
		size_t i;
		for (i = 0; keys[i]; i++)
			if (strcmp(k, keys[i] + (keys[i][0] == '[' || keys[i][0] == '?')) == 0)
				break;
		if (keys[i] == NULL)
			return err_set(e, ERR_INPUT, "%s.%s: unknown field", where, k);
		if (keys[i][0] == '[' && !json_is_array(v))
			return err_set(e, ERR_INPUT, "%s.%s: expected an array", where, k);
		if (keys[i][0] == '?' && !json_is_boolean(v))
			return err_set(e, ERR_INPUT, "%s.%s: expected true or false", where, k);
		if (keys[i][0] != '[' && keys[i][0] != '?' && !json_is_string(v) &&
		    !json_is_null(v))
			return err_set(e, ERR_INPUT, "%s.%s: expected a string", where, k);
	}
	return 0;
}

/* One organisation object of a JSON import, at index i. */
static int org_import_json_one(struct org_import_state *s, json_t *o, size_t i, struct err *e)
{
	static const char *const org_keys[] = {
	    "id", "name", "kind", "parent", "sector", "[contacts", "[netblocks", NULL,
	};
	static const char *const contact_keys[] = {"name",  "role",    "email", "phone",
	                                           "?24x7", "webhook", NULL};
	struct org_fields f;
	const char *bad = NULL;
	char where[4200];
	json_t *list, *x;
	size_t j;
	int rc;

	if (!json_is_object(o))
		return err_set(e, ERR_INPUT, "%s: [%zu]: expected an object", s->path, i);
	snprintf(where, sizeof(where), "%s: [%zu]", s->path, i);
	if ((rc = json_keys_check(o, org_keys, where, e)) != 0)
		return rc;
	f.id = jstr(o, "id");
	f.name = jstr(o, "name");
	f.kind = jstr(o, "kind");
	f.parent = jstr(o, "parent");
	f.sector = jstr(o, "sector");
	if (f.id == NULL)
		return err_set(e, ERR_INPUT, "%s: [%zu].id: missing; expected a string", s->path,
		               i);
	if ((rc = org_upsert(s->db, s->act, &f, &bad, e)) != 0)
		return bad ? err_wrap(e, "%s: [%zu].%s: ", s->path, i, bad)
		           : err_wrap(e, "%s: [%zu]: ", s->path, i);
	org_import_remember(s, f.id, f.parent, (long)i);
	list = json_object_get(o, "contacts");
	json_array_foreach(list, j, x)
	{
		struct contact_fields c = {f.id,
		                           jstr(x, "name"),
		                           jstr(x, "role"),
		                           jstr(x, "email"),
		                           jstr(x, "phone"),
		                           json_is_true(json_object_get(x, "24x7")),
		                           jstr(x, "webhook")};

		snprintf(where, sizeof(where), "%s: [%zu].contacts[%zu]", s->path, i, j);
		if (!json_is_object(x))
			return err_set(e, ERR_INPUT, "%s: expected an object", where);
		if ((rc = json_keys_check(x, contact_keys, where, e)) != 0)
			return rc;
		if ((rc = org_contact_set(s->db, s->act, &c, e)) != 0)
			return err_wrap(e, "%s: [%zu].contacts[%zu]: ", s->path, i, j);
	}
	list = json_object_get(o, "netblocks");
	json_array_foreach(list, j, x)
	{
		if (!json_is_string(x))
			return err_set(e, ERR_INPUT,
			               "%s: [%zu].netblocks[%zu]: expected a CIDR string", s->path,
			               i, j);
		if ((rc = org_netblock_add(s->db, s->act, f.id, json_string_value(x), e)) != 0)
			return err_wrap(e, "%s: [%zu].netblocks[%zu]: ", s->path, i, j);
	}
	return 0;
}

static int org_import_json(struct org_import_state *s, json_t *root, struct err *e)
{
	json_t *arr = json_is_array(root) ? root : json_object_get(root, "organisations");
	json_t *o;
	size_t i;
	int rc;

	if (!json_is_array(arr))
		return err_set(e, ERR_INPUT,
		               "%s: expected a JSON array of organisations (or {\"organisations\":"
		               " [...]})",
		               s->path);
	json_array_foreach(arr, i, o)
	{
		if ((rc = org_import_json_one(s, o, i, e)) != 0)
			return rc;
	}
	return 0;
}

/* The first byte of the file that is not white space, or EOF: '[' or '{' means JSON. */
static int json_first_byte(const char *path)
{
	FILE *f = fopen(path, "rb");
	int c = EOF;

	if (f == NULL)
		return EOF;
	while ((c = fgetc(f)) == ' ' || c == '\t' || c == '\r' || c == '\n')
		;
	fclose(f);
	return c;
}

int org_import(struct db *db, const struct act *act, const char *path, int *count, struct err *e)
{
	struct org_import_state s;
	json_error_t jerr;
	json_t *root = NULL;
	int rc;

	memset(&s, 0, sizeof(s));
	s.db = db;
	s.act = act;
	s.path = path;
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (root) {
		rc = org_import_json(&s, root, e);
		json_decref(root);
	} else if (jerr.line == 1 && jerr.column <= 1 && strstr(jerr.text, "unable to open")) {
		rc = err_set(e, ERR_INPUT, "%s: cannot open", path);
	} else {
		int c = json_first_byte(path);

		if (c == '[' || c == '{')
			rc = err_set(e, ERR_INPUT, "%s:%d: malformed JSON: %s", path, jerr.line,
			             jerr.text);
		else {
			s.csv = 1;
			rc = csv_each(path, org_import_row, &s, e);
			if (rc == 0 && s.ncols == 0)
				rc = err_set(
				    e, ERR_INPUT,
				    "%s: empty; expected the header id,name,kind,parent,sector",
				    path);
		}
	}
	/* parents last: a file may name a parent before it defines it */
	for (size_t i = 0; rc == 0 && i < s.n; i++) {
		rc = org_set_parent(db, s.ids[i], s.parents[i], e);
		if (rc != 0 && s.csv)
			err_wrap(e, "%s:%ld: field parent: ", path, s.lines[i]);
		else if (rc != 0)
			err_wrap(e, "%s: [%ld].parent: ", path, s.lines[i]);
	}
	if (rc == 0)
		rc = event_append(db, act, "org.import", "org:*",
		                  json_pack("{s:s, s:i}", "file", path, "organisations", (int)s.n),
		                  e);
	if (rc == 0) /* a changed kind may bring a BIO clock */
		rc = deadline_sync(db, NULL, NULL, e);
	*count = (int)s.n;
	for (size_t i = 0; i < s.n; i++) {
		free(s.ids[i]);
		free(s.parents[i]);
	}
	free(s.ids);
	free(s.parents);
	free(s.lines);
	return rc;
}

/* ---- reading ---- */

int org_list(struct db *db, const char *kind, json_t **out, struct err *e)
{
	struct db_stmt *st;
	int rc;

	rc = db_prepare(db,
	                "SELECT o.id, o.name, o.kind, o.parent_id, o.sector,"
	                " (SELECT count(*) FROM contacts c WHERE c.org_id = o.id),"
	                " (SELECT count(*) FROM netblocks n WHERE n.org_id = o.id),"
	                " (SELECT count(*) FROM inventory i WHERE i.org_id = o.id)"
	                " FROM orgs o WHERE ?1 IS NULL OR o.kind = ?1 ORDER BY o.id",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, kind);
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(
		    *out, json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:I, s:I, s:I}", "org",
		                    db_col_text(st, 0), "name", db_col_text(st, 1), "kind",
		                    db_col_text(st, 2), "parent", db_col_text(st, 3), "sector",
		                    db_col_text(st, 4), "contacts", (json_int_t)db_col_int(st, 5),
		                    "netblocks", (json_int_t)db_col_int(st, 6), "products",
		                    (json_int_t)db_col_int(st, 7)));
	db_done(st);
	if (rc < 0) {
		json_decref(*out);
		return rc;
	}
	return 0;
}

/* Appends to arr one object per row of a query on one organisation; keys name the columns. */
static int rows_into(struct db *db, const char *sql, const char *id, const char *const *keys,
                     json_t *arr, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, sql, &st, e);

	if (rc != 0)
		return rc;
	db_bind_text(st, 1, id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *o = json_object();
		for (int i = 0; keys[i]; i++) {
			const char *k = keys[i];
			if (k[0] == '#')
				json_object_set_new(o, k + 1, json_integer(db_col_int(st, i)));
			else if (k[0] == '?')
				json_object_set_new(o, k + 1, json_boolean(db_col_int(st, i)));
			else if (!db_col_is_null(st, i))
				json_object_set_new(o, k, json_string(db_col_text(st, i)));
		}
		json_array_append_new(arr, o);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int org_show(struct db *db, const char *id, json_t **out, struct err *e)
{
	static const char *const contact_keys[] = {"name",  "role",    "email", "phone",
	                                           "?24x7", "webhook", NULL};
	static const char *const netblock_keys[] = {"cidr", NULL};
	static const char *const inv_keys[] = {"product", "version", "#count", "?internet_facing",
	                                       NULL};
	static const char *const child_keys[] = {"org", "name", "kind", NULL};
	struct db_stmt *st;
	json_t *list;
	int rc;

	if ((rc = org_list(db, NULL, &list, e)) != 0)
		return rc;
	*out = NULL;
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *o = json_array_get(list, i);
		if (strcmp(json_string_value(json_object_get(o, "org")), id) == 0)
			*out = json_incref(o);
	}
	json_decref(list);
	if (*out == NULL)
		return org_require(db, id, e);
	/* the key receivers check webhook signatures with */
	if (db_prepare(db, "SELECT webhook_secret FROM orgs WHERE id = ?1", &st, e) == 0) {
		db_bind_text(st, 1, id);
		if (db_step(st, e) == DB_ROW && !db_col_is_null(st, 0))
			json_object_set_new(*out, "webhook_secret",
			                    json_string(db_col_text(st, 0)));
		db_done(st);
	}
	json_object_set_new(*out, "contact_list", json_array());
	json_object_set_new(*out, "netblock_list", json_array());
	json_object_set_new(*out, "inventory", json_array());
	json_object_set_new(*out, "children", json_array());
	rc = rows_into(db,
	               "SELECT name, role, email, phone, always_on, webhook_url FROM contacts"
	               " WHERE org_id = ?1 ORDER BY name",
	               id, contact_keys, json_object_get(*out, "contact_list"), e);
	if (rc == 0)
		rc = rows_into(db,
		               "SELECT cidr FROM netblocks WHERE org_id = ?1 ORDER BY addr, prefix",
		               id, netblock_keys, json_object_get(*out, "netblock_list"), e);
	if (rc == 0)
		rc = rows_into(db,
		               "SELECT product, version, count, internet_facing FROM inventory"
		               " WHERE org_id = ?1 ORDER BY product, vkey",
		               id, inv_keys, json_object_get(*out, "inventory"), e);
	if (rc == 0)
		rc = rows_into(db,
		               "SELECT id, name, kind FROM orgs WHERE parent_id = ?1 ORDER BY id",
		               id, child_keys, json_object_get(*out, "children"), e);
	if (rc != 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}
