/* test_cveid.c: the shape of a CVE id, strict (documents) and in any case (people, scans). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/cveid.h"

static int valid(const char *s, int strict)
{
	return cveid_valid(s, strlen(s), strict);
}

static void test_valid_ids(void **state)
{
	(void)state;
	assert_true(valid("CVE-2019-19781", 1));
	assert_true(valid("CVE-2019-0001", 1));
	assert_true(valid("CVE-2021-123456789012345", 1)); /* 24 bytes */
	assert_true(valid("cve-2019-11510", 0));
	assert_true(valid("Cve-2019-11510", 0));
}

static void test_invalid_ids(void **state)
{
	static const char *bad[] = {
	    "",
	    "CVE-2019-123",
	    "CVE-19-19781",
	    "CVE-2019_19781",
	    "CVE-2019-1978a",
	    "CVE-201a-19781",
	    "CAN-2019-19781",
	    " CVE-2019-19781",
	    "CVE-2019-19781 ",
	    "CVE-2021-1234567890123456", /* 25 bytes */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (valid(bad[i], 0))
			fail_msg("\"%s\" counts as a CVE id", bad[i]);
	}
	assert_false(valid("cve-2019-11510", 1)); /* documents spell it in capitals */
	assert_false(cveid_valid(NULL, 0, 0));
	/* only the first n bytes count: an id inside a longer tag */
	assert_true(cveid_valid("CVE-2019-19781;citrix", 14, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_ids),
	    cmocka_unit_test(test_invalid_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
