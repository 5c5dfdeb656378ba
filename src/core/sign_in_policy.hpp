// The sign-in policy's domain rules (SPEC B4): which email domains may sign in at all.
// signup:false and void_older_links are applied by the sign-in action itself (signin_email.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "linkgate/config.hpp"
#include "linkgate/result.hpp"

namespace linkgate::core {

// The domain of a normalized address: what follows its one '@', lower-cased (ASCII), without one
// trailing dot ("a@Example.COM." -> "example.com"). nullopt when there is not exactly one '@' or
// the domain is empty.
std::optional<std::string> email_domain(std::string_view identifier);

// Whether `domain` (as email_domain returns it) matches `rule`: "example.com" matches only
// example.com; ".example.com" matches any subdomain (a.example.com, a.b.example.com) but neither
// example.com itself nor badexample.com. Never a raw string suffix. Case-insensitive (ASCII).
bool domain_matches(std::string_view domain, std::string_view rule);

// A domain rule as configured, checked and put in canonical form (trimmed, lower case, no trailing
// dot). An Error (kind "configuration") for an empty rule, a lone ".", one holding '@', '/',
// whitespace, ".." or a character outside letters, digits, '-', '.', '_' and non-ASCII bytes.
Result<std::string> canonical_domain_rule(std::string_view rule);

// True when the policy lets `identifier` ask for a link: its domain matches no blocked rule and,
// when allowed rules are set, at least one of them. An address without exactly one '@' is allowed
// only when no domain rule is configured (fail closed).
bool domain_allowed(const SignInPolicy& policy, std::string_view identifier);

}  // namespace linkgate::core
