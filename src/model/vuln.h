/* vuln.h: vulnerability records, one per CVE, that advisories refer to: products and ranges,
 * fixed versions, exploit status, dates (reported to the vendor, disclosed, learned of, in
 * CISA's KEV). */
#ifndef BAKEN_VULN_H
#define BAKEN_VULN_H

#include "core/err.h"
#include "model/event.h"

#include <jansson.h>

struct db;
struct advisory_version;

/* The exploit statuses in rising order: none, poc, public, active, active-state-actor. */
int vuln_exploit_rank(const char *status);

/* Brings the records of every CVE of v up to date with it: products and ranges, fixed
 * versions, the exploit status the matrix answers imply (it only rises), and the dates given
 * (ISO 8601; NULL leaves a date as it is). The date learned of is the first time seen. */
int vuln_record(struct db *db, const struct act *act, const struct advisory_version *v,
                const char *disclosed, const char *reported_to_vendor, struct err *e);

/* A JSON array: cve, title, exploit_status, products, advisories. */
int vuln_list(struct db *db, json_t **out, struct err *e);
/* One record with its products, ranges, fixed versions, dates and the advisories on it. */
int vuln_show(struct db *db, const char *cve, json_t **out, struct err *e);

#endif
