# The Citrix case of the seeds (letter 000, 23 January 2020) replayed with --at times, from the
# disclosure on 17 December 2019 to the last patches on 24 January 2020: advisory versions 1.00
# (medium/high) to 1.06, alerts delivered by a real SMTP server and webhook receiver, call tasks,
# two follow-up requests (10 Jan: mitigations? 17 Jan: switch off or explain), comply-or-explain
# answers with reviews, the BIO clock of seven government organisations, reminders and
# escalations, the incident (scaled to 1 on 16 Jan, to 2 on 17 Jan), the ministers' decision,
# the communications and the vendor's patch timeline (12.1 and 13.0 moved from 27 to 24 Jan).
# The evaluation report is then checked line by line against what was set up here.
. "$(dirname "$0")/lib.sh"

PIDS=""
stop_peers() { for p in $PIDS; do kill "$p" 2>/dev/null; done; }
trap stop_peers EXIT
SMTP=$(free_port)
WEB=$(free_port)
: >"$T/mails.jsonl"
: >"$T/hooks.jsonl"
echo "ciso@defensie.example" >"$T/refuse"
"$PY" "$(dirname "$0")/peers.py" smtp "$SMTP" "$T/mails.jsonl" "$T/refuse" &
PIDS="$PIDS $!"
"$PY" "$(dirname "$0")/peers.py" web "$WEB" "$T/hooks.jsonl" &
PIDS="$PIDS $!"
sleep 1

# ---- the constituency -------------------------------------------------------------------------
must init --prefix NCSC
must config set smtp.url "smtp://127.0.0.1:$SMTP"
must config set smtp.from "advies@ncsc.example"
must config set alert.max_attempts 1
must config set webhook.allow_private yes # the receiver is on loopback
for m in jenv bzk ienw fin ezk ocw defensie; do
	must org add "min-$m" --name "Ministerie $m" --kind ministry
done
must org add agency-dji --name "Dienst Justitiele Inrichtingen" --kind agency --parent min-jenv
must org add agency-rws --name "Rijkswaterstaat" --kind agency --parent min-ienw
must org add agency-bd --name "Belastingdienst" --kind agency --parent min-fin
must org add agency-rvo --name "Rijksdienst voor Ondernemend Nederland" --kind agency --parent min-ezk
must org add agency-duo --name "Dienst Uitvoering Onderwijs" --kind agency --parent min-ocw
must org add cio-rijk --name "CIO Rijk" --kind other
must org add vital-e --name "Energie E" --kind vital --sector energy
must org add gem-x --name "Gemeente X" --kind other
must org add z-cert --name "Z-CERT" --kind partner --sector health
must org contact agency-dji --name "CISO DJI" --email ciso@dji.example --phone +31700000001
must org contact min-bzk --name "CISO BZK" --email ciso@bzk.example --phone +31700000002
must org contact min-ienw --name "CISO IenW" --email ciso@ienw.example
must org contact agency-bd --name "CISO BD" --email ciso@bd.example --phone +31700000003
must org contact agency-rvo --name "CISO RVO" --email ciso@rvo.example
must org contact min-defensie --name "CISO Defensie" --email ciso@defensie.example
must org contact min-ocw --name "CISO OCW" --email ciso@ocw.example
must org contact min-fin --name "CISO Fin" --email ciso@fin.example
must org contact cio-rijk --name "CIO Rijk" --email cio@rijk.example
must org contact vital-e --name "SOC E" --email soc@e.example --webhook "http://127.0.0.1:$WEB/hook"
must org contact gem-x --name "CISO X" --email ciso@x.example
must org contact z-cert --name "Z-CERT" --email cert@z.example
must inventory add agency-dji --product citrix:adc --version 13.0-47.22 --count 2 --internet-facing
must inventory add min-bzk --product citrix:adc --version 12.1-50.31 --internet-facing
must inventory add agency-rws --product citrix:adc --version 11.1-63.10
must inventory add agency-bd --product citrix:adc --version 13.0-41.20 --count 4
must inventory add agency-rvo --product citrix:gateway --version 12.1-49.23
must inventory add min-defensie --product citrix:adc --version 13.0-47.22
must inventory add agency-duo --product citrix:adc --version 12.1-50.28
must inventory add vital-e --product citrix:adc --version 12.0-60.10
must inventory add gem-x --product citrix:gateway --version 13.0-41.20
must inventory add min-ienw --product pulsesecure:pulse_connect_secure --version 9.0R3.3
must config set deadline.coordinator cio-rijk
must config set followup.coordinators "cio-rijk-coordinator, cli:cio"
COORD=cio-rijk-coordinator
ADC='citrix:adc:>=11.1|<11.1.63.15|>=12.0|<12.0.63.13|>=12.1|<12.1.55.18|>=13.0|<13.0.47.24'
GW='citrix:gateway:>=11.1|<11.1.63.15|>=12.0|<12.0.63.13|>=12.1|<12.1.55.18|>=13.0|<13.0.47.24'
deliver() { must --at "$1" alert deliver; }

# ---- 17 Dec: the vendor discloses; NCSC knows of it for the first time --------------------------
# shellcheck disable=SC2086
must --json --at 2019-12-17T16:00:00Z advisory new --title "Kwetsbaarheid verholpen in Citrix ADC en Citrix Gateway" \
	--cve CVE-2019-19781 --affects "$ADC" --affects "$GW" --platform "Citrix ADC, Citrix Gateway" \
	--summary "Een kwaadwillende kan op afstand willekeurige code uitvoeren." \
	--disclosed 2019-12-17T00:00:00Z --reported-to-vendor 2019-12-06T00:00:00Z $MH
ID=$(new_id)
[ "$ID" = NCSC-2019-0001 ] || die "the advisory is $ID, want NCSC-2019-0001"
# 18 Dec: 1.00, medium/high; mails 7 minutes later; DJI acknowledges after an hour
must --at 2019-12-18T10:00:00Z advisory publish "$ID"
deliver 2019-12-18T10:07:00Z
A=$("$PY" -c "
import sqlite3; db = sqlite3.connect('$DB')
print(db.execute(\"SELECT id FROM alerts WHERE org_id='agency-dji' AND num=0 AND channel='email'\").fetchone()[0])")
must --at 2019-12-18T11:00:00Z alert ack "$A"
# 24 Dec: high/high, on new information and technical analysis; a call task per organisation
# shellcheck disable=SC2086
must --at 2019-12-24T12:00:00Z advisory update "$ID" $HH --change "Inschaling verhoogd naar high/high op basis van nieuwe informatie en technische analyses"
must --at 2019-12-24T12:05:00Z advisory publish "$ID"
deliver 2019-12-24T12:20:00Z
for o in agency-dji min-bzk; do
	C=$("$PY" -c "
import sqlite3; db = sqlite3.connect('$DB')
print(db.execute(\"SELECT id FROM alerts WHERE org_id='$o' AND num=1 AND channel='call'\").fetchone()[0])")
	must --at 2019-12-24T13:05:00Z call done "$C" --outcome reached
done

# the BIO clock: due one week after 1.01, for the government organisations running it
must --json --at 2019-12-28T00:00:00Z deadline list
js 'sorted(r["org"] for r in d) == ["agency-bd", "agency-dji", "agency-duo", "agency-rvo", "agency-rws", "min-bzk", "min-defensie"]' \
	"clocks for the seven affected ministries and agencies; not the vital provider, the municipality or the unaffected ministries"
js 'all(r["due"] == "2019-12-31T12:05:00Z" and r["state"] == "open" and r["days_over"] == 0 for r in d)' \
	"28 Dec: every clock open, due 31 Dec 12:05 (one week after the high/high version)"
# reminders from two days before the due time; none before
must --json --at 2019-12-29T10:00:00Z deadline remind
js 'd == []' "29 Dec 10:00: no reminder yet (they start 29 Dec 12:05)"
must --json --at 2019-12-30T08:00:00Z deadline remind
js 'sorted(r["org"] for r in d if r["topic"] == "reminder") == ["agency-bd", "agency-dji", "agency-duo", "agency-rvo", "agency-rws", "min-bzk", "min-defensie"]' \
	"30 Dec: a reminder to each open clock"
js 'all(r["ref"] == "bio:2019-12-30" for r in d)' "the reminders are keyed by the day"
must --json --at 2019-12-30T15:00:00Z deadline remind
js 'd == []' "a second run the same day sends nothing"
must --json --at 2020-01-01T08:00:00Z deadline remind
js 'len(where(d, topic="reminder")) == 7' "1 Jan: the overdue are reminded again"
js 'sorted(r["org"] for r in d if r["topic"] == "escalation") == ["cio-rijk", "min-fin", "min-ienw", "min-ocw"]' \
	"1 Jan: escalations to the coordinator and each parent of an overdue agency that has a contact"
js 'sorted(one(d, topic="escalation", org="cio-rijk")["overdue"]) == ["agency-bd", "agency-dji", "agency-duo", "agency-rvo", "agency-rws", "min-bzk", "min-defensie"]' \
	"the coordinator's escalation lists every overdue organisation"
must --json --at 2020-01-05T00:00:00Z deadline list
js 'all(r["state"] == "overdue" and r["days_over"] == 5 for r in d)' \
	"5 Jan: all seven overdue, 5 days (4 days and 12 hours, started days)"

# ---- January: exploit expected, public; the first follow-up ------------------------------------
must --at 2020-01-09T10:00:00Z advisory update "$ID" --solution "Neem de mitigerende maatregelen van Citrix (CTX267679)." \
	--change "Exploitcode op korte termijn verwacht; er wordt actief gescand naar kwetsbare systemen"
must --at 2020-01-09T10:05:00Z advisory publish "$ID"
deliver 2020-01-09T10:10:00Z
BAKEN_ACTOR=$COORD must --at 2020-01-10T11:00:00Z followup request "$ID" --to ministry agency --deadline 2020-01-13T12:00:00Z \
	--question "Hebt u de door Citrix geadviseerde tussentijdse mitigerende maatregelen getroffen?"
REQ1=1
must --at 2020-01-11T09:00:00Z advisory update "$ID" --exploit exploit --change "Exploitcode is publiek"
must --at 2020-01-11T09:05:00Z advisory publish "$ID"
deliver 2020-01-11T09:10:00Z
must --at 2020-01-11T12:00:00Z incident new citrix-2020 --title "Citrix ADC en Gateway (CVE-2019-19781)" --advisory "$ID" --public
must --at 2020-01-11T15:00:00Z incident patch citrix-2020 --branch 'citrix:adc:>=11.1|<11.1.63.15' --announced 2020-01-20
must --at 2020-01-11T15:00:00Z incident patch citrix-2020 --branch 'citrix:adc:>=12.1|<12.1.55.18' --announced 2020-01-27
must --at 2020-01-11T15:00:00Z incident patch citrix-2020 --branch 'citrix:adc:>=13.0|<13.0.47.24' --announced 2020-01-27
must --at 2020-01-10T15:00:00Z followup respond "$ID" agency-rvo --status switched-off --date 2019-12-27T16:00:00Z \
	--note "Uitgeschakeld na het high/high-advies"
must --at 2020-01-12T10:00:00Z followup respond "$ID" agency-bd --status mitigated --measures "Responder policy van CTX267679"
must --at 2020-01-13T09:00:00Z followup respond "$ID" agency-dji --status mitigated --measures "Responder policy van CTX267679"
must --at 2020-01-13T10:00:00Z incident log citrix-2020 --kind communication --channel website --title "Nog veel kwetsbare Citrix-systemen in Nederland" --text "Waarschuwing op ncsc.nl"
must --at 2020-01-13T10:05:00Z incident log citrix-2020 --kind communication --channel social --text "Waarschuwing via sociale media"
# 13 Jan: a scan shows many systems still vulnerable (Shadowserver's daily report)
must org netblock agency-dji 198.51.100.0/24
must org netblock min-bzk 203.0.113.0/25
must org netblock vital-e 2001:db8:e::/48
SSHEAD='"timestamp","severity","ip","protocol","port","hostname","tag","asn","geo","region","city","naics","hostname_source","sector","http","http_code","http_reason","content_type","connection","www_authenticate","set_cookie","server","content_length","transfer_encoding","http_date","version","build_date","detail","build_branch"'
{
	echo "$SSHEAD"
	echo '"2020-01-13 03:12:44","critical","198.51.100.7","tcp",443,,"citrix;cve-2019-19781",64500,"NL",,,,,,,,,,,,,,,,,,,,'
	echo '"2020-01-13 03:13:01","critical","203.0.113.9","tcp",443,,"citrix;cve-2019-19781",64500,"NL",,,,,,,,,,,,,,,,,,,,'
	echo '"2020-01-13 03:15:22","critical","192.0.2.200","tcp",443,,"citrix;cve-2019-19781",64501,"NL",,,,,,,,,,,,,,,,,,,,'
	echo '"2020-01-13 03:16:40","critical","2001:db8:e:1::5","tcp",443,,"citrix;cve-2019-19781",64501,"NL",,,,,,,,,,,,,,,,,,,,'
} >"$T/2020-01-13-scan_http_vulnerable-nl-geo.csv"
must --at 2020-01-13T08:00:00Z scan import "$T/2020-01-13-scan_http_vulnerable-nl-geo.csv"
{
	echo "$SSHEAD"
	echo '"2020-01-20 03:12:44","critical","198.51.100.7","tcp",443,,"citrix;cve-2019-19781",64500,"NL",,,,,,,,,,,,,,,,,,,,'
	echo '"2020-01-20 03:15:22","critical","192.0.2.200","tcp",443,,"citrix;cve-2019-19781",64501,"NL",,,,,,,,,,,,,,,,,,,,'
} >"$T/2020-01-20-scan_http_vulnerable-nl-geo.csv"
must --at 2020-01-14T10:00:00Z followup respond "$ID" min-bzk --status mitigated --measures "Responder policy" --note "laat"

# ---- 16-17 Jan: mitigations unreliable; scale up; switch off or explain ----------------------
must --at 2020-01-16T17:00:00Z advisory update "$ID" --solution "Mitigaties zijn niet in alle gevallen effectief; overweeg de systemen uit te schakelen." \
	--change "Mitigerende maatregelen niet in alle gevallen effectief; overweeg uitschakelen"
must --at 2020-01-16T17:05:00Z advisory publish "$ID"
deliver 2020-01-16T17:10:00Z
must --at 2020-01-16T18:00:00Z incident scale citrix-2020 --level 1 --by NCSC --reason "Effectiviteit van de mitigaties onzeker"
must --at 2020-01-17T10:00:00Z incident scale citrix-2020 --level 2 --by NCTV --reason "Interdepartementale opschaling"
must --at 2020-01-17T11:00:00Z incident log citrix-2020 --kind meeting --text "Overleg NCTV met alle departementen" --participants NCTV NCSC "CIO Rijk" Departementen
must --at 2020-01-17T16:00:00Z incident log citrix-2020 --kind decision \
	--text "Akkoord op dringend advies om Citrix-systemen uit te schakelen tot een sluitende oplossing beschikbaar is" \
	--approved-by "Minister van JenV" --approved-by "Minister van BZK"
must --at 2020-01-17T17:00:00Z incident log citrix-2020 --kind communication --channel press --title "Dringend advies: schakel Citrix-systemen uit" --text "Persbericht op rijksoverheid.nl"
# request 1 closes: no answers to it after
BAKEN_ACTOR=cli:cio must --at 2020-01-17T12:00:00Z followup close "$ID" --request 1
bad 1 'closed' --at 2020-01-17T13:00:00Z followup respond "$ID" min-ocw --status mitigated --measures x --request 1
BAKEN_ACTOR=$COORD must --at 2020-01-17T17:30:00Z followup request "$ID" --to ministry agency --deadline 2020-01-18T12:00:00Z \
	--question "Schakel de Citrix-systemen uit, tenzij aan de drie cumulatieve voorwaarden is voldaan (comply or explain)"
REQ2=2
# refusals: nothing changes
bad 1 'c3' --at 2020-01-17T18:00:00Z followup respond "$ID" agency-dji --status kept-on --c1 "Meldkamer" --c2 "SOC"
bad 1 'c1.*c2.*c3' --at 2020-01-17T18:00:00Z followup respond "$ID" agency-dji --status kept-on
bad 1 'vital-e was not asked' --at 2020-01-17T18:00:00Z followup respond "$ID" vital-e --status switched-off
BAKEN_ACTOR=$COORD bad 1 'not answered' --at 2020-01-17T18:00:00Z followup review "$ID" agency-dji --accept
must --at 2020-01-17T18:30:00Z followup respond "$ID" agency-dji --status kept-on \
	--c1 "Uitschakelen raakt de 24/7 meldkamer van de inrichtingen" --c2 "Extra logging en 24/7 SOC-monitoring" \
	--c3 "Gesegmenteerd, in quarantaine, detectie actief; geen verbinding met andere netten"
BAKEN_ACTOR=agency-dji bad 1 "may not review" --at 2020-01-18T09:00:00Z followup review "$ID" agency-dji --accept
BAKEN_ACTOR=$COORD must --at 2020-01-18T09:00:00Z followup review "$ID" agency-dji --accept --note "Voldoet aan de drie voorwaarden"
must --at 2020-01-17T20:00:00Z followup respond "$ID" min-bzk --status switched-off
must --at 2020-01-18T08:00:00Z followup respond "$ID" agency-rvo --status switched-off --date 2019-12-27T16:00:00Z
must --at 2020-01-18T10:00:00Z followup respond "$ID" agency-bd --by min-fin --status kept-on \
	--c1 "Thuiswerken van 30.000 medewerkers" --c2 "Monitoring" --c3 "Niet gecompartimenteerd"
BAKEN_ACTOR=$COORD must --at 2020-01-18T11:00:00Z followup review "$ID" agency-bd --reject --note "C3 is niet onderbouwd: niet gecompartimenteerd"
bad 1 'only.*agency-bd itself' --at 2020-01-18T12:00:00Z followup respond "$ID" agency-bd --by min-bzk --status switched-off

# ---- 19-24 Jan: the patches, partly early ------------------------------------------------------
must --at 2020-01-19T16:00:00Z incident patch citrix-2020 --branch 'citrix:adc:>=11.1|<11.1.63.15' --released 11.1.63.15
must --at 2020-01-19T17:00:00Z advisory update "$ID" --fixed citrix:adc:11.1.63.15 --fixed citrix:adc:12.0.63.13 --change "Eerste patches beschikbaar"
must --at 2020-01-19T17:05:00Z advisory publish "$ID"
deliver 2020-01-19T17:10:00Z
must --at 2020-01-20T08:00:00Z scan import "$T/2020-01-20-scan_http_vulnerable-nl-geo.csv"
must --at 2020-01-20T09:30:00Z followup respond "$ID" agency-rws --status patched --version 11.1.63.15 --date 2020-01-20T09:00:00Z
must --at 2020-01-21T10:00:00Z incident log citrix-2020 --kind communication --channel faq --title "Moet ik mijn Citrix-systeem uitschakelen?" --text "Ja, tenzij aan de drie voorwaarden is voldaan."
must --at 2020-01-22T09:00:00Z incident patch citrix-2020 --branch 'citrix:adc:>=12.1|<12.1.55.18' --announced 2020-01-24T22:00:00Z
must --at 2020-01-22T09:00:00Z incident patch citrix-2020 --branch 'citrix:adc:>=13.0|<13.0.47.24' --announced 2020-01-24T22:00:00Z
must --at 2020-01-24T22:00:00Z incident patch citrix-2020 --branch 'citrix:adc:>=12.1|<12.1.55.18' --released 12.1.55.18
must --at 2020-01-24T22:00:00Z incident patch citrix-2020 --branch 'citrix:adc:>=13.0|<13.0.47.24' --released 13.0.47.24
must --at 2020-01-24T22:30:00Z advisory update "$ID" --fixed citrix:adc:12.1.55.18 --fixed citrix:adc:13.0.47.24 --change "Overige patches beschikbaar"
must --at 2020-01-24T22:35:00Z advisory publish "$ID"
deliver 2020-01-24T22:40:00Z
# DUO patches at once: its inventory shows only the fixed version
must --at 2020-01-24T23:30:00Z inventory add agency-duo --product citrix:adc --version 12.1-50.28 --count 0
must --at 2020-01-24T23:30:00Z inventory add agency-duo --product citrix:adc --version 12.1.55.18

# ---- the verdicts at the end -------------------------------------------------------------------
END=2020-01-24T23:59:59Z
must --json --at $END deadline list
cp "$T/out" "$T/deadlines.json"
js 'one(d, org="agency-dji")["state"] == "exempted"' "DJI: kept-on, explanation accepted: exempted"
js 'one(d, org="min-bzk")["state"] == "late" and one(d, org="min-bzk")["days_over"] == 18 and one(d, org="min-bzk")["remedied_at"] == "2020-01-17T20:00:00Z"' \
	"BZK: switched off 17 Jan 20:00, 18 days late"
js 'one(d, org="agency-rws")["state"] == "late" and one(d, org="agency-rws")["days_over"] == 20 and one(d, org="agency-rws")["via"] == "answer:patched"' \
	"RWS: patched 20 Jan 09:00, 20 days late"
js 'one(d, org="agency-bd")["state"] == "overdue" and one(d, org="agency-bd")["days_over"] == 25' \
	"BD: explanation rejected, not remedied: overdue 25 days"
js 'one(d, org="agency-rvo")["state"] == "in-time" and one(d, org="agency-rvo")["remedied_at"] == "2019-12-27T16:00:00Z"' \
	"RVO: switched off on 27 Dec: in time"
js 'one(d, org="min-defensie")["state"] == "overdue" and one(d, org="min-defensie")["days_over"] == 25' \
	"Defensie: never answered: overdue 25 days"
js 'one(d, org="agency-duo")["state"] == "late" and one(d, org="agency-duo")["via"] == "inventory" and one(d, org="agency-duo")["remedied_at"] == "2020-01-24T23:30:00Z"' \
	"DUO: the inventory shows only the fixed version since 24 Jan 23:30: late"
js 'all(r["state"] in ("open", "in-time", "late", "overdue", "exempted") for r in d)' "states as DESIGN §3 names them"

must --json --at $END followup status "$ID"
js 'one(d["requests"], request=2)["counts"] == {"accepted": 1, "rejected": 1, "answered": 3, "unanswered": 7, "kept-on": 2, "switched-off": 2, "patched": 1}' \
	"request 2: who answered what"
js 'one(one(d["requests"], request=2)["orgs"], org="agency-bd")["by"] == "min-fin"' "the ministry answered for its agency"
js 'len(one(one(d["requests"], request=2)["orgs"], org="agency-bd")["history"]) == 2' "the rejection is in the history"
js 'one(d["requests"], request=1)["closed"] is True' "request 1 is closed"

# ---- the evaluation, line by line --------------------------------------------------------------
must --json --at $END report evaluation citrix-2020 --lang en
cp "$T/out" "$T/eval.json"
js 'd["incident"]["level"] == 2 and d["incident"]["title"] == "Citrix ADC en Gateway (CVE-2019-19781)"' "the incident, at level 2"
NCHECK=$((NCHECK + 1))
"$PY" - "$T/eval.json" <<'EOF' || fail "the evaluation's timeline is not the one set up"
import json, sys
d = json.load(open(sys.argv[1]))
got = [(t["at"], t["text"]) for t in d["timeline"]]
want = [
 ("2019-12-06T00:00:00Z", "CVE-2019-19781 reported to the vendor"),
 ("2019-12-17T00:00:00Z", "Vendor discloses CVE-2019-19781"),
 ("2019-12-17T16:00:00Z", "First knowledge: CVE-2019-19781 registered (NCSC-2019-0001)"),
 ("2019-12-18T10:00:00Z", "NCSC-2019-0001 v1.00 published: medium/high"),
 ("2019-12-18T10:00:00Z", "NCSC-2019-0001 v1.00: 10 organisations alerted (e-mail 10, webhook 1, calls 0)"),
 ("2019-12-24T12:00:00Z", "Exploit status of CVE-2019-19781: none -> poc"),
 ("2019-12-24T12:05:00Z", "NCSC-2019-0001 v1.01 published: high/high - Inschaling verhoogd naar high/high op basis van nieuwe informatie en technische analyses"),
 ("2019-12-24T12:05:00Z", "Classification medium/high -> high/high: Inschaling verhoogd naar high/high op basis van nieuwe informatie en technische analyses"),
 ("2019-12-24T12:05:00Z", "NCSC-2019-0001 v1.01: 10 organisations alerted (e-mail 10, webhook 1, calls 9)"),
 ("2019-12-24T12:05:00Z", "NCSC-2019-0001: BIO clock starts for 7 organisations (due 2019-12-31T12:05:00Z)"),
 ("2020-01-09T10:05:00Z", "NCSC-2019-0001 v1.02 published: high/high - Exploitcode op korte termijn verwacht; er wordt actief gescand naar kwetsbare systemen"),
 ("2020-01-09T10:05:00Z", "NCSC-2019-0001 v1.02: 10 organisations alerted (e-mail 10, webhook 1, calls 9)"),
 ("2020-01-10T11:00:00Z", "Follow-up request 1 to 12 organisations, deadline 2020-01-13T12:00:00Z: Hebt u de door Citrix geadviseerde tussentijdse mitigerende maatregelen getroffen?"),
 ("2020-01-11T09:00:00Z", "Exploit status of CVE-2019-19781: poc -> public"),
 ("2020-01-11T09:05:00Z", "NCSC-2019-0001 v1.03 published: high/high - Exploitcode is publiek"),
 ("2020-01-11T09:05:00Z", "NCSC-2019-0001 v1.03: 10 organisations alerted (e-mail 10, webhook 1, calls 9)"),
 ("2020-01-11T12:00:00Z", "Incident opened: Citrix ADC en Gateway (CVE-2019-19781)"),
 ("2020-01-11T15:00:00Z", "Vendor announces the patch for citrix:adc:>=11.1|<11.1.63.15 for 2020-01-20T00:00:00Z"),
 ("2020-01-11T15:00:00Z", "Vendor announces the patch for citrix:adc:>=12.1|<12.1.55.18 for 2020-01-27T00:00:00Z"),
 ("2020-01-11T15:00:00Z", "Vendor announces the patch for citrix:adc:>=13.0|<13.0.47.24 for 2020-01-27T00:00:00Z"),
 ("2020-01-13T10:00:00Z", "Website news: Nog veel kwetsbare Citrix-systemen in Nederland"),
 ("2020-01-13T10:05:00Z", "Social media: Waarschuwing via sociale media"),
 ("2020-01-16T17:05:00Z", "NCSC-2019-0001 v1.04 published: high/high - Mitigerende maatregelen niet in alle gevallen effectief; overweeg uitschakelen"),
 ("2020-01-16T17:05:00Z", "NCSC-2019-0001 v1.04: 10 organisations alerted (e-mail 10, webhook 1, calls 9)"),
 ("2020-01-16T18:00:00Z", "Scaled up from level 0 to 1 by NCSC: Effectiviteit van de mitigaties onzeker"),
 ("2020-01-17T10:00:00Z", "Scaled up from level 1 to 2 by NCTV: Interdepartementale opschaling"),
 ("2020-01-17T11:00:00Z", "Meeting: Overleg NCTV met alle departementen (NCTV, NCSC, CIO Rijk, Departementen)"),
 ("2020-01-17T12:00:00Z", "Follow-up request 1 closed"),
 ("2020-01-17T16:00:00Z", "Decision: Akkoord op dringend advies om Citrix-systemen uit te schakelen tot een sluitende oplossing beschikbaar is (approved by: Minister van JenV, Minister van BZK)"),
 ("2020-01-17T17:00:00Z", "Press release: Dringend advies: schakel Citrix-systemen uit"),
 ("2020-01-17T17:30:00Z", "Follow-up request 2 to 12 organisations, deadline 2020-01-18T12:00:00Z: Schakel de Citrix-systemen uit, tenzij aan de drie cumulatieve voorwaarden is voldaan (comply or explain)"),
 ("2020-01-19T16:00:00Z", "Patch for citrix:adc:>=11.1|<11.1.63.15 released: 11.1.63.15"),
 ("2020-01-19T17:05:00Z", "NCSC-2019-0001 v1.05 published: high/high - Eerste patches beschikbaar"),
 ("2020-01-19T17:05:00Z", "NCSC-2019-0001 v1.05: 10 organisations alerted (e-mail 10, webhook 1, calls 9)"),
 ("2020-01-21T10:00:00Z", "FAQ entry: Moet ik mijn Citrix-systeem uitschakelen?"),
 ("2020-01-22T09:00:00Z", "Vendor moves the patch for citrix:adc:>=12.1|<12.1.55.18 from 2020-01-27T00:00:00Z to 2020-01-24T22:00:00Z"),
 ("2020-01-22T09:00:00Z", "Vendor moves the patch for citrix:adc:>=13.0|<13.0.47.24 from 2020-01-27T00:00:00Z to 2020-01-24T22:00:00Z"),
 ("2020-01-24T22:00:00Z", "Patch for citrix:adc:>=12.1|<12.1.55.18 released: 12.1.55.18"),
 ("2020-01-24T22:00:00Z", "Patch for citrix:adc:>=13.0|<13.0.47.24 released: 13.0.47.24"),
 ("2020-01-24T22:35:00Z", "NCSC-2019-0001 v1.06 published: high/high - Overige patches beschikbaar"),
 ("2020-01-24T22:35:00Z", "NCSC-2019-0001 v1.06: 10 organisations alerted (e-mail 10, webhook 1, calls 9)"),
]
bad = 0
for i, (g, w) in enumerate(zip(got, want)):
    if g != w:
        print("line %d: got %s, want %s" % (i + 1, g, w)); bad = 1; break
if len(got) != len(want):
    print("%d timeline lines, want %d; extra: %s" % (len(got), len(want), got[len(want):][:3])); bad = 1
sys.exit(bad)
EOF

# alerting: from publication to delivery and acknowledgement, per channel
js 'one(d["alerting"]["versions"], version="1.00")["organisations"] == 10' "1.00 alerted nine affected organisations and the partner"
js 'one(one(d["alerting"]["versions"], version="1.00")["channels"], channel="email") == {"channel": "email", "alerts": 10, "delivered": 9, "acknowledged": 1, "failed": 1, "delivery": {"median_s": 420.0, "worst_s": 420, "n": 9}, "ack": {"median_s": 3600.0, "worst_s": 3600, "n": 1}}' \
	"1.00 by e-mail: 9 of 10 delivered 7 minutes after publication, one refused; DJI acknowledged after an hour"
js 'one(one(d["alerting"]["versions"], version="1.00")["channels"], channel="webhook")["delivery"]["median_s"] == 420' "1.00 by webhook: 7 minutes"
js 'one(one(d["alerting"]["versions"], version="1.01")["channels"], channel="email")["delivery"] == {"median_s": 900.0, "worst_s": 900, "n": 9}' "1.01 by e-mail: 15 minutes"
js 'one(one(d["alerting"]["versions"], version="1.01")["channels"], channel="call") == {"channel": "call", "alerts": 9, "delivered": 2, "acknowledged": 0, "failed": 0, "delivery": {"median_s": 3600.0, "worst_s": 3600, "n": 2}, "ack": {"median_s": None, "worst_s": None, "n": 0}}' \
	"1.01 (high/high): nine call tasks, two reached an hour after publication"
js 'd["alerting"]["never_reached"] == [{"org": "min-defensie", "advisory": "NCSC-2019-0001"}]' "Defensie, whose address is refused, was never reached"
js 'sorted(n["topic"] for n in d["alerting"]["notices"]) == ["escalation", "followup", "reminder", "scan"]' "notices: follow-up, reminders, escalations, scan results"
# follow-up
js 'one(d["followup"], request=1)["answers"] == {"patched": 0, "mitigated": 3, "switched-off": 1, "kept-on": 0, "unanswered": 8} and one(d["followup"], request=1)["late_answers"] == 1' \
	"request 1: three mitigated, RVO switched off, eight did not answer; BZK answered late"
js 'one(d["followup"], request=2)["answers"] == {"patched": 1, "mitigated": 0, "switched-off": 2, "kept-on": 2, "unanswered": 7}' "request 2: answers per status"
js 'one(d["followup"], request=2)["explanations"] == {"accepted": 1, "rejected": 1, "pending": 0} and one(d["followup"], request=2)["rejected"] == ["agency-bd"]' \
	"request 2: DJI's explanation accepted, the Belastingdienst's rejected"
js 'one(d["followup"], request=2)["not_answered"] == ["agency-duo", "min-defensie", "min-ezk", "min-fin", "min-ienw", "min-jenv", "min-ocw"]' "request 2: who did not answer"
js 'one(d["followup"], request=2)["late_answers"] == 1' "request 2: RWS answered after the deadline"
# remediation: the same verdicts as deadline list
js '{k: d["remediation"][0][k] for k in ("organisations", "open", "in-time", "late", "overdue", "exempted")} == {"organisations": 7, "open": 0, "in-time": 1, "late": 3, "overdue": 2, "exempted": 1}' \
	"remediation: 1 in time, 3 late, 2 overdue, 1 exempted"
js 'abs(d["remediation"][0]["share_in_time"] - 1 / 6) < 1e-9' "one in six (the exempted left out) within the week"
js '[r["org"] for r in d["remediation"][0]["overdue_list"]] == ["agency-bd", "min-defensie"]' "the overdue list"
NCHECK=$((NCHECK + 1))
"$PY" - "$T/eval.json" "$T/deadlines.json" <<'PYEOF' || fail "the report's verdicts differ from deadline list's"
import json, sys
rep = {r["org"]: r for r in json.load(open(sys.argv[1]))["remediation"][0]["rows"]}
dl = {r["org"]: r for r in json.load(open(sys.argv[2]))}
keys = ("due", "state", "days_over", "remedied_at", "via")
diff = [(o, k, rep.get(o, {}).get(k), dl[o].get(k)) for o in dl for k in keys if rep.get(o, {}).get(k) != dl[o].get(k)]
if diff:
    print(diff[:5])
sys.exit(1 if diff or set(rep) != set(dl) else 0)
PYEOF
js 'd["exposure"] == [{"day": "2020-01-%02d" % i, "systems": {13: 4, 20: 2}.get(i, 0)} for i in range(13, 21)]' \
	"exposure: four systems on 13 Jan, two on 20 Jan (none seen in between)"
js '[(p["branch"], [a["date"] for a in p["announcements"]], p["released"]["at"]) for p in d["patches"]] == [("citrix:adc:>=11.1|<11.1.63.15", ["2020-01-20T00:00:00Z"], "2020-01-19T16:00:00Z"), ("citrix:adc:>=12.1|<12.1.55.18", ["2020-01-27T00:00:00Z", "2020-01-24T22:00:00Z"], "2020-01-24T22:00:00Z"), ("citrix:adc:>=13.0|<13.0.47.24", ["2020-01-27T00:00:00Z", "2020-01-24T22:00:00Z"], "2020-01-24T22:00:00Z")]' \
	"the patch timeline: promise, change and release per branch"
js 'round(one(d["patches"], branch="citrix:adc:>=13.0|<13.0.47.24")["days_vs_promise"], 3) == -2.083' "13.0 came 2 days and 2 hours before the first promise"
js 'd["decisions"] == [{"at": "2020-01-17T16:00:00Z", "text": "Akkoord op dringend advies om Citrix-systemen uit te schakelen tot een sluitende oplossing beschikbaar is", "approved_by": ["Minister van JenV", "Minister van BZK"]}]' \
	"the ministers' decision with its approvers"

# the letter (Markdown, Dutch): the lines a reader quotes
must --at $END report evaluation citrix-2020 --format markdown
line '^# Evaluatie: Citrix ADC en Gateway \(CVE-2019-19781\)$' "md: the title"
line '^Incident citrix-2020; Opschalingsniveau 2; Stand per 2020-01-24T23:59:59Z$' "md: level and moment"
line '^\| 2019-12-06T00:00:00Z \| CVE-2019-19781 gemeld bij de leverancier \|$' "md: reported to the vendor"
line '^\| 2019-12-24T12:05:00Z \| Inschaling medium/high -> high/high: Inschaling verhoogd naar high/high op basis van nieuwe informatie en technische analyses \|$' "md: the classification change with its reason"
line '^\| 2020-01-17T16:00:00Z \| Besluit: Akkoord op dringend advies .* \(akkoord: Minister van JenV, Minister van BZK\) \|$' "md: the decision"
line '^\| email \| 10 \| 9 \| 1 \| 7 min \| 7 min \| 1 u 00 min \| 1 u 00 min \|$' "md: alerting 1.00 by e-mail"
line '^\| call \| 9 \| 2 \| 0 \| 1 u 00 min \| 1 u 00 min \| - \| - \|$' "md: call tasks 1.01"
line '^Organisaties nooit bereikt: min-defensie$' "md: never reached"
line '^\| kept-on \| 2 \|$' "md: kept-on answers"
line '^Uitleg \(kept-on\): aanvaard 1, afgewezen 1, nog te beoordelen 0$' "md: explanations"
line '^Niet geantwoord: agency-duo, min-defensie, min-ezk, min-fin, min-ienw, min-jenv, min-ocw$' "md: who did not answer"
line '^Binnen de termijn verholpen: 1 / 6 \(17%\)$' "md: the share within the week"
line '^\| agency-bd \| 2019-12-31T12:05:00Z \| 25 \|$' "md: overdue"
line '^\| min-bzk \| 2019-12-31T12:05:00Z \| 2020-01-17T20:00:00Z \| 18 \| answer:switched-off \|$' "md: remedied late"
line '^Vrijgesteld \(uitleg aanvaard\): agency-dji$' "md: exempted"
line '^\| 2020-01-13 \| 4 \|$' "md: exposure"
line '^\| citrix:adc:>=13\.0\\\|\\<13\.0\.47\.24 \| 2020-01-27T00:00:00Z \| 2020-01-24T22:00:00Z \(2020-01-22T09:00:00Z\) \| 13\.0\.47\.24 \(2020-01-24T22:00:00Z\) \| 2,1 dg eerder \|$' "md: promise and fact"

# HTML: charts, escaped, whole
must --at $END report evaluation citrix-2020 --format html --out "$T/eval.html"
NCHECK=$((NCHECK + 1))
"$PY" - "$T/eval.html" <<'PYEOF' || fail "the HTML report is not well formed, escaped, or lacks its charts"
import sys
from html.parser import HTMLParser
text = open(sys.argv[1]).read()
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []; self.bad = []; self.svg = 0
    def handle_starttag(self, t, a):
        if t == "svg": self.svg += 1
        if t not in ("meta", "br"): self.stack.append(t)
    def handle_startendtag(self, t, a): pass
    def handle_endtag(self, t):
        if not self.stack or self.stack[-1] != t: self.bad.append(t)
        else: self.stack.pop()
p = P(); p.feed(text)
assert text.startswith("<!DOCTYPE html>"), "doctype"
assert not p.bad and not p.stack, ("unbalanced", p.bad[:3], p.stack[:3])
assert p.svg >= 4, "charts: %d" % p.svg
assert "citrix:adc:&gt;=13.0|&lt;13.0.47.24" in text, "ranges escaped"
assert "@media print" in text, "print style"
assert "<tr><td>agency-rvo</td><td>in-time</td><td>2019-12-31T12:05:00Z</td><td>2019-12-27T16:00:00Z</td><td>3,2 dg</td><td>0</td><td>answer:switched-off</td></tr>" in text, "every organisation with its time to remedy"
assert "<script" not in text, "no script"
PYEOF

# as of 17 Jan 12:00 the report shows what was known then
must --json --at 2020-01-17T12:00:00Z report evaluation citrix-2020 --lang en
js 'd["timeline"][-1]["text"] == "Follow-up request 1 closed" and d["incident"]["level"] == 2' "as of 17 Jan 12:00: the timeline ends there"
js '{k: d["remediation"][0][k] for k in ("in-time", "overdue")} == {"in-time": 1, "overdue": 6}' "as of 17 Jan 12:00: RVO in time, six overdue"
bad 1 'not opened yet' --at 2020-01-05T00:00:00Z report evaluation citrix-2020
must --json audit verify
js 'd["intact"] is True' "the event log holds"
finish
