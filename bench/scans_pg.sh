#!/bin/sh
# scans_pg.sh BLOCKS_CSV IPS_TXT OUT_TSV: the peer of bench_scans.c. Maps every address of
# IPS_TXT (one a line) to the organisation of its most specific block in BLOCKS_CSV (cidr,org)
# the way an analyst would in PostgreSQL 15 with the ip4r extension: a GiST index on iprange
# and the join the ip4r README gives for longest-prefix match of many addresses
#   SELECT DISTINCT ON (ips.n) ... FROM ips LEFT JOIN blocks ON blocks.r >>= ips.ip
#   ORDER BY ips.n, @ blocks.r
# on a throwaway cluster (initdb into a temporary directory, loopback, a free port, run as the
# user postgres, stopped at the end). Installs postgresql-15 and postgresql-15-ip4r with
# apt-get when missing. Prints "load_seconds N", "index_seconds N", "join_seconds N" and
# writes "ip<TAB>org" (org empty for none) per address to OUT_TSV, in the order of IPS_TXT.
# Exits 1 with one line saying why when it cannot run.
set -u
blocks=$1 ips=$2 out=$3
PGBIN=/usr/lib/postgresql/15/bin
if [ ! -x "$PGBIN/initdb" ] || [ ! -f /usr/share/postgresql/15/extension/ip4r.control ]; then
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get install -y -qq postgresql-15 postgresql-15-ip4r ||
		{ apt-get update -qq && apt-get install -y -qq postgresql-15 postgresql-15-ip4r; }; } \
		>/dev/null 2>&1 ||
		{ echo "skipped: apt-get could not install postgresql-15 postgresql-15-ip4r"; exit 1; }
fi
id postgres >/dev/null 2>&1 || { echo "skipped: no user postgres to run the server as"; exit 1; }
T=$(mktemp -d -t baken-pg.XXXXXX)
cp "$blocks" "$T/blocks.csv"
cp "$ips" "$T/ips.txt"
chown -R postgres "$T"
port=$(/usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
as_pg() { runuser -u postgres -- "$@"; }
stop() {
	as_pg "$PGBIN/pg_ctl" -D "$T/data" stop -m fast >/dev/null 2>&1
	rm -rf "$T"
}
trap stop EXIT
as_pg "$PGBIN/initdb" -D "$T/data" -A trust -U bench >/dev/null 2>&1 ||
	{ echo "skipped: initdb failed"; exit 1; }
as_pg "$PGBIN/pg_ctl" -D "$T/data" -l "$T/log" -w start -o "-p $port -k $T \
	-c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c work_mem=256MB \
	-c maintenance_work_mem=512MB -c max_parallel_workers_per_gather=0 -c fsync=off" \
	>/dev/null 2>&1 || { echo "skipped: the server did not start: $(tail -n 2 "$T/log")"; exit 1; }
q() { as_pg psql -X -q -h 127.0.0.1 -p "$port" -U bench -d postgres -v ON_ERROR_STOP=1 "$@"; }
secs() { /usr/bin/python3 -c 'import time;print("%.3f"%time.monotonic())'; }
took() { /usr/bin/python3 -c "print('%.3f' % ($2 - $1))"; }

a=$(secs)
q <<SQL || { echo "skipped: loading failed"; exit 1; }
CREATE EXTENSION ip4r;
CREATE TABLE blocks (r iprange NOT NULL, org text NOT NULL);
\copy blocks FROM '$T/blocks.csv' WITH (FORMAT csv)
CREATE TABLE ips (n serial PRIMARY KEY, ip ipaddress NOT NULL);
\copy ips (ip) FROM '$T/ips.txt'
SQL
b=$(secs)
echo "load_seconds $(took "$a" "$b")"
q -c "CREATE INDEX blocks_r ON blocks USING gist (r); ANALYZE blocks; ANALYZE ips;" ||
	{ echo "skipped: the index failed"; exit 1; }
c=$(secs)
echo "index_seconds $(took "$b" "$c")"
q <<SQL || { echo "skipped: the join failed"; exit 1; }
CREATE TABLE map AS
SELECT DISTINCT ON (ips.n) ips.n, ips.ip, blocks.org
  FROM ips LEFT JOIN blocks ON blocks.r >>= ips.ip
 ORDER BY ips.n, @ blocks.r;
SQL
d=$(secs)
echo "join_seconds $(took "$c" "$d")"
q -c "EXPLAIN SELECT DISTINCT ON (ips.n) ips.n, ips.ip, blocks.org FROM ips LEFT JOIN blocks ON blocks.r >>= ips.ip ORDER BY ips.n, @ blocks.r" | grep -q 'blocks_r' ||
	echo "note: the plan does not use the GiST index"
q -c "\\copy (SELECT ip, coalesce(org, '') FROM map ORDER BY n) TO '$T/out.tsv'" ||
	{ echo "skipped: the export failed"; exit 1; }
cp "$T/out.tsv" "$out"
