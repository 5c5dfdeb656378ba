// GET|POST /session — read (and slide) the current session (authjs-behaviour.md §1, §5).
#include <boost/json.hpp>

#include "core/actions/actions.hpp"
#include "core/session_cookie.hpp"

namespace linkgate::core::actions {

namespace json = boost::json;

namespace {

json::value claim_or_null(const json::object& claims, std::string_view key) {
  if (auto it = claims.find(key); it != claims.end()) return it->value();
  return nullptr;
}

std::string session_body(const json::value& name, const json::value& email,
                         const json::value& image, TimePoint expires) {
  json::object user{{"name", name}, {"email", email}, {"image", image}};
  return json::serialize(json::object{{"user", std::move(user)}, {"expires", iso8601(expires)}});
}

Response null_session(const Context& ctx, bool no_cache) {
  Response r = ctx.json(200, "null");
  if (no_cache) add_no_cache_headers(r);
  return r;
}

Response jwt_session(Context& ctx, const std::string& cookie, bool no_cache) {
  const TimePoint now = ctx.now();
  const auto& codec = ctx.state.jwt_codec(ctx.secure());
  auto claims = codec.decode(cookie, now);
  if (!claims) {
    ctx.state.log(LogLevel::info, "session: rejected an invalid or expired session JWT");
    Response r = null_session(ctx, no_cache);
    clear_session_cookie(ctx, r);
    return r;
  }
  const TimePoint expires =
      now + std::chrono::duration_cast<std::chrono::milliseconds>(ctx.state.config.session_max_age);
  Response r =
      ctx.json(200, session_body(claim_or_null(*claims, "name"), claim_or_null(*claims, "email"),
                                 claim_or_null(*claims, "picture"), expires));
  if (no_cache) add_no_cache_headers(r);
  // Re-issued on every call: no updateAge throttle in JWT mode (§5).
  set_session_cookie(
      ctx, r, codec.encode(std::move(*claims), now, ctx.state.config.session_max_age), expires);
  return r;
}

Response database_session(Context& ctx, const std::string& cookie, bool no_cache) {
  Store& store = *ctx.state.store;
  const TimePoint now = ctx.now();
  auto found = store.get_session_and_user(cookie);
  if (!found) {
    ctx.state.log(LogLevel::error, "session: store failed: " + found.error().message);
    // A database that is down answers 503, so that a client (and a load balancer) can tell
    // "no session" from "cannot tell now"; Auth.js's client reads any non-OK answer as no
    // session. Other store failures answer null (200), like Auth.js's SessionTokenError (§5).
    if (found.error().kind == "unavailable") {
      Response r =
          ctx.json(503, R"({"message":"The session store is unavailable. Try again later."})");
      r.set_header("Retry-After", "5");
      add_no_cache_headers(r);
      return r;
    }
    return null_session(ctx, no_cache);
  }
  if (!found->has_value()) {
    Response r = null_session(ctx, no_cache);
    clear_session_cookie(ctx, r);
    return r;
  }
  const Session& session = (*found)->session;
  const User& user = (*found)->user;
  if (session.expires < now) {
    (void)store.delete_session(cookie);
    Response r = null_session(ctx, no_cache);
    clear_session_cookie(ctx, r);
    return r;
  }
  const auto max_age =
      std::chrono::duration_cast<std::chrono::milliseconds>(ctx.state.config.session_max_age);
  const auto update_age =
      std::chrono::duration_cast<std::chrono::milliseconds>(ctx.state.config.session_update_age);
  const TimePoint new_expires = now + max_age;
  if (session.expires - max_age + update_age <= now) {
    if (auto updated = store.update_session_expiry(cookie, new_expires); !updated) {
      ctx.state.log(LogLevel::error,
                    "session: could not slide the expiry: " + updated.error().message);
    }
  }
  // The body carries the stored (pre-update) expiry; the cookie always the new one (§5).
  Response r = ctx.json(
      200, session_body(
               user.name ? json::value(*user.name) : json::value(nullptr), json::value(user.email),
               user.image ? json::value(*user.image) : json::value(nullptr), session.expires));
  if (no_cache) add_no_cache_headers(r);
  set_session_cookie(ctx, r, cookie, new_expires);
  return r;
}

}  // namespace

Response session(Context& ctx) {
  const bool is_post = ctx.request.method == "POST";
  // POST /session (update) needs a valid CSRF token; failure is 400 null (§1).
  if (is_post && !ctx.csrf.verified) return ctx.json(400, "null");
  const bool no_cache = !is_post;
  auto cookie = read_chunked_cookie(ctx.cookies, ctx.cookie_names.session_token);
  if (!cookie) return null_session(ctx, no_cache);
  if (ctx.state.config.session_strategy == SessionStrategy::jwt) {
    return jwt_session(ctx, *cookie, no_cache);
  }
  return database_session(ctx, *cookie, no_cache);
}

Response signout(Context& ctx) {
  if (!ctx.csrf.verified) return ctx.error_redirect(ErrorKind::sign_in, "MissingCSRF");
  Response r = ctx.redirect(ctx.callback_url);
  auto cookie = read_chunked_cookie(ctx.cookies, ctx.cookie_names.session_token);
  if (cookie) {
    if (ctx.state.config.session_strategy == SessionStrategy::database) {
      // Errors are logged and swallowed: the browser is signed out either way (§1).
      if (auto deleted = ctx.state.store->delete_session(*cookie); !deleted) {
        ctx.state.log(LogLevel::error,
                      "signout: could not delete the session: " + deleted.error().message);
      }
    }
    clear_session_cookie(ctx, r);
  }
  ctx.add_init_cookies(r);
  return r;
}

}  // namespace linkgate::core::actions
