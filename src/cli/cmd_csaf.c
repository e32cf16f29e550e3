/* cmd_csaf.c: `baken csaf export DIR` and `advisory show --format csaf` (issue 5). */
#include "cli/cmd_csaf.h"
#include "cli/commands.h"
#include "core/buf.h"
#include "deliver/pgp.h"
#include "model/config.h"
#include "model/csaf_export.h"

#include <stdio.h>
#include <string.h>

int cmd_csaf_show(struct cli_ctx *c, const char *id, const char *version)
{
	struct buf text;
	int rc;

	if ((rc = cli_open(c)) != 0)
		return rc;
	buf_init(&text, BUF_MAX_DEFAULT);
	rc = cli_finish(c, csaf_export_render(c->db, id, version, &text, &c->err));
	if (rc == 0)
		fwrite(text.data, 1, text.len, stdout);
	buf_free(&text);
	return rc;
}

const struct opt_spec cmd_csaf_export_opts[] = {
    {"tlp", OPT_LIST, "TLP",
     "the TLPs to include (default CLEAR only: the public tree); GREEN, AMBER, ... for a"
     " host with access control"},
    {"no-sign", OPT_FLAG, NULL, "no .asc signatures even when signing.key is set"},
    {NULL, 0, NULL, NULL},
};

static int sign_cb(void *ctx, const void *data, size_t len, struct buf *out, struct err *e)
{
	return pgp_signer_detach(ctx, data, len, out, e);
}

static int pubkey_cb(void *ctx, struct buf *out, char *fpr, size_t fprsz, struct err *e)
{
	return pgp_signer_public_key(ctx, out, fpr, fprsz, e);
}

int cmd_csaf_export(struct cli_ctx *c)
{
	struct csaf_tree_opts o = {NULL, 0, NULL};
	struct csaf_signer signer = {NULL, sign_cb, pubkey_cb};
	struct pgp_signer *pgp = NULL;
	const char *dir;
	json_t *report = NULL;
	char *key = NULL;
	int rc;

	if ((rc = cli_operand(c, 0, "DIR", &dir)) != 0)
		return rc;
	o.tlps = opt_list(&c->opts, "tlp", &o.ntlps);
	if ((rc = cli_open(c)) != 0)
		goto out;
	key = opt_has(&c->opts, "no-sign") ? NULL : config_get(c->db, "signing.key", NULL);
	if (key) {
		if ((rc = pgp_signer_open(key, &pgp, &c->err)) != 0) {
			rc = cli_finish(c, rc);
			goto out;
		}
		signer.ctx = pgp;
		o.signer = &signer;
	}
	rc = cli_finish(c, csaf_export_tree(c->db, &c->act, dir, &o, &report, &c->err));
	if (rc == 0)
		cli_print_object(c, report,
		                 (const char *const[]){"dir", "provider_metadata", "documents",
		                                       "files", "signed", "tlps", NULL});
out:
	pgp_signer_close(pgp);
	free(key);
	free((void *)o.tlps);
	return rc;
}
