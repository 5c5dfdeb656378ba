// GET|POST /session — read (and slide) the current session (authjs-behaviour.md §1, §5).
#include <array>
#include <boost/json.hpp>

#include "core/actions/actions.hpp"
#include "core/hooks.hpp"
#include "core/session_cookie.hpp"
#include "core/session_read.hpp"
#include "core/webhook_events.hpp"

namespace linkgate::core::actions {

namespace json = boost::json;

namespace {

// A JWT session's sign-out has no store write to share a transaction with: its session.deleted
// event (when on) is written alone, for the user the token's "sub" names.
void add_jwt_sign_out_event(const Context& ctx, const json::object& claims) {
  if (!webhook_event_on(ctx.state.config, "session.deleted")) return;
  const json::value* sub = claims.if_contains("sub");
  const json::value* email = claims.if_contains("email");
  const std::string data = with_event_user(
      sign_out_event_data(ctx), sub && sub->is_string() ? std::string(sub->as_string()) : "",
      email && email->is_string() ? std::string(email->as_string()) : "");
  if (auto added = ctx.state.store->add_webhook_event("session.deleted", data, ctx.now()); !added) {
    ctx.log(LogLevel::error,
            "signout: could not write the session.deleted webhook event: " + added.error().message);
  }
}

json::value claim_or_null(const json::object& claims, std::string_view key) {
  if (auto it = claims.find(key); it != claims.end()) return it->value();
  return nullptr;
}

json::object session_object(const json::value& name, const json::value& email,
                            const json::value& image, TimePoint expires,
                            const json::storage_ptr& storage = {}) {
  json::object user({{"name", name}, {"email", email}, {"image", image}}, storage);
  return json::object({{"user", std::move(user)}, {"expires", iso8601(expires)}}, storage);
}

// POST /session's `data` (the client's update() argument): a JSON body's member as it is, a
// form field as a string; null when absent.
json::value update_data(const Context& ctx) {
  if (ctx.request.method != "POST") return nullptr;
  std::string_view type = ctx.request.header("content-type").value_or("");
  if (type.find("application/json") != std::string_view::npos) {
    boost::system::error_code ec;
    json::value body = json::parse(ctx.request.body, ec);
    if (!ec && body.is_object()) {
      if (const auto* data = body.as_object().if_contains("data")) return *data;
    }
    return nullptr;
  }
  if (auto it = ctx.body.find("data"); it != ctx.body.end()) return json::value(it->second);
  return nullptr;
}

Response null_session(const Context& ctx, bool no_cache) {
  Response r = ctx.json(200, "null");
  if (no_cache) add_no_cache_headers(r);
  return r;
}

Response jwt_session(Context& ctx, const std::string& cookie, bool no_cache) {
  // With no jwt or session callback and no session event, nothing of the claims or the answer
  // outlives this call but strings, so both are built in an arena on this frame: no heap
  // allocation per claim. A hook could keep what it is given, so with one they use the heap.
  const auto& config = ctx.state.config;
  const bool hooked = config.callbacks.jwt || config.callbacks.session || config.events.session;
  std::array<unsigned char, 4096> arena_bytes;
  json::monotonic_resource arena(arena_bytes.data(), arena_bytes.size());
  const json::storage_ptr storage = hooked ? json::storage_ptr() : json::storage_ptr(&arena);
  // The jwt callback sees every read (trigger "update" with the body's data on POST); nullopt
  // or a failure signs the browser out (§5).
  const bool update = ctx.request.method == "POST";
  const json::value data = update_data(ctx);
  auto claims = read_jwt_session(ctx, cookie, storage, update ? &data : nullptr);
  if (!claims) {
    Response r = null_session(ctx, no_cache);
    clear_session_cookie(ctx, r);
    return r;
  }
  const json::object& claims_now = *claims;
  const TimePoint now = ctx.now();
  const TimePoint expires =
      now + std::chrono::duration_cast<std::chrono::milliseconds>(config.session_max_age);
  SessionParams params{.session = session_object(
                           claim_or_null(claims_now, "name"), claim_or_null(claims_now, "email"),
                           claim_or_null(claims_now, "picture"), expires, storage)};
  params.token = &claims_now;
  params.update = update;
  if (update) params.new_session = &data;
  auto body = run_session_callback(ctx.state, std::move(params), ctx.request.id);
  if (!body) {
    Response r = null_session(ctx, no_cache);
    clear_session_cookie(ctx, r);
    return r;
  }
  Response r = ctx.json(200, json::serialize(*body));
  if (no_cache) add_no_cache_headers(r);
  reissue_jwt_session(ctx, r, claims_now, now);
  emit_event(ctx.state, "events.session", ctx.state.config.events.session,
             SessionEvent{*body, &claims_now}, ctx.request.id);
  return r;
}

Response database_session(Context& ctx, const std::string& cookie, bool no_cache) {
  using Outcome = DatabaseSessionRead::Outcome;
  DatabaseSessionRead read = read_database_session(ctx, cookie);
  // A database that is down answers 503; other store failures answer null (200), like Auth.js's
  // SessionTokenError (§5).
  if (read.outcome == Outcome::unavailable) return session_store_unavailable(ctx);
  if (read.outcome == Outcome::failed) return null_session(ctx, no_cache);
  if (read.outcome == Outcome::signed_out) {
    Response r = null_session(ctx, no_cache);
    clear_session_cookie(ctx, r);
    return r;
  }
  const Session& session = read.found->session;
  const User& user = read.found->user;
  // The body carries the stored (pre-update) expiry; the cookie always the new one (§5).
  const bool update = ctx.request.method == "POST";
  const json::value data = update_data(ctx);
  SessionParams params;
  params.session = session_object(
      user.name ? json::value(*user.name) : json::value(nullptr), json::value(user.email),
      user.image ? json::value(*user.image) : json::value(nullptr), session.expires);
  params.user = &user;
  params.stored = &session;
  params.update = update;
  if (update) params.new_session = &data;
  auto body = run_session_callback(ctx.state, std::move(params), ctx.request.id);
  if (!body) return null_session(ctx, no_cache);  // Auth.js: SessionTokenError, null (§5)
  Response r = ctx.json(200, json::serialize(*body));
  if (no_cache) add_no_cache_headers(r);
  set_session_cookie(ctx, r, cookie, read.new_expires);
  emit_event(ctx.state, "events.session", ctx.state.config.events.session,
             SessionEvent{*body, nullptr}, ctx.request.id);
  return r;
}

Response current_session(Context& ctx, bool no_cache) {
  auto cookie = read_chunked_cookie(ctx.cookies, ctx.cookie_names.session_token);
  if (!cookie) return null_session(ctx, no_cache);
  if (ctx.state.config.session_strategy == SessionStrategy::jwt) {
    return jwt_session(ctx, *cookie, no_cache);
  }
  return database_session(ctx, *cookie, no_cache);
}

}  // namespace

Response session(Context& ctx) {
  const bool is_post = ctx.request.method == "POST";
  // POST /session (update) needs a valid CSRF pair. Without one the answer is exactly 400,
  // application/json, `null`, with no Set-Cookie, whatever was missing or wrong (§0.5, §1;
  // pinned against Auth.js by tests/interop/authjs_session_post_test.cpp).
  if (is_post && !ctx.csrf.verified) {
    ctx.audit(AuditKind::csrf_failed, AuditOutcome::failure, {});
    return ctx.json(400, "null");
  }
  Response r = current_session(ctx, /*no_cache=*/!is_post);
  // An update's answer carries the request pipeline's cookies (§0.3: the callback-url cookie
  // when it changed), as Auth.js's does. GET /session skips that pipeline (Context::init).
  if (is_post) ctx.add_init_cookies(r);
  return r;
}

Response signout(Context& ctx) {
  if (!ctx.csrf.verified) {
    ctx.audit(AuditKind::csrf_failed, AuditOutcome::failure, {});
    return ctx.error_redirect(ErrorKind::sign_in, "MissingCSRF");
  }
  Response r = ctx.redirect(ctx.callback_url);
  auto cookie = read_chunked_cookie(ctx.cookies, ctx.cookie_names.session_token);
  // Whose session ended, for the sign_out audit event (empty when the cookie named none).
  std::string user_id;
  if (cookie) {
    const Events& events = ctx.state.config.events;
    if (ctx.state.config.session_strategy == SessionStrategy::database) {
      // Errors are logged and swallowed: the browser is signed out either way (§1).
      auto deleted = webhook_event_on(ctx.state.config, "session.deleted")
                         ? ctx.state.store->delete_session_with_event(*cookie, ctx.now(),
                                                                      sign_out_event_data(ctx))
                         : ctx.state.store->delete_session(*cookie);
      if (!deleted) {
        ctx.log(LogLevel::error,
                "signout: could not delete the session: " + deleted.error().message);
      } else if (deleted->has_value()) {
        user_id = (*deleted)->user_id;
        emit_event(ctx.state, "events.signOut", events.sign_out, SignOutEvent{&**deleted, nullptr},
                   ctx.request.id);
      }
    } else if (events.sign_out || webhook_event_on(ctx.state.config, "session.deleted") ||
               ctx.state.config.audit) {
      if (auto claims = ctx.state.jwt_codec(ctx.secure()).decode(*cookie, ctx.now())) {
        if (const json::value* sub = claims->if_contains("sub"); sub && sub->is_string()) {
          user_id = sub->as_string();
        }
        emit_event(ctx.state, "events.signOut", events.sign_out, SignOutEvent{nullptr, &*claims},
                   ctx.request.id);
        add_jwt_sign_out_event(ctx, *claims);
      }
    }
    clear_session_cookie(ctx, r);
  }
  ctx.audit(AuditKind::sign_out, AuditOutcome::success, {.user_id = user_id});
  ctx.add_init_cookies(r);
  return r;
}

}  // namespace linkgate::core::actions
