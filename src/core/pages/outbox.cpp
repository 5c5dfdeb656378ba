// GET /dev/outbox: the development outbox, where the outbox provider keeps what it "sends".
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/pages/layout.hpp"
#include "core/pages/pages.hpp"

namespace linkgate::core::pages {
namespace {

// ISO 8601 in UTC with milliseconds, the shape Auth.js uses for session expiry.
std::string iso_utc(TimePoint t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buf;
}

void append_message(std::string& out, const OutboxMessage& m) {
  const auto when = iso_utc(m.created_at);
  out += "<li><article class=\"message\">";
  out +=
      "<h2>" + (m.subject.empty() ? std::string("(no subject)") : html_escape(m.subject)) + "</h2>";
  out += "<dl class=\"meta\"><dt>Time</dt><dd><time datetime=\"" + when + "\">" + when +
         "</time></dd>";
  out += "<dt>To</dt><dd>" + html_escape(m.to) + "</dd>";
  if (!m.provider.empty()) out += "<dt>Provider</dt><dd>" + html_escape(m.provider) + "</dd>";
  out += "</dl>";
  if (!m.url.empty()) {
    // Only http(s) links become clickable, so a stored "javascript:" URL stays inert text.
    if (const auto href = detail::safe_http_url(m.url); !href.empty()) {
      out += "<a class=\"button open-link\" href=\"" + html_escape(href) +
             "\">Open the sign-in link</a>";
      out += "<p><a class=\"message-link\" href=\"" + html_escape(href) + "\">" +
             html_escape(m.url) + "</a></p>";
    } else {
      out += "<p class=\"message-link\">" + html_escape(m.url) + "</p>";
    }
  }
  if (!m.text.empty()) out += "<pre>" + html_escape(m.text) + "</pre>";
  out += "</article></li>";
}

}  // namespace

RenderedPage render_outbox(const std::vector<OutboxMessage>& messages, std::string_view home_url,
                           const Theme& theme) {
  std::string card;
  if (!home_url.empty()) {
    card += "<nav class=\"back\"><a href=\"" + html_escape(home_url) + "\">Home</a></nav>";
  }
  card +=
      "<h1>Outbox</h1>"
      "<p class=\"muted\">This is the development outbox: emails are kept here instead of being "
      "delivered. Do not enable it in production. Reload the page to see new messages.</p>";
  if (messages.empty()) {
    card +=
        "<p class=\"center\">No messages yet. Sign in with any email address and the link appears "
        "here.</p>";
  } else {
    // Newest first whatever order the store returned; ids break ties within a millisecond.
    std::vector<const OutboxMessage*> sorted;
    sorted.reserve(messages.size());
    for (const auto& m : messages) sorted.push_back(&m);
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
      if (a->created_at != b->created_at) return a->created_at > b->created_at;
      return a->id > b->id;
    });
    card += "<ol class=\"messages\">";
    for (const auto* m : sorted) append_message(card, *m);
    card += "</ol>";
  }
  return {200, detail::render_document({.title = "Outbox", .theme = theme, .wide = true}, card)};
}

}  // namespace linkgate::core::pages
