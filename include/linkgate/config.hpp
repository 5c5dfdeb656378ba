// Configuration of the core: what an embedder (or the linkgate server, from the environment)
// sets before constructing linkgate::Auth.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linkgate/callbacks.hpp"
#include "linkgate/locale.hpp"
#include "linkgate/mailer.hpp"
#include "linkgate/result.hpp"
#include "linkgate/store.hpp"

namespace linkgate {

// The look of the built-in pages and emails (authjs-behaviour.md §7).
struct Theme {
  std::string color_scheme = "auto";  // "auto" | "light" | "dark"
  std::string logo;                   // absolute URL of an image, or empty
  std::string brand_color;            // CSS colour, or empty for the default
  std::string button_text;            // CSS colour of the button text, or empty
};

// What sendVerificationRequest receives (authjs-behaviour.md §6).
struct VerificationRequest {
  std::string identifier;  // the normalized email
  std::string url;         // the magic link
  TimePoint expires;
  std::string provider_id;
  std::string token;  // the raw token (only ever in the email)
  Theme theme;
};

// One email provider: plain data plus the mailer that delivers through it.
struct EmailProvider {
  std::string id;    // "postmark", "forwardemail", "outbox", ...
  std::string name;  // "Postmark", shown on the sign-in button
  std::string from = "linkgate <no-reply@localhost>";
  std::chrono::seconds max_age{86400};  // verification token lifetime
  std::shared_ptr<Mailer> mailer;       // used by the default sendVerificationRequest

  // Hooks (SPEC P6). Unset means the built-in behaviour.
  // Replaces building and sending the email. An Error means EmailSignin.
  std::function<Result<void>(const VerificationRequest&)> send_verification_request;
  // Replaces the 32-byte hex token.
  std::function<std::string()> generate_verification_token;
  // Replaces the default normalizer (authjs-behaviour.md §3.4). An Error means EmailSignin.
  std::function<Result<std::string>(const std::string&)> normalize_identifier;
};

// The built-in normalizer (authjs-behaviour.md §3.4: NFKC, lower case, trim, one '@'; also
// rejects control characters, whitespace and over-long addresses), for a custom
// normalize_identifier that adds its own rule on top. Errors have kind "invalid_input".
Result<std::string> default_normalize_identifier(std::string_view email);

enum class SessionStrategy { database, jwt };

enum class LogLevel { debug, info, warn, error };

struct AuthConfig {
  // The public URL including the base path, e.g. "https://example.com/api/auth". When empty,
  // the origin comes from the request's Host header (only with trust_host) and the base path is
  // base_path below.
  std::string url;
  std::string base_path = "/api/auth";
  // Use the request's Host / X-Forwarded-Host / X-Forwarded-Proto to build the origin.
  bool trust_host = false;

  // AUTH_SECRET, AUTH_SECRET_1, ...: new values are made with the first; values made with any
  // are accepted. Must not be empty.
  std::vector<std::string> secrets;

  SessionStrategy session_strategy = SessionStrategy::database;
  std::chrono::seconds session_max_age{30 * 24 * 3600};
  std::chrono::seconds session_update_age{24 * 3600};

  Theme theme;
  std::vector<EmailProvider> providers;

  // Custom Mustache templates of the verification email (locale.hpp); empty parts are the
  // built-in email. Check them with check_email_templates before serving.
  EmailTemplates email_templates;
  // Languages besides the built-in English (locale.hpp), picked per request by Accept-Language
  // for the pages and the email. Check each with check_locale before serving.
  std::vector<Locale> locales;

  // Serve /dev/outbox (development only).
  bool dev_outbox_pages = false;

  // The signIn, redirect, jwt and session callbacks and the events (SPEC P6); see
  // callbacks.hpp for when each runs and what its failures mean. Unset: Auth.js's defaults.
  Callbacks callbacks;
  Events events;

  // The clock; tests may replace it. Defaults to the system clock.
  std::function<TimePoint()> now;
  // Where the core reports failures it turned into error answers (a provider that failed, a
  // store that is down). Messages never carry secrets, tokens, links or cookie values.
  // Unset: silent.
  std::function<void(LogLevel, const std::string& message)> log;
};

}  // namespace linkgate
