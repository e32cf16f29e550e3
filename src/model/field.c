/* field.c: checks and conversions of field values shared by the model modules. */
#include "model/field.h"

#include "core/timeutil.h"
#include "db/db.h"

#include <ctype.h>
#include <string.h>

void field_time_text(int64_t t, char out[32])
{
	time_format(t, out, 32);
}

int64_t field_col_time(struct db_stmt *st, int i)
{
	int64_t t = 0;

	if (!db_col_is_null(st, i))
		time_parse(db_col_text(st, i), &t, NULL);
	return t;
}

int field_has_text(const char *s)
{
	for (; s && *s; s++)
		if (!isspace((unsigned char)*s))
			return 1;
	return 0;
}

int field_text_check(const char *what, const char *s, size_t max, struct err *e)
{
	if (s && strlen(s) > max)
		return err_set(e, ERR_INPUT, "%s is too long (over %zu bytes)", what, max);
	return 0;
}

int field_id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 64 || !isalnum((unsigned char)id[0]))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)id[i];
		if (!(islower(c) || isdigit(c) || c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return 1;
}
