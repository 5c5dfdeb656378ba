#include "core/context.hpp"

#include <boost/json.hpp>

#include "core/form.hpp"
#include "core/hooks.hpp"

namespace linkgate::core {

namespace json = boost::json;

TimePoint AuthState::now() const {
  if (config.now) return config.now();
  return std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
}

void AuthState::log(LogLevel level, const std::string& message,
                    const std::string& request_id) const {
  if (config.request_log) {
    config.request_log(level, request_id, message);
  } else if (config.log) {
    config.log(level, message);
  }
}

const EmailProvider* AuthState::provider(std::string_view id) const {
  for (const auto& p : config.providers) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

const SessionJwtCodec& AuthState::jwt_codec(bool secure) const {
  return secure ? *jwt_secure : *jwt_plain;
}

Context::Context(const AuthState& s, const Request& r, std::string o, std::string a, std::string p)
    : state(s),
      request(r),
      origin(std::move(o)),
      action(std::move(a)),
      provider_id(std::move(p)),
      cookie_names(CookieNames::for_scheme(origin.starts_with("https://"))),
      cookies(r.header("cookie").value_or("")),
      query(parse_form(r.query)) {}

std::string Context::host() const {
  auto pos = origin.find("://");
  return pos == std::string::npos ? origin : origin.substr(pos + 3);
}

std::optional<std::string> Context::param(std::string_view name) const {
  if (auto it = body.find(std::string(name)); it != body.end()) return it->second;
  if (auto it = query.find(std::string(name)); it != query.end()) return it->second;
  return std::nullopt;
}

void Context::audit(AuditKind kind, AuditOutcome outcome, const AuditFacts& facts) const {
  if (!state.config.audit) return;
  AuditEvent event;
  event.kind = kind;
  event.outcome = outcome;
  event.reason = facts.reason;
  event.time = now();
  event.request_id = request.id;
  event.client_ip = client_ip(state.trusted_proxies, request);
  event.user_id = facts.user_id;
  event.provider = facts.provider.empty() ? std::string_view(provider_id) : facts.provider;
  event.email = facts.email;
  event.new_user = facts.new_user;
  state.config.audit->record(event);
}

namespace {

// Only string members are kept: a number or object where Auth.js expects a string is treated
// as absent rather than coerced.
bool parse_json_body(std::string_view text, std::map<std::string, std::string>& out) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec) return false;
  if (!value.is_object()) return true;
  for (const auto& [key, member] : value.as_object()) {
    if (member.is_string()) out[std::string(key)] = std::string(member.as_string());
  }
  return true;
}

}  // namespace

bool Context::init() {
  // GET /session answers from the session cookie alone: it reads neither the CSRF state nor the
  // callbackUrl and sets neither cookie. So, unless a redirect callback is configured (it runs on
  // every request and its failure answers Configuration, §0.3), both are skipped on the hottest
  // path of all: they would cost a fresh random token, two hashes and a URL parse, for nothing.
  if (action == "session" && request.method == "GET" && !state.config.callbacks.redirect) {
    callback_url = origin;
    return true;
  }
  // /verify ignores the body, reads no CSRF state and sets neither cookie; where it names a
  // callbackUrl (a sign-in redirect) it resolves its own.
  if (action == "verify") {
    callback_url = origin;
    return true;
  }
  if (request.method == "POST") {
    std::string_view type = request.header("content-type").value_or("");
    if (type.find("application/json") != std::string_view::npos) {
      if (!parse_json_body(request.body, body)) return false;
    } else if (type.find("application/x-www-form-urlencoded") != std::string_view::npos) {
      body = parse_form(request.body);
    }
  }

  std::optional<std::string> body_token;
  if (auto it = body.find("csrfToken"); it != body.end()) body_token = it->second;
  csrf = check_csrf(cookies.get(cookie_names.csrf_token), body_token, request.method == "POST",
                    state.config.secrets);
  SetCookie attributes = cookie_attributes();
  if (csrf.new_cookie_value) {
    SetCookie c = attributes;
    c.name = cookie_names.csrf_token;
    c.value = *csrf.new_cookie_value;
    init_cookies_.push_back(std::move(c));
  }

  std::optional<std::string> cookie_callback = cookies.get(cookie_names.callback_url);
  std::string candidate = origin;
  if (auto it = body.find("callbackUrl"); it != body.end()) {
    candidate = it->second;
  } else if (auto q = query.find("callbackUrl"); q != query.end()) {
    candidate = q->second;
  } else if (cookie_callback) {
    candidate = *cookie_callback;
  }
  // Auth.js passes every candidate through the redirect callback (§0.3).
  if (auto resolved = resolve_redirect(state, candidate, origin, request.id)) {
    callback_url = std::move(*resolved);
  } else {
    redirect_failed = true;
    callback_url = origin;
  }
  if (callback_url != cookie_callback) {
    SetCookie c = attributes;
    c.name = cookie_names.callback_url;
    c.value = callback_url;
    init_cookies_.push_back(std::move(c));
  }
  return true;
}

SetCookie Context::cookie_attributes() const {
  SetCookie c;
  c.http_only = true;
  c.same_site = "Lax";
  c.path = "/";
  c.secure = secure();
  return c;
}

void Context::add_init_cookies(Response& response) const {
  for (const auto& c : init_cookies_) response.add_header("Set-Cookie", c.serialize());
}

Response Context::redirect(const std::string& location) const {
  Response r;
  if (request.header("x-auth-return-redirect")) {
    r.status = 200;
    r.set_header("Content-Type", "application/json");
    r.body = json::serialize(json::object{{"url", location}});
  } else {
    r.status = 302;
  }
  r.set_header("Location", location);
  return r;
}

Response Context::error_redirect(ErrorKind kind, std::string_view type) const {
  std::string target = base_url() + (kind == ErrorKind::sign_in ? "/signin" : "/error") +
                       "?error=" + form_encode(type);
  return redirect(target);
}

Response Context::store_failed(const Error& error, std::string_view step) const {
  log(LogLevel::error, std::string(step) + ": store failed: " + error.message);
  if (error.kind != "unavailable") return error_redirect(ErrorKind::error, "Configuration");
  Response r;
  if (request.header("x-auth-return-redirect")) {
    r = json(503, R"({"message":"The database is unavailable. Try again in a few seconds."})");
  } else {
    r.status = 503;
    r.set_header("Content-Type", "text/plain; charset=utf-8");
    r.body = "The database is unavailable for a moment. Try again in a few seconds.\n";
  }
  r.set_header("Retry-After", "5");
  add_no_cache_headers(r);
  return r;
}

Response Context::html(int status, std::string body_text) const {
  Response r;
  r.status = status;
  r.set_header("Content-Type", "text/html; charset=utf-8");
  add_page_security_headers(r);
  r.body = std::move(body_text);
  return r;
}

Response Context::json(int status, std::string body_text) const {
  Response r;
  r.status = status;
  r.set_header("Content-Type", "application/json");
  r.body = std::move(body_text);
  return r;
}

Response bad_request() {
  Response r;
  r.status = 400;
  r.set_header("Content-Type", "application/json");
  r.body = "\"Bad request.\"";
  return r;
}

void add_no_cache_headers(Response& response) {
  response.set_header("Cache-Control", "private, no-cache, no-store");
  response.set_header("Expires", "0");
  response.set_header("Pragma", "no-cache");
}

void add_page_security_headers(Response& response) {
  // No scripts on any page; forms post only to ourselves; never framed; links never leak the
  // current URL (which may carry a token) through Referer.
  response.set_header("Content-Security-Policy",
                      "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; "
                      "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  response.set_header("X-Frame-Options", "DENY");
  response.set_header("Referrer-Policy", "no-referrer");
  response.set_header("X-Content-Type-Options", "nosniff");
}

}  // namespace linkgate::core
