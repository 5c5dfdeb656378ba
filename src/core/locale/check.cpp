// Startup checks of custom templates and locales (include/linkgate/locale.hpp): every template
// is rendered once with sample values, so a broken one stops the server, not a sign-in.
#include <algorithm>
#include <cctype>

#include "core/locale/custom_email.hpp"
#include "linkgate/locale.hpp"

namespace linkgate {

namespace {

// A lower-case BCP 47-like tag: 2 to 8 letters, then "-" and 1 to 8 letters or digits, repeated.
bool is_language_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 35) return false;
  std::size_t part = 0;
  std::size_t length = 0;
  for (char c : tag) {
    if (c == '-') {
      if (length == 0 || (part == 0 && length < 2)) return false;
      ++part;
      length = 0;
      continue;
    }
    const bool ok =
        part == 0 ? (c >= 'a' && c <= 'z') : ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
    if (!ok || ++length > 8) return false;
  }
  return length > 0 && (part > 0 || length >= 2);
}

}  // namespace

Result<void> check_email_templates(const EmailTemplates& templates) {
  if (templates.empty()) return {};
  core::EmailVariables sample;
  sample.url =
      "https://example.com/api/auth/callback/email?callbackUrl=https%3A%2F%2Fexample.com"
      "&token=0123456789abcdef&email=someone%40example.com";
  sample.host = "example.com";
  sample.expires = "2030-01-01T00:00:00.000Z";
  sample.theme.brand_color = "#346df1";
  sample.theme.button_text = "#fff";
  sample.theme.logo = "https://example.com/logo.png";
  auto rendered = core::render_email(templates, sample);
  if (!rendered) return rendered.error();
  return {};
}

Result<void> check_locale(const Locale& locale) {
  if (!is_language_tag(locale.language)) {
    return Error{"configuration", "\"" + locale.language +
                                      "\" is not a lower-case language tag such as fr or pt-br"};
  }
  const auto& known = page_text_keys();
  for (const auto& [key, text] : locale.texts) {
    if (known.find(key) == known.end()) {
      return Error{"configuration",
                   "unknown page text key \"" + key + "\" for language " + locale.language};
    }
  }
  return check_email_templates(locale.email);
}

}  // namespace linkgate
