# Inventory: vendor:product lowercased, CPE 2.3 (with --version, and with the version in the
# CPE), purl; count and internet-facing; CSV, JSON and CycloneDX 1.5 import; --replace; list
# with filters.
. "$(dirname "$0")/lib.sh"

must init
must org add min-a --name "Ministerie A" --kind ministry
must org add agency-a1 --name "Dienst A1" --kind agency --parent min-a
must org add vital-e --name "Energie E" --kind vital --sector energy
must org add other-x --name "Gemeente X" --kind other

# vendor:product in any case is stored lower case; the version keeps its case
must --json inventory add agency-a1 --product Citrix:ADC --version 13.0-47.22 --count 3 \
	--internet-facing
js 'd["org"] == "agency-a1" and d["product"] == "citrix:adc" and d["version"] == "13.0-47.22"' \
	"inventory add --json names the stored product (lower case) and version"
# CPE 2.3 with --version
must inventory add agency-a1 \
	--product 'cpe:2.3:a:citrix:application_delivery_controller:13.0:*:*:*:*:*:*:*' \
	--version 13.0-47.22
# CPE 2.3 carrying the version (9.0 with update r3.3 is 9.0R3.3)
must --json inventory add min-a --product 'cpe:2.3:a:ivanti:connect_secure:9.0:r3.3:*:*:*:*:*:*'
js 'd["product"] == "ivanti:connect_secure" and d["version"] == "9.0R3.3"' \
	"inventory add --json of a CPE names the product and the version taken from it"
# purls
must inventory add vital-e --product 'pkg:generic/pulsesecure/pulse_connect_secure@8.3R7.1'
must inventory add other-x --product 'pkg:npm/lodash@4.17.20' --count 0

ok --json inventory list
js 'len(d) == 5' "five rows"
r='one(d, org="agency-a1", product="citrix:adc")'
js "${r}['version'] == '13.0-47.22' and ${r}['count'] == 3 and ${r}['internet_facing'] is True" \
	"vendor:product lowercased, count, internet-facing"
r='one(d, org="agency-a1", product="citrix:application_delivery_controller")'
js "${r}['version'] == '13.0-47.22' and ${r}['count'] == 1 and ${r}['internet_facing'] is False" \
	"CPE 2.3 with --version; count 1 and not internet-facing by default"
js 'one(d, org="min-a", product="ivanti:connect_secure")["version"] == "9.0R3.3"' \
	"CPE 2.3: the version (and the Rn update) from the CPE"
js 'one(d, org="vital-e", product="pulsesecure:pulse_connect_secure")["version"] == "8.3R7.1"' \
	"purl: vendor from the namespace, version after @"
js 'one(d, org="other-x", product="npm:lodash")["count"] == 0' "purl without namespace; count 0"
js 'all(set(r) >= {"org", "product", "version", "count", "internet_facing"} for r in d)' \
	"every row names org, product, version, count, internet_facing"

# the same row again changes count and internet-facing, adds no row
must inventory add agency-a1 --product citrix:adc --version 13.0-47.22 --count 5
ok --json inventory list --org agency-a1 --product citrix:adc
js 'len(d) == 1 and d[0]["count"] == 5 and d[0]["internet_facing"] is False' \
	"inventory add of a row that exists updates it"

# filters: --org, --product (in any of the forms add takes)
ok --json inventory list --org min-a
js 'orgs(d) == ["min-a"] and len(d) == 1' "inventory list --org"
ok --json inventory list --product citrix:adc
js 'orgs(d) == ["agency-a1"] and len(d) == 1' "inventory list --product"
ok --json inventory list --product Citrix:ADC
js 'len(d) == 1 and d[0]["product"] == "citrix:adc"' "inventory list --product in any case"
ok inventory list
line '^agency-a1 +citrix:adc +13\.0-47\.22 +5 ' "inventory list as a table"

# CSV import: header org,product,version,count,internet_facing; CPE and purl rows
cat >"$T/inv.csv" <<'EOF'
org,product,version,count,internet_facing
vital-e,Citrix:Gateway,12.1-50.31,2,true
vital-e,"cpe:2.3:a:pulsesecure:pulse_connect_secure:9.0:r3.3:*:*:*:*:*:*",,1,no
other-x,pkg:generic/citrix/adc@13.0-47.24,,4,yes
other-x,fortinet:fortios,6.0.4,,
EOF
must --json inventory import "$T/inv.csv"
js 'd["rows"] == 4' "inventory import CSV: the number of rows"
ok --json inventory list --org vital-e
js 'one(d, product="citrix:gateway")["count"] == 2 and one(d, product="citrix:gateway")["internet_facing"] is True' \
	"CSV row: count and internet_facing true"
js 'len(where(d, product="pulsesecure:pulse_connect_secure")) == 2' \
	"CSV row with a CPE adds 9.0R3.3 beside 8.3R7.1"
js 'one(d, product="pulsesecure:pulse_connect_secure", version="9.0R3.3")["internet_facing"] is False' \
	"CSV internet_facing no"
ok --json inventory list --org other-x
js 'one(d, product="citrix:adc")["version"] == "13.0-47.24" and one(d, product="citrix:adc")["count"] == 4' \
	"CSV row with a purl"
js 'one(d, product="fortinet:fortios")["count"] == 1 and one(d, product="fortinet:fortios")["internet_facing"] is False' \
	"CSV empty count and internet_facing: 1 and false"

# CSV without the org column, with --org
printf 'product,version\ncitrix:adc,12.1-55.18\n' >"$T/noorg.csv"
must inventory import "$T/noorg.csv" --org min-a
ok --json inventory list --org min-a --product citrix:adc
js 'len(d) == 1 and d[0]["version"] == "12.1-55.18"' "CSV without an org column, with --org"

# JSON: an array of objects, and {"inventory": [...]}
cat >"$T/inv.json" <<'EOF'
[{"org": "min-a", "product": "Pulsesecure:Pulse_Connect_Secure", "version": "9.0R3.3",
  "count": 2, "internet_facing": true},
 {"org": "min-a", "product": "cpe:2.3:a:microsoft:exchange_server:2016:cu12:*:*:*:*:*:*"}]
EOF
must --json inventory import "$T/inv.json"
js 'd["rows"] == 2' "inventory import JSON: the number of rows"
ok --json inventory list --org min-a
r='one(d, product="pulsesecure:pulse_connect_secure")'
js "${r}['version'] == '9.0R3.3' and ${r}['count'] == 2 and ${r}['internet_facing'] is True" "JSON row"
js 'one(d, product="microsoft:exchange_server")["version"] == "2016-cu12"' \
	"JSON row with a CPE: version and update"
printf '{"inventory": [{"org": "agency-a1", "product": "f5:big-ip", "version": "15.1.0"}]}' \
	>"$T/inv2.json"
must inventory import "$T/inv2.json"
ok --json inventory list --org agency-a1 --product f5:big-ip
js 'len(d) == 1' 'JSON {"inventory": [...]}'

# CycloneDX 1.5 SBOM with --org: components by purl or CPE; one without either is skipped
cat >"$T/sbom.json" <<'EOF'
{
  "bomFormat": "CycloneDX",
  "specVersion": "1.5",
  "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
  "version": 1,
  "metadata": {"component": {"type": "application", "name": "portal"}},
  "components": [
    {"type": "library", "group": "org.apache.logging.log4j", "name": "log4j-core",
     "version": "2.14.1", "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
    {"type": "application", "name": "connect_secure", "version": "9.1R8",
     "cpe": "cpe:2.3:a:ivanti:connect_secure:9.1:r8:*:*:*:*:*:*"},
    {"type": "library", "name": "no-identifier", "version": "1.0"}
  ]
}
EOF
must --json inventory import "$T/sbom.json" --org other-x
js 'd["rows"] == 2' "CycloneDX: two components with an identifier"
ok --json inventory list --org other-x
js 'one(d, product="org.apache.logging.log4j:log4j-core")["version"] == "2.14.1"' "CycloneDX purl"
js 'one(d, product="ivanti:connect_secure")["version"] == "9.1R8"' "CycloneDX CPE"
js 'len(d) == 5' "CycloneDX adds to what the organisation had"

# --replace: the organisations in the file keep only the file's rows; others keep theirs
ok --json inventory list
before_total=$(jv 'len(d)')
before_other=$(jv 'len(where(d, org="vital-e")) + len(where(d, org="min-a")) + len(where(d, org="agency-a1"))')
printf 'org,product,version\nother-x,citrix:adc,13.0-47.24\nother-x,citrix:adc,13.0-58.30\n' \
	>"$T/replace.csv"
must --json inventory import "$T/replace.csv" --replace
js 'd["rows"] == 2' "--replace import: its rows"
ok --json inventory list --org other-x
js 'sorted(r["version"] for r in d) == ["13.0-47.24", "13.0-58.30"] and all(r["product"] == "citrix:adc" for r in d)' \
	"--replace: other-x keeps only the file's rows"
ok --json inventory list
js "len(d) - len(where(d, org='other-x')) == $before_other" \
	"--replace leaves the other organisations' rows alone (had $before_total rows)"
must inventory import "$T/sbom.json" --org other-x --replace
ok --json inventory list --org other-x
js 'len(d) == 2' "--replace with an SBOM"

ok --json audit verify
js 'd["intact"] is True' "event log intact after the imports"
finish
