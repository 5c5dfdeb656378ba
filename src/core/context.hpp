// The per-request state that Auth.js computes in `init` (authjs-behaviour.md §0.3): the origin,
// the cookies, the parsed body, the CSRF state and the resolved callbackUrl, plus the helpers
// that turn outcomes into Auth.js responses.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/client_ip.hpp"
#include "core/cookies.hpp"
#include "core/csrf.hpp"
#include "core/session_jwt.hpp"
#include "linkgate/audit_event.hpp"
#include "linkgate/config.hpp"
#include "linkgate/http.hpp"
#include "linkgate/store.hpp"

namespace linkgate::core {

// What the whole Auth instance shares between requests (immutable after construction).
struct AuthState {
  AuthConfig config;
  std::shared_ptr<Store> store;
  // Fixed origin and base path when config.url is set.
  std::optional<std::string> fixed_origin;
  std::string base_path;
  // JWT codecs for both cookie-name variants (the HKDF salt is the cookie name).
  std::optional<SessionJwtCodec> jwt_plain;
  std::optional<SessionJwtCodec> jwt_secure;
  // config.trusted_proxies, parsed once. When they do not parse, trusted_proxies_error says why
  // and every request is answered Configuration (fail closed).
  TrustedProxies trusted_proxies;
  std::string trusted_proxies_error;

  TimePoint now() const;
  // Logs through AuthConfig::request_log with `request_id` (Request::id) when it is set, else
  // through AuthConfig::log.
  void log(LogLevel level, const std::string& message, const std::string& request_id = {}) const;
  const EmailProvider* provider(std::string_view id) const;
  const SessionJwtCodec& jwt_codec(bool secure) const;
};

// Auth.js error types that may reach the browser (§0.5).
enum class ErrorKind { sign_in, error };

class Context {
 public:
  Context(const AuthState& state, const Request& request, std::string origin, std::string action,
          std::string provider_id);

  const AuthState& state;
  const Request& request;
  const std::string origin;       // scheme://host[:port]
  const std::string action;       // "signin", "callback", ...
  const std::string provider_id;  // second path segment, or empty
  const CookieNames& cookie_names;
  RequestCookies cookies;
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> body;  // POST only (form or JSON object of strings)
  CsrfState csrf;
  std::string callback_url;  // resolved through the redirect callback (default: same origin)
  // True when the redirect callback failed in init; the request is answered Configuration.
  bool redirect_failed = false;

  TimePoint now() const { return state.now(); }
  bool secure() const { return cookie_names.secure; }
  // <origin><basePath>
  std::string base_url() const { return origin + state.base_path; }
  std::string host() const;
  std::optional<std::string> param(std::string_view name) const;  // body, then query

  // Logs `message` as a line of this request (AuthState::log with Request::id).
  void log(LogLevel level, const std::string& message) const {
    state.log(level, message, request.id);
  }
  // Reports an audit event of this request to AuthConfig::audit (nothing is built without one):
  // `kind`, `outcome` and what `facts` knows, with the time, the request id, the client IP and
  // the provider of the URL (when `facts` names none) filled in.
  struct AuditFacts {
    AuditReason reason = AuditReason::none;
    std::string_view email{};
    std::string_view user_id{};
    std::string_view provider{};
    bool new_user = false;
  };
  void audit(AuditKind kind, AuditOutcome outcome, const AuditFacts& facts) const;

  // Parses the body and computes the CSRF state and the callbackUrl. Returns false when the
  // body is malformed (the caller answers 400 "Bad request.").
  bool init();

  // Cookie attributes for this deployment (HttpOnly, Lax, Path=/, Secure under https).
  SetCookie cookie_attributes() const;
  // The csrf and callback-url cookies that init decided to (re)set.
  void add_init_cookies(Response& response) const;

  // 302 (or 200 {"url"} in X-Auth-Return-Redirect mode) to `location`.
  Response redirect(const std::string& location) const;
  // Auth.js's error answer (§0.5): <base>/signin?error=T for sign_in kinds, <base>/error?error=T
  // otherwise; never carries a Set-Cookie.
  Response error_redirect(ErrorKind kind, std::string_view type) const;
  // The answer to a store call that failed in `step` (logged with its message): 503 with
  // Retry-After when the database cannot be reached right now (kind "unavailable": down, failing
  // over, every connection busy), so that a client or a load balancer tries again; otherwise
  // Auth.js's Configuration error.
  Response store_failed(const Error& error, std::string_view step) const;
  Response html(int status, std::string body) const;
  Response json(int status, std::string body) const;

 private:
  std::vector<SetCookie> init_cookies_;
};

// Response helpers that need no context.
Response bad_request();  // 400 JSON "Bad request."
void add_no_cache_headers(Response& response);
void add_page_security_headers(Response& response);

}  // namespace linkgate::core
