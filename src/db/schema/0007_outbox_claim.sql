-- Baken schema 7: the outbox's claim (src/model/outbox.c, outbox_claim) reads the due alerts
-- in the order of this index and stops after one batch, so a claim costs the same with 100 or
-- 100,000 alerts waiting. Call tasks (which the outbox never sends) and alerts no longer
-- queued are not in it and are never walked over.
CREATE INDEX alerts_outbox ON alerts(next_attempt_at, id)
	WHERE state = 'queued' AND channel IN ('email', 'webhook');
