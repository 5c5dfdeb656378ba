#include "server/settings.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/url/parse.hpp>

#include "crypto/random.hpp"

namespace linkgate::server {

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

namespace {

Result<long long> read_integer(const EnvLookup& env, std::string_view name, long long fallback,
                               long long min, long long max) {
  auto text = env(name);
  if (!text) return fallback;
  long long value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    return Error{"configuration", std::string(name) + " must be a whole number from " +
                                      std::to_string(min) + " to " + std::to_string(max)};
  }
  return value;
}

Result<bool> read_flag(const EnvLookup& env, std::string_view name, bool fallback) {
  auto text = env(name);
  if (!text) return fallback;
  std::string v = *text;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  return Error{"configuration", std::string(name) + " must be true or false"};
}

}  // namespace

std::string read_database_url(const EnvLookup& env) {
  return env("DATABASE_URL")
      .value_or("sqlite://" + (std::filesystem::current_path() / "linkgate.db").string());
}

Result<Settings> read_settings(const EnvLookup& env) {
  Settings s;
  std::string mode = env("LINKGATE_ENV").value_or(env("NODE_ENV").value_or("development"));
  if (mode != "development" && mode != "production" && mode != "test") {
    return Error{"configuration", "LINKGATE_ENV must be development or production"};
  }
  s.production = mode == "production";
  s.host = env("HOST").value_or(s.production ? "0.0.0.0" : "127.0.0.1");

  auto port = read_integer(env, "PORT", 3000, 0, 65535);
  if (!port) return port.error();
  s.port = static_cast<int>(*port);

  s.auth_url = env("AUTH_URL").value_or("");
  if (!s.auth_url.empty()) {
    // Refused at startup rather than answered per request with the Configuration error.
    auto url = boost::urls::parse_absolute_uri(s.auth_url);
    if (!url || (url->scheme() != "http" && url->scheme() != "https") || !url->has_authority() ||
        url->host().empty() || url->has_query() || url->has_fragment()) {
      return Error{"configuration",
                   "AUTH_URL must be an absolute http(s) URL without query or fragment, e.g. "
                   "https://example.com/api/auth"};
    }
  }
  auto trust = read_flag(env, "AUTH_TRUST_HOST", !s.production && s.auth_url.empty());
  if (!trust) return trust.error();
  s.trust_host = *trust;

  if (auto secret = env("AUTH_SECRET")) s.secrets.push_back(*secret);
  for (int i = 1; i <= 9; ++i) {
    if (auto older = env("AUTH_SECRET_" + std::to_string(i))) s.secrets.push_back(*older);
  }
  s.secret_file = env("LINKGATE_SECRET_FILE").value_or(".linkgate-secret");

  s.database_url = read_database_url(env);
  auto pool_size = read_integer(env, "DATABASE_POOL_SIZE", 16, 1, 1000);
  if (!pool_size) return pool_size.error();
  s.database_pool_size = static_cast<int>(*pool_size);
  auto batches = read_integer(env, "DATABASE_BATCHES", 2, 1, 1000);
  if (!batches) return batches.error();
  s.database_batches = static_cast<int>(*batches);

  std::string strategy = env("AUTH_SESSION_STRATEGY").value_or("database");
  if (strategy == "database") {
    s.session_strategy = SessionStrategy::database;
  } else if (strategy == "jwt") {
    s.session_strategy = SessionStrategy::jwt;
  } else {
    return Error{"configuration", "AUTH_SESSION_STRATEGY must be database or jwt"};
  }
  constexpr long long kYear = 366LL * 24 * 3600;
  auto max_age = read_integer(env, "AUTH_SESSION_MAX_AGE", 30 * 24 * 3600, 60, 10 * kYear);
  if (!max_age) return max_age.error();
  s.session_max_age = std::chrono::seconds(*max_age);
  auto update_age = read_integer(env, "AUTH_SESSION_UPDATE_AGE", 24 * 3600, 0, 10 * kYear);
  if (!update_age) return update_age.error();
  s.session_update_age = std::chrono::seconds(*update_age);
  auto token_age = read_integer(env, "AUTH_EMAIL_MAX_AGE", 86400, 60, 30 * 24 * 3600);
  if (!token_age) return token_age.error();
  s.token_max_age = std::chrono::seconds(*token_age);

  s.email_from = env("EMAIL_FROM").value_or("linkgate <no-reply@localhost>");
  if (s.email_from.find_first_of("\r\n") != std::string::npos) {
    return Error{"configuration", "EMAIL_FROM must be one line"};
  }

  // Providers, SMTP, retries and the fallback: server/email_settings.cpp.
  auto email = read_email_settings(env, s.email_from);
  if (!email) return email.error();
  s.email = std::move(*email);
  auto outbox = read_flag(env, "LINKGATE_OUTBOX", s.email.providers.empty());
  if (!outbox) return outbox.error();
  s.outbox = *outbox;
  if (s.outbox && s.production) {
    return Error{"configuration",
                 "the dev outbox is refused in production: set a provider (AUTH_POSTMARK_KEY, "
                 "AUTH_RESEND_KEY, EMAIL_SERVER, ...; see docs/providers.md) and unset "
                 "LINKGATE_OUTBOX"};
  }

  s.theme.color_scheme = env("AUTH_THEME_COLOR_SCHEME").value_or("auto");
  if (s.theme.color_scheme != "auto" && s.theme.color_scheme != "light" &&
      s.theme.color_scheme != "dark") {
    return Error{"configuration", "AUTH_THEME_COLOR_SCHEME must be auto, light or dark"};
  }
  s.theme.brand_color = env("AUTH_THEME_BRAND_COLOR").value_or("");
  s.theme.button_text = env("AUTH_THEME_BUTTON_TEXT").value_or("");
  s.theme.logo = env("AUTH_THEME_LOGO").value_or("");
  // Read (and checked) at startup by build_app: server/template_settings.hpp.
  s.email_template_dir = env("LINKGATE_EMAIL_TEMPLATE_DIR").value_or("");
  s.locale_dir = env("LINKGATE_LOCALE_DIR").value_or("");

  auto io = read_integer(env, "LINKGATE_IO_THREADS", 0, 0, 256);
  if (!io) return io.error();
  s.io_threads = static_cast<int>(*io);
  auto workers = read_integer(env, "LINKGATE_WORKERS", 16, 1, 1024);
  if (!workers) return workers.error();
  s.worker_threads = static_cast<int>(*workers);
  auto store_workers = read_integer(env, "LINKGATE_STORE_WORKERS", 0, 0, 1024);
  if (!store_workers) return store_workers.error();
  s.store_threads = static_cast<int>(*store_workers);
  auto store_fibers = read_flag(env, "LINKGATE_STORE_FIBERS", true);
  if (!store_fibers) return store_fibers.error();
  s.store_fibers = *store_fibers;
  auto timeout = read_integer(env, "LINKGATE_PROVIDER_TIMEOUT_MS", 15000, 100, 600000);
  if (!timeout) return timeout.error();
  s.provider_timeout = std::chrono::milliseconds(*timeout);
  auto sweep = read_integer(env, "LINKGATE_SWEEP_INTERVAL", 3600, 1, kYear);
  if (!sweep) return sweep.error();
  s.sweep_interval = std::chrono::seconds(*sweep);
  s.log_level = env("LINKGATE_LOG_LEVEL").value_or("info");
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
  return s;
}

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
