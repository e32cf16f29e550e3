# Bad values, one section per kind: an unknown organisation, a bad version, a bad range, a bad
# CIDR, a bad kind, a bad TLP, a bad CVE id, and the other values commands check. Each exits 1
# with one line that names the value (and the option or field), prints nothing on stdout and
# leaves the database as it was.
. "$(dirname "$0")/lib.sh"

seed_orgs
must org netblock min-a 10.0.0.0/8 2001:db8::/32
# shellcheck disable=SC2086
must --at 2019-12-18T09:00:00Z advisory new --title "Citrix" --cve CVE-2019-19781 \
	--affects 'citrix:adc:>=13.0|<13.0.47.24' $MH
must --at 2019-12-18T10:00:00Z advisory publish NCSC-2019-0001
A=NCSC-2019-0001
NEW="advisory new --title X --cve CVE-2019-19781"

# --- an unknown organisation
O="unknown organisation 'nope'"
bad 1 "$O" org contact nope --name X
bad 1 "$O" org netblock nope 192.0.2.0/24
bad 1 "$O" org show nope
bad 1 "parent.*$O" org add new-1 --name New --kind agency --parent nope
bad 1 "$O" inventory add nope --product citrix:adc --version 13.0-47.22
bad 1 "org.*$O" inventory list --org nope
printf 'org,product,version\nmin-a,citrix:adc,1\n' >"$T/inv.csv"
bad 1 "org.*$O" inventory import "$T/inv.csv" --org nope
bad 1 "to.*$O" $NEW --affects 'a:b:*' --to nope
bad 1 "to.*$O" advisory update $A --to min-a nope --change X

# --- a bad version
V='"1\.\.<2"'
bad 1 "version.*$V" inventory add min-a --product citrix:adc --version '1..<2'
bad 1 "version.*$V" inventory add min-a --product 'pkg:generic/citrix/adc@1..<2'
bad 1 'version.*missing' inventory add min-a --product citrix:adc
bad 1 'version.*"13\.0 47"' inventory add min-a --product citrix:adc --version '13.0 47'
bad 1 "fixed.*$V" $NEW --affects 'citrix:adc:*' --fixed 'citrix:adc:1..<2'
bad 1 "fixed.*$V" advisory update $A --fixed 'citrix:adc:1..<2' --change X
bad 1 'fixed' $NEW --affects 'citrix:adc:*' --fixed 'citrix:adc'
bad 1 'version.*"x"' advisory show $A --version x
bad 1 'version.*1\.05' advisory show $A --version 1.05

# --- a bad range
bad 1 'range.*">=1\|\|<2"' $NEW --affects 'citrix:adc:>=1||<2'
bad 1 'range.*"\*\|>=1"' $NEW --affects 'citrix:adc:*|>=1'
bad 1 'range.*">=1\|>=2"' $NEW --affects 'citrix:adc:>=1|>=2'
bad 1 'range.*">="' $NEW --affects 'citrix:adc:>='
bad 1 'range.*""' $NEW --affects 'citrix:adc:'
bad 1 'range.*"<1\|>=1"' $NEW --affects 'citrix:adc:<1|>=1'
bad 1 'range.*1\.\.<2' $NEW --affects 'citrix:adc:>=1..<2'
bad 1 'range.*">=1\|\|<2"' advisory update $A --affects 'citrix:adc:>=1||<2' --change X
bad 1 'affects.*"citrix:adc"' $NEW --affects 'citrix:adc'
bad 1 'affects|product' $NEW --affects 'Citrix ADC:gateway:*'

# --- a bad CIDR
bad 1 'CIDR "300\.1\.1\.0/24"' org netblock min-a 300.1.1.0/24
bad 1 'CIDR "10\.0\.0\.1/8".*host' org netblock min-a 10.0.0.1/8
bad 1 'CIDR "10\.0\.0\.0/33"' org netblock min-a 10.0.0.0/33
bad 1 'CIDR "2001:db8::1/32".*host' org netblock min-a 2001:db8::1/32
bad 1 'CIDR "2001:db8::/129"' org netblock min-a 2001:db8::/129
bad 1 'CIDR "2001:zz8::/32"' org netblock min-a 2001:zz8::/32
bad 1 'CIDR "1\.2\.3/24"' org netblock min-a 1.2.3/24
bad 1 'CIDR "10\.0\.0\.0/"' org netblock min-a 10.0.0.0/
# all or nothing: a good netblock before a bad one is not registered either
bad 1 'CIDR "300\.1\.1\.0/24"' org netblock agency-a1 192.0.2.0/24 300.1.1.0/24
# a netblock of another organisation
bad 1 "10\.0\.0\.0/8.*min-a" org netblock vital-e 10.0.0.0/8

# --- a bad kind
bad 1 'kind "foo"' org add new-1 --name New --kind foo
bad 1 'kind "foo"' org list --kind foo
bad 1 'kind ""' org add new-1 --name New --kind ''

# --- a bad TLP
bad 1 'TLP "purple"' $NEW --affects 'a:b:*' --tlp purple
bad 1 'TLP "amber\+"' $NEW --affects 'a:b:*' --tlp amber+
bad 1 'TLP "purple"' advisory update $A --tlp purple --change X

# --- a bad CVE id
bad 1 'CVE id "CVE-2019-1"' advisory new --title X --cve CVE-2019-1 --affects 'a:b:*'
bad 1 'CVE id "2019-19781"' advisory new --title X --cve 2019-19781 --affects 'a:b:*'
bad 1 'CVE id "CVE-19-19781"' advisory new --title X --cve CVE-19-19781 --affects 'a:b:*'
bad 1 'CVE id "CVE-2019-19781x"' advisory new --title X --cve CVE-2019-19781x --affects 'a:b:*'
bad 1 'CVE id "CVE-2019-1"' advisory update $A --cve CVE-2019-1 --change X
bad 1 'bogus' vuln show bogus
bad 1 'CVE-2000-0001' vuln show CVE-2000-0001

# --- other values
bad 1 'organisation id "New 1"' org add 'New 1' --name New --kind other
bad 1 'organisation id "-x"' org add -x --name New --kind other
bad 1 "min-a.*exists" org add min-a --name New --kind ministry
bad 1 'name' org add new-1 --name '' --kind other
bad 1 'e-mail.*"ciso"' org contact min-a --name X --email ciso
bad 1 'e-mail.*"a@b@c\.example"' org contact min-a --name X --email a@b@c.example
bad 1 'phone.*"call me"' org contact min-a --name X --phone 'call me'
bad 1 'count.*"-1"' inventory add min-a --product citrix:adc --version 1 --count -1
bad 1 'count.*"many"' inventory add min-a --product citrix:adc --version 1 --count many
bad 1 'count.*"99999999"' inventory add min-a --product citrix:adc --version 1 --count 99999999
bad 1 'product.*"citrix"' inventory add min-a --product citrix --version 1
bad 1 'product.*"Citrix ADC:x"' inventory add min-a --product 'Citrix ADC:x' --version 1
bad 1 'CPE' inventory add min-a --product 'cpe:2.3:a:citrix' --version 1
bad 1 'product.*"citrix"' inventory list --product citrix
bad 1 'exploit.*"maybe"' classify --exploit maybe
bad 1 'access.*"wifi"' $NEW --affects 'a:b:*' --access wifi
bad 1 'likelihood.*"extreme"' $NEW --affects 'a:b:*' --likelihood extreme --rationale x
bad 1 'impact.*"huge"' advisory update $A --impact huge --rationale x --change X
bad 1 'reference.*"ftp://x\.example"' $NEW --affects 'a:b:*' --reference ftp://x.example
bad 1 'title' $NEW --affects 'a:b:*' --title ''
bad 1 'disclosed.*"yesterday"' $NEW --affects 'a:b:*' --disclosed yesterday
bad 1 "unknown advisory 'NCSC-2019-9999'" advisory update NCSC-2019-9999 --change X
bad 1 "unknown advisory 'NCSC-2019-9999'" advisory publish NCSC-2019-9999
bad 1 "unknown advisory 'NCSC-2019-9999'" advisory show NCSC-2019-9999
bad 1 "unknown advisory 'NCSC-2019-9999'" advisory affected NCSC-2019-9999
bad 1 'prefix "n c s c"' config set prefix 'n c s c'
bad 1 'setting "bogus"' config set bogus x
bad 1 'setting "bogus"' config get bogus
bad 1 'exists' init
bad 1 'backup|create|/nonexistent' backup /nonexistent/dir/b.db

# a database that is not there is not created by a command that needs one
DB=$T/none.db
bad 1 'no database' org list
bad 1 'no database' audit verify
NCHECK=$((NCHECK + 1))
[ ! -e "$T/none.db" ] || fail "a command on a missing database created it"
DB=$T/t.db

must --json audit verify
js 'd["intact"] is True' "after all the refusals the event log is intact"
finish
