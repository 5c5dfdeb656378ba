#include "server/hook_settings.hpp"

#include <sstream>

#include "server/webhook_settings.hpp"

namespace linkgate::server {

namespace {

Error configuration(std::string message) {
  return Error{"configuration", std::move(message)};
}

// The keys of a space-separated list of whsec_ secrets; an Error naming `name` when one is
// malformed.
Result<std::vector<std::string>> decode_secrets(const std::string& text, std::string_view name) {
  std::vector<std::string> keys;
  std::istringstream words(text);
  std::string secret;
  while (words >> secret) {
    auto key = decode_webhook_secret(secret);
    if (!key) {
      return configuration(std::string(name) +
                           " must be whsec_ followed by the base64 of 24 to 64 bytes (several "
                           "separated by spaces); make one with `linkgate webhook-secret`");
    }
    keys.push_back(std::move(*key));
  }
  return keys;
}

Result<std::string> read_hook_url(const EnvLookup& env, std::string_view name, bool production) {
  auto url = setting_text(env, name);
  if (!url) return url.error();
  if (!url->empty() && !allowed_hook_url(*url, production)) {
    return configuration(std::string(name) + " must be an absolute " +
                         (production ? "https URL (or http on loopback) in production"
                                     : "http(s) URL without fragment"));
  }
  return url;
}

}  // namespace

Result<HookSettings> read_hook_settings(const EnvLookup& env, bool production) {
  HookSettings s;
  auto sign_in = read_hook_url(env, "LINKGATE_HOOK_SIGN_IN_URL", production);
  if (!sign_in) return sign_in.error();
  s.sign_in_url = std::move(*sign_in);
  auto send_email = read_hook_url(env, "LINKGATE_HOOK_SEND_EMAIL_URL", production);
  if (!send_email) return send_email.error();
  s.send_email_url = std::move(*send_email);
  auto timeout = setting_integer(env, "LINKGATE_HOOK_TIMEOUT_MS");
  if (!timeout) return timeout.error();
  s.timeout = std::chrono::milliseconds(*timeout);
  auto fail_open = setting_flag(env, "LINKGATE_HOOK_FAIL_OPEN");
  if (!fail_open) return fail_open.error();
  s.fail_open = *fail_open;
  if (s.sign_in_url.empty() && s.send_email_url.empty()) return s;

  // LINKGATE_HOOK_SECRET, else the events' LINKGATE_WEBHOOK_SECRET: one secret may serve both.
  std::string_view secret_name = "LINKGATE_HOOK_SECRET";
  auto secret = env(secret_name);
  if (!secret) {
    secret_name = "LINKGATE_WEBHOOK_SECRET";
    secret = env(secret_name);
  }
  auto keys = decode_secrets(secret.value_or(""), secret_name);
  if (!keys) return keys.error();
  s.keys = std::move(*keys);
  if (s.keys.empty()) {
    return configuration(
        std::string(s.sign_in_url.empty() ? "LINKGATE_HOOK_SEND_EMAIL_URL"
                                          : "LINKGATE_HOOK_SIGN_IN_URL") +
        " is set but neither LINKGATE_HOOK_SECRET nor LINKGATE_WEBHOOK_SECRET is: every hook "
        "call is signed; make a secret with `linkgate webhook-secret`");
  }
  return s;
}

}  // namespace linkgate::server
