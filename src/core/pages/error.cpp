// GET /error (authjs-behaviour.md §1 /error table).
#include <string>

#include "core/form.hpp"
#include "core/pages/layout.hpp"
#include "core/pages/pages.hpp"

namespace linkgate::core::pages {
namespace {

// Auth.js builds this href as `${url}/signin` from the full request URL, which yields
// ".../error?error=Verification/signin"; we link to the sign-in page itself.
// With the address of a dead link, the button opens the form with it filled in: one click to
// request a new link. The address is no secret from the person holding that link.
std::string signin_button(const ErrorPage& page, bool with_email) {
  std::string href = page.signin_url;
  if (with_email && !page.email.empty()) href += "?email=" + form_encode(page.email);
  return "<a class=\"button\" href=\"" + html_escape(href) + "\">" +
         page.texts.html("error.signinButton") + "</a>";
}

}  // namespace

RenderedPage render_error(const ErrorPage& page) {
  const Texts& t = page.texts;
  const auto heading = [&t](std::string_view key) { return "<h1>" + t.html(key) + "</h1>"; };
  const auto line = [&t](std::string_view key, std::string_view cls = "center") {
    return "<p class=\"" + std::string(cls) + "\">" + t.html(key) + "</p>";
  };
  int status = 200;
  std::string card;
  if (page.error == "Configuration") {
    status = 500;
    card = heading("error.Configuration.heading") + line("error.Configuration.text") +
           line("error.Configuration.hint");
  } else if (page.error == "AccessDenied") {
    status = 403;
    card = heading("error.AccessDenied.heading") + line("error.AccessDenied.text") +
           signin_button(page, false);
  } else if (page.error == "Verification") {
    status = 403;
    card = heading("error.Verification.heading") + line("error.Verification.text") +
           line("error.Verification.hint");
    if (page.email.empty()) {
      card += line("error.Verification.again", "center muted");
    } else {
      card += "<p class=\"center muted\">" +
              t.html("error.Verification.againFor", "email",
                     "<strong>" + html_escape(page.email) + "</strong>") +
              "</p>";
    }
    card += signin_button(page, true);
  } else {
    card = heading("error.heading") + "<p><a class=\"site\" href=\"" + html_escape(page.origin) +
           "\">" + html_escape(page.host) + "</a></p>";
  }
  // The error page honours brandColor and logo but not buttonText (§7).
  const std::string title = t.get("error.title");
  return {
      status,
      detail::render_document(
          {.title = title, .theme = page.theme, .use_button_text = false, .lang = t.lang()}, card)};
}

}  // namespace linkgate::core::pages
