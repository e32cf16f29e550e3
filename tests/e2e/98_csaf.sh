# CSAF 2.0 (issue 5): every advisory version of the demo and of this test exports as a CSAF
# document that BSI's validator (csaf-validator-lib: strict schema and every mandatory test)
# passes with zero errors, with the version mapping, notes and TLP of DESIGN §3b; the
# provider tree for a static host (metadata, documents, hashes, signatures, listings, ROLIE);
# the demo round trip (export, import back: the same products, ranges, CVEs, classification);
# real vendor documents import, invalid ones are refused naming file and JSON path.
# The validator is installed into tests/csaf by tests/csaf/install; without node or npm this
# test fails, it never skips.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CSAF=$ROOT/tests/csaf
DATA=$ROOT/tests/data
NCHECK=$((NCHECK + 1))
"$CSAF/install" || die "BSI's CSAF validator could not be installed (tests/csaf/install)"

# validate FILE...: keeps a copy of each file for BSI's validator, which runs once at the end
# (validate_all: it takes some seconds to start).
mkdir -p "$T/validate"
validate() {
	for f in "$@"; do
		n=$(ls "$T/validate" | wc -l)
		cp "$f" "$T/validate/$n-$(basename "$f")"
	done
}
validate_all() {
	NCHECK=$((NCHECK + 1))
	node "$CSAF/validate.mjs" "$T"/validate/*.json >"$T/val.txt" 2>&1 && return 0
	fail "CSAF invalid: $(grep -v '^csaf:' "$T/val.txt" | head -n 8 | tr '\n' ' ')"
}

# ---- the demo: every version of every advisory ----
must demo --no-serve --db "$DB"
must --json advisory list
IDS=$(jv '" ".join(r["id"] for r in d)')
mkdir -p "$T/demo"
for id in $IDS; do
	must --json advisory show "$id" --format json
	for ver in $(jv '" ".join(h["version"] for h in d["history"])'); do
		must advisory show "$id" --version "$ver" --format csaf
		cp "$T/out" "$T/demo/$id-$ver.json"
	done
done
NCHECK=$((NCHECK + 1))
[ "$(ls "$T/demo" | wc -l)" -ge 9 ] || fail "the demo has $(ls "$T/demo" | wc -l) versions, want 9 or more"
validate "$T"/demo/*.json

# the mapping of DESIGN §3b on each of them
NCHECK=$((NCHECK + 1))
"$PY" - "$T/demo" <<'PY' || fail "demo CSAF content"
import glob, json, os, sys
bad = []
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    d = json.load(open(f))
    name = os.path.basename(f)[:-5]
    adv, ver = name.rsplit("-", 1)
    doc, t = d["document"], d["document"]["tracking"]
    major, minor = ver.split(".")
    want = "%d.0.%d" % (int(major), int(minor))
    if t["id"] != adv: bad.append("%s: tracking.id %s" % (name, t["id"]))
    if t["version"] != want: bad.append("%s: version %s, want %s" % (name, t["version"], want))
    if t["status"] != "final": bad.append("%s: status %s" % (name, t["status"]))
    legacy = [r.get("legacy_version") for r in t["revision_history"]]
    if legacy[-1] != ver or len(legacy) != int(minor) + 1: bad.append("%s: legacy %s" % (name, legacy))
    if [r["number"] for r in t["revision_history"]] != ["1.0.%d" % i for i in range(int(minor) + 1)]:
        bad.append("%s: numbers %s" % (name, [r["number"] for r in t["revision_history"]]))
    notes = {n.get("title"): n for n in doc["notes"]}
    for w in ("Kans", "Schade", "Vrijwaringsverklaring"):
        if w not in notes: bad.append("%s: no note %s" % (name, w))
    if doc["distribution"]["tlp"]["label"] != "WHITE": bad.append("%s: TLP %s" % (name, doc["distribution"]["tlp"]))
    if doc["category"] != "csaf_security_advisory": bad.append("%s: category" % name)
    if not doc["publisher"]["namespace"].startswith("http"): bad.append("%s: namespace" % name)
    for v in d["vulnerabilities"]:
        ps = v["product_status"]
        if not ps.get("known_affected"): bad.append("%s: no known_affected" % name)
        names = [b["branches"][0]["category"] for ven in d["product_tree"]["branches"] for b in ven["branches"]]
        if "product_version_range" not in names: bad.append("%s: no product_version_range" % name)
        if not any(t["category"] == "exploit_status" for t in v.get("threats", [])): bad.append("%s: no exploit_status threat" % name)
if bad: sys.exit("; ".join(bad[:6]))
PY
# the Schade note carries the consequence lines; Kans and Schade the levels
C=$(for id in $IDS; do must advisory show "$id" --format plain; grep -q Citrix "$T/out" && echo "$id"; done | head -n 1)
must advisory show "$C" --version 1.01 --format csaf
js '[n["text"].split()[0] for n in d["document"]["notes"] if n.get("title") in ("Kans", "Schade")] == ["high", "high"]' \
	"Citrix 1.01: Kans high, Schade high"
js 'any("Uitvoeren van willekeurige code" in n["text"] for n in d["document"]["notes"] if n.get("title") == "Schade")' \
	"the Schade note has the consequence line"
js 'd["document"]["tracking"]["revision_history"][1]["summary"].startswith("Inschaling verhoogd")' \
	"the revision history has the change of 1.01"
must advisory show "$C" --format csaf
js 'd["document"]["tracking"]["version"] == "1.0.%d" % (len(d["document"]["tracking"]["revision_history"]) - 1)' \
	"without --version: the latest published version"
js 'any(r["category"] == "vendor_fix" and r.get("date") for v in d["vulnerabilities"] for r in v["remediations"])' \
	"the fixes of the latest Citrix version are vendor_fix remediations with their date"
js 'any(r["category"] == "mitigation" for v in d["vulnerabilities"] for r in v["remediations"])' \
	"the solution text is a mitigation"
must advisory show "$C" --format csaf
cp "$T/out" "$T/again.json"
must advisory show "$C" --format csaf
NCHECK=$((NCHECK + 1))
cmp -s "$T/out" "$T/again.json" || fail "two renderings of the same version differ"
bad 1 "unknown advisory" advisory show NCSC-2019-9999 --format csaf
bad 1 "version" advisory show "$C" --version 9.99 --format csaf

# ---- this test's own advisories: TLPs, drafts, deviations, several CVEs and products ----
DB=$T/own.db
seed_orgs
must --at 2020-03-01T09:00:00Z advisory new --title "Kwetsbaarheden in Voorbeeld Server" \
	--cve CVE-2020-0001 CVE-2020-0002 --affects 'voorbeeld:server:>=2.0|<2.4.1' \
	--affects 'voorbeeld:agent:*' --affects 'ander:ding:1.0|1.1' --fixed voorbeeld:server:2.4.1 \
	--fixed voorbeeld:server:3.0+build.7 --tlp amber+strict --to min-a vital-e $MH
A=$(new_id)
must --at 2020-03-01T10:00:00Z advisory publish "$A"
must advisory show "$A" --format csaf
cp "$T/out" "$T/strict.json"
js 'd["document"]["distribution"]["tlp"]["label"] == "AMBER"' "AMBER+STRICT is written AMBER"
js '"AMBER+STRICT" in d["document"]["distribution"]["text"] and "min-a" in d["document"]["distribution"]["text"]' \
	"with the restriction and the addressees in distribution.text"
js 'len(d["vulnerabilities"]) == 2 and sorted(v["cve"] for v in d["vulnerabilities"]) == ["CVE-2020-0001", "CVE-2020-0002"]' \
	"one vulnerability per CVE"
js 'any(b["name"] == "vers:generic/*" for ven in d["product_tree"]["branches"] for p in ven["branches"] for b in p["branches"])' \
	"every version is vers:generic/*"
js 'not any(n.get("title") == "Samenvatting" for n in d["document"]["notes"])' \
	"no summary given, no empty note"
must --at 2020-03-02T09:00:00Z advisory update "$A" --likelihood high --rationale "Actief misbruik verwacht" \
	--tlp red --change "Inschaling aangepast"
must advisory show "$A" --version 1.01 --format csaf
cp "$T/out" "$T/draft.json"
js 'd["document"]["tracking"]["status"] == "draft" and d["document"]["tracking"]["version"] == "1.0.1-draft"' \
	"a draft exports as status draft, version 1.0.1-draft"
js 'd["document"]["distribution"]["tlp"]["label"] == "RED"' "RED stays RED"
js 'any("Actief misbruik verwacht" in n["text"] for n in d["document"]["notes"] if n.get("title") == "Kans")' \
	"the deviation's rationale is in the Kans note"
must --at 2020-03-02T10:00:00Z advisory publish "$A"
must advisory show "$A" --format csaf
cp "$T/out" "$T/red.json"
must --at 2020-04-01T09:00:00Z advisory new --title "Groen advies" --cve CVE-2020-0003 \
	--affects 'voorbeeld:server:2.0~rc1' --tlp green --summary "Samenvatting & <tekens> \"quoted\"" \
	--description "Beschrijving" --solution "Oplossing" --platform "Linux"
G=$(new_id)
must advisory show "$G" --format csaf
cp "$T/out" "$T/green-draft.json"
must --at 2020-04-01T10:00:00Z advisory publish "$G"
must advisory show "$G" --format csaf
cp "$T/out" "$T/green.json"
js 'd["document"]["distribution"]["tlp"]["label"] == "GREEN"' "GREEN stays GREEN"
js 'any(r["category"] == "none_available" for v in d["vulnerabilities"] for r in v["remediations"]) is False' \
	"no none_available when the fix question was not answered"
must --at 2020-05-01T09:00:00Z advisory new --title "Publiek advies" --cve CVE-2020-0004 \
	--affects 'voorbeeld:server:<1.5' --fixed voorbeeld:server:1.5 --summary "Publiek." $MH
K=$(new_id)
must --at 2020-05-01T10:00:00Z advisory publish "$K"
must advisory show "$K" --format csaf
cp "$T/out" "$T/clear.json"
validate "$T/strict.json" "$T/draft.json" "$T/red.json" "$T/green-draft.json" "$T/green.json" \
	"$T/clear.json"

# an advisory in an incident that is scaled up is interim
run incident new inc-1 --title "Incident" --advisory "$G"
if [ "$RC" -eq 0 ]; then
	must incident scale inc-1 --level 1 --reason "opgeschaald"
	must advisory show "$G" --format csaf
	js 'd["document"]["tracking"]["status"] == "interim"' "interim while the incident is scaled up"
	cp "$T/out" "$T/interim.json"
	validate "$T/interim.json"
fi

# ---- the provider tree ----
must config set site.url https://advies.example.nl/
must config set site.name "NCSC test"
must csaf export "$T/site"
W=$T/site/.well-known/csaf
NCHECK=$((NCHECK + 1))
[ -f "$W/provider-metadata.json" ] || die "no provider-metadata.json in the tree"
NCHECK=$((NCHECK + 1))
node "$CSAF/provider-validate.mjs" "$W/provider-metadata.json" >"$T/pval.txt" 2>&1 ||
	fail "provider-metadata invalid: $(head -n 3 "$T/pval.txt" | tr '\n' ' ')"
NCHECK=$((NCHECK + 1))
"$PY" - "$W" <<'PY' || fail "provider tree"
import json, os, sys, hashlib, csv
w = sys.argv[1]
bad = []
pmd = json.load(open(w + "/provider-metadata.json"))
if pmd["role"] != "csaf_trusted_provider": bad.append("role %s" % pmd["role"])
if pmd["canonical_url"] != "https://advies.example.nl/.well-known/csaf/provider-metadata.json": bad.append("canonical_url %s" % pmd["canonical_url"])
dirs = [x["directory_url"] for x in pmd["distributions"] if "directory_url" in x]
if dirs != ["https://advies.example.nl/.well-known/csaf/white/"]: bad.append("directory_url %s" % dirs)
if os.path.exists(w + "/amber") or os.path.exists(w + "/red") or os.path.exists(w + "/green"): bad.append("non-CLEAR documents in the public tree")
docs = []
for root, _, files in os.walk(w + "/white"):
    for f in files:
        if f.endswith(".json") and not f.startswith("csaf-feed"):
            docs.append(os.path.relpath(os.path.join(root, f), w + "/white"))
if not docs: bad.append("no documents")
for rel in docs:
    p = w + "/white/" + rel
    data = open(p, "rb").read()
    d = json.loads(data)
    year = d["document"]["tracking"]["initial_release_date"][:4]
    want = "%s/%s.json" % (year, d["document"]["tracking"]["id"].lower())
    if rel != want: bad.append("path %s, want %s" % (rel, want))
    for alg in ("sha256", "sha512"):
        line = open(p + "." + alg).read()
        if line.split()[0] != hashlib.new(alg, data).hexdigest() or line.split()[1] != os.path.basename(p):
            bad.append("%s of %s" % (alg, rel))
    if d["document"]["distribution"]["tlp"]["label"] != "WHITE": bad.append("%s is not WHITE" % rel)
    if os.path.exists(p + ".asc"): bad.append("signed without a key")
index = open(w + "/white/index.txt").read().split()
if sorted(index) != sorted(docs): bad.append("index.txt %s" % index)
rows = list(csv.reader(open(w + "/white/changes.csv")))
if sorted(r[0] for r in rows) != sorted(docs): bad.append("changes.csv %s" % rows)
if [r[1] for r in rows] != sorted((r[1] for r in rows), reverse=True): bad.append("changes.csv not newest first")
if rows and rows[0][0] == "path": bad.append("changes.csv has a header")
feed = json.load(open(w + "/white/csaf-feed-tlp-white.json"))["feed"]
if sorted(e["id"] for e in feed["entry"]) != sorted(json.load(open(w + "/white/" + x))["document"]["tracking"]["id"] for x in docs): bad.append("ROLIE entries")
rolie = [f["url"] for x in pmd["distributions"] if "rolie" in x for f in x["rolie"]["feeds"]]
if rolie != ["https://advies.example.nl/.well-known/csaf/white/csaf-feed-tlp-white.json"]: bad.append("rolie %s" % rolie)
if bad: sys.exit("; ".join(bad[:6]))
PY
validate "$W"/white/*/*.json
# the tree's document is the one advisory show prints
must advisory show "$K" --format csaf
NCHECK=$((NCHECK + 1))
cmp -s "$T/out" "$W/white/2020/$(printf '%s' "$K" | tr 'A-Z' 'a-z').json" ||
	fail "the tree holds other bytes than advisory show --format csaf"
NCHECK=$((NCHECK + 1))
[ -f "$W/green/2020/$(printf '%s' "$G" | tr 'A-Z' 'a-z').json" ] && fail "a TLP:GREEN document is in the public tree"
must csaf export "$T/site" --tlp clear green amber amber+strict red
validate "$W"/*/20*/*.json
must advisory show "$G" --format csaf
NCHECK=$((NCHECK + 1))
cmp -s "$T/out" "$W/green/2020/$(printf '%s' "$G" | tr 'A-Z' 'a-z').json" ||
	fail "with --tlp green the tree holds the same bytes as advisory show --format csaf"
NCHECK=$((NCHECK + 1))
[ -f "$W/red/2020/$(printf '%s' "$A" | tr 'A-Z' 'a-z').json" ] || fail "--tlp red: no red/ document"
NCHECK=$((NCHECK + 1))
node "$CSAF/provider-validate.mjs" "$W/provider-metadata.json" >"$T/pval.txt" 2>&1 ||
	fail "provider-metadata with four TLPs invalid: $(head -n 3 "$T/pval.txt" | tr '\n' ' ')"
bad 2 "--tlp" csaf export "$T/site" --tlp purple
NCHECK=$((NCHECK + 1))
[ -f "$T/site/feed.atom" ] && grep -q '<feed xmlns="http://www.w3.org/2005/Atom">' "$T/site/feed.atom" ||
	fail "csaf export writes no feed.atom"
NCHECK=$((NCHECK + 1))
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if all(a["tlp"]=="CLEAR" for a in d) else 1)' \
	"$T/site/advisories.json" || fail "advisories.json lists what is not public"
NCHECK=$((NCHECK + 1))
grep -q "$A" "$T/site/feed.atom" && fail "the Atom feed shows a TLP:RED advisory"

# signed: a detached OpenPGP signature beside each document, the public key in the tree
GNUPGHOME=$T/gnupg
export GNUPGHOME
mkdir -m 700 "$GNUPGHOME"
trap 'gpgconf --kill gpg-agent 2>/dev/null' EXIT
gpg --batch --quiet --passphrase '' --quick-gen-key 'Baken CSAF <csaf@csirt.example>' ed25519 sign never 2>/dev/null ||
	die "gpg could not make a test key"
FPR=$(gpg --batch --with-colons --list-secret-keys 2>/dev/null | awk -F: '/^fpr/ { print $10; exit }')
must config set signing.key "$FPR"
must csaf export "$T/signed"
S=$T/signed/.well-known/csaf
for f in "$S"/white/*/*.json "$S/white/csaf-feed-tlp-white.json"; do
	NCHECK=$((NCHECK + 1))
	gpg --batch --verify "$f.asc" "$f" 2>/dev/null || fail "gpg does not verify $f.asc"
done
NCHECK=$((NCHECK + 1))
[ -f "$S/openpgp/$FPR.asc" ] || fail "no public key openpgp/$FPR.asc in the tree"
NCHECK=$((NCHECK + 1))
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); k=d["public_openpgp_keys"]; sys.exit(0 if k and k[0]["fingerprint"]==sys.argv[2] else 1)' \
	"$S/provider-metadata.json" "$FPR" || fail "provider-metadata names no public_openpgp_keys"
NCHECK=$((NCHECK + 1))
node "$CSAF/provider-validate.mjs" "$S/provider-metadata.json" >"$T/pval.txt" 2>&1 ||
	fail "signed provider-metadata invalid: $(head -n 3 "$T/pval.txt" | tr '\n' ' ')"
must csaf export "$T/unsigned" --no-sign
NCHECK=$((NCHECK + 1))
ls "$T"/unsigned/.well-known/csaf/white/*/*.asc >/dev/null 2>&1 && fail "--no-sign wrote signatures"
must config set signing.key 0000000000000000000000000000000000000000
bad 1 "signing.key" csaf export "$T/site"
NCHECK=$((NCHECK + 1))
[ -f "$W/provider-metadata.json" ] || fail "a failed export removed the tree that was there"
must config set signing.key ""
run config set signing.key ""

# ---- the round trip: every demo advisory's versions, exported and imported back ----
DB=$T/t.db
NCHECK=$((NCHECK + 1))
"$PY" - "$BAKEN" "$DB" "$T" "$T"/demo/*.json <<'PY' || fail "round trip"
import json, subprocess, sys, os
baken, db, tmp, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
def bk(dbpath, *args):
    r = subprocess.run([baken, "--db", dbpath, "--json"] + list(args), capture_output=True, text=True)
    if r.returncode: sys.exit("baken %s: %s" % (" ".join(args), r.stderr.strip()))
    return json.loads(r.stdout) if r.stdout.strip() else None
bad = []
by_adv = {}
for f in sorted(files):
    adv, ver = os.path.basename(f)[:-5].rsplit("-", 1)
    by_adv.setdefault(adv, []).append((ver, f))
for adv, versions in by_adv.items():
    rt = os.path.join(tmp, "rt-%s.db" % adv)
    subprocess.run([baken, "--db", rt, "init"], capture_output=True, check=True)
    for ver, f in sorted(versions):
        a = bk(db, "advisory", "show", adv, "--version", ver, "--format", "json")
        rows = bk(rt, "import", "csaf", f)
        row = rows[0]
        if row["status"] not in ("new", "updated"): bad.append("%s %s: %s" % (adv, ver, row["status"]))
        if row["classification"] != a["classification"]: bad.append("%s %s: classification %s, want %s" % (adv, ver, row["classification"], a["classification"]))
        if sorted(row["cves"]) != sorted(a["cves"]): bad.append("%s %s: cves" % (adv, ver))
        for cve in a["cves"]:
            v = bk(rt, "vuln", "show", cve)
            got = sorted((p["product"], p["range"]) for p in v["products"])
            want = sorted((p["product"], p["range"]) for p in a["affects"])
            if got != want: bad.append("%s %s: products %s, want %s" % (adv, ver, got, want))
            gotf = sorted((p["product"], p["version"]) for p in v["fixed"])
            wantf = sorted((p["product"], p["version"]) for p in a["fixed"])
            if gotf != wantf: bad.append("%s %s: fixed %s, want %s" % (adv, ver, gotf, wantf))
    # an older revision after a newer one changes nothing
    rows = bk(rt, "import", "csaf", sorted(versions)[0][1])
    if rows[0]["status"] != "older": bad.append("%s: re-importing 1.00 after the latest: %s" % (adv, rows[0]["status"]))
if bad: sys.exit("; ".join(bad[:5]))
PY

# ---- imports of other parties' documents ----
DB=$T/imp.db
must init
must --json import csaf "$DATA"/csaf/examples/*.json
js 'len(d) == 6 and all(r["status"] == "new" for r in d)' "the six real CSAF documents import"
js 'one(d, id="BSI-2022-0001")["cves"] == ["CVE-2022-27193"]' "BSI: its CVE"
must --json vuln show CVE-2022-27193
js 'd["products"] == [{"product": "csaf-tools:cvrf-csaf-converter", "range": "1.0.0-alpha|1.0.0-dev1|1.0.0-dev2|1.0.0-dev3|1.0.0-rc1"}]' \
	"BSI: the affected versions from the product tree and product status"
js 'd["fixed"] == [{"product": "csaf-tools:cvrf-csaf-converter", "version": "1.0.0-rc2"}]' "BSI: the fixed version"
js 'd["mitigation_status"] == "patch"' "BSI: the vendor_fix makes the record patched"
must --json vuln show CVE-2018-0171
js 'sorted(p["product"] for p in d["products"]) == ["cisco:cisco_ios_xe_software", "cisco:ios"]' "Cisco: IOS and IOS XE"
must --json vuln show CVE-2020-10188
js '{"product": "red_hat:telnet-server", "version": "0.17-65.el7_6"} in d["fixed"]' \
	"Red Hat: fixed package versions through the relationships"
must --json import csaf "$DATA"/csaf/examples/bsi-2022-0001.json
js 'd[0]["status"] == "unchanged"' "the same document again changes nothing"
# a newer revision replaces what the older one gave
"$PY" - "$DATA/csaf/examples/bsi-2022-0001.json" "$T/bsi-2.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t = d["document"]["tracking"]
t["revision_history"].append({"date": "2022-04-01T10:00:00.000Z", "number": "2", "summary": "rc1 is not affected after all"})
t["version"] = "2"
t["current_release_date"] = "2022-04-01T10:00:00.000Z"
ps = d["vulnerabilities"][0]["product_status"]
ps["known_affected"].remove("CSAFPID-0005")
ps["known_not_affected"] = ["CSAFPID-0005"]
d["vulnerabilities"][0]["flags"] = [{"label": "vulnerable_code_not_present", "product_ids": ["CSAFPID-0005"]}]
for r in d["vulnerabilities"][0]["remediations"]:
    r["product_ids"].remove("CSAFPID-0005")
for s in d["vulnerabilities"][0]["scores"]:
    s["products"].remove("CSAFPID-0005")
json.dump(d, open(sys.argv[2], "w"), indent=2)
PY
validate "$T/bsi-2.json"
must --json import csaf "$T/bsi-2.json"
js 'd[0]["status"] == "updated" and d[0]["version"] == "2"' "a newer revision updates"
must --json vuln show CVE-2022-27193
js 'd["products"][0]["range"] == "1.0.0-alpha|1.0.0-dev1|1.0.0-dev2|1.0.0-dev3"' "the newer revision's range"
must --json import csaf "$DATA"/csaf/examples/bsi-2022-0001.json
js 'd[0]["status"] == "older"' "the older revision after the newer: kept the newer"
must --json vuln show CVE-2022-27193
js 'd["products"][0]["range"] == "1.0.0-alpha|1.0.0-dev1|1.0.0-dev2|1.0.0-dev3"' "an older revision changes nothing"

# every invalid document is refused: the file, the JSON path and the test; nothing changes
set -- "$DATA"/csaf/invalid/oasis_*.json
bad 1 "$(basename "$1"): /[a-z_/0-9]*: 6\.1\.1: " import csaf "$DATA/csaf/examples/bsi-2022-0001.json" "$1"
snap "$T/before-invalid"
for f in "$@"; do
	NCHECK=$((NCHECK + 1))
	run import csaf "$DATA/csaf/examples/bsi-2022-0001.json" "$f"
	[ "$RC" -eq 1 ] && [ ! -s "$T/out" ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
		grep -qE "$(basename "$f"): /[a-zA-Z_/0-9]*: 6\.1\.[0-9.]+: " "$T/err" ||
		fail "$(basename "$f"): exit $RC, want 1 with the file, JSON path and test: $(peek "$T/err")"
done
snap "$T/after-invalid"
NCHECK=$((NCHECK + 1))
cmp -s "$T/before-invalid" "$T/after-invalid" || fail "a refused CSAF import changed the database"
printf '{"document": {' >"$T/broken.json"
bad 1 "broken.json.*line 1" import csaf "$T/broken.json"
bad 1 "nope.json.*cannot open" import csaf "$T/nope.json"
bad 2 "" import csaf

# CVE JSON 5
DB=$T/cve.db
seed_orgs
must inventory add vital-e --product citrix:netscaler_adc --version 13.1-48.47
must --json import cve "$DATA/cve/cves"
js 'd["records"] == 4 and d["new"] == 4' "four records from the cvelistV5 tree"
must --json vuln show CVE-2023-4966
js 'one(d["products"], product="citrix:netscaler_adc")["range"].find(">=13.1|<13.1-49.15") >= 0' \
	"versionType patch: 13.1 builds before 49.15"
js 'd["exploit_status"] == "active" and d["kev_date"] == "2023-10-18"' "the CISA ADP container's KEV date"
must --json vuln show CVE-2099-0001
js 'one(d["products"], product="example:widget_os")["range"] == "6.5|>=7.0|<7.2.4"' "cpeApplicability"
js 'one(d["products"], product="example_corp:widget_server")["range"] == ">=1.0|<1.4.2|>=2.0|<=2.3|>=3.0|<3.2.1|>=3.5|<3.9|>=4.0|<4.0.7"' \
	"lessThan, lessThanOrEqual, changes, ADP cpes; git ranges left out"
js 'd["exploit_status"] == "poc"' "SSVC poc"
must --json import cve "$DATA/cve/cves/2019/19xxx/CVE-2019-19781.json"
js 'd["unchanged"] == 1' "a record again changes nothing"
printf '{"dataType": "CVE_RECORD", "dataVersion": "5.1", "cveMetadata": {"cveId": "CVE-19-1", "state": "PUBLISHED"}}' >"$T/bad-cve.json"
bad 1 "bad-cve.json: /cveMetadata/cveId" import cve "$DATA/cve/cves/2019/19xxx/CVE-2019-19781.json" "$T/bad-cve.json"

# ---- KEV ----
DB=$T/kev.db
seed_orgs
# shellcheck disable=SC2086
must --at 2019-05-01T10:00:00Z advisory new --title "Kwetsbaarheden verholpen in Pulse Connect Secure" \
	--cve CVE-2019-11510 --affects 'pulsesecure:pulse_connect_secure:>=8.2|<8.2R12.1|>=8.3|<8.3R7.1|>=9.0|<9.0R3.4' $MH
P=$(new_id)
must --at 2019-05-01T14:00:00Z advisory publish "$P"
must --json vuln show CVE-2019-11510
js 'd["exploit_status"] != "active" and d.get("kev_date") is None' "not actively exploited before the KEV import"
must --json import kev "$DATA/kev/known_exploited_vulnerabilities.json"
js 'd["entries"] == 1404 and d["new"] == 1404' "the whole catalogue"
js 'd["todos"] == 1' "one advisory to reclassify"
js 'one(d["rows"], cve="CVE-2019-11510")["runs"] and one(d["rows"], cve="CVE-2019-11510")["match"] == "range"' \
	"Pulse: constituents run a version in range"
js 'sorted(one(d["rows"], cve="CVE-2019-11510")["orgs"]) == ["min-a"]' "Pulse: min-a's 9.0R3.3 is in range"
js 'one(d["rows"], cve="CVE-2019-19781")["runs"] and one(d["rows"], cve="CVE-2019-19781")["match"] == "name"' \
	"Citrix: constituents run the product (no version known)"
js 'not one(d["rows"], cve="CVE-2025-48384")["runs"]' "Git: nobody runs it"
must --json vuln show CVE-2019-11510
js 'd["exploit_status"] == "active" and d["kev_date"] == "2021-11-03"' "KEV: active, with the date it was added"
must --json vuln show CVE-2019-19781
js 'd["exploit_status"] == "active" and d["cwe"] == "CWE-22"' "a CVE without an advisory gets a record"
must --json todo list
js 'len(d) == 1 and d[0]["kind"] == "reclassify" and d[0]["advisory"] == "'"$P"'"' "the Pulse advisory is to be reclassified"
js 'd[0]["detail"]["proposal_exploited"] == "high/high" and d[0]["detail"]["classification_now"] == "medium/high"' \
	"with the proposal it would get"
must --json advisory show "$P" --format json
js 'd["version"] == "1.00" and d["likelihood"] == "medium" and d["state"] == "published"' \
	"the published version stays as it was; nothing is published"
must --json import kev "$DATA/kev/known_exploited_vulnerabilities.json"
js 'd["new"] == 0 and d["todos"] == 0' "the same catalogue again: nothing new"
TODO=$(jv 'd["rows"][0]["cve"]')
must --json todo list
ID1=$(jv 'd[0]["id"]')
must todo done "$ID1" --note "Herzien in 1.01"
must --json todo list
js 'd == []' "done: off the list"
must --json todo list --all
js 'd[0]["state"] == "done" and d[0]["note"] == "Herzien in 1.01"' "--all shows it done"
bad 1 "done already" todo done "$ID1"
bad 1 "no to-do" todo done 999
"$PY" -c '
import json,sys
d=json.load(open(sys.argv[1])); d["vulnerabilities"][12]["dateAdded"]="yesterday"
json.dump(d, open(sys.argv[2], "w"))' "$DATA/kev/known_exploited_vulnerabilities.json" "$T/kev-bad.json"
bad 1 "kev-bad.json: /vulnerabilities/12/dateAdded" import kev "$T/kev-bad.json"
must audit verify
NCHECK=$((NCHECK + 1))
[ "$(ls "$T/validate" | wc -l)" -ge 20 ] || fail "only $(ls "$T/validate" | wc -l) documents to validate"
validate_all
grep '^csaf:' "$T/val.txt"
finish
