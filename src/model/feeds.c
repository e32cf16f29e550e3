/* feeds.c: the public Atom feed and the list of public advisories. */
#include "model/feeds.h"

#include "core/xalloc.h"
#include "db/db.h"
#include "domain/matrix.h"
#include "formats/atom.h"
#include "formats/csaf.h"
#include "model/advisory.h"
#include "model/config.h"

#include <string.h>

static char *feeds_site(struct db *db)
{
	char *u = config_get(db, "site.url", "http://localhost:8080");
	size_t n = strlen(u);

	while (n > 0 && u[n - 1] == '/')
		u[--n] = '\0';
	return u;
}

static char level_char(const char *s)
{
	enum level l = LEVEL_LOW;

	level_parse(s, &l);
	return level_letter(l);
}

int feeds_atom(struct db *db, struct buf *out, struct err *e)
{
	struct atom_entry *x = xcalloc(FEEDS_ATOM_MAX, sizeof(*x));
	char **owned = xcalloc(4 * FEEDS_ATOM_MAX, sizeof(char *));
	char *site = feeds_site(db), *name = config_get(db, "site.name", "Baken CSIRT");
	char *self, *home, *feed_id, updated[32] = "1970-01-01T00:00:00Z";
	struct db_stmt *st;
	struct atom_feed f;
	size_t n = 0, no = 0;
	int rc;

	rc = db_prepare(db,
	                "SELECT advisory_id, num, title, likelihood, impact, changelog, summary,"
	                " published_at FROM advisory_versions WHERE published_at IS NOT NULL"
	                " AND tlp = 'CLEAR' ORDER BY published_at DESC, advisory_id, num DESC"
	                " LIMIT ?1",
	                &st, e);
	if (rc != 0)
		goto out;
	db_bind_int(st, 1, FEEDS_ATOM_MAX);
	while ((rc = db_step(st, e)) == DB_ROW && n < FEEDS_ATOM_MAX) {
		struct buf b;
		char label[16];
		const char *id = db_col_text(st, 0);

		advisory_version_label((int)db_col_int(st, 1), label, sizeof(label));
		buf_init(&b, 4096);
		buf_printf(&b, "%s [v%s] [%c/%c] %s", id, label, level_char(db_col_text(st, 3)),
		           level_char(db_col_text(st, 4)), db_col_text(st, 2));
		x[n].title = owned[no++] = buf_take(&b);
		buf_init(&b, 4096);
		buf_printf(&b, "%s/advisories/%s?version=%s", site, id, label);
		x[n].id = x[n].link = owned[no++] = buf_take(&b);
		x[n].updated = owned[no++] = xstrdup(db_col_text(st, 7));
		buf_init(&b, 4096);
		buf_printf(&b, "%s/%s", db_col_text(st, 3), db_col_text(st, 4));
		x[n].category = owned[no++] = buf_take(&b);
		if (!db_col_is_null(st, 5) && db_col_int(st, 1) > 0)
			x[n].summary = owned[no++] = xstrdup(db_col_text(st, 5));
		else if (!db_col_is_null(st, 6))
			x[n].summary = owned[no++] = xstrdup(db_col_text(st, 6));
		if (no + 5 > 4 * FEEDS_ATOM_MAX)
			owned = xreallocarray(owned, no * 2, sizeof(char *));
		if (n == 0)
			snprintf(updated, sizeof(updated), "%s", x[n].updated);
		n++;
	}
	db_done(st);
	if (rc < 0)
		goto out;
	self = xmalloc(strlen(site) + 16);
	snprintf(self, strlen(site) + 16, "%s/feed.atom", site);
	home = xmalloc(strlen(site) + 16);
	snprintf(home, strlen(site) + 16, "%s/advisories", site);
	feed_id = self;
	f.id = feed_id;
	f.title = name;
	f.self = self;
	f.link = home;
	f.updated = updated;
	f.author = name;
	f.entries = x;
	f.n = n;
	rc = atom_render(&f, out) == 0 ? 0 : err_set(e, ERR_INPUT, "the Atom feed is too large");
	free(self);
	free(home);
out:
	for (size_t i = 0; i < no; i++)
		free(owned[i]);
	free(owned);
	free(x);
	free(site);
	free(name);
	return rc;
}

int feeds_advisories_json(struct db *db, json_t **out, struct err *e)
{
	struct db_stmt *st;
	char *site = feeds_site(db);
	json_t *list = json_array(), *cur = NULL;
	int rc;

	*out = NULL;
	rc = db_prepare(db,
	                "SELECT v.advisory_id, v.num, v.title, v.likelihood, v.impact, v.changelog,"
	                " v.published_at, (SELECT min(p.published_at) FROM advisory_versions p"
	                "  WHERE p.advisory_id = v.advisory_id AND p.published_at IS NOT NULL),"
	                " (SELECT max(p.num) FROM advisory_versions p WHERE p.advisory_id ="
	                "  v.advisory_id AND p.published_at IS NOT NULL)"
	                " FROM advisory_versions v JOIN advisories a ON a.id = v.advisory_id"
	                " WHERE v.published_at IS NOT NULL AND v.tlp = 'CLEAR'"
	                " ORDER BY a.year DESC, a.seq DESC, v.num",
	                &st, e);
	if (rc != 0)
		goto out;
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *id = db_col_text(st, 0);
		char label[16];
		int num = (int)db_col_int(st, 1);

		advisory_version_label(num, label, sizeof(label));
		if (cur == NULL || strcmp(json_string_value(json_object_get(cur, "id")), id) != 0) {
			cur = json_pack("{s:s, s:[]}", "id", id, "versions");
			json_array_append_new(list, cur);
		}
		json_array_append_new(json_object_get(cur, "versions"),
		                      json_pack("{s:s, s:s, s:s, s:s?}", "version", label,
		                                "classification", "", "published_at",
		                                db_col_text(st, 6), "change", db_col_text(st, 5)));
		json_object_set_new(
		    json_array_get(json_object_get(cur, "versions"),
		                   json_array_size(json_object_get(cur, "versions")) - 1),
		    "classification",
		    json_sprintf("%s/%s", db_col_text(st, 3), db_col_text(st, 4)));
		json_object_set_new(cur, "version", json_string(label));
		json_object_set_new(cur, "title", json_string(db_col_text(st, 2)));
		json_object_set_new(cur, "likelihood", json_string(db_col_text(st, 3)));
		json_object_set_new(cur, "impact", json_string(db_col_text(st, 4)));
		json_object_set_new(cur, "classification",
		                    json_sprintf("%s/%s", db_col_text(st, 3), db_col_text(st, 4)));
		json_object_set_new(cur, "tlp", json_string("CLEAR"));
		json_object_set_new(cur, "initial_release", json_string(db_col_text(st, 7)));
		json_object_set_new(cur, "published_at", json_string(db_col_text(st, 6)));
		json_object_set_new(cur, "url", json_sprintf("%s/advisories/%s", site, id));
		if (db_col_int(st, 8) == num) {
			char file[96];
			csaf_filename(id, file, sizeof(file));
			json_object_set_new(cur, "csaf",
			                    json_sprintf("%s/.well-known/csaf/white/%.4s/%s", site,
			                                 db_col_text(st, 7), file));
		} else
			json_object_del(cur, "csaf");
	}
	db_done(st);
	if (rc < 0)
		goto out;
	/* the CVEs and products of the version each shows */
	{
		size_t i;
		json_t *a;
		json_array_foreach(list, i, a)
		{
			struct advisory_version v;
			json_t *cves = json_array(), *prods = json_array();
			if ((rc = advisory_load(db, json_string_value(json_object_get(a, "id")),
			                        json_string_value(json_object_get(a, "version")), 0,
			                        &v, e)) != 0) {
				json_decref(cves);
				json_decref(prods);
				goto out;
			}
			for (size_t j = 0; j < v.ncves; j++)
				json_array_append_new(cves, json_string(v.cves[j]));
			for (size_t j = 0; j < v.naffects; j++)
				json_array_append_new(
				    prods, json_pack("{s:s, s:s}", "product", v.affects[j].product,
				                     "range", v.affects[j].range));
			json_object_set_new(a, "cves", cves);
			json_object_set_new(a, "products", prods);
			advisory_version_free(&v);
		}
	}
	rc = 0;
	*out = list;
	list = NULL;
out:
	json_decref(list);
	free(site);
	return rc;
}
