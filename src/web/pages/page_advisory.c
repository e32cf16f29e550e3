/* page_advisory.c: the public advisory pages: the list with its filters, one advisory with
 * its version history (HTML, plain text identical to `baken advisory show --format plain`,
 * JSON), the old-style /advisory?id=..., and the Atom feed of public versions. What the
 * asker may not read answers 404 on every path. */
#include "web/pages/pages.h"

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "deliver/pgp.h"
#include "formats/plain.h"
#include "model/advisory.h"
#include "model/config.h"
#include "model/csaf_export.h"
#include "web/access.h"
#include "web/html.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_ROWS 100 /* advisories on one page of the list */

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

int page_advisory_list(struct req *r)
{
	struct access_filter f = {req_query(r, "product"), req_query(r, "cve"),
	                          req_query(r, "year"), PAGE_ROWS + 1, 0};
	const char *pg = req_query(r, "page");
	json_t *rows = NULL, *row;
	size_t i;
	long page = 1;
	int rc, more;

	if (pg) {
		char *end;
		page = strtol(pg, &end, 10);
		if (*pg == '\0' || *end || page < 1 || page > 100000)
			return err_set(&r->err, ERR_INPUT, "page %s: expected a number from 1", pg);
	}
	f.offset = (int)(page - 1) * PAGE_ROWS;
	if ((rc = access_list(r, &f, &rows)) != 0)
		return rc;
	more = json_array_size(rows) > PAGE_ROWS;
	if (more)
		json_array_remove(rows, PAGE_ROWS);
	page_begin(r, "Advisories");
	html_printf(
	    &r->out,
	    "<h1>Beveiligingsadviezen</h1>\n"
	    "<form class=\"filter\" method=\"get\" action=\"/advisories\">\n"
	    "<p><label for=\"product\">Product</label><input id=\"product\" name=\"product\""
	    " value=\"%s\" placeholder=\"citrix:adc\"></p>\n"
	    "<p><label for=\"cve\">CVE</label><input id=\"cve\" name=\"cve\" value=\"%s\""
	    " placeholder=\"CVE-2019-19781\"></p>\n"
	    "<p><label for=\"year\">Year</label><input id=\"year\" name=\"year\""
	    " value=\"%s\" size=\"4\" inputmode=\"numeric\"></p>\n"
	    "<p><button type=\"submit\">Filter</button></p>\n</form>\n",
	    f.product ? f.product : "", f.cve ? f.cve : "", f.year ? f.year : "");
	if (json_array_size(rows) == 0) {
		html_printf(&r->out, "<p class=\"muted\">No advisories.</p>\n");
	} else {
		html_printf(&r->out,
		            "<table class=\"advisories\">\n<tr><th>ID</th><th>Versie</th>"
		            "<th>Kans</th><th>Schade</th><th>Titel</th><th>Datum</th>"
		            "%s</tr>\n",
		            r->user.id ? "<th>TLP</th>" : "");
		json_array_foreach(rows, i, row)
		{
			html_printf(&r->out,
			            "<tr><td><a href=\"/advisories/%s\">%s</a></td><td>%s%s</td>"
			            "<td class=\"level-%s\">%s</td><td class=\"level-%s\">%s</td>"
			            "<td>%s</td><td>%s</td>",
			            jstr(row, "id"), jstr(row, "id"), jstr(row, "version"),
			            strcmp(jstr(row, "state"), "draft") == 0 ? " (draft)" : "",
			            jstr(row, "likelihood"), jstr(row, "likelihood"),
			            jstr(row, "impact"), jstr(row, "impact"), jstr(row, "title"),
			            jstr(row, "date"));
			if (r->user.id)
				html_printf(&r->out,
				            "<td><span class=\"tlp tlp-%s\">TLP:%s</span></td>",
				            jstr(row, "tlp"), jstr(row, "tlp"));
			html_printf(&r->out, "</tr>\n");
		}
		html_printf(&r->out, "</table>\n");
	}
	if (page > 1 || more) {
		struct buf q;
		buf_init(&q, 4096);
		/* the filters go along to the other pages */
		buf_adds(&q, "product=");
		url_encode(&q, f.product ? f.product : "");
		buf_adds(&q, "&cve=");
		url_encode(&q, f.cve ? f.cve : "");
		buf_adds(&q, "&year=");
		url_encode(&q, f.year ? f.year : "");
		html_printf(&r->out, "<p class=\"pages\">");
		if (page > 1)
			html_printf(&r->out, "<a href=\"/advisories?%s&amp;page=%ld\">Newer</a> ",
			            buf_str(&q), page - 1);
		if (more)
			html_printf(&r->out, "<a href=\"/advisories?%s&amp;page=%ld\">Older</a>",
			            buf_str(&q), page + 1);
		html_printf(&r->out, "</p>\n");
		buf_free(&q);
	}
	json_decref(rows);
	r->cache_public = 1;
	page_end(r, 200);
	return 0;
}

/* The plain text, clear-signed where a key is configured: byte for byte what
 * `baken advisory show ID --format plain` prints. */
static int advisory_plain(struct req *r, const struct advisory_version *v, const char *lang)
{
	char *key = config_get(r->db, "signing.key", NULL);
	struct buf text;
	int rc = 0;

	if (key && !r->on_worker) {
		free(key);
		return HTTP_DEFER; /* gpgme: not on an event thread */
	}
	buf_init(&text, BUF_MAX_DEFAULT);
	plain_render(v, lang, &text);
	if (key) {
		rc = pgp_clearsign(key, buf_str(&text), &r->out, &r->err);
		free(key);
	} else {
		buf_add(&r->out, buf_str(&text), text.len);
	}
	buf_free(&text);
	if (rc != 0)
		return rc;
	r->cache_public = 1;
	resp_set(r, 200, "text/plain; charset=utf-8");
	return 0;
}

/* What a reader may pass on, per TLP 2.0 (partners pass advisories on to their own
 * constituency under these rules). */
static const char *tlp_notice(const char *tlp)
{
	if (strcmp(tlp, "GREEN") == 0)
		return "Mag gedeeld worden binnen uw gemeenschap, niet openbaar. (Community only, "
		       "not"
		       " public.)";
	if (strcmp(tlp, "AMBER") == 0)
		return "Alleen voor uw organisatie en haar klanten, voor wie het moet weten. (Your"
		       " organisation and its clients, need to know.)";
	if (strcmp(tlp, "AMBER+STRICT") == 0)
		return "Alleen binnen uw eigen organisatie. (Your organisation only.)";
	if (strcmp(tlp, "RED") == 0)
		return "Alleen voor de genoemde ontvangers persoonlijk. (Named recipients only.)";
	return "";
}

/* "2019-12-18T10:00:00Z" as "2019-12-18 10:00" into out. */
static const char *short_time(const char *iso, char *out, size_t n)
{
	snprintf(out, n, "%.10s %.5s", iso, strlen(iso) > 11 ? iso + 11 : "");
	return out;
}

/* A range in words, in the page's Dutch: ">=13.0|<13.0.47.24|>=12.1|<12.1.55.18" as "13.0
 * tot 13.0.47.24, 12.1 tot 12.1.55.18" (the upper bound itself is not affected: "tot", not
 * "tot en met"); pieces it does not pair are kept as they are. */
static const char *range_words(const char *range, char *out, size_t n)
{
	char *copy = xstrdup(range), *p, *next;
	const char *lo = NULL;
	size_t len = 0;

	out[0] = '\0';
	for (p = copy; p && len < n; p = next) {
		next = strchr(p, '|');
		if (next)
			*next++ = '\0';
		if (strncmp(p, ">=", 2) == 0 && lo == NULL) {
			lo = p + 2;
			continue;
		}
		if (lo && p[0] == '<' && p[1] != '=')
			len += (size_t)snprintf(out + len, n - len, "%s%s tot %s", len ? ", " : "",
			                        lo, p + 1);
		else
			len += (size_t)snprintf(out + len, n - len, "%s%s%s%s", len ? ", " : "",
			                        lo ? ">=" : "", lo ? lo : "", p);
		lo = NULL;
	}
	if (lo && len < n)
		snprintf(out + len, n - len, "%s%s en later", len ? ", " : "", lo);
	free(copy);
	return out;
}

static void meta_row(struct req *r, const char *label, const char *value)
{
	if (value && *value)
		html_printf(&r->out, "<dt>%s</dt><dd>%s</dd>\n", label, value);
}

static void section(struct req *r, const char *title, const char *text)
{
	if (text == NULL || *text == '\0')
		return;
	html_printf(&r->out, "<h2>%s</h2>\n", title);
	html_paragraphs(&r->out, text);
}

/* For analysts: change the advisory into its next version, publish its draft. */
static void staff_box(struct req *r, const char *id)
{
	struct advisory_version d;

	html_printf(&r->out,
	            "<h2>Analyst</h2>\n<p><a href=\"/staff/advisories/%s/edit\">Change"
	            " (next version)</a> &middot; <a href=\"/staff/advisories/%s/preview\">"
	            "Preview</a> &middot; <a href=\"/staff/advisories/%s/recipients\">Who will be"
	            " alerted</a> &middot; <a href=\"/staff/advisories/%s/alerts\">Alert"
	            " status</a></p>\n",
	            id, id, id, id);
	if (advisory_load(r->db, id, NULL, 1, &d, NULL) != 0)
		return;
	if (!d.published) {
		char label[16];
		advisory_version_label(d.num, label, sizeof(label));
		html_printf(&r->out,
		            "<form method=\"post\" action=\"/staff/advisories/%s/publish\">"
		            "<p>Draft <a href=\"/advisories/%s?version=%s\">%s</a>: ",
		            id, id, label, label);
		page_csrf_input(r);
		html_printf(&r->out,
		            "<label class=\"inline\"><input type=\"checkbox\""
		            " name=\"silent\" value=\"1\"> without alerts</label> "
		            "<button type=\"submit\">Publish %s</button></p></form>\n",
		            label);
	}
	advisory_version_free(&d);
}

static int advisory_html(struct req *r, const struct advisory_version *v)
{
	json_t *j = NULL, *hist = NULL, *h, *x;
	char label[16], pub[32] = "", when[32], words[2048];
	size_t i;
	int rc;

	if ((rc = advisory_to_json(r->db, v, &j, &r->err)) != 0)
		return rc;
	if ((rc = access_history(r, v->id, &hist)) != 0) {
		json_decref(j);
		return rc;
	}
	advisory_version_label(v->num, label, sizeof(label));
	if (v->published)
		time_format(v->published_at, pub, sizeof(pub));
	page_begin(r, v->title);
	html_printf(&r->out, "<p class=\"muted\">%s versie %s%s</p>\n<h1>%s</h1>\n", v->id, label,
	            v->published ? "" : " (draft, not published)", v->title);
	if (strcmp(v->tlp, "CLEAR") != 0)
		html_printf(
		    &r->out,
		    "<p class=\"tlp-notice\"><span class=\"tlp tlp-%s\">TLP:%s</span> %s</p>\n",
		    v->tlp, v->tlp, tlp_notice(v->tlp));
	html_printf(&r->out, "<dl class=\"meta\">\n");
	html_printf(&r->out, "<dt>TLP</dt><dd><span class=\"tlp tlp-%s\">TLP:%s</span></dd>\n",
	            v->tlp, v->tlp);
	html_printf(&r->out,
	            "<dt>Kans</dt><dd class=\"level-%s\">%s</dd>\n<dt>Schade</dt><dd"
	            " class=\"level-%s\">%s",
	            v->likelihood, v->likelihood, v->impact, v->impact);
	json_array_foreach(json_object_get(j, "consequences"), i, x)
	{
		html_printf(&r->out, "<br><span class=\"muted\">%s</span>", json_string_value(x));
	}
	html_printf(&r->out, "</dd>\n<dt>CVE</dt><dd>");
	for (size_t k = 0; k < v->ncves; k++)
		html_printf(&r->out, "%s<a href=\"/advisories?cve=%s\">%s</a>", k ? ", " : "",
		            v->cves[k], v->cves[k]);
	html_printf(&r->out, "</dd>\n<dt>Producten</dt><dd>");
	for (size_t k = 0; k < v->naffects; k++)
		html_printf(&r->out, "%s <span class=\"muted\">%s</span><br>\n",
		            v->affects[k].product,
		            range_words(v->affects[k].range, words, sizeof(words)));
	html_printf(&r->out, "</dd>\n");
	if (v->nfixed) {
		html_printf(&r->out, "<dt>Opgelost in</dt><dd>");
		for (size_t k = 0; k < v->nfixed; k++)
			html_printf(&r->out, "%s %s<br>\n", v->fixed[k].product,
			            v->fixed[k].version);
		html_printf(&r->out, "</dd>\n");
	}
	meta_row(r, "Platform(s)", v->platform);
	meta_row(r, "Uitgiftedatum", pub[0] ? short_time(pub, when, sizeof(when)) : NULL);
	html_printf(&r->out,
	            "</dl>\n<p>Formats: <a href=\"/advisories/%s?version=%s&amp;format="
	            "plain\">plain text</a> &middot; <a href=\"/advisories/%s?version=%s"
	            "&amp;format=json\">JSON</a></p>\n",
	            v->id, label, v->id, label);
	if (v->num > 0)
		section(r, "Update", v->changelog);
	section(r, "Samenvatting", v->summary);
	section(r, "Beschrijving", v->description);
	section(r, "Mogelijke oplossingen", v->solution);
	if (v->nrefs) {
		html_printf(&r->out, "<h2>Referenties</h2>\n<ul>\n");
		for (size_t k = 0; k < v->nrefs; k++) {
			html_printf(&r->out, "<li>");
			html_link(&r->out, v->refs[k], NULL);
			html_printf(&r->out, "</li>\n");
		}
		html_printf(&r->out, "</ul>\n");
	}
	if (user_has_role(&r->user, "analyst"))
		staff_box(r, v->id);
	html_printf(&r->out, "<h2>Versies</h2>\n<table class=\"versions\">\n<tr><th>Versie</th>"
	                     "<th>Kans/Schade</th><th>Datum</th><th>Wijziging</th></tr>\n");
	json_array_foreach(hist, i, h)
	{
		const char *hv = jstr(h, "version");
		html_printf(
		    &r->out,
		    "<tr><td><a href=\"/advisories/%s?version=%s\">%s</a>%s</td><td>%s/%s</td>"
		    "<td>%s</td><td>%s</td></tr>\n",
		    v->id, hv, hv, strcmp(hv, label) == 0 ? " (deze)" : "", jstr(h, "likelihood"),
		    jstr(h, "impact"), short_time(jstr(h, "published_at"), when, sizeof(when)),
		    json_string_value(json_object_get(h, "change"))
		        ? jstr(h, "change")
		        : (strcmp(hv, "1.00") == 0 ? "Eerste versie" : ""));
	}
	html_printf(&r->out, "</table>\n");
	json_decref(j);
	json_decref(hist);
	r->cache_public = 1;
	page_end(r, 200);
	return 0;
}

/* One advisory in the format asked for. */
static int advisory_show(struct req *r, const char *id)
{
	const char *version = req_query(r, "version"), *format = req_query(r, "format"),
	           *lang = req_query(r, "lang");
	struct advisory_version v;
	json_t *j = NULL;
	int rc;

	if (id == NULL || *id == '\0')
		return err_set(&r->err, ERR_NOTFOUND, "no id");
	if (version && *version == '\0')
		version = NULL;
	if (format == NULL || *format == '\0')
		format = "html";
	if (lang && strcmp(lang, "nl") != 0 && strcmp(lang, "en") != 0)
		lang = NULL;
	/* who may see it first: the same 404 for every format of what is not theirs */
	if ((rc = access_load(r, id, version, &v)) != 0)
		return rc;
	if (strcmp(format, "plain") == 0 || strcmp(format, "text") == 0) {
		rc = advisory_plain(r, &v, lang ? lang : "nl");
	} else if (strcmp(format, "json") == 0) {
		rc = access_advisory_json(r, &v, &j);
		if (rc == 0) {
			resp_json(r, 200, j);
			r->cache_public = 1;
		}
	} else if (strcmp(format, "html") == 0) {
		rc = advisory_html(r, &v);
	} else if (strcmp(format, "csaf") == 0) {
		/* access_load above has already answered 404 for what the asker may not read */
		json_t *doc = NULL;
		rc = csaf_export_version(r->db, &v, &doc, &r->err);
		if (rc == 0)
			rc = csaf_export_text(doc, &r->out);
		json_decref(doc);
		if (rc == 0)
			resp_set(r, 200, "application/json");
	} else {
		rc = err_set(&r->err, ERR_INPUT, "format %s: expected html, plain or json", format);
	}
	advisory_version_free(&v);
	return rc;
}

/* The CSAF provider tree under /.well-known/csaf/: public (TLP:CLEAR) files only. */
int page_csaf(struct req *r)
{
	char path[512] = "";
	const char *type = NULL;
	size_t n = 0;

	for (int i = 0; i < r->nparams; i++) {
		int w = snprintf(path + n, sizeof(path) - n, "%s%s", i ? "/" : "", r->params[i]);
		if (w < 0 || (size_t)w >= sizeof(path) - n)
			return err_set(&r->err, ERR_NOTFOUND, "no such file");
		n += (size_t)w;
	}
	if (csaf_provider_file(r->db, path, &r->out, &type, &r->err) != 0)
		return err_set(&r->err, ERR_NOTFOUND, "no such file");
	r->cache_public = 1;
	resp_set(r, 200, type);
	return 0;
}

int page_advisory(struct req *r)
{
	return advisory_show(r, r->params[0]);
}

int page_advisory_old(struct req *r)
{
	return advisory_show(r, req_query(r, "id"));
}

/* ---- the Atom feed: one entry per public version ---- */

static int by_published_desc(const void *a, const void *b)
{
	return strcmp(jstr(*(json_t *const *)b, "published_at"),
	              jstr(*(json_t *const *)a, "published_at"));
}

/* Sorts the entries newest first, in place. */
static void sort_newest_first(json_t *entries)
{
	size_t n = json_array_size(entries);
	json_t **v = n ? calloc(n, sizeof(*v)) : NULL;

	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(entries, i));
	qsort(v, n, sizeof(*v), by_published_desc);
	json_array_clear(entries);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(entries, v[i]);
	free(v);
}

int page_feed(struct req *r)
{
	struct access_filter f = {.limit = 100};
	struct user asker = r->user;
	json_t *rows = NULL, *row, *entries = json_array(), *e;
	char *url, *site;
	const char *updated = "1970-01-01T00:00:00Z";
	size_t i;
	int rc;

	/* the feed is the public's, whoever fetches it */
	memset(&r->user, 0, sizeof(r->user));
	rc = access_list(r, &f, &rows);
	json_array_foreach(rows, i, row)
	{
		json_t *hist = NULL, *h;
		size_t k;
		if (rc != 0 || json_array_size(entries) >= 200)
			break;
		if ((rc = access_history(r, jstr(row, "id"), &hist)) != 0)
			break;
		json_array_foreach(hist, k, h)
		{
			if (strcmp(jstr(h, "tlp"), "CLEAR") != 0 ||
			    strcmp(jstr(h, "state"), "published") != 0)
				continue;
			json_object_set_new(h, "id", json_string(jstr(row, "id")));
			json_object_set_new(h, "title", json_string(jstr(row, "title")));
			json_array_append(entries, h);
		}
		json_decref(hist);
	}
	r->user = asker;
	json_decref(rows);
	if (rc != 0) {
		json_decref(entries);
		return rc;
	}
	url = req_site_url(r);
	site = req_site_name(r);
	json_array_foreach(entries, i, e)
	{
		if (strcmp(jstr(e, "published_at"), updated) > 0)
			updated = jstr(e, "published_at");
	}
	html_printf(&r->out,
	            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	            "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>%s"
	            " beveiligingsadviezen</title>\n<id>%s/feed.atom</id>\n"
	            "<link rel=\"self\" href=\"%s/feed.atom\"/>\n<link href=\"%s/advisories\"/>\n"
	            "<updated>%s</updated>\n<author><name>%s</name></author>\n",
	            site, url, url, url, updated, site);
	sort_newest_first(entries);
	json_array_foreach(entries, i, e)
	{
		char l[2] = {(char)toupper((unsigned char)jstr(e, "likelihood")[0]), 0};
		char m[2] = {(char)toupper((unsigned char)jstr(e, "impact")[0]), 0};
		html_printf(&r->out,
		            "<entry>\n<id>%s/advisories/%s?version=%s</id>\n"
		            "<title>%s [v%s] [%s/%s] %s</title>\n"
		            "<link href=\"%s/advisories/%s?version=%s\"/>\n"
		            "<updated>%s</updated>\n<summary>%s</summary>\n</entry>\n",
		            url, jstr(e, "id"), jstr(e, "version"), jstr(e, "id"),
		            jstr(e, "version"), l, m, jstr(e, "title"), url, jstr(e, "id"),
		            jstr(e, "version"), jstr(e, "published_at"),
		            json_string_value(json_object_get(e, "change")) ? jstr(e, "change")
		                                                            : "Eerste versie");
	}
	html_printf(&r->out, "</feed>\n");
	json_decref(entries);
	free(url);
	free(site);
	r->cache_public = 1;
	resp_set(r, 200, "application/atom+xml; charset=utf-8");
	return 0;
}
