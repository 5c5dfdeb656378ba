// Internal to the pages module: the texts of one language, with English as the fallback.
#pragma once

#include <string>
#include <string_view>

#include "linkgate/locale.hpp"

namespace linkgate::core::pages {

// A view of one Locale's page texts (or none: English). The Locale must outlive the Texts.
class Texts {
 public:
  Texts() = default;
  explicit Texts(const Locale* locale) : locale_(locale) {}

  // The text for `key` in this language, else the built-in English one, else the key itself.
  std::string get(std::string_view key) const;
  // The text, HTML-escaped, with "{name}" replaced by `value_html` (already-escaped markup).
  std::string html(std::string_view key, std::string_view name = {},
                   std::string_view value_html = {}) const;
  // The value of the document's lang attribute.
  std::string_view lang() const { return locale_ ? std::string_view(locale_->language) : "en"; }

 private:
  const Locale* locale_ = nullptr;
};

}  // namespace linkgate::core::pages
