#include "store/sqlite/schema.hpp"

#include <cstdint>
#include <string>

namespace linkgate::store::sqlite {

namespace {

constexpr const char* kCreateSchemaV1 = R"sql(
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

PRAGMA user_version = 1;
)sql";

static_assert(kSchemaVersion == 1, "add the migration from the previous version above");

}  // namespace

Result<void> apply_schema(Connection& connection) {
  // journal_mode is persistent in the file; it cannot change inside a transaction.
  if (auto ok = connection.exec("PRAGMA journal_mode=WAL", "apply schema"); !ok) return ok;

  // IMMEDIATE so that two processes opening a new file at once create the schema one after the
  // other, the second one seeing the first one's user_version.
  auto transaction = Transaction::begin(connection, "apply schema");
  if (!transaction) return transaction.error();

  std::int64_t version = 0;
  {
    // Scoped so the statement is reset before the DDL below changes the schema.
    auto version_query = connection.query("PRAGMA user_version", "apply schema");
    if (!version_query) return version_query.error();
    auto row = version_query->step();
    if (!row) return row.error();
    if (*row) version = version_query->integer(0);
  }

  if (version > kSchemaVersion) {
    return store_error("apply schema", "the database schema version " + std::to_string(version) +
                                           " is newer than this linkgate supports (" +
                                           std::to_string(kSchemaVersion) + "); upgrade linkgate");
  }
  if (version < kSchemaVersion) {
    if (auto ok = connection.exec(kCreateSchemaV1, "apply schema"); !ok) return ok;
  }
  return (*transaction)->commit();
}

}  // namespace linkgate::store::sqlite
