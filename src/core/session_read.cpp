#include "core/session_read.hpp"

#include "core/hooks.hpp"
#include "core/session_cookie.hpp"

namespace linkgate::core {

namespace json = boost::json;

std::optional<json::object> read_jwt_session(const Context& ctx, const std::string& cookie,
                                             const json::storage_ptr& storage,
                                             const json::value* update) {
  auto claims = ctx.state.jwt_codec(ctx.secure()).decode(cookie, ctx.now(), storage);
  if (!claims) {
    ctx.log(LogLevel::info, ctx.action + ": rejected an invalid or expired session JWT");
    return std::nullopt;
  }
  // Move-constructed, so that the claims keep their storage.
  JwtParams params{.token = std::move(*claims)};
  if (update) {
    params.trigger = JwtTrigger::update;
    params.session = update;
  }
  auto token = run_jwt_callback(ctx.state, std::move(params), ctx.request.id);
  if (!token || !token->has_value()) return std::nullopt;
  return std::move(**token);
}

void reissue_jwt_session(const Context& ctx, Response& response, const json::object& claims,
                         TimePoint now) {
  const auto& config = ctx.state.config;
  const TimePoint expires =
      now + std::chrono::duration_cast<std::chrono::milliseconds>(config.session_max_age);
  set_session_cookie(ctx, response,
                     ctx.state.jwt_codec(ctx.secure()).encode(claims, now, config.session_max_age),
                     expires);
}

DatabaseSessionRead read_database_session(const Context& ctx, const std::string& cookie) {
  using Outcome = DatabaseSessionRead::Outcome;
  DatabaseSessionRead read;
  Store& store = *ctx.state.store;
  const TimePoint now = ctx.now();
  auto found = store.get_session_and_user(cookie);
  if (!found) {
    ctx.log(LogLevel::error, ctx.action + ": store failed: " + found.error().message);
    read.outcome = found.error().kind == "unavailable" ? Outcome::unavailable : Outcome::failed;
    return read;
  }
  if (!found->has_value()) return read;
  if ((*found)->session.expires < now) {
    (void)store.delete_session(cookie);
    return read;
  }
  const auto max_age =
      std::chrono::duration_cast<std::chrono::milliseconds>(ctx.state.config.session_max_age);
  const auto update_age =
      std::chrono::duration_cast<std::chrono::milliseconds>(ctx.state.config.session_update_age);
  read.new_expires = now + max_age;
  if ((*found)->session.expires - max_age + update_age <= now) {
    if (auto updated = store.update_session_expiry(cookie, read.new_expires); !updated) {
      ctx.log(LogLevel::error,
              ctx.action + ": could not slide the expiry: " + updated.error().message);
    } else {
      read.renewed = true;
    }
  }
  read.outcome = Outcome::signed_in;
  read.found = std::move(**found);
  return read;
}

Response session_store_unavailable(const Context& ctx) {
  // A client (and a load balancer) can tell "no session" from "cannot tell now"; Auth.js's
  // client reads any non-OK answer as no session.
  Response r = ctx.json(503, R"({"message":"The session store is unavailable. Try again later."})");
  r.set_header("Retry-After", "5");
  add_no_cache_headers(r);
  return r;
}

}  // namespace linkgate::core
