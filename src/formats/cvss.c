/* cvss.c: CVSS v2 and v3.x vectors and scores (FIRST's specifications, sections "Equations"
 * and "Rounding"). Each metric is one row of a table: its abbreviation in the vector, its
 * property name in CSAF (the JSON schemas of FIRST), its values and weights. */
#include "formats/cvss.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

struct cvss_value {
	const char *abbr; /* in the vector: "N" */
	const char *name; /* in JSON: "NETWORK" */
	double w;         /* weight; for PR the weight when scope is unchanged */
	double w_changed; /* PR only: the weight when scope is changed */
};

#define CVSS_MAX_VALUES 6

struct cvss_metric {
	const char *abbr;
	const char *prop;
	int base;     /* required in the vector */
	int modifies; /* environmental "M..." metric: index of the base metric it modifies, +1 */
	struct cvss_value v[CVSS_MAX_VALUES];
};

enum {
	V3_AV,
	V3_AC,
	V3_PR,
	V3_UI,
	V3_S,
	V3_C,
	V3_I,
	V3_A,
	V3_E,
	V3_RL,
	V3_RC,
	V3_CR,
	V3_IR,
	V3_AR,
	V3_MAV,
	V3_MAC,
	V3_MPR,
	V3_MUI,
	V3_MS,
	V3_MC,
	V3_MI,
	V3_MA,
	V3_N
};

#define ND                                                                                         \
	{                                                                                          \
		"X", "NOT_DEFINED", 1, 1                                                           \
	}

static const struct cvss_metric v3_metrics[V3_N] = {
    [V3_AV] = {"AV",
               "attackVector",
               1,
               0,
               {{"N", "NETWORK", 0.85, 0},
                {"A", "ADJACENT_NETWORK", 0.62, 0},
                {"L", "LOCAL", 0.55, 0},
                {"P", "PHYSICAL", 0.2, 0}}},
    [V3_AC] = {"AC", "attackComplexity", 1, 0, {{"L", "LOW", 0.77, 0}, {"H", "HIGH", 0.44, 0}}},
    [V3_PR] = {"PR",
               "privilegesRequired",
               1,
               0,
               {{"N", "NONE", 0.85, 0.85}, {"L", "LOW", 0.62, 0.68}, {"H", "HIGH", 0.27, 0.5}}},
    [V3_UI] = {"UI", "userInteraction", 1, 0, {{"N", "NONE", 0.85, 0}, {"R", "REQUIRED", 0.62, 0}}},
    [V3_S] = {"S", "scope", 1, 0, {{"U", "UNCHANGED", 0, 0}, {"C", "CHANGED", 1, 0}}},
    [V3_C] = {"C",
              "confidentialityImpact",
              1,
              0,
              {{"H", "HIGH", 0.56, 0}, {"L", "LOW", 0.22, 0}, {"N", "NONE", 0, 0}}},
    [V3_I] = {"I",
              "integrityImpact",
              1,
              0,
              {{"H", "HIGH", 0.56, 0}, {"L", "LOW", 0.22, 0}, {"N", "NONE", 0, 0}}},
    [V3_A] = {"A",
              "availabilityImpact",
              1,
              0,
              {{"H", "HIGH", 0.56, 0}, {"L", "LOW", 0.22, 0}, {"N", "NONE", 0, 0}}},
    [V3_E] = {"E",
              "exploitCodeMaturity",
              0,
              0,
              {ND,
               {"H", "HIGH", 1, 0},
               {"F", "FUNCTIONAL", 0.97, 0},
               {"P", "PROOF_OF_CONCEPT", 0.94, 0},
               {"U", "UNPROVEN", 0.91, 0}}},
    [V3_RL] = {"RL",
               "remediationLevel",
               0,
               0,
               {ND,
                {"U", "UNAVAILABLE", 1, 0},
                {"W", "WORKAROUND", 0.97, 0},
                {"T", "TEMPORARY_FIX", 0.96, 0},
                {"O", "OFFICIAL_FIX", 0.95, 0}}},
    [V3_RC] =
        {"RC",
         "reportConfidence",
         0,
         0,
         {ND, {"C", "CONFIRMED", 1, 0}, {"R", "REASONABLE", 0.96, 0}, {"U", "UNKNOWN", 0.92, 0}}},
    [V3_CR] = {"CR",
               "confidentialityRequirement",
               0,
               0,
               {ND, {"H", "HIGH", 1.5, 0}, {"M", "MEDIUM", 1, 0}, {"L", "LOW", 0.5, 0}}},
    [V3_IR] = {"IR",
               "integrityRequirement",
               0,
               0,
               {ND, {"H", "HIGH", 1.5, 0}, {"M", "MEDIUM", 1, 0}, {"L", "LOW", 0.5, 0}}},
    [V3_AR] = {"AR",
               "availabilityRequirement",
               0,
               0,
               {ND, {"H", "HIGH", 1.5, 0}, {"M", "MEDIUM", 1, 0}, {"L", "LOW", 0.5, 0}}},
    [V3_MAV] = {"MAV",
                "modifiedAttackVector",
                0,
                V3_AV + 1,
                {ND,
                 {"N", "NETWORK", 0.85, 0},
                 {"A", "ADJACENT_NETWORK", 0.62, 0},
                 {"L", "LOCAL", 0.55, 0},
                 {"P", "PHYSICAL", 0.2, 0}}},
    [V3_MAC] = {"MAC",
                "modifiedAttackComplexity",
                0,
                V3_AC + 1,
                {ND, {"L", "LOW", 0.77, 0}, {"H", "HIGH", 0.44, 0}}},
    [V3_MPR] =
        {"MPR",
         "modifiedPrivilegesRequired",
         0,
         V3_PR + 1,
         {ND, {"N", "NONE", 0.85, 0.85}, {"L", "LOW", 0.62, 0.68}, {"H", "HIGH", 0.27, 0.5}}},
    [V3_MUI] = {"MUI",
                "modifiedUserInteraction",
                0,
                V3_UI + 1,
                {ND, {"N", "NONE", 0.85, 0}, {"R", "REQUIRED", 0.62, 0}}},
    [V3_MS] = {"MS",
               "modifiedScope",
               0,
               V3_S + 1,
               {ND, {"U", "UNCHANGED", 0, 0}, {"C", "CHANGED", 1, 0}}},
    [V3_MC] = {"MC",
               "modifiedConfidentialityImpact",
               0,
               V3_C + 1,
               {ND, {"H", "HIGH", 0.56, 0}, {"L", "LOW", 0.22, 0}, {"N", "NONE", 0, 0}}},
    [V3_MI] = {"MI",
               "modifiedIntegrityImpact",
               0,
               V3_I + 1,
               {ND, {"H", "HIGH", 0.56, 0}, {"L", "LOW", 0.22, 0}, {"N", "NONE", 0, 0}}},
    [V3_MA] = {"MA",
               "modifiedAvailabilityImpact",
               0,
               V3_A + 1,
               {ND, {"H", "HIGH", 0.56, 0}, {"L", "LOW", 0.22, 0}, {"N", "NONE", 0, 0}}},
};

enum {
	V2_AV,
	V2_AC,
	V2_AU,
	V2_C,
	V2_I,
	V2_A,
	V2_E,
	V2_RL,
	V2_RC,
	V2_CDP,
	V2_TD,
	V2_CR,
	V2_IR,
	V2_AR,
	V2_N
};

#define ND2                                                                                        \
	{                                                                                          \
		"ND", "NOT_DEFINED", 1, 0                                                          \
	}

static const struct cvss_metric v2_metrics[V2_N] = {
    [V2_AV] = {"AV",
               "accessVector",
               1,
               0,
               {{"L", "LOCAL", 0.395, 0},
                {"A", "ADJACENT_NETWORK", 0.646, 0},
                {"N", "NETWORK", 1.0, 0}}},
    [V2_AC] = {"AC",
               "accessComplexity",
               1,
               0,
               {{"H", "HIGH", 0.35, 0}, {"M", "MEDIUM", 0.61, 0}, {"L", "LOW", 0.71, 0}}},
    [V2_AU] = {"Au",
               "authentication",
               1,
               0,
               {{"M", "MULTIPLE", 0.45, 0}, {"S", "SINGLE", 0.56, 0}, {"N", "NONE", 0.704, 0}}},
    [V2_C] = {"C",
              "confidentialityImpact",
              1,
              0,
              {{"N", "NONE", 0, 0}, {"P", "PARTIAL", 0.275, 0}, {"C", "COMPLETE", 0.66, 0}}},
    [V2_I] = {"I",
              "integrityImpact",
              1,
              0,
              {{"N", "NONE", 0, 0}, {"P", "PARTIAL", 0.275, 0}, {"C", "COMPLETE", 0.66, 0}}},
    [V2_A] = {"A",
              "availabilityImpact",
              1,
              0,
              {{"N", "NONE", 0, 0}, {"P", "PARTIAL", 0.275, 0}, {"C", "COMPLETE", 0.66, 0}}},
    [V2_E] = {"E",
              "exploitability",
              0,
              0,
              {ND2,
               {"U", "UNPROVEN", 0.85, 0},
               {"POC", "PROOF_OF_CONCEPT", 0.9, 0},
               {"F", "FUNCTIONAL", 0.95, 0},
               {"H", "HIGH", 1, 0}}},
    [V2_RL] = {"RL",
               "remediationLevel",
               0,
               0,
               {ND2,
                {"OF", "OFFICIAL_FIX", 0.87, 0},
                {"TF", "TEMPORARY_FIX", 0.9, 0},
                {"W", "WORKAROUND", 0.95, 0},
                {"U", "UNAVAILABLE", 1, 0}}},
    [V2_RC] = {"RC",
               "reportConfidence",
               0,
               0,
               {ND2,
                {"UC", "UNCONFIRMED", 0.9, 0},
                {"UR", "UNCORROBORATED", 0.95, 0},
                {"C", "CONFIRMED", 1, 0}}},
    [V2_CDP] = {"CDP",
                "collateralDamagePotential",
                0,
                0,
                {ND2,
                 {"N", "NONE", 0, 0},
                 {"L", "LOW", 0.1, 0},
                 {"LM", "LOW_MEDIUM", 0.3, 0},
                 {"MH", "MEDIUM_HIGH", 0.4, 0},
                 {"H", "HIGH", 0.5, 0}}},
    [V2_TD] = {"TD",
               "targetDistribution",
               0,
               0,
               {ND2,
                {"N", "NONE", 0, 0},
                {"L", "LOW", 0.25, 0},
                {"M", "MEDIUM", 0.75, 0},
                {"H", "HIGH", 1, 0}}},
    [V2_CR] = {"CR",
               "confidentialityRequirement",
               0,
               0,
               {ND2, {"L", "LOW", 0.5, 0}, {"M", "MEDIUM", 1, 0}, {"H", "HIGH", 1.51, 0}}},
    [V2_IR] = {"IR",
               "integrityRequirement",
               0,
               0,
               {ND2, {"L", "LOW", 0.5, 0}, {"M", "MEDIUM", 1, 0}, {"H", "HIGH", 1.51, 0}}},
    [V2_AR] = {"AR",
               "availabilityRequirement",
               0,
               0,
               {ND2, {"L", "LOW", 0.5, 0}, {"M", "MEDIUM", 1, 0}, {"H", "HIGH", 1.51, 0}}},
};

/* A parsed vector: for each metric the index of its value, or -1 when not in the vector. */
struct cvss_vec {
	int v3;
	int minor; /* 3.0 or 3.1: 0 or 1 */
	int val[(int)V3_N > (int)V2_N ? (int)V3_N : (int)V2_N];
};

static const struct cvss_metric *cvss_table(int v3, int *n)
{
	*n = v3 ? V3_N : V2_N;
	return v3 ? v3_metrics : v2_metrics;
}

static int cvss_parse(const char *vector, int v3, struct cvss_vec *out, struct err *e)
{
	const struct cvss_metric *t;
	const char *p = vector;
	int n;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(out->val) / sizeof(out->val[0]); i++)
		out->val[i] = -1;
	out->v3 = v3;
	t = cvss_table(v3, &n);
	if (v3) {
		if (strncmp(p, "CVSS:3.0/", 9) == 0)
			out->minor = 0;
		else if (strncmp(p, "CVSS:3.1/", 9) == 0)
			out->minor = 1;
		else
			return err_set(
			    e, ERR_INPUT,
			    "vector \"%.80s\" does not start with CVSS:3.0/ or CVSS:3.1/", vector);
		p += 9;
	}
	while (*p) {
		const char *colon = strchr(p, ':'), *end = strchr(p, '/');
		int m, k;

		if (end == NULL)
			end = p + strlen(p);
		if (colon == NULL || colon > end)
			return err_set(e, ERR_INPUT, "vector \"%.80s\": bad metric \"%.*s\"",
			               vector, (int)(end - p), p);
		for (m = 0; m < n; m++)
			if (strlen(t[m].abbr) == (size_t)(colon - p) &&
			    strncmp(t[m].abbr, p, (size_t)(colon - p)) == 0)
				break;
		if (m == n)
			return err_set(e, ERR_INPUT, "vector \"%.80s\": unknown metric \"%.*s\"",
			               vector, (int)(colon - p), p);
		if (out->val[m] >= 0)
			return err_set(e, ERR_INPUT, "vector \"%.80s\": metric %s twice", vector,
			               t[m].abbr);
		for (k = 0; k < CVSS_MAX_VALUES && t[m].v[k].abbr; k++)
			if (strlen(t[m].v[k].abbr) == (size_t)(end - colon - 1) &&
			    strncmp(t[m].v[k].abbr, colon + 1, (size_t)(end - colon - 1)) == 0)
				break;
		if (k == CVSS_MAX_VALUES || t[m].v[k].abbr == NULL)
			return err_set(e, ERR_INPUT, "vector \"%.80s\": bad value for %s", vector,
			               t[m].abbr);
		out->val[m] = k;
		p = *end ? end + 1 : end;
	}
	for (int m = 0; m < n; m++)
		if (t[m].base && out->val[m] < 0)
			return err_set(e, ERR_INPUT, "vector \"%.80s\" lacks the base metric %s",
			               vector, t[m].abbr);
	return 0;
}

/* The weight of metric m; a metric not in the vector counts as "not defined" (its first
 * value). */
static double w3(const struct cvss_vec *v, int m)
{
	int k = v->val[m] < 0 ? 0 : v->val[m];

	return v3_metrics[m].v[k].w;
}

/* v3 modified metric m: its own value, or the base metric's when not defined. */
static int m3_index(const struct cvss_vec *v, int m, int *base)
{
	*base = v->val[m] <= 0; /* absent or X */
	return *base ? v->val[v3_metrics[m].modifies - 1] : v->val[m];
}

/* The weight of modified metric m (not PR): its own, or its base metric's when not defined. */
static double mw3(const struct cvss_vec *v, int m)
{
	int b, k = m3_index(v, m, &b);

	return b ? v3_metrics[v3_metrics[m].modifies - 1].v[k].w : v3_metrics[m].v[k].w;
}

static double roundup3(double x, int minor)
{
	if (minor == 0)
		return ceil(x * 10 - 1e-9) / 10.0;
	{
		long i = lround(x * 100000);
		if (i % 10000 == 0)
			return (double)i / 100000.0;
		return (floor((double)i / 10000) + 1) / 10.0;
	}
}

static double round1(double x)
{
	return round(x * 10) / 10.0;
}

static void v3_scores(const struct cvss_vec *v, double *base, double *temporal, double *env)
{
	int changed = v->val[V3_S] == 1, mchanged, b, k;
	double iss, impact, expl, pr, miss, mimpact, mexpl, mpr, f;

	pr = changed ? v3_metrics[V3_PR].v[v->val[V3_PR]].w_changed
	             : v3_metrics[V3_PR].v[v->val[V3_PR]].w;
	iss = 1 - (1 - w3(v, V3_C)) * (1 - w3(v, V3_I)) * (1 - w3(v, V3_A));
	impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss;
	expl = 8.22 * w3(v, V3_AV) * w3(v, V3_AC) * pr * w3(v, V3_UI);
	if (impact <= 0)
		*base = 0;
	else if (changed)
		*base = roundup3(fmin(1.08 * (impact + expl), 10), v->minor);
	else
		*base = roundup3(fmin(impact + expl, 10), v->minor);
	f = w3(v, V3_E) * w3(v, V3_RL) * w3(v, V3_RC);
	*temporal = roundup3(*base * f, v->minor);

	/* environmental: the modified metrics, each the base value when not defined */
	k = m3_index(v, V3_MS, &b);
	mchanged = b ? changed : k == 2;
	miss = fmin(1 - (1 - w3(v, V3_CR) * mw3(v, V3_MC)) * (1 - w3(v, V3_IR) * mw3(v, V3_MI)) *
	                    (1 - w3(v, V3_AR) * mw3(v, V3_MA)),
	            0.915);
	k = m3_index(v, V3_MPR, &b);
	mpr = b ? (mchanged ? v3_metrics[V3_PR].v[k].w_changed : v3_metrics[V3_PR].v[k].w)
	        : (mchanged ? v3_metrics[V3_MPR].v[k].w_changed : v3_metrics[V3_MPR].v[k].w);
	mexpl = 8.22 * mw3(v, V3_MAV) * mw3(v, V3_MAC) * mpr * mw3(v, V3_MUI);
	if (mchanged)
		mimpact = v->minor ? 7.52 * (miss - 0.029) - 3.25 * pow(miss * 0.9731 - 0.02, 13)
		                   : 7.52 * (miss - 0.029) - 3.25 * pow(miss - 0.02, 15);
	else
		mimpact = 6.42 * miss;
	if (mimpact <= 0)
		*env = 0;
	else if (mchanged)
		*env =
		    roundup3(roundup3(fmin(1.08 * (mimpact + mexpl), 10), v->minor) * f, v->minor);
	else
		*env = roundup3(roundup3(fmin(mimpact + mexpl, 10), v->minor) * f, v->minor);
}

static double w2(const struct cvss_vec *v, int m)
{
	int k = v->val[m] < 0 ? 0 : v->val[m];

	return v2_metrics[m].v[k].w;
}

static void v2_scores(const struct cvss_vec *v, double *base, double *temporal)
{
	double impact = 10.41 * (1 - (1 - w2(v, V2_C)) * (1 - w2(v, V2_I)) * (1 - w2(v, V2_A)));
	double expl = 20 * w2(v, V2_AV) * w2(v, V2_AC) * w2(v, V2_AU);

	*base = round1(((0.6 * impact) + (0.4 * expl) - 1.5) * (impact == 0 ? 0 : 1.176));
	*temporal = round1(*base * w2(v, V2_E) * w2(v, V2_RL) * w2(v, V2_RC));
}

int cvss_base_score(const char *vector, double *score, struct err *e)
{
	struct cvss_vec v;
	double t, env;
	int v3 = strncmp(vector, "CVSS:3", 6) == 0, rc;

	if ((rc = cvss_parse(vector, v3, &v, e)) != 0)
		return rc;
	if (v3)
		v3_scores(&v, score, &t, &env);
	else
		v2_scores(&v, score, &t);
	return 0;
}

static const char *severity3(double s)
{
	if (s == 0)
		return "NONE";
	if (s < 4)
		return "LOW";
	if (s < 7)
		return "MEDIUM";
	if (s < 9)
		return "HIGH";
	return "CRITICAL";
}

static int fault(char *where, size_t wsz, const char *member, struct err *e, const char *test,
                 const char *msg, const char *detail)
{
	snprintf(where, wsz, "/%s", member);
	return err_set(e, ERR_INPUT, "%s: %s%s%s", test, msg, detail ? ": " : "",
	               detail ? detail : "");
}

/* The score members: name, which score (0 base, 1 temporal, 2 environmental) and, for v3,
 * the severity member that goes with it. */
static const struct {
	const char *score, *severity;
} score_members[3] = {{"baseScore", "baseSeverity"},
                      {"temporalScore", "temporalSeverity"},
                      {"environmentalScore", "environmentalSeverity"}};

int cvss_check(json_t *o, int v3, char *where, size_t wsz, struct err *e)
{
	const struct cvss_metric *t;
	const char *ver, *vec, *key;
	struct cvss_vec v;
	double computed[3] = {0, 0, 0};
	json_t *val;
	int n, rc;
	char msg[256];

	where[0] = '\0';
	if (!json_is_object(o))
		return fault(where, wsz, "", e, "6.1.8", "expected an object", NULL);
	ver = json_string_value(json_object_get(o, "version"));
	vec = json_string_value(json_object_get(o, "vectorString"));
	if (ver == NULL)
		return fault(where, wsz, "version", e, "6.1.8", "missing", NULL);
	if (v3 ? (strcmp(ver, "3.0") && strcmp(ver, "3.1")) : strcmp(ver, "2.0"))
		return fault(where, wsz, "version", e, "6.1.8", "not a CVSS version of this object",
		             ver);
	if (vec == NULL)
		return fault(where, wsz, "vectorString", e, "6.1.8", "missing", NULL);
	if (!json_is_number(json_object_get(o, "baseScore")))
		return fault(where, wsz, "baseScore", e, "6.1.8", "missing or not a number", NULL);
	if (v3 && !json_is_string(json_object_get(o, "baseSeverity")))
		return fault(where, wsz, "baseSeverity", e, "6.1.8", "missing", NULL);
	if ((rc = cvss_parse(vec, v3, &v, e)) != 0) {
		snprintf(msg, sizeof(msg), "%.200s", e->msg);
		return fault(where, wsz, "vectorString", e, "6.1.8", "invalid", msg);
	}
	if (v3 && strncmp(vec + 5, ver, 3) != 0)
		return fault(where, wsz, "vectorString", e, "6.1.8", "version differs from version",
		             ver);
	t = cvss_table(v3, &n);
	/* every property: a known member, a valid value, the same as in the vector (6.1.10) */
	json_object_foreach(o, key, val)
	{
		int m, k;

		if (strcmp(key, "version") == 0 || strcmp(key, "vectorString") == 0)
			continue;
		for (k = 0; k < 3; k++)
			if (strcmp(key, score_members[k].score) == 0 ||
			    (v3 && strcmp(key, score_members[k].severity) == 0))
				break;
		if (k < 3) {
			if (strstr(key, "Score") ? !json_is_number(val) : !json_is_string(val))
				return fault(where, wsz, key, e, "6.1.8", "wrong type", NULL);
			continue;
		}
		for (m = 0; m < n; m++)
			if (strcmp(t[m].prop, key) == 0)
				break;
		if (m == n)
			return fault(where, wsz, key, e, "6.1.8", "not a property of CVSS", NULL);
		if (!json_is_string(val))
			return fault(where, wsz, key, e, "6.1.8", "expected a string", NULL);
		for (k = 0; k < CVSS_MAX_VALUES && t[m].v[k].name; k++)
			if (strcmp(t[m].v[k].name, json_string_value(val)) == 0)
				break;
		if (k == CVSS_MAX_VALUES || t[m].v[k].name == NULL)
			return fault(where, wsz, key, e, "6.1.8", "not a valid value",
			             json_string_value(val));
		if (v.val[m] != k && !(v.val[m] < 0 && !t[m].base && k == 0))
			return fault(where, wsz, key, e, "6.1.10",
			             "value is not consistent with the vector string",
			             json_string_value(val));
	}
	if (v3)
		v3_scores(&v, &computed[0], &computed[1], &computed[2]);
	else
		v2_scores(&v, &computed[0], &computed[1]);
	for (int k = 0; k < (v3 ? 3 : 2); k++) {
		json_t *s = json_object_get(o, score_members[k].score);
		json_t *sev = v3 ? json_object_get(o, score_members[k].severity) : NULL;

		if (s && fabs(json_number_value(s) - computed[k]) > 0.0001) {
			snprintf(msg, sizeof(msg), "%.1f, computed from the vector %.1f",
			         json_number_value(s), computed[k]);
			return fault(where, wsz, score_members[k].score, e, "6.1.9",
			             "invalid calculated value", msg);
		}
		if (sev && strcmp(json_string_value(sev),
		                  severity3(s ? json_number_value(s) : computed[k])) != 0)
			return fault(where, wsz, score_members[k].severity, e, "6.1.9",
			             "invalid calculated value", json_string_value(sev));
	}
	return 0;
}
