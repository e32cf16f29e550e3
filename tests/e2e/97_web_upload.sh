# Large uploads to POST /api/v1/scans/import (a BODY_FILE route): a 20 MB Shadowserver report
# sent with curl is streamed to a private temporary file (mode 0600, in the server's $TMPDIR)
# and imported with the same counts as the CLI's import of the same file into another store;
# the same file twice adds nothing; over web.upload_max is 413 naming the limit, with or
# without a Content-Length, and leaves no file and no import; an anonymous, constituent or
# CSRF-less upload is refused on its headers, before a byte is written (the temporary
# directory, watched while the body is sent, stays empty); a gzip body is refused (415); a
# failed write (the file size limit of the server's process) is a clear 500 that leaves
# nothing; the file is removed when the client goes away mid-upload and when the server is
# stopped mid-upload.
. "$(dirname "$0")/lib.sh"

trap 'stop_server; [ -n "${CURL:-}" ] && kill "$CURL" 2>/dev/null' EXIT
UP=$T/up
mkdir -p "$UP"
TMPDIR=$UP # the server's temporary directory, watched below
export TMPDIR
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
imports() {
	"$PY" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from scan_imports').fetchone()[0])" "$DB"
}
# empty WHAT: the temporary directory holds nothing
empty() {
	NCHECK=$((NCHECK + 1))
	[ -z "$(ls -A "$UP")" ] || fail "$1: left in the temporary directory: $(ls -la "$UP" | tr '\n' ' ')"
}
# seen_file SECONDS: waits until an upload is in the temporary directory; prints the modes of
# its private directory and of the file in it
seen_file() {
	i=0
	while [ $i -lt $(($1 * 20)) ]; do
		d=$(ls "$UP" 2>/dev/null | head -n 1)
		f=$(ls "$UP/$d" 2>/dev/null | head -n 1)
		if [ -n "$d" ] && [ -n "$f" ]; then
			echo "$(stat -c %a "$UP/$d") $(stat -c %a "$UP/$d/$f") $f"
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
# gone SECONDS: waits until the temporary directory is empty again
gone() {
	i=0
	while [ -n "$(ls -A "$UP")" ] && [ $i -lt $(($1 * 20)) ]; do
		sleep 0.05
		i=$((i + 1))
	done
}
# watch ARGS...: curl ARGS (its answer in $T/body; "code uploaded-bytes" in $T/code), watching
# the temporary directory all the while; prints "seen" if a file ever appeared in it
watch() {
	curl -s -o "$T/body" -w '%{http_code} %{size_upload}' "$@" >"$T/code" &
	w=$!
	seen=""
	while kill -0 "$w" 2>/dev/null; do
		[ -n "$(ls -A "$UP")" ] && seen=seen
		sleep 0.01
	done
	wait "$w"
	echo "$seen"
}

seed() {
	seed_orgs
	must org netblock min-a 198.51.0.0/16
	must org netblock agency-a1 198.51.100.0/24
	must org netblock vital-e 203.0.113.0/25
	# shellcheck disable=SC2086
	must --at 2019-12-18T09:00:00Z advisory new --title "Citrix ADC" --cve CVE-2019-19781 \
		--affects 'citrix:adc:>=13.0|<13.0.47.24' $MH
	must --at 2019-12-18T10:00:00Z advisory publish "$(new_id)" --silent
}

# ---- a Shadowserver Vulnerable-HTTP report of about 20 MB ----
F=$T/2020-01-13-scan_http_vulnerable-nl-geo.csv
"$PY" - "$F" <<'EOF'
import random, sys
random.seed(7)
hdr = '"timestamp","severity","ip","protocol","port","hostname","tag","asn","geo","region","city","naics","hostname_source","sector","http","http_code","http_reason","content_type","connection","www_authenticate","set_cookie","server","content_length","transfer_encoding","http_date","version","build_date","detail","build_branch"'
nets = ["198.51.100.%d", "198.51.%d.7", "203.0.113.%d", "192.0.2.%d", "100.64.%d.9"]
tags = ["citrix;cve-2019-19781"] * 6 + ["pulse;cve-2019-11510", "http"]
with open(sys.argv[1], "w") as f:
    f.write(hdr + "\n")
    n = 0
    while f.tell() < 20 * 1000 * 1000:
        ip = random.choice(nets) % random.randrange(0, 128)
        row = '"2020-01-13 %02d:%02d:%02d","critical","%s","tcp",%d,"host-%d.example","%s",%d,"NL","Zuid-Holland","Den Haag",,,,"HTTP/1.1",403,"Forbidden","text/html","close",,,"Apache/2.4",%d,,"Mon, 13 Jan 2020 03:12:44 GMT",,,"%s",\n' % (
            n // 3600 % 24, n // 60 % 60, n % 60, ip, random.choice([443, 8443]), n,
            random.choice(tags), 64500 + n % 7, 1000 + n % 5000, "x" * random.randrange(0, 40))
        f.write(row)
        if n % 50 == 0:
            f.write(row)  # a duplicate row
        n += 1
EOF
SIZE=$(wc -c <"$F")
# another file (another sha256) that is refused at its second line: for uploads that must
# show up in the temporary directory and must not be imported
printf 'ip,port,seen_at,cve\n' >"$T/other.csv"
cat "$F" >>"$T/other.csv"

# the CLI's import of it into a store of its own: what the API must give
DBMAIN=$DB
DB=$T/cli.db
seed
must --json --at 2020-01-13T08:00:00Z scan import "$F"
cp "$T/out" "$T/cli.json"
DB=$DBMAIN

seed
user_token ana analyst
user_token c-agency constituent agency-a1
ANA=$(sed -n 's/^ana //p' "$TOKENS")
CON=$(sed -n 's/^c-agency //p' "$TOKENS")
# the file's name tells Shadowserver's scan_http_vulnerable from scan6_http_vulnerable (the
# same columns), as it does for the CLI
IMPORT="/api/v1/scans/import?at=2020-01-13T08:00:00Z&filename=${F##*/}"

# ---- web.upload_max is checked when set ----
NCHECK=$((NCHECK + 2))
run config set web.upload_max 10MB
[ "$RC" -eq 1 ] && grep -q 'web.upload_max "10MB": expected a whole number from 1024' "$T/err" ||
	fail "web.upload_max 10MB: exit $RC, $(peek "$T/err")"
run config set web.upload_max 1023
[ "$RC" -eq 1 ] || fail "web.upload_max 1023 is taken"

# ---- a write that fails (the server may write no file over 8 MB): 500, nothing left ----
serve_start sh -c 'ulimit -f 16384; trap "" XFSZ; exec "$0" "$@"'
curl -s -o "$T/out" -w '%{http_code}' -H "Authorization: Bearer $ANA" --data-binary @"$F" \
	"$U$IMPORT" >"$T/code"
NCHECK=$((NCHECK + 1))
[ "$(cat "$T/code")" = 500 ] || fail "a failed write: $(cat "$T/code") $(peek "$T/out")"
js 'd["status"] == 500 and "could not be stored in a temporary file: File too large; nothing was imported" in d["detail"]' "the failed write is named"
empty "a failed write"
NCHECK=$((NCHECK + 1))
[ "$(imports)" = 0 ] || fail "a failed write imported something"
stop_server
wait
NCHECK=$((NCHECK + 1))
! grep -q "Sanitizer" "$T/serve.log" || fail "the limited server: $(grep -A5 Sanitizer "$T/serve.log" | head -n 20)"

# ---- what a server killed mid-upload left is removed when one starts again; the directory
# of a server that still runs (here: this shell's pid) is not ----
sh -c 'exit 0' &
DEAD=$!
wait "$DEAD"
mkdir -p "$UP/baken-upload-$DEAD-Xa1b2c" "$UP/baken-upload-$$-Xd3e4f"
printf 'half a report' >"$UP/baken-upload-$DEAD-Xa1b2c/body"
printf 'in flight' >"$UP/baken-upload-$$-Xd3e4f/body"
serve_start
NCHECK=$((NCHECK + 3))
[ ! -e "$UP/baken-upload-$DEAD-Xa1b2c" ] || fail "the upload of a dead server is left: $(ls -la "$UP" | tr '\n' ' ')"
[ -f "$UP/baken-upload-$$-Xd3e4f/body" ] || fail "the upload of a running server was removed"
grep -q "removed .*baken-upload-$DEAD-Xa1b2c, left by a server that stopped mid-upload" "$T/serve.log" ||
	fail "the removal is not in the log: $(peek "$T/serve.log")"
rm -r "$UP/baken-upload-$$-Xd3e4f"

# ---- refused on the headers: nothing is written, the body is not even sent ----
NCHECK=$((NCHECK + 4))
curl -s -o "$T/out" -w '%{http_code} %{size_upload}' --data-binary @"$F" "$U$IMPORT" >"$T/code"
[ "$(cat "$T/code")" = "401 0" ] || fail "anonymous upload (Expect: 100-continue): $(cat "$T/code")"
curl -s -o "$T/out" -w '%{http_code} %{size_upload}' -H "Authorization: Bearer $CON" \
	--data-binary @"$F" "$U$IMPORT" >"$T/code"
[ "$(cat "$T/code")" = "403 0" ] || fail "constituent upload: $(cat "$T/code")"
curl -s -o "$T/out" -w '%{http_code} %{size_upload}' -H "Authorization: Bearer bkn_nonsense" \
	--data-binary @"$F" "$U$IMPORT" >"$T/code"
[ "$(cat "$T/code")" = "401 0" ] || fail "upload with a wrong token: $(cat "$T/code")"
curl -s -o "$T/out" -w '%{http_code} %{size_upload}' -H "Authorization: Bearer $ANA" \
	-H "Content-Encoding: gzip" --data-binary @"$F" "$U$IMPORT" >"$T/code"
[ "$(cat "$T/code")" = "415 0" ] || fail "a gzip body: $(cat "$T/code") $(peek "$T/out")"
js '"Content-Encoding" in d["detail"]' "the 415 says why"
NCHECK=$((NCHECK + 1))
curl -s -o "$T/out" -w '%{http_code} %{size_upload}' -H "Authorization: Bearer $ANA" \
	--data-binary @"$F" "$U/api/v1/scans/import?filename=..%2Fx.csv" >"$T/code"
[ "$(cat "$T/code")" = "400 0" ] || fail "a filename with a path: $(cat "$T/code") $(peek "$T/out")"
js 'd.get("field") == "filename"' "the 400 names the filename"
# a client that sends the body without waiting (no Expect), slowly, while the directory is
# watched: an analyst's upload shows up there (so the watch can see one) ...
NCHECK=$((NCHECK + 1))
[ "$(watch -H 'Expect:' --limit-rate 10M -H "Authorization: Bearer $ANA" --data-binary @"$T/other.csv" \
	"$U$IMPORT")" = seen ] || fail "the watch never saw the analyst's upload"
NCHECK=$((NCHECK + 1))
[ "$(cut -d' ' -f1 "$T/code")" = 400 ] || fail "the watched upload: $(cat "$T/code") $(peek "$T/body")"
# ... an anonymous one and a constituent's do not
NCHECK=$((NCHECK + 4))
[ -z "$(watch -H 'Expect:' --limit-rate 2M --data-binary @"$F" "$U$IMPORT")" ] ||
	fail "an anonymous upload was written to the temporary directory"
[ "$(cut -d' ' -f1 "$T/code")" = 401 ] || fail "anonymous upload without Expect: $(cat "$T/code")"
[ -z "$(watch -H 'Expect:' --limit-rate 2M -H "Authorization: Bearer $CON" --data-binary @"$F" "$U$IMPORT")" ] ||
	fail "a constituent's upload was written to the temporary directory"
[ "$(cut -d' ' -f1 "$T/code")" = 403 ] || fail "constituent upload without Expect: $(cat "$T/code")"
gone 5
empty "after the refused uploads"
NCHECK=$((NCHECK + 1))
[ "$(imports)" = 0 ] || fail "imports after the refused uploads: $(imports), want 0"

# a session (a browser) needs the CSRF header, checked before the body is read
printf 'correct horse battery\n' | "$BAKEN" --db "$DB" user password ana >/dev/null 2>&1 ||
	fail "user password ana"
JAR=$T/jar
CS=$(curl -s -c "$JAR" -b "$JAR" "$U/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -s -o /dev/null -c "$JAR" -b "$JAR" -d "name=ana&password=correct+horse+battery&csrf=$CS" "$U/login"
NCHECK=$((NCHECK + 1))
curl -s -o "$T/out" -w '%{http_code} %{size_upload}' -b "$JAR" --data-binary @"$F" "$U$IMPORT" >"$T/code"
[ "$(cat "$T/code")" = "403 0" ] || fail "a session's upload without the CSRF header: $(cat "$T/code") $(peek "$T/out")"
js '"CSRF" in d["detail"]' "the 403 names CSRF"

# ---- the 20 MB report through the API: the CLI's counts ----
T0=$(date +%s%N)
curl -s -o "$T/out" -w '%{http_code} %{size_upload}' -H "Authorization: Bearer $ANA" \
	-H "Content-Type: text/csv" --data-binary @"$F" "$U$IMPORT" >"$T/code"
T1=$(date +%s%N)
NCHECK=$((NCHECK + 1))
[ "$(cat "$T/code")" = "201 $SIZE" ] || fail "the 20 MB upload: $(cat "$T/code") $(peek "$T/out")"
echo "uploaded and imported $SIZE bytes in $(((T1 - T0) / 1000000)) ms"
NCHECK=$((NCHECK + 1))
"$PY" - "$T/cli.json" "$T/out" >"$T/cmp" 2>&1 <<'EOF' || fail "API and CLI imports differ: $(cat "$T/cmp")"
import json, sys
cli, api = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
keys = ["sha256", "format", "report", "source", "rows", "observations", "duplicates", "matched",
        "unmatched", "systems_new", "no_advisory", "organisations_informed", "email", "webhook",
        "call"]
bad = ["%s: cli %r, api %r" % (k, cli.get(k), api.get(k)) for k in keys if cli.get(k) != api.get(k)]
if api.get("rows", 0) < 50000 or api.get("matched", 0) == 0 or api.get("duplicates", 0) == 0:
    bad.append("too few rows, matches or duplicates to compare: %r" % api)
print("; ".join(bad) or "same: %d rows, %d observations, %d matched" % (api["rows"], api["observations"], api["matched"]))
sys.exit(1 if bad else 0)
EOF
cat "$T/cmp"
empty "after the import"
NCHECK=$((NCHECK + 1))
must --json scan list --org agency-a1
N_API=$(jv 'len(d)')
"$BAKEN" --db "$T/cli.db" --json scan list --org agency-a1 >"$T/out" 2>"$T/err"
[ "$N_API" = "$(jv 'len(d)')" ] && [ "$N_API" -gt 0 ] || fail "the agency's systems: api $N_API, cli $(jv 'len(d)')"

# the import is known by the name the client gave, not by its temporary file
NCHECK=$((NCHECK + 1))
NAME=$("$PY" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select file from scan_imports order by id desc limit 1').fetchone()[0])" "$DB")
[ "$NAME" = "${F##*/}" ] || fail "the import is recorded as $NAME, not ${F##*/}"

# the same file twice: nothing added
curl -s -o "$T/out" -w '%{http_code}' -H "Authorization: Bearer $ANA" --data-binary @"$F" "$U$IMPORT" >"$T/code"
NCHECK=$((NCHECK + 1))
[ "$(cat "$T/code")" = 200 ] || fail "the same file twice: $(cat "$T/code")"
js 'd["already"] is True' "the same file twice answers already: true"
empty "after the repeated file"
N=$(imports)

# ---- over web.upload_max: 413 naming the limit; no file, no import ----
must config set web.upload_max 1048576
for how in length chunked; do
	if [ $how = length ]; then
		curl -s -D "$T/h" -o "$T/out" -w '%{http_code} %{size_upload}' -H "Authorization: Bearer $ANA" \
			--data-binary @"$F" "$U$IMPORT&source=big" >"$T/code"
	else
		curl -s -D "$T/h" -o "$T/out" -w '%{http_code} %{size_upload}' -H "Authorization: Bearer $ANA" \
			-H "Transfer-Encoding: chunked" --data-binary @"$F" "$U$IMPORT&source=big" >"$T/code"
	fi
	NCHECK=$((NCHECK + 2))
	case "$(cat "$T/code")" in
	"413 0") [ $how = length ] || fail "chunked: 413 before the body was read?" ;;
	413*) [ $how = chunked ] || fail "with a Content-Length the 413 comes after the body: $(cat "$T/code")" ;;
	*) fail "over web.upload_max ($how): $(cat "$T/code") $(peek "$T/out")" ;;
	esac
	grep -qi '^content-type: application/problem+json' "$T/h" || fail "413 ($how) is not problem+json"
	js 'd["status"] == 413 and "web.upload_max (1048576 bytes)" in d["detail"]' "413 ($how) names the limit"
	empty "over web.upload_max ($how)"
done
# a file just under the limit goes through
head -c 1000000 "$F" | sed '$d' >"$T/small.csv"
NCHECK=$((NCHECK + 1))
[ "$(code -H "Authorization: Bearer $ANA" --data-binary @"$T/small.csv" "$U$IMPORT&source=small")" = 201 ] ||
	fail "a 1 MB file under a 1 MiB web.upload_max is refused"
NCHECK=$((NCHECK + 1))
[ "$(imports)" = $((N + 1)) ] || fail "imports: $(imports), want $((N + 1)): only the small file"
must config set web.upload_max 1073741824

# ---- the client goes away mid-upload: the file is removed ----
curl -s -o /dev/null -H 'Expect:' --limit-rate 1M -H "Authorization: Bearer $ANA" \
	--data-binary @"$T/other.csv" "$U$IMPORT" &
CURL=$!
MODE=$(seen_file 10) || fail "the slow upload never showed up in the temporary directory"
NCHECK=$((NCHECK + 1))
[ "$MODE" = "700 600 ${F##*/}" ] || fail "the upload's directory, file and name: $MODE, want 700 600 ${F##*/}"
kill "$CURL"
wait "$CURL" 2>/dev/null
CURL=""
gone 5
empty "the client gone mid-upload"

# ---- the server stops mid-upload: the file is removed ----
curl -s -o /dev/null -H 'Expect:' --limit-rate 1M -H "Authorization: Bearer $ANA" \
	--data-binary @"$T/other.csv" "$U$IMPORT" &
CURL=$!
seen_file 10 >/dev/null || fail "the second slow upload never showed up"
kill "$SERVER"
wait "$SERVER"
SRC=$?
SERVER=""
empty "the server stopped mid-upload"
NCHECK=$((NCHECK + 1))
[ "$SRC" -eq 0 ] && ! grep -q "Sanitizer" "$T/serve.log" ||
	fail "the server's exit: $SRC; $(grep -A5 Sanitizer "$T/serve.log" | head -n 20)"
NCHECK=$((NCHECK + 1))
[ "$(imports)" = $((N + 1)) ] || fail "an interrupted upload was imported"
NCHECK=$((NCHECK + 1))
grep -q "baken serve: stopped" "$T/serve.log" || fail "the server did not stop cleanly: $(peek "$T/serve.log")"
finish
