/* cmd_advisory.c: `baken advisory ...` and `baken vuln ...` */
#include "cli/cli_show.h"
#include "cli/commands.h"
#include "cli/cmd_csaf.h" /* issue 5: --format csaf */
#include "core/buf.h"
#include "deliver/pgp.h"
#include "formats/plain.h"
#include "model/config.h"
#include "model/advisory.h"
#include "model/alert.h"
#include "model/deadline.h"
#include "model/vuln.h"

#include <string.h>

#define ADVISORY_INPUT_OPTS                                                                        \
	{"title", OPT_VALUE, "T", "title"}, {"cve", OPT_LIST, "ID", "CVE ids"},                    \
	    {"affects", OPT_LIST, "VENDOR:PRODUCT:RANGE", "affected product and versions"},        \
	    {"fixed", OPT_LIST, "VENDOR:PRODUCT:VERSION", "a version that fixes it"},              \
	    {"likelihood", OPT_VALUE, "L",                                                         \
	     "chosen likelihood, if not the proposal (needs --rationale)"},                        \
	    {"impact", OPT_VALUE, "I", "chosen impact, if not the proposal (needs --rationale)"},  \
	    {"rationale", OPT_VALUE, "R", "why the chosen levels differ from the proposal"},       \
	    {"tlp", OPT_VALUE, "T", "CLEAR (default), GREEN, AMBER, AMBER+STRICT, RED"},           \
	    {"to", OPT_LIST, "ORG", "organisations it is addressed to, beyond those affected"},    \
	    {"platform", OPT_VALUE, "P", "platforms"}, {"summary", OPT_VALUE, "S", "summary"},     \
	    {"description", OPT_VALUE, "D", "description"},                                        \
	    {"solution", OPT_VALUE, "S", "possible solutions: mitigations, patches per version"},  \
	    {"reference", OPT_LIST, "URL", "references"},                                          \
	    {"disclosed", OPT_VALUE, "DATE", "when the vendor disclosed it"},                      \
	{                                                                                          \
		"reported-to-vendor", OPT_VALUE, "DATE", "when it was reported to the vendor"      \
	}

const struct opt_spec cmd_advisory_new_opts[] = {
    ADVISORY_INPUT_OPTS,
    {"change", OPT_VALUE, "TEXT", "a changelog line for 1.00 (optional)"},
    {NULL, 0, NULL, NULL},
};

const struct opt_spec cmd_advisory_update_opts[] = {
    ADVISORY_INPUT_OPTS,
    {"change", OPT_VALUE, "TEXT", "what changed: the changelog line of the next version"},
    {NULL, 0, NULL, NULL},
};

/* Fills in from the options; the lists are malloc'd (advisory_input_free). */
static int advisory_input_read(struct cli_ctx *c, struct advisory_input *in)
{
	const struct opts *o = &c->opts;
	int rc;

	memset(in, 0, sizeof(*in));
	in->title = opt_get(o, "title");
	in->tlp = opt_get(o, "tlp");
	in->platform = opt_get(o, "platform");
	in->summary = opt_get(o, "summary");
	in->description = opt_get(o, "description");
	in->solution = opt_get(o, "solution");
	in->change = opt_get(o, "change");
	in->likelihood = opt_get(o, "likelihood");
	in->impact = opt_get(o, "impact");
	in->rationale = opt_get(o, "rationale");
	in->disclosed = opt_get(o, "disclosed");
	in->reported_to_vendor = opt_get(o, "reported-to-vendor");
	in->cves = opt_list(o, "cve", &in->ncves);
	in->affects = opt_list(o, "affects", &in->naffects);
	in->fixed = opt_list(o, "fixed", &in->nfixed);
	in->refs = opt_list(o, "reference", &in->nrefs);
	in->to = opt_list(o, "to", &in->nto);
	matrix_init(&in->matrix);
	for (size_t i = 0; i < o->n; i++) {
		if (matrix_find_flag(o->entries[i].name) < 0)
			continue;
		rc = matrix_set(&in->matrix, o->entries[i].name, o->entries[i].value, &c->err);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static void advisory_input_free(struct advisory_input *in)
{
	free(in->cves);
	free(in->affects);
	free(in->fixed);
	free(in->refs);
	free(in->to);
}

/* What new, update and publish print: the ID, the version and the classification. */
static void print_version_result(struct cli_ctx *c, const char *id, int num, const char *state)
{
	struct advisory_version v;
	char label[16];

	advisory_version_label(num, label, sizeof(label));
	if (advisory_load(c->db, id, label, 0, &v, &c->err) != 0) {
		cli_print_object(
		    c, json_pack("{s:s, s:s, s:s}", "id", id, "version", label, "state", state),
		    (const char *const[]){"id", "version", "state", NULL});
		return;
	}
	if (c->json)
		cli_print_json(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?}", "id", id,
		                         "version", label, "state", state, "likelihood",
		                         v.likelihood, "impact", v.impact, "tlp", v.tlp,
		                         "rationale", v.rationale));
	else
		printf("%s\n  version %s (%s), %s/%s, TLP:%s\n", id, label, state, v.likelihood,
		       v.impact, v.tlp);
	advisory_version_free(&v);
}

int cmd_advisory_new(struct cli_ctx *c)
{
	struct advisory_input in;
	char id[64];
	int rc;

	if ((rc = advisory_input_read(c, &in)) == 0 && (rc = cli_open(c)) == 0) {
		rc = advisory_new(c->db, &c->act, &in, id, sizeof(id), &c->err);
		if (rc == 0)
			print_version_result(c, id, 0, "draft");
		rc = cli_finish(c, rc);
	}
	advisory_input_free(&in);
	return rc;
}

int cmd_advisory_update(struct cli_ctx *c)
{
	struct advisory_input in;
	const char *id;
	int rc, num = 0;

	if ((rc = cli_operand(c, 0, "ID", &id)) != 0)
		return rc;
	if ((rc = advisory_input_read(c, &in)) == 0 && (rc = cli_open(c)) == 0) {
		rc = advisory_update(c->db, &c->act, id, &in, &num, &c->err);
		if (rc == 0)
			print_version_result(c, id, num, "draft");
		rc = cli_finish(c, rc);
	}
	advisory_input_free(&in);
	return rc;
}

const struct opt_spec cmd_advisory_publish_opts[] = {
    {"silent", OPT_FLAG, NULL, "publish without alerting anyone"},
    {"force-alert", OPT_FLAG, NULL, "alert even when nothing material changed"},
    {NULL, 0, NULL, NULL},
};

int cmd_advisory_publish(struct cli_ctx *c)
{
	struct alert_counts n = {0};
	const char *id;
	char label[16];
	int rc, num = 0, material = 0;

	if ((rc = cli_operand(c, 0, "ID", &id)) != 0 || (rc = cli_open(c)) != 0)
		return rc;
	rc = advisory_publish(c->db, &c->act, id, opt_has(&c->opts, "silent"),
	                      opt_has(&c->opts, "force-alert"), &num, &material, &c->err);
	if (rc == 0)
		rc = alert_on_publish(c->db, &c->act, id, num, material, &n, &c->err);
	if (rc == 0) /* a high/high version starts the BIO clocks */
		rc = deadline_sync(c->db, id, NULL, &c->err);
	rc = cli_finish(c, rc);
	if (rc != 0)
		return rc;
	advisory_version_label(num, label, sizeof(label));
	cli_print_object(c,
	                 json_pack("{s:s, s:s, s:s, s:b, s:I, s:I, s:I, s:I}", "id", id, "version",
	                           label, "state", "published", "material", material,
	                           "organisations", (json_int_t)n.organisations, "email",
	                           (json_int_t)n.email, "webhook", (json_int_t)n.webhook, "call",
	                           (json_int_t)n.call),
	                 (const char *const[]){"id", "version", "state", "material",
	                                       "organisations", "email", "webhook", "call", NULL});
	return 0;
}

const struct opt_spec cmd_advisory_show_opts[] = {
    {"version", OPT_VALUE, "V", "the version (default: the latest published)"},
    {"format", OPT_VALUE, "F", "plain (default), json or csaf"},
    {"lang", OPT_VALUE, "L", "nl (default) or en, for the plain format"},
    {NULL, 0, NULL, NULL},
};

int cmd_advisory_show(struct cli_ctx *c)
{
	const char *id, *format = opt_get(&c->opts, "format"), *lang = opt_get(&c->opts, "lang");
	struct advisory_version v;
	struct buf text;
	json_t *o = NULL;
	int rc;

	buf_init(&text, BUF_MAX_DEFAULT);
	if ((rc = cli_operand(c, 0, "ID", &id)) != 0)
		return rc;
	if (format == NULL)
		format = c->json ? "json" : "plain";
	/* issue 5: the CSAF 2.0 document (cmd_csaf.c) */
	if (strcmp(format, "csaf") == 0)
		return cmd_csaf_show(c, id, opt_get(&c->opts, "version"));
	if (strcmp(format, "plain") != 0 && strcmp(format, "json") != 0)
		return err_set(&c->err, ERR_USAGE, "--format %s: expected plain or json", format);
	if (lang && strcmp(lang, "nl") != 0 && strcmp(lang, "en") != 0)
		return err_set(&c->err, ERR_USAGE, "--lang %s: expected nl or en", lang);
	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = advisory_load(c->db, id, opt_get(&c->opts, "version"), 0, &v, &c->err);
	if (rc == 0 && strcmp(format, "json") == 0)
		rc = advisory_to_json(c->db, &v, &o, &c->err);
	if (rc == 0 && o == NULL) {
		/* the plain text, clear-signed where a key is configured */
		char *key = config_get(c->db, "signing.key", NULL);
		buf_init(&text, BUF_MAX_DEFAULT);
		plain_render(&v, lang ? lang : "nl", &text);
		if (key) {
			struct buf sig;
			buf_init(&sig, BUF_MAX_DEFAULT);
			rc = pgp_clearsign(key, buf_str(&text), &sig, &c->err);
			buf_free(&text);
			text = sig;
		}
		free(key);
	}
	advisory_version_free(&v); /* a failed load leaves it empty: freeing is safe */
	rc = cli_finish(c, rc);
	if (rc == 0 && o)
		cli_print_json(o);
	else if (rc == 0)
		fputs(buf_str(&text), stdout);
	else
		json_decref(o);
	buf_free(&text);
	return rc;
}

const struct opt_spec cmd_advisory_list_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_advisory_list(struct cli_ctx *c)
{
	json_t *rows = NULL;
	int rc;

	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, advisory_list(c->db, &rows, &c->err));
	if (rc == 0)
		cli_print_rows(c, rows,
		               (const char *const[]){"id", "version", "state", "classification",
		                                     "tlp", "date", "title", NULL});
	return rc;
}

const struct opt_spec cmd_advisory_affected_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_advisory_affected(struct cli_ctx *c)
{
	struct advisory_version v;
	const char *id;
	json_t *rows = NULL;
	int rc;

	if ((rc = cli_operand(c, 0, "ID", &id)) != 0 || (rc = cli_open(c)) != 0)
		return rc;
	rc = advisory_load(c->db, id, NULL, 1, &v, &c->err);
	if (rc == 0) {
		rc = advisory_affected(c->db, &v, &rows, &c->err);
		advisory_version_free(&v);
	}
	rc = cli_finish(c, rc);
	if (rc == 0)
		cli_print_rows(c, rows,
		               (const char *const[]){"org", "name", "kind", "product", "version",
		                                     "count", "internet_facing", NULL});
	return rc;
}

const struct opt_spec cmd_vuln_list_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_vuln_list(struct cli_ctx *c)
{
	json_t *rows = NULL;
	size_t i;
	json_t *o;
	int rc;

	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, vuln_list(c->db, &rows, &c->err));
	if (rc != 0)
		return rc;
	/* for people: the products as one column */
	json_array_foreach(rows, i, o)
	{
		json_t *names = json_array(), *p;
		size_t j;
		json_array_foreach(json_object_get(o, "products"), j, p)
		    json_array_append(names, json_object_get(p, "product"));
		json_object_set_new(o, "product_names", names);
		if (c->json)
			json_object_del(o, "product_names");
	}
	cli_print_rows(c, rows,
	               (const char *const[]){"cve", "exploit_status", "mitigation_status",
	                                     "product_names", "advisories", "title", NULL});
	return 0;
}

const struct opt_spec cmd_vuln_show_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_vuln_show(struct cli_ctx *c)
{
	json_t *o;
	int rc = cli_show_fetch(c, "CVE-ID", vuln_show, &o);

	if (rc != 0 || o == NULL) /* an error, or printed as JSON */
		return rc;
	cli_print_object(c, json_incref(o),
	                 (const char *const[]){"cve", "title", "exploit_status",
	                                       "mitigation_status", "reported_to_vendor",
	                                       "disclosed", "learned", "kev_date", "advisories",
	                                       NULL});
	printf("\nProducts\n");
	cli_print_rows(c, json_incref(json_object_get(o, "products")),
	               (const char *const[]){"product", "range", NULL});
	if (json_array_size(json_object_get(o, "fixed"))) {
		printf("\nFixed in\n");
		cli_print_rows(c, json_incref(json_object_get(o, "fixed")),
		               (const char *const[]){"product", "version", NULL});
	}
	json_decref(o);
	return 0;
}
