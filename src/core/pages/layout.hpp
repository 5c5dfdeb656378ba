// Internal to the pages module: the shared document layout and the sanitizers that keep theme
// values (which come from configuration, possibly from the environment) from reaching the page
// as markup or CSS. Not part of any public contract.
#pragma once

#include <string>
#include <string_view>

#include "linkgate/config.hpp"

namespace linkgate::core::pages::detail {

// Returns `value` unchanged when it is a CSS colour of a shape that cannot leave a declaration:
// "#" plus 3, 4, 6 or 8 hex digits; rgb()/rgba()/hsl()/hsla() whose arguments are only digits,
// spaces, ".", ",", "%" and "/"; or a plain name of ASCII letters. Otherwise returns "".
std::string safe_css_color(std::string_view value);

// Returns `value` unchanged when it is an absolute http(s) URL without whitespace, control
// characters, quotes, angle brackets or backslashes; otherwise "". The result still needs
// html_escape before it goes into an attribute (for "&").
std::string safe_http_url(std::string_view value);

// "auto", "light" or "dark"; anything else is "auto".
std::string_view color_scheme(const Theme& theme);

struct Layout {
  std::string_view title;  // the <title> text (escaped by render_document)
  const Theme& theme;
  // The error page honours brandColor and logo but not buttonText (authjs-behaviour.md §7).
  bool use_button_text = true;
  // A wider column for the outbox, whose links and bodies are long.
  bool wide = false;
  // The <html lang> value (escaped by render_document).
  std::string_view lang = "en";
};

// A complete document: doctype, lang, charset, viewport, title, the inline stylesheet, the
// theme's custom properties (only when they pass safe_css_color), the body theme class, the
// logo (only when it passes safe_http_url) and `card_html` inside the centred card.
// REQUIRES: card_html is already-escaped markup.
std::string render_document(const Layout& layout, std::string_view card_html);

}  // namespace linkgate::core::pages::detail
