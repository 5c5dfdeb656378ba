#include "store/sqlite/schema.hpp"

#include <cstdint>
#include <string>

#include "store/migrations/migrations.hpp"

namespace linkgate::store::sqlite {

Result<std::vector<std::string>> apply_schema(Connection& connection, SchemaPolicy policy) {
  // journal_mode is persistent in the file; it cannot change inside a transaction.
  if (auto ok = connection.exec("PRAGMA journal_mode=WAL", "apply schema"); !ok) return ok.error();

  // IMMEDIATE so that two processes opening a new file at once migrate one after the other, the
  // second one seeing the first one's user_version.
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

  const int latest = latest_version(Dialect::sqlite);
  if (version > latest) {
    return store_error("apply schema", "the database schema version " + std::to_string(version) +
                                           " is newer than this linkgate supports (" +
                                           std::to_string(latest) + "); upgrade linkgate");
  }
  std::vector<std::string> applied;
  if (version == latest) {
    if (auto ok = (*transaction)->commit(); !ok) return ok.error();
    return applied;
  }
  if (version > 0 && policy == SchemaPolicy::create_if_new) {
    return Error{"migration_needed", "the SQLite database is at schema version " +
                                         std::to_string(version) + " and this linkgate needs " +
                                         std::to_string(latest) + ": run `linkgate migrate`"};
  }
  for (const Migration& migration : migrations_for(Dialect::sqlite)) {
    if (migration.version <= version) continue;
    // sqlite3_exec runs every statement of the file.
    const std::string sql(migration.sql);
    if (auto ok = connection.exec(sql.c_str(), "apply schema"); !ok) return ok.error();
    applied.emplace_back(migration.name);
  }
  // PRAGMA takes no bound parameters; the value is an integer of ours.
  const std::string set_version = "PRAGMA user_version = " + std::to_string(latest);
  if (auto ok = connection.exec(set_version.c_str(), "apply schema"); !ok) return ok.error();
  if (auto ok = (*transaction)->commit(); !ok) return ok.error();
  return applied;
}

Result<void> check_schema(Connection& connection) {
  auto query = connection.query("PRAGMA user_version", "check schema");
  if (!query) return query.error();
  auto row = query->step();
  if (!row) return row.error();
  const std::int64_t version = *row ? query->integer(0) : 0;
  const int latest = latest_version(Dialect::sqlite);
  if (version == latest) return {};
  if (version > latest) {
    return store_error("check schema", "the database schema version " + std::to_string(version) +
                                           " is newer than this linkgate knows (" +
                                           std::to_string(latest) + ")");
  }
  return Error{"migration_needed", "the SQLite database is at schema version " +
                                       std::to_string(version) + " and this linkgate needs " +
                                       std::to_string(latest) + ": run `linkgate migrate`"};
}

}  // namespace linkgate::store::sqlite
