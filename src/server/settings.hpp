// The server's settings, read from the environment (and flags that mirror it). Every variable is
// listed in README.md's configuration table.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linkgate/config.hpp"
#include "linkgate/result.hpp"
#include "server/abuse_settings.hpp"
#include "server/email_settings.hpp"
#include "server/gateway_settings.hpp"
#include "server/hook_settings.hpp"
#include "server/redemption_settings.hpp"
#include "server/setting_table.hpp"
#include "server/webhook_settings.hpp"

namespace linkgate::server {

// The process environment as an EnvLookup (server/setting_table.hpp).
EnvLookup process_env();

struct Settings {
  bool production = false;           // LINKGATE_ENV=production (or NODE_ENV=production)
  std::string host;                  // HOST; 127.0.0.1 in development, 0.0.0.0 in production
  int port = 3000;                   // PORT; 0 picks a free port
  std::string auth_url;              // AUTH_URL
  bool trust_host = false;           // AUTH_TRUST_HOST (default on in development without AUTH_URL)
  std::vector<std::string> secrets;  // AUTH_SECRET, AUTH_SECRET_1, AUTH_SECRET_2, …
  std::string secret_file;           // LINKGATE_SECRET_FILE, where a dev secret is kept
  std::string database_url;          // DATABASE_URL
  int database_pool_size = 16;       // DATABASE_POOL_SIZE: PostgreSQL connections at most
  // DATABASE_BATCHES: batch statements of one kind that run at once on PostgreSQL
  // (store::PostgresOptions::batches).
  int database_batches = 2;
  // DATABASE_PREPARED_STATEMENTS: false behind PgBouncer in transaction pooling mode
  // (store::PostgresOptions::prepared_statements).
  bool database_prepared_statements = true;
  SessionStrategy session_strategy = SessionStrategy::database;
  std::chrono::seconds session_max_age{30 * 24 * 3600};
  std::chrono::seconds session_update_age{24 * 3600};
  std::chrono::seconds token_max_age{86400};  // AUTH_EMAIL_MAX_AGE
  std::string email_from;                     // EMAIL_FROM
  EmailSettings email;  // providers, SMTP, retries, fallback (server/email_settings.hpp)
  bool outbox = false;  // on when no provider key is set (development only), or LINKGATE_OUTBOX=1
  Theme theme;
  std::string email_template_dir;  // LINKGATE_EMAIL_TEMPLATE_DIR (server/template_settings.hpp)
  std::string locale_dir;          // LINKGATE_LOCALE_DIR
  int io_threads = 0;              // LINKGATE_IO_THREADS; 0 = one per core
  int worker_threads = 16;         // LINKGATE_WORKERS: requests that may send mail or run hooks
  int store_threads = 0;           // LINKGATE_STORE_WORKERS: store-only requests; 0 = 2 per core
  bool store_fibers = true;        // LINKGATE_STORE_FIBERS: store-only requests on loop fibers
  std::chrono::milliseconds provider_timeout{15000};  // LINKGATE_PROVIDER_TIMEOUT_MS
  std::chrono::seconds sweep_interval{3600};          // LINKGATE_SWEEP_INTERVAL
  std::chrono::seconds shutdown_timeout{25};          // LINKGATE_SHUTDOWN_TIMEOUT
  std::string log_level = "info";                     // LINKGATE_LOG_LEVEL
  // LINKGATE_METRICS_ADDR: where the metrics listener binds ("" for none); in production it must
  // be loopback unless LINKGATE_METRICS_ALLOW_REMOTE=true.
  std::string metrics_addr;
  std::string log_format = "text";  // LINKGATE_LOG_FORMAT: text | json
  bool log_emails = false;          // LINKGATE_LOG_EMAILS: plain addresses in audit lines
  AbuseSettings abuse;  // rate limits, trusted proxies, sign-in policy (server/abuse_settings.hpp)
  Redemption redemption;    // confirm page, one-time codes (server/redemption_settings.hpp)
  GatewaySettings gateway;  // cookie domain, redirect hosts (server/gateway_settings.hpp)
  WebhookSettings webhook;  // the events' receiver (server/webhook_settings.hpp)
  HookSettings hooks;       // the decision hooks (server/hook_settings.hpp)
};

// DATABASE_URL, or the default SQLite file ./linkgate.db. Shared by `serve` and `migrate`.
std::string read_database_url(const EnvLookup& env);
// DATABASE_PREPARED_STATEMENTS (default true), read alone for `linkgate migrate` too.
Result<bool> read_prepared_statements(const EnvLookup& env);

// Reads and validates every setting against the table (server/setting_table.hpp): an Error is
// one line naming the variable, its value (secrets masked) and what is allowed. In production it
// also refuses a missing AUTH_URL (unless AUTH_TRUST_HOST=true), an AUTH_SECRET under 32 bytes,
// the default EMAIL_FROM and no real provider. Does not touch the file system (see
// ensure_secret for the dev secret file).
Result<Settings> read_settings(const EnvLookup& env);

// With no AUTH_SECRET in development: reads the secret kept in settings.secret_file, or makes a
// random one and keeps it there (mode 0600). Returns a note for the log, or an Error. In
// production a missing secret is an Error: linkgate fails closed.
Result<std::string> ensure_secret(Settings& settings);

}  // namespace linkgate::server
