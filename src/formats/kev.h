/* kev.h: CISA's Known Exploited Vulnerabilities catalogue (JSON, the schema in
 * known_exploited_vulnerabilities_schema.json): bytes -> struct kev_catalog. Pure. */
#ifndef BAKEN_KEV_H
#define BAKEN_KEV_H

#include "core/err.h"

#include <stddef.h>

#define KEV_FILE_MAX (64u << 20)

struct kev_entry {
	char *cve, *vendor_project, *product, *name, *date_added, *short_description,
	    *required_action, *due_date, *ransomware, *notes;
	char *cwes; /* JSON array text, "[]" when none */
};

struct kev_catalog {
	char *title, *version, *released;
	long count; /* as the file says */
	struct kev_entry *entries;
	size_t n;
};

/* Reads the catalogue. Every entry needs cveID (CVE-YYYY-NNNN), vendorProject, product,
 * vulnerabilityName and dateAdded (YYYY-MM-DD); dueDate, when given, is a date too; a CVE
 * listed twice is refused. Returns 0, or ERR_INPUT with a message "/vulnerabilities/12/
 * dateAdded: what is wrong" (or line and column for malformed JSON); *out is then empty. */
int kev_read(const char *data, size_t len, struct kev_catalog *out, struct err *e);
void kev_free(struct kev_catalog *c);

#endif
