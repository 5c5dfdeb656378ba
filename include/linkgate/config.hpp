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

#include "linkgate/audit_event.hpp"
#include "linkgate/callbacks.hpp"
#include "linkgate/locale.hpp"
#include "linkgate/mailer.hpp"
#include "linkgate/result.hpp"
#include "linkgate/sign_in_hook.hpp"
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
  // The one-time code to show beside the link (SPEC B3); empty when one-time codes are off.
  std::string code;
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

// Rate limits (SPEC B1), counted in the Store so that they hold across instances. A limit of 0
// turns that limit off.
struct RateLimits {
  // Emails per identifier. Over it: no token, no email, the same answer as a success.
  int per_identifier = 5;
  std::chrono::seconds identifier_window{15 * 60};
  // Sign-in requests (emails asked for, one-time codes tried) per client IP; IPv6 grouped by /64.
  // Over it: ?error=RateLimited (429 with Retry-After in JSON mode).
  int per_ip = 30;
  std::chrono::seconds ip_window{5 * 60};
  // Emails sent per global_window (a minute unless changed) by the whole deployment. Over it: as
  // the IP limit.
  int global_per_minute = 1000;
  std::chrono::seconds global_window{60};
};

// Who may sign in (SPEC B4). Domains match the parsed domain exactly, or as a dot-suffix when
// written with a leading dot (".example.com" matches "a.example.com", never "badexample.com").
struct SignInPolicy {
  std::vector<std::string> allowed_domains;  // empty: every domain not blocked
  std::vector<std::string> blocked_domains;
  bool signup = true;             // false: unknown addresses get the success page and no email
  bool void_older_links = false;  // a new link voids the identifier's older links and codes
};

// How the emailed link and code are redeemed (SPEC B2, B3).
struct Redemption {
  // GET /callback answers a "Sign in as <email>?" page whose button POSTs; only the POST consumes.
  bool confirm = false;
  // The email also carries a one-time code, typed on the verify-request page.
  bool one_time_code = false;
  int code_digits = 6;        // 6 to 10
  int code_max_attempts = 5;  // wrong tries per code before it is void
};

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

  RateLimits rate_limits;
  SignInPolicy policy;
  Redemption redemption;
  // Proxies whose X-Forwarded-For is believed (CIDRs, e.g. "10.0.0.0/8", "::1/128"). The client IP
  // is the socket peer unless the peer is listed; then the right-most untrusted X-Forwarded-For
  // hop. Empty (the default): no proxy is trusted.
  std::vector<std::string> trusted_proxies;

  // The Domain of the session cookie (AUTH_COOKIE_DOMAIN, e.g. "example.com"), so that every host
  // under it (app.example.com, admin.example.com) shares one session. Empty (the default): the
  // cookie belongs to the origin's host alone. No other cookie gets it (the CSRF cookie's __Host-
  // prefix forbids a Domain).
  std::string cookie_domain;
  // Hosts a callbackUrl may point to besides the origin (LINKGATE_REDIRECT_HOSTS), lower case:
  // "app.example.com" (that host, on any port) or ".example.com" (every host under example.com).
  // The URL must still be one that every parser reads alike (redirect.hpp), and use https when
  // the origin does. Empty (the default): the origin only.
  std::vector<std::string> redirect_hosts;

  // Serve /dev/outbox (development only).
  bool dev_outbox_pages = false;

  // The signIn, redirect, jwt and session callbacks and the events (SPEC P6); see
  // callbacks.hpp for when each runs and what its failures mean. Unset: Auth.js's defaults.
  Callbacks callbacks;
  Events events;
  // The app's decision over the network (sign_in_hook.hpp), asked after the signIn callback
  // allowed (or when it is unset). Null (the default): no hook.
  std::shared_ptr<SignInHook> sign_in_hook;
  // When the hook gives no decision (timeout, error, unreadable answer): false (the default)
  // refuses the sign-in with AccessDenied; true lets it go on. Logged either way.
  bool sign_in_hook_fail_open = false;
  // The webhook event types (docs/webhooks.md: "user.created", "session.created",
  // "session.deleted", "email.failed") written to the store's outbox, in the transaction of the
  // change each reports, for a sender to deliver. Empty (the default): no event is written.
  std::vector<std::string> webhook_events;

  // The clock; tests may replace it. Defaults to the system clock.
  std::function<TimePoint()> now;
  // Where the core reports failures it turned into error answers (a provider that failed, a
  // store that is down). Messages never carry secrets, tokens, links or cookie values.
  // Unset: silent.
  std::function<void(LogLevel, const std::string& message)> log;
  // Like `log`, with the id of the request the line belongs to (Request::id; empty outside a
  // request). When set, the core calls it instead of `log`.
  std::function<void(LogLevel, const std::string& request_id, const std::string& message)>
      request_log;
  // Where the core reports audit events (audit_event.hpp). Unset: none are built.
  std::shared_ptr<AuditSink> audit;
};

}  // namespace linkgate
