/* pages.h: what the page handlers share: the layout around every page, and error pages. */
#ifndef BAKEN_PAGES_H
#define BAKEN_PAGES_H

#include "web/http.h"

/* Starts an HTML page in r->out: head, stylesheet, the header with navigation and who is
 * logged in (with a logout form). title is escaped. */
void page_begin(struct req *r, const char *title);
/* Ends the page and sets the response: status, text/html. */
void page_end(struct req *r, int status);
/* A whole error page. */
void page_error(struct req *r, int status, const char *title, const char *detail);
/* A hidden input with the form's CSRF token. */
void page_csrf_input(struct req *r);
/* The `baken alert status` rows of an advisory (alert_status) as a table: per version
 * organisations alerted, delivered, acknowledged, calls, failed, pending, and the time from
 * publication to the first and the last delivery (page_coord.c). */
void page_alert_versions(struct req *r, const json_t *versions);

#endif
