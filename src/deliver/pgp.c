/* pgp.c: clear-signing with gpgme. */
#include "deliver/pgp.h"

#include <gpgme.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pgp_clearsign(const char *fpr, const char *text, struct buf *out, struct err *e)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t key = NULL;
	gpgme_data_t in = NULL, sig = NULL;
	gpgme_error_t ge;
	char *signed_text;
	size_t len;
	int rc = 0;

	gpgme_check_version(NULL);
	if ((ge = gpgme_new(&ctx)) != 0)
		return err_set(e, ERR_IO, "gpgme: %s", gpgme_strerror(ge));
	gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP);
	gpgme_set_armor(ctx, 1);
	gpgme_set_textmode(ctx, 1);
	gpgme_set_pinentry_mode(ctx, GPGME_PINENTRY_MODE_LOOPBACK);
	if ((ge = gpgme_get_key(ctx, fpr, &key, 1)) != 0 || key == NULL) {
		rc = err_set(e, ERR_INPUT,
		             "signing.key %s: no secret key with that fingerprint in the keyring"
		             " ($GNUPGHOME): %s",
		             fpr, gpgme_strerror(ge));
		goto out;
	}
	if (!key->can_sign) {
		rc = err_set(e, ERR_INPUT, "signing.key %s cannot sign (expired or revoked?)", fpr);
		goto out;
	}
	gpgme_signers_clear(ctx);
	if ((ge = gpgme_signers_add(ctx, key)) != 0 ||
	    (ge = gpgme_data_new_from_mem(&in, text, strlen(text), 0)) != 0 ||
	    (ge = gpgme_data_new(&sig)) != 0 ||
	    (ge = gpgme_op_sign(ctx, in, sig, GPGME_SIG_MODE_CLEAR)) != 0) {
		rc = err_set(e, ERR_IO, "signing with %s failed: %s", fpr, gpgme_strerror(ge));
		goto out;
	}
	signed_text = gpgme_data_release_and_get_mem(sig, &len);
	sig = NULL;
	if (signed_text == NULL || buf_add(out, signed_text, len) != 0)
		rc = err_set(e, ERR_IO, "signing with %s gave no output", fpr);
	gpgme_free(signed_text);
out:
	gpgme_data_release(in);
	gpgme_data_release(sig);
	gpgme_key_unref(key);
	gpgme_release(ctx);
	return rc;
}

/* ---- detached signatures (issue 5: the CSAF provider tree) ---- */

struct pgp_signer {
	gpgme_ctx_t ctx;
	gpgme_key_t key;
	char fpr[128];
};

int pgp_signer_open(const char *fpr, struct pgp_signer **out, struct err *e)
{
	struct pgp_signer *s = calloc(1, sizeof(*s));
	gpgme_error_t ge;
	int rc = 0;

	*out = NULL;
	if (s == NULL)
		return err_set(e, ERR_IO, "out of memory");
	snprintf(s->fpr, sizeof(s->fpr), "%s", fpr);
	gpgme_check_version(NULL);
	if ((ge = gpgme_new(&s->ctx)) != 0) {
		rc = err_set(e, ERR_IO, "gpgme: %s", gpgme_strerror(ge));
		goto out;
	}
	gpgme_set_protocol(s->ctx, GPGME_PROTOCOL_OpenPGP);
	gpgme_set_armor(s->ctx, 1);
	gpgme_set_pinentry_mode(s->ctx, GPGME_PINENTRY_MODE_LOOPBACK);
	if ((ge = gpgme_get_key(s->ctx, fpr, &s->key, 1)) != 0 || s->key == NULL) {
		rc = err_set(e, ERR_INPUT,
		             "signing.key %s: no secret key with that fingerprint in the keyring"
		             " ($GNUPGHOME): %s",
		             fpr, gpgme_strerror(ge));
		goto out;
	}
	if (!s->key->can_sign) {
		rc = err_set(e, ERR_INPUT, "signing.key %s cannot sign (expired or revoked?)", fpr);
		goto out;
	}
	gpgme_signers_clear(s->ctx);
	if ((ge = gpgme_signers_add(s->ctx, s->key)) != 0)
		rc = err_set(e, ERR_IO, "signing with %s failed: %s", fpr, gpgme_strerror(ge));
out:
	if (rc != 0) {
		pgp_signer_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int pgp_signer_detach(struct pgp_signer *s, const void *data, size_t len, struct buf *out,
                      struct err *e)
{
	gpgme_data_t in = NULL, sig = NULL;
	gpgme_error_t ge;
	char *text;
	size_t n;
	int rc = 0;

	if ((ge = gpgme_data_new_from_mem(&in, data, len, 0)) != 0 ||
	    (ge = gpgme_data_new(&sig)) != 0 ||
	    (ge = gpgme_op_sign(s->ctx, in, sig, GPGME_SIG_MODE_DETACH)) != 0) {
		rc = err_set(e, ERR_IO, "signing with %s failed: %s", s->fpr, gpgme_strerror(ge));
		goto out;
	}
	text = gpgme_data_release_and_get_mem(sig, &n);
	sig = NULL;
	if (text == NULL || n == 0 || buf_add(out, text, n) != 0)
		rc = err_set(e, ERR_IO, "signing with %s gave no output", s->fpr);
	gpgme_free(text);
out:
	gpgme_data_release(in);
	gpgme_data_release(sig);
	return rc;
}

int pgp_signer_public_key(struct pgp_signer *s, struct buf *out, char *fpr, size_t fprsz,
                          struct err *e)
{
	gpgme_data_t key = NULL;
	gpgme_error_t ge;
	char *text;
	size_t n;
	int rc = 0;

	snprintf(fpr, fprsz, "%s",
	         s->key->subkeys && s->key->subkeys->fpr ? s->key->subkeys->fpr : s->fpr);
	if ((ge = gpgme_data_new(&key)) != 0 || (ge = gpgme_op_export(s->ctx, fpr, 0, key)) != 0) {
		gpgme_data_release(key);
		return err_set(e, ERR_IO, "exporting the public key %s failed: %s", fpr,
		               gpgme_strerror(ge));
	}
	text = gpgme_data_release_and_get_mem(key, &n);
	if (text == NULL || n == 0 || buf_add(out, text, n) != 0)
		rc = err_set(e, ERR_IO, "the public key %s exported empty", fpr);
	gpgme_free(text);
	return rc;
}

void pgp_signer_close(struct pgp_signer *s)
{
	if (s == NULL)
		return;
	gpgme_key_unref(s->key);
	if (s->ctx)
		gpgme_release(s->ctx);
	free(s);
}

int pgp_detach_sign(const char *fpr, const void *data, size_t len, struct buf *out, struct err *e)
{
	struct pgp_signer *s;
	int rc = pgp_signer_open(fpr, &s, e);

	if (rc != 0)
		return rc;
	rc = pgp_signer_detach(s, data, len, out, e);
	pgp_signer_close(s);
	return rc;
}
