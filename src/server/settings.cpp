#include "server/settings.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <type_traits>

#include "crypto/random.hpp"
#include "server/metrics_address.hpp"

namespace linkgate::server {

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

namespace {

Error configuration(std::string message) {
  return Error{"configuration", std::move(message)};
}

// What production refuses even though each value alone is allowed.
Result<void> check_production(const Settings& s) {
  if (s.auth_url.empty() && !s.trust_host) {
    return configuration(
        "AUTH_URL is not set: production needs the public URL (e.g. "
        "https://example.com/api/auth), or AUTH_TRUST_HOST=true behind a proxy that sets "
        "X-Forwarded-Host");
  }
  if (!s.secrets.empty() && s.secrets.front().size() < 32) {
    return configuration(invalid_setting_message(
        *find_setting("AUTH_SECRET"), "AUTH_SECRET", s.secrets.front(),
        "at least 32 bytes in production (make one with `openssl rand -hex 32`)"));
  }
  if (s.email_from == find_setting("EMAIL_FROM")->default_value) {
    return configuration(invalid_setting_message(
        *find_setting("EMAIL_FROM"), "EMAIL_FROM", s.email_from,
        "an address of your own domain in production, e.g. \"Example <no-reply@example.com>\""));
  }
  if (s.outbox) {
    return configuration(
        "the dev outbox is refused in production: set a provider (AUTH_POSTMARK_KEY, "
        "AUTH_RESEND_KEY, EMAIL_SERVER, ...; see docs/providers.md) and unset "
        "LINKGATE_OUTBOX");
  }
  if (s.email.providers.empty()) {
    return configuration(
        "no email provider is set: production needs one (AUTH_POSTMARK_KEY, AUTH_RESEND_KEY, "
        "EMAIL_SERVER, ...; see docs/providers.md)");
  }
  return {};
}

// LINKGATE_METRICS_ADDR: the metrics have no authentication, so production refuses an address
// other hosts can reach unless LINKGATE_METRICS_ALLOW_REMOTE=true says that is meant.
Result<std::string> read_metrics_address(const EnvLookup& env, bool production) {
  auto text = setting_text(env, "LINKGATE_METRICS_ADDR");
  if (!text) return text.error();
  auto allow_remote = setting_flag(env, "LINKGATE_METRICS_ALLOW_REMOTE");
  if (!allow_remote) return allow_remote.error();
  if (text->empty()) return *text;
  const auto address = parse_metrics_address(*text);  // checked by its row
  if (production && address && !address->loopback && !*allow_remote) {
    return configuration(invalid_setting_message(
        *find_setting("LINKGATE_METRICS_ADDR"), "LINKGATE_METRICS_ADDR", *text,
        "a loopback address (127.0.0.1 or ::1) in production, since the metrics have no "
        "authentication; set LINKGATE_METRICS_ALLOW_REMOTE=true to serve them on another "
        "address behind your own network controls"));
  }
  return *text;
}

}  // namespace

std::string read_database_url(const EnvLookup& env) {
  return env("DATABASE_URL")
      .value_or("sqlite://" + (std::filesystem::current_path() / "linkgate.db").string());
}

Result<bool> read_prepared_statements(const EnvLookup& env) {
  return setting_flag(env, "DATABASE_PREPARED_STATEMENTS");
}

// Each READ assigns a table reader's value or returns its Error.
#define LINKGATE_READ(target, reader, ...)                                        \
  do {                                                                            \
    auto read_value = reader(env, __VA_ARGS__);                                   \
    if (!read_value) return read_value.error();                                   \
    target = static_cast<std::remove_reference_t<decltype(target)>>(*read_value); \
  } while (false)

Result<Settings> read_settings(const EnvLookup& env) {
  // Every set variable against its row first, so that any bad value is one line.
  if (auto checked = check_settings(env); !checked) return checked.error();
  Settings s;
  std::string mode;
  LINKGATE_READ(mode, setting_text, "LINKGATE_ENV");
  if (mode.empty()) mode = env("NODE_ENV").value_or("development");
  if (mode != "development" && mode != "production" && mode != "test") {
    return configuration("NODE_ENV=\"" + mode +
                         "\" is not allowed: one of development, production, test (or set "
                         "LINKGATE_ENV)");
  }
  s.production = mode == "production";
  LINKGATE_READ(s.host, setting_text, "HOST");
  if (s.host.empty()) s.host = s.production ? "0.0.0.0" : "127.0.0.1";
  LINKGATE_READ(s.port, setting_integer, "PORT");
  LINKGATE_READ(s.auth_url, setting_text, "AUTH_URL");
  LINKGATE_READ(s.trust_host, setting_flag, "AUTH_TRUST_HOST", !s.production && s.auth_url.empty());

  if (auto secret = env("AUTH_SECRET")) s.secrets.push_back(*secret);
  const SettingSpec& older = *find_setting("AUTH_SECRET_1");
  for (int i = 1; i <= older.numbered_to; ++i) {
    if (auto value = env(std::string(older.name) + std::to_string(i))) s.secrets.push_back(*value);
  }
  LINKGATE_READ(s.secret_file, setting_text, "LINKGATE_SECRET_FILE");

  s.database_url = read_database_url(env);
  LINKGATE_READ(s.database_pool_size, setting_integer, "DATABASE_POOL_SIZE");
  LINKGATE_READ(s.database_batches, setting_integer, "DATABASE_BATCHES");
  LINKGATE_READ(s.database_prepared_statements, setting_flag, "DATABASE_PREPARED_STATEMENTS");

  std::string strategy;
  LINKGATE_READ(strategy, setting_text, "AUTH_SESSION_STRATEGY");
  s.session_strategy = strategy == "jwt" ? SessionStrategy::jwt : SessionStrategy::database;
  LINKGATE_READ(s.session_max_age, setting_integer, "AUTH_SESSION_MAX_AGE");
  LINKGATE_READ(s.session_update_age, setting_integer, "AUTH_SESSION_UPDATE_AGE");
  LINKGATE_READ(s.token_max_age, setting_integer, "AUTH_EMAIL_MAX_AGE");
  LINKGATE_READ(s.email_from, setting_text, "EMAIL_FROM");

  // Providers, SMTP, retries and the fallback: server/email_settings.cpp.
  auto email = read_email_settings(env, s.email_from);
  if (!email) return email.error();
  s.email = std::move(*email);
  LINKGATE_READ(s.outbox, setting_flag, "LINKGATE_OUTBOX", s.email.providers.empty());

  LINKGATE_READ(s.theme.color_scheme, setting_text, "AUTH_THEME_COLOR_SCHEME");
  LINKGATE_READ(s.theme.brand_color, setting_text, "AUTH_THEME_BRAND_COLOR");
  LINKGATE_READ(s.theme.button_text, setting_text, "AUTH_THEME_BUTTON_TEXT");
  LINKGATE_READ(s.theme.logo, setting_text, "AUTH_THEME_LOGO");
  // Read (and checked) at startup by build_app: server/template_settings.hpp.
  LINKGATE_READ(s.email_template_dir, setting_text, "LINKGATE_EMAIL_TEMPLATE_DIR");
  LINKGATE_READ(s.locale_dir, setting_text, "LINKGATE_LOCALE_DIR");

  LINKGATE_READ(s.io_threads, setting_integer, "LINKGATE_IO_THREADS");
  LINKGATE_READ(s.worker_threads, setting_integer, "LINKGATE_WORKERS");
  LINKGATE_READ(s.store_threads, setting_integer, "LINKGATE_STORE_WORKERS");
  LINKGATE_READ(s.store_fibers, setting_flag, "LINKGATE_STORE_FIBERS");
  LINKGATE_READ(s.provider_timeout, setting_integer, "LINKGATE_PROVIDER_TIMEOUT_MS");
  LINKGATE_READ(s.sweep_interval, setting_integer, "LINKGATE_SWEEP_INTERVAL");
  LINKGATE_READ(s.shutdown_timeout, setting_integer, "LINKGATE_SHUTDOWN_TIMEOUT");
  LINKGATE_READ(s.log_level, setting_text, "LINKGATE_LOG_LEVEL");
  if (auto metrics = read_metrics_address(env, s.production); !metrics) {
    return metrics.error();
  } else {
    s.metrics_addr = *metrics;
  }
  LINKGATE_READ(s.log_format, setting_text, "LINKGATE_LOG_FORMAT");
  LINKGATE_READ(s.log_emails, setting_flag, "LINKGATE_LOG_EMAILS");
  // Rate limits, trusted proxies and the sign-in policy: server/abuse_settings.cpp.
  auto abuse = read_abuse_settings(env);
  if (!abuse) return abuse.error();
  s.abuse = std::move(*abuse);
  // The cookie domain and redirect hosts: server/gateway_settings.cpp.
  auto gateway = read_gateway_settings(env, s.auth_url);
  if (!gateway) return gateway.error();
  s.gateway = std::move(*gateway);
  // The confirm page and one-time codes: server/redemption_settings.cpp.
  auto redemption = read_redemption_settings(env);
  if (!redemption) return redemption.error();
  s.redemption = *redemption;
  // The webhook receiver and its events: server/webhook_settings.cpp.
  auto webhook = read_webhook_settings(env, s.production);
  if (!webhook) return webhook.error();
  s.webhook = std::move(*webhook);
  // The sign-in hook and the webhook email provider's receiver: server/hook_settings.cpp.
  auto hooks = read_hook_settings(env, s.production);
  if (!hooks) return hooks.error();
  s.hooks = std::move(*hooks);
  if (s.production) {
    if (auto refused = check_production(s); !refused) return refused.error();
  }
  return s;
}

#undef LINKGATE_READ

Result<std::string> ensure_secret(Settings& settings) {
  if (!settings.secrets.empty()) return std::string();
  if (settings.production) {
    return Error{"configuration",
                 "AUTH_SECRET is not set. Make one with `openssl rand -hex 32` and set it."};
  }
  const std::string& path = settings.secret_file;
  if (std::ifstream in(path); in) {
    std::stringstream text;
    text << in.rdbuf();
    std::string secret = text.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.size() < 32) {
      return Error{"configuration", "the secret in " + path + " is too short; delete the file"};
    }
    settings.secrets.push_back(secret);
    return "AUTH_SECRET is not set: using the development secret kept in " + path;
  }
  std::string secret = crypto::random_hex(32);
  const mode_t old_mask = ::umask(077);
  std::ofstream out(path, std::ios::trunc);
  out << secret << "\n";
  out.close();
  ::umask(old_mask);
  if (!out) return Error{"configuration", "could not write the development secret to " + path};
  settings.secrets.push_back(secret);
  return "AUTH_SECRET is not set: made a random development secret and kept it in " + path +
         " (set AUTH_SECRET in production)";
}

}  // namespace linkgate::server
