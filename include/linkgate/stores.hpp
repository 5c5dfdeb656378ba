// Opening a Store (store.hpp) from a DATABASE_URL, for programs that embed linkgate.
//
// REQUIRES: link with the linkgate_embed library.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "linkgate/result.hpp"
#include "linkgate/store.hpp"

namespace linkgate {

struct StoreOptions {
  // PostgreSQL: the most connections the store keeps open at once (one per concurrent store
  // call). SQLite ignores it.
  int pool_size = 16;
};

// Opens the store a DATABASE_URL names:
//   sqlite:///absolute/path.db, sqlite://relative/path.db, sqlite:path.db
//     A new SQLite file gets its schema, so an embedded default runs out of the box.
//   postgres://user:password@host:5432/database (or postgresql://)
//     The schema must be current: run migrate_store first (`linkgate migrate` does the same).
// Returns the open store (safe to share between threads), or an Error:
//   kind "configuration"     the URL is not one of the above, or the options are invalid;
//   kind "migration_needed"  the database's schema is behind; run migrate_store;
//   kind "store" / "unavailable"  the database could not be opened or reached.
// Error messages never carry the URL's password.
Result<std::shared_ptr<Store>> open_store(const std::string& database_url,
                                          const StoreOptions& options = {});

// Applies the pending schema migrations of the database the URL names (idempotent; safe to
// run from several processes at once). Returns the names of the migrations applied, none when
// it was already current. Errors as open_store.
Result<std::vector<std::string>> migrate_store(const std::string& database_url);

}  // namespace linkgate
