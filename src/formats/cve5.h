/* cve5.h: CVE JSON 5 records (CVE Record Format 5.x, as in CVEProject/cvelistV5): bytes ->
 * struct cve_record. Pure: no database, no files.
 *
 * What is read: the CVE id and state, title and English description, the CWE (first
 * problem type with a cweId), the CVSS score of the highest version, the dates, the
 * references, and the products: each `affected` entry of the CNA and of every ADP container
 * (vendor:product from its cpes when given, else from vendor and product; "n/a" names no
 * product), with its versions (version, lessThan, lessThanOrEqual, status, changes) folded
 * into one range per product and the versions where it becomes unaffected as fixed
 * versions; and cpeApplicability (CVE 5.1: NVD-style configurations; the vulnerable CPE
 * matches with their versionStart/End bounds). From the CISA ADP container ("CISA ADP
 * Vulnrichment"): the KEV date (metrics[].other type "kev") and SSVC Exploitation. */
#ifndef BAKEN_CVE5_H
#define BAKEN_CVE5_H

#include "core/err.h"
#include "formats/csaf.h"

#include <jansson.h>
#include <stddef.h>

#define CVE5_RECORD_MAX (8u << 20)

struct cve_product {
	char *key;              /* vendor:product */
	char *range;            /* the union of the affected versions; NULL when none is known */
	int widened;            /* the union was widened to fit (rangeset_cover) */
	struct csaf_strv fixed; /* versions from which it is unaffected */
};

struct cve_ref {
	char *url, *name;
};

struct cve_record {
	char *id, *state; /* "CVE-2019-19781", "PUBLISHED" or "REJECTED" */
	char *title, *description;
	char *cwe_id, *cwe_name;
	char *cvss_vector; /* NULL when none */
	double cvss_score;
	char *date_published, *date_updated, *date_public;
	char *kev_date;     /* CISA ADP: added to KEV on (YYYY-MM-DD), or NULL */
	char *exploitation; /* CISA ADP SSVC: "none", "poc", "active", or NULL */
	struct cve_product *products;
	size_t nproducts;
	struct cve_ref *refs;
	size_t nrefs;
	size_t skipped; /* affected entries or versions that could not be read */
};

/* Reads a record (at most CVE5_RECORD_MAX bytes). Returns 0, or ERR_INPUT with a message
 * "/json/pointer: what is wrong" (or line and column for malformed JSON); *out is then
 * empty. */
int cve5_read(const char *data, size_t len, struct cve_record *out, struct err *e);
int cve5_parse(json_t *root, struct cve_record *out, struct err *e);
void cve5_free(struct cve_record *r);

#endif
