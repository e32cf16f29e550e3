# Bad import files, for org import and inventory import: malformed CSV (an unterminated quote,
# a stray quote) and malformed JSON, a bad row in the middle (the error names the file, line 3
# and the field), an unknown column, a row with too many or too few fields, an empty file, an
# unknown JSON field, a bad SBOM. Each exits 1 with one line naming file, line (or element) and
# field, and imports nothing: the database is as it was (all or nothing).
. "$(dirname "$0")/lib.sh"

seed_orgs
F=$T/f

# --- org import, CSV
H='id,name,kind,parent,sector'
printf '%s\nnew-1,New 1,agency,min-a,\nnew-2,New 2,bogus,,\nnew-3,New 3,other,,\n' "$H" >"$F-kind.csv"
bad 1 'f-kind\.csv:3: field kind: .*"bogus"' org import "$F-kind.csv"
printf '%s\nnew-1,New 1,agency,min-a,\nnew-2,New 2,agency,nope,\nnew-3,New 3,other,,\n' "$H" >"$F-parent.csv"
bad 1 "f-parent\.csv:3: field parent: .*'nope'" org import "$F-parent.csv"
printf '%s\nnew-1,New 1,agency,,\nNew 2,New 2,agency,,\n' "$H" >"$F-id.csv"
bad 1 'f-id\.csv:3: field id: .*"New 2"' org import "$F-id.csv"
printf '%s\nnew-1,New 1,agency,,\nnew-2,,agency,,\n' "$H" >"$F-name.csv"
bad 1 'f-name\.csv:3: field name' org import "$F-name.csv"
printf '%s\nnew-1,New 1,agency,,\n,New 2,agency,,\n' "$H" >"$F-noid.csv"
bad 1 'f-noid\.csv:3: field id' org import "$F-noid.csv"
printf '%s\nnew-1,New 1,agency,new-2,\nnew-2,New 2,agency,new-1,\n' "$H" >"$F-loop.csv"
bad 1 'f-loop\.csv:[23]: field parent: .*loop' org import "$F-loop.csv"
# line numbers count every line: blank ones, CRLF ones, the lines of a quoted field
printf '%s\n\nnew-1,New 1,agency,,\n\nnew-2,New 2,bogus,,\n' "$H" >"$F-blank.csv"
bad 1 'f-blank\.csv:5: field kind' org import "$F-blank.csv"
printf '%s\r\nnew-1,New 1,agency,,\r\nnew-2,New 2,bogus,,\r\n' "$H" >"$F-crlf.csv"
bad 1 'f-crlf\.csv:3: field kind' org import "$F-crlf.csv"
printf '%s\nnew-1,"New\n1",agency,,\nnew-2,New 2,bogus,,\n' "$H" >"$F-multi.csv"
bad 1 'f-multi\.csv:4: field kind' org import "$F-multi.csv"
printf '%s,colour\nnew-1,New 1,agency,,,red\n' "$H" >"$F-col.csv"
bad 1 'f-col\.csv:1: unknown column "colour"' org import "$F-col.csv"
printf 'id,name,parent\nnew-1,New 1,\n' >"$F-nokind.csv"
bad 1 'f-nokind\.csv:1: .*"kind"' org import "$F-nokind.csv"
printf '%s\nnew-1,New 1,agency,,\nnew-2,"New 2,agency,,\nnew-3,New 3,other,,\n' "$H" >"$F-quote.csv"
bad 1 'f-quote\.csv:3: malformed CSV: .*quote.*never closed|f-quote\.csv:3: malformed CSV: .*missing' \
	org import "$F-quote.csv"
printf '%s\nnew-1,New 1,agency,,\nnew-2,New "2",agency,,\n' "$H" >"$F-stray.csv"
bad 1 'f-stray\.csv:3: malformed CSV' org import "$F-stray.csv"
printf '%s\nnew-1,New 1,agency,,\nnew-2,New 2,agency,,,extra\n' "$H" >"$F-long.csv"
bad 1 'f-long\.csv:3: .*fields' org import "$F-long.csv"
printf '%s\nnew-1,New 1,agency,,\nnew-2,New 2\n' "$H" >"$F-short.csv"
bad 1 'f-short\.csv:3: ' org import "$F-short.csv"
: >"$F-empty.csv"
bad 1 'f-empty\.csv: .*empty|f-empty\.csv:1: ' org import "$F-empty.csv"
bad 1 'f-missing\.csv: .*(open|no such)' org import "$F-missing.csv"

# --- org import, JSON
printf '[{"id": "new-1", "name": "New 1", "kind": "agency"},\n {"id": "new-2", "name": "New 2"' \
	>"$F-trunc.json"
bad 1 'f-trunc\.json:2: malformed JSON' org import "$F-trunc.json"
printf '[{"id": "new-1", "name": "New 1", "kind": "agency",}]' >"$F-comma.json"
bad 1 'f-comma\.json:1: malformed JSON' org import "$F-comma.json"
printf '  \n[{"id": "new-1", "name": "New 1", "kind": "agency"' >"$F-space.json"
bad 1 'f-space\.json:2: malformed JSON' org import "$F-space.json"
printf '[{"id": "new-1", "name": "New 1", "kind": "agency"},\n {"id": "new-2", "name": "New 2", "kind": "bogus"}]' \
	>"$F-kind.json"
bad 1 'f-kind\.json: \[1\]\.kind: .*"bogus"' org import "$F-kind.json"
printf '[{"id": "new-1", "name": "New 1", "kind": "agency", "netblocks": ["192.0.2.0/24", "300.1.1.0/24"]}]' \
	>"$F-cidr.json"
bad 1 'f-cidr\.json: \[0\]\.netblocks\[1\]: .*"300\.1\.1\.0/24"' org import "$F-cidr.json"
printf '[{"id": "new-1", "name": "New 1", "kind": "agency", "contacts": [{"name": "X", "email": "x"}]}]' \
	>"$F-mail.json"
bad 1 'f-mail\.json: \[0\]\.contacts\[0\]: .*e-mail' org import "$F-mail.json"
printf '[{"id": "new-1", "name": "New 1", "kind": "agency", "colour": "red"}]' >"$F-field.json"
bad 1 'f-field\.json: \[0\]\.colour' org import "$F-field.json"
printf '[{"id": "new-1", "name": "New 1", "kind": "agency", "contacts": [{"name": "X", "mail": "x@y.example"}]}]' \
	>"$F-cfield.json"
bad 1 'f-cfield\.json: \[0\]\.contacts\[0\]\.mail' org import "$F-cfield.json"
printf '[{"id": "new-1", "name": 5, "kind": "agency"}]' >"$F-type.json"
bad 1 'f-type\.json: \[0\]\.name' org import "$F-type.json"
printf '[{"id": "new-1", "name": "New 1", "kind": "agency", "netblocks": "192.0.2.0/24"}]' \
	>"$F-list.json"
bad 1 'f-list\.json: \[0\]\.netblocks' org import "$F-list.json"
printf '{"id": "new-1", "name": "New 1", "kind": "agency"}' >"$F-obj.json"
bad 1 'f-obj\.json: .*array' org import "$F-obj.json"
printf '[{"id": "new-1", "name": "New 1", "kind": "agency", "parent": "nope"}]' >"$F-parent.json"
bad 1 "f-parent\.json: \[0\]\.parent: .*'nope'" org import "$F-parent.json"

# --- inventory import, CSV
H='org,product,version,count,internet_facing'
printf '%s\nmin-a,citrix:adc,13.0-47.22,1,true\nmin-a,citrix:adc,1..<2,1,true\nmin-a,citrix:adc,13.0-47.24,1,true\n' \
	"$H" >"$F-version.csv"
bad 1 'f-version\.csv:3: field version: .*"1\.\.<2"' inventory import "$F-version.csv"
printf '%s\nmin-a,citrix:adc,13.0-47.22,1,true\nnobody,citrix:adc,13.0,1,true\n' "$H" >"$F-org.csv"
bad 1 "f-org\.csv:3: field org: .*'nobody'" inventory import "$F-org.csv"
printf '%s\nmin-a,citrix:adc,13.0-47.22,1,true\nmin-a,citrix,13.0,1,true\n' "$H" >"$F-product.csv"
bad 1 'f-product\.csv:3: field product: .*"citrix"' inventory import "$F-product.csv"
printf '%s\nmin-a,citrix:adc,13.0-47.22,1,true\nmin-a,citrix:adc,13.0,lots,true\n' "$H" >"$F-count.csv"
bad 1 'f-count\.csv:3: field count: .*"lots"' inventory import "$F-count.csv"
printf '%s\nmin-a,citrix:adc,13.0-47.22,1,true\nmin-a,citrix:adc,13.0,1,maybe\n' "$H" >"$F-facing.csv"
bad 1 'f-facing\.csv:3: field internet_facing: .*"maybe"' inventory import "$F-facing.csv"
printf '%s\nmin-a,citrix:adc,13.0-47.22,1,true\nmin-a,,13.0,1,true\n' "$H" >"$F-noproduct.csv"
bad 1 'f-noproduct\.csv:3: field product' inventory import "$F-noproduct.csv"
printf '%s\nmin-a,citrix:adc,13.0-47.22,1,true\nmin-a,citrix:adc,,1,true\n' "$H" >"$F-noversion.csv"
bad 1 'f-noversion\.csv:3: field version' inventory import "$F-noversion.csv"
printf 'org,product,versoin\nmin-a,citrix:adc,13.0\n' >"$F-col.csv"
bad 1 'f-col\.csv:1: unknown column "versoin"' inventory import "$F-col.csv"
printf 'org,version\nmin-a,13.0\n' >"$F-noproductcol.csv"
bad 1 'f-noproductcol\.csv:1: ' inventory import "$F-noproductcol.csv"
printf '%s\nmin-a,citrix:adc,13.0-47.22,1,true\nmin-a,"citrix:adc,13.0,1,true\nmin-a,citrix:gateway,12.1,1,true\n' \
	"$H" >"$F-quote.csv"
bad 1 'f-quote\.csv:3: malformed CSV' inventory import "$F-quote.csv"
printf '%s\nmin-a,citrix:adc,13.0-47.22,1,true\nmin-a,citrix:adc,13.0"1",1,true\n' "$H" >"$F-stray.csv"
bad 1 'f-stray\.csv:3: malformed CSV' inventory import "$F-stray.csv"
printf '%s\nmin-a,citrix:adc,13.0-47.22,1,true\nmin-a,citrix:adc,13.0,1,true,extra\n' "$H" >"$F-long.csv"
bad 1 'f-long\.csv:3: .*fields' inventory import "$F-long.csv"
printf '%s\nmin-a,citrix:adc,13.0-47.22,1,true\nmin-a,citrix:adc\n' "$H" >"$F-short.csv"
bad 1 'f-short\.csv:3: ' inventory import "$F-short.csv"
printf '%s\nmin-a,citrix:adc,13.0-47.22,1,true\nagency-a1,citrix:adc,13.0,1,true\n' "$H" >"$F-other.csv"
bad 1 'f-other\.csv:3: field org: .*agency-a1.*min-a' inventory import "$F-other.csv" --org min-a
: >"$F-empty.csv"
bad 1 'f-empty\.csv: .*empty|f-empty\.csv:1: ' inventory import "$F-empty.csv"
bad 1 'f-missing\.csv: .*(open|no such)' inventory import "$F-missing.csv"
# --replace with a bad row keeps the old rows
printf 'org,product,version\nvital-e,citrix:adc,14.1\nvital-e,citrix:adc,1..<2\n' >"$F-replace.csv"
bad 1 'f-replace\.csv:3: field version' inventory import "$F-replace.csv" --replace

# --- inventory import, JSON
printf '[{"org": "min-a", "product": "citrix:adc", "version": "13.0"},\n {"org": "min-a"' \
	>"$F-trunc.json"
bad 1 'f-trunc\.json:2: malformed JSON' inventory import "$F-trunc.json"
printf '[{"org": "min-a", "product": "citrix:adc", "version": "13.0"},\n {"org": "min-a", "product": "citrix:adc", "version": "1..<2"}]' \
	>"$F-version.json"
bad 1 'f-version\.json: \[1\]\..*version.*"1\.\.<2"' inventory import "$F-version.json"
printf '[{"org": "min-a", "product": "citrix:adc", "version": "13.0", "count": -1}]' >"$F-count.json"
bad 1 'f-count\.json: \[0\]\.count' inventory import "$F-count.json"
printf '[{"org": "min-a", "product": "citrix:adc", "version": "13.0", "internet_facing": "yes"}]' \
	>"$F-facing.json"
bad 1 'f-facing\.json: \[0\]\.internet_facing' inventory import "$F-facing.json"
printf '[{"org": "min-a", "product": "citrix:adc", "version": "13.0", "colour": "red"}]' >"$F-field.json"
bad 1 'f-field\.json: \[0\]\.colour' inventory import "$F-field.json"
printf '[{"org": "min-a", "product": "citrix:adc", "version": 13}]' >"$F-type.json"
bad 1 'f-type\.json: \[0\]\.version' inventory import "$F-type.json"
printf '{"rows": []}' >"$F-shape.json"
bad 1 'f-shape\.json: ' inventory import "$F-shape.json"

# --- inventory import, CycloneDX
cat >"$F-sbom.json" <<'EOF'
{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": [
  {"type": "library", "name": "log4j-core", "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}]}
EOF
bad 1 'f-sbom\.json: .*--org' inventory import "$F-sbom.json"
sed 's/"1\.5"/"0.9"/' "$F-sbom.json" >"$F-spec.json"
bad 1 'f-spec\.json: specVersion' inventory import "$F-spec.json" --org min-a
cat >"$F-purl.json" <<'EOF'
{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": [
  {"type": "library", "name": "ok", "purl": "pkg:npm/lodash@4.17.20"},
  {"type": "library", "name": "bad", "purl": "pkg:npm/"}]}
EOF
bad 1 'f-purl\.json: components\[1\]\..*purl' inventory import "$F-purl.json" --org min-a
cat >"$F-sbomtrunc.json" <<'EOF'
{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
EOF
bad 1 'f-sbomtrunc\.json:[0-9]+: malformed JSON' inventory import "$F-sbomtrunc.json" --org min-a
finish
