-- One-time codes (SPEC B3) and rate-limit windows (SPEC B1): linkgate's own tables, shared by
-- every instance on this database so that limits and attempt counts hold across nodes.

-- A code lives in its own table (never in verification_token), so a code can never be redeemed
-- as a link nor a link as a code (SPEC B4b). No uniqueness on (identifier, code_hash): two emails
-- to one address may carry the same short code.
CREATE TABLE IF NOT EXISTS linkgate_one_time_code (
  id BIGSERIAL PRIMARY KEY,
  identifier TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  link_token_hash TEXT NOT NULL,
  expires TIMESTAMPTZ NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS linkgate_one_time_code_identifier ON linkgate_one_time_code (identifier);
CREATE INDEX IF NOT EXISTS linkgate_one_time_code_link ON linkgate_one_time_code (link_token_hash);
CREATE INDEX IF NOT EXISTS linkgate_one_time_code_expires ON linkgate_one_time_code (expires);

-- One fixed window per key: `hits` counted since the window opened, closing at `resets_at`.
CREATE TABLE IF NOT EXISTS linkgate_rate_limit (
  key TEXT PRIMARY KEY,
  hits BIGINT NOT NULL,
  resets_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS linkgate_rate_limit_resets_at ON linkgate_rate_limit (resets_at);
