// AES-256-CBC with PKCS#7 padding (OpenSSL EVP), the cipher half of A256CBC-HS512.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace linkgate::crypto {

// REQUIRES: key.size() == 32, iv.size() == 16.
std::string aes256_cbc_encrypt(std::string_view key, std::string_view iv,
                               std::string_view plaintext);
// nullopt on bad padding or wrong sizes.
std::optional<std::string> aes256_cbc_decrypt(std::string_view key, std::string_view iv,
                                              std::string_view ciphertext);

}  // namespace linkgate::crypto
