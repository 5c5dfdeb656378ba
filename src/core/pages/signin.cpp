// GET /signin (authjs-behaviour.md §1): one form per email provider and the error box.
#include <algorithm>
#include <string>
#include <string_view>

#include "core/pages/layout.hpp"
#include "core/pages/pages.hpp"

namespace linkgate::core::pages {
namespace {

// The §1 message table, plus two codes of our own (Verification, RateLimited) that Auth.js
// leaves on the default; unknown codes, MissingCSRF included, get the default.
std::string_view signin_error_message(std::string_view code) {
  if (code == "Signin" || code == "OAuthSignin" || code == "OAuthCallbackError" ||
      code == "OAuthCreateAccount" || code == "EmailCreateAccount" || code == "Callback") {
    return "Try signing in with a different account.";
  }
  if (code == "OAuthAccountNotLinked") {
    return "To confirm your identity, sign in with the same account you used originally.";
  }
  if (code == "EmailSignin") return "The e-mail could not be sent.";
  if (code == "CredentialsSignin") {
    return "Sign in failed. Check the details you provided are correct.";
  }
  if (code == "SessionRequired") return "Please sign in to access this page.";
  if (code == "Verification") {
    return "The sign in link is no longer valid. Request a new link below.";
  }
  if (code == "RateLimited") return "Too many attempts. Please wait a few minutes and try again.";
  return "Unable to sign in.";
}

// "1 second", "2 minutes", "3 hours": rounded up, so the person never comes back too early.
std::string wait_time(long long seconds) {
  const auto plural = [](long long n, std::string_view unit) {
    return std::to_string(n) + " " + std::string(unit) + (n == 1 ? "" : "s");
  };
  if (seconds < 60) return plural(seconds, "second");
  if (seconds <= 120 * 60) return plural((seconds + 59) / 60, "minute");
  return plural((seconds + 3599) / 3600, "hour");
}

std::string error_message(const SigninPage& page) {
  if (page.error == "RateLimited" && page.retry_after) {
    return "Too many attempts. Try again in " + wait_time(*page.retry_after) + ".";
  }
  return std::string(signin_error_message(page.error));
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
  out += "<label for=\"" + input_id + "\">Email</label>";
  out += "<input id=\"" + input_id + "\" type=\"email\" name=\"email\"";
  if (!page.email.empty()) out += " value=\"" + html_escape(page.email) + "\"";
  out += " placeholder=\"email@example.com\" autocomplete=\"email\" required";
  if (first) out += " autofocus";
  out += ">";
  out += first ? "<button id=\"submitButton\" type=\"submit\" class=\"button\">"
               : "<button type=\"submit\" class=\"button\">";
  out += "Sign in with " + html_escape(provider.name) + "</button>";
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
  std::string card = "<h1>Sign in</h1>";
  if (!page.error.empty()) {
    card += "<div class=\"alert\" role=\"alert\"><p>";
    card += html_escape(error_message(page));
    card += "</p></div>";
  }
  if (page.providers.empty()) {
    card += "<p class=\"center muted\">No sign-in method is configured.</p>";
  }
  bool first = true;
  for (const auto& provider : page.providers) {
    if (!first) card += "<hr class=\"divider\">";
    append_provider_form(card, provider, page, first);
    first = false;
  }
  return {200, detail::render_document({.title = "Sign In", .theme = page.theme}, card)};
}

}  // namespace linkgate::core::pages
