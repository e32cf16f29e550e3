/* report_md.c: the walk over an evaluation report, its labels in Dutch and English, and the
 * Markdown writer. */
#include "formats/report_md.h"

#include "core/err.h"
#include "core/xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define DAY       86400.0
#define LIST_SHOW 100 /* names shown of a long list; the JSON has them all */

/* ---- labels ---- */

struct label {
	const char *key, *en, *nl;
};

static const struct label labels[] = {
    {"title", "Evaluation", "Evaluatie"},
    {"as_of", "As of", "Stand per"},
    {"level", "Scale level", "Opschalingsniveau"},
    {"advisories", "Advisories", "Adviezen"},
    {"sources", "Sources", "Bronnen"},
    {"sources_text",
     "Built from the hash-chained event log: %lld events up to the moment of this report; chain"
     " head %s. Two figures come from the tables the events name: alert delivery times per alert "
     "(the"
     " alert rows) and vulnerable systems per day (the scan module's daily counts).",
     "Opgebouwd uit het hash-geketende gebeurtenissenlog: %lld gebeurtenissen tot het moment van"
     " dit rapport; kop van de keten %s. Twee cijfers komen uit de tabellen waar de gebeurtenissen"
     " naar verwijzen: afleveringstijden per alert (de alertregels) en kwetsbare systemen per dag"
     " (de dagtellingen van de scanmodule)."},
    {"timeline", "Timeline", "Tijdlijn"},
    {"when", "When", "Wanneer"},
    {"what", "What", "Wat"},
    {"alerting", "Alerting", "Alertering"},
    {"version", "Version", "Versie"},
    {"published", "Published", "Gepubliceerd"},
    {"classification", "Classification", "Inschaling"},
    {"channel", "Channel", "Kanaal"},
    {"alerts", "Alerts", "Alerts"},
    {"organisations", "Organisations", "Organisaties"},
    {"delivered", "Delivered", "Afgeleverd"},
    {"acknowledged", "Acknowledged", "Bevestigd"},
    {"delivery_median", "Delivery, median", "Aflevering, mediaan"},
    {"delivery_worst", "Delivery, worst", "Aflevering, slechtst"},
    {"ack_median", "Acknowledgement, median", "Bevestiging, mediaan"},
    {"ack_worst", "Acknowledgement, worst", "Bevestiging, slechtst"},
    {"never_reached", "Organisations never reached", "Organisaties nooit bereikt"},
    {"none", "none", "geen"},
    {"notices", "Notices (follow-up, reminders, escalations)",
     "Berichten (terugmelding, herinneringen, escalaties)"},
    {"topic", "Topic", "Onderwerp"},
    {"followup", "Follow-up", "Terugmelding"},
    {"request", "Request", "Verzoek"},
    {"question", "Question", "Vraag"},
    {"deadline", "Deadline", "Termijn"},
    {"addressed", "organisations asked", "organisaties gevraagd"},
    {"answers", "Answers", "Antwoorden"},
    {"status", "Status", "Status"},
    {"count", "Count", "Aantal"},
    {"unanswered", "unanswered", "geen antwoord"},
    {"explanations", "Explanations (kept-on)", "Uitleg (kept-on)"},
    {"accepted", "accepted", "aanvaard"},
    {"rejected", "rejected", "afgewezen"},
    {"pending", "awaiting review", "nog te beoordelen"},
    {"late_answers", "Answers after the deadline", "Antwoorden na de termijn"},
    {"not_answered", "Did not answer", "Niet geantwoord"},
    {"remediation", "Remediation (BIO deadline)", "Herstel (BIO-termijn)"},
    {"clock", "Clock started", "Termijn gestart"},
    {"rule", "Rule", "Regel"},
    {"state", "State", "Status"},
    {"in_time_share", "Remedied within the rule", "Binnen de termijn verholpen"},
    {"median_remedy", "Time to remedy, median", "Tijd tot herstel, mediaan"},
    {"overdue_list", "Overdue", "Termijn overschreden"},
    {"late_list", "Remedied late", "Te laat verholpen"},
    {"exempted_list", "Exempted (accepted explanation)", "Vrijgesteld (uitleg aanvaard)"},
    {"org", "Organisation", "Organisatie"},
    {"due", "Due", "Uiterlijk"},
    {"remedied", "Remedied", "Verholpen"},
    {"days_over", "Days over", "Dagen over"},
    {"via", "Via", "Via"},
    {"to_remedy", "Time to remedy", "Tijd tot herstel"},
    {"every_org", "Every organisation", "Alle organisaties"},
    {"remedied_per_day", "Organisations remedied, cumulative",
     "Organisaties verholpen, cumulatief"},
    {"exposure", "Exposure", "Blootstelling"},
    {"exposure_chart", "Vulnerable systems seen per day", "Kwetsbare systemen gezien per dag"},
    {"no_exposure", "No scan results.", "Geen scanresultaten."},
    {"day", "Day", "Dag"},
    {"systems", "Systems", "Systemen"},
    {"patches", "Vendor patch timeline", "Patchtijdlijn van de leverancier"},
    {"branch", "Version branch", "Versietak"},
    {"promised", "First promised", "Eerst beloofd"},
    {"changes", "Changes", "Wijzigingen"},
    {"released", "Released", "Uitgebracht"},
    {"vs_promise", "Against the promise", "Ten opzichte van de belofte"},
    {"answers_chart", "Answers per status", "Antwoorden per status"},
    {"no_requests", "No follow-up requests.", "Geen verzoeken om terugmelding."},
    {"no_clocks", "No BIO clocks: no high/high version, or no affected government organisation.",
     "Geen BIO-termijnen: geen high/high-versie, of geen getroffen overheidsorganisatie."},
    {"no_alerts", "No alerts.", "Geen alerts."},
    {"decisions", "Decisions", "Besluiten"},
    {"approved_by", "approved by", "akkoord"},
    {NULL, NULL, NULL},
};

const char *report_label(const char *lang, const char *key)
{
	int nl = lang == NULL || strcmp(lang, "en") != 0;

	for (const struct label *l = labels; l->key; l++)
		if (strcmp(l->key, key) == 0)
			return nl ? l->nl : l->en;
	return key;
}

void report_duration(double s, const char *lang, char *out, size_t outsz)
{
	int nl = lang == NULL || strcmp(lang, "en") != 0;

	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(out, outsz, "%.0f s", s);
	else if (s < 3600)
		snprintf(out, outsz, "%.0f min", floor(s / 60));
	else if (s < 2 * DAY)
		snprintf(out, outsz, "%.0f %s %02.0f min", floor(s / 3600), nl ? "u" : "h",
		         floor(fmod(s, 3600) / 60));
	else
		snprintf(out, outsz, "%.1f %s", s / DAY, nl ? "dg" : "d");
	if (nl)
		for (char *p = out; *p; p++)
			if (*p == '.')
				*p = ',';
}

/* ---- the walk ---- */

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static long long jint(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

struct walk {
	const struct report_writer *w;
	void *ctx;
	const char *lang;
	struct buf b;
};

static const char *L(struct walk *k, const char *key)
{
	return report_label(k->lang, key);
}

static void para(struct walk *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void para(struct walk *k, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&k->b);
	va_start(ap, fmt);
	buf_vprintf(&k->b, fmt, ap);
	va_end(ap);
	k->w->para(k->ctx, buf_str(&k->b));
}

static void heading(struct walk *k, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void heading(struct walk *k, int level, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&k->b);
	va_start(ap, fmt);
	buf_vprintf(&k->b, fmt, ap);
	va_end(ap);
	k->w->heading(k->ctx, level, buf_str(&k->b));
}

/* A table row from printf-style cells separated by \t. */
static void row(json_t *rows, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void row(json_t *rows, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	json_t *r = json_array();
	const char *p, *tab;

	buf_init(&b, 1 << 20);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	for (p = buf_str(&b);; p = tab + 1) {
		tab = strchr(p, '\t');
		json_array_append_new(r, json_stringn(p, tab ? (size_t)(tab - p) : strlen(p)));
		if (tab == NULL)
			break;
	}
	json_array_append_new(rows, r);
	buf_free(&b);
}

static void table(struct walk *k, const char *const *cols, size_t n, json_t *rows)
{
	k->w->table(k->ctx, cols, n, rows);
	json_decref(rows);
}

static const char *dur(struct walk *k, json_t *v, char *out, size_t outsz)
{
	if (!json_is_number(v))
		return "-";
	report_duration(json_number_value(v), k->lang, out, outsz);
	return out;
}

/* Up to LIST_SHOW names of a list, joined, and how many more. */
static void names(struct walk *k, json_t *list, struct buf *b)
{
	size_t i, n = json_array_size(list);
	json_t *x;

	if (n == 0) {
		buf_adds(b, L(k, "none"));
		return;
	}
	json_array_foreach(list, i, x)
	{
		if (i == LIST_SHOW)
			break;
		buf_printf(b, "%s%s", i ? ", " : "",
		           json_is_string(x) ? json_string_value(x) : jstr(x, "org"));
	}
	if (n > LIST_SHOW)
		buf_printf(b, strcmp(k->lang, "en") == 0 ? " and %zu more" : " en %zu andere",
		           n - LIST_SHOW);
}

static void walk_alerting(struct walk *k, json_t *al)
{
	static const char *const ck[] = {"channel",      "alerts",          "delivered",
	                                 "acknowledged", "delivery_median", "delivery_worst",
	                                 "ack_median",   "ack_worst"};
	const char *cols[8];
	json_t *v, *c;
	size_t i, j;

	for (i = 0; i < 8; i++)
		cols[i] = L(k, ck[i]);
	heading(k, 2, "%s", L(k, "alerting"));
	if (json_array_size(json_object_get(al, "versions")) == 0)
		para(k, "%s", L(k, "no_alerts"));
	json_array_foreach(json_object_get(al, "versions"), i, v)
	{
		json_t *rows = json_array();
		heading(k, 3, "%s v%s (%s, %s): %lld %s", jstr(v, "advisory"), jstr(v, "version"),
		        jstr(v, "published_at"), jstr(v, "classification"),
		        jint(v, "organisations"),
		        strcmp(k->lang, "en") == 0 ? "organisations" : "organisaties");
		json_array_foreach(json_object_get(v, "channels"), j, c)
		{
			char a[32], b[32], d[32], e[32];
			json_t *dl = json_object_get(c, "delivery"),
			       *ak = json_object_get(c, "ack");
			row(rows, "%s\t%lld\t%lld\t%lld\t%s\t%s\t%s\t%s", jstr(c, "channel"),
			    jint(c, "alerts"), jint(c, "delivered"), jint(c, "acknowledged"),
			    dur(k, json_object_get(dl, "median_s"), a, sizeof(a)),
			    dur(k, json_object_get(dl, "worst_s"), b, sizeof(b)),
			    dur(k, json_object_get(ak, "median_s"), d, sizeof(d)),
			    dur(k, json_object_get(ak, "worst_s"), e, sizeof(e)));
		}
		table(k, cols, 8, rows);
	}
	buf_reset(&k->b);
	buf_printf(&k->b, "%s: ", L(k, "never_reached"));
	names(k, json_object_get(al, "never_reached"), &k->b);
	k->w->para(k->ctx, buf_str(&k->b));
	if (json_array_size(json_object_get(al, "notices"))) {
		const char *nc[] = {L(k, "topic"), L(k, "organisations"), L(k, "alerts"),
		                    L(k, "delivered"), L(k, "acknowledged")};
		json_t *rows = json_array();
		heading(k, 3, "%s", L(k, "notices"));
		json_array_foreach(json_object_get(al, "notices"), i, v)
		{
			row(rows, "%s\t%lld\t%lld\t%lld\t%lld", jstr(v, "topic"),
			    jint(v, "organisations"), jint(v, "alerts"), jint(v, "delivered"),
			    jint(v, "acknowledged"));
		}
		table(k, nc, 5, rows);
	}
}

static void walk_followup(struct walk *k, json_t *fu)
{
	static const char *const statuses[] = {"patched", "mitigated", "switched-off", "kept-on",
	                                       "unanswered"};
	json_t *q;
	size_t i;

	heading(k, 2, "%s", L(k, "followup"));
	if (json_array_size(fu) == 0)
		para(k, "%s", L(k, "no_requests"));
	json_array_foreach(fu, i, q)
	{
		const char *cols[] = {L(k, "status"), L(k, "count")};
		const char *labs[5];
		double vals[5];
		json_t *rows = json_array(), *ans = json_object_get(q, "answers"),
		       *ex = json_object_get(q, "explanations");

		heading(k, 3, "%s %lld (%s)", L(k, "request"), jint(q, "request"),
		        jstr(q, "advisory"));
		para(k, "%s: %s", L(k, "question"), jstr(q, "question"));
		para(k, "%s %s; %s %s; %lld %s", strcmp(k->lang, "en") == 0 ? "Asked" : "Gevraagd",
		     jstr(q, "asked_at"), L(k, "deadline"), jstr(q, "deadline"),
		     jint(q, "addressed"), L(k, "addressed"));
		for (int s = 0; s < 5; s++) {
			labs[s] = s == 4 ? L(k, "unanswered") : statuses[s];
			vals[s] = (double)jint(ans, statuses[s]);
			row(rows, "%s\t%lld", labs[s], jint(ans, statuses[s]));
		}
		table(k, cols, 2, rows);
		if (k->w->chart)
			k->w->chart(
			    k->ctx,
			    &(struct svg_chart){L(k, "answers_chart"), labs, vals, 5, 0, -1, NULL},
			    1);
		para(k, "%s: %s %lld, %s %lld, %s %lld", L(k, "explanations"), L(k, "accepted"),
		     jint(ex, "accepted"), L(k, "rejected"), jint(ex, "rejected"), L(k, "pending"),
		     jint(ex, "pending"));
		para(k, "%s: %lld", L(k, "late_answers"), jint(q, "late_answers"));
		buf_reset(&k->b);
		buf_printf(&k->b, "%s: ", L(k, "not_answered"));
		names(k, json_object_get(q, "not_answered"), &k->b);
		k->w->para(k->ctx, buf_str(&k->b));
	}
}

static void walk_remediation(struct walk *k, json_t *rem)
{
	json_t *a;
	size_t i;

	heading(k, 2, "%s", L(k, "remediation"));
	if (json_array_size(rem) == 0)
		para(k, "%s", L(k, "no_clocks"));
	json_array_foreach(rem, i, a)
	{
		static const char *const states[] = {"open", "in-time", "late", "overdue",
		                                     "exempted"};
		const char *cols[] = {L(k, "state"), L(k, "count")};
		json_t *rows = json_array(), *share = json_object_get(a, "share_in_time"), *r;
		json_t *pd = json_object_get(a, "per_day"), *late = json_array(),
		       *ex = json_array();
		char d[32];
		size_t j, n = json_array_size(pd);

		heading(k, 3, "%s v%s: %s %s (%s %s)", jstr(a, "advisory"), jstr(a, "version"),
		        L(k, "clock"), jstr(a, "started_at"), L(k, "rule"), jstr(a, "rule"));
		for (int s = 0; s < 5; s++)
			row(rows, "%s\t%lld", states[s], jint(a, states[s]));
		table(k, cols, 2, rows);
		if (json_is_number(share))
			para(k, "%s: %lld / %lld (%.0f%%)", L(k, "in_time_share"),
			     jint(a, "in-time"), jint(a, "organisations") - jint(a, "exempted"),
			     100.0 * json_number_value(share));
		para(
		    k, "%s: %s", L(k, "median_remedy"),
		    json_is_number(json_object_get(a, "median_days_to_remedy"))
		        ? (report_duration(
		               json_number_value(json_object_get(a, "median_days_to_remedy")) * DAY,
		               k->lang, d, sizeof(d)),
		           d)
		        : "-");
		if (k->w->chart && n) {
			const char **labs = xcalloc(n, sizeof(char *));
			double *vals = xcalloc(n, sizeof(double));
			long mark = -1;
			const char *due = NULL;
			json_array_foreach(json_object_get(a, "rows"), j, r)
			{
				if (due == NULL || strcmp(jstr(r, "due"), due) > 0)
					due = jstr(r, "due");
			}
			json_array_foreach(pd, j, r)
			{
				labs[j] = jstr(r, "day") + 5;
				vals[j] = (double)jint(r, "remedied");
				if (due && strncmp(jstr(r, "day"), due, 10) == 0)
					mark = (long)j;
			}
			k->w->chart(k->ctx,
			            &(struct svg_chart){L(k, "remedied_per_day"), labs, vals, n, 1,
			                                mark, L(k, "due")},
			            0);
			free(labs);
			free(vals);
		}
		if (json_array_size(json_object_get(a, "overdue_list"))) {
			const char *oc[] = {L(k, "org"), L(k, "due"), L(k, "days_over")};
			rows = json_array();
			heading(k, 4, "%s", L(k, "overdue_list"));
			json_array_foreach(json_object_get(a, "overdue_list"), j, r)
			{
				row(rows, "%s\t%s\t%lld", jstr(r, "org"), jstr(r, "due"),
				    jint(r, "days_over"));
			}
			table(k, oc, 3, rows);
		}
		json_array_foreach(json_object_get(a, "rows"), j, r)
		{
			if (strcmp(jstr(r, "state"), "late") == 0)
				json_array_append(late, r);
			if (strcmp(jstr(r, "state"), "exempted") == 0)
				json_array_append(ex, r);
		}
		if (json_array_size(late)) {
			const char *lc[] = {L(k, "org"), L(k, "due"), L(k, "remedied"),
			                    L(k, "days_over"), L(k, "via")};
			rows = json_array();
			heading(k, 4, "%s", L(k, "late_list"));
			json_array_foreach(late, j, r)
			{
				row(rows, "%s\t%s\t%s\t%lld\t%s", jstr(r, "org"), jstr(r, "due"),
				    jstr(r, "remedied_at"), jint(r, "days_over"), jstr(r, "via"));
			}
			table(k, lc, 5, rows);
		}
		if (k->w->every_org && json_array_size(json_object_get(a, "rows"))) {
			const char *ac[] = {L(k, "org"),      L(k, "state"),     L(k, "due"),
			                    L(k, "remedied"), L(k, "to_remedy"), L(k, "days_over"),
			                    L(k, "via")};
			rows = json_array();
			heading(k, 4, "%s", L(k, "every_org"));
			json_array_foreach(json_object_get(a, "rows"), j, r)
			{
				char tr[32] = "-";
				if (json_is_number(json_object_get(r, "days_to_remedy")))
					report_duration(json_number_value(
					                    json_object_get(r, "days_to_remedy")) *
					                    DAY,
					                k->lang, tr, sizeof(tr));
				row(rows, "%s\t%s\t%s\t%s\t%s\t%lld\t%s", jstr(r, "org"),
				    jstr(r, "state"), jstr(r, "due"),
				    json_is_string(json_object_get(r, "remedied_at"))
				        ? jstr(r, "remedied_at")
				        : "-",
				    tr, jint(r, "days_over"),
				    json_is_string(json_object_get(r, "via")) ? jstr(r, "via")
				                                              : "-");
			}
			table(k, ac, 7, rows);
		}
		if (json_array_size(ex)) {
			buf_reset(&k->b);
			buf_printf(&k->b, "%s: ", L(k, "exempted_list"));
			names(k, ex, &k->b);
			k->w->para(k->ctx, buf_str(&k->b));
		}
		json_decref(late);
		json_decref(ex);
	}
}

void report_walk(json_t *r, const struct report_writer *w, void *ctx)
{
	struct walk k = {w, ctx, json_string_value(json_object_get(r, "lang")), {0}};
	json_t *inc = json_object_get(r, "incident"), *x, *rows;
	const char *two[2];
	size_t i, n;

	if (k.lang == NULL)
		k.lang = "nl";
	buf_init(&k.b, 1 << 20);
	heading(&k, 1, "%s: %s", L(&k, "title"), jstr(inc, "title"));
	para(&k, "Incident %s; %s %lld; %s %s", jstr(inc, "id"), L(&k, "level"), jint(inc, "level"),
	     L(&k, "as_of"), jstr(r, "as_of"));
	buf_reset(&k.b);
	buf_printf(&k.b, "%s: ", L(&k, "advisories"));
	json_array_foreach(json_object_get(r, "advisories"), i, x)
	{
		buf_printf(&k.b, "%s%s (%s)", i ? "; " : "", jstr(x, "id"), jstr(x, "title"));
	}
	k.w->para(k.ctx, buf_str(&k.b));

	heading(&k, 2, "%s", L(&k, "timeline"));
	two[0] = L(&k, "when");
	two[1] = L(&k, "what");
	rows = json_array();
	json_array_foreach(json_object_get(r, "timeline"), i, x)
	{
		row(rows, "%s\t%s", jstr(x, "at"), jstr(x, "text"));
	}
	table(&k, two, 2, rows);

	walk_alerting(&k, json_object_get(r, "alerting"));
	walk_followup(&k, json_object_get(r, "followup"));
	walk_remediation(&k, json_object_get(r, "remediation"));

	heading(&k, 2, "%s", L(&k, "exposure"));
	n = json_array_size(json_object_get(r, "exposure"));
	if (n == 0)
		para(&k, "%s", L(&k, "no_exposure"));
	else {
		const char **labs = xcalloc(n, sizeof(char *));
		double *vals = xcalloc(n, sizeof(double));
		two[0] = L(&k, "day");
		two[1] = L(&k, "systems");
		rows = json_array();
		json_array_foreach(json_object_get(r, "exposure"), i, x)
		{
			labs[i] = jstr(x, "day") + 5;
			vals[i] = (double)jint(x, "systems");
			row(rows, "%s\t%lld", jstr(x, "day"), jint(x, "systems"));
		}
		if (w->chart)
			w->chart(ctx,
			         &(struct svg_chart){L(&k, "exposure_chart"), labs, vals, n, 0, -1,
			                             NULL},
			         0);
		table(&k, two, 2, rows);
		free(labs);
		free(vals);
	}

	if (json_array_size(json_object_get(r, "patches"))) {
		const char *pc[] = {L(&k, "branch"), L(&k, "promised"), L(&k, "changes"),
		                    L(&k, "released"), L(&k, "vs_promise")};
		heading(&k, 2, "%s", L(&k, "patches"));
		rows = json_array();
		json_array_foreach(json_object_get(r, "patches"), i, x)
		{
			json_t *an = json_object_get(x, "announcements"),
			       *rel = json_object_get(x, "released"), *y;
			struct buf ch;
			char vs[48] = "-";
			size_t j;

			buf_init(&ch, 4096);
			json_array_foreach(an, j, y)
			{
				if (j > 0)
					buf_printf(&ch, "%s%s (%s)", j > 1 ? "; " : "",
					           jstr(y, "date"), jstr(y, "at"));
			}
			if (json_is_number(json_object_get(x, "days_vs_promise"))) {
				double d = json_number_value(json_object_get(x, "days_vs_promise"));
				report_duration(fabs(d) * DAY, k.lang, vs, sizeof(vs));
				snprintf(vs + strlen(vs), sizeof(vs) - strlen(vs), " %s",
				         d <= 0 ? (strcmp(k.lang, "en") == 0 ? "early" : "eerder")
				                : (strcmp(k.lang, "en") == 0 ? "late" : "later"));
			}
			row(rows, "%s\t%s\t%s\t%s%s%s%s\t%s", jstr(x, "branch"),
			    json_array_size(an) ? jstr(json_array_get(an, 0), "date") : "-",
			    ch.len ? buf_str(&ch) : "-",
			    json_is_object(rel) ? jstr(rel, "version") : "-",
			    json_is_object(rel) ? " (" : "",
			    json_is_object(rel) ? jstr(rel, "at") : "",
			    json_is_object(rel) ? ")" : "", vs);
			buf_free(&ch);
		}
		table(&k, pc, 5, rows);
	}

	heading(&k, 2, "%s", L(&k, "sources"));
	para(&k, L(&k, "sources_text"), jint(json_object_get(r, "sources"), "events"),
	     jstr(json_object_get(r, "sources"), "chain_head"));
	buf_free(&k.b);
}

/* ---- Markdown ---- */

struct md {
	struct buf *out;
	int full;
};

/* Markdown text: the characters that would make markup are escaped (">" and "#" only where
 * they would start a quote or a heading); a newline is a space. */
static void md_text(struct buf *out, const char *s, int para)
{
	const char *start = para ? s : NULL;

	for (; s && *s; s++) {
		if (*s == '\n' || *s == '\r')
			buf_addc(out, ' ');
		else if (strchr("\\`*_[]<|", *s) || (s == start && strchr(">#+-", *s))) {
			buf_addc(out, '\\');
			buf_addc(out, *s);
		} else
			buf_addc(out, *s);
	}
}

static void md_heading(void *ctx, int level, const char *text)
{
	struct md *m = ctx;

	buf_printf(m->out, "%.*s ", level, "######");
	md_text(m->out, text, 0);
	buf_adds(m->out, "\n\n");
}

static void md_para(void *ctx, const char *text)
{
	struct md *m = ctx;

	md_text(m->out, text, 1);
	buf_adds(m->out, "\n\n");
}

static void md_table(void *ctx, const char *const *cols, size_t n, json_t *rows)
{
	struct md *m = ctx;
	json_t *r, *c;
	size_t i, j;

	buf_adds(m->out, "|");
	for (i = 0; i < n; i++) {
		buf_addc(m->out, ' ');
		md_text(m->out, cols[i], 0);
		buf_adds(m->out, " |");
	}
	buf_adds(m->out, "\n|");
	for (i = 0; i < n; i++)
		buf_adds(m->out, " --- |");
	buf_addc(m->out, '\n');
	json_array_foreach(rows, i, r)
	{
		buf_adds(m->out, "|");
		json_array_foreach(r, j, c)
		{
			buf_addc(m->out, ' ');
			md_text(m->out, json_string_value(c), 0);
			buf_adds(m->out, " |");
		}
		buf_addc(m->out, '\n');
	}
	if (buf_addc(m->out, '\n') != 0)
		m->full = 1;
}

int report_markdown(json_t *r, struct buf *out)
{
	struct md m = {out, 0};
	const struct report_writer w = {md_heading, md_para, md_table, NULL, 0};

	report_walk(r, &w, &m);
	return m.full ? ERR_INPUT : 0;
}
