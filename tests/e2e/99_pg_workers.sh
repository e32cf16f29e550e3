# Several machines on one PostgreSQL (issue 8). Runs only against PostgreSQL (tests/run-e2e
# under tests/pg/with-postgres); on SQLite it says so and passes.
#   1. the store's own rules hold on PostgreSQL: the event log and published versions refuse
#      UPDATE and DELETE from any client; with the triggers dropped, audit verify still finds
#      the changed entry;
#   2. eight processes create advisories at once: every ID once, numbered without a gap;
#   3. `baken migrate` moves a SQLite database into PostgreSQL, verified; an occupied target is
#      refused; `baken backup` of the PostgreSQL store is a SQLite file with the same chain;
#   4. two `baken serve` on the one database, no balancer: a write through either is read
#      through the other at once;
#   5. four workers deliver PG_ALERTS (20000) e-mail alerts while two of them are killed with
#      SIGKILL at random moments, one of them on "another machine" (its own host name, so its
#      claim comes back only when its lease runs out); every alert reaches the receiver, once
#      by its Message-ID, an alert claimed once arrived once, and the chain holds.
. "$(dirname "$0")/lib.sh"

case "$DB" in
postgres://* | postgresql://*) ;;
*)
	echo "99_pg_workers.sh: skipped: the store is SQLite (run under tests/pg/with-postgres)"
	exit 0
	;;
esac
N_ALERTS=${PG_ALERTS:-20000}
CONTACTS=10
ORGS=$((N_ALERTS / CONTACTS))
PGROOT=${DB%/*}
q() { psql -qXtA -v ON_ERROR_STOP=1 -d "$DB" -c "$1" 2>"$T/psql.err"; }
newdb() { psql -qX -v ON_ERROR_STOP=1 -d "${BAKEN_PG_ADMIN:-$PGROOT/postgres}" -c "CREATE DATABASE $1" >/dev/null && echo "$PGROOT/$1"; }
PIDS=""
cleanup() { for p in $PIDS; do kill -9 "$p" 2>/dev/null; done; }
trap cleanup EXIT

# ---- 1. the store's rules on PostgreSQL ----
seed_orgs
must org contact other-x --name "CISO X" --role ciso --email ciso@x.example
# shellcheck disable=SC2086
must --at 2019-12-18T09:00:00Z advisory new --title "Citrix" --cve CVE-2019-19781 \
	--affects 'citrix:adc:>=13.0|<13.0.47.24' --affects 'citrix:gateway:>=12.1|<12.1.55.18' $MH
ID=$(new_id)
must --at 2019-12-18T10:00:00Z advisory publish "$ID"
refused() { # SQL MESSAGE-REGEX WHAT
	NCHECK=$((NCHECK + 1))
	if q "$1" >/dev/null; then
		fail "$3: PostgreSQL accepted: $1"
	elif ! grep -qiE "$2" "$T/psql.err"; then
		fail "$3: refused without saying /$2/: $(peek "$T/psql.err")"
	fi
}
refused "UPDATE events SET actor = 'mallory' WHERE id = 2" "append-only" "the event log"
refused "DELETE FROM events WHERE id = 2" "append-only" "the event log"
refused "UPDATE advisory_versions SET likelihood = 'low' WHERE num = 0" "never changes" "a published version"
refused "DELETE FROM advisory_affects WHERE num = 0" "never changes" "a published version's ranges"
refused "INSERT INTO advisory_cves VALUES ('$ID', 0, 9, 'CVE-2019-19781')" "never changes|duplicate" "a published version's CVEs"
must --json audit verify
js 'd["intact"] is True' "the chain holds on PostgreSQL"
# tampering with the triggers set aside: the chain still tells
OLD=$(q "SELECT actor FROM events WHERE id = 3")
q "ALTER TABLE events DISABLE TRIGGER USER; UPDATE events SET actor = 'mallory' WHERE id = 3;
   ALTER TABLE events ENABLE TRIGGER USER" || die "could not tamper: $(peek "$T/psql.err")"
run --json audit verify
NCHECK=$((NCHECK + 1))
grep -q '"intact": false' "$T/out" && grep -q '3' "$T/out" ||
	{ [ "$RC" -ne 0 ] && grep -q '3' "$T/err"; } ||
	fail "audit verify does not find entry 3 changed: $(peek "$T/out") $(peek "$T/err")"
q "ALTER TABLE events DISABLE TRIGGER USER; UPDATE events SET actor = '$OLD' WHERE id = 3;
   ALTER TABLE events ENABLE TRIGGER USER" || die "could not undo the tampering"
must --json audit verify
js 'd["intact"] is True' "the chain holds again"

# ---- 2. advisory numbers under concurrency ----
i=0
while [ $i -lt 8 ]; do
	(
		k=0
		while [ $k -lt 5 ]; do
			# shellcheck disable=SC2086
			"$BAKEN" --db "$DB" --at 2020-02-01T10:00:00Z advisory new --title "Parallel $i.$k" \
				--cve CVE-2019-11510 --affects 'pulsesecure:pulse_connect_secure:<9.0.3' $MH \
				>"$T/par.$i.$k" 2>&1 || echo "FAILED $i.$k: $(cat "$T/par.$i.$k")" >>"$T/par.failed"
			k=$((k + 1))
		done
	) &
	i=$((i + 1))
done
wait
NCHECK=$((NCHECK + 1))
[ ! -s "$T/par.failed" ] || fail "a concurrent advisory new failed: $(peek "$T/par.failed")"
cat "$T"/par.* | grep -oE 'NCSC-2020-[0-9]{4}' | sort >"$T/ids"
NCHECK=$((NCHECK + 1))
[ "$(sort -u "$T/ids" | wc -l)" -eq 40 ] && [ "$(wc -l <"$T/ids")" -eq 40 ] ||
	fail "8 x 5 concurrent advisories got $(wc -l <"$T/ids") IDs, $(sort -u "$T/ids" | wc -l) distinct: $(sort "$T/ids" | uniq -d | head -n 3)"
NCHECK=$((NCHECK + 1))
[ "$(q "SELECT count(*) FROM advisories WHERE year = 2020 AND seq BETWEEN 1 AND 40")" = 40 ] ||
	fail "the 2020 advisories are not numbered 0001-0040 without a gap"
must --json audit verify
js 'd["intact"] is True' "the chain holds after eight writers at once"

# ---- 3. migrate SQLite -> PostgreSQL, and backup of PostgreSQL ----
SRC=$T/src.db
"$BAKEN" --db "$SRC" init >/dev/null 2>&1 || die "init of the SQLite source failed"
for a in "org add min-a --name Ministerie --kind ministry" \
	"org add ag --name Dienst --kind agency --parent min-a" \
	"org contact ag --name CISO --email ciso@ag.example --phone +31700000009" \
	"org netblock ag 192.0.2.0/24 2001:db8::/32" \
	"inventory add ag --product citrix:adc --version 13.0-47.22 --internet-facing"; do
	# shellcheck disable=SC2086
	"$BAKEN" --db "$SRC" $a >/dev/null 2>"$T/err" || die "source: baken $a: $(peek "$T/err")"
done
# shellcheck disable=SC2086
"$BAKEN" --db "$SRC" --at 2019-12-18T09:00:00Z advisory new --title Citrix --cve CVE-2019-19781 \
	--affects 'citrix:adc:>=13.0|<13.0.47.24' $MH $HH >/dev/null 2>&1 &&
	"$BAKEN" --db "$SRC" --at 2019-12-18T10:00:00Z advisory publish NCSC-2019-0001 >/dev/null 2>&1 ||
	die "source: the advisory"
"$BAKEN" --db "$SRC" --json advisory list >"$T/src.list"
"$BAKEN" --db "$SRC" --json alert list >"$T/src.alerts"
TO=$(newdb "m_$$") || die "cannot create the target database"
NCHECK=$((NCHECK + 1))
"$BAKEN" --json migrate --from "$SRC" --to "$TO" >"$T/out" 2>"$T/err" ||
	fail "baken migrate --from $SRC --to $TO: $(peek "$T/err")"
js 'd["verified"] is True and d["to_backend"] == "postgres" and d["rows"] > 20' "migrate reports a verified copy"
js 'one(d["tables"], table="events")["rows"] > 5' "the events are copied"
"$BAKEN" --db "$TO" --json advisory list >"$T/to.list"
"$BAKEN" --db "$TO" --json alert list >"$T/to.alerts"
NCHECK=$((NCHECK + 1))
cmp -s "$T/src.list" "$T/to.list" && cmp -s "$T/src.alerts" "$T/to.alerts" ||
	fail "the advisories or alerts read differently after migrate: $(diff "$T/src.list" "$T/to.list" | head -n 4)"
"$BAKEN" --db "$SRC" --json audit verify >"$T/src.audit"
"$BAKEN" --db "$TO" --json audit verify >"$T/out"
js 'd["intact"] is True and d["head"] == json.load(open("'"$T/src.audit"'"))["head"]' "the migrated chain holds, with the source's head"
# after migrate the new store goes on: new ids do not collide with copied ones
NCHECK=$((NCHECK + 1))
"$BAKEN" --db "$TO" org contact ag --name "SOC" --email soc@ag.example >/dev/null 2>"$T/err" ||
	fail "a new contact after migrate: $(peek "$T/err")"
NCHECK=$((NCHECK + 1))
"$BAKEN" --json migrate --from "$SRC" --to "$TO" >"$T/out" 2>"$T/err" &&
	fail "migrate into a database that holds data was accepted"
grep -qi "exists already\|holds data" "$T/err" || fail "the refusal does not say why: $(peek "$T/err")"
NCHECK=$((NCHECK + 1))
"$BAKEN" --db "$TO" backup "$T/back.db" >/dev/null 2>"$T/err" || fail "backup of PostgreSQL: $(peek "$T/err")"
"$BAKEN" --db "$TO" --json audit verify >"$T/to.audit"
"$BAKEN" --db "$T/back.db" --json audit verify >"$T/out" 2>"$T/err"
js 'd["intact"] is True and d["head"] == json.load(open("'"$T/to.audit"'"))["head"]' "the SQLite backup of PostgreSQL holds the same chain"

# ---- 4. two servers, one database ----
must user add ana --role analyst
must --json token create ana
TOKEN=$(jv 'd["token"]')
must config set smtp.url "smtp://127.0.0.1:9"
serve() { # PORT
	setsid "$BAKEN" --db "$DB" serve --listen "127.0.0.1:$1" --deliver-interval 0 >"$T/serve.$1.log" 2>&1 &
	PIDS="$PIDS $!"
	n=0
	while [ $n -lt 100 ]; do
		curl -sf -o /dev/null "http://127.0.0.1:$1/healthz" && return 0
		sleep 0.1
		n=$((n + 1))
	done
	die "baken serve on $1 did not answer: $(peek "$T/serve.$1.log")"
}
PA=$(free_port)
serve "$PA"
PB=$(free_port)
serve "$PB"
api() { curl -s --max-time 10 -H "Authorization: Bearer $TOKEN" "$@"; }
A1=$(q "SELECT id FROM alerts WHERE advisory_id = '$ID' AND channel = 'email' ORDER BY id LIMIT 1")
A2=$(q "SELECT id FROM alerts WHERE advisory_id = '$ID' AND channel = 'email' ORDER BY id DESC LIMIT 1")
NCHECK=$((NCHECK + 4))
[ -n "$A1" ] && [ -n "$A2" ] && [ "$A1" != "$A2" ] || die "want two e-mail alerts of $ID, got '$A1' '$A2'"
[ "$(api -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PA/api/v1/alerts/$A1/ack")" = 200 ] ||
	fail "acknowledging alert $A1 through server A"
api "http://127.0.0.1:$PB/api/v1/alerts" >"$T/out"
js 'one(d, alert='"$A1"')["state"] == "acknowledged"' "server B reads at once what A wrote"
[ "$(api -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PB/api/v1/alerts/$A2/ack")" = 200 ] ||
	fail "acknowledging alert $A2 through server B"
api "http://127.0.0.1:$PA/api/v1/alerts" >"$T/out"
js 'one(d, alert='"$A2"')["state"] == "acknowledged"' "server A reads at once what B wrote"
must org add late-org --name "Late" --kind vital --sector energy
NCHECK=$((NCHECK + 1))
api "http://127.0.0.1:$PA/api/v1/orgs" | grep -q late-org && api "http://127.0.0.1:$PB/api/v1/orgs" | grep -q late-org ||
	fail "an organisation added by the CLI is not listed by both servers"
cleanup
PIDS=""

# ---- 5. four workers, two killed, 20,000 alerts ----
W=$(newdb "w_$$") || die "cannot create the workers' database"
DB=$W
SMTP=$(free_port)
MAILS=$T/mails.jsonl
: >"$MAILS"
setsid "$PY" "$(dirname "$0")/peers.py" smtp "$SMTP" "$MAILS" &
PIDS="$PIDS $!"
sleep 1
must init
adc_orgs "$ORGS" "$CONTACTS"
must config set smtp.url "smtp://127.0.0.1:$SMTP"
must config set smtp.connections 2
# a claim held by a worker on another machine comes back after this many seconds
q "INSERT INTO config (key, value) VALUES ('alert.lease', '6')" || die "alert.lease: $(peek "$T/psql.err")"
# shellcheck disable=SC2086
must advisory new --title "Citrix" --cve CVE-2019-19781 --affects 'citrix:adc:>=13.0|<13.0.47.24' $MH
AID=$(new_id)
t0=$(date +%s)
must --json advisory publish "$AID"
TOTAL=$(jv 'd["email"]')
NCHECK=$((NCHECK + 1))
[ "$TOTAL" -eq "$N_ALERTS" ] || die "publication made $TOTAL e-mail alerts, want $N_ALERTS"
echo "publication: $TOTAL alerts in $(($(date +%s) - t0)) s"
# worker 4 runs as if on another machine: its own host name (a UTS namespace), so nobody can
# see that its process is gone; its claim comes back by the lease alone
OTHER=""
if unshare --uts true 2>/dev/null; then
	OTHER=$T/other-machine.sh
	printf '#!/bin/sh\nexec unshare --uts sh -c '"'"'hostname other-machine && exec "$@"'"'"' sh "$@"\n' >"$OTHER"
	chmod +x "$OTHER"
fi
t0=$(date +%s)
for w in 1 2 3 4; do
	# setsid and the scripts exec: $! is the worker itself
	if [ "$w" = 4 ] && [ -n "$OTHER" ]; then
		setsid "$OTHER" "$BAKEN" --db "$DB" worker --interval 1 >"$T/worker.$w.log" 2>&1 &
	else
		setsid "$BAKEN" --db "$DB" worker --interval 1 >"$T/worker.$w.log" 2>&1 &
	fi
	eval "WPID$w=$!"
	PIDS="$PIDS $!"
done
# kill workers 2 and 4 with SIGKILL at random moments while they deliver: when a random share
# (5-60 %) of the alerts has been delivered
K2=$("$PY" -c "import random; print(int($TOTAL * random.uniform(0.05, 0.6)))")
K4=$("$PY" -c "import random; print(int($TOTAL * random.uniform(0.05, 0.6)))")
killed=""
wait_until=$(($(date +%s) + ${PG_DELIVER_TIMEOUT:-600}))
while :; do
	done_n=$(q "SELECT count(*) FROM alerts WHERE state = 'delivered'")
	for w in 2 4; do
		eval "k=\$K$w p=\$WPID$w"
		case " $killed " in *" $w "*) continue ;; esac
		if [ "$done_n" -ge "$k" ]; then
			kill -9 "$p" 2>/dev/null || echo "worker $w: kill failed"
			killed="$killed $w"
			echo "worker $w killed with SIGKILL at $done_n of $TOTAL delivered"
		fi
	done
	[ "$done_n" = "$TOTAL" ] && break
	[ "$(date +%s)" -lt "$wait_until" ] || break
	alive=""
	for w in 1 3; do eval "running \$WPID$w" && alive="$alive $w"; done
	[ -n "$alive" ] || break # both survivors gone: nobody is left to deliver
	sleep 0.2
done
secs=$(($(date +%s) - t0))
# the survivors must still run: a worker that died on its own is a failure, whatever it left
for w in 1 3; do
	eval "p=\$WPID$w"
	NCHECK=$((NCHECK + 1))
	if running "$p" && kill -TERM "$p" 2>/dev/null; then
		n=0
		while running "$p" && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
		kill -9 "$p" 2>/dev/null
		wait "$p"
	else
		wait "$p"
		fail "worker $w died on its own (exit $?): $(tail -n 3 "$T/worker.$w.log" | tr '\n' ' ')"
	fi
done
echo "delivery: $done_n of $TOTAL delivered in $secs s by 4 workers (killed:$killed$([ -n "$OTHER" ] && echo '; worker 4 on another host name'))"
NCHECK=$((NCHECK + 1))
[ "$done_n" = "$TOTAL" ] || fail "after ${secs}s $done_n of $TOTAL alerts are delivered; states and claimers: $(q "SELECT state, claimed_by, count(*) FROM alerts GROUP BY state, claimed_by" | tr '\n' ' ')"
echo "batches recorded per worker: $(q "SELECT actor || ' ' || count(*) FROM events WHERE action = 'alert.deliver' GROUP BY actor ORDER BY actor" | tr '\n' ',')"
echo "alerts by attempts: $(q "SELECT attempts || 'x ' || count(*) FROM alerts GROUP BY attempts ORDER BY attempts" | tr '\n' ',')"
q "SELECT id, message_id, attempts FROM alerts WHERE channel = 'email'" >"$T/alerts.txt"
NCHECK=$((NCHECK + 1))
"$PY" - "$T/alerts.txt" "$MAILS" <<'PY' || fail "the receiver did not get every alert exactly once by its Message-ID"
import collections, json, sys
alerts = {}
for line in open(sys.argv[1]):
    i, mid, attempts = line.rstrip("\n").split("|")
    alerts[mid] = int(attempts)
got = collections.Counter(json.loads(l)["message_id"] for l in open(sys.argv[2]))
lost = [m for m in alerts if m not in got]
strange = [m for m in got if m not in alerts]
# an alert claimed once (attempts 1) was sent once: only a claim whose worker died is sent again
twice = [m for m, a in alerts.items() if got[m] > a]
repeats = sum(got.values()) - len(got)
print("alerts %d, messages %d, distinct %d, repeats after the kills %d (of alerts claimed again: %d)"
      % (len(alerts), sum(got.values()), len(got), repeats,
         sum(1 for a in alerts.values() if a > 1)))
for what, bad in (("lost", lost), ("unknown", strange), ("sent more often than claimed", twice)):
    if bad:
        print("%s: %d, e.g. %s" % (what, len(bad), bad[:3]))
sys.exit(1 if lost or strange or twice else 0)
PY
must --json audit verify
js 'd["intact"] is True' "the chain holds after four workers and two kills"
finish
