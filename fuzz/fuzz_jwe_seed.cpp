// Prints a valid JWE session token over kJwePlaintext made with kJweSecret, the seed of
// fuzz/corpus/fuzz_jwe/valid_session (a fresh random IV each run):
//   build-fuzz/fuzz/fuzz_jwe_seed > fuzz/corpus/fuzz_jwe/valid_session
#include <iostream>

#include "core/jwe.hpp"
#include "fuzz_jwe_keys.hpp"

int main() {
  using namespace linkgate;
  const auto key = core::derive_session_key(fuzz::kJweSecret, fuzz::kJweCookieName);
  std::cout << core::jwe_encrypt(key, fuzz::kJwePlaintext);
  return 0;
}
