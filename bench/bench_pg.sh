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
NORGS=$(awk -v s="$SCALE" 'BEGIN { n = int(10000 * s + 0.5); print (n < 1 ? 1 : n) }')
NMSG=$((NORGS * 2))
PGROOT=${BAKEN_DB%/*}
PFX=$B/bench/postfix-x
W=$(mktemp -d -t baken-bench-pg.XXXXXX)
chmod 755 "$W"
SINK_PID=""
cleanup() {
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null
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
	python3 tests/e2e/peers.py smtp "$PORT" "$W/mails.jsonl" >"$W/sink.log" 2>&1 &
	SINK_PID=$!
	SINK="the tests' Python sink (aiosmtpd; run bench_alerts.sh once for postfix's smtp-sink)"
fi
for _ in $(seq 50); do
	python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null && break
	sleep 0.1
done

# ---- the stores ----
awk -v n="$NORGS" 'BEGIN {
	printf "["
	for (i = 1; i <= n; i++) {
		printf "%s\n{\"id\": \"org-%05d\", \"name\": \"Organisatie %d\", \"kind\": \"vital\",", \
			(i > 1 ? "," : ""), i, i
		printf " \"sector\": \"energie\", \"contacts\": [{\"name\": \"CISO\", \"email\":"
		printf " \"ciso@org-%05d.example.nl\"}, {\"name\": \"SOC\", \"email\":", i
		printf " \"soc@org-%05d.example.nl\"}]}", i
	}
	print "\n]"
}' >"$W/orgs.json"
awk -v n="$NORGS" 'BEGIN {
	print "org,product,version,count,internet_facing"
	for (i = 1; i <= n; i++)
		printf "org-%05d,citrix:adc,13.0-%d.%d,1,true\n", i, 36 + i % 11, 10 + i % 14
}' >"$W/inv.csv"

# setup DB: a store with the organisations, the inventory, the mail settings, the advisory
setup() {
	"$BAKEN" --db "$1" init >/dev/null
	"$BAKEN" --db "$1" org import "$W/orgs.json" >/dev/null
	"$BAKEN" --db "$1" inventory import "$W/inv.csv" >/dev/null
	"$BAKEN" --db "$1" config set smtp.url "smtp://127.0.0.1:$PORT" >/dev/null
	"$BAKEN" --db "$1" advisory new --title "Kwetsbaarheid in Citrix ADC" --cve CVE-2019-19781 \
		--affects 'citrix:adc:>=13.0|<13.0.47.24' --default-config yes --exploit none \
		--details somewhat --access internet --credentials none --complexity average \
		--interaction none --exploited no --exploit-expected no --fix-available none \
		--dos no --code-exec root --remote no --privesc no --leak no >/dev/null
}

RESULTS=$W/results
: >"$RESULTS"
# one_case BACKEND WORKERS
one_case() {
	backend=$1 nw=$2
	if [ "$backend" = sqlite ]; then
		db=$W/case-$nw.db
	else
		name=bench_$nw
		psql -qX -d "$BAKEN_PG_ADMIN" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
		db=$PGROOT/$name
	fi
	setup "$db"
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
	delivered=$("$BAKEN" --db "$db" --json alert status | python3 -c '
import json, sys
d = json.load(sys.stdin)
rows = d if isinstance(d, list) else [d]
print(sum(r.get("delivered", 0) for r in rows))')
	[ "$delivered" = "$NMSG" ] || die "$backend, $nw workers: $delivered of $NMSG delivered"
	create=$(secs "$t0" "$t1")
	deliver=$(secs "$t1" "$t2")
	echo "$backend $nw $create $deliver" >>"$RESULTS"
	printf '%-10s %7s %10s %12s %10s %12s\n' "$backend" "$nw" "$create" "$(rate "$NMSG" "$create")" \
		"$deliver" "$(rate "$NMSG" "$deliver")"
}

echo "bench_pg: $NORGS organisations, $NMSG e-mail alerts per case; sink: $SINK"
echo "machine: $(nproc) cores; $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1);" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL $(psql -XtAc 'show server_version' "$BAKEN_DB")"
printf '%-10s %7s %10s %12s %10s %12s\n' backend workers "create s" "created/s" "deliver s" "delivered/s"
one_case sqlite 1
for nw in $WORKERS; do one_case postgres "$nw"; done
echo
read -r _ _ sc sd <<EOF
$(grep '^sqlite ' "$RESULTS")
EOF
while read -r backend nw c d; do
	[ "$backend" = postgres ] || continue
	echo "postgres, $nw worker(s): creation $(ratio "$sc" "$c") x, delivery $(ratio "$sd" "$d") x the speed of SQLite with one worker"
done <"$RESULTS"
