#include "server/app.hpp"

#include <spdlog/spdlog.h>

#include "mail/providers.hpp"
#include "server/audit_log.hpp"
#include "server/log_line.hpp"
#include "server/mailers.hpp"
#include "server/sign_in_hook_client.hpp"
#include "server/template_settings.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace linkgate::server {

namespace {

spdlog::level::level_enum spdlog_level(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return spdlog::level::debug;
    case LogLevel::info:
      return spdlog::level::info;
    case LogLevel::warn:
      return spdlog::level::warn;
    case LogLevel::error:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

Result<std::string> sqlite_path_from_url(const std::string& url) {
  if (url.starts_with("sqlite://")) {
    std::string path = url.substr(9);
    if (!path.empty()) return path;
  } else if (url.starts_with("sqlite:")) {
    std::string path = url.substr(7);
    if (!path.empty()) return path;
  } else if (is_postgres_url(url)) {
    return Error{"configuration", "DATABASE_URL names PostgreSQL, not a SQLite file"};
  }
  return Error{"configuration",
               "DATABASE_URL must look like sqlite:///path/to/file.db or "
               "postgres://user:password@host:5432/database"};
}

bool is_postgres_url(const std::string& url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

Result<std::shared_ptr<Store>> open_store(
    const std::string& database_url, int pool_size, int batches, bool prepared_statements,
    std::function<void(std::string_view, std::chrono::nanoseconds)> on_statement) {
  if (is_postgres_url(database_url)) {
    store::PostgresOptions options;
    options.pool_size = pool_size;
    options.batches = batches;
    options.prepared_statements = prepared_statements;
    options.on_statement = std::move(on_statement);
    return store::open_postgres_store(database_url, options);
  }
  auto path = sqlite_path_from_url(database_url);
  if (!path) return path.error();
  store::SqliteOptions options;
  options.on_operation = std::move(on_statement);
  return store::open_sqlite_store(*path, options);
}

Result<std::vector<std::string>> migrate_database(const std::string& database_url,
                                                  bool prepared_statements) {
  if (is_postgres_url(database_url)) {
    store::PostgresOptions options;
    options.prepared_statements = prepared_statements;
    return store::migrate_postgres(database_url, options);
  }
  auto path = sqlite_path_from_url(database_url);
  if (!path) return path.error();
  return store::migrate_sqlite(*path);
}

Result<App> build_app(const Settings& settings, const AppMetrics* metrics,
                      metrics::Registry* registry) {
  // Templates first: a broken one stops the server before anything else is opened.
  auto templates = load_templates(settings.email_template_dir, settings.locale_dir);
  if (!templates) return templates.error();
  std::function<void(std::string_view, std::chrono::nanoseconds)> on_statement;
  if (metrics && metrics->store) {
    on_statement = [store_metrics = metrics->store](std::string_view operation,
                                                    std::chrono::nanoseconds took) {
      store_metrics->observe(operation, took);
    };
  }
  auto store =
      open_store(settings.database_url, settings.database_pool_size, settings.database_batches,
                 settings.database_prepared_statements, std::move(on_statement));
  if (!store) return store.error();
  if (registry) {
    StoreMetrics::register_pool(*registry, *store);
    if (!settings.webhook.url.empty()) StoreMetrics::register_webhook_queue(*registry, *store);
  }

  AuthConfig config;
  config.url = settings.auth_url;
  config.trust_host = settings.trust_host;
  config.secrets = settings.secrets;
  config.session_strategy = settings.session_strategy;
  config.session_max_age = settings.session_max_age;
  config.session_update_age = settings.session_update_age;
  config.theme = settings.theme;
  config.email_templates = std::move(templates->email);
  config.locales = std::move(templates->locales);
  config.dev_outbox_pages = settings.outbox;
  config.rate_limits = settings.abuse.rate_limits;
  config.policy = settings.abuse.policy;
  config.trusted_proxies = settings.abuse.trusted_proxies;
  config.cookie_domain = settings.gateway.cookie_domain;
  config.redirect_hosts = settings.gateway.redirect_hosts;
  config.redemption = settings.redemption;
  config.webhook_events = settings.webhook.events;
  if (!settings.hooks.sign_in_url.empty()) {
    config.sign_in_hook = make_http_sign_in_hook(
        SignInHookOptions{settings.hooks.sign_in_url, settings.hooks.keys, settings.hooks.timeout});
  }
  config.sign_in_hook_fail_open = settings.hooks.fail_open;
  config.log = [](LogLevel level, const std::string& message) {
    log_line(spdlog_level(level), message, {});
  };
  config.request_log = [](LogLevel level, const std::string& request_id,
                          const std::string& message) {
    log_line(spdlog_level(level), message, {{"request_id", request_id}});
  };
  auto audit = std::make_shared<AuditTee>();
  audit->add(make_audit_log_sink(settings.secrets.front(), settings.log_emails));
  config.audit = audit;

  std::function<void(const std::string&)> on_retry;
  if (metrics && metrics->mail) {
    for (const auto& p : settings.email.providers) metrics->mail->add_provider(p.id);
    on_retry = [mail_metrics = metrics->mail](const std::string& provider) {
      mail_metrics->retried(provider);
    };
  }
  auto providers = build_email_providers(settings, config.request_log, std::move(on_retry));
  if (!providers) return providers.error();
  config.providers = std::move(*providers);
  if (settings.outbox) {
    EmailProvider outbox;
    outbox.id = "outbox";
    outbox.name = "Dev Outbox";
    outbox.from = settings.email_from;
    outbox.max_age = settings.token_max_age;
    outbox.mailer = mail::make_outbox_mailer(*store, "outbox");
    config.providers.push_back(std::move(outbox));
  }

  if (metrics && metrics->mail) {
    for (auto& provider : config.providers) {
      provider.mailer = metrics->mail->counted(provider.id, std::move(provider.mailer));
    }
  }

  App app;
  app.store = *store;
  app.audit = std::move(audit);
  app.auth = std::make_unique<Auth>(std::move(config), app.store);
  return app;
}

Result<void> check_store_ready(Store& store) {
  if (auto sqlite = store::check_sqlite_ready(store)) return *sqlite;
  if (auto postgres = store::check_postgres_ready(store)) return *postgres;
  auto read = store.list_outbox_messages(1);
  if (!read) return read.error();
  return {};
}

}  // namespace linkgate::server
