# Escaping: markup stored in every text field an advisory, an organisation and a contact have
# comes back escaped on every page that shows it (HTML and Atom), never as markup.
. "$(dirname "$0")/lib.sh"

trap stop_server EXIT

X='<script>alert(1)</script>"><img src=x onerror=alert(2)>'"'"
seed_orgs
must org add evil-org --name "Org $X" --kind agency --sector "sector $X"
must org contact evil-org --name "Contact $X" --role "role $X" --email evil@x.example --phone "+31 70 000 0009"
must inventory add evil-org --product citrix:adc --version 13.0-47.22
must --at 2019-12-18T09:00:00Z advisory new --title "Title $X" --cve CVE-2019-19781 \
	--affects 'citrix:adc:>=13.0|<13.0.47.24' --platform "Platform $X" --summary "Summary $X" \
	--description "Description $X

second paragraph $X" --solution "Solution $X" --reference "https://example.org/?a=1&b='x'" \
	--change "Change $X" $MH
ID=$(new_id)
must --at 2019-12-18T10:00:00Z advisory publish "$ID"
must --at 2019-12-24T12:00:00Z advisory update "$ID" $HH --likelihood high --impact high \
	--rationale "Rationale $X" --change "Second $X"
must --at 2019-12-24T12:05:00Z advisory publish "$ID"
must user add ana --role analyst
must --json token create ana
TOK=$(jv 'd["token"]')

serve_start

for path in / /advisories "/advisories/$ID" "/advisories/$ID?version=1.00" /feed.atom \
	"/advisories?product=%3Cscript%3E&cve=%22%3E%3Cimg" /portal /staff/calls \
	"/login?next=%22%3E%3Cscript%3E" "/advisories/%3Cscript%3E"; do
	for who in public analyst; do
		NCHECK=$((NCHECK + 1))
		if [ $who = analyst ]; then
			curl -s -H "Authorization: Bearer $TOK" "$U$path" >"$T/page"
		else
			curl -s "$U$path" >"$T/page"
		fi
		if grep -qiE '<script|<img' "$T/page"; then
			fail "$who $path shows stored markup unescaped: $(grep -oiE '.{30}(<script|<img).{20}' "$T/page" | head -n 2)"
		fi
	done
done
# the portal of the organisation whose every text holds markup
must org netblock evil-org 203.0.113.0/24
must --at 2020-01-10T09:00:00Z followup request "$ID" --to evil-org --deadline 2020-01-13T12:00:00Z \
	--question "Question $X"
must --at 2020-01-11T09:00:00Z followup respond "$ID" evil-org --status kept-on --c1 "C1 $X" \
	--c2 "C2 $X" --c3 "C3 $X" --note "Note $X"
must user add evil --role constituent --org evil-org
must --json token create evil
ETOK=$(jv 'd["token"]')
CID=$("$PY" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"select id from contacts where org_id='evil-org'\").fetchone()[0])" "$DB")
for path in /portal /portal/inventory /portal/contacts "/portal/contacts/$CID/edit" /portal/netblocks \
	"/portal/followup/$ID" /portal/systems; do
	NCHECK=$((NCHECK + 2))
	curl -s -H "Authorization: Bearer $ETOK" "$U$path" >"$T/page"
	if grep -qiE '<script|<img' "$T/page"; then
		fail "constituent $path shows stored markup unescaped: $(grep -oiE '.{30}(<script|<img).{20}' "$T/page" | head -n 2)"
	fi
	grep -q '&lt;script&gt;' "$T/page" || [ "$path" = /portal/netblocks ] || [ "$path" = /portal/systems ] ||
		fail "constituent $path does not show the stored text escaped"
done
NCHECK=$((NCHECK + 3))
curl -s "$U/advisories/$ID" >"$T/page"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img' "$T/page" || fail "the title is not shown escaped"
grep -q 'href="https://example.org/?a=1&amp;b=&#39;x&#39;"' "$T/page" || fail "the reference is not an escaped link"
curl -s -H "Authorization: Bearer $TOK" "$U/staff/calls" | grep -q 'Contact &lt;script&gt;' ||
	fail "the calling list does not show the contact's name, escaped"
NCHECK=$((NCHECK + 1))
curl -s -D "$T/h" -o /dev/null "$U/advisories/$ID?format=json"
grep -qi '^content-type: application/json' "$T/h" && grep -qi '^x-content-type-options: nosniff' "$T/h" ||
	fail "JSON is not served as application/json with nosniff"
# the analyst's and coordinator's screens: an incident, a scan, a draft, all with markup
must --at 2020-01-11T12:00:00Z incident new evil-inc --title "Incident $X" --advisory "$ID"
must --at 2020-01-12T12:00:00Z incident scale evil-inc --level 1 --by "By $X" --reason "Reason $X"
must --at 2020-01-12T13:00:00Z incident log evil-inc --kind decision --text "Decision $X" --approved-by "Minister $X"
must --at 2020-01-12T14:00:00Z incident log evil-inc --kind communication --channel faq --title "Q $X" --text "A $X"
must --at 2020-01-12T15:00:00Z incident log evil-inc --kind meeting --text "Meeting $X" --participants "P $X"
must org netblock evil-org 198.18.0.0/24
printf 'ip,port,seen_at,cve\n198.18.0.5,443,2020-01-13T03:00:00Z,CVE-2019-19781\n' >"$T/scan.csv"
must --at 2020-01-13T08:00:00Z scan import "$T/scan.csv"
must --at 2020-01-14T09:00:00Z advisory update "$ID" --summary "Draft $X" --solution "Draft solution $X" \
	--change "Draft change $X"
for path in /staff/dashboard "/staff/advisories/$ID/status" "/staff/advisories/$ID/alerts" \
	"/staff/advisories/$ID/preview" "/staff/advisories/$ID/preview?lang=en" "/staff/advisories/$ID/recipients" \
	/staff/incidents /staff/incidents/evil-inc /staff/scans "/staff/scans?advisory=$ID" \
	"/staff/scans?advisory=$ID&by=sector" "/staff/advisories/$ID/edit" "/staff/scans?cve=%3Cscript%3E" \
	"/staff/advisories/%3Cscript%3E/status" "/staff/dashboard?at=%3Cscript%3E"; do
	NCHECK=$((NCHECK + 1))
	curl -s -H "Authorization: Bearer $TOK" "$U$path" >"$T/page"
	if grep -v '^<script src="/classify.js" defer></script>$' "$T/page" | grep -qiE '<script|<img'; then
		fail "analyst $path shows stored markup unescaped: $(grep -oiE '.{30}(<script|<img).{20}' "$T/page" | head -n 2)"
	fi
done
for what in "status:Org &lt;script&gt;" "incidents/evil-inc:Decision &lt;script&gt;" "incidents/evil-inc:Minister &lt;script&gt;" \
	"incidents/evil-inc:P &lt;script&gt;" "incidents/evil-inc:Q &lt;script&gt;" "preview:Draft &lt;script&gt;" \
	"recipients:Contact &lt;script&gt;" "scans-sector:sector &lt;script&gt;"; do
	NCHECK=$((NCHECK + 1))
	case ${what%%:*} in
	incidents/*) p="/staff/${what%%:*}" ;;
	scans-sector) p="/staff/scans?advisory=$ID&by=sector" ;;
	*) p="/staff/advisories/$ID/${what%%:*}" ;;
	esac
	curl -s -H "Authorization: Bearer $TOK" "$U$p" | grep -qF -- "${what#*:}" || fail "$p does not show '${what#*:}'"
done
finish
