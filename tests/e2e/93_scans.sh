# Scan results end to end: a Shadowserver Vulnerable-HTTP report written from its published
# column list maps each address (IPv4 and IPv6) to the most specific netblock's organisation;
# addresses in no netblock are kept and listed by AS number; duplicate rows add nothing; the
# same file twice adds nothing; one mail per organisation and advisory reaches a real SMTP
# server, listing its addresses; the quiet period holds and a new CVE breaks it; high/high
# makes call tasks for government and vital owners; truncated files and unknown headers are
# refused with the line and leave the store as it was; exposure per day, fixed, and the chart;
# a netblock registered later takes the systems seen in it, and their new owner is told.
. "$(dirname "$0")/lib.sh"

SMTP=$(free_port)
MAILS=$T/mails.jsonl
: >"$MAILS"
"$PY" "$(dirname "$0")/peers.py" smtp "$SMTP" "$MAILS" &
SINK=$!
trap 'kill $SINK 2>/dev/null' EXIT
sleep 1
q() { "$PY" -c "
import json
mails = [json.loads(l) for l in open('$MAILS')]
print($1)"; }
check() { NCHECK=$((NCHECK + 1)); got=$(q "$1"); [ "$got" = "$2" ] || fail "$3: got '$got', want '$2'"; }

seed_orgs
must org contact min-a --name "CISO A" --role ciso --email ciso@a.example --phone +31700000003
must org netblock min-a 198.51.0.0/16
must org netblock agency-a1 198.51.100.0/24
must org netblock vital-e 203.0.113.0/25 2001:db8:e::/48
must config set smtp.url "smtp://127.0.0.1:$SMTP"
must config set smtp.from "advies@csirt.example"
must --at 2019-12-18T09:00:00Z advisory new --title "Kwetsbaarheid in Citrix ADC" --cve CVE-2019-19781 \
	--affects 'citrix:adc:>=13.0|<13.0.47.24' $MH
ID=$(new_id)
must --at 2019-12-18T10:00:00Z advisory publish "$ID" --silent

# Vulnerable-HTTP, the columns as Shadowserver publishes them
HDR='"timestamp","severity","ip","protocol","port","hostname","tag","asn","geo","region","city","naics","hostname_source","sector","http","http_code","http_reason","content_type","connection","www_authenticate","set_cookie","server","content_length","transfer_encoding","http_date","version","build_date","detail","build_branch"'
row() { # time ip port tag asn
	printf '"2020-01-13 %s","critical","%s","tcp",%s,,"%s",%s,"NL",,,,,,"HTTP/1.1",403,"Forbidden",,,,,,,,,,,,\n' "$1" "$2" "$3" "$4" "$5"
}
F=$T/2020-01-13-scan_http_vulnerable-nl-geo.csv
{
	echo "$HDR"
	row 03:12:44 198.51.100.7 443 'citrix;cve-2019-19781' 64500
	row 03:12:44 198.51.100.7 443 'citrix;cve-2019-19781' 64500
	row 03:13:01 198.51.7.9 443 'citrix;cve-2019-19781' 64500
	row 03:13:02 198.51.7.10 8443 'citrix;cve-2019-19781' 64500
	row 03:15:22 203.0.113.200 443 'citrix;cve-2019-19781' 64501
	row 03:15:23 192.0.2.77 443 'citrix;cve-2019-19781' 64499
	row 03:16:40 2001:db8:e:1::5 443 'citrix;cve-2019-19781' 64501
	row 03:17:00 203.0.113.9 443 'http' 64501
} >"$F"
must --json --at 2020-01-13T08:00:00Z scan import "$F"
js 'd["report"] == "scan_http_vulnerable" and d["rows"] == 8 and d["duplicates"] == 1' "the report is recognised; the duplicate row counted"
js 'd["observations"] == 7 and d["unmatched"] == 2 and d["organisations_informed"] == 3' "observations and owners informed"
js 'd["source"] == "shadowserver/scan_http_vulnerable"' "the default source names the report"
must --json scan list
js 'one(d, ip="198.51.100.7")["org"] == "agency-a1"' "the agency's /24 inside the ministry's /16 goes to the agency"
js 'one(d, ip="198.51.7.9")["org"] == "min-a" and one(d, ip="198.51.7.10")["ports"] == [8443]' "the rest of the /16 to the ministry"
js 'one(d, ip="2001:db8:e:1::5")["org"] == "vital-e"' "IPv6 by its /48"
js 'one(d, ip="203.0.113.200")["org"] is None and one(d, ip="192.0.2.77")["org"] is None' "addresses in no netblock are kept, without org"
js 'one(d, ip="203.0.113.9")["cve"] == "" and one(d, ip="203.0.113.9")["org"] == "vital-e"' "a row without a CVE is kept"
must --json scan list --unmatched
js '[r["asn"] for r in d] == [64499, 64501]' "unmatched systems listed by AS number"
must --json scan list --observations --org agency-a1
js 'len(d) == 1 and d[0]["line"] == 2 and d[0]["raw"].startswith("\"2020-01-13 03:12:44\"")' "an observation keeps its line and its row"
must --json scan list --advisory "$ID" --org min-a
js 'len(d) == 2' "filters by advisory and organisation"

# the mails: one per organisation and advisory, listing its own addresses
must --json alert deliver
js 'd["delivered"] == 3' "three mails"
check 'sorted(r for m in mails for r in m["to"])' "['ciso@a.example', 'ciso@a1.example', 'soc@e.example']" "the owners' contacts"
check '[m for m in mails if "ciso@a.example" in m["to"]][0]["body"].count("198.51.7.")' 2 "the ministry's mail lists its two addresses"
check '"198.51.100.7" in [m for m in mails if "ciso@a.example" in m["to"]][0]["body"]' False "not the agency's"
check '"kwetsbare systemen gezien" in [m for m in mails if "ciso@a.example" in m["to"]][0]["subject"]' True "the subject says what it is"
must --json call list
js 'len(d) == 0' "medium/high: no calls"

# the same file again: nothing added, nobody told twice
must --json scan import "$F"
js 'd["already"] == True' "a second import of the file adds nothing"
must --json scan list --observations
js 'len(d) == 7' "still seven observations"

# the next day, the same systems: quiet; a new CVE on an address breaks the quiet
must --at 2020-01-24T12:00:00Z advisory update "$ID" $HH --change "high/high"
must --at 2020-01-24T12:05:00Z advisory publish "$ID" --silent
must --at 2020-01-24T12:06:00Z advisory new --title "Pulse Secure" --cve CVE-2019-11510 \
	--affects 'pulsesecure:pulse_connect_secure:*' $MH
ID2=$(new_id)
must --at 2020-01-24T12:07:00Z advisory publish "$ID2" --silent
F2=$T/2020-01-14-scan_http_vulnerable-nl-geo.csv
{
	echo "$HDR"
	row 03:12:44 198.51.100.7 443 'citrix;cve-2019-19781' 64500 | sed 's/01-13/01-14/'
	row 03:12:45 198.51.7.9 443 'pulse;cve-2019-11510' 64500 | sed 's/01-13/01-14/'
} >"$F2"
must --json --at 2020-01-14T08:00:00Z scan import "$F2"
js 'd["organisations_informed"] == 1' "only the new CVE is told, within the quiet period"
must --json alert list --org agency-a1
js 'len([r for r in d if r["channel"] == "email"]) == 1' "the agency is not told again"
# after the quiet period: told again, and called (high/high, government)
F3=$T/2020-01-22-scan_http_vulnerable-nl-geo.csv
{
	echo "$HDR"
	row 03:12:44 198.51.100.7 443 'citrix;cve-2019-19781' 64500 | sed 's/01-13/01-22/'
} >"$F3"
must --json --at 2020-01-22T08:00:00Z scan import "$F3"
js 'd["organisations_informed"] == 1 and d["call"] == 1' "after seven days: told again, and a call task"
must config set scan.quiet_days 30
bad 1 "scan.quiet_days" config set scan.quiet_days forty

# refusals: the line and the reason, and the store as it was
printf '%s\n%s' "$HDR" "$(row 03:12:44 198.51.100.7 443 'citrix;cve-2019-19781' 64500 | cut -c1-60)" >"$T/cut.csv"
bad 1 'cut.csv:2: .*truncated' scan import "$T/cut.csv"
printf 'when,where,what\n1,2,3\n' >"$T/odd.csv"
bad 1 'odd.csv:1: unknown header "when,where,what"' scan import "$T/odd.csv"
printf 'ip,port,seen_at,cve\n198.51.100.1,443,2020-01-13,CVE-2019-19781\n300.0.0.1,443,2020-01-13,\n' >"$T/badip.csv"
bad 1 'badip.csv:3: field ip: bad IP address "300.0.0.1"' scan import "$T/badip.csv"
bad 2 "format" scan import "$F" --format xml
bad 1 "cannot open" scan import "$T/missing.csv"

# plain CSV and JSON lines, another source
printf 'ip,port,seen_at,cve,product,version\n198.51.100.50,443,2020-01-15T10:00:00Z,CVE-2019-19781,citrix:adc,13.0-47.22\n' >"$T/own.csv"
must --json --at 2020-01-15T12:00:00Z scan import "$T/own.csv" --source own-scan
js 'd["format"] == "csv" and d["source"] == "own-scan"' "plain CSV with --source"
printf '{"ip": "2001:db8:e::77", "port": 443, "seen_at": "2020-01-15T10:00:00Z", "cve": ["CVE-2019-19781"]}\n' >"$T/own.jsonl"
must --json --at 2020-01-15T12:00:00Z scan import "$T/own.jsonl"
js 'd["format"] == "json" and d["matched"] == 1' "JSON lines"

# exposure over time
must --json --at 2020-01-23T00:00:00Z scan stats
js 'one(d, cve="CVE-2019-19781")["informs"] == "yes" and one(d, cve="CVE-2019-19781")["unmatched"] == 2' "per CVE"
must --json --at 2020-01-23T00:00:00Z scan stats --cve CVE-2019-19781 --by kind --svg "$T/chart.svg"
js 'd["days"][0]["day"] == "2020-01-13" and d["days"][0]["systems"] == 6' "six systems on 13 January"
js '{g["kind"]: g["systems"] for g in d["days"][0]["by"]} == {"agency": 1, "ministry": 2, "vital": 1, "unmatched": 2}' "per kind"
js 'len(d["days"]) == 10 and d["days"][3]["systems"] == 0' "days without sightings count zero"
NCHECK=$((NCHECK + 1))
grep -q '<title>2020-01-13: 6</title>' "$T/chart.svg" && grep -q '>6</text>' "$T/chart.svg" ||
	fail "the chart gives the number of each day as text"
must --json --at 2020-01-23T00:00:00Z scan stats --cve CVE-2019-19781 --org min-a --by org
js 'orgs(d) == ["min-a"]' "a constituent sees only its own systems"
must --at 2020-01-23T00:00:00Z scan stats --advisory "$ID"
line '^2020-01-13  +6$' "the table gives the number of each day"
must config set scan.fixed_after 1
must --json --at 2020-01-23T00:00:00Z scan list --cve CVE-2019-19781 --org min-a
js 'one(d, ip="198.51.7.10")["state"] == "fixed"' "not seen in the last scan of its source: fixed"
must --json scan stats --cve CVE-2000-0001
js 'd["informs"].startswith("no advisory")' "a CVE without an advisory informs nobody, and says so"

# a netblock registered after the scans: what was seen in it goes to its new owner (systems,
# observations, the days), who is told once, like of a new observation; nobody twice
must config set scan.fixed_after 3
must --at 2020-01-23T01:00:00Z org netblock vital-e 192.0.2.0/24
must --json --at 2020-01-23T01:00:00Z scan list --org vital-e
js 'one(d, ip="192.0.2.77")["org"] == "vital-e" and one(d, ip="192.0.2.77")["reported_at"] == "2020-01-23T01:00:00Z"' "a netblock added later takes its systems"
must --json --at 2020-01-23T01:00:00Z scan list --unmatched
js '[r["asn"] for r in d] == [64501]' "no longer unmatched"
must --json --at 2020-01-23T01:00:00Z scan list --observations --org vital-e
js '[o["raw"] for o in d if o["ip"] == "192.0.2.77"] == [open("'"$F"'").read().split("\n")[6]]' "its observation follows, with the original row"
must --json --at 2020-01-23T00:00:00Z scan stats --cve CVE-2019-19781 --by kind
js '{g["kind"]: g["systems"] for g in d["days"][0]["by"]} == {"agency": 1, "ministry": 2, "vital": 2, "unmatched": 1}' "its days count for the new owner"
must --json --at 2020-01-23T01:05:00Z alert deliver
check 'len([m for m in mails if "soc@e.example" in m["to"] and "192.0.2.77" in m["body"]])' 1 "the new owner is told"
must --at 2020-01-23T02:00:00Z org netblock vital-e 192.0.2.0/24 192.0.2.0/25
must --json --at 2020-01-23T02:05:00Z alert deliver
js 'd["delivered"] == 0' "a netblock given again, or a smaller one of the same owner: nobody told twice"
must audit verify
finish
