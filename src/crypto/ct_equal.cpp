#include "crypto/ct_equal.hpp"

#include <openssl/crypto.h>

namespace linkgate::crypto {

bool ct_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace linkgate::crypto
