// The confirm page of a magic link (SPEC B2): one button, posted with the CSRF token, so that
// only a person's click consumes the link, never a mail scanner's fetch.
#include <string>

#include "core/pages/layout.hpp"
#include "core/pages/pages.hpp"

namespace linkgate::core::pages {

namespace {

void append_hidden(std::string& out, std::string_view name, const std::string& value) {
  out += "<input type=\"hidden\" name=\"";
  out += name;
  out += "\" value=\"" + html_escape(value) + "\">";
}

}  // namespace

RenderedPage render_confirm(const ConfirmPage& page) {
  const Texts& t = page.texts;
  std::string card =
      "<h1 class=\"who\">" + t.html("confirm.heading", "email", html_escape(page.email)) + "</h1>";
  card += "<p class=\"center\">" + t.html("confirm.text") + "</p>";
  card += "<form action=\"" + html_escape(page.action_url) + "\" method=\"POST\">";
  append_hidden(card, "csrfToken", page.csrf_token);
  append_hidden(card, "token", page.token);
  append_hidden(card, "email", page.email);
  append_hidden(card, "callbackUrl", page.callback_url);
  card += "<button id=\"submitButton\" type=\"submit\" class=\"button\" autofocus>" +
          t.html("confirm.button") + "</button></form>";
  const std::string title = t.get("confirm.title");
  return {200,
          detail::render_document({.title = title, .theme = page.theme, .lang = t.lang()}, card)};
}

}  // namespace linkgate::core::pages
