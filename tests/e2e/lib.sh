# lib.sh: what the end-to-end scripts share. Sourced (`. "$(dirname "$0")/lib.sh"`), never run:
# tests/run-e2e runs only e2e/[0-9]*.sh. POSIX sh.
#
# Every script works on its own database $DB in $TMPDIR_TEST, checks what a user relies on, and
# ends with `finish`: exit 0, or exit 1 after printing each check that failed (a failed check
# does not stop the script; `must` does, where nothing after it could work).
set -u
: "${BAKEN:?BAKEN must name the binary under test}"
: "${TMPDIR_TEST:?TMPDIR_TEST must name a fresh directory}"
T=$TMPDIR_TEST
DB=$T/t.db
PY=/usr/bin/python3
# On PostgreSQL (tests/run-e2e under tests/pg/with-postgres sets BAKEN_E2E_PG to the server's
# URI) each script gets a fresh database of its own instead of the file, and DB is its URI.
if [ -n "${BAKEN_E2E_PG:-}" ]; then
	PGDB=e2e_$(basename "$0" .sh | tr -c 'a-zA-Z0-9_\n' _)_$$
	PGADMIN=${BAKEN_PG_ADMIN:-${BAKEN_E2E_PG%/*}/postgres}
	psql -qX -v ON_ERROR_STOP=1 -d "$PGADMIN" -c "CREATE DATABASE $PGDB" >/dev/null ||
		{ echo "FAIL: cannot create the database $PGDB on $PGADMIN"; exit 1; }
	DB=${BAKEN_E2E_PG%/*}/$PGDB
	# a script that sets DB=$T/t.db again means this database: the binary is called through a
	# wrapper that says so; python's sqlite3 reads it through tests/pg/shim/sqlite3.py
	cat >"$T/baken-pg" <<EOF
#!/bin/sh
for a do
	shift
	[ "\$a" = "$T/t.db" ] && a="$DB"
	set -- "\$@" "\$a"
done
exec "$BAKEN" "\$@"
EOF
	chmod +x "$T/baken-pg"
	BAKEN=$T/baken-pg
	PYTHONPATH=$(cd "$(dirname "$0")/../pg/shim" && pwd)${PYTHONPATH:+:$PYTHONPATH}
	export PYTHONPATH
fi
unset BAKEN_DB
BAKEN_ACTOR=e2e
export BAKEN_ACTOR
NFAIL=0
NCHECK=0

# The matrix answers that give medium/high (27 points; code execution as root) ...
MH="--default-config yes --exploit none --details somewhat --access internet --credentials none
 --complexity average --interaction none --exploited no --exploit-expected no
 --fix-available none --dos no --code-exec root --remote no --privesc no --leak no"
# ... and the change that makes it high/high (exploit code, exploit expected: 32 points).
HH="--exploit poc --exploit-expected yes"

fail() {
	NFAIL=$((NFAIL + 1))
	printf 'FAIL: %s\n' "$(printf '%s' "$*" | tr '\n' ' ')"
}
die() {
	fail "$@"
	echo "(stopped: nothing after this can work)"
	exit 1
}
finish() {
	if [ "$NFAIL" -gt 0 ]; then
		echo "${0##*/}: $NFAIL failure(s) in $NCHECK checks"
		exit 1
	fi
	echo "${0##*/}: $NCHECK checks hold"
	exit 0
}
# running PID: the process runs (a child that died and was not waited for yet is a zombie,
# which kill -0 still finds)
running() {
	running_st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)
	[ -n "$running_st" ] && [ "$running_st" != Z ]
}
# first bytes of a file on one line, for messages
peek() { head -c "${2:-300}" "$1" 2>/dev/null | tr '\n' ' '; }

# run ARGS...: baken --db $DB ARGS; stdout in $T/out, stderr in $T/err, exit status in $RC.
run() {
	"$BAKEN" --db "$DB" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}
# ok ARGS...: run, expecting exit 0 (returns 1 when not, after counting the failure).
ok() {
	NCHECK=$((NCHECK + 1))
	run "$@"
	[ "$RC" -eq 0 ] && return 0
	fail "baken $* -> exit $RC: $(peek "$T/err")"
	return 1
}
# must ARGS...: as ok, but stop the script when it fails.
must() { ok "$@" || die "baken $* must succeed"; }

# js EXPR WHAT: the Python expression EXPR must hold for d, the JSON on stdout of the last run.
# Helpers in EXPR: orgs(x) (sorted org ids named in x), where(rows, k=v...), one(rows, k=v...).
JS_PRELUDE='
import json, re, sys
def orgs(x):
    found = set()
    def walk(y):
        if isinstance(y, dict):
            for k, v in y.items():
                if k == "org" and isinstance(v, str) and v:
                    found.add(v)
                walk(v)
        elif isinstance(y, list):
            for v in y:
                walk(v)
    walk(x)
    return sorted(found)
def where(rows, **kw):
    return [r for r in rows if all(r.get(k) == v for k, v in kw.items())]
def one(rows, **kw):
    r = where(rows, **kw)
    if len(r) != 1:
        raise Exception("%d rows with %s, want 1" % (len(r), kw))
    return r[0]
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    print("not JSON: %s" % e)
    sys.exit(1)
'
js() {
	NCHECK=$((NCHECK + 1))
	js_why=$("$PY" -c "$JS_PRELUDE
try:
    r = eval(sys.argv[2])
except Exception as e:
    print('%s: %s' % (type(e).__name__, e)); sys.exit(1)
sys.exit(0 if r else 1)" "$T/out" "$1" 2>&1) && return 0
	fail "$2: want $1${js_why:+ ($js_why)} in: $(peek "$T/out" 400)"
	return 1
}
# jv EXPR: prints the value of the Python expression EXPR over d (as js), or nothing.
jv() {
	"$PY" -c "$JS_PRELUDE
v = eval(sys.argv[2])
print(v if not isinstance(v, (dict, list)) else json.dumps(v, sort_keys=True))" "$T/out" "$1" 2>/dev/null
}

# has TEXT WHAT / hasnt TEXT WHAT: fixed text on stdout of the last run (any case).
has() {
	NCHECK=$((NCHECK + 1))
	grep -qiF -- "$1" "$T/out" || fail "$2: '$1' missing in: $(peek "$T/out" 400)"
}
hasnt() {
	NCHECK=$((NCHECK + 1))
	! grep -qiF -- "$1" "$T/out" || fail "$2: '$1' must not appear in: $(peek "$T/out" 400)"
}
# line REGEX WHAT: some line of stdout matches the extended regular expression (case matters).
line() {
	NCHECK=$((NCHECK + 1))
	grep -qE -- "$1" "$T/out" || fail "$2: no line /$1/ in: $(peek "$T/out" 600)"
}

# snap FILE: the state of $DB into FILE: every row (Python's sqlite3 iterdump, not the sqlite3
# tool) and the sha256 of the database file after a checkpoint has emptied the WAL into it.
# On PostgreSQL: every row (pg_dump --data-only, in the server's order, which a refused
# command does not change); sequences are left out, since PostgreSQL does not give back the
# numbers a rolled-back INSERT drew (SQLite has none to give back), and there is no file.
snap() {
	if [ -n "${BAKEN_E2E_PG:-}" ]; then
		pg_dump --data-only --no-owner --no-privileges -d "$DB" 2>&1 |
			grep -v -e '^SELECT pg_catalog.setval' -e '^--' -e '^$' -e '^.restrict ' -e '^.unrestrict ' >"$1"
		return 0
	fi
	"$PY" - "$DB" >"$1" 2>&1 <<'EOF'
import hashlib, os, sqlite3, sys
db = sys.argv[1]
if not os.path.exists(db):
    print("no database file")
    sys.exit(0)
c = sqlite3.connect(db)
c.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
c.close()
with open(db, "rb") as f:
    print("sha256 of the file:", hashlib.sha256(f.read()).hexdigest())
c = sqlite3.connect(db)
for line in c.iterdump():
    print(line)
c.close()
wal = db + "-wal"
print("wal bytes:", os.path.getsize(wal) if os.path.exists(wal) else 0)
EOF
}

# bad CODE REGEX ARGS...: baken ARGS must be refused with exit CODE (1: user error, 2: usage),
# print nothing on stdout and exactly one line on stderr (a usage error may add one line
# "usage: ..."), that line must match REGEX (extended, any case; "" skips that), must not
# repeat the command's name ("baken org add: org add: ..."), and the database must be the same
# before and after: the same rows, and the same bytes in the file.
bad() {
	bad_code=$1
	bad_re=$2
	shift 2
	NCHECK=$((NCHECK + 1))
	snap "$T/before"
	run "$@"
	snap "$T/after"
	bad_what="baken $*"
	bad_first=$(head -n 1 "$T/err")
	bad_lines=$(wc -l <"$T/err")
	if [ "$RC" -ne "$bad_code" ]; then
		fail "$bad_what: exit $RC, want $bad_code (stderr: $(peek "$T/err"))"
	fi
	if [ ! -s "$T/err" ]; then
		fail "$bad_what: refused without a message on stderr"
	elif [ "$bad_lines" -ne 1 ] &&
		! { [ "$bad_code" -eq 2 ] && [ "$bad_lines" -eq 2 ] &&
			sed -n 2p "$T/err" | grep -q '^usage: '; }; then
		fail "$bad_what: $bad_lines lines on stderr, want one: $(peek "$T/err" 500)"
	fi
	if [ -n "$bad_re" ] && ! printf '%s\n' "$bad_first" | grep -qiE -- "$bad_re"; then
		fail "$bad_what: the message does not say /$bad_re/: $bad_first"
	fi
	if printf '%s\n' "$bad_first" | grep -qE '^baken ([a-z]+( [a-z]+)?): \1: '; then
		fail "$bad_what: the message repeats the command's name: $bad_first"
	fi
	if [ -s "$T/out" ]; then
		fail "$bad_what: printed on stdout although refused: $(peek "$T/out")"
	fi
	if ! cmp -s "$T/before" "$T/after"; then
		fail "$bad_what: changed the database: $(diff "$T/before" "$T/after" | head -n 6)"
	fi
}

# The advisory ID printed by the last `advisory new` (JSON or text).
new_id() { grep -oE '[A-Z0-9]+-[0-9]{4}-[0-9]{4}' "$T/out" | head -n 1; }

# A small constituency (the one of the acceptance checks): a ministry with an agency, a vital
# provider, a municipality; their contacts; Citrix and Pulse Secure inventory.
seed_orgs() {
	must init --prefix NCSC
	must org add min-a --name "Ministerie A" --kind ministry
	must org add agency-a1 --name "Dienst A1" --kind agency --parent min-a
	must org add vital-e --name "Energie E" --kind vital --sector energy
	must org add other-x --name "Gemeente X" --kind other
	must org contact agency-a1 --name "CISO A1" --role ciso --email ciso@a1.example \
		--phone +31700000001
	must org contact vital-e --name "SOC E" --role soc --email soc@e.example \
		--phone +31700000002 --24x7
	must inventory add agency-a1 --product citrix:adc --version 13.0-47.22
	must inventory add vital-e --product citrix:adc --version 13.0-47.24
	must inventory add other-x --product citrix:gateway --version 12.1-50.31
	must inventory add min-a --product pulsesecure:pulse_connect_secure --version 9.0R3.3
	must inventory add vital-e --product pulsesecure:pulse_connect_secure --version 8.3R7.1
	must inventory add other-x --product pulsesecure:pulse_connect_secure --version 9.0R4
}

# adc_orgs N CONTACTS: imports N vital organisations org-00000 ... with CONTACTS e-mail
# contacts each (cK@org-NNNNN.example) and an affected Citrix ADC each (the alert scripts).
adc_orgs() {
	"$PY" - "$T" "$1" "$2" <<'PY'
import json, sys
t, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
json.dump([{"id": "org-%05d" % i, "name": "Organisatie %d" % i, "kind": "vital", "sector": "energy",
            "contacts": [{"name": "C%d" % c, "email": "c%d@org-%05d.example" % (c, i)} for c in range(k)]}
           for i in range(n)], open(t + "/orgs.json", "w"))
with open(t + "/inv.csv", "w") as f:
    f.write("org,product,version,count,internet_facing\n")
    for i in range(n):
        f.write("org-%05d,citrix:adc,13.0-47.%d,1,true\n" % (i, i % 24))
PY
	must org import "$T/orgs.json"
	must inventory import "$T/inv.csv"
}

# ---- ports, and the web server (the 97_web* scripts) ----
free_port() { "$PY" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
SERVER=""
stop_server() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; SERVER=""; }
# serve_start [COMMAND...]: `baken serve` on $DB at a free loopback port, delivering nothing
# (run by COMMAND when given, e.g. a shell that sets a ulimit first); sets PORT, U (its base
# URL) and SERVER (its pid) and returns once /healthz answers. The script traps stop_server
# (or its own cleanup) on EXIT.
serve_start() {
	PORT=$(free_port)
	U=http://127.0.0.1:$PORT
	"$@" "$BAKEN" --db "$DB" serve --listen "127.0.0.1:$PORT" --deliver-interval 0 >"$T/serve.out" 2>"$T/serve.log" &
	SERVER=$!
	i=0
	until curl -s -f -o /dev/null "$U/healthz"; do
		i=$((i + 1))
		[ $i -lt 100 ] || die "the server did not answer /healthz: $(peek "$T/serve.log")"
		sleep 0.1
	done
}

# user_token NAME ROLE [ORG]: a user (acting for ORG) with an API token, appended as the line
# "NAME TOKEN" to $TOKENS, the file the 97_web* scripts hand to their Python checks.
TOKENS=$T/tokens
user_token() {
	if [ -n "${3:-}" ]; then must user add "$1" --role "$2" --org "$3"; else must user add "$1" --role "$2"; fi
	must --json token create "$1"
	printf '%s %s\n' "$1" "$(jv 'd["token"]')" >>"$TOKENS"
}
