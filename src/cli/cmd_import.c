/* cmd_import.c: `baken import csaf|cve|kev FILE...` (issue 5). Each import is one
 * transaction: a refused file leaves the store as it was. */
#include "cli/commands.h"
#include "model/importer.h"

#include <stdio.h>
#include <string.h>

const struct opt_spec cmd_import_csaf_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_import_csaf(struct cli_ctx *c)
{
	json_t *rows = NULL, *r;
	size_t i;
	int rc;

	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(
	    c, import_csaf(c->db, &c->act, c->opts.operands, c->opts.noperands, &rows, &c->err));
	if (rc != 0)
		return rc;
	json_array_foreach(rows, i, r)
	{
		if (json_is_null(json_object_get(r, "classification")))
			json_object_set_new(r, "classification", json_string(""));
	}
	cli_print_rows(c, rows,
	               (const char *const[]){"file", "id", "version", "status", "cves", "products",
	                                     "fixed", "classification", NULL});
	return 0;
}

const struct opt_spec cmd_import_cve_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_import_cve(struct cli_ctx *c)
{
	json_t *res = NULL;
	int rc;

	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(
	    c, import_cve(c->db, &c->act, c->opts.operands, c->opts.noperands, &res, &c->err));
	if (rc != 0)
		return rc;
	if (c->json) {
		cli_print_json(res);
		return 0;
	}
	printf("%lld records: %lld new, %lld updated, %lld unchanged, %lld older, %lld rejected;"
	       " %lld newly actively exploited, %lld advisories to reclassify\n",
	       (long long)json_integer_value(json_object_get(res, "records")),
	       (long long)json_integer_value(json_object_get(res, "new")),
	       (long long)json_integer_value(json_object_get(res, "updated")),
	       (long long)json_integer_value(json_object_get(res, "unchanged")),
	       (long long)json_integer_value(json_object_get(res, "older")),
	       (long long)json_integer_value(json_object_get(res, "rejected")),
	       (long long)json_integer_value(json_object_get(res, "marked_active")),
	       (long long)json_integer_value(json_object_get(res, "todos")));
	if (json_array_size(json_object_get(res, "rows")) <= 50)
		cli_print_rows(c, json_incref(json_object_get(res, "rows")),
		               (const char *const[]){"cve", "status", "products", "exploit_status",
		                                     "kev_date", NULL});
	json_decref(res);
	return 0;
}

const struct opt_spec cmd_import_kev_opts[] = {
    {"all", OPT_FLAG, NULL, "list every entry, not only those constituents run"},
    {NULL, 0, NULL, NULL},
};

int cmd_import_kev(struct cli_ctx *c)
{
	json_t *res = NULL, *rows, *shown, *r;
	const char *file;
	size_t i;
	int rc;

	if ((rc = cli_operand(c, 0, "FILE", &file)) != 0)
		return rc;
	if (c->opts.noperands > 1)
		return err_set(&c->err, ERR_USAGE, "import kev takes one catalogue file");
	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, import_kev(c->db, &c->act, file, &res, &c->err));
	if (rc != 0)
		return rc;
	if (c->json) {
		cli_print_json(res);
		return 0;
	}
	printf("KEV %s: %lld entries, %lld new in KEV, %lld records newly actively exploited,"
	       " %lld advisories to reclassify (`baken todo list`); constituents run %lld of"
	       " the products\n",
	       json_string_value(json_object_get(res, "catalog_version")),
	       (long long)json_integer_value(json_object_get(res, "entries")),
	       (long long)json_integer_value(json_object_get(res, "new")),
	       (long long)json_integer_value(json_object_get(res, "marked_active")),
	       (long long)json_integer_value(json_object_get(res, "todos")),
	       (long long)json_integer_value(json_object_get(res, "runs")));
	rows = json_object_get(res, "rows");
	shown = json_array();
	json_array_foreach(rows, i, r)
	{
		if (opt_has(&c->opts, "all") || json_is_true(json_object_get(r, "runs")))
			json_array_append(shown, r);
	}
	if (json_array_size(shown)) {
		putchar('\n');
		cli_print_rows(c, shown,
		               (const char *const[]){
		                   "cve", "vendor_project", "product", "date_added", "new", "runs",
		                   "match", "organisations", "products", "advisories", NULL});
	} else
		json_decref(shown);
	json_decref(res);
	return 0;
}
