// The PostgreSQL schema: the embedded migrations src/store/migrations/postgres/*.sql, and
// linkgate_schema_migrations, the table that records which of them a database has.
#pragma once

#include <string>
#include <vector>

#include "linkgate/result.hpp"
#include "store/postgres/connection.hpp"

namespace linkgate::store::postgres {

// OK when the database has every migration of this build. Otherwise an Error of kind
// "migration_needed" naming the pending migrations and `linkgate migrate`, or of kind "store"
// when the database is newer than this build (it is not written to).
Result<void> check_schema(Connection& connection);

// Applies every pending migration, each with its row in linkgate_schema_migrations, in one
// transaction under an advisory lock (so that several nodes migrating at once apply each
// migration once). Idempotent. Returns the names of the migrations applied.
Result<std::vector<std::string>> migrate(Connection& connection);

}  // namespace linkgate::store::postgres
