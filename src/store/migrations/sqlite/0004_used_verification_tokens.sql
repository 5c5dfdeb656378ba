-- Tombstones of consumed sign-in links, as in PostgreSQL's 0006_used_verification_tokens: written
-- in the transaction that consumes the link, so that a link presented again can be told apart from
-- a forged one (audit reason "reused"). The token is the hash kept in verification_token, never
-- the raw token. Swept once expired. Times are INTEGER milliseconds since the Unix epoch (UTC).
CREATE TABLE IF NOT EXISTS linkgate_used_verification_token (
  identifier TEXT NOT NULL,
  token TEXT NOT NULL,
  expires INTEGER NOT NULL,
  PRIMARY KEY (identifier, token)
);
CREATE INDEX IF NOT EXISTS linkgate_used_verification_token_expires
  ON linkgate_used_verification_token (expires);
