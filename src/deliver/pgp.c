/* pgp.c: clear-signing with gpgme. */
#include "deliver/pgp.h"

#include <gpgme.h>
#include <locale.h>
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
