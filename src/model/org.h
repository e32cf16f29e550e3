/* org.h: organisations (a tree of ministries and their agencies, vital providers, partners),
 * their contacts and their netblocks. */
#ifndef BAKEN_ORG_H
#define BAKEN_ORG_H

#include "core/err.h"
#include "model/event.h"

#include <jansson.h>

struct db;

struct org_fields {
	const char *id, *name, *kind, *parent, *sector;
};

struct contact_fields {
	const char *org, *name, *role, *email, *phone;
	int always_on;           /* reachable 24/7 */
	const char *webhook_url; /* alerts as signed JSON POSTs; may be NULL */
};

/* The canonical kind ("ministry", "agency", "vital", "partner", "other") for s in any case;
 * NULL and an error naming the allowed kinds when s is none of them. */
const char *org_kind_parse(const char *s, struct err *e);
/* An organisation id: 1-64 of [a-z0-9._-], starting with a letter or digit. */
int org_id_check(const char *id, struct err *e);
/* ERR_NOTFOUND ("unknown organisation 'x'") unless id is registered. */
int org_require(struct db *db, const char *id, struct err *e);
/* Replaces the organisation id in cur (cursz bytes) with the id of its parent: "" when it has
 * none or is not registered. For walks up the tree; 0 or ERR_DB. */
int org_parent_step(struct db *db, char *cur, size_t cursz, struct err *e);

/* Registers a new organisation; ERR_CONFLICT if the id is taken. */
int org_add(struct db *db, const struct act *act, const struct org_fields *f, struct err *e);
/* Adds or changes (by name within the organisation) a contact. */
int org_contact_set(struct db *db, const struct act *act, const struct contact_fields *f,
                    struct err *e);
/* Registers a netblock (IPv4 or IPv6 CIDR); ERR_CONFLICT when another organisation has it. */
int org_netblock_add(struct db *db, const struct act *act, const char *org, const char *cidr,
                     struct err *e);
/* The organisation's contacts with their ids: a JSON array of {id, name, role, email, phone,
 * 24x7, webhook}. ERR_NOTFOUND for an unknown organisation. */
int org_contact_list(struct db *db, const char *org, json_t **out, struct err *e);
/* Sets every field of contact id of f->org as given (an empty or NULL role, e-mail, phone or
 * webhook clears it) and logs org.contact. ERR_NOTFOUND when f->org has no contact id (another
 * organisation's contact included); ERR_CONFLICT when another of its contacts has the name. */
int org_contact_update(struct db *db, const struct act *act, long id,
                       const struct contact_fields *f, struct err *e);
/* Removes contact id of org and logs org.contact.remove; ERR_NOTFOUND as above. Alerts made
 * for it keep the address they were made with. */
int org_contact_remove(struct db *db, const struct act *act, const char *org, long id,
                       struct err *e);
/* Removes the netblock (any spelling of the CIDR) of org, logs org.netblock.remove, and maps
 * the systems seen in it again (scan_netblock_changed); ERR_NOTFOUND when org has no such
 * netblock (another organisation's included). */
int org_netblock_remove(struct db *db, const struct act *act, const char *org, const char *cidr,
                        struct err *e);
/* Imports organisations (with contacts and netblocks in JSON) from a CSV or JSON file; an
 * existing id is updated. All or nothing is the caller's transaction; *count gets the number
 * of organisations read. */
int org_import(struct db *db, const struct act *act, const char *path, int *count, struct err *e);

/* A JSON array of organisations (id, name, kind, parent, sector and counts), kind may be NULL. */
int org_list(struct db *db, const char *kind, json_t **out, struct err *e);
/* One organisation with its contacts, netblocks, inventory and children. */
int org_show(struct db *db, const char *id, json_t **out, struct err *e);

#endif
