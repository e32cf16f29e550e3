# Usage errors, for every command: an unknown flag, a missing required option or operand, an
# operand too many, an option without its value. Each exits 2 with one line naming what is
# wrong (and the usage line), prints nothing on stdout and leaves the database as it was.
. "$(dirname "$0")/lib.sh"

seed_orgs
# shellcheck disable=SC2086
must --at 2019-12-18T09:00:00Z advisory new --title "Citrix" --cve CVE-2019-19781 \
	--affects 'citrix:adc:>=13.0|<13.0.47.24' $MH
must --at 2019-12-18T10:00:00Z advisory publish NCSC-2019-0001
A=NCSC-2019-0001
printf 'id,name,kind,parent,sector\nnew-1,New,other,,\n' >"$T/orgs.csv"
printf 'org,product,version\nmin-a,citrix:adc,13.0-47.22\n' >"$T/inv.csv"

# unknown flag, for every command
U='unknown option --bogus'
bad 2 "$U" init --bogus
bad 2 "$U" backup "$T/b.db" --bogus
bad 2 "$U" config set site.name X --bogus
bad 2 "$U" config get --bogus
bad 2 "$U" org add new-1 --name New --kind other --bogus
bad 2 "$U" org contact min-a --name X --bogus
bad 2 "$U" org netblock min-a 10.0.0.0/8 --bogus
bad 2 "$U" org import "$T/orgs.csv" --bogus
bad 2 "$U" org list --bogus
bad 2 "$U" org show min-a --bogus
bad 2 "$U" inventory add min-a --product citrix:adc --version 1 --bogus
bad 2 "$U" inventory import "$T/inv.csv" --bogus
bad 2 "$U" inventory list --bogus
bad 2 "$U" classify --bogus
bad 2 "$U" advisory new --title X --cve CVE-2019-19781 --affects 'a:b:*' --bogus
bad 2 "$U" advisory update $A --change X --bogus
bad 2 "$U" advisory publish $A --bogus
bad 2 "$U" advisory show $A --bogus
bad 2 "$U" advisory list --bogus
bad 2 "$U" advisory affected $A --bogus
bad 2 "$U" vuln list --bogus
bad 2 "$U" vuln show CVE-2019-19781 --bogus
bad 2 "$U" audit verify --bogus
bad 2 "$U" audit checkpoint --bogus
bad 2 "$U" demo --bogus
NCHECK=$((NCHECK + 1))
[ ! -e "$T/b.db" ] || fail "backup --bogus wrote a backup"
# a flag of another command is unknown here too; a matrix answer only where the matrix is
bad 2 'unknown option --24x7' org add new-1 --name New --kind other --24x7
bad 2 'unknown option --exploit' inventory add min-a --product a:b --version 1 --exploit poc
# the --name=value form is checked the same way
bad 2 'unknown option --bogus' org add new-1 --name New --kind other --bogus=1
bad 2 'takes no value' org contact min-a --name X --24x7=yes

# unknown command
bad 2 "unknown command" bogus
bad 2 "unknown command" org bogus min-a
bad 2 "unknown command" advisory
# no command at all: the usage of every command, on stderr
NCHECK=$((NCHECK + 1))
snap "$T/before"
run
snap "$T/after"
[ "$RC" -eq 2 ] || fail "baken without a command: exit $RC, want 2"
head -n 1 "$T/err" | grep -q '^usage: baken' || fail "baken without a command: no usage: $(peek "$T/err")"
[ ! -s "$T/out" ] || fail "baken without a command: usage on stdout, want stderr"
cmp -s "$T/before" "$T/after" || fail "baken without a command changed the database"

# missing required options and operands
bad 2 'ID|operand' org add --name New --kind other
bad 2 '--name' org add new-1 --kind other
bad 2 '--kind' org add new-1 --name New
bad 2 'ID|operand' org contact --name X
bad 2 '--name' org contact min-a --role ciso
bad 2 'CIDR|operand' org netblock min-a
bad 2 'FILE|operand' org import
bad 2 'ID|operand' org show
bad 2 'ORG|operand' inventory add --product citrix:adc --version 1
bad 2 '--product' inventory add min-a --version 1
bad 2 'FILE|operand' inventory import
bad 2 '--title' advisory new --cve CVE-2019-19781 --affects 'a:b:*'
bad 2 '--cve' advisory new --title X --affects 'a:b:*'
bad 2 '--affects' advisory new --title X --cve CVE-2019-19781
bad 2 '--change' advisory update $A --title Y
bad 2 'ID|operand' advisory update --change X
bad 2 'ID|operand' advisory publish
bad 2 'ID|operand' advisory show
bad 2 'ID|operand' advisory affected
bad 2 'CVE|operand' vuln show
bad 2 'FILE|operand' backup
bad 2 'KEY|VALUE|operand' config set site.name

# operands too many
bad 2 'operand' init extra
bad 2 'operand' org show min-a agency-a1
bad 2 'operand' org list extra
bad 2 'operand' org add new-1 new-2 --name New --kind other
bad 2 'operand' inventory list min-a
bad 2 'operand' classify extra
bad 2 'operand' advisory list extra
bad 2 'operand' advisory show $A NCSC-2019-0002
bad 2 'operand' vuln list extra
bad 2 'operand' audit verify extra
bad 2 'operand' audit checkpoint extra
bad 2 'operand' config get prefix site.name
bad 2 'operand' demo extra

# an option without its value
bad 2 '--name' org add new-1 --kind other --name
bad 2 '--kind' org list --kind
bad 2 '--org' inventory list --org
bad 2 '--exploit' classify --exploit
bad 2 '--title' advisory new --title --cve CVE-2019-19781 --affects 'a:b:*'
bad 2 '--version' advisory show $A --version
bad 2 '--prefix' init --prefix

# options that exclude each other, and values that are a matter of usage
bad 2 '--silent|--force-alert' advisory publish $A --silent --force-alert
bad 2 '--format' advisory show $A --format pdf
bad 2 '--lang' advisory show $A --lang fr

# the global options
bad 2 '--db' org list --db
bad 2 '--at' org list --at
bad 2 '--at|time' --at 2019-13-45T00:00:00Z org add new-1 --name New --kind other
bad 2 '--at|time' --at yesterday org add new-1 --name New --kind other

# a usage error of a command that would replace the database leaves it in place
NCHECK=$((NCHECK + 1))
[ -s "$DB" ] || fail "the database is gone after demo --bogus"
finish
