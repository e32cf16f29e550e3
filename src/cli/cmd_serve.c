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
    {NULL, 0, NULL, NULL},
};

/* The delivery interval from --deliver-interval; ERR_USAGE when it is not 0-3600. */
static int cmd_serve_interval(struct cli_ctx *c, int *out)
{
	const char *iv = opt_get(&c->opts, "deliver-interval");
	char *end;
	long n;

	*out = 30;
	if (iv == NULL)
		return 0;
	n = strtol(iv, &end, 10);
	if (*iv == '\0' || *end || n < 0 || n > 3600)
		return err_set(&c->err, ERR_USAGE, "--deliver-interval \"%s\": expected 0 to 3600",
		               iv);
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
	                        NULL};
	int rc;

	if ((rc = cmd_serve_interval(c, &o.deliver_interval)) != 0)
		return rc;
	return web_serve(&o, &c->err);
}
