// Accept-Language (RFC 9110 §12.5.4) parsing and the choice among the configured languages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "linkgate/config.hpp"

namespace linkgate::core {

struct LanguageRange {
  std::string tag;  // lower case; "*" for the wildcard
  double q = 1.0;   // 0 to 1
};

// The ranges with q > 0, highest q first (equal q keep their order). Malformed entries (bad
// characters, q not a number from 0 to 1) are skipped; a header of at most 4096 bytes and 64
// entries is read, the rest ignored.
std::vector<LanguageRange> parse_accept_language(std::string_view header);

// The configured language the header prefers (RFC 4647 "lookup": a range matches a language
// equal to it or, after dropping subtags from the end, to a prefix of it: en-GB → en), or ""
// for the built-in English: when nothing matches, for "*", and when English ranks first.
// `languages` are lower-case tags.
std::string pick_language(std::string_view header, const std::vector<std::string>& languages);

// The locale of config.locales that the request's Accept-Language picks, or nullptr (English).
const Locale* pick_locale(const AuthConfig& config, std::string_view accept_language);

}  // namespace linkgate::core
