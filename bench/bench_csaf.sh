#!/usr/bin/env bash
# bench_csaf.sh: the standards issue at scale, side by side with node.
#
#   1. KEV: `baken import kev` of CISA's whole catalogue (1,404 entries) into the demo
#      database (its constituents' inventory is matched against every entry), timed; beside
#      it `node -e JSON.parse` of the same file, to show what share is parsing.
#   2. CSAF export: a database of 10,000 published advisory versions (10,000 advisories of
#      one version each, with CVEs, ranges, fixed versions and references; written straight
#      into SQLite by python, as `advisory new` + `publish` would), then `baken csaf export`
#      of the whole provider tree: every document with its .sha256 and .sha512, index.txt,
#      changes.csv, ROLIE feed; once without signatures (--no-sign) and once with a detached
#      OpenPGP signature per document (gpgme, an ed25519 key in a throwaway $GNUPGHOME).
#      Beside them `node -e` reading and JSON.parse-ing the same documents: the ratio says how
#      much more than parsing the export costs. The two must agree on the number of documents
#      and node must parse every one (else exit 1).
#
# Environment: B (build directory, default build); BENCH_CSAF_N (advisories, default 10000);
# BENCH_KEEP=1 keeps the work directory $B/bench/csaf.XXXXXX. Exit 1 when it cannot measure.
set -eu

cd "$(dirname "$0")/.."
B=${B:-build}
N=${BENCH_CSAF_N:-10000}
BAKEN=$(pwd)/$B/baken
KEV=$(pwd)/tests/data/kev/known_exploited_vulnerabilities.json

say() { printf '%s\n' "$*"; }
die() {
	printf 'bench_csaf: %s\n' "$*" >&2
	exit 1
}
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "n/a" }'; }

[ -x "$BAKEN" ] || die "no $BAKEN (make B=$B first)"
command -v node >/dev/null || die "node is missing: it is the peer of this benchmark"
command -v gpg >/dev/null || die "gpg is missing"
mkdir -p "$B/bench"
W=$(mktemp -d "$B/bench/csaf.XXXXXX")
GNUPGHOME=$W/gnupg
export GNUPGHOME
cleanup() {
	gpgconf --kill gpg-agent 2>/dev/null || true
	[ -n "${BENCH_KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT

# ---- 1. KEV ----
"$BAKEN" demo --no-serve --db "$W/kev.db" >/dev/null || die "baken demo failed"
t0=$(now)
"$BAKEN" --db "$W/kev.db" --json import kev "$KEV" >"$W/kev.json" || die "import kev failed"
t1=$(now)
node -e 'const fs=require("fs"); const d=JSON.parse(fs.readFileSync(process.argv[1],"utf8")); if (d.vulnerabilities.length !== 1404) process.exit(1)' "$KEV" ||
	die "node does not read the catalogue"
t2=$(now)
node -e '' 
t3=$(now)
runs=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["runs"], d["new"], d["todos"])' "$W/kev.json")
say "KEV import, 1,404 entries into the demo database: $(secs "$t0" "$t1") s (baken, incl. matching every entry against the inventory; runs/new/todos: $runs)"
say "  node JSON.parse of the same file: $(secs "$t1" "$t2") s (of which node's start: $(secs "$t2" "$t3") s)"

# ---- 2. CSAF export of N advisory versions ----
"$BAKEN" --db "$W/csaf.db" init --prefix NCSC >/dev/null || die "baken init failed"
"$BAKEN" --db "$W/csaf.db" config set site.url https://advies.example.nl >/dev/null
python3 - "$W/csaf.db" "$N" <<'PY' || die "could not write $N advisories"
import sqlite3, sys, random
db, n = sys.argv[1], int(sys.argv[2])
random.seed(42)
c = sqlite3.connect(db)
c.execute("PRAGMA foreign_keys = ON")
matrix = ("default-config=yes,exploit=poc,details=somewhat,access=internet,credentials=none,"
          "complexity=average,interaction=none,exploited=no,exploit-expected=yes,"
          "fix-available=under-2-months,dos=no,code-exec=root,remote=no,privesc=no,leak=no")
vendors = ["citrix:adc", "citrix:gateway", "pulsesecure:pulse_connect_secure", "fortinet:fortios",
           "microsoft:exchange_server", "apache:http_server", "cisco:ios_xe", "vmware:vcenter"]
rows = []
for i in range(n):
    year = 2015 + i // 1200
    seq = i % 1200 + 1
    aid = "NCSC-%d-%04d" % (year, seq)
    day = "%d-%02d-%02dT%02d:%02d:00Z" % (year, 1 + i % 12, 1 + i % 28, i % 24, i % 60)
    cves = ["CVE-%d-%05d" % (year, 10000 + i * 2 + k) for k in range(1 + i % 2)]
    prods = random.sample(vendors, 1 + i % 3)
    c.execute("INSERT INTO advisories VALUES (?, ?, ?, ?)", (aid, year, seq, day))
    for cve in cves:
        c.execute("INSERT INTO vulns (cve, title, learned, updated_at) VALUES (?, ?, ?, ?)",
                  (cve, "Kwetsbaarheid %d" % i, day, day))
    c.execute("INSERT INTO advisory_versions (advisory_id, num, title, tlp, matrix, likelihood,"
              " impact, platform, summary, description, solution, material, created_at,"
              " updated_at) VALUES (?, 0, ?, 'CLEAR', ?, 'high', 'high', ?, ?, ?, ?, 1, ?, ?)",
              (aid, "Kwetsbaarheid %d in %s" % (i, prods[0]), matrix, prods[0],
               "Een kwaadwillende kan op afstand willekeurige code uitvoeren (%d)." % i,
               "De kwetsbaarheid zit in de webinterface. " * 5,
               "Installeer de updates van de leverancier.", day, day))
    for k, cve in enumerate(cves):
        c.execute("INSERT INTO advisory_cves VALUES (?, 0, ?, ?)", (aid, k, cve))
    for k, p in enumerate(prods):
        c.execute("INSERT INTO advisory_affects VALUES (?, 0, ?, ?, ?)",
                  (aid, k, p, ">=%d.0|<%d.0.%d|>=%d.1|<%d.1.%d" % (k + 10, k + 10, i % 97 + 1, k + 10, k + 10, i % 89 + 1)))
        c.execute("INSERT INTO advisory_fixed VALUES (?, 0, ?, ?, ?)",
                  (aid, k, p, "%d.0.%d" % (k + 10, i % 97 + 1)))
    c.execute("INSERT INTO advisory_refs VALUES (?, 0, 0, ?)", (aid, "https://vendor.example/sa/%d" % i))
    c.execute("UPDATE advisory_versions SET published_at = ? WHERE advisory_id = ? AND num = 0", (day, aid))
c.commit()
PY
nodeparse() {
	node -e '
const fs = require("fs"), path = require("path");
let n = 0, bytes = 0;
function walk(d) { for (const e of fs.readdirSync(d, { withFileTypes: true })) {
  const p = path.join(d, e.name);
  if (e.isDirectory()) walk(p);
  else if (/^\d{4}$/.test(path.basename(d)) && p.endsWith(".json")) { const s = fs.readFileSync(p, "utf8"); JSON.parse(s); n++; bytes += s.length; } } }
walk(process.argv[1]); console.log(n, bytes);' "$1"
}
t0=$(now)
"$BAKEN" --db "$W/csaf.db" --json csaf export "$W/plain" --no-sign >"$W/plain.json" || die "csaf export failed"
t1=$(now)
read -r nn nbytes <<EOF2
$(nodeparse "$W/plain/.well-known/csaf/white")
EOF2
t2=$(now)
docs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["documents"])' "$W/plain.json")
[ "$docs" = "$N" ] || die "baken exported $docs documents, want $N"
[ "$nn" = "$N" ] || die "node parsed $nn documents, baken wrote $N"
hashes=$(find "$W/plain/.well-known/csaf/white" -name '*.json.sha256' | wc -l)
[ "$hashes" -ge "$N" ] || die "only $hashes .sha256 files"
te=$(secs "$t0" "$t1")
tn=$(secs "$t1" "$t2")
say "CSAF export of $N advisory versions (tree with .sha256 and .sha512, listings, ROLIE): $te s, $(rate "$N" "$te") documents/s, $((nbytes / N)) bytes each"
say "  node JSON.parse of the same $N documents: $tn s; baken export / node parse = $(ratio "$te" "$tn")"

mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key 'Baken bench <bench@csirt.example>' ed25519 sign never 2>/dev/null ||
	die "gpg could not make a key"
FPR=$(gpg --batch --with-colons --list-secret-keys 2>/dev/null | awk -F: '/^fpr/ { print $10; exit }')
"$BAKEN" --db "$W/csaf.db" config set signing.key "$FPR" >/dev/null
t0=$(now)
"$BAKEN" --db "$W/csaf.db" --json csaf export "$W/signed" >"$W/signed.json" || die "signed csaf export failed"
t1=$(now)
sigs=$(find "$W/signed/.well-known/csaf/white" -name '*.json.asc' | wc -l)
[ "$sigs" -ge "$N" ] || die "only $sigs signatures"
one=$(find "$W/signed/.well-known/csaf/white" -name '*.json' -path '*/20*' | head -n 1)
gpg --batch --verify "$one.asc" "$one" 2>/dev/null || die "a signature does not verify"
ts=$(secs "$t0" "$t1")
say "CSAF export of $N advisory versions, signed (a detached OpenPGP signature each, gpgme): $ts s, $(rate "$N" "$ts") documents/s"
say "  signed export / node parse = $(ratio "$ts" "$tn"); signing costs $(awk -v a="$ts" -v b="$te" -v n="$N" 'BEGIN { printf "%.2f", (a - b) * 1000 / n }') ms a document"
