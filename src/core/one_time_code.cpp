#include "core/one_time_code.hpp"

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "crypto/random.hpp"

namespace linkgate::core {

std::string make_one_time_code(int digits) {
  return crypto::random_digits(static_cast<std::size_t>(digits));
}

std::string one_time_code_hash(std::string_view secret, std::string_view identifier,
                               std::string_view code) {
  // The NUL bytes keep the parts apart: no identifier/code split can collide with another.
  std::string message{"linkgate one-time code"};
  message += '\0';
  message.append(identifier);
  message += '\0';
  message.append(code);
  return crypto::hex_encode(crypto::hmac_sha256(secret, message));
}

std::optional<std::string> clean_typed_code(std::string_view typed, int digits) {
  if (typed.size() > 64) return std::nullopt;
  std::string out;
  for (char c : typed) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    if (c < '0' || c > '9') return std::nullopt;
    out += c;
  }
  if (out.size() != static_cast<std::size_t>(digits)) return std::nullopt;
  return out;
}

bool valid_redemption(const Redemption& redemption) {
  return redemption.code_digits >= kMinCodeDigits && redemption.code_digits <= kMaxCodeDigits &&
         redemption.code_max_attempts >= 1 && redemption.code_max_attempts <= 1000;
}

}  // namespace linkgate::core
