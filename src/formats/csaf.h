/* csaf.h: CSAF 2.0 documents (OASIS), both ways: bytes <-> struct csaf_doc.
 *
 * A csaf_doc is what Baken reads from and writes into a CSAF document: the document's
 * metadata (publisher, tracking with the revision history, TLP, notes, references), the
 * products of the product tree, each with the product key Baken uses (vendor:product) and a
 * version or a version range, and the vulnerabilities with their product status,
 * remediations, threats and references. Pure: no database, no files.
 *
 *   - csaf_check runs the mandatory tests of CSAF 2.0 section 6.1 on a parsed JSON document
 *     (the way BSI's validator does; see docs/standards.md for what is checked how).
 *   - csaf_parse reads a document (after csaf_check) into a csaf_doc.
 *   - csaf_build writes a csaf_doc as a CSAF document (profile csaf_security_advisory).
 *   - csaf_affects folds the product status of one vulnerability into one range and the
 *     fixed versions per product key: what a vulnerability record keeps.
 * Every string in a csaf_doc is owned by it (malloc'd); csaf_doc_free frees them.
 */
#ifndef BAKEN_CSAF_H
#define BAKEN_CSAF_H

#include "core/buf.h"
#include "core/err.h"

#include <jansson.h>
#include <stddef.h>

#define CSAF_DOC_MAX (32u << 20) /* the largest document Baken reads */

struct csaf_strv {
	char **v;
	size_t n;
};

struct csaf_note {
	char *category, *title, *text;
};

struct csaf_ref {
	char *category, *summary, *url;
};

struct csaf_revision {
	char *date, *number, *legacy_version, *summary;
};

struct csaf_product {
	char *id;      /* product_id */
	char *name;    /* the full product name */
	char *vendor;  /* the vendor branch's name, NULL when none */
	char *product; /* the product_name branch's name (or what stands for it), NULL when none */
	char *key;     /* vendor:product as Baken keys products; NULL when it cannot be told */
	char *version; /* an exact version (version_check accepts it), or NULL */
	char *range;   /* a range (range_parse accepts it; "*" every version), or NULL */
	char *cpe, *purl; /* product_identification_helper, NULL when absent */
	char *skipped;    /* why key, version and range could not be told, or NULL */
};

struct csaf_remediation {
	char *category, *details, *date, *url;
	struct csaf_strv products;
};

struct csaf_threat {
	char *category, *details, *date;
	struct csaf_strv products;
};

struct csaf_vuln {
	char *cve, *cwe_id, *cwe_name, *title;
	struct csaf_note *notes;
	size_t nnotes;
	/* product_status; first_affected and last_affected are read into affected */
	struct csaf_strv affected, fixed, not_affected, investigating;
	struct csaf_remediation *rems;
	size_t nrems;
	struct csaf_threat *threats;
	size_t nthreats;
	struct csaf_ref *refs;
	size_t nrefs;
	char *cvss_vector; /* of the highest CVSS version given, NULL when none */
	double cvss_score;
};

struct csaf_doc {
	char *category, *title, *lang, *tlp, *tlp_url, *distribution_text, *severity;
	char *publisher_category, *publisher_name, *publisher_namespace, *publisher_contact;
	char *id, *version, *status, *initial_release_date, *current_release_date;
	char *generator_name, *generator_version, *generator_date;
	struct csaf_revision *revisions;
	size_t nrevisions;
	struct csaf_note *notes;
	size_t nnotes;
	struct csaf_ref *refs;
	size_t nrefs;
	struct csaf_product *products;
	size_t nproducts;
	struct csaf_vuln *vulns;
	size_t nvulns;
};

/* What one vulnerability says about one product key (csaf_affects). */
struct csaf_affect {
	char *key;
	char *range;            /* union of the affected versions and ranges; NULL when none */
	int widened;            /* the union was too long and was widened (rangeset_cover) */
	struct csaf_strv fixed; /* exact fixed versions */
	struct csaf_strv product_ids;
};

/* Appends a copy of v to s. */
void csaf_strv_add(struct csaf_strv *s, const char *v);

/* Runs the mandatory tests 6.1.1-6.1.33 and the structure Baken relies on. Returns 0, or
 * ERR_INPUT with a message "/json/pointer: 6.1.x: what is wrong" (the first fault found).
 * See docs/standards.md for the tests that are checked partly (6.1.11: known CWE ids only;
 * 6.1.12: ISO 639-1 and syntax; 6.1.13: purl syntax and the type rules of maven and swift). */
int csaf_check(json_t *doc, struct err *e);

/* Reads doc (which should have passed csaf_check) into *out. Returns 0, or ERR_INPUT with a
 * message "/json/pointer: what is wrong"; *out is then empty. */
int csaf_parse(json_t *doc, struct csaf_doc *out, struct err *e);

/* Reads bytes: JSON (at most CSAF_DOC_MAX bytes, no duplicate keys), csaf_check, csaf_parse.
 * The message of an error names the JSON path (or line and column for malformed JSON). */
int csaf_read(const char *data, size_t len, struct csaf_doc *out, struct err *e);

/* The document as CSAF JSON (new reference). Keys in the order of the CSAF schema; empty
 * lists and NULL strings are left out. */
json_t *csaf_build(const struct csaf_doc *d);

void csaf_doc_free(struct csaf_doc *d);

/* Per product key, the union (rangeset_cover: widened when too long) of the ranges and versions of
 * the products the vulnerability lists as affected (known_affected, first_affected, last_affected;
 * a product without version or range counts as every version) and the exact versions it lists as
 * fixed (fixed, first_fixed). Products without a key are left out. *out is malloc'd
 * (csaf_affects_free). Returns 0, or ERR_INPUT when the union of ranges is too large (message names
 * the key). */
int csaf_affects(const struct csaf_doc *d, const struct csaf_vuln *v, struct csaf_affect **out,
                 size_t *n, struct err *e);
void csaf_affects_free(struct csaf_affect *a, size_t n);

/* The classification a document carries in notes titled "Kans" and "Schade" (or
 * "Likelihood"/"Probability" and "Impact"/"Damage"): the level is the first word of the
 * note's text. Each out gets "low", "medium" or "high", or NULL when absent. Static strings. */
void csaf_classification(const struct csaf_doc *d, const char **likelihood, const char **impact);

/* The semver of a Baken version number: num 0 (1.00) is "1.0.0", 1 (1.01) is "1.0.1", 100
 * (2.00) is "2.0.0". out needs 16 bytes. */
void csaf_semver(int num, char *out, size_t outsz);

/* The file name CSAF gives a document with this tracking id: lowercase, every character
 * other than [+-a-z0-9] replaced by '_', ".json" appended ("NCSC-2019-0353" ->
 * "ncsc-2019-0353.json"). */
void csaf_filename(const char *id, char *out, size_t outsz);

/* The TLP 1 label CSAF 2.0 writes for a TLP 2.0 name: CLEAR is WHITE, AMBER+STRICT is
 * AMBER, the others are themselves; NULL for an unknown name. Static. */
const char *csaf_tlp_label(const char *tlp);

/* A version as a product tree gives it, made into one version_check accepts: an rpm epoch
 * ("1:0.17-65") is dropped, every other byte outside [A-Za-z0-9._+~-] becomes '.', runs of
 * separators are kept as they are. Returns 0, or ERR_INPUT when nothing usable is left. */
int csaf_version_normalize(const char *text, char *out, size_t outsz, struct err *e);

#endif
