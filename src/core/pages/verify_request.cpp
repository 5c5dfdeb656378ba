// GET /verify-request (authjs-behaviour.md §1): "Check your email".
#include <string>

#include "core/pages/layout.hpp"
#include "core/pages/pages.hpp"

namespace linkgate::core::pages {

RenderedPage render_verify_request(const VerifyRequestPage& page) {
  const Texts& t = page.texts;
  std::string card = "<h1>" + t.html("verify.heading") + "</h1><p class=\"center\">" +
                     t.html("verify.text") + "</p>";
  if (!page.outbox_url.empty()) {
    // Development only: nothing was mailed, so say where the link is instead of an inbox.
    card += "<div class=\"note\"><p>" + t.html("verify.devNote") + "</p>";
    card += "<a class=\"button\" href=\"" + html_escape(page.outbox_url) + "\">" +
            t.html("verify.devButton") + "</a></div>";
  }
  card += "<p><a class=\"site\" href=\"" + html_escape(page.origin) + "\">" +
          html_escape(page.host) + "</a></p>";
  const std::string title = t.get("verify.title");
  return {200,
          detail::render_document({.title = title, .theme = page.theme, .lang = t.lang()}, card)};
}

}  // namespace linkgate::core::pages
