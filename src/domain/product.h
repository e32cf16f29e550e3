/* product.h: one product key, "vendor:product", from the ways inventories and advisories name
 * products: Baken's own vendor:product, a CPE 2.3 formatted string, a CPE 2.2 URI, a purl.
 *
 * The key is lower case and made of [a-z0-9._-] on both sides of exactly one ':'
 * ("citrix:application_delivery_controller", "debian:openssl", "npm:lodash").
 *
 * Rules, applied the same to every source so that an advisory and an inventory name the same
 * product with the same key:
 *   - Text that passes product_name_check is a key: it is lowercased and carries no version.
 *     Nothing else is rewritten: "Citrix ADC:x" is refused, with a suggestion. (No CPE or purl
 *     is a valid key, so a key whose vendor is "cpe" or "pkg" still reads back as itself.)
 *     Other text is told by a case-insensitive prefix: "cpe:/", "cpe:" or "pkg:".
 *   - CPE 2.3 (cpe:2.3:part:vendor:product:version:update:...; 13 fields, '\' quoting undone):
 *     part is a, o or h; vendor and product must be specific (not '*', '-', empty, nor
 *     holding an unquoted wildcard '*' or '?').
 *   - CPE 2.2 URI (cpe:/part:vendor:product[:version[:update[:edition[:language]]]]):
 *     percent-decoded; an empty component means any. Same demands as CPE 2.3.
 *   - purl (pkg:type/namespace/name@version?qualifiers#subpath): percent-decoded; the
 *     namespace is the vendor (its segments joined with '/'), or the type when there is no
 *     namespace (pkg:npm/lodash@4.17.20 -> npm:lodash); qualifiers and subpath are ignored.
 *     The version follows the last '@' of the last segment, so an unencoded npm scope
 *     (pkg:npm/@angular/core) still reads; raw bytes outside printable ASCII are refused.
 *   - In a key built from a CPE or a purl, every byte other than [a-z0-9._-] after lowercasing
 *     becomes '_' (CPE "notepad\+\+" -> "notepad__", purl namespace "github.com/gorilla" ->
 *     "github.com_gorilla", "%40angular" -> "_angular"), so real-world names always yield a
 *     valid key.
 *   - The version keeps its case. From a CPE it is the version field, with the update field
 *     joined when that is specific (not '*', '-' or empty): an update of the "Rn" form ('r' or
 *     'R', a digit, then digits and dots, as NVD records Pulse/Ivanti releases) is appended as
 *     'R' and the rest without a separator (9.0 + r3.3 -> "9.0R3.3"); any other update is
 *     appended after '-' (13.0 + sp1 -> "13.0-sp1"). A version of '*', '-' or empty gives ""
 *     and the update is then ignored. A version or update with an unquoted wildcard is
 *     refused. The version is printable ASCII without spaces, at most 128 bytes.
 */
#ifndef BAKEN_PRODUCT_H
#define BAKEN_PRODUCT_H

#include "core/err.h"

#define PRODUCT_INPUT_MAX   1024 /* longest text product_parse reads */
#define PRODUCT_NAME_MAX    255  /* longest key */
#define PRODUCT_VERSION_MAX 128  /* longest version */

struct product_ref {
	char name[PRODUCT_NAME_MAX + 1];       /* "vendor:product", lower case */
	char version[PRODUCT_VERSION_MAX + 1]; /* "" when none given */
};

/* Parses text (vendor:product, CPE 2.3, CPE 2.2 URI or purl; at most PRODUCT_INPUT_MAX bytes;
 * the form is told as above) into *out, following the rules above. Returns 0, or ERR_INPUT with a
 * message that quotes the text and names the field at fault, e.g. `bad CPE "cpe:2.3:a:citrix":
 * expected 13 fields, got 4`, `bad purl "...": missing name`; *out is then all empty. */
int product_parse(const char *text, struct product_ref *out, struct err *e);

/* Makes a vendor or product name from a document (CSAF, CVE JSON) into one half of a key:
 * lowercase, every byte outside [a-z0-9._-] becomes '_', runs of '_' collapsed, none at the
 * ends, at most 120 bytes ("Citrix Systems, Inc." -> "citrix_systems_inc."). The caller frees
 * the result; it may be empty. */
char *product_key_part(const char *name);

/* Checks that name is a valid key once lowercased: exactly one ':', a non-empty vendor and
 * product of [a-z0-9._-], at most PRODUCT_NAME_MAX bytes. Returns 0, or ERR_INPUT with a
 * message `bad product name "...": ...` that suggests a valid key when one is near. */
int product_name_check(const char *name, struct err *e);

#endif
