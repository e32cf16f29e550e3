/* test_cvss.c: CVSS scores from vectors, and the checks of CSAF's tests 6.1.8-6.1.10. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "core/err.h"
#include "formats/cvss.h"

static void score_is(const char *vector, double want)
{
	double s = -1;
	struct err e = {0};

	assert_int_equal(cvss_base_score(vector, &s, &e), 0);
	if (fabs(s - want) > 1e-9)
		fail_msg("%s: %.1f, want %.1f", vector, s, want);
}

static void test_base_scores(void **state)
{
	(void)state;
	score_is("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8); /* CVE-2019-19781 */
	score_is("CVSS:3.0/AC:L/AV:N/A:H/C:H/I:H/PR:L/S:C/UI:N", 9.9); /* CVE-2019-11510 */
	score_is("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:L", 9.4); /* CVE-2023-4966 */
	score_is("CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/A:H", 6.5);
	score_is("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0);
	score_is("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:C/C:L/I:N/A:N", 1.8);
	score_is("AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0);
	score_is("AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5);
	score_is("AV:L/AC:H/Au:M/C:N/I:N/A:P", 0.8);
}

static void test_bad_vectors(void **state)
{
	double s;
	struct err e = {0};

	(void)state;
	assert_int_equal(cvss_base_score("CVSS:3.1/AV:N/AC:L", &s, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "lacks the base metric"));
	assert_int_equal(cvss_base_score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", &s, &e),
	                 ERR_INPUT);
	assert_int_equal(
	    cvss_base_score("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", &s, &e),
	    ERR_INPUT);
	assert_int_equal(cvss_base_score("CVSS:4.0/AV:N", &s, &e), ERR_INPUT);
}

static void check_is(const char *json, int v3, const char *test, const char *where)
{
	json_t *o = json_loads(json, 0, NULL);
	char w[64];
	struct err e = {0};
	int rc;

	assert_non_null(o);
	rc = cvss_check(o, v3, w, sizeof(w), &e);
	json_decref(o);
	if (test == NULL) {
		if (rc != 0)
			fail_msg("%s: %s", json, e.msg);
		return;
	}
	assert_int_equal(rc, ERR_INPUT);
	if (strncmp(e.msg, test, strlen(test)) != 0 || strcmp(w, where) != 0)
		fail_msg("%s: got %s at %s, want %s at %s", json, e.msg, w, test, where);
}

static void test_checks(void **state)
{
	(void)state;
	/* BSI's example: temporal metrics in the vector and as properties */
	check_is("{\"attackComplexity\":\"LOW\",\"attackVector\":\"LOCAL\",\"availabilityImpact\":"
	         "\"LOW\",\"baseScore\":6.1,\"baseSeverity\":\"MEDIUM\",\"confidentialityImpact\":"
	         "\"HIGH\",\"exploitCodeMaturity\":\"FUNCTIONAL\",\"integrityImpact\":\"NONE\","
	         "\"privilegesRequired\":\"NONE\",\"remediationLevel\":\"OFFICIAL_FIX\","
	         "\"reportConfidence\":\"CONFIRMED\",\"scope\":\"UNCHANGED\",\"userInteraction\":"
	         "\"REQUIRED\",\"vectorString\":\"CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:L/E:F/"
	         "RL:O/RC:C\",\"version\":\"3.1\"}",
	         1, NULL, "");
	check_is("{\"version\":\"3.1\",\"vectorString\":\"CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/"
	         "A:H\",\"baseScore\":6.5}",
	         1, "6.1.8", "/baseSeverity");
	check_is("{\"version\":\"3.1\",\"vectorString\":\"CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/"
	         "A:H\",\"baseScore\":10,\"baseSeverity\":\"LOW\"}",
	         1, "6.1.9", "/baseScore");
	check_is("{\"version\":\"3.1\",\"vectorString\":\"CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/"
	         "A:H\",\"baseScore\":6.5,\"baseSeverity\":\"HIGH\"}",
	         1, "6.1.9", "/baseSeverity");
	check_is(
	    "{\"version\":\"3.1\",\"vectorString\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/"
	    "A:H\",\"baseScore\":9.8,\"baseSeverity\":\"CRITICAL\",\"attackVector\":\"LOCAL\"}",
	    1, "6.1.10", "/attackVector");
	check_is("{\"version\":\"2.0\",\"vectorString\":\"AV:N/AC:L/Au:N/C:C/I:C/A:C\","
	         "\"baseScore\":6.5}",
	         0, "6.1.9", "/baseScore");
	check_is("{\"vectorString\":\"AV:N/AC:L/Au:N/C:C/I:C/A:C\",\"baseScore\":10.0}", 0, "6.1.8",
	         "/version");
	check_is("{\"version\":\"3.0\",\"vectorString\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/"
	         "A:H\",\"baseScore\":9.8,\"baseSeverity\":\"CRITICAL\"}",
	         1, "6.1.8", "/vectorString");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_base_scores),
	    cmocka_unit_test(test_bad_vectors),
	    cmocka_unit_test(test_checks),
	};
	return cmocka_run_group_tests_name("cvss", tests, NULL, NULL);
}
