#include "core/locale/accept_language.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace linkgate::core {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_range(std::string_view tag) {
  if (tag == "*") return true;
  if (tag.empty() || tag.size() > 64 || tag.front() == '-' || tag.back() == '-') return false;
  return std::all_of(tag.begin(), tag.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  });
}

// "q=0.8" → 0.8; nullopt when malformed.
std::optional<double> parse_q(std::string_view param) {
  param = trim(param);
  if (param.size() < 3 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') {
    return std::nullopt;
  }
  std::string_view number = param.substr(2);
  double q = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), q);
  if (ec != std::errc() || end != number.data() + number.size() || q < 0 || q > 1) {
    return std::nullopt;
  }
  return q;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::vector<LanguageRange> parse_accept_language(std::string_view header) {
  header = header.substr(0, 4096);
  std::vector<LanguageRange> ranges;
  while (!header.empty() && ranges.size() < 64) {
    auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    auto semi = item.find(';');
    std::string_view tag = trim(item.substr(0, semi));
    double q = 1.0;
    if (semi != std::string_view::npos) {
      auto parsed = parse_q(item.substr(semi + 1));
      if (!parsed) continue;
      q = *parsed;
    }
    if (!is_range(tag) || q <= 0) continue;
    ranges.push_back({lower(tag), q});
  }
  std::stable_sort(ranges.begin(), ranges.end(),
                   [](const LanguageRange& a, const LanguageRange& b) { return a.q > b.q; });
  return ranges;
}

std::string pick_language(std::string_view header, const std::vector<std::string>& languages) {
  for (const auto& range : parse_accept_language(header)) {
    if (range.tag == "*") return "";
    std::string tag = range.tag;
    while (!tag.empty()) {
      if (std::find(languages.begin(), languages.end(), tag) != languages.end()) return tag;
      // The built-in English ranks here: it wins over anything the person likes less.
      if (tag == "en") return "";
      auto dash = tag.rfind('-');
      if (dash == std::string::npos) break;
      tag.resize(dash);
      // A single-letter subtag ("x" in "de-x-foo") is not a language on its own.
      if (auto prev = tag.rfind('-'); prev != std::string::npos && tag.size() - prev == 2) {
        tag.resize(prev);
      }
    }
  }
  return "";
}

const Locale* pick_locale(const AuthConfig& config, std::string_view accept_language) {
  if (config.locales.empty() || accept_language.empty()) return nullptr;
  std::vector<std::string> languages;
  languages.reserve(config.locales.size());
  for (const auto& locale : config.locales) languages.push_back(locale.language);
  const std::string chosen = pick_language(accept_language, languages);
  if (chosen.empty()) {
    // English: an "en" locale (overriding some English texts) applies when configured.
    for (const auto& locale : config.locales) {
      if (locale.language == "en") return &locale;
    }
    return nullptr;
  }
  for (const auto& locale : config.locales) {
    if (locale.language == chosen) return &locale;
  }
  return nullptr;
}

}  // namespace linkgate::core
