/* cmd_demo.c: `baken demo`: a fresh database with both seed cases, a user of every role, and
 * the web server on it. */
#include "cli/commands.h"
#include "core/buf.h"
#include "db/db.h"
#include "model/demo.h"
#include "model/user.h"
#include "web/web.h"

#include <sodium.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

const struct opt_spec cmd_demo_opts[] = {
    {"listen", OPT_VALUE, "ADDR:PORT", "where to serve it (default 127.0.0.1:8080)"},
    {"no-serve", OPT_FLAG, NULL, "only create the database and print what it holds"},
    {NULL, 0, NULL, NULL},
};

/* One user of every role, acting for organisations of the demo. */
static const struct {
	const char *name, *role, *org, *email;
} demo_users[] = {
    {"analist", "analyst", NULL, "analist@csirt.example"},
    {"cio-rijk", "coordinator", NULL, "cio@rijk.example"},
    {"nctv", "crisis", NULL, "crisis@nctv.example"},
    {"ciso-dji", "constituent", "jenv-dji", "soc@dji.example"},
    {"ciso-gemeente", "constituent", "gemeente-oost", "ciso@oostdam.example"},
    {"z-cert", "partner", "z-cert", "meldingen@z-cert.example"},
    {"beheer", "admin", NULL, "beheer@csirt.example"},
};
#define NDEMO_USERS (sizeof(demo_users) / sizeof(demo_users[0]))

/* Removes the database at path (and its WAL files), but only when it is a demo itself:
 * a fresh demo must never cost real data. */
static int demo_remove_old(struct cli_ctx *c)
{
	char side[4096];
	struct stat sb;
	int64_t demo = 0;
	struct db *old;
	int rc;

	if (stat(c->db_path, &sb) != 0)
		return 0;
	rc = db_open(c->db_path, 0, &old, &c->err);
	if (rc == 0) {
		rc = db_query_int(old, "SELECT count(*) FROM events WHERE action = 'demo.load'",
		                  NULL, &demo, &c->err);
		db_close(old);
	}
	if (rc != 0 || demo == 0)
		return err_set(&c->err, ERR_CONFLICT,
		               "%s holds a database that is not a demo; give another --db path",
		               c->db_path);
	unlink(c->db_path);
	snprintf(side, sizeof(side), "%s-wal", c->db_path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", c->db_path);
	unlink(side);
	return 0;
}

/* Adds the demo users with fresh random passwords, listed in logins. */
static int demo_users_add(struct cli_ctx *c, struct buf *logins)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < NDEMO_USERS; i++) {
		char pw[17];

		user_random_text(pw, 16);
		rc = user_add(c->db, &c->act, demo_users[i].name, demo_users[i].role,
		              demo_users[i].org, demo_users[i].email, &c->err);
		if (rc == 0)
			rc = user_password_set(c->db, &c->act, demo_users[i].name, pw, &c->err);
		if (rc == 0)
			buf_printf(logins, "  %-14s %-17s %-12s %s\n", demo_users[i].name, pw,
			           demo_users[i].role, demo_users[i].org ? demo_users[i].org : "");
		sodium_memzero(pw, sizeof(pw));
	}
	return rc;
}

int cmd_demo(struct cli_ctx *c)
{
	struct web_options o = {c->db_path, opt_get(&c->opts, "listen"), NULL, NULL, 0, NULL, 0};
	char addr[128]; /* room for a struct sockaddr_in6 */
	unsigned alen;
	struct buf logins;
	int rc;

	if (sodium_init() < 0)
		return err_set(&c->err, ERR_IO, "libsodium cannot start");
	/* a bad --listen is refused before anything is written */
	if (!opt_has(&c->opts, "no-serve") &&
	    (rc = web_parse_listen(o.listen, addr, &alen, &c->err)) != 0)
		return rc;
	if ((rc = demo_remove_old(c)) != 0)
		return rc;
	if ((rc = db_open(c->db_path, 1, &c->db, &c->err)) != 0)
		return rc;
	if ((rc = db_begin(c->db, &c->err)) != 0)
		return rc;
	buf_init(&logins, BUF_MAX_DEFAULT);
	rc = demo_load(c->db, c->act.actor, &c->err);
	if (rc == 0)
		rc = demo_users_add(c, &logins);
	rc = cli_finish(c, rc);
	if (rc == 0)
		rc = demo_show(c->db, stdout, &c->err);
	if (rc == 0) {
		printf("\nUsers (passwords are shown this once):\n  %-14s %-17s %-12s %s\n%s",
		       "NAME", "PASSWORD", "ROLE", "ORGANISATION", buf_str(&logins));
		fflush(stdout);
	}
	buf_free(&logins);
	if (rc != 0 || opt_has(&c->opts, "no-serve"))
		return rc;
	db_close(c->db);
	c->db = NULL;
	{
		char banner[256];
		snprintf(banner, sizeof(banner), "\nServing on http://%s/ (Ctrl-C stops)\n",
		         o.listen ? o.listen : "127.0.0.1:8080");
		o.banner = banner;
		return web_serve(&o, &c->err);
	}
}
