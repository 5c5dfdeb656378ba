// The settings of one linkgate serving several hosts behind a proxy (docs/gateway.md), read from
// the environment: AUTH_COOKIE_DOMAIN and LINKGATE_REDIRECT_HOSTS. Both are listed in README.md's
// configuration table.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linkgate/result.hpp"

namespace linkgate::server {

struct GatewaySettings {
  // AUTH_COOKIE_DOMAIN ("example.com"; a leading dot is dropped): the session cookie's Domain.
  std::string cookie_domain;
  // LINKGATE_REDIRECT_HOSTS (comma-separated "app.example.com" or ".example.com"): where a
  // callbackUrl may point besides the origin.
  std::vector<std::string> redirect_hosts;
};

// `env` returns nullopt for an unset (or empty) variable; `auth_url` is AUTH_URL (may be empty).
// An Error (kind "configuration") names the variable and what is wrong: a value that is not a
// host name, or a cookie domain that AUTH_URL's host is not under (browsers would drop the
// cookie).
Result<GatewaySettings> read_gateway_settings(
    const std::function<std::optional<std::string>(std::string_view)>& env,
    const std::string& auth_url);

}  // namespace linkgate::server
