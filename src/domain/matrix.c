/* matrix.c: the NCSC classification matrix, one table and the functions that read it. */
#include "domain/matrix.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

struct matrix_answer {
	const char *value; /* as written on the command line */
	int points;
	const char *label_en;
	const char *label_nl;
	const char *consequence_en; /* impact answers other than "no"; NULL otherwise */
	const char *consequence_nl;
};

struct matrix_question_def {
	const char *flag; /* without the dashes */
	const char *text_en;
	const char *text_nl;
	int likelihood; /* 1: summed into the likelihood; 0: impact, the maximum counts */
	int answer_count;
	struct matrix_answer answer[MATRIX_MAX_ANSWERS];
};

/* Whether a question is summed into the likelihood or counts by its maximum in the impact. */
enum {
	MATRIX_IMPACT = 0,
	MATRIX_LIKELIHOOD = 1
};

/* DESIGN §3a, exactly. Answers are listed lowest first: a question not answered counts as its
 * first answer. Laid out by hand so that it can be read against the design. */
/* clang-format off */
static const struct matrix_question_def matrix_table[MATRIX_QUESTIONS] = {
[MATRIX_Q_DEFAULT_CONFIG] = {"default-config",
	"Vulnerable in the default configuration?", "Kwetsbaar in de standaardconfiguratie?",
	MATRIX_LIKELIHOOD, 3, {
	{"no",             1, "no",                     "nee",                  NULL, NULL},
	{"unclear",        3, "unclear",                "onduidelijk",          NULL, NULL},
	{"yes",            3, "yes",                    "ja",                   NULL, NULL}}},
[MATRIX_Q_EXPLOIT] = {"exploit",
	"Exploit code available?", "Exploitcode beschikbaar?",
	MATRIX_LIKELIHOOD, 3, {
	{"none",           1, "none",                   "geen",                 NULL, NULL},
	{"poc",            4, "proof of concept",       "proof-of-concept",     NULL, NULL},
	{"exploit",        6, "exploit",                "exploit",              NULL, NULL}}},
[MATRIX_Q_DETAILS] = {"details",
	"Details available?", "Details beschikbaar?",
	MATRIX_LIKELIHOOD, 3, {
	{"none",           1, "none",                   "geen",                 NULL, NULL},
	{"somewhat",       2, "somewhat",               "gedeeltelijk",         NULL, NULL},
	{"fully",          3, "fully",                  "volledig",             NULL, NULL}}},
[MATRIX_Q_ACCESS] = {"access",
	"Access needed?", "Benodigde toegang?",
	MATRIX_LIKELIHOOD, 3, {
	{"physical",       1, "physical",               "fysiek",               NULL, NULL},
	{"lan",            4, "local network",          "lokaal netwerk",       NULL, NULL},
	{"internet",       6, "internet",               "internet",             NULL, NULL}}},
[MATRIX_Q_CREDENTIALS] = {"credentials",
	"Credentials needed?", "Benodigde inloggegevens?",
	MATRIX_LIKELIHOOD, 3, {
	{"admin",          1, "administrator",          "beheerder",            NULL, NULL},
	{"user",           2, "user",                   "gebruiker",            NULL, NULL},
	{"none",           4, "none",                   "geen",                 NULL, NULL}}},
[MATRIX_Q_COMPLEXITY] = {"complexity",
	"Exploit complexity?", "Complexiteit van misbruik?",
	MATRIX_LIKELIHOOD, 3, {
	{"complex",        1, "complex",                "complex",              NULL, NULL},
	{"average",        2, "average",                "gemiddeld",            NULL, NULL},
	{"easy",           3, "easy",                   "eenvoudig",            NULL, NULL}}},
[MATRIX_Q_INTERACTION] = {"interaction",
	"User interaction needed?", "Gebruikersinteractie nodig?",
	MATRIX_LIKELIHOOD, 3, {
	{"complex",        1, "complex",                "complex",              NULL, NULL},
	{"easy",           3, "easy",                   "eenvoudig",            NULL, NULL},
	{"none",           4, "none",                   "geen",                 NULL, NULL}}},
[MATRIX_Q_EXPLOITED] = {"exploited",
	"Actively exploited?", "Wordt actief misbruikt?",
	MATRIX_LIKELIHOOD, 3, {
	{"no",             1, "no",                     "nee",                  NULL, NULL},
	{"limited",        2, "limited",                "beperkt",              NULL, NULL},
	{"large-scale",    3, "large scale",            "grootschalig",         NULL, NULL}}},
[MATRIX_Q_EXPLOIT_EXPECTED] = {"exploit-expected",
	"Exploit expected?", "Misbruik verwacht?",
	MATRIX_LIKELIHOOD, 2, {
	{"no",             1, "no",                     "nee",                  NULL, NULL},
	{"yes",            3, "yes",                    "ja",                   NULL, NULL}}},
[MATRIX_Q_FIX_AVAILABLE] = {"fix-available",
	"Solution available?", "Oplossing beschikbaar?",
	MATRIX_LIKELIHOOD, 3, {
	{"over-2-months",  1, "for more than 2 months", "langer dan 2 maanden", NULL, NULL},
	{"under-2-months", 2, "for less than 2 months", "korter dan 2 maanden", NULL, NULL},
	{"none",           3, "none",                   "geen",                 NULL, NULL}}},

[MATRIX_Q_DOS] = {"dos",
	"Denial of service?", "Denial-of-Service?",
	MATRIX_IMPACT, 3, {
	{"no",             0, "no",                     "nee",                  NULL, NULL},
	{"client",         1, "yes, client",            "ja, client",
	 "Denial-of-Service (DoS)",
	 "Denial-of-Service (DoS)"},
	{"infrastructure", 2, "yes, infrastructure service", "ja, infrastructuurdienst",
	 "Denial-of-Service (DoS)",
	 "Denial-of-Service (DoS)"}}},
[MATRIX_Q_CODE_EXEC] = {"code-exec",
	"Arbitrary code execution?", "Uitvoeren van willekeurige code?",
	MATRIX_IMPACT, 3, {
	{"no",             0, "no",                     "nee",                  NULL, NULL},
	{"user",           1, "with user rights",       "met gebruikersrechten",
	 "Execution of arbitrary code (user rights)",
	 "Uitvoeren van willekeurige code (gebruikersrechten)"},
	{"root",           2, "with root/admin rights", "met root/admin-rechten",
	 "Execution of arbitrary code (root/admin rights)",
	 "Uitvoeren van willekeurige code (root/admin-rechten)"}}},
[MATRIX_Q_REMOTE] = {"remote",
	"Remote access?", "Toegang op afstand?",
	MATRIX_IMPACT, 3, {
	{"no",             0, "no",                     "nee",                  NULL, NULL},
	{"shell",          1, "remote shell",           "remote shell",
	 "Gaining access to the system",
	 "Verkrijgen van toegang tot het systeem"},
	{"root-shell",     2, "remote root shell",      "remote root shell",
	 "Gaining access to the system (root/admin rights)",
	 "Verkrijgen van toegang tot het systeem (root/admin-rechten)"}}},
[MATRIX_Q_PRIVESC] = {"privesc",
	"Privilege escalation?", "Verhoging van rechten?",
	MATRIX_IMPACT, 2, {
	{"no",             0, "no",                     "nee",                  NULL, NULL},
	{"yes",            1, "yes",                    "ja",
	 "Gaining elevated privileges",
	 "Verkrijgen van verhoogde rechten"}}},
[MATRIX_Q_LEAK] = {"leak",
	"Information leakage?", "Lekken van informatie?",
	MATRIX_IMPACT, 3, {
	{"no",             0, "no",                     "nee",                  NULL, NULL},
	{"system",         1, "system information",     "systeeminformatie",
	 "Access to system data",
	 "Toegang tot systeemgegevens"},
	{"data",           2, "data",                   "gegevens",
	 "Access to sensitive data",
	 "Toegang tot gevoelige gegevens"}}},
};
/* clang-format on */

_Static_assert(sizeof(matrix_table) / sizeof(matrix_table[0]) == MATRIX_QUESTIONS,
               "one table row per question");
_Static_assert(MATRIX_Q_LEAK + 1 == MATRIX_QUESTIONS, "enum matrix_question covers the table");

/* The longest value quoted back in an error message. */
#define MATRIX_QUOTE_MAX 64

static int matrix_english(const char *lang)
{
	return lang != NULL && strncasecmp(lang, "en", 2) == 0;
}

static const char *matrix_pick(const char *lang, const char *en, const char *nl)
{
	return matrix_english(lang) ? en : nl;
}

static int matrix_valid_q(int q)
{
	return q >= 0 && q < MATRIX_QUESTIONS;
}

/* The answer given to q, or -1 when none (or a value outside the question's answers). */
static int matrix_given(const struct matrix *m, int q)
{
	int a = m->answer[q];

	return a >= 0 && a < matrix_table[q].answer_count ? a : -1;
}

/* The answer q counts as: the one given, else the lowest. */
static int matrix_counted(const struct matrix *m, int q)
{
	int a = matrix_given(m, q);

	return a < 0 ? 0 : a;
}

/* 1 when the n bytes at s are word, in any case. */
static int matrix_match(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

static int matrix_find_flag_n(const char *s, size_t n)
{
	if (n >= 2 && s[0] == '-' && s[1] == '-') {
		s += 2;
		n -= 2;
	}
	for (int q = 0; q < MATRIX_QUESTIONS; q++)
		if (matrix_match(s, n, matrix_table[q].flag))
			return q;
	return -1;
}

static int matrix_find_value_n(int q, const char *s, size_t n)
{
	for (int a = 0; a < matrix_table[q].answer_count; a++)
		if (matrix_match(s, n, matrix_table[q].answer[a].value))
			return a;
	return -1;
}

/* "none, poc, exploit" into dst. */
static void matrix_allowed(int q, char *dst, size_t size)
{
	size_t len = 0;

	dst[0] = '\0';
	for (int a = 0; a < matrix_table[q].answer_count && len < size; a++) {
		int n = snprintf(dst + len, size - len, "%s%s", a ? ", " : "",
		                 matrix_table[q].answer[a].value);
		if (n < 0)
			break;
		len += (size_t)n;
	}
}

/* "--default-config, --exploit, ..." into dst. */
static void matrix_all_flags(char *dst, size_t size)
{
	size_t len = 0;

	dst[0] = '\0';
	for (int q = 0; q < MATRIX_QUESTIONS && len < size; q++) {
		int n =
		    snprintf(dst + len, size - len, "%s--%s", q ? ", " : "", matrix_table[q].flag);
		if (n < 0)
			break;
		len += (size_t)n;
	}
}

/* The printable length of a quoted value in a message. */
static int matrix_quote_len(size_t n)
{
	return n > MATRIX_QUOTE_MAX ? MATRIX_QUOTE_MAX : (int)n;
}

const char *level_name(enum level l)
{
	switch (l) {
	case LEVEL_LOW:
		return "low";
	case LEVEL_MEDIUM:
		return "medium";
	case LEVEL_HIGH:
		return "high";
	}
	return "unknown";
}

int level_parse(const char *s, enum level *out)
{
	static const enum level all[] = {LEVEL_LOW, LEVEL_MEDIUM, LEVEL_HIGH};

	if (s == NULL)
		return ERR_INPUT;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (strcasecmp(s, level_name(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	}
	return ERR_INPUT;
}

char level_letter(enum level l)
{
	switch (l) {
	case LEVEL_LOW:
		return 'L';
	case LEVEL_MEDIUM:
		return 'M';
	case LEVEL_HIGH:
		return 'H';
	}
	return '?';
}

void matrix_init(struct matrix *m)
{
	for (int q = 0; q < MATRIX_QUESTIONS; q++)
		m->answer[q] = -1;
}

int matrix_question_count(void)
{
	return MATRIX_QUESTIONS;
}

const char *matrix_flag(int q)
{
	return matrix_valid_q(q) ? matrix_table[q].flag : NULL;
}

int matrix_find_flag(const char *flag)
{
	if (flag == NULL)
		return -1;
	return matrix_find_flag_n(flag, strlen(flag));
}

int matrix_is_likelihood(int q)
{
	return matrix_valid_q(q) && matrix_table[q].likelihood;
}

const char *matrix_question_text(int q, const char *lang)
{
	if (!matrix_valid_q(q))
		return NULL;
	return matrix_pick(lang, matrix_table[q].text_en, matrix_table[q].text_nl);
}

int matrix_answer_count(int q)
{
	return matrix_valid_q(q) ? matrix_table[q].answer_count : 0;
}

static const struct matrix_answer *matrix_answer_def(int q, int a)
{
	if (!matrix_valid_q(q) || a < 0 || a >= matrix_table[q].answer_count)
		return NULL;
	return &matrix_table[q].answer[a];
}

const char *matrix_answer_value(int q, int a)
{
	const struct matrix_answer *d = matrix_answer_def(q, a);

	return d ? d->value : NULL;
}

int matrix_answer_points(int q, int a)
{
	const struct matrix_answer *d = matrix_answer_def(q, a);

	return d ? d->points : -1;
}

const char *matrix_answer_label(int q, int a, const char *lang)
{
	const struct matrix_answer *d = matrix_answer_def(q, a);

	return d ? matrix_pick(lang, d->label_en, d->label_nl) : NULL;
}

int matrix_set(struct matrix *m, const char *flag, const char *value, struct err *e)
{
	char allowed[128];
	int q, a;

	q = matrix_find_flag(flag);
	if (q < 0) {
		char flags[512];
		size_t n = flag ? strlen(flag) : 0;

		matrix_all_flags(flags, sizeof(flags));
		return err_set(e, ERR_USAGE,
		               "unknown classification question \"%.*s\"; the questions are %s",
		               matrix_quote_len(n), flag ? flag : "", flags);
	}
	matrix_allowed(q, allowed, sizeof(allowed));
	if (value == NULL)
		return err_set(e, ERR_USAGE, "--%s needs a value: one of %s", matrix_table[q].flag,
		               allowed);
	a = matrix_find_value_n(q, value, strlen(value));
	if (a < 0)
		return err_set(e, ERR_INPUT, "--%s: \"%.*s\" is not one of %s",
		               matrix_table[q].flag, matrix_quote_len(strlen(value)), value,
		               allowed);
	m->answer[q] = (signed char)a;
	return 0;
}

void matrix_merge(struct matrix *dst, const struct matrix *given)
{
	for (int q = 0; q < MATRIX_QUESTIONS; q++) {
		int a = matrix_given(given, q);

		if (a >= 0)
			dst->answer[q] = (signed char)a;
	}
}

enum level matrix_likelihood_level(int points)
{
	if (points >= MATRIX_LIKELIHOOD_HIGH)
		return LEVEL_HIGH;
	if (points >= MATRIX_LIKELIHOOD_MEDIUM)
		return LEVEL_MEDIUM;
	return LEVEL_LOW;
}

enum level matrix_impact_level(int points)
{
	if (points >= 2)
		return LEVEL_HIGH;
	if (points == 1)
		return LEVEL_MEDIUM;
	return LEVEL_LOW;
}

void matrix_evaluate(const struct matrix *m, struct matrix_result *r)
{
	r->likelihood_points = 0;
	r->impact_points = 0;
	for (int q = 0; q < MATRIX_QUESTIONS; q++) {
		int p = matrix_table[q].answer[matrix_counted(m, q)].points;

		r->points[q] = p;
		if (matrix_table[q].likelihood)
			r->likelihood_points += p;
		else if (p > r->impact_points)
			r->impact_points = p;
	}
	r->likelihood = matrix_likelihood_level(r->likelihood_points);
	r->impact = matrix_impact_level(r->impact_points);
}

int matrix_consequences(const struct matrix *m, const char *lang, const char **lines, int max)
{
	int n = 0;

	for (int q = 0; q < MATRIX_QUESTIONS && n < max; q++) {
		const struct matrix_answer *d = &matrix_table[q].answer[matrix_counted(m, q)];

		if (d->consequence_en != NULL)
			lines[n++] = matrix_pick(lang, d->consequence_en, d->consequence_nl);
	}
	return n;
}

const char *matrix_answer_name(const struct matrix *m, int q)
{
	if (!matrix_valid_q(q))
		return NULL;
	return matrix_table[q].answer[matrix_counted(m, q)].value;
}

int matrix_to_text(const struct matrix *m, struct buf *out)
{
	int first = 1;

	for (int q = 0; q < MATRIX_QUESTIONS; q++) {
		int a = matrix_given(m, q);

		if (a < 0)
			continue;
		if (buf_printf(out, "%s%s=%s", first ? "" : ",", matrix_table[q].flag,
		               matrix_table[q].answer[a].value) != 0)
			return ERR_INPUT;
		first = 0;
	}
	return 0;
}

static int matrix_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Narrows [*s, *s + *n) to leave out blanks at both ends. */
static void matrix_trim(const char **s, size_t *n)
{
	while (*n > 0 && matrix_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && matrix_blank((*s)[*n - 1]))
		(*n)--;
}

int matrix_from_text(const char *text, struct matrix *m, struct err *e)
{
	struct matrix tmp;
	const char *p = text;
	int item = 0;

	matrix_init(&tmp);
	if (text == NULL)
		return err_set(e, ERR_INPUT, "classification: no text");
	{
		const char *s = text;
		size_t n = strlen(text);

		matrix_trim(&s, &n);
		if (n == 0) {
			*m = tmp;
			return 0;
		}
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		const char *key = p, *val;
		size_t klen, vlen;
		int q, a;

		item++;
		if (eq == NULL)
			return err_set(e, ERR_INPUT,
			               "classification item %d \"%.*s\": not question=answer", item,
			               matrix_quote_len(len), p);
		klen = (size_t)(eq - p);
		val = eq + 1;
		vlen = len - klen - 1;
		matrix_trim(&key, &klen);
		matrix_trim(&val, &vlen);
		q = matrix_find_flag_n(key, klen);
		if (q < 0)
			return err_set(e, ERR_INPUT,
			               "classification item %d: unknown question \"%.*s\"", item,
			               matrix_quote_len(klen), key);
		if (tmp.answer[q] >= 0)
			return err_set(e, ERR_INPUT, "classification item %d: %s given twice", item,
			               matrix_table[q].flag);
		a = matrix_find_value_n(q, val, vlen);
		if (a < 0) {
			char allowed[128];

			matrix_allowed(q, allowed, sizeof(allowed));
			return err_set(e, ERR_INPUT,
			               "classification item %d: %s=\"%.*s\" is not one of %s", item,
			               matrix_table[q].flag, matrix_quote_len(vlen), val, allowed);
		}
		tmp.answer[q] = (signed char)a;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	*m = tmp;
	return 0;
}

int matrix_explain(const struct matrix *m, const char *lang, struct buf *out)
{
	struct matrix_result r;
	const char *lines[MATRIX_MAX_CONSEQUENCES];
	int rc = 0, unanswered = 0, n;

	matrix_evaluate(m, &r);
	for (int q = 0; q < MATRIX_QUESTIONS && rc == 0; q++) {
		char answer[48];
		int given = matrix_given(m, q) >= 0;

		if (q == 0)
			rc = buf_printf(out, "%s\n  %6s  %-32s %s\n",
			                matrix_pick(lang,
			                            "Likelihood (kans): the sum of ten answers",
			                            "Kans: de som van tien antwoorden"),
			                matrix_pick(lang, "points", "punten"),
			                matrix_pick(lang, "answer", "antwoord"),
			                matrix_pick(lang, "question", "vraag"));
		else if (q == MATRIX_LIKELIHOOD_QUESTIONS)
			rc = buf_printf(out, "%s\n",
			                matrix_pick(lang,
			                            "Impact (schade): the highest of five answers",
			                            "Schade: het hoogste van vijf antwoorden"));
		if (rc != 0)
			break;
		unanswered |= !given;
		snprintf(answer, sizeof(answer), "--%s %s%s", matrix_table[q].flag,
		         matrix_answer_name(m, q), given ? "" : " *");
		rc = buf_printf(out, "  %6d  %-32s %s\n", r.points[q], answer,
		                matrix_question_text(q, lang));
		if (rc == 0 && q == MATRIX_LIKELIHOOD_QUESTIONS - 1)
			rc = buf_printf(out, "  %6d  = %s (10-18 low, 19-27 medium, 28-38 high)\n",
			                r.likelihood_points, level_name(r.likelihood));
	}
	if (rc == 0)
		rc = buf_printf(out, "  %6d  = %s (0 low, 1 medium, 2 high)\n", r.impact_points,
		                level_name(r.impact));
	n = matrix_consequences(m, lang, lines, MATRIX_MAX_CONSEQUENCES);
	if (rc == 0 && n > 0)
		rc = buf_printf(out, "%s\n", matrix_pick(lang, "Consequences:", "Gevolgen:"));
	for (int i = 0; i < n && rc == 0; i++)
		rc = buf_printf(out, "  %s\n", lines[i]);
	if (rc == 0)
		rc = buf_printf(out, "%s %s/%s\n", matrix_pick(lang, "Proposal:", "Voorstel:"),
		                level_name(r.likelihood), level_name(r.impact));
	if (rc == 0 && unanswered)
		rc = buf_printf(out, "%s\n",
		                matrix_pick(lang, "* not given: counted as the lowest answer",
		                            "* niet opgegeven: telt als het laagste antwoord"));
	return rc == 0 ? 0 : ERR_INPUT;
}

int matrix_check_choice(enum level proposed_l, enum level proposed_i, enum level chosen_l,
                        enum level chosen_i, const char *rationale, struct err *e)
{
	if (chosen_l == proposed_l && chosen_i == proposed_i)
		return 0;
	if (rationale != NULL) {
		for (const char *s = rationale; *s; s++)
			if (!matrix_blank(*s))
				return 0;
	}
	return err_set(
	    e, ERR_INPUT,
	    "the chosen classification %s/%s differs from the proposal %s/%s; a "
	    "deviation needs a written rationale: give the reason with --rationale \"why\" "
	    "(or leave out --likelihood and --impact to take the proposal)",
	    level_name(chosen_l), level_name(chosen_i), level_name(proposed_l),
	    level_name(proposed_i));
}
