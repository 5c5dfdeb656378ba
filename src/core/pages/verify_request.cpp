// GET /verify-request (authjs-behaviour.md §1): "Check your email".
#include <string>

#include "core/pages/layout.hpp"
#include "core/pages/pages.hpp"

namespace linkgate::core::pages {

RenderedPage render_verify_request(const VerifyRequestPage& page) {
  std::string card =
      "<h1>Check your email</h1>"
      "<p class=\"center\">A sign in link has been sent to your email address.</p>";
  if (!page.outbox_url.empty()) {
    // Development only: nothing was mailed, so say where the link is instead of an inbox.
    card += "<div class=\"note\"><p>Development mode: the email went to the dev outbox.</p>";
    card += "<a class=\"button\" href=\"" + html_escape(page.outbox_url) +
            "\">Open the dev outbox</a></div>";
  }
  card += "<p><a class=\"site\" href=\"" + html_escape(page.origin) + "\">" +
          html_escape(page.host) + "</a></p>";
  return {200, detail::render_document({.title = "Verify Request", .theme = page.theme}, card)};
}

}  // namespace linkgate::core::pages
