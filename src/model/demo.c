/* demo.c: the demo database, from the two seed cases. Everything goes through the same model
 * functions the commands use, with the dates of the letters. Agencies and providers are
 * made up; ministries and partners are the ones the letters name. */
#include "model/demo.h"

#include "core/timeutil.h"
#include "db/db.h"
#include "model/advisory.h"
#include "model/alert.h"
#include "model/config.h"
#include "model/inventory.h"
#include "model/org.h"

#include <string.h>

static const struct org_fields demo_orgs[] = {
    {"min-jenv", "Ministerie van Justitie en Veiligheid", "ministry", NULL, NULL},
    {"jenv-dji", "Dienst Justitiële Inrichtingen (demo)", "agency", "min-jenv", NULL},
    {"jenv-dtv", "Dienst Toezicht en Vergunningen (demo)", "agency", "min-jenv", NULL},
    {"min-bzk", "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties", "ministry", NULL, NULL},
    {"bzk-ssc", "Shared Service Centrum ICT (demo)", "agency", "min-bzk", NULL},
    {"min-ienw", "Ministerie van Infrastructuur en Waterstaat", "ministry", NULL, NULL},
    {"ienw-wbd", "Dienst Water en Wegen (demo)", "agency", "min-ienw", NULL},
    {"min-fin", "Ministerie van Financiën", "ministry", NULL, NULL},
    {"fin-dvb", "Dienst Heffingen (demo)", "agency", "min-fin", NULL},
    {"energie-noord", "Energienet Noord (demo)", "vital", NULL, "energy"},
    {"water-delta", "Waterbedrijf Delta (demo)", "vital", NULL, "drinking-water"},
    {"luchthaven-zuid", "Luchthaven Zuid (demo)", "vital", NULL, "transport"},
    {"telecom-holland", "Telecom Holland (demo)", "vital", NULL, "telecom"},
    {"betaalbank", "Betaalbank NL (demo)", "vital", NULL, "finance"},
    {"z-cert", "Z-CERT", "partner", NULL, "healthcare"},
    {"csirt-dsp", "CSIRT voor digitale diensten (CSIRT-DSP)", "partner", NULL, "digital-services"},
    {"dtc", "Digital Trust Center", "partner", NULL, "business"},
    {"ikp-gemeenten", "Informatieknooppunt Gemeenten (demo)", "partner", NULL, "local-government"},
    {"gemeente-oost", "Gemeente Oostdam (demo)", "other", NULL, NULL},
};

static const struct contact_fields demo_contacts[] = {
    {"min-jenv", "CISO JenV", "ciso", "ciso@jenv.example", "+31 70 000 0101", 1, NULL},
    {"jenv-dji", "SOC DJI", "soc", "soc@dji.example", "+31 70 000 0102", 1, NULL},
    {"jenv-dtv", "ICT-beheer DTV", "cto", "beheer@dtv.example", "+31 70 000 0103", 0, NULL},
    {"min-bzk", "CISO BZK", "ciso", "ciso@bzk.example", "+31 70 000 0201", 1, NULL},
    {"bzk-ssc", "SOC SSC-ICT", "soc", "soc@ssc.example", "+31 70 000 0202", 1, NULL},
    {"min-ienw", "CISO IenW", "ciso", "ciso@ienw.example", "+31 70 000 0301", 1, NULL},
    {"ienw-wbd", "Beveiligingsteam WBD", "soc", "security@wbd.example", "+31 70 000 0302", 0, NULL},
    {"min-fin", "CISO Financiën", "ciso", "ciso@fin.example", "+31 70 000 0401", 1, NULL},
    {"fin-dvb", "CIO Dienst Heffingen", "cio", "cio@dvb.example", "+31 70 000 0402", 0, NULL},
    {"energie-noord", "SOC Energienet", "soc", "soc@energienet.example", "+31 50 000 0501", 1,
     NULL},
    {"water-delta", "CISO Waterbedrijf", "ciso", "ciso@delta.example", "+31 10 000 0601", 0, NULL},
    {"luchthaven-zuid", "IT Security Luchthaven", "soc", "soc@luchthaven.example",
     "+31 40 000 0701", 1, NULL},
    {"telecom-holland", "CERT Telecom Holland", "cert", "cert@telecom.example", "+31 20 000 0801",
     1, NULL},
    {"betaalbank", "CSIRT Betaalbank", "cert", "csirt@betaalbank.example", "+31 20 000 0901", 1,
     NULL},
    {"z-cert", "Z-CERT meldpunt", "cert", "meldingen@z-cert.example", "+31 30 000 1001", 1, NULL},
    {"csirt-dsp", "CSIRT-DSP", "cert", "info@csirt-dsp.example", "+31 70 000 1101", 0, NULL},
    {"dtc", "Digital Trust Center redactie", "communications", "redactie@dtc.example", NULL, 0,
     NULL},
    {"ikp-gemeenten", "IBD", "cert", "ibd@gemeenten.example", "+31 70 000 1201", 1, NULL},
    {"gemeente-oost", "CISO Oostdam", "ciso", "ciso@oostdam.example", NULL, 0, NULL},
};

static const struct {
	const char *org, *cidr;
} demo_netblocks[] = {
    {"min-jenv", "198.51.100.0/24"},      {"jenv-dji", "198.51.100.128/25"},
    {"min-bzk", "203.0.113.0/24"},        {"bzk-ssc", "203.0.113.64/26"},
    {"min-ienw", "192.0.2.0/25"},         {"ienw-wbd", "192.0.2.64/27"},
    {"min-fin", "192.0.2.128/25"},        {"energie-noord", "2001:db8:100::/48"},
    {"water-delta", "2001:db8:200::/48"}, {"luchthaven-zuid", "100.64.10.0/24"},
    {"telecom-holland", "100.64.0.0/21"},
};

static const struct inventory_row demo_inventory[] = {
    /* Citrix ADC and Gateway: affected builds, and some already fixed */
    {"jenv-dji", "citrix:adc", "13.0-47.22", 2, 1},
    {"bzk-ssc", "citrix:gateway", "12.1-50.31", 4, 1},
    {"ienw-wbd", "citrix:adc", "11.1-62.8", 1, 1},
    {"fin-dvb", "citrix:adc", "13.0-47.24", 2, 1},
    {"energie-noord", "citrix:gateway", "12.0-62.10", 2, 1},
    {"luchthaven-zuid", "citrix:adc", "10.5-69.5", 1, 1},
    {"telecom-holland", "citrix:adc", "12.1-55.18", 6, 1},
    {"water-delta", "citrix:gateway", "13.0-41.28", 1, 1},
    {"gemeente-oost", "citrix:gateway", "12.1-54.16", 1, 1},
    /* Pulse Connect Secure: two units of one ministry left behind, as in letter 003 */
    {"jenv-dji", "pulsesecure:pulse_connect_secure", "9.0R3.3", 1, 1},
    {"jenv-dtv", "pulsesecure:pulse_connect_secure", "8.3R7", 1, 1},
    {"min-jenv", "pulsesecure:pulse_connect_secure", "9.0R4", 2, 1},
    {"betaalbank", "pulsesecure:pulse_connect_secure", "8.2R12.1", 3, 1},
    {"energie-noord", "pulsesecure:pulse_connect_secure", "9.0R3.1", 1, 1},
    /* other products, not affected by either case */
    {"min-bzk", "microsoft:exchange_server", "2016-cu14", 4, 1},
    {"water-delta", "fortinet:fortios", "6.0.4", 2, 1},
};

/* One step of a seed case: an advisory created, updated or published at a time. */
enum demo_op {
	DEMO_NEW,
	DEMO_UPDATE,
	DEMO_PUBLISH
};

struct demo_step {
	enum demo_op op;
	const char *at;
	const char *change;
	const char *matrix; /* flag=value,... */
	const char *solution;
	const char *fixed[6];
};

#define PULSE_RANGE "pulsesecure:pulse_connect_secure:>=8.2|<8.2R12.1|>=8.3|<8.3R7.1|>=9.0|<9.0R3.4"
#define CITRIX_RANGE                                                                               \
	">=10.5|<10.5.70.12|>=11.1|<11.1.63.15|>=12.0|<12.0.63.13|>=12.1|<12.1.55.18|>=13.0|"      \
	"<13.0.47.24"

static const struct demo_step pulse_steps[] = {
    {DEMO_NEW,
     "2019-05-01T10:00:00Z",
     NULL,
     "default-config=yes,exploit=none,details=somewhat,access=internet,credentials=none,"
     "complexity=average,interaction=none,exploited=no,exploit-expected=no,"
     "fix-available=under-2-months,dos=no,code-exec=root,remote=no,privesc=no,leak=data",
     "Pulse Secure heeft updates uitgebracht die de kwetsbaarheden verhelpen. Installeer "
     "8.2R12.1, 8.3R7.1 of 9.0R3.4 of nieuwer.",
     {"pulsesecure:pulse_connect_secure:8.2R12.1", "pulsesecure:pulse_connect_secure:8.3R7.1",
      "pulsesecure:pulse_connect_secure:9.0R3.4", NULL}},
    {DEMO_PUBLISH, "2019-05-01T14:00:00Z", NULL, NULL, NULL, {NULL}},
    {DEMO_UPDATE,
     "2019-08-21T09:00:00Z",
     "Exploitcode is publiek; de inschaling is verhoogd naar high/high.",
     "exploit=exploit,details=fully,exploit-expected=yes,fix-available=over-2-months",
     NULL,
     {NULL}},
    {DEMO_PUBLISH, "2019-08-21T11:00:00Z", NULL, NULL, NULL, {NULL}},
    {DEMO_UPDATE,
     "2019-08-26T09:00:00Z",
     "Er wordt op grote schaal actief gescand naar en misbruik gemaakt van de kwetsbaarheid.",
     "exploited=large-scale",
     NULL,
     {NULL}},
    {DEMO_PUBLISH, "2019-08-26T10:00:00Z", NULL, NULL, NULL, {NULL}},
};

static const struct demo_step citrix_steps[] = {
    {DEMO_NEW,
     "2019-12-18T09:00:00Z",
     NULL,
     "default-config=yes,exploit=none,details=somewhat,access=internet,credentials=none,"
     "complexity=average,interaction=none,exploited=no,exploit-expected=no,fix-available=none,"
     "dos=no,code-exec=root,remote=no,privesc=no,leak=no",
     "Citrix heeft tijdelijke mitigerende maatregelen gepubliceerd (CTX267679). Er is nog geen "
     "update beschikbaar.",
     {NULL}},
    {DEMO_PUBLISH, "2019-12-18T10:00:00Z", NULL, NULL, NULL, {NULL}},
    {DEMO_UPDATE,
     "2019-12-24T12:00:00Z",
     "Inschaling verhoogd naar high/high op basis van nieuwe informatie en technische analyses.",
     "exploit=poc,exploit-expected=yes",
     NULL,
     {NULL}},
    {DEMO_PUBLISH, "2019-12-24T12:05:00Z", NULL, NULL, NULL, {NULL}},
    {DEMO_UPDATE,
     "2020-01-11T10:00:00Z",
     "Exploitcode is publiek beschikbaar en er wordt actief gescand naar kwetsbare systemen.",
     "exploit=exploit,details=fully,exploited=large-scale",
     NULL,
     {NULL}},
    {DEMO_PUBLISH, "2020-01-11T10:30:00Z", NULL, NULL, NULL, {NULL}},
    {DEMO_UPDATE,
     "2020-01-16T18:00:00Z",
     "De mitigerende maatregelen werken niet voor alle versies betrouwbaar. Overweeg kwetsbare "
     "systemen uit te schakelen.",
     NULL,
     "Citrix heeft tijdelijke mitigerende maatregelen gepubliceerd (CTX267679); die werken niet "
     "voor alle versies betrouwbaar. Overweeg kwetsbare systemen uit te schakelen tot een "
     "update beschikbaar is.",
     {NULL}},
    {DEMO_PUBLISH, "2020-01-16T18:30:00Z", NULL, NULL, NULL, {NULL}},
    {DEMO_UPDATE,
     "2020-01-20T08:00:00Z",
     "Citrix heeft updates uitgebracht voor de versies 11.1 en 12.0.",
     "fix-available=under-2-months",
     "Installeer de updates van Citrix: 11.1.63.15 en 12.0.63.13. Voor de overige versies "
     "blijven de mitigerende maatregelen nodig.",
     {"citrix:adc:11.1-63.15", "citrix:adc:12.0-63.13", "citrix:gateway:11.1-63.15",
      "citrix:gateway:12.0-63.13", NULL}},
    {DEMO_PUBLISH, "2020-01-20T08:30:00Z", NULL, NULL, NULL, {NULL}},
    {DEMO_UPDATE,
     "2020-01-24T23:30:00Z",
     "Citrix heeft updates uitgebracht voor de versies 10.5, 12.1 en 13.0.",
     NULL,
     "Installeer de updates van Citrix: 10.5.70.12, 11.1.63.15, 12.0.63.13, 12.1.55.18 en "
     "13.0.47.24.",
     {"citrix:adc:10.5-70.12", "citrix:adc:12.1-55.18", "citrix:adc:13.0-47.24",
      "citrix:gateway:10.5-70.12", "citrix:gateway:12.1-55.18", "citrix:gateway:13.0-47.24"}},
    {DEMO_PUBLISH, "2020-01-25T08:00:00Z", NULL, NULL, NULL, {NULL}},
};

static const char *pulse_cves[] = {"CVE-2019-11510"}, *citrix_cves[] = {"CVE-2019-19781"};
static const char *pulse_affects[] = {PULSE_RANGE};
static const char *citrix_affects[] = {"citrix:adc:" CITRIX_RANGE, "citrix:gateway:" CITRIX_RANGE};
static const char *pulse_refs[] = {
    "https://kb.pulsesecure.net/articles/Pulse_Security_Advisories/SA44101"};
static const char *citrix_refs[] = {"https://support.citrix.com/article/CTX267027",
                                    "https://support.citrix.com/article/CTX267679"};

/* A seed case: the advisory as first written and the steps of its history. */
struct demo_seed {
	const char *name; /* in an error: "demo, <name>: ..." */
	const char *title, *platform, *summary, *description;
	const char *disclosed, *reported_to_vendor;
	const char **cves, **affects, **refs;
	size_t ncves, naffects, nrefs;
	const struct demo_step *steps;
	size_t nsteps;
};

#define DEMO_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Loaded in this order: Pulse Connect Secure first, then Citrix. */
static const struct demo_seed demo_seeds[] = {
    {
        .name = "Pulse Connect Secure",
        .title = "Kwetsbaarheden verholpen in Pulse Connect Secure",
        .platform = "Pulse Connect Secure",
        .summary = "Pulse Secure heeft kwetsbaarheden verholpen in Pulse Connect Secure. Een "
                   "ongeauthenticeerde kwaadwillende op afstand kan de kwetsbaarheid "
                   "CVE-2019-11510 misbruiken om willekeurige bestanden te lezen, waaronder "
                   "inloggegevens van gebruikers.",
        .description = "De kwetsbaarheid bevindt zich in de webinterface van de VPN-server. "
                       "Met een speciaal gemaakt verzoek kan een kwaadwillende zonder "
                       "authenticatie bestanden van het systeem lezen.",
        .disclosed = "2019-04-24",
        .reported_to_vendor = "2019-03-22",
        .cves = pulse_cves,
        .ncves = DEMO_COUNT(pulse_cves),
        .affects = pulse_affects,
        .naffects = DEMO_COUNT(pulse_affects),
        .refs = pulse_refs,
        .nrefs = DEMO_COUNT(pulse_refs),
        .steps = pulse_steps,
        .nsteps = DEMO_COUNT(pulse_steps),
    },
    {
        .name = "Citrix",
        .title = "Kwetsbaarheid in Citrix ADC en Citrix Gateway",
        .platform = "Citrix ADC (NetScaler), Citrix Gateway",
        .summary = "Er is een kwetsbaarheid ontdekt in Citrix ADC en Citrix Gateway "
                   "(voorheen NetScaler). Een ongeauthenticeerde kwaadwillende op afstand kan "
                   "de kwetsbaarheid misbruiken om willekeurige code uit te voeren.",
        .description = "De kwetsbaarheid CVE-2019-19781 is een path traversal in de "
                       "webinterface. Citrix maakte haar op 17 december 2019 bekend, zonder "
                       "update; er zijn tijdelijke mitigerende maatregelen.",
        .disclosed = "2019-12-17",
        .reported_to_vendor = "2019-12-06",
        .cves = citrix_cves,
        .ncves = DEMO_COUNT(citrix_cves),
        .affects = citrix_affects,
        .naffects = DEMO_COUNT(citrix_affects),
        .refs = citrix_refs,
        .nrefs = DEMO_COUNT(citrix_refs),
        .steps = citrix_steps,
        .nsteps = DEMO_COUNT(citrix_steps),
    },
};

/* Replays one seed case through the model: the advisory, its updates and publications. */
static int demo_case(struct db *db, const char *actor, const struct demo_seed *seed, struct err *e)
{
	struct advisory_input base;
	char id[64] = "";
	int rc = 0;

	memset(&base, 0, sizeof(base));
	base.title = seed->title;
	base.platform = seed->platform;
	base.summary = seed->summary;
	base.description = seed->description;
	base.disclosed = seed->disclosed;
	base.reported_to_vendor = seed->reported_to_vendor;
	base.cves = seed->cves;
	base.ncves = seed->ncves;
	base.affects = seed->affects;
	base.naffects = seed->naffects;
	base.refs = seed->refs;
	base.nrefs = seed->nrefs;
	matrix_init(&base.matrix);
	for (size_t i = 0; rc == 0 && i < seed->nsteps; i++) {
		const struct demo_step *s = &seed->steps[i];
		struct advisory_input in = base;
		struct act act = {actor, 0};
		int num, material;
		size_t nfixed = 0;

		if ((rc = time_parse(s->at, &act.at, e)) != 0)
			break;
		if (s->op == DEMO_PUBLISH) {
			struct alert_counts counts;
			rc = advisory_publish(db, &act, id, 0, 0, &num, &material, e);
			if (rc == 0)
				rc = alert_on_publish(db, &act, id, num, material, &counts, e);
			continue;
		}
		if (s->op == DEMO_UPDATE) {
			memset(&in, 0, sizeof(in));
			matrix_init(&in.matrix);
		}
		in.change = s->change;
		in.solution = s->solution;
		if (s->matrix && (rc = matrix_from_text(s->matrix, &in.matrix, e)) != 0)
			break;
		while (nfixed < 6 && s->fixed[nfixed])
			nfixed++;
		in.fixed = (const char **)s->fixed;
		in.nfixed = nfixed;
		if (s->op == DEMO_NEW)
			rc = advisory_new(db, &act, &in, id, sizeof(id), e);
		else
			rc = advisory_update(db, &act, id, &in, &num, e);
	}
	return rc;
}

int demo_load(struct db *db, const char *actor, struct err *e)
{
	struct act setup = {actor, 0};
	int rc;

	if ((rc = time_parse("2019-04-01T09:00:00Z", &setup.at, e)) != 0 ||
	    (rc = event_append(db, &setup, "demo.load", "database", NULL, e)) != 0 ||
	    (rc = config_set(db, &setup, "prefix", "NCSC", e)) != 0 ||
	    (rc = config_set(db, &setup, "site.name", "Baken demo CSIRT", e)) != 0)
		return rc;
	for (size_t i = 0; i < DEMO_COUNT(demo_orgs); i++)
		if ((rc = org_add(db, &setup, &demo_orgs[i], e)) != 0)
			return rc;
	for (size_t i = 0; i < DEMO_COUNT(demo_contacts); i++)
		if ((rc = org_contact_set(db, &setup, &demo_contacts[i], e)) != 0)
			return rc;
	for (size_t i = 0; i < DEMO_COUNT(demo_netblocks); i++)
		if ((rc = org_netblock_add(db, &setup, demo_netblocks[i].org,
		                           demo_netblocks[i].cidr, e)) != 0)
			return rc;
	for (size_t i = 0; i < DEMO_COUNT(demo_inventory); i++)
		if ((rc = inventory_put(db, &setup, &demo_inventory[i], 1, e)) != 0)
			return rc;

	for (size_t i = 0; i < DEMO_COUNT(demo_seeds); i++)
		if ((rc = demo_case(db, actor, &demo_seeds[i], e)) != 0)
			return err_wrap(e, "demo, %s: ", demo_seeds[i].name);
	return 0;
}

int demo_show(struct db *db, FILE *out, struct err *e)
{
	json_t *list;
	size_t i;
	json_t *a;
	int rc;

	if ((rc = advisory_list(db, &list, e)) != 0)
		return rc;
	fprintf(out, "Baken demo: both seed cases.\n");
	json_array_foreach(list, i, a)
	{
		struct advisory_version v;
		json_t *hist = NULL, *affected = NULL, *h, *row;
		size_t j;
		const char *id = json_string_value(json_object_get(a, "id"));

		if ((rc = advisory_load(db, id, NULL, 0, &v, e)) != 0)
			break;
		rc = advisory_to_json(db, &v, &hist, e);
		if (rc == 0)
			rc = advisory_affected(db, &v, &affected, e);
		if (rc == 0) {
			fprintf(out, "\n%s  %s\n", id, v.title);
			json_array_foreach(json_object_get(hist, "history"), j, h)
			    fprintf(out, "  %s  %.10s  %s/%s  %s\n",
			            json_string_value(json_object_get(h, "version")),
			            json_string_value(json_object_get(h, "published_at")),
			            json_string_value(json_object_get(h, "likelihood")),
			            json_string_value(json_object_get(h, "impact")),
			            json_string_value(json_object_get(h, "change"))
			                ? json_string_value(json_object_get(h, "change"))
			                : "eerste versie");
			fprintf(out, "  affected now:\n");
			json_array_foreach(affected, j, row)
			    fprintf(out, "    %-16s %-34s %s\n",
			            json_string_value(json_object_get(row, "org")),
			            json_string_value(json_object_get(row, "product")),
			            json_string_value(json_object_get(row, "version")));
		}
		json_decref(hist);
		json_decref(affected);
		advisory_version_free(&v);
		if (rc != 0)
			break;
	}
	json_decref(list);
	if (rc == 0)
		fprintf(out, "\nTry: baken --db <this database> advisory show %s\n",
		        "NCSC-2019-0002");
	return rc;
}
