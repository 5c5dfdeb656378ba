#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <cstdlib>

#include "crypto/digest.hpp"

namespace linkgate::crypto {
namespace {

std::string hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  // OpenSSL treats a null key pointer as "no key"; an empty key is valid HMAC input.
  static const unsigned char empty = 0;
  const auto* key_ptr = key.empty() ? &empty : reinterpret_cast<const unsigned char*>(key.data());
  const auto* data_ptr =
      data.empty() ? &empty : reinterpret_cast<const unsigned char*>(data.data());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(md, key_ptr, static_cast<int>(key.size()), data_ptr, data.size(), out, &len) ==
      nullptr) {
    std::fputs("linkgate: HMAC failed; aborting\n", stderr);
    std::abort();
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view data) {
  return hmac(EVP_sha256(), key, data);
}

std::string hmac_sha512(std::string_view key, std::string_view data) {
  return hmac(EVP_sha512(), key, data);
}

}  // namespace linkgate::crypto
