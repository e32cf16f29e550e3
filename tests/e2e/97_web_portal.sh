# The constituent portal: a constituent sees the advisories meant for its organisation (a
# TLP:AMBER one included) with the products that matched, acknowledges an alert, keeps its
# inventory (upload CSV and CycloneDX, add and remove rows; a bad file changes nothing and the
# page names file, line and field), contacts and netblocks, answers a follow-up request (kept-on
# refused without the three conditions), sees its BIO deadline and its own systems seen in
# scans. Every change is in the event log with the web actor; forms without the CSRF token are
# refused; another organisation's rows are never shown, and editing one by id answers 404 and
# changes nothing.
. "$(dirname "$0")/lib.sh"

trap stop_server EXIT

seed_orgs
must org contact other-x --name "CISO X" --role ciso --email ciso@x.example --phone +31700000009
must org netblock other-x 198.51.100.0/24
must org netblock agency-a1 192.0.2.0/24
# a TLP:AMBER advisory that matches agency-a1's Citrix ADC, raised to high/high (the BIO clock)
must --at 2019-12-18T09:00:00Z advisory new --title "Kwetsbaarheid in Citrix ADC" --tlp amber \
	--cve CVE-2019-19781 --affects 'citrix:adc:>=13.0|<13.0.47.24' $MH
ADV=$(new_id)
must --at 2019-12-18T10:00:00Z advisory publish "$ADV"
must --at 2019-12-24T12:00:00Z advisory update "$ADV" $HH --change "Inschaling verhoogd"
must --at 2019-12-24T12:05:00Z advisory publish "$ADV"
must --at 2020-01-10T09:00:00Z followup request "$ADV" --to agency other --deadline 2020-01-13T12:00:00Z \
	--question "Hebt u de mitigerende maatregelen genomen?"
# scans: one system in agency-a1's netblock, one in other-x's
printf 'ip,port,seen_at,cve,product,version\n192.0.2.10,443,2020-01-13T10:00:00Z,CVE-2019-19781,citrix:adc,13.0-47.22\n198.51.100.20,443,2020-01-13T10:00:00Z,CVE-2019-19781,citrix:adc,13.0-47.22\n' >"$T/scan.csv"
must --at 2020-01-13T12:00:00Z scan import "$T/scan.csv" --source own-scan
for u in c-agency:agency-a1 c-other:other-x; do
	must user add "${u%%:*}" --role constituent --org "${u#*:}"
	printf 'portal password 1\n' | "$BAKEN" --db "$DB" user password "${u%%:*}" >/dev/null 2>&1 ||
		die "user password ${u%%:*}"
done
must org add part-1 --name "Sector-CERT" --kind partner
must user add p-1 --role partner --org part-1
must user add ana --role analyst
must --json token create ana
ANA=$(jv 'd["token"]')
must --json token create p-1
P1=$(jv 'd["token"]')

serve_start

NCHECK=$((NCHECK + 1))
"$PY" - "$U" "$DB" "$ADV" "$ANA" "$P1" >"$T/portal.log" 2>&1 <<'EOF' || fail "portal: $(grep -c '^FAIL' "$T/portal.log") failures: $(grep -E '^(FAIL|Traceback|  File|[A-Za-z]+Error)' "$T/portal.log" | head -n 12)"
import http.cookiejar, json, re, sqlite3, sys, urllib.error, urllib.parse, urllib.request
U, DB, ADV, ANA, P1 = sys.argv[1:6]
checks = 0
fails = []

def check(cond, what):
    global checks
    checks += 1
    if not cond:
        fails.append(what)
        print("FAIL: " + what)
    return cond

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None

class Session:
    def __init__(self, token=None):
        self.jar = http.cookiejar.CookieJar()
        self.op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.token = token
        self.csrf = None
    def req(self, method, path, data=None, ctype=None):
        r = urllib.request.Request(U + path, data=data, method=method)
        if ctype:
            r.add_header("Content-Type", ctype)
        if self.token:
            r.add_header("Authorization", "Bearer " + self.token)
        try:
            with self.op.open(r, timeout=20) as resp:
                body = resp.read().decode("utf-8", "replace")
                st, hdrs = resp.status, resp.headers
        except urllib.error.HTTPError as e:
            body = e.read().decode("utf-8", "replace")
            st, hdrs = e.code, e.headers
        m = re.search(r'name="csrf" value="([^"]+)"', body)
        if m:
            self.csrf = m.group(1)
        return st, body, hdrs
    def get(self, path):
        return self.req("GET", path)
    def post(self, path, fields, csrf=True):
        f = dict(fields)
        if csrf:
            f["csrf"] = self.csrf
        return self.req("POST", path, urllib.parse.urlencode(f).encode(),
                        "application/x-www-form-urlencoded")
    def upload(self, path, fields, name, content, csrf=True, ctype="text/csv"):
        b = "----bakenportaltest7MA4YWxkTrZu0gW"
        parts = []
        f = dict(fields)
        if csrf:
            f["csrf"] = self.csrf
        for k, v in f.items():
            parts.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (b, k, v)).encode())
        parts.append(("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                      "Content-Type: %s\r\n\r\n" % (b, name, ctype)).encode() + content + b"\r\n")
        parts.append(("--%s--\r\n" % b).encode())
        return self.req("POST", path, b"".join(parts), "multipart/form-data; boundary=" + b)
    def login(self, name):
        self.get("/login")
        st, body, h = self.post("/login", {"name": name, "password": "portal password 1"})
        check(st == 303 and h.get("Location") == "/portal", "login %s: %d %s" % (name, st, h.get("Location")))

def q(sql, *args):
    c = sqlite3.connect(DB)
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()

def inventory(org):
    return sorted(q("select product, version, count, internet_facing from inventory where org_id=?", org))

def events():
    return q("select count(*) from events")[0][0]

def state_of(org):
    """Everything of one organisation a portal page may change, and the number of events."""
    return (inventory(org),
            sorted(q("select id, name, role, email, phone, always_on, webhook_url from contacts where org_id=?", org)),
            sorted(q("select cidr from netblocks where org_id=?", org)),
            q("select count(*) from followup_answers where org_id=?", org)[0][0],
            events())

a = Session()
a.login("c-agency")

# ---- the overview ----
st, body, _ = a.get("/portal")
check(st == 200, "/portal: %d" % st)
check(ADV in body and "TLP:AMBER" in body, "the overview lacks the TLP:AMBER advisory that concerns agency-a1")
check("citrix:adc 13.0-47.22" in body, "the overview does not name the matched product and version")
check("Hebt u de mitigerende maatregelen genomen?" in body, "the overview lacks the follow-up request")
check(re.search(r'BIO patch deadlines.*%s.*(overdue|open|late|in-time)' % ADV, body, re.S) is not None,
      "the overview lacks the BIO deadline of the advisory")
check("other-x" not in body and "Gemeente X" not in body and "12.1-50.31" not in body,
      "the overview shows another organisation's data")
# acknowledge an alert
alert = q("select id from alerts where org_id='agency-a1' and channel='email' and state<>'acknowledged' order by id limit 1")[0][0]
other_alert = q("select id from alerts where org_id<>'agency-a1' and channel='email' order by id limit 1")
st, _, _ = a.post("/portal/alerts/%d/ack" % alert, {}, csrf=False)
check(st == 403, "acknowledging without the CSRF token: %d, want 403" % st)
st, _, h = a.post("/portal/alerts/%d/ack" % alert, {})
check(st == 303 and q("select state from alerts where id=?", alert)[0][0] == "acknowledged",
      "acknowledging from the portal: %d, state %s" % (st, q("select state from alerts where id=?", alert)[0][0]))
if other_alert:
    st, _, _ = a.post("/portal/alerts/%d/ack" % other_alert[0][0], {})
    check(st == 404 and q("select state from alerts where id=?", other_alert[0][0])[0][0] != "acknowledged",
          "acknowledging another organisation's alert: %d" % st)

# ---- inventory: upload CSV, CycloneDX, a bad file, add and remove ----
st, body, _ = a.get("/portal/inventory")
check(st == 200 and "citrix:adc" in body and "enctype=\"multipart/form-data\"" in body,
      "the inventory page: %d" % st)
check("pulsesecure" not in body, "the inventory page shows another organisation's rows")
before = state_of("agency-a1")
csv = b"product,version,count,internet_facing\ncitrix:adc,13.0-47.22,2,yes\nfortinet:fortios,6.0.4,3,no\n"
st, _, _ = a.upload("/portal/inventory/upload", {"mode": "add"}, "inv.csv", csv, csrf=False)
check(st == 403 and state_of("agency-a1") == before, "an upload without the CSRF token: %d, or it changed something" % st)
st, _, h = a.upload("/portal/inventory/upload", {"mode": "add"}, "inv.csv", csv)
check(st == 303 and ("fortinet:fortios", "6.0.4", 3, 0) in inventory("agency-a1")
      and ("citrix:adc", "13.0-47.22", 2, 1) in inventory("agency-a1"),
      "a CSV upload: %d %s" % (st, inventory("agency-a1")))
st, body, _ = a.get(h.get("Location", "/portal/inventory"))
check("Imported: 2 rows" in body, "the page after an upload does not say how many rows")
check(q("select count(*) from events where action='inventory.import' and actor='web:c-agency' and detail like '%inv.csv%'")[0][0] == 1,
      "the upload is not in the event log with the web actor and the file's name")
# a bad file: row 3 has a bad version; nothing changes, the page names file, line and field
before = state_of("agency-a1")
bad = b"product,version,count\npaloaltonetworks:pan-os,9.1.0,1\ncitrix:adc,,1\n"
st, body, _ = a.upload("/portal/inventory/upload", {"mode": "replace"}, "bad-inv.csv", bad)
check(st == 400, "a bad upload: %d, want 400" % st)
check("bad-inv.csv:3: field version" in body, "the bad upload's message lacks file:line: field: %s"
      % re.findall(r'class="error"[^>]*>([^<]*)', body))
check(state_of("agency-a1") == before, "a bad upload changed the store")
check("paloaltonetworks" not in body, "the page after a bad upload shows rows of the refused file")
# a row naming another organisation is refused
st, body, _ = a.upload("/portal/inventory/upload", {"mode": "add"}, "other.csv",
                       b"org,product,version\nother-x,citrix:adc,13.0-47.22\n")
check(st == 400 and "other.csv:2: field org" in body and state_of("agency-a1") == before
      and len(inventory("other-x")) == 2, "a row for another organisation: %d" % st)
# a malformed multipart body
st, _, _ = a.req("POST", "/portal/inventory/upload", b"--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + a.csrf.encode(),
                 "multipart/form-data; boundary=x")
check(st == 400 and state_of("agency-a1") == before, "a multipart body without its closing boundary: %d" % st)
# CycloneDX, replacing the inventory
cdx = json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
    {"type": "application", "name": "ADC", "purl": "pkg:generic/citrix/adc@13.0-47.22"},
    {"type": "application", "name": "Pulse", "cpe": "cpe:2.3:a:pulsesecure:pulse_connect_secure:9.0r3.3:*:*:*:*:*:*:*"}]}).encode()
st, _, _ = a.upload("/portal/inventory/upload", {"mode": "replace"}, "sbom.cdx.json", cdx, ctype="application/json")
inv = inventory("agency-a1")
check(st == 303 and len(inv) == 2 and not any(p == "fortinet:fortios" for p, *_ in inv),
      "a CycloneDX upload with replace: %d %s" % (st, inv))
# a row by hand, and removed again
st, _, _ = a.post("/portal/inventory/add", {"product": "fortinet:fortios", "version": "6.0.4", "count": "5",
                                            "internet_facing": "yes"})
check(st == 303 and ("fortinet:fortios", "6.0.4", 5, 1) in inventory("agency-a1"), "adding a row: %d" % st)
before = state_of("agency-a1")
st, body, _ = a.post("/portal/inventory/add", {"product": "fortinet:fortios", "version": "6.0.4", "count": "many"})
check(st == 400 and "field count" in body and state_of("agency-a1") == before, "a bad count: %d" % st)
st, _, _ = a.post("/portal/inventory/remove", {"product": "fortinet:fortios", "version": "6.0.4"}, csrf=False)
check(st == 403 and state_of("agency-a1") == before, "removing without the CSRF token: %d" % st)
st, _, _ = a.post("/portal/inventory/remove", {"product": "fortinet:fortios", "version": "6.0.4"})
check(st == 303 and not any(p == "fortinet:fortios" for p, *_ in inventory("agency-a1")), "removing a row: %d" % st)
other_inv = inventory("other-x")
st, _, _ = a.post("/portal/inventory/remove", {"product": "citrix:gateway", "version": "12.1-50.31"})
check(st == 404 and inventory("other-x") == other_inv, "removing a row only another organisation has: %d" % st)
check(q("select count(*) from events where action in ('inventory.put','inventory.remove') and actor='web:c-agency'")[0][0] == 2,
      "adding and removing rows are not in the event log")

# ---- contacts ----
st, body, _ = a.get("/portal/contacts")
check(st == 200 and "CISO A1" in body and "CISO X" not in body, "the contacts page: %d (or it shows another's)" % st)
st, _, _ = a.post("/portal/contacts/add", {"name": "SOC A1", "role": "soc", "email": "soc@a1.example",
                                           "phone": "+31 70 000 0003", "always_on": "yes"})
soc = q("select id, email, always_on from contacts where org_id='agency-a1' and name='SOC A1'")
check(st == 303 and soc and soc[0][1:] == ("soc@a1.example", 1), "adding a contact: %d %s" % (st, soc))
before = state_of("agency-a1")
st, body, _ = a.post("/portal/contacts/add", {"name": "Bad", "email": "not-an-address"})
check(st == 400 and "bad e-mail address" in body and state_of("agency-a1") == before, "a bad e-mail: %d" % st)
sid = soc[0][0] if soc else 0
st, body, _ = a.get("/portal/contacts/%d/edit" % sid)
check(st == 200 and "soc@a1.example" in body, "the contact's edit form: %d" % st)
st, _, _ = a.post("/portal/contacts/%d/edit" % sid, {"name": "SOC A1", "role": "soc", "email": "",
                                                     "phone": "+31 70 000 0004"})
check(st == 303 and q("select email, phone, always_on from contacts where id=?", sid) == [(None, "+31 70 000 0004", 0)],
      "editing a contact (clearing the e-mail): %d %s" % (st, q("select email, phone, always_on from contacts where id=?", sid)))
xid = q("select id from contacts where org_id='other-x'")[0][0]
other = state_of("other-x")
st, _, _ = a.get("/portal/contacts/%d/edit" % xid)
check(st == 404, "the edit form of another organisation's contact: %d, want 404" % st)
st, _, _ = a.post("/portal/contacts/%d/edit" % xid, {"name": "Taken over", "email": "evil@a1.example"})
check(st == 404 and state_of("other-x")[:4] == other[:4], "editing another organisation's contact by id: %d" % st)
st, _, _ = a.post("/portal/contacts/%d/remove" % xid, {})
check(st == 404 and state_of("other-x")[:4] == other[:4], "removing another organisation's contact by id: %d" % st)
st, _, _ = a.post("/portal/contacts/%d/remove" % sid, {}, csrf=False)
check(st == 403 and q("select count(*) from contacts where id=?", sid)[0][0] == 1, "removing without CSRF: %d" % st)
st, _, _ = a.post("/portal/contacts/%d/remove" % sid, {})
check(st == 303 and q("select count(*) from contacts where id=?", sid)[0][0] == 0, "removing a contact: %d" % st)
check(q("select count(*) from events where action in ('org.contact','org.contact.remove') and actor='web:c-agency'")[0][0] == 3,
      "contact changes are not in the event log")

# ---- netblocks ----
st, body, _ = a.get("/portal/netblocks")
check(st == 200 and "192.0.2.0/24" in body and "198.51.100" not in body, "the netblocks page: %d" % st)
st, _, _ = a.post("/portal/netblocks/add", {"cidr": "2001:DB8:A1::/48"})
check(st == 303 and ("2001:db8:a1::/48",) in state_of("agency-a1")[2], "adding an IPv6 netblock: %d %s" % (st, state_of("agency-a1")[2]))
before = state_of("agency-a1")
st, body, _ = a.post("/portal/netblocks/add", {"cidr": "300.1.2.3/8"})
check(st == 400 and "bad CIDR" in body and state_of("agency-a1") == before, "a bad CIDR: %d" % st)
st, body, _ = a.post("/portal/netblocks/add", {"cidr": "198.51.100.0/24"})
check(st == 409 and "another organisation" in body and "other-x" not in body and state_of("agency-a1") == before,
      "another organisation's netblock: %d (and the page must not name it)" % st)
st, _, _ = a.post("/portal/netblocks/remove", {"cidr": "198.51.100.0/24"})
check(st == 404 and state_of("other-x")[2] == [("198.51.100.0/24",)], "removing another organisation's netblock: %d" % st)
st, _, _ = a.post("/portal/netblocks/add", {"cidr": "203.0.113.0/24"}, csrf=False)
check(st == 403 and state_of("agency-a1") == before, "adding a netblock without CSRF: %d" % st)
st, _, _ = a.post("/portal/netblocks/remove", {"cidr": "2001:db8:a1::/48"})
check(st == 303 and ("2001:db8:a1::/48",) not in state_of("agency-a1")[2], "removing a netblock: %d" % st)
check(q("select count(*) from events where action in ('org.netblock','org.netblock.remove') and actor='web:c-agency'")[0][0] == 2,
      "netblock changes are not in the event log")

# ---- follow-up: comply or explain ----
st, body, _ = a.get("/portal/followup/" + ADV)
check(st == 200 and "Hebt u de mitigerende maatregelen genomen?" in body and 'value="kept-on"' in body,
      "the follow-up form: %d" % st)
check(re.search(r'BIO patch deadlines.*%s' % ADV, body, re.S) is not None, "the follow-up page lacks the BIO deadline")
before = state_of("agency-a1")
keep = {"status": "kept-on", "c1": "Uitzetten raakt de zorg aan patienten.", "c2": "Extra monitoring 24/7 door het SOC."}
st, _, _ = a.post("/portal/followup/" + ADV, dict(keep, c3="Gecompartimenteerd."), csrf=False)
check(st == 403 and state_of("agency-a1") == before, "an answer without CSRF: %d" % st)
st, body, _ = a.post("/portal/followup/" + ADV, keep)
check(st == 400 and "C3" in body and state_of("agency-a1") == before,
      "kept-on without C3: %d %s" % (st, re.findall(r'class="error"[^>]*>([^<]*)', body)))
check("Extra monitoring 24/7 door het SOC." in body, "the refused form does not keep what was typed")
st, body, _ = a.post("/portal/followup/" + ADV, {"status": "kept-on"})
check(st == 400 and all(c in body for c in ("C1", "C2", "C3")) and state_of("agency-a1") == before,
      "kept-on without any condition: %d" % st)
st, body, _ = a.post("/portal/followup/" + ADV, {"status": "patched"})
check(st == 400 and state_of("agency-a1") == before, "patched without a version: %d" % st)
st, _, h = a.post("/portal/followup/" + ADV, dict(keep, c3="Gecompartimenteerd, met detectie.", org="other-x"))
ans = q("select org_id, status, c3, answered_by from followup_answers")
check(st == 303 and ans == [("agency-a1", "kept-on", "Gecompartimenteerd, met detectie.", "web:c-agency")],
      "kept-on with the three conditions (an org field in the form is ignored): %d %s" % (st, ans))
check(q("select count(*) from events where action='followup.respond' and actor='web:c-agency'")[0][0] == 1,
      "the answer is not in the event log")
st, body, _ = a.get("/portal/followup/" + ADV)
check("explained" in body and "Gecompartimenteerd, met detectie." in body, "the follow-up page does not show the answer")

# ---- systems seen in scans ----
st, body, _ = a.get("/portal/systems")
check(st == 200 and "192.0.2.10" in body and "198.51.100.20" not in body, "the systems page: %d" % st)
st, body, h = a.get("/portal/systems/CVE-2019-19781/chart.svg")
check(st == 200 and h.get("Content-Type", "").startswith("image/svg+xml") and "<svg" in body, "the chart: %d" % st)
# a netblock removed: its systems are mapped again (to nobody here) and leave the page
st, _, _ = a.post("/portal/netblocks/remove", {"cidr": "192.0.2.0/24"})
check(st == 303 and q("select count(*) from scan_systems where org_id='agency-a1'")[0][0] == 0,
      "removing a netblock leaves its systems with the organisation: %d %s" % (st, q("select org_id from scan_systems")))
st, body, _ = a.get("/portal/systems")
check(st == 200 and "192.0.2.10" not in body, "the systems page after the netblock went: %d" % st)
st, _, _ = a.post("/portal/netblocks/add", {"cidr": "192.0.2.0/24"})
check(st == 303 and "192.0.2.10" in a.get("/portal/systems")[1], "a netblock added again brings its systems back: %d" % st)

# ---- another organisation's constituent sees none of it ----
o = Session()
o.login("c-other")
for path in ("/portal", "/portal/inventory", "/portal/contacts", "/portal/netblocks", "/portal/systems"):
    st, body, _ = o.get(path)
    check(st == 200, "c-other %s: %d" % (path, st))
    leak = [x for x in ("agency-a1", "Dienst A1", "CISO A1", "192.0.2.", "fortinet", "Gecompartimenteerd") if x in body]
    check(not leak, "c-other %s shows agency-a1's data: %s" % (path, leak))
st, _, _ = o.get("/portal/followup/" + ADV)
check(st == 404, "c-other: the follow-up page of a TLP:AMBER advisory it may not read: %d, want 404" % st)
st, _, _ = o.get("/portal/contacts/%d/edit" % q("select id from contacts where org_id='agency-a1' limit 1")[0][0])
check(st == 404, "c-other: the edit form of agency-a1's contact: %d" % st)
# staff act for no organisation; a partner keeps no inventory
for who, tok, path, want in [("analyst", ANA, "/portal/inventory", 403), ("analyst", ANA, "/portal/contacts", 403),
                             ("partner", P1, "/portal/inventory", 403), ("partner", P1, "/portal/netblocks", 403),
                             ("partner", P1, "/portal/contacts", 200)]:
    st, _, _ = Session(tok).get(path)
    check(st == want, "%s %s: %d, want %d" % (who, path, st, want))

print("%d checks, %d failed" % (checks, len(fails)))
sys.exit(1 if fails else 0)
EOF
n=$(sed -n 's/^\([0-9]*\) checks, .*/\1/p' "$T/portal.log" | head -n 1)
NCHECK=$((NCHECK + ${n:-0}))
ok audit verify
finish
