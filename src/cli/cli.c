/* cli.c: opening the store for a command, and printing tables and JSON. */
#include "cli/cli.h"

#include "core/buf.h"
#include "core/xalloc.h"
#include "db/db.h"

#include <string.h>

int cli_open(struct cli_ctx *c)
{
	int rc = db_open(c->db_path, 0, &c->db, &c->err);

	if (rc != 0)
		return rc;
	return db_begin(c->db, &c->err);
}

int cli_finish(struct cli_ctx *c, int rc)
{
	if (c->db == NULL)
		return rc;
	if (rc == 0)
		rc = db_commit(c->db, &c->err);
	if (rc != 0)
		db_rollback(c->db);
	return rc;
}

void cli_print_json(json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(v);
}

/* Display width of UTF-8 text: one column per code point. */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* A cell's text: strings as they are, numbers in decimal, true/false as yes/no. */
static void cell_text(json_t *v, struct buf *b)
{
	buf_reset(b);
	if (json_is_string(v))
		buf_adds(b, json_string_value(v));
	else if (json_is_integer(v))
		buf_printf(b, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		buf_printf(b, "%g", json_real_value(v));
	else if (json_is_true(v))
		buf_adds(b, "yes");
	else if (json_is_false(v))
		buf_adds(b, "no");
	else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		struct buf one;

		buf_init(&one, BUF_MAX_DEFAULT);
		json_array_foreach(v, i, x)
		{
			cell_text(x, &one);
			buf_printf(b, "%s%s", i ? ", " : "", buf_str(&one));
		}
		buf_free(&one);
	}
}

void cli_print_rows(struct cli_ctx *c, json_t *rows, const char *const *columns)
{
	size_t ncol = 0, *width, i, j;
	struct buf b;
	json_t *row;

	if (c->json) {
		cli_print_json(rows);
		return;
	}
	while (columns[ncol])
		ncol++;
	width = xcalloc(ncol, sizeof(size_t));
	buf_init(&b, BUF_MAX_DEFAULT);
	for (j = 0; j < ncol; j++)
		width[j] = text_width(columns[j]);
	json_array_foreach(rows, i, row)
	{
		for (j = 0; j < ncol; j++) {
			cell_text(json_object_get(row, columns[j]), &b);
			if (text_width(buf_str(&b)) > width[j])
				width[j] = text_width(buf_str(&b));
		}
	}
	for (j = 0; j < ncol; j++) {
		for (const char *p = columns[j]; *p; p++)
			putchar(*p >= 'a' && *p <= 'z' ? *p - 32 : (*p == '_' ? ' ' : *p));
		if (j + 1 < ncol)
			printf("%*s", (int)(width[j] - text_width(columns[j]) + 2), "");
	}
	putchar('\n');
	json_array_foreach(rows, i, row)
	{
		for (j = 0; j < ncol; j++) {
			cell_text(json_object_get(row, columns[j]), &b);
			fputs(buf_str(&b), stdout);
			if (j + 1 < ncol)
				printf("%*s", (int)(width[j] - text_width(buf_str(&b)) + 2), "");
		}
		putchar('\n');
	}
	buf_free(&b);
	free(width);
	json_decref(rows);
}

void cli_print_object(struct cli_ctx *c, json_t *obj, const char *const *keys)
{
	size_t w = 0;
	struct buf b;

	if (c->json) {
		cli_print_json(obj);
		return;
	}
	buf_init(&b, BUF_MAX_DEFAULT);
	for (size_t i = 0; keys[i]; i++)
		if (strlen(keys[i]) > w)
			w = strlen(keys[i]);
	for (size_t i = 0; keys[i]; i++) {
		json_t *v = json_object_get(obj, keys[i]);

		if (v == NULL || json_is_null(v))
			continue;
		cell_text(v, &b);
		printf("%-*s  %s\n", (int)w + 1, keys[i], buf_str(&b));
	}
	buf_free(&b);
	json_decref(obj);
}

int cli_operand(struct cli_ctx *c, size_t i, const char *what, const char **out)
{
	if (i >= c->opts.noperands)
		return err_set(&c->err, ERR_USAGE, "missing %s", what);
	*out = c->opts.operands[i];
	return 0;
}

int cli_required(struct cli_ctx *c, const char *name, const char **out)
{
	*out = opt_get(&c->opts, name);
	if (*out == NULL)
		return err_set(&c->err, ERR_USAGE, "--%s is required", name);
	return 0;
}
