-- The webhook outbox (docs/webhooks.md), as in PostgreSQL's 0005_webhook_events: each event is
-- written in the transaction of the change it reports, and a background sender delivers it.
-- Times are INTEGER milliseconds since the Unix epoch (UTC), as in 0001.
--
-- id is the event's webhook-id (stable across retries); seq orders events written together.
-- payload is the event's "data" object (JSON text). status is pending, delivered or failed.
-- lease_owner/lease_until: the sender that owns a pending event until then.
CREATE TABLE IF NOT EXISTS webhook_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  created INTEGER NOT NULL,
  next_attempt INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'pending',
  last_error TEXT,
  lease_owner TEXT,
  lease_until INTEGER
);
CREATE INDEX IF NOT EXISTS webhook_events_due ON webhook_events (status, next_attempt);
