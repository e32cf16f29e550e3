/* test_router.c: matching paths, methods, captures; the table's invariants; forms; tokens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/xalloc.h"
#include "web/router.h"

static void free_caps(char **caps, int n)
{
	for (int i = 0; i < n; i++)
		free(caps[i]);
}

static void test_match(void **state)
{
	char *caps[4];
	int n = 0;

	(void)state;
	assert_true(router_match("/advisories/*", "/advisories/NCSC-2019-0001", caps, 4, &n));
	assert_int_equal(n, 1);
	assert_string_equal(caps[0], "NCSC-2019-0001");
	free_caps(caps, n);
	assert_false(router_match("/advisories/*", "/advisories/", caps, 4, &n));
	assert_false(router_match("/advisories/*", "/advisories/a/b", caps, 4, &n));
	assert_false(router_match("/advisories", "/advisories/", caps, 4, &n));
	assert_true(router_match("/api/v1/advisories/*/versions", "/api/v1/advisories/X/versions",
	                         caps, 4, &n));
	assert_string_equal(caps[0], "X");
	free_caps(caps, n);
}

static void test_find(void **state)
{
	char *caps[4];
	int n = 0, i;

	(void)state;
	i = router_find("GET", "/advisories/NCSC-2019-0001", caps, 4, &n);
	assert_true(i >= 0);
	assert_string_equal(router_routes[i].path, "/advisories/*");
	free_caps(caps, n);
	i = router_find("HEAD", "/healthz", caps, 4, &n);
	assert_true(i >= 0);
	assert_int_equal(router_find("DELETE", "/advisories", caps, 4, &n), -2);
	assert_int_equal(router_find("GET", "/nowhere", caps, 4, &n), -1);
	i = router_find("POST", "/login", caps, 4, &n);
	assert_true(i >= 0);
	assert_int_equal(router_routes[i].csrf, CSRF_FORM);
}

/* Every POST route checks CSRF and takes a bounded body (or one streamed to a file); every GET
 * takes none; every API route needs a token or a session; nothing under /staff is public. */
static void test_table_invariants(void **state)
{
	(void)state;
	for (size_t i = 0; i < router_nroutes; i++) {
		const struct route *r = &router_routes[i];
		if (r->method == POST) {
			assert_int_equal(r->csrf, CSRF_FORM);
			/* in memory at most 1 MiB; a file (BODY_FILE) only for a role */
			if (r->body_limit == BODY_FILE)
				assert_true(r->perm == PERM_STAFF || r->perm == PERM_ANALYST ||
				            r->perm == PERM_ADMIN);
			else
				assert_true(r->body_limit > 0 && r->body_limit <= 1 << 20);
		} else {
			assert_int_equal(r->body_limit, 0);
		}
		if (strncmp(r->path, "/api/", 5) == 0)
			assert_int_not_equal(r->perm, PERM_PUBLIC);
		if (strncmp(r->path, "/staff", 6) == 0)
			assert_true(r->perm == PERM_STAFF || r->perm == PERM_ANALYST ||
			            r->perm == PERM_ADMIN);
		for (size_t j = 0; j < i; j++)
			assert_false(router_routes[j].method == r->method &&
			             strcmp(router_routes[j].path, r->path) == 0);
	}
}

static void test_form(void **state)
{
	struct req r;
	const char body[] = "name=a+b&csrf=X%2FY&empty=&flag&x=%3Cs%3E";

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(router_parse_form(&r, body, strlen(body)), 0);
	assert_int_equal(r.nfields, 5);
	assert_string_equal(r.fields[0].value, "a b");
	assert_string_equal(r.fields[1].value, "X/Y");
	assert_string_equal(r.fields[2].value, "");
	assert_string_equal(r.fields[3].name, "flag");
	assert_string_equal(r.fields[4].value, "<s>");
	free(r.form_copy);
}

static void test_form_too_many(void **state)
{
	struct req r;
	char body[1024];
	size_t n = 0;

	(void)state;
	memset(&r, 0, sizeof(r));
	for (int i = 0; i < REQ_MAX_FIELDS + 1; i++)
		n += (size_t)snprintf(body + n, sizeof(body) - n, "a=1&");
	assert_int_equal(router_parse_form(&r, body, strlen(body)), ERR_INPUT);
	free(r.form_copy);
}

static void test_token_equal(void **state)
{
	(void)state;
	assert_true(router_token_equal("abc", "abc"));
	assert_false(router_token_equal("abc", "abd"));
	assert_false(router_token_equal("abc", "abcd"));
	assert_false(router_token_equal("", ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_match),
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_table_invariants),
	    cmocka_unit_test(test_form),
	    cmocka_unit_test(test_form_too_many),
	    cmocka_unit_test(test_token_equal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
