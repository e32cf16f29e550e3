# The web server: the authorization matrix (every advisory route x every role and no login x
# every TLP x own/other organisation, and the other routes x roles), plain text identical to
# the CLI's, escaping of stored text, CSRF refusal, login and its rate limit, the mail's
# acknowledgement link (GET only asks, POST acknowledges), limits (405, 413), SIGTERM.
. "$(dirname "$0")/lib.sh"

trap stop_server EXIT

seed_orgs
must org add part-1 --name "Sector-CERT 1" --kind partner --sector health
must org add part-2 --name "Sector-CERT 2" --kind partner --sector water
must org contact other-x --name "CISO X" --role ciso --email ciso@x.example
A="--cve CVE-2019-19781 --affects citrix:adc:>=13.0|<13.0.47.24"
newadv() { # TITLE OPTIONS...: a published advisory; prints its id
	t=$1
	shift
	# shellcheck disable=SC2086
	ok --at 2019-12-18T09:00:00Z advisory new --title "$t" $A $MH "$@" || return 1
	i=$(new_id)
	ok --at 2019-12-18T10:00:00Z advisory publish "$i" || return 1
	printf '%s' "$i"
}
CLEAR=$(newadv "Openbaar advies")
GREEN=$(newadv "Groen advies" --tlp green --to vital-e)
AMBER=$(newadv "Amber advies" --tlp amber --to part-1)
STRICT=$(newadv "Strikt advies" --tlp amber+strict)
RED=$(newadv "Rood advies" --tlp red --to other-x)
must --at 2019-12-19T09:00:00Z advisory new --title "Concept" $A $MH
DRAFT=$(new_id)
[ -n "$CLEAR" ] && [ -n "$RED" ] && [ -n "$DRAFT" ] || die "could not write the advisories"
# a second version of the public one
must --at 2019-12-24T12:00:00Z advisory update "$CLEAR" $HH --change "Inschaling verhoogd"
must --at 2019-12-24T12:05:00Z advisory publish "$CLEAR"

# one user of every role, and constituents of each kind of organisation
user_token ana analyst
user_token coo coordinator
user_token cri crisis
user_token adm admin
user_token c-agency constituent agency-a1
user_token c-vital constituent vital-e
user_token c-other constituent other-x
user_token p-1 partner part-1
user_token p-2 partner part-2
NCHECK=$((NCHECK + 1))
run user add bad --role constituent
[ "$RC" -eq 2 ] || fail "a constituent without --org is accepted (exit $RC)"
NCHECK=$((NCHECK + 1))
run user add bad --role partner --org vital-e
[ "$RC" -eq 1 ] || fail "a partner of a vital provider is accepted (exit $RC)"
NCHECK=$((NCHECK + 1))
run user add bad --role chief
[ "$RC" -eq 2 ] || fail "an unknown role is accepted (exit $RC)"
must token create c-agency
NCHECK=$((NCHECK + 1))
[ "$(wc -l <"$T/out")" -eq 1 ] && grep -qE '^bkn_[A-Za-z0-9_-]{43}$' "$T/out" ||
	fail "token create prints more than the token: $(peek "$T/out")"
printf 'correct horse battery\n' | "$BAKEN" --db "$DB" user password c-agency >"$T/out" 2>"$T/err" ||
	fail "user password: $(peek "$T/err")"
NCHECK=$((NCHECK + 1))
printf 'short\n' | "$BAKEN" --db "$DB" user password c-agency >"$T/out" 2>"$T/err" &&
	fail "a five-letter password is accepted"
NCHECK=$((NCHECK + 1))
"$PY" -c "
import sqlite3,sys
c=sqlite3.connect(sys.argv[1])
pw=c.execute(\"select pw_hash from users where name='c-agency'\").fetchone()[0]
toks=[r[0] for r in c.execute('select hash from api_tokens')]
assert pw.startswith('\$argon2id\$'), pw
assert all(len(t)==64 for t in toks)
" "$DB" || fail "passwords are not argon2id, or tokens not stored as hashes"

serve_start

# ---- the matrix ----
NCHECK=$((NCHECK + 1))
"$PY" - "$U" "$TOKENS" "$CLEAR" "$GREEN" "$AMBER" "$STRICT" "$RED" "$DRAFT" >"$T/matrix" 2>&1 <<'EOF' ||
import json, sys, urllib.request, urllib.error
U, tokfile = sys.argv[1], sys.argv[2]
adv = dict(zip(["CLEAR", "GREEN", "AMBER", "STRICT", "RED", "DRAFT"], sys.argv[3:9]))
tokens = dict(l.split() for l in open(tokfile))
def get(path, who=None):
    req = urllib.request.Request(U + path)
    if who:
        req.add_header("Authorization", "Bearer " + tokens[who])
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
staff = ["ana", "coo", "cri", "adm"]
everyone = [None] + staff + ["c-agency", "c-vital", "c-other", "p-1", "p-2"]
# who may read which TLP (DESIGN 3): constituency = ministry, agency, vital; partners only
# when released to (--to); AMBER+STRICT and RED only those affected or addressed
sees = {
    None:       {"CLEAR"},
    "c-agency": {"CLEAR", "GREEN", "AMBER", "STRICT", "RED"},  # agency, affected
    "c-vital":  {"CLEAR", "GREEN", "AMBER"},                   # vital, runs a fixed version
    "c-other":  {"CLEAR", "RED"},                              # outside; RED names it with --to
    "p-1":      {"CLEAR", "AMBER"},                            # partner the AMBER one is released to
    "p-2":      {"CLEAR"},                                     # partner it is not released to
}
for s in staff:
    sees[s] = set(adv)
bad = []
cells = 0
for who in everyone:
    for tlp, a in adv.items():
        ok = tlp in sees[who]
        paths = [("page", "/advisories/%s" % a), ("plain", "/advisories/%s?format=plain" % a),
                 ("json", "/advisories/%s?format=json" % a),
                 ("old", "/advisory?id=%s&version=1.00&format=plain" % a),
                 ("api", "/api/v1/advisories/%s" % a), ("versions", "/api/v1/advisories/%s/versions" % a),
                 ("affected", "/api/v1/advisories/%s/affected" % a)]
        if not ok:
            paths.append(("csaf", "/advisories/%s?format=csaf" % a))
        for kind, p in paths:
            want = 200 if ok else 404
            if who is None and p.startswith("/api/"):
                want = 401
            got, body = get(p, who)
            cells += 1
            if got != want:
                bad.append("%s %s %s: %d, want %d" % (who or "public", tlp, p, got, want))
            if ok and kind == "plain" and a not in body:
                bad.append("%s %s: the plain text lacks its id" % (who, p))
    # the lists: exactly what may be read
    want = sorted(adv[t] for t in sees[who])
    if who is not None:
        st, body = get("/api/v1/advisories", who)
        got = sorted(r["id"] for r in json.loads(body)) if st == 200 else st
        cells += 1
        if got != want:
            bad.append("%s: /api/v1/advisories lists %s, want %s" % (who, got, want))
    st, body = get("/advisories", who)
    cells += 1
    for t, a in adv.items():
        if (a in body) != (t in sees[who]):
            bad.append("%s: /advisories %s %s" % (who or "public", "shows" if a in body else "lacks", t))
    st, body = get("/feed.atom", who)  # the feed is the public's, whoever asks
    cells += 1
    for t, a in adv.items():
        if (a in body) != (t == "CLEAR"):
            bad.append("%s: the feed %s %s" % (who or "public", "shows" if a in body else "lacks", t))
# other routes x roles
routes = {
    "/healthz": {None: 200, "*": 200},
    "/metrics": {None: 200, "*": 200},
    "/.well-known/security.txt": {None: 200, "*": 200},
    "/api/v1/me": {None: 401, "*": 200},
    "/api/v1/orgs": {None: 401, "*": 200},
    "/api/v1/orgs/agency-a1": {None: 401, "c-agency": 200, "staff": 200, "*": 404},
    "/api/v1/orgs/vital-e": {None: 401, "c-vital": 200, "staff": 200, "*": 404},
    "/api/v1/alerts": {None: 401, "*": 200},
    "/api/v1/calls": {None: 401, "staff": 200, "*": 403},
    "/api/v1/inventory": {None: 401, "*": 200},
    "/api/v1/inventory?org=agency-a1": {None: 401, "c-agency": 200, "staff": 200, "*": 404},
    "/api/v1/deadlines": {None: 401, "*": 200},
    "/api/v1/scans/stats": {None: 401, "*": 200},
    "/api/v1/incidents": {None: 401, "staff": 200, "*": 403},
    "/api/v1/advisories/%s/followup" % adv["CLEAR"]: {None: 401, "staff": 200, "*": 404},
    "/api/v1/orgs/agency-a1/contacts": {None: 401, "c-agency": 200, "staff": 200, "*": 404},
    "/api/v1/orgs/vital-e/netblocks": {None: 401, "c-vital": 200, "staff": 200, "*": 404},
    "/api/v1/incidents/no-such-incident/evaluation": {None: 401, "staff": 404, "*": 403},
    "/api/v1/vulns": {None: 401, "staff": 200, "*": 403},
    "/api/v1/alerts/status": {None: 401, "staff": 200, "*": 403},
    "/api/v1/vulns/CVE-2019-19781": {None: 401, "staff": 200, "*": 403},
    "/api/v1/todo": {None: 401, "ana": 200, "adm": 200, "*": 403},
    "/api/v1/users": {None: 401, "adm": 200, "*": 403},
    "/api/v1/config": {None: 401, "adm": 200, "*": 403},
    "/api/v1/config/site.url": {None: 401, "adm": 200, "*": 403},
    "/staff/calls": {None: 303, "staff": 200, "*": 403},
    "/portal": {None: 303, "*": 200},
    "/portal/inventory": {None: 303, "staff": 403, "p-1": 403, "p-2": 403, "*": 200},
    "/portal/contacts": {None: 303, "staff": 403, "*": 200},
    "/portal/netblocks": {None: 303, "staff": 403, "p-1": 403, "p-2": 403, "*": 200},
    "/portal/systems": {None: 303, "staff": 403, "*": 200},
    "/portal/followup/%s" % adv["CLEAR"]: {None: 303, "staff": 403, "*": 200},
    "/portal/followup/%s" % adv["RED"]: {None: 303, "staff": 403, "c-agency": 200, "c-other": 200, "*": 404},
    "/staff/advisories/new": {None: 303, "ana": 200, "adm": 200, "*": 403},
    "/staff/advisories/%s/edit" % adv["CLEAR"]: {None: 303, "ana": 200, "adm": 200, "*": 403},
    "/staff/advisories/%s/preview" % adv["DRAFT"]: {None: 303, "ana": 200, "adm": 200, "*": 403},
    "/staff/advisories/%s/recipients" % adv["DRAFT"]: {None: 303, "ana": 200, "adm": 200, "*": 403},
    "/staff/advisories/%s/alerts" % adv["RED"]: {None: 303, "staff": 200, "*": 403},
    "/staff/advisories/%s/status" % adv["AMBER"]: {None: 303, "staff": 200, "*": 403},
    "/staff/dashboard": {None: 303, "staff": 200, "*": 403},
    "/staff/incidents": {None: 303, "staff": 200, "*": 403},
    "/staff/incidents/no-such-incident": {None: 303, "staff": 404, "*": 403},
    "/staff/scans": {None: 303, "staff": 200, "*": 403},
    "/staff/scans?cve=CVE-2019-19781": {None: 303, "staff": 200, "*": 403},
    "/classify.js": {None: 200, "*": 200},
}
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None
opener = urllib.request.build_opener(NoRedirect)
for path, rule in routes.items():
    for who in everyone:
        want = rule.get(who, rule.get("staff") if who in staff and "staff" in rule else rule.get("*"))
        req = urllib.request.Request(U + path)
        if who:
            req.add_header("Authorization", "Bearer " + tokens[who])
        try:
            got = opener.open(req, timeout=10).status
        except urllib.error.HTTPError as e:
            got = e.code
        cells += 1
        if got != want:
            bad.append("%s %s: %d, want %d" % (who or "public", path, got, want))
# organisations: constituents and partners see only their own
for who, own in [("c-agency", "agency-a1"), ("c-other", "other-x"), ("p-1", "part-1")]:
    st, body = get("/api/v1/orgs", who)
    ids = sorted(o["org"] for o in json.loads(body))
    cells += 1
    if ids != [own]:
        bad.append("%s: /api/v1/orgs gives %s, want [%s]" % (who, ids, own))
st, body = get("/api/v1/orgs", "ana")
cells += 1
if len(json.loads(body)) < 6:
    bad.append("staff: /api/v1/orgs gives %d organisations" % len(json.loads(body)))
# alerts: only one's own organisation's
for who, own in [("c-agency", "agency-a1"), ("c-other", "other-x"), ("p-2", "part-2")]:
    st, body = get("/api/v1/alerts", who)
    orgs = {a["org"] for a in json.loads(body)}
    cells += 1
    if not orgs <= {own}:
        bad.append("%s: /api/v1/alerts shows alerts of %s" % (who, sorted(orgs - {own})))
    st, body = get("/api/v1/alerts?org=agency-a1", who)
    cells += 1
    if own != "agency-a1" and json.loads(body):
        bad.append("%s: /api/v1/alerts?org=agency-a1 shows another organisation's alerts" % who)
# affected: one's own rows only
st, body = get("/api/v1/advisories/%s/affected" % adv["CLEAR"], "c-vital")
cells += 1
if any(r["org"] != "vital-e" for r in json.loads(body)):
    bad.append("c-vital: /affected shows other organisations")
st, body = get("/api/v1/advisories/%s/affected" % adv["CLEAR"], "ana")
cells += 1
if "agency-a1" not in {r["org"] for r in json.loads(body)}:
    bad.append("staff: /affected lacks agency-a1")
# a draft's JSON does not tell the public its addressees
st, body = get("/advisories/%s?format=json" % adv["CLEAR"])
cells += 1
if "to" in json.loads(body):
    bad.append("the public JSON names the organisations addressed")
# a bad token is 401 everywhere under the API, not the public's view
st, _ = get("/api/v1/advisories")
req = urllib.request.Request(U + "/api/v1/advisories", headers={"Authorization": "Bearer bkn_" + "x" * 43})
try:
    got = urllib.request.urlopen(req, timeout=10).status
except urllib.error.HTTPError as e:
    got = e.code
cells += 1
if got != 401:
    bad.append("a bad token: %d, want 401" % got)
print("%d cells" % cells)
for b in bad:
    print("cell:", b)
sys.exit(1 if bad else 0)
EOF
	fail "authorization matrix: $(grep -c '^cell:' "$T/matrix") wrong cells: $(grep '^cell:' "$T/matrix" | head -n 12)"
NCHECK=$((NCHECK + $(sed -n 's/^\([0-9]*\) cells$/\1/p' "$T/matrix")))

NCHECK=$((NCHECK + 1))
curl -s -H "Authorization: Bearer $(sed -n 's/^c-agency //p' "$TOKENS")" "$U/advisories/$AMBER" |
	grep -q 'class="tlp-notice".*TLP:AMBER' || fail "a TLP:AMBER page does not say what may be passed on"

# ---- plain text identical to the CLI's, every version, both URLs ----
for v in 1.00 1.01; do
	must advisory show "$CLEAR" --version "$v" --format plain
	NCHECK=$((NCHECK + 2))
	curl -s "$U/advisories/$CLEAR?version=$v&format=plain" >"$T/web.txt"
	cmp -s "$T/out" "$T/web.txt" || fail "web plain text of $v differs from the CLI's: $(diff "$T/out" "$T/web.txt" | head -n 4)"
	curl -s "$U/advisory?id=$CLEAR&version=$v&format=plain" >"$T/web.txt"
	cmp -s "$T/out" "$T/web.txt" || fail "old-style URL of $v differs from the CLI's"
done
must advisory show "$CLEAR" --format plain
NCHECK=$((NCHECK + 1))
curl -s "$U/advisories/$CLEAR?format=plain" >"$T/web.txt"
cmp -s "$T/out" "$T/web.txt" || fail "without ?version the web plain text is not the latest version's"
NCHECK=$((NCHECK + 1))
curl -s "$U/advisories/$CLEAR" >"$T/page.html"
grep -q "version=1.00" "$T/page.html" && grep -q "version=1.01" "$T/page.html" ||
	fail "the advisory page does not link every version"
NCHECK=$((NCHECK + 1))
[ "$(curl -s "$U/feed.atom" | grep -c '<entry>')" = 2 ] ||
	fail "the feed does not have one entry per public version (2)"
NCHECK=$((NCHECK + 1))
curl -s -D "$T/h" -o /dev/null "$U/advisories"
grep -qi "^content-security-policy:.*frame-ancestors 'none'" "$T/h" && grep -qi '^x-content-type-options: nosniff' "$T/h" ||
	fail "a page lacks CSP or nosniff: $(tr '\r\n' '  ' <"$T/h")"
# /metrics: the server's own figures for anyone; what tells of the store (a TLP:RED version
# exists, how many were alerted, failed logins) only with a staff user's token
metrics() { # TOKEN-NAME (empty: none)
	if [ -n "$1" ]; then
		curl -s -H "Authorization: Bearer $(sed -n "s/^$1 //p" "$TOKENS")" "$U/metrics"
	else
		curl -s "$U/metrics"
	fi
}
NCHECK=$((NCHECK + 1))
metrics ana | grep -q '^baken_alerts{state="queued"}' && metrics coo | grep -q '^baken_advisory_versions_published{tlp="RED"}' ||
	fail "/metrics lacks the alerts by state or the versions by TLP for staff"
for who in "" c-agency p-1; do
	NCHECK=$((NCHECK + 1))
	metrics "$who" >"$T/metrics"
	grep -q '^baken_http_requests_total' "$T/metrics" && ! grep -qE '^baken_(alerts|advisor|logins|outbox|call)' "$T/metrics" ||
		fail "/metrics for ${who:-the public}: want the server's figures only, got: $(grep -E '^baken_(alerts|advisor|logins)' "$T/metrics" | head -n 3 | tr '\n' ' ')"
done
NCHECK=$((NCHECK + 1))
curl -s "$U/advisories?cve=CVE-2000-0001" | grep -q "$CLEAR" && fail "the CVE filter does not filter"
NCHECK=$((NCHECK + 1))
curl -s "$U/advisories?product=citrix&year=2019" | grep -q "$CLEAR" || fail "the product and year filters lose $CLEAR"

# ---- CSRF, login, rate limit ----
JAR=$T/jar
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
CS=$(curl -s -c "$JAR" -b "$JAR" "$U/login" | csrf_of)
NCHECK=$((NCHECK + 3))
[ -n "$CS" ] || fail "the login form has no CSRF token"
[ "$(code -c "$JAR" -b "$JAR" -d "name=c-agency&password=correct+horse+battery" "$U/login")" = 403 ] ||
	fail "a login without the CSRF token is not refused"
[ "$(code -c "$JAR" -b "$JAR" -d "name=c-agency&password=correct+horse+battery&csrf=x$CS" "$U/login")" = 403 ] ||
	fail "a login with a wrong CSRF token is not refused"
NCHECK=$((NCHECK + 1))
curl -s -D "$T/h" -o /dev/null -c "$JAR" -b "$JAR" -d "name=c-agency&password=correct+horse+battery&csrf=$CS" "$U/login"
grep -qi '^set-cookie: baken_session=.*HttpOnly.*SameSite=Lax' "$T/h" || fail "login sets no HttpOnly SameSite session cookie: $(tr '\r\n' '  ' <"$T/h")"
NCHECK=$((NCHECK + 2))
[ "$(code -b "$JAR" "$U/advisories/$STRICT")" = 200 ] || fail "logged in, c-agency cannot read its AMBER+STRICT advisory"
curl -s -b "$JAR" "$U/portal" >"$T/portal.html"
grep -q "agency-a1" "$T/portal.html" || fail "the portal does not name the organisation"
SCS=$(csrf_of <"$T/portal.html")
ALERT=$("$PY" -c "
import sqlite3,sys
c=sqlite3.connect(sys.argv[1])
print(c.execute(\"select id from alerts where org_id='agency-a1' and channel='email' order by id limit 1\").fetchone()[0])" "$DB")
OTHER_ALERT=$("$PY" -c "
import sqlite3,sys
c=sqlite3.connect(sys.argv[1])
print(c.execute(\"select id from alerts where org_id='other-x' and channel='email' order by id limit 1\").fetchone()[0])" "$DB")
NCHECK=$((NCHECK + 4))
[ "$(code -b "$JAR" -X POST "$U/api/v1/alerts/$ALERT/ack")" = 403 ] || fail "an API POST with a session and no CSRF token is not refused"
[ "$(code -b "$JAR" -X POST -H "X-CSRF-Token: $SCS" "$U/api/v1/alerts/$OTHER_ALERT/ack")" = 404 ] || fail "c-agency acknowledges another organisation's alert"
[ "$(code -b "$JAR" -X POST -H "X-CSRF-Token: $SCS" "$U/api/v1/alerts/$ALERT/ack")" = 200 ] || fail "c-agency cannot acknowledge its own alert"
[ "$(code -X POST -H "Authorization: Bearer $(sed -n 's/^ana //p' "$TOKENS")" "$U/api/v1/alerts/$OTHER_ALERT/ack")" = 200 ] ||
	fail "an analyst's token cannot acknowledge an alert (no CSRF needed with a token)"
NCHECK=$((NCHECK + 2))
[ "$(code -b "$JAR" -X POST "$U/logout")" = 403 ] || fail "logout without the CSRF token is not refused"
[ "$(code -b "$JAR" -c "$JAR" -d "csrf=$SCS" "$U/logout")" = 303 ] && [ "$(code -b "$JAR" "$U/portal")" = 303 ] ||
	fail "after logout the session still works"
CS=$(curl -s -c "$JAR" -b "$JAR" "$U/login" | csrf_of)
for i in 1 2 3 4 5; do
	code -c "$JAR" -b "$JAR" -d "name=c-agency&password=wrong-password-$i&csrf=$CS" "$U/login" >"$T/code"
done
NCHECK=$((NCHECK + 2))
[ "$(cat "$T/code")" = 401 ] || fail "a wrong password answers $(cat "$T/code"), want 401"
[ "$(code -c "$JAR" -b "$JAR" -d "name=c-agency&password=correct+horse+battery&csrf=$CS" "$U/login")" = 429 ] ||
	fail "the sixth login after five failures is not rate limited (429)"

# ---- the acknowledgement link: GET asks, POST acknowledges ----
TOKEN=$("$PY" -c "
import hmac, hashlib, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
secret = c.execute(\"select value from config where key='ack.secret'\").fetchone()[0]
aid, mid = c.execute(\"select id, message_id from alerts where org_id='vital-e' and channel='email' order by id limit 1\").fetchone()
# as alert_ack_token_of makes it: the id in 16 hex digits, then 192 bits of HMAC(secret, Message-ID)
print('%016x' % aid + hmac.new(secret.encode(), mid.encode(), hashlib.sha256).hexdigest()[:48])" "$DB")
state() { "$PY" -c "
import sqlite3,sys
c=sqlite3.connect(sys.argv[1])
print(c.execute(\"select state from alerts where org_id='vital-e' and channel='email' order by id limit 1\").fetchone()[0])" "$DB"; }
NCHECK=$((NCHECK + 5))
curl -s -c "$JAR" -b "$JAR" "$U/ack/$TOKEN" >"$T/ack.html"
grep -q '<form method="post"' "$T/ack.html" || fail "GET /ack/TOKEN shows no confirmation form"
[ "$(state)" != acknowledged ] || fail "a GET of the mail link acknowledged (mail scanners fetch links)"
[ "$(code -c "$JAR" -b "$JAR" -X POST "$U/ack/$TOKEN")" = 403 ] || fail "POST /ack without the CSRF token is not refused"
[ "$(code -c "$JAR" -b "$JAR" -d "csrf=$(csrf_of <"$T/ack.html")" "$U/ack/$TOKEN")" = 200 ] && [ "$(state)" = acknowledged ] ||
	fail "POST /ack/TOKEN with the form's token does not acknowledge (state $(state))"
[ "$(code -c "$JAR" -b "$JAR" -d "csrf=$(csrf_of <"$T/ack.html")" "$U/ack/0000000000000000000000000000000000000000000000000000000000000000")" = 404 ] ||
	fail "confirming an unknown ack link is not 404"

# ---- limits ----
NCHECK=$((NCHECK + 3))
[ "$(code -X DELETE "$U/advisories")" = 405 ] || fail "DELETE /advisories is not 405"
head -c 20000 /dev/zero | tr '\0' a >"$T/big"
[ "$(code -c "$JAR" -b "$JAR" --data-binary "@$T/big" "$U/login")" = 413 ] || fail "a 20 kB login body is not 413"
[ "$(code "$U/nothing-here")" = 404 ] || fail "an unknown path is not 404"

# ---- SIGTERM: stops, says so, exits 0 ----
NCHECK=$((NCHECK + 1))
kill -TERM "$SERVER"
wait "$SERVER"
rc=$?
SERVER=""
[ "$rc" -eq 0 ] && grep -q "stopped" "$T/serve.log" || fail "after SIGTERM: exit $rc, log: $(tail -n 2 "$T/serve.log")"
NCHECK=$((NCHECK + 1))
grep -qE ' GET /advisories 200 [0-9]+ [0-9.]+ms' "$T/serve.log" && ! grep -q "/ack/$TOKEN" "$T/serve.log" ||
	fail "the request log lacks lines, or shows an acknowledgement token"
finish
