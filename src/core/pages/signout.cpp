// GET /signout (authjs-behaviour.md §1): the confirmation form, posted back to the same URL.
#include <string>

#include "core/pages/layout.hpp"
#include "core/pages/pages.hpp"

namespace linkgate::core::pages {

RenderedPage render_signout(const SignoutPage& page) {
  const Texts& t = page.texts;
  std::string card = "<h1>" + t.html("signout.heading") + "</h1><p class=\"center\">" +
                     t.html("signout.text") + "</p>";
  card += "<form action=\"" + html_escape(page.action_url) + "\" method=\"POST\">";
  card +=
      "<input type=\"hidden\" name=\"csrfToken\" value=\"" + html_escape(page.csrf_token) + "\">";
  card += "<button id=\"submitButton\" type=\"submit\" class=\"button\">" +
          t.html("signout.button") + "</button></form>";
  const std::string title = t.get("signout.title");
  return {200,
          detail::render_document({.title = title, .theme = page.theme, .lang = t.lang()}, card)};
}

}  // namespace linkgate::core::pages
