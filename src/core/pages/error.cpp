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
  return "<a class=\"button\" href=\"" + html_escape(href) + "\">Sign in</a>";
}

}  // namespace

RenderedPage render_error(const ErrorPage& page) {
  int status = 200;
  std::string card;
  if (page.error == "Configuration") {
    status = 500;
    card =
        "<h1>Server error</h1>"
        "<p class=\"center\">There is a problem with the server configuration.</p>"
        "<p class=\"center\">Check the server logs for more information.</p>";
  } else if (page.error == "AccessDenied") {
    status = 403;
    card =
        "<h1>Access Denied</h1>"
        "<p class=\"center\">You do not have permission to sign in.</p>" +
        signin_button(page, false);
  } else if (page.error == "Verification") {
    status = 403;
    card =
        "<h1>Unable to sign in</h1>"
        "<p class=\"center\">The sign in link is no longer valid.</p>"
        "<p class=\"center\">It may have been used already or it may have expired.</p>";
    if (page.email.empty()) {
      card += "<p class=\"center muted\">Sign in again to request a new link.</p>";
    } else {
      card += "<p class=\"center muted\">Sign in again to request a new link for <strong>" +
              html_escape(page.email) + "</strong>.</p>";
    }
    card += signin_button(page, true);
  } else {
    card = "<h1>Error</h1><p><a class=\"site\" href=\"" + html_escape(page.origin) + "\">" +
           html_escape(page.host) + "</a></p>";
  }
  // The error page honours brandColor and logo but not buttonText (§7).
  return {status, detail::render_document(
                      {.title = "Error", .theme = page.theme, .use_button_text = false}, card)};
}

}  // namespace linkgate::core::pages
