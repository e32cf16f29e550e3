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

/* ---- detached signatures (issue 5: the CSAF provider tree) ---- */

/* A signing context that keeps one gpgme context and key for many signatures. */
struct pgp_signer;

/* Opens a signer for the key fpr; errors as pgp_clearsign. Free with pgp_signer_close. */
int pgp_signer_open(const char *fpr, struct pgp_signer **out, struct err *e);
/* Appends an ASCII-armored detached signature of the len bytes at data to out. ERR_IO when
 * gpg fails. */
int pgp_signer_detach(struct pgp_signer *s, const void *data, size_t len, struct buf *out,
                      struct err *e);
/* Appends the signer's public key, ASCII-armored, to out; its fingerprint (40 or more hex
 * digits) goes to fpr (at least 65 bytes). */
int pgp_signer_public_key(struct pgp_signer *s, struct buf *out, char *fpr, size_t fprsz,
                          struct err *e);
void pgp_signer_close(struct pgp_signer *s);

/* One detached signature with the key fpr: pgp_signer_open, _detach, _close. */
int pgp_detach_sign(const char *fpr, const void *data, size_t len, struct buf *out, struct err *e);

#endif
