# The event log: every change is an entry with actor and time; audit verify holds after many
# changes and fails (exit 1, naming the entry) after tampering: a changed detail, a deleted
# entry, two swapped ids; audit checkpoint prints the head, which catches a cut-off tail.
. "$(dirname "$0")/lib.sh"

seed_orgs
# many changes, of every kind
i=0
while [ $i -lt 40 ]; do
	ok --at "2019-12-0$((i % 9 + 1))T10:00:00Z" org add "gem-$i" --name "Gemeente $i" --kind other || break
	ok inventory add "gem-$i" --product citrix:adc --version "13.0-47.$i" --count $((i + 1)) || break
	i=$((i + 1))
done
"$PY" -c '
import sys
print("org,product,version,count,internet_facing")
for i in range(300):
    print("gem-%d,fortinet:fortios,6.%d.%d,1,%s" % (i % 40, i % 7, i, "true" if i % 2 else "false"))
' >"$T/inv.csv"
must inventory import "$T/inv.csv"
must org netblock min-a 10.0.0.0/8 2001:db8::/32
# shellcheck disable=SC2086
must --at 2019-12-18T09:00:00Z advisory new --title "Citrix" --cve CVE-2019-19781 \
	--affects 'citrix:adc:>=13.0|<13.0.47.24' $MH
must --at 2019-12-18T10:00:00Z advisory publish NCSC-2019-0001
# shellcheck disable=SC2086
must --at 2019-12-24T12:00:00Z advisory update NCSC-2019-0001 $HH --change "Verhoogd"
must --at 2019-12-24T12:05:00Z advisory publish NCSC-2019-0001

must --json audit verify
js 'd["intact"] is True and d["events"] >= 95' "audit verify holds after many changes"
js 're.fullmatch("[0-9a-f]{64}", d["head"])' "audit verify names the head"
N=$(jv 'd["events"]')
HEAD=$(jv 'd["head"]')
must audit verify
has "$HEAD" "audit verify as text: the head"

# every change is an entry: actor, action, when it happened (--at) and when it was recorded
NCHECK=$((NCHECK + 1))
"$PY" - "$DB" <<'EOF' || fail "the entries do not record actor and times"
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT id, actor, action, object, occurred_at, recorded_at FROM events ORDER BY id").fetchall()
iso = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
assert [r[0] for r in rows] == list(range(1, len(rows) + 1)), "ids 1..n"
# the BIO clocks a publication starts are the system's own entries
assert all(r[1] == "e2e" or (r[1] == "system" and r[2].startswith("deadline.")) for r in rows), "actor from BAKEN_ACTOR"
assert all(iso.match(r[4]) and iso.match(r[5]) for r in rows), "ISO 8601 times"
assert any(r[2] == "advisory.publish" and r[4] == "2019-12-18T10:00:00Z" for r in rows), "occurred_at is --at"
assert sum(1 for r in rows if r[2] == "org.add") == 44, "one org.add per organisation"
EOF

# audit checkpoint: the head, the same as verify's
must --json audit checkpoint
js "d['head'] == '$HEAD' and d['events'] == $N" "audit checkpoint prints the chain's head"
must audit checkpoint
has "$HEAD" "audit checkpoint as text"

# the store itself refuses to change or remove an entry
NCHECK=$((NCHECK + 1))
"$PY" - "$DB" <<'EOF' || fail "the events table is not append-only"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
refused = 0
for sql in ["UPDATE events SET detail = '{}' WHERE id = 3", "DELETE FROM events WHERE id = 3"]:
    try:
        db.execute(sql)
    except sqlite3.DatabaseError:
        refused += 1
    db.rollback()
sys.exit(0 if refused == 2 else 1)
EOF

# tampering, each on its own copy, with the triggers dropped first
cp "$DB" "$T/clean.db"
tamper() {
	cp "$T/clean.db" "$DB"
	rm -f "$DB-wal" "$DB-shm"
	NCHECK=$((NCHECK + 1))
	"$PY" - "$DB" "$1" <<'EOF' || fail "could not tamper ($1)"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'").fetchall():
    db.execute('DROP TRIGGER "%s"' % t)
how = sys.argv[2]
if how == "detail":
    before = db.execute("SELECT detail FROM events WHERE id = 30").fetchone()[0]
    db.execute("""UPDATE events SET detail = substr(detail, 1, length(detail) - 1) || ',"count":99}' WHERE id = 30""")
    n = int(db.execute("SELECT detail FROM events WHERE id = 30").fetchone()[0] != before)
elif how == "delete":
    n = db.execute("DELETE FROM events WHERE id = 20").rowcount
elif how == "swap":
    db.execute("UPDATE events SET id = -1 WHERE id = 12")
    db.execute("UPDATE events SET id = 12 WHERE id = 13")
    n = db.execute("UPDATE events SET id = 13 WHERE id = -1").rowcount
elif how == "actor":
    n = db.execute("UPDATE events SET actor = 'someone-else' WHERE id = 41").rowcount
elif how == "time":
    n = db.execute("UPDATE events SET occurred_at = '2019-01-01T00:00:00Z' WHERE id = 50").rowcount
elif how == "tail":
    n = db.execute("DELETE FROM events WHERE id = (SELECT max(id) FROM events)").rowcount
db.commit()
sys.exit(0 if n == 1 else 1)
EOF
}
# the detail of entry 30 changed (and it is still JSON)
tamper detail
bad 1 'entry 30\b' audit verify
run --json audit verify
js 'd["intact"] is False and d["first_bad"] == 30' "audit verify --json names the first bad entry"
bad 1 'entry 30\b' audit checkpoint
# entry 20 deleted
tamper delete
bad 1 'entry 2[01]\b' audit verify
# entries 12 and 13 swapped
tamper swap
bad 1 'entry 1[23]\b' audit verify
# the actor, or the time it happened, changed
tamper actor
bad 1 'entry 41\b' audit verify
tamper time
bad 1 'entry 50\b' audit verify
# the last entry cut off: the chain that is left is whole, but its head is not the checkpoint's
tamper tail
must --json audit verify
js "d['head'] != '$HEAD' and d['events'] == $N - 1" "a cut-off tail: the head differs from the checkpoint"

# the clean copy still holds
cp "$T/clean.db" "$DB"
rm -f "$DB-wal" "$DB-shm"
must --json audit verify
js "d['intact'] is True and d['head'] == '$HEAD'" "the untouched copy verifies, with the same head"
finish
