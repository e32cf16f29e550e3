/* test_matrix.c: the classification matrix against DESIGN §3a and the two seed cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/matrix.h"

#include <string.h>

/* DESIGN §3a and §4, written out again by hand: the table in matrix.c must equal this. */
struct want_question {
	const char *flag;
	int likelihood;
	int count;
	const char *value[MATRIX_MAX_ANSWERS];
	int points[MATRIX_MAX_ANSWERS];
};

static const struct want_question want[MATRIX_QUESTIONS] = {
    {"default-config", 1, 3, {"no", "unclear", "yes"}, {1, 3, 3}},
    {"exploit", 1, 3, {"none", "poc", "exploit"}, {1, 4, 6}},
    {"details", 1, 3, {"none", "somewhat", "fully"}, {1, 2, 3}},
    {"access", 1, 3, {"physical", "lan", "internet"}, {1, 4, 6}},
    {"credentials", 1, 3, {"admin", "user", "none"}, {1, 2, 4}},
    {"complexity", 1, 3, {"complex", "average", "easy"}, {1, 2, 3}},
    {"interaction", 1, 3, {"complex", "easy", "none"}, {1, 3, 4}},
    {"exploited", 1, 3, {"no", "limited", "large-scale"}, {1, 2, 3}},
    {"exploit-expected", 1, 2, {"no", "yes"}, {1, 3}},
    {"fix-available", 1, 3, {"over-2-months", "under-2-months", "none"}, {1, 2, 3}},
    {"dos", 0, 3, {"no", "client", "infrastructure"}, {0, 1, 2}},
    {"code-exec", 0, 3, {"no", "user", "root"}, {0, 1, 2}},
    {"remote", 0, 3, {"no", "shell", "root-shell"}, {0, 1, 2}},
    {"privesc", 0, 2, {"no", "yes"}, {0, 1}},
    {"leak", 0, 3, {"no", "system", "data"}, {0, 1, 2}},
};

/* The medium/high answers of the seeds (Citrix 18 Dec 2019; the acceptance set MH). */
static const char *const seed_mh[][2] = {
    {"default-config", "yes"}, {"exploit", "none"},     {"details", "somewhat"},
    {"access", "internet"},    {"credentials", "none"}, {"complexity", "average"},
    {"interaction", "none"},   {"exploited", "no"},     {"exploit-expected", "no"},
    {"fix-available", "none"}, {"dos", "no"},           {"code-exec", "root"},
    {"remote", "no"},          {"privesc", "no"},       {"leak", "no"},
};

static void set_all(struct matrix *m, const char *const pairs[][2], size_t n)
{
	struct err e = {0};

	for (size_t i = 0; i < n; i++) {
		int rc = matrix_set(m, pairs[i][0], pairs[i][1], &e);
		if (rc != 0)
			fail_msg("%s=%s: %s", pairs[i][0], pairs[i][1], e.msg);
	}
}

static void seed_medium_high(struct matrix *m)
{
	matrix_init(m);
	set_all(m, seed_mh, sizeof(seed_mh) / sizeof(seed_mh[0]));
}

/* ---- levels ---- */

static void test_level_names(void **state)
{
	enum level l = LEVEL_HIGH;

	(void)state;
	assert_string_equal(level_name(LEVEL_LOW), "low");
	assert_string_equal(level_name(LEVEL_MEDIUM), "medium");
	assert_string_equal(level_name(LEVEL_HIGH), "high");
	assert_int_equal(level_letter(LEVEL_LOW), 'L');
	assert_int_equal(level_letter(LEVEL_MEDIUM), 'M');
	assert_int_equal(level_letter(LEVEL_HIGH), 'H');
	assert_int_equal(level_parse("low", &l), 0);
	assert_int_equal(l, LEVEL_LOW);
	assert_int_equal(level_parse("MEDIUM", &l), 0);
	assert_int_equal(l, LEVEL_MEDIUM);
	assert_int_equal(level_parse("High", &l), 0);
	assert_int_equal(l, LEVEL_HIGH);
	assert_int_equal(level_parse("hoog", &l), ERR_INPUT);
	assert_int_equal(level_parse("", &l), ERR_INPUT);
	assert_int_equal(level_parse("highest", &l), ERR_INPUT);
	assert_int_equal(level_parse(NULL, &l), ERR_INPUT);
	assert_int_equal(l, LEVEL_HIGH); /* untouched on error */
}

/* ---- the table ---- */

static void test_table_equals_design(void **state)
{
	(void)state;
	assert_int_equal(matrix_question_count(), MATRIX_QUESTIONS);
	for (int q = 0; q < MATRIX_QUESTIONS; q++) {
		assert_string_equal(matrix_flag(q), want[q].flag);
		assert_int_equal(matrix_find_flag(want[q].flag), q);
		assert_int_equal(matrix_is_likelihood(q), want[q].likelihood);
		assert_int_equal(matrix_answer_count(q), want[q].count);
		assert_non_null(matrix_question_text(q, "nl"));
		assert_non_null(matrix_question_text(q, "en"));
		for (int a = 0; a < want[q].count; a++) {
			assert_string_equal(matrix_answer_value(q, a), want[q].value[a]);
			assert_int_equal(matrix_answer_points(q, a), want[q].points[a]);
			assert_non_null(matrix_answer_label(q, a, "en"));
			assert_non_null(matrix_answer_label(q, a, "nl"));
		}
		assert_null(matrix_answer_value(q, want[q].count));
		assert_int_equal(matrix_answer_points(q, want[q].count), -1);
		assert_null(matrix_answer_value(q, -1));
	}
	assert_null(matrix_flag(-1));
	assert_null(matrix_flag(MATRIX_QUESTIONS));
	assert_null(matrix_question_text(MATRIX_QUESTIONS, "en"));
	assert_int_equal(matrix_answer_count(MATRIX_QUESTIONS), 0);
	assert_int_equal(matrix_is_likelihood(MATRIX_QUESTIONS), 0);
	assert_int_equal(matrix_find_flag("MATRIX_Q_DOS"), -1);
	assert_int_equal(matrix_find_flag("dos"), MATRIX_Q_DOS);
	assert_int_equal(matrix_find_flag("--Fix-Available"), MATRIX_Q_FIX_AVAILABLE);
	assert_int_equal(matrix_find_flag("-dos"), -1);
	assert_int_equal(matrix_find_flag("--"), -1);
	assert_int_equal(matrix_find_flag(""), -1);
	assert_int_equal(matrix_find_flag(NULL), -1);
}

/* Every answer, set through the command-line path, contributes exactly its points. */
static void test_every_answer_counts_its_points(void **state)
{
	(void)state;
	for (int q = 0; q < MATRIX_QUESTIONS; q++) {
		for (int a = 0; a < want[q].count; a++) {
			struct matrix m;
			struct matrix_result r;
			struct err e = {0};

			matrix_init(&m);
			assert_int_equal(matrix_set(&m, want[q].flag, want[q].value[a], &e), 0);
			assert_int_equal(m.answer[q], a);
			matrix_evaluate(&m, &r);
			assert_int_equal(r.points[q], want[q].points[a]);
			assert_string_equal(matrix_answer_name(&m, q), want[q].value[a]);
			if (want[q].likelihood) {
				/* the nine others stay at their lowest, 1 point each */
				assert_int_equal(r.likelihood_points, 9 + want[q].points[a]);
				assert_int_equal(r.impact_points, 0);
			} else {
				assert_int_equal(r.likelihood_points, MATRIX_LIKELIHOOD_MIN);
				assert_int_equal(r.impact_points, want[q].points[a]);
			}
		}
	}
}

static void test_unanswered_count_lowest(void **state)
{
	struct matrix m;
	struct matrix_result r;

	(void)state;
	matrix_init(&m);
	for (int q = 0; q < MATRIX_QUESTIONS; q++) {
		assert_int_equal(m.answer[q], -1);
		assert_string_equal(matrix_answer_name(&m, q), want[q].value[0]);
	}
	assert_null(matrix_answer_name(&m, MATRIX_QUESTIONS));
	matrix_evaluate(&m, &r);
	assert_int_equal(r.likelihood_points, MATRIX_LIKELIHOOD_MIN);
	assert_int_equal(r.likelihood, LEVEL_LOW);
	assert_int_equal(r.impact_points, 0);
	assert_int_equal(r.impact, LEVEL_LOW);
	/* an index outside the question's answers counts as not given */
	m.answer[MATRIX_Q_EXPLOIT_EXPECTED] = 2;
	matrix_evaluate(&m, &r);
	assert_int_equal(r.points[MATRIX_Q_EXPLOIT_EXPECTED], 1);
}

/* ---- the seed cases ---- */

static void test_seed_citrix_18_dec_medium_high(void **state)
{
	static const int points[MATRIX_QUESTIONS] = {3, 1, 2, 6, 4, 2, 4, 1, 1, 3, 0, 2, 0, 0, 0};
	struct matrix m;
	struct matrix_result r;

	(void)state;
	seed_medium_high(&m);
	matrix_evaluate(&m, &r);
	assert_int_equal(r.likelihood_points, 27);
	assert_int_equal(r.likelihood, LEVEL_MEDIUM);
	assert_int_equal(r.impact_points, 2);
	assert_int_equal(r.impact, LEVEL_HIGH);
	for (int q = 0; q < MATRIX_QUESTIONS; q++)
		assert_int_equal(r.points[q], points[q]);
}

static void test_seed_citrix_24_dec_high_high(void **state)
{
	static const char *const hh[][2] = {{"--exploit", "poc"}, {"--exploit-expected", "yes"}};
	struct matrix m, given;
	struct matrix_result r;

	(void)state;
	/* as `advisory update ID --exploit poc --exploit-expected yes`: the rest is kept */
	seed_medium_high(&m);
	matrix_init(&given);
	set_all(&given, hh, 2);
	matrix_merge(&m, &given);
	matrix_evaluate(&m, &r);
	assert_int_equal(r.likelihood_points, 32);
	assert_int_equal(r.likelihood, LEVEL_HIGH);
	assert_int_equal(r.impact, LEVEL_HIGH);
	assert_int_equal(r.points[MATRIX_Q_EXPLOIT], 4);
	assert_int_equal(r.points[MATRIX_Q_EXPLOIT_EXPECTED], 3);
	assert_int_equal(r.points[MATRIX_Q_ACCESS], 6);
}

/* docs/classification.md works these out; keep the two in step. */
static void test_seed_pulse_secure(void **state)
{
	static const char *const may[][2] = {
	    {"default-config", "yes"},  {"exploit", "none"},
	    {"details", "somewhat"},    {"access", "internet"},
	    {"credentials", "none"},    {"complexity", "average"},
	    {"interaction", "none"},    {"exploited", "no"},
	    {"exploit-expected", "no"}, {"fix-available", "under-2-months"},
	    {"leak", "data"},
	};
	static const char *const aug[][2] = {
	    {"exploit", "exploit"},
	    {"details", "fully"},
	    {"exploit-expected", "yes"},
	    {"fix-available", "over-2-months"},
	};
	struct matrix m, given;
	struct matrix_result r;
	const char *lines[MATRIX_MAX_CONSEQUENCES];

	(void)state;
	matrix_init(&m);
	set_all(&m, may, sizeof(may) / sizeof(may[0]));
	matrix_evaluate(&m, &r);
	assert_int_equal(r.likelihood_points, 26);
	assert_int_equal(r.likelihood, LEVEL_MEDIUM);
	assert_int_equal(r.impact, LEVEL_HIGH);
	assert_int_equal(matrix_consequences(&m, "nl", lines, MATRIX_MAX_CONSEQUENCES), 1);
	assert_string_equal(lines[0], "Toegang tot gevoelige gegevens");

	matrix_init(&given);
	set_all(&given, aug, sizeof(aug) / sizeof(aug[0]));
	matrix_merge(&m, &given);
	matrix_evaluate(&m, &r);
	assert_int_equal(r.likelihood_points, 33);
	assert_int_equal(r.likelihood, LEVEL_HIGH);
	assert_int_equal(r.impact, LEVEL_HIGH);
}

/* ---- thresholds ---- */

static void test_likelihood_thresholds(void **state)
{
	(void)state;
	assert_int_equal(matrix_likelihood_level(10), LEVEL_LOW);
	assert_int_equal(matrix_likelihood_level(18), LEVEL_LOW);
	assert_int_equal(matrix_likelihood_level(19), LEVEL_MEDIUM);
	assert_int_equal(matrix_likelihood_level(27), LEVEL_MEDIUM);
	assert_int_equal(matrix_likelihood_level(28), LEVEL_HIGH);
	assert_int_equal(matrix_likelihood_level(38), LEVEL_HIGH);
	assert_int_equal(matrix_impact_level(0), LEVEL_LOW);
	assert_int_equal(matrix_impact_level(1), LEVEL_MEDIUM);
	assert_int_equal(matrix_impact_level(2), LEVEL_HIGH);
}

static enum level expect_level(int points)
{
	return points < 19 ? LEVEL_LOW : points <= 27 ? LEVEL_MEDIUM : LEVEL_HIGH;
}

static void expect_sum(const char *const pairs[][2], size_t n, int sum, enum level l)
{
	struct matrix m;
	struct matrix_result r;

	matrix_init(&m);
	set_all(&m, pairs, n);
	matrix_evaluate(&m, &r);
	assert_int_equal(r.likelihood_points, sum);
	assert_int_equal(r.likelihood, l);
}

/* Hand-made answer sets on each side of both thresholds, and the extremes. */
static void test_likelihood_boundaries(void **state)
{
	/* 10 + internet 5 + poc 3 = 18 */
	static const char *const s18[][2] = {{"access", "internet"}, {"exploit", "poc"}};
	/* 18 + details somewhat 1 = 19 */
	static const char *const s19[][2] = {
	    {"access", "internet"}, {"exploit", "poc"}, {"details", "somewhat"}};
	/* 10 + 5 + 5 + 3 + 2 + 2 = 27 */
	static const char *const s27[][2] = {{"access", "internet"},
	                                     {"exploit", "exploit"},
	                                     {"credentials", "none"},
	                                     {"default-config", "yes"},
	                                     {"exploit-expected", "yes"}};
	/* 27 + details somewhat 1 = 28 */
	static const char *const s28[][2] = {{"access", "internet"},      {"exploit", "exploit"},
	                                     {"credentials", "none"},     {"default-config", "yes"},
	                                     {"exploit-expected", "yes"}, {"details", "somewhat"}};
	static const char *const s38[][2] = {
	    {"default-config", "yes"}, {"exploit", "exploit"},       {"details", "fully"},
	    {"access", "internet"},    {"credentials", "none"},      {"complexity", "easy"},
	    {"interaction", "none"},   {"exploited", "large-scale"}, {"exploit-expected", "yes"},
	    {"fix-available", "none"},
	};
	static const char *const s10[][2] = {
	    {"default-config", "no"},   {"exploit", "none"},
	    {"details", "none"},        {"access", "physical"},
	    {"credentials", "admin"},   {"complexity", "complex"},
	    {"interaction", "complex"}, {"exploited", "no"},
	    {"exploit-expected", "no"}, {"fix-available", "over-2-months"},
	};

	(void)state;
	expect_sum(s18, 2, 18, LEVEL_LOW);
	expect_sum(s19, 3, 19, LEVEL_MEDIUM);
	expect_sum(s27, 5, 27, LEVEL_MEDIUM);
	expect_sum(s28, 6, 28, LEVEL_HIGH);
	expect_sum(s38, 10, 38, LEVEL_HIGH);
	expect_sum(s10, 10, 10, LEVEL_LOW);
}

/* All 39,366 (3^9 x 2) combinations of likelihood answers: the sum, its level, the range 10-38. */
static void test_likelihood_every_combination(void **state)
{
	int idx[MATRIX_LIKELIHOOD_QUESTIONS] = {0};
	int min = 1000, max = -1, combos = 0, seen[40] = {0};

	(void)state;
	for (;;) {
		struct matrix m;
		struct matrix_result r;
		int sum = 0, q;

		matrix_init(&m);
		for (q = 0; q < MATRIX_LIKELIHOOD_QUESTIONS; q++) {
			m.answer[q] = (signed char)idx[q];
			sum += want[q].points[idx[q]];
		}
		matrix_evaluate(&m, &r);
		assert_int_equal(r.likelihood_points, sum);
		assert_int_equal(r.likelihood, expect_level(sum));
		assert_int_equal(r.impact_points, 0);
		min = sum < min ? sum : min;
		max = sum > max ? sum : max;
		seen[sum] = 1;
		combos++;
		for (q = 0; q < MATRIX_LIKELIHOOD_QUESTIONS; q++) {
			if (++idx[q] < want[q].count)
				break;
			idx[q] = 0;
		}
		if (q == MATRIX_LIKELIHOOD_QUESTIONS)
			break;
	}
	assert_int_equal(combos, 39366);
	assert_int_equal(min, MATRIX_LIKELIHOOD_MIN);
	assert_int_equal(max, MATRIX_LIKELIHOOD_MAX);
	assert_true(seen[18] && seen[19] && seen[27] && seen[28]);
}

/* All 162 combinations of impact answers: the maximum, never the sum. */
static void test_impact_is_the_maximum(void **state)
{
	int idx[MATRIX_QUESTIONS] = {0};
	int combos = 0;

	(void)state;
	for (;;) {
		struct matrix m;
		struct matrix_result r;
		int maxp = 0, q;

		matrix_init(&m);
		for (q = MATRIX_LIKELIHOOD_QUESTIONS; q < MATRIX_QUESTIONS; q++) {
			int p = want[q].points[idx[q]];

			m.answer[q] = (signed char)idx[q];
			maxp = p > maxp ? p : maxp;
		}
		matrix_evaluate(&m, &r);
		assert_int_equal(r.impact_points, maxp);
		assert_int_equal(r.impact, maxp == 0   ? LEVEL_LOW
		                           : maxp == 1 ? LEVEL_MEDIUM
		                                       : LEVEL_HIGH);
		assert_int_equal(r.likelihood_points, MATRIX_LIKELIHOOD_MIN);
		combos++;
		for (q = MATRIX_LIKELIHOOD_QUESTIONS; q < MATRIX_QUESTIONS; q++) {
			if (++idx[q] < want[q].count)
				break;
			idx[q] = 0;
		}
		if (q == MATRIX_QUESTIONS)
			break;
	}
	assert_int_equal(combos, 162);
}

static void test_impact_examples(void **state)
{
	static const char *const mediums[][2] = {
	    {"dos", "client"}, {"leak", "system"}, {"privesc", "yes"}, {"remote", "shell"}};
	static const char *const privesc_only[][2] = {{"privesc", "yes"}};
	struct matrix m;
	struct matrix_result r;

	(void)state;
	/* four medium answers stay medium: the maximum, not the sum */
	matrix_init(&m);
	set_all(&m, mediums, 4);
	matrix_evaluate(&m, &r);
	assert_int_equal(r.impact_points, 1);
	assert_int_equal(r.impact, LEVEL_MEDIUM);
	assert_int_equal(matrix_set(&m, "remote", "root-shell", NULL), 0);
	matrix_evaluate(&m, &r);
	assert_int_equal(r.impact, LEVEL_HIGH);

	matrix_init(&m);
	set_all(&m, privesc_only, 1);
	matrix_evaluate(&m, &r);
	assert_int_equal(r.impact, LEVEL_MEDIUM);
}

/* ---- setting answers ---- */

static void test_set_any_case_and_dashes(void **state)
{
	struct matrix m;
	struct matrix_result r;
	struct err e = {0};

	(void)state;
	matrix_init(&m);
	assert_int_equal(matrix_set(&m, "--EXPLOIT", "PoC", &e), 0);
	assert_int_equal(matrix_set(&m, "Default-Config", "Unclear", &e), 0);
	assert_int_equal(matrix_set(&m, "--exploited", "LARGE-SCALE", &e), 0);
	matrix_evaluate(&m, &r);
	assert_int_equal(r.points[MATRIX_Q_EXPLOIT], 4);
	assert_int_equal(r.points[MATRIX_Q_DEFAULT_CONFIG], 3);
	assert_int_equal(r.points[MATRIX_Q_EXPLOITED], 3);
	assert_string_equal(matrix_answer_name(&m, MATRIX_Q_EXPLOIT), "poc");
	assert_string_equal(matrix_answer_name(&m, MATRIX_Q_DEFAULT_CONFIG), "unclear");
	/* a later answer replaces the earlier one */
	assert_int_equal(matrix_set(&m, "exploit", "exploit", &e), 0);
	assert_string_equal(matrix_answer_name(&m, MATRIX_Q_EXPLOIT), "exploit");
}

static void test_set_bad_flag(void **state)
{
	struct matrix m, before;
	struct err e = {0};

	(void)state;
	seed_medium_high(&m);
	before = m;
	assert_int_equal(matrix_set(&m, "--exploits", "none", &e), ERR_USAGE);
	assert_int_equal(e.code, ERR_USAGE);
	assert_non_null(strstr(e.msg, "--exploits"));
	assert_non_null(strstr(e.msg, "--default-config"));
	assert_non_null(strstr(e.msg, "--leak"));
	assert_int_equal(matrix_set(&m, NULL, "none", &e), ERR_USAGE);
	assert_int_equal(matrix_set(&m, "tlp", "red", NULL), ERR_USAGE);
	assert_memory_equal(&m, &before, sizeof(m));
}

static void test_set_bad_value(void **state)
{
	struct matrix m, before;
	struct err e = {0};

	(void)state;
	seed_medium_high(&m);
	before = m;
	assert_int_equal(matrix_set(&m, "--exploit", "maybe", &e), ERR_INPUT);
	assert_int_equal(e.code, ERR_INPUT);
	assert_non_null(strstr(e.msg, "--exploit"));
	assert_non_null(strstr(e.msg, "\"maybe\""));
	assert_non_null(strstr(e.msg, "none, poc, exploit"));

	assert_int_equal(matrix_set(&m, "fix-available", "2-months", &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "over-2-months, under-2-months, none"));
	assert_int_equal(matrix_set(&m, "default-config", "", &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "no, unclear, yes"));
	/* a prefix of a value is not the value */
	assert_int_equal(matrix_set(&m, "remote", "root", &e), ERR_INPUT);
	assert_int_equal(matrix_set(&m, "privesc", "yess", NULL), ERR_INPUT);
	/* the flag without its value */
	assert_int_equal(matrix_set(&m, "leak", NULL, &e), ERR_USAGE);
	assert_non_null(strstr(e.msg, "--leak"));
	assert_non_null(strstr(e.msg, "no, system, data"));
	assert_memory_equal(&m, &before, sizeof(m));
}

static void test_set_long_value_is_cut_in_message(void **state)
{
	char big[4000];
	struct matrix m;
	struct err e = {0};

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	matrix_init(&m);
	assert_int_equal(matrix_set(&m, "exploit", big, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "none, poc, exploit"));
	assert_int_equal(matrix_set(&m, big, "none", &e), ERR_USAGE);
	assert_non_null(strstr(e.msg, "--leak"));
}

/* ---- merge ---- */

static void test_merge_keeps_what_is_not_given(void **state)
{
	struct matrix m, given, before;
	struct err e = {0};

	(void)state;
	seed_medium_high(&m);
	before = m;
	matrix_init(&given);
	matrix_merge(&m, &given);
	assert_memory_equal(&m, &before, sizeof(m));

	assert_int_equal(matrix_set(&given, "leak", "data", &e), 0);
	assert_int_equal(matrix_set(&given, "code-exec", "no", &e), 0);
	matrix_merge(&m, &given);
	for (int q = 0; q < MATRIX_QUESTIONS; q++) {
		if (q == MATRIX_Q_LEAK || q == MATRIX_Q_CODE_EXEC)
			continue;
		assert_int_equal(m.answer[q], before.answer[q]);
	}
	assert_string_equal(matrix_answer_name(&m, MATRIX_Q_LEAK), "data");
	assert_string_equal(matrix_answer_name(&m, MATRIX_Q_CODE_EXEC), "no");

	/* merging into an empty matrix gives exactly what was given */
	matrix_init(&m);
	matrix_merge(&m, &given);
	assert_memory_equal(&m, &given, sizeof(m));
}

/* ---- text ---- */

static void test_text_round_trip(void **state)
{
	struct matrix m, back;
	struct buf b;
	struct err e = {0};

	(void)state;
	buf_init(&b, 4096);
	seed_medium_high(&m);
	assert_int_equal(matrix_to_text(&m, &b), 0);
	assert_string_equal(buf_str(&b),
	                    "default-config=yes,exploit=none,details=somewhat,access=internet,"
	                    "credentials=none,complexity=average,interaction=none,exploited=no,"
	                    "exploit-expected=no,fix-available=none,dos=no,code-exec=root,"
	                    "remote=no,privesc=no,leak=no");
	memset(&back, 0x55, sizeof(back));
	assert_int_equal(matrix_from_text(buf_str(&b), &back, &e), 0);
	assert_memory_equal(&back, &m, sizeof(m));

	/* only what was given, "unclear" kept as such */
	matrix_init(&m);
	assert_int_equal(matrix_set(&m, "default-config", "unclear", &e), 0);
	assert_int_equal(matrix_set(&m, "leak", "system", &e), 0);
	buf_reset(&b);
	assert_int_equal(matrix_to_text(&m, &b), 0);
	assert_string_equal(buf_str(&b), "default-config=unclear,leak=system");
	assert_int_equal(matrix_from_text(buf_str(&b), &back, &e), 0);
	assert_memory_equal(&back, &m, sizeof(m));

	/* nothing given: empty text, and back */
	matrix_init(&m);
	buf_reset(&b);
	assert_int_equal(matrix_to_text(&m, &b), 0);
	assert_string_equal(buf_str(&b), "");
	memset(&back, 0, sizeof(back));
	assert_int_equal(matrix_from_text("", &back, &e), 0);
	assert_memory_equal(&back, &m, sizeof(m));
	assert_int_equal(matrix_from_text("  \n", &back, &e), 0);
	assert_memory_equal(&back, &m, sizeof(m));
	buf_free(&b);
}

/* Every single answer of every question survives the round trip. */
static void test_text_round_trip_every_answer(void **state)
{
	(void)state;
	for (int q = 0; q < MATRIX_QUESTIONS; q++) {
		for (int a = 0; a < want[q].count; a++) {
			struct matrix m, back;
			struct buf b;
			struct err e = {0};

			buf_init(&b, 256);
			matrix_init(&m);
			m.answer[q] = (signed char)a;
			assert_int_equal(matrix_to_text(&m, &b), 0);
			assert_int_equal(matrix_from_text(buf_str(&b), &back, &e), 0);
			assert_memory_equal(&back, &m, sizeof(m));
			buf_free(&b);
		}
	}
}

static void test_text_lenient_forms(void **state)
{
	struct matrix m;
	struct err e = {0};

	(void)state;
	assert_int_equal(matrix_from_text(" Exploit = POC ,\tLEAK=Data ", &m, &e), 0);
	assert_string_equal(matrix_answer_name(&m, MATRIX_Q_EXPLOIT), "poc");
	assert_string_equal(matrix_answer_name(&m, MATRIX_Q_LEAK), "data");
	assert_int_equal(m.answer[MATRIX_Q_DOS], -1);
}

static void test_text_errors(void **state)
{
	static const char *const bad[][2] = {
	    {"exploit", "not question=answer"},
	    {"exploit=none,", "item 2"},
	    {"exploit=none,,leak=no", "item 2"},
	    {",exploit=none", "item 1"},
	    {"foo=bar", "unknown question \"foo\""},
	    {"exploit=maybe", "none, poc, exploit"},
	    {"exploit=", "none, poc, exploit"},
	    {"=none", "unknown question"},
	    {"exploit=none,leak=no,EXPLOIT=poc", "exploit given twice"},
	    {"exploit=none;leak=no", "none, poc, exploit"},
	};
	struct matrix m, before;
	struct err e = {0};

	(void)state;
	seed_medium_high(&m);
	before = m;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e.msg[0] = '\0';
		if (matrix_from_text(bad[i][0], &m, &e) != ERR_INPUT)
			fail_msg("\"%s\" was accepted", bad[i][0]);
		if (strstr(e.msg, bad[i][1]) == NULL)
			fail_msg("\"%s\": message \"%s\" lacks \"%s\"", bad[i][0], e.msg,
			         bad[i][1]);
		assert_memory_equal(&m, &before, sizeof(m));
	}
	assert_int_equal(matrix_from_text(NULL, &m, NULL), ERR_INPUT);
}

static void test_text_buffer_maximum(void **state)
{
	struct matrix m;
	struct buf b;

	(void)state;
	seed_medium_high(&m);
	buf_init(&b, 20);
	assert_int_equal(matrix_to_text(&m, &b), ERR_INPUT);
	buf_free(&b);
}

/* ---- consequences ---- */

static void test_consequences(void **state)
{
	static const char *const all[][2] = {{"dos", "infrastructure"},
	                                     {"code-exec", "root"},
	                                     {"remote", "shell"},
	                                     {"privesc", "yes"},
	                                     {"leak", "system"}};
	const char *lines[MATRIX_MAX_CONSEQUENCES];
	struct matrix m;

	(void)state;
	matrix_init(&m);
	assert_int_equal(matrix_consequences(&m, "nl", lines, MATRIX_MAX_CONSEQUENCES), 0);

	seed_medium_high(&m);
	assert_int_equal(matrix_consequences(&m, "nl", lines, MATRIX_MAX_CONSEQUENCES), 1);
	assert_string_equal(lines[0], "Uitvoeren van willekeurige code (root/admin-rechten)");
	assert_int_equal(matrix_consequences(&m, "en", lines, MATRIX_MAX_CONSEQUENCES), 1);
	assert_string_equal(lines[0], "Execution of arbitrary code (root/admin rights)");

	set_all(&m, all, 5);
	assert_int_equal(matrix_consequences(&m, "nl", lines, MATRIX_MAX_CONSEQUENCES), 5);
	assert_string_equal(lines[0], "Denial-of-Service (DoS)");
	assert_string_equal(lines[1], "Uitvoeren van willekeurige code (root/admin-rechten)");
	assert_string_equal(lines[2], "Verkrijgen van toegang tot het systeem");
	assert_string_equal(lines[3], "Verkrijgen van verhoogde rechten");
	assert_string_equal(lines[4], "Toegang tot systeemgegevens");
	assert_int_equal(matrix_consequences(&m, "en-GB", lines, MATRIX_MAX_CONSEQUENCES), 5);
	assert_string_equal(lines[0], "Denial-of-Service (DoS)");
	assert_string_equal(lines[4], "Access to system data");
	/* Dutch unless English is asked for */
	assert_int_equal(matrix_consequences(&m, NULL, lines, 2), 2);
	assert_string_equal(lines[1], "Uitvoeren van willekeurige code (root/admin-rechten)");
	assert_int_equal(matrix_consequences(&m, "nl", lines, 0), 0);

	assert_int_equal(matrix_set(&m, "code-exec", "user", NULL), 0);
	assert_int_equal(matrix_set(&m, "leak", "data", NULL), 0);
	assert_int_equal(matrix_set(&m, "dos", "client", NULL), 0);
	assert_int_equal(matrix_consequences(&m, "nl", lines, MATRIX_MAX_CONSEQUENCES), 5);
	assert_string_equal(lines[0], "Denial-of-Service (DoS)");
	assert_string_equal(lines[1], "Uitvoeren van willekeurige code (gebruikersrechten)");
	assert_string_equal(lines[4], "Toegang tot gevoelige gegevens");
	assert_int_equal(matrix_consequences(&m, "en", lines, MATRIX_MAX_CONSEQUENCES), 5);
	assert_string_equal(lines[4], "Access to sensitive data");
}

/* Every impact answer other than "no" has a line in both languages; "no" has none. */
static void test_consequence_per_impact_answer(void **state)
{
	(void)state;
	for (int q = MATRIX_LIKELIHOOD_QUESTIONS; q < MATRIX_QUESTIONS; q++) {
		for (int a = 0; a < want[q].count; a++) {
			const char *nl[MATRIX_MAX_CONSEQUENCES], *en[MATRIX_MAX_CONSEQUENCES];
			struct matrix m;

			matrix_init(&m);
			m.answer[q] = (signed char)a;
			assert_int_equal(matrix_consequences(&m, "nl", nl, 5), a > 0);
			assert_int_equal(matrix_consequences(&m, "en", en, 5), a > 0);
			if (a > 0 && q != MATRIX_Q_DOS)
				assert_string_not_equal(nl[0], en[0]);
		}
	}
}

/* ---- explanation ---- */

static void test_explain(void **state)
{
	struct matrix m;
	struct buf b;

	(void)state;
	buf_init(&b, 8192);
	seed_medium_high(&m);
	assert_int_equal(matrix_explain(&m, "en", &b), 0);
	assert_non_null(strstr(buf_str(&b), "      27  = medium"));
	assert_non_null(strstr(buf_str(&b), "       6  --access internet"));
	assert_non_null(strstr(buf_str(&b), "       2  = high"));
	assert_non_null(strstr(buf_str(&b), "Execution of arbitrary code (root/admin rights)"));
	assert_non_null(strstr(buf_str(&b), "Proposal: medium/high\n"));
	assert_null(strstr(buf_str(&b), "*"));

	buf_reset(&b);
	matrix_init(&m);
	assert_int_equal(matrix_set(&m, "exploit", "poc", NULL), 0);
	assert_int_equal(matrix_explain(&m, "nl", &b), 0);
	assert_non_null(strstr(buf_str(&b), "       4  --exploit poc "));
	assert_non_null(strstr(buf_str(&b), "       1  --access physical *"));
	assert_non_null(strstr(buf_str(&b), "Voorstel: low/low\n"));
	assert_non_null(strstr(buf_str(&b), "* niet opgegeven"));
	assert_null(strstr(buf_str(&b), "Gevolgen"));
	buf_free(&b);

	buf_init(&b, 100);
	seed_medium_high(&m);
	assert_int_equal(matrix_explain(&m, "en", &b), ERR_INPUT);
	buf_free(&b);
}

/* ---- the deviation rule ---- */

static void test_check_choice(void **state)
{
	struct err e = {0};

	(void)state;
	/* the proposal itself needs no reason */
	assert_int_equal(
	    matrix_check_choice(LEVEL_MEDIUM, LEVEL_HIGH, LEVEL_MEDIUM, LEVEL_HIGH, NULL, &e), 0);
	assert_int_equal(
	    matrix_check_choice(LEVEL_MEDIUM, LEVEL_HIGH, LEVEL_MEDIUM, LEVEL_HIGH, "", &e), 0);

	/* another likelihood without a reason */
	assert_int_equal(
	    matrix_check_choice(LEVEL_MEDIUM, LEVEL_HIGH, LEVEL_LOW, LEVEL_HIGH, NULL, &e),
	    ERR_INPUT);
	assert_int_equal(e.code, ERR_INPUT);
	assert_non_null(strstr(e.msg, "rationale"));
	assert_non_null(strstr(e.msg, "--rationale \"why\""));
	assert_non_null(strstr(e.msg, "low/high"));
	assert_non_null(strstr(e.msg, "medium/high"));
	assert_int_equal(
	    matrix_check_choice(LEVEL_MEDIUM, LEVEL_HIGH, LEVEL_LOW, LEVEL_HIGH, "", &e),
	    ERR_INPUT);
	assert_int_equal(
	    matrix_check_choice(LEVEL_MEDIUM, LEVEL_HIGH, LEVEL_LOW, LEVEL_HIGH, " \t\n", NULL),
	    ERR_INPUT);

	/* another impact, or a higher level: the same rule */
	assert_int_equal(
	    matrix_check_choice(LEVEL_MEDIUM, LEVEL_HIGH, LEVEL_MEDIUM, LEVEL_MEDIUM, NULL, &e),
	    ERR_INPUT);
	assert_int_equal(
	    matrix_check_choice(LEVEL_MEDIUM, LEVEL_HIGH, LEVEL_HIGH, LEVEL_HIGH, NULL, &e),
	    ERR_INPUT);

	/* with a reason */
	assert_int_equal(matrix_check_choice(LEVEL_MEDIUM, LEVEL_HIGH, LEVEL_HIGH, LEVEL_HIGH,
	                                     "active scanning seen in NL", &e),
	                 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_level_names),
	    cmocka_unit_test(test_table_equals_design),
	    cmocka_unit_test(test_every_answer_counts_its_points),
	    cmocka_unit_test(test_unanswered_count_lowest),
	    cmocka_unit_test(test_seed_citrix_18_dec_medium_high),
	    cmocka_unit_test(test_seed_citrix_24_dec_high_high),
	    cmocka_unit_test(test_seed_pulse_secure),
	    cmocka_unit_test(test_likelihood_thresholds),
	    cmocka_unit_test(test_likelihood_boundaries),
	    cmocka_unit_test(test_likelihood_every_combination),
	    cmocka_unit_test(test_impact_is_the_maximum),
	    cmocka_unit_test(test_impact_examples),
	    cmocka_unit_test(test_set_any_case_and_dashes),
	    cmocka_unit_test(test_set_bad_flag),
	    cmocka_unit_test(test_set_bad_value),
	    cmocka_unit_test(test_set_long_value_is_cut_in_message),
	    cmocka_unit_test(test_merge_keeps_what_is_not_given),
	    cmocka_unit_test(test_text_round_trip),
	    cmocka_unit_test(test_text_round_trip_every_answer),
	    cmocka_unit_test(test_text_lenient_forms),
	    cmocka_unit_test(test_text_errors),
	    cmocka_unit_test(test_text_buffer_maximum),
	    cmocka_unit_test(test_consequences),
	    cmocka_unit_test(test_consequence_per_impact_answer),
	    cmocka_unit_test(test_explain),
	    cmocka_unit_test(test_check_choice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
