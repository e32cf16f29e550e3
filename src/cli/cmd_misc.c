/* cmd_misc.c: init, backup, config, classify, audit. */
#include "cli/commands.h"
#include "core/buf.h"
#include "db/db.h"
#include "domain/matrix.h"
#include "model/config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

const struct opt_spec cmd_init_opts[] = {
    {"prefix", OPT_VALUE, "P", "advisory ID prefix (default NCSC)"},
    {NULL, 0, NULL, NULL},
};

int cmd_init(struct cli_ctx *c)
{
	const char *prefix = opt_get(&c->opts, "prefix");
	struct stat sb;
	int rc;

	if (stat(c->db_path, &sb) == 0)
		return err_set(&c->err, ERR_CONFLICT,
		               "%s exists already; choose another --db path or remove it",
		               c->db_path);
	if ((rc = db_open(c->db_path, 1, &c->db, &c->err)) != 0)
		return rc;
	if ((rc = db_begin(c->db, &c->err)) != 0)
		return rc;
	rc = config_set(c->db, &c->act, "prefix", prefix ? prefix : "NCSC", &c->err);
	if (rc == 0)
		rc = event_append(c->db, &c->act, "init", "database",
		                  json_pack("{s:s}", "backend", db_backend(c->db)), &c->err);
	rc = cli_finish(c, rc);
	if (rc != 0) {
		db_close(c->db);
		c->db = NULL;
		remove(c->db_path);
		return rc;
	}
	cli_print_object(
	    c, json_pack("{s:s, s:s}", "database", c->db_path, "prefix", prefix ? prefix : "NCSC"),
	    (const char *const[]){"database", "prefix", NULL});
	return 0;
}

const struct opt_spec cmd_backup_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_backup(struct cli_ctx *c)
{
	const char *dest;
	int rc;

	if ((rc = cli_operand(c, 0, "FILE", &dest)) != 0)
		return rc;
	if ((rc = db_open(c->db_path, 0, &c->db, &c->err)) != 0)
		return rc;
	if ((rc = db_backup(c->db, dest, &c->err)) != 0)
		return rc;
	cli_print_object(c, json_pack("{s:s, s:s}", "database", c->db_path, "backup", dest),
	                 (const char *const[]){"database", "backup", NULL});
	return 0;
}

const struct opt_spec cmd_config_set_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_config_set(struct cli_ctx *c)
{
	int rc;

	if ((rc = cli_open(c)) != 0)
		return rc;
	return cli_finish(
	    c, config_set(c->db, &c->act, c->opts.operands[0], c->opts.operands[1], &c->err));
}

const struct opt_spec cmd_config_get_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_config_get(struct cli_ctx *c)
{
	json_t *rows = NULL;
	int rc;

	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, config_list(c->db, &rows, &c->err));
	if (rc != 0)
		return rc;
	if (c->opts.noperands == 1) {
		const char *key = c->opts.operands[0];
		size_t i;
		json_t *o;
		json_array_foreach(rows, i, o)
		{
			if (strcmp(json_string_value(json_object_get(o, "key")), key) != 0)
				continue;
			if (c->json)
				cli_print_json(json_incref(o));
			else
				printf("%s\n", json_string_value(json_object_get(o, "value"))
				                   ? json_string_value(json_object_get(o, "value"))
				                   : "");
			json_decref(rows);
			return 0;
		}
		json_decref(rows);
		return err_set(&c->err, ERR_INPUT,
		               "unknown setting \"%s\" (`baken config get` lists"
		               " them)",
		               key);
	}
	cli_print_rows(c, rows, (const char *const[]){"key", "value", "help", NULL});
	return 0;
}

const struct opt_spec cmd_classify_opts[] = {
    {"lang", OPT_VALUE, "L", "nl or en (default en)"},
    {NULL, 0, NULL, NULL},
};

int cmd_classify(struct cli_ctx *c)
{
	const char *lang = opt_get(&c->opts, "lang");
	const char *lines[MATRIX_MAX_CONSEQUENCES];
	struct matrix m;
	struct matrix_result r;
	json_t *o, *answers, *cons;
	int rc, n;

	matrix_init(&m);
	for (size_t i = 0; i < c->opts.n; i++) {
		if (matrix_find_flag(c->opts.entries[i].name) < 0)
			continue;
		rc = matrix_set(&m, c->opts.entries[i].name, c->opts.entries[i].value, &c->err);
		if (rc != 0)
			return rc;
	}
	if (lang == NULL)
		lang = "en";
	matrix_evaluate(&m, &r);
	if (!c->json) {
		struct buf b;
		buf_init(&b, BUF_MAX_DEFAULT);
		matrix_explain(&m, lang, &b);
		fputs(buf_str(&b), stdout);
		buf_free(&b);
		return 0;
	}
	answers = json_array();
	for (int q = 0; q < matrix_question_count(); q++)
		json_array_append_new(
		    answers,
		    json_pack("{s:s, s:s, s:s, s:i, s:b, s:b}", "question", matrix_flag(q), "text",
		              matrix_question_text(q, lang), "answer", matrix_answer_name(&m, q),
		              "points", r.points[q], "likelihood", matrix_is_likelihood(q), "given",
		              m.answer[q] >= 0));
	cons = json_array();
	n = matrix_consequences(&m, lang, lines, MATRIX_MAX_CONSEQUENCES);
	for (int i = 0; i < n; i++)
		json_array_append_new(cons, json_string(lines[i]));
	o = json_pack("{s:i, s:s, s:i, s:s, s:o, s:o}", "likelihood_points", r.likelihood_points,
	              "likelihood", level_name(r.likelihood), "impact_points", r.impact_points,
	              "impact", level_name(r.impact), "answers", answers, "consequences", cons);
	json_object_set_new(o, "classification",
	                    json_sprintf("%s/%s", level_name(r.likelihood), level_name(r.impact)));
	cli_print_json(o);
	return 0;
}

const struct opt_spec cmd_audit_verify_opts[] = {
    {"checkpoint", OPT_VALUE, "HEAD",
     "a head printed by `audit checkpoint` (N:HEAD also names its entry): it must be in the chain"},
    {"checkpoint-file", OPT_VALUE, "FILE", "the same, from the saved output of `audit checkpoint`"},
    {NULL, 0, NULL, NULL},
};

/* A checkpoint from --checkpoint ("HEAD" or "N:HEAD") or from a file holding the output of
 * `audit checkpoint` (text "events N" and "head HEAD" lines, or its JSON). */
static int checkpoint_read(struct cli_ctx *c, int64_t *count, char head[65])
{
	const char *v = opt_get(&c->opts, "checkpoint"),
	           *file = opt_get(&c->opts, "checkpoint-file");
	char text[4096];
	const char *h = NULL, *p;
	size_t n;

	*count = 0;
	head[0] = '\0';
	if (v && file)
		return err_set(&c->err, ERR_USAGE,
		               "give --checkpoint or --checkpoint-file, not both");
	if (file) {
		FILE *f = fopen(file, "r");
		if (f == NULL)
			return err_set(&c->err, ERR_IO, "--checkpoint-file %s: cannot read it",
			               file);
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
		text[n] = '\0';
		/* the first run of 64 hex digits is the head; a number after "events" its entry */
		for (p = text; *p && h == NULL; p++)
			if (strspn(p, "0123456789abcdef") >= 64 &&
			    (p == text || !isxdigit((unsigned char)p[-1])))
				h = p;
		if ((p = strstr(text, "events")) != NULL) {
			p += strcspn(p, "0123456789");
			while (*p >= '0' && *p <= '9' && *count < 1000000000000LL)
				*count = *count * 10 + (*p++ - '0');
		}
		if (h == NULL)
			return err_set(&c->err, ERR_INPUT,
			               "--checkpoint-file %s: no head (64 hex digits) in it", file);
		memcpy(head, h, 64);
		head[64] = '\0';
		return 0;
	}
	if (v == NULL)
		return 0;
	if ((p = strchr(v, ':')) != NULL) {
		for (const char *d = v; d < p && *count < 1000000000000LL; d++) {
			if (*d < '0' || *d > '9')
				goto bad;
			*count = *count * 10 + (*d - '0');
		}
		if (*count == 0)
			goto bad;
		v = p + 1;
	}
	if (strlen(v) != 64 || strspn(v, "0123456789abcdef") != 64)
		goto bad;
	memcpy(head, v, 65);
	return 0;
bad:
	return err_set(&c->err, ERR_USAGE,
	               "--checkpoint: expected the head printed by `audit checkpoint` (64 hex"
	               " digits), or N:HEAD");
}

int cmd_audit_verify(struct cli_ctx *c)
{
	struct event_check r;
	struct err broken = {0, ""};
	char head[65];
	int64_t count = 0;
	int rc, holds = 1;

	if ((rc = checkpoint_read(c, &count, head)) != 0)
		return rc;
	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = event_verify(c->db, &r, &broken);
	if (rc == 0 && r.bad_id == 0 && head[0])
		rc = event_checkpoint_check(c->db, count, head, &holds, &broken);
	rc = cli_finish(c, rc);
	if (rc != 0)
		return rc;
	if (r.bad_id) {
		if (c->json)
			cli_print_json(json_pack("{s:b, s:I, s:I}", "intact", 0, "checked",
			                         (json_int_t)r.count, "first_bad",
			                         (json_int_t)r.bad_id));
		return err_set(&c->err, ERR_CONFLICT, "%s", broken.msg);
	}
	if (!holds) {
		if (c->json)
			cli_print_json(json_pack("{s:b, s:I, s:s, s:b}", "intact", 0, "events",
			                         (json_int_t)r.count, "head", r.head, "checkpoint",
			                         0));
		return err_set(&c->err, ERR_CONFLICT, "%s", broken.msg);
	}
	cli_print_object(c,
	                 head[0] ? json_pack("{s:b, s:I, s:s, s:b}", "intact", 1, "events",
	                                     (json_int_t)r.count, "head", r.head, "checkpoint", 1)
	                         : json_pack("{s:b, s:I, s:s}", "intact", 1, "events",
	                                     (json_int_t)r.count, "head", r.head),
	                 (const char *const[]){"intact", "events", "head", "checkpoint", NULL});
	return 0;
}

const struct opt_spec cmd_audit_checkpoint_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_audit_checkpoint(struct cli_ctx *c)
{
	struct event_check r;
	struct err broken = {0, ""};
	int rc;

	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, event_verify(c->db, &r, &broken));
	if (rc != 0)
		return rc;
	if (r.bad_id)
		return err_set(&c->err, ERR_CONFLICT, "no checkpoint of a broken chain: %s",
		               broken.msg);
	cli_print_object(c, json_pack("{s:I, s:s}", "events", (json_int_t)r.count, "head", r.head),
	                 (const char *const[]){"events", "head", NULL});
	return 0;
}
