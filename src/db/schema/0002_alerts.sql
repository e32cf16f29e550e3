-- Baken schema 2: alerts. One row per (advisory version, organisation, channel, contact, topic),
-- created once (the unique key); delivered through the outbox. The topic 'advisory' is a
-- published version, rendered when it is sent; other topics (scan results, follow-up requests
-- and reminders) carry their own subject and body, written when the alert is made, and
-- topic_ref tells two alerts of one topic apart (a scan batch, a reminder's date).

ALTER TABLE contacts ADD COLUMN webhook_url TEXT;
ALTER TABLE orgs ADD COLUMN webhook_secret TEXT;

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
	message_id TEXT NOT NULL UNIQUE,
	state TEXT NOT NULL DEFAULT 'queued'
		CHECK (state IN ('queued', 'sent', 'delivered', 'acknowledged', 'failed', 'cancelled')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at TEXT NOT NULL,
	last_error TEXT,
	claimed_by TEXT,              -- the worker (host:pid) or analyst holding it
	lease_until TEXT,
	outcome TEXT,                 -- call tasks: reached, voicemail, no-answer, wrong-number
	note TEXT,
	ack_hash TEXT UNIQUE,         -- SHA-256 of the acknowledgement token in the mail
	created_at TEXT NOT NULL,
	sent_at TEXT,
	delivered_at TEXT,
	acked_at TEXT,
	acked_by TEXT,
	UNIQUE (advisory_id, num, org_id, channel, contact_id, topic, topic_ref),
	FOREIGN KEY (advisory_id, num) REFERENCES advisory_versions(advisory_id, num)
);
CREATE INDEX alerts_due ON alerts(state, next_attempt_at);
CREATE INDEX alerts_org ON alerts(org_id);
