/* api_org.c: /api/v1/me, organisations (staff all, others their own), alerts (staff all,
 * others their organisation's), acknowledging an alert, and the calling list. */
#include "core/timeutil.h"
#include "db/db.h"
#include "model/alert.h"
#include "model/org.h"
#include "web/router.h"

#include <stdlib.h>
#include <string.h>

int api_me(struct req *r)
{
	return resp_json(r, 200,
	                 json_pack("{s:s, s:s, s:s?, s:s?, s:b}", "name", r->user.name, "role",
	                           r->user.role, "org", r->user.org[0] ? r->user.org : NULL,
	                           "org_kind", r->user.org_kind[0] ? r->user.org_kind : NULL,
	                           "staff", user_is_staff(&r->user)));
}

int api_org_list(struct req *r)
{
	json_t *rows = NULL, *mine, *row;
	size_t i;
	int rc;

	if ((rc = org_list(r->db, req_query(r, "kind"), &rows, &r->err)) != 0)
		return rc;
	if (user_is_staff(&r->user))
		return resp_json(r, 200, rows);
	mine = json_array();
	json_array_foreach(rows, i, row)
	{
		const char *id = json_string_value(json_object_get(row, "org"));
		if (id && r->user.org[0] && strcmp(id, r->user.org) == 0)
			json_array_append(mine, row);
	}
	json_decref(rows);
	return resp_json(r, 200, mine);
}

int api_org_get(struct req *r)
{
	json_t *o = NULL;
	int rc;

	if (!user_is_staff(&r->user) && strcmp(r->params[0], r->user.org) != 0)
		return err_set(&r->err, ERR_NOTFOUND, "not found");
	if ((rc = org_show(r->db, r->params[0], &o, &r->err)) != 0)
		return rc;
	if (!user_is_staff(&r->user))
		json_object_del(o, "webhook_secret");
	return resp_json(r, 200, o);
}

int api_alert_list(struct req *r)
{
	struct alert_filter f = {req_query(r, "advisory"), req_query(r, "version"),
	                         req_query(r, "org"), req_query(r, "channel"),
	                         req_query(r, "state")};
	json_t *rows = NULL;
	int rc;

	if (!user_is_staff(&r->user)) {
		if (r->user.org[0] == '\0')
			return resp_json(r, 200, json_array());
		if (f.org && strcmp(f.org, r->user.org) != 0)
			return resp_json(r, 200, json_array());
		f.org = r->user.org;
	}
	if ((rc = alert_list(r->db, &f, &rows, &r->err)) != 0)
		return rc;
	return resp_json(r, 200, rows);
}

int api_alert_ack(struct req *r)
{
	struct act act = {NULL, r->now};
	char actor[128], *end;
	long id = strtol(r->params[0], &end, 10);
	json_t *res = NULL, *rows = NULL;
	int rc;

	if (*end || id <= 0)
		return err_set(&r->err, ERR_NOTFOUND, "not found");
	snprintf(actor, sizeof(actor), "web:%s", r->user.name);
	act.actor = actor;
	if ((rc = db_begin(r->db, &r->err)) != 0)
		return rc;
	if (!user_is_staff(&r->user)) {
		/* only an alert of one's own organisation */
		struct alert_filter f = {.org = r->user.org};
		size_t i;
		json_t *row;
		int mine = 0;
		if (r->user.org[0] == '\0')
			return err_set(&r->err, ERR_NOTFOUND, "not found");
		if ((rc = alert_list(r->db, &f, &rows, &r->err)) != 0)
			return rc;
		json_array_foreach(rows, i, row)
		{
			mine |= json_integer_value(json_object_get(row, "alert")) == id;
		}
		json_decref(rows);
		if (!mine)
			return err_set(&r->err, ERR_NOTFOUND, "not found");
	}
	rc = alert_ack(r->db, &act, id, &res, &r->err);
	if (rc == 0)
		rc = db_commit(r->db, &r->err);
	if (rc != 0) {
		json_decref(res);
		return rc;
	}
	return resp_json(r, 200, res);
}

int api_call_list(struct req *r)
{
	json_t *rows = NULL;
	int rc = call_list(r->db, req_query(r, "all") != NULL, &rows, &r->err);

	if (rc != 0)
		return rc;
	return resp_json(r, 200, rows);
}
