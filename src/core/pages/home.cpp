// GET / in development: the first page a new user sees after `make run`.
#include <string>

#include "core/pages/layout.hpp"
#include "core/pages/pages.hpp"

namespace linkgate::core::pages {
namespace {

// "2026-11-23T01:02:03.456Z" → "2026-11-23 01:02 UTC"; anything else is shown as it is.
std::string readable_time(const std::string& iso) {
  if (iso.size() < 16 || iso[10] != 'T') return iso;
  return iso.substr(0, 10) + " " + iso.substr(11, 5) + " UTC";
}

void append_signed_in(std::string& card, const HomePage& page, const HomeSession& session) {
  card += "<p class=\"status status-on\"><span class=\"dot\" aria-hidden=\"true\"></span>";
  card += "Signed in</p>";
  card += "<p class=\"center who\">You are signed in as <strong>";
  card += html_escape(session.email) + "</strong>";
  if (!session.name.empty()) card += " (" + html_escape(session.name) + ")";
  card += ".</p>";
  if (!session.expires.empty()) {
    card +=
        "<p class=\"center muted\">The session lasts until <time class=\"home-time\" datetime=\"" +
        html_escape(session.expires) + "\">" + html_escape(readable_time(session.expires)) +
        "</time>.</p>";
  }
  card += "<a class=\"button\" href=\"" + html_escape(page.signout_url) + "\">Sign out</a>";
}

void append_signed_out(std::string& card, const HomePage& page) {
  card += "<p class=\"status status-off\"><span class=\"dot\" aria-hidden=\"true\"></span>";
  card += "Signed out</p>";
  card += "<p class=\"center who\">You are not signed in.</p>";
  card += "<a class=\"button\" href=\"" + html_escape(page.signin_url) + "\">Sign in</a>";
  card += "<ol class=\"steps\">";
  card += "<li>Sign in with any email address.</li>";
  card += "<li>The link goes to the <a href=\"" + html_escape(page.outbox_url) +
          "\">dev outbox</a>, not to a real inbox.</li>";
  card += "<li>Click it there: you come back here, signed in.</li>";
  card += "</ol>";
}

}  // namespace

RenderedPage render_home(const HomePage& page) {
  std::string card =
      "<h1>linkgate</h1>"
      "<p class=\"center muted tagline\">Passwordless email sign-in, compatible with "
      "Auth.js.</p>";
  int status = 200;
  if (page.session_unavailable) {
    status = 503;
    card +=
        "<div class=\"alert\" role=\"alert\"><p>Cannot tell whether you are signed in: the "
        "session store is unavailable. Reload the page in a moment.</p></div>";
  } else if (page.session) {
    append_signed_in(card, page, *page.session);
  } else {
    append_signed_out(card, page);
  }
  card += "<hr class=\"divider\">";
  card += "<nav aria-label=\"Development links\"><ul class=\"links\">";
  card += "<li><a href=\"" + html_escape(page.outbox_url) + "\">Dev outbox</a></li>";
  card += "<li><a href=\"" + html_escape(page.session_url) + "\">Session (JSON)</a></li>";
  card += "</ul></nav>";
  card +=
      "<p class=\"center muted small\">Development mode: this page and the outbox exist only "
      "while the dev outbox is on.</p>";
  return {status, detail::render_document({.title = "linkgate", .theme = page.theme}, card)};
}

}  // namespace linkgate::core::pages
