-- Baken schema 4: follow-up and accountability. Follow-up requests (terugmelding) with their
-- addressees, answers (comply or explain) and the coordinator's reviews; the BIO patch clock
-- per organisation and advisory; incidents with their advisories, scale levels, logbook
-- (decisions, meetings, communications, FAQ entries) and the vendor's patch timeline.
-- Answers, reviews, the logbook and the patch timeline are history: the store refuses to
-- change or remove a row of them, as it does for the event log.

CREATE TABLE followup_requests (
	id INTEGER PRIMARY KEY,
	advisory_id TEXT NOT NULL REFERENCES advisories(id),
	num INTEGER NOT NULL,         -- the latest published version when asked: notices refer to it
	question TEXT NOT NULL,
	deadline TEXT NOT NULL,       -- answers are due then (later answers are kept, marked late)
	closes_at TEXT,               -- no answers from then on (--closes, or `followup close`)
	to_spec TEXT NOT NULL,        -- JSON: what --to named (kinds, organisations, "affected")
	requested_by TEXT NOT NULL,   -- the actor who asked: the coordinator
	created_at TEXT NOT NULL,
	FOREIGN KEY (advisory_id, num) REFERENCES advisory_versions(advisory_id, num)
);
CREATE INDEX followup_requests_advisory ON followup_requests(advisory_id);

CREATE TABLE followup_addressees (
	request_id INTEGER NOT NULL REFERENCES followup_requests(id),
	org_id TEXT NOT NULL REFERENCES orgs(id),
	PRIMARY KEY (request_id, org_id)
);
CREATE INDEX followup_addressees_org ON followup_addressees(org_id);

-- Every answer is kept; an organisation's current answer is its latest.
CREATE TABLE followup_answers (
	id INTEGER PRIMARY KEY,
	request_id INTEGER NOT NULL,
	org_id TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('patched', 'mitigated', 'switched-off', 'kept-on')),
	version TEXT,                 -- patched: the version it runs now
	remedied_at TEXT,             -- patched, switched-off, mitigated: when it was done
	measures TEXT,                -- mitigated: which measures
	c1 TEXT,                      -- kept-on: switching off has disproportionate consequences
	c2 TEXT,                      -- kept-on: adequate extra monitoring and security measures
	c3 TEXT,                      -- kept-on: compartmentalised or quarantined, detection, no contamination
	note TEXT,
	by_org TEXT NOT NULL REFERENCES orgs(id), -- who answered: the organisation or a parent of it
	answered_by TEXT NOT NULL,    -- the actor
	answered_at TEXT NOT NULL,
	FOREIGN KEY (request_id, org_id) REFERENCES followup_addressees(request_id, org_id)
);
CREATE INDEX followup_answers_org ON followup_answers(request_id, org_id, answered_at);

-- The coordinator's decision on a kept-on explanation; a rejection reopens the request for
-- that organisation (until `due`, when given, else the request's deadline).
CREATE TABLE followup_reviews (
	id INTEGER PRIMARY KEY,
	answer_id INTEGER NOT NULL REFERENCES followup_answers(id),
	decision TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
	note TEXT,
	due TEXT,
	reviewed_by TEXT NOT NULL,
	reviewed_at TEXT NOT NULL
);
CREATE INDEX followup_reviews_answer ON followup_reviews(answer_id, reviewed_at);

-- The BIO clock: started by the first published high/high version, for every affected
-- organisation of a kind with a rule; the rule is kept as it was when the clock started.
CREATE TABLE deadlines (
	advisory_id TEXT NOT NULL REFERENCES advisories(id),
	org_id TEXT NOT NULL REFERENCES orgs(id),
	num INTEGER NOT NULL,         -- the first high/high version
	kind TEXT NOT NULL,
	rule TEXT NOT NULL,           -- "7d", "5bd", "7d+mitigated" ...
	started_at TEXT NOT NULL,
	due_at TEXT NOT NULL,
	fixed_at TEXT,                -- when the inventory showed only fixed versions
	created_at TEXT NOT NULL,
	PRIMARY KEY (advisory_id, org_id)
);
CREATE INDEX deadlines_org ON deadlines(org_id);

CREATE TABLE incidents (
	id TEXT PRIMARY KEY,
	title TEXT NOT NULL,
	level INTEGER NOT NULL DEFAULT 0 CHECK (level BETWEEN 0 AND 2),
	public INTEGER NOT NULL DEFAULT 0,
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL
);

CREATE TABLE incident_advisories (
	incident_id TEXT NOT NULL REFERENCES incidents(id),
	advisory_id TEXT NOT NULL REFERENCES advisories(id),
	added_at TEXT NOT NULL,
	PRIMARY KEY (incident_id, advisory_id)
);

-- The logbook: scale decisions, decisions, meetings, communications (press release, website
-- news, FAQ entries, social media) and notes, each with the time it happened.
CREATE TABLE incident_log (
	id INTEGER PRIMARY KEY,
	incident_id TEXT NOT NULL REFERENCES incidents(id),
	kind TEXT NOT NULL CHECK (kind IN ('scale', 'decision', 'meeting', 'communication', 'note')),
	level INTEGER,                -- scale: the new level
	channel TEXT,                 -- communication: press, website, faq, social, other
	title TEXT,                   -- communication: a headline, or an FAQ entry's question
	text TEXT NOT NULL,
	decided_by TEXT,              -- scale, decision: who decided
	approved_by TEXT,             -- JSON array: who approved a decision
	participants TEXT,            -- JSON array: who met
	at TEXT NOT NULL,
	recorded_by TEXT NOT NULL
);
CREATE INDEX incident_log_incident ON incident_log(incident_id, at);

-- The vendor's patch timeline per version branch: each announced date (the first is the
-- promise, later ones its changes) and the actual release.
CREATE TABLE incident_patches (
	id INTEGER PRIMARY KEY,
	incident_id TEXT NOT NULL REFERENCES incidents(id),
	product TEXT NOT NULL,
	range TEXT NOT NULL,
	announced TEXT,               -- the date the vendor gives
	released TEXT,                -- the version released
	at TEXT NOT NULL,             -- when it was announced or released
	recorded_by TEXT NOT NULL,
	CHECK ((announced IS NULL) <> (released IS NULL))
);
CREATE INDEX incident_patches_incident ON incident_patches(incident_id, product, range, at);

CREATE TRIGGER followup_answers_no_update BEFORE UPDATE ON followup_answers
BEGIN SELECT RAISE(ABORT, 'follow-up answers are history: a new answer revises one'); END;
CREATE TRIGGER followup_answers_no_delete BEFORE DELETE ON followup_answers
BEGIN SELECT RAISE(ABORT, 'follow-up answers are history: a new answer revises one'); END;
CREATE TRIGGER followup_reviews_no_update BEFORE UPDATE ON followup_reviews
BEGIN SELECT RAISE(ABORT, 'reviews are history: a new review revises one'); END;
CREATE TRIGGER followup_reviews_no_delete BEFORE DELETE ON followup_reviews
BEGIN SELECT RAISE(ABORT, 'reviews are history: a new review revises one'); END;
CREATE TRIGGER incident_log_no_update BEFORE UPDATE ON incident_log
BEGIN SELECT RAISE(ABORT, 'the incident logbook is append-only'); END;
CREATE TRIGGER incident_log_no_delete BEFORE DELETE ON incident_log
BEGIN SELECT RAISE(ABORT, 'the incident logbook is append-only'); END;
CREATE TRIGGER incident_patches_no_update BEFORE UPDATE ON incident_patches
BEGIN SELECT RAISE(ABORT, 'the patch timeline is append-only'); END;
CREATE TRIGGER incident_patches_no_delete BEFORE DELETE ON incident_patches
BEGIN SELECT RAISE(ABORT, 'the patch timeline is append-only'); END;
