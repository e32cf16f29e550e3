-- Baken schema 6: standards. What imported CSAF documents, CVE records and the CISA KEV
-- catalogue add to the vulnerability records, and the analysts' to-do list.

-- More of a vulnerability record: from CVE records and CSAF documents.
ALTER TABLE vulns ADD COLUMN description TEXT;
ALTER TABLE vulns ADD COLUMN cwe TEXT;            -- "CWE-22"
ALTER TABLE vulns ADD COLUMN cvss_score TEXT;     -- "9.8", of cvss_vector
ALTER TABLE vulns ADD COLUMN cvss_vector TEXT;

-- Where a product range or a fixed version came from: NULL from an advisory (the analyst's
-- word, which an import never overwrites), else the source that gave it ('csaf:...',
-- 'cve:...'); a newer revision of a source replaces what it gave before.
ALTER TABLE vuln_products ADD COLUMN source TEXT;
ALTER TABLE vuln_fixed ADD COLUMN source TEXT;

-- Every document imported: one row per source, its last revision.
CREATE TABLE vuln_sources (
	source TEXT PRIMARY KEY,          -- csaf:<publisher namespace>/<tracking id>, cve:<CVE id>, kev
	kind TEXT NOT NULL CHECK (kind IN ('csaf', 'cve', 'kev')),
	doc_id TEXT NOT NULL,             -- tracking id, CVE id, catalogue version
	publisher TEXT,
	version TEXT,                     -- tracking version, dateUpdated, catalogVersion
	released TEXT,                    -- current_release_date, dateUpdated, dateReleased
	title TEXT,
	likelihood TEXT,                  -- the Kans/Schade notes of a CSAF document, if any
	impact TEXT,
	tlp TEXT,
	sha256 TEXT NOT NULL,             -- of the file as imported
	file TEXT NOT NULL,
	imported_at TEXT NOT NULL
);

CREATE TABLE vuln_source_cves (
	source TEXT NOT NULL REFERENCES vuln_sources(source),
	cve TEXT NOT NULL REFERENCES vulns(cve),
	PRIMARY KEY (source, cve)
);
CREATE INDEX vuln_source_cves_cve ON vuln_source_cves(cve);

CREATE TABLE vuln_remediations (
	cve TEXT NOT NULL REFERENCES vulns(cve),
	source TEXT NOT NULL,
	pos INTEGER NOT NULL,
	category TEXT NOT NULL,           -- mitigation, no_fix_planned, none_available, vendor_fix, workaround
	details TEXT NOT NULL,
	date TEXT,
	url TEXT,
	products TEXT NOT NULL,           -- JSON array of the product keys it applies to
	PRIMARY KEY (cve, source, pos)
);

CREATE TABLE vuln_references (
	cve TEXT NOT NULL REFERENCES vulns(cve),
	url TEXT NOT NULL,
	summary TEXT,
	source TEXT NOT NULL,
	PRIMARY KEY (cve, url)
);

-- The CISA KEV catalogue as last imported, one row per CVE.
CREATE TABLE kev_entries (
	cve TEXT PRIMARY KEY,
	vendor_project TEXT NOT NULL,
	product TEXT NOT NULL,
	name TEXT NOT NULL,
	date_added TEXT NOT NULL,
	due_date TEXT,
	ransomware TEXT,
	short_description TEXT,
	required_action TEXT,
	notes TEXT,
	cwes TEXT,                        -- JSON array
	catalog_version TEXT NOT NULL
);

-- The analysts' to-do list. 'reclassify': an advisory whose proposal would rise now that one
-- of its CVEs is known to be actively exploited (nothing is published by itself).
CREATE TABLE todos (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('reclassify')),
	advisory_id TEXT NOT NULL REFERENCES advisories(id),
	cve TEXT NOT NULL,
	reason TEXT NOT NULL,
	detail TEXT NOT NULL,             -- JSON: the classification now and the proposal
	created_at TEXT NOT NULL,
	done_at TEXT,
	done_by TEXT,
	note TEXT,
	UNIQUE (kind, advisory_id, cve)
);
CREATE INDEX todos_open ON todos(done_at);
