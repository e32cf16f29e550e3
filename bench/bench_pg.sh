#!/bin/sh
# bench_pg.sh: alert creation and delivery throughput on PostgreSQL with 1, 2 and 4 workers,
# side by side with SQLite and one worker, in one run.
#
# For each case, a fresh store with ORGS organisations of 2 e-mail contacts each, all running
# an affected Citrix ADC (`org import`, `inventory import`), one medium/high advisory:
#   create:  `baken advisory publish` makes the 2 x ORGS e-mail alerts (one transaction);
#   deliver: W `baken worker --once` processes at the same time deliver all of them to one
#            SMTP sink (postfix's smtp-sink when bench_alerts.sh has unpacked it into
#            $B/bench/postfix-x, else the Python sink of the tests, which is slower and then
#            caps every figure alike); the time until the last worker is done.
# Then the same delivery to a sink that answers each message only after BENCH_LATENCY_MS
# (default 20: a mail server elsewhere in the country), with fewer alerts (BENCH_SLOW_ALERTS,
# default 2,000): there the network, not the store, sets the pace, as it does in a crisis.
# PostgreSQL is a throwaway server (tests/pg/with-postgres: initdb into a temporary directory,
# a loopback port, no fsync), SQLite a file in the work directory (WAL, synchronous=FULL, as
# always). Both on this one machine: the server, the workers and the sink share its cores.
#
# Environment: B (build directory, default build); BENCH_SCALE (default 1: 10,000
# organisations, 20,000 alerts; 0.1 for a quick run); BENCH_WORKERS (default "1 2 4").
# Exit 1 when it cannot measure or an alert was not delivered.
set -eu

cd "$(dirname "$0")/.."
B=${B:-build}
BAKEN=$(pwd)/$B/baken
[ -x "$BAKEN" ] || make -s B="$B" "$B/baken" >&2

# under a throwaway PostgreSQL: the script runs itself again inside tests/pg/with-postgres
if [ -z "${BAKEN_PG_ADMIN:-}" ]; then
	exec ./tests/pg/with-postgres "$0" "$@"
fi

SCALE=${BENCH_SCALE:-1}
WORKERS=${BENCH_WORKERS:-1 2 4}
LATENCY=${BENCH_LATENCY_MS:-20}
SLOW_ORGS=$(( ${BENCH_SLOW_ALERTS:-2000} / 2 ))
NORGS=$(awk -v s="$SCALE" 'BEGIN { n = int(10000 * s + 0.5); print (n < 1 ? 1 : n) }')
NMSG=$((NORGS * 2))
PGROOT=${BAKEN_DB%/*}
PFX=$B/bench/postfix-x
[ -x "$PFX/usr/sbin/smtp-sink" ] || PFX=build/bench/postfix-x
W=$(mktemp -d -t baken-bench-pg.XXXXXX)
chmod 755 "$W"
SINK_PID=""
SLOW_PID=""
cleanup() {
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null
	[ -n "$SLOW_PID" ] && kill "$SLOW_PID" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

die() {
	echo "bench_pg: $*" >&2
	exit 1
}
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# ---- the sink ----
PORT=$(free_port)
if [ -x "$PFX/usr/sbin/smtp-sink" ]; then
	export LD_LIBRARY_PATH="$PFX/usr/lib/postfix${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	SINK_USER=""
	[ "$(id -u)" = 0 ] && SINK_USER="-u nobody"
	# shellcheck disable=SC2086
	"$PFX/usr/sbin/smtp-sink" $SINK_USER "127.0.0.1:$PORT" 1000 >"$W/sink.log" 2>&1 &
	SINK_PID=$!
	SINK="postfix smtp-sink"
else
	/usr/bin/python3 tests/e2e/peers.py smtp "$PORT" "$W/mails.jsonl" >"$W/sink.log" 2>&1 &
	SINK_PID=$!
	SINK="the tests' Python sink (aiosmtpd; run bench_alerts.sh once for postfix's smtp-sink)"
fi
# the slow sink: aiosmtpd, each message answered after LATENCY ms, any number of connections
SLOW_PORT=$(free_port)
/usr/bin/python3 - "$SLOW_PORT" "$LATENCY" >"$W/slow.log" 2>&1 <<'PY' &
import asyncio, sys, time
from aiosmtpd.controller import Controller
class Slow:
    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(int(sys.argv[2]) / 1000)
        return "250 OK"
Controller(Slow(), hostname="127.0.0.1", port=int(sys.argv[1])).start()
while True:
    time.sleep(3600)
PY
SLOW_PID=$!
for p in $PORT $SLOW_PORT; do
	for _ in $(seq 50); do
		python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $p), 1)" 2>/dev/null && break
		sleep 0.1
	done
done

# ---- the stores ----
# orgs_files N PREFIX: PREFIX.json (N organisations, 2 contacts each) and PREFIX.csv
orgs_files() {
	awk -v n="$1" 'BEGIN {
		printf "["
		for (i = 1; i <= n; i++) {
			printf "%s\n{\"id\": \"org-%05d\", \"name\": \"Organisatie %d\", \"kind\": \"vital\",", \
				(i > 1 ? "," : ""), i, i
			printf " \"sector\": \"energie\", \"contacts\": [{\"name\": \"CISO\", \"email\":"
			printf " \"ciso@org-%05d.example.nl\"}, {\"name\": \"SOC\", \"email\":", i
			printf " \"soc@org-%05d.example.nl\"}]}", i
		}
		print "\n]"
	}' >"$2.json"
	awk -v n="$1" 'BEGIN {
		print "org,product,version,count,internet_facing"
		for (i = 1; i <= n; i++)
			printf "org-%05d,citrix:adc,13.0-%d.%d,1,true\n", i, 36 + i % 11, 10 + i % 14
	}' >"$2.csv"
}
orgs_files "$NORGS" "$W/orgs"
orgs_files "$SLOW_ORGS" "$W/slow"

# setup DB PREFIX PORT: a store with the organisations, the inventory, the mail settings, the
# advisory
setup() {
	"$BAKEN" --db "$1" init >/dev/null
	"$BAKEN" --db "$1" org import "$2.json" >/dev/null
	"$BAKEN" --db "$1" inventory import "$2.csv" >/dev/null
	"$BAKEN" --db "$1" config set smtp.url "smtp://127.0.0.1:$3" >/dev/null
	"$BAKEN" --db "$1" advisory new --title "Kwetsbaarheid in Citrix ADC" --cve CVE-2019-19781 \
		--affects 'citrix:adc:>=13.0|<13.0.47.24' --default-config yes --exploit none \
		--details somewhat --access internet --credentials none --complexity average \
		--interaction none --exploited no --exploit-expected no --fix-available none \
		--dos no --code-exec root --remote no --privesc no --leak no >/dev/null
}

RESULTS=$W/results
: >"$RESULTS"
# one_case BACKEND WORKERS [slow]
one_case() {
	backend=$1 nw=$2 mode=${3:-fast}
	files=$W/orgs port=$PORT n=$NMSG
	[ "$mode" = slow ] && files=$W/slow port=$SLOW_PORT n=$((SLOW_ORGS * 2))
	if [ "$backend" = sqlite ]; then
		db=$W/case-$mode-$nw.db
	else
		name=bench_${mode}_$nw
		psql -qX -d "$BAKEN_PG_ADMIN" -c "CREATE DATABASE $name" >/dev/null
		db=$PGROOT/$name
	fi
	setup "$db" "$files" "$port"
	t0=$(now)
	"$BAKEN" --db "$db" advisory publish NCSC-"$(date +%Y)"-0001 >/dev/null ||
		die "$backend: publish failed"
	t1=$(now)
	pids=""
	i=0
	while [ $i -lt "$nw" ]; do
		"$BAKEN" --db "$db" worker --once >"$W/worker.$backend.$nw.$i.log" 2>&1 &
		pids="$pids $!"
		i=$((i + 1))
	done
	for p in $pids; do wait "$p" || die "$backend: a worker failed: $(cat "$W"/worker."$backend"."$nw".*.log)"; done
	t2=$(now)
	delivered=$("$BAKEN" --db "$db" --json alert list --state delivered |
		python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
	[ "$delivered" = "$n" ] || die "$backend, $nw workers: $delivered of $n delivered"
	create=$(secs "$t0" "$t1")
	deliver=$(secs "$t1" "$t2")
	echo "$mode $backend $nw $create $deliver" >>"$RESULTS"
	printf '%-10s %7s %10s %12s %10s %12s\n' "$backend" "$nw" "$create" "$(rate "$n" "$create")" \
		"$deliver" "$(rate "$n" "$deliver")"
}

echo "bench_pg: $NORGS organisations, $NMSG e-mail alerts per case; sink: $SINK"
echo "machine: $(nproc) cores; $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1);" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL $(psql -XtAc 'show server_version' "$BAKEN_DB")"
header() { printf '%-10s %7s %10s %12s %10s %12s\n' backend workers "create s" "created/s" "deliver s" "delivered/s"; }
echo
echo "-- $NMSG alerts to a sink on this machine (the store sets the pace)"
header
one_case sqlite 1
for nw in $WORKERS; do one_case postgres "$nw"; done
echo
echo "-- $((SLOW_ORGS * 2)) alerts to a sink that answers each message after $LATENCY ms (the network sets the pace)"
header
one_case sqlite 1 slow
for nw in $WORKERS; do one_case postgres "$nw" slow; done
echo
for mode in fast slow; do
	read -r _ _ _ sc sd <<EOF
$(grep "^$mode sqlite " "$RESULTS")
EOF
	while read -r m backend nw c d; do
		[ "$m" = "$mode" ] && [ "$backend" = postgres ] || continue
		echo "$mode sink, postgres, $nw worker(s): creation $(ratio "$sc" "$c") x, delivery $(ratio "$sd" "$d") x the speed of SQLite with one worker"
	done <"$RESULTS"
done
