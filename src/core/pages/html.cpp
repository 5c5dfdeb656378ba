// html_escape, the theme sanitizers and the shared document layout of the built-in pages.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "core/pages/layout.hpp"
#include "core/pages/pages.hpp"

namespace linkgate::core::pages {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace detail {
namespace {

bool is_hex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}
bool is_alpha(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_hex_color(std::string_view v) {
  if (v.size() < 2 || v[0] != '#') return false;
  const auto digits = v.substr(1);
  const auto n = digits.size();
  return (n == 3 || n == 4 || n == 6 || n == 8) &&
         std::all_of(digits.begin(), digits.end(), is_hex);
}

bool is_function_color(std::string_view v) {
  const auto open = v.find('(');
  if (open == std::string_view::npos || v.back() != ')') return false;
  const auto name = lower(v.substr(0, open));
  if (name != "rgb" && name != "rgba" && name != "hsl" && name != "hsla") return false;
  const auto args = v.substr(open + 1, v.size() - open - 2);
  if (args.empty()) return false;
  return std::all_of(args.begin(), args.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == ' ' || c == '.' || c == ',' || c == '%' || c == '/';
  });
}

bool is_named_color(std::string_view v) {
  return !v.empty() && v.size() <= 32 && std::all_of(v.begin(), v.end(), is_alpha);
}

// Own stylesheet. Palettes from authjs-behaviour.md §7 (light: page #ececec, card #fff; dark:
// page #161b22, card #0d1117; button #157efb with #fff text). Text, link, border and focus
// colours are chosen for WCAG AA on both the card and the page background: body text >= 13:1,
// muted text >= 5.4:1, links >= 4.4:1 on the page and >= 5.1:1 on the card, input borders and
// focus rings >= 3:1. White on #157efb is 3.9:1, which AA allows only for large text, so the
// button label is bold and 19px (WCAG "large": >= 14pt bold).
constexpr std::string_view kStyles = R"css(
*,*::before,*::after{box-sizing:border-box}
.__next-auth-theme-auto,.__next-auth-theme-light{--page-bg:#ececec;--card-bg:#fff;--text:#1f2328;
--muted:#57606a;--border:#d0d7de;--field-border:#6e7781;--field-bg:#fff;--link:#0969da;
--focus:#0969da;--code-bg:#f6f8fa;--alert-bg:#ffebe9;--alert-border:#cf222e;--alert-text:#82071e;
--ok:#1a7f37;--note-bg:#ddf4ff;--note-border:#54aeff;
--shadow:0 1px 3px rgba(31,35,40,.12),0 8px 24px rgba(66,74,83,.12);color-scheme:light}
.__next-auth-theme-dark{--page-bg:#161b22;--card-bg:#0d1117;--text:#e6edf3;--muted:#9198a1;
--border:#30363d;--field-border:#6e7681;--field-bg:#010409;--link:#4493f8;--focus:#4493f8;
--code-bg:#161b22;--alert-bg:#2d1117;--alert-border:#f85149;--alert-text:#ffa198;
--ok:#3fb950;--note-bg:#121d2f;--note-border:#1f6feb;--shadow:0 0 0 1px #30363d;color-scheme:dark}
@media (prefers-color-scheme:dark){.__next-auth-theme-auto{--page-bg:#161b22;--card-bg:#0d1117;
--text:#e6edf3;--muted:#9198a1;--border:#30363d;--field-border:#6e7681;--field-bg:#010409;
--link:#4493f8;--focus:#4493f8;--code-bg:#161b22;--alert-bg:#2d1117;--alert-border:#f85149;
--alert-text:#ffa198;--ok:#3fb950;--note-bg:#121d2f;--note-border:#1f6feb;
--shadow:0 0 0 1px #30363d;color-scheme:dark}}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
padding:1.5rem 1rem;background:var(--page-bg);color:var(--text);line-height:1.5;font-size:1rem;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.page{width:100%;max-width:400px;margin:0 auto}
.page.wide{max-width:760px}
.logo{display:block;max-width:150px;max-height:70px;margin:0 auto 1.5rem}
.card{background:var(--card-bg);border-radius:12px;padding:2rem 1.5rem;box-shadow:var(--shadow)}
.card>:last-child{margin-bottom:0}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem;text-align:center}
h2{font-size:1.125rem;line-height:1.3;margin:0 0 .5rem;overflow-wrap:anywhere}
p{margin:0 0 1rem}
.center{text-align:center}
.muted{color:var(--muted)}
a{color:var(--link);text-underline-offset:2px}
a.site{display:block;text-align:center;font-weight:600;overflow-wrap:anywhere}
label{display:block;font-weight:600;margin:0 0 .375rem}
input[type=email],input.code{display:block;width:100%;min-height:2.75rem;padding:.625rem .75rem;
font:inherit;color:var(--text);background:var(--field-bg);border:1px solid var(--field-border);
border-radius:8px}
input[type=email]::placeholder{color:var(--muted);opacity:1}
input.code{font-size:1.25rem;letter-spacing:.2em;font-variant-numeric:tabular-nums}
input+label{margin-top:1rem}
.code-form{margin:0 0 1.5rem}
.code-form .small{margin:.5rem 0 0}
.button{display:block;width:100%;min-height:2.75rem;margin:1rem 0 0;padding:.625rem 1rem;border:0;
border-radius:8px;background:var(--brand-color,#157efb);color:var(--button-text-color,#fff);
font:inherit;font-size:1.1875rem;font-weight:700;line-height:1.3;text-align:center;
text-decoration:none;cursor:pointer;overflow-wrap:anywhere}
.button:hover{filter:brightness(.92)}
.button:active{filter:brightness(.85)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
input[type=email]:focus-visible,input.code:focus-visible{outline-offset:1px}
.alert{margin:0 0 1.25rem;padding:.75rem 1rem;border:1px solid var(--alert-border);
border-left-width:4px;border-radius:8px;background:var(--alert-bg);color:var(--alert-text)}
.alert p{margin:0}
.divider{border:0;border-top:1px solid var(--border);margin:1.5rem 0}
.messages{list-style:none;margin:0;padding:0}
.message{border-top:1px solid var(--border);padding:1.25rem 0 0;margin:1.25rem 0 0}
.meta{display:grid;grid-template-columns:auto 1fr;gap:.25rem .75rem;margin:0 0 .75rem}
.meta dt{font-weight:600;color:var(--muted)}
.meta dd{margin:0;overflow-wrap:anywhere}
.meta time{white-space:nowrap}
.message-link{overflow-wrap:anywhere;font-size:.875rem}
.button.open-link{margin:0 0 .75rem}
.messages .message-link{margin-bottom:0}
.home-time{white-space:nowrap}
.who,.alert,.note{overflow-wrap:anywhere}
pre{margin:.75rem 0 0;padding:.75rem;background:var(--code-bg);border:1px solid var(--border);
border-radius:8px;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.875rem}
.note{margin:0 0 1.25rem;padding:.75rem 1rem;border:1px solid var(--note-border);border-radius:8px;
background:var(--note-bg)}
.note p{margin:0}
.note .button{margin-top:.75rem}
.small{font-size:.875rem}
.tagline{margin-top:-.5rem}
.status{display:flex;align-items:center;justify-content:center;gap:.5rem;font-weight:700;
margin:0 0 .5rem}
.status-on{color:var(--ok)}
.status-off{color:var(--muted)}
.dot{display:inline-block;width:.625rem;height:.625rem;border-radius:50%;background:currentColor}
.steps{margin:1.5rem 0 0;padding-left:1.5rem}
.steps li{margin:0 0 .375rem}
.links{list-style:none;display:flex;flex-wrap:wrap;justify-content:center;gap:.5rem 1.5rem;
margin:0 0 1rem;padding:0}
.back{margin:0 0 .75rem}
@media (max-width:480px){.meta{grid-template-columns:1fr;gap:0}.meta dd{margin:0 0 .375rem}}
@media (max-width:360px){.card{padding:1.5rem 1rem}}
)css";

}  // namespace

std::string safe_css_color(std::string_view value) {
  if (value.empty() || value.size() > 64) return {};
  if (is_hex_color(value) || is_function_color(value) || is_named_color(value)) {
    return std::string(value);
  }
  return {};
}

std::string safe_http_url(std::string_view value) {
  if (value.size() > 2048) return {};
  const auto head = lower(value.substr(0, 8));
  std::size_t rest = 0;
  if (head.starts_with("https://")) {
    rest = 8;
  } else if (head.starts_with("http://")) {
    rest = 7;
  } else {
    return {};
  }
  if (value.size() == rest || value[rest] == '/') return {};  // no host
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' ||
        c == '`') {
      return {};
    }
  }
  return std::string(value);
}

std::string_view color_scheme(const Theme& theme) {
  if (theme.color_scheme == "light") return "light";
  if (theme.color_scheme == "dark") return "dark";
  return "auto";
}

std::string render_document(const Layout& layout, std::string_view card_html) {
  std::string out;
  out.reserve(kStyles.size() + card_html.size() + 1024);
  out += "<!DOCTYPE html><html lang=\"";
  out += html_escape(layout.lang);
  out +=
      "\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>";
  out += html_escape(layout.title);
  out += "</title><style>";
  out += kStyles;
  out += "</style>";

  // Custom properties go in their own rule so that a dropped value leaves the defaults in the
  // stylesheet (var(--brand-color, #157efb)) in force.
  const auto brand = safe_css_color(layout.theme.brand_color);
  const auto button_text =
      layout.use_button_text ? safe_css_color(layout.theme.button_text) : std::string();
  if (!brand.empty() || !button_text.empty()) {
    out += "<style>:root{";
    if (!brand.empty()) out += "--brand-color: " + brand + ";";
    if (!button_text.empty()) out += "--button-text-color: " + button_text + ";";
    out += "}</style>";
  }

  out += "</head><body class=\"__next-auth-theme-";
  out += color_scheme(layout.theme);
  out += "\"><main class=\"page";
  if (layout.wide) out += " wide";
  out += "\">";
  if (const auto logo = safe_http_url(layout.theme.logo); !logo.empty()) {
    out += "<img src=\"" + html_escape(logo) + "\" alt=\"Logo\" class=\"logo\">";
  }
  out += "<div class=\"card\">";
  out += card_html;
  out += "</div></main></body></html>";
  return out;
}

}  // namespace detail
}  // namespace linkgate::core::pages
