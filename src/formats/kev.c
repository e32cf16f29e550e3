/* kev.c: the CISA KEV catalogue. */
#include "formats/kev.h"

#include "core/xalloc.h"
#include "domain/cveid.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char *sget(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static char *dupz(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void kev_free(struct kev_catalog *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct kev_entry *x = &c->entries[i];
		char **f[] = {&x->cve,
		              &x->vendor_project,
		              &x->product,
		              &x->name,
		              &x->date_added,
		              &x->short_description,
		              &x->required_action,
		              &x->due_date,
		              &x->ransomware,
		              &x->notes,
		              &x->cwes};
		for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++)
			free(*f[k]);
	}
	free(c->entries);
	free(c->title);
	free(c->version);
	free(c->released);
	memset(c, 0, sizeof(*c));
}

static int is_date(const char *s)
{
	if (s == NULL || strlen(s) != 10)
		return 0;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int kev_read(const char *data, size_t len, struct kev_catalog *out, struct err *e)
{
	static const char *const required[] = {
	    "cveID", "vendorProject", "product", "vulnerabilityName", "dateAdded", NULL};
	json_error_t jerr;
	json_t *root, *vulns, *x, *seen;
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (len > KEV_FILE_MAX)
		return err_set(e, ERR_INPUT, "larger than %u bytes", KEV_FILE_MAX);
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return err_set(e, ERR_INPUT, "line %d, column %d: malformed JSON: %s", jerr.line,
		               jerr.column, jerr.text);
	seen = json_object();
	if (!json_is_object(root)) {
		rc = err_set(e, ERR_INPUT, "/: expected a JSON object (the KEV catalogue)");
		goto out;
	}
	vulns = json_object_get(root, "vulnerabilities");
	if (!json_is_array(vulns)) {
		rc = err_set(e, ERR_INPUT,
		             "/vulnerabilities: missing, or not an array: not the"
		             " CISA KEV catalogue");
		goto out;
	}
	if (!sget(root, "catalogVersion")) {
		rc = err_set(e, ERR_INPUT, "/catalogVersion: missing");
		goto out;
	}
	out->title = dupz(sget(root, "title"));
	out->version = xstrdup(sget(root, "catalogVersion"));
	out->released = dupz(sget(root, "dateReleased"));
	out->count = (long)json_integer_value(json_object_get(root, "count"));
	if (json_array_size(vulns))
		out->entries = xcalloc(json_array_size(vulns), sizeof(*out->entries));
	json_array_foreach(vulns, i, x)
	{
		struct kev_entry *k;
		json_t *cwes;
		if (!json_is_object(x)) {
			rc = err_set(e, ERR_INPUT, "/vulnerabilities/%zu: expected an object", i);
			goto out;
		}
		for (size_t r = 0; required[r]; r++)
			if (!sget(x, required[r]) || !sget(x, required[r])[0]) {
				rc = err_set(e, ERR_INPUT, "/vulnerabilities/%zu/%s: missing", i,
				             required[r]);
				goto out;
			}
		if (sget(x, "cveID") == NULL ||
		    !cveid_valid(sget(x, "cveID"), strlen(sget(x, "cveID")), 1)) {
			rc = err_set(e, ERR_INPUT,
			             "/vulnerabilities/%zu/cveID: \"%.40s\" is not a CVE id", i,
			             sget(x, "cveID"));
			goto out;
		}
		if (json_object_get(seen, sget(x, "cveID"))) {
			rc = err_set(e, ERR_INPUT, "/vulnerabilities/%zu/cveID: %s is listed twice",
			             i, sget(x, "cveID"));
			goto out;
		}
		json_object_set_new(seen, sget(x, "cveID"), json_true());
		if (!is_date(sget(x, "dateAdded"))) {
			rc = err_set(e, ERR_INPUT,
			             "/vulnerabilities/%zu/dateAdded: \"%.40s\" is not a date"
			             " (YYYY-MM-DD)",
			             i, sget(x, "dateAdded"));
			goto out;
		}
		if (sget(x, "dueDate") && !is_date(sget(x, "dueDate"))) {
			rc = err_set(
			    e, ERR_INPUT,
			    "/vulnerabilities/%zu/dueDate: \"%.40s\" is not a date (YYYY-MM-DD)", i,
			    sget(x, "dueDate"));
			goto out;
		}
		k = &out->entries[out->n++];
		k->cve = xstrdup(sget(x, "cveID"));
		k->vendor_project = xstrdup(sget(x, "vendorProject"));
		k->product = xstrdup(sget(x, "product"));
		k->name = xstrdup(sget(x, "vulnerabilityName"));
		k->date_added = xstrdup(sget(x, "dateAdded"));
		k->short_description = dupz(sget(x, "shortDescription"));
		k->required_action = dupz(sget(x, "requiredAction"));
		k->due_date = dupz(sget(x, "dueDate"));
		k->ransomware = dupz(sget(x, "knownRansomwareCampaignUse"));
		k->notes = dupz(sget(x, "notes"));
		cwes = json_object_get(x, "cwes");
		if (cwes && !json_is_array(cwes)) {
			rc = err_set(e, ERR_INPUT, "/vulnerabilities/%zu/cwes: expected an array",
			             i);
			goto out;
		}
		k->cwes = cwes ? json_dumps(cwes, JSON_COMPACT) : xstrdup("[]");
	}
out:
	json_decref(seen);
	json_decref(root);
	if (rc)
		kev_free(out);
	return rc;
}
