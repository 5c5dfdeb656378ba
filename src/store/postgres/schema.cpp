#include "store/postgres/schema.hpp"

#include "store/migrations/migrations.hpp"

namespace linkgate::store::postgres {

namespace {

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS linkgate_schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())";

constexpr Statement kRecordMigration{
    "linkgate_record_migration",
    "INSERT INTO linkgate_schema_migrations (version, name) VALUES ($1::integer, $2)"};

// Any constant shared by every linkgate: the key of the advisory lock that serialises migrations.
constexpr const char* kLockMigrations = "SELECT pg_advisory_xact_lock(7811413245082812160)";

// The version recorded in linkgate_schema_migrations; 0 when the table does not exist yet (a new
// database, or one that only Auth.js has used). Not prepared: the table may not exist yet.
Result<int> schema_version(Connection& connection, std::string_view operation) {
  auto exists = connection.run_script(
      "SELECT to_regclass('linkgate_schema_migrations') IS NOT NULL", operation);
  if (!exists) return exists.error();
  if (exists->text(0, 0) != "t") return 0;
  auto rows = connection.run_script(
      "SELECT coalesce(max(version), 0) FROM linkgate_schema_migrations", operation);
  if (!rows) return rows.error();
  return static_cast<int>(rows->integer(0, 0));
}

Error newer_than_known(int version, int latest) {
  return Error{"store", "postgres: the database schema is at version " + std::to_string(version) +
                            ", newer than this linkgate knows (" + std::to_string(latest) +
                            "); upgrade linkgate"};
}

}  // namespace

Result<void> check_schema(Connection& connection) {
  auto version = schema_version(connection, "check schema");
  if (!version) return version.error();
  const int latest = latest_version(Dialect::postgres);
  if (*version > latest) return newer_than_known(*version, latest);
  if (*version == latest) return {};
  std::string pending;
  for (const Migration& migration : migrations_for(Dialect::postgres)) {
    if (migration.version <= *version) continue;
    pending += (pending.empty() ? "" : ", ") + std::string(migration.name);
  }
  return Error{"migration_needed", "the PostgreSQL database needs migrations (" + pending +
                                       "): run `linkgate migrate` with the same DATABASE_URL"};
}

Result<std::vector<std::string>> migrate(Connection& connection) {
  constexpr std::string_view kOperation = "migrate";
  if (auto begun = connection.run_script("BEGIN", kOperation); !begun) return begun.error();
  // From here on, an early return leaves the transaction open: the pool closes such a connection
  // (ConnectionPool::release), which rolls it back.
  // Migrations may wait for other nodes' migrations and rewrite large tables: not bounded by the
  // statement timeout.
  if (auto locked = connection.run_script(kLockMigrations, kOperation, io::kNoDeadline); !locked) {
    return locked.error();
  }
  if (auto created = connection.run_script(kCreateMigrationsTable, kOperation); !created) {
    return created.error();
  }
  auto version = schema_version(connection, kOperation);
  if (!version) return version.error();
  const int latest = latest_version(Dialect::postgres);
  if (*version > latest) {
    (void)connection.run_script("ROLLBACK", kOperation);
    return newer_than_known(*version, latest);
  }
  std::vector<std::string> applied;
  for (const Migration& migration : migrations_for(Dialect::postgres)) {
    if (migration.version <= *version) continue;
    if (auto ran =
            connection.run_script(std::string(migration.sql), migration.name, io::kNoDeadline);
        !ran) {
      return ran.error();
    }
    auto recorded = connection.execute(
        kRecordMigration, Params().integer(migration.version).text(migration.name), kOperation);
    if (!recorded) return recorded.error();
    applied.emplace_back(migration.name);
  }
  if (auto committed = connection.run_script("COMMIT", kOperation); !committed) {
    return committed.error();
  }
  return applied;
}

}  // namespace linkgate::store::postgres
