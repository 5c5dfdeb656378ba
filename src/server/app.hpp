// Wiring: from Settings to a ready Auth (store opened, providers built).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "linkgate/auth.hpp"
#include "linkgate/result.hpp"
#include "server/audit_tee.hpp"
#include "server/mail_metrics.hpp"
#include "server/settings.hpp"
#include "server/store_metrics.hpp"

namespace linkgate::server {

struct App {
  std::shared_ptr<Store> store;
  std::unique_ptr<Auth> auth;
  // The core's audit sink: the audit log lines, and whatever else is added before serving.
  std::shared_ptr<AuditTee> audit;
};

// What build_app records into when metrics are on (LINKGATE_METRICS_ADDR).
struct AppMetrics {
  std::shared_ptr<StoreMetrics> store;  // the store's statements (PostgreSQL) or calls (SQLite)
  std::shared_ptr<MailMetrics> mail;    // emails and retries
};

// Parses DATABASE_URL: "sqlite:///abs/path.db", "sqlite://relative.db", "sqlite:path.db".
// Returns the file path, or an Error naming what is unsupported.
Result<std::string> sqlite_path_from_url(const std::string& url);

// True when DATABASE_URL names PostgreSQL (postgres:// or postgresql://).
bool is_postgres_url(const std::string& url);

// Opens the store DATABASE_URL names. A PostgreSQL database (or an existing SQLite file) that
// needs migrations is refused with an Error of kind "migration_needed" naming `linkgate migrate`;
// a brand-new SQLite file gets its schema, so the embedded default runs out of the box.
// `pool_size`, `batches` and `prepared_statements` apply to PostgreSQL (store::PostgresOptions).
// `on_statement`, when set, times the store's work: PostgreSQL's statements
// (store::PostgresOptions::on_statement), SQLite's calls (store::SqliteOptions::on_operation).
Result<std::shared_ptr<Store>> open_store(
    const std::string& database_url, int pool_size, int batches = 2,
    bool prepared_statements = true,
    std::function<void(std::string_view, std::chrono::nanoseconds)> on_statement = {});

// `linkgate migrate`: applies the pending migrations of the database DATABASE_URL names and
// returns their names (none when it was up to date).
Result<std::vector<std::string>> migrate_database(const std::string& database_url,
                                                  bool prepared_statements = true);

// /readyz's check of a store that open_store opened: it answers, and its schema is current.
Result<void> check_store_ready(Store& store);

// Opens the store and builds the providers. REQUIRES: settings.secrets is not empty. With
// `metrics`, the store's statements, the providers' emails and retries are recorded there, and
// the pool's gauges registered in `registry`. REQUIRES: registry (when metrics is given)
// outlives the App.
Result<App> build_app(const Settings& settings, const AppMetrics* metrics = nullptr,
                      metrics::Registry* registry = nullptr);

}  // namespace linkgate::server
