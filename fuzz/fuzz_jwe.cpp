// JWE decoding of session cookies (core/jwe.hpp, core/session_jwt.hpp, SPEC C6/C7).
// Invariants:
// - no input decrypts without the key: with the known key, a success yields exactly the known
//   plaintext of the seed tokens (a mutation cannot forge the tag); with another secret's key,
//   nothing ever decrypts;
// - the session codec accepts only what decrypts, and yields a JSON object;
// - the input as a plaintext round-trips through jwe_encrypt and jwe_decrypt, also when the key
//   is second in the list (rotation), fails under the other key alone, and fails after any
//   change to a character that carries only data bits.
#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "core/jwe.hpp"
#include "core/session_jwt.hpp"
#include "fuzz_check.hpp"
#include "fuzz_jwe_keys.hpp"

namespace {

namespace core = linkgate::core;
using linkgate::fuzz::kJweCookieName;

const core::JweKey& known_key() {
  static const core::JweKey key =
      core::derive_session_key(linkgate::fuzz::kJweSecret, kJweCookieName);
  return key;
}

const core::JweKey& other_key() {
  static const core::JweKey key =
      core::derive_session_key(linkgate::fuzz::kJweOtherSecret, kJweCookieName);
  return key;
}

const core::SessionJwtCodec& known_codec() {
  static const core::SessionJwtCodec codec({std::string(linkgate::fuzz::kJweSecret)},
                                           kJweCookieName);
  return codec;
}

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const std::string_view input = linkgate::fuzz::as_text(data, size);

  // The input as a token.
  const auto with_known = core::jwe_decrypt(input, {known_key()});
  if (with_known) FUZZ_CHECK(*with_known == linkgate::fuzz::kJwePlaintext);
  FUZZ_CHECK(!core::jwe_decrypt(input, {other_key()}));
  const auto both = core::jwe_decrypt(input, {other_key(), known_key()});
  FUZZ_CHECK(both == with_known);
  const auto now = linkgate::TimePoint(std::chrono::milliseconds(1'750'000'000'000LL));
  const auto claims = known_codec().decode(input, now);
  if (claims) {
    FUZZ_CHECK(with_known.has_value());
    FUZZ_CHECK(claims->contains("email"));
  }

  // The input as a plaintext.
  if (size > 4096) return 0;
  const std::string token = core::jwe_encrypt(known_key(), input);
  FUZZ_CHECK(core::jwe_decrypt(token, {known_key()}) == input);
  FUZZ_CHECK(core::jwe_decrypt(token, {other_key(), known_key()}) == input);
  FUZZ_CHECK(!core::jwe_decrypt(token, {other_key()}));
  // Tamper with one character that is not the last of its segment (all six of its bits are
  // data), chosen by the input.
  if (size > 0) {
    std::size_t at = (static_cast<std::size_t>(data[0]) * 131 + size) % token.size();
    while (at + 1 < token.size() && (token[at] == '.' || token[at + 1] == '.')) ++at;
    if (at + 1 < token.size()) {
      std::string tampered = token;
      const auto pos = kAlphabet.find(tampered[at]);
      FUZZ_CHECK(pos != std::string_view::npos);
      tampered[at] = kAlphabet[(pos + 1 + data[size - 1] % 63) % 64];
      FUZZ_CHECK(!core::jwe_decrypt(tampered, {known_key()}));
    }
  }
  return 0;
}
