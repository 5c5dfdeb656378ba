// The SQLite Store adapter: the embedded default (DATABASE_URL=sqlite:///path.db).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "linkgate/result.hpp"
#include "linkgate/store.hpp"

namespace linkgate::store {

// Opens (creating when missing) the database file at `path` and applies the schema: the tables
// and columns of Auth.js's adapters (users, sessions, verification_token, accounts; camelCase
// columns) plus linkgate's own (linkgate_outbox). WAL mode, a busy timeout, and one connection
// per thread so that calls from many worker threads never share a handle.
// A file whose schema is behind this build's (made by an older linkgate) is refused with an
// Error of kind "migration_needed"; a brand-new file gets the whole schema.
Result<std::shared_ptr<Store>> open_sqlite_store(const std::string& path);

// Readiness (/readyz) of a store that open_sqlite_store made: OK when the database answers and
// its schema is at this build's version (Error kind "migration_needed" when behind). nullopt when
// `store` is not such a store.
std::optional<Result<void>> check_sqlite_ready(Store& store);

// `linkgate migrate` for SQLite: creates the file when missing and applies every pending
// migration (src/store/migrations/sqlite). Returns the names of the migrations applied.
Result<std::vector<std::string>> migrate_sqlite(const std::string& path);

}  // namespace linkgate::store
