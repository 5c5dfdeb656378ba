// Constant-time comparison for every secret-derived value (hashes, MAC tags, CSRF tokens).
#pragma once

#include <string_view>

namespace linkgate::crypto {

// True when a and b are equal. The time taken depends only on the lengths, not the contents.
bool ct_equal(std::string_view a, std::string_view b);

}  // namespace linkgate::crypto
