// Cookie header parsing, Set-Cookie serialisation and session-cookie chunking
// (core/cookies.hpp, SPEC C2). Invariants:
// - get(name) is the first parsed cookie of that name;
// - a parsed cookie whose value is valid UTF-8 survives serialize() and parsing back unchanged;
// - every Set-Cookie carries HttpOnly and SameSite=Lax (and Secure when asked);
// - writing the input as a (chunked) session cookie and reading the written cookies back gives
//   the input again, with no name set twice and no chunk over kSessionChunkSize.
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>

#include "core/cookies.hpp"
#include "fuzz_check.hpp"

namespace {

using linkgate::core::RequestCookies;
using linkgate::core::SetCookie;

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

bool is_ascii(std::string_view s) {
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// The "name=value" part of a serialized Set-Cookie (what a browser sends back).
std::string_view pair_of(const std::string& set_cookie) {
  return std::string_view(set_cookie).substr(0, set_cookie.find("; "));
}

void check_attributes(const std::string& serialized, bool secure) {
  FUZZ_CHECK(serialized.find("; HttpOnly") != std::string::npos);
  FUZZ_CHECK(serialized.find("; SameSite=Lax") != std::string::npos);
  FUZZ_CHECK((serialized.find("; Secure") != std::string::npos) == secure);
  FUZZ_CHECK(serialized.find_first_of("\r\n") == std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const std::string_view header = linkgate::fuzz::as_text(data, size);
  const RequestCookies cookies(header);

  // (The first 64 cookies: get() is linear, so checking every one of thousands of tiny cookies
  // would make the target quadratic and slow.)
  std::size_t checked = 0;
  for (const auto& [name, value] : cookies.all()) {
    if (++checked > 64) break;
    FUZZ_CHECK(!name.empty());
    FUZZ_CHECK(name.find_first_of(";=") == std::string::npos);
    const auto first = cookies.get(name);
    FUZZ_CHECK(first.has_value());
    // Our Set-Cookie names are fixed ASCII tokens; a request's odd names are only read.
    const bool token_name = std::all_of(name.begin(), name.end(), [](char ch) {
      const auto c = static_cast<unsigned char>(ch);
      return c > 0x20 && c < 0x7F;
    });
    if (token_name && valid_utf8(value)) {
      SetCookie c;
      c.name = name;
      c.value = value;
      const std::string serialized = c.serialize();
      check_attributes(serialized, false);
      const RequestCookies back{pair_of(serialized)};
      FUZZ_CHECK(back.all().size() == 1);
      FUZZ_CHECK(back.get(name) == value);
    }
  }
  if (!cookies.all().empty()) {
    FUZZ_CHECK(cookies.get(cookies.all().front().first) == cookies.all().front().second);
  }

  // The input as a session cookie value, over the request's own cookies. Chunks are cut by
  // bytes (the stored values are ASCII: JWE compact or UUID), so only ASCII round-trips.
  for (const bool secure : {false, true}) {
    const auto names = linkgate::core::CookieNames::for_scheme(secure);
    SetCookie attributes;
    attributes.secure = secure;
    const std::string value(header);
    const auto written =
        linkgate::core::write_chunked_cookie(cookies, names.session_token, value, attributes);
    std::set<std::string> seen;
    std::string jar;
    for (const auto& c : written) {
      FUZZ_CHECK(seen.insert(c.name).second);
      FUZZ_CHECK(c.name.starts_with(names.session_token));
      FUZZ_CHECK(c.value.size() <= linkgate::core::kSessionChunkSize);
      const std::string serialized = c.serialize();
      check_attributes(serialized, secure);
      if (c.value.empty()) {
        FUZZ_CHECK(c.max_age == 0);
        continue;
      }
      if (!jar.empty()) jar += "; ";
      jar += pair_of(serialized);
    }
    const auto read = linkgate::core::read_chunked_cookie(RequestCookies(jar), names.session_token);
    if (value.empty()) {
      FUZZ_CHECK(!read.has_value());
    } else if (is_ascii(value)) {
      FUZZ_CHECK(read == value);
    }
    for (const auto& c :
         linkgate::core::clear_chunked_cookie(cookies, names.session_token, attributes)) {
      FUZZ_CHECK(c.value.empty() && c.max_age == 0);
    }
  }
  return 0;
}
