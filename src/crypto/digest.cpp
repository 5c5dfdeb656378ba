#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

namespace linkgate::crypto {
namespace {

// Fetched once. OpenSSL 3's EVP_sha256() and friends make every call look the algorithm up
// again in the provider store (an implicit fetch, under a lock); on the token-hash and JWT
// paths that lookup cost more than the hashing (bench/README.md, micro-benchmarks).
const EVP_MD* fetch_digest(const char* name) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md == nullptr) {
    std::fprintf(stderr, "linkgate: OpenSSL has no %s; aborting\n", name);
    std::abort();
  }
  return md;  // kept for the life of the process
}

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
  static const EVP_MD* const md = fetch_digest("SHA256");
  return digest(md, data);
}
std::string sha512(std::string_view data) {
  static const EVP_MD* const md = fetch_digest("SHA512");
  return digest(md, data);
}
std::string sha256_hex(std::string_view data) {
  return hex_encode(sha256(data));
}

}  // namespace linkgate::crypto
