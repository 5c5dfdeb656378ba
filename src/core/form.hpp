// application/x-www-form-urlencoded parsing and URLSearchParams-style encoding.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace linkgate::core {

// Parses "a=1&b=2" ('+' is a space, %XX decoded). For a duplicate key the last value wins.
// Malformed escapes are kept literally; never throws.
std::map<std::string, std::string> parse_form(std::string_view text);
// Percent-encodes like URLSearchParams: unreserved [A-Za-z0-9*-._] kept, space → '+',
// everything else %XX (upper-case hex).
std::string form_encode(std::string_view value);
// Percent-decodes %XX (and '+' as space when plus_is_space). nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace linkgate::core
