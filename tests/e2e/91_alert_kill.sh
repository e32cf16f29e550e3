# Delivery survives kill -9: alerts are delivered while the delivering process is killed at
# random moments, twenty times; afterwards every alert has arrived at the receiver, exactly
# once by its Message-ID (a repeat after a kill carries the same Message-ID), and none is lost.
. "$(dirname "$0")/lib.sh"

ORGS=${KILL_ORGS:-400}
SMTP=$(free_port)
MAILS=$T/mails.jsonl
: >"$MAILS"
"$PY" "$(dirname "$0")/peers.py" smtp "$SMTP" "$MAILS" &
SINK=$!
trap 'kill $SINK 2>/dev/null' EXIT
sleep 1

must init
adc_orgs "$ORGS" 3
must config set smtp.url "smtp://127.0.0.1:$SMTP"
must config set smtp.connections 2
must advisory new --title "Citrix" --cve CVE-2019-19781 --affects 'citrix:adc:>=13.0|<13.0.47.24' $MH
ID=$(new_id)
must --json advisory publish "$ID"
TOTAL=$(jv 'd["email"]')
NCHECK=$((NCHECK + 1))
[ "$TOTAL" -eq $((ORGS * 3)) ] || fail "publication made $TOTAL e-mail alerts, want $((ORGS * 3))"

i=0
while [ $i -lt 20 ]; do
	"$BAKEN" --db "$DB" alert deliver >/dev/null 2>&1 &
	p=$!
	sleep "$("$PY" -c 'import random; print(round(random.uniform(0.02, 0.5), 3))')"
	kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	i=$((i + 1))
done
# then let it finish
n=0
while [ $n -lt 5 ]; do
	run --json alert deliver
	[ "$(jv 'd["delivered"]')" = 0 ] && break
	n=$((n + 1))
done

must --json alert list --channel email
js 'len(d) == '"$TOTAL"' and all(r["state"] == "delivered" for r in d)' "every alert is delivered after the kills"
ALERTS=$T/alerts.json
cp "$T/out" "$ALERTS"
NCHECK=$((NCHECK + 1))
"$PY" - "$ALERTS" "$MAILS" <<'PY' || fail "the receiver did not get each alert exactly once by Message-ID"
import json, sys
alerts = {r["message_id"] for r in json.load(open(sys.argv[1]))}
got = [json.loads(l)["message_id"] for l in open(sys.argv[2])]
print("alerts %d, messages received %d, distinct %d, repeats after a kill %d"
      % (len(alerts), len(got), len(set(got)), len(got) - len(set(got))))
sys.exit(0 if set(got) == alerts else 1)
PY
must audit verify
finish
