/* pgp.h: OpenPGP clear-signatures through gpgme. The key stays with gpg-agent, a process of
 * its own: Baken never holds the secret key. The key is named by its fingerprint (config
 * signing.key) in the keyring of $GNUPGHOME. */
#ifndef BAKEN_PGP_H
#define BAKEN_PGP_H

#include "core/buf.h"
#include "core/err.h"

/* Appends text, clear-signed with the key fpr, to out. ERR_INPUT when the key is not in the
 * keyring or cannot sign (the message says which); ERR_IO when gpg fails. */
int pgp_clearsign(const char *fpr, const char *text, struct buf *out, struct err *e);

#endif
