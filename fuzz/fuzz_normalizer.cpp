// The default email normalizer (core/identifier.hpp, SPEC C4, attack-cases.md #1-#4, #18).
// Invariants of an accepted address: exactly one '@' with both parts non-empty, no control
// characters, whitespace, quotes, commas or RFC 5322 specials, no ASCII upper case, valid UTF-8,
// RFC 5321 lengths, and normalizing it again gives it back unchanged (idempotent).
#include <unicode/utf8.h>

#include <cstdint>
#include <string>

#include "core/identifier.hpp"
#include "fuzz_check.hpp"

namespace {

bool valid_utf8(std::string_view s) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(s.data());
  const auto length = static_cast<int32_t>(s.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const std::string_view input = linkgate::fuzz::as_text(data, size);
  const auto result = linkgate::core::normalize_identifier(input);
  if (!result) {
    FUZZ_CHECK(result.error().kind == "invalid_input");
    FUZZ_CHECK(result.error().message == "Invalid email address format." ||
               result.error().message == "Missing email from request body.");
    return 0;
  }
  const std::string& out = *result;
  const std::size_t at = out.find('@');
  FUZZ_CHECK(at != std::string::npos);
  FUZZ_CHECK(out.find('@', at + 1) == std::string::npos);
  FUZZ_CHECK(at > 0 && at + 1 < out.size());
  FUZZ_CHECK(at <= 64 && out.size() <= 254);
  for (const char ch : out) {
    const auto c = static_cast<unsigned char>(ch);
    FUZZ_CHECK(c >= 0x21 && c != 0x7F);  // no controls, no space
    FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
    FUZZ_CHECK(std::string_view("\",;:<>()[]\\").find(ch) == std::string_view::npos);
  }
  FUZZ_CHECK(valid_utf8(out));
  const std::string_view domain = std::string_view(out).substr(at + 1);
  FUZZ_CHECK(domain.front() != '.' && domain.back() != '.');
  FUZZ_CHECK(domain.find("..") == std::string_view::npos);
  // The stored identifier is what a second pass (e.g. the callback's) would compute.
  const auto again = linkgate::core::normalize_identifier(out);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == out);
  return 0;
}
