/* cmd_serve.c: `baken serve`: the web UI, the JSON API and alert delivery. */
#include "cli/commands.h"
#include "web/web.h"

#include <stdlib.h>

const struct opt_spec cmd_serve_opts[] = {
    {"listen", OPT_VALUE, "ADDR:PORT", "where to listen (default 127.0.0.1:8080)"},
    {"tls-cert", OPT_VALUE, "F", "TLS certificate chain (PEM); with --tls-key"},
    {"tls-key", OPT_VALUE, "F", "TLS private key (PEM)"},
    {"deliver-interval", OPT_VALUE, "SECONDS",
     "seconds between alert delivery rounds (default 30; 0: no delivery in this process)"},
    {"threads", OPT_VALUE, "N",
     "event threads answering requests (1-64; default one per core, 2 to 4)"},
    {NULL, 0, NULL, NULL},
};

/* The number of option name (def when it is not given); ERR_USAGE when it is not lo-hi. */
static int cmd_serve_number(struct cli_ctx *c, const char *name, int def, long lo, long hi,
                            int *out)
{
	const char *iv = opt_get(&c->opts, name);
	char *end;
	long n;

	*out = def;
	if (iv == NULL)
		return 0;
	n = strtol(iv, &end, 10);
	if (*iv == '\0' || *end || n < lo || n > hi)
		return err_set(&c->err, ERR_USAGE, "--%s \"%s\": expected %ld to %ld", name, iv, lo,
		               hi);
	*out = (int)n;
	return 0;
}

int cmd_serve(struct cli_ctx *c)
{
	struct web_options o = {c->db_path,
	                        opt_get(&c->opts, "listen"),
	                        opt_get(&c->opts, "tls-cert"),
	                        opt_get(&c->opts, "tls-key"),
	                        30,
	                        NULL,
	                        0};
	int rc;

	if ((rc = cmd_serve_number(c, "deliver-interval", 30, 0, 3600, &o.deliver_interval)) != 0 ||
	    (rc = cmd_serve_number(c, "threads", 0, 1, 64, &o.threads)) != 0)
		return rc;
	return web_serve(&o, &c->err);
}
