/* report.c: the evaluation report of an incident, rebuilt from the event log. */
#include "model/report.h"

#include "core/buf.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "model/advisory.h"
#include "model/deadline.h"
#include "model/scan.h"
#include "formats/report_md.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DAY        86400LL
#define CHART_DAYS 120
#define TEXT_CLIP  400

/* ---- state while reading the events ---- */

struct rep {
	struct db *db;
	const struct report_opts *o;
	const char *lang;
	int nl;
	json_t *advs;      /* id -> {title, last: "medium/high", rationale, versions: [..]} */
	json_t *cves;      /* cve -> true */
	json_t *timeline;  /* entries {at, seq, kind, text, ...} */
	json_t *requests;  /* "N" -> request */
	json_t *answers;   /* "adv\torg" -> current answer {answer, status, remedied} */
	json_t *reviews;   /* "answer" -> latest decision */
	json_t *clocks;    /* "adv\torg" -> clock */
	json_t *published; /* "adv\tnum" -> published_at (integer) */
	json_t *exposure;  /* day -> systems */
	json_t *patches;   /* branch -> {announcements, released} */
	json_t *incident;  /* title, level, public */
	json_t *decisions; /* decision entries */
	long long nevents;
};

static void tfmt(int64_t t, char out[32])
{
	time_format(t, out, 32);
}

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static const char *T(struct rep *r, const char *en, const char *nl)
{
	return r->nl ? nl : en;
}

/* Adds a timeline entry; text is formatted, clipped to a readable length. */
static json_t *tl_add(struct rep *r, const char *at, long long seq, const char *kind,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static json_t *tl_add(struct rep *r, const char *at, long long seq, const char *kind,
                      const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	json_t *x;

	buf_init(&b, 64 * 1024);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	x = json_pack("{s:s, s:I, s:s, s:s}", "at", at, "seq", (json_int_t)seq, "kind", kind,
	              "text", buf_str(&b));
	json_array_append_new(r->timeline, x);
	buf_free(&b);
	return x;
}

static const char *short_text(const char *s, char *out, size_t outsz)
{
	size_t n = strlen(s);

	if (n < TEXT_CLIP && n < outsz)
		return s;
	n = outsz - 4 < TEXT_CLIP ? outsz - 4 : TEXT_CLIP;
	/* cut at a character boundary */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	snprintf(out, outsz, "%.*s...", (int)n, s);
	return out;
}

/* ---- the incident's own events ---- */

static void patch_event(struct rep *r, json_t *d, const char *at, long long seq)
{
	char key[600], when[32];
	const char *product = jstr(d, "product"), *range = jstr(d, "range");
	json_t *b, *an;
	int64_t t = 0;

	snprintf(key, sizeof(key), "%s:%s", product, range);
	if ((b = json_object_get(r->patches, key)) == NULL) {
		b = json_pack("{s:s, s:s, s:s, s:[], s:n}", "branch", key, "product", product,
		              "range", range, "announcements", "released");
		json_object_set_new(r->patches, key, b);
	}
	an = json_object_get(b, "announcements");
	if (json_is_string(json_object_get(d, "announced"))) {
		const char *date = jstr(d, "announced");
		size_t n = json_array_size(an);
		time_parse(date, &t, NULL);
		tfmt(t, when);
		if (n == 0)
			tl_add(r, at, seq, "patch",
			       T(r, "Vendor announces the patch for %s for %s",
			         "Leverancier kondigt de patch voor %s aan voor %s"),
			       key, when);
		else
			tl_add(r, at, seq, "patch",
			       T(r, "Vendor moves the patch for %s from %s to %s",
			         "Leverancier verzet de patch voor %s van %s naar %s"),
			       key, jstr(json_array_get(an, n - 1), "date"), when);
		json_array_append_new(an, json_pack("{s:s, s:s}", "date", when, "at", at));
	} else {
		json_object_set_new(
		    b, "released",
		    json_pack("{s:s, s:s}", "version", jstr(d, "released"), "at", at));
		tl_add(r, at, seq, "patch-released",
		       T(r, "Patch for %s released: %s", "Patch voor %s uitgebracht: %s"), key,
		       jstr(d, "released"));
	}
}

static const char *channel_name(struct rep *r, const char *c)
{
	if (strcmp(c, "press") == 0)
		return T(r, "Press release", "Persbericht");
	if (strcmp(c, "website") == 0)
		return T(r, "Website news", "Nieuwsbericht op de website");
	if (strcmp(c, "faq") == 0)
		return T(r, "FAQ entry", "FAQ");
	if (strcmp(c, "social") == 0)
		return T(r, "Social media", "Sociale media");
	return T(r, "Communication", "Communicatie");
}

static void names_join(json_t *a, struct buf *b)
{
	size_t i;
	json_t *x;

	json_array_foreach(a, i, x)
	{
		buf_printf(b, "%s%s", i ? ", " : "",
		           json_string_value(x) ? json_string_value(x) : "");
	}
}

static void incident_event(struct rep *r, const char *action, json_t *d, const char *at,
                           long long seq)
{
	char clip[TEXT_CLIP + 8];

	if (strcmp(action, "incident.new") == 0) {
		json_object_set(r->incident, "title", json_object_get(d, "title"));
		json_object_set(r->incident, "public", json_object_get(d, "public"));
		json_object_set_new(r->incident, "opened_at", json_string(at));
		tl_add(r, at, seq, "incident", T(r, "Incident opened: %s", "Incident geopend: %s"),
		       jstr(d, "title"));
	} else if (strcmp(action, "incident.update") == 0) {
		if (json_object_get(d, "title"))
			json_object_set(r->incident, "title", json_object_get(d, "title"));
		if (json_object_get(d, "public"))
			json_object_set(r->incident, "public", json_object_get(d, "public"));
	} else if (strcmp(action, "incident.scale") == 0) {
		json_int_t from = json_integer_value(json_object_get(d, "from"));
		json_int_t to = json_integer_value(json_object_get(d, "level"));
		json_t *x;
		json_object_set_new(r->incident, "level", json_integer(to));
		x = tl_add(r, at, seq, "scale",
		           to > from ? T(r, "Scaled up from level %lld to %lld by %s%s%s",
		                         "Opgeschaald van niveau %lld naar %lld door %s%s%s")
		                     : T(r, "Scaled down from level %lld to %lld by %s%s%s",
		                         "Afgeschaald van niveau %lld naar %lld door %s%s%s"),
		           (long long)from, (long long)to, jstr(d, "by"),
		           json_is_string(json_object_get(d, "reason")) ? ": " : "",
		           short_text(jstr(d, "reason"), clip, sizeof(clip)));
		json_object_set_new(x, "level", json_integer(to));
	} else if (strcmp(action, "incident.log") == 0) {
		const char *kind = jstr(d, "kind");
		struct buf b;
		json_t *x;

		buf_init(&b, 64 * 1024);
		if (strcmp(kind, "decision") == 0) {
			buf_printf(&b, "%s: %s", T(r, "Decision", "Besluit"), jstr(d, "text"));
			if (json_array_size(json_object_get(d, "approved_by"))) {
				buf_printf(&b, " (%s: ", report_label(r->lang, "approved_by"));
				names_join(json_object_get(d, "approved_by"), &b);
				buf_adds(&b, ")");
			}
		} else if (strcmp(kind, "meeting") == 0) {
			buf_printf(&b, "%s: %s", T(r, "Meeting", "Overleg"), jstr(d, "text"));
			if (json_array_size(json_object_get(d, "participants"))) {
				buf_adds(&b, " (");
				names_join(json_object_get(d, "participants"), &b);
				buf_adds(&b, ")");
			}
		} else if (strcmp(kind, "communication") == 0) {
			buf_printf(&b, "%s: %s", channel_name(r, jstr(d, "channel")),
			           json_is_string(json_object_get(d, "title"))
			               ? jstr(d, "title")
			               : short_text(jstr(d, "text"), clip, sizeof(clip)));
		} else {
			buf_printf(&b, "%s: %s", T(r, "Note", "Notitie"),
			           short_text(jstr(d, "text"), clip, sizeof(clip)));
		}
		x = tl_add(r, at, seq, kind, "%s", buf_str(&b));
		buf_free(&b);
		if (strcmp(kind, "decision") == 0) {
			json_t *dec = json_pack("{s:s, s:s}", "at", at, "text", jstr(d, "text"));
			json_object_set(dec, "approved_by",
			                json_object_get(d, "approved_by")
			                    ? json_object_get(d, "approved_by")
			                    : json_array());
			if (json_object_get(dec, "approved_by") == NULL)
				json_object_set_new(dec, "approved_by", json_array());
			json_array_append_new(r->decisions, dec);
		}
		if (json_object_get(d, "channel"))
			json_object_set(x, "channel", json_object_get(d, "channel"));
	} else if (strcmp(action, "incident.patch") == 0) {
		patch_event(r, d, at, seq);
	} else if (strcmp(action, "incident.advisory") == 0) {
		json_t *v;
		size_t i;
		const char *adv = jstr(d, "advisory");

		if (json_object_get(r->advs, adv) == NULL)
			json_object_set_new(r->advs, adv,
			                    json_pack("{s:s, s:n, s:n, s:n, s:[]}", "id", adv,
			                              "title", "last", "rationale", "versions"));
		json_array_foreach(json_object_get(d, "vulns"), i, v)
		{
			const char *cve = jstr(v, "cve");
			if (json_object_get(r->cves, cve))
				continue;
			json_object_set_new(r->cves, cve, json_true());
			if (json_is_string(json_object_get(v, "reported_to_vendor")))
				tl_add(r, jstr(v, "reported_to_vendor"), 0, "vendor",
				       T(r, "%s reported to the vendor",
				         "%s gemeld bij de leverancier"),
				       cve);
			if (json_is_string(json_object_get(v, "disclosed")))
				tl_add(r, jstr(v, "disclosed"), 0, "vendor",
				       T(r, "Vendor discloses %s", "Leverancier maakt %s openbaar"),
				       cve);
			if (json_is_string(json_object_get(v, "learned")))
				tl_add(r, jstr(v, "learned"), 0, "knowledge",
				       T(r, "First knowledge: %s registered (%s)",
				         "Eerste kennis: %s geregistreerd (%s)"),
				       cve, adv);
		}
	}
}

/* ---- the advisories' events ---- */

static void advisory_event(struct rep *r, const char *adv, const char *action, json_t *d,
                           const char *at, long long seq)
{
	json_t *a = json_object_get(r->advs, adv);
	char clip[TEXT_CLIP + 8];

	if (a == NULL)
		return;
	if (strcmp(action, "advisory.new") == 0 || strcmp(action, "advisory.update") == 0) {
		json_object_set(a, "title", json_object_get(d, "title"));
		json_object_set(a, "rationale", json_object_get(d, "rationale"));
	} else if (strcmp(action, "advisory.publish") == 0) {
		char cls[64], key[96];
		const char *last = json_string_value(json_object_get(a, "last"));
		const char *change = json_string_value(json_object_get(d, "change"));
		int64_t t = 0;
		json_t *x;

		snprintf(cls, sizeof(cls), "%s/%s", jstr(d, "likelihood"), jstr(d, "impact"));
		x = tl_add(r, at, seq, "publish",
		           T(r, "%s v%s published: %s%s%s", "%s v%s gepubliceerd: %s%s%s"), adv,
		           jstr(d, "version"), cls, change ? " - " : "",
		           change ? short_text(change, clip, sizeof(clip)) : "");
		json_object_set_new(x, "advisory", json_string(adv));
		json_object_set_new(x, "classification", json_string(cls));
		if (last && strcmp(last, cls) != 0) {
			const char *why = json_string_value(json_object_get(a, "rationale"));
			json_t *c = tl_add(
			    r, at, seq, "classification",
			    T(r, "Classification %s -> %s: %s%s%s", "Inschaling %s -> %s: %s%s%s"),
			    last, cls, change ? short_text(change, clip, sizeof(clip)) : "-",
			    why ? T(r, "; deviation from the proposal: ",
			            "; afwijking van het voorstel: ")
			        : "",
			    why ? why : "");
			json_object_set_new(c, "advisory", json_string(adv));
			json_object_set_new(c, "from", json_string(last));
			json_object_set_new(c, "to", json_string(cls));
		}
		json_object_set_new(a, "last", json_string(cls));
		json_array_append_new(json_object_get(a, "versions"),
		                      json_pack("{s:s, s:s, s:s, s:s?, s:b}", "version",
		                                jstr(d, "version"), "published_at", at,
		                                "classification", cls, "change", change, "material",
		                                json_is_true(json_object_get(d, "material"))));
		time_parse(at, &t, NULL);
		snprintf(key, sizeof(key), "%s\t%s", adv, jstr(d, "version"));
		json_object_set_new(r->published, key, json_integer(t));
	} else if (strcmp(action, "alert.create") == 0) {
		json_t *x = tl_add(
		    r, at, seq, "alerts",
		    T(r,
		      "%s v%s: %lld organisations alerted (e-mail %lld, webhook %lld, calls %lld)",
		      "%s v%s: %lld organisaties gealarmeerd (e-mail %lld, webhook %lld, telefoon "
		      "%lld)"),
		    adv, jstr(d, "version"),
		    (long long)json_integer_value(json_object_get(d, "organisations")),
		    (long long)json_integer_value(json_object_get(d, "email")),
		    (long long)json_integer_value(json_object_get(d, "webhook")),
		    (long long)json_integer_value(json_object_get(d, "call")));
		json_object_set_new(x, "advisory", json_string(adv));
	}
}

static void followup_event(struct rep *r, const char *action, json_t *d, const char *at,
                           long long seq)
{
	const char *adv = jstr(d, "advisory");
	char key[160], clip[TEXT_CLIP + 8];
	json_t *req;

	if (json_object_get(r->advs, adv) == NULL)
		return;
	snprintf(key, sizeof(key), "%lld",
	         (long long)json_integer_value(json_object_get(d, "request")));
	if (strcmp(action, "followup.request") == 0) {
		json_t *orgs = json_object(), *o, *x;
		size_t i;
		int64_t dl = 0;

		json_array_foreach(json_object_get(d, "orgs"), i, o)
		{
			json_object_set_new(orgs, json_string_value(o), json_null());
		}
		time_parse(jstr(d, "deadline"), &dl, NULL);
		/* the request's number is in the event's object, not its detail */
		req =
		    json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:n}", "advisory", adv, "question",
		              jstr(d, "question"), "asked_at", at, "deadline", jstr(d, "deadline"),
		              "deadline_t", (json_int_t)dl, "orgs", orgs, "closed_at");
		json_object_set_new(r->requests, jstr(d, "_request"), req);
		x = tl_add(r, at, seq, "followup",
		           T(r, "Follow-up request %s to %zu organisations, deadline %s: %s",
		             "Verzoek om terugmelding %s aan %zu organisaties, termijn %s: %s"),
		           jstr(d, "_request"), json_object_size(orgs), jstr(d, "deadline"),
		           short_text(jstr(d, "question"), clip, sizeof(clip)));
		json_object_set_new(x, "advisory", json_string(adv));
		return;
	}
	if ((req = json_object_get(r->requests, key)) == NULL)
		return;
	if (strcmp(action, "followup.close") == 0) {
		json_object_set_new(req, "closed_at", json_string(at));
		tl_add(r, at, seq, "followup",
		       T(r, "Follow-up request %s closed", "Verzoek om terugmelding %s gesloten"),
		       key);
	} else if (strcmp(action, "followup.respond") == 0) {
		const char *org = jstr(d, "org");
		char akey[160];
		int64_t t = 0, rem = 0;
		json_t *ans;

		time_parse(at, &t, NULL);
		if (json_is_string(json_object_get(d, "remedied_at")))
			time_parse(jstr(d, "remedied_at"), &rem, NULL);
		ans = json_pack("{s:I, s:s, s:I, s:I, s:b}", "answer",
		                json_integer_value(json_object_get(d, "answer")), "status",
		                jstr(d, "status"), "at", (json_int_t)t, "remedied", (json_int_t)rem,
		                "late", t > json_integer_value(json_object_get(req, "deadline_t")));
		if (json_object_get(json_object_get(req, "orgs"), org))
			json_object_set(json_object_get(req, "orgs"), org, ans);
		snprintf(akey, sizeof(akey), "%s\t%s", adv, org);
		json_object_set_new(r->answers, akey, ans);
	} else if (strcmp(action, "followup.review") == 0) {
		char rkey[32];
		snprintf(rkey, sizeof(rkey), "%lld",
		         (long long)json_integer_value(json_object_get(d, "answer")));
		json_object_set(r->reviews, rkey, json_object_get(d, "decision"));
	}
}

static void deadline_event(struct rep *r, const char *action, json_t *d, const char *at,
                           long long seq)
{
	const char *adv = jstr(d, "advisory"), *org = jstr(d, "org");
	char key[160];
	int64_t t = 0;
	json_t *c;

	if (json_object_get(r->advs, adv) == NULL)
		return;
	snprintf(key, sizeof(key), "%s\t%s", adv, org);
	time_parse(at, &t, NULL);
	if (strcmp(action, "deadline.start") == 0) {
		int64_t due = 0;
		time_parse(jstr(d, "due"), &due, NULL);
		json_object_set_new(
		    r->clocks, key,
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "advisory", adv,
		              "org", org, "kind", jstr(d, "kind"), "rule", jstr(d, "rule"),
		              "version", jstr(d, "version"), "started", (json_int_t)t, "due",
		              (json_int_t)due, "fixed", (json_int_t)0, "seq", (json_int_t)seq));
	} else if (strcmp(action, "deadline.fixed") == 0 && (c = json_object_get(r->clocks, key))) {
		json_object_set_new(c, "fixed", json_integer(t));
	}
}

/* Reads every event up to the report's moment, in the order they happened. */
static int read_events(struct rep *r, const char *object, int all, struct err *e)
{
	struct db_stmt *st;
	char when[32];
	int rc;

	tfmt(r->o->asof, when);
	rc = db_prepare(r->db,
	                all ? "SELECT id, action, object, occurred_at, detail FROM events"
	                      " WHERE occurred_at <= ?1 AND (object LIKE 'advisory:%'"
	                      " OR object LIKE 'vuln:%' OR object LIKE 'followup:%'"
	                      " OR object LIKE 'deadline:%')"
	                      " ORDER BY occurred_at, id"
	                    : "SELECT id, action, object, occurred_at, detail FROM events"
	                      " WHERE occurred_at <= ?1 AND object = ?2 ORDER BY occurred_at, id",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, when);
	if (!all)
		db_bind_text(st, 2, object);
	while ((rc = db_step(st, e)) == DB_ROW) {
		long long seq = (long long)db_col_int(st, 0);
		const char *action = db_col_text(st, 1), *obj = db_col_text(st, 2);
		const char *at = db_col_text(st, 3);
		json_t *d;

		/* skip what is about other advisories before parsing its detail */
		if (strncmp(obj, "advisory:", 9) == 0 && json_object_get(r->advs, obj + 9) == NULL)
			continue;
		if (strncmp(obj, "vuln:", 5) == 0 && json_object_get(r->cves, obj + 5) == NULL)
			continue;
		if (strncmp(obj, "deadline:", 9) == 0 && strchr(obj + 9, ':')) {
			const char *c = strchr(obj + 9, ':');
			char adv[96];
			snprintf(adv, sizeof(adv), "%.*s", (int)(c - obj - 9), obj + 9);
			if (json_object_get(r->advs, adv) == NULL)
				continue;
		}
		d = json_loads(db_col_text(st, 4), 0, NULL);
		if (d == NULL)
			continue;
		r->nevents++;
		if (!all)
			incident_event(r, action, d, at, seq);
		else if (strncmp(obj, "advisory:", 9) == 0)
			advisory_event(r, obj + 9, action, d, at, seq);
		else if (strncmp(obj, "vuln:", 5) == 0 &&
		         strcmp(action, "vuln.exploit_status") == 0) {
			json_t *x = tl_add(r, at, seq, "exploit",
			                   T(r, "Exploit status of %s: %s -> %s",
			                     "Exploitstatus van %s: %s -> %s"),
			                   obj + 5, jstr(d, "from"), jstr(d, "to"));
			json_object_set_new(x, "cve", json_string(obj + 5));
		} else if (strncmp(obj, "followup:", 9) == 0) {
			/* followup:N and followup:N:org: the request's number */
			char num[32];
			snprintf(num, sizeof(num), "%.*s", (int)strcspn(obj + 9, ":"), obj + 9);
			json_object_set_new(d, "_request", json_string(num));
			if (json_object_get(d, "request") == NULL)
				json_object_set_new(d, "request",
				                    json_integer(strtoll(num, NULL, 10)));
			followup_event(r, action, d, at, seq);
		} else if (strncmp(obj, "deadline:", 9) == 0)
			deadline_event(r, action, d, at, seq);
		json_decref(d);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- figures ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

/* {median_s, worst_s} of n durations (sorted here), or nulls when there are none. */
static json_t *stats_json(long long *v, size_t n)
{
	if (n == 0)
		return json_pack("{s:n, s:n, s:i}", "median_s", "worst_s", "n", 0);
	qsort(v, n, sizeof(*v), cmp_ll);
	return json_pack("{s:f, s:I, s:I}", "median_s",
	                 n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0,
	                 "worst_s", (json_int_t)v[n - 1], "n", (json_int_t)n);
}

struct chan {
	long alerts, delivered, acked, failed;
	long long *dl, *ak;
	size_t ndl, nak, capdl, capak;
};

static void chan_push(long long **v, size_t *n, size_t *cap, long long x)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	(*v)[(*n)++] = x;
}

/* Alerting: per advisory version and channel, from the alert rows of the incident's
 * advisories created by the report's moment; times against the publication in the events. */
static int alerting(struct rep *r, json_t **out, struct err *e)
{
	static const char *const chans[] = {"email", "webhook", "call"};
	struct db_stmt *st;
	char when[32];
	const char *adv;
	json_t *a, *versions = json_array(), *never = json_array(), *notices = json_object();
	int rc = 0;

	tfmt(r->o->asof, when);
	json_object_foreach(r->advs, adv, a)
	{
		json_t *v, *reached = json_object();
		size_t i;

		json_array_foreach(json_object_get(a, "versions"), i, v)
		{
			struct chan ch[3];
			char key[96];
			int64_t pub = 0;
			int num = 0;
			json_t *row, *cl = json_array();
			long orgs = 0;

			memset(ch, 0, sizeof(ch));
			snprintf(key, sizeof(key), "%s\t%s", adv, jstr(v, "version"));
			pub = json_integer_value(json_object_get(r->published, key));
			advisory_version_parse(jstr(v, "version"), &num, NULL);
			rc = db_prepare(r->db,
			                "SELECT org_id, channel, delivered_at, acked_at, state"
			                " FROM alerts WHERE advisory_id = ?1 AND num = ?2"
			                " AND topic = 'advisory' AND created_at <= ?3",
			                &st, e);
			if (rc != 0)
				break;
			db_bind_text(st, 1, adv);
			db_bind_int(st, 2, num);
			db_bind_text(st, 3, when);
			{
				json_t *seen = json_object();
				while ((rc = db_step(st, e)) == DB_ROW) {
					const char *org = db_col_text(st, 0),
					           *c = db_col_text(st, 1);
					int k = strcmp(c, "email") == 0     ? 0
					        : strcmp(c, "webhook") == 0 ? 1
					                                    : 2;
					int64_t dt = 0, at = 0;
					int delivered = 0;

					if (json_object_get(seen, org) == NULL) {
						json_object_set_new(seen, org, json_true());
						orgs++;
					}
					if (json_object_get(reached, org) == NULL)
						json_object_set_new(reached, org, json_false());
					ch[k].alerts++;
					if (!db_col_is_null(st, 2) &&
					    strcmp(db_col_text(st, 2), when) <= 0) {
						time_parse(db_col_text(st, 2), &dt, NULL);
						ch[k].delivered++;
						delivered = 1;
						chan_push(&ch[k].dl, &ch[k].ndl, &ch[k].capdl,
						          dt - pub);
					}
					if (!db_col_is_null(st, 3) &&
					    strcmp(db_col_text(st, 3), when) <= 0) {
						time_parse(db_col_text(st, 3), &at, NULL);
						ch[k].acked++;
						delivered = 1;
						chan_push(&ch[k].ak, &ch[k].nak, &ch[k].capak,
						          at - pub);
					}
					if (strcmp(db_col_text(st, 4), "failed") == 0)
						ch[k].failed++;
					if (delivered)
						json_object_set_new(reached, org, json_true());
				}
				json_decref(seen);
			}
			db_done(st);
			if (rc < 0) {
				for (int k = 0; k < 3; k++) {
					free(ch[k].dl);
					free(ch[k].ak);
				}
				json_decref(cl);
				break;
			}
			rc = 0;
			for (int k = 0; k < 3; k++) {
				if (ch[k].alerts)
					json_array_append_new(
					    cl,
					    json_pack("{s:s, s:I, s:I, s:I, s:I, s:o, s:o}",
					              "channel", chans[k], "alerts",
					              (json_int_t)ch[k].alerts, "delivered",
					              (json_int_t)ch[k].delivered, "acknowledged",
					              (json_int_t)ch[k].acked, "failed",
					              (json_int_t)ch[k].failed, "delivery",
					              stats_json(ch[k].dl, ch[k].ndl), "ack",
					              stats_json(ch[k].ak, ch[k].nak)));
				free(ch[k].dl);
				free(ch[k].ak);
			}
			if (orgs == 0) {
				json_decref(cl);
				continue;
			}
			row =
			    json_pack("{s:s, s:s, s:s, s:s, s:I, s:o}", "advisory", adv, "version",
			              jstr(v, "version"), "published_at", jstr(v, "published_at"),
			              "classification", jstr(v, "classification"), "organisations",
			              (json_int_t)orgs, "channels", cl);
			json_array_append_new(versions, row);
		}
		if (rc == 0) {
			const char *org;
			json_t *ok;
			json_object_foreach(reached, org, ok)
			{
				if (!json_is_true(ok))
					json_array_append_new(
					    never,
					    json_pack("{s:s, s:s}", "org", org, "advisory", adv));
			}
		}
		json_decref(reached);
		if (rc != 0)
			break;
		/* notices: follow-up requests, reminders, escalations */
		rc = db_prepare(
		    r->db,
		    "SELECT topic, count(*), count(CASE WHEN delivered_at <= ?2 THEN 1 END),"
		    " count(CASE WHEN acked_at <= ?2 THEN 1 END), count(DISTINCT org_id)"
		    " FROM alerts WHERE advisory_id = ?1 AND topic <> 'advisory'"
		    " AND created_at <= ?2 GROUP BY topic ORDER BY topic",
		    &st, e);
		if (rc != 0)
			break;
		db_bind_text(st, 1, adv);
		db_bind_text(st, 2, when);
		while ((rc = db_step(st, e)) == DB_ROW) {
			json_t *n = json_object_get(notices, db_col_text(st, 0));
			if (n == NULL) {
				n = json_pack("{s:s, s:i, s:i, s:i, s:i}", "topic",
				              db_col_text(st, 0), "alerts", 0, "delivered", 0,
				              "acknowledged", 0, "organisations", 0);
				json_object_set_new(notices, db_col_text(st, 0), n);
			}
			json_object_set_new(
			    n, "alerts",
			    json_integer(json_integer_value(json_object_get(n, "alerts")) +
			                 db_col_int(st, 1)));
			json_object_set_new(
			    n, "delivered",
			    json_integer(json_integer_value(json_object_get(n, "delivered")) +
			                 db_col_int(st, 2)));
			json_object_set_new(
			    n, "acknowledged",
			    json_integer(json_integer_value(json_object_get(n, "acknowledged")) +
			                 db_col_int(st, 3)));
			json_object_set_new(
			    n, "organisations",
			    json_integer(json_integer_value(json_object_get(n, "organisations")) +
			                 db_col_int(st, 4)));
		}
		db_done(st);
		if (rc < 0)
			break;
		rc = 0;
	}
	{
		json_t *nl = json_array(), *n;
		const char *k;
		json_object_foreach(notices, k, n)
		{
			json_array_append(nl, n);
		}
		*out = json_pack("{s:o, s:o, s:o}", "versions", versions, "never_reached", never,
		                 "notices", nl);
	}
	json_decref(notices);
	return rc < 0 ? rc : 0;
}

static json_t *followup_section(struct rep *r)
{
	json_t *out = json_array(), *req;
	const char *id;

	json_object_foreach(r->requests, id, req)
	{
		json_t *answers = json_pack("{s:i, s:i, s:i, s:i, s:i}", "patched", 0, "mitigated",
		                            0, "switched-off", 0, "kept-on", 0, "unanswered", 0);
		json_t *expl =
		    json_pack("{s:i, s:i, s:i}", "accepted", 0, "rejected", 0, "pending", 0);
		json_t *notans = json_array(), *ans, *rejected = json_array();
		const char *org;
		long late = 0, by_count = 0;

		json_object_foreach(json_object_get(req, "orgs"), org, ans)
		{
			const char *status = json_is_null(ans) ? "unanswered" : jstr(ans, "status");
			json_object_set_new(
			    answers, status,
			    json_integer(json_integer_value(json_object_get(answers, status)) + 1));
			if (json_is_null(ans)) {
				json_array_append_new(notans, json_string(org));
				continue;
			}
			late += json_is_true(json_object_get(ans, "late"));
			if (strcmp(status, "kept-on") == 0) {
				char k[32];
				const char *dec;
				snprintf(
				    k, sizeof(k), "%lld",
				    (long long)json_integer_value(json_object_get(ans, "answer")));
				dec = json_string_value(json_object_get(r->reviews, k));
				dec = dec ? dec : "pending";
				json_object_set_new(
				    expl, dec,
				    json_integer(json_integer_value(json_object_get(expl, dec)) +
				                 1));
				if (strcmp(dec, "rejected") == 0)
					json_array_append_new(rejected, json_string(org));
			}
			by_count++;
		}
		/* the sorted list reads better in a letter */
		{
			size_t n = json_array_size(notans);
			const char **v = xcalloc(n ? n : 1, sizeof(char *));
			json_t *sorted = json_array();
			for (size_t i = 0; i < n; i++)
				v[i] = json_string_value(json_array_get(notans, i));
			qsort(v, n, sizeof(char *), cmp_str);
			for (size_t i = 0; i < n; i++)
				json_array_append_new(sorted, json_string(v[i]));
			free(v);
			json_decref(notans);
			notans = sorted;
		}
		json_array_append_new(
		    out,
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:O, s:I, s:o, s:o, s:I, s:I, s:o, s:o}",
		              "request", (json_int_t)strtoll(id, NULL, 10), "advisory",
		              jstr(req, "advisory"), "question", jstr(req, "question"), "asked_at",
		              jstr(req, "asked_at"), "deadline", jstr(req, "deadline"), "closed_at",
		              json_object_get(req, "closed_at"), "addressed",
		              (json_int_t)json_object_size(json_object_get(req, "orgs")), "answers",
		              answers, "explanations", expl, "answered", (json_int_t)by_count,
		              "late_answers", (json_int_t)late, "not_answered", notans, "rejected",
		              rejected));
	}
	return out;
}

static int cmp_org(const void *a, const void *b)
{
	return strcmp(jstr(*(json_t *const *)a, "org"), jstr(*(json_t *const *)b, "org"));
}

/* Remediation: the BIO verdict of every clock as of the report's moment, judged exactly as
 * `deadline list` judges it, from the clocks, answers and reviews in the events. */
static json_t *remediation_section(struct rep *r)
{
	json_t *out = json_array(), *c, *byadv = json_object(), *a;
	const char *key, *adv;
	int64_t asof = r->o->asof;

	json_object_foreach(r->clocks, key, c)
	{
		struct deadline_rule rule;
		struct deadline_facts f = {0};
		struct deadline_verdict v;
		json_t *ans = json_object_get(r->answers, key), *row;
		char due[32], rem[32], st[32];

		deadline_rule_parse(jstr(c, "rule"), &rule, NULL);
		f.started = json_integer_value(json_object_get(c, "started"));
		f.due = json_integer_value(json_object_get(c, "due"));
		f.fixed = json_integer_value(json_object_get(c, "fixed"));
		f.mitigated = rule.mitigated;
		if (ans) {
			char k[32];
			const char *dec;
			f.status = jstr(ans, "status");
			f.remedied = json_integer_value(json_object_get(ans, "remedied"));
			snprintf(k, sizeof(k), "%lld",
			         (long long)json_integer_value(json_object_get(ans, "answer")));
			dec = json_string_value(json_object_get(r->reviews, k));
			f.review = dec == NULL ? 0 : strcmp(dec, "accepted") == 0 ? 1 : -1;
		}
		deadline_judge(&f, asof, &v);
		tfmt(f.due, due);
		tfmt(f.started, st);
		if (v.remedied)
			tfmt(v.remedied, rem);
		adv = jstr(c, "advisory");
		if ((a = json_object_get(byadv, adv)) == NULL) {
			a = json_pack("{s:s, s:s, s:s, s:s, s:[]}", "advisory", adv, "version",
			              jstr(c, "version"), "started_at", st, "rule", jstr(c, "rule"),
			              "rows");
			json_object_set_new(byadv, adv, a);
		}
		row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s?, s:s?, s:s?}", "org",
		                jstr(c, "org"), "kind", jstr(c, "kind"), "rule", jstr(c, "rule"),
		                "due", due, "state", deadline_state_name(v.state), "days_over",
		                (json_int_t)v.days_over, "remedied_at", v.remedied ? rem : NULL,
		                "via", v.via, "answer", f.status);
		json_object_set_new(row, "days_to_remedy",
		                    v.remedied ? json_real((double)(v.remedied - f.started) / DAY)
		                               : json_null());
		json_array_append_new(json_object_get(a, "rows"), row);
	}
	json_object_foreach(byadv, adv, a)
	{
		json_t *rows = json_object_get(a, "rows"), *row, *overdue = json_array(), *per_day;
		long n[5] = {0}, total = (long)json_array_size(rows);
		long long *days = xcalloc(total ? (size_t)total : 1, sizeof(long long));
		size_t nd = 0, i;
		int64_t start = 0, end, last = 0;
		json_t *sorted;

		/* rows by organisation */
		{
			json_t **v = xcalloc(total ? (size_t)total : 1, sizeof(json_t *));
			for (i = 0; i < (size_t)total; i++)
				v[i] = json_array_get(rows, i);
			qsort(v, (size_t)total, sizeof(*v), cmp_org);
			sorted = json_array();
			for (i = 0; i < (size_t)total; i++)
				json_array_append(sorted, v[i]);
			free(v);
		}
		time_parse(jstr(a, "started_at"), &start, NULL);
		json_array_foreach(sorted, i, row)
		{
			const char *s = jstr(row, "state");
			int64_t t = 0;
			for (int k = 0; k < 5; k++)
				if (strcmp(s, deadline_state_name((enum deadline_state)k)) == 0)
					n[k]++;
			if (strcmp(s, "overdue") == 0)
				json_array_append_new(
				    overdue,
				    json_pack("{s:s, s:O, s:O}", "org", jstr(row, "org"), "due",
				              json_object_get(row, "due"), "days_over",
				              json_object_get(row, "days_over")));
			if (json_is_string(json_object_get(row, "remedied_at"))) {
				time_parse(jstr(row, "remedied_at"), &t, NULL);
				days[nd++] = t - start;
				if (t > last)
					last = t;
			}
		}
		json_object_set_new(a, "rows", sorted);
		json_object_set_new(a, "organisations", json_integer(total));
		for (int k = 0; k < 5; k++)
			json_object_set_new(a, deadline_state_name((enum deadline_state)k),
			                    json_integer(n[k]));
		json_object_set_new(a, "share_in_time",
		                    total - n[DEADLINE_EXEMPTED] > 0
		                        ? json_real((double)n[DEADLINE_IN_TIME] /
		                                    (double)(total - n[DEADLINE_EXEMPTED]))
		                        : json_null());
		{
			json_t *s = stats_json(days, nd);
			json_object_set_new(
			    a, "median_days_to_remedy",
			    json_is_null(json_object_get(s, "median_s"))
			        ? json_null()
			        : json_real(json_real_value(json_object_get(s, "median_s")) / DAY));
			json_decref(s);
		}
		json_object_set_new(a, "overdue_list", overdue);
		/* cumulative remedied per day, from the start to the later of the due time and the
		 * last remedy (at most CHART_DAYS days) */
		per_day = json_array();
		end = last;
		json_array_foreach(sorted, i, row)
		{
			int64_t due = 0;
			time_parse(jstr(row, "due"), &due, NULL);
			if (due > end)
				end = due;
		}
		if (end > asof)
			end = asof;
		if (end < start)
			end = start;
		if ((end - start) / DAY > CHART_DAYS)
			end = start + CHART_DAYS * DAY;
		for (int64_t d = start - start % DAY; d <= end; d += DAY) {
			long cum = 0;
			char day[32];
			for (size_t k = 0; k < nd; k++)
				cum += start + days[k] < d + DAY;
			tfmt(d, day);
			day[10] = '\0';
			json_array_append_new(per_day, json_pack("{s:s, s:I}", "day", day,
			                                         "remedied", (json_int_t)cum));
		}
		json_object_set_new(a, "per_day", per_day);
		free(days);
		json_array_append(out, a);
	}
	json_decref(byadv);
	return out;
}

/* Exposure: the vulnerable systems seen per day, as the scan module counts them for each of the
 * incident's advisories (its daily counts per CVE), up to the report's moment. */
static int exposure(struct rep *r, struct err *e)
{
	const char *adv;
	json_t *a;

	json_object_foreach(r->advs, adv, a)
	{
		/* split by kind: the day's total is the same, and the grouping is a column on
		 * every backend */
		struct scan_stats_opts so = {NULL, adv, "kind", NULL, 0};
		json_t *st = NULL, *d;
		size_t i;
		int rc = scan_stats(r->db, &(struct act){"report", r->o->asof}, &so, &st, e);

		if (rc != 0)
			return rc;
		json_array_foreach(json_object_get(st, "days"), i, d)
		{
			const char *day = jstr(d, "day");
			json_object_set_new(
			    r->exposure, day,
			    json_integer(json_integer_value(json_object_get(r->exposure, day)) +
			                 json_integer_value(json_object_get(d, "systems"))));
		}
		json_decref(st);
	}
	return 0;
}

/* Sorts the timeline by when it happened, then by the event's place in the log. */
static int cmp_tl(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(jstr(x, "at"), jstr(y, "at"));
	json_int_t sx = json_integer_value(json_object_get(x, "seq"));
	json_int_t sy = json_integer_value(json_object_get(y, "seq"));

	return c ? c : sx < sy ? -1 : sx > sy;
}

static json_t *timeline_sorted(json_t *tl)
{
	size_t n = json_array_size(tl), i;
	json_t **v = xcalloc(n ? n : 1, sizeof(json_t *)), *out = json_array();

	for (i = 0; i < n; i++)
		v[i] = json_array_get(tl, i);
	qsort(v, n, sizeof(*v), cmp_tl);
	for (i = 0; i < n; i++) {
		json_object_del(v[i], "seq");
		json_array_append(out, v[i]);
	}
	free(v);
	return out;
}

int report_evaluation(struct db *db, const struct report_opts *o, json_t **out, struct err *e)
{
	struct rep r;
	struct db_stmt *st;
	char object[96], when[32], head[80] = "";
	json_t *alert = NULL, *advs, *a, *exp, *patches, *p;
	const char *k;
	int64_t n = 0;
	int rc;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	r.db = db;
	r.o = o;
	r.lang = o->lang && strcmp(o->lang, "en") == 0 ? "en" : "nl";
	r.nl = strcmp(r.lang, "nl") == 0;
	if ((rc = db_query_int(db, "SELECT count(*) FROM incidents WHERE id = ?1", o->incident, &n,
	                       e)) != 0)
		return rc;
	if (n == 0)
		return err_set(e, ERR_NOTFOUND, "unknown incident '%s' (`baken incident list`)",
		               o->incident);
	r.advs = json_object();
	r.cves = json_object();
	r.timeline = json_array();
	r.requests = json_object();
	r.answers = json_object();
	r.reviews = json_object();
	r.clocks = json_object();
	r.published = json_object();
	r.exposure = json_object();
	r.patches = json_object();
	r.decisions = json_array();
	r.incident =
	    json_pack("{s:s, s:n, s:i, s:b}", "id", o->incident, "title", "level", 0, "public", 0);
	snprintf(object, sizeof(object), "incident:%s", o->incident);
	tfmt(o->asof, when);
	if ((rc = read_events(&r, object, 0, e)) != 0)
		goto out;
	if (json_object_get(r.incident, "opened_at") == NULL) {
		rc = err_set(
		    e, ERR_CONFLICT,
		    "incident '%s' was not opened yet at %s (the moment of the report, --at)",
		    o->incident, when);
		goto out;
	}
	if ((rc = read_events(&r, NULL, 1, e)) != 0)
		goto out;
	/* the BIO clocks start together: one line per advisory */
	{
		json_t *first = json_object(), *c, *x;
		json_object_foreach(r.clocks, k, c)
		{
			const char *adv = jstr(c, "advisory");
			if ((x = json_object_get(first, adv)) == NULL) {
				x = json_pack("{s:I, s:I, s:i, s:I}", "started",
				              json_integer_value(json_object_get(c, "started")),
				              "due", json_integer_value(json_object_get(c, "due")),
				              "n", 0, "seq",
				              json_integer_value(json_object_get(c, "seq")));
				json_object_set_new(first, adv, x);
			}
			json_object_set_new(
			    x, "n", json_integer(json_integer_value(json_object_get(x, "n")) + 1));
			if (json_integer_value(json_object_get(c, "due")) >
			    json_integer_value(json_object_get(x, "due")))
				json_object_set(x, "due", json_object_get(c, "due"));
		}
		json_object_foreach(first, k, x)
		{
			char s[32], d[32];
			json_t *t;
			tfmt(json_integer_value(json_object_get(x, "started")), s);
			tfmt(json_integer_value(json_object_get(x, "due")), d);
			/* after the publication that started them: the first clock's event */
			t = tl_add(
			    &r, s, json_integer_value(json_object_get(x, "seq")), "deadline",
			    T(&r, "%s: BIO clock starts for %lld organisations (due %s)",
			      "%s: BIO-termijn gaat in voor %lld organisaties (uiterlijk %s)"),
			    k, (long long)json_integer_value(json_object_get(x, "n")), d);
			json_object_set_new(t, "advisory", json_string(k));
			json_object_set_new(t, "due", json_string(d));
		}
		json_decref(first);
	}
	if ((rc = alerting(&r, &alert, e)) != 0 || (rc = exposure(&r, e)) != 0)
		goto out;
	/* the head of the whole log as it was read: `audit verify` and `audit checkpoint` name it
	 */
	rc = db_prepare(db, "SELECT hash FROM events ORDER BY id DESC LIMIT 1", &st, e);
	if (rc != 0)
		goto out;
	if ((rc = db_step(st, e)) == DB_ROW)
		snprintf(head, sizeof(head), "%s", db_col_text(st, 0));
	db_done(st);
	if (rc < 0)
		goto out;
	rc = 0;
	advs = json_array();
	json_object_foreach(r.advs, k, a)
	{
		json_object_del(a, "last");
		json_object_del(a, "rationale");
		json_array_append(advs, a);
	}
	exp = json_array();
	{
		size_t nd = json_object_size(r.exposure), i = 0;
		const char **days = xcalloc(nd ? nd : 1, sizeof(char *));
		json_object_foreach(r.exposure, k, p)
		{
			days[i++] = k;
		}
		qsort(days, nd, sizeof(char *), cmp_str);
		for (i = 0; i < nd; i++)
			json_array_append_new(exp,
			                      json_pack("{s:s, s:O}", "day", days[i], "systems",
			                                json_object_get(r.exposure, days[i])));
		free(days);
	}
	patches = json_array();
	json_object_foreach(r.patches, k, p)
	{
		json_t *an = json_object_get(p, "announcements"),
		       *rel = json_object_get(p, "released");
		if (json_array_size(an) && json_is_object(rel)) {
			int64_t promised = 0, at = 0;
			time_parse(jstr(json_array_get(an, 0), "date"), &promised, NULL);
			time_parse(jstr(rel, "at"), &at, NULL);
			json_object_set_new(p, "days_vs_promise",
			                    json_real((double)(at - promised) / DAY));
		}
		json_array_append(patches, p);
	}
	*out = json_pack(
	    "{s:s, s:s, s:O, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "report",
	    "evaluation", "lang", r.lang, "incident", r.incident, "as_of", when, "sources",
	    json_pack("{s:I, s:s}", "events", (json_int_t)r.nevents, "chain_head", head),
	    "advisories", advs, "timeline", timeline_sorted(r.timeline), "alerting", alert,
	    "followup", followup_section(&r), "remediation", remediation_section(&r), "exposure",
	    exp, "patches", patches, "decisions", json_incref(r.decisions));
	alert = NULL;
out:
	json_decref(alert);
	json_decref(r.advs);
	json_decref(r.cves);
	json_decref(r.timeline);
	json_decref(r.requests);
	json_decref(r.answers);
	json_decref(r.reviews);
	json_decref(r.clocks);
	json_decref(r.published);
	json_decref(r.exposure);
	json_decref(r.patches);
	json_decref(r.incident);
	json_decref(r.decisions);
	return rc;
}
