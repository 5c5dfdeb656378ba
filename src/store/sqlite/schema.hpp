// The SQLite schema of linkgate, from the embedded migrations src/store/migrations/sqlite/*.sql.
// The version a database is at is kept in PRAGMA user_version.
#pragma once

#include <string>
#include <vector>

#include "linkgate/result.hpp"
#include "store/sqlite/connection.hpp"

namespace linkgate::store::sqlite {

enum class SchemaPolicy {
  // A brand-new database (user_version 0) gets every migration, so that the embedded default
  // runs out of the box; an existing database that is behind is refused with a message naming
  // `linkgate migrate`.
  create_if_new,
  // Applies every pending migration (`linkgate migrate`).
  migrate,
};

// Switches the database to WAL and brings the schema to the latest version as `policy` allows.
// Idempotent: a database already at the latest version is left as it is. Fails on a database
// whose user_version is newer than this build knows, rather than writing to tables it does not
// understand. Returns the names of the migrations it applied.
Result<std::vector<std::string>> apply_schema(Connection& connection, SchemaPolicy policy);

// OK when the database is at this build's latest schema version; otherwise an Error of kind
// "migration_needed" (behind) or "store" (newer than this build). Reads only.
Result<void> check_schema(Connection& connection);

}  // namespace linkgate::store::sqlite
