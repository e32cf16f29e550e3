/* advisory.h: versioned advisories (PREFIX-YYYY-NNNN, versions 1.00, 1.01 ...).
 *
 * An advisory has at most one draft (the next version, still changeable) and any number of
 * published versions, which never change: the store refuses it. `new` writes the draft of
 * 1.00; `update` changes the draft, starting one from the latest published version when there
 * is none; `publish` freezes the draft as the next version. */
#ifndef BAKEN_ADVISORY_H
#define BAKEN_ADVISORY_H

#include "core/err.h"
#include "domain/matrix.h"
#include "model/event.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;

struct advisory_affect {
	char *product; /* vendor:product */
	char *range;   /* canonical vers-style range */
};

struct advisory_fix {
	char *product;
	char *version;
};

/* One version of an advisory, as stored. */
struct advisory_version {
	char id[64];
	int num;       /* 0 is 1.00, 1 is 1.01 */
	int published; /* 0 for the draft */
	char *title, *tlp, *likelihood, *impact, *rationale, *platform, *summary, *description,
	    *solution, *changelog;
	struct matrix matrix;
	int material;
	int64_t created_at, published_at;
	char **cves;
	size_t ncves;
	struct advisory_affect *affects;
	size_t naffects;
	struct advisory_fix *fixed;
	size_t nfixed;
	char **refs;
	size_t nrefs;
	char **to; /* organisations addressed beyond those affected */
	size_t nto;
};

/* What `advisory new` and `update` were given; NULL or 0 is "not given". */
struct advisory_input {
	const char *title, *tlp, *platform, *summary, *description, *solution, *change;
	const char *likelihood, *impact, *rationale;
	const char *disclosed, *reported_to_vendor; /* dates for the vulnerability records */
	struct matrix matrix;                       /* answers given (-1 = not given) */
	const char **cves, **affects, **fixed, **refs, **to;
	size_t ncves, naffects, nfixed, nrefs, nto;
};

/* "1.00" for num 0, "1.01" for 1 ... into out (at least 8 bytes). */
void advisory_version_label(int num, char *out, size_t outsz);
/* The num of a label such as "1.01"; ERR_INPUT naming the label otherwise. */
int advisory_version_parse(const char *label, int *num, struct err *e);

/* Writes a new advisory as a draft; its ID (prefix from config, year of act->at) goes to id. */
int advisory_new(struct db *db, const struct act *act, const struct advisory_input *in, char *id,
                 size_t idsz, struct err *e);
/* Changes the draft (in->change is required); *num gets the draft's number. */
int advisory_update(struct db *db, const struct act *act, const char *id,
                    const struct advisory_input *in, int *num, struct err *e);
/* Publishes the draft as the next version; *num gets its number, *material whether it changes
 * something constituents must act on (first version, raised levels, wider ranges, raised
 * exploit status, new fixes or solution). force/silent override that, and are logged. */
int advisory_publish(struct db *db, const struct act *act, const char *id, int silent, int force,
                     int *num, int *material, struct err *e);

/* Whether publishing draft (a version not yet published) would be a material change, as
 * advisory_publish decides it without --silent or --force-alert: 1 for 1.00, else compared
 * with the version before it. Reads only. */
int advisory_draft_material(struct db *db, const struct advisory_version *draft, int *material,
                            struct err *e);

/* Loads a version: label NULL means the latest published one, or the draft when none is;
 * draft 1 means the draft when there is one (what `affected` and `update` work on). */
int advisory_load(struct db *db, const char *id, const char *label, int draft,
                  struct advisory_version *v, struct err *e);
void advisory_version_free(struct advisory_version *v);

/* The whole record of one version as JSON (with the version history). */
int advisory_to_json(struct db *db, const struct advisory_version *v, json_t **out, struct err *e);
/* One row per advisory: id, version, state, classification, tlp, title, date. */
int advisory_list(struct db *db, json_t **out, struct err *e);
/* Every inventory row in an affected range of the version (and not at a fixed version), with
 * the organisation's name and kind. */
int advisory_affected(struct db *db, const struct advisory_version *v, json_t **out, struct err *e);
/* The same rows of one organisation only (org NULL: of every one), read by its key. */
int advisory_affected_org(struct db *db, const struct advisory_version *v, const char *org,
                          json_t **out, struct err *e);

#endif
