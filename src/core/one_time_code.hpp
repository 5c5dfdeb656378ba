// One-time codes (SPEC B3, B4b): made with the CSPRNG, stored only as a keyed hash that lives in
// its own domain, so a code can never match a link token and a link token never a code.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "linkgate/config.hpp"

namespace linkgate::core {

// The limits Redemption::code_digits must lie in.
inline constexpr int kMinCodeDigits = 6;
inline constexpr int kMaxCodeDigits = 10;

// A new code of `digits` uniform decimal digits. REQUIRES: kMinCodeDigits <= digits <=
// kMaxCodeDigits.
std::string make_one_time_code(int digits);

// Lowercase hex of HMAC-SHA256(secret, "linkgate one-time code\0" + identifier + "\0" + code).
// The prefix separates it from the link tokens' sha256(token + secret); the identifier binds the
// code to its address.
std::string one_time_code_hash(std::string_view secret, std::string_view identifier,
                               std::string_view code);

// The code as typed, with the spaces and hyphens people put in groups of digits removed. nullopt
// when anything else is left or the length is not `digits` (such input cannot match, so it costs
// no attempt against the stored code).
std::optional<std::string> clean_typed_code(std::string_view typed, int digits);

// Whether the redemption settings are usable: code_digits within the limits and
// code_max_attempts from 1 to 1000. The core fails closed (Configuration) otherwise.
bool valid_redemption(const Redemption& redemption);

}  // namespace linkgate::core
