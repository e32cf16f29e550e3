/* opt.c: the option parser. */
#include "cli/opt.h"

#include "core/xalloc.h"

#include <string.h>

static const struct opt_spec *opt_find(const struct opt_spec *specs, const char *name)
{
	for (; specs && specs->name; specs++)
		if (strcmp(specs->name, name) == 0)
			return specs;
	return NULL;
}

static void opt_push(struct opts *o, const char *name, const char *value)
{
	o->entries = xreallocarray(o->entries, o->n + 1, sizeof(*o->entries));
	o->entries[o->n].name = name;
	o->entries[o->n].value = value;
	o->n++;
}

int opt_parse(int argc, char **argv, const struct opt_spec *specs, int (*extra)(const char *name),
              struct opts *out, struct err *e)
{
	static const struct opt_spec extra_spec = {"", OPT_VALUE, "VALUE", ""};

	memset(out, 0, sizeof(*out));
	out->operands = xcalloc((size_t)argc + 1, sizeof(char *));
	for (int i = 0; i < argc; i++) {
		char *a = argv[i], *eq;
		const char *name;
		const struct opt_spec *s;

		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			out->operands[out->noperands++] = a;
			continue;
		}
		/* --name=value is the same as --name value; argv is ours to split */
		eq = strchr(a, '=');
		if (eq)
			*eq = '\0';
		name = a + 2;
		s = opt_find(specs, name);
		if (s == NULL && extra && extra(name))
			s = &extra_spec;
		if (s == NULL) {
			opt_free(out);
			return err_set(e, ERR_USAGE, "unknown option --%s", name);
		}
		if (s->kind == OPT_FLAG) {
			if (eq) {
				opt_free(out);
				return err_set(e, ERR_USAGE, "option --%s takes no value", name);
			}
			opt_push(out, name, NULL);
			continue;
		}
		if (eq) {
			opt_push(out, name, eq + 1);
			continue;
		}
		if (i + 1 >= argc || (strncmp(argv[i + 1], "--", 2) == 0 && argv[i + 1][2])) {
			opt_free(out);
			return err_set(e, ERR_USAGE, "option --%s needs a value (%s)", name,
			               s->arg);
		}
		opt_push(out, name, argv[++i]);
		if (s->kind == OPT_LIST)
			while (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
				opt_push(out, name, argv[++i]);
	}
	return 0;
}

void opt_free(struct opts *o)
{
	free(o->entries);
	free(o->operands);
	memset(o, 0, sizeof(*o));
}

const char *opt_get(const struct opts *o, const char *name)
{
	const char *v = NULL;

	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->entries[i].name, name) == 0)
			v = o->entries[i].value;
	return v;
}

int opt_has(const struct opts *o, const char *name)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->entries[i].name, name) == 0)
			return 1;
	return 0;
}

const char **opt_list(const struct opts *o, const char *name, size_t *n)
{
	const char **v = xcalloc(o->n + 1, sizeof(char *));

	*n = 0;
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->entries[i].name, name) == 0)
			v[(*n)++] = o->entries[i].value;
	return v;
}
