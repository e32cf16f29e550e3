# backup FILE: a consistent copy of the database while another process writes to it. Every
# copy is a whole database on its own (no WAL needed) whose event chain verifies and whose rows
# agree with its events; the writer is never refused (no "database is busy").
. "$(dirname "$0")/lib.sh"

seed_orgs
# a database of several thousand pages, so a copy takes more than one step
"$PY" -c '
print("org,product,version,count,internet_facing")
for i in range(30000):
    print("%s,vendor%d:product%d,%d.%d.%d,%d,%s" % (["min-a", "agency-a1", "vital-e", "other-x"][i % 4],
          i % 50, i % 300, i % 13, i % 7, i, i % 9 + 1, "true" if i % 3 else "false"))
' >"$T/big.csv"
must --json inventory import "$T/big.csv"
js 'd["rows"] == 30000' "30000 inventory rows"
NCHECK=$((NCHECK + 1))
[ "$(wc -c <"$DB")" -gt 5000000 ] || fail "the database is smaller than expected: $(wc -c <"$DB") bytes"

# a writer in another process: organisations, one command (one transaction) each
trap 'touch "$T/stop"' EXIT
(
	i=0
	while [ ! -e "$T/stop" ] && [ $i -lt 5000 ]; do
		"$BAKEN" --db "$DB" org add "w-$i" --name "Writer $i" --kind other \
			>/dev/null 2>>"$T/writer.err" || echo "org add w-$i failed" >>"$T/writer.fail"
		i=$((i + 1))
	done
	echo $i >"$T/writer.count"
) &
WRITER=$!
# wait until it writes
n=0
while [ $n -lt 100 ]; do
	"$PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); sys.exit(0 if c.execute("select count(*) from orgs where id like \"w-%\"").fetchone()[0] >= 3 else 1)' "$DB" 2>/dev/null && break
	sleep 0.1
	n=$((n + 1))
done

k=1
while [ $k -le 4 ]; do
	ok --json backup "$T/copy$k.db" && js "d['backup'] == '$T/copy$k.db'" "backup --json names the copy"
	k=$((k + 1))
done
touch "$T/stop"
wait "$WRITER"
trap - EXIT

NCHECK=$((NCHECK + 1))
[ ! -s "$T/writer.fail" ] || fail "the writer was refused while backups ran: $(head -n 3 "$T/writer.fail") $(peek "$T/writer.err")"
NCHECK=$((NCHECK + 1))
[ "$(cat "$T/writer.count" 2>/dev/null || echo 0)" -gt 3 ] || fail "the writer wrote too little to test anything"

k=1
while [ $k -le 4 ]; do
	C=$T/copy$k.db
	NCHECK=$((NCHECK + 1))
	if [ -e "$C-wal" ] || [ -e "$C.tmp" ]; then fail "copy $k: a WAL or temporary file is left beside it"; fi
	# on its own: no WAL of the source, no -shm; the chain verifies
	mkdir -p "$T/alone$k"
	cp "$C" "$T/alone$k/c.db"
	DB=$T/alone$k/c.db
	ok --json audit verify && js 'd["intact"] is True' "copy $k: audit verify accepts it"
	ok --json inventory list --org min-a && js 'len(d) == 7501' "copy $k: every inventory row"
	NCHECK=$((NCHECK + 1))
	"$PY" - "$DB" <<'EOF' || fail "copy $k is not a consistent database"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity_check"
orgs = {r[0] for r in db.execute("SELECT id FROM orgs WHERE id LIKE 'w-%'")}
logged = {r[0][4:] for r in db.execute("SELECT object FROM events WHERE action = 'org.add' AND object LIKE 'org:w-%'")}
assert orgs == logged, "rows and events disagree: %d rows, %d events" % (len(orgs), len(logged))
assert db.execute("SELECT count(*) FROM inventory").fetchone()[0] >= 30000, "inventory"
EOF
	DB=$T/t.db
	k=$((k + 1))
done

# a later copy has at least what an earlier one had
NCHECK=$((NCHECK + 1))
"$PY" - "$T/copy1.db" "$T/copy4.db" "$DB" <<'EOF' || fail "the copies do not follow the writes in order"
import sqlite3, sys
count = [sqlite3.connect(p).execute("SELECT count(*) FROM events").fetchone()[0] for p in sys.argv[1:]]
sys.exit(0 if count[0] <= count[1] <= count[2] else 1)
EOF

# the source is unharmed, and backup refuses what it cannot do
must --json audit verify
js 'd["intact"] is True' "the source verifies after the backups"
bad 1 '/nonexistent' backup /nonexistent/dir/copy.db
DB=$T/missing.db
bad 1 'no database' backup "$T/copy9.db"
NCHECK=$((NCHECK + 1))
if [ -e "$T/copy9.db" ] || [ -e "$T/missing.db" ]; then fail "backup of a missing database wrote a file"; fi
finish
