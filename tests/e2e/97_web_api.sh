# The JSON API's write side and the server's cache of public answers: every /api/v1 route of
# routes.def is described in docs/openapi.yaml; advisories written, updated and published
# through the API (201/200, the draft and the version really stored, seen by the CLI);
# validation errors as problem+json naming the field; 401 without a token, 403 for a role
# that may not, another organisation's data refused (403 for a change, 404 for a read) and
# left as it was; inventory, calls, follow-up, deadlines, scans, incidents, organisations;
# contacts and netblocks, scan import, incident writes and the evaluation, follow-up close,
# reminders, alert status, vulnerability records, the to-do list, users, tokens, settings;
# the public's cached pages change as soon as a version is published (through the API or
# the CLI of another process), answer 304 to their ETag, and never show a non-public
# advisory to the public.
. "$(dirname "$0")/lib.sh"

trap stop_server EXIT
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

# ---- every /api/v1 route is in the OpenAPI file, with its method ----
NCHECK=$((NCHECK + 1))
"$PY" - "$ROOT/src/web/routes.def" "$ROOT/docs/openapi.yaml" >"$T/openapi" 2>&1 <<'EOF' ||
import re, sys
routes = set()
for m in re.finditer(r'^ROUTE\((GET|POST), "(/api/v1[^"]*)"', open(sys.argv[1]).read(), re.M):
    routes.add((m.group(1).lower(), m.group(2)))
doc = set()
path = None
text = open(sys.argv[2]).read()
if not re.search(r'^openapi: "?3\.1\.\d+"?$', text, re.M):
    print("docs/openapi.yaml does not say openapi: 3.1.x")
for line in text.splitlines():
    m = re.match(r'^  (/\S*):\s*$', line)
    if m:
        path = re.sub(r'\{[^}/]+\}', '*', m.group(1))
        path = path if path.startswith("/api/v1") else "/api/v1" + path
        continue
    m = re.match(r'^    (get|post|put|patch|delete):\s*$', line)
    if m and path:
        doc.add((m.group(1), path))
    elif re.match(r'^\S', line):
        path = None
missing = sorted(routes - doc)
extra = sorted(doc - routes)
for r in missing:
    print("not in docs/openapi.yaml: %s %s" % (r[0].upper(), r[1]))
for r in extra:
    print("in docs/openapi.yaml but not a route: %s %s" % (r[0].upper(), r[1]))
if len(routes) < 20:
    print("only %d /api/v1 routes found in routes.def" % len(routes))
sys.exit(1 if missing or extra or len(routes) < 20 else 0)
EOF
	fail "docs/openapi.yaml and routes.def disagree: $(cat "$T/openapi")"

# ---- a store with organisations, users of every role, advisories of several TLPs ----
seed_orgs
must org add part-1 --name "Sector-CERT 1" --kind partner --sector health
must org contact other-x --name "CISO X" --role ciso --email ciso@x.example --phone +31700000009
A="--cve CVE-2019-19781 --affects citrix:adc:>=13.0|<13.0.47.24"
# shellcheck disable=SC2086
must --at 2019-12-18T09:00:00Z advisory new --title "Openbaar advies" $A $MH
CLEAR=$(new_id)
must --at 2019-12-18T10:00:00Z advisory publish "$CLEAR"
# shellcheck disable=SC2086
must --at 2019-12-18T09:00:00Z advisory new --title "Amber advies" --tlp amber $A $MH
AMBER=$(new_id)
must --at 2019-12-18T10:00:00Z advisory publish "$AMBER"
user_token ana analyst
user_token coo coordinator
user_token cri crisis
user_token adm admin
user_token c-agency constituent agency-a1
user_token c-other constituent other-x
user_token p-1 partner part-1
must incident new citrix-2020 --title "Citrix ADC" --advisory "$CLEAR"

serve_start

"$PY" - "$U" "$TOKENS" "$BAKEN" "$DB" "$CLEAR" "$AMBER" "$ROOT/tests/data/kev/known_exploited_vulnerabilities.json" >"$T/api" 2>&1 <<'EOF'
import json, subprocess, sys, urllib.request, urllib.error
U, tokfile, BAKEN, DB, CLEAR, AMBER, KEV = sys.argv[1:8]
tokens = dict(l.split() for l in open(tokfile))
checks = 0
fails = []

def check(cond, what):
    global checks
    checks += 1
    if not cond:
        fails.append(what)
    return cond

def call(method, path, who=None, body=None, raw=None, ctype="application/json", headers=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(U + path, data=data, method=method)
    if who:
        req.add_header("Authorization", "Bearer " + tokens[who])
    if data is not None:
        req.add_header("Content-Type", ctype)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            st, hd, text = r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        st, hd, text = e.code, e.headers, e.read().decode()
    try:
        j = json.loads(text) if text else None
    except ValueError:
        j = None
    return st, hd, j, text

def cli(*args):
    p = subprocess.run([BAKEN, "--db", DB, "--json"] + list(args), capture_output=True, text=True)
    return p.returncode, (json.loads(p.stdout) if p.returncode == 0 and p.stdout.strip() else None), p.stderr

def problem(res, status, field=None, what=""):
    st, hd, j, text = res
    ok = st == status and (hd.get("Content-Type") or "").startswith("application/problem+json") \
        and isinstance(j, dict) and j.get("status") == status and j.get("title")
    if ok and field:
        ok = j.get("field") == field
    check(ok, "%s: want problem+json %d%s, got %d %s" % (what, status, " field " + field if field else "", st, text[:300]))

MH = {"default-config": "yes", "exploit": "none", "details": "somewhat", "access": "internet",
      "credentials": "none", "complexity": "average", "interaction": "none", "exploited": "no",
      "exploit-expected": "no", "fix-available": "none", "dos": "no", "code-exec": "root",
      "remote": "no", "privesc": "no", "leak": "no"}

# ---- advisories: create, validation, roles ----
new = dict(MH, title="Kwetsbaarheid in Citrix ADC (API)", cve=["CVE-2019-19781"],
           affects="citrix:adc:>=13.0|<13.0.47.24", fixed=["citrix:adc:13.0.47.24"],
           summary="Een kwaadwillende kan code uitvoeren.", reference="https://support.citrix.com/article/CTX267027")
st, hd, j, text = call("POST", "/api/v1/advisories", "ana", new)
check(st == 201 and j and j.get("state") == "draft" and j.get("version") == "1.00"
      and j.get("likelihood") == "medium" and j.get("impact") == "high", "create: %d %s" % (st, text[:300]))
NEW = (j or {}).get("id", "")
check(NEW and hd.get("Location", "").startswith("/api/v1/advisories/" + NEW), "create: Location %s" % hd.get("Location"))
rc, d, err = cli("advisory", "show", NEW, "--format", "json")
check(rc == 0 and d and d.get("title") == new["title"] and d.get("state", "draft") == "draft",
      "the CLI does not see the draft written through the API: %s %s" % (rc, err))
before = cli("advisory", "list")[1]
problem(call("POST", "/api/v1/advisories", "ana", {"cve": "CVE-2019-19781", "affects": "citrix:adc:*"}), 400, "title", "no title")
problem(call("POST", "/api/v1/advisories", "ana", dict(new, tlp="PURPLE")), 400, "tlp", "bad TLP")
problem(call("POST", "/api/v1/advisories", "ana", dict(new, exploit="maybe")), 400, "exploit", "bad matrix answer")
problem(call("POST", "/api/v1/advisories", "ana", dict(new, colour="red")), 400, "colour", "unknown field")
problem(call("POST", "/api/v1/advisories", "ana", dict(new, title=42)), 400, "title", "title not a string")
problem(call("POST", "/api/v1/advisories", "ana", raw=b"{not json"), 400, None, "not JSON")
problem(call("POST", "/api/v1/advisories", "ana", dict(new, likelihood="high")), 400, "rationale", "a deviation without a rationale")
problem(call("POST", "/api/v1/advisories", None, new), 401, None, "create without a token")
for who in ["coo", "cri", "c-agency", "p-1"]:
    problem(call("POST", "/api/v1/advisories", who, new), 403, None, "create as %s" % who)
check(cli("advisory", "list")[1] == before, "a refused create changed the advisories")

# ---- update, publish; the public's cached page follows at once ----
st, hd, j, plain0 = call("GET", "/advisories/%s?format=plain" % CLEAR)
check(st == 200 and "1.00" in plain0, "public plain of %s: %d" % (CLEAR, st))
etag = hd.get("ETag")
check(etag and call("GET", "/advisories/%s?format=plain" % CLEAR, headers={"If-None-Match": etag})[0] == 304,
      "a cached page does not answer 304 to its ETag %s" % etag)
st, hd, j, text = call("POST", "/api/v1/advisories/%s/update" % CLEAR, "ana",
                       {"exploit": "poc", "exploit-expected": "yes", "change": "Exploit verwacht"})
check(st == 200 and j and j.get("version") == "1.01" and j.get("likelihood") == "high", "update: %d %s" % (st, text[:300]))
problem(call("POST", "/api/v1/advisories/%s/update" % CLEAR, "ana", {"title": "Zonder wijziging"}), 400, "change", "update without change")
problem(call("POST", "/api/v1/advisories/%s/publish" % CLEAR, "coo", {}), 403, None, "publish as coordinator")
problem(call("POST", "/api/v1/advisories/%s/publish" % CLEAR, "ana", {"silent": "yes"}), 400, "silent", "silent not a boolean")
check(call("GET", "/advisories/%s?format=plain" % CLEAR)[3] == plain0, "the draft 1.01 shows on the public page")
st, hd, j, text = call("POST", "/api/v1/advisories/%s/publish" % CLEAR, "ana", {})
check(st == 200 and j and j.get("version") == "1.01" and j.get("state") == "published" and j.get("material") is True,
      "publish: %d %s" % (st, text[:300]))
calls_made = (j or {}).get("call", 0)
st, hd, j, plain1 = call("GET", "/advisories/%s?format=plain" % CLEAR)
check(st == 200 and "1.01" in plain1 and plain1 != plain0, "after publishing through the API the public still gets the old text")
check(call("GET", "/advisories/%s?format=plain" % CLEAR, headers={"If-None-Match": etag})[0] == 200,
      "the old ETag still answers 304 after a new version")
rc, d, err = cli("advisory", "update", CLEAR, "--change", "Via de CLI", "--summary", "Nieuwe samenvatting")
rc2, d2, err2 = cli("advisory", "publish", CLEAR, "--silent")
check(rc == 0 and rc2 == 0, "CLI update/publish: %s %s" % (err, err2))
st, hd, j, plain2 = call("GET", "/advisories/%s?format=plain" % CLEAR)
check("1.02" in plain2, "a version published by another process does not show: %s" % plain2[:200])
st, hd, j, page = call("GET", "/advisories/%s" % CLEAR)
check(st == 200 and "1.02" in page, "the HTML page does not show 1.02")
# the cache never shows the public what only others may read, in any order
for who in [None, "c-agency", None, "ana", None]:
    for path in ["/advisories/%s" % AMBER, "/advisories/%s?format=plain" % AMBER, "/advisories/%s?format=json" % AMBER]:
        st = call("GET", path, who)[0]
        check(st == (404 if who is None else 200), "%s %s: %d" % (who or "public", path, st))

# ---- classify ----
st, hd, j, text = call("POST", "/api/v1/classify", "ana", dict(MH, exploit="poc", **{"exploit-expected": "yes"}))
args = ["classify"]
for k, v in dict(MH, exploit="poc", **{"exploit-expected": "yes"}).items():
    args += ["--" + k, v]
rc, d, err = cli(*args)
check(st == 200 and j == d, "classify through the API differs from the CLI: %s / %s" % (text[:200], d))
problem(call("POST", "/api/v1/classify", "ana", {"access": "moon"}), 400, "access", "classify bad answer")
problem(call("POST", "/api/v1/classify", "c-agency", {}), 403, None, "classify as constituent")

# ---- inventory: own organisation only for constituents ----
st, hd, j, text = call("POST", "/api/v1/inventory", "c-agency", {"product": "fortinet:fortios", "version": "6.0.4", "count": 2, "internet-facing": True})
check(st == 201 and j and j.get("org") == "agency-a1" and j.get("count") == 2, "inventory add: %d %s" % (st, text[:200]))
rc, d, err = cli("inventory", "list", "--org", "agency-a1", "--product", "fortinet:fortios")
check(rc == 0 and d and d[0]["version"] == "6.0.4", "the CLI does not see the row added through the API")
inv_other = cli("inventory", "list", "--org", "other-x")[1]
problem(call("POST", "/api/v1/inventory", "c-agency", {"org": "other-x", "product": "fortinet:fortios", "version": "6.0.4"}), 403, None, "inventory add for another org")
problem(call("POST", "/api/v1/inventory/import?org=other-x", "c-agency", raw=b"org,product,version\nother-x,fortinet:fortios,6.0.4\n", ctype="text/csv"), 403, None, "inventory import for another org")
st = call("POST", "/api/v1/inventory/import", "c-agency", raw=b"org,product,version\nother-x,fortinet:fortios,6.0.4\n", ctype="text/csv")[0]
check(st == 400, "an import naming another organisation: %d, want 400" % st)
check(cli("inventory", "list", "--org", "other-x")[1] == inv_other, "another organisation's inventory changed")
problem(call("POST", "/api/v1/inventory", "c-agency", {"version": "1"}), 400, "product", "inventory without product")
problem(call("POST", "/api/v1/inventory", "c-agency", {"product": "a:b", "version": "1", "count": -3}), 400, "count", "inventory negative count")
problem(call("POST", "/api/v1/inventory", "ana", {"product": "a:b", "version": "1"}), 400, "org", "staff inventory without org")
st, hd, j, text = call("POST", "/api/v1/inventory/import", "c-agency",
                       raw=b"org,product,version,count,internet_facing\nagency-a1,apache:http_server,2.4.41,4,yes\nagency-a1,cisco:ios_xe,16.9,1,no\n", ctype="text/csv")
check(st == 200 and j and j.get("rows") == 2, "inventory import: %d %s" % (st, text[:200]))
st, hd, j, text = call("POST", "/api/v1/inventory", "ana", {"org": "other-x", "product": "fortinet:fortios", "version": "6.2.0"})
check(st == 201, "staff inventory add for any org: %d %s" % (st, text[:200]))
st, hd, j, text = call("GET", "/api/v1/inventory", "c-agency")
check(st == 200 and j and {r["org"] for r in j} == {"agency-a1"}, "a constituent's inventory list shows %s" % text[:200])
check(call("GET", "/api/v1/inventory?org=other-x", "c-agency")[0] == 404, "another org's inventory is readable")
problem(call("GET", "/api/v1/inventory", None), 401, None, "inventory without a token")

# ---- calls and alerts ----
st, hd, j, text = call("GET", "/api/v1/calls", "ana")
tasks = j if st == 200 and isinstance(j, list) else []
check(calls_made > 0 and len(tasks) > 0, "no call tasks after a high/high version (%d made): %s" % (calls_made, text[:200]))
if tasks:
    aid = tasks[0]["alert"]
    problem(call("POST", "/api/v1/calls/%d/claim" % aid, "c-agency", {}), 403, None, "claim as constituent")
    st, hd, j, text = call("POST", "/api/v1/calls/%d/claim" % aid, "ana", {})
    check(st == 200 and j and j.get("claimed_by") == "web:ana", "claim: %d %s" % (st, text[:200]))
    problem(call("POST", "/api/v1/calls/%d/done" % aid, "ana", {"outcome": "maybe"}), 400, "outcome", "done with a bad outcome")
    problem(call("POST", "/api/v1/calls/%d/done" % aid, "ana", {}), 400, "outcome", "done without outcome")
    st, hd, j, text = call("POST", "/api/v1/calls/%d/done" % aid, "ana", {"outcome": "reached", "note": "CISO gesproken"})
    check(st == 200 and j and j.get("outcome") == "reached", "done: %d %s" % (st, text[:200]))
    rc, d, err = cli("alert", "list")
    check(rc == 0 and any(a.get("alert") == aid and a.get("state") in ("delivered", "acknowledged") for a in d or []),
          "the call done through the API is not in the alert list")
check(call("POST", "/api/v1/calls/999999/claim", "ana", {})[0] == 404, "claiming an unknown call is not 404")
problem(call("POST", "/api/v1/alerts/1/retry", "c-agency", {}), 403, None, "retry as constituent")
st = call("POST", "/api/v1/alerts/1/retry", "ana", {})[0]
check(st in (400, 409), "retrying an alert that did not fail: %d" % st)

# ---- follow-up ----
fu = {"to": ["agency", "other-x"], "deadline": "2030-01-01T00:00:00Z", "question": "Is het verholpen?"}
problem(call("POST", "/api/v1/advisories/%s/followup" % CLEAR, "ana", fu), 403, None, "follow-up request as analyst")
problem(call("POST", "/api/v1/advisories/%s/followup" % CLEAR, "coo", {"to": ["agency"]}), 400, "deadline", "request without deadline")
st, hd, j, text = call("POST", "/api/v1/advisories/%s/followup" % CLEAR, "coo", fu)
check(st == 201 and j and sorted(o["org"] for o in j["orgs"]) == ["agency-a1", "other-x"], "follow-up request: %d %s" % (st, text[:300]))
problem(call("POST", "/api/v1/advisories/%s/followup/respond" % CLEAR, "c-agency", {"status": "kept-on", "c1": "x"}), 400, None, "kept-on without C2, C3")
problem(call("POST", "/api/v1/advisories/%s/followup/respond" % CLEAR, "c-agency", {"org": "other-x", "status": "patched", "version": "13.0.47.24"}), 403, None, "answer for another org")
st, hd, j, text = call("POST", "/api/v1/advisories/%s/followup/respond" % CLEAR, "c-agency", {"status": "patched", "version": "13.0.47.24"})
check(st == 201 and j and j.get("org") == "agency-a1" and j.get("status") == "patched", "respond: %d %s" % (st, text[:300]))
st, hd, j, text = call("POST", "/api/v1/advisories/%s/followup/respond" % CLEAR, "c-other",
                       {"status": "kept-on", "c1": "Ziekenhuis", "c2": "Extra monitoring", "c3": "Gescheiden netwerk"})
check(st == 201, "kept-on with C1-C3: %d %s" % (st, text[:300]))
problem(call("POST", "/api/v1/advisories/%s/followup/review" % CLEAR, "c-other", {"org": "other-x", "accept": True}), 403, None, "review as constituent")
problem(call("POST", "/api/v1/advisories/%s/followup/review" % CLEAR, "coo", {"org": "other-x"}), 400, "accept", "review without accept")
st, hd, j, text = call("POST", "/api/v1/advisories/%s/followup/review" % CLEAR, "coo", {"org": "other-x", "accept": True, "note": "Akkoord"})
check(st == 200 and j and j.get("review") == "accepted", "review: %d %s" % (st, text[:300]))
st, hd, j, text = call("GET", "/api/v1/advisories/%s/followup" % CLEAR, "coo")
rows = [o for q in (j or {}).get("requests", []) for o in q["orgs"]]
check(st == 200 and {o["org"]: o["state"] for o in rows} == {"agency-a1": "answered", "other-x": "accepted"},
      "follow-up status: %d %s" % (st, text[:400]))
st, hd, j, text = call("GET", "/api/v1/advisories/%s/followup" % CLEAR, "c-agency")
rows = [o for q in (j or {}).get("requests", []) for o in q["orgs"]]
check(st == 200 and [o["org"] for o in rows] == ["agency-a1"] and "other-x" not in text,
      "a constituent's follow-up status shows others: %s" % text[:400])
check(call("GET", "/api/v1/advisories/%s/followup" % CLEAR, "p-1")[0] == 404, "a partner not asked sees the follow-up")

# ---- deadlines, scans, incidents ----
st, hd, j, text = call("GET", "/api/v1/deadlines", "ana")
check(st == 200 and isinstance(j, list) and any(r["org"] == "agency-a1" for r in j), "deadlines as staff: %d %s" % (st, text[:200]))
st, hd, j, text = call("GET", "/api/v1/deadlines", "c-agency")
check(st == 200 and isinstance(j, list) and all(r["org"] == "agency-a1" for r in j), "deadlines as constituent: %s" % text[:200])
check(call("GET", "/api/v1/deadlines?org=min-a", "c-agency")[0] == 404, "another org's deadlines are readable")
st, hd, j, text = call("GET", "/api/v1/scans", "ana")
check(st == 200 and isinstance(j, list), "scans: %d %s" % (st, text[:200]))
check(call("GET", "/api/v1/scans?org=other-x", "c-agency")[0] == 404, "another org's scans are readable")
problem(call("GET", "/api/v1/scans?limit=0", "ana"), 400, "limit", "scans with limit 0")
problem(call("GET", "/api/v1/scans?unmatched=1", "c-agency"), 403, None, "unmatched scans as constituent")
st, hd, j, text = call("GET", "/api/v1/scans/stats", "c-agency")
check(st == 200, "scan stats: %d %s" % (st, text[:200]))
st, hd, j, text = call("GET", "/api/v1/incidents", "cri")
check(st == 200 and any(i.get("id") == "citrix-2020" or i.get("incident") == "citrix-2020" for i in j or []), "incidents: %s" % text[:200])
st, hd, j, text = call("GET", "/api/v1/incidents/citrix-2020", "coo")
check(st == 200 and "Citrix ADC" in text, "incident show: %d %s" % (st, text[:200]))
check(call("GET", "/api/v1/incidents/nope", "coo")[0] == 404, "an unknown incident is not 404")
problem(call("GET", "/api/v1/incidents", "c-agency"), 403, None, "incidents as constituent")

# ---- organisations ----
st, hd, j, text = call("POST", "/api/v1/orgs", "ana", {"id": "rws", "name": "Rijkswaterstaat", "kind": "agency", "parent": "min-a"})
check(st == 201 and j and j.get("org") == "rws", "org create: %d %s" % (st, text[:200]))
rc, d, err = cli("org", "show", "rws")
check(rc == 0 and d and d.get("kind") == "agency", "the CLI does not see the organisation: %s" % err)
problem(call("POST", "/api/v1/orgs", "ana", {"id": "rws", "name": "Nog eens", "kind": "agency"}), 409, None, "org twice")
problem(call("POST", "/api/v1/orgs", "ana", {"id": "x2", "name": "X", "kind": "castle"}), 400, "kind", "org bad kind")
problem(call("POST", "/api/v1/orgs", "ana", {"name": "X", "kind": "agency"}), 400, "id", "org without id")
problem(call("POST", "/api/v1/orgs", "c-agency", {"id": "x3", "name": "X", "kind": "agency"}), 403, None, "org create as constituent")
problem(call("POST", "/api/v1/orgs", None, {"id": "x3", "name": "X", "kind": "agency"}), 401, None, "org create without token")

# ---- contacts and netblocks: a constituent their own organisation's, staff any ----
def org_state(org):
    d = cli("org", "show", org)[1] or {}
    return json.dumps([d.get("contact_list"), d.get("netblock_list")], sort_keys=True)
st, hd, j, text = call("GET", "/api/v1/orgs/agency-a1/contacts", "c-agency")
check(st == 200 and isinstance(j, list) and any(c.get("name") == "CISO A1" for c in j), "contacts: %d %s" % (st, text[:200]))
check(call("GET", "/api/v1/orgs/other-x/contacts", "c-agency")[0] == 404, "another org's contacts are readable")
check(call("GET", "/api/v1/orgs/other-x/contacts", "coo")[0] == 200, "staff cannot read any org's contacts")
check(call("GET", "/api/v1/orgs/no-such-org/contacts", "ana")[0] == 404, "an unknown org's contacts are not 404")
problem(call("GET", "/api/v1/orgs/agency-a1/contacts", None), 401, None, "contacts without a token")
st, hd, j, text = call("POST", "/api/v1/orgs/agency-a1/contacts", "c-agency",
                       {"name": "SOC A1", "role": "soc", "email": "soc@a1.example", "phone": "+31700000011", "24x7": True})
check(st == 201 and j and j.get("name") == "SOC A1" and j.get("24x7") is True and isinstance(j.get("id"), int),
      "contact add: %d %s" % (st, text[:200]))
SOC = (j or {}).get("id", 0)
d = cli("org", "show", "agency-a1")[1] or {}
check(any(c.get("name") == "SOC A1" for c in d.get("contact_list", [])), "the CLI does not see the contact added through the API")
before_a1, before_x = org_state("agency-a1"), org_state("other-x")
problem(call("POST", "/api/v1/orgs/agency-a1/contacts", "c-agency", {"role": "soc"}), 400, "name", "contact without name")
problem(call("POST", "/api/v1/orgs/agency-a1/contacts", "c-agency", {"name": "X", "email": "not-an-address"}), 400, "email", "contact bad e-mail")
problem(call("POST", "/api/v1/orgs/agency-a1/contacts", "c-agency", {"name": "X", "24x7": "yes"}), 400, "24x7", "contact 24x7 not a boolean")
problem(call("POST", "/api/v1/orgs/other-x/contacts", "c-agency", {"name": "Indringer", "email": "x@evil.example"}), 403, None, "contact add for another org")
problem(call("POST", "/api/v1/orgs/agency-a1/contacts", "p-1", {"name": "Indringer"}), 403, None, "contact add as a partner of another org")
problem(call("POST", "/api/v1/orgs/agency-a1/contacts", None, {"name": "Indringer"}), 401, None, "contact add without a token")
xid = [c["id"] for c in (call("GET", "/api/v1/orgs/other-x/contacts", "ana")[2] or [])]
if check(len(xid) > 0, "other-x has no contact to aim at"):
    problem(call("POST", "/api/v1/orgs/other-x/contacts/%d/update" % xid[0], "c-agency", {"name": "Overgenomen"}), 403, None, "contact update of another org")
    check(call("POST", "/api/v1/orgs/agency-a1/contacts/%d/update" % xid[0], "c-agency", {"name": "Overgenomen"})[0] == 404,
          "another org's contact changed through one's own path")
    problem(call("POST", "/api/v1/orgs/other-x/contacts/%d/remove" % xid[0], "c-agency", {}), 403, None, "contact remove of another org")
    check(call("POST", "/api/v1/orgs/agency-a1/contacts/%d/remove" % xid[0], "c-agency", {})[0] == 404,
          "another org's contact removed through one's own path")
check(org_state("agency-a1") == before_a1 and org_state("other-x") == before_x, "a refused contact change changed the store")
st, hd, j, text = call("POST", "/api/v1/orgs/agency-a1/contacts/%d/update" % SOC, "c-agency",
                       {"name": "SOC A1", "role": "soc", "email": "soc@a1.example", "phone": "+31700000012"})
check(st == 200 and j and j.get("phone") == "+31700000012" and j.get("24x7") is False, "contact update: %d %s" % (st, text[:200]))
problem(call("POST", "/api/v1/orgs/agency-a1/contacts/%d/update" % SOC, "c-agency", {"name": "SOC A1", "phone": "call me"}), 400, "phone", "contact bad phone")
st, hd, j, text = call("POST", "/api/v1/orgs/agency-a1/contacts/%d/remove" % SOC, "ana", {})
check(st == 200 and j and j.get("status") == "removed", "contact remove by staff: %d %s" % (st, text[:200]))
check(not any(c.get("name") == "SOC A1" for c in (cli("org", "show", "agency-a1")[1] or {}).get("contact_list", [])), "the removed contact is still there")
check(call("POST", "/api/v1/orgs/agency-a1/contacts/%d/remove" % SOC, "c-agency", {})[0] == 404, "removing a removed contact is not 404")

st, hd, j, text = call("POST", "/api/v1/orgs/agency-a1/netblocks", "c-agency", {"cidr": ["192.0.2.0/24", "2001:db8:a1::/48"]})
check(st == 201 and j and [r["cidr"] for r in j] == ["192.0.2.0/24", "2001:db8:a1::/48"], "netblock add: %d %s" % (st, text[:200]))
st, hd, j, text = call("GET", "/api/v1/orgs/agency-a1/netblocks", "c-agency")
check(st == 200 and "192.0.2.0/24" in text and "2001:db8:a1::" in text, "netblock list: %d %s" % (st, text[:200]))
before_a1, before_x = org_state("agency-a1"), org_state("other-x")
problem(call("POST", "/api/v1/orgs/agency-a1/netblocks", "c-agency", {"cidr": ["198.51.100.0/24", "10.0.0.0/33"]}), 400, "cidr", "netblock bad CIDR")
problem(call("POST", "/api/v1/orgs/agency-a1/netblocks", "c-agency", {}), 400, "cidr", "netblock without cidr")
problem(call("POST", "/api/v1/orgs/other-x/netblocks", "c-agency", {"cidr": "203.0.113.0/24"}), 403, None, "netblock add for another org")
problem(call("POST", "/api/v1/orgs/agency-a1/netblocks/remove", "c-other", {"cidr": "192.0.2.0/24"}), 403, None, "netblock remove of another org")
check(call("POST", "/api/v1/orgs/other-x/netblocks/remove", "c-other", {"cidr": "192.0.2.0/24"})[0] == 404,
      "another org's netblock removed through one's own path")
problem(call("POST", "/api/v1/orgs/agency-a1/netblocks", None, {"cidr": "203.0.113.0/24"}), 401, None, "netblock add without a token")
problem(call("POST", "/api/v1/orgs/part-1/netblocks", "p-1", {"cidr": "203.0.113.0/24"}), 403, None, "netblock add as a partner")
check(call("GET", "/api/v1/orgs/agency-a1/netblocks", "c-other")[0] == 404, "another org's netblocks are readable")
check(org_state("agency-a1") == before_a1 and org_state("other-x") == before_x, "a refused netblock change changed the store (all or nothing)")
st, hd, j, text = call("POST", "/api/v1/orgs/agency-a1/netblocks/remove", "c-agency", {"cidr": "2001:db8:a1::/48"})
check(st == 200 and "2001:db8:a1::" not in call("GET", "/api/v1/orgs/agency-a1/netblocks", "ana")[3], "netblock remove: %d %s" % (st, text[:200]))

# ---- scan import: the file as the body, all or nothing, the same file twice adds nothing ----
scan = b"ip,port,seen_at,cve\n192.0.2.10,443,2020-01-13T08:00:00Z,CVE-2019-19781\n192.0.2.11,443,2020-01-13T08:00:00Z,CVE-2019-19781\n"
st, hd, j, text = call("POST", "/api/v1/scans/import?source=own-scan", "ana", raw=scan, ctype="text/csv")
check(st == 201 and j and j.get("rows") == 2 and j.get("matched") == 2 and j.get("source") == "own-scan" and j.get("already") is False,
      "scan import: %d %s" % (st, text[:300]))
rc, d, err = cli("scan", "list", "--org", "agency-a1")
check(rc == 0 and {s["ip"] for s in d or []} >= {"192.0.2.10", "192.0.2.11"}, "the CLI does not see the imported systems: %s" % err)
st, hd, j, text = call("POST", "/api/v1/scans/import?source=own-scan", "ana", raw=scan, ctype="text/csv")
check(st == 200 and j and j.get("already") is True, "the same scan file twice: %d %s" % (st, text[:200]))
obs = cli("scan", "list", "--observations")[1]
problem(call("POST", "/api/v1/scans/import", "ana", raw=b"ip,port,seen_at,cve\n192.0.2.12,443,2020-01-14,CVE-2019-19781\n300.0.0.1,443,2020-01-14,CVE-2019-19781\n", ctype="text/csv"),
        400, None, "scan import with a bad line")
st, hd, j, text = call("POST", "/api/v1/scans/import", "ana", raw=b"ip,port,seen_at,cve\n300.0.0.1,443,2020-01-14,CVE-2019-19781\n", ctype="text/csv")
check(st == 400 and "/tmp" not in text and "baken-scan" not in text, "a scan error names the temporary file: %s" % text[:300])
problem(call("POST", "/api/v1/scans/import?format=xml", "ana", raw=scan, ctype="text/csv"), 400, "format", "scan import bad format")
problem(call("POST", "/api/v1/scans/import", "ana", raw=b""), 400, None, "scan import empty body")
problem(call("POST", "/api/v1/scans/import", "coo", raw=scan, ctype="text/csv"), 403, None, "scan import as coordinator")
problem(call("POST", "/api/v1/scans/import", "c-agency", raw=scan, ctype="text/csv"), 403, None, "scan import as constituent")
problem(call("POST", "/api/v1/scans/import", None, raw=scan, ctype="text/csv"), 401, None, "scan import without a token")
check(cli("scan", "list", "--observations")[1] == obs, "a refused scan import changed the observations")

# ---- incidents: open, change, scale, log, patch timeline, evaluation ----
st, hd, j, text = call("POST", "/api/v1/incidents", "ana", {"id": "pulse-2019", "title": "Pulse Secure", "advisory": [AMBER]})
check(st == 201 and j and j.get("incident") == "pulse-2019" and hd.get("Location") == "/api/v1/incidents/pulse-2019",
      "incident create: %d %s" % (st, text[:200]))
rc, d, err = cli("incident", "show", "pulse-2019")
check(rc == 0 and d and d.get("title") == "Pulse Secure", "the CLI does not see the incident: %s" % err)
before = cli("incident", "list")[1]
problem(call("POST", "/api/v1/incidents", "ana", {"id": "x-1"}), 400, "title", "incident without title")
problem(call("POST", "/api/v1/incidents", "ana", {"id": "x-1", "title": "X", "public": "ja"}), 400, "public", "incident public not a boolean")
check(call("POST", "/api/v1/incidents", "ana", {"id": "x-1", "title": "X", "advisory": "NCSC-1999-0001"})[0] == 404, "incident with an unknown advisory")
problem(call("POST", "/api/v1/incidents", "ana", {"id": "pulse-2019", "title": "Nog eens"}), 409, None, "incident twice")
problem(call("POST", "/api/v1/incidents", "c-agency", {"id": "x-1", "title": "X"}), 403, None, "incident create as constituent")
problem(call("POST", "/api/v1/incidents", None, {"id": "x-1", "title": "X"}), 401, None, "incident create without a token")
check(cli("incident", "list")[1] == before, "a refused incident create changed the incidents")
st, hd, j, text = call("POST", "/api/v1/incidents/pulse-2019/update", "coo", {"title": "Pulse Secure VPN", "public": True})
check(st == 200 and (cli("incident", "show", "pulse-2019")[1] or {}).get("title") == "Pulse Secure VPN", "incident update: %d %s" % (st, text[:200]))
problem(call("POST", "/api/v1/incidents/pulse-2019/update", "coo", {"public": True, "private": True}), 400, "private", "incident public and private")
problem(call("POST", "/api/v1/incidents/pulse-2019/update", "p-1", {"title": "X"}), 403, None, "incident update as partner")
show0 = cli("incident", "show", "citrix-2020")[1]
problem(call("POST", "/api/v1/incidents/citrix-2020/scale", "ana", {"level": 1}), 403, None, "scale as analyst")
problem(call("POST", "/api/v1/incidents/citrix-2020/scale", "cri", {"level": 5}), 400, "level", "scale to level 5")
problem(call("POST", "/api/v1/incidents/citrix-2020/scale", "cri", {}), 400, "level", "scale without level")
problem(call("POST", "/api/v1/incidents/citrix-2020/log", "coo", {"kind": "decision", "text": "X"}), 403, None, "log as coordinator")
problem(call("POST", "/api/v1/incidents/citrix-2020/log", "cri", {"kind": "gossip", "text": "X"}), 400, "kind", "log with a bad kind")
problem(call("POST", "/api/v1/incidents/citrix-2020/log", "cri", {"kind": "note"}), 400, "text", "log without text")
problem(call("POST", "/api/v1/incidents/citrix-2020/scale", None, {"level": 1}), 401, None, "scale without a token")
check(cli("incident", "show", "citrix-2020")[1] == show0, "a refused scale or log changed the incident")
st, hd, j, text = call("POST", "/api/v1/incidents/citrix-2020/scale", "cri", {"level": 2, "by": "NCTV", "reason": "Opschaling", "at": "2020-01-17T12:00:00Z"})
check(st == 200 and j and j.get("level") == 2 and j.get("by") == "NCTV", "scale: %d %s" % (st, text[:200]))
st, hd, j, text = call("POST", "/api/v1/incidents/citrix-2020/log", "cri",
                       {"kind": "decision", "text": "Uitzetten tenzij drie voorwaarden", "approved-by": ["MinBZK", "MinJenV"], "at": "2020-01-17T13:00:00Z"})
check(st == 201 and j and j.get("entry", 0) > 0, "log: %d %s" % (st, text[:200]))
st, hd, j, text = call("POST", "/api/v1/incidents/citrix-2020/patch", "ana", {"branch": "citrix:adc:>=13.0|<13.0.47.24", "announced": "2020-01-27", "at": "2020-01-17T14:00:00Z"})
check(st == 201, "patch: %d %s" % (st, text[:200]))
problem(call("POST", "/api/v1/incidents/citrix-2020/patch", "ana", {"announced": "2020-01-27"}), 400, "branch", "patch without branch")
problem(call("POST", "/api/v1/incidents/citrix-2020/patch", "c-agency", {"branch": "citrix:adc:*", "announced": "2020-01-27"}), 403, None, "patch as constituent")
d = cli("incident", "show", "citrix-2020")[1] or {}
check(d.get("level") == 2 and "Uitzetten tenzij" in json.dumps(d) and "2020-01-27" in json.dumps(d), "the CLI does not see scale, log, patch: %s" % json.dumps(d)[:300])
st, hd, j, text = call("GET", "/api/v1/incidents/citrix-2020/evaluation?lang=en", "coo")
check(st == 200 and isinstance(j, dict) and "Uitzetten tenzij" in text, "evaluation: %d %s" % (st, text[:200]))
rc, d, err = cli("report", "evaluation", "citrix-2020", "--format", "json", "--lang", "en")
check(rc == 0 and d and set(d) == set(j or {}), "the evaluation differs from the CLI's: %s" % err)
problem(call("GET", "/api/v1/incidents/citrix-2020/evaluation?lang=fr", "coo"), 400, "lang", "evaluation in French")
problem(call("GET", "/api/v1/incidents/citrix-2020/evaluation?format=html", "coo"), 400, "format", "evaluation as HTML")
check(call("GET", "/api/v1/incidents/nope/evaluation", "coo")[0] == 404, "the evaluation of an unknown incident is not 404")
problem(call("GET", "/api/v1/incidents/citrix-2020/evaluation", "c-agency"), 403, None, "evaluation as constituent")
problem(call("GET", "/api/v1/incidents/citrix-2020/evaluation", None), 401, None, "evaluation without a token")

# ---- follow-up close, deadline reminders ----
problem(call("POST", "/api/v1/advisories/%s/followup/close" % CLEAR, "ana", {}), 403, None, "close as analyst")
problem(call("POST", "/api/v1/advisories/%s/followup/close" % CLEAR, "coo", {"request": "last"}), 400, "request", "close with a bad request")
problem(call("POST", "/api/v1/advisories/%s/followup/close" % CLEAR, None, {}), 401, None, "close without a token")
st, hd, j, text = call("POST", "/api/v1/advisories/%s/followup/close" % CLEAR, "coo", {})
check(st == 200 and j and j.get("closed_at"), "close: %d %s" % (st, text[:200]))
st = call("POST", "/api/v1/advisories/%s/followup/respond" % CLEAR, "c-agency", {"status": "mitigated"})[0]
check(st in (400, 409), "an answer after the request was closed: %d" % st)
st, hd, j, text = call("POST", "/api/v1/deadlines/remind", "coo", {"at": "2020-01-10T00:00:00Z"})
check(st == 200 and isinstance(j, list), "remind: %d %s" % (st, text[:200]))
problem(call("POST", "/api/v1/deadlines/remind", "coo", {"when": "now"}), 400, "when", "remind with an unknown field")
problem(call("POST", "/api/v1/deadlines/remind", "c-agency", {}), 403, None, "remind as constituent")
problem(call("POST", "/api/v1/deadlines/remind", None, {}), 401, None, "remind without a token")

st, hd, j, text = call("GET", "/api/v1/alerts/status?advisory=%s" % CLEAR, "coo")
check(st == 200 and j == cli("alert", "status", "--advisory", CLEAR)[1] and len(j) > 0, "alert status differs from the CLI: %d %s" % (st, text[:200]))
problem(call("GET", "/api/v1/alerts/status", "c-agency"), 403, None, "alert status as constituent")
problem(call("GET", "/api/v1/alerts/status", None), 401, None, "alert status without a token")

# ---- vulnerability records, the to-do list ----
st, hd, j, text = call("GET", "/api/v1/vulns", "ana")
check(st == 200 and any(v.get("cve") == "CVE-2019-19781" for v in j or []), "vulns: %d %s" % (st, text[:200]))
st, hd, j, text = call("GET", "/api/v1/vulns/CVE-2019-19781", "coo")
check(st == 200 and j == cli("vuln", "show", "CVE-2019-19781")[1], "vuln show differs from the CLI: %d %s" % (st, text[:200]))
check(call("GET", "/api/v1/vulns/CVE-1999-0001", "ana")[0] == 404, "an unknown CVE is not 404")
problem(call("GET", "/api/v1/vulns", "c-agency"), 403, None, "vulns as constituent")
problem(call("GET", "/api/v1/vulns", None), 401, None, "vulns without a token")
rc, d, err = cli("import", "kev", KEV)
check(rc == 0, "import kev: %s" % err)
st, hd, j, text = call("GET", "/api/v1/todo", "ana")
check(st == 200 and j == cli("todo", "list")[1], "todo list differs from the CLI: %d %s" % (st, text[:200]))
todos = j if isinstance(j, list) else []
problem(call("GET", "/api/v1/todo", "coo"), 403, None, "todo as coordinator")
problem(call("GET", "/api/v1/todo", None), 401, None, "todo without a token")
if check(len(todos) > 0, "no to-do after the KEV import"):
    tid = todos[0]["id"]
    problem(call("POST", "/api/v1/todo/%d/done" % tid, "ana", {"note": 7}), 400, "note", "todo done with a number as note")
    problem(call("POST", "/api/v1/todo/%d/done" % tid, "cri", {}), 403, None, "todo done as crisis")
    st, hd, j, text = call("POST", "/api/v1/todo/%d/done" % tid, "ana", {"note": "Herzien"})
    check(st == 200 and j and j.get("state") == "done" and all(t["id"] != tid for t in cli("todo", "list")[1] or []),
          "todo done: %d %s" % (st, text[:200]))
check(call("POST", "/api/v1/todo/999999/done", "ana", {})[0] == 404, "an unknown to-do is not 404")

# ---- users, tokens, settings: the admin's ----
st, hd, j, text = call("GET", "/api/v1/users", "adm")
check(st == 200 and any(u.get("name") == "ana" for u in j or []) and "argon2" not in text, "users: %d %s" % (st, text[:200]))
problem(call("GET", "/api/v1/users", "ana"), 403, None, "users as analyst")
users0 = cli("user", "list")[1]
problem(call("POST", "/api/v1/users", "adm", {"name": "nieuw", "role": "wizard"}), 400, "role", "user with a bad role")
problem(call("POST", "/api/v1/users", "adm", {"name": "nieuw", "role": "constituent"}), 400, "org", "constituent without org")
problem(call("POST", "/api/v1/users", "adm", {"role": "analyst"}), 400, "name", "user without name")
problem(call("POST", "/api/v1/users", "ana", {"name": "nieuw", "role": "admin"}), 403, None, "user add as analyst")
problem(call("POST", "/api/v1/users", None, {"name": "nieuw", "role": "admin"}), 401, None, "user add without a token")
check(cli("user", "list")[1] == users0, "a refused user add changed the users")
st, hd, j, text = call("POST", "/api/v1/users", "adm", {"name": "nieuw", "role": "constituent", "org": "vital-e", "email": "n@e.example"})
check(st == 201 and j and j.get("role") == "constituent" and j.get("org") == "vital-e", "user add: %d %s" % (st, text[:200]))
PW = "Een lang genoeg wachtwoord 42"
st, hd, j, text = call("POST", "/api/v1/users/nieuw/password", "adm", {"password": PW})
check(st == 200 and j and j.get("password") is True and PW not in text, "password: %d %s" % (st, text[:200]))
check(any(u.get("name") == "nieuw" and u.get("password") for u in cli("user", "list")[1] or []), "the CLI does not see the password set")
st, hd, j, text = call("POST", "/api/v1/users/nieuw/password", "adm", {"password": "kort"})
problem((st, hd, j, text), 400, "password", "a short password")
check("kort" not in text, "the refused password is echoed: %s" % text[:200])
problem(call("POST", "/api/v1/users/nieuw/password", "ana", {"password": PW}), 403, None, "password as analyst")
check(call("POST", "/api/v1/users/niemand/password", "adm", {"password": PW})[0] == 404, "password of an unknown user is not 404")
st, hd, j, text = call("POST", "/api/v1/users/nieuw/tokens", "adm", {})
tok = (j or {}).get("token", "")
check(st == 201 and tok.startswith("bkn_") and "no-store" in (hd.get("Cache-Control") or ""), "token: %d %s" % (st, text[:100]))
tokens["nieuw"] = tok
st, hd, j, text = call("GET", "/api/v1/me", "nieuw")
check(st == 200 and j and j.get("name") == "nieuw" and j.get("org") == "vital-e", "the new token does not work: %d %s" % (st, text[:200]))
check(tok not in json.dumps(cli("user", "list")[1]), "the token is stored in clear")
problem(call("POST", "/api/v1/users/nieuw/tokens", "nieuw", {}), 403, None, "token create as constituent")
problem(call("POST", "/api/v1/users/nieuw/tokens", "adm", {"expires": "never"}), 400, "expires", "token with an unknown field")
check(call("POST", "/api/v1/users/niemand/tokens", "adm", {})[0] == 404, "token of an unknown user is not 404")
st, hd, j, text = call("POST", "/api/v1/config/site.name", "adm", {"value": "CSIRT Test"})
check(st == 200 and j and j.get("value") == "CSIRT Test", "config set: %d %s" % (st, text[:200]))
rc, d, err = cli("config", "get", "site.name")
check(rc == 0 and d and d.get("value") == "CSIRT Test", "the CLI does not see the setting: %s" % err)
st, hd, j, text = call("POST", "/api/v1/config/smtp.password", "adm", {"value": "geheim-123"})
check(st == 200 and "geheim-123" not in text and j and j.get("value") == "(set)", "a secret setting is echoed: %s" % text[:200])
st, hd, j, text = call("GET", "/api/v1/config", "adm")
check(st == 200 and "geheim-123" not in text and any(c.get("key") == "smtp.password" for c in j or []), "config list: %s" % text[:200])
st, hd, j, text = call("GET", "/api/v1/config/smtp.password", "adm")
check(st == 200 and "geheim-123" not in text, "config get of a secret: %s" % text[:200])
cfg0 = cli("config", "get")[1]
problem(call("POST", "/api/v1/config/scan.quiet_days", "adm", {"value": "veel"}), 400, "value", "config bad value")
problem(call("POST", "/api/v1/config/site.name", "adm", {}), 400, "value", "config without value")
check(call("POST", "/api/v1/config/no.such.key", "adm", {"value": "1"})[0] == 404, "an unknown setting is not 404")
check(call("GET", "/api/v1/config/no.such.key", "adm")[0] == 404, "get of an unknown setting is not 404")
problem(call("POST", "/api/v1/config/site.name", "ana", {"value": "X"}), 403, None, "config set as analyst")
problem(call("GET", "/api/v1/config", "coo"), 403, None, "config as coordinator")
problem(call("POST", "/api/v1/config/site.name", None, {"value": "X"}), 401, None, "config set without a token")
check(cli("config", "get")[1] == cfg0, "a refused setting changed the configuration")

for f in fails:
    print("FAIL: " + " ".join(f.split()))
print("checks %d" % checks)
EOF
n=$(sed -n 's/^checks //p' "$T/api")
[ -n "$n" ] || fail "the API checks did not run: $(peek "$T/api" 2000)"
NCHECK=$((NCHECK + ${n:-0}))
grep '^FAIL: ' "$T/api" | while IFS= read -r l; do printf '%s\n' "$l"; done
NFAIL=$((NFAIL + $(grep -c '^FAIL: ' "$T/api")))
if grep -vq -e '^FAIL: ' -e '^checks ' "$T/api"; then
	fail "the API checks said more: $(grep -v -e '^FAIL: ' -e '^checks ' "$T/api" | head -c 1500)"
fi

# the request log: one line per request, written in batches, flushed by SIGTERM
kill "$SERVER"
wait "$SERVER"
SERVER=""
NCHECK=$((NCHECK + 1))
grep -qE " POST /api/v1/advisories 201 [0-9]+ [0-9.]+ms ana$" "$T/serve.log" ||
	fail "the request log lacks the API's POST: $(tail -n 3 "$T/serve.log")"
NCHECK=$((NCHECK + 1))
grep -q "stopped" "$T/serve.log" || fail "no 'stopped' in the log"
finish
