// Invariant checks for the fuzz targets: a failed check prints what broke and aborts, which
// libFuzzer reports as a crash and saves the input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define FUZZ_CHECK(condition)                                                                \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)

namespace linkgate::fuzz {

inline std::string_view as_text(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace linkgate::fuzz

namespace linkgate::fuzz {

// True when a browser following `location` stays on the origin `base` (scheme://host[:port],
// lower case, as the targets pass it). Checked without Boost.URL (which the code under test
// uses): the URL must start with the base's scheme and "://", hold no byte that WHATWG strips
// or rewrites (controls, space, backslash, non-ASCII), and its authority (up to the first '/',
// '?' or '#') must carry no userinfo or escapes and name the base's host and effective port.
inline bool same_origin(std::string_view location, std::string_view base) {
  for (const char ch : location) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F || c == '\\') return false;
  }
  const auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
  };
  const auto split = [&](std::string_view url, std::string& scheme, std::string& host,
                         unsigned long& port) {
    const auto sep = url.find("://");
    if (sep == std::string_view::npos) return false;
    scheme = lower(url.substr(0, sep));
    if (scheme != "http" && scheme != "https") return false;
    std::string_view rest = url.substr(sep + 3);
    const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    if (authority.empty() || authority.find_first_of("@%") != std::string_view::npos) {
      return false;
    }
    std::string_view host_part = authority;
    std::string_view port_part;
    const auto bracket = authority.rfind(']');
    const auto colon = authority.rfind(':');
    if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
      host_part = authority.substr(0, colon);
      port_part = authority.substr(colon + 1);
    }
    if (host_part.empty()) return false;
    host = lower(host_part);
    port = scheme == "https" ? 443 : 80;
    if (!port_part.empty()) {
      unsigned long value = 0;
      for (const char c : port_part) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<unsigned long>(c - '0');
        if (value > 65535) return false;
      }
      port = value;
    }
    return true;
  };
  std::string scheme_a, host_a, scheme_b, host_b;
  unsigned long port_a = 0, port_b = 0;
  if (!split(location, scheme_a, host_a, port_a) || !split(base, scheme_b, host_b, port_b)) {
    return false;
  }
  return scheme_a == scheme_b && host_a == host_b && port_a == port_b;
}

}  // namespace linkgate::fuzz
