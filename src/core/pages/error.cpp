// GET /error (authjs-behaviour.md §1 /error table).
#include <string>

#include "core/pages/layout.hpp"
#include "core/pages/pages.hpp"

namespace linkgate::core::pages {
namespace {

// Auth.js builds this href as `${url}/signin` from the full request URL, which yields
// ".../error?error=Verification/signin"; we link to the sign-in page itself.
std::string signin_button(const ErrorPage& page) {
  return "<a class=\"button\" href=\"" + html_escape(page.signin_url) + "\">Sign in</a>";
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
        signin_button(page);
  } else if (page.error == "Verification") {
    status = 403;
    card =
        "<h1>Unable to sign in</h1>"
        "<p class=\"center\">The sign in link is no longer valid.</p>"
        "<p class=\"center\">It may have been used already or it may have expired.</p>" +
        signin_button(page);
  } else {
    card = "<h1>Error</h1><p><a class=\"site\" href=\"" + html_escape(page.origin) + "\">" +
           html_escape(page.host) + "</a></p>";
  }
  // The error page honours brandColor and logo but not buttonText (§7).
  return {status, detail::render_document(
                      {.title = "Error", .theme = page.theme, .use_button_text = false}, card)};
}

}  // namespace linkgate::core::pages
