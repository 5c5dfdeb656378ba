// linkgate: the server command line. `linkgate serve` runs the server; settings come from the
// environment (README.md lists every variable) and flags that mirror the main ones.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <thread>

#include "linkgate_version.hpp"
#include "server/admin_commands.hpp"
#include "server/app.hpp"
#include "server/audit_log.hpp"
#include "server/audit_metrics.hpp"
#include "server/deployment_check.hpp"
#include "server/http_server.hpp"
#include "server/log_line.hpp"
#include "server/metrics_address.hpp"
#include "server/metrics_listener.hpp"
#include "server/process_metrics.hpp"
#include "server/setting_env_file.hpp"
#include "server/setting_sources.hpp"
#include "server/settings.hpp"
#include "server/template_settings.hpp"
#include "server/webhook_metrics.hpp"
#include "server/webhook_sender.hpp"
#include "server/webhooks_command.hpp"

// GnuTLS comes into the process with libpq (through libldap) and libcurl (through librtmp), and
// linkgate uses neither of those paths; by default GnuTLS still initializes itself while it is
// being loaded (random generator, system configuration, PKCS #11 modules: 0.8 MiB of resident
// memory). Defining this function in the program is GnuTLS's documented way to turn that off
// (GNUTLS_SKIP_GLOBAL_INIT in gnutls.h): the first library that uses GnuTLS calls
// gnutls_global_init itself, as libldap and librtmp do. The link exports it (CMakeLists.txt) so
// that it takes the place of GnuTLS's own.
extern "C" int _gnutls_global_init_skip() {
  return 1;
}

namespace {

using linkgate::server::EnvLookup;

// The settings' lookup: flags (`overrides`) first, then the environment, then the config file
// (`config_path`, if any); warns about unknown variables and config keys. nullopt after logging
// the one line that says why.
std::optional<EnvLookup> settings_lookup(const std::string& config_path,
                                         const std::map<std::string, std::string>& overrides) {
  // A misspelled variable is named, with the setting it was probably meant to be.
  for (const std::string& warning :
       linkgate::server::unknown_setting_warnings(linkgate::server::environment_names())) {
    spdlog::warn("configuration: {}", warning);
  }
  linkgate::server::ConfigFile file;
  if (!config_path.empty()) {
    auto read = linkgate::server::read_config_file(config_path);
    if (!read) {
      spdlog::critical("configuration: {}", read.error().message);
      return std::nullopt;
    }
    file = std::move(*read);
    for (const std::string& warning : file.warnings) spdlog::warn("configuration: {}", warning);
  }
  EnvLookup base = linkgate::server::process_env();
  EnvLookup env = [base, overrides](std::string_view name) -> std::optional<std::string> {
    if (auto it = overrides.find(std::string(name)); it != overrides.end() && !it->second.empty()) {
      return it->second;
    }
    return base(name);
  };
  auto resolved = linkgate::server::resolve_settings(env, file);
  if (!resolved) {
    spdlog::critical("configuration: {}", resolved.error().message);
    return std::nullopt;
  }
  return *resolved;
}

// The log format as early as the environment names it, so that the lines about the settings
// themselves are already in it; read_settings checks it afterwards.
void early_log_format() {
  if (const char* format = std::getenv("LINKGATE_LOG_FORMAT")) {
    if (auto parsed = linkgate::server::parse_log_format(format)) {
      linkgate::server::use_log_format(*parsed);
    }
  }
}

int serve(const std::string& config_path, const std::map<std::string, std::string>& overrides) {
  early_log_format();
  auto lookup = settings_lookup(config_path, overrides);
  if (!lookup) return 2;
  const EnvLookup& env = *lookup;
  auto settings = linkgate::server::read_settings(env);
  if (!settings) {
    spdlog::critical("configuration: {}", settings.error().message);
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(settings->log_level));
  if (auto format = linkgate::server::parse_log_format(settings->log_format)) {
    linkgate::server::use_log_format(*format);
  }
  auto secret_note = linkgate::server::ensure_secret(*settings);
  if (!secret_note) {
    spdlog::critical("configuration: {}", secret_note.error().message);
    return 2;
  }
  if (!secret_note->empty()) spdlog::warn("{}", *secret_note);

  // LINKGATE_METRICS_ADDR: the registry every part records into, served by its own listener.
  std::unique_ptr<linkgate::metrics::Registry> metrics;
  std::shared_ptr<linkgate::server::HttpMetrics> http_metrics;
  linkgate::server::AppMetrics app_metrics;
  if (!settings->metrics_addr.empty()) {
    metrics = std::make_unique<linkgate::metrics::Registry>();
    linkgate::server::register_process_metrics(*metrics, LINKGATE_VERSION);
    http_metrics = std::make_shared<linkgate::server::HttpMetrics>(*metrics);
    app_metrics.store = std::make_shared<linkgate::server::StoreMetrics>(*metrics);
    app_metrics.mail = std::make_shared<linkgate::server::MailMetrics>(*metrics);
  }

  auto app =
      linkgate::server::build_app(*settings, metrics ? &app_metrics : nullptr, metrics.get());
  if (!app) {
    spdlog::critical("startup: {}", app.error().message);
    return 2;
  }
  // The sign-in funnel: counted from the core's audit events.
  if (metrics) app->audit->add(std::make_shared<linkgate::server::AuditMetrics>(*metrics));
  // The webhook sender's tries (registered here: before the metrics listener serves).
  std::shared_ptr<linkgate::server::WebhookMetrics> webhook_metrics;
  if (metrics && !settings->webhook.url.empty()) {
    webhook_metrics = std::make_shared<linkgate::server::WebhookMetrics>(*metrics);
  }

  linkgate::server::HttpServerOptions options;
  options.host = settings->host;
  options.port = settings->port;
  options.io_threads = settings->io_threads > 0
                           ? settings->io_threads
                           : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.worker_threads = settings->worker_threads;
  options.store_threads =
      settings->store_threads > 0
          ? settings->store_threads
          : 2 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.store_fibers = settings->store_fibers;
  options.sweep_interval = settings->sweep_interval;
  options.shutdown_timeout = settings->shutdown_timeout;
  options.ready_check = [store = app->store] {
    return linkgate::server::check_store_ready(*store);
  };
  options.on_hangup = [&settings, &app] {
    // Templates and locales are loaded and checked anew; on a problem the old ones stay.
    auto reloaded = linkgate::server::reload_templates(*app->auth, settings->email_template_dir,
                                                       settings->locale_dir);
    if (reloaded) {
      spdlog::info("SIGHUP: reloaded templates and locales ({})", *reloaded);
    } else {
      spdlog::error("SIGHUP: kept the templates and locales in use: {}", reloaded.error().message);
    }
  };
  options.metrics = http_metrics;
  linkgate::server::HttpServer server(*app->auth, app->store, options);
  auto port = server.listen();
  if (!port) {
    spdlog::critical("startup: {}", port.error().message);
    return 1;
  }
  std::unique_ptr<linkgate::server::MetricsListener> metrics_listener;
  if (metrics) {
    const auto address = linkgate::server::parse_metrics_address(settings->metrics_addr);
    metrics_listener =
        std::make_unique<linkgate::server::MetricsListener>(*metrics, address->host, address->port);
    auto metrics_port = metrics_listener->start();
    if (!metrics_port) {
      spdlog::critical("startup: {}", metrics_port.error().message);
      return 1;
    }
    const bool v6 = address->host.find(':') != std::string::npos;
    std::printf("linkgate metrics at http://%s%s%s:%d/metrics\n", v6 ? "[" : "",
                address->host.c_str(), v6 ? "]" : "", *metrics_port);
  }
  std::string shown_host = settings->host == "0.0.0.0" ? "localhost" : settings->host;
  std::string signin_base = settings->auth_url.empty()
                                ? "http://" + shown_host + ":" + std::to_string(*port) + "/api/auth"
                                : settings->auth_url;
  spdlog::info(
      "session strategy: {}; providers: {}{}{}",
      settings->session_strategy == linkgate::SessionStrategy::jwt ? "jwt" : "database",
      [&] {
        std::string names;
        for (const auto& p : app->auth->config().providers) {
          names += (names.empty() ? "" : ", ") + p.id;
        }
        return names;
      }(),
      settings->outbox
          ? "; dev outbox at http://" + shown_host + ":" + std::to_string(*port) + "/dev/outbox"
          : "",
      settings->production ? "; production mode" : "");
  // The webhook sender, off the request path (server/webhook_sender.hpp).
  std::unique_ptr<linkgate::server::WebhookSender> webhook_sender;
  if (!settings->webhook.url.empty()) {
    auto sender_options = linkgate::server::webhook_sender_options(settings->webhook);
    if (webhook_metrics) {
      sender_options.on_try = [webhook_metrics](linkgate::server::WebhookTryOutcome outcome,
                                                std::chrono::nanoseconds took) {
        webhook_metrics->tried(outcome, took);
      };
    }
    webhook_sender =
        std::make_unique<linkgate::server::WebhookSender>(app->store, std::move(sender_options));
    webhook_sender->start();
  }
  // Scripts and tests wait for this exact line.
  std::printf("linkgate listening on http://%s:%d (sign in at %s/signin)\n", settings->host.c_str(),
              *port, signin_base.c_str());
  std::fflush(stdout);
  server.run();
  // Tries in flight finish (each within LINKGATE_WEBHOOK_TIMEOUT_MS); the rest stays pending.
  if (webhook_sender) webhook_sender->stop();
  if (metrics_listener) metrics_listener->stop();
  spdlog::info("stopped");
  if (server.abandoned_requests()) {
    // Requests past LINKGATE_SHUTDOWN_TIMEOUT may still hold worker threads: do not wait for them.
    spdlog::shutdown();
    std::fflush(nullptr);
    std::_Exit(0);
  }
  return 0;
}

// `linkgate check`: lists every problem `serve` would stop at; exit code 1 when there is any.
int check(const std::string& config_path) {
  auto lookup = settings_lookup(config_path, {});
  if (!lookup) return 2;
  const auto problems = linkgate::server::check_deployment(*lookup);
  for (const std::string& problem : problems) std::printf("problem: %s\n", problem.c_str());
  if (!problems.empty()) {
    std::printf("linkgate check: %zu problem%s\n", problems.size(),
                problems.size() == 1 ? "" : "s");
    return 1;
  }
  std::printf("linkgate check: ok (settings, database, templates)\n");
  return 0;
}

// The admin commands (server/admin_commands.hpp), with the settings `serve` would read.
int admin(const std::string& config_path, const linkgate::server::AdminCommand& command) {
  auto lookup = settings_lookup(config_path, {});
  if (!lookup) return linkgate::server::kAdminBadInput;
  auto settings = linkgate::server::read_settings(*lookup);
  if (!settings) {
    spdlog::critical("configuration: {}", settings.error().message);
    return linkgate::server::kAdminBadInput;
  }
  spdlog::set_level(spdlog::level::from_str(settings->log_level));
  if (command.name == "link") {
    // The link's token is hashed with the secret the server uses (AUTH_SECRET, or in
    // development the one kept in LINKGATE_SECRET_FILE).
    auto secret_note = linkgate::server::ensure_secret(*settings);
    if (!secret_note) {
      spdlog::critical("configuration: {}", secret_note.error().message);
      return linkgate::server::kAdminBadInput;
    }
  }
  return linkgate::server::run_admin_command(*settings, command);
}

// `linkgate audit-hash ADDRESS`: the email_hash that audit lines carry for ADDRESS (normalized
// as a sign-in normalizes it), keyed with the first AUTH_SECRET of the same settings as serve.
int audit_hash(const std::string& config_path, const std::string& address) {
  auto lookup = settings_lookup(config_path, {});
  if (!lookup) return 2;
  auto settings = linkgate::server::read_settings(*lookup);
  if (!settings) {
    spdlog::critical("configuration: {}", settings.error().message);
    return 2;
  }
  if (auto secret = linkgate::server::ensure_secret(*settings); !secret) {
    spdlog::critical("configuration: {}", secret.error().message);
    return 2;
  }
  auto identifier = linkgate::default_normalize_identifier(address);
  if (!identifier) {
    std::fprintf(stderr, "audit-hash: %s\n", identifier.error().message.c_str());
    return 1;
  }
  std::printf("%s\n",
              linkgate::server::audit_email_hash(settings->secrets.front(), *identifier).c_str());
  return 0;
}

// Applies the pending migrations of DATABASE_URL's database; safe to run again (and from several
// nodes at once). Reads only DATABASE_URL (and DATABASE_PREPARED_STATEMENTS, for PgBouncer), so
// a migration job needs no other secret.
int migrate(const std::string& database_url_flag) {
  // DATABASE_URL_FILE too (server/setting_sources.hpp).
  auto env = linkgate::server::resolve_settings(linkgate::server::process_env(), {});
  if (!env) {
    spdlog::critical("configuration: {}", env.error().message);
    return 2;
  }
  const std::string url =
      database_url_flag.empty() ? linkgate::server::read_database_url(*env) : database_url_flag;
  auto prepared = linkgate::server::read_prepared_statements(*env);
  if (!prepared) {
    spdlog::critical("migrate: {}", prepared.error().message);
    return 1;
  }
  auto applied = linkgate::server::migrate_database(url, *prepared);
  if (!applied) {
    spdlog::critical("migrate: {}", applied.error().message);
    return 1;
  }
  if (applied->empty()) {
    std::printf("the database is up to date\n");
  } else {
    for (const auto& name : *applied) std::printf("applied %s\n", name.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("linkgate"));
  linkgate::server::use_log_format(linkgate::server::LogFormat::text);
  CLI::App cli{"linkgate: passwordless email sign-in, compatible with Auth.js"};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", "linkgate " LINKGATE_VERSION);
  cli.footer(linkgate::server::settings_help());
  std::map<std::string, std::string> overrides;
  std::string config_path;
  auto* serve_cmd = cli.add_subcommand("serve", "Run the HTTP server");
  serve_cmd->footer(linkgate::server::settings_help());
  serve_cmd->add_option("--config", config_path,
                        "TOML file of settings (keys as the variables; the environment wins)");
  serve_cmd->add_option("--port", overrides["PORT"], "Port to listen on (PORT)");
  serve_cmd->add_option("--host", overrides["HOST"], "Address to bind (HOST)");
  serve_cmd->add_option("--url", overrides["AUTH_URL"], "Public URL incl. base path (AUTH_URL)");
  serve_cmd->add_option("--database-url", overrides["DATABASE_URL"],
                        "sqlite:///path/to/file.db or postgres://… (DATABASE_URL)");
  serve_cmd->add_option("--session-strategy", overrides["AUTH_SESSION_STRATEGY"],
                        "database or jwt (AUTH_SESSION_STRATEGY)");
  auto* version_cmd = cli.add_subcommand("version", "Print the version");
  auto* help_cmd = cli.add_subcommand("help", "Show this help, with every setting");
  std::string check_config;
  auto* check_cmd = cli.add_subcommand(
      "check",
      "Check the settings, the database and its schema, and the templates; exit 1 with "
      "every problem listed");
  check_cmd->add_option("--config", check_config, "TOML file of settings, as for serve");
  bool settings_markdown = false;
  bool settings_env = false;
  bool settings_secrets_env = false;
  auto* settings_cmd = cli.add_subcommand("settings", "List every setting");
  settings_cmd->add_flag("--markdown", settings_markdown,
                         "As README.md's configuration table (Markdown)");
  settings_cmd->add_flag("--env-file", settings_env,
                         "As a commented environment file of every setting but the secrets "
                         "(the package's /etc/linkgate/linkgate.env)");
  settings_cmd->add_flag("--secrets-env-file", settings_secrets_env,
                         "As a commented environment file of every secret (the package's "
                         "/etc/linkgate/secrets.env)");
  std::string migrate_url;
  auto* migrate_cmd =
      cli.add_subcommand("migrate", "Create or upgrade the database schema (idempotent)");
  migrate_cmd->add_option("--database-url", migrate_url,
                          "sqlite:///path/to/file.db or postgres://… (DATABASE_URL)");
  std::string hash_config;
  std::string hash_address;
  auto* audit_hash_cmd = cli.add_subcommand(
      "audit-hash", "Print the email_hash that audit log lines carry for an address");
  audit_hash_cmd->add_option("address", hash_address, "The email address")->required();
  audit_hash_cmd->add_option("--config", hash_config, "TOML file of settings, as for serve");
  auto* webhook_secret_cmd = cli.add_subcommand(
      "webhook-secret", "Print a new LINKGATE_WEBHOOK_SECRET (whsec_ + base64 of 32 random bytes)");
  // The admin commands (docs/operations.md).
  std::string admin_config;
  linkgate::server::AdminCommand admin_command;
  std::string admin_email;
  const auto admin_options = [&](CLI::App* command) {
    command->add_option("--config", admin_config, "TOML file of settings, as for serve");
    command->add_flag("--json", admin_command.json, "Print one JSON document (for scripts)");
  };
  auto* users_cmd = cli.add_subcommand("users", "List or delete users");
  users_cmd->require_subcommand(1);
  auto* users_list_cmd = users_cmd->add_subcommand("list", "List the users, oldest first");
  users_list_cmd->add_option("--email", admin_email, "Only the users of this address");
  users_list_cmd->add_option("--limit", admin_command.limit, "At most this many (default 1000)")
      ->check(CLI::PositiveNumber);
  admin_options(users_list_cmd);
  auto* users_delete_cmd = users_cmd->add_subcommand(
      "delete", "Delete a user with their sessions, accounts, sign-in links and codes");
  users_delete_cmd->add_option("EMAIL", admin_email, "The user's address")->required();
  admin_options(users_delete_cmd);
  auto* sessions_cmd = cli.add_subcommand("sessions", "Revoke sessions");
  sessions_cmd->require_subcommand(1);
  auto* sessions_revoke_cmd = sessions_cmd->add_subcommand(
      "revoke", "Delete a user's database sessions (JWT sessions live until they expire)");
  sessions_revoke_cmd->add_option("EMAIL", admin_email, "The user's address")->required();
  admin_options(sessions_revoke_cmd);
  auto* link_cmd =
      cli.add_subcommand("link", "Print a sign-in link for an address (support, a first admin)");
  link_cmd->add_option("EMAIL", admin_email, "The address to sign in")->required();
  link_cmd->add_option("--callback-url", admin_command.callback_url,
                       "Where the sign-in lands (default: AUTH_URL's origin)");
  admin_options(link_cmd);
  auto* webhooks_cmd = cli.add_subcommand(
      "webhooks", "Show and resend the webhook events of the database (docs/webhooks.md)");
  webhooks_cmd->require_subcommand(1);
  std::string webhooks_config;
  webhooks_cmd->add_option("--config", webhooks_config, "TOML file of settings, as for serve");
  webhooks_cmd->add_option("--database-url", overrides["DATABASE_URL"],
                           "sqlite:///path/to/file.db or postgres://… (DATABASE_URL)");
  bool webhooks_failed = false;
  bool webhooks_json = false;
  int webhooks_limit = 1000;
  auto* webhooks_list_cmd = webhooks_cmd->add_subcommand("list", "List the events, oldest first");
  webhooks_list_cmd->add_flag("--failed", webhooks_failed, "Only those kept as failed");
  webhooks_list_cmd->add_flag("--json", webhooks_json, "As one JSON array, with each event's data");
  webhooks_list_cmd->add_option("--limit", webhooks_limit, "At most this many (default 1000)")
      ->check(CLI::PositiveNumber);
  std::string webhooks_retry_id;
  bool webhooks_retry_all = false;
  auto* webhooks_retry_cmd = webhooks_cmd->add_subcommand(
      "retry", "Make an event (or every failed one) due again; a running server sends it");
  auto* retry_id =
      webhooks_retry_cmd->add_option("ID", webhooks_retry_id, "The event's webhook-id");
  auto* retry_all = webhooks_retry_cmd->add_flag("--all", webhooks_retry_all, "Every failed event");
  retry_id->excludes(retry_all);
  CLI11_PARSE(cli, argc, argv);
  for (auto [command, name] :
       {std::pair{users_list_cmd, "users list"}, std::pair{users_delete_cmd, "users delete"},
        std::pair{sessions_revoke_cmd, "sessions revoke"}, std::pair{link_cmd, "link"}}) {
    if (!command->parsed()) continue;
    admin_command.name = name;
    if (!admin_email.empty() || name != std::string_view("users list")) {
      admin_command.email = admin_email;
    }
    return admin(admin_config, admin_command);
  }
  if (webhooks_cmd->parsed()) {
    if (webhooks_retry_cmd->parsed() && webhooks_retry_id.empty() && !webhooks_retry_all) {
      std::fprintf(stderr, "linkgate webhooks retry: give an event's id or --all\n");
      return 2;
    }
    auto lookup = settings_lookup(webhooks_config, overrides);
    if (!lookup) return 2;
    if (webhooks_list_cmd->parsed()) {
      return linkgate::server::webhooks_list(*lookup, webhooks_failed, webhooks_json,
                                             webhooks_limit);
    }
    return linkgate::server::webhooks_retry(
        *lookup, webhooks_retry_all ? std::nullopt : std::optional<std::string>(webhooks_retry_id));
  }
  if (webhook_secret_cmd->parsed()) {
    std::printf("%s\n", linkgate::server::make_webhook_secret().c_str());
    return 0;
  }
  if (version_cmd->parsed()) {
    std::printf("linkgate %s\n", LINKGATE_VERSION);
    return 0;
  }
  if (help_cmd->parsed()) {
    std::fputs(cli.help().c_str(), stdout);
    return 0;
  }
  if (check_cmd->parsed()) return check(check_config);
  if (migrate_cmd->parsed()) return migrate(migrate_url);
  if (audit_hash_cmd->parsed()) return audit_hash(hash_config, hash_address);
  if (settings_cmd->parsed()) {
    using linkgate::server::EnvFileKind;
    const std::string text =
        settings_markdown      ? linkgate::server::settings_markdown()
        : settings_env         ? linkgate::server::settings_env_file(EnvFileKind::settings)
        : settings_secrets_env ? linkgate::server::settings_env_file(EnvFileKind::secrets)
                               : linkgate::server::settings_help();
    std::fputs(text.c_str(), stdout);
    return 0;
  }
  return serve(config_path, overrides);
}
