# A worker's long run: the mail server is slow, so one run of `baken worker` sends advisory A's
# alerts for several seconds; meanwhile advisory B is published. The worker must
#   - go on running when a claim finds nothing while A is out and the next finds B (it once
#     crashed there, freeing a batch it no longer held: every worker on a database died so);
#   - take B's claim with a lease that runs from when it claimed, not from when the run began
#     (else another machine's worker takes B back at once and sends it twice);
#   - deliver every alert of A and B exactly once by its Message-ID.
. "$(dirname "$0")/lib.sh"

SMTP=$(free_port)
MAILS=$T/mails.jsonl
: >"$MAILS"
# 0.4 s per message on each of two connections: A's 30 alerts take about 6 s, more than half of
# the lease of 10 s set below
"$PY" "$(dirname "$0")/peers.py" smtp "$SMTP" "$MAILS" - 0.4 &
SINK=$!
WORKER=""
trap 'kill $SINK $WORKER 2>/dev/null' EXIT
sleep 1

must init
adc_orgs 10 3
must config set smtp.url "smtp://127.0.0.1:$SMTP"
must config set smtp.connections 2
must config set alert.lease 10
# shellcheck disable=SC2086
must advisory new --title "Citrix A" --cve CVE-2019-19781 --affects 'citrix:adc:>=13.0|<13.0.47.24' $MH
A=$(new_id)
must --json advisory publish "$A"
NCHECK=$((NCHECK + 1))
[ "$(jv 'd["email"]')" = 30 ] || die "advisory A made $(jv 'd["email"]') e-mail alerts, want 30"

"$BAKEN" --db "$DB" worker --interval 1 >"$T/worker.log" 2>&1 &
WORKER=$!
# states and leases of the e-mail alerts of one advisory, as "state lease_left_s" lines
leases() {
	"$PY" - "$DB" "$1" <<'PY'
import datetime, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
now = datetime.datetime.now(datetime.timezone.utc)
for state, lease in c.execute("SELECT state, lease_until FROM alerts WHERE advisory_id = ?"
                              " AND channel = 'email'", (sys.argv[2],)):
    left = ""
    if lease and lease != "0":
        left = (datetime.datetime.fromisoformat(lease.replace("Z", "+00:00")) - now).total_seconds()
    print(state, left)
PY
}
n=0
until leases "$A" | grep -q '^sent'; do
	n=$((n + 1))
	[ $n -lt 100 ] || die "the worker claimed none of A's alerts in 10 s: $(peek "$T/worker.log")"
	sleep 0.1
done
# B is published while A is out; back-dated, so that it is due in the run that sends A
# shellcheck disable=SC2086
must --at 2020-01-10T09:00:00Z advisory new --title "Citrix B" --cve CVE-2019-19781 \
	--affects 'citrix:adc:>=13.0|<13.0.47.24' $MH
B=$(new_id)
must --at 2020-01-10T10:00:00Z --json advisory publish "$B"
# B is claimed when A is out, about 6 s into the run: its lease must run 10 s from then
n=0
until leases "$B" | grep -q '^sent'; do
	n=$((n + 1))
	[ $n -lt 200 ] || break
	sleep 0.1
done
leases "$B" >"$T/leases.b"
NCHECK=$((NCHECK + 1))
grep -q '^sent' "$T/leases.b" || fail "B was not claimed within 20 s: $(peek "$T/leases.b")"
NCHECK=$((NCHECK + 1))
! awk '$1 == "sent" && $2 < 7 { bad = 1 } END { exit !bad }' "$T/leases.b" ||
	fail "B's claim has a lease that began before it was claimed (seconds left of 10): $(peek "$T/leases.b")"

n=0
while :; do
	run --json alert list --channel email
	[ "$(jv 'sum(1 for r in d if r["state"] == "delivered")')" = 60 ] && break
	running "$WORKER" || break
	n=$((n + 1))
	[ $n -lt 300 ] || break
	sleep 0.1
done
NCHECK=$((NCHECK + 1))
running "$WORKER" || {
	wait "$WORKER"
	fail "the worker died (exit $?) while delivering: $(peek "$T/worker.log")"
}
js 'len(d) == 60 and all(r["state"] == "delivered" for r in d)' "every alert of A and B is delivered"
kill -TERM "$WORKER" 2>/dev/null
wait "$WORKER"
WORKER=""
NCHECK=$((NCHECK + 1))
"$PY" - "$MAILS" <<'PY' || fail "the receiver did not get each of the 60 alerts once by its Message-ID"
import collections, json, sys
got = collections.Counter(json.loads(l)["message_id"] for l in open(sys.argv[1]))
twice = [m for m, k in got.items() if k > 1]
print("messages %d, distinct %d, twice %s" % (sum(got.values()), len(got), twice[:3]))
sys.exit(0 if len(got) == 60 and not twice else 1)
PY
finish
