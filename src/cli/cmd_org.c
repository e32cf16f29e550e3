/* cmd_org.c: `baken org ...` */
#include "cli/cli_show.h"
#include "cli/commands.h"
#include "model/org.h"

const struct opt_spec cmd_org_add_opts[] = {
    {"name", OPT_VALUE, "N", "the organisation's name"},
    {"kind", OPT_VALUE, "K", "ministry, agency, vital, partner or other"},
    {"parent", OPT_VALUE, "ID", "the organisation it is part of (an agency's ministry)"},
    {"sector", OPT_VALUE, "S", "sector of a vital provider or partner (energy, water ...)"},
    {NULL, 0, NULL, NULL},
};

int cmd_org_add(struct cli_ctx *c)
{
	struct org_fields f = {0};
	int rc;

	if ((rc = cli_operand(c, 0, "ID", &f.id)) || (rc = cli_required(c, "name", &f.name)) ||
	    (rc = cli_required(c, "kind", &f.kind)))
		return rc;
	f.parent = opt_get(&c->opts, "parent");
	f.sector = opt_get(&c->opts, "sector");
	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, org_add(c->db, &c->act, &f, &c->err));
	if (rc == 0)
		cli_print_object(c, json_pack("{s:s, s:s}", "org", f.id, "status", "added"),
		                 (const char *const[]){"org", "status", NULL});
	return rc;
}

const struct opt_spec cmd_org_contact_opts[] = {
    {"name", OPT_VALUE, "N", "the contact's name (a contact is changed by its name)"},
    {"role", OPT_VALUE, "R", "CISO, SOC, CIO ..."},
    {"email", OPT_VALUE, "E", "e-mail address for alerts"},
    {"phone", OPT_VALUE, "P", "phone number for calls"},
    {"24x7", OPT_FLAG, NULL, "reachable day and night"},
    {"webhook", OPT_VALUE, "URL", "receive alerts as signed JSON POSTs at this URL"},
    {NULL, 0, NULL, NULL},
};

int cmd_org_contact(struct cli_ctx *c)
{
	struct contact_fields f = {0};
	int rc;

	if ((rc = cli_operand(c, 0, "ID", &f.org)) || (rc = cli_required(c, "name", &f.name)))
		return rc;
	f.role = opt_get(&c->opts, "role");
	f.email = opt_get(&c->opts, "email");
	f.phone = opt_get(&c->opts, "phone");
	f.always_on = opt_has(&c->opts, "24x7");
	f.webhook_url = opt_get(&c->opts, "webhook");
	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, org_contact_set(c->db, &c->act, &f, &c->err));
	if (rc == 0)
		cli_print_object(c, json_pack("{s:s, s:s}", "org", f.org, "contact", f.name),
		                 (const char *const[]){"org", "contact", NULL});
	return rc;
}

const struct opt_spec cmd_org_netblock_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_org_netblock(struct cli_ctx *c)
{
	const char *org;
	json_t *rows;
	int rc;

	if ((rc = cli_operand(c, 0, "ID", &org)) != 0 || (rc = cli_open(c)) != 0)
		return rc;
	rows = json_array();
	for (size_t i = 1; rc == 0 && i < c->opts.noperands; i++) {
		rc = org_netblock_add(c->db, &c->act, org, c->opts.operands[i], &c->err);
		json_array_append_new(
		    rows, json_pack("{s:s, s:s}", "org", org, "cidr", c->opts.operands[i]));
	}
	rc = cli_finish(c, rc);
	if (rc == 0)
		cli_print_rows(c, rows, (const char *const[]){"org", "cidr", NULL});
	else
		json_decref(rows);
	return rc;
}

const struct opt_spec cmd_org_import_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_org_import(struct cli_ctx *c)
{
	const char *path;
	int rc, n = 0;

	if ((rc = cli_operand(c, 0, "FILE", &path)) != 0 || (rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, org_import(c->db, &c->act, path, &n, &c->err));
	if (rc == 0)
		cli_print_object(c, json_pack("{s:s, s:i}", "file", path, "organisations", n),
		                 (const char *const[]){"file", "organisations", NULL});
	return rc;
}

const struct opt_spec cmd_org_list_opts[] = {
    {"kind", OPT_VALUE, "K", "only organisations of this kind"},
    {NULL, 0, NULL, NULL},
};

int cmd_org_list(struct cli_ctx *c)
{
	const char *kind = opt_get(&c->opts, "kind");
	json_t *rows = NULL;
	int rc;

	if (kind && (kind = org_kind_parse(kind, &c->err)) == NULL)
		return ERR_INPUT;
	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, org_list(c->db, kind, &rows, &c->err));
	if (rc == 0)
		cli_print_rows(c, rows,
		               (const char *const[]){"org", "name", "kind", "parent", "sector",
		                                     "contacts", "netblocks", "products", NULL});
	return rc;
}

const struct opt_spec cmd_org_show_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_org_show(struct cli_ctx *c)
{
	json_t *o;
	int rc = cli_show_fetch(c, "ID", org_show, &o);

	if (rc != 0 || o == NULL) /* an error, or printed as JSON */
		return rc;
	cli_print_object(c, json_incref(o),
	                 (const char *const[]){"org", "name", "kind", "parent", "sector", NULL});
	printf("\nContacts\n");
	cli_print_rows(c, json_incref(json_object_get(o, "contact_list")),
	               (const char *const[]){"name", "role", "email", "phone", "24x7", NULL});
	printf("\nNetblocks\n");
	cli_print_rows(c, json_incref(json_object_get(o, "netblock_list")),
	               (const char *const[]){"cidr", NULL});
	printf("\nInventory\n");
	cli_print_rows(
	    c, json_incref(json_object_get(o, "inventory")),
	    (const char *const[]){"product", "version", "count", "internet_facing", NULL});
	if (json_array_size(json_object_get(o, "children"))) {
		printf("\nParts\n");
		cli_print_rows(c, json_incref(json_object_get(o, "children")),
		               (const char *const[]){"org", "name", "kind", NULL});
	}
	json_decref(o);
	return 0;
}
