-- The SQLite schema: Auth.js's adapter tables (users, sessions, verification_token, accounts;
-- camelCase columns quoted as in @auth/pg-adapter) plus linkgate_outbox.
--
-- Differences from the pg schema, and why: ids are TEXT (UUID v4 strings) so that JWT `sub`
-- values look like the other Auth.js adapters'; timestamps are INTEGER milliseconds since the
-- Unix epoch (UTC), which SQLite compares and indexes natively; sessions."sessionToken" is UNIQUE
-- because a session token must name exactly one session.

CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT,
  email TEXT,
  "emailVerified" INTEGER,
  image TEXT
);
CREATE INDEX IF NOT EXISTS users_email ON users (email);

CREATE TABLE IF NOT EXISTS sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  "userId" TEXT NOT NULL,
  expires INTEGER NOT NULL,
  "sessionToken" TEXT NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS sessions_user_id ON sessions ("userId");
CREATE INDEX IF NOT EXISTS sessions_expires ON sessions (expires);

CREATE TABLE IF NOT EXISTS verification_token (
  identifier TEXT NOT NULL,
  expires INTEGER NOT NULL,
  token TEXT NOT NULL,
  PRIMARY KEY (identifier, token)
);
CREATE INDEX IF NOT EXISTS verification_token_expires ON verification_token (expires);

CREATE TABLE IF NOT EXISTS accounts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  "userId" TEXT NOT NULL,
  type TEXT NOT NULL,
  provider TEXT NOT NULL,
  "providerAccountId" TEXT NOT NULL,
  refresh_token TEXT,
  access_token TEXT,
  expires_at INTEGER,
  id_token TEXT,
  scope TEXT,
  session_state TEXT,
  token_type TEXT
);
CREATE INDEX IF NOT EXISTS accounts_user_id ON accounts ("userId");

CREATE TABLE IF NOT EXISTS linkgate_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at INTEGER NOT NULL,
  "to" TEXT NOT NULL,
  "from" TEXT NOT NULL,
  subject TEXT NOT NULL,
  text TEXT NOT NULL,
  html TEXT NOT NULL,
  url TEXT NOT NULL,
  provider TEXT NOT NULL
);
