-- What linkgate adds: indexes for its hot queries, and its own tables under their own names.
-- Nothing here changes a column Auth.js reads or writes.

-- GET /session looks a session up by its token on every request. UNIQUE because a token must
-- name exactly one session (tokens are random UUIDs, so Auth.js never writes duplicates).
CREATE UNIQUE INDEX IF NOT EXISTS sessions_session_token ON sessions ("sessionToken");
-- The sweep of expired rows, and deleting a user's sessions.
CREATE INDEX IF NOT EXISTS sessions_expires ON sessions (expires);
CREATE INDEX IF NOT EXISTS sessions_user_id ON sessions ("userId");
-- POST /signin and the callback look users up by email (not UNIQUE: Auth.js's schema allows
-- duplicates, and a database taken over from it may have some).
CREATE INDEX IF NOT EXISTS users_email ON users (email);
-- Consuming a token uses the primary key (identifier, token); the sweep uses expires.
CREATE INDEX IF NOT EXISTS verification_token_expires ON verification_token (expires);
CREATE INDEX IF NOT EXISTS accounts_user_id ON accounts ("userId");

-- The dev outbox provider's messages (/dev/outbox).
CREATE TABLE IF NOT EXISTS linkgate_outbox (
  id BIGSERIAL PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  "to" TEXT NOT NULL,
  "from" TEXT NOT NULL,
  subject TEXT NOT NULL,
  text TEXT NOT NULL,
  html TEXT NOT NULL,
  url TEXT NOT NULL,
  provider TEXT NOT NULL
);
