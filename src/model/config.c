/* config.c: settings in the store. */
#include "model/config.h"
#include "model/deadline.h"

#include "core/xalloc.h"
#include "db/db.h"

#include <ctype.h>
#include <string.h>

struct config_key {
	const char *key;
	int secret;
	const char *help;
};

static const struct config_key config_keys[] = {
    {"prefix", 0, "advisory ID prefix (NCSC-2019-0353)"},
    {"site.url", 0, "base of every absolute URL"},
    {"site.name", 0, "the CSIRT's name on pages and in mails"},
    {"smtp.url", 0, "mail server, e.g. smtp://127.0.0.1:25"},
    {"smtp.from", 0, "sender address of alerts"},
    {"smtp.user", 0, "SMTP user name"},
    {"smtp.password", 1, "SMTP password"},
    {"signing.key", 0, "OpenPGP key fingerprint used to sign advisories"},
    {"smtp.connections", 0, "connections used at once to send alerts (1-32, default 4)"},
    {"alert.max_attempts", 0, "delivery attempts before an alert is failed (default 6)"},
    {"webhook.timeout", 0, "seconds a webhook receiver may take (default 10)"},
    {"webhook.allow_private", 0,
     "yes: webhooks may go to loopback and private addresses (default no: refused)"},
    {"alert.lease", 0,
     "seconds a worker's claim holds when its death cannot be seen (default 300)"},
    {"ack.secret", 1, "key of the acknowledgement links (made when first needed)"},
    {"scan.quiet_days", 0,
     "days before an address reported from a scan is reported again (default 7)"},
    {"scan.fixed_after", 0,
     "a scanned system counts as fixed when not seen in this many scans of its source (default 3)"},
    {"deadline.ministry", 0, "BIO clock of ministries: bio2019 (7d, default), bio2, 5bd, off ..."},
    {"deadline.agency", 0, "BIO clock of agencies (default bio2019)"},
    {"deadline.vital", 0, "BIO clock of vital providers (default off)"},
    {"deadline.partner", 0, "BIO clock of partners (default off)"},
    {"deadline.other", 0, "BIO clock of other organisations (default off)"},
    {"deadline.remind_before", 0, "days before the due time the reminders start (default 2)"},
    {"deadline.remind_every", 0, "days between reminders (default 1)"},
    {"deadline.coordinator", 0, "organisation overdue clocks are escalated to (the CIO office)"},
    {"followup.coordinators", 0, "actors who may ask for and review follow-up (comma-separated)"},
    {"web.upload_max", 0,
     "bytes a file upload to the API may hold (POST /api/v1/scans/import; default 1073741824,"
     " 1 GiB)"},
    {NULL, 0, NULL},
};

static const struct config_key *config_find(const char *key)
{
	for (const struct config_key *k = config_keys; k->key; k++)
		if (strcmp(k->key, key) == 0)
			return k;
	return NULL;
}

char *config_get(struct db *db, const char *key, const char *def)
{
	struct db_stmt *st;
	char *v = NULL;

	if (db_prepare(db, "SELECT value FROM config WHERE key = ?1", &st, NULL) == 0) {
		db_bind_text(st, 1, key);
		if (db_step(st, NULL) == DB_ROW)
			v = xstrdup(db_col_text(st, 0));
		db_done(st);
	}
	if (v == NULL && def)
		v = xstrdup(def);
	return v;
}

static int prefix_check(const char *v, struct err *e)
{
	size_t n = strlen(v);

	for (size_t i = 0; i < n; i++)
		if (!isupper((unsigned char)v[i]) && !isdigit((unsigned char)v[i]))
			n = 0;
	if (n == 0 || n > 16)
		return err_set(
		    e, ERR_INPUT,
		    "bad prefix \"%s\": expected 1-16 capital letters or digits, e.g. NCSC", v);
	return 0;
}

static int number_check(const char *key, const char *v, long lo, long hi, struct err *e)
{
	long n = 0;

	for (const char *p = v; *p; p++) {
		if (!isdigit((unsigned char)*p) || n > hi) {
			n = hi + 1;
			break;
		}
		n = n * 10 + (*p - '0');
	}
	if (*v == '\0' || n < lo || n > hi)
		return err_set(e, ERR_INPUT, "%s \"%s\": expected a whole number from %ld to %ld",
		               key, v, lo, hi);
	return 0;
}

long config_get_long(struct db *db, const char *key, long def)
{
	char *v = config_get(db, key, NULL);
	long n = 0;

	if (v == NULL || number_check(key, v, 0, 1000000, NULL) != 0) {
		free(v);
		return def;
	}
	for (const char *p = v; *p; p++)
		n = n * 10 + (*p - '0');
	free(v);
	return n;
}

int config_set(struct db *db, const struct act *act, const char *key, const char *value,
               struct err *e)
{
	const struct config_key *k = config_find(key);
	struct db_stmt *st;
	char object[96];
	int rc;

	if (k == NULL) {
		char known[512] = "";
		for (const struct config_key *x = config_keys; x->key; x++) {
			strncat(known, x->key, sizeof(known) - strlen(known) - 3);
			if (x[1].key)
				strncat(known, ", ", sizeof(known) - strlen(known) - 1);
		}
		return err_set(e, ERR_INPUT, "unknown setting \"%s\": known are %s", key, known);
	}
	if (strcmp(key, "prefix") == 0 && (rc = prefix_check(value, e)) != 0)
		return rc;
	if ((rc = deadline_config_check(db, key, value, e)) != 0)
		return rc;
	if ((strcmp(key, "scan.quiet_days") == 0 || strcmp(key, "scan.fixed_after") == 0) &&
	    (rc = number_check(key, value, strcmp(key, "scan.quiet_days") == 0 ? 0 : 1, 3650, e)) !=
	        0)
		return rc;
	if ((strcmp(key, "smtp.connections") == 0 || strcmp(key, "alert.max_attempts") == 0 ||
	     strcmp(key, "webhook.timeout") == 0) &&
	    (rc = number_check(key, value, 1, strcmp(key, "smtp.connections") == 0 ? 32 : 100,
	                       e)) != 0)
		return rc;
	if (strcmp(key, "webhook.allow_private") == 0 && strcmp(value, "yes") != 0 &&
	    strcmp(value, "no") != 0)
		return err_set(e, ERR_INPUT, "webhook.allow_private \"%s\": expected yes or no",
		               value);
	if (strcmp(key, "alert.lease") == 0 && (rc = number_check(key, value, 10, 86400, e)) != 0)
		return rc;
	/* 1 KiB to 1 TiB, in bytes */
	if (strcmp(key, "web.upload_max") == 0 &&
	    (rc = number_check(key, value, 1024, 1099511627776L, e)) != 0)
		return rc;
	if (strcmp(key, "site.url") == 0 && strncmp(value, "http://", 7) != 0 &&
	    strncmp(value, "https://", 8) != 0)
		return err_set(e, ERR_INPUT, "site.url \"%s\": expected an http:// or https:// URL",
		               value);
	rc = db_prepare(db,
	                "INSERT INTO config (key, value) VALUES (?1, ?2)"
	                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	                &st, e);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, value);
	rc = db_step(st, e);
	db_done(st);
	if (rc < 0)
		return rc;
	snprintf(object, sizeof(object), "config:%s", key);
	rc = event_append(db, act, "config.set", object,
	                  json_pack("{s:s}", "value", k->secret ? "(secret)" : value), e);
	/* a rule turned on for a kind starts its clocks */
	if (rc == 0 && strncmp(key, "deadline.", 9) == 0)
		rc = deadline_sync(db, NULL, NULL, e);
	return rc;
}

int config_list(struct db *db, json_t **out, struct err *e)
{
	*out = json_array();
	for (const struct config_key *k = config_keys; k->key; k++) {
		char *v = config_get(db, k->key, NULL);

		json_array_append_new(*out,
		                      json_pack("{s:s, s:s?, s:s}", "key", k->key, "value",
		                                v && k->secret ? "(set)" : v, "help", k->help));
		free(v);
	}
	(void)e;
	return 0;
}
