-- Baken schema 3: scan results. An import is one file (its SHA-256 makes a second import of the
-- same file add nothing); an observation is one row of it for one CVE (a row naming two CVEs is
-- two observations, a row naming none is one with cve ''), kept with its line and its bytes as
-- they were in the file. A system is an address seen vulnerable to a CVE: (cve, ip), with the
-- ports, its owner by longest prefix, first and last seen, the days it was seen (a bitmap), and
-- when its owner was last told. scan_daily counts the systems seen per CVE, day and owner.
-- Times in these tables are seconds since the epoch (UTC): a feed brings a million rows a day.

CREATE TABLE scan_imports (
	id INTEGER PRIMARY KEY,
	sha256 TEXT NOT NULL UNIQUE,
	size INTEGER NOT NULL,        -- bytes; with head_sha256 (of the first 64 KiB) a quick test
	head_sha256 TEXT NOT NULL,    -- whether a file may have been imported before
	file TEXT NOT NULL,           -- the name it was imported from
	format TEXT NOT NULL CHECK (format IN ('shadowserver', 'csv', 'json')),
	report TEXT,                  -- the Shadowserver report type, e.g. scan_http_vulnerable
	source TEXT NOT NULL,         -- whose scan: --source, else shadowserver/<report>, csv, json
	rows INTEGER NOT NULL,        -- rows of the file after the header
	observations INTEGER NOT NULL,
	duplicates INTEGER NOT NULL,  -- rows that repeat an earlier row of the file byte for byte
	matched INTEGER NOT NULL,     -- observations in a registered netblock
	scanned_from INTEGER,         -- the earliest and latest time seen in the file
	scanned_at INTEGER,           -- (a scan of the source, for "fixed")
	alerts INTEGER NOT NULL DEFAULT 0, -- organisations informed
	imported_at TEXT NOT NULL,
	actor TEXT NOT NULL
);
CREATE INDEX scan_imports_source ON scan_imports(source, scanned_at);
CREATE INDEX scan_imports_head ON scan_imports(size, head_sha256);

-- No foreign keys here: rows are written only by the import, which takes the organisation from
-- the netblocks; a million checks per file would double its time.
CREATE TABLE scan_obs (
	id INTEGER PRIMARY KEY,
	import_id INTEGER NOT NULL,
	line INTEGER NOT NULL,        -- where the row starts in the file (the header is line 1)
	ip BLOB NOT NULL,             -- 16 bytes, IPv4 mapped into IPv6
	port INTEGER,
	seen_at INTEGER NOT NULL,
	cve TEXT NOT NULL,            -- '' when the row names none
	org_id TEXT,                  -- the owner when imported; NULL in no registered netblock
	asn INTEGER,
	raw TEXT NOT NULL             -- the row as it was in the file
);

CREATE TABLE scan_systems (
	cve TEXT NOT NULL,
	ip BLOB NOT NULL,
	ports TEXT NOT NULL,          -- the ports seen, "443,8443"
	org_id TEXT,
	asn INTEGER,
	hostname TEXT,
	product TEXT,
	version TEXT,
	source TEXT NOT NULL,         -- the source of the latest observation
	last_import INTEGER NOT NULL, -- the import of the latest observation
	first_seen INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	seen INTEGER NOT NULL,        -- observations
	day0 INTEGER NOT NULL,        -- day (since 1970-01-01) of bit 0 of days
	days BLOB NOT NULL,           -- bit k (byte k/8, bit k%8) set: seen on day day0 + k
	reported_at INTEGER,          -- when its owner was last told of it
	PRIMARY KEY (cve, ip)
) WITHOUT ROWID;
CREATE INDEX scan_systems_org ON scan_systems(org_id, cve);

CREATE TABLE scan_daily (
	cve TEXT NOT NULL,
	day INTEGER NOT NULL,         -- days since 1970-01-01
	org_id TEXT NOT NULL,         -- '' for systems in no registered netblock
	systems INTEGER NOT NULL,
	PRIMARY KEY (cve, day, org_id)
);
