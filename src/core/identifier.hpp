// The default email normalizer (authjs-behaviour.md §3.4, SPEC C4), hardened.
#pragma once

#include <string>
#include <string_view>

#include "linkgate/result.hpp"

namespace linkgate::core {

// Auth.js steps, in order: NFKC, lowercase, trim; reject '"'; exactly one '@' with non-empty
// parts; cut the domain at the first ','. Beyond Auth.js it also rejects invalid UTF-8, control
// characters (CR/LF included), whitespace or any of <>()[]\;: inside the address, and addresses
// over 254 bytes (local part over 64), and any address whose NFKC-lowercase-trim result would
// change on a second pass, so every identifier it returns normalizes to itself. Errors (kind
// "invalid_input") carry Auth.js's messages: "Missing email from request body." / "Invalid email
// address format.".
Result<std::string> normalize_identifier(std::string_view email);

}  // namespace linkgate::core
