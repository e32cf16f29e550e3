/* api.h: what the JSON API handlers share: the request body as a JSON object with its
 * fields checked (the field is named in every error, and the problem+json names it in
 * "field"), the actor, who may act for which organisation, and small query helpers.
 *
 * Field names are the CLI's option names ("title", "affects", "reported-to-vendor",
 * "internet-facing" ...), so that a message from the model ("--title is required") names the
 * field of the body too. */
#ifndef BAKEN_API_H
#define BAKEN_API_H

#include "model/event.h"
#include "web/http.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* The body as a JSON object (new reference in *out): an empty body is {}; anything else
 * must be JSON (application/json) holding an object, else ERR_INPUT saying where it broke.
 * allowed (NULL-terminated) lists the fields it may have: another is ERR_INPUT naming it. */
int api_body(struct req *r, const char *const *allowed, json_t **out);

/* A text field: *out is NULL when absent or null (borrowed from o). ERR_INPUT when it is
 * another type. */
int api_text(struct req *r, json_t *o, const char *field, const char **out);
/* Like api_text, but absent is ERR_INPUT ("field \"x\" is required"). */
int api_text_required(struct req *r, json_t *o, const char *field, const char **out);
/* A list of texts: a string (one value) or an array of strings. *out is malloc'd (NULL with
 * *n 0 when absent); the strings are borrowed from o. */
int api_list(struct req *r, json_t *o, const char *field, const char ***out, size_t *n);
/* A boolean field (absent: 0). */
int api_bool(struct req *r, json_t *o, const char *field, int *out);
/* An integer field in [min, max] (absent: *out unchanged). A string of digits is taken too. */
int api_long(struct req *r, json_t *o, const char *field, long min, long max, long *out);
/* An ISO 8601 time field (absent: *out unchanged). */
int api_time(struct req *r, json_t *o, const char *field, int64_t *out);

/* The actor of a change ("web:NAME", in actor of actorsz bytes) at the body's "at" (ISO
 * 8601, as the CLI's --at) or now. body is NULL when the body is not JSON (a file): now. Only
 * staff may give "at": from anyone else it is ERR_PERM. */
int api_act(struct req *r, json_t *body, struct act *act, char *actor, size_t actorsz);

/* The organisation the request acts for: org (may be NULL: the user's own). Staff may name
 * any; others only their own (ERR_PERM otherwise, and ERR_INPUT when they have none and
 * staff gave none). *out is borrowed. */
int api_org_for(struct req *r, const char *org, const char **out);

/* The query parameter name as a number in [min, max] (absent: *out unchanged). */
int api_query_long(struct req *r, const char *name, long min, long max, long *out);
/* The query parameter name as a time (absent: *out unchanged). */
int api_query_time(struct req *r, const char *name, int64_t *out);
/* 1 when the query parameter is present and not "0"/"false". */
int api_query_flag(struct req *r, const char *name);
/* The positive number in path segment i (an alert, a contact) into *out; anything else is
 * ERR_NOTFOUND, as for a row that does not exist. */
int api_path_id(struct req *r, int i, long *out);

/* Begins the request's transaction, and commits it (then answers status with v) or rolls
 * back (returning rc). */
int api_begin(struct req *r);
int api_finish(struct req *r, int rc, int status, json_t *v);
/* The answer of a read: rc when it is not 0 (v is freed), else 200 with v (taken). */
int api_read(struct req *r, int rc, json_t *v);

/* The model names most fields as the CLI's options (--title); a message that names only a
 * value ("bad TLP \"X\"", "bad kind \"X\"") gets the field in front (`field "tlp": ...`)
 * when the word after "bad" is one of allowed, so the problem names it too. Returns rc. */
int api_name_field(struct req *r, int rc, const char *const *allowed);

/* 0 when the user has role (admin counts for every role), else ERR_PERM naming it. */
int api_role(struct req *r, const char *role);

#endif
