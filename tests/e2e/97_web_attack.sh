# The web layer as an attacker tries it: a partner that lists products to become "affected" by
# a TLP:RED advisory, an open redirect after login (a tab that browsers drop), a constituent
# that back-dates its follow-up answer to be in time, or learns of other organisations by
# answering for them, follow-up on an advisory one may not read,
# the anonymous CSRF cookie behind a TLS proxy; and what must keep holding: the cache of public
# answers never hands an authenticated (or TLP-restricted) answer to the public, CSRF on a
# session's API calls, logout ends the session, security headers on every kind of answer.
. "$(dirname "$0")/lib.sh"

trap stop_server EXIT

seed_orgs
must org add part-1 --name "Sector-CERT 1" --kind partner --sector health
A="--cve CVE-2019-19781 --affects citrix:adc:>=13.0|<13.0.47.24"
newadv() { # TITLE OPTIONS...: a published advisory; prints its id
	t=$1
	shift
	# shellcheck disable=SC2086
	ok --at 2019-12-18T09:00:00Z advisory new --title "$t" $MH "$@" || return 1
	i=$(new_id)
	ok --at 2019-12-18T10:00:00Z advisory publish "$i" || return 1
	printf '%s' "$i"
}
# shellcheck disable=SC2086
CLEAR=$(newadv "Openbaar advies" $A)
# shellcheck disable=SC2086
RED=$(newadv "Rood geheim advies" $A --tlp red --to other-x)
# nobody runs this product: only staff and other-x (addressed) may read it
STRICT=$(newadv "Strikt advies" --cve CVE-2019-11510 --affects "acme:widget:<2.0" --tlp amber+strict --to other-x)
[ -n "$CLEAR" ] && [ -n "$RED" ] && [ -n "$STRICT" ] || die "could not write the advisories"
# follow-up: on the public one (due long ago), and on the strict one asking agency-a1 anyway
must --at 2020-01-01T00:00:00Z followup request "$CLEAR" --to agency-a1 --deadline 2020-01-08T00:00:00Z
must --at 2020-01-01T00:00:00Z followup request "$STRICT" --to agency-a1 --deadline 2020-01-08T00:00:00Z \
	--question "Draait u acme widget (geheim)?"

user_token ana analyst
user_token coo coordinator
user_token c-agency constituent agency-a1
user_token c-other constituent other-x
user_token p-1 partner part-1
printf 'correct horse battery\n' | "$BAKEN" --db "$DB" user password c-agency >"$T/out" 2>"$T/err" ||
	die "user password: $(peek "$T/err")"

serve_start

NCHECK=$((NCHECK + 1))
"$PY" - "$U" "$TOKENS" "$DB" "$CLEAR" "$RED" "$STRICT" >"$T/attack" 2>&1 <<'EOF' ||
import http.client, json, sqlite3, sys, urllib.parse
U, tokfile, db = sys.argv[1], sys.argv[2], sys.argv[3]
CLEAR, RED, STRICT = sys.argv[4:7]
TOK = dict(l.split() for l in open(tokfile))
host = urllib.parse.urlsplit(U)
fails = []

def check(cond, what):
    if not cond:
        fails.append(what)

def req(method, path, who=None, body=None, headers=None, cookie=None):
    c = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    h = dict(headers or {})
    if who:
        h["Authorization"] = "Bearer " + TOK[who]
    if cookie:
        h["Cookie"] = cookie
    data = None
    if isinstance(body, (dict, list)):
        data = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    elif isinstance(body, str):
        data = body.encode()
        h.setdefault("Content-Type", "application/x-www-form-urlencoded")
    elif isinstance(body, bytes):
        data = body
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    text = r.read().decode("utf-8", "replace")
    hd = {k.lower(): v for k, v in r.getheaders()}
    hd["set-cookie-all"] = [v for k, v in r.getheaders() if k.lower() == "set-cookie"]
    c.close()
    return r.status, hd, text

def cookie_of(hd, name):
    for v in hd["set-cookie-all"]:
        if v.startswith(name + "="):
            return v.split(";")[0].split("=", 1)[1]
    return None

def csrf_in(text):
    i = text.find('name="csrf" value="')
    return text[i + 19:text.index('"', i + 19)] if i >= 0 else None

def q(sql, *args):
    c = sqlite3.connect(db)
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()

# ---- a partner keeps no inventory: listing a product would make it "affected" by RED ----
st = req("GET", "/api/v1/advisories/" + RED, "p-1")[0]
check(st == 404, "a partner reads the RED advisory not released to it: %d" % st)
st, hd, text = req("POST", "/api/v1/inventory", "p-1", {"product": "citrix:adc", "version": "13.0-47.22"})
check(st == 403, "a partner adds an inventory row through the API (the portal refuses it): %d %s" % (st, text[:200]))
st, hd, text = req("POST", "/api/v1/inventory/import", "p-1",
                   b"product,version,count,internet_facing\ncitrix:adc,13.0-47.22,1,true\n",
                   {"Content-Type": "text/csv"})
check(st == 403, "a partner imports an inventory through the API: %d %s" % (st, text[:200]))
check(q("select count(*) from inventory where org_id = 'part-1'")[0][0] == 0,
      "the partner's inventory rows were stored")
st = req("GET", "/api/v1/advisories/" + RED, "p-1")[0]
check(st == 404, "after trying, the partner reads the RED advisory: %d" % st)
st, hd, text = req("GET", "/advisories/" + RED, "p-1")
check(st == 404 and "Rood geheim" not in text, "the partner reads the RED page: %d" % st)
# a constituent still keeps its own
st, hd, text = req("POST", "/api/v1/inventory", "c-agency", {"product": "acme:gadget", "version": "1.0"})
check(st == 201, "a constituent adds an inventory row: %d %s" % (st, text[:200]))

# ---- login: ?next= may only lead to this site ----
def browser_target(base, location):
    # what a browser makes of a Location: tabs and line ends dropped, \ read as /
    loc = "".join(ch for ch in location if ch not in "\t\r\n").replace("\\", "/")
    return urllib.parse.urlsplit(urllib.parse.urljoin(base, loc))

def login(nxt):
    st, hd, text = req("GET", "/login")
    anon = cookie_of(hd, "baken_csrf")
    form = urllib.parse.urlencode({"name": "c-agency", "password": "correct horse battery",
                                   "csrf": csrf_in(text), "next": nxt})
    return req("POST", "/login", body=form, cookie="baken_csrf=%s" % anon)

for nxt in ["/\t/evil.example/x", "/\n/evil.example", "/\t\\evil.example", "//evil.example",
            "/\\evil.example", "\t//evil.example", "https://evil.example/"]:
    st, hd, text = login(nxt)
    loc = hd.get("location", "")
    t = browser_target(U + "/login", loc)
    check(st == 303 and t.netloc == host.netloc,
          "login with next=%r sends the browser to %s (Location %r)" % (nxt, t.geturl(), loc))
st, hd, text = login("/portal/contacts")
check(st == 303 and hd.get("location") == "/portal/contacts",
      "login with next=/portal/contacts: %d %r" % (st, hd.get("location")))
SESSION = cookie_of(hd, "baken_session")
check(SESSION is not None, "login set no session cookie")
st, hd, text = req("GET", "/login?next=" + urllib.parse.quote("/\t/evil.example"))
check("evil.example" not in text, "the login form carries next=/<TAB>/evil.example on")

# ---- a constituent's changes happen now: no back-dating ----
st, hd, text = req("POST", "/api/v1/advisories/%s/followup/respond" % CLEAR, "c-agency",
                   {"status": "patched", "version": "13.0.47.24", "at": "2020-01-02T00:00:00Z"})
check(st == 403, "a constituent dates its late answer before the deadline: %d %s" % (st, text[:300]))
check(q("select count(*) from followup_answers")[0][0] == 0, "the back-dated answer was stored")
check(q("select count(*) from events where occurred_at < '2020-01-03' and actor = 'web:c-agency'")[0][0] == 0,
      "the event log holds a back-dated change of a constituent")
st, hd, text = req("POST", "/api/v1/inventory", "c-agency",
                   {"product": "acme:gizmo", "version": "1.0", "at": "2019-01-01T00:00:00Z"})
check(st == 403, "a constituent back-dates an inventory row: %d %s" % (st, text[:200]))
st, hd, text = req("POST", "/api/v1/advisories/%s/followup/respond" % CLEAR, "c-agency",
                   {"status": "patched", "version": "13.0.47.24"})
check(st == 201, "a constituent answers now: %d %s" % (st, text[:300]))
st, hd, text = req("GET", "/api/v1/advisories/%s/followup" % CLEAR, "c-agency")
try:
    late = json.loads(text)["requests"][0]["orgs"][0]["history"][-1]["late"]
except Exception as e:
    late = "?: %s" % e
check(st == 200 and late is True, "the answer after the deadline is not late: %d %s" % (st, late))
# staff may still date what happened (the CLI's --at)
st, hd, text = req("POST", "/api/v1/advisories/%s/followup/respond" % CLEAR, "coo",
                   {"org": "agency-a1", "status": "switched-off", "at": "2020-01-05T00:00:00Z"})
check(st == 201, "staff date an answer with at: %d %s" % (st, text[:300]))

# ---- answering for another organisation says nothing of it ----
said = []
for other in ("other-x", "no-such-org"):
    st, hd, text = req("POST", "/api/v1/advisories/%s/followup/respond" % CLEAR, "c-agency",
                       {"org": other, "by": "agency-a1", "status": "switched-off"})
    said.append((st, text.replace(other, "ORG")))
check(said[0] == said[1] and said[0][0] in (400, 403, 404),
      "answering for an organisation that exists and one that does not differ: %r" % said)

# ---- follow-up on an advisory one may not read does not exist for one ----
st, hd, text = req("GET", "/api/v1/advisories/%s/followup" % STRICT, "c-agency")
check(st == 404 and "acme widget" not in text,
      "the follow-up on an AMBER+STRICT advisory it may not read shows: %d %s" % (st, text[:300]))
st, hd, text = req("POST", "/api/v1/advisories/%s/followup/respond" % STRICT, "c-agency",
                   {"status": "switched-off"})
check(st == 404, "an answer on an advisory it may not read is taken: %d %s" % (st, text[:300]))
st, hd, text = req("GET", "/portal/followup/" + STRICT, cookie="baken_session=" + SESSION)
check(st == 404, "the portal shows the follow-up on an advisory it may not read: %d" % st)
st, hd, text = req("GET", "/api/v1/advisories/%s/followup" % STRICT, "c-other")
check(st == 404, "an organisation that was not asked sees the follow-up: %d" % st)
st, hd, text = req("GET", "/api/v1/advisories/%s/followup" % STRICT, "coo")
check(st == 200, "the coordinator sees the follow-up: %d" % st)

# ---- CSRF for a session's API calls; logout ends the session ----
st = req("POST", "/api/v1/inventory", body={"product": "acme:x"}, cookie="baken_session=" + SESSION)[0]
check(st == 403, "a session's API POST without the CSRF token: %d" % st)
st = req("POST", "/api/v1/inventory", body="product=acme:x", cookie="baken_session=" + SESSION,
         headers={"Content-Type": "text/plain"})[0]
check(st == 403, "a session's text/plain POST without the CSRF token: %d" % st)
st, hd, text = req("GET", "/portal", cookie="baken_session=" + SESSION)
SCSRF = csrf_in(text)
st, hd, text = req("POST", "/api/v1/inventory", body={"product": "acme:x", "version": "1.0"},
                   cookie="baken_session=" + SESSION, headers={"X-CSRF-Token": SCSRF})
check(st == 201, "a session's API POST with the X-CSRF-Token header: %d %s" % (st, text[:300]))
st = req("POST", "/logout", body="csrf=" + SCSRF, cookie="baken_session=" + SESSION)[0]
check(st == 303, "logout: %d" % st)
st, hd, text = req("GET", "/portal", cookie="baken_session=" + SESSION)
check(st == 303, "the session cookie still works after logout: %d" % st)
check(req("GET", "/api/v1/me", cookie="baken_session=" + SESSION)[0] == 401,
      "the session answers the API after logout")

# ---- the cache of public answers: never an authenticated or restricted answer ----
for path in ["/advisories", "/", "/feed.atom", "/advisories/" + CLEAR + "?format=json"]:
    st, hd, text = req("GET", path, "ana")          # staff see RED and drafts: never cached
    check("Rood geheim" in text or path != "/advisories", "staff do not see RED in %s" % path)
    check("no-store" in hd.get("cache-control", ""), "staff's %s is cacheable: %s" % (path, hd.get("cache-control")))
    check("etag" not in hd, "staff's %s has an ETag" % path)
    for i in range(2):
        st, hd, text = req("GET", path)
        check(st == 200 and "Rood geheim" not in text and "Strikt advies" not in text,
              "the public's %s (try %d) shows a restricted advisory: %d" % (path, i, st))
st, hd, text = req("GET", "/advisories", "c-other")   # after the public's answer is cached
check("Rood geheim" in text and "no-store" in hd.get("cache-control", ""),
      "other-x is served the public's cached list instead of its own")
st, hd, text = req("GET", "/advisories/" + RED)
check(st == 404 and "Rood geheim" not in text, "the public reads RED: %d" % st)
st, hd, text = req("GET", "/advisories/" + RED, cookie="baken_session=expired-or-forged")
check(st == 404 and "Rood geheim" not in text, "a forged session cookie reads RED: %d" % st)

# ---- security headers on every kind of answer ----
csp = "frame-ancestors 'none'"
answers = {
    "200 html": req("GET", "/advisories"),
    "200 cached": req("GET", "/advisories"),
    "200 json": req("GET", "/api/v1/me", "c-agency"),
    "200 atom": req("GET", "/feed.atom"),
    "303": req("GET", "/portal"),
    "304": req("GET", "/advisories", headers={"If-None-Match": req("GET", "/advisories")[1].get("etag", "x")}),
    "401": req("GET", "/api/v1/me"),
    "403 role": req("GET", "/api/v1/users", "c-agency"),
    "403 csrf": req("POST", "/login", body="name=x&password=y"),
    "404": req("GET", "/no/such/page"),
    "404 api": req("GET", "/api/v1/advisories/" + RED, "p-1"),
    "405": req("DELETE", "/advisories"),
    "413": req("POST", "/logout", body="x" * 5000),
}
for what, (st, hd, text) in answers.items():
    check(csp in hd.get("content-security-policy", "") and hd.get("x-content-type-options") == "nosniff"
          and hd.get("x-frame-options") == "DENY" and hd.get("referrer-policy") == "no-referrer",
          "the %s answer (%d) lacks a security header: %s" % (what, st,
          {k: hd.get(k) for k in ["content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy"]}))
check(answers["304"][0] == 304, "If-None-Match of a cached answer: %d" % answers["304"][0])

if fails:
    print("\n".join(fails))
    sys.exit(1)
EOF
	fail "the attacks: $(cat "$T/attack")"

# ---- behind a TLS proxy (site.url https) the anonymous CSRF cookie is Secure too ----
must config set site.url https://advisories.example
NCHECK=$((NCHECK + 1))
curl -s -D "$T/h" -o /dev/null "$U/login"
grep -qi '^set-cookie: baken_csrf=.*; Secure' "$T/h" ||
	fail "the anonymous CSRF cookie lacks Secure behind https: $(grep -i '^set-cookie' "$T/h" | tr '\r\n' '  ')"
finish
