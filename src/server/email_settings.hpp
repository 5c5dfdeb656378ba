// The email part of the server's settings, read from the environment: which providers are on
// (AUTH_<ID>_KEY, LINKGATE_HOOK_SEND_EMAIL_URL, EMAIL_SERVER), their API URLs and extras, the SMTP
// trust store, retries and the fallback provider. Every variable is listed in README.md's
// configuration table and docs/providers.md.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linkgate/result.hpp"

namespace linkgate::server {

struct EmailProviderSettings {
  std::string id;       // "postmark" | "forwardemail" | "resend" | "sendgrid" | "mailgun" |
                        // "loops" | "webhook" | "smtp"
  std::string name;     // Auth.js's name: "Postmark", "Forward Email", "Resend", "SendGrid",
                        // "Mailgun", "Loops"; "Email" for smtp and webhook
  std::string api_key;  // AUTH_<ID>_KEY (empty for smtp and webhook)
  std::string api_url;  // AUTH_<ID>_API_URL; for smtp, EMAIL_SERVER; for webhook,
                        // LINKGATE_HOOK_SEND_EMAIL_URL
  std::string region;   // mailgun: AUTH_MAILGUN_REGION, "US" or "EU"
  std::string transactional_id;  // loops: AUTH_LOOPS_TRANSACTIONAL_ID
  std::string ca_file;           // smtp: LINKGATE_SMTP_CA_FILE
};

struct EmailSettings {
  // Every configured provider, in a fixed order (the order of the sign-in page).
  std::vector<EmailProviderSettings> providers;
  // LINKGATE_EMAIL_FALLBACK: the id of a configured provider used when another one fails. It
  // is not shown as a sign-in choice of its own. Empty: no fallback.
  std::string fallback;
  int retry_max_tries = 4;                          // LINKGATE_EMAIL_RETRY_MAX_TRIES (1: none)
  std::chrono::milliseconds retry_budget{8000};     // LINKGATE_EMAIL_RETRY_BUDGET_MS
  std::chrono::milliseconds retry_base_delay{250};  // LINKGATE_EMAIL_RETRY_BASE_MS
};

// `env` as settings.hpp's EnvLookup; `from` is EMAIL_FROM (SendGrid, Mailgun and SMTP need an
// address in it, checked here so that a bad one is a startup error). Errors (kind
// "configuration") name the variable and never echo a key or EMAIL_SERVER (it holds a password).
Result<EmailSettings> read_email_settings(
    const std::function<std::optional<std::string>(std::string_view)>& env,
    const std::string& from);

}  // namespace linkgate::server
