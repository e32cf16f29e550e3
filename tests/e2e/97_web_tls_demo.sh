# TLS with libmicrohttpd's own TLS (HSTS, Secure cookies), serve's refusals, and `baken demo`
# serving its database with the users and passwords it printed once.
. "$(dirname "$0")/lib.sh"

trap stop_server EXIT
wait_up() { # URL: until it answers (curl -k), or die
	i=0
	until curl -k -s -f -o /dev/null "$1"; do
		i=$((i + 1))
		[ $i -lt 150 ] || die "the server did not answer $1: $(peek "$T/serve.log")"
		sleep 0.1
	done
}
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1; }

seed_orgs
must user add ana --role analyst
printf 'analyst password\n' | "$BAKEN" --db "$DB" user password ana >/dev/null 2>&1 || fail "user password"

# serve refuses what cannot work, before listening
bad 2 'tls-key' serve --tls-cert "$T/none.pem"
bad 2 'listen' serve --listen nowhere
bad 1 'tls-cert' serve --tls-cert "$T/none.pem" --tls-key "$T/none.pem"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$T/key.pem" \
	-out "$T/cert.pem" -days 2 -subj /CN=127.0.0.1 >/dev/null 2>&1 || die "openssl could not make a certificate"
PORT=$(free_port)
U=https://127.0.0.1:$PORT
"$BAKEN" --db "$DB" serve --listen "127.0.0.1:$PORT" --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" \
	--deliver-interval 0 >"$T/serve.out" 2>"$T/serve.log" &
SERVER=$!
wait_up "$U/healthz"
NCHECK=$((NCHECK + 4))
curl -s --cacert "$T/cert.pem" -o /dev/null "$U/healthz" || fail "TLS with the certificate as CA fails"
curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$PORT/healthz" && fail "plain HTTP is answered on the TLS port"
curl -k -s -D "$T/h" -o /dev/null "$U/advisories"
grep -qi '^strict-transport-security:' "$T/h" || fail "no HSTS header over TLS"
JAR=$T/jar
CS=$(curl -k -s -c "$JAR" -b "$JAR" "$U/login" | csrf_of)
curl -k -s -D "$T/h" -o /dev/null -c "$JAR" -b "$JAR" -d "name=ana&password=analyst+password&csrf=$CS" "$U/login"
grep -qi '^set-cookie: baken_session=.*; Secure' "$T/h" || fail "the session cookie is not Secure over TLS: $(tr '\r\n' '  ' <"$T/h")"
stop_server

# demo: a fresh database, users of every role with passwords shown once, then serving it
DEMO=$T/demo.db
PORT=$(free_port)
U=http://127.0.0.1:$PORT
"$BAKEN" --db "$DEMO" demo --listen "127.0.0.1:$PORT" >"$T/demo.out" 2>"$T/serve.log" &
SERVER=$!
wait_up "$U/healthz"
NCHECK=$((NCHECK + 5))
for role in analyst coordinator crisis constituent partner admin; do
	grep -qE "^  [a-z-]+ +[A-Za-z0-9_-]{16} +$role" "$T/demo.out" || fail "demo prints no $role user with a password"
done
PW=$(sed -n 's/^  analist  *\([A-Za-z0-9_-]\{16\}\) .*/\1/p' "$T/demo.out")
[ -n "$PW" ] || die "no password for analist in: $(peek "$T/demo.out" 600)"
CS=$(curl -s -c "$JAR.2" -b "$JAR.2" "$U/login" | csrf_of)
[ "$(curl -s -o /dev/null -w '%{http_code}' -c "$JAR.2" -b "$JAR.2" --data-urlencode "password=$PW" \
	-d "name=analist&csrf=$CS" "$U/login")" = 303 ] || fail "the demo's analist cannot log in with the printed password"
[ "$(curl -s -o /dev/null -w '%{http_code}' -b "$JAR.2" "$U/staff/calls")" = 200 ] || fail "the demo's analist cannot see the calling list"
[ "$(curl -s "$U/advisories" | grep -c 'href="/advisories/NCSC-2019-')" -ge 2 ] || fail "the demo serves fewer than two advisories"
NCHECK=$((NCHECK + 1))
kill -TERM "$SERVER"
wait "$SERVER"
rc=$?
SERVER=""
[ "$rc" -eq 0 ] || fail "demo after SIGTERM: exit $rc"
finish
