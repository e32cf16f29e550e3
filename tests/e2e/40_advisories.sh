# Advisories: IDs per year, versions 1.00 1.01 1.02, published versions frozen, --change and
# --rationale, the plain and JSON formats, who is affected (ranges, fixed versions), publish,
# list; the vulnerability records behind them.
. "$(dirname "$0")/lib.sh"

seed_orgs
# more versions around the edges of the ranges
must org add agency-a2 --name "Dienst A2" --kind agency --parent min-a
must org add vital-f --name "Energie F" --kind vital --sector energy
must inventory add agency-a2 --product pulsesecure:pulse_connect_secure --version 8.3R7
must inventory add agency-a2 --product citrix:adc --version 13.0.47.23
must inventory add vital-f --product pulsesecure:pulse_connect_secure --version 9.0R3.4
must inventory add vital-f --product pulsesecure:pulse_connect_secure --version 8.2R12
must inventory add vital-f --product citrix:adc --version 12.1-55.18

# new: a draft 1.00 with an ID of the year of --at, medium/high as proposed
# shellcheck disable=SC2086
must --json --at 2019-12-18T09:00:00Z advisory new --title "Kwetsbaarheid in Citrix ADC en Gateway" \
	--cve CVE-2019-19781 --affects 'citrix:adc:>=13.0|<13.0.47.24' \
	--affects 'citrix:gateway:>=12.1|<12.1.55.18' --platform "Citrix ADC, Citrix Gateway" \
	--summary "Een kwaadwillende kan op afstand willekeurige code uitvoeren." \
	--reference https://support.citrix.com/article/CTX267027 $MH
js 'd["id"] == "NCSC-2019-0001" and d["version"] == "1.00" and d["state"] == "draft"' \
	"the first advisory of 2019 is NCSC-2019-0001, a draft of 1.00"
js 'd["likelihood"] == "medium" and d["impact"] == "high" and d["tlp"] == "CLEAR"' \
	"medium/high as proposed; TLP:CLEAR unless --tlp says otherwise"
C=NCSC-2019-0001

# affected works on the draft: exactly the organisations in range, never a fixed version
must --json advisory affected $C
js 'orgs(d) == ["agency-a1", "agency-a2", "other-x"]' \
	"Citrix: 13.0-47.22, 13.0.47.23 and gateway 12.1-50.31 are in, 13.0-47.24 and 12.1-55.18 not"
js 'sorted((r["org"], r["product"], r["version"]) for r in d) == [("agency-a1", "citrix:adc", "13.0-47.22"), ("agency-a2", "citrix:adc", "13.0.47.23"), ("other-x", "citrix:gateway", "12.1-50.31")]' \
	"affected rows name org, product and version"
js 'not where(d, version="13.0-47.24")' "the fixed 13.0-47.24 is never affected"

must --at 2019-12-18T10:00:00Z advisory publish $C
must advisory show $C --version 1.00 --format json
cp "$T/out" "$T/c100.json"
must advisory show $C --version 1.00 --format plain
cp "$T/out" "$T/c100.txt"

# the plain format: the header fields in order, the consequence line under Schade
must advisory show $C --format plain
line '^##  N C S C ~ B E V E I L I G I N G S A D V I E S  ##$' "plain: the banner"
line '^Titel +: Kwetsbaarheid in Citrix ADC en Gateway$' "plain: Titel"
line '^Advisory ID +: NCSC-2019-0001$' "plain: Advisory ID"
line '^Versie +: 1\.00$' "plain: Versie"
line '^Kans +: medium$' "plain: Kans"
line '^CVE ID +: CVE-2019-19781$' "plain: CVE ID"
line '^Schade +: high$' "plain: Schade"
line '^ +Uitvoeren van willekeurige code \(root/admin-rechten\)$' "plain: the consequence line"
line '^Uitgiftedatum +: 20191218$' "plain: Uitgiftedatum as YYYYMMDD"
line '^Toepassing +: citrix:adc$' "plain: Toepassing"
line '^Versie\(s\) +: citrix:adc >=13\.0\|<13\.0\.47\.24$' "plain: Versie(s)"
line '^Platform\(s\) +: Citrix ADC, Citrix Gateway$' "plain: Platform(s)"
line '^Samenvatting$' "plain: Samenvatting"
line '^Vrijwaringsverklaring$' "plain: the disclaimer"
NCHECK=$((NCHECK + 1))
"$PY" - "$T/out" <<'EOF' || fail "plain: the header fields are not in their order"
import re, sys
labels = ["Titel", "Advisory ID", "Versie", "Kans", "CVE ID", "Schade", "Uitgiftedatum",
          "Toepassing", "Versie(s)", "Platform(s)"]
text = open(sys.argv[1]).read().splitlines()
pos = [next((i for i, l in enumerate(text) if re.match(re.escape(x) + r" *:", l)), -1)
       for x in labels]
sys.exit(0 if -1 not in pos and pos == sorted(pos) else 1)
EOF
NCHECK=$((NCHECK + 1))
! grep -q '^Update$' "$T/out" || fail "plain: 1.00 has no Update section"
must advisory show $C --format plain --lang en
line '^##  N C S C ~ S E C U R I T Y   A D V I S O R Y  ##$' "plain --lang en: the banner"
for l in 'Title' 'Advisory ID' 'Version' 'Probability' 'CVE ID' 'Damage' 'Publication date' \
	'Product\(s\)' 'Version\(s\)' 'Platform\(s\)'; do
	line "^$l *: " "plain --lang en: label $l"
done
line '^Probability *: medium$' "plain --lang en: the level"
line '^Publication date *: 20191218$' "plain --lang en: the date"
line '^ +Execution of arbitrary code \(root/admin rights\)$' "plain --lang en: the consequence"

# the JSON format
must advisory show $C --format json
js 'd["id"] == "NCSC-2019-0001" and d["version"] == "1.00" and d["state"] == "published"' \
	"json: id, version, state"
js 'd["likelihood"] == "medium" and d["impact"] == "high" and d["classification"] == "medium/high"' \
	"json: the classification"
js 'd["proposal"]["likelihood_points"] == 27' "json: the proposal's points"
js 'd["cves"] == ["CVE-2019-19781"] and d["tlp"] == "CLEAR"' "json: CVEs and TLP"
js 'one(d["affects"], product="citrix:adc")["range"] == ">=13.0|<13.0.47.24"' "json: affected ranges"
js 'd["published_at"] == "2019-12-18T10:00:00Z"' "json: published_at from --at, ISO 8601"
js 'd["references"] == ["https://support.citrix.com/article/CTX267027"]' "json: references"
must --json advisory show $C
js 'd["id"] == "NCSC-2019-0001" and d["version"] == "1.00"' "--json alone shows the JSON format"

# nothing to publish
bad 1 'nothing to publish' advisory publish $C

# update: --change is required; a level other than the proposal needs --rationale
bad 2 'change' --at 2019-12-24T12:00:00Z advisory update $C $HH
bad 1 'rationale' --at 2019-12-24T12:00:00Z advisory update $C --likelihood high \
	--change "Inschaling verhoogd"
must --json --at 2019-12-20T12:00:00Z advisory update $C --likelihood high \
	--rationale "Exploitatie op korte termijn verwacht" --change "Inschaling aangepast"
js 'd["version"] == "1.01" and d["state"] == "draft" and d["likelihood"] == "high" and d["impact"] == "high"' \
	"a deviation with --rationale is accepted"
js 'd["rationale"] == "Exploitatie op korte termijn verwacht"' "the rationale is kept"
# the answers that make high/high the proposal: the deviation (and its reason) is gone
# shellcheck disable=SC2086
must --json --at 2019-12-24T12:00:00Z advisory update $C $HH --change "Inschaling verhoogd naar high/high"
js 'd["version"] == "1.01" and d["likelihood"] == "high" and d["rationale"] is None' \
	"the proposal is high/high now: no deviation, no rationale"
# the draft is not shown until it is published
must --json advisory show $C
js 'd["version"] == "1.00" and d["likelihood"] == "medium"' \
	"show without --version: the latest published version, not the draft"
must --json advisory show $C --version 1.01
js 'd["state"] == "draft"' "show --version of the draft"
must --json --at 2019-12-24T12:05:00Z advisory publish $C
js 'd["version"] == "1.01" and d["state"] == "published"' "publish makes the draft 1.01"

must advisory show $C --format plain
line '^Versie +: 1\.01$' "1.01: Versie"
line '^Kans +: high$' "1.01: Kans high"
line '^Uitgiftedatum +: 20191224$' "1.01: its own date"
line '^Update$' "1.01 has an Update section"
line '^ +Inschaling aangepast$' "the Update section: the first change, on its own line"
line '^ +Inschaling verhoogd naar high/high$' "the Update section: the second change, on its own line"
must advisory show $C --format plain --lang en
line '^Update$' "--lang en: the Update section"

# 1.02
must --at 2020-01-11T10:00:00Z advisory update $C --exploit exploit \
	--fixed citrix:adc:13.0-47.23 --change "Exploitcode is publiek"
must --json --at 2020-01-11T10:05:00Z advisory publish $C
js 'd["version"] == "1.02"' "the third version is 1.02"

# a published version never changes
must advisory show $C --version 1.00 --format json
NCHECK=$((NCHECK + 1))
cmp -s "$T/out" "$T/c100.json" || fail "1.00 changed after updates: $(diff "$T/c100.json" "$T/out" | head -n 6)"
must advisory show $C --version 1.00 --format plain
NCHECK=$((NCHECK + 1))
cmp -s "$T/out" "$T/c100.txt" || fail "1.00 (plain) changed after updates: $(diff "$T/c100.txt" "$T/out" | head -n 6)"
line '^Kans +: medium$' "1.00 keeps medium"
NCHECK=$((NCHECK + 1))
"$PY" - "$DB" <<'EOF' || fail "the store lets a published version be changed"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
refused = 0
for sql in ["UPDATE advisory_versions SET likelihood = 'low' WHERE num = 0",
            "DELETE FROM advisory_versions WHERE num = 0",
            "DELETE FROM advisory_affects WHERE num = 0",
            "UPDATE advisory_affects SET range = '*' WHERE num = 0",
            "DELETE FROM advisory_cves WHERE num = 0"]:
    try:
        db.execute(sql)
        print("accepted: " + sql)
    except sqlite3.DatabaseError:
        refused += 1
    db.rollback()
sys.exit(0 if refused == 5 else 1)
EOF

# --fixed excludes a version inside the range
must --json advisory affected $C
js 'orgs(d) == ["agency-a1", "other-x"]' "--fixed citrix:adc:13.0-47.23 excludes 13.0.47.23 (the same version)"

# history in JSON
must advisory show $C --format json
js '[h["version"] for h in d["history"]] == ["1.00", "1.01", "1.02"]' "json: the version history"
js '[h["likelihood"] + "/" + h["impact"] for h in d["history"]] == ["medium/high", "high/high", "high/high"]' \
	"json: the classification of each version"
js 'one(d["fixed"], product="citrix:adc")["version"] == "13.0-47.23"' "json: fixed versions"

# the Pulse Secure ranges with R-style versions
# shellcheck disable=SC2086
must --json --at 2019-05-01T09:00:00Z advisory new --title "Kwetsbaarheden in Pulse Connect Secure" \
	--cve CVE-2019-11510 --cve cve-2019-11539 \
	--affects 'pulsesecure:pulse_connect_secure:>=8.3|<8.3R7.1|>=9.0|<9.0R3.4' $MH
js 'd["id"] == "NCSC-2019-0002"' "numbered per year: the second of 2019 (created after the first)"
P=NCSC-2019-0002
must --json advisory affected $P
js 'orgs(d) == ["agency-a2", "min-a"]' \
	"Pulse: 9.0R3.3 and 8.3R7 in; 8.3R7.1, 9.0R4, 9.0R3.4 and 8.2R12 out"
js 'sorted(r["version"] for r in d) == ["8.3R7", "9.0R3.3"]' "Pulse: the versions in range"
must advisory show $P --format plain
line '^CVE ID +: CVE-2019-11510$' "plain: the first CVE"
line '^ +CVE-2019-11539$' "plain: a second CVE under it, in capitals"
line '^Versie\(s\) +: pulsesecure:pulse_connect_secure >=8\.3\|<8\.3R7\.1$' \
	"plain: one line per interval of a range"
line '^ +pulsesecure:pulse_connect_secure >=9\.0\|<9\.0R3\.4$' "plain: the second interval"
line '^Uitgiftedatum +: ' "plain of a draft: the date line"

# IDs: the year of --at, a new sequence per year, a prefix from init
must --json --at 2020-01-02T08:00:00Z advisory new --title "Nieuwjaar" --cve CVE-2020-0601 \
	--affects 'microsoft:windows:*' --tlp amber
js 'd["id"] == "NCSC-2020-0001" and d["tlp"] == "AMBER"' "a new year starts at 0001; --tlp in any case"
must --json --at 2019-12-31T23:59:59Z advisory new --title "Oudjaar" --cve CVE-2019-0001 \
	--affects 'x:y:>=1.0|<1.5'
js 'd["id"] == "NCSC-2019-0003"' "2019 continues where it was"
must advisory show NCSC-2020-0001 --format plain
line '^TLP:AMBER$' "plain: the TLP of a non-CLEAR advisory"

must --json advisory list
js 'sorted(r["id"] for r in d) == ["NCSC-2019-0001", "NCSC-2019-0002", "NCSC-2019-0003", "NCSC-2020-0001"]' \
	"advisory list: every advisory"
js 'one(d, id="NCSC-2019-0001")["version"] == "1.02" and one(d, id="NCSC-2019-0001")["state"] == "published"' \
	"advisory list: the latest published version"
js 'one(d, id="NCSC-2019-0002")["state"] == "draft" and one(d, id="NCSC-2019-0002")["version"] == "1.00"' \
	"advisory list: a draft"
js 'one(d, id="NCSC-2019-0001")["classification"] == "high/high"' "advisory list: the classification"
must advisory list
line '^NCSC-2019-0001 +1\.02 ' "advisory list as a table"

# vulnerability records: exploit status rises with the matrix, and never falls
must --json vuln list
js 'sorted(r["cve"] for r in d) == ["CVE-2019-0001", "CVE-2019-11510", "CVE-2019-11539", "CVE-2019-19781", "CVE-2020-0601"]' \
	"vuln list: one record per CVE"
must --json vuln show CVE-2019-11510
js 'd["exploit_status"] == "none"' "no exploit code: exploit status none"
js 'one(d["products"], product="pulsesecure:pulse_connect_secure")["range"] == ">=8.3|<8.3R7.1|>=9.0|<9.0R3.4"' \
	"vuln show: the product and its range"
js "d['advisories'] == ['$P']" "vuln show: the advisories on it"
js 'd["learned"] == "2019-05-01T09:00:00Z"' "vuln show: learned of, from --at"
must --at 2019-05-01T10:00:00Z advisory publish $P
must --at 2019-08-21T09:00:00Z advisory update $P --exploit poc --change "Exploitcode is publiek"
must --json vuln show CVE-2019-11510
js 'd["exploit_status"] == "poc"' "--exploit poc raises the exploit status none -> poc"
must --at 2019-08-22T09:00:00Z advisory update $P --exploit none --change "Teruggezet"
must --json vuln show cve-2019-11510
js 'd["exploit_status"] == "poc"' "the exploit status never falls (and the CVE id is read in any case)"
must --json vuln show CVE-2019-19781
js 'd["exploit_status"] in ("public", "poc") and d["exploit_status"] != "none"' \
	"Citrix: exploit code public after 1.02"
js 'one(d["fixed"], product="citrix:adc")["version"] == "13.0-47.23"' "vuln show: fixed versions"
must vuln show CVE-2019-19781
has "CVE-2019-19781" "vuln show as text"

# a prefix from init
DB=$T/p.db
must init --prefix CSIRT
must --json --at 2021-03-01T00:00:00Z advisory new --title T --cve CVE-2021-26855 \
	--affects 'microsoft:exchange_server:*'
js 'd["id"] == "CSIRT-2021-0001"' "the prefix set at init"
must advisory show CSIRT-2021-0001 --format plain
line '^##  C S I R T ~ B E V E I L I G I N G S A D V I E S  ##$' "the banner spells the prefix"

DB=$T/t.db
must --json audit verify
js 'd["intact"] is True' "event log intact"
finish
