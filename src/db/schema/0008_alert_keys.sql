-- Baken schema 8: alerts without the two unique indexes that no query needs.
--
-- message_id is '<baken.ID.TIME@host>': unique because the alert id is, so its UNIQUE index
-- only cost a B-tree insert per alert (no query looks an alert up by Message-ID). ack_hash is
-- no longer written: the acknowledgement token is derived from the Message-ID when the mail is
-- written (src/model/alert.c, alert_ack_token_of) and names its alert; only links from before
-- this change are found by their stored hash, through a partial index that holds just those.
-- Publishing to 50,000 organisations (100,000 alerts) writes two index entries fewer per alert.
--
-- SQLite cannot drop a UNIQUE constraint, so the table is rebuilt: renamed first (so that on
-- PostgreSQL the new table's id trigger is made for the name `alerts`), copied with its ids,
-- and every index made again, that of 0007 included. The columns, their order, the checks,
-- the unique key and the foreign keys are those of 0002.
DROP INDEX alerts_due;
DROP INDEX alerts_org;
DROP INDEX alerts_outbox;
ALTER TABLE alerts RENAME TO alerts_before_0008;

CREATE TABLE alerts (
	id INTEGER PRIMARY KEY,
	advisory_id TEXT NOT NULL,
	num INTEGER NOT NULL,
	org_id TEXT NOT NULL REFERENCES orgs(id),
	channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook', 'call')),
	contact_id INTEGER NOT NULL,  -- 0 for a call task, which is per organisation
	topic TEXT NOT NULL DEFAULT 'advisory',
	topic_ref TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL,         -- affected, addressed, partner; or the topic's own reason
	subject TEXT,                 -- other topics: the subject and body as written
	body TEXT,
	address TEXT,                 -- e-mail address or webhook URL, as it was when created
	matched TEXT NOT NULL,        -- JSON: the organisation's products and versions that matched
	phones TEXT,                  -- JSON, call tasks: the numbers to try, in order
	message_id TEXT NOT NULL,     -- '<baken.ID.TIME@host>': unique as the id is
	state TEXT NOT NULL DEFAULT 'queued'
		CHECK (state IN ('queued', 'sent', 'delivered', 'acknowledged', 'failed', 'cancelled')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at TEXT NOT NULL,
	last_error TEXT,
	claimed_by TEXT,              -- the worker (host:pid) or analyst holding it
	lease_until TEXT,
	outcome TEXT,                 -- call tasks: reached, voicemail, no-answer, wrong-number
	note TEXT,
	ack_hash TEXT,                -- alerts made before 0008: SHA-256 of the token in their mail
	created_at TEXT NOT NULL,
	sent_at TEXT,
	delivered_at TEXT,
	acked_at TEXT,
	acked_by TEXT,
	UNIQUE (advisory_id, num, org_id, channel, contact_id, topic, topic_ref),
	FOREIGN KEY (advisory_id, num) REFERENCES advisory_versions(advisory_id, num)
);
INSERT INTO alerts (id, advisory_id, num, org_id, channel, contact_id, topic, topic_ref, reason,
	subject, body, address, matched, phones, message_id, state, attempts, next_attempt_at,
	last_error, claimed_by, lease_until, outcome, note, ack_hash, created_at, sent_at,
	delivered_at, acked_at, acked_by)
SELECT id, advisory_id, num, org_id, channel, contact_id, topic, topic_ref, reason, subject,
	body, address, matched, phones, message_id, state, attempts, next_attempt_at, last_error,
	claimed_by, lease_until, outcome, note, ack_hash, created_at, sent_at, delivered_at,
	acked_at, acked_by
FROM alerts_before_0008;
DROP TABLE alerts_before_0008;

CREATE INDEX alerts_due ON alerts(state, next_attempt_at);
CREATE INDEX alerts_org ON alerts(org_id);
CREATE UNIQUE INDEX alerts_ack_hash ON alerts(ack_hash) WHERE ack_hash IS NOT NULL;
-- as 0007_outbox_claim.sql made it, to the letter (test_alert_bulk compares them: an index
-- changed in 0007 must be changed here too)
CREATE INDEX alerts_outbox ON alerts(next_attempt_at, id)
	WHERE state = 'queued' AND channel IN ('email', 'webhook');
