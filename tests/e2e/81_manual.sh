# The manual names every command `baken --help` lists, so neither drifts from the other.
. "$(dirname "$0")/lib.sh"
MAN=$(dirname "$0")/../../docs/baken.1
"$BAKEN" --help >"$T/help"
sed -n 's/^  \([a-z][a-z]*\( [a-z][a-z]*\)\?\)  .*/\1/p' "$T/help" | sed 's/ *$//' >"$T/commands"
NCHECK=$((NCHECK + 1))
[ -s "$T/commands" ] || fail "baken --help lists no commands"
while read -r cmd; do
	NCHECK=$((NCHECK + 1))
	grep "^\.B" "$MAN" | grep -qF "$cmd" || fail "the manual (docs/baken.1) does not describe '$cmd'"
done <"$T/commands"
finish
