// The built-in verification email: the seeds' layout (authjs-behaviour.md §7), with two
// hardenings beyond Auth.js: every interpolated value is HTML-escaped, and theme colours are
// reduced to a plain CSS colour syntax so that a theme value cannot break out of an attribute.
#include "core/email_template.hpp"

#include "core/pages/pages.hpp"

#include <cctype>
#include <string_view>

namespace linkgate::core {

namespace {

constexpr std::string_view kDefaultBrandColor = "#346df1";
constexpr std::string_view kDefaultButtonText = "#fff";
constexpr std::string_view kBackground = "#f9f9f9";
constexpr std::string_view kText = "#444";
constexpr std::string_view kMainBackground = "#fff";

bool is_hex_colour(std::string_view v) {
  if (v.size() < 2 || v[0] != '#') return false;
  const std::size_t digits = v.size() - 1;
  if (digits != 3 && digits != 4 && digits != 6 && digits != 8) return false;
  for (char c : v.substr(1)) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool is_named_colour(std::string_view v) {
  if (v.empty() || v.size() > 32) return false;
  for (char c : v) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// rgb()/rgba()/hsl()/hsla() with only digits, dots, commas, percent signs, slashes and spaces
// inside: enough for every colour a theme needs, nothing that can close the attribute.
bool is_functional_colour(std::string_view v) {
  if (v.size() > 64) return false;
  std::string_view args;
  for (std::string_view fn : {"rgb(", "rgba(", "hsl(", "hsla("}) {
    if (v.substr(0, fn.size()) == fn) {
      args = v.substr(fn.size());
      break;
    }
  }
  if (args.empty() || args.back() != ')') return false;
  args.remove_suffix(1);
  for (char c : args) {
    const bool allowed = std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == ',' ||
                         c == '%' || c == '/' || c == ' ' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

// A theme colour if it is plain CSS colour syntax, otherwise the fallback (also for empty,
// like Auth.js's `theme.brandColor || default`).
std::string safe_colour(const std::string& value, std::string_view fallback) {
  if (is_hex_colour(value) || is_named_colour(value) || is_functional_colour(value)) return value;
  return std::string(fallback);
}

// The escaped host with a zero-width space before every dot, so mail clients do not turn the
// host into a link of their own.
std::string break_host(const std::string& host) {
  const std::string escaped = pages::html_escape(host);
  std::string out;
  out.reserve(escaped.size() + 32);
  for (char c : escaped) {
    if (c == '.') out += "&#8203;";
    out += c;
  }
  return out;
}

std::string render_html(const std::string& url, const std::string& host, const Theme& theme,
                        const std::string& code) {
  const std::string brand = safe_colour(theme.brand_color, kDefaultBrandColor);
  const std::string button_text = safe_colour(theme.button_text, kDefaultButtonText);
  const std::string font = "font-family: Helvetica, Arial, sans-serif; ";

  std::string h;
  h.reserve(2048 + url.size());
  h += "\n<body style=\"background: ";
  h += kBackground;
  h += ";\">\n";
  h += "  <table width=\"100%\" border=\"0\" cellspacing=\"20\" cellpadding=\"0\"\n";
  h += "    style=\"background: ";
  h += kMainBackground;
  h += "; max-width: 600px; margin: auto; border-radius: 10px;\">\n";
  // Row 1: the heading.
  h += "    <tr>\n      <td align=\"center\"\n        style=\"padding: 10px 0px; font-size: 22px; ";
  h += font;
  h += "color: ";
  h += kText;
  h += ";\">\n        Sign in to <strong>";
  h += break_host(host);
  h += "</strong>\n      </td>\n    </tr>\n";
  // Row 2: the button carrying the link.
  h += "    <tr>\n      <td align=\"center\" style=\"padding: 20px 0;\">\n";
  h += "        <table border=\"0\" cellspacing=\"0\" cellpadding=\"0\">\n          <tr>\n";
  h += "            <td align=\"center\" style=\"border-radius: 5px;\" bgcolor=\"";
  h += brand;
  h += "\"><a href=\"";
  h += pages::html_escape(url);
  h += "\"\n                target=\"_blank\"\n                style=\"font-size: 18px; ";
  h += font;
  h += "color: ";
  h += button_text;
  h += "; text-decoration: none; border-radius: 5px; padding: 10px 20px; border: 1px solid ";
  h += brand;
  h += "; display: inline-block; font-weight: bold;\">Sign\n                in</a></td>\n";
  h += "          </tr>\n        </table>\n      </td>\n    </tr>\n";
  if (!code.empty()) {
    // The one-time code, for signing in on another device than the one reading this email.
    h += "    <tr>\n      <td align=\"center\"\n        style=\"padding: 0px 0px 10px 0px; ";
    h += "font-size: 16px; line-height: 22px; ";
    h += font;
    h += "color: ";
    h += kText;
    h += ";\">\n        Or enter this code: <strong style=\"font-size: 22px; ";
    h += "letter-spacing: 3px;\">";
    h += pages::html_escape(code);
    h += "</strong>\n      </td>\n    </tr>\n";
  }
  // Row 3: the reassurance line.
  h += "    <tr>\n      <td align=\"center\"\n        style=\"padding: 0px 0px 10px 0px; ";
  h += "font-size: 16px; line-height: 22px; ";
  h += font;
  h += "color: ";
  h += kText;
  h += ";\">\n        If you did not request this email you can safely ignore it.\n";
  h += "      </td>\n    </tr>\n  </table>\n</body>\n";
  return h;
}

}  // namespace

EmailContent render_verification_email(const std::string& url, const std::string& host,
                                       const Theme& theme, const std::string& code) {
  EmailContent content;
  content.subject = "Sign in to " + host;
  // The text body is plain text: nothing to escape, and the link must stay clickable as is.
  content.text = "Sign in to " + host + "\n" + url + "\n\n";
  if (!code.empty()) content.text.append("Or enter this code: ").append(code).append("\n\n");
  content.html = render_html(url, host, theme, code);
  return content;
}

}  // namespace linkgate::core
