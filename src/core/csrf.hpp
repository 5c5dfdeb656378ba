// Double-submit CSRF tokens (authjs-behaviour.md §2.3, SPEC C2/C7).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkgate::core {

struct CsrfState {
  std::string token;  // the 64-hex token to hand to forms and /csrf
  // True only for a POST whose body token equals the cookie's token (constant-time), with a
  // cookie whose hash checks out under one of the secrets.
  bool verified = false;
  // Set when a new token was minted: the cookie value "token|hash" to send back.
  std::optional<std::string> new_cookie_value;
};

// hash = sha256hex(token + secret).
std::string csrf_hash(std::string_view token, std::string_view secret);

// Validates the incoming cookie value "token|hash" against every secret; reuses its token when
// one matches, else mints a new token hashed with the first secret. REQUIRES: !secrets.empty().
CsrfState check_csrf(const std::optional<std::string>& cookie_value,
                     const std::optional<std::string>& body_token, bool is_post,
                     const std::vector<std::string>& secrets);

}  // namespace linkgate::core
