# CycloneDX SBOMs 1.4, 1.5 and 1.6 as inventory (issue 5, with the standards): the metadata's
# component, nested components, scope "excluded" left out, a purl Baken cannot key falling
# back to the CPE, and refusals that name the component's JSON path; nothing is written when
# one component is wrong.
. "$(dirname "$0")/lib.sh"

seed_orgs
for spec in 1.4 1.6; do
	cat >"$T/sbom-$spec.json" <<EOF
{
  "bomFormat": "CycloneDX",
  "specVersion": "$spec",
  "version": 1,
  "metadata": {"component": {"type": "device", "name": "NetScaler", "version": "13.0-47.22",
                              "cpe": "cpe:2.3:o:citrix:adc:13.0-47.22:*:*:*:*:*:*:*"}},
  "components": [
    {"type": "application", "name": "portal", "version": "2.1",
     "purl": "pkg:generic/acme/portal@2.1",
     "components": [
       {"type": "library", "name": "log4j-core", "version": "2.14.1",
        "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
       {"type": "library", "name": "test-only", "version": "1.0", "scope": "excluded",
        "purl": "pkg:npm/test-only@1.0"}
     ]},
    {"type": "application", "name": "vpn", "version": "9.1R8", "purl": "pkg:/broken",
     "cpe": "cpe:2.3:a:ivanti:connect_secure:9.1:r8:*:*:*:*:*:*"}
  ]
}
EOF
	must --json inventory import "$T/sbom-$spec.json" --org vital-e --replace
	js 'd["rows"] == 4' "CycloneDX $spec: metadata component, nested component, CPE fallback; excluded left out"
	must --json inventory list --org vital-e
	js 'sorted((r["product"], r["version"]) for r in d) == [("acme:portal", "2.1"), ("citrix:adc", "13.0-47.22"), ("ivanti:connect_secure", "9.1R8"), ("org.apache.logging.log4j:log4j-core", "2.14.1")]' \
		"CycloneDX $spec: the rows"
done

printf '%s\n' '{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [' \
	'  {"type": "application", "name": "a", "purl": "pkg:npm/a@1.0", "components": [' \
	'    {"type": "library", "name": "b", "purl": "pkg:npm/b@1.0"},' \
	'    {"type": "library", "name": "c", "purl": "pkg:npm/c", "version": "not a version!"}]}]}' \
	>"$T/bad-nested.json"
bad 1 'bad-nested\.json: components\[0\]\.components\[1\]\.version' inventory import "$T/bad-nested.json" --org min-a
printf '%s\n' '{"bomFormat": "CycloneDX", "specVersion": "1.4", "version": 1, "components": ["pkg:npm/a@1.0"]}' \
	>"$T/bad-item.json"
bad 1 'bad-item\.json: components\[0\]: expected an object' inventory import "$T/bad-item.json" --org min-a
printf '%s\n' '{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": [' \
	'  {"type": "library", "name": "x", "purl": ["pkg:npm/x@1"]}]}' >"$T/bad-type.json"
bad 1 'bad-type\.json: components\[0\]: purl, cpe and version must be strings' inventory import "$T/bad-type.json" --org min-a
sed 's/"1\.4"/"1.3"/' "$T/bad-item.json" >"$T/old.json"
bad 1 'old\.json: specVersion: "1\.3": expected CycloneDX 1\.4-1\.6' inventory import "$T/old.json" --org min-a
finish
