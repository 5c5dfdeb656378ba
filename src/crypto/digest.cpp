#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

namespace linkgate::crypto {
namespace {

std::string digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) {
    // Only reachable on allocation failure or a broken OpenSSL install.
    std::fputs("linkgate: EVP_Digest failed; aborting\n", stderr);
    std::abort();
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

std::string sha256(std::string_view data) {
  return digest(EVP_sha256(), data);
}
std::string sha512(std::string_view data) {
  return digest(EVP_sha512(), data);
}
std::string sha256_hex(std::string_view data) {
  return hex_encode(sha256(data));
}

}  // namespace linkgate::crypto
