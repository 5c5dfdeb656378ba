// GET /signin (authjs-behaviour.md §1): one form per email provider and the error box.
#include <algorithm>
#include <string>
#include <string_view>

#include "core/pages/layout.hpp"
#include "core/pages/pages.hpp"

namespace linkgate::core::pages {
namespace {

// The §1 message table, plus two codes of our own (Verification, RateLimited) that Auth.js
// leaves on the default; unknown codes, MissingCSRF included, get the default. Returns the
// text key (locale/page_texts.cpp holds the English).
std::string_view signin_error_key(std::string_view code) {
  if (code == "Signin" || code == "OAuthSignin" || code == "OAuthCallbackError" ||
      code == "OAuthCreateAccount" || code == "EmailCreateAccount" || code == "Callback") {
    return "signin.error.Signin";
  }
  if (code == "OAuthAccountNotLinked") return "signin.error.OAuthAccountNotLinked";
  if (code == "EmailSignin") return "signin.error.EmailSignin";
  if (code == "CredentialsSignin") return "signin.error.CredentialsSignin";
  if (code == "SessionRequired") return "signin.error.SessionRequired";
  if (code == "Verification") return "signin.error.Verification";
  if (code == "RateLimited") return "signin.error.RateLimited";
  return "signin.error.default";
}

// "1 second", "2 minutes", "3 hours": rounded up, so the person never comes back too early.
std::string wait_time(long long seconds, const Texts& texts) {
  const auto plural = [&texts](long long n, std::string_view unit) {
    std::string text = texts.get(std::string("time.") + std::string(unit) + (n == 1 ? "" : "s"));
    if (auto pos = text.find("{n}"); pos != std::string::npos) {
      text.replace(pos, 3, std::to_string(n));
    }
    return text;
  };
  if (seconds < 60) return plural(seconds, "second");
  if (seconds <= 120 * 60) return plural((seconds + 59) / 60, "minute");
  return plural((seconds + 3599) / 3600, "hour");
}

// The error box's markup (escaped).
std::string error_message_html(const SigninPage& page) {
  if (page.error == "RateLimited" && page.retry_after) {
    return page.texts.html("signin.error.RateLimitedWait", "time",
                           html_escape(wait_time(*page.retry_after, page.texts)));
  }
  return page.texts.html(signin_error_key(page.error));
}

// The ids input-email-for-<id>-provider and submitButton are Auth.js's, kept so that scripts
// and tests written against Auth.js find them. submitButton goes only on the first form's
// button, because an id must be unique; every button carries class "button".
void append_provider_form(std::string& out, const SigninProvider& provider, const SigninPage& page,
                          bool first) {
  const auto input_id = html_escape("input-email-for-" + provider.id + "-provider");
  out += "<form class=\"provider\" action=\"" + html_escape(provider.signin_url) +
         "\" method=\"POST\">";
  out +=
      "<input type=\"hidden\" name=\"csrfToken\" value=\"" + html_escape(page.csrf_token) + "\">";
  out += "<label for=\"" + input_id + "\">" + page.texts.html("signin.emailLabel") + "</label>";
  out += "<input id=\"" + input_id + "\" type=\"email\" name=\"email\"";
  if (!page.email.empty()) out += " value=\"" + html_escape(page.email) + "\"";
  out += " placeholder=\"" + page.texts.html("signin.emailPlaceholder") +
         "\" autocomplete=\"email\" required";
  if (first) out += " autofocus";
  out += ">";
  out += first ? "<button id=\"submitButton\" type=\"submit\" class=\"button\">"
               : "<button type=\"submit\" class=\"button\">";
  out += page.texts.html("signin.button", "provider", html_escape(provider.name)) + "</button>";
  out += "</form>";
}

}  // namespace

std::optional<long long> parse_retry_after(std::string_view text) {
  constexpr long long kMax = 7 * 24 * 3600;
  if (text.empty() || text.size() > 7) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const long long seconds = std::stoll(std::string(text));
  if (seconds < 1 || seconds > kMax) return std::nullopt;
  return seconds;
}

RenderedPage render_signin(const SigninPage& page) {
  std::string card = "<h1>" + page.texts.html("signin.heading") + "</h1>";
  if (!page.error.empty()) {
    card += "<div class=\"alert\" role=\"alert\"><p>";
    card += error_message_html(page);
    card += "</p></div>";
  }
  if (page.providers.empty()) {
    card += "<p class=\"center muted\">" + page.texts.html("signin.noProviders") + "</p>";
  }
  bool first = true;
  for (const auto& provider : page.providers) {
    if (!first) card += "<hr class=\"divider\">";
    append_provider_form(card, provider, page, first);
    first = false;
  }
  const std::string title = page.texts.get("signin.title");
  return {200, detail::render_document(
                   {.title = title, .theme = page.theme, .lang = page.texts.lang()}, card)};
}

}  // namespace linkgate::core::pages
