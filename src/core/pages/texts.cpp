#include "core/pages/texts.hpp"

#include "core/pages/pages.hpp"

namespace linkgate::core::pages {

std::string Texts::get(std::string_view key) const {
  if (locale_ != nullptr) {
    if (auto it = locale_->texts.find(std::string(key)); it != locale_->texts.end()) {
      return it->second;
    }
  }
  const auto& english = page_text_keys();
  if (auto it = english.find(key); it != english.end()) return it->second;
  return std::string(key);
}

std::string Texts::html(std::string_view key, std::string_view name,
                        std::string_view value_html) const {
  std::string out = html_escape(get(key));
  if (name.empty()) return out;
  // The placeholder's braces and name survive escaping unchanged.
  // Appended piece by piece: GCC 12 reports a false -Wrestrict for "{" + name + "}" at -O2.
  std::string placeholder(1, '{');
  placeholder.append(name);
  placeholder += '}';
  if (auto pos = out.find(placeholder); pos != std::string::npos) {
    out.replace(pos, placeholder.size(), value_html);
  }
  return out;
}

}  // namespace linkgate::core::pages
