// The SQLite schema of linkgate: Auth.js's adapter tables (users, sessions, verification_token,
// accounts; camelCase columns quoted as in @auth/pg-adapter) plus linkgate_outbox.
//
// Differences from the pg schema, and why: ids are TEXT (UUID v4 strings) so that JWT `sub`
// values look like the other Auth.js adapters'; timestamps are INTEGER milliseconds since the
// Unix epoch (UTC), which SQLite compares and indexes natively; sessions."sessionToken" is UNIQUE
// because a session token must name exactly one session.
#pragma once

#include "linkgate/result.hpp"
#include "store/sqlite/connection.hpp"

namespace linkgate::store::sqlite {

// The version this build writes into PRAGMA user_version.
inline constexpr int kSchemaVersion = 1;

// Switches the database to WAL and creates the schema when the file is new. Idempotent: a
// database already at kSchemaVersion is left as it is. Fails on a database whose user_version is
// newer than this build knows, rather than writing to tables it does not understand.
Result<void> apply_schema(Connection& connection);

}  // namespace linkgate::store::sqlite
