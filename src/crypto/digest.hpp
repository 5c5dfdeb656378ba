// Hash functions and HMAC over byte strings (OpenSSL EVP).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace linkgate::crypto {

std::string sha256(std::string_view data);  // 32 raw bytes
std::string sha512(std::string_view data);  // 64 raw bytes
// Lowercase hex of SHA-256 over the bytes of data: Auth.js's sha256hex (authjs-behaviour.md §3.2).
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string hmac_sha512(std::string_view key, std::string_view data);  // 64 raw bytes
// HMAC-SHA-512 over the concatenation of `parts`, without building it.
std::string hmac_sha512(std::string_view key, std::initializer_list<std::string_view> parts);
// HKDF (RFC 5869) with SHA-256; returns `length` bytes.
std::string hkdf_sha256(std::string_view ikm, std::string_view salt, std::string_view info,
                        std::size_t length);

}  // namespace linkgate::crypto
