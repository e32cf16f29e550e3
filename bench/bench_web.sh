#!/usr/bin/env bash
# bench_web.sh: the web server against nginx, side by side in one run (issue 4).
#
#   A demo database (`baken demo --no-serve`), `baken serve` on loopback, and nginx (Debian's,
#   started as the current user with its own throwaway config: access_log off, sendfile on)
#   on another loopback port serving the very bytes Baken answered, fetched once with curl
#   and written as static files. Then wrk (10 and 100 connections, --latency) against each
#   of the two documents on each server:
#     plain  /advisories/ID?format=plain   (the NCSC plain text)
#     html   /advisories/ID                (the advisory page)
#   and a table: requests/s, p50 and p99 latency, and the ratio baken/nginx of requests/s.
#   Two rounds, each server given the same share of the machine:
#     shared  Baken one event thread per core, nginx worker_processes auto, wrk -t2: all
#             compete for every core (the throughput a whole machine gives);
#     split   Baken --threads 1, nginx worker_processes 1, wrk -t1: one core serves, the
#             other loads, so the latency is the server's and not the scheduler's.
#   The goal (issue 4): a ratio of at least 1.00 at both loads, p99 under 5 ms at 100
#   connections. Each row is measured back to back for both servers.
#
# Environment: B (build directory, default build); BENCH_SECS (seconds per wrk run, default
# 10); BENCH_CONNS (connection counts, default "10 100"); BENCH_KEEP=1 keeps the work
# directory $B/bench/web.XXXXXX (with both servers' logs). Exits 0 with a message when wrk or
# nginx is not installed (scripts/install-deps installs both); 1 when it cannot measure, or
# when the two servers do not answer the same bytes.
set -eu

cd "$(dirname "$0")/.."
B=${B:-build}
SECS=${BENCH_SECS:-10}
CONNS=${BENCH_CONNS:-10 100}
BAKEN=$(pwd)/$B/baken

say() { printf '%s\n' "$*"; }
die() {
	printf 'bench_web: %s\n' "$*" >&2
	exit 1
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

[ -x "$BAKEN" ] || die "no $BAKEN (make B=$B first)"
for tool in wrk curl; do
	command -v "$tool" >/dev/null || {
		say "bench_web: skipped: $tool is not installed (scripts/install-deps installs it)"
		exit 0
	}
done
NGINX=$(command -v nginx || true)
[ -n "$NGINX" ] || [ ! -x /usr/sbin/nginx ] || NGINX=/usr/sbin/nginx
[ -n "$NGINX" ] || {
	say "bench_web: skipped: nginx is not installed (scripts/install-deps installs nginx-light)"
	exit 0
}

mkdir -p "$B/bench"
W=$(cd "$B/bench" && mktemp -d "$(pwd)/web.XXXXXX")
BPID=""
NPID=""
cleanup() {
	[ -z "$BPID" ] || { kill "$BPID" 2>/dev/null && wait "$BPID" 2>/dev/null; } || true
	[ -z "$NPID" ] || { kill "$NPID" 2>/dev/null && wait "$NPID" 2>/dev/null; } || true
	[ -n "${BENCH_KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT

# two free loopback ports
read -r P1 P2 <<EOF
$(python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
EOF

# ---- Baken ----
"$BAKEN" demo --no-serve --db "$W/demo.db" >/dev/null || die "baken demo failed"
ID=$("$BAKEN" --db "$W/demo.db" --json advisory list |
	python3 -c 'import json, sys
rows = [r for r in json.load(sys.stdin) if r.get("tlp") == "CLEAR" and r.get("state") == "published"]
print(rows[0]["id"] if rows else "")')
[ -n "$ID" ] || die "the demo has no public advisory"
# One round: Baken and nginx started with the given threads/workers, wrk with WRK_T threads
# against both, one table; both servers stopped at the end.
#   LABEL THREADS_OPT WORKERS WRK_T
bench_round() {
	LABEL=$1 THREADS_OPT=$2 WORKERS=$3 WRK_T=$4
	"$BAKEN" --db "$W/demo.db" serve --listen "127.0.0.1:$P1" --deliver-interval 0 $THREADS_OPT \
		>"$W/baken.out" 2>"$W/baken.log" &
	BPID=$!
	for i in $(seq 100); do
		curl -fsS -o /dev/null "http://127.0.0.1:$P1/healthz" 2>/dev/null && break
		kill -0 "$BPID" 2>/dev/null || die "baken serve stopped: $(tail -n 3 "$W/baken.log")"
		sleep 0.1
	done
	[ "$i" -lt 100 ] || die "baken serve does not answer"

	# ---- the same bytes as static files for nginx ----
	mkdir -p "$W/www/advisories" "$W/nginx/tmp"
	curl -fsS -o "$W/www/advisories/$ID.txt" "http://127.0.0.1:$P1/advisories/$ID?format=plain" ||
		die "GET /advisories/$ID?format=plain failed"
	curl -fsS -o "$W/www/advisories/$ID.html" "http://127.0.0.1:$P1/advisories/$ID" ||
		die "GET /advisories/$ID failed"
	# as root, nginx would hand its workers to "nobody": keep them the current user's
	USERLINE=""
	[ "$(id -u)" -ne 0 ] || USERLINE="user $(id -un) $(id -gn);"
	cat >"$W/nginx/nginx.conf" <<EOF
	$USERLINE
	worker_processes $WORKERS;
	pid $W/nginx/nginx.pid;
	error_log $W/nginx/error.log warn;
	daemon off;
	events { worker_connections 1024; }
	http {
		access_log off;
		sendfile on;
		tcp_nopush on;
		keepalive_requests 1000000;
		client_body_temp_path $W/nginx/tmp;
		proxy_temp_path $W/nginx/tmp;
		fastcgi_temp_path $W/nginx/tmp;
		uwsgi_temp_path $W/nginx/tmp;
		scgi_temp_path $W/nginx/tmp;
		types { text/plain txt; text/html html; }
		server {
			listen 127.0.0.1:$P2;
			root $W/www;
			location = /plain { default_type "text/plain; charset=utf-8"; try_files /advisories/$ID.txt =404; }
			location = /html { default_type "text/html; charset=utf-8"; try_files /advisories/$ID.html =404; }
		}
	}
EOF
	"$NGINX" -c "$W/nginx/nginx.conf" -e "$W/nginx/error.log" 2>>"$W/nginx/error.log" &
	NPID=$!
	for i in $(seq 100); do
		curl -fsS -o /dev/null "http://127.0.0.1:$P2/plain" 2>/dev/null && break
		kill -0 "$NPID" 2>/dev/null || die "nginx stopped: $(tail -n 3 "$W/nginx/error.log")"
		sleep 0.1
	done
	[ "$i" -lt 100 ] || die "nginx does not answer"

	# both servers must answer the same bytes
	for doc in plain html; do
		case $doc in
		plain) burl="http://127.0.0.1:$P1/advisories/$ID?format=plain" ;;
		html) burl="http://127.0.0.1:$P1/advisories/$ID" ;;
		esac
		curl -fsS -o "$W/b.$doc" "$burl" || die "baken: GET $burl failed"
		curl -fsS -o "$W/n.$doc" "http://127.0.0.1:$P2/$doc" || die "nginx: GET /$doc failed"
		cmp -s "$W/b.$doc" "$W/n.$doc" || die "baken and nginx answer different bytes for $doc"
	done

	# wrk prints "Requests/sec: N" and, with --latency, "50% 1.23ms" ... "99% 4.56ms".
	# to_ms turns its units (us, ms, s) into milliseconds.
	runwrk() { # url conns -> "rps p50 p99"
		wrk -t"$WRK_T" -c"$2" -d"${SECS}s" --latency "$1" >"$W/wrk.out" 2>&1 || die "wrk failed: $(tail -n 3 "$W/wrk.out")"
		awk '
		function to_ms(v) {
			if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
			if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
			if (v ~ /s$/) { sub(/s$/, "", v); return v * 1000 }
			return v + 0
		}
		/^Requests\/sec:/ { rps = $2 }
		$1 == "50%" { p50 = to_ms($2) }
		$1 == "99%" { p99 = to_ms($2) }
		/Non-2xx or 3xx responses/ { bad = $NF }
		/Socket errors/ { err = 1 }
		END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, bad + 0 }' "$W/wrk.out"
	}

	size_plain=$(wc -c <"$W/b.plain")
	size_html=$(wc -c <"$W/b.html")
	say ""
	say "$LABEL: baken serve ${THREADS_OPT:-(one thread per core)}, nginx worker_processes $WORKERS, wrk -t$WRK_T -d${SECS}s"
	say "advisory $ID: plain $size_plain bytes, html $size_html bytes"
	printf '%-6s %5s  %12s %8s %8s  %12s %8s %8s  %6s\n' doc conns "baken req/s" "p50 ms" "p99 ms" \
		"nginx req/s" "p50 ms" "p99 ms" ratio
	for doc in plain html; do
		case $doc in
		plain) burl="http://127.0.0.1:$P1/advisories/$ID?format=plain" ;;
		html) burl="http://127.0.0.1:$P1/advisories/$ID" ;;
		esac
		for c in $CONNS; do
			read -r brps bp50 bp99 bbad <<EOF
$(runwrk "$burl" "$c")
EOF
			read -r nrps np50 np99 nbad <<EOF
$(runwrk "http://127.0.0.1:$P2/$doc" "$c")
EOF
			[ "$bbad" -eq 0 ] || die "baken answered $bbad non-2xx responses for $doc at $c connections"
			[ "$nbad" -eq 0 ] || die "nginx answered $nbad non-2xx responses for $doc at $c connections"
			printf '%-6s %5s  %12s %8s %8s  %12s %8s %8s  %6s\n' "$doc" "$c" "$brps" "$bp50" "$bp99" \
				"$nrps" "$np50" "$np99" "$(ratio "$brps" "$nrps")"
		done
	done
	kill -0 "$BPID" 2>/dev/null || die "baken serve died during the run: $(tail -n 3 "$W/baken.log")"
	kill "$BPID" "$NPID" 2>/dev/null || true
	wait "$BPID" "$NPID" 2>/dev/null || true
	BPID="" NPID=""
}

say "baken against nginx $("$NGINX" -v 2>&1 | sed 's/.*\///') serving the same bytes, $(nproc) cores"
# shared: every server thread and wrk's two threads compete for all cores (throughput);
# split: one core for the server, one for wrk, so neither waits on the other (latency)
bench_round shared "" auto 2
bench_round split "--threads 1" 1 1
