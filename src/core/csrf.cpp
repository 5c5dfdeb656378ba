// Double-submit CSRF tokens (authjs-behaviour.md §2.3, SPEC C2/C7).
#include "core/csrf.hpp"

#include <cassert>

#include "crypto/ct_equal.hpp"
#include "crypto/digest.hpp"
#include "crypto/random.hpp"

namespace linkgate::core {

namespace {

constexpr std::size_t kTokenBytes = 32;

// True when `hash` is the CSRF hash of `token` under one of the secrets. Every secret is tried,
// without stopping at the first match, so the time taken does not tell which one matched.
bool hash_matches_any(std::string_view token, std::string_view hash,
                      const std::vector<std::string>& secrets) {
  bool matched = false;
  for (const auto& secret : secrets) {
    matched |= crypto::ct_equal(hash, csrf_hash(token, secret));
  }
  return matched;
}

}  // namespace

std::string csrf_hash(std::string_view token, std::string_view secret) {
  std::string input;
  input.reserve(token.size() + secret.size());
  input.append(token);
  input.append(secret);
  return crypto::sha256_hex(input);
}

CsrfState check_csrf(const std::optional<std::string>& cookie_value,
                     const std::optional<std::string>& body_token, bool is_post,
                     const std::vector<std::string>& secrets) {
  assert(!secrets.empty());
  CsrfState state;
  if (cookie_value) {
    // Beyond Auth.js (which takes the first two '|'-separated fields): the value must be exactly
    // "token|hash" with a non-empty token.
    const std::string_view value = *cookie_value;
    const std::size_t bar = value.find('|');
    if (bar != std::string_view::npos && bar > 0) {
      const std::string_view token = value.substr(0, bar);
      const std::string_view hash = value.substr(bar + 1);
      if (hash.find('|') == std::string_view::npos && hash_matches_any(token, hash, secrets)) {
        state.token = std::string(token);
        // Beyond Auth.js: the body token is compared in constant time (SPEC C7 rotation applies:
        // a cookie made under any listed secret still verifies).
        state.verified = is_post && body_token && crypto::ct_equal(*body_token, state.token);
        return state;
      }
    }
  }
  // Missing, malformed or tampered cookie: a fresh token, never verified. Without a secret
  // (a broken REQUIRES) no cookie is minted, so nothing can ever verify.
  state.token = crypto::random_hex(kTokenBytes);
  if (!secrets.empty()) {
    state.new_cookie_value = state.token + "|" + csrf_hash(state.token, secrets.front());
  }
  return state;
}

}  // namespace linkgate::core
