/* api_util.c: the JSON API's shared helpers (api.h). */
#include "web/api/api.h"

#include "core/timeutil.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "web/router.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int api_body(struct req *r, const char *const *allowed, json_t **out)
{
	const char *ctype = req_header(r, "Content-Type");
	json_error_t je;
	json_t *o;
	const char *k;
	json_t *v;

	*out = NULL;
	if (r->body.len == 0) {
		*out = json_object();
		return 0;
	}
	if (ctype && strncasecmp(ctype, "application/json", 16) != 0 &&
	    strncasecmp(ctype, "application/problem+json", 24) != 0)
		return err_set(&r->err, ERR_INPUT,
		               "the body is %s: expected application/json (a JSON object)", ctype);
	o = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &je);
	if (o == NULL)
		return err_set(&r->err, ERR_INPUT, "the body is not JSON: line %d, column %d: %s",
		               je.line, je.column, je.text);
	if (!json_is_object(o)) {
		json_decref(o);
		return err_set(&r->err, ERR_INPUT, "the body must be a JSON object");
	}
	json_object_foreach(o, k, v)
	{
		int known = 0;
		for (size_t i = 0; allowed && allowed[i]; i++)
			known |= strcmp(allowed[i], k) == 0;
		if (!known && strcmp(k, "at") != 0) {
			char q[80];
			err_quote(q, sizeof(q), k, 64);
			json_decref(o);
			return err_set(&r->err, ERR_INPUT,
			               "field \"%s\": not a field of this request", q);
		}
	}
	*out = o;
	return 0;
}

int api_text(struct req *r, json_t *o, const char *field, const char **out)
{
	json_t *v = json_object_get(o, field);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_set(&r->err, ERR_INPUT, "field \"%s\": expected a string", field);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return err_set(&r->err, ERR_INPUT, "field \"%s\": holds a NUL character", field);
	*out = json_string_value(v);
	return 0;
}

int api_text_required(struct req *r, json_t *o, const char *field, const char **out)
{
	int rc = api_text(r, o, field, out);

	if (rc == 0 && (*out == NULL || **out == '\0'))
		return err_set(&r->err, ERR_INPUT, "field \"%s\" is required", field);
	return rc;
}

int api_list(struct req *r, json_t *o, const char *field, const char ***out, size_t *n)
{
	json_t *v = json_object_get(o, field), *x;
	size_t i;

	*out = NULL;
	*n = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		*out = xcalloc(1, sizeof(**out));
		(*out)[0] = json_string_value(v);
		*n = 1;
		return 0;
	}
	if (!json_is_array(v))
		return err_set(&r->err, ERR_INPUT,
		               "field \"%s\": expected a string or an array of strings", field);
	*out = xcalloc(json_array_size(v) + 1, sizeof(**out));
	json_array_foreach(v, i, x)
	{
		if (!json_is_string(x)) {
			free(*out);
			*out = NULL;
			return err_set(&r->err, ERR_INPUT, "field \"%s\": item %zu is not a string",
			               field, i + 1);
		}
		(*out)[i] = json_string_value(x);
	}
	*n = json_array_size(v);
	return 0;
}

int api_bool(struct req *r, json_t *o, const char *field, int *out)
{
	json_t *v = json_object_get(o, field);

	*out = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return err_set(&r->err, ERR_INPUT, "field \"%s\": expected true or false", field);
	*out = json_is_true(v);
	return 0;
}

/* Parses text as a whole number in [min, max]. */
static int parse_long(const char *text, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (*text == '\0' || *end || errno || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int api_long(struct req *r, json_t *o, const char *field, long min, long max, long *out)
{
	json_t *v = json_object_get(o, field);
	long n;

	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_integer(v) && json_integer_value(v) >= min && json_integer_value(v) <= max) {
		*out = (long)json_integer_value(v);
		return 0;
	}
	if (json_is_string(v) && parse_long(json_string_value(v), min, max, &n) == 0) {
		*out = n;
		return 0;
	}
	return err_set(&r->err, ERR_INPUT, "field \"%s\": expected a whole number from %ld to %ld",
	               field, min, max);
}

int api_time(struct req *r, json_t *o, const char *field, int64_t *out)
{
	const char *t;
	int rc = api_text(r, o, field, &t);

	if (rc != 0 || t == NULL)
		return rc;
	if (time_parse(t, out, &r->err) != 0)
		return err_wrap(&r->err, "field \"%s\": ", field);
	return 0;
}

int api_act(struct req *r, json_t *body, struct act *act, char *actor, size_t actorsz)
{
	int64_t at = r->now;
	int rc;

	/* a constituent's or partner's change happens now: dated earlier, a late follow-up
	 * answer would count as in time, and the event log would say so */
	if (!user_is_staff(&r->user) && body && json_object_get(body, "at") &&
	    !json_is_null(json_object_get(body, "at")))
		return err_set(&r->err, ERR_PERM,
		               "field \"at\": only staff may date a change; yours happen now");
	rc = api_time(r, body, "at", &at);
	snprintf(actor, actorsz, "web:%s", r->user.name);
	act->actor = actor;
	act->at = at;
	return rc;
}

int api_org_for(struct req *r, const char *org, const char **out)
{
	if (org && *org == '\0')
		org = NULL;
	if (user_is_staff(&r->user)) {
		if (org == NULL)
			return err_set(&r->err, ERR_INPUT, "field \"org\" is required");
		*out = org;
		return 0;
	}
	if (r->user.org[0] == '\0')
		return err_set(&r->err, ERR_PERM, "your account acts for no organisation");
	if (org && strcmp(org, r->user.org) != 0)
		return err_set(&r->err, ERR_PERM,
		               "you may act only for your own organisation (%s), not %s",
		               r->user.org, org);
	*out = r->user.org;
	return 0;
}

int api_query_long(struct req *r, const char *name, long min, long max, long *out)
{
	const char *v = req_query(r, name);

	if (v == NULL)
		return 0;
	if (parse_long(v, min, max, out) != 0)
		return err_set(&r->err, ERR_INPUT,
		               "query parameter \"%s\": expected a whole number from %ld to %ld",
		               name, min, max);
	return 0;
}

int api_query_time(struct req *r, const char *name, int64_t *out)
{
	const char *v = req_query(r, name);

	if (v == NULL || *v == '\0')
		return 0;
	if (time_parse(v, out, &r->err) != 0)
		return err_wrap(&r->err, "query parameter \"%s\": ", name);
	return 0;
}

int api_query_flag(struct req *r, const char *name)
{
	const char *v = req_query(r, name);

	return v && strcmp(v, "0") != 0 && strcasecmp(v, "false") != 0;
}

int api_path_id(struct req *r, int i, long *out)
{
	if (parse_long(r->params[i], 1, LONG_MAX, out) != 0)
		return err_set(&r->err, ERR_NOTFOUND, "not found");
	return 0;
}

int api_begin(struct req *r)
{
	return db_begin(r->db, &r->err);
}

int api_finish(struct req *r, int rc, int status, json_t *v)
{
	if (rc == 0)
		rc = db_commit(r->db, &r->err);
	if (rc != 0) {
		if (r->db->in_tx)
			db_rollback(r->db);
		json_decref(v);
		return rc;
	}
	return resp_json(r, status, v ? v : json_object());
}

int api_read(struct req *r, int rc, json_t *v)
{
	if (rc != 0) {
		json_decref(v);
		return rc;
	}
	return resp_json(r, 200, v);
}

int api_role(struct req *r, const char *role)
{
	if (user_has_role(&r->user, role))
		return 0;
	return err_set(&r->err, ERR_PERM, "this needs the role %s (you are %s)", role,
	               r->user.role);
}

int api_name_field(struct req *r, int rc, const char *const *allowed)
{
	char word[32];
	size_t n;

	if ((rc != ERR_INPUT && rc != ERR_USAGE) || strncmp(r->err.msg, "bad ", 4) != 0)
		return rc;
	n = strcspn(r->err.msg + 4, " :\"");
	if (n == 0 || n >= sizeof(word))
		return rc;
	for (size_t i = 0; i < n; i++)
		word[i] = (char)tolower((unsigned char)r->err.msg[4 + i]);
	word[n] = '\0';
	for (size_t i = 0; allowed && allowed[i]; i++)
		if (strcmp(allowed[i], word) == 0)
			return err_wrap(&r->err, "field \"%s\": ", word);
	return rc;
}
