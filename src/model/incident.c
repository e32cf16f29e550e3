/* incident.c: incidents, their logbook and the vendor's patch timeline. */
#include "model/incident.h"

#include "core/buf.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "domain/product.h"
#include "domain/range.h"
#include "domain/version.h"
#include "model/field.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define TITLE_MAX 300
#define TEXT_MAX  8000
#define NAMES_MAX 64

static int id_check(const char *id, struct err *e)
{
	if (field_id_ok(id))
		return 0;
	return err_set(e, ERR_INPUT,
	               "bad incident id \"%s\": expected 1-64 of a-z 0-9 . _ -, starting with a"
	               " letter or digit",
	               id);
}

static int incident_require(struct db *db, const char *id, struct err *e)
{
	int64_t n = 0;
	int rc = db_query_int(db, "SELECT count(*) FROM incidents WHERE id = ?1", id, &n, e);

	if (rc != 0)
		return rc;
	if (n == 0)
		return err_set(e, ERR_NOTFOUND, "unknown incident '%s' (`baken incident list`)",
		               id);
	return 0;
}

static json_t *strv_json(const char **v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static int names_check(const char *what, const char **v, size_t n, struct err *e)
{
	if (n > NAMES_MAX)
		return err_set(e, ERR_INPUT, "%s: at most %d names", what, NAMES_MAX);
	for (size_t i = 0; i < n; i++)
		if (!field_has_text(v[i]) || strlen(v[i]) > TITLE_MAX)
			return err_set(e, ERR_INPUT, "%s: expected names of 1-%d characters", what,
			               TITLE_MAX);
	return 0;
}

/* The vulnerability records of the advisory's CVEs as they are now: what the evaluation needs
 * of the vendor's and the CSIRT's dates (reported to the vendor, disclosed, learned of). */
static int vuln_snapshot(struct db *db, const char *advisory, json_t **out, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db,
	                    "SELECT v.cve, v.reported_to_vendor, v.disclosed, v.learned,"
	                    " v.exploit_status, v.mitigation_status FROM vulns v WHERE v.cve IN"
	                    " (SELECT cve FROM advisory_cves WHERE advisory_id = ?1 AND num ="
	                    " (SELECT max(num) FROM advisory_cves WHERE advisory_id = ?1))"
	                    " ORDER BY v.cve",
	                    &st, e);

	*out = json_array();
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, advisory);
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(
		    *out,
		    json_pack("{s:s, s:s?, s:s?, s:s?, s:s, s:s}", "cve", db_col_text(st, 0),
		              "reported_to_vendor", db_col_text(st, 1), "disclosed",
		              db_col_text(st, 2), "learned", db_col_text(st, 3), "exploit_status",
		              db_col_text(st, 4), "mitigation_status", db_col_text(st, 5)));
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* Links advisories to incident id; those linked already are skipped. */
static int add_advisories(struct db *db, const struct act *act, const char *id,
                          const char **advisories, size_t n, struct err *e)
{
	char when[32], object[96];
	int rc = 0;

	field_time_text(act->at, when);
	snprintf(object, sizeof(object), "incident:%s", id);
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct db_stmt *st;
		int64_t have = 0;
		json_t *vulns = NULL;

		if ((rc = db_query_int(db, "SELECT count(*) FROM advisories WHERE id = ?1",
		                       advisories[i], &have, e)) != 0)
			break;
		if (have == 0)
			return err_set(e, ERR_NOTFOUND,
			               "--advisory: unknown advisory %s (`baken advisory list`)",
			               advisories[i]);
		if ((rc = db_prepare(db,
		                     "INSERT INTO incident_advisories VALUES (?1, ?2, ?3)"
		                     " ON CONFLICT DO NOTHING",
		                     &st, e)) != 0)
			break;
		db_bind_text(st, 1, id);
		db_bind_text(st, 2, advisories[i]);
		db_bind_text(st, 3, when);
		rc = db_step(st, e);
		db_done(st);
		if (rc < 0 || db_changes(db) == 0) {
			rc = rc < 0 ? rc : 0;
			continue;
		}
		if ((rc = vuln_snapshot(db, advisories[i], &vulns, e)) != 0) {
			json_decref(vulns);
			break;
		}
		rc = event_append(
		    db, act, "incident.advisory", object,
		    json_pack("{s:s, s:o}", "advisory", advisories[i], "vulns", vulns), e);
	}
	return rc;
}

int incident_new(struct db *db, const struct act *act, const char *id, const char *title,
                 const char **advisories, size_t nadvisories, int public, struct err *e)
{
	struct db_stmt *st;
	char when[32], object[96];
	int64_t n = 0;
	int rc;

	if ((rc = id_check(id, e)) != 0)
		return rc;
	if (!field_has_text(title) || strlen(title) > TITLE_MAX)
		return err_set(e, ERR_INPUT, "--title: expected 1-%d characters", TITLE_MAX);
	if (nadvisories > NAMES_MAX)
		return err_set(e, ERR_INPUT, "--advisory: at most %d", NAMES_MAX);
	if ((rc = db_query_int(db, "SELECT count(*) FROM incidents WHERE id = ?1", id, &n, e)) != 0)
		return rc;
	if (n)
		return err_set(e, ERR_CONFLICT, "incident '%s' exists already", id);
	field_time_text(act->at, when);
	rc = db_prepare(db,
	                "INSERT INTO incidents (id, title, level, public, created_by, created_at)"
	                " VALUES (?1, ?2, 0, ?3, ?4, ?5)",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, title);
	db_bind_int(st, 3, public ? 1 : 0);
	db_bind_text(st, 4, act->actor);
	db_bind_text(st, 5, when);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	snprintf(object, sizeof(object), "incident:%s", id);
	if ((rc = event_append(db, act, "incident.new", object,
	                       json_pack("{s:s, s:b, s:o}", "title", title, "public", public,
	                                 "advisories", strv_json(advisories, nadvisories)),
	                       e)) != 0)
		return rc;
	return add_advisories(db, act, id, advisories, nadvisories, e);
}

int incident_update(struct db *db, const struct act *act, const char *id, const char *title,
                    const char **advisories, size_t nadvisories, int public, struct err *e)
{
	struct db_stmt *st;
	char object[96];
	int rc;

	if ((rc = incident_require(db, id, e)) != 0)
		return rc;
	if (title && (!field_has_text(title) || strlen(title) > TITLE_MAX))
		return err_set(e, ERR_INPUT, "--title: expected 1-%d characters", TITLE_MAX);
	if (nadvisories > NAMES_MAX)
		return err_set(e, ERR_INPUT, "--advisory: at most %d", NAMES_MAX);
	if (title == NULL && public < 0 && nadvisories == 0)
		return err_set(
		    e, ERR_USAGE,
		    "nothing to change: give --title, --advisory, --public or --private");
	rc = db_prepare(db,
	                "UPDATE incidents SET title = coalesce(?2, title),"
	                " public = CASE WHEN ?3 < 0 THEN public ELSE ?3 END WHERE id = ?1",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, title);
	db_bind_int(st, 3, public);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	snprintf(object, sizeof(object), "incident:%s", id);
	if (title || public >= 0) {
		json_t *d = json_object();
		if (title)
			json_object_set_new(d, "title", json_string(title));
		if (public >= 0)
			json_object_set_new(d, "public", json_boolean(public));
		if ((rc = event_append(db, act, "incident.update", object, d, e)) != 0)
			return rc;
	}
	return add_advisories(db, act, id, advisories, nadvisories, e);
}

/* Inserts a logbook row; *entry gets its id. */
static int log_insert(struct db *db, const struct act *act, const char *id, const char *kind,
                      int level, const struct incident_entry *en, const char *by, long *entry,
                      struct err *e)
{
	struct db_stmt *st;
	char when[32];
	char *approved = NULL, *participants = NULL;
	int rc;

	field_time_text(act->at, when);
	if (en && en->napproved) {
		json_t *a = strv_json(en->approved_by, en->napproved);
		approved = json_dumps(a, JSON_COMPACT);
		json_decref(a);
	}
	if (en && en->nparticipants) {
		json_t *a = strv_json(en->participants, en->nparticipants);
		participants = json_dumps(a, JSON_COMPACT);
		json_decref(a);
	}
	rc = db_prepare(db,
	                "INSERT INTO incident_log (incident_id, kind, level, channel, title, text,"
	                " decided_by, approved_by, participants, at, recorded_by)"
	                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
	                &st, e);
	if (rc == 0) {
		db_bind_text(st, 1, id);
		db_bind_text(st, 2, kind);
		if (level >= 0)
			db_bind_int(st, 3, level);
		else
			db_bind_null(st, 3);
		db_bind_text(st, 4, en ? en->channel : NULL);
		db_bind_text(st, 5, en ? en->title : NULL);
		db_bind_text(st, 6, en ? en->text : "");
		db_bind_text(st, 7, by);
		db_bind_text(st, 8, approved);
		db_bind_text(st, 9, participants);
		db_bind_text(st, 10, when);
		db_bind_text(st, 11, act->actor);
		rc = db_step(st, e);
		if (rc == DB_ROW)
			*entry = (long)db_col_int(st, 0);
		db_done(st);
		rc = rc < 0 ? rc : 0;
	}
	free(approved);
	free(participants);
	return rc;
}

int incident_scale(struct db *db, const struct act *act, const char *id, int level, const char *by,
                   const char *reason, struct err *e)
{
	struct incident_entry en = {0};
	struct db_stmt *st;
	char object[96];
	int64_t from = 0;
	long entry = 0;
	int rc;

	if (level < 0 || level > 2)
		return err_set(e, ERR_INPUT,
		               "--level %d: expected 0 (normal handling), 1 (NCSC operational"
		               " coordination) or 2 (national crisis structure)",
		               level);
	if ((by && (!field_has_text(by) || strlen(by) > TITLE_MAX)) ||
	    (reason && strlen(reason) > TEXT_MAX))
		return err_set(e, ERR_INPUT, "--by or --reason is empty or too long");
	if ((rc = incident_require(db, id, e)) != 0)
		return rc;
	if ((rc = db_query_int(db, "SELECT level FROM incidents WHERE id = ?1", id, &from, e)) != 0)
		return rc;
	if (from == level)
		return err_set(e, ERR_CONFLICT, "incident '%s' is at level %d already", id, level);
	rc = db_prepare(db, "UPDATE incidents SET level = ?2 WHERE id = ?1", &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, id);
	db_bind_int(st, 2, level);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	en.text = reason ? reason : "";
	if ((rc = log_insert(db, act, id, "scale", level, &en, by ? by : act->actor, &entry, e)) !=
	    0)
		return rc;
	snprintf(object, sizeof(object), "incident:%s", id);
	return event_append(db, act, "incident.scale", object,
	                    json_pack("{s:I, s:i, s:i, s:s, s:s?}", "entry", (json_int_t)entry,
	                              "from", (int)from, "level", level, "by", by ? by : act->actor,
	                              "reason", reason),
	                    e);
}

static const char *const entry_kinds[] = {"decision", "meeting", "communication", "note", NULL};
static const char *const channels[] = {"press", "website", "faq", "social", "other", NULL};

static const char *word_parse(const char *const *words, const char *s)
{
	for (size_t i = 0; s && words[i]; i++)
		if (strcasecmp(words[i], s) == 0)
			return words[i];
	return NULL;
}

int incident_log(struct db *db, const struct act *act, const char *id,
                 const struct incident_entry *en, long *entry, struct err *e)
{
	struct incident_entry x = *en;
	char object[96];
	json_t *d;
	int rc;

	*entry = 0;
	if (en->kind == NULL)
		return err_set(e, ERR_USAGE,
		               "--kind is required: decision, meeting, communication"
		               " or note");
	if ((x.kind = word_parse(entry_kinds, en->kind)) == NULL)
		return err_set(
		    e, ERR_INPUT,
		    "bad --kind \"%s\": expected decision, meeting, communication or note",
		    en->kind);
	if (!field_has_text(en->text) || strlen(en->text) > TEXT_MAX)
		return err_set(e, ERR_INPUT, "--text: expected 1-%d characters", TEXT_MAX);
	if (en->title && (!field_has_text(en->title) || strlen(en->title) > TITLE_MAX))
		return err_set(e, ERR_INPUT, "--title: expected 1-%d characters", TITLE_MAX);
	if ((rc = names_check("--approved-by", en->approved_by, en->napproved, e)) != 0 ||
	    (rc = names_check("--participants", en->participants, en->nparticipants, e)) != 0)
		return rc;
	if (en->napproved && strcmp(x.kind, "decision") != 0)
		return err_set(e, ERR_INPUT, "--approved-by goes with --kind decision");
	if (en->nparticipants && strcmp(x.kind, "meeting") != 0)
		return err_set(e, ERR_INPUT, "--participants goes with --kind meeting");
	if (en->by && strcmp(x.kind, "decision") != 0)
		return err_set(e, ERR_INPUT, "--by goes with --kind decision");
	if (en->by && (!field_has_text(en->by) || strlen(en->by) > TITLE_MAX))
		return err_set(e, ERR_INPUT, "--by: expected 1-%d characters", TITLE_MAX);
	if (strcmp(x.kind, "communication") == 0) {
		if (en->channel == NULL)
			return err_set(e, ERR_USAGE,
			               "a communication needs --channel press, website,"
			               " faq, social or other");
		if ((x.channel = word_parse(channels, en->channel)) == NULL)
			return err_set(
			    e, ERR_INPUT,
			    "bad --channel \"%s\": expected press, website, faq, social or"
			    " other",
			    en->channel);
		if (strcmp(x.channel, "faq") == 0 && en->title == NULL)
			return err_set(e, ERR_USAGE,
			               "an FAQ entry needs --title (the question) and"
			               " --text (the answer)");
	} else if (en->channel) {
		return err_set(e, ERR_INPUT, "--channel goes with --kind communication");
	}
	if ((rc = incident_require(db, id, e)) != 0)
		return rc;
	if ((rc = log_insert(db, act, id, x.kind, -1, &x, x.by, entry, e)) != 0)
		return rc;
	snprintf(object, sizeof(object), "incident:%s", id);
	d = json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:s?}", "entry", (json_int_t)*entry, "kind",
	              x.kind, "text", x.text, "title", x.title, "channel", x.channel, "by", x.by);
	if (x.napproved)
		json_object_set_new(d, "approved_by", strv_json(x.approved_by, x.napproved));
	if (x.nparticipants)
		json_object_set_new(d, "participants", strv_json(x.participants, x.nparticipants));
	return event_append(db, act, "incident.log", object, d, e);
}

int incident_patch(struct db *db, const struct act *act, const char *id, const char *branch,
                   const char *announced, const char *released, struct err *e)
{
	const char *c1 = strchr(branch, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	struct db_stmt *st;
	struct range r;
	struct buf canon;
	char product[256], when[32], date[32], object[96];
	int64_t t = 0, n = 0;
	size_t len;
	int rc;

	if ((announced == NULL) == (released == NULL))
		return err_set(e, ERR_USAGE, "give one of --announced DATE and --released VERSION");
	if (c2 == NULL || (len = (size_t)(c2 - branch)) >= sizeof(product))
		return err_set(e, ERR_INPUT, "bad --branch \"%s\": expected VENDOR:PRODUCT:RANGE",
		               branch);
	for (size_t i = 0; i < len; i++)
		product[i] = (char)tolower((unsigned char)branch[i]);
	product[len] = '\0';
	if ((rc = product_name_check(product, e)) != 0) {
		err_wrap(e, "--branch: ");
		return rc;
	}
	if ((rc = range_parse(c2 + 1, &r, e)) != 0) {
		err_wrap(e, "--branch %s: ", product);
		return rc;
	}
	buf_init(&canon, 4096);
	range_format(&r, &canon);
	range_free(&r);
	if (announced && (rc = time_parse(announced, &t, e)) != 0) {
		buf_free(&canon);
		err_wrap(e, "--announced: ");
		return rc;
	}
	if (released && (rc = version_check(released, e)) != 0) {
		buf_free(&canon);
		err_wrap(e, "--released: ");
		return rc;
	}
	if ((rc = incident_require(db, id, e)) != 0)
		goto out;
	field_time_text(act->at, when);
	if (released) {
		rc = db_prepare(db,
		                "SELECT count(*) FROM incident_patches WHERE incident_id = ?1"
		                " AND product = ?2 AND range = ?3 AND released IS NOT NULL",
		                &st, e);
		if (rc != 0)
			goto out;
		db_bind_text(st, 1, id);
		db_bind_text(st, 2, product);
		db_bind_text(st, 3, buf_str(&canon));
		if ((rc = db_step(st, e)) == DB_ROW)
			n = db_col_int(st, 0);
		db_done(st);
		if (rc < 0)
			goto out;
		if (n) {
			rc = err_set(e, ERR_CONFLICT,
			             "the patch for %s %s is recorded as released already", product,
			             buf_str(&canon));
			goto out;
		}
	}
	if (announced)
		field_time_text(t, date);
	rc = db_prepare(db,
	                "INSERT INTO incident_patches (incident_id, product, range, announced,"
	                " released, at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	                &st, e);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, product);
	db_bind_text(st, 3, buf_str(&canon));
	db_bind_text(st, 4, announced ? date : NULL);
	db_bind_text(st, 5, released);
	db_bind_text(st, 6, when);
	db_bind_text(st, 7, act->actor);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		goto out;
	snprintf(object, sizeof(object), "incident:%s", id);
	rc = event_append(db, act, "incident.patch", object,
	                  json_pack("{s:s, s:s, s:s?, s:s?}", "product", product, "range",
	                            buf_str(&canon), "announced", announced ? date : NULL,
	                            "released", released),
	                  e);
out:
	buf_free(&canon);
	return rc < 0 ? rc : 0;
}

/* ---- reading ---- */

static json_t *json_text_array(const char *text)
{
	json_t *a = text ? json_loads(text, 0, NULL) : NULL;

	return a ? a : json_array();
}

int incident_advisories(struct db *db, const char *id, json_t **out, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*out = NULL;
	if ((rc = incident_require(db, id, e)) != 0)
		return rc;
	rc = db_prepare(db,
	                "SELECT advisory_id FROM incident_advisories WHERE incident_id = ?1"
	                " ORDER BY advisory_id",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, id);
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(*out, json_string(db_col_text(st, 0)));
	db_done(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

int incident_faq(struct db *db, const char *id, int public_only, json_t **out, struct err *e)
{
	struct db_stmt *st;
	int64_t pub = 0;
	int rc;

	*out = NULL;
	if ((rc = db_query_int(db, "SELECT count(*) + max(public) FROM incidents WHERE id = ?1", id,
	                       &pub, e)) != 0)
		return rc;
	if (pub == 0 || (public_only && pub < 2))
		return err_set(e, ERR_NOTFOUND, "unknown incident '%s'", id);
	rc = db_prepare(db,
	                "SELECT title, text, at FROM incident_log WHERE incident_id = ?1"
	                " AND kind = 'communication' AND channel = 'faq' ORDER BY at, id",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, id);
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(
		    *out, json_pack("{s:s?, s:s, s:s}", "question", db_col_text(st, 0), "answer",
		                    db_col_text(st, 1), "at", db_col_text(st, 2)));
	db_done(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

/* The patch timeline as JSON: per branch its announcements, release, and the difference
 * between the first promise and the release in days. */
static int patches_json(struct db *db, const char *id, json_t **out, struct err *e)
{
	struct db_stmt *st;
	json_t *branches = json_object(), *b;
	const char *key;
	int rc;

	*out = json_array();
	rc = db_prepare(db,
	                "SELECT product, range, announced, released, at, recorded_by"
	                " FROM incident_patches WHERE incident_id = ?1 ORDER BY at, id",
	                &st, e);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		char k[600];
		snprintf(k, sizeof(k), "%s:%s", db_col_text(st, 0), db_col_text(st, 1));
		if ((b = json_object_get(branches, k)) == NULL) {
			b = json_pack("{s:s, s:s, s:s, s:[], s:n}", "branch", k, "product",
			              db_col_text(st, 0), "range", db_col_text(st, 1),
			              "announcements", "released");
			json_object_set_new(branches, k, b);
			json_array_append(*out, b);
		}
		if (!db_col_is_null(st, 2))
			json_array_append_new(json_object_get(b, "announcements"),
			                      json_pack("{s:s, s:s}", "date", db_col_text(st, 2),
			                                "at", db_col_text(st, 4)));
		else
			json_object_set_new(b, "released",
			                    json_pack("{s:s, s:s}", "version", db_col_text(st, 3),
			                              "at", db_col_text(st, 4)));
	}
	db_done(st);
	if (rc < 0)
		goto out;
	rc = 0;
	json_object_foreach(branches, key, b)
	{
		json_t *an = json_object_get(b, "announcements"),
		       *rel = json_object_get(b, "released");
		int64_t promised = 0, at = 0;
		if (json_array_size(an) == 0 || json_is_null(rel))
			continue;
		time_parse(json_string_value(json_object_get(json_array_get(an, 0), "date")),
		           &promised, NULL);
		time_parse(json_string_value(json_object_get(rel, "at")), &at, NULL);
		json_object_set_new(b, "days_vs_promise",
		                    json_real((double)(at - promised) / 86400.0));
	}
out:
	json_decref(branches);
	return rc < 0 ? rc : 0;
}

int incident_show(struct db *db, const char *id, json_t **out, struct err *e)
{
	struct db_stmt *st;
	json_t *o = NULL, *log = json_array(), *advs = NULL, *faq = NULL, *patches = NULL;
	int rc;

	*out = NULL;
	if ((rc = incident_advisories(db, id, &advs, e)) != 0)
		goto fail;
	rc = db_prepare(db,
	                "SELECT id, title, level, public, created_by, created_at FROM incidents"
	                " WHERE id = ?1",
	                &st, e);
	if (rc != 0)
		goto fail;
	db_bind_text(st, 1, id);
	if ((rc = db_step(st, e)) == DB_ROW)
		o = json_pack("{s:s, s:s, s:i, s:b, s:s, s:s}", "id", db_col_text(st, 0), "title",
		              db_col_text(st, 1), "level", (int)db_col_int(st, 2), "public",
		              (int)db_col_int(st, 3), "created_by", db_col_text(st, 4),
		              "created_at", db_col_text(st, 5));
	db_done(st);
	if (rc < 0 || o == NULL)
		goto fail;
	json_object_set(o, "advisories", advs);
	rc = db_prepare(db,
	                "SELECT id, kind, level, channel, title, text, decided_by, approved_by,"
	                " participants, at, recorded_by FROM incident_log WHERE incident_id = ?1"
	                " ORDER BY at, id",
	                &st, e);
	if (rc != 0)
		goto fail;
	db_bind_text(st, 1, id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *x =
		    json_pack("{s:I, s:s, s:s, s:s, s:s}", "entry", (json_int_t)db_col_int(st, 0),
		              "kind", db_col_text(st, 1), "text", db_col_text(st, 5), "at",
		              db_col_text(st, 9), "recorded_by", db_col_text(st, 10));
		if (!db_col_is_null(st, 2))
			json_object_set_new(x, "level", json_integer(db_col_int(st, 2)));
		if (!db_col_is_null(st, 3))
			json_object_set_new(x, "channel", json_string(db_col_text(st, 3)));
		if (!db_col_is_null(st, 4))
			json_object_set_new(x, "title", json_string(db_col_text(st, 4)));
		if (!db_col_is_null(st, 6))
			json_object_set_new(x, "by", json_string(db_col_text(st, 6)));
		if (!db_col_is_null(st, 7))
			json_object_set_new(x, "approved_by", json_text_array(db_col_text(st, 7)));
		if (!db_col_is_null(st, 8))
			json_object_set_new(x, "participants", json_text_array(db_col_text(st, 8)));
		json_array_append_new(log, x);
	}
	db_done(st);
	if (rc < 0)
		goto fail;
	if ((rc = incident_faq(db, id, 0, &faq, e)) != 0 ||
	    (rc = patches_json(db, id, &patches, e)) != 0)
		goto fail;
	json_object_set(o, "log", log);
	json_object_set_new(o, "faq", faq);
	json_object_set_new(o, "patches", patches);
	faq = patches = NULL;
	json_decref(log);
	json_decref(advs);
	*out = o;
	return 0;
fail:
	json_decref(o);
	json_decref(log);
	json_decref(advs);
	json_decref(faq);
	json_decref(patches);
	return rc < 0 ? rc : err_set(e, ERR_NOTFOUND, "unknown incident '%s'", id);
}

int incident_list(struct db *db, json_t **out, struct err *e)
{
	struct db_stmt *st;
	json_t *row;
	size_t i;
	int rc = db_prepare(db,
	                    "SELECT id, title, level, public, created_at FROM incidents"
	                    " ORDER BY created_at DESC, id",
	                    &st, e);

	*out = NULL;
	if (rc != 0)
		return rc;
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(
		    *out, json_pack("{s:s, s:s, s:i, s:b, s:s}", "id", db_col_text(st, 0), "title",
		                    db_col_text(st, 1), "level", (int)db_col_int(st, 2), "public",
		                    (int)db_col_int(st, 3), "created_at", db_col_text(st, 4)));
	db_done(st);
	json_array_foreach(*out, i, row)
	{
		json_t *advs = NULL;
		if (rc < 0 ||
		    (rc = incident_advisories(db, json_string_value(json_object_get(row, "id")),
		                              &advs, e)) != 0)
			break;
		json_object_set_new(row, "advisories", advs);
	}
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}
