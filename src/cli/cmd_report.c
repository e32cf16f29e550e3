/* cmd_report.c: `baken report evaluation INCIDENT`: the evaluation from the event log, as
 * Markdown (default), HTML or JSON. */
#include "cli/commands.h"
#include "core/buf.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "formats/report_html.h"
#include "formats/report_md.h"
#include "model/deadline.h"
#include "model/incident.h"
#include "model/report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define REPORT_MAX ((size_t)256 << 20)

const struct opt_spec cmd_report_evaluation_opts[] = {
    {"format", OPT_VALUE, "F", "markdown (default), html or json"},
    {"out", OPT_VALUE, "FILE", "write the report to FILE instead of stdout"},
    {"lang", OPT_VALUE, "L", "nl (default) or en"},
    {NULL, 0, NULL, NULL},
};

/* Writes text to path through a temporary file beside it, so a reader never sees half. */
static int write_file(const char *path, const char *text, size_t n, struct err *e)
{
	char tmp[4096];
	FILE *f;
	int ok;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= sizeof(tmp))
		return err_set(e, ERR_INPUT, "--out: the path is too long");
	if ((f = fopen(tmp, "wb")) == NULL)
		return err_set(e, ERR_IO, "--out %s: %s", path, strerror(errno));
	ok = fwrite(text, 1, n, f) == n;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		int saved = errno;
		remove(tmp);
		return err_set(e, ERR_IO, "--out %s: %s", path, strerror(saved));
	}
	return 0;
}

int cmd_report_evaluation(struct cli_ctx *c)
{
	struct report_opts ro = {NULL, c->act.at, opt_get(&c->opts, "lang")};
	const char *format = opt_get(&c->opts, "format"), *out = opt_get(&c->opts, "out");
	json_t *r = NULL;
	struct buf text;
	int rc;

	if ((rc = cli_operand(c, 0, "INCIDENT", &ro.incident)) != 0)
		return rc;
	if (format == NULL)
		format = c->json ? "json" : "markdown";
	if (strcmp(format, "md") == 0)
		format = "markdown";
	if (strcmp(format, "markdown") != 0 && strcmp(format, "html") != 0 &&
	    strcmp(format, "json") != 0)
		return err_set(&c->err, ERR_USAGE, "--format %s: expected markdown, html or json",
		               format);
	if (ro.lang && strcmp(ro.lang, "nl") != 0 && strcmp(ro.lang, "en") != 0)
		return err_set(&c->err, ERR_USAGE, "--lang %s: expected nl or en", ro.lang);
	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = report_evaluation(c->db, &ro, &r, &c->err);
	if ((rc = cli_finish(c, rc)) != 0)
		return rc;
	buf_init(&text, REPORT_MAX);
	if (strcmp(format, "json") == 0) {
		char *s = json_dumps(r, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		rc = buf_adds(&text, s ? s : "") || buf_addc(&text, '\n');
		free(s);
	} else if (strcmp(format, "html") == 0) {
		rc = report_html(r, &text);
	} else {
		rc = report_markdown(r, &text);
	}
	json_decref(r);
	if (rc != 0) {
		buf_free(&text);
		return err_set(&c->err, ERR_INPUT, "the report is larger than %zu MB",
		               REPORT_MAX >> 20);
	}
	if (out) {
		rc = write_file(out, buf_str(&text), text.len, &c->err);
		if (rc == 0 && c->json)
			cli_print_json(json_pack("{s:s, s:s, s:I}", "out", out, "format", format,
			                         "bytes", (json_int_t)text.len));
	} else {
		fwrite(buf_str(&text), 1, text.len, stdout);
	}
	buf_free(&text);
	return rc;
}
