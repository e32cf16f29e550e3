/* pg_dialect.c: SQLite-dialect SQL into PostgreSQL (see pg_dialect.h for what and why).
 *
 * A small tokenizer splits the script into statements (a trigger's BEGIN ... END is one), each
 * statement is recognised by its first words and written out again, token by token, with the
 * rewrites of its kind. Nothing is guessed: a statement or a word the translator does not know
 * is an error that names it. */
#include "db/pg_dialect.h"

#include "core/buf.h"
#include "core/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum tok_kind {
	T_WORD,   /* a name or keyword */
	T_STRING, /* '...' */
	T_QNAME,  /* "...", `...`, [...] */
	T_NUMBER,
	T_PUNCT, /* one or two characters: ( ) , ; . = == <> != <= >= || ... */
	T_PARAM, /* ?, ?N, :name, @name, $name */
};

struct tok {
	enum tok_kind kind;
	const char *p;
	size_t n;
	int sp; /* whitespace or a comment before it */
};

struct toks {
	struct tok *v;
	size_t n, cap;
};

#define PG_DIALECT_MAX ((size_t)4 << 20)

static void toks_push(struct toks *t, enum tok_kind k, const char *p, size_t n, int sp)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	t->v[t->n++] = (struct tok){k, p, n, sp};
}

/* The line of position p in s, for messages. */
static int line_of(const char *s, const char *p)
{
	int line = 1;

	for (; s < p; s++)
		line += *s == '\n';
	return line;
}

static int tokenize(const char *s, struct toks *t, struct err *e)
{
	const char *p = s;
	int sp = 0;

	while (*p) {
		const char *q = p;
		unsigned char c = (unsigned char)*p;

		if (isspace(c)) {
			p++;
			sp = 1;
			continue;
		}
		if (c == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
			sp = 1;
			continue;
		}
		if (c == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			if (end == NULL)
				return err_set(e, ERR_INPUT, "line %d: a comment that never ends",
				               line_of(s, p));
			p = end + 2;
			sp = 1;
			continue;
		}
		if (c == '\'' || c == '"' || c == '`' || c == '[') {
			char close = c == '[' ? ']' : (char)c;
			for (p++;; p++) {
				if (*p == '\0')
					return err_set(e, ERR_INPUT,
					               "line %d: a quote that never ends",
					               line_of(s, q));
				if (*p == close) {
					if (close != ']' && p[1] == close) {
						p++;
						continue;
					}
					break;
				}
			}
			p++;
			toks_push(t, c == '\'' ? T_STRING : T_QNAME, q, (size_t)(p - q), sp);
		} else if (isalpha(c) || c == '_') {
			while (isalnum((unsigned char)*p) || *p == '_' || *p == '$')
				p++;
			toks_push(t, T_WORD, q, (size_t)(p - q), sp);
		} else if (isdigit(c) || (c == '.' && isdigit((unsigned char)p[1]))) {
			while (isalnum((unsigned char)*p) || *p == '.')
				p++;
			toks_push(t, T_NUMBER, q, (size_t)(p - q), sp);
		} else if (c == '?' || ((c == ':' || c == '@' || c == '$') &&
		                        (isalpha((unsigned char)p[1]) || p[1] == '_'))) {
			p++;
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			toks_push(t, T_PARAM, q, (size_t)(p - q), sp);
		} else {
			static const char *const two[] = {
			    "==", "<>", "!=", "<=", ">=", "||", "<<", ">>", "::", NULL};
			size_t n = 1;
			for (size_t i = 0; two[i]; i++)
				if (p[0] == two[i][0] && p[1] == two[i][1])
					n = 2;
			p += n;
			toks_push(t, T_PUNCT, q, n, sp);
		}
		sp = 0;
	}
	return 0;
}

static int tok_is(const struct tok *t, const char *word)
{
	return t->kind == T_WORD && strlen(word) == t->n && strncasecmp(t->p, word, t->n) == 0;
}

static int tok_punct(const struct tok *t, const char *s)
{
	return t->kind == T_PUNCT && strlen(s) == t->n && strncmp(t->p, s, t->n) == 0;
}

/* One statement: tokens [a, b) of the script. */
struct stmt {
	const struct tok *v;
	size_t n;
	const char *src; /* the whole script, for line numbers */
};

static int is_word_at(const struct stmt *s, size_t i, const char *w)
{
	return i < s->n && tok_is(&s->v[i], w);
}

/* The statement's first words, for messages. */
static const char *stmt_head(const struct stmt *s, char *out, size_t outsz)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < s->n && i < 6 && len + 2 < outsz; i++) {
		int w = snprintf(out + len, outsz - len, "%s%.*s", i ? " " : "", (int)s->v[i].n,
		                 s->v[i].p);
		if (w < 0 || (size_t)w >= outsz - len)
			break;
		len += (size_t)w;
	}
	return out;
}

static int stmt_fail(const struct stmt *s, size_t at, struct err *e, const char *why)
{
	char head[160];
	const struct tok *t = &s->v[at < s->n ? at : s->n - 1];

	return err_set(e, ERR_INPUT, "line %d: %s (in \"%s ...\"): not translated to PostgreSQL",
	               line_of(s->src, t->p), why, stmt_head(s, head, sizeof(head)));
}

static void emit_tok(struct buf *b, const struct tok *t, int first)
{
	if (t->sp && !first && b->len && buf_str(b)[b->len - 1] != ' ' &&
	    buf_str(b)[b->len - 1] != '\n' && buf_str(b)[b->len - 1] != '(')
		buf_addc(b, ' ');
	if (t->kind == T_QNAME && (t->p[0] == '`' || t->p[0] == '[')) {
		buf_addc(b, '"');
		for (size_t i = 1; i + 1 < t->n; i++) {
			if (t->p[i] == '"')
				buf_addc(b, '"');
			if (t->p[0] == '`' && t->p[i] == '`' && t->p[i + 1] == '`')
				i++;
			buf_addc(b, t->p[i]);
		}
		buf_addc(b, '"');
		return;
	}
	buf_add(b, t->p, t->n);
}

static void emit_word(struct buf *b, const char *w)
{
	if (b->len && buf_str(b)[b->len - 1] != ' ' && buf_str(b)[b->len - 1] != '(' &&
	    buf_str(b)[b->len - 1] != '\n')
		buf_addc(b, ' ');
	buf_adds(b, w);
}

/* SQLite-only functions: followed by '(' they are refused. */
static const char *const sqlite_functions[] = {"strftime",
                                               "datetime",
                                               "julianday",
                                               "date",
                                               "time",
                                               "unixepoch",
                                               "typeof",
                                               "group_concat",
                                               "instr",
                                               "printf",
                                               "hex",
                                               "unhex",
                                               "randomblob",
                                               "zeroblob",
                                               "glob",
                                               "likelihood",
                                               "likely",
                                               "unlikely",
                                               "iif",
                                               "total",
                                               "char",
                                               "last_insert_rowid",
                                               "changes",
                                               "total_changes",
                                               "sqlite_version",
                                               "json_extract",
                                               "json_each",
                                               "json_group_array",
                                               "json_group_object",
                                               "json_array_length",
                                               "soundex",
                                               NULL};
/* Words refused anywhere outside strings. */
static const char *const sqlite_words[] = {
    "GLOB",   "REGEXP", "AUTOINCREMENT", "NOCASE",  "ROWID", "_ROWID_",
    "PRAGMA", "RAISE",  "MATCH",         "INDEXED", NULL};

/* Emits tokens [from, to) with the expression rewrites; refuses what PostgreSQL would read
 * differently or not at all. */
static int emit_expr(struct buf *b, const struct stmt *s, size_t from, size_t to, struct err *e)
{
	for (size_t i = from; i < to; i++) {
		const struct tok *t = &s->v[i];
		int first = i == from && b->len == 0;

		if (t->kind == T_PARAM)
			return stmt_fail(s, i, e, "a parameter in a migration");
		if (t->kind == T_PUNCT && tok_punct(t, "==")) {
			emit_word(b, "=");
			continue;
		}
		if (t->kind != T_WORD) {
			emit_tok(b, t, first);
			continue;
		}
		for (size_t k = 0; sqlite_words[k]; k++)
			if (tok_is(t, sqlite_words[k]))
				return stmt_fail(s, i, e, "a SQLite-only word");
		if (i + 1 < s->n && tok_punct(&s->v[i + 1], "(")) {
			if (tok_is(t, "ifnull")) {
				emit_tok(b, &(struct tok){T_WORD, "coalesce", 8, t->sp}, first);
				continue;
			}
			for (size_t k = 0; sqlite_functions[k]; k++)
				if (tok_is(t, sqlite_functions[k]))
					return stmt_fail(s, i, e, "a SQLite-only function");
		}
		if (tok_is(t, "COLLATE"))
			return stmt_fail(s, i, e, "a collation");
		if (tok_is(t, "ON") && is_word_at(s, i + 1, "CONFLICT"))
			return stmt_fail(s, i, e, "ON CONFLICT in a constraint");
		if (tok_is(t, "IS")) {
			size_t j = i + 1;
			int neg = is_word_at(s, j, "NOT");

			if (neg)
				j++;
			if (j < to && !is_word_at(s, j, "NULL") && !is_word_at(s, j, "TRUE") &&
			    !is_word_at(s, j, "FALSE") && !is_word_at(s, j, "DISTINCT")) {
				emit_tok(b, t, first);
				emit_word(b, neg ? "DISTINCT FROM" : "NOT DISTINCT FROM");
				i = j - 1;
				continue;
			}
		}
		emit_tok(b, t, first);
	}
	return 0;
}

/* Index of the token closing the '(' at i, or s->n. */
static size_t close_paren(const struct stmt *s, size_t i)
{
	int depth = 0;

	for (; i < s->n; i++) {
		if (tok_punct(&s->v[i], "("))
			depth++;
		else if (tok_punct(&s->v[i], ")") && --depth == 0)
			return i;
	}
	return s->n;
}

static int is_constraint_word(const struct tok *t)
{
	static const char *const w[] = {"NOT",        "NULL",      "PRIMARY",    "UNIQUE",
	                                "CHECK",      "DEFAULT",   "REFERENCES", "COLLATE",
	                                "CONSTRAINT", "GENERATED", "AS",         NULL};
	for (size_t i = 0; w[i]; i++)
		if (tok_is(t, w[i]))
			return 1;
	return 0;
}

/* One column definition, tokens [a, b): name, type, constraints. *rowid (when not NULL) is
 * set when it is SQLite's rowid alias, INTEGER PRIMARY KEY. */
static int emit_column(struct buf *b, const struct stmt *s, size_t a, size_t end, int *rowid,
                       struct err *e)
{
	size_t i = a + 1, type_end;
	int integer = 0, pk = 0;

	if (a >= end || (s->v[a].kind != T_WORD && s->v[a].kind != T_QNAME))
		return stmt_fail(s, a, e, "a column definition without a name");
	emit_tok(b, &s->v[a], 0);
	if (i >= end || s->v[i].kind != T_WORD || is_constraint_word(&s->v[i]))
		return stmt_fail(s, a, e, "a column without a type");
	type_end = i + 1;
	if (type_end < end && tok_punct(&s->v[type_end], "("))
		type_end = close_paren(s, type_end) + 1;
	if (type_end > end)
		return stmt_fail(s, i, e, "a type whose parenthesis never closes");
	if (tok_is(&s->v[i], "INTEGER") || tok_is(&s->v[i], "INT")) {
		integer = tok_is(&s->v[i], "INTEGER");
		for (size_t j = type_end; j + 1 < end; j++)
			if (tok_is(&s->v[j], "PRIMARY") && tok_is(&s->v[j + 1], "KEY"))
				pk = 1;
		emit_word(b, "BIGINT");
		if (integer && pk && rowid)
			*rowid = 1;
		else if (integer && pk)
			return stmt_fail(s, i, e, "INTEGER PRIMARY KEY added to a table");
	} else if (tok_is(&s->v[i], "BLOB")) {
		emit_word(b, "BYTEA");
	} else if (tok_is(&s->v[i], "REAL") || tok_is(&s->v[i], "DOUBLE") ||
	           tok_is(&s->v[i], "FLOAT")) {
		emit_word(b, "DOUBLE PRECISION");
		if (tok_is(&s->v[i], "DOUBLE") && i + 1 < end && tok_is(&s->v[i + 1], "PRECISION"))
			type_end = i + 2;
	} else if (tok_is(&s->v[i], "TEXT") || tok_is(&s->v[i], "BIGINT") ||
	           tok_is(&s->v[i], "NUMERIC")) {
		if (type_end != i + 1)
			return stmt_fail(s, i, e, "a type with a length");
		emit_tok(b, &s->v[i], 0);
	} else {
		return stmt_fail(s, i, e, "a column type other than INTEGER, TEXT, BLOB, REAL");
	}
	/* the constraints; after the rowid alias's PRIMARY KEY, ASC/DESC/AUTOINCREMENT go */
	for (size_t j = type_end, from = type_end; j <= end; j++) {
		int skip = j < end && integer && pk && j >= 2 && tok_is(&s->v[j - 1], "KEY") &&
		           tok_is(&s->v[j - 2], "PRIMARY") &&
		           (tok_is(&s->v[j], "ASC") || tok_is(&s->v[j], "DESC") ||
		            tok_is(&s->v[j], "AUTOINCREMENT"));
		if (j < end && integer && pk && tok_is(&s->v[j], "AUTOINCREMENT") && j >= 3 &&
		    tok_is(&s->v[j - 2], "KEY") &&
		    (tok_is(&s->v[j - 1], "ASC") || tok_is(&s->v[j - 1], "DESC")))
			skip = 1;
		if (!skip && j < end)
			continue;
		if (emit_expr(b, s, from, j, e) != 0)
			return ERR_INPUT;
		from = j + 1;
	}
	return 0;
}

static int plain_name(const struct stmt *s, size_t i, char *out, size_t outsz, struct err *e);

static int translate_create_table(struct buf *b, const struct stmt *s, size_t i, struct err *e)
{
	size_t open, close, name, rowid_col = 0;

	/* CREATE TABLE [IF NOT EXISTS] name ( ... ) [WITHOUT ROWID][, STRICT] */
	buf_adds(b, "CREATE TABLE");
	if (is_word_at(s, i, "IF")) {
		if (!is_word_at(s, i + 1, "NOT") || !is_word_at(s, i + 2, "EXISTS"))
			return stmt_fail(s, i, e, "IF without NOT EXISTS");
		buf_adds(b, " IF NOT EXISTS");
		i += 3;
	}
	if (i >= s->n || (s->v[i].kind != T_WORD && s->v[i].kind != T_QNAME))
		return stmt_fail(s, i, e, "a table without a name");
	emit_tok(b, &s->v[i], 0);
	name = i;
	open = i + 1;
	if (open >= s->n || !tok_punct(&s->v[open], "("))
		return stmt_fail(s, open, e, "CREATE TABLE without a column list (AS SELECT?)");
	close = close_paren(s, open);
	if (close >= s->n)
		return stmt_fail(s, open, e, "a column list that never closes");
	buf_adds(b, " (");
	for (size_t a = open + 1; a < close;) {
		size_t end = a;
		int depth = 0;

		while (end < close && !(depth == 0 && tok_punct(&s->v[end], ","))) {
			if (tok_punct(&s->v[end], "("))
				depth++;
			else if (tok_punct(&s->v[end], ")"))
				depth--;
			end++;
		}
		buf_adds(b, "\n\t");
		if (tok_is(&s->v[a], "CONSTRAINT") || tok_is(&s->v[a], "PRIMARY") ||
		    tok_is(&s->v[a], "UNIQUE") || tok_is(&s->v[a], "CHECK") ||
		    tok_is(&s->v[a], "FOREIGN")) {
			size_t mark = b->len;
			if (emit_expr(b, s, a, end, e) != 0)
				return ERR_INPUT;
			if (b->len > mark && b->data[mark] == ' ')
				memmove(b->data + mark, b->data + mark + 1, b->len-- - mark);
		} else {
			int is_rowid = 0;
			if (emit_column(b, s, a, end, &is_rowid, e) != 0)
				return ERR_INPUT;
			if (is_rowid)
				rowid_col = a;
		}
		if (end < close)
			buf_addc(b, ',');
		a = end + 1;
	}
	buf_adds(b, "\n)");
	for (i = close + 1; i < s->n; i++) {
		if (tok_is(&s->v[i], "WITHOUT") && is_word_at(s, i + 1, "ROWID"))
			i++;
		else if (!tok_is(&s->v[i], "STRICT") && !tok_punct(&s->v[i], ","))
			return stmt_fail(s, i, e,
			                 "a table option other than WITHOUT ROWID, STRICT");
	}
	/* SQLite's rowid alias takes max + 1 when no id is given, and never draws a number a
	 * rolled-back INSERT keeps: ids stay dense, as users see them (`alert ack 7`). A sequence
	 * would leave gaps; a BEFORE INSERT trigger gives the same numbers as SQLite (writers
	 * hold the store's write lock, so max + 1 is not raced), and explicit ids pass as given. */
	if (rowid_col) {
		char table[128], col[128];
		if (plain_name(s, name, table, sizeof(table), e) != 0 ||
		    plain_name(s, rowid_col, col, sizeof(col), e) != 0)
			return ERR_INPUT;
		buf_printf(
		    b,
		    ";\nCREATE OR REPLACE FUNCTION %s_rowid_fn() RETURNS trigger LANGUAGE"
		    " plpgsql AS $baken_trigger$\nBEGIN\n\tNEW.%s := (SELECT coalesce(max(%s), 0)"
		    " + 1 FROM %s);\n\tRETURN NEW;\nEND\n$baken_trigger$;\n"
		    "CREATE OR REPLACE TRIGGER %s_rowid BEFORE INSERT ON %s FOR EACH ROW"
		    " WHEN (NEW.%s IS NULL) EXECUTE FUNCTION %s_rowid_fn()",
		    table, col, col, table, table, table, col, table);
	}
	return 0;
}

/* A plain name token as a C string, for generated names; refuses quoted names. */
static int plain_name(const struct stmt *s, size_t i, char *out, size_t outsz, struct err *e)
{
	if (i >= s->n || s->v[i].kind != T_WORD || s->v[i].n + 4 >= outsz)
		return stmt_fail(s, i, e, "a name that is not a plain word (quoted, or too long)");
	memcpy(out, s->v[i].p, s->v[i].n);
	out[s->v[i].n] = '\0';
	return 0;
}

/* One statement of a trigger body, tokens [a, end). */
static int emit_trigger_stmt(struct buf *b, const struct stmt *s, size_t a, size_t end,
                             struct err *e)
{
	if (is_word_at(s, a, "SELECT") && is_word_at(s, a + 1, "RAISE") && a + 2 < end &&
	    tok_punct(&s->v[a + 2], "(")) {
		size_t open = a + 2, close = close_paren(s, open), k = open + 1, where = close + 1;
		int ignore = is_word_at(s, k, "IGNORE");

		if (close >= end)
			return stmt_fail(s, open, e, "RAISE( that never closes");
		if (!ignore && !is_word_at(s, k, "ABORT") && !is_word_at(s, k, "FAIL") &&
		    !is_word_at(s, k, "ROLLBACK"))
			return stmt_fail(s, k, e, "RAISE of an unknown kind");
		if (where < end && !is_word_at(s, where, "WHERE"))
			return stmt_fail(s, where, e, "SELECT RAISE(...) with more than WHERE");
		buf_adds(b, "\t");
		if (where < end) {
			buf_adds(b, "IF (");
			if (emit_expr(b, s, where + 1, end, e) != 0)
				return ERR_INPUT;
			buf_adds(b, ") THEN ");
		}
		if (ignore) {
			buf_adds(b, "RETURN NULL;");
		} else {
			if (k + 1 >= close || !tok_punct(&s->v[k + 1], ","))
				return stmt_fail(s, k, e, "RAISE without a message");
			buf_adds(b, "RAISE EXCEPTION USING ERRCODE = '23000', MESSAGE =");
			if (emit_expr(b, s, k + 2, close, e) != 0)
				return ERR_INPUT;
			buf_addc(b, ';');
		}
		if (where < end)
			buf_adds(b, " END IF;");
		buf_addc(b, '\n');
		return 0;
	}
	if (is_word_at(s, a, "INSERT") || is_word_at(s, a, "UPDATE") ||
	    is_word_at(s, a, "DELETE")) {
		if (is_word_at(s, a + 1, "OR"))
			return stmt_fail(s, a + 1, e, "INSERT OR / UPDATE OR");
		buf_adds(b, "\t");
		if (emit_expr(b, s, a, end, e) != 0)
			return ERR_INPUT;
		buf_adds(b, ";\n");
		return 0;
	}
	return stmt_fail(s, a, e,
	                 "a trigger statement other than SELECT RAISE, INSERT, UPDATE,"
	                 " DELETE");
}

static int translate_create_trigger(struct buf *b, const struct stmt *s, size_t i, int replace,
                                    struct err *e)
{
	char name[128], event[16], timing[8];
	size_t of = 0, of_end = 0, table, when = 0, begin, end;

	if (plain_name(s, i, name, sizeof(name), e) != 0)
		return ERR_INPUT;
	i++;
	if (is_word_at(s, i, "BEFORE") || is_word_at(s, i, "AFTER")) {
		snprintf(timing, sizeof(timing), "%s",
		         is_word_at(s, i, "BEFORE") ? "BEFORE" : "AFTER");
		i++;
	} else if (is_word_at(s, i, "INSTEAD")) {
		return stmt_fail(s, i, e, "an INSTEAD OF trigger");
	} else {
		snprintf(timing, sizeof(timing), "BEFORE"); /* SQLite's default */
	}
	if (is_word_at(s, i, "INSERT") || is_word_at(s, i, "UPDATE") || is_word_at(s, i, "DELETE"))
		snprintf(event, sizeof(event), "%.*s", (int)s->v[i].n, s->v[i].p);
	else
		return stmt_fail(s, i, e, "a trigger without INSERT, UPDATE or DELETE");
	for (char *p = event; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	i++;
	if (strcmp(event, "UPDATE") == 0 && is_word_at(s, i, "OF")) {
		of = ++i;
		while (i < s->n && !is_word_at(s, i, "ON"))
			i++;
		of_end = i;
	}
	if (!is_word_at(s, i, "ON"))
		return stmt_fail(s, i, e, "a trigger without ON table");
	table = ++i;
	if (table >= s->n || (s->v[table].kind != T_WORD && s->v[table].kind != T_QNAME))
		return stmt_fail(s, table, e, "a trigger without a table");
	i++;
	if (is_word_at(s, i, "FOR")) {
		if (!is_word_at(s, i + 1, "EACH") || !is_word_at(s, i + 2, "ROW"))
			return stmt_fail(s, i, e, "FOR without EACH ROW");
		i += 3;
	}
	if (is_word_at(s, i, "WHEN"))
		when = ++i;
	for (begin = i; begin < s->n && !is_word_at(s, begin, "BEGIN"); begin++)
		;
	if (begin >= s->n)
		return stmt_fail(s, i, e, "a trigger without BEGIN");
	if (!when && begin != i)
		return stmt_fail(s, i, e, "words between the trigger's table and BEGIN");
	end = s->n - 1;
	if (!is_word_at(s, end, "END"))
		return stmt_fail(s, end, e, "a trigger that does not close with END");

	buf_printf(b,
	           "CREATE OR REPLACE FUNCTION %s_fn() RETURNS trigger LANGUAGE plpgsql AS"
	           " $baken_trigger$\nBEGIN\n",
	           name);
	if (when) {
		buf_adds(b, "IF NOT (");
		if (emit_expr(b, s, when, begin, e) != 0)
			return ERR_INPUT;
		buf_printf(b, ") THEN RETURN %s; END IF;\n",
		           strcmp(timing, "AFTER") == 0   ? "NULL"
		           : strcmp(event, "DELETE") == 0 ? "OLD"
		                                          : "NEW");
	}
	for (size_t a = begin + 1; a < end;) {
		size_t stop = a;
		int cases = 0;

		while (stop < end && !(cases == 0 && tok_punct(&s->v[stop], ";"))) {
			if (is_word_at(s, stop, "CASE"))
				cases++;
			else if (is_word_at(s, stop, "END"))
				cases--;
			stop++;
		}
		if (stop > a && emit_trigger_stmt(b, s, a, stop, e) != 0)
			return ERR_INPUT;
		a = stop + 1;
	}
	buf_printf(b, "RETURN %s;\nEND\n$baken_trigger$;\n",
	           strcmp(timing, "AFTER") == 0   ? "NULL"
	           : strcmp(event, "DELETE") == 0 ? "OLD"
	                                          : "NEW");
	buf_printf(b, "CREATE %sTRIGGER %s %s %s", replace ? "OR REPLACE " : "", name, timing,
	           event);
	if (of) {
		buf_adds(b, " OF");
		if (emit_expr(b, s, of, of_end, e) != 0)
			return ERR_INPUT;
	}
	buf_adds(b, " ON");
	emit_tok(b, &s->v[table], 0);
	buf_printf(b, " FOR EACH ROW EXECUTE FUNCTION %s_fn()", name);
	return 0;
}

/* DROP TRIGGER [IF EXISTS] name: PostgreSQL wants the table, so find it in the catalog. */
static int translate_drop_trigger(struct buf *b, const struct stmt *s, size_t i, struct err *e)
{
	char name[128];
	int if_exists = 0;

	if (is_word_at(s, i, "IF") && is_word_at(s, i + 1, "EXISTS")) {
		if_exists = 1;
		i += 2;
	}
	if (plain_name(s, i, name, sizeof(name), e) != 0)
		return ERR_INPUT;
	if (i + 1 != s->n)
		return stmt_fail(s, i + 1, e, "words after the trigger's name");
	buf_printf(b,
	           "DO $baken_drop$ DECLARE r record; n int := 0; BEGIN\n"
	           "FOR r IN SELECT tgrelid::regclass::text AS t FROM pg_trigger"
	           " WHERE tgname = '%s' AND NOT tgisinternal LOOP\n"
	           "EXECUTE format('DROP TRIGGER %%I ON %%s', '%s', r.t); n := n + 1;\nEND LOOP;\n",
	           name, name);
	if (!if_exists)
		buf_printf(b, "IF n = 0 THEN RAISE EXCEPTION 'no such trigger: %s'; END IF;\n",
		           name);
	buf_printf(b, "END $baken_drop$;\nDROP FUNCTION IF EXISTS %s_fn()", name);
	return 0;
}

static int translate_stmt(struct buf *b, const struct stmt *s, struct err *e)
{
	size_t i = 0;

	if (is_word_at(s, 0, "CREATE")) {
		i = 1;
		if (is_word_at(s, i, "TEMP") || is_word_at(s, i, "TEMPORARY"))
			return stmt_fail(s, i, e, "a temporary object");
		if (is_word_at(s, i, "TABLE"))
			return translate_create_table(b, s, i + 1, e);
		if (is_word_at(s, i, "TRIGGER")) {
			i++;
			if (is_word_at(s, i, "IF") && is_word_at(s, i + 1, "NOT") &&
			    is_word_at(s, i + 2, "EXISTS"))
				return translate_create_trigger(b, s, i + 3, 1, e);
			return translate_create_trigger(b, s, i, 0, e);
		}
		if (is_word_at(s, i, "INDEX") || is_word_at(s, i, "VIEW") ||
		    (is_word_at(s, i, "UNIQUE") && is_word_at(s, i + 1, "INDEX")))
			return emit_expr(b, s, 0, s->n, e);
		return stmt_fail(s, i, e, "a CREATE of another kind (virtual table?)");
	}
	if (is_word_at(s, 0, "ALTER") && is_word_at(s, 1, "TABLE")) {
		if (is_word_at(s, 3, "ADD")) {
			size_t col = is_word_at(s, 4, "COLUMN") ? 5 : 4;
			if (emit_expr(b, s, 0, 3, e) != 0)
				return ERR_INPUT;
			buf_adds(b, " ADD COLUMN");
			return emit_column(b, s, col, s->n, NULL, e);
		}
		if (is_word_at(s, 3, "RENAME") || is_word_at(s, 3, "DROP"))
			return emit_expr(b, s, 0, s->n, e);
		return stmt_fail(s, 3, e, "an ALTER TABLE other than ADD, RENAME, DROP");
	}
	if (is_word_at(s, 0, "DROP")) {
		if (is_word_at(s, 1, "TRIGGER"))
			return translate_drop_trigger(b, s, 2, e);
		if (is_word_at(s, 1, "TABLE") || is_word_at(s, 1, "INDEX") ||
		    is_word_at(s, 1, "VIEW"))
			return emit_expr(b, s, 0, s->n, e);
		return stmt_fail(s, 1, e, "a DROP of another kind");
	}
	if (is_word_at(s, 0, "INSERT") || is_word_at(s, 0, "UPDATE") ||
	    is_word_at(s, 0, "DELETE")) {
		if (is_word_at(s, 1, "OR"))
			return stmt_fail(s, 1, e, "INSERT OR / UPDATE OR");
		return emit_expr(b, s, 0, s->n, e);
	}
	return stmt_fail(s, 0, e,
	                 "a statement other than CREATE TABLE/INDEX/TRIGGER/VIEW, ALTER"
	                 " TABLE, DROP, INSERT, UPDATE, DELETE");
}

int pg_dialect_migration(const char *sql, char **out, struct err *e)
{
	struct toks t = {0};
	struct buf b;
	int rc;

	*out = NULL;
	buf_init(&b, PG_DIALECT_MAX);
	if ((rc = tokenize(sql, &t, e)) != 0)
		goto out;
	for (size_t a = 0; a < t.n;) {
		size_t end = a;
		int trigger = 0, in_body = 0, cases = 0;
		struct stmt s;

		if (tok_is(&t.v[a], "CREATE"))
			for (size_t k = a + 1; k < t.n && k < a + 3; k++)
				if (tok_is(&t.v[k], "TRIGGER"))
					trigger = 1;
		for (; end < t.n; end++) {
			const struct tok *x = &t.v[end];
			if (trigger && !in_body && tok_is(x, "BEGIN")) {
				in_body = 1;
			} else if (in_body && tok_is(x, "CASE")) {
				cases++;
			} else if (in_body && tok_is(x, "END")) {
				if (cases > 0) {
					cases--;
				} else {
					end++;
					break;
				}
			} else if (!in_body && tok_punct(x, ";")) {
				break;
			}
		}
		s = (struct stmt){t.v + a, end - a, sql};
		if (s.n > 0) {
			struct buf one;
			buf_init(&one, PG_DIALECT_MAX);
			/* the marker that quotes generated function bodies must not occur in the
			 * input */
			for (size_t k = 0; k < s.n && rc == 0; k++)
				if ((s.v[k].kind == T_STRING || s.v[k].kind == T_QNAME) &&
				    memmem(s.v[k].p, s.v[k].n, "$baken", 6))
					rc = stmt_fail(&s, k, e, "the text $baken");
			if (rc == 0)
				rc = translate_stmt(&one, &s, e);
			if (rc == 0 &&
			    (buf_add(&b, buf_str(&one), one.len) != 0 || buf_adds(&b, ";\n") != 0))
				rc = err_set(e, ERR_INPUT, "the translated migration is too long");
			buf_free(&one);
			if (rc != 0)
				goto out;
		}
		a = end;
		while (a < t.n && tok_punct(&t.v[a], ";"))
			a++;
	}
	*out = buf_take(&b);
	rc = 0;
out:
	buf_free(&b);
	free(t.v);
	return rc;
}

/* At p, "INSERT OR <what>" as whole words: the length of the match and what, or 0. */
static size_t insert_or(const char *sql, const char *p, const char **what, size_t *whatlen)
{
	const char *q = p;

	if ((p > sql && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) ||
	    strncasecmp(q, "INSERT", 6) != 0 || !isspace((unsigned char)q[6]))
		return 0;
	for (q += 6; isspace((unsigned char)*q); q++)
		;
	if (strncasecmp(q, "OR", 2) != 0 || !isspace((unsigned char)q[2]))
		return 0;
	for (q += 2; isspace((unsigned char)*q); q++)
		;
	*what = q;
	while (isalpha((unsigned char)*q))
		q++;
	*whatlen = (size_t)(q - *what);
	return *whatlen ? (size_t)(q - p) : 0;
}

int pg_dialect_params(const char *sql, char **out, int *nparams, struct err *e)
{
	struct buf b;
	const char *p = sql;
	int max = 0;

	*out = NULL;
	*nparams = 0;
	buf_init(&b, PG_DIALECT_MAX);
	while (*p) {
		const char *q = p;
		if (*p == '\'' || *p == '"') {
			char close = *p;
			for (p++; *p && !(*p == close && p[1] != close); p++)
				if (*p == close)
					p++;
			if (*p)
				p++;
			buf_add(&b, q, (size_t)(p - q));
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
			buf_add(&b, q, (size_t)(p - q));
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			p = end ? end + 2 : p + strlen(p);
			buf_add(&b, q, (size_t)(p - q));
		} else if ((*p == 'I' || *p == 'i') &&
		           insert_or(sql, p, &(const char *){NULL}, &(size_t){0})) {
			const char *what;
			size_t whatlen, n = insert_or(sql, p, &what, &whatlen);

			/* OR FAIL/ABORT/ROLLBACK only say what SQLite does on a conflict, which is
			 * what a plain INSERT does here: the statement fails */
			if (!(whatlen == 4 && strncasecmp(what, "FAIL", 4) == 0) &&
			    !(whatlen == 5 && strncasecmp(what, "ABORT", 5) == 0) &&
			    !(whatlen == 8 && strncasecmp(what, "ROLLBACK", 8) == 0)) {
				buf_free(&b);
				return err_set(
				    e, ERR_DB,
				    "INSERT OR %.*s is SQLite's; write INSERT ... ON CONFLICT"
				    " instead: %.80s",
				    (int)whatlen, what, sql);
			}
			buf_adds(&b, "INSERT");
			p += n;
		} else if (*p == '?') {
			long n = 0;
			p++;
			if (!isdigit((unsigned char)*p)) {
				n = max + 1;
			} else {
				while (isdigit((unsigned char)*p) && n < 100000)
					n = n * 10 + (*p++ - '0');
				if (n < 1 || n > 65535) {
					buf_free(&b);
					return err_set(e, ERR_DB,
					               "parameter ?%ld out of range in: %.80s", n,
					               sql);
				}
			}
			if (n > max)
				max = (int)n;
			buf_printf(&b, "$%ld", n);
		} else if ((*p == ':' || *p == '@' || *p == '$') &&
		           (isalpha((unsigned char)p[1]) || p[1] == '_') &&
		           !(p > sql && p[-1] == ':')) {
			buf_free(&b);
			return err_set(e, ERR_DB,
			               "named parameters (%.10s) are not supported: %.80s", p, sql);
		} else {
			buf_addc(&b, *p++);
		}
	}
	*nparams = max;
	*out = buf_take(&b);
	return 0;
}
