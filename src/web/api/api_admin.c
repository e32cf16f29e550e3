/* api_admin.c: the admin's part of the CLI through the API (DESIGN §1: users, roles,
 * configuration), every route PERM_ADMIN:
 *   users     GET /api/v1/users, POST /api/v1/users (user add),
 *             POST /api/v1/users/NAME/password (user password: argon2id, off the event threads;
 *             the password is never echoed), POST /api/v1/users/NAME/tokens (token create:
 *             the token is in this answer only)
 *   settings  GET /api/v1/config, GET /api/v1/config/KEY, POST /api/v1/config/KEY (config get
 *             and set; a secret's value is never returned, only "(set)"). */
#include "model/config.h"
#include "model/user.h"
#include "web/api/api.h"
#include "web/router.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int api_user_list(struct req *r)
{
	json_t *rows = NULL;
	int rc = user_list(r->db, &rows, &r->err);

	if (rc != 0)
		return rc;
	return resp_json(r, 200, rows);
}

int api_user_create(struct req *r)
{
	static const char *const allowed[] = {"name", "role", "org", "email", NULL};
	struct act act;
	char actor[128];
	const char *name, *role, *org, *email;
	json_t *b = NULL;
	int rc;

	if ((rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = api_text_required(r, b, "name", &name)) != 0 ||
	    (rc = api_text_required(r, b, "role", &role)) != 0 ||
	    (rc = api_text(r, b, "org", &org)) != 0 || (rc = api_text(r, b, "email", &email)) != 0)
		goto out;
	if (user_role_parse(role, &r->err) == NULL) {
		rc = api_name_field(r, ERR_INPUT, allowed);
		goto out;
	}
	if ((rc = api_begin(r)) != 0)
		goto out;
	rc = api_name_field(r, user_add(r->db, &act, name, role, org, email, &r->err), allowed);
	rc = api_finish(r, rc, 201,
	                rc ? NULL
	                   : json_pack("{s:s, s:s, s:s?, s:s?}", "name", name, "role",
	                               user_role_parse(role, NULL), "org", org, "email", email));
out:
	json_decref(b);
	return rc;
}

/* Overwrites the password wherever this request held it: the body and the parsed JSON. */
static void forget_password(struct req *r, json_t *b)
{
	json_t *v = b ? json_object_get(b, "password") : NULL;

	if (json_is_string(v))
		sodium_memzero((char *)json_string_value(v), json_string_length(v));
	if (r->body.data && r->body.len)
		sodium_memzero(r->body.data, r->body.len);
}

/* {"password": "..."}; argon2id takes about 90 ms and 64 MiB, so it runs on a worker. */
int api_user_password(struct req *r)
{
	static const char *const allowed[] = {"password", NULL};
	struct act act;
	char actor[128];
	const char *pw;
	json_t *b = NULL;
	int rc;

	if (!r->on_worker)
		return HTTP_DEFER;
	if ((rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 ||
	    (rc = api_text_required(r, b, "password", &pw)) != 0 || (rc = api_begin(r)) != 0)
		goto out;
	rc = user_password_set(r->db, &act, r->params[0], pw, &r->err);
	if (rc == ERR_INPUT && strstr(r->err.msg, "password") != NULL &&
	    strstr(r->err.msg, "field \"") == NULL)
		rc = err_wrap(&r->err, "field \"password\": ");
	rc = api_finish(r, rc, 200,
	                rc ? NULL : json_pack("{s:s, s:b}", "name", r->params[0], "password", 1));
out:
	forget_password(r, b);
	json_decref(b);
	return rc;
}

int api_user_token(struct req *r)
{
	struct act act;
	char actor[128], token[USER_TOKEN_LEN + 1];
	json_t *b = NULL, *res = NULL;
	int rc;

	if ((rc = api_body(r, NULL, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0 || (rc = api_begin(r)) != 0)
		goto out;
	rc = user_token_create(r->db, &act, r->params[0], token, &r->err);
	if (rc == 0) {
		res = json_pack("{s:s, s:s}", "name", r->params[0], "token", token);
		resp_header(r, "Cache-Control", "no-store");
	}
	sodium_memzero(token, sizeof(token));
	rc = api_finish(r, rc, 201, res);
out:
	json_decref(b);
	return rc;
}

/* The row {key, value, help} of config_list for key (new reference; secrets "(set)"), or
 * ERR_NOTFOUND. */
static int config_row(struct req *r, const char *key, json_t **out)
{
	json_t *rows = NULL, *o;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = config_list(r->db, &rows, &r->err)) != 0)
		return rc;
	json_array_foreach(rows, i, o)
	{
		const char *k = json_string_value(json_object_get(o, "key"));
		if (k && strcmp(k, key) == 0)
			*out = json_incref(o);
	}
	json_decref(rows);
	if (*out == NULL)
		return err_set(&r->err, ERR_NOTFOUND, "not found");
	return 0;
}

int api_config_list(struct req *r)
{
	json_t *rows = NULL;
	int rc = config_list(r->db, &rows, &r->err);

	if (rc != 0)
		return rc;
	return resp_json(r, 200, rows);
}

int api_config_get(struct req *r)
{
	json_t *row = NULL;
	int rc = config_row(r, r->params[0], &row);

	if (rc != 0)
		return rc;
	return resp_json(r, 200, row);
}

/* {"value": "..."}; the answer is the row as config get shows it (a secret as "(set)"). */
int api_config_set(struct req *r)
{
	static const char *const allowed[] = {"value", NULL};
	struct act act;
	char actor[128];
	const char *value;
	json_t *b = NULL, *row = NULL;
	int rc;

	if ((rc = api_body(r, allowed, &b)) != 0 ||
	    (rc = api_act(r, b, &act, actor, sizeof(actor))) != 0)
		goto out;
	if (!json_is_string(json_object_get(b, "value"))) {
		rc = err_set(&r->err, ERR_INPUT, "field \"value\" is required (a string)");
		goto out;
	}
	if ((rc = api_text(r, b, "value", &value)) != 0 || (rc = api_begin(r)) != 0 ||
	    (rc = config_row(r, r->params[0], &row)) != 0)
		goto fail;
	json_decref(row);
	row = NULL;
	rc = config_set(r->db, &act, r->params[0], value, &r->err);
	if (rc == ERR_INPUT || rc == ERR_USAGE)
		rc = err_wrap(&r->err, "field \"value\": ");
	if (rc == 0)
		rc = config_row(r, r->params[0], &row);
fail:
	rc = api_finish(r, rc, 200, row);
out:
	json_decref(b);
	return rc;
}
