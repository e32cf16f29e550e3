# OpenPGP: with signing.key set, the plain advisory and the advisory in each alert mail are
# clear-signed, and gpg verifies them; a key that is not in the keyring is a clear error and
# the alert waits instead of going out unsigned.
. "$(dirname "$0")/lib.sh"

GNUPGHOME=$T/gnupg
export GNUPGHOME
mkdir -m 700 "$GNUPGHOME"
trap 'gpgconf --kill gpg-agent 2>/dev/null; kill $SINK 2>/dev/null' EXIT
gpg --batch --quiet --passphrase '' --quick-gen-key 'Baken e2e <advies@csirt.example>' ed25519 sign never 2>/dev/null ||
	die "gpg could not make a test key"
FPR=$(gpg --batch --with-colons --list-secret-keys | awk -F: '/^fpr/ { print $10; exit }')

SMTP=$(free_port)
MAILS=$T/mails.jsonl
: >"$MAILS"
"$PY" "$(dirname "$0")/peers.py" smtp "$SMTP" "$MAILS" &
SINK=$!
sleep 1

seed_orgs
must config set smtp.url "smtp://127.0.0.1:$SMTP"
must advisory new --title "Kwetsbaarheid in Citrix ADC" --cve CVE-2019-19781 --affects 'citrix:adc:>=13.0|<13.0.47.24' $MH
ID=$(new_id)
must advisory publish "$ID"

must config set signing.key 0000000000000000000000000000000000000000
bad 1 "signing.key" advisory show "$ID" --format plain
run --json alert deliver
NCHECK=$((NCHECK + 1))
[ "$RC" -ne 0 ] || [ "$(wc -l <"$MAILS")" -eq 0 ] || fail "a mail went out unsigned while signing failed"
must --json alert list --channel email
js 'all(r["state"] == "queued" and "signing.key" in (r["last_error"] or "") for r in d)' \
	"alerts wait, and say the key is missing"

must config set signing.key "$FPR"
must advisory show "$ID" --format plain
line '^-----BEGIN PGP SIGNED MESSAGE-----$' "the plain advisory is clear-signed"
NCHECK=$((NCHECK + 1))
gpg --batch --verify "$T/out" 2>/dev/null || fail "gpg does not verify the signed plain advisory"
line '^Kans +: medium$' "the signed text keeps the layout"

must --at 2099-01-01T00:00:00Z alert deliver
NCHECK=$((NCHECK + 1))
"$PY" - "$MAILS" "$T" <<'PY' || fail "the advisory in the mail does not verify"
import json, subprocess, sys
mails = [json.loads(l) for l in open(sys.argv[1])]
assert len(mails) == 1, len(mails)
body = mails[0]["body"]
block = body[body.index("-----BEGIN PGP SIGNED MESSAGE-----"):]
open(sys.argv[2] + "/mail.asc", "w").write(block)
sys.exit(subprocess.call(["gpg", "--batch", "--verify", sys.argv[2] + "/mail.asc"],
                         stderr=subprocess.DEVNULL))
PY
finish
