// ANY /verify — the session check of a reverse proxy (nginx auth_request, Caddy forward_auth,
// Traefik ForwardAuth): 200 with the user in X-Auth-* headers, 401 (or, with ?redirect=1, 302
// to the sign-in page) without a session, 403 for a user not on ?allow=. Reads and slides the
// session exactly as /session does; never creates, consumes or changes anything else.
#include <array>
#include <boost/json.hpp>

#include "core/actions/actions.hpp"
#include "core/form.hpp"
#include "core/hooks.hpp"
#include "core/session_cookie.hpp"
#include "core/session_read.hpp"
#include "core/sign_in_policy.hpp"

namespace linkgate::core::actions {

namespace json = boost::json;

namespace {

// Who the session belongs to, as the headers carry it.
struct Identity {
  std::string_view id;
  std::string_view email;
  std::string_view name;  // empty: no name
};

std::string_view first_item(std::string_view list) {
  return list.substr(0, list.find(','));
}

// A header value with every control byte dropped, so that nothing a user chose (a name) can
// split or end the header it travels in.
std::string header_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c != 0x7F) out.push_back(ch);
  }
  return out;
}

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// Whether `email` is on the ?allow= list: "jane@example.com" (that address), "example.com"
// (addresses at exactly that domain), ".example.com" (addresses at its subdomains). Compared
// without regard to ASCII case. An empty list allows nobody.
bool allowed(std::string_view email, std::string_view list) {
  const auto at = email.rfind('@');
  if (at == std::string_view::npos) return false;
  const std::string_view domain = email.substr(at + 1);
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view entry = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    while (!entry.empty() && entry.back() == ' ') entry.remove_suffix(1);
    if (entry.empty()) continue;
    const bool address = entry.find('@') != std::string_view::npos;
    if (address ? iequals(entry, email) : domain_matches(domain, entry)) return true;
  }
  return false;
}

// The URL the user asked the proxy for: X-Original-URL (nginx), else X-Forwarded-Proto, -Host
// and -Uri (Caddy, Traefik). Believed only from a trusted proxy; the origin otherwise.
std::string requested_url(const Context& ctx) {
  const Request& request = ctx.request;
  const auto peer = IpAddress::parse(request.remote_address);
  if (!peer || !ctx.state.trusted_proxies.contains(*peer)) return ctx.origin;
  if (auto original = request.header("x-original-url")) return std::string(*original);
  const std::string_view host = first_item(request.header("x-forwarded-host").value_or(""));
  const std::string_view proto = first_item(request.header("x-forwarded-proto").value_or("http"));
  const std::string_view uri = request.header("x-forwarded-uri").value_or("/");
  if (host.empty() || (proto != "http" && proto != "https") || !uri.starts_with('/')) {
    return ctx.origin;
  }
  std::string url(proto);
  url.append("://").append(host).append(uri);
  return url;
}

// The sign-in page, its callbackUrl the URL asked for when the redirect rule allows it.
std::string signin_location(const Context& ctx) {
  auto target = resolve_redirect(ctx.state, requested_url(ctx), ctx.origin, ctx.request.id);
  return ctx.base_url() + "/signin?callbackUrl=" + form_encode(target ? *target : ctx.origin);
}

// No session: 401 (with the sign-in page in Location, for nginx's error_page), or with
// ?redirect=1 a 302 there. Clears a session cookie that was invalid, as /session does.
Response denied(const Context& ctx, bool clear_cookie) {
  Response r;
  const auto flag = ctx.query.find("redirect");
  const bool redirect = flag != ctx.query.end() && flag->second == "1";
  r.status = redirect ? 302 : 401;
  r.set_header("Location", signin_location(ctx));
  r.set_header("Cache-Control", "no-store");
  if (clear_cookie) clear_session_cookie(ctx, r);
  return r;
}

// A session: 403 when ?allow= leaves the user out, 200 with the user's headers otherwise.
Response granted(const Context& ctx, const Identity& who) {
  Response r;
  r.set_header("Cache-Control", "no-store");
  if (auto list = ctx.query.find("allow"); list != ctx.query.end()) {
    if (!allowed(who.email, list->second)) {
      r.status = 403;
      return r;
    }
  }
  r.status = 200;
  r.set_header("X-Auth-User-Id", header_value(who.id));
  r.set_header("X-Auth-Email", header_value(who.email));
  if (!who.name.empty()) r.set_header("X-Auth-Name", header_value(who.name));
  return r;
}

std::string_view string_claim(const json::object& claims, std::string_view key) {
  if (const auto* value = claims.if_contains(key); value && value->is_string()) {
    return value->get_string();
  }
  return {};
}

Response jwt_verify(const Context& ctx, const std::string& cookie) {
  // Nothing of the claims outlives this call unless a jwt callback keeps them (as /session).
  const bool hooked = static_cast<bool>(ctx.state.config.callbacks.jwt);
  std::array<unsigned char, 4096> arena_bytes;
  json::monotonic_resource arena(arena_bytes.data(), arena_bytes.size());
  const json::storage_ptr storage = hooked ? json::storage_ptr() : json::storage_ptr(&arena);
  auto claims = read_jwt_session(ctx, cookie, storage);
  if (!claims) return denied(ctx, true);
  const Identity who{string_claim(*claims, "sub"), string_claim(*claims, "email"),
                     string_claim(*claims, "name")};
  // A token without an address names nobody a proxy could pass on.
  if (who.email.empty()) return denied(ctx, true);
  Response r = granted(ctx, who);
  if (r.status == 200) reissue_jwt_session(ctx, r, *claims, ctx.now());
  return r;
}

Response database_verify(const Context& ctx, const std::string& cookie) {
  using Outcome = DatabaseSessionRead::Outcome;
  DatabaseSessionRead read = read_database_session(ctx, cookie);
  if (read.outcome == Outcome::unavailable) return session_store_unavailable(ctx);
  if (read.outcome != Outcome::signed_in) {
    return denied(ctx, read.outcome == Outcome::signed_out);
  }
  const User& user = read.found->user;
  Response r = granted(ctx, Identity{user.id, user.email, user.name.value_or("")});
  // The cookie follows the stored expiry whenever that slid (updateAge), so that a browser that
  // only ever visits the proxied app keeps its session.
  if (r.status == 200 && read.renewed) set_session_cookie(ctx, r, cookie, read.new_expires);
  return r;
}

}  // namespace

Response verify(Context& ctx) {
  auto cookie = read_chunked_cookie(ctx.cookies, ctx.cookie_names.session_token);
  if (!cookie) return denied(ctx, false);
  if (ctx.state.config.session_strategy == SessionStrategy::jwt) return jwt_verify(ctx, *cookie);
  return database_verify(ctx, *cookie);
}

}  // namespace linkgate::core::actions
