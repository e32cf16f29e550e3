/* csaf_export.h: advisories as CSAF 2.0 documents, and the CSAF trusted-provider tree.
 *
 * Every version of an advisory exports as one document of profile csaf_security_advisory
 * (DESIGN §3b): publisher from config (site.name, site.url), tracking with the version as
 * semver (1.00 -> 1.0.0, 1.01 -> 1.0.1; the original in revision_history[].legacy_version),
 * status final (interim while an incident holding the advisory is scaled up, draft for a
 * draft), TLP in CSAF's TLP 1 labels, the notes Samenvatting, Beschrijving, Kans, Schade and
 * the disclaimer, the product tree vendor -> product -> vers range or version, and per CVE
 * the product status, remediations, threats and references. The document depends only on the
 * version, its history and the configuration (and the CWE of the record): rendering it twice
 * gives the same bytes, so hashes and signatures stay valid. */
#ifndef BAKEN_CSAF_EXPORT_H
#define BAKEN_CSAF_EXPORT_H

#include "core/buf.h"
#include "core/err.h"
#include "model/event.h"

#include <jansson.h>

struct db;
struct advisory_version;

/* The CSAF document of v (a new reference in *out). */
int csaf_export_version(struct db *db, const struct advisory_version *v, json_t **out,
                        struct err *e);

/* The document's bytes as Baken writes and serves them: JSON indented by 2, keys in the
 * order of csaf_build, a final newline. Appends to out. */
int csaf_export_text(json_t *doc, struct buf *out);

/* Loads version label (NULL: the latest published, else the draft) of advisory id and
 * appends its CSAF text to out: what `advisory show --format csaf` prints and the web
 * serves. */
int csaf_export_render(struct db *db, const char *id, const char *label, struct buf *out,
                       struct err *e);

/* The directory of a TLP in the provider tree: "white", "green", "amber", "red". */
const char *csaf_export_tlp_dir(const char *tlp);

/* Signs data for the tree: appends an ASCII-armored detached OpenPGP signature to out.
 * pubkey: appends the armored public key and writes its fingerprint (65 bytes). */
struct csaf_signer {
	void *ctx;
	int (*sign)(void *ctx, const void *data, size_t len, struct buf *out, struct err *e);
	int (*pubkey)(void *ctx, struct buf *out, char *fpr, size_t fprsz, struct err *e);
};

struct csaf_tree_opts {
	const char *const *tlps; /* the TLPs that go in (CLEAR, GREEN, AMBER, AMBER+STRICT,
	                            RED); NULL: CLEAR only */
	size_t ntlps;
	const struct csaf_signer *signer; /* NULL: no .asc files */
};

/* Writes the CSAF trusted-provider tree for a static host under dir:
 *   .well-known/csaf/provider-metadata.json        role csaf_trusted_provider
 *   .well-known/csaf/<tlp>/<YYYY>/<id>.json        the latest published version of each
 *                                                  advisory whose TLP is in opts
 *   ... .json.sha256, .json.sha512, .json.asc      beside each document
 *   .well-known/csaf/<tlp>/index.txt, changes.csv  (changes newest first, no header)
 *   .well-known/csaf/<tlp>/csaf-feed-tlp-<tlp>.json  ROLIE feed
 *   .well-known/csaf/openpgp/<fingerprint>.asc     the public key, when signing
 *   feed.atom, advisories.json                      the public feeds (feeds.h)
 * The csaf directory is written beside the old one and put in its place at the end, so a
 * failed export leaves the old tree as it was. *report gets counts and the paths. */
int csaf_export_tree(struct db *db, const struct act *act, const char *dir,
                     const struct csaf_tree_opts *opts, json_t **report, struct err *e);

/* One file of the public provider tree (TLP:CLEAR documents, no signatures), with the bytes
 * `csaf export` writes under .well-known/csaf/, for the web server to serve. path is relative
 * to .well-known/csaf/: "provider-metadata.json", "white/2019/ncsc-2019-0353.json" (and
 * ".sha256", ".sha512" beside it), "white/index.txt", "white/changes.csv",
 * "white/csaf-feed-tlp-white.json" (and its hashes). Appends the bytes to out and sets *type
 * to the media type. ERR_NOTFOUND for any other path, and for what is not public. A document
 * renders one advisory; a listing or the metadata renders every public document (cache it
 * if that is too slow: the bytes change only when an advisory version is published). */
int csaf_provider_file(struct db *db, const char *path, struct buf *out, const char **type,
                       struct err *e);

#endif
