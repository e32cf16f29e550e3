/* cmd_inventory.c: `baken inventory ...` */
#include "cli/commands.h"
#include "domain/product.h"
#include "model/inventory.h"

#include <stdlib.h>

const struct opt_spec cmd_inventory_add_opts[] = {
    {"product", OPT_VALUE, "VENDOR:PRODUCT", "the product, or a CPE 2.3 name or purl"},
    {"version", OPT_VALUE, "V", "the version (taken from a CPE or purl when left out)"},
    {"count", OPT_VALUE, "N", "how many systems run it (default 1)"},
    {"internet-facing", OPT_FLAG, NULL, "reachable from the internet"},
    {NULL, 0, NULL, NULL},
};

int cmd_inventory_add(struct cli_ctx *c)
{
	struct inventory_row r = {0};
	const char *count = opt_get(&c->opts, "count");
	int rc;

	if ((rc = cli_operand(c, 0, "ORG", &r.org)) ||
	    (rc = cli_required(c, "product", &r.product)))
		return rc;
	r.version = opt_get(&c->opts, "version");
	r.count = 1;
	if (count) {
		char *end;
		long v = strtol(count, &end, 10);
		if (*count == '\0' || *end || v < 0 || v > 10000000L)
			return err_set(&c->err, ERR_INPUT,
			               "--count \"%s\": expected a whole number from 0 to 10000000",
			               count);
		r.count = v;
	}
	r.internet_facing = opt_has(&c->opts, "internet-facing");
	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, inventory_put(c->db, &c->act, &r, 1, &c->err));
	if (rc == 0) {
		/* what was stored: the product's key, and the version a CPE or purl carried */
		struct product_ref ref;
		product_parse(r.product, &ref, NULL);
		cli_print_object(c,
		                 json_pack("{s:s, s:s, s:s, s:I, s:b}", "org", r.org, "product",
		                           ref.name, "version", r.version ? r.version : ref.version,
		                           "count", (json_int_t)r.count, "internet_facing",
		                           r.internet_facing),
		                 (const char *const[]){"org", "product", "version", "count",
		                                       "internet_facing", NULL});
	}
	return rc;
}

const struct opt_spec cmd_inventory_import_opts[] = {
    {"org", OPT_VALUE, "ORG", "the organisation of every row (required for an SBOM)"},
    {"replace", OPT_FLAG, NULL, "the organisations in the file keep only the file's rows"},
    {NULL, 0, NULL, NULL},
};

int cmd_inventory_import(struct cli_ctx *c)
{
	const char *path;
	long n = 0;
	int rc;

	if ((rc = cli_operand(c, 0, "FILE", &path)) != 0 || (rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, inventory_import(c->db, &c->act, path, opt_get(&c->opts, "org"),
	                                    opt_has(&c->opts, "replace"), &n, &c->err));
	if (rc == 0)
		cli_print_object(c, json_pack("{s:s, s:I}", "file", path, "rows", (json_int_t)n),
		                 (const char *const[]){"file", "rows", NULL});
	return rc;
}

const struct opt_spec cmd_inventory_list_opts[] = {
    {"org", OPT_VALUE, "ORG", "only this organisation"},
    {"product", OPT_VALUE, "VENDOR:PRODUCT", "only this product"},
    {NULL, 0, NULL, NULL},
};

int cmd_inventory_list(struct cli_ctx *c)
{
	json_t *rows = NULL;
	int rc;

	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, inventory_list(c->db, opt_get(&c->opts, "org"),
	                                  opt_get(&c->opts, "product"), &rows, &c->err));
	if (rc == 0)
		cli_print_rows(c, rows,
		               (const char *const[]){"org", "product", "version", "count",
		                                     "internet_facing", NULL});
	return rc;
}
