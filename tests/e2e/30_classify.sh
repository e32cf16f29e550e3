# classify: the standardized matrix. The two seed cases (27 points medium/high, then 32 points
# high/high), the --json fields, the level boundaries, answers in any case.
. "$(dirname "$0")/lib.sh"

# classify needs no database: it is a calculation
# shellcheck disable=SC2086
must --json classify $MH
js 'd["likelihood_points"] == 27 and d["likelihood"] == "medium"' "MH: 27 points, medium"
js 'd["impact_points"] == 2 and d["impact"] == "high"' "MH: impact high (code execution as root)"
js 'd["classification"] == "medium/high"' "MH: medium/high"
js 'len(d["answers"]) == 15' "every one of the fifteen answers is shown"
js 'sum(a["points"] for a in d["answers"] if a["likelihood"]) == 27' \
	"the likelihood answers' points add up to the total"
js 'one(d["answers"], question="access")["points"] == 6 and one(d["answers"], question="access")["answer"] == "internet"' \
	"each answer's contribution: access internet is 6"
js 'one(d["answers"], question="exploit")["points"] == 1' "exploit none is 1"
js 'one(d["answers"], question="fix-available")["points"] == 3' "no fix available is 3"
js 'one(d["answers"], question="code-exec")["points"] == 2' "code execution as root is 2"
js 'all(a["given"] for a in d["answers"])' "all fifteen were given"
js 'len(d["consequences"]) == 1 and "root" in d["consequences"][0]' \
	"the consequence line of code execution as root"

# shellcheck disable=SC2086
must --json classify $MH $HH
js 'd["likelihood_points"] == 32 and d["classification"] == "high/high"' "HH: 32 points, high/high"
js 'one(d["answers"], question="exploit")["points"] == 4' "exploit poc is 4"
js 'one(d["answers"], question="exploit-expected")["points"] == 3' "exploit expected is 3"

# as text: each answer's points, the total and the proposal
# shellcheck disable=SC2086
must classify $MH
line '^ +27 += medium' "classify as text: the total and its level"
line '^ +6 +--access internet' "classify as text: each answer's points"
has "medium/high" "classify as text: the proposal"
# shellcheck disable=SC2086
must classify $MH --lang nl
has "root/admin-rechten" "classify --lang nl: the consequence in Dutch"

# left out answers count as the lowest
must --json classify
js 'd["likelihood_points"] == 10 and d["classification"] == "low/low"' "no answers: 10 points, low/low"
js 'not any(a["given"] for a in d["answers"])' "no answers given"
js 'd["consequences"] == []' "no answers: no consequences"

# the boundaries: under 19 low, 19-27 medium, 28 or more high
must --json classify --access internet --credentials none
js 'd["likelihood_points"] == 18 and d["likelihood"] == "low"' "18 points is low"
must --json classify --access internet --credentials none --details somewhat
js 'd["likelihood_points"] == 19 and d["likelihood"] == "medium"' "19 points is medium"
# shellcheck disable=SC2086
must --json classify $MH --exploited limited
js 'd["likelihood_points"] == 28 and d["likelihood"] == "high"' "28 points is high"
must --json classify --default-config yes --exploit exploit --details fully --access internet \
	--credentials none --complexity easy --interaction none --exploited large-scale \
	--exploit-expected yes --fix-available none
js 'd["likelihood_points"] == 38 and d["likelihood"] == "high"' "all highest: 38 points"

# impact is the maximum of the five answers
must --json classify --dos client
js 'd["impact_points"] == 1 and d["impact"] == "medium"' "DoS of a client is medium"
must --json classify --privesc yes --dos client
js 'd["impact_points"] == 1 and len(d["consequences"]) == 2' "two medium answers: still medium"
must --json classify --leak data --dos infrastructure --remote root-shell
js 'd["impact_points"] == 2 and d["impact"] == "high" and len(d["consequences"]) == 3' \
	"the maximum, and one consequence line per answer"

# answers are enumerated values: any case
must --json classify --exploit POC --access Internet
js 'one(d["answers"], question="exploit")["answer"] == "poc" and d["likelihood_points"] == 18' \
	"answers in any case"
finish
