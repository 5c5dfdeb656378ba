// Byte-string encodings: hex, base64 and base64url (RFC 4648).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace linkgate::crypto {

std::string hex_encode(std::string_view bytes);  // lowercase
std::optional<std::string> hex_decode(std::string_view hex);
std::string base64_encode(std::string_view bytes);  // with padding
// base64url without padding (JOSE). decode rejects padding, whitespace and non-alphabet bytes.
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace linkgate::crypto
