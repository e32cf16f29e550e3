/* cwe.h: the names of common CWE weaknesses, as MITRE's catalogue (CWE 4.x) writes them.
 *
 * CSAF wants a vulnerability's CWE as id and name, and BSI's validator checks the name
 * against the catalogue (mandatory test 6.1.11). Baken carries the most common weaknesses
 * (the CWE Top 25 of recent years and those in CISA's KEV); an id outside the table is
 * unknown: export leaves the CWE out, import accepts whatever name the document gives. */
#ifndef BAKEN_CWE_H
#define BAKEN_CWE_H

/* The catalogue name of id ("CWE-22"), or NULL when it is not in the table. Static. */
const char *cwe_name(const char *id);

/* 1 when id is written as the CWE id pattern of CSAF requires: "CWE-" and 1-6 digits
 * without a leading zero. */
int cwe_id_valid(const char *id);

#endif
