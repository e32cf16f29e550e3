# A batch that takes longer to send than a lease: 1,002 alerts, one connection to a server that
# takes 12 ms a message, alert.lease 10 s. The first batch (1,000) is out for about 12 s while
# the second (2) waits behind it, claimed. The delivering process renews the leases of what it
# holds while it waits, so nobody takes the second batch back meanwhile, this process's next
# claim included (it once did, and sent those two twice): every alert arrives once, claimed once.
. "$(dirname "$0")/lib.sh"

N=1002
SMTP=$(free_port)
MAILS=$T/mails.jsonl
: >"$MAILS"
"$PY" "$(dirname "$0")/peers.py" smtp "$SMTP" "$MAILS" - 0.012 &
SINK=$!
trap 'kill $SINK 2>/dev/null' EXIT
sleep 1

must init
adc_orgs "$N" 1
must config set smtp.url "smtp://127.0.0.1:$SMTP"
must config set smtp.connections 1
must config set alert.lease 10
# shellcheck disable=SC2086
must advisory new --title "Citrix" --cve CVE-2019-19781 --affects 'citrix:adc:>=13.0|<13.0.47.24' $MH
ID=$(new_id)
must --json advisory publish "$ID"
NCHECK=$((NCHECK + 1))
[ "$(jv 'd["email"]')" = "$N" ] || die "publication made $(jv 'd["email"]') e-mail alerts, want $N"

t0=$(date +%s)
must --json alert deliver
secs=$(($(date +%s) - t0))
js 'd["delivered"] == '"$N"' and d["retrying"] == 0' "one run delivers every alert, each counted once"
must --json alert list --channel email
js 'len(d) == '"$N"' and all(r["state"] == "delivered" and r["attempts"] == 1 for r in d)' \
	"every alert delivered, each claimed once (the run took $secs s, the lease is 10 s)"
NCHECK=$((NCHECK + 1))
"$PY" - "$MAILS" "$N" <<'PY' || fail "the receiver did not get each alert once by its Message-ID"
import collections, json, sys
got = collections.Counter(json.loads(l)["message_id"] for l in open(sys.argv[1]))
twice = [m for m, k in got.items() if k > 1]
print("messages %d, distinct %d, twice %s" % (sum(got.values()), len(got), twice[:3]))
sys.exit(0 if len(got) == int(sys.argv[2]) and not twice else 1)
PY
finish
