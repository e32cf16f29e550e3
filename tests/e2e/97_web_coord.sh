# The analyst's and coordinator's screens: the classification proposal on the form (Recalculate
# without JavaScript saves nothing), the preview of a draft (plain text byte for byte the CLI's),
# who will be alerted (equal to `advisory affected` and to what publishing then alerts, also
# for a version that is no material change), the alert status per version; the dashboard, one
# advisory per organisation, the incidents, and the exposure chart, each number equal to what
# `alert status`, `followup status`, `deadline list`, `incident list` and `scan stats` print.
. "$(dirname "$0")/lib.sh"

trap stop_server EXIT
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# ---- the case: one advisory through alerts, follow-up, the BIO clock, an incident, scans ----
seed_orgs
must org add part-1 --name "Sector-CERT 1" --kind partner --sector health
must org contact part-1 --name "CERT 1" --role soc --email cert@p1.example
must org contact other-x --name "CISO X" --role ciso --email ciso@x.example
must org netblock agency-a1 198.51.100.0/24
must org netblock vital-e 203.0.113.0/24
must --at 2019-12-18T09:00:00Z advisory new --title "Kwetsbaarheid in Citrix ADC" --cve CVE-2019-19781 \
	--affects 'citrix:adc:>=13.0|<13.0.47.24' --affects 'citrix:gateway:>=12.1|<12.1.55.18' $MH
A=$(new_id)
must --at 2019-12-18T10:00:00Z advisory publish "$A"
must --at 2019-12-24T12:00:00Z advisory update "$A" $HH --change "Inschaling verhoogd"
must --at 2019-12-24T12:05:00Z advisory publish "$A"
must --json alert list --advisory "$A" --version 1.01 --org agency-a1 --channel email
AL=$(jv 'd[0]["alert"]')
must --at 2019-12-24T13:00:00Z alert ack "$AL"
BAKEN_ACTOR=cio must --at 2020-01-10T11:00:00Z followup request "$A" --to ministry agency \
	--deadline 2020-01-13T12:00:00Z --question "Hebt u de mitigaties genomen?"
must --at 2020-01-11T09:00:00Z followup respond "$A" agency-a1 --status kept-on --c1 "Meldkamer" \
	--c2 "Monitoring" --c3 "Gesegmenteerd"
BAKEN_ACTOR=cio must --at 2020-01-12T09:00:00Z followup review "$A" agency-a1 --reject --note "C3 niet onderbouwd"
must --at 2020-01-11T12:00:00Z incident new citrix-2020 --title "Citrix ADC" --advisory "$A"
must --at 2020-01-16T18:00:00Z incident scale citrix-2020 --level 1 --by NCSC --reason "Mitigaties onzeker"
must --at 2020-01-17T16:00:00Z incident log citrix-2020 --kind decision --text "Advies: uitschakelen" \
	--approved-by "Minister van JenV"
must --at 2020-01-17T17:00:00Z incident log citrix-2020 --kind communication --channel press \
	--title "Schakel Citrix uit" --text "Persbericht"
printf 'ip,port,seen_at,cve\n198.51.100.7,443,2020-01-13T03:00:00Z,CVE-2019-19781\n203.0.113.9,443,2020-01-13T04:00:00Z,CVE-2019-19781\n192.0.2.1,443,2020-01-13T05:00:00Z,CVE-2019-19781\n' >"$T/s1.csv"
printf 'ip,port,seen_at,cve\n198.51.100.7,443,2020-01-15T03:00:00Z,CVE-2019-19781\n' >"$T/s2.csv"
must --at 2020-01-13T08:00:00Z scan import "$T/s1.csv"
must --at 2020-01-15T08:00:00Z scan import "$T/s2.csv"
AT=2020-01-20T00:00:00Z
CLI=$T/cli
mkdir -p "$CLI"
must --json advisory affected "$A" && cp "$T/out" "$CLI/affected.json"
must --json alert status --advisory "$A" && cp "$T/out" "$CLI/status.json"
must --json --at $AT followup status "$A" && cp "$T/out" "$CLI/followup.json"
must --json --at $AT deadline list && cp "$T/out" "$CLI/deadlines.json"
must --json incident list && cp "$T/out" "$CLI/incidents.json"
must --json scan stats --advisory "$A" --by kind && cp "$T/out" "$CLI/scans.json"

must user add ana --role analyst
must user add coo --role coordinator
must user add cri --role crisis
must user add c-agency --role constituent --org agency-a1
must user add p-1 --role partner --org part-1
for u in ana coo cri c-agency p-1; do
	printf 'password of %s\n' "$u" | "$BAKEN" --db "$DB" user password "$u" >/dev/null 2>&1 || fail "user password $u"
done
serve_start
login() { # NAME JAR
	cs=$(curl -s -c "$2" -b "$2" "$U/login" | csrf_of)
	[ "$(code -c "$2" -b "$2" --data-urlencode "password=password of $1" -d "name=$1&csrf=$cs" "$U/login")" = 303 ] ||
		die "$1 cannot log in"
}
for u in ana coo cri c-agency p-1; do login "$u" "$T/jar-$u"; done

# ---- who may: staff read the coordinator's screens, analysts the drafts' ----
NCHECK=$((NCHECK + 1))
"$PY" - "$U" "$T" "$A" >"$T/perm" 2>&1 <<'EOF' || fail "permissions: $(cat "$T/perm")"
import subprocess, sys
U, T, A = sys.argv[1:4]
def code(path, who):
    args = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", U + path]
    if who:
        args[1:1] = ["-b", "%s/jar-%s" % (T, who)]
    return subprocess.run(args, capture_output=True, text=True).stdout
routes = {
    "/staff/dashboard": "staff", "/staff/advisories/%s/status" % A: "staff",
    "/staff/advisories/%s/alerts" % A: "staff", "/staff/incidents": "staff",
    "/staff/incidents/citrix-2020": "staff", "/staff/scans": "staff",
    "/staff/scans?advisory=%s" % A: "staff",
    "/staff/advisories/%s/preview" % A: "analyst", "/staff/advisories/%s/recipients" % A: "analyst",
}
bad = []
for path, rule in routes.items():
    for who in [None, "ana", "coo", "cri", "c-agency", "p-1"]:
        want = "303" if who is None else "200" if who == "ana" or (rule == "staff" and who in ("coo", "cri")) else "403"
        got = code(path, who)
        if got != want:
            bad.append("%s %s: %s, want %s" % (who or "public", path, got, want))
print("; ".join(bad))
sys.exit(1 if bad else 0)
EOF

# ---- the dashboard and one advisory, against the commands ----
events() { "$PY" -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM events").fetchone()[0])' "$DB"; }
E0=$(events)
curl -s -b "$T/jar-coo" "$U/staff/dashboard?at=$AT" >"$T/dash.html"
curl -s -b "$T/jar-coo" "$U/staff/advisories/$A/status?at=$AT" >"$T/status.html"
curl -s -b "$T/jar-cri" "$U/staff/incidents/citrix-2020" >"$T/incident.html"
curl -s -b "$T/jar-coo" "$U/staff/scans?advisory=$A" >"$T/scans.html"
curl -s -b "$T/jar-coo" "$U/staff/scans?advisory=$A&by=sector" >"$T/scans-sector.html"
NCHECK=$((NCHECK + 1))
[ "$(events)" = "$E0" ] || fail "reading the coordinator's screens wrote $(($(events) - E0)) events (the clocks start when their facts change, not when read)"
NCHECK=$((NCHECK + 1))
"$PY" - "$T" "$A" >"$T/dashcheck" 2>&1 <<'EOF' || fail "the coordinator's screens: $(cat "$T/dashcheck")"
import html, json, re, sys
T, A = sys.argv[1:3]
cli = lambda n: json.load(open("%s/cli/%s.json" % (T, n)))
page = lambda n: open("%s/%s.html" % (T, n)).read()
bad = []
def cells(text, rowid):
    m = re.search(r'<tr (?:id|data-[a-z]+)="%s">(.*?)</tr>' % re.escape(rowid), text, re.S)
    if not m:
        bad.append("no row %s" % rowid)
        return {}
    return {k: html.unescape(v) for k, v in re.findall(r'<td class="n-([a-z-]+)[^"]*"[^>]*>([^<]*)', m.group(1))}
def eq(what, got, want):
    if str(got) != str(want):
        bad.append("%s: page %s, command %s" % (what, got, want))
d = page("dash")
row = cells(d, "adv-" + A)
eq("affected", row.get("affected"), len({r["org"] for r in cli("affected")}))
st = cli("status")[-1]
for k in ("alerted", "delivered", "acknowledged"):
    eq(k, row.get(k), st[k])
eq("called", row.get("called"), "%d/%d" % (st["called"], st["to_call"]))
states = {}
for r in cli("deadlines"):
    if r["advisory"] == A:
        states[r["state"]] = states.get(r["state"], 0) + 1
for s in ("open", "in-time", "late", "overdue", "exempted"):
    eq("deadlines " + s, row.get(s), states.get(s, 0))
for q in cli("followup")["requests"]:
    fr = cells(d, "%s/%d" % (A, q["request"]))
    c = q["counts"]
    eq("asked", fr.get("asked"), len(q["orgs"]))
    for k, ck in (("answered", "answered"), ("kept-on", "kept-on"), ("accepted", "accepted"),
                  ("rejected", "rejected"), ("explained", "explained"), ("open", "unanswered")):
        eq("follow-up %s" % k, fr.get(k), c.get(ck, 0))
for inc in cli("incidents"):
    eq("incident level", cells(d, "inc-" + inc["id"]).get("level"), inc["level"])
if 'href="/staff/incidents/citrix-2020">citrix-2020</a> (level 1)' not in d:
    bad.append("the advisory's row does not name its incident and level")
# one advisory per organisation
s = page("status")
for v in cli("status"):
    vr = cells(s, v["version"])
    for k in ("alerted", "delivered", "acknowledged", "called", "failed", "pending"):
        eq("%s %s" % (v["version"], k), vr.get(k), v[k])
for r in cli("deadlines"):
    if r["advisory"] != A:
        continue
    m = re.search(r'<tr id="org-%s">.*?class="deadline state-([a-z-]*)"' % re.escape(r["org"]), s)
    eq("deadline of " + r["org"], m and m.group(1), r["state"])
for o in cli("followup")["requests"][-1]["orgs"]:
    m = re.search(r'<tr id="org-%s">.*?class="followup state-([a-z-]*)"' % re.escape(o["org"]), s)
    eq("follow-up of " + o["org"], m and m.group(1), o["state"])
for org in {r["org"] for r in cli("affected")}:
    m = re.search(r'<tr id="org-%s">.*?class="n-affected">(\d+)' % re.escape(org), s)
    eq("affected rows of " + org, m and m.group(1), sum(1 for r in cli("affected") if r["org"] == org))
# the incident with its log
i = page("incident")
for want in ("Advies: uitschakelen", "approved by Minister van JenV", "Schakel Citrix uit",
             "channel: press", "to level 1", 'class="n-level">1<'):
    if want not in i:
        bad.append("the incident page lacks %r" % want)
# the chart and its numbers
c = page("scans")
if "<svg" not in c or "</svg>" not in c:
    bad.append("the exposure page has no inline SVG")
days = cli("scans")["days"]
for dd in days:
    eq("systems on " + dd["day"], cells(c, dd["day"]).get("systems"), dd["systems"])
    if ">%s: %d</title>" % (dd["day"], dd["systems"]) not in c:
        bad.append("the chart lacks the number of %s" % dd["day"])
kinds = re.search(r'<table class="per-day">\s*<tr>(.*?)</tr>', c, re.S).group(1)
for dd in days:
    for b in dd.get("by", []):
        if "<th>%s</th>" % b["kind"] not in kinds:
            bad.append("no column for kind %s" % b["kind"])
if "<svg" not in page("scans-sector"):
    bad.append("by=sector has no chart")
print("; ".join(bad))
sys.exit(1 if bad else 0)
EOF
NCHECK=$((NCHECK + 3))
[ "$(code -b "$T/jar-coo" "$U/staff/scans?advisory=$A&cve=CVE-2019-19781")" = 400 ] || fail "advisory and cve together are not refused"
[ "$(code -b "$T/jar-coo" "$U/staff/scans?advisory=$A&by=colour")" = 400 ] || fail "an unknown split is not refused"
[ "$(code -b "$T/jar-coo" "$U/staff/advisories/NCSC-2019-0999/status")" = 404 ] || fail "an unknown advisory's status is not 404"
NCHECK=$((NCHECK + 1))
[ "$(code -b "$T/jar-coo" "$U/staff/dashboard?at=yesterday")" = 400 ] || fail "a bad ?at= is not refused"

# ---- the analyst: the form's proposal, Recalculate, preview, who will be alerted, publish ----
curl -s -b "$T/jar-ana" "$U/staff/advisories/new" >"$T/form.html"
CS=$(csrf_of <"$T/form.html")
NCHECK=$((NCHECK + 2))
grep -q 'id="proposal-class">low/low<' "$T/form.html" || fail "the empty form does not propose low/low"
grep -q '<script src="/classify.js"' "$T/form.html" && [ "$(code "$U/classify.js")" = 200 ] ||
	fail "the form has no /classify.js"
MHFORM="default-config=yes&exploit=none&details=somewhat&access=internet&credentials=none&complexity=average&interaction=none&exploited=no&exploit-expected=no&fix-available=none&dos=no&code-exec=root&remote=no&privesc=no&leak=no"
must --json advisory list
NADV=$(jv 'len(d)')
snap "$T/before"
curl -s -b "$T/jar-ana" -o "$T/recalc.html" -w '%{http_code}' -d "csrf=$CS&recalc=1&title=Concept+X&$MHFORM" \
	--data-urlencode "summary=Samenvatting blijft staan" "$U/staff/advisories" >"$T/code"
snap "$T/after"
NCHECK=$((NCHECK + 4))
[ "$(cat "$T/code")" = 200 ] || fail "Recalculate answers $(cat "$T/code")"
grep -q 'id="proposal-class">medium/high<' "$T/recalc.html" && grep -q 'id="proposal-lpoints">27<' "$T/recalc.html" ||
	fail "Recalculate does not propose medium/high with 27 points: $(grep -o 'proposal-class">[^<]*' "$T/recalc.html")"
grep -q 'Samenvatting blijft staan' "$T/recalc.html" && grep -q '<option value="root" data-points="2" selected>' "$T/recalc.html" ||
	fail "Recalculate loses what was typed or chosen"
cmp -s "$T/before" "$T/after" || fail "Recalculate changed the database"
curl -s -b "$T/jar-ana" -o "$T/recalc.html" -d "csrf=$CS&recalc=1&title=Concept+X&$(printf '%s' "$MHFORM" | sed 's/exploit=none/exploit=poc/; s/exploit-expected=no/exploit-expected=yes/')" "$U/staff/advisories"
NCHECK=$((NCHECK + 1))
grep -q 'id="proposal-class">high/high<' "$T/recalc.html" || fail "Recalculate with exploit code does not propose high/high"
curl -s -b "$T/jar-ana" -D "$T/h" -o /dev/null -d "csrf=$CS&title=Kwetsbaarheid+in+Citrix+Gateway&cve=CVE-2019-19781&tlp=CLEAR&$MHFORM" \
	--data-urlencode "affects=citrix:gateway:>=12.1|<12.1.55.18" --data-urlencode "summary=Een kwaadwillende kan code uitvoeren." \
	--data-urlencode "description=Eerste alinea.

Tweede alinea." "$U/staff/advisories"
ID=$(sed -n 's/^[Ll]ocation: \/advisories\/\([A-Z0-9-]*\).*/\1/p' "$T/h" | tr -d '\r')
[ -n "$ID" ] || die "creating from the form redirected nowhere: $(tr '\r\n' '  ' <"$T/h")"
must advisory show "$ID" --format plain
cp "$T/out" "$T/cli-plain.txt"
curl -s -b "$T/jar-ana" "$U/staff/advisories/$ID/preview" >"$T/preview.html"
NCHECK=$((NCHECK + 3))
"$PY" - "$T/preview.html" "$T/cli-plain.txt" <<'EOF' || fail "the preview's plain text differs from \`advisory show --format plain\`"
import html, re, sys
page = open(sys.argv[1]).read()
m = re.search(r'<pre id="preview-plain" class="plain">(.*?)</pre>', page, re.S)
sys.exit(0 if m and html.unescape(m.group(1)) == open(sys.argv[2]).read() else 1)
EOF
grep -q '<article class="preview" id="preview-html">' "$T/preview.html" && grep -q '<p>Tweede alinea.</p>' "$T/preview.html" &&
	grep -q '<h1>Kwetsbaarheid in Citrix Gateway</h1>' "$T/preview.html" || fail "the HTML preview lacks the draft's text"
grep -q "action=\"/staff/advisories/$ID/publish\"" "$T/preview.html" || fail "the preview has no publish form"
NCHECK=$((NCHECK + 1))
curl -s -b "$T/jar-ana" "$U/staff/advisories/$ID/preview?lang=en" | grep -q 'Probability\|Likelihood\|Chance' ||
	fail "the English preview is not English"
must --json advisory affected "$ID"
cp "$T/out" "$T/aff2.json"
curl -s -b "$T/jar-ana" "$U/staff/advisories/$ID/recipients" >"$T/rcpt.html"
NCHECK=$((NCHECK + 1))
"$PY" - "$T/rcpt.html" "$T/aff2.json" >"$T/why" 2>&1 <<'EOF' || fail "who will be alerted: $(cat "$T/why")"
import json, re, sys
page = open(sys.argv[1]).read()
rows = re.findall(r'<tr id="rcpt-([^"]+)" data-reason="([a-z]+)">', page)
aff = sorted({r["org"] for r in json.load(open(sys.argv[2]))})
got = sorted(o for o, why in rows if why == "affected")
partners = sorted(o for o, why in rows if why == "partner")
if got != aff or partners != ["part-1"]:
    print("affected %s (advisory affected: %s), partners %s" % (got, aff, partners))
    sys.exit(1)
EOF
grep -o 'class="n-[a-z]*">[0-9]*<' "$T/rcpt.html" | sed 's/class="n-\([a-z]*\)">\([0-9]*\)</\1=\2/' >"$T/plan"
CS=$(csrf_of <"$T/rcpt.html")
NCHECK=$((NCHECK + 1))
[ "$(code -b "$T/jar-ana" -d "csrf=$CS" "$U/staff/advisories/$ID/publish")" = 303 ] || fail "publishing from the recipients page fails"
must --json alert list --advisory "$ID" --version 1.00
NCHECK=$((NCHECK + 1))
"$PY" - "$T/out" "$T/rcpt.html" "$T/plan" <<'EOF' || fail "publishing alerted others than the page said: $(cat "$T/plan")"
import json, re, sys
alerts = json.load(open(sys.argv[1]))
planned = sorted(set(re.findall(r'<tr id="rcpt-([^"]+)"', open(sys.argv[2]).read())))
plan = dict(l.strip().split("=") for l in open(sys.argv[3]) if "=" in l)
ch = lambda c: sum(1 for a in alerts if a["channel"] == c)
ok = (sorted({a["org"] for a in alerts}) == planned and int(plan["organisations"]) == len(planned)
      and int(plan["email"]) == ch("email") and int(plan["webhook"]) == ch("webhook")
      and int(plan["calls"]) == ch("call"))
sys.exit(0 if ok else 1)
EOF
# a version that changes nothing constituents act on: only partners
must --at 2020-01-21T09:00:00Z advisory update "$ID" --change "Tekstuele correctie"
curl -s -b "$T/jar-ana" "$U/staff/advisories/$ID/recipients" >"$T/rcpt.html"
NCHECK=$((NCHECK + 1))
grep -q 'changes nothing constituents' "$T/rcpt.html" &&
	[ "$(grep -o '<tr id="rcpt-[^"]*"' "$T/rcpt.html" | tr '\n' ' ')" = '<tr id="rcpt-part-1" ' ] ||
	fail "a version without material change does not say only partners are alerted: $(grep -o '<tr id="rcpt-[^"]*"' "$T/rcpt.html" | tr '\n' ' ')"
must --at 2020-01-21T09:05:00Z advisory publish "$ID"
must --json alert list --advisory "$ID" --version 1.01
js 'orgs(d) == ["part-1"]' "publishing the immaterial version alerts the partner only, as the page said"
# the alert status per version, as `alert status`
curl -s -b "$T/jar-ana" "$U/staff/advisories/$ID/alerts" >"$T/alerts.html"
must --json alert status --advisory "$ID"
NCHECK=$((NCHECK + 1))
"$PY" - "$T/out" "$T/alerts.html" <<'EOF' || fail "the alert status page differs from \`alert status\`"
import json, re, sys
page = open(sys.argv[2]).read()
for v in json.load(open(sys.argv[1])):
    m = re.search(r'<tr data-version="%s">(.*?)</tr>' % re.escape(v["version"]), page, re.S)
    got = dict(re.findall(r'<td class="n-([a-z-]+)">(\d+)<', m.group(1))) if m else {}
    if any(int(got.get(k, -1)) != v[k] for k in ("alerted", "delivered", "acknowledged", "failed", "pending")):
        sys.exit(1)
EOF
NCHECK=$((NCHECK + 1))
curl -s -b "$T/jar-ana" "$U/staff/advisories/$ID/recipients" | grep -q 'There is no draft' ||
	fail "the recipients page of a published advisory does not say there is no draft"
finish
