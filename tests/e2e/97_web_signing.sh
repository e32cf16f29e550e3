# With signing.key set, the web's plain text is clear-signed as the CLI's is (signed on a
# worker thread, not an event thread), gpg verifies it, and the signed text is the CLI's.
. "$(dirname "$0")/lib.sh"

GNUPGHOME=$T/gnupg
export GNUPGHOME
mkdir -m 700 "$GNUPGHOME"
trap 'gpgconf --kill gpg-agent 2>/dev/null; [ -n "$SERVER" ] && kill $SERVER 2>/dev/null' EXIT
gpg --batch --quiet --passphrase '' --quick-gen-key 'Baken e2e <advies@csirt.example>' ed25519 sign never 2>/dev/null ||
	die "gpg could not make a test key"
FPR=$(gpg --batch --with-colons --list-secret-keys | awk -F: '/^fpr/ { print $10; exit }')

seed_orgs
must advisory new --title "Kwetsbaarheid in Citrix ADC" --cve CVE-2019-19781 --affects 'citrix:adc:>=13.0|<13.0.47.24' $MH
ID=$(new_id)
must advisory publish "$ID"
must config set signing.key "$FPR"
serve_start
# the text between the armour lines, without the signature (its time differs)
signed_text() { sed -n '/^-----BEGIN PGP SIGNED MESSAGE-----$/,/^-----BEGIN PGP SIGNATURE-----$/p' "$1" | sed '1,2d;$d'; }
must advisory show "$ID" --format plain
cp "$T/out" "$T/cli.txt"
NCHECK=$((NCHECK + 3))
curl -s "$U/advisories/$ID?format=plain" >"$T/web.txt"
grep -q '^-----BEGIN PGP SIGNED MESSAGE-----$' "$T/web.txt" || fail "the web's plain text is not clear-signed: $(peek "$T/web.txt")"
gpg --batch --verify "$T/web.txt" 2>/dev/null || fail "gpg does not verify the web's plain text"
[ "$(signed_text "$T/web.txt")" = "$(signed_text "$T/cli.txt")" ] || fail "the signed text differs from the CLI's"
NCHECK=$((NCHECK + 1))
curl -s "$U/metrics" | grep -q 'baken_http_requests_total{method="GET",route="/advisories/\*",code="2xx"}' ||
	fail "the signed request is not counted"
finish
