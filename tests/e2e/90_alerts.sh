# Alerts end to end: a real SMTP server and a real webhook receiver on loopback. Exactly the
# affected contacts get one mail per material version, with the subject and their own products;
# partners get every version they may see; parents stand in for organisations without contacts;
# webhooks are signed; high/high makes call tasks; acknowledgement works once; a refused
# recipient, a server that is down and a receiver that fails are retried, and the state says why.
. "$(dirname "$0")/lib.sh"

PIDS=""
stop_peers() { for p in $PIDS; do kill "$p" 2>/dev/null; done; }
trap stop_peers EXIT
SMTP=$(free_port)
WEB=$(free_port)
MAILS=$T/mails.jsonl
HOOKS=$T/hooks.jsonl
: >"$MAILS"
: >"$HOOKS"
"$PY" "$(dirname "$0")/peers.py" smtp "$SMTP" "$MAILS" "$T/refuse" &
PIDS="$PIDS $!"
"$PY" "$(dirname "$0")/peers.py" web "$WEB" "$HOOKS" &
PIDS="$PIDS $!"
sleep 1

# mails [FILTER]: the JSON lines of the sink as a Python list, for q
q() { "$PY" -c "
import json, sys
mails = [json.loads(l) for l in open('$MAILS')]
hooks = [json.loads(l) for l in open('$HOOKS')]
rcpts = sorted(r for m in mails for r in m['to'])
print($1)"; }
check() { NCHECK=$((NCHECK + 1)); got=$(q "$1"); [ "$got" = "$2" ] || fail "$3: got '$got', want '$2'"; }

seed_orgs
must org contact other-x --name "CISO X" --role ciso --email ciso@x.example
must org contact min-a --name "CISO A" --role ciso --email ciso@a.example --phone +31700000003
must org add part-z --name "Sector-CERT Z" --kind partner --sector health
must org contact part-z --name "Z-CERT" --email cert@z.example
must org add agency-a2 --name "Dienst A2" --kind agency --parent min-a
must inventory add agency-a2 --product citrix:adc --version 13.0-47.10 --count 3 --internet-facing
must org contact vital-e --name "SOC E hook" --webhook "http://127.0.0.1:$WEB/hook"
must config set smtp.url "smtp://127.0.0.1:$SMTP"
must config set smtp.from "advies@csirt.example"
must config set site.url "https://csirt.example"
must config set webhook.allow_private yes # the receiver is on loopback

must --at 2019-12-18T09:00:00Z advisory new --title "Kwetsbaarheid in Citrix ADC" --cve CVE-2019-19781 \
	--affects 'citrix:adc:>=13.0|<13.0.47.24' --affects 'citrix:gateway:>=12.1|<12.1.55.18' $MH
ID=$(new_id)
must --json --at 2019-12-18T10:00:00Z advisory publish "$ID"
js 'd["organisations"] == 4 and d["call"] == 0' "1.00 alerts four organisations (three affected, one partner), no calls"
must --json alert deliver
js 'd["delivered"] == 4 and d["failed"] == 0' "all four mails delivered"
# agency-a2 has no contacts: its ministry's CISO stands in
check 'rcpts' "['cert@z.example', 'ciso@a.example', 'ciso@a1.example', 'ciso@x.example']" \
	"1.00 reaches the affected contacts, the ministry for its agency, and the partner"
check '[m["subject"] for m in mails if "ciso@a1.example" in m["to"]][0]' \
	"$ID [v1.00] [M/H] Kwetsbaarheid in Citrix ADC" "the subject"
check '"citrix:adc 13.0-47.22" in [m["body"] for m in mails if "ciso@a1.example" in m["to"]][0]' True \
	"the mail names the organisation's own matching product and version"
check '"13.0-47.10" in [m["body"] for m in mails if "ciso@a1.example" in m["to"]][0]' False \
	"the mail of one organisation does not show another's inventory"
check '"TLP:CLEAR" in [m["body"] for m in mails if "cert@z.example" in m["to"]][0]' True \
	"the partner is told what it may pass on"
check 'len(set(m["message_id"] for m in mails)) == len(mails)' True "every mail has its own Message-ID"

must --json alert deliver
js 'd["delivered"] == 0' "a second delivery sends nothing"
check 'len(mails)' 4 "no mail twice"

# a text-only update: partners get it, constituents are not alerted again
must --at 2019-12-19T09:00:00Z advisory update "$ID" --summary "Tekst verbeterd" --change "Tekstuele wijziging"
must --json --at 2019-12-19T09:05:00Z advisory publish "$ID"
js 'd["material"] == False and d["organisations"] == 1' "1.01 (text only) is not material; only the partner"
must alert deliver
check 'len(mails)' 5 "1.01 sends one mail, to the partner"

# high/high: everyone affected again, and a call task per affected organisation
must --at 2019-12-24T12:00:00Z advisory update "$ID" $HH --change "Inschaling verhoogd naar high/high"
must --json --at 2019-12-24T12:05:00Z advisory publish "$ID"
js 'd["call"] == 3' "1.02 high/high: call tasks for the three affected organisations"
must alert deliver
check '[m["subject"] for m in mails if "ciso@x.example" in m["to"]][-1]' \
	"$ID [v1.02] [H/H] Kwetsbaarheid in Citrix ADC" "the high/high subject"

# the webhook: signed with the organisation's secret, named by a delivery id
must --json org show vital-e
SECRET=$(jv 'd["webhook_secret"]')
NCHECK=$((NCHECK + 1))
[ -n "$SECRET" ] || fail "org show gives no webhook_secret"
check 'len(hooks)' 0 "vital-e runs the fixed 13.0-47.24: no webhook"
must org contact other-x --name "Hook X" --webhook "http://127.0.0.1:$WEB/hook"
must --at 2019-12-25T09:00:00Z advisory update "$ID" --affects 'citrix:gateway:>=12.0|<12.1.55.18' --change "12.0 ook kwetsbaar"
must --at 2019-12-25T09:05:00Z advisory publish "$ID"
must alert deliver
must --json org show other-x
SECRET=$(jv 'd["webhook_secret"]')
check 'len(hooks)' 1 "a widened range sends the webhook of the organisation that has one"
NCHECK=$((NCHECK + 1))
"$PY" - "$HOOKS" "$SECRET" <<'PY' || fail "the webhook signature does not verify"
import hashlib, hmac, json, sys
h = [json.loads(l) for l in open(sys.argv[1])][0]
want = "sha256=" + hmac.new(sys.argv[2].encode(), h["body"].encode(), hashlib.sha256).hexdigest()
body = json.loads(h["body"])
ok = h["headers"].get("X-Baken-Signature") == want and h["headers"].get("X-Baken-Delivery")
ok = ok and body["org"] == "other-x" and body["advisory"]["version"] == "1.03"
ok = ok and body["matched"][0]["version"] == "12.1-50.31"
sys.exit(0 if ok else 1)
PY

# calls: claim, two people do not call the same one, outcomes
must --json call list
js 'orgs(d) == ["agency-a1", "agency-a2", "other-x"]' "call list: the affected organisations"
CALL=$(jv '[r["alert"] for r in d if r["org"] == "agency-a1"][0]')
js '[r for r in d if r["org"] == "agency-a1"][0]["call_first"] == "+31700000001"' "the number to call first"
BAKEN_ACTOR=analyst-1 must call claim "$CALL"
BAKEN_ACTOR=analyst-2 bad 1 "claimed by analyst-1" call claim "$CALL"
BAKEN_ACTOR=analyst-1 must call done "$CALL" --outcome no-answer
must --json call list
js '[r for r in d if r["alert"] == '"$CALL"'][0]["attempts"] == 1' "no-answer keeps the task open, one attempt more"
BAKEN_ACTOR=analyst-2 must call done "$CALL" --outcome reached --note "CISO gesproken"
must --json call list
js '[r for r in d if r["alert"] == '"$CALL"'] == []' "a reached call leaves the list"
bad 1 "outcome" call done "$CALL" --outcome maybe

# acknowledgement: by command, and by the link in the mail, once
LINK=$(q '[l.split("/ack/")[1] for m in mails if "ciso@x.example" in m["to"] for l in m["body"].splitlines() if "/ack/" in l][0]')
must --json alert ack --token "$LINK"
js 'd["org"] == "other-x" and d["state"] == "acknowledged"' "the link in the mail acknowledges"
must --json alert ack --token "$LINK"
js 'd.get("already") == True' "a second click changes nothing"
bad 1 "unknown" alert ack --token 0000000000000000000000000000000000000000000000000000000000000000
must --json alert list --org other-x --state acknowledged
js 'len(d) == 1' "exactly one alert acknowledged"

# a refused recipient: retried, the state says why; the others arrive
echo "ciso@a1.example" >"$T/refuse"
must --at 2020-01-11T10:00:00Z advisory update "$ID" --exploit exploit --change "Exploit publiek"
must --at 2020-01-11T10:05:00Z advisory publish "$ID"
must --at 2020-01-11T10:06:00Z --json alert deliver
js 'd["retrying"] == 1' "the refused recipient is retried"
must --json alert list --org agency-a1 --channel email --version 1.04
js 'd[0]["state"] == "queued" and "550" in d[0]["last_error"]' "its state says why"
rm -f "$T/refuse"
must --at 2020-01-11T10:06:30Z --json alert deliver
js 'd["delivered"] == 0' "not before its next attempt is due"
must --at 2020-01-11T10:10:00Z --json alert deliver
js 'd["delivered"] == 1' "the next attempt delivers it"

# the mail server down: nothing is lost; after the last attempt: failed, and alert retry
must config set smtp.url "smtp://127.0.0.1:1"
must config set alert.max_attempts 2
must --at 2020-01-16T18:00:00Z advisory update "$ID" --solution "Schakel uit" --change "Uitschakelen"
must --at 2020-01-16T18:05:00Z advisory publish "$ID"
must --at 2020-01-16T18:06:00Z --json alert deliver
js 'd["retrying"] >= 4' "server down: every mail waits for a retry"
must --at 2020-01-16T19:06:00Z --json alert deliver
js 'd["failed"] >= 4' "after the last attempt they are failed"
must --json alert list --state failed --channel email
FAILED=$(jv 'd[0]["alert"]')
js 'all("onnect" in r["last_error"] for r in d)' "failed alerts say the connection failed"
must config set smtp.url "smtp://127.0.0.1:$SMTP"
must alert retry "$FAILED"
must --json alert deliver
js 'd["delivered"] == 1' "alert retry delivers it"
bad 1 "only a failed" alert retry "$FAILED"

# a webhook receiver answering 500
must org contact other-x --name "Hook X" --webhook "http://127.0.0.1:$WEB/fail"
must --at 2020-01-20T08:00:00Z advisory update "$ID" --fixed citrix:gateway:12.1-55.18 --change "Patch"
must --at 2020-01-20T08:05:00Z advisory publish "$ID"
must --at 2020-01-20T08:06:00Z alert deliver
must --json alert list --org other-x --channel webhook --version 1.06
js 'd[0]["state"] == "queued" and "500" in d[0]["last_error"]' "a webhook answered 500 is retried and says so"

must --json alert status --advisory "$ID"
js '[r["version"] for r in d][0] == "1.00" and d[0]["alerted"] == 4 and d[0]["delivered"] == 4' \
	"alert status per version"
js 'one(d, version="1.02")["to_call"] == 3 and one(d, version="1.02")["called"] == 1' "called counts reached calls"
must audit verify
finish
