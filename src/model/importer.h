/* importer.h: other parties' documents into the vulnerability records, all or nothing.
 *
 *   import_csaf  a vendor's or CSIRT's CSAF 2.0 documents (checked first with the mandatory
 *                tests): CVEs, products and ranges from the product tree and product
 *                status, fixed versions, remediations, references; a newer revision of a
 *                document already imported replaces what the older one gave.
 *   import_cve   CVE JSON 5 records (files, or directories in the cvelistV5 layout), with
 *                CPE applicability and the CISA ADP container (KEV date, SSVC).
 *   import_kev   the CISA KEV catalogue: a CVE newly in it is actively exploited (its record
 *                gets exploit_status active and the KEV date); published advisory versions
 *                stay as they are, but an advisory whose classification proposal would rise
 *                goes on the to-do list as "reclassify" (todo.h). Each entry is shown with
 *                the constituents that run the product.
 * Everything runs inside the caller's transaction: one bad file and the caller rolls back
 * all. Errors name the file and the JSON pointer ("a.json: /vulnerabilities/0/cve: ...").
 * Ranges and fixed versions an analyst gave in an advisory are never overwritten. */
#ifndef BAKEN_IMPORTER_H
#define BAKEN_IMPORTER_H

#include "core/err.h"
#include "model/event.h"

#include <jansson.h>
#include <stddef.h>

struct db;

/* *out: one row per file: file, id, version, status (new, updated, unchanged, older),
 * publisher, cves, products, fixed, classification, skipped. */
int import_csaf(struct db *db, const struct act *act, const char *const *files, size_t n,
                json_t **out, struct err *e);

/* *out: {records, new, updated, unchanged, older, rejected, marked_active, todos, rows: [one
 * per record: file, cve, status, products, kev_date, exploit_status]}. */
int import_cve(struct db *db, const struct act *act, const char *const *paths, size_t n,
               json_t **out, struct err *e);

/* *out: {catalog_version, entries, new, marked_active, todos, runs, rows: [one per entry:
 * cve, vendor_project, product, date_added, new, exploit_status, runs, match, orgs,
 * products, advisories]}. match is "range" (an inventory version in the record's range),
 * "name" (a product of the same name, version unknown) or "" (none). */
int import_kev(struct db *db, const struct act *act, const char *file, json_t **out, struct err *e);

/* Records that cve is actively exploited (source "kev" or "cve:..."): exploit_status rises to
 * active, kev_date is set when given and not set before; then every advisory on the CVE
 * whose proposal would rise with "actively exploited" goes on the to-do list. *raised: the
 * status rose; *todos: to-dos added. */
int import_mark_exploited(struct db *db, const struct act *act, const char *cve,
                          const char *kev_date, const char *source, int *raised, int *todos,
                          struct err *e);

/* Adds to o (a record as vuln_show gives it) what imports know about cve: description, cwe,
 * cvss_score, cvss_vector, remediations (category, details, date, url, products, source),
 * references (url, summary, source), sources (the documents it came from) and kev (the
 * catalogue entry), each only when there is something. */
int import_vuln_details(struct db *db, const char *cve, json_t *o, struct err *e);

#endif
