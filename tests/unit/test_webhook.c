/* test_webhook.c: the HMAC-SHA256 signature (RFC 4231 test vectors) and the requests that are
 * refused before anything is sent. Delivery over the network: tests/deliver_check.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/err.h"
#include "deliver/webhook.h"

static void test_sign_rfc4231_case2(void **state)
{
	const char *data = "what do ya want for nothing?";
	char sig[72];

	(void)state;
	webhook_sign("Jefe", data, strlen(data), sig);
	assert_string_equal(sig,
	                    "sha256="
	                    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

/* RFC 4231 case 6: a key longer than the block size (131 bytes of 0xaa) is hashed first. */
static void test_sign_rfc4231_case6_long_key(void **state)
{
	const char *data = "Test Using Larger Than Block-Size Key - Hash Key First";
	char key[132], sig[72];

	(void)state;
	memset(key, 0xaa, 131);
	key[131] = '\0';
	webhook_sign(key, data, strlen(data), sig);
	assert_string_equal(sig,
	                    "sha256="
	                    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

/* Only len bytes of the body are signed; the signature changes with one byte. */
static void test_sign_uses_len(void **state)
{
	char a[72], b[72], c[72];

	(void)state;
	webhook_sign("s3cret", "{\"a\":1}XXXX", 7, a);
	webhook_sign("s3cret", "{\"a\":1}", 7, b);
	webhook_sign("s3cret", "{\"a\":2}", 7, c);
	assert_string_equal(a, b);
	assert_string_not_equal(b, c);
	assert_int_equal(strlen(a), 71);
}

static void test_refused_before_sending(void **state)
{
	struct webhook_client *c = NULL;
	struct webhook_result res;
	struct err e = {0};
	struct webhook_req r = {"ftp://receiver.example/hook", "{}", 2, "s3cret", "d-1",
	                        "advisory.published",          1000};

	(void)state;
	assert_int_equal(webhook_client_open(&c, &e), 0);
	assert_non_null(c);
	assert_int_equal(webhook_post(c, &r, &res, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "http"));
	r.url = "file:///etc/passwd";
	assert_int_equal(webhook_post(c, &r, &res, &e), ERR_INPUT);
	r.url = "http://127.0.0.1:9/hook";
	r.secret = "";
	assert_int_equal(webhook_post(c, &r, &res, &e), ERR_INPUT);
	r.secret = "s3cret";
	r.delivery_id = "d-1\r\nX-Evil: 1";
	assert_int_equal(webhook_post(c, &r, &res, &e), ERR_INPUT);
	r.delivery_id = "d-1";
	r.event = "advisory.published\n";
	assert_int_equal(webhook_post(c, &r, &res, &e), ERR_INPUT);
	assert_int_equal(res.status, 0);
	webhook_client_close(c);
	webhook_client_close(NULL);
}

/* Receivers set by constituents may not point into the CSIRT's own network. */
static void test_private_addresses_refused(void **state)
{
	static const char *private[] = {
	    "127.0.0.1",
	    "127.255.0.9",
	    "10.1.2.3",
	    "172.16.0.1",
	    "172.31.255.255",
	    "192.168.1.1",
	    "169.254.169.254",
	    "100.64.0.1",
	    "0.0.0.0",
	    "224.0.0.251",
	    "255.255.255.255",
	    "::1",
	    "::",
	    "fe80::1",
	    "fd00::5",
	    "fc01::1",
	    "ff02::1",
	    "2001:db8::1",
	    "::ffff:127.0.0.1",
	    "::ffff:10.0.0.1",
	    "",
	    "localhost",
	    "10.0.0.1 ",
	};
	static const char *public[] = {
	    "145.21.0.1",  "8.8.8.8",           "172.32.0.1",  "172.15.255.255",    "192.169.0.1",
	    "100.128.0.1", "2a00:1450:4001::1", "2001:610::1", "::ffff:145.21.0.1",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(private) / sizeof(private[0]); i++)
		if (webhook_addr_public(private[i]))
			fail_msg("%s counts as public", private[i]);
	for (size_t i = 0; i < sizeof(public) / sizeof(public[0]); i++)
		if (!webhook_addr_public(public[i]))
			fail_msg("%s counts as private", public[i]);
	assert_false(webhook_addr_public(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sign_rfc4231_case2),
	    cmocka_unit_test(test_sign_rfc4231_case6_long_key),
	    cmocka_unit_test(test_sign_uses_len),
	    cmocka_unit_test(test_refused_before_sending),
	    cmocka_unit_test(test_private_addresses_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
