#include "core/session_cookie.hpp"

#include <cstdio>
#include <ctime>

namespace linkgate::core {

namespace json = boost::json;

void set_session_cookie(const Context& ctx, Response& response, const std::string& value,
                        TimePoint expires) {
  SetCookie attributes = ctx.cookie_attributes();
  attributes.expires =
      std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count();
  for (const auto& c :
       write_chunked_cookie(ctx.cookies, ctx.cookie_names.session_token, value, attributes)) {
    response.add_header("Set-Cookie", c.serialize());
  }
}

void clear_session_cookie(const Context& ctx, Response& response) {
  for (const auto& c :
       clear_chunked_cookie(ctx.cookies, ctx.cookie_names.session_token, ctx.cookie_attributes())) {
    response.add_header("Set-Cookie", c.serialize());
  }
}

json::object user_claims(const User& user) {
  json::object claims;
  claims["name"] = user.name ? json::value(*user.name) : json::value(nullptr);
  claims["email"] = user.email;
  claims["picture"] = user.image ? json::value(*user.image) : json::value(nullptr);
  claims["sub"] = user.id;
  return claims;
}

std::string iso8601(TimePoint time) {
  const auto ms = time.time_since_epoch().count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  long millis = static_cast<long>(ms % 1000);
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buffer;
}

}  // namespace linkgate::core
