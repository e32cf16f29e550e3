-- Baken schema 1: configuration, organisations, inventory, vulnerabilities, advisories and
-- their versions, and the hash-chained event log. Times are ISO 8601 text in UTC.

CREATE TABLE config (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE orgs (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('ministry', 'agency', 'vital', 'partner', 'other')),
	parent_id TEXT REFERENCES orgs(id) DEFERRABLE INITIALLY DEFERRED,
	sector TEXT,
	created_at TEXT NOT NULL
);
CREATE INDEX orgs_parent ON orgs(parent_id);

CREATE TABLE contacts (
	id INTEGER PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES orgs(id),
	name TEXT NOT NULL,
	role TEXT,
	email TEXT,
	phone TEXT,
	always_on INTEGER NOT NULL DEFAULT 0, -- reachable 24/7
	created_at TEXT NOT NULL,
	UNIQUE (org_id, name)
);

CREATE TABLE netblocks (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	cidr TEXT NOT NULL,       -- canonical text
	addr BLOB NOT NULL,       -- 16 bytes, IPv4 mapped into IPv6
	prefix INTEGER NOT NULL,  -- in the 128-bit space
	created_at TEXT NOT NULL,
	PRIMARY KEY (cidr)
);
CREATE INDEX netblocks_org ON netblocks(org_id);

CREATE TABLE inventory (
	org_id TEXT NOT NULL REFERENCES orgs(id),
	product TEXT NOT NULL,    -- vendor:product, lowercase
	version TEXT NOT NULL,
	vkey BLOB NOT NULL,       -- version_key(version): byte order is version order
	count INTEGER NOT NULL DEFAULT 1 CHECK (count >= 0),
	internet_facing INTEGER NOT NULL DEFAULT 0,
	updated_at TEXT NOT NULL,
	PRIMARY KEY (org_id, product, version)
);
-- who runs which versions of a product: read as stretches of version keys, covering every
-- column `advisory affected` needs, so a range is answered from the index alone
CREATE INDEX inventory_match ON inventory(product, vkey, org_id, version, count, internet_facing);

CREATE TABLE vulns (
	cve TEXT PRIMARY KEY,
	title TEXT,
	exploit_status TEXT NOT NULL DEFAULT 'none'
		CHECK (exploit_status IN ('none', 'poc', 'public', 'active', 'active-state-actor')),
	mitigation_status TEXT NOT NULL DEFAULT 'none'
		CHECK (mitigation_status IN ('none', 'workaround', 'partial-patch', 'patch')),
	reported_to_vendor TEXT,
	disclosed TEXT,
	learned TEXT,
	kev_date TEXT,
	updated_at TEXT NOT NULL
);

CREATE TABLE vuln_products (
	cve TEXT NOT NULL REFERENCES vulns(cve),
	product TEXT NOT NULL,
	range TEXT NOT NULL,
	PRIMARY KEY (cve, product)
);

CREATE TABLE vuln_fixed (
	cve TEXT NOT NULL REFERENCES vulns(cve),
	product TEXT NOT NULL,
	version TEXT NOT NULL,
	PRIMARY KEY (cve, product, version)
);

CREATE TABLE advisories (
	id TEXT PRIMARY KEY,      -- PREFIX-YYYY-NNNN
	year INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	created_at TEXT NOT NULL,
	UNIQUE (year, seq)
);

-- One row per version. num 0 is 1.00, num 1 is 1.01 ...; the row with published_at NULL is
-- the draft (at most one per advisory). A published row never changes (trigger below).
CREATE TABLE advisory_versions (
	advisory_id TEXT NOT NULL REFERENCES advisories(id),
	num INTEGER NOT NULL,
	title TEXT NOT NULL,
	tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
	matrix TEXT NOT NULL,     -- the answers given, "flag=value,..."
	likelihood TEXT NOT NULL CHECK (likelihood IN ('low', 'medium', 'high')),
	impact TEXT NOT NULL CHECK (impact IN ('low', 'medium', 'high')),
	rationale TEXT,           -- why the levels differ from the proposal
	platform TEXT,
	summary TEXT,
	description TEXT,
	solution TEXT,
	changelog TEXT,           -- what changed since the version before
	material INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	published_at TEXT,
	PRIMARY KEY (advisory_id, num)
);
CREATE UNIQUE INDEX advisory_one_draft ON advisory_versions(advisory_id) WHERE published_at IS NULL;

CREATE TABLE advisory_cves (
	advisory_id TEXT NOT NULL,
	num INTEGER NOT NULL,
	pos INTEGER NOT NULL,
	cve TEXT NOT NULL REFERENCES vulns(cve),
	PRIMARY KEY (advisory_id, num, cve),
	FOREIGN KEY (advisory_id, num) REFERENCES advisory_versions(advisory_id, num)
);
CREATE INDEX advisory_cves_cve ON advisory_cves(cve);

CREATE TABLE advisory_affects (
	advisory_id TEXT NOT NULL,
	num INTEGER NOT NULL,
	pos INTEGER NOT NULL,
	product TEXT NOT NULL,
	range TEXT NOT NULL,
	PRIMARY KEY (advisory_id, num, product),
	FOREIGN KEY (advisory_id, num) REFERENCES advisory_versions(advisory_id, num)
);

CREATE TABLE advisory_fixed (
	advisory_id TEXT NOT NULL,
	num INTEGER NOT NULL,
	pos INTEGER NOT NULL,
	product TEXT NOT NULL,
	version TEXT NOT NULL,
	PRIMARY KEY (advisory_id, num, product, version),
	FOREIGN KEY (advisory_id, num) REFERENCES advisory_versions(advisory_id, num)
);

CREATE TABLE advisory_refs (
	advisory_id TEXT NOT NULL,
	num INTEGER NOT NULL,
	pos INTEGER NOT NULL,
	url TEXT NOT NULL,
	PRIMARY KEY (advisory_id, num, url),
	FOREIGN KEY (advisory_id, num) REFERENCES advisory_versions(advisory_id, num)
);

-- Organisations an advisory is addressed to (--to), beyond those affected.
CREATE TABLE advisory_recipients (
	advisory_id TEXT NOT NULL,
	num INTEGER NOT NULL,
	org_id TEXT NOT NULL REFERENCES orgs(id),
	PRIMARY KEY (advisory_id, num, org_id),
	FOREIGN KEY (advisory_id, num) REFERENCES advisory_versions(advisory_id, num)
);

-- The event log: append-only, each entry chained to the one before by its hash.
CREATE TABLE events (
	id INTEGER PRIMARY KEY,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	object TEXT NOT NULL,
	occurred_at TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	detail TEXT NOT NULL,     -- JSON
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX events_object ON events(object);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

CREATE TRIGGER advisory_published_frozen BEFORE UPDATE ON advisory_versions
WHEN OLD.published_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published advisory version never changes'); END;
CREATE TRIGGER advisory_published_kept BEFORE DELETE ON advisory_versions
WHEN OLD.published_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published advisory version never changes'); END;

-- the lists of a published version are as frozen as the version itself
CREATE TRIGGER advisory_cves_frozen_insert BEFORE INSERT ON advisory_cves
WHEN (SELECT published_at FROM advisory_versions
      WHERE advisory_id = NEW.advisory_id AND num = NEW.num) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published advisory version never changes'); END;
CREATE TRIGGER advisory_cves_frozen_update BEFORE UPDATE ON advisory_cves
WHEN (SELECT published_at FROM advisory_versions
      WHERE advisory_id = OLD.advisory_id AND num = OLD.num) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published advisory version never changes'); END;
CREATE TRIGGER advisory_cves_frozen_delete BEFORE DELETE ON advisory_cves
WHEN (SELECT published_at FROM advisory_versions
      WHERE advisory_id = OLD.advisory_id AND num = OLD.num) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published advisory version never changes'); END;
CREATE TRIGGER advisory_affects_frozen_insert BEFORE INSERT ON advisory_affects
WHEN (SELECT published_at FROM advisory_versions
      WHERE advisory_id = NEW.advisory_id AND num = NEW.num) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published advisory version never changes'); END;
CREATE TRIGGER advisory_affects_frozen_update BEFORE UPDATE ON advisory_affects
WHEN (SELECT published_at FROM advisory_versions
      WHERE advisory_id = OLD.advisory_id AND num = OLD.num) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published advisory version never changes'); END;
CREATE TRIGGER advisory_affects_frozen_delete BEFORE DELETE ON advisory_affects
WHEN (SELECT published_at FROM advisory_versions
      WHERE advisory_id = OLD.advisory_id AND num = OLD.num) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published advisory version never changes'); END;
CREATE TRIGGER advisory_fixed_frozen_insert BEFORE INSERT ON advisory_fixed
WHEN (SELECT published_at FROM advisory_versions
      WHERE advisory_id = NEW.advisory_id AND num = NEW.num) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published advisory version never changes'); END;
CREATE TRIGGER advisory_fixed_frozen_update BEFORE UPDATE ON advisory_fixed
WHEN (SELECT published_at FROM advisory_versions
      WHERE advisory_id = OLD.advisory_id AND num = OLD.num) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published advisory version never changes'); END;
CREATE TRIGGER advisory_fixed_frozen_delete BEFORE DELETE ON advisory_fixed
WHEN (SELECT published_at FROM advisory_versions
      WHERE advisory_id = OLD.advisory_id AND num = OLD.num) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published advisory version never changes'); END;
CREATE TRIGGER advisory_refs_frozen_insert BEFORE INSERT ON advisory_refs
WHEN (SELECT published_at FROM advisory_versions
      WHERE advisory_id = NEW.advisory_id AND num = NEW.num) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published advisory version never changes'); END;
CREATE TRIGGER advisory_refs_frozen_update BEFORE UPDATE ON advisory_refs
WHEN (SELECT published_at FROM advisory_versions
      WHERE advisory_id = OLD.advisory_id AND num = OLD.num) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published advisory version never changes'); END;
CREATE TRIGGER advisory_refs_frozen_delete BEFORE DELETE ON advisory_refs
WHEN (SELECT published_at FROM advisory_versions
      WHERE advisory_id = OLD.advisory_id AND num = OLD.num) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published advisory version never changes'); END;
CREATE TRIGGER advisory_recipients_frozen_insert BEFORE INSERT ON advisory_recipients
WHEN (SELECT published_at FROM advisory_versions
      WHERE advisory_id = NEW.advisory_id AND num = NEW.num) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published advisory version never changes'); END;
CREATE TRIGGER advisory_recipients_frozen_update BEFORE UPDATE ON advisory_recipients
WHEN (SELECT published_at FROM advisory_versions
      WHERE advisory_id = OLD.advisory_id AND num = OLD.num) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published advisory version never changes'); END;
CREATE TRIGGER advisory_recipients_frozen_delete BEFORE DELETE ON advisory_recipients
WHEN (SELECT published_at FROM advisory_versions
      WHERE advisory_id = OLD.advisory_id AND num = OLD.num) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a published advisory version never changes'); END;
