// GET /signout (authjs-behaviour.md §1): the confirmation form, posted back to the same URL.
#include <string>

#include "core/pages/layout.hpp"
#include "core/pages/pages.hpp"

namespace linkgate::core::pages {

RenderedPage render_signout(const SignoutPage& page) {
  std::string card =
      "<h1>Signout</h1>"
      "<p class=\"center\">Are you sure you want to sign out?</p>";
  card += "<form action=\"" + html_escape(page.action_url) + "\" method=\"POST\">";
  card +=
      "<input type=\"hidden\" name=\"csrfToken\" value=\"" + html_escape(page.csrf_token) + "\">";
  card += "<button id=\"submitButton\" type=\"submit\" class=\"button\">Sign out</button></form>";
  return {200, detail::render_document({.title = "Sign Out", .theme = page.theme}, card)};
}

}  // namespace linkgate::core::pages
