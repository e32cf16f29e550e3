/* test_plain.c: the plain-text advisory keeps the layout constituents parse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "formats/plain.h"
#include "model/advisory.h"

static char *cves[] = {"CVE-2019-19781"};
static struct advisory_affect affects[] = {
    {"citrix:adc", ">=10.5|<10.5.70.12|>=13.0|<13.0.47.24"},
    {"citrix:gateway", ">=12.1|<12.1.55.18"},
};
static struct advisory_fix fixed[] = {{"citrix:adc", "13.0-47.24"}, {"citrix:adc", "10.5-70.12"}};

static void citrix(struct advisory_version *v, int num)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->id, sizeof(v->id), "NCSC-2019-0353");
	v->num = num;
	v->published = 1;
	v->published_at = 1577189100; /* 2019-12-24T12:05:00Z */
	v->title = "Kwetsbaarheid in Citrix ADC en Gateway";
	v->tlp = "CLEAR";
	v->likelihood = num ? "high" : "medium";
	v->impact = "high";
	v->platform = "Citrix ADC";
	v->summary = "Een kwaadwillende kan op afstand willekeurige code uitvoeren.";
	v->changelog = num ? "Inschaling verhoogd naar high/high." : NULL;
	matrix_init(&v->matrix);
	matrix_set(&v->matrix, "code-exec", "root", NULL);
	v->cves = cves;
	v->ncves = 1;
	v->affects = affects;
	v->naffects = 2;
	v->fixed = fixed;
	v->nfixed = 2;
}

static char *render(const struct advisory_version *v, const char *lang)
{
	struct buf b;

	buf_init(&b, BUF_MAX_DEFAULT);
	assert_int_equal(plain_render(v, lang, &b), 0);
	return buf_take(&b);
}

static void test_header_fields_aligned(void **state)
{
	struct advisory_version v;
	char *s;

	(void)state;
	citrix(&v, 1);
	s = render(&v, "nl");
	assert_non_null(strstr(s, "##  N C S C ~ B E V E I L I G I N G S A D V I E S  ##\n"));
	assert_non_null(strstr(s, "\nTitel           : Kwetsbaarheid in Citrix ADC en Gateway\n"));
	assert_non_null(strstr(s, "\nAdvisory ID     : NCSC-2019-0353\n"));
	assert_non_null(strstr(s, "\nVersie          : 1.01\n"));
	assert_non_null(strstr(s, "\nKans            : high\n"));
	assert_non_null(strstr(s, "\nCVE ID          : CVE-2019-19781\n"));
	/* the consequence line continues the Schade field */
	assert_non_null(strstr(s, "\nSchade          : high\n                  Uitvoeren van "
	                          "willekeurige code (root/admin-rechten)\n"));
	assert_non_null(strstr(s, "\nUitgiftedatum   : 20191224\n"));
	assert_non_null(
	    strstr(s, "\nToepassing      : citrix:adc\n                  citrix:gateway\n"));
	assert_non_null(strstr(s, "\nVersie(s)       : citrix:adc >=10.5|<10.5.70.12\n"
	                          "                  citrix:adc >=13.0|<13.0.47.24\n"));
	assert_non_null(strstr(s, "\nPlatform(s)     : Citrix ADC\n"));
	free(s);
}

static void test_sections_in_order(void **state)
{
	static const char *order[] = {
	    "\nUpdate\n",       "\nSamenvatting\n",          "\nGevolgen\n",
	    "\nBeschrijving\n", "\nMogelijke oplossingen\n", "\nVrijwaringsverklaring\n"};
	struct advisory_version v;
	const char *at;
	char *s;

	(void)state;
	citrix(&v, 1);
	s = render(&v, "nl");
	at = s;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *next = strstr(at, order[i]);
		assert_non_null(next);
		at = next;
	}
	assert_non_null(strstr(s, "\nUpdate\n    Inschaling verhoogd naar high/high.\n"));
	/* fixed versions in version order, whatever order they were given in */
	assert_true(strstr(s, "- citrix:adc 10.5-70.12") < strstr(s, "- citrix:adc 13.0-47.24"));
	free(s);
}

static void test_first_version_has_no_update_section(void **state)
{
	struct advisory_version v;
	char *s;

	(void)state;
	citrix(&v, 0);
	s = render(&v, "nl");
	assert_null(strstr(s, "\nUpdate\n"));
	assert_non_null(strstr(s, "\nKans            : medium\n"));
	free(s);
}

static void test_english_labels(void **state)
{
	struct advisory_version v;
	char *s;

	(void)state;
	citrix(&v, 1);
	s = render(&v, "en");
	assert_non_null(strstr(s, "\nTitle           : "));
	assert_non_null(strstr(s, "\nVersion         : 1.01\n"));
	assert_non_null(strstr(s, "\nProbability     : high\n"));
	assert_non_null(strstr(s, "\nDamage          : high\n"));
	assert_non_null(strstr(s, "\nPublication date: 20191224\n"));
	assert_non_null(strstr(s, "\nProduct(s)      : citrix:adc\n"));
	assert_non_null(strstr(s, "\nDisclaimer\n"));
	free(s);
}

static void test_tlp_marking_on_top(void **state)
{
	struct advisory_version v;
	char *s;

	(void)state;
	citrix(&v, 1);
	v.tlp = "AMBER";
	s = render(&v, "nl");
	assert_memory_equal(s, "TLP:AMBER\n", 10);
	free(s);
}

static void test_wrap_keeps_words_and_items(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, BUF_MAX_DEFAULT);
	plain_wrap(&b, "een twee drie vier vijf zes\n- item een\n- item twee\n\nnieuwe alinea", 2,
	           14);
	assert_string_equal(buf_str(&b), "  een twee\n  drie vier\n  vijf zes\n  - item een\n"
	                                 "  - item twee\n\n  nieuwe\n  alinea\n");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header_fields_aligned),
	    cmocka_unit_test(test_sections_in_order),
	    cmocka_unit_test(test_first_version_has_no_update_section),
	    cmocka_unit_test(test_english_labels),
	    cmocka_unit_test(test_tlp_marking_on_top),
	    cmocka_unit_test(test_wrap_keeps_words_and_items),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
