/* cmd_incident.c: `baken incident ...`: incidents, scale levels, the logbook and the vendor's
 * patch timeline. */
#include "cli/cli_show.h"
#include "cli/commands.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/incident.h"

#include <string.h>

const struct opt_spec cmd_incident_new_opts[] = {
    {"title", OPT_VALUE, "T", "title"},
    {"advisory", OPT_LIST, "ID", "advisories it groups"},
    {"public", OPT_FLAG, NULL, "public: its FAQ page is visible to everyone"},
    {NULL, 0, NULL, NULL},
};

int cmd_incident_new(struct cli_ctx *c)
{
	const char *id, *title, **advs;
	size_t n;
	int rc;

	if ((rc = cli_operand(c, 0, "ID", &id)) != 0 ||
	    (rc = cli_required(c, "title", &title)) != 0)
		return rc;
	advs = opt_list(&c->opts, "advisory", &n);
	if ((rc = cli_open(c)) == 0)
		rc = cli_finish(c, incident_new(c->db, &c->act, id, title, advs, n,
		                                opt_has(&c->opts, "public"), &c->err));
	free(advs);
	if (rc != 0)
		return rc;
	cli_print_object(c,
	                 json_pack("{s:s, s:s, s:i}", "incident", id, "title", title, "level", 0),
	                 (const char *const[]){"incident", "title", "level", NULL});
	return 0;
}

const struct opt_spec cmd_incident_update_opts[] = {
    {"title", OPT_VALUE, "T", "a new title"},
    {"advisory", OPT_LIST, "ID", "advisories to add"},
    {"public", OPT_FLAG, NULL, "make it public"},
    {"private", OPT_FLAG, NULL, "make it not public"},
    {NULL, 0, NULL, NULL},
};

int cmd_incident_update(struct cli_ctx *c)
{
	const char *id, **advs;
	int pub = opt_has(&c->opts, "public"), priv = opt_has(&c->opts, "private"), rc;
	size_t n;

	if ((rc = cli_operand(c, 0, "ID", &id)) != 0)
		return rc;
	if (pub && priv)
		return err_set(&c->err, ERR_USAGE, "--public and --private exclude each other");
	advs = opt_list(&c->opts, "advisory", &n);
	if ((rc = cli_open(c)) == 0)
		rc = cli_finish(c, incident_update(c->db, &c->act, id, opt_get(&c->opts, "title"),
		                                   advs, n,
		                                   pub    ? 1
		                                   : priv ? 0
		                                          : -1,
		                                   &c->err));
	free(advs);
	if (rc != 0)
		return rc;
	cli_print_object(c, json_pack("{s:s}", "incident", id),
	                 (const char *const[]){"incident", NULL});
	return 0;
}

const struct opt_spec cmd_incident_scale_opts[] = {
    {"level", OPT_VALUE, "N",
     "0 normal handling, 1 NCSC operational coordination, 2 national crisis structure"},
    {"by", OPT_VALUE, "WHO", "who decided (default: the actor)"},
    {"reason", OPT_VALUE, "R", "why"},
    {NULL, 0, NULL, NULL},
};

int cmd_incident_scale(struct cli_ctx *c)
{
	const char *id, *level;
	int rc, n;

	if ((rc = cli_operand(c, 0, "ID", &id)) != 0 ||
	    (rc = cli_required(c, "level", &level)) != 0)
		return rc;
	if (strlen(level) != 1 || level[0] < '0' || level[0] > '2')
		return err_set(&c->err, ERR_USAGE,
		               "--level %s: expected 0 (normal handling), 1 (NCSC operational"
		               " coordination) or 2 (national crisis structure)",
		               level);
	n = level[0] - '0';
	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, incident_scale(c->db, &c->act, id, n, opt_get(&c->opts, "by"),
	                                  opt_get(&c->opts, "reason"), &c->err));
	if (rc != 0)
		return rc;
	cli_print_object(
	    c,
	    json_pack("{s:s, s:i, s:s}", "incident", id, "level", n, "by",
	              opt_get(&c->opts, "by") ? opt_get(&c->opts, "by") : c->act.actor),
	    (const char *const[]){"incident", "level", "by", NULL});
	return 0;
}

const struct opt_spec cmd_incident_log_opts[] = {
    {"kind", OPT_VALUE, "K", "decision, meeting, communication or note"},
    {"text", OPT_VALUE, "T", "what was decided, discussed or said (an FAQ entry: the answer)"},
    {"title", OPT_VALUE, "T", "communication: a headline, or an FAQ entry's question"},
    {"channel", OPT_VALUE, "C", "communication: press, website, faq, social or other"},
    {"approved-by", OPT_LIST, "WHO", "decision: who approved it"},
    {"by", OPT_VALUE, "WHO", "decision: who decided"},
    {"participants", OPT_LIST, "WHO", "meeting: who took part"},
    {NULL, 0, NULL, NULL},
};

int cmd_incident_log(struct cli_ctx *c)
{
	struct incident_entry en = {0};
	const char *id;
	long entry = 0;
	int rc;

	if ((rc = cli_operand(c, 0, "ID", &id)) != 0 ||
	    (rc = cli_required(c, "text", &en.text)) != 0)
		return rc;
	en.kind = opt_get(&c->opts, "kind");
	en.title = opt_get(&c->opts, "title");
	en.channel = opt_get(&c->opts, "channel");
	en.by = opt_get(&c->opts, "by");
	en.approved_by = opt_list(&c->opts, "approved-by", &en.napproved);
	en.participants = opt_list(&c->opts, "participants", &en.nparticipants);
	if ((rc = cli_open(c)) == 0)
		rc = cli_finish(c, incident_log(c->db, &c->act, id, &en, &entry, &c->err));
	free(en.approved_by);
	free(en.participants);
	if (rc != 0)
		return rc;
	cli_print_object(c, json_pack("{s:s, s:I}", "incident", id, "entry", (json_int_t)entry),
	                 (const char *const[]){"incident", "entry", NULL});
	return 0;
}

const struct opt_spec cmd_incident_patch_opts[] = {
    {"branch", OPT_VALUE, "VENDOR:PRODUCT:RANGE", "the version branch"},
    {"announced", OPT_VALUE, "DATE", "the date the vendor gives for the patch (a change: again)"},
    {"released", OPT_VALUE, "VERSION", "the patch is out: the version that fixes the branch"},
    {NULL, 0, NULL, NULL},
};

int cmd_incident_patch(struct cli_ctx *c)
{
	const char *id, *branch;
	int rc;

	if ((rc = cli_operand(c, 0, "ID", &id)) != 0 ||
	    (rc = cli_required(c, "branch", &branch)) != 0)
		return rc;
	if ((rc = cli_open(c)) != 0)
		return rc;
	rc =
	    cli_finish(c, incident_patch(c->db, &c->act, id, branch, opt_get(&c->opts, "announced"),
	                                 opt_get(&c->opts, "released"), &c->err));
	if (rc != 0)
		return rc;
	cli_print_object(
	    c,
	    json_pack("{s:s, s:s, s:s?, s:s?}", "incident", id, "branch", branch, "announced",
	              opt_get(&c->opts, "announced"), "released", opt_get(&c->opts, "released")),
	    (const char *const[]){"incident", "branch", "announced", "released", NULL});
	return 0;
}

const struct opt_spec cmd_incident_show_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_incident_show(struct cli_ctx *c)
{
	json_t *o, *x;
	size_t i;
	int rc = cli_show_fetch(c, "ID", incident_show, &o);

	if (rc != 0 || o == NULL) /* an error, or printed as JSON */
		return rc;
	cli_print_object(c, json_incref(o),
	                 (const char *const[]){"id", "title", "level", "public", "advisories",
	                                       "created_at", NULL});
	printf("\nLog\n");
	cli_print_rows(c, json_incref(json_object_get(o, "log")),
	               (const char *const[]){"at", "kind", "channel", "level", "by", "approved_by",
	                                     "title", "text", NULL});
	if (json_array_size(json_object_get(o, "patches"))) {
		printf("\nPatch timeline\n");
		json_array_foreach(json_object_get(o, "patches"), i, x)
		{
			json_t *a, *rel = json_object_get(x, "released");
			size_t j;
			printf("  %s\n", json_string_value(json_object_get(x, "branch")));
			json_array_foreach(json_object_get(x, "announcements"), j, a)
			{
				printf("    %s for %s (announced %s)\n", j ? "moved" : "promised",
				       json_string_value(json_object_get(a, "date")),
				       json_string_value(json_object_get(a, "at")));
			}
			if (json_is_object(rel))
				printf("    released %s at %s\n",
				       json_string_value(json_object_get(rel, "version")),
				       json_string_value(json_object_get(rel, "at")));
		}
	}
	json_decref(o);
	return 0;
}

const struct opt_spec cmd_incident_list_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_incident_list(struct cli_ctx *c)
{
	json_t *rows = NULL;
	int rc;

	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, incident_list(c->db, &rows, &c->err));
	if (rc != 0)
		return rc;
	cli_print_rows(c, rows,
	               (const char *const[]){"id", "level", "public", "advisories", "created_at",
	                                     "title", NULL});
	return 0;
}
