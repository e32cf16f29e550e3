# Follow-up and accountability: follow-up requests (to kinds, organisations, "affected"), answers
# with comply-or-explain, revisions and their history, a department answering for its agency,
# reviews by the coordinator only, a rejection reopening the request, closing; the BIO clock
# with calendar and business days and the +mitigated rule, remedied by answer or by inventory,
# reminders once a day; incidents and their logbook; the evaluation in three formats, escaped;
# the checkpoint that catches a rewritten chain. Every refusal changes nothing.
. "$(dirname "$0")/lib.sh"

seed_orgs
must org add agency-a2 --name "Dienst A2" --kind agency --parent min-a
must org add min-b --name "Ministerie B" --kind ministry
must org add cio --name "CIO Rijk" --kind other
must org contact min-a --name "CISO A" --email ciso@a.example
must org contact other-x --name "CISO X" --email ciso@x.example
must org contact cio --name "CIO" --email cio@rijk.example
must inventory add agency-a2 --product pulsesecure:pulse_connect_secure --version 9.0R3.3

# shellcheck disable=SC2086
must --at 2019-12-18T09:00:00Z advisory new --title "Kwetsbaarheid in Citrix ADC" --cve CVE-2019-19781 \
	--affects 'citrix:adc:>=13.0|<13.0.47.24' --affects 'citrix:gateway:>=12.1|<12.1.55.18' $MH
C=$(new_id)

# ---- requests ----------------------------------------------------------------------------------
bad 1 'no version published' --at 2019-12-18T09:30:00Z followup request "$C" --to agency --deadline 2019-12-20
must --at 2019-12-18T10:00:00Z advisory publish "$C"
bad 1 'unknown advisory' --at 2019-12-18T11:00:00Z followup request NCSC-2019-0999 --to agency --deadline 2019-12-20
bad 1 'not a kind' --at 2019-12-18T11:00:00Z followup request "$C" --to agencies --deadline 2019-12-20
bad 1 'not after' --at 2019-12-18T11:00:00Z followup request "$C" --to agency --deadline 2019-12-18T10:00:00Z
bad 1 'names no organisation' --at 2019-12-18T11:00:00Z followup request "$C" --to partner --deadline 2019-12-20
bad 2 'deadline' --at 2019-12-18T11:00:00Z followup request "$C" --to agency
bad 1 'deadline' --at 2019-12-18T11:00:00Z followup request "$C" --to agency --deadline tomorrow
must --json --at 2019-12-18T11:00:00Z followup request "$C" --to Affected min-a --deadline 2019-12-20T12:00:00Z \
	--question "Hebt u de mitigaties van Citrix genomen?"
js 'd["request"] == 1 and orgs(d) == ["agency-a1", "min-a", "other-x"] and d["addressed"] == 3' \
	"--to affected and an organisation (any case for kinds only): the affected ones and min-a"
NCHECK=$((NCHECK + 1))
n=$("$PY" -c "
import sqlite3; db = sqlite3.connect('$DB')
print(db.execute(\"SELECT count(DISTINCT org_id) FROM alerts WHERE topic = 'followup' AND topic_ref = 'request-1'\").fetchone()[0])")
[ "$n" = 3 ] || fail "every addressee is alerted of the request (topic followup): $n organisations"

# ---- answers -----------------------------------------------------------------------------------
bad 1 'c2.*c3' --at 2019-12-18T12:00:00Z followup respond "$C" agency-a1 --status kept-on --c1 "Meldkamer"
bad 1 'c1.*c2.*c3' --at 2019-12-18T12:00:00Z followup respond "$C" agency-a1 --status kept-on --c1 " " --c2 "" --c3 "	"
bad 1 'kept-on' --at 2019-12-18T12:00:00Z followup respond "$C" agency-a1 --status patched --version 13.0.47.24 --c1 x
bad 1 'needs --version' --at 2019-12-18T12:00:00Z followup respond "$C" agency-a1 --status patched
bad 1 'needs --measures' --at 2019-12-18T12:00:00Z followup respond "$C" agency-a1 --status mitigated
bad 1 'bad --status' --at 2019-12-18T12:00:00Z followup respond "$C" agency-a1 --status fixed
bad 2 'status' --at 2019-12-18T12:00:00Z followup respond "$C" agency-a1
bad 1 'vital-e was not asked' --at 2019-12-18T12:00:00Z followup respond "$C" vital-e --status switched-off
bad 1 'unknown organisation' --at 2019-12-18T12:00:00Z followup respond "$C" nobody --status switched-off
bad 1 'only agency-a1 itself or an organisation above it' --at 2019-12-18T12:00:00Z followup respond "$C" agency-a1 --by other-x --status switched-off
bad 1 'after the answer' --at 2019-12-18T12:00:00Z followup respond "$C" agency-a1 --status switched-off --date 2019-12-19
bad 1 'was not asked' --at 2019-12-18T10:30:00Z followup respond "$C" agency-a1 --status switched-off
bad 1 'cannot come before' --at 2019-12-18T10:30:00Z followup respond "$C" agency-a1 --status switched-off --request 1
must --at 2019-12-18T12:00:00Z followup respond "$C" agency-a1 --status mitigated --measures "Responder policy"
must --at 2019-12-19T09:00:00Z followup respond "$C" agency-a1 --by min-a --status Kept-On \
	--c1 "Uitschakelen raakt de 24/7 meldkamer" --c2 "Extra monitoring" --c3 "Gesegmenteerd"
must --json --at 2019-12-19T10:00:00Z followup status "$C"
js 'one(d["requests"][0]["orgs"], org="agency-a1")["status"] == "kept-on" and one(d["requests"][0]["orgs"], org="agency-a1")["state"] == "explained"' \
	"the revised answer is current: kept-on, awaiting review"
js 'len(one(d["requests"][0]["orgs"], org="agency-a1")["history"]) == 2 and one(d["requests"][0]["orgs"], org="agency-a1")["by"] == "min-a"' \
	"the history keeps both answers; the ministry answered for its agency"
js 'd["requests"][0]["not_answered"] == ["min-a", "other-x"]' "who has not answered"
must --json --at 2019-12-18T13:00:00Z followup status "$C"
js 'one(d["requests"][0]["orgs"], org="agency-a1")["status"] == "mitigated"' "status --at: as it was then"

# ---- reviews -----------------------------------------------------------------------------------
BAKEN_ACTOR=ciso-a1 bad 1 "may not review" --at 2019-12-19T11:00:00Z followup review "$C" agency-a1 --accept
bad 2 'accept' --at 2019-12-19T11:00:00Z followup review "$C" agency-a1 --accept --reject
bad 1 'has not answered' --at 2019-12-19T11:00:00Z followup review "$C" other-x --accept
must --at 2019-12-19T11:00:00Z followup respond "$C" other-x --status patched --version 12.1.55.18
bad 1 'only a kept-on explanation' --at 2019-12-19T11:00:00Z followup review "$C" other-x --reject
must --at 2019-12-19T11:00:00Z followup review "$C" agency-a1 --reject --note "C3 onvoldoende onderbouwd" --deadline 2019-12-21T12:00:00Z
must --json --at 2019-12-19T11:30:00Z followup status "$C"
js 'one(d["requests"][0]["orgs"], org="agency-a1")["state"] == "rejected"' "a rejected explanation: the request is open again for it"
NCHECK=$((NCHECK + 1))
n=$("$PY" -c "
import sqlite3; db = sqlite3.connect('$DB')
print(db.execute(\"SELECT count(*) FROM alerts WHERE org_id = 'agency-a1' AND topic = 'followup' AND topic_ref LIKE 'request-1-rejected-%'\").fetchone()[0])")
[ "$n" -ge 1 ] || fail "the organisation is told its explanation was rejected"
# closing: nobody answers after, except the one whose explanation was rejected
BAKEN_ACTOR=someone bad 1 'may not close' --at 2019-12-20T13:00:00Z followup close "$C"
must --at 2019-12-20T13:00:00Z followup close "$C"
bad 1 'closed already' --at 2019-12-20T14:00:00Z followup close "$C"
bad 1 'closed at 2019-12-20T13:00:00Z' --at 2019-12-20T14:00:00Z followup respond "$C" min-a --status switched-off
must --at 2019-12-20T15:00:00Z followup respond "$C" agency-a1 --status switched-off
must --json --at 2019-12-21T00:00:00Z followup status "$C"
js 'd["requests"][0]["closed"] is True and one(d["requests"][0]["orgs"], org="agency-a1")["status"] == "switched-off"' \
	"after the rejection agency-a1 answered again, though the request had closed"
# ---- the BIO clock -----------------------------------------------------------------------------
bad 1 'bad deadline rule' config set deadline.agency 8w
bad 1 'bad deadline rule' config set deadline.agency 0d
bad 1 'unknown organisation' config set deadline.coordinator nobody
bad 1 'whole number' config set deadline.remind_every 0
must config set deadline.agency 3bd+mitigated
must config set deadline.coordinator cio
# shellcheck disable=SC2086
must --at 2019-12-24T12:00:00Z advisory update "$C" $HH --change "high/high"
must --at 2019-12-24T12:05:00Z advisory publish "$C"
must --json --at 2019-12-25T00:00:00Z deadline list --advisory "$C"
js '[(r["org"], r["rule"], r["due"], r["state"]) for r in d] == [("agency-a1", "3bd+mitigated", "2019-12-27T12:05:00Z", "in-time")]' \
	"only the affected agency (not other-x: kind other); 3 business days from Tuesday; switched off already"
# Pulse Secure: high/high published on a Friday
# shellcheck disable=SC2086
must --at 2019-08-23T09:00:00Z advisory new --title "Kwetsbaarheid in Pulse Connect Secure" --cve CVE-2019-11510 \
	--affects 'pulsesecure:pulse_connect_secure:>=9.0|<9.0R3.4' $MH $HH
P=$(new_id)
must --at 2019-08-23T10:00:00Z advisory publish "$P"
must --json --at 2019-08-26T00:00:00Z deadline list --advisory "$P"
js '[(r["org"], r["due"], r["state"]) for r in d] == [("agency-a2", "2019-08-28T10:00:00Z", "open"), ("min-a", "2019-08-30T10:00:00Z", "open")]' \
	"agency: 3 business days from Friday is Wednesday; ministry: 7 calendar days"
BAKEN_ACTOR=e2e must --at 2019-08-26T09:00:00Z followup request "$P" --to affected --deadline 2019-08-27T12:00:00Z
must --at 2019-08-26T15:00:00Z followup respond "$P" agency-a2 --status mitigated --measures "Workaround"
must --at 2019-08-26T15:00:00Z followup respond "$P" min-a --status mitigated --measures "Workaround"
must --json --at 2019-08-31T00:00:00Z deadline list --advisory "$P"
js 'one(d, org="agency-a2")["state"] == "in-time" and one(d, org="agency-a2")["via"] == "answer:mitigated"' \
	"+mitigated: a mitigated answer stops the agency's clock"
js 'one(d, org="min-a")["state"] == "overdue" and one(d, org="min-a")["days_over"] == 1' \
	"bio2019: mitigated does not stop the ministry's clock; 14 hours over is one day"
# the ministry's inventory shows only the fixed version: remedied then
must --at 2019-09-02T08:00:00Z inventory add min-a --product pulsesecure:pulse_connect_secure --version 9.0R3.3 --count 0
must --at 2019-09-02T08:00:00Z inventory add min-a --product pulsesecure:pulse_connect_secure --version 9.0R3.4
must --json --at 2019-09-03T00:00:00Z deadline list --org min-a --advisory "$P"
js 'd[0]["state"] == "late" and d[0]["via"] == "inventory" and d[0]["remedied_at"] == "2019-09-02T08:00:00Z" and d[0]["days_over"] == 3' \
	"the inventory remedies it: late, 3 days"
must --json --at 2019-08-29T00:00:00Z deadline list --org min-a --advisory "$P"
js 'd[0]["state"] == "open"' "as of before the fix and the due time: open"
bad 1 'unknown organisation' deadline list --org nobody
bad 1 'unknown advisory' deadline list --advisory NCSC-2019-0999

# reminders: once a day; escalation to the parent and the coordinator
must --json --at 2019-08-26T11:00:00Z deadline remind
js 'sorted((r["org"], r["topic"]) for r in d) == [("agency-a2", "reminder")]' "two days before the agency's due time: a reminder"
must --json --at 2019-08-26T18:00:00Z deadline remind
js 'd == []' "the same day: nothing again"
must --json --at 2019-08-31T09:00:00Z deadline remind
js 'sorted((r["org"], r["topic"]) for r in d) == [("cio", "escalation"), ("min-a", "reminder")]' \
	"the overdue ministry is reminded and escalated to the coordinator (it has no parent)"
js 'one(d, topic="escalation")["overdue"] == ["min-a"]' "the escalation names the overdue organisation"

# an agency that reports the vulnerable version after the publication gets its clock with that
# change (started at the publication: overdue by now), not when somebody reads the clocks;
# reading writes nothing
must --at 2019-09-04T09:00:00Z org add agency-late --name "Dienst Laat" --kind agency --parent min-a
must --at 2019-09-04T10:00:00Z inventory add agency-late --product pulsesecure:pulse_connect_secure --version 9.0R3.3
NCHECK=$((NCHECK + 1))
LAST=$("$PY" -c 'import sqlite3, sys; print(" ".join(a + "=" + o for a, o in reversed(sqlite3.connect(sys.argv[1]).execute("SELECT action, object FROM events ORDER BY id DESC LIMIT 2").fetchall())))' "$DB")
[ "$LAST" = "inventory.put=org:agency-late deadline.start=deadline:$P:agency-late" ] ||
	fail "the clock does not start in the inventory change's transaction: the last events are $LAST"
must --json audit verify
EV=$(jv 'd["events"]')
must --json --at 2019-09-05T00:00:00Z deadline list --org agency-late
js '[(r["advisory"], r["started_at"], r["state"]) for r in d] == [("'"$P"'", "2019-08-23T10:00:00Z", "overdue")]' \
	"the late agency's clock runs from the publication"
must --json audit verify
js 'd["events"] == '"$EV" "deadline list wrote nothing"

# ---- incidents ---------------------------------------------------------------------------------
bad 1 'bad incident id' incident new "Citrix 2020" --title x
bad 1 'unknown advisory' incident new citrix --title x --advisory NCSC-2019-0999
bad 2 'title' incident new citrix
must --at 2020-01-17T09:00:00Z incident new citrix --title 'Citrix <script>alert(1)</script> & "co"' --advisory "$C"
bad 1 'exists already' incident new citrix --title x
bad 2 'level' incident scale citrix --level 3
bad 1 'level 0 already' incident scale citrix --level 0
must --at 2020-01-17T14:00:00Z incident scale citrix --level 2 --by NCTV --reason "Opschaling"
bad 1 'bad --kind' incident log citrix --kind tweet --text x
bad 1 'approved-by goes with' incident log citrix --kind meeting --text x --approved-by M
bad 2 'channel' incident log citrix --kind communication --text x
bad 2 'question' incident log citrix --kind communication --channel faq --text x
bad 1 'unknown incident' incident log nope --kind note --text x
must --at 2020-01-17T16:00:00Z incident log citrix --kind decision --text "Akkoord <b>uitschakelen</b>" --approved-by "Minister van JenV" "Minister van BZK"
must --at 2020-01-21T10:00:00Z incident log citrix --kind communication --channel FAQ --title "Moet ik uitschakelen?" --text "Ja."
bad 2 'one of' incident patch citrix --branch 'citrix:adc:>=13.0|<13.0.47.24' --announced 2020-01-27 --released 13.0.47.24
bad 1 'branch' incident patch citrix --branch 'citrix-adc' --announced 2020-01-27
must --at 2020-01-11T15:00:00Z incident patch citrix --branch 'citrix:adc:>=13.0|<13.0.47.24' --announced 2020-01-27
must --at 2020-01-22T09:00:00Z incident patch citrix --branch 'citrix:adc:>=13.0|<13.0.47.24' --announced 2020-01-24
must --at 2020-01-24T22:00:00Z incident patch citrix --branch 'citrix:adc:>=13.0|<13.0.47.24' --released 13.0.47.24
bad 1 'released already' incident patch citrix --branch 'citrix:adc:>=13.0|<13.0.47.24' --released 13.0.47.25
must --json incident show citrix
js 'd["level"] == 2 and d["advisories"] == ["'"$C"'"] and d["faq"][0]["question"] == "Moet ik uitschakelen?"' "show: level, advisories, FAQ"
js 'd["patches"][0]["announcements"][1]["date"] == "2020-01-24T00:00:00Z" and round(d["patches"][0]["days_vs_promise"], 3) == -2.083' \
	"show: the patch timeline, promise and fact"
js 'one(d["log"], kind="decision")["approved_by"] == ["Minister van JenV", "Minister van BZK"]' "show: the approvers"
must --json incident list
js 'd[0]["id"] == "citrix" and d[0]["advisories"] == ["'"$C"'"]' "list"

# the store keeps the history: answers, reviews, the logbook and the patch timeline are never changed
NCHECK=$((NCHECK + 1))
"$PY" - "$DB" <<'EOF' || fail "answers, reviews, the logbook or the patch timeline can be changed in the store"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
refused = 0
for sql in ["UPDATE followup_answers SET status = 'patched'", "DELETE FROM followup_reviews",
            "DELETE FROM incident_log", "UPDATE incident_patches SET released = 'x'"]:
    try:
        db.execute(sql)
    except sqlite3.DatabaseError:
        refused += 1
    db.rollback()
sys.exit(0 if refused == 4 else 1)
EOF

# ---- the evaluation ----------------------------------------------------------------------------
bad 1 'unknown incident' report evaluation nope
bad 2 'format' report evaluation citrix --format pdf
bad 2 'lang' report evaluation citrix --lang de
must report evaluation citrix --format html
NCHECK=$((NCHECK + 1))
! grep -q '<script>' "$T/out" && ! grep -q '<b>uitschakelen' "$T/out" || fail "html: text from the store is not escaped"
has '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;co&quot;' "html: the title escaped"
has '<svg' "html: charts"
must report evaluation citrix --format markdown --lang en
has 'Decision: Akkoord \<b>uitschakelen\</b>' "markdown: escaped, the decision"
has 'kept-on' "markdown: the answers"
must --json report evaluation citrix --out "$T/eval.json"
js 'd["out"] == "'"$T/eval.json"'" and d["format"] == "json"' "--out with --json: a receipt"
NCHECK=$((NCHECK + 1))
"$PY" -c "import json,sys; r=json.load(open('$T/eval.json')); sys.exit(0 if r['report'] == 'evaluation' and r['remediation'][0]['in-time'] == 1 else 1)" ||
	fail "--out wrote the JSON report"

# ---- the checkpoint catches a chain rewritten from the start ------------------------------------
must --json audit checkpoint
HEAD=$(jv 'd["head"]')
N=$(jv 'd["events"]')
printf 'events %s\nhead %s\n' "$N" "$HEAD" >"$T/checkpoint.txt"
must --at 2020-02-01T00:00:00Z org add late-org --name "Later" --kind other
must --json audit verify --checkpoint "$HEAD"
js 'd["intact"] is True and d["checkpoint"] is True' "the later chain holds the checkpoint"
must audit verify --checkpoint-file "$T/checkpoint.txt"
must audit verify --checkpoint "$N:$HEAD"
bad 2 'checkpoint' audit verify --checkpoint nothex
NCHECK=$((NCHECK + 1))
"$PY" - "$DB" <<'EOF' || fail "could not rewrite the chain"
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'").fetchall():
    db.execute('DROP TRIGGER "%s"' % t)
db.execute("UPDATE events SET actor = 'someone-else' WHERE id = 5")
prev = "0" * 64
for row in db.execute("SELECT id, actor, action, object, occurred_at, recorded_at, detail FROM events ORDER BY id").fetchall():
    h = hashlib.sha256()
    for f in [str(row[0])] + list(row[1:]) + [prev]:
        h.update(f.encode() + b"\x1f")
    db.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h.hexdigest(), row[0]))
    prev = h.hexdigest()
db.commit()
EOF
must --json audit verify
js 'd["intact"] is True' "a chain recomputed from the start verifies on its own ..."
bad 1 'rewritten' audit verify --checkpoint "$HEAD"
bad 1 'rewritten' audit verify --checkpoint-file "$T/checkpoint.txt"
finish
