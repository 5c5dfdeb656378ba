#include "core/webhook_events.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "core/rate_limit.hpp"
#include "core/session_cookie.hpp"

namespace linkgate::core {

namespace {

const char* strategy_name(SessionStrategy strategy) {
  return strategy == SessionStrategy::database ? "database" : "jwt";
}

}  // namespace

bool webhook_event_on(const AuthConfig& config, std::string_view type) {
  return std::find(config.webhook_events.begin(), config.webhook_events.end(), type) !=
         config.webhook_events.end();
}

SignInEvents sign_in_events(const Context& ctx, std::string_view provider_id, TimePoint expires) {
  const AuthConfig& config = ctx.state.config;
  SignInEvents events;
  events.user_created = webhook_event_on(config, "user.created");
  events.session_created = webhook_event_on(config, "session.created");
  if (!events.any()) return events;
  boost::json::object data{{"provider", provider_id},
                           {"client_ip", request_client_ip(ctx)},
                           {"strategy", strategy_name(config.session_strategy)},
                           {"expires", iso8601(expires)}};
  events.data = boost::json::serialize(data);
  return events;
}

std::string sign_out_event_data(const Context& ctx) {
  boost::json::object data{{"client_ip", request_client_ip(ctx)},
                           {"strategy", strategy_name(ctx.state.config.session_strategy)}};
  return boost::json::serialize(data);
}

std::string with_event_user(const std::string& data, const std::string& user_id,
                            const std::string& email) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(data, ec);
  boost::json::object out = !ec && parsed.is_object() ? parsed.as_object() : boost::json::object();
  boost::json::object user{{"id", user_id}};
  if (!email.empty()) user["email"] = email;
  out["user"] = std::move(user);
  return boost::json::serialize(out);
}

}  // namespace linkgate::core
