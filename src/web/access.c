/* access.c: what the asker may see of advisories. */
#include "web/access.h"

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "model/advisory.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Loads num into v when readable: 1 readable, 0 not (v empty), < 0 an error. */
static int load_num(struct req *r, const char *id, int num, struct advisory_version *v)
{
	char label[16];
	int ok = 0, rc;

	advisory_version_label(num, label, sizeof(label));
	if ((rc = advisory_load(r->db, id, label, 0, v, &r->err)) != 0)
		return rc;
	if ((rc = user_may_read(r->db, &r->user, v, &ok, &r->err)) != 0 || !ok)
		advisory_version_free(v);
	return rc ? rc : ok;
}

int access_load(struct req *r, const char *id, const char *label, struct advisory_version *v)
{
	int ok = 0, rc, num;

	memset(v, 0, sizeof(*v));
	if (label) {
		if (advisory_version_parse(label, &num, &r->err) != 0)
			return err_set(&r->err, ERR_NOTFOUND, "no such version");
		rc = load_num(r, id, num, v);
		return rc < 0 ? rc : rc == 1 ? 0 : err_set(&r->err, ERR_NOTFOUND, "not found");
	}
	if ((rc = advisory_load(r->db, id, NULL, 0, v, &r->err)) != 0)
		return rc;
	if ((rc = user_may_read(r->db, &r->user, v, &ok, &r->err)) != 0 || ok)
		return rc;
	/* the latest is not for this asker: the newest earlier one that is */
	num = v->num;
	advisory_version_free(v);
	while (--num >= 0) {
		rc = load_num(r, id, num, v);
		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
	return err_set(&r->err, ERR_NOTFOUND, "not found");
}

static int contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return n == 0;
}

static int matches(const struct advisory_version *v, const struct access_filter *f)
{
	if (f->year && *f->year) {
		const char *dash = strchr(v->id, '-');
		if (dash == NULL || strncmp(dash + 1, f->year, 4) != 0 || strlen(f->year) != 4)
			return 0;
	}
	if (f->cve && *f->cve) {
		size_t i;
		for (i = 0; i < v->ncves; i++)
			if (strcasecmp(v->cves[i], f->cve) == 0)
				break;
		if (i == v->ncves)
			return 0;
	}
	if (f->product && *f->product) {
		size_t i;
		for (i = 0; i < v->naffects; i++)
			if (contains_ci(v->affects[i].product, f->product))
				break;
		if (i == v->naffects)
			return 0;
	}
	return 1;
}

int access_list(struct req *r, const struct access_filter *f, json_t **out)
{
	json_t *all = NULL, *row;
	size_t i;
	int rc, skipped = 0;

	*out = NULL;
	if ((rc = advisory_list(r->db, &all, &r->err)) != 0)
		return rc;
	*out = json_array();
	json_array_foreach(all, i, row)
	{
		const char *id = json_string_value(json_object_get(row, "id"));
		struct advisory_version v;
		char label[16], date[11], when[32];

		if (f->limit > 0 && json_array_size(*out) >= (size_t)f->limit)
			break;
		/* the year is in the ID: skip without loading */
		if (f->year && *f->year) {
			const char *dash = strchr(id, '-');
			if (dash == NULL || strncmp(dash + 1, f->year, 4) != 0)
				continue;
		}
		rc = access_load(r, id, NULL, &v);
		if (rc == ERR_NOTFOUND)
			continue;
		if (rc != 0)
			break;
		if (!matches(&v, f) || skipped++ < f->offset) {
			advisory_version_free(&v);
			continue;
		}
		advisory_version_label(v.num, label, sizeof(label));
		time_format(v.published ? v.published_at : v.created_at, when, sizeof(when));
		snprintf(date, sizeof(date), "%.10s", when);
		json_array_append_new(
		    *out, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", id,
		                    "version", label, "state", v.published ? "published" : "draft",
		                    "tlp", v.tlp, "likelihood", v.likelihood, "impact", v.impact,
		                    "classification", "", "title", v.title, "date", date,
		                    "published_at", v.published ? when : ""));
		json_object_set_new(json_array_get(*out, json_array_size(*out) - 1),
		                    "classification",
		                    json_sprintf("%s/%s", v.likelihood, v.impact));
		advisory_version_free(&v);
	}
	json_decref(all);
	if (rc != 0 && rc != ERR_NOTFOUND) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

int access_history(struct req *r, const char *id, json_t **out)
{
	struct advisory_version latest;
	json_t *j = NULL, *h;
	size_t i;
	int staff = user_is_staff(&r->user), rc;

	*out = NULL;
	if ((rc = advisory_load(r->db, id, NULL, 1, &latest, &r->err)) != 0)
		return rc;
	rc = advisory_to_json(r->db, &latest, &j, &r->err);
	advisory_version_free(&latest);
	if (rc != 0)
		return rc;
	*out = json_array();
	json_array_foreach(json_object_get(j, "history"), i, h)
	{
		struct advisory_version v;
		const char *label = json_string_value(json_object_get(h, "version"));
		int num = 0, ok;

		advisory_version_parse(label, &num, NULL);
		ok = load_num(r, id, num, &v);
		if (ok < 0) {
			rc = ok;
			break;
		}
		if (ok == 0 && !staff)
			continue;
		json_object_set_new(h, "tlp", json_string(v.tlp));
		json_object_set_new(h, "state", json_string(v.published ? "published" : "draft"));
		json_array_append(*out, h);
		advisory_version_free(&v);
	}
	json_decref(j);
	if (rc != 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	if (json_array_size(*out) == 0) {
		json_decref(*out);
		*out = NULL;
		return err_set(&r->err, ERR_NOTFOUND, "not found");
	}
	return 0;
}

int access_advisory_json(struct req *r, const struct advisory_version *v, json_t **out)
{
	json_t *hist = NULL;
	int rc;

	if ((rc = advisory_to_json(r->db, v, out, &r->err)) != 0)
		return rc;
	if ((rc = access_history(r, v->id, &hist)) != 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	json_object_set_new(*out, "versions", hist);
	if (!user_is_staff(&r->user)) {
		json_t *cut = json_array(), *h;
		size_t i;
		/* the history up to this version, readable versions only */
		json_array_foreach(json_object_get(*out, "versions"), i, h)
		{
			int num = 0;
			advisory_version_parse(json_string_value(json_object_get(h, "version")),
			                       &num, NULL);
			if (num <= v->num)
				json_array_append(cut, h);
		}
		json_object_set_new(*out, "history", cut);
		json_object_del(*out, "to");
	}
	return 0;
}
