// The SQLite Store adapter: the embedded default (DATABASE_URL=sqlite:///path.db).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linkgate/result.hpp"
#include "linkgate/store.hpp"

namespace linkgate::store {

struct SqliteOptions {
  // Called once per call of a Store method, with the operation's name (the method's, e.g.
  // "get_session_and_user") and the time from asking the pool for a connection to the result:
  // every statement of the call (a transaction's BEGIN, COMMIT or ROLLBACK included) in one
  // observation, a failed call too. Unset: nothing is timed. Runs on the caller's thread, after
  // the connection is back in the pool. Unlike PostgresOptions::on_statement (one observation
  // per statement), an operation that runs several statements on SQLite counts once.
  std::function<void(std::string_view operation, std::chrono::nanoseconds took)> on_operation;
};

// Opens (creating when missing) the database file at `path` and applies the schema: the tables
// and columns of Auth.js's adapters (users, sessions, verification_token, accounts; camelCase
// columns) plus linkgate's own (linkgate_outbox). WAL mode, a busy timeout, and one connection
// per thread so that calls from many worker threads never share a handle.
// A file whose schema is behind this build's (made by an older linkgate) is refused with an
// Error of kind "migration_needed"; a brand-new file gets the whole schema.
// `options.on_operation` times the store's calls (for metrics).
Result<std::shared_ptr<Store>> open_sqlite_store(const std::string& path,
                                                 const SqliteOptions& options = {});

// Readiness (/readyz) of a store that open_sqlite_store made: OK when the database answers and
// its schema is at this build's version (Error kind "migration_needed" when behind). nullopt when
// `store` is not such a store.
std::optional<Result<void>> check_sqlite_ready(Store& store);

// `linkgate migrate` for SQLite: creates the file when missing and applies every pending
// migration (src/store/migrations/sqlite). Returns the names of the migrations applied.
Result<std::vector<std::string>> migrate_sqlite(const std::string& path);

}  // namespace linkgate::store
