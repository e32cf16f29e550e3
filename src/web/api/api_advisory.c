/* api_advisory.c: /api/v1/advisories: the list, one version, the versions, who is affected.
 * The asker sees what the TLP lets them (DESIGN §3); the rest answers 404. */
#include "model/advisory.h"
#include "web/access.h"
#include "web/router.h"

#include <stdlib.h>
#include <string.h>

int api_advisory_list(struct req *r)
{
	struct access_filter f = {req_query(r, "product"), req_query(r, "cve"),
	                          req_query(r, "year"), 1000, 0};
	const char *lim = req_query(r, "limit"), *off = req_query(r, "offset");
	json_t *rows = NULL;
	char *end;
	int rc;

	if (lim) {
		long n = strtol(lim, &end, 10);
		if (*lim == '\0' || *end || n < 1 || n > 1000)
			return err_set(&r->err, ERR_INPUT, "limit %s: expected 1 to 1000", lim);
		f.limit = (int)n;
	}
	if (off) {
		long n = strtol(off, &end, 10);
		if (*off == '\0' || *end || n < 0 || n > 10000000)
			return err_set(&r->err, ERR_INPUT, "offset %s: expected a number from 0",
			               off);
		f.offset = (int)n;
	}
	if ((rc = access_list(r, &f, &rows)) != 0)
		return rc;
	return resp_json(r, 200, rows);
}

int api_advisory_get(struct req *r)
{
	struct advisory_version v;
	const char *version = req_query(r, "version");
	json_t *j = NULL;
	int rc;

	if ((rc = access_load(r, r->params[0], version && *version ? version : NULL, &v)) != 0)
		return rc;
	rc = access_advisory_json(r, &v, &j);
	advisory_version_free(&v);
	if (rc != 0)
		return rc;
	return resp_json(r, 200, j);
}

int api_advisory_versions(struct req *r)
{
	json_t *hist = NULL;
	int rc = access_history(r, r->params[0], &hist);

	if (rc != 0)
		return rc;
	return resp_json(r, 200, hist);
}

/* Staff see every organisation affected; others only their own rows, for a version they may
 * read. */
int api_advisory_affected(struct req *r)
{
	struct advisory_version v;
	const char *version = req_query(r, "version");
	json_t *rows = NULL, *mine, *row;
	size_t i;
	int rc;

	if ((rc = access_load(r, r->params[0], version && *version ? version : NULL, &v)) != 0)
		return rc;
	rc = advisory_affected(r->db, &v, &rows, &r->err);
	advisory_version_free(&v);
	if (rc != 0)
		return rc;
	if (user_is_staff(&r->user))
		return resp_json(r, 200, rows);
	mine = json_array();
	json_array_foreach(rows, i, row)
	{
		if (strcmp(json_string_value(json_object_get(row, "org")), r->user.org) == 0)
			json_array_append(mine, row);
	}
	json_decref(rows);
	return resp_json(r, 200, mine);
}
