// GET /signin (authjs-behaviour.md §1): one form per email provider and the error box.
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

RenderedPage render_signin(const SigninPage& page) {
  std::string card = "<h1>Sign in</h1>";
  if (!page.error.empty()) {
    card += "<div class=\"alert\" role=\"alert\"><p>";
    card += html_escape(signin_error_message(page.error));
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
