/* report_html.h: the evaluation report (report_evaluation's JSON) as one HTML page with inline
 * SVG charts and a print style sheet. Every text from the report is escaped. */
#ifndef BAKEN_REPORT_HTML_H
#define BAKEN_REPORT_HTML_H

#include "core/buf.h"

#include <jansson.h>

/* Appends the report r as a complete HTML document to out; 0, or ERR_INPUT when out's maximum
 * is reached. */
int report_html(json_t *r, struct buf *out);

#endif
