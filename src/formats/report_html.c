/* report_html.c: the evaluation report as one HTML page: the walk of report_md.c with an HTML
 * writer, inline SVG charts, and a style sheet that prints well (A4, no colour needed). */
#include "formats/report_html.h"

#include "core/err.h"
#include "formats/report_md.h"
#include "formats/svg.h"

#include <string.h>

struct html {
	struct buf *out;
	int full;
};

static void h_heading(void *ctx, int level, const char *text)
{
	struct html *h = ctx;

	buf_printf(h->out, "<h%d>", level);
	svg_escape(h->out, text);
	buf_printf(h->out, "</h%d>\n", level);
}

static void h_para(void *ctx, const char *text)
{
	struct html *h = ctx;

	buf_adds(h->out, "<p>");
	svg_escape(h->out, text);
	buf_adds(h->out, "</p>\n");
}

static void h_table(void *ctx, const char *const *cols, size_t n, json_t *rows)
{
	struct html *h = ctx;
	json_t *r, *c;
	size_t i, j;

	buf_adds(h->out, "<table><thead><tr>");
	for (i = 0; i < n; i++) {
		buf_adds(h->out, "<th>");
		svg_escape(h->out, cols[i]);
		buf_adds(h->out, "</th>");
	}
	buf_adds(h->out, "</tr></thead><tbody>\n");
	json_array_foreach(rows, i, r)
	{
		buf_adds(h->out, "<tr>");
		json_array_foreach(r, j, c)
		{
			buf_adds(h->out, "<td>");
			svg_escape(h->out, json_string_value(c));
			buf_adds(h->out, "</td>");
		}
		buf_adds(h->out, "</tr>\n");
	}
	if (buf_adds(h->out, "</tbody></table>\n") != 0)
		h->full = 1;
}

static void h_chart(void *ctx, const struct svg_chart *c, int hbars)
{
	struct html *h = ctx;

	buf_adds(h->out, "<figure>");
	if (hbars)
		svg_hbars(h->out, c->title, c->labels, c->values, c->n);
	else
		svg_chart(h->out, c);
	buf_adds(h->out, "</figure>\n");
}

static const char style[] =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:14px;line-height:1.4;color:#000;"
    "background:#fff;margin:0}main{max-width:60rem;margin:0 auto;padding:1.5rem}"
    "h1{font-size:1.6rem;border-bottom:2px solid #1f4e79;padding-bottom:.3rem}"
    "h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #999}h3{font-size:1.05rem}"
    "h4{font-size:1rem}table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}"
    "th,td{border:1px solid #999;padding:.2rem .4rem;text-align:left;vertical-align:top}"
    "th{background:#eee}td:first-child{white-space:nowrap}figure{margin:.5rem 0}"
    "svg{max-width:100%;height:auto}"
    "@page{size:A4;margin:15mm}"
    "@media print{body{font-size:10pt}main{max-width:none;padding:0}h2{break-after:avoid}"
    "h3,h4{break-after:avoid}tr,figure{break-inside:avoid}th{background:none}}";

int report_html(json_t *r, struct buf *out)
{
	struct html h = {out, 0};
	const struct report_writer w = {h_heading, h_para, h_table, h_chart, 1};
	const char *lang = json_string_value(json_object_get(r, "lang"));
	json_t *inc = json_object_get(r, "incident");

	buf_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">",
	           lang && strcmp(lang, "en") == 0 ? "en" : "nl");
	buf_adds(out, "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	              "<title>");
	svg_escape(out, report_label(lang, "title"));
	buf_adds(out, ": ");
	svg_escape(out, json_string_value(json_object_get(inc, "title")));
	buf_printf(out, "</title><style>%s</style></head>\n<body><main>\n", style);
	report_walk(r, &w, &h);
	if (buf_adds(out, "</main></body></html>\n") != 0)
		h.full = 1;
	return h.full ? ERR_INPUT : 0;
}
