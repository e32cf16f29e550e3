/* svg.c: bar and line charts as inline SVG. */
#include "formats/svg.h"

#include <math.h>
#include <string.h>

#define W      640
#define H      240
#define LEFT   56
#define RIGHT  16
#define TOP    28
#define BOTTOM 44

void svg_escape(struct buf *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			buf_adds(out, "&amp;");
			break;
		case '<':
			buf_adds(out, "&lt;");
			break;
		case '>':
			buf_adds(out, "&gt;");
			break;
		case '"':
			buf_adds(out, "&quot;");
			break;
		case '\'':
			buf_adds(out, "&#39;");
			break;
		default:
			buf_addc(out, *s);
		}
	}
}

/* A round upper bound for the y axis: 1, 2 or 5 times a power of ten. */
static double nice_max(double v)
{
	double p, f;

	if (v <= 0)
		return 1;
	p = pow(10, floor(log10(v)));
	f = v / p;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

static void head(struct buf *out, const char *title, int height)
{
	buf_printf(out,
	           "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\""
	           " height=\"%d\" role=\"img\" aria-label=\"",
	           W, height, W, height);
	svg_escape(out, title);
	buf_adds(out, "\" class=\"chart\"><title>");
	svg_escape(out, title);
	buf_printf(out,
	           "</title><text x=\"%d\" y=\"16\" font-size=\"13\" font-weight=\"bold\""
	           " fill=\"#000\">",
	           LEFT);
	svg_escape(out, title);
	buf_adds(out, "</text>");
}

void svg_chart(struct buf *out, const struct svg_chart *c)
{
	double max = 0, top, pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM, step;
	size_t every;

	head(out, c->title, H);
	for (size_t i = 0; i < c->n; i++)
		if (c->values[i] > max)
			max = c->values[i];
	top = nice_max(max);
	/* grid lines with their values */
	for (int g = 0; g <= 4; g++) {
		double y = TOP + ph - ph * g / 4.0, v = top * g / 4.0;
		buf_printf(out,
		           "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#bbb\""
		           " stroke-width=\"0.5\"/><text x=\"%d\" y=\"%.1f\" font-size=\"10\""
		           " text-anchor=\"end\" fill=\"#000\">%g</text>",
		           LEFT, y, W - RIGHT, y, LEFT - 4, y + 3, v);
	}
	if (c->n == 0) {
		buf_adds(out, "</svg>");
		return;
	}
	step = pw / (double)c->n;
	every = c->n > 12 ? (c->n + 11) / 12 : 1;
	if (c->line) {
		buf_adds(out,
		         "<polyline fill=\"none\" stroke=\"#1f4e79\" stroke-width=\"2\" points=\"");
		for (size_t i = 0; i < c->n; i++)
			buf_printf(out, "%s%.1f,%.1f", i ? " " : "", LEFT + step * (i + 0.5),
			           TOP + ph - ph * c->values[i] / top);
		buf_adds(out, "\"/>");
		for (size_t i = 0; i < c->n; i++)
			buf_printf(out,
			           "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#1f4e79\"/>",
			           LEFT + step * (i + 0.5), TOP + ph - ph * c->values[i] / top);
	} else {
		for (size_t i = 0; i < c->n; i++) {
			double h = ph * c->values[i] / top, x = LEFT + step * i + step * 0.15;
			buf_printf(out,
			           "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
			           " fill=\"#1f4e79\"/>",
			           x, TOP + ph - h, step * 0.7, h);
			if (c->n <= 31)
				buf_printf(out,
				           "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\""
				           " text-anchor=\"middle\" fill=\"#000\">%g</text>",
				           x + step * 0.35, TOP + ph - h - 3, c->values[i]);
		}
	}
	for (size_t i = 0; i < c->n; i += every) {
		buf_printf(out,
		           "<text x=\"%.1f\" y=\"%d\" font-size=\"9\" text-anchor=\"middle\""
		           " fill=\"#000\">",
		           LEFT + step * (i + 0.5), H - BOTTOM + 14);
		svg_escape(out, c->labels ? c->labels[i] : "");
		buf_adds(out, "</text>");
	}
	if (c->mark >= 0 && (size_t)c->mark < c->n) {
		double x = LEFT + step * (c->mark + 0.5);
		buf_printf(out,
		           "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\""
		           " stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"%d\" font-size=\"10\""
		           " text-anchor=\"middle\" fill=\"#000\">",
		           x, TOP, x, TOP + ph, x, H - 8);
		svg_escape(out, c->mark_label ? c->mark_label : "");
		buf_adds(out, "</text>");
	}
	buf_printf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#000\"/></svg>",
	           LEFT, TOP + ph, W - RIGHT, TOP + ph);
}

void svg_hbars(struct buf *out, const char *title, const char *const *labels, const double *values,
               size_t n)
{
	int height = TOP + 22 * (int)n + 8, labw = 150;
	double max = 0, pw = W - labw - RIGHT - 60;

	head(out, title, height);
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	for (size_t i = 0; i < n; i++) {
		double w = max > 0 ? pw * values[i] / max : 0, y = TOP + 22.0 * i;
		buf_printf(out,
		           "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\""
		           " fill=\"#000\">",
		           labw - 6, y + 13);
		svg_escape(out, labels[i]);
		buf_printf(out,
		           "</text><rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"16\""
		           " fill=\"#1f4e79\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"11\""
		           " fill=\"#000\">%g</text>",
		           labw, y + 2, w, labw + w + 5, y + 14, values[i]);
	}
	buf_adds(out, "</svg>");
}
