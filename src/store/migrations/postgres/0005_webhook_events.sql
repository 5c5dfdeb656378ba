-- The webhook outbox (docs/webhooks.md): each event is written in the transaction of the change it
-- reports, and a background sender delivers it. linkgate's own table; no Auth.js table changes.
--
-- id is the event's webhook-id (stable across retries); seq orders events written together.
-- payload is the event's "data" object (JSON text). status is pending, delivered or failed. A
-- sender owns a pending event while lease_until is in the future (lease_owner names the node), so
-- one node at a time tries it; an expired lease (a crashed node) makes it claimable again.
CREATE TABLE IF NOT EXISTS webhook_events (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  created TIMESTAMPTZ NOT NULL,
  next_attempt TIMESTAMPTZ NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'pending',
  last_error TEXT,
  lease_owner TEXT,
  lease_until TIMESTAMPTZ
);
-- The sender's claim: due pending events, oldest first.
CREATE INDEX IF NOT EXISTS webhook_events_due ON webhook_events (next_attempt)
  WHERE status = 'pending';
