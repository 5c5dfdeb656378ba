-- Tombstones of consumed sign-in links: a link's row is deleted when it is used, and its tombstone
-- (identifier, token hash, expiry) is written by the same statement, so that a link presented
-- again can be told apart from a forged one (audit reason "reused"). The token is the hash kept in
-- verification_token, never the raw token. A tombstone is swept once expired, like the link.
-- linkgate's own table; no Auth.js table changes.
CREATE TABLE IF NOT EXISTS linkgate_used_verification_token (
  identifier TEXT NOT NULL,
  token TEXT NOT NULL,
  expires TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (identifier, token)
);
-- The sweep of expired tombstones.
CREATE INDEX IF NOT EXISTS linkgate_used_verification_token_expires
  ON linkgate_used_verification_token (expires);
