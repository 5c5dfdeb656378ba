// GET /verify-request (authjs-behaviour.md §1): "Check your email", and with one-time codes on
// (SPEC B3) the form to type the emailed code.
#include <string>

#include "core/pages/layout.hpp"
#include "core/pages/pages.hpp"

namespace linkgate::core::pages {

namespace {

// Email and code fields, both labelled; the code field asks phones for the digit keyboard and
// lets browsers fill a code they read from the email.
void append_code_form(std::string& out, const CodeForm& form, const Texts& t) {
  out += "<hr class=\"divider\"><h2 class=\"center\">" + t.html("verify.codeHeading") + "</h2>";
  if (!form.error.empty()) {
    const std::string key =
        form.error == "Verification" ? "verify.error.Verification" : "signin.error.default";
    out += "<div class=\"alert\" role=\"alert\"><p>" + t.html(key) + "</p></div>";
  }
  out +=
      "<form class=\"code-form\" action=\"" + html_escape(form.action_url) + "\" method=\"POST\">";
  out +=
      "<input type=\"hidden\" name=\"csrfToken\" value=\"" + html_escape(form.csrf_token) + "\">";
  out += "<input type=\"hidden\" name=\"callbackUrl\" value=\"" + html_escape(form.callback_url) +
         "\">";
  out += "<label for=\"code-email\">" + t.html("verify.emailLabel") + "</label>";
  out += "<input id=\"code-email\" type=\"email\" name=\"email\"";
  if (!form.email.empty()) out += " value=\"" + html_escape(form.email) + "\"";
  // No address to fill in (the page was opened by hand): typing starts with it.
  if (form.email.empty() && form.error.empty()) out += " autofocus";
  out +=
      " autocomplete=\"email\" required placeholder=\"" + t.html("signin.emailPlaceholder") + "\">";
  const std::string digits = std::to_string(form.digits);
  out += "<label for=\"code\">" + t.html("verify.codeLabel") + "</label>";
  out +=
      "<input id=\"code\" class=\"code\" type=\"text\" name=\"code\" inputmode=\"numeric\" "
      "autocomplete=\"one-time-code\" pattern=\"[0-9 \\-]*\" maxlength=\"" +
      std::to_string(form.digits * 2) + "\" required aria-describedby=\"code-hint\"";
  // The address is known (the page follows the sign-in form): the code is what to type next.
  if (!form.email.empty() || !form.error.empty()) out += " autofocus";
  out += "><p id=\"code-hint\" class=\"small muted\">" +
         t.html("verify.codeHint", "digits", digits) + "</p>";
  out += "<button id=\"codeButton\" type=\"submit\" class=\"button\">" +
         t.html("verify.codeButton") + "</button></form>";
}

}  // namespace

RenderedPage render_verify_request(const VerifyRequestPage& page) {
  const Texts& t = page.texts;
  std::string card = "<h1>" + t.html("verify.heading") + "</h1><p class=\"center\">" +
                     t.html(page.code_form ? "verify.textWithCode" : "verify.text") + "</p>";
  if (!page.outbox_url.empty()) {
    // Development only: nothing was mailed, so say where the link is instead of an inbox.
    card += "<div class=\"note\"><p>" + t.html("verify.devNote") + "</p>";
    card += "<a class=\"button\" href=\"" + html_escape(page.outbox_url) + "\">" +
            t.html("verify.devButton") + "</a></div>";
  }
  if (page.code_form) append_code_form(card, *page.code_form, t);
  card += "<p><a class=\"site\" href=\"" + html_escape(page.origin) + "\">" +
          html_escape(page.host) + "</a></p>";
  const std::string title = t.get("verify.title");
  return {200,
          detail::render_document({.title = title, .theme = page.theme, .lang = t.lang()}, card)};
}

}  // namespace linkgate::core::pages
