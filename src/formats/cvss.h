/* cvss.h: CVSS v2 and v3.0/v3.1 scores as CSAF 2.0 carries them (scores[].cvss_v2 and
 * cvss_v3): the checks of the mandatory tests 6.1.8 (the object is valid), 6.1.9 (the scores
 * are computed right) and 6.1.10 (the properties agree with the vector string). Pure logic. */
#ifndef BAKEN_CVSS_H
#define BAKEN_CVSS_H

#include "core/err.h"

#include <jansson.h>
#include <stddef.h>

/* Checks one cvss_v3 (v3 = 1) or cvss_v2 (v3 = 0) object. Returns 0, or ERR_INPUT with a
 * message in e that starts with the test ("6.1.9: ...") and the JSON pointer of the member at
 * fault, relative to o ("/baseScore"), in where (at least 64 bytes). Scores checked: base,
 * temporal and (v3) environmental, and their severities (v3), when present. */
int cvss_check(json_t *o, int v3, char *where, size_t wsz, struct err *e);

/* The base score of a vector string ("CVSS:3.1/AV:N/...", or a v2 vector "AV:N/AC:L/...").
 * Returns 0, or ERR_INPUT naming what is wrong with the vector. */
int cvss_base_score(const char *vector, double *score, struct err *e);

#endif
