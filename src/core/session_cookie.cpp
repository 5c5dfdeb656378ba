#include "core/session_cookie.hpp"

#include <cstdio>
#include <ctime>

namespace linkgate::core {

namespace json = boost::json;

namespace {

// The deployment's cookie attributes plus AUTH_COOKIE_DOMAIN: cleared with the Domain it was set
// with, or the browser would keep it.
SetCookie session_cookie_attributes(const Context& ctx) {
  SetCookie attributes = ctx.cookie_attributes();
  attributes.domain = ctx.state.config.cookie_domain;
  return attributes;
}

}  // namespace

void set_session_cookie(const Context& ctx, Response& response, const std::string& value,
                        TimePoint expires) {
  SetCookie attributes = session_cookie_attributes(ctx);
  attributes.expires =
      std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count();
  for (const auto& c :
       write_chunked_cookie(ctx.cookies, ctx.cookie_names.session_token, value, attributes)) {
    response.add_header("Set-Cookie", c.serialize());
  }
}

void clear_session_cookie(const Context& ctx, Response& response) {
  for (const auto& c : clear_chunked_cookie(ctx.cookies, ctx.cookie_names.session_token,
                                            session_cookie_attributes(ctx))) {
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
  using namespace std::chrono;
  const sys_days day = floor<days>(time);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{time - day};
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", year,
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()),
                  static_cast<int>(hms.subseconds().count()));
    return buffer;
  }
  // Written digit by digit: this runs on every /session answer.
  char out[] = "0000-00-00T00:00:00.000Z";
  const auto put = [&out](std::size_t at, unsigned value, std::size_t width) {
    for (std::size_t i = width; i-- > 0; value /= 10)
      out[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, static_cast<unsigned>(year), 4);
  put(5, static_cast<unsigned>(ymd.month()), 2);
  put(8, static_cast<unsigned>(ymd.day()), 2);
  put(11, static_cast<unsigned>(hms.hours().count()), 2);
  put(14, static_cast<unsigned>(hms.minutes().count()), 2);
  put(17, static_cast<unsigned>(hms.seconds().count()), 2);
  put(20, static_cast<unsigned>(hms.subseconds().count()), 3);
  return std::string(out, sizeof out - 1);
}

}  // namespace linkgate::core
