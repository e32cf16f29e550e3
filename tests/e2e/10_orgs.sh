# Organisations: the tree, kinds in any case, sectors, contacts (role, 24/7), IPv4 and IPv6
# netblocks, CSV and JSON import (a parent defined later in the file, re-import updates), list
# and show.
. "$(dirname "$0")/lib.sh"

must --json init
js 'd["prefix"] == "NCSC"' "init --json names the prefix"
ok --json org list
js 'd == []' "a new database has no organisations"

# add: kinds in any case, the tree, sectors
must --json org add min-a --name "Ministerie A" --kind MINISTRY
js 'd["org"] == "min-a"' "org add --json names the organisation"
must org add agency-a1 --name "Dienst A1" --kind Agency --parent min-a
must org add agency-a2 --name "Dienst A2" --kind agency --parent min-a
must org add vital-e --name "Energie E" --kind VITAL --sector energy
must org add partner-z --name "Z-CERT" --kind Partner --sector healthcare
must org add other-x --name "Gemeente X" --kind other
ok --json org list
js '[r["org"] for r in d] == ["agency-a1", "agency-a2", "min-a", "other-x", "partner-z", "vital-e"]' \
	"org list: every organisation, by id"
js 'one(d, org="min-a")["kind"] == "ministry" and one(d, org="agency-a1")["kind"] == "agency"' \
	"kinds are stored in their canonical lower case"
js 'one(d, org="vital-e")["kind"] == "vital" and one(d, org="partner-z")["kind"] == "partner"' \
	"kinds in any case"
js 'one(d, org="agency-a1")["parent"] == "min-a" and one(d, org="min-a")["parent"] is None' \
	"the tree: --parent"
js 'one(d, org="vital-e")["sector"] == "energy" and one(d, org="partner-z")["sector"] == "healthcare"' \
	"sectors"
ok --json org list --kind AGENCY
js '[r["org"] for r in d] == ["agency-a1", "agency-a2"]' "org list --kind (any case)"
ok org list
line '^min-a +Ministerie A +ministry' "org list as a table"

# contacts: role, e-mail, phone, 24x7; a contact is changed by its name
must --json org contact agency-a1 --name "CISO A1" --role CISO --email ciso@a1.example \
	--phone "+31 70 000 0001" --24x7
js 'd["org"] == "agency-a1"' "org contact --json names the organisation"
must org contact agency-a1 --name "SOC A1" --role soc --email soc@a1.example
must org contact agency-a1 --name "SOC A1" --phone +31700000002
ok --json org show agency-a1
js 'len(d["contact_list"]) == 2' "two contacts, the second changed, not added twice"
js 'one(d["contact_list"], name="CISO A1")["24x7"] is True' "--24x7"
js 'one(d["contact_list"], name="CISO A1")["email"] == "ciso@a1.example"' "contact e-mail"
js 'one(d["contact_list"], name="CISO A1")["phone"] == "+31 70 000 0001"' "contact phone"
js 'one(d["contact_list"], name="SOC A1")["24x7"] is False' "no --24x7: not reachable day and night"
js 'one(d["contact_list"], name="SOC A1")["email"] == "soc@a1.example"' \
	"changing a contact's phone keeps its e-mail"
js 'one(d["contact_list"], name="SOC A1")["phone"] == "+31700000002"' "changing a contact's phone"
js 'd["contacts"] == 2' "org show counts the contacts"

# netblocks: IPv4 and IPv6, several at once, again is no error
must --json org netblock agency-a1 198.51.100.0/24 2001:db8:a1::/48
js 'orgs(d) == ["agency-a1"] and sorted(r["cidr"] for r in d) == ["198.51.100.0/24", "2001:db8:a1::/48"]' \
	"org netblock --json: one row per netblock with its org"
must org netblock agency-a1 198.51.100.0/24
must org netblock min-a 10.0.0.0/8 2001:DB8::/32
ok --json org show min-a
js '[n["cidr"] for n in d["netblock_list"]] == ["10.0.0.0/8", "2001:db8::/32"]' \
	"netblocks in canonical form (IPv6 lower case)"
js '[c["org"] for c in d["children"]] == ["agency-a1", "agency-a2"]' "org show: the parts of a ministry"
ok --json org show agency-a1
js 'd["netblocks"] == 2 and len(d["netblock_list"]) == 2' "the same netblock twice is registered once"
js 'd["org"] == "agency-a1" and d["name"] == "Dienst A1" and d["parent"] == "min-a"' "org show fields"
ok org show agency-a1
has "CISO A1" "org show as text: contacts"
has "2001:db8:a1::/48" "org show as text: netblocks"

# CSV import: header id,name,kind,parent,sector; a parent defined later in the file; quoting
cat >"$T/orgs.csv" <<'EOF'
id,name,kind,parent,sector
jenv-dji,"Dienst Justitiële Inrichtingen, DJI",AGENCY,min-jenv,
min-jenv,Ministerie van Justitie en Veiligheid,Ministry,,
water-d,Waterbedrijf D,vital,,drinking-water
EOF
must --json org import "$T/orgs.csv"
js 'd["organisations"] == 3' "org import CSV: the count"
ok --json org show jenv-dji
js 'd["parent"] == "min-jenv"' "a parent defined later in the file"
js 'd["name"] == "Dienst Justitiële Inrichtingen, DJI"' "a quoted name with a comma, UTF-8 kept"
js 'd["kind"] == "agency"' "CSV kinds in any case"
ok --json org show water-d
js 'd["sector"] == "drinking-water" and d["kind"] == "vital"' "CSV sector"

# columns in another order, CRLF line ends, a byte order mark
printf '\357\273\277name,id,kind\r\nGemeente Y,other-y,other\r\n' >"$T/crlf.csv"
ok --json org import "$T/crlf.csv"
ok --json org show other-y
js 'd["name"] == "Gemeente Y"' "CSV with columns reordered, CRLF and a BOM"

# re-import updates: a new name, another parent, a sector
cat >"$T/orgs2.csv" <<'EOF'
id,name,kind,parent,sector
jenv-dji,DJI,agency,min-a,
water-d,Waterbedrijf Delta,vital,,water
EOF
must org import "$T/orgs2.csv"
ok --json org show jenv-dji
js 'd["name"] == "DJI" and d["parent"] == "min-a"' "re-import changes name and parent"
ok --json org show water-d
js 'd["name"] == "Waterbedrijf Delta" and d["sector"] == "water"' "re-import changes the sector"
ok --json org list
js 'len(d) == 10' "re-import adds no organisation"

# JSON import: an array of objects with contacts and netblocks
cat >"$T/orgs.json" <<'EOF'
[
  {"id": "csirt-dsp", "name": "CSIRT-DSP", "kind": "PARTNER", "sector": "digital-services",
   "contacts": [{"name": "Meldpunt", "role": "cert", "email": "info@csirt-dsp.example",
                 "phone": "+31 70 000 1101", "24x7": true},
                {"name": "Hoofd", "role": "manager", "email": "hoofd@csirt-dsp.example"}],
   "netblocks": ["192.0.2.0/25", "2001:db8:dd::/48"]},
  {"id": "dsp-sub", "name": "DSP onderdeel", "kind": "other", "parent": "csirt-dsp"}
]
EOF
must --json org import "$T/orgs.json"
js 'd["organisations"] == 2' "org import JSON: the count"
ok --json org show csirt-dsp
js 'd["kind"] == "partner" and d["sector"] == "digital-services"' "JSON kind (any case) and sector"
js 'len(d["contact_list"]) == 2 and one(d["contact_list"], name="Meldpunt")["24x7"] is True' \
	"JSON contacts with 24x7"
js 'one(d["contact_list"], name="Hoofd")["role"] == "manager"' "JSON contact role"
js 'sorted(n["cidr"] for n in d["netblock_list"]) == ["192.0.2.0/25", "2001:db8:dd::/48"]' \
	"JSON netblocks, IPv4 and IPv6"
js '[c["org"] for c in d["children"]] == ["dsp-sub"]' "JSON parent"

# re-import of the JSON: updated, nothing doubled
sed 's/"CSIRT-DSP"/"CSIRT voor digitale diensten"/' "$T/orgs.json" >"$T/orgs3.json"
must org import "$T/orgs3.json"
ok --json org show csirt-dsp
js 'd["name"] == "CSIRT voor digitale diensten"' "JSON re-import updates the name"
js 'len(d["contact_list"]) == 2 and len(d["netblock_list"]) == 2' \
	"JSON re-import doubles no contact or netblock"

# the event log holds every change
ok --json audit verify
js 'd["intact"] is True and d["events"] > 20' "the changes are in an intact event log"
finish
