# A scan import survives kill -9: the import of one file is killed at a random moment, ten times,
# each time from the store as it was before; after each kill the store holds either nothing of
# the file or all of it (its bytes in chunks, one sighting per row), and the event chain holds. Running it again after the last kill finishes
# it, a further run adds nothing, and every owner has exactly one alert about it.
. "$(dirname "$0")/lib.sh"

ROWS=${KILL_ROWS:-100000}
must init
"$PY" - "$T" "$ROWS" <<'PY'
import json, random, sys
t, n = sys.argv[1], int(sys.argv[2])
random.seed(7)
orgs = [{"id": "org-%03d" % i, "name": "Organisatie %d" % i, "kind": ["ministry", "agency", "vital", "other"][i % 4],
         "contacts": [{"name": "CSIRT", "email": "csirt@org-%03d.example" % i}],
         "netblocks": ["10.%d.0.0/16" % i, "2001:db8:%x::/48" % i]} for i in range(60)]
json.dump(orgs, open(t + "/orgs.json", "w"))
with open(t + "/2020-01-13-scan_http_vulnerable-kill.csv", "w") as f:
    f.write('"timestamp","severity","ip","protocol","port","hostname","tag","asn","geo","region","city","naics","hostname_source","sector","http","http_code","http_reason","content_type","connection","www_authenticate","set_cookie","server","content_length","transfer_encoding","http_date","version","build_date","detail","build_branch"\n')
    for i in range(n):
        o = random.randrange(80)
        ip = ("10.%d.%d.%d" % (o, random.randrange(256), random.randrange(256))) if o % 5 else ("2001:db8:%x::%x:%x" % (o, i >> 16, i & 0xffff))
        f.write('"2020-01-13 %02d:%02d:%02d","critical","%s","tcp",443,"h%d.example","citrix;cve-2019-19781",%d,"NL",,,,,,"HTTP/1.1",403,"Forbidden",,,,,,,,,,,,\n'
                % (i * 24 // n, i % 60, i % 60, ip, i, 64500 + o))
PY
must org import "$T/orgs.json"
must advisory new --title "Citrix" --cve CVE-2019-19781 --affects 'citrix:adc:*' $MH
ID=$(new_id)
must advisory publish "$ID" --silent
F=$T/2020-01-13-scan_http_vulnerable-kill.csv

state() { # prints "imports observations alerts": observations are the rows stored (the file,
	# in chunks, and a sighting per row in its system), counted from what the store holds
	"$PY" - "$DB" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=30)
q = lambda s: c.execute(s).fetchone()[0]
def sightings():
    n = 0
    for (b,) in c.execute("SELECT obs FROM scan_systems WHERE obs IS NOT NULL"):
        n += sum(1 for x in b if x < 0x80) // 4   # four LEB128 numbers per sighting
    return n
chunks = q("SELECT count(*) FROM scan_chunks")
raw = q("SELECT coalesce(sum(size), 0) FROM scan_chunks")
imports = q("SELECT count(*) FROM scan_imports")
size = q("SELECT coalesce(sum(size), 0) FROM scan_imports")
if raw != size:
    print("chunks-of-%d-bytes-for-%d" % (raw, size))
else:
    print(imports, sightings(), q("SELECT count(*) FROM alerts WHERE topic = 'scan'"))
PY
}

# each kill starts from the store as it was before the import
"$PY" -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_checkpoint(TRUNCATE)')" "$DB"
cp "$DB" "$T/base.db"
# how long a whole import takes here, on a copy: the kills fall within 1.3 times that
cp "$T/base.db" "$T/probe.db"
DUR=$("$PY" - "$BAKEN" "$T/probe.db" "$F" <<'PY'
import subprocess, sys, time
t = time.monotonic()
subprocess.run([sys.argv[1], "--db", sys.argv[2], "scan", "import", sys.argv[3]], check=True,
               stdout=subprocess.DEVNULL)
print(round(time.monotonic() - t, 3))
PY
) || die "the probe import failed"
i=0 whole=0
while [ $i -lt 10 ]; do
	rm -f "$DB" "$DB-wal" "$DB-shm"
	cp "$T/base.db" "$DB"
	"$BAKEN" --db "$DB" scan import "$F" >/dev/null 2>&1 &
	p=$!
	sleep "$("$PY" -c 'import random; print(round(random.uniform(0.05, 1.3 * '"$DUR"'), 3))')"
	kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	set -- $(state)
	NCHECK=$((NCHECK + 1))
	if [ "$1" = 0 ]; then
		[ "$2" = 0 ] && [ "$3" = 0 ] || fail "kill $i: no import, yet $2 observations and $3 alerts"
	else
		whole=$((whole + 1))
		[ "$1" = 1 ] && [ "$2" = "$ROWS" ] || fail "kill $i: $1 imports with $2 observations, want 1 with $ROWS"
	fi
	ok audit verify
	i=$((i + 1))
done
must --json scan import "$F"
must --json scan import "$F"
js 'd["already"] == True' "after the kills, the file is in once; a further run adds nothing"
set -- $(state)
NCHECK=$((NCHECK + 1))
[ "$1" = 1 ] && [ "$2" = "$ROWS" ] || fail "after the kills: $1 imports with $2 observations, want 1 with $ROWS"
must --json alert list
js 'len(d) == len({(r["org"], r["advisory"], r["channel"]) for r in d}) and len(orgs(d)) == 60' \
	"one alert per organisation and channel, none twice"
must audit verify
echo "a whole import took $DUR s; kills that left the whole file: $whole of 10"
finish
