/* matrix.h: the standardized NCSC classification of a vulnerability (DESIGN §3, §3a).
 *
 * Likelihood (kans) is the SUM of the points of ten answers (10-38): under 19 low, 19-27
 * medium, 28 or more high. Impact (schade) is the MAXIMUM of five answers (0 low, 1 medium,
 * 2 high). The questions, their answers as written on the command line (DESIGN §4 `MATRIX`),
 * their points, texts (Dutch and English) and the consequence line of each impact answer live
 * in one table in matrix.c; everything here reads that table. Pure logic: no I/O, no globals
 * that change.
 *
 * The levels are a small type of their own (`enum level`, functions level_*): the plain
 * advisory, the alert subject and CSAF print them without knowing the matrix.
 */
#ifndef BAKEN_MATRIX_H
#define BAKEN_MATRIX_H

#include "core/buf.h"
#include "core/err.h"

enum level {
	LEVEL_LOW,
	LEVEL_MEDIUM,
	LEVEL_HIGH,
};

/* "low", "medium" or "high" (as in `Kans : medium` and `medium/high`); "unknown" for a value
 * outside the enum. A static string. */
const char *level_name(enum level l);

/* Parses "low", "medium" or "high" in any case into *out. 0, or ERR_INPUT (and *out
 * untouched) for anything else, including NULL. */
int level_parse(const char *s, enum level *out);

/* 'L', 'M' or 'H', for the alert subject `[M/H]`; '?' for a value outside the enum. */
char level_letter(enum level l);

/* The questions, in the order of DESIGN §3a: ten likelihood questions, then five impact
 * questions. The values index struct matrix.answer and struct matrix_result.points. */
enum matrix_question {
	MATRIX_Q_DEFAULT_CONFIG,
	MATRIX_Q_EXPLOIT,
	MATRIX_Q_DETAILS,
	MATRIX_Q_ACCESS,
	MATRIX_Q_CREDENTIALS,
	MATRIX_Q_COMPLEXITY,
	MATRIX_Q_INTERACTION,
	MATRIX_Q_EXPLOITED,
	MATRIX_Q_EXPLOIT_EXPECTED,
	MATRIX_Q_FIX_AVAILABLE,
	MATRIX_Q_DOS,
	MATRIX_Q_CODE_EXEC,
	MATRIX_Q_REMOTE,
	MATRIX_Q_PRIVESC,
	MATRIX_Q_LEAK,
};

#define MATRIX_QUESTIONS            15 /* 10 likelihood + 5 impact */
#define MATRIX_LIKELIHOOD_QUESTIONS 10
#define MATRIX_MAX_ANSWERS          3 /* the most answers one question has */
#define MATRIX_MAX_CONSEQUENCES     5 /* at most one consequence line per impact question */
#define MATRIX_LIKELIHOOD_MIN       10
#define MATRIX_LIKELIHOOD_MAX       38
#define MATRIX_LIKELIHOOD_MEDIUM    19 /* from this sum on: medium */
#define MATRIX_LIKELIHOOD_HIGH      28 /* from this sum on: high */

/* The answers to the fifteen questions. answer[q] indexes question q's answers (see
 * matrix_answer_value); -1 means not given. */
struct matrix {
	signed char answer[MATRIX_QUESTIONS];
};

/* Sets every answer to "not given". */
void matrix_init(struct matrix *m);

/* The number of questions, MATRIX_QUESTIONS. */
int matrix_question_count(void);

/* The command-line flag of question q without the dashes ("default-config", "exploit", ...);
 * NULL when q is out of range. A static string. */
const char *matrix_flag(int q);

/* The question whose flag is flag, with or without the leading "--", in any case; -1 when
 * there is none (so a command line parser can ask "is this a matrix flag?"). */
int matrix_find_flag(const char *flag);

/* 1 when q is a likelihood question (summed), 0 when it is an impact question (maximum) or
 * out of range. */
int matrix_is_likelihood(int q);

/* The question's text in Dutch (lang "nl") or English ("en"; any lang that starts with "en"
 * is English, anything else, NULL too, is Dutch): "Exploitcode beschikbaar?". NULL when q is
 * out of range. A static string. */
const char *matrix_question_text(int q, const char *lang);

/* How many answers question q has (2 or 3); 0 when q is out of range. */
int matrix_answer_count(int q);

/* Answer a of question q as written on the command line ("none", "poc", "exploit"), lowest
 * points first; NULL when q or a is out of range. A static string. */
const char *matrix_answer_value(int q, int a);

/* The points of answer a of question q (DESIGN §3a); -1 when q or a is out of range. */
int matrix_answer_points(int q, int a);

/* Answer a of question q in words, Dutch or English as for matrix_question_text ("proof of
 * concept", "lokaal netwerk"); NULL when q or a is out of range. A static string. */
const char *matrix_answer_label(int q, int a, const char *lang);

/* Sets the answer to question flag (with or without "--", any case) from value (any case):
 * matrix_set(m, "exploit", "PoC", e). Returns 0; ERR_USAGE when flag is no matrix question
 * or value is NULL (a flag without its value); ERR_INPUT when value is not one of the flag's
 * answers. The message names the flag, the value and the values allowed:
 * `--exploit: "maybe" is not one of none, poc, exploit`. m is unchanged on error. */
int matrix_set(struct matrix *m, const char *flag, const char *value, struct err *e);

/* Copies into dst every answer given in given and keeps the others, so that `advisory update`
 * keeps the last value of an answer it was not given. */
void matrix_merge(struct matrix *dst, const struct matrix *given);

struct matrix_result {
	int likelihood_points; /* the sum, 10-38 */
	enum level likelihood;
	int impact_points; /* the maximum, 0-2 */
	enum level impact;
	int points[MATRIX_QUESTIONS]; /* each answer's contribution */
};

/* Computes the proposal. A question not answered counts as its lowest answer (the first). */
void matrix_evaluate(const struct matrix *m, struct matrix_result *r);

/* The likelihood level of a sum of points: under 19 low, 19-27 medium, 28 or more high. */
enum level matrix_likelihood_level(int points);

/* The impact level of the highest impact points: 0 low, 1 medium, 2 (or more) high. */
enum level matrix_impact_level(int points);

/* Fills lines with the consequence lines of the impact answers that are not "no", in question
 * order (denial of service, code execution, remote access, privilege escalation, leakage),
 * Dutch or English as for matrix_question_text ("Uitvoeren van willekeurige code
 * (root/admin-rechten)"). Writes at most max lines (MATRIX_MAX_CONSEQUENCES is always enough)
 * and returns how many it wrote; 0 when no impact answer applies. The strings are static. */
int matrix_consequences(const struct matrix *m, const char *lang, const char **lines, int max);

/* The answer to question q as written on the command line ("yes", "unclear", "root"), or the
 * lowest answer's value when q was not answered (it counts as that); NULL when q is out of
 * range. A static string. */
const char *matrix_answer_name(const struct matrix *m, int q);

/* Appends the answers given, in question order, as "default-config=yes,exploit=none,..." to
 * out (nothing when none is given): the form in which an advisory version stores them.
 * 0, or ERR_INPUT when out would pass its maximum size. */
int matrix_to_text(const struct matrix *m, struct buf *out);

/* Parses text written by matrix_to_text (flags and values in any case, blanks around items
 * allowed, "" meaning no answers) into *m, replacing all its answers. 0, or ERR_INPUT naming
 * the item when an item is not flag=value, the flag is unknown or repeated, or the value is
 * not one of the flag's answers; m is unchanged on error. */
int matrix_from_text(const char *text, struct matrix *m, struct err *e);

/* Appends to out the explanation `baken classify` prints, in Dutch or English as for
 * matrix_question_text: each answer with its points and question, the sum and the maximum with
 * the thresholds, the consequence lines and the proposal ("medium/high"). Answers not given
 * are marked as counted at their lowest. 0, or ERR_INPUT when out would pass its maximum. */
int matrix_explain(const struct matrix *m, const char *lang, struct buf *out);

/* The rule about deviating from the proposal: a chosen likelihood or impact other than the
 * proposed one needs a written rationale. Returns 0 when the chosen levels equal the proposal,
 * or when rationale holds more than blanks; else ERR_INPUT with a message that names both
 * classifications and says to give the reason with --rationale "why". */
int matrix_check_choice(enum level proposed_l, enum level proposed_i, enum level chosen_l,
                        enum level chosen_i, const char *rationale, struct err *e);

#endif
