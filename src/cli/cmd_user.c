/* cmd_user.c: `baken user ...` and `baken token create`: accounts for the web UI and the API. */
#include "cli/commands.h"
#include "core/buf.h"
#include "model/user.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

const struct opt_spec cmd_user_add_opts[] = {
    {"role", OPT_VALUE, "ROLE", "analyst, coordinator, crisis, constituent, partner or admin"},
    {"org", OPT_VALUE, "ORG", "the organisation the user acts for (constituents, partners)"},
    {"email", OPT_VALUE, "E", "the user's e-mail address"},
    {NULL, 0, NULL, NULL},
};

int cmd_user_add(struct cli_ctx *c)
{
	const char *name, *role;
	int rc;

	if ((rc = cli_operand(c, 0, "NAME", &name)) != 0 ||
	    (rc = cli_required(c, "role", &role)) != 0)
		return rc;
	if (user_role_parse(role, &c->err) == NULL)
		return ERR_USAGE;
	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, user_add(c->db, &c->act, name, role, opt_get(&c->opts, "org"),
	                            opt_get(&c->opts, "email"), &c->err));
	if (rc == 0)
		cli_print_object(c,
		                 json_pack("{s:s, s:s, s:s?}", "name", name, "role",
		                           user_role_parse(role, NULL), "org",
		                           opt_get(&c->opts, "org")),
		                 (const char *const[]){"name", "role", "org", NULL});
	return rc;
}

const struct opt_spec cmd_user_password_opts[] = {{NULL, 0, NULL, NULL}};

/* Reads the password: the first line of stdin, without its line end. */
static int read_password(struct cli_ctx *c, struct buf *pw)
{
	int ch;

	while ((ch = getchar()) != EOF && ch != '\n')
		if (buf_addc(pw, (char)ch) != 0)
			return err_set(&c->err, ERR_INPUT,
			               "the password is too long (over %d bytes)",
			               USER_PASSWORD_MAX);
	if (pw->len && buf_str(pw)[pw->len - 1] == '\r')
		pw->data[--pw->len] = '\0';
	if (pw->len == 0)
		return err_set(&c->err, ERR_INPUT,
		               "no password on stdin (give it as the first line)");
	return 0;
}

int cmd_user_password(struct cli_ctx *c)
{
	struct termios saved;
	struct buf pw;
	const char *name;
	int rc, echo_off = 0;

	buf_init(&pw, USER_PASSWORD_MAX + 1);
	if ((rc = cli_operand(c, 0, "NAME", &name)) != 0)
		return rc;
	/* read before the store is locked: a person may be typing, without echo */
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		struct termios quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		fprintf(stderr, "New password for %s: ", name);
		echo_off = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	rc = read_password(c, &pw);
	if (echo_off) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fputc('\n', stderr);
	}
	if (rc == 0 && (rc = cli_open(c)) == 0)
		rc = cli_finish(c, user_password_set(c->db, &c->act, name, buf_str(&pw), &c->err));
	if (pw.data)
		sodium_memzero(pw.data, pw.cap);
	buf_free(&pw);
	if (rc == 0 && c->json)
		cli_print_json(json_pack("{s:s, s:b}", "name", name, "password", 1));
	return rc;
}

const struct opt_spec cmd_user_list_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_user_list(struct cli_ctx *c)
{
	json_t *rows = NULL;
	int rc;

	if ((rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, user_list(c->db, &rows, &c->err));
	if (rc == 0)
		cli_print_rows(c, rows,
		               (const char *const[]){"name", "role", "org", "email", "password",
		                                     "tokens", NULL});
	return rc;
}

const struct opt_spec cmd_token_create_opts[] = {{NULL, 0, NULL, NULL}};

int cmd_token_create(struct cli_ctx *c)
{
	char token[USER_TOKEN_LEN + 1];
	const char *name;
	int rc;

	if (sodium_init() < 0)
		return err_set(&c->err, ERR_IO, "libsodium cannot start");
	if ((rc = cli_operand(c, 0, "NAME", &name)) != 0 || (rc = cli_open(c)) != 0)
		return rc;
	rc = cli_finish(c, user_token_create(c->db, &c->act, name, token, &c->err));
	if (rc != 0)
		return rc;
	if (c->json)
		cli_print_json(json_pack("{s:s}", "token", token));
	else
		printf("%s\n", token);
	sodium_memzero(token, sizeof(token));
	return 0;
}
