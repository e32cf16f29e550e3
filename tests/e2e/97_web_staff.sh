# The analyst's screens: write an advisory in a form, publish it (alerts are made as by the
# command), change it into 1.01 high/high; the same refusals as the commands; only analysts.
. "$(dirname "$0")/lib.sh"

trap stop_server EXIT
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

seed_orgs
must user add ana --role analyst
must user add coo --role coordinator
must user add c-agency --role constituent --org agency-a1
for u in ana coo c-agency; do
	printf 'password of %s\n' "$u" | "$BAKEN" --db "$DB" user password "$u" >/dev/null 2>&1 || fail "user password $u"
done
serve_start
login() { # NAME JAR
	cs=$(curl -s -c "$2" -b "$2" "$U/login" | csrf_of)
	[ "$(code -c "$2" -b "$2" --data-urlencode "password=password of $1" -d "name=$1&csrf=$cs" "$U/login")" = 303 ] ||
		die "$1 cannot log in"
}
login ana "$T/ana"
login coo "$T/coo"
login c-agency "$T/con"
NCHECK=$((NCHECK + 4))
[ "$(code "$U/staff/advisories/new")" = 303 ] || fail "the public is not sent to log in for the form"
[ "$(code -b "$T/con" "$U/staff/advisories/new")" = 403 ] || fail "a constituent gets the advisory form"
[ "$(code -b "$T/coo" "$U/staff/advisories/new")" = 403 ] || fail "a coordinator gets the advisory form (analysts write advisories)"
curl -s -b "$T/ana" "$U/staff/advisories/new" >"$T/form.html"
grep -q 'name="fix-available"' "$T/form.html" || fail "the form lacks the classification questions"
CS=$(csrf_of <"$T/form.html")
MHFORM="default-config=yes&exploit=none&details=somewhat&access=internet&credentials=none&complexity=average&interaction=none&exploited=no&exploit-expected=no&fix-available=none&dos=no&code-exec=root&remote=no&privesc=no&leak=no"

# a refusal changes nothing and says why
snap "$T/before"
NCHECK=$((NCHECK + 3))
curl -s -b "$T/ana" -o "$T/page" -w '%{http_code}' -d "csrf=$CS&title=&cve=CVE-2019-19781&$MHFORM" \
	--data-urlencode "affects=citrix:adc:>=13.0|<13.0.47.24" "$U/staff/advisories" >"$T/code"
[ "$(cat "$T/code")" = 400 ] && grep -q 'class="error"' "$T/page" || fail "a form without a title: $(cat "$T/code"), no reason shown"
[ "$(code -b "$T/coo" -d "csrf=$CS&title=x" "$U/staff/advisories")" = 403 ] || fail "a coordinator may post an advisory"
snap "$T/after"
cmp -s "$T/before" "$T/after" || fail "a refused form changed the database"
NCHECK=$((NCHECK + 1))
[ "$(code -b "$T/ana" -d "title=Zonder+token&cve=CVE-2019-19781&$MHFORM" "$U/staff/advisories")" = 403 ] ||
	fail "a form without the CSRF token is not refused"

# write, publish, change, publish
curl -s -b "$T/ana" -D "$T/h" -o /dev/null -d "csrf=$CS&title=Kwetsbaarheid+in+Citrix+ADC&cve=CVE-2019-19781&tlp=CLEAR&platform=Citrix+ADC&$MHFORM" \
	--data-urlencode "affects=citrix:adc:>=13.0|<13.0.47.24" --data-urlencode "summary=Een kwaadwillende kan code uitvoeren." \
	"$U/staff/advisories"
ID=$(sed -n 's/^[Ll]ocation: \/advisories\/\([A-Z0-9-]*\).*/\1/p' "$T/h" | tr -d '\r')
[ -n "$ID" ] || die "creating from the form redirected nowhere: $(tr '\r\n' '  ' <"$T/h")"
NCHECK=$((NCHECK + 3))
[ "$(code "$U/advisories/$ID")" = 404 ] || fail "the public sees the draft"
curl -s -b "$T/ana" "$U/advisories/$ID" >"$T/page"
grep -q "/staff/advisories/$ID/publish" "$T/page" || fail "the draft's page has no publish form for the analyst"
CS=$(csrf_of <"$T/page")
[ "$(code -b "$T/ana" -X POST "$U/staff/advisories/$ID/publish")" = 403 ] || fail "publish without the CSRF token is not refused"
NCHECK=$((NCHECK + 1))
[ "$(code -b "$T/ana" -d "csrf=$CS" "$U/staff/advisories/$ID/publish")" = 303 ] || fail "publishing from the page fails"
must advisory show "$ID" --format plain
line '^Kans +: medium$' "published from the form: medium"
line '^Schade +: high$' "published from the form: high"
NCHECK=$((NCHECK + 1))
curl -s "$U/advisories/$ID?format=plain" >"$T/web.txt"
cmp -s "$T/out" "$T/web.txt" || fail "the web plain text differs from the CLI's"
must --json alert list --advisory "$ID"
js 'orgs(d) == ["agency-a1"]' "publishing from the web alerts as the command does"
NCHECK=$((NCHECK + 1))
CS=$(curl -s -b "$T/ana" "$U/staff/advisories/$ID/edit" | csrf_of)
[ "$(code -b "$T/ana" -d "csrf=$CS&exploit=poc&exploit-expected=yes" "$U/staff/advisories/$ID/update")" = 400 ] ||
	fail "a change without --change text is accepted"
NCHECK=$((NCHECK + 1))
[ "$(code -b "$T/ana" -d "csrf=$CS&exploit=poc&exploit-expected=yes&change=Inschaling+verhoogd" "$U/staff/advisories/$ID/update")" = 303 ] &&
	[ "$(code -b "$T/ana" -d "csrf=$CS" "$U/staff/advisories/$ID/publish")" = 303 ] || fail "changing and publishing 1.01 fails"
must advisory show "$ID" --format plain
line '^Versie +: 1\.01$' "1.01 from the web"
line '^Kans +: high$' "1.01 is high/high"
has "Inschaling verhoogd" "the change line"
must --json call list
js '"agency-a1" in orgs(d)' "high/high from the web makes a call task"
must audit verify
has "intact" "the event log holds"
must --json audit verify
NCHECK=$((NCHECK + 1))
"$PY" -c "
import sqlite3,sys
c=sqlite3.connect(sys.argv[1])
a=[r[0] for r in c.execute(\"select distinct actor from events where action like 'advisory.%'\")]
sys.exit(0 if 'web:ana' in a else 1)" "$DB" || fail "the event log does not name the analyst (web:ana)"
# the calling list: claim a task, record the outcome
curl -s -b "$T/ana" "$U/staff/calls" >"$T/calls.html"
TASK=$(sed -n 's|.*action="/staff/calls/\([0-9]*\)/claim".*|\1|p' "$T/calls.html" | head -n 1)
CS=$(csrf_of <"$T/calls.html")
NCHECK=$((NCHECK + 4))
[ -n "$TASK" ] || die "the calling list offers no task to claim"
[ "$(code -b "$T/con" -d "csrf=$CS" "$U/staff/calls/$TASK/claim")" = 403 ] || fail "a constituent may claim a call"
[ "$(code -b "$T/ana" -d "csrf=$CS" "$U/staff/calls/$TASK/claim")" = 303 ] || fail "claiming a call task fails"
curl -s -b "$T/ana" "$U/staff/calls" | grep -q "action=\"/staff/calls/$TASK/done\"" || fail "the claimed task offers no outcome form"
[ "$(code -b "$T/ana" -d "csrf=$CS&outcome=reached&note=CISO+gesproken" "$U/staff/calls/$TASK/done")" = 303 ] ||
	fail "recording the outcome fails"
must --json call list --all
js 'any(c["alert"] == '"$TASK"' and c["outcome"] == "reached" for c in d)' "the call's outcome is recorded"

# the portal: a constituent acknowledges its organisation's alert
curl -s -b "$T/con" "$U/portal" >"$T/portal.html"
AL=$(sed -n 's|.*action="/portal/alerts/\([0-9]*\)/ack".*|\1|p' "$T/portal.html" | head -n 1)
CS=$(csrf_of <"$T/portal.html")
NCHECK=$((NCHECK + 2))
[ -n "$AL" ] || die "the portal offers no alert to acknowledge"
[ "$(code -b "$T/con" -d "csrf=$CS" "$U/portal/alerts/$AL/ack")" = 303 ] || fail "acknowledging from the portal fails"
must --json alert list --org agency-a1
js 'any(a["alert"] == '"$AL"' and a["state"] == "acknowledged" for a in d)' "the portal acknowledged the alert"
finish
