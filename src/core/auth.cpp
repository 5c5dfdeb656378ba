// linkgate::Auth: routing and the request pipeline of authjs-behaviour.md §0.
#include "linkgate/auth.hpp"

#include <algorithm>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <array>
#include <atomic>
#include <exception>
#include <mutex>

#include "core/actions/actions.hpp"
#include "core/context.hpp"
#include "core/locale/accept_language.hpp"
#include "core/one_time_code.hpp"
#include "core/pages/pages.hpp"
#include "core/session_cookie.hpp"
#include "core/sign_in_link.hpp"

namespace linkgate {

namespace json = boost::json;
using core::Context;

namespace {

constexpr std::array<std::string_view, 9> kActions = {"providers",      "session", "csrf",
                                                      "signin",         "signout", "callback",
                                                      "verify-request", "error",   "verify"};

struct Route {
  std::string action;
  std::string provider_id;
};

// Splits the path after the base path into an action and an optional provider id (§0.1).
// nullopt for any other shape.
std::optional<Route> parse_route(std::string_view path, std::string_view base_path) {
  if (!path.starts_with(base_path)) return std::nullopt;
  std::string_view rest = path.substr(base_path.size());
  if (!rest.empty() && rest.front() != '/') return std::nullopt;
  // At most two segments make a route: a third ends the parse (no allocation per request).
  std::array<std::string_view, 2> segments;
  std::size_t count = 0;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    if (!segment.empty()) {
      if (count == segments.size()) return std::nullopt;
      segments[count++] = segment;
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (count == 0) return std::nullopt;
  if (std::find(kActions.begin(), kActions.end(), segments[0]) == kActions.end()) {
    return std::nullopt;
  }
  Route route{std::string(segments[0]), ""};
  if (count == 2) {
    if (route.action != "signin" && route.action != "callback") return std::nullopt;
    if (segments[1] != "undefined") route.provider_id = std::string(segments[1]);
  }
  return route;
}

bool valid_host(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

Response configuration_json() {
  Response r;
  r.status = 500;
  r.set_header("Content-Type", "application/json");
  r.body = json::serialize(json::object{
      {"message",
       "There was a problem with the server configuration. Check the server logs for more "
       "information."}});
  return r;
}

Response not_found() {
  Response r;
  r.status = 404;
  r.set_header("Content-Type", "text/plain; charset=utf-8");
  r.body = "Not found.\n";
  return r;
}

}  // namespace

namespace {

// What one request is served with: the state, and the routing over it. A reload of the texts
// (Auth::replace_texts) makes a new one; requests in flight keep the one they started with.
struct Serving {
  core::AuthState state;

  // The origin for this request: the configured one, or (only when the host is trusted) the
  // one the request names.
  std::optional<std::string> origin_for(const Request& request) const {
    if (state.fixed_origin) return state.fixed_origin;
    if (!state.config.trust_host) return std::nullopt;
    std::string_view host =
        request.header("x-forwarded-host").value_or(request.header("host").value_or(""));
    if (auto comma = host.find(','); comma != std::string_view::npos) host = host.substr(0, comma);
    if (!valid_host(host)) return std::nullopt;
    std::string_view proto = request.header("x-forwarded-proto").value_or("http");
    if (auto comma = proto.find(','); comma != std::string_view::npos) {
      proto = proto.substr(0, comma);
    }
    std::string scheme = proto == "https" ? "https" : "http";
    return scheme + "://" + std::string(host);
  }

  Response handle_outbox(const Request& request, bool as_json) const {
    if (request.method != "GET") return core::bad_request();
    auto messages = state.store->list_outbox_messages(100);
    if (!messages) {
      state.log(LogLevel::error, "outbox: store failed: " + messages.error().message, request.id);
      Response r;
      r.status = 503;
      r.set_header("Content-Type", "text/plain; charset=utf-8");
      r.body = "The outbox is unavailable: the store failed.\n";
      return r;
    }
    Response r;
    core::add_no_cache_headers(r);
    if (as_json) {
      json::array out;
      for (const auto& m : *messages) {
        out.push_back(json::object{{"id", m.id},
                                   {"created_at", core::iso8601(m.created_at)},
                                   {"provider", m.provider},
                                   {"to", m.to},
                                   {"from", m.from},
                                   {"subject", m.subject},
                                   {"url", m.url},
                                   {"text", m.text},
                                   {"html", m.html}});
      }
      r.set_header("Content-Type", "application/json");
      r.body = json::serialize(out);
      return r;
    }
    auto page = core::pages::render_outbox(*messages, "/", state.config.theme);
    r.status = page.status;
    r.set_header("Content-Type", "text/html; charset=utf-8");
    core::add_page_security_headers(r);
    r.body = std::move(page.html);
    return r;
  }

  Response dispatch(const Request& request) const {
    if (state.config.dev_outbox_pages) {
      if (request.path == "/dev/outbox") return handle_outbox(request, false);
      if (request.path == "/dev/outbox.json") return handle_outbox(request, true);
    }
    // The home page lives and dies with the dev outbox: both are development aids, and "/"
    // belongs to the application in front of linkgate everywhere else.
    const bool home = state.config.dev_outbox_pages && request.path == "/";
    if (!home && request.path != state.base_path &&
        !request.path.starts_with(state.base_path + "/")) {
      return not_found();
    }
    auto route =
        home ? std::optional<Route>(Route{"home", ""}) : parse_route(request.path, state.base_path);
    // HEAD only on the callback, which answers it without consuming (SPEC B2); /verify answers
    // whatever method the proxied request had.
    const bool any_method = route && route->action == "verify";
    if (!any_method && request.method != "GET" && request.method != "POST" &&
        request.method != "HEAD") {
      return core::bad_request();
    }
    if (!route) return core::bad_request();
    if (request.method == "HEAD" && route->action != "callback" && !any_method) {
      return core::bad_request();
    }

    // Config assertion (§0.2): runs before anything else; fails closed.
    auto origin = origin_for(request);
    const bool redemption_ok = core::valid_redemption(state.config.redemption);
    if (state.config.secrets.empty() || !origin || !state.trusted_proxies_error.empty() ||
        !redemption_ok) {
      state.log(LogLevel::error,
                state.config.secrets.empty() ? "configuration: no AUTH_SECRET is set"
                : !state.trusted_proxies_error.empty()
                    ? std::string{"configuration: "} + state.trusted_proxies_error
                : !redemption_ok
                    ? "configuration: the one-time code must have 6 to 10 digits and 1 to 1000 "
                      "attempts"
                    : "configuration: untrusted or invalid host; set AUTH_URL "
                      "or AUTH_TRUST_HOST",
                request.id);
      const bool page =
          request.method == "GET" &&
          (route->action == "signin" || route->action == "signout" || route->action == "error" ||
           route->action == "verify-request" || route->action == "home");
      if (!page) return configuration_json();
      core::pages::ErrorPage error_page;
      error_page.error = "Configuration";
      error_page.theme = state.config.theme;
      error_page.texts = core::pages::Texts(
          core::pick_locale(state.config, request.header("Accept-Language").value_or("")));
      auto rendered = core::pages::render_error(error_page);
      Response r;
      r.status = rendered.status;
      r.set_header("Content-Type", "text/html; charset=utf-8");
      core::add_page_security_headers(r);
      r.body = std::move(rendered.html);
      return r;
    }

    Context ctx(state, request, *origin, route->action, route->provider_id);
    if (!ctx.init()) return core::bad_request();
    // A failing redirect callback is a Configuration error (§0.3), except on the error page
    // itself, which would otherwise redirect to itself forever.
    if (ctx.redirect_failed && route->action != "error") {
      return ctx.error_redirect(core::ErrorKind::error, "Configuration");
    }
    const bool get = request.method == "GET";
    const std::string& a = route->action;
    namespace act = core::actions;
    if (a == "home") return get ? act::home_page(ctx) : core::bad_request();
    if (a == "signin") return get ? act::signin_page(ctx) : act::signin_email(ctx);
    if (a == "callback") return act::callback(ctx);
    if (a == "session") return act::session(ctx);
    if (a == "verify") return act::verify(ctx);
    if (a == "signout") return get ? act::signout_page(ctx) : act::signout(ctx);
    if (!get) return core::bad_request();
    if (a == "csrf") return act::csrf(ctx);
    if (a == "providers") return act::providers(ctx);
    if (a == "verify-request") return act::verify_request(ctx);
    return act::error_page(ctx);
  }
};

}  // namespace

// `initial` answers config() and the routing questions (which no reload changes); `current` is
// what handle() serves with.
struct Auth::Impl {
  std::shared_ptr<const Serving> initial;
  std::atomic<std::shared_ptr<const Serving>> current;
  std::mutex replacing;  // one replace_texts at a time
};

Auth::Auth(AuthConfig config, std::shared_ptr<Store> store) : impl_(std::make_unique<Impl>()) {
  auto serving = std::make_shared<Serving>();
  core::AuthState& s = serving->state;
  s.config = std::move(config);
  s.store = std::move(store);
  s.base_path = s.config.base_path;
  if (!s.config.url.empty()) {
    auto parsed = boost::urls::parse_absolute_uri(s.config.url);
    if (parsed && (parsed->scheme() == "http" || parsed->scheme() == "https") &&
        parsed->has_authority() && !parsed->host().empty()) {
      std::string origin(parsed->scheme());
      origin.append("://").append(parsed->host());
      if (parsed->has_port()) origin.append(":").append(parsed->port());
      s.fixed_origin = origin;
      std::string path = std::string(parsed->path());
      while (!path.empty() && path.back() == '/') path.pop_back();
      if (!path.empty()) s.base_path = path;
    }
  }
  while (s.base_path.size() > 1 && s.base_path.back() == '/') s.base_path.pop_back();
  if (auto proxies = core::TrustedProxies::parse(s.config.trusted_proxies)) {
    s.trusted_proxies = std::move(*proxies);
  } else {
    s.trusted_proxies_error = proxies.error().message;
  }
  if (!s.config.secrets.empty()) {
    s.jwt_plain.emplace(s.config.secrets, core::CookieNames::for_scheme(false).session_token);
    s.jwt_secure.emplace(s.config.secrets, core::CookieNames::for_scheme(true).session_token);
  }
  impl_->initial = serving;
  impl_->current.store(std::move(serving));
}

Auth::~Auth() = default;

const AuthConfig& Auth::config() const {
  return impl_->initial->state.config;
}

Result<void> Auth::replace_texts(EmailTemplates email_templates, std::vector<Locale> locales) {
  if (auto checked = check_email_templates(email_templates); !checked) return checked.error();
  for (const Locale& locale : locales) {
    if (auto checked = check_locale(locale); !checked) return checked.error();
  }
  std::lock_guard lock(impl_->replacing);
  auto next = std::make_shared<Serving>(*impl_->current.load());
  next->state.config.email_templates = std::move(email_templates);
  next->state.config.locales = std::move(locales);
  impl_->current.store(std::move(next));
  return {};
}

Result<SignInLink> Auth::make_sign_in_link(std::string_view email,
                                           std::string_view callback_url) const {
  const std::shared_ptr<const Serving> serving = impl_->current.load();
  return core::make_sign_in_link(serving->state, email, callback_url);
}

Response Auth::handle(const Request& request) const {
  // Held to the end of the request: a reload meanwhile leaves this request's texts alone.
  const std::shared_ptr<const Serving> serving = impl_->current.load();
  try {
    return serving->dispatch(request);
  } catch (const std::exception& e) {
    // A programmer error: answer like Auth.js's unexpected errors and keep serving.
    serving->state.log(LogLevel::error, std::string("internal error: ") + e.what(), request.id);
    return configuration_json();
  }
}

bool Auth::is_pure(const Request& request) const {
  const auto& s = impl_->initial->state;
  if (request.path == "/dev/outbox" || request.path == "/dev/outbox.json") {
    return !s.config.dev_outbox_pages;
  }
  if (request.path == "/") {
    // The home page reads the session as /session does: the store in database mode, and the
    // embedder's session hooks, which may block.
    const bool hooks =
        s.config.callbacks.jwt || s.config.callbacks.session || s.config.events.session;
    return !s.config.dev_outbox_pages ||
           (s.config.session_strategy == SessionStrategy::jwt && !hooks);
  }
  auto route = parse_route(request.path, s.base_path);
  if (!route) return true;
  const std::string& a = route->action;
  if (a == "session") {
    // The embedder's jwt and session callbacks and session event may block (callbacks.hpp).
    const bool hooks =
        s.config.callbacks.jwt || s.config.callbacks.session || s.config.events.session;
    return s.config.session_strategy == SessionStrategy::jwt && request.method == "GET" && !hooks;
  }
  if (a == "verify") {
    // The jwt callback runs on every check, the redirect callback where one is refused.
    return s.config.session_strategy == SessionStrategy::jwt && !s.config.callbacks.jwt &&
           !s.config.callbacks.redirect;
  }
  if (a == "signin" || a == "signout") return request.method != "POST";
  return a != "callback";
}

namespace {

// Whether an embedder's callback, event or normalizeIdentifier hook is set: any of them may block
// for as long as it likes. sendVerificationRequest and generateVerificationToken run on POST
// /signin only and are judged there; normalizeIdentifier also runs where a link or code is
// redeemed.
bool has_blocking_hooks(const AuthConfig& config) {
  const auto& c = config.callbacks;
  const auto& e = config.events;
  const bool provider_hooks =
      std::any_of(config.providers.begin(), config.providers.end(),
                  [](const EmailProvider& p) { return static_cast<bool>(p.normalize_identifier); });
  return c.sign_in || c.redirect || c.jwt || c.session || e.create_user || e.update_user ||
         e.sign_in || e.sign_out || e.session || provider_hooks;
}

// Whether `route` may ask the sign-in hook: POST /signin/:provider and the callback.
bool asks_sign_in_hook(const AuthConfig& config, const std::string& action,
                       const Request& request) {
  if (!config.sign_in_hook) return false;
  return (action == "signin" && request.method == "POST") || action == "callback";
}

}  // namespace

std::string_view Auth::route_name(const Request& request) const {
  const core::AuthState& s = impl_->initial->state;
  if (s.config.dev_outbox_pages) {
    if (request.path == "/dev/outbox" || request.path == "/dev/outbox.json") return "outbox";
    if (request.path == "/") return "home";
  }
  auto route = parse_route(request.path, s.base_path);
  if (!route) return "other";
  for (std::string_view action : kActions) {
    if (action == route->action) return action;
  }
  return "other";
}

bool Auth::may_block_long(const Request& request) const {
  const auto& s = impl_->initial->state;
  if (has_blocking_hooks(s.config)) return !is_pure(request);
  auto route = parse_route(request.path, s.base_path);
  if (!route) return false;
  return (route->action == "signin" && request.method == "POST") ||
         asks_sign_in_hook(s.config, route->action, request);
}

bool Auth::waits_on_fibers(const Request& request) const {
  if (!may_block_long(request)) return true;
  const auto& s = impl_->initial->state;
  if (has_blocking_hooks(s.config)) return false;
  auto route = parse_route(request.path, s.base_path);
  if (!route) return false;
  if (asks_sign_in_hook(s.config, route->action, request) &&
      !s.config.sign_in_hook->waits_on_fibers()) {
    return false;
  }
  // The callback waits on the store and the hook alone.
  if (route->action == "callback") return true;
  if (request.method != "POST" || route->action != "signin") return false;
  const EmailProvider* provider = s.provider(route->provider_id);
  return provider != nullptr && !provider->send_verification_request &&
         !provider->generate_verification_token && provider->mailer &&
         provider->mailer->waits_on_fibers();
}

}  // namespace linkgate
