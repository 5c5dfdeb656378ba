// The PostgreSQL Store adapter (DATABASE_URL=postgres://user:password@host:port/database), on
// the tables of Auth.js's pg adapter (authjs-behaviour.md §8) so that linkgate and Auth.js can
// share a database, and so that several linkgate nodes can share one.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linkgate/result.hpp"
#include "linkgate/store.hpp"

namespace linkgate::store {

struct PostgresOptions {
  int pool_size = 16;                             // DATABASE_POOL_SIZE: connections open at most
  std::chrono::seconds connect_timeout{3};        // per connection attempt (libpq's minimum is 2 s)
  std::chrono::milliseconds acquire_wait{10000};  // how long a call waits for a busy pool
  // How long a call waits for a statement's result before it gives the connection up as lost.
  std::chrono::milliseconds statement_timeout{15000};
  // DATABASE_PREPARED_STATEMENTS: false for PgBouncer in transaction pooling mode
  // (postgres::ConnectSettings::prepared_statements).
  bool prepared_statements = true;
  // Calls that arrive together are run as one statement (batched_statements.hpp): sign-ins'
  // verification tokens (create_verification_token), callbacks (redeem_link) and session lookups
  // (get_session_and_user). For each of the three, at most `batches` such statements run at once
  // (DATABASE_BATCHES), of at most
  // `batch_size` calls each. A call that finds a place free runs at once, so batches form only
  // while others are running.
  int batches = 2;
  std::size_t batch_size = 32;
  // Called after each statement the store runs for a call (a batch's statement once), with the
  // Store operation's name (e.g. "get_session_and_user") and the time from asking the pool for a
  // connection to the result; unset: nothing is timed. Runs on the caller's thread.
  std::function<void(std::string_view operation, std::chrono::nanoseconds took)> on_statement;
};

// The connection pool of a store that open_postgres_store made, for metrics: connections open,
// in use and callers waiting for one. nullopt when `store` is not such a store.
struct PostgresPoolUsage {
  int size = 0;     // DATABASE_POOL_SIZE
  int open = 0;     // connections open, idle or in use
  int in_use = 0;   // connections leased to a call
  int waiting = 0;  // calls waiting for a connection
};
std::optional<PostgresPoolUsage> postgres_pool_usage(Store& store);

// Connects once (so that a wrong URL or password shows at startup) and checks the schema: a
// database that needs migrations is refused with an Error of kind "migration_needed" that names
// `linkgate migrate`. Calls made while the database is down return Error{kind "unavailable"}
// after at most the connect timeout, and work again once it is back.
Result<std::shared_ptr<Store>> open_postgres_store(const std::string& url,
                                                   const PostgresOptions& options = {});

// Readiness (/readyz) of a store that open_postgres_store made: OK when a pooled connection
// answers and the schema is at this build's version (Error kind "migration_needed" when behind,
// "unavailable" when the database is down). nullopt when `store` is not such a store.
std::optional<Result<void>> check_postgres_ready(Store& store);

// `linkgate migrate` for PostgreSQL: applies every pending migration of
// src/store/migrations/postgres. Returns the names of the migrations applied (none when the
// database was up to date).
Result<std::vector<std::string>> migrate_postgres(const std::string& url,
                                                  const PostgresOptions& options = {});

}  // namespace linkgate::store
