/* field.h: the small checks and conversions of field values that several model modules share
 * (times as rows hold them, free text, ids), so that each rule and message is written once. */
#ifndef BAKEN_FIELD_H
#define BAKEN_FIELD_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

struct db_stmt;

/* Writes t as the store keeps times ("2019-12-18T10:00:00Z") into out. */
void field_time_text(int64_t t, char out[32]);
/* Column i of the current row read as a time; 0 when it is NULL (or not a time). */
int64_t field_col_time(struct db_stmt *st, int i);
/* 1 when s holds something other than white space; 0 for NULL. */
int field_has_text(const char *s);
/* ERR_INPUT ("<what> is too long (over <max> bytes)") when s is longer than max bytes; NULL
 * passes. */
int field_text_check(const char *what, const char *s, size_t max, struct err *e);
/* 1 when id is 1-64 of [a-z0-9._-], starting with a letter or digit (the form of organisation
 * and incident ids); the caller words the error for its kind of id. */
int field_id_ok(const char *id);

#endif
