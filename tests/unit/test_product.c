/* test_product.c: unit tests for domain/product. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "domain/product.h"

/* Parses text, expects success with this name and version. */
static void expect_ok(const char *text, const char *name, const char *version)
{
	struct product_ref p;
	struct err e = {0};

	if (product_parse(text, &p, &e) != 0)
		fail_msg("%s: %s", text, e.msg);
	assert_string_equal(p.name, name);
	assert_string_equal(p.version, version);
	assert_int_equal(product_name_check(p.name, NULL), 0);
}

/* Expects product_parse to refuse text with exactly this message. */
static void expect_err(const char *text, const char *msg)
{
	struct product_ref p;
	struct err e = {0};

	memset(&p, 'x', sizeof(p));
	if (product_parse(text, &p, &e) != ERR_INPUT)
		fail_msg("accepted \"%s\" as %s %s", text, p.name, p.version);
	assert_int_equal(e.code, ERR_INPUT);
	assert_string_equal(e.msg, msg);
	assert_string_equal(p.name, "");
	assert_string_equal(p.version, "");
}

static void test_plain_names(void **state)
{
	(void)state;
	expect_ok("citrix:application_delivery_controller",
	          "citrix:application_delivery_controller", "");
	expect_ok("pulsesecure:pulse_connect_secure", "pulsesecure:pulse_connect_secure", "");
	expect_ok("citrix:adc", "citrix:adc", "");
	expect_ok("Citrix:ADC", "citrix:adc", "");
	expect_ok("a:b", "a:b", "");
	expect_ok("x-1.0_y:z.z-z_", "x-1.0_y:z.z-z_", "");
	/* keys whose vendor is "cpe" or "pkg" read back as keys */
	expect_ok("cpe:2.3", "cpe:2.3", "");
	expect_ok("PKG:npm", "pkg:npm", "");
	expect_ok("cpe:2.3:a:pkg:ti:1:*:*:*:*:*:*:*", "pkg:ti", "1");
}

static void test_plain_errors(void **state)
{
	(void)state;
	expect_err("", "bad product name \"\": empty");
	expect_err(NULL, "bad product name \"\": empty");
	expect_err("citrix", "bad product name \"citrix\": expected vendor:product, a CPE "
	                     "(cpe:2.3:... or cpe:/...) or a purl (pkg:...)");
	expect_err("a:b:c", "bad product name \"a:b:c\": more than one ':' (expected "
	                    "vendor:product)");
	expect_err(":adc", "bad product name \":adc\": empty vendor before ':'");
	expect_err("citrix:", "bad product name \"citrix:\": empty product after ':'");
	expect_err("Citrix:Application Delivery Controller",
	           "bad product name \"Citrix:Application Delivery Controller\": white space is "
	           "not allowed (only a-z, 0-9, '.', '_' and '-'); did you mean "
	           "citrix:application_delivery_controller?");
	expect_err(" citrix:adc", "bad product name \" citrix:adc\": white space is not "
	                          "allowed (only a-z, 0-9, '.', '_' and '-'); did you mean "
	                          "citrix:adc?");
	expect_err("citrix:adc\n", "bad product name \"citrix:adc\\x0a\": white space is "
	                           "not allowed (only a-z, 0-9, '.', '_' and '-'); did you mean "
	                           "citrix:adc?");
	expect_err("notepad-plus-plus:notepad++",
	           "bad product name \"notepad-plus-plus:notepad++\": character '+' is not allowed "
	           "(only a-z, 0-9, '.', '_' and '-'); did you mean notepad-plus-plus:notepad__?");
	expect_err("citrix:adc@13.0", "bad product name \"citrix:adc@13.0\": character '@' is not "
	                              "allowed (only a-z, 0-9, '.', '_' and '-'); did you mean "
	                              "citrix:adc_13.0?");
}

static void test_name_check(void **state)
{
	struct err e = {0};
	char big[300];

	(void)state;
	assert_int_equal(product_name_check("citrix:adc", &e), 0);
	assert_int_equal(product_name_check("Citrix:ADC", &e), 0);
	assert_int_equal(product_name_check("a.b-c_d:0", &e), 0);
	assert_int_equal(product_name_check("citrix adc", &e), ERR_INPUT);
	assert_int_equal(product_name_check(NULL, &e), ERR_INPUT);
	assert_string_equal(e.msg, "bad product name \"\": empty");
	assert_int_equal(product_name_check("a::b", &e), ERR_INPUT);
	assert_int_equal(product_name_check("a:b/c", &e), ERR_INPUT);
	assert_string_equal(e.msg, "bad product name \"a:b/c\": character '/' is not allowed "
	                           "(only a-z, 0-9, '.', '_' and '-'); did you mean a:b_c?");
	assert_int_equal(product_name_check("a:\xc3\xa9", &e), ERR_INPUT);
	assert_int_equal(product_name_check("a:*", &e), ERR_INPUT);
	assert_string_equal(e.msg, "bad product name \"a:*\": character '*' is not allowed (only "
	                           "a-z, 0-9, '.', '_' and '-'); did you mean a:_?");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[10] = ':';
	big[PRODUCT_NAME_MAX] = '\0';
	assert_int_equal(product_name_check(big, &e), 0);
	big[PRODUCT_NAME_MAX] = 'a';
	big[PRODUCT_NAME_MAX + 1] = '\0';
	assert_int_equal(product_name_check(big, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "...\": longer than 255 bytes"));
}

static void test_cpe23(void **state)
{
	(void)state;
	expect_ok("cpe:2.3:a:citrix:application_delivery_controller:13.0:*:*:*:*:*:*:*",
	          "citrix:application_delivery_controller", "13.0");
	expect_ok("cpe:2.3:a:ivanti:connect_secure:9.0:r3.3:*:*:*:*:*:*", "ivanti:connect_secure",
	          "9.0R3.3");
	expect_ok("cpe:2.3:a:pulsesecure:pulse_connect_secure:9.1:r11.4:*:*:*:*:*:*",
	          "pulsesecure:pulse_connect_secure", "9.1R11.4");
	expect_ok("cpe:2.3:a:ivanti:connect_secure:22.7:R2:*:*:*:*:*:*", "ivanti:connect_secure",
	          "22.7R2");
	expect_ok("cpe:2.3:o:microsoft:windows_10:1607:*:*:*:*:*:x64:*", "microsoft:windows_10",
	          "1607");
	expect_ok("cpe:2.3:a:microsoft:sql_server:2019:sp1:*:*:*:*:*:*", "microsoft:sql_server",
	          "2019-sp1");
	expect_ok("cpe:2.3:a:openbsd:openssh:7.4:p1:*:*:*:*:*:*", "openbsd:openssh", "7.4-p1");
	expect_ok("cpe:2.3:a:vendor:product:1.0:rc1:*:*:*:*:*:*", "vendor:product", "1.0-rc1");
	expect_ok("cpe:2.3:a:vendor:product:1.0:r:*:*:*:*:*:*", "vendor:product", "1.0-r");
	expect_ok("cpe:2.3:a:vendor:product:1.0:r3-1:*:*:*:*:*:*", "vendor:product", "1.0-r3-1");
	expect_ok("cpe:2.3:a:vendor:product:1.0:-:*:*:*:*:*:*", "vendor:product", "1.0");
	expect_ok("cpe:2.3:h:cisco:asa_5505:-:*:*:*:*:*:*:*", "cisco:asa_5505", "");
	expect_ok("cpe:2.3:a:citrix:adc:*:*:*:*:*:*:*:*", "citrix:adc", "");
	expect_ok("cpe:2.3:a:vendor:product:*:sp1:*:*:*:*:*:*", "vendor:product", "");
	/* quoting undone; key characters outside [a-z0-9._-] become '_' */
	expect_ok("cpe:2.3:a:notepad-plus-plus:notepad\\+\\+:8.1.1:*:*:*:*:*:*:*",
	          "notepad-plus-plus:notepad__", "8.1.1");
	expect_ok("cpe:2.3:a:at\\&t:some\\:thing:1\\.2\\(3\\):*:*:*:*:*:*:*", "at_t:some_thing",
	          "1.2(3)");
	expect_ok("cpe:2.3:a:vendor:product\\*:1.0:*:*:*:*:*:*:*", "vendor:product_", "1.0");
	expect_ok("CPE:2.3:A:Citrix:NetScaler:12.1:*:*:*:*:*:*:*", "citrix:netscaler", "12.1");
	/* ignored fields may be empty or hold wildcards */
	expect_ok("cpe:2.3:a:v:p:1:::::::", "v:p", "1");
	expect_ok("cpe:2.3:a:v:p:1:*:*:*:*:wind?ws*:*:*", "v:p", "1");
}

static void test_cpe23_errors(void **state)
{
	char big[1100];

	(void)state;
	expect_err("cpe:2.3:a:citrix", "bad CPE \"cpe:2.3:a:citrix\": expected 13 fields, got 4");
	expect_err("cpe:2.3:a:citrix:adc:13.0:*:*:*:*:*:*:*:*",
	           "bad CPE \"cpe:2.3:a:citrix:adc:13.0:*:*:*:*:*:*:*:*\": expected 13 fields, got "
	           "14");
	expect_err("cpe:2.3:", "bad CPE \"cpe:2.3:\": expected 13 fields, got 3");
	expect_err("cpe:2.2:a:citrix:adc", "bad CPE \"cpe:2.2:a:citrix:adc\": expected "
	                                   "\"cpe:2.3:\" (a CPE 2.3 formatted string) or "
	                                   "\"cpe:/\" (a CPE 2.2 URI)");
	expect_err("cpe:", "bad CPE \"cpe:\": expected \"cpe:2.3:\" (a CPE 2.3 formatted string) "
	                   "or \"cpe:/\" (a CPE 2.2 URI)");
	expect_err(
	    "cpe:2.3:x:citrix:adc:13.0:*:*:*:*:*:*:*",
	    "bad CPE \"cpe:2.3:x:citrix:adc:13.0:*:*:*:*:*:*:*\": the part \"x\" is not a, o "
	    "or h");
	expect_err(
	    "cpe:2.3:*:citrix:adc:13.0:*:*:*:*:*:*:*",
	    "bad CPE \"cpe:2.3:*:citrix:adc:13.0:*:*:*:*:*:*:*\": the part \"*\" is not a, o "
	    "or h");
	expect_err("cpe:2.3:a:*:adc:13.0:*:*:*:*:*:*:*",
	           "bad CPE \"cpe:2.3:a:*:adc:13.0:*:*:*:*:*:*:*\": the vendor is empty or '*' "
	           "(any); a product needs a specific vendor");
	expect_err("cpe:2.3:a::adc:13.0:*:*:*:*:*:*:*",
	           "bad CPE \"cpe:2.3:a::adc:13.0:*:*:*:*:*:*:*\": the vendor is empty or '*' "
	           "(any); a product needs a specific vendor");
	expect_err("cpe:2.3:a:citrix:-:13.0:*:*:*:*:*:*:*",
	           "bad CPE \"cpe:2.3:a:citrix:-:13.0:*:*:*:*:*:*:*\": the product is '-' (not "
	           "applicable); a product needs a specific product");
	expect_err("cpe:2.3:a:cit*:adc:13.0:*:*:*:*:*:*:*",
	           "bad CPE \"cpe:2.3:a:cit*:adc:13.0:*:*:*:*:*:*:*\": the vendor \"cit*\" holds a "
	           "wildcard ('*' or '?')");
	expect_err(
	    "cpe:2.3:a:citrix:adc:13.*:*:*:*:*:*:*:*",
	    "bad CPE \"cpe:2.3:a:citrix:adc:13.*:*:*:*:*:*:*:*\": the version \"13.*\" holds "
	    "a wildcard ('*' or '?')");
	expect_err(
	    "cpe:2.3:a:citrix:adc:13.0:r?:*:*:*:*:*:*",
	    "bad CPE \"cpe:2.3:a:citrix:adc:13.0:r?:*:*:*:*:*:*\": the update \"r?\" holds a "
	    "wildcard ('*' or '?')");
	expect_err(
	    "cpe:2.3:a:citrix:adc 2:13.0:*:*:*:*:*:*:*",
	    "bad CPE \"cpe:2.3:a:citrix:adc 2:13.0:*:*:*:*:*:*:*\": unexpected white space in "
	    "the product");
	expect_err("cpe:2.3:a:citrix:adc:13.0:*:*:*:*:*:*:\x7f",
	           "bad CPE \"cpe:2.3:a:citrix:adc:13.0:*:*:*:*:*:*:\\x7f\": unexpected character "
	           "'\\x7f' in the other");
	expect_err(
	    "cpe:2.3:a:citrix:adc:13.0:*:*:*:*:*:*:x\\",
	    "bad CPE \"cpe:2.3:a:citrix:adc:13.0:*:*:*:*:*:*:x\\\\\": a lone '\\' at the end");
	expect_err("cpe:2.3:a:citrix:a\\ b:13.0:*:*:*:*:*:*:*",
	           "bad CPE \"cpe:2.3:a:citrix:a\\\\ b:13.0:*:*:*:*:*:*:*\": bad quoting '\\' + "
	           "'\\x20' in the product");
	/* a version over 128 bytes */
	snprintf(big, sizeof(big), "cpe:2.3:a:v:p:%0129d:*:*:*:*:*:*:*", 0);
	{
		struct err e = {0};
		struct product_ref p;

		assert_int_equal(product_parse(big, &p, &e), ERR_INPUT);
		/* the text is quoted to its first 120 bytes */
		assert_int_equal(strlen(e.msg), strlen("bad CPE \"...\": the version is longer "
		                                       "than 128 bytes") +
		                                    120);
		assert_non_null(strstr(e.msg, "\"cpe:2.3:a:v:p:000"));
		assert_non_null(strstr(e.msg, "00...\": the version is longer than 128 bytes"));
	}
	snprintf(big, sizeof(big), "cpe:2.3:a:v:p:%0120d:sp123456:*:*:*:*:*:*", 0);
	assert_int_equal(product_parse(big, &(struct product_ref){0}, NULL), ERR_INPUT);
	snprintf(big, sizeof(big), "cpe:2.3:a:v:p:%0120d:sp12345:*:*:*:*:*:*", 0);
	assert_int_equal(product_parse(big, &(struct product_ref){0}, NULL), 0);
	/* a key over 255 bytes */
	snprintf(big, sizeof(big), "cpe:2.3:a:%0200d:%055d:1:*:*:*:*:*:*:*", 0, 0);
	assert_int_equal(product_parse(big, &(struct product_ref){0}, NULL), ERR_INPUT);
	snprintf(big, sizeof(big), "cpe:2.3:a:%0200d:%054d:1:*:*:*:*:*:*:*", 0, 0);
	assert_int_equal(product_parse(big, &(struct product_ref){0}, NULL), 0);
	snprintf(big, sizeof(big), "cpe:2.3:a:%0255d:p:1:*:*:*:*:*:*:*", 0);
	assert_int_equal(product_parse(big, &(struct product_ref){0}, NULL), ERR_INPUT);
	snprintf(big, sizeof(big), "cpe:2.3:a:%0300d:p:1:*:*:*:*:*:*:*", 0);
	assert_int_equal(product_parse(big, &(struct product_ref){0}, NULL), ERR_INPUT);
}

static void test_cpe22(void **state)
{
	(void)state;
	expect_ok("cpe:/a:citrix:netscaler_gateway:12.1", "citrix:netscaler_gateway", "12.1");
	expect_ok("cpe:/a:citrix:netscaler_gateway", "citrix:netscaler_gateway", "");
	expect_ok("cpe:/a:pulsesecure:pulse_connect_secure:9.0:r3.3",
	          "pulsesecure:pulse_connect_secure", "9.0R3.3");
	expect_ok("cpe:/o:linux:linux_kernel:5.10::~~~~x64~", "linux:linux_kernel", "5.10");
	expect_ok("cpe:/a:microsoft:sql_server:2019:sp1:x64:en", "microsoft:sql_server",
	          "2019-sp1");
	expect_ok("cpe:/a:notepad-plus-plus:notepad%2b%2b:8.1", "notepad-plus-plus:notepad__",
	          "8.1");
	expect_ok("cpe:/a:v:p:1.0%28a%29", "v:p", "1.0(a)");
	expect_ok("cpe:/h:cisco:asa_5505:-", "cisco:asa_5505", "");
	expect_ok("CPE:/A:Citrix:ADC:13.0", "citrix:adc", "13.0");
	expect_err("cpe:/a:citrix", "bad CPE \"cpe:/a:citrix\": expected part:vendor:product after "
	                            "\"cpe:/\", got 2 components");
	expect_err("cpe:/", "bad CPE \"cpe:/\": expected part:vendor:product after \"cpe:/\", got "
	                    "1 component");
	expect_err("cpe:/a:v:p:1:2:3:4:5", "bad CPE \"cpe:/a:v:p:1:2:3:4:5\": expected at most 7 "
	                                   "components after \"cpe:/\", got 8");
	expect_err("cpe:/x:v:p", "bad CPE \"cpe:/x:v:p\": the part \"x\" is not a, o or h");
	expect_err("cpe:/a::p", "bad CPE \"cpe:/a::p\": the vendor is empty or '*' (any); a "
	                        "product needs a specific vendor");
	expect_err("cpe:/a:v%02:p", "bad CPE \"cpe:/a:v%02:p\": the vendor \"v*\" holds a wildcard "
	                            "('*' or '?')");
	expect_err("cpe:/a:v:p%2", "bad CPE \"cpe:/a:v:p%2\": bad percent-encoding \"%2\" in the "
	                           "product");
	expect_err("cpe:/a:v:p%zz", "bad CPE \"cpe:/a:v:p%zz\": bad percent-encoding \"%zz\" in "
	                            "the product");
	expect_err("cpe:/a:v:p:1%0a", "bad CPE \"cpe:/a:v:p:1%0a\": percent-encoded byte %0a in "
	                              "the version is not printable ASCII");
	expect_err("cpe:/a:v:p:1 2", "bad CPE \"cpe:/a:v:p:1 2\": unexpected white space in the "
	                             "version");
}

static void test_purl(void **state)
{
	(void)state;
	expect_ok("pkg:generic/citrix/adc@13.0-47.22", "citrix:adc", "13.0-47.22");
	expect_ok("pkg:deb/debian/openssl@1.1.1n-0+deb11u3?arch=amd64", "debian:openssl",
	          "1.1.1n-0+deb11u3");
	expect_ok("pkg:npm/lodash@4.17.20", "npm:lodash", "4.17.20");
	expect_ok("pkg:npm/lodash", "npm:lodash", "");
	expect_ok("pkg:npm/%40angular/core@12.0.0", "_angular:core", "12.0.0");
	expect_ok("pkg:npm/@angular/core", "_angular:core", "");
	expect_ok("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
	          "org.apache.logging.log4j:log4j-core", "2.14.1");
	expect_ok("pkg:golang/github.com/gorilla/mux@v1.8.0", "github.com_gorilla:mux", "v1.8.0");
	expect_ok("pkg:pypi/Django@3.2.1", "pypi:django", "3.2.1");
	expect_ok("pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25", "fedora:curl",
	          "7.50.3-1.fc25");
	expect_ok("pkg:github/package-url/purl-spec@244fd47e07d1004#everybody/loves/dogs",
	          "package-url:purl-spec", "244fd47e07d1004");
	expect_ok("pkg:docker/customer/dockerimage@sha256%3A244fd47e07d10?repository_url=gcr.io",
	          "customer:dockerimage", "sha256:244fd47e07d10");
	expect_ok("pkg://npm/lodash@4.17.20/", "npm:lodash", "4.17.20");
	expect_ok("PKG:NPM/Lodash@4.17.20", "npm:lodash", "4.17.20");
	expect_ok("pkg:generic//citrix//adc@1", "citrix:adc", "1");
	expect_ok("pkg:generic/a%2Fb/c%3Ad@1%2B2", "a_b:c_d", "1+2");
	expect_ok("pkg:c++/v/p@1", "v:p", "1");
	expect_ok("pkg:npm/lodash#sub@path", "npm:lodash", "");
}

static void test_purl_errors(void **state)
{
	(void)state;
	expect_err("pkg:", "bad purl \"pkg:\": missing type after \"pkg:\"");
	expect_err("pkg:npm?a=b", "bad purl \"pkg:npm?a=b\": missing '/' and name after the "
	                          "type");
	expect_err("pkg:npm/", "bad purl \"pkg:npm/\": missing name");
	expect_err("pkg:npm/@1.0", "bad purl \"pkg:npm/@1.0\": missing name");
	expect_err("pkg:npm/lodash@", "bad purl \"pkg:npm/lodash@\": empty version after '@'");
	expect_err("pkg:1npm/lodash", "bad purl \"pkg:1npm/lodash\": unexpected character '1' in "
	                              "the type");
	expect_err("pkg:n_pm/lodash", "bad purl \"pkg:n_pm/lodash\": unexpected character '_' in "
	                              "the type");
	expect_err("pkg:npm/lo dash", "bad purl \"pkg:npm/lo dash\": unexpected white space");
	expect_err("pkg:npm/lod\xc3\xa4sh", "bad purl \"pkg:npm/lod\\xc3\\xa4sh\": unexpected "
	                                    "character '\\xc3' (must be percent-encoded)");
	expect_err("pkg:npm/lodash@1%2", "bad purl \"pkg:npm/lodash@1%2\": bad percent-encoding "
	                                 "\"%2\" in the version");
	expect_err("pkg:npm/lod%g1sh", "bad purl \"pkg:npm/lod%g1sh\": bad percent-encoding "
	                               "\"%g1\" in the name");
	expect_err("pkg:npm/a%zz/b", "bad purl \"pkg:npm/a%zz/b\": bad percent-encoding \"%zz\" in "
	                             "the namespace");
	expect_err("pkg:npm/lodash@1%002", "bad purl \"pkg:npm/lodash@1%002\": the version has a "
	                                   "byte %00 that is not printable ASCII");
	expect_err("pkg:npm/lodash@1%202", "bad purl \"pkg:npm/lodash@1%202\": the version has a "
	                                   "byte %20 that is not printable ASCII");
}

static void test_limits(void **state)
{
	char big[PRODUCT_INPUT_MAX + 2];
	struct product_ref p;
	struct err e = {0};

	(void)state;
	/* exactly PRODUCT_INPUT_MAX bytes are read; one more is refused */
	memset(big, 'a', sizeof(big));
	memcpy(big, "pkg:npm/", 8);
	big[PRODUCT_INPUT_MAX - 10] = '@';
	big[PRODUCT_INPUT_MAX] = '\0';
	assert_int_equal(product_parse(big, &p, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "the name vendor:product is longer than 255 bytes"));
	big[PRODUCT_INPUT_MAX] = 'a';
	big[PRODUCT_INPUT_MAX + 1] = '\0';
	assert_int_equal(product_parse(big, &p, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "...\": longer than 1024 bytes"));
	assert_non_null(strstr(e.msg, "bad purl \"pkg:npm/aaa"));
	assert_true(strlen(e.msg) < 200);

	/* a purl version of 128 bytes passes, 129 does not */
	memset(big, '1', sizeof(big));
	memcpy(big, "pkg:npm/x@", 10);
	big[10 + PRODUCT_VERSION_MAX] = '\0';
	assert_int_equal(product_parse(big, &p, &e), 0);
	assert_int_equal(strlen(p.version), PRODUCT_VERSION_MAX);
	big[10 + PRODUCT_VERSION_MAX] = '1';
	big[11 + PRODUCT_VERSION_MAX] = '\0';
	assert_int_equal(product_parse(big, &p, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "the version is longer than 128 bytes"));
	assert_int_equal(product_parse("citrix:adc", &p, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_names),  cmocka_unit_test(test_plain_errors),
	    cmocka_unit_test(test_name_check),   cmocka_unit_test(test_cpe23),
	    cmocka_unit_test(test_cpe23_errors), cmocka_unit_test(test_cpe22),
	    cmocka_unit_test(test_purl),         cmocka_unit_test(test_purl_errors),
	    cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
