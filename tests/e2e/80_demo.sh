# demo --db X: a fresh database with both seed cases. Pulse Secure: 1.00 medium/high (1 May
# 2019), 1.01 high/high (21 Aug 2019); Citrix: 1.00 medium/high (18 Dec 2019), 1.01 high/high
# (24 Dec 2019) and later versions. Everything in it goes through the event log.
. "$(dirname "$0")/lib.sh"

must demo --no-serve --db "$DB"
NCHECK=$((NCHECK + 1))
[ -s "$DB" ] || die "demo --db wrote no database at $DB"

must --json advisory list
js 'len(d) == 2' "two advisories"
js 'len([r for r in d if "Pulse" in r["title"]]) == 1 and len([r for r in d if "Citrix" in r["title"]]) == 1' \
	"one Pulse Secure and one Citrix advisory"
js 'all(r["state"] == "published" for r in d)' "both published"
P=$(jv '[r["id"] for r in d if "Pulse" in r["title"]][0]')
C=$(jv '[r["id"] for r in d if "Citrix" in r["title"]][0]')
NCHECK=$((NCHECK + 1))
case "$P $C" in
NCSC-2019-[0-9][0-9][0-9][0-9]\ NCSC-2019-[0-9][0-9][0-9][0-9]) ;;
*) fail "the demo IDs are not NCSC-2019-NNNN: '$P' '$C'" ;;
esac

must --json advisory show "$P" --format json
js '[h["version"] for h in d["history"]][:2] == ["1.00", "1.01"]' "Pulse: versions 1.00 and 1.01"
js 'd["history"][0]["likelihood"] == "medium" and d["history"][0]["impact"] == "high"' \
	"Pulse 1.00 is medium/high"
js 'd["history"][1]["likelihood"] == "high" and d["history"][1]["impact"] == "high"' \
	"Pulse 1.01 is high/high"
js 'd["history"][0]["published_at"].startswith("2019-05-01")' "Pulse 1.00 published 1 May 2019"
js 'd["history"][1]["published_at"].startswith("2019-08-21")' "Pulse 1.01 published 21 Aug 2019"
js 'd["cves"][0] == "CVE-2019-11510"' "Pulse: CVE-2019-11510"
must advisory show "$P" --version 1.00 --format plain
line '^Kans +: medium$' "Pulse 1.00 (plain): Kans medium"
line '^Uitgiftedatum +: 20190501$' "Pulse 1.00 (plain): 1 May 2019"

must --json advisory show "$C" --format json
js 'len(d["history"]) > 2' "Citrix: later versions after 1.01"
js '[h["version"] for h in d["history"]][:3] == ["1.00", "1.01", "1.02"]' "Citrix: 1.00, 1.01, 1.02 ..."
js 'd["history"][0]["likelihood"] + "/" + d["history"][0]["impact"] == "medium/high"' \
	"Citrix 1.00 is medium/high"
js 'd["history"][1]["likelihood"] + "/" + d["history"][1]["impact"] == "high/high"' \
	"Citrix 1.01 is high/high"
js 'd["history"][0]["published_at"].startswith("2019-12-18")' "Citrix 1.00 published 18 Dec 2019"
js 'd["history"][1]["published_at"].startswith("2019-12-24")' "Citrix 1.01 published 24 Dec 2019"
js 'all(h["change"] for h in d["history"][1:])' "every version after 1.00 says what changed"
js 'd["cves"][0] == "CVE-2019-19781"' "Citrix: CVE-2019-19781"
js 'len(d["fixed"]) > 0' "Citrix: fixed versions by the last version"
must advisory show "$C" --version 1.01 --format plain
line '^Versie +: 1\.01$' "Citrix 1.01 (plain)"
line '^Kans +: high$' "Citrix 1.01 (plain): high"
line '^Update$' "Citrix 1.01 (plain): the Update section"

# who is affected, with organisations, inventory and the matching behind it
must --json advisory affected "$C"
js 'len(orgs(d)) >= 3' "Citrix: several organisations affected"
js 'all(r["product"] in ("citrix:adc", "citrix:gateway") for r in d)' "Citrix: only Citrix products"
must --json advisory affected "$P"
js 'len(orgs(d)) >= 1 and all(r["product"] == "pulsesecure:pulse_connect_secure" for r in d)' \
	"Pulse: the organisations running an affected version"
must --json org list
js 'len(d) >= 10 and {"ministry", "agency", "vital", "partner"} <= {r["kind"] for r in d}' \
	"a constituency of every kind"
must --json vuln show CVE-2019-11510
js 'd["exploit_status"] != "none"' "Pulse: the exploit status rose"

# all of it is in the event log
must --json audit verify
js 'd["intact"] is True and d["events"] > 50' "the demo's event log verifies"

# demo again: a fresh database, not a second copy of everything
must demo --no-serve --db "$DB"
must --json advisory list
js 'len(d) == 2' "demo again gives a fresh database with two advisories"
must --json audit verify
js 'd["intact"] is True' "and its event log verifies"
finish
