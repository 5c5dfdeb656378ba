// The schema migrations of each store, as versioned SQL files (src/store/migrations/<dialect>/
// NNNN_name.sql) embedded into the binary at build time (cmake/embed_migrations.cmake).
//
// A migration is applied once, in version order, inside a transaction. The versions of a dialect
// start at 1 and never change once released: a schema change is a new file.
#pragma once

#include <span>
#include <string_view>

namespace linkgate::store {

enum class Dialect { postgres, sqlite };

struct Migration {
  int version;            // NNNN of the file name
  std::string_view name;  // the file name without ".sql", e.g. "0001_authjs_schema"
  std::string_view sql;   // the file's statements
};

// Every migration of `dialect`, by increasing version.
std::span<const Migration> migrations_for(Dialect dialect);

// The version a fully migrated database of `dialect` is at (0 when there are no migrations).
inline int latest_version(Dialect dialect) {
  auto all = migrations_for(dialect);
  return all.empty() ? 0 : all.back().version;
}

}  // namespace linkgate::store
