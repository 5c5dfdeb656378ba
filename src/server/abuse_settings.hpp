// The abuse-resistance part of the server's settings (SPEC B1, B4), read from the environment:
// rate limits, trusted proxies and the sign-in policy. Every variable is listed in README.md's
// configuration table and docs/abuse.md.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linkgate/config.hpp"
#include "linkgate/result.hpp"

namespace linkgate::server {

struct AbuseSettings {
  // LINKGATE_RATE_LIMIT_IDENTIFIER ("5/15m"), LINKGATE_RATE_LIMIT_IP ("30/5m"),
  // LINKGATE_RATE_LIMIT_GLOBAL ("1000/1m"); "0" or "off" turns one off, LINKGATE_RATE_LIMITS=off
  // all three.
  RateLimits rate_limits;
  // LINKGATE_TRUSTED_PROXIES: comma-separated CIDRs (or addresses); none by default.
  std::vector<std::string> trusted_proxies;
  // LINKGATE_ALLOWED_DOMAINS, LINKGATE_BLOCKED_DOMAINS (comma-separated), LINKGATE_SIGNUP
  // (default true), LINKGATE_VOID_OLDER_LINKS (default false).
  SignInPolicy policy;
};

// A limit as written in the environment: "<count>/<window>" with the window a whole number of
// s, m, h or d ("5/15m"), or "<count>" alone (the default window); "0" or "off" is off (count 0).
struct LimitSpec {
  int count = 0;
  std::chrono::seconds window{0};
};
// An Error (kind "configuration") names `name` and the expected form.
Result<LimitSpec> parse_limit(const std::string& name, const std::string& text,
                              std::chrono::seconds default_window);

// `env` returns nullopt for an unset (or empty) variable. Every value is checked: an Error
// (kind "configuration") names the variable and what is wrong.
Result<AbuseSettings> read_abuse_settings(
    const std::function<std::optional<std::string>(std::string_view)>& env);

}  // namespace linkgate::server
