#!/usr/bin/env bash
# bench_alerts.sh: alert creation and e-mail delivery at national scale, side by side with
# postfix's own load generator.
#
#   1. A database of 50,000 organisations with 2 e-mail contacts each (100,000 contacts), all
#      running an affected Citrix ADC, built the real way (`baken org import` of a JSON file,
#      `baken inventory import` of a CSV file); one medium/high advisory; `baken advisory
#      publish` timed: it creates the 100,000 e-mail alerts (goal: under 1 s).
#   2. For 1 and 10 connections: `baken alert deliver` of all of them to postfix's smtp-sink
#      (each run from the same copy of the database, made with `baken backup` before
#      publishing), and smtp-source sending as many messages of about the same size (-l 3000)
#      to the same sink over the same number of connections, once as it is (a new connection
#      per message) and once with -d (connections kept open). Goal: Baken at least as fast as
#      both (smtp-source waits for each reply; Baken pipelines, RFC 2920: src/deliver/smtp_pipe.c).
#
# smtp-sink and smtp-source come from Debian's postfix package, unpacked (not installed) into
# $B/bench/postfix-x; when `apt-get download postfix` cannot fetch it, the benchmark says so
# and is skipped (exit 0).
#
# Environment: B (build directory, default build); BENCH_SCALE (default 1: 50,000
# organisations, 100,000 alerts; 0.1 for a quick run); BENCH_CONNS (default "1 10");
# BENCH_KEEP=1 keeps the work directory $B/bench/alerts.XXXXXX (databases, files, sink dumps).
# Exit 1 when it cannot measure, or when an alert was not delivered.
set -eu

cd "$(dirname "$0")/.."
B=${B:-build}
SCALE=${BENCH_SCALE:-1}
CONNS_LIST=${BENCH_CONNS:-1 10}
BAKEN=$B/baken
PFX=$B/bench/postfix-x
W="" # the work directory, $B/bench/alerts.XXXXXX: runs at the same time do not collide

say() { printf '%s\n' "$*"; }
die() {
	printf 'bench_alerts: %s\n' "$*" >&2
	exit 1
}
now() { date +%s.%N; }
# secs START END, rate COUNT SECONDS, ratio A B
# (in awk a '>' among print's arguments is a redirection: comparisons go in parentheses)
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# jnum KEY: the number of "KEY" in the JSON object on stdin
jnum() { tr -d ' \n\t' | sed -n "s/.*\"$1\":\([0-9][0-9]*\).*/\1/p"; }

NORGS=$(awk -v s="$SCALE" 'BEGIN { n = int(50000 * s + 0.5); print (n < 1 ? 1 : n) }')
NMSG=$((NORGS * 2))

[ -x "$BAKEN" ] || make -s B="$B" "$BAKEN" >&2 # bench/run has just built it

# ---- postfix's smtp-sink and smtp-source, unpacked from the Debian package ----
mkdir -p "$B/bench"
if [ ! -x "$PFX/usr/sbin/smtp-sink" ] || [ ! -x "$PFX/usr/sbin/smtp-source" ]; then
	tmp=$(mktemp -d)
	if ! (cd "$tmp" && apt-get download postfix) >"$tmp/log" 2>&1; then
		say "bench_alerts: skipped: \`apt-get download postfix\` failed (no Debian package" \
			"source reachable, or run \`apt-get update\` first):"
		sed 's/^/    /' "$tmp/log" | tail -n 3
		rm -rf "$tmp"
		exit 0
	fi
	rm -rf "$PFX.tmp"
	dpkg -x "$tmp"/postfix_*.deb "$PFX.tmp" || die "dpkg -x of the postfix package failed"
	rm -rf "$PFX" "$tmp"
	mv "$PFX.tmp" "$PFX"
fi
export LD_LIBRARY_PATH="$PFX/usr/lib/postfix${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
SINK_BIN=$PFX/usr/sbin/smtp-sink
SOURCE_BIN=$PFX/usr/sbin/smtp-source

# A free loopback port. smtp-sink binds with SO_REUSEPORT, so a port in use does not make it
# fail: the port must be found free before.
free_port() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
		return
	fi
	local p
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		p=$((20000 + RANDOM % 40000))
		if ! ss -Hltn "sport = :$p" 2>/dev/null | grep -q .; then
			echo "$p"
			return
		fi
	done
	die "no free loopback port found"
}

SINK_PID=""
DSINK_PID=""
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	for p in $SINK_PID $DSINK_PID; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	if [ -n "$W" ] && [ "${BENCH_KEEP:-0}" != 1 ]; then
		rm -rf "$W"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

W=$(mktemp -d "$B/bench/alerts.XXXXXX")
chmod 755 "$W" # smtp-sink writes its dumps as nobody
PORT=$(free_port)
SINK_USER=""
[ "$(id -u)" = 0 ] && SINK_USER="-u nobody" # smtp-sink refuses to run as root otherwise
# wait_sink PID PORT LOG: until the sink answers on PORT (at most 5 s)
wait_sink() {
	for _ in $(seq 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	die "smtp-sink did not start: $(cat "$3")"
}
# shellcheck disable=SC2086
"$SINK_BIN" $SINK_USER "127.0.0.1:$PORT" 1000 >"$W/sink.log" 2>&1 &
SINK_PID=$!
wait_sink "$SINK_PID" "$PORT" "$W/sink.log"

say "bench_alerts: $NORGS organisations, $NMSG e-mail alerts; postfix smtp-sink on 127.0.0.1:$PORT"
say "machine: $(nproc) cores; $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1);" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg) (figures are wall-clock: a busy machine lowers them)"

# ---- 1. the database, the advisory, and publishing ----
# orgs_json N, inventory_csv N: the import files for N organisations
orgs_json() {
	awk -v n="$1" 'BEGIN {
		split("ministry agency vital other other other other other", kind, " ")
		split("energie water zorg financieel telecom overheid transport", sector, " ")
		printf "["
		for (i = 1; i <= n; i++) {
			printf "%s\n{\"id\": \"org-%05d\", \"name\": \"Organisatie %d\",", \
				(i > 1 ? "," : ""), i, i
			printf " \"kind\": \"%s\", \"sector\": \"%s\", \"contacts\": [", \
				kind[i % 8 + 1], sector[i % 7 + 1]
			printf "{\"name\": \"CISO %d\", \"role\": \"ciso\",", i
			printf " \"email\": \"ciso@org-%05d.example.nl\"},", i
			printf " {\"name\": \"SOC %d\", \"role\": \"soc\",", i
			printf " \"email\": \"soc@org-%05d.example.nl\", \"24x7\": true}]}", i
		}
		print "\n]"
	}'
}
inventory_csv() {
	awk -v n="$1" 'BEGIN {
		print "org,product,version,count,internet_facing"
		for (i = 1; i <= n; i++) {
			# an affected ADC (13.0 builds before 47.24) in every organisation ...
			printf "org-%05d,citrix:adc,13.0-%d.%d,%d,%s\n", i, 36 + i % 11, 10 + i % 14, \
				1 + i % 4, i % 3 ? "true" : "false"
			# ... and in some a fixed one, and an unrelated product
			if (i % 4 == 0)
				printf "org-%05d,citrix:adc,13.0-47.24,1,false\n", i
			if (i % 2 == 0)
				printf "org-%05d,fortinet:fortios,6.%d.%d,2,true\n", i, i % 5, i % 13
		}
	}'
}

# a medium/high case (the matrix of CVE-2019-19781's first version), with text of a real size
DESC="Citrix heeft een kwetsbaarheid verholpen in Citrix Application Delivery Controller (ADC),\
 voorheen bekend als NetScaler ADC, en Citrix Gateway. De kwetsbaarheid bevindt zich in de\
 verwerking van verzoeken aan de VPN-component en stelt een ongeauthenticeerde aanvaller in staat\
 via path traversal willekeurige code uit te voeren met de rechten van de beheerder. Er is\
 geen exploitcode publiek beschikbaar."
SOL="Citrix heeft nog geen updates uitgebracht, maar heeft mitigerende maatregelen gepubliceerd\
 die het misbruik van de kwetsbaarheid voorkomen. Het NCSC adviseert deze maatregelen zo snel\
 mogelijk door te voeren. Zodra Citrix updates uitbrengt, adviseert het NCSC deze zo spoedig\
 mogelijk te installeren."
new_advisory() {
	"$BAKEN" --db "$1" advisory new --title "Kwetsbaarheid verholpen in Citrix ADC en Citrix Gateway" \
		--cve CVE-2019-19781 --affects 'citrix:adc:>=13.0|<13.0.47.24' \
		--fixed citrix:adc:13.0-47.24 --platform "Citrix ADC appliance" \
		--summary "Citrix heeft mitigerende maatregelen gepubliceerd voor een kwetsbaarheid in\
 Citrix ADC en Citrix Gateway. Een ongeauthenticeerde aanvaller kan de kwetsbaarheid misbruiken\
 om willekeurige code uit te voeren." \
		--description "$DESC" --solution "$SOL" \
		--reference https://support.citrix.com/article/CTX267027 \
		--reference https://nvd.nist.gov/vuln/detail/CVE-2019-19781 \
		--default-config yes --exploit none --details somewhat --access internet \
		--credentials none --complexity average --interaction none --exploited no \
		--exploit-expected no --fix-available none --dos no --code-exec root --remote no \
		--privesc no --leak no | head -n 1
}
# setup_db DB N: a database with N organisations and their inventory, mail settings and the
# advisory (a draft)
setup_db() {
	"$BAKEN" --db "$1" init --prefix NCSC >/dev/null
	orgs_json "$2" >"$1.orgs.json"
	inventory_csv "$2" >"$1.inventory.csv"
	"$BAKEN" --db "$1" org import "$1.orgs.json" >/dev/null
	"$BAKEN" --db "$1" inventory import "$1.inventory.csv" >/dev/null
	"$BAKEN" --db "$1" config set smtp.from advies@csirt.example.nl >/dev/null
	"$BAKEN" --db "$1" config set site.url https://advies.csirt.example.nl >/dev/null
}

DB=$W/base.db
bk() { "$BAKEN" --db "$DB" "$@"; }
bk init --prefix NCSC >/dev/null
orgs_json "$NORGS" >"$W/orgs.json"
inventory_csv "$NORGS" >"$W/inventory.csv"
t0=$(now)
bk org import "$W/orgs.json" >/dev/null
t1=$(now)
bk inventory import "$W/inventory.csv" >/dev/null
t2=$(now)
say "org import ($NORGS organisations, $NMSG contacts): $(secs "$t0" "$t1") s;" \
	"inventory import ($(($(wc -l <"$W/inventory.csv") - 1)) rows): $(secs "$t1" "$t2") s"
bk config set smtp.from advies@csirt.example.nl >/dev/null
bk config set site.url https://advies.csirt.example.nl >/dev/null
t0=$(now)
ID=$(new_advisory "$DB")
t1=$(now)
say "advisory new $ID: $(secs "$t0" "$t1") s"
affected=$(bk --json advisory affected "$ID" | grep -o '"org"' | wc -l)
[ "$affected" -ge "$NORGS" ] || die "advisory affected: $affected rows, want at least $NORGS"

bk backup "$W/pre.db" >/dev/null # the state before publishing, for every delivery run

# publish DB: prints the seconds `advisory publish` took; checks the alerts it made
publish() {
	local t0 t1 out n
	# the imports and copies before leave hundreds of MB of dirty pages: written out first,
	# so that the time is publishing's own and not the flush of what came before
	sync
	t0=$(now)
	out=$("$BAKEN" --db "$1" --json advisory publish "$ID")
	t1=$(now)
	n=$(printf '%s' "$out" | jnum email)
	[ "$n" = "$NMSG" ] || die "advisory publish made ${n:-no} e-mail alerts, want $NMSG: $out"
	n=$(printf '%s' "$out" | jnum organisations)
	[ "$n" = "$NORGS" ] || die "advisory publish alerted ${n:-no} organisations, want $NORGS"
	secs "$t0" "$t1"
}
PUB=$(publish "$DB")
say "advisory publish ($NMSG e-mail alerts for $NORGS organisations): $PUB s (goal < 1 s:" \
	"$(awk -v s="$PUB" 'BEGIN { print (s < 1 ? "holds" : "MISSED") }'))"
rm -f "$DB" "$DB-wal" "$DB-shm"

# ---- 2. delivery, side by side with smtp-source ----
# The size of one message of each side, as a second sink stores it (smtp-sink -d: the message
# with a few lines of its own in front, the same for both): one organisation's two alerts,
# and one smtp-source message.
mkdir -p "$W/dump"
chmod 777 "$W/dump" # smtp-sink writes as nobody
DPORT=$(free_port)
# shellcheck disable=SC2086
"$SINK_BIN" $SINK_USER -d "$W/dump/%H%M%S." "127.0.0.1:$DPORT" 10 >"$W/dsink.log" 2>&1 &
DSINK_PID=$!
wait_sink "$DSINK_PID" "$DPORT" "$W/dsink.log"
setup_db "$W/one.db" 1
"$BAKEN" --db "$W/one.db" config set smtp.url "smtp://127.0.0.1:$DPORT" >/dev/null
"$BAKEN" --db "$W/one.db" advisory publish "$(new_advisory "$W/one.db")" >/dev/null
"$BAKEN" --db "$W/one.db" alert deliver >/dev/null
"$SOURCE_BIN" -m 1 -l 3000 -f bench@csirt.example.nl -t ciso@org.example.nl "127.0.0.1:$DPORT" \
	>/dev/null 2>&1 || die "smtp-source could not send one message"
sleep 0.2
kill "$DSINK_PID" 2>/dev/null || true
wait "$DSINK_PID" 2>/dev/null || true
f=$(grep -l X-Baken-Alert "$W"/dump/* 2>/dev/null | head -n 1) || true
[ -n "$f" ] || die "the sink stored no Baken message in $W/dump: $(cat "$W/dsink.log")"
bsize=$(wc -c <"$f")
f=$(grep -L X-Baken-Alert "$W"/dump/* 2>/dev/null | head -n 1) || true
[ -n "$f" ] || die "the sink stored no smtp-source message in $W/dump: $(cat "$W/dsink.log")"
ssize=$(wc -c <"$f")
say "one message as the sink stores it: baken $bsize bytes, smtp-source -l 3000 $ssize bytes"

# source ARGS...: the seconds smtp-source took to send NMSG messages of 3,000 bytes
source_secs() {
	local t0 t1
	t0=$(now)
	"$SOURCE_BIN" "$@" -m "$NMSG" -l 3000 -f bench@csirt.example.nl -t ciso@org.example.nl \
		"127.0.0.1:$PORT" >"$W/source.log" 2>&1 || die "smtp-source $*: $(tail -n 3 "$W/source.log")"
	t1=$(now)
	secs "$t0" "$t1"
}

ROWS=""
status=0
for C in $CONNS_LIST; do
	R=$W/run-$C.db
	"$BAKEN" --db "$W/pre.db" backup "$R" >/dev/null
	"$BAKEN" --db "$R" config set smtp.connections "$C" >/dev/null
	"$BAKEN" --db "$R" config set smtp.url "smtp://127.0.0.1:$PORT" >/dev/null
	pub=$(publish "$R")
	t0=$(now)
	out=$("$BAKEN" --db "$R" --json alert deliver) || die "alert deliver failed: $out"
	t1=$(now)
	bsec=$(secs "$t0" "$t1")
	n=$(printf '%s' "$out" | jnum delivered)
	st=$("$BAKEN" --db "$R" --json alert status)
	ok=1
	[ "$n" = "$NMSG" ] || ok=0
	[ "$(printf '%s' "$st" | jnum delivered)" = "$NORGS" ] || ok=0
	[ "$(printf '%s' "$st" | jnum pending)" = 0 ] || ok=0
	[ "$(printf '%s' "$st" | jnum failed)" = 0 ] || ok=0
	if [ "$ok" != 1 ]; then
		say "alert deliver over $C connection(s) delivered ${n:-?} of $NMSG: $out" >&2
		say "alert status: $st" >&2
		status=1
	fi
	ssec=$(source_secs -s "$C")
	dsec=$(source_secs -d -s "$C")
	say "$C connection(s): publish $pub s; alert deliver $bsec s ($n delivered);" \
		"smtp-source $ssec s; smtp-source -d $dsec s; load average $(cut -d' ' -f1 /proc/loadavg)"
	ROWS="$ROWS$C $(rate "$NMSG" "$bsec") $(rate "$NMSG" "$ssec") $(rate "$NMSG" "$dsec")
"
	[ "${BENCH_KEEP:-0}" = 1 ] || rm -f "$R" "$R-wal" "$R-shm"
done

say ""
say "$NMSG messages of about 3 KB to postfix smtp-sink, msg/s (goal: baken >= smtp-source, with and without -d):"
printf '%-11s %10s %12s %15s %13s %16s %5s\n' connections baken smtp-source "smtp-source -d" \
	baken/source "baken/source -d" goal
printf '%s' "$ROWS" | while read -r c b s d; do
	[ -n "$c" ] || continue
	printf '%-11s %10s %12s %15s %13s %16s %5s\n' "$c" "$b" "$s" "$d" "$(ratio "$b" "$s")" \
		"$(ratio "$b" "$d")" "$(awk -v b="$b" -v s="$s" -v d="$d" 'BEGIN { print (b >= s && b >= d ? "yes" : "NO") }')"
done
say "(alert creation: $PUB s for $NMSG alerts, goal < 1 s)"
exit $status
