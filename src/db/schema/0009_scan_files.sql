-- Baken schema 9: a scan file is stored once, its observations are references into it.
--
-- Schema 3 kept every row of a file twice over: once as a scan_obs row with its bytes (a
-- million rows, ~900 MB a feed), once in scan_systems. Now the file itself is kept, cut in
-- chunks of 1 MiB, each compressed (zstd) on its own so that one row is read back by
-- decompressing one or two chunks. An observation is a row of that file for one CVE: its
-- system (cve, ip) holds, per sighting, the import, the line and the byte offset and length
-- of the row, so the original row, its line and its source (the import's) stay reachable, and
-- the port, time and AS number are read from the row again when an observation is listed.
-- scan_obs keeps the rows of imports made before this schema; nothing writes it any more.
--
-- scan_systems loses `source` (it is the source of last_import) and gains `obs`, the
-- sightings: per observation four unsigned LEB128 numbers (import id, line, byte offset,
-- length of the row in bytes), appended import after import. Its owner follows the netblocks:
-- a netblock added (or removed) re-maps the systems in its range (src/model/scan.c,
-- scan_remap). Only the primary key is indexed: the import writes a million systems in key
-- order; queries by organisation read the table through (a few hundred ms per million
-- systems), which costs less than keeping a second index on every import.

CREATE TABLE scan_chunks (
	import_id INTEGER NOT NULL,
	seq INTEGER NOT NULL,         -- 0, 1, 2 ... in file order
	start INTEGER NOT NULL,       -- byte offset in the file of the chunk's first byte
	size INTEGER NOT NULL,        -- bytes before compression
	data BLOB NOT NULL,           -- one zstd frame of those bytes
	PRIMARY KEY (import_id, seq)
) WITHOUT ROWID;

-- where the rows of a file start (after its header line): a row is read again by parsing the
-- bytes before this offset (the header) and then the row
ALTER TABLE scan_imports ADD COLUMN body_offset INTEGER NOT NULL DEFAULT 0;

CREATE TABLE scan_systems_9 (
	cve TEXT NOT NULL,
	ip BLOB NOT NULL,
	ports TEXT NOT NULL,
	org_id TEXT,
	asn INTEGER,
	hostname TEXT,
	product TEXT,
	version TEXT,
	last_import INTEGER NOT NULL,
	first_seen INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	seen INTEGER NOT NULL,
	day0 INTEGER NOT NULL,
	days BLOB NOT NULL,
	reported_at INTEGER,
	obs BLOB,                     -- the sightings (see above); NULL: only in scan_obs
	PRIMARY KEY (cve, ip)
) WITHOUT ROWID;
INSERT INTO scan_systems_9 (cve, ip, ports, org_id, asn, hostname, product, version, last_import,
	first_seen, last_seen, seen, day0, days, reported_at, obs)
	SELECT cve, ip, ports, org_id, asn, hostname, product, version, last_import, first_seen,
	last_seen, seen, day0, days, reported_at, NULL FROM scan_systems;
DROP TABLE scan_systems;
ALTER TABLE scan_systems_9 RENAME TO scan_systems;
