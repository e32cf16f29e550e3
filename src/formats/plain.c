/* plain.c: the plain-text advisory. */
#include "formats/plain.h"

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "domain/matrix.h"
#include "domain/version.h"
#include "model/advisory.h"

#include <string.h>

#define LABEL_WIDTH 16
#define TEXT_WIDTH  72

struct plain_labels {
	const char *banner_word, *title, *id, *version, *likelihood, *cve, *impact, *date,
	    *products, *versions, *platforms, *update, *summary, *consequences, *description,
	    *solutions, *fixed_in, *more, *no_solution, *none, *disclaimer_head, *disclaimer;
};

static const struct plain_labels nl = {
    "B E V E I L I G I N G S A D V I E S",
    "Titel",
    "Advisory ID",
    "Versie",
    "Kans",
    "CVE ID",
    "Schade",
    "Uitgiftedatum",
    "Toepassing",
    "Versie(s)",
    "Platform(s)",
    "Update",
    "Samenvatting",
    "Gevolgen",
    "Beschrijving",
    "Mogelijke oplossingen",
    "Verholpen in:",
    "Meer informatie:",
    "Er is nog geen oplossing beschikbaar.",
    "Geen bekende gevolgen.",
    "Vrijwaringsverklaring",
    "Door gebruik te maken van dit beveiligingsadvies gaat u akkoord met de volgende "
    "voorwaarden. Dit advies is met zorg samengesteld, maar de uitgever staat niet in voor "
    "de volledigheid, juistheid of voortdurende actualiteit ervan. De informatie is bedoeld "
    "voor professionele partijen. De uitgever is niet aansprakelijk voor schade die ontstaat "
    "door het gebruik van dit advies. Op dit advies is Nederlands recht van toepassing.",
};

static const struct plain_labels en = {
    "S E C U R I T Y   A D V I S O R Y",
    "Title",
    "Advisory ID",
    "Version",
    "Probability",
    "CVE ID",
    "Damage",
    "Publication date",
    "Product(s)",
    "Version(s)",
    "Platform(s)",
    "Update",
    "Summary",
    "Consequences",
    "Description",
    "Possible solutions",
    "Fixed in:",
    "More information:",
    "No solution is available yet.",
    "No known consequences.",
    "Disclaimer",
    "By using this security advisory you agree to the following terms. This advisory was "
    "compiled with care, but the publisher does not guarantee that it is complete, correct or "
    "up to date. It is meant for professionals. The publisher is not liable for damage that "
    "arises from its use. Dutch law applies to this advisory.",
};

int plain_wrap(struct buf *out, const char *text, int indent, int width)
{
	const char *p = text;
	int col = 0, rc = 0;

	while (*p && rc == 0) {
		const char *eol = strchr(p, '\n');
		size_t linelen = eol ? (size_t)(eol - p) : strlen(p);
		const char *q = p, *end = p + linelen;

		if (linelen == 0) {
			if (col)
				rc |= buf_addc(out, '\n');
			rc |= buf_addc(out, '\n');
			col = 0;
		}
		/* a list item starts on its own line */
		if (col && linelen >= 2 && p[0] == '-' && p[1] == ' ') {
			rc |= buf_addc(out, '\n');
			col = 0;
		}
		while (q < end) {
			const char *w = q;
			int wl;

			while (w < end && *w != ' ')
				w++;
			wl = (int)(w - q);
			if (wl) {
				if (col && col + 1 + wl > width) {
					rc |= buf_addc(out, '\n');
					col = 0;
				}
				if (col == 0)
					col = indent, rc |= buf_printf(out, "%*s", indent, "");
				else
					col++, rc |= buf_addc(out, ' ');
				rc |= buf_add(out, q, (size_t)wl);
				col += wl;
			}
			q = w < end ? w + 1 : w;
		}
		p = eol ? eol + 1 : end;
		/* a line of its own stays one (a list item, or text after a line break) */
		if (col && eol && *p && (p[0] == '-' || p[0] == '\n')) {
			rc |= buf_addc(out, '\n');
			col = 0;
		}
	}
	if (col)
		rc |= buf_addc(out, '\n');
	return rc ? ERR_INPUT : 0;
}

/* The i-th fixed version in product, then version order (a selection: the lists are short). */
static const struct advisory_fix *fixed_nth(const struct advisory_version *v, size_t i)
{
	for (size_t a = 0; a < v->nfixed; a++) {
		size_t before = 0;
		for (size_t b = 0; b < v->nfixed; b++) {
			int c = strcmp(v->fixed[b].product, v->fixed[a].product);
			if (c == 0)
				c = version_compare(v->fixed[b].version, v->fixed[a].version);
			before += c < 0 || (c == 0 && b < a);
		}
		if (before == i)
			return &v->fixed[a];
	}
	return &v->fixed[i];
}

static void field(struct buf *out, const char *label, const char *value)
{
	buf_printf(out, "%-*s: %s\n", LABEL_WIDTH, label, value ? value : "");
}

static void continuation(struct buf *out, const char *value)
{
	buf_printf(out, "%*s  %s\n", LABEL_WIDTH, "", value);
}

static void section(struct buf *out, const char *head, const char *body)
{
	buf_printf(out, "\n%s\n", head);
	if (body && body[0])
		plain_wrap(out, body, 4, TEXT_WIDTH);
}

int plain_render(const struct advisory_version *v, const char *lang, struct buf *out)
{
	const struct plain_labels *L = lang && strncmp(lang, "en", 2) == 0 ? &en : &nl;
	const char *lines[MATRIX_MAX_CONSEQUENCES];
	char label[16], date[16], banner[128], spaced[64];
	size_t n = 0, blen;
	int nlines;

	advisory_version_label(v->num, label, sizeof(label));
	if (v->published)
		time_format_compact_date(v->published_at, date, sizeof(date));
	else
		snprintf(date, sizeof(date), "%s",
		         lang && strncmp(lang, "en", 2) == 0 ? "(draft)" : "(concept)");
	/* the banner spells the ID's prefix: "N C S C" */
	for (const char *p = v->id; *p && *p != '-' && n + 3 < sizeof(spaced); p++) {
		if (n)
			spaced[n++] = ' ';
		spaced[n++] = *p;
	}
	spaced[n] = '\0';
	snprintf(banner, sizeof(banner), "##  %s ~ %s  ##", spaced, L->banner_word);
	blen = strlen(banner);
	if (strcmp(v->tlp, "CLEAR") != 0)
		buf_printf(out, "TLP:%s\n\n", v->tlp);
	for (size_t i = 0; i < blen; i++)
		buf_addc(out, '#');
	buf_printf(out, "\n%s\n", banner);
	for (size_t i = 0; i < blen; i++)
		buf_addc(out, '#');
	buf_adds(out, "\n");

	field(out, L->title, v->title);
	field(out, L->id, v->id);
	field(out, L->version, label);
	field(out, L->likelihood, v->likelihood);
	field(out, L->cve, v->ncves ? v->cves[0] : "-");
	for (size_t i = 1; i < v->ncves; i++)
		continuation(out, v->cves[i]);
	field(out, L->impact, v->impact);
	nlines =
	    matrix_consequences(&v->matrix, lang ? lang : "nl", lines, MATRIX_MAX_CONSEQUENCES);
	for (int i = 0; i < nlines; i++)
		continuation(out, lines[i]);
	field(out, L->date, date);
	field(out, L->products, v->naffects ? v->affects[0].product : "");
	for (size_t i = 1; i < v->naffects; i++)
		continuation(out, v->affects[i].product);
	/* one line per interval of each range: ">=10.5|<10.5.70.12" */
	for (size_t i = 0; i < v->naffects; i++) {
		const char *r = v->affects[i].range, *p = r;
		char line[2048];

		while (*p) {
			const char *q = p;
			while (*q && !(q > p && q[-1] == '|' && q[0] == '>'))
				q++;
			snprintf(line, sizeof(line), "%s %.*s", v->affects[i].product,
			         (int)(q - p - (*q ? 1 : 0)), p);
			if (i == 0 && p == r)
				field(out, L->versions, line);
			else
				continuation(out, line);
			p = q;
		}
	}
	field(out, L->platforms, v->platform ? v->platform : "-");

	if (v->num > 0) {
		/* each change of this version on a line of its own */
		const char *p = v->changelog ? v->changelog : "";
		buf_printf(out, "\n%s\n", L->update);
		while (*p) {
			const char *eol = strchr(p, '\n');
			char *one = xstrndup(p, eol ? (size_t)(eol - p) : strlen(p));
			plain_wrap(out, one, 4, TEXT_WIDTH);
			free(one);
			p = eol ? eol + 1 : p + strlen(p);
		}
	}
	section(out, L->summary, v->summary ? v->summary : v->title);
	buf_printf(out, "\n%s\n", L->consequences);
	if (nlines == 0)
		plain_wrap(out, L->none, 4, TEXT_WIDTH);
	for (int i = 0; i < nlines; i++)
		buf_printf(out, "    - %s\n", lines[i]);
	if (v->description)
		section(out, L->description, v->description);
	else
		buf_printf(out, "\n%s\n", L->description);
	buf_printf(out, "\n%s\n", L->solutions);
	if (v->solution)
		plain_wrap(out, v->solution, 4, TEXT_WIDTH);
	if (v->nfixed) {
		buf_printf(out, "%s    %s\n", v->solution ? "\n" : "", L->fixed_in);
		for (size_t i = 0; i < v->nfixed; i++) {
			const struct advisory_fix *f = fixed_nth(v, i);
			buf_printf(out, "    - %s %s\n", f->product, f->version);
		}
	}
	if (v->solution == NULL && v->nfixed == 0)
		plain_wrap(out, L->no_solution, 4, TEXT_WIDTH);
	if (v->nrefs) {
		buf_printf(out, "\n    %s\n", L->more);
		for (size_t i = 0; i < v->nrefs; i++)
			buf_printf(out, "    - %s\n", v->refs[i]);
	}
	section(out, L->disclaimer_head, L->disclaimer);
	return 0;
}
