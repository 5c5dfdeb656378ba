// The built-in verification email (authjs-behaviour.md §7; the seeds' html() and text()).
#pragma once

#include <string>

#include "linkgate/config.hpp"

namespace linkgate::core {

struct EmailContent {
  std::string subject;  // "Sign in to <host>"
  std::string text;     // "Sign in to <host>\n<url>\n\n" (plus the code line when there is one)
  std::string html;     // the seeds' table layout, host dots broken by &#8203;, theme colours
};

// host = the link's host (with port). The recipient address never appears in the content.
// The url is HTML-attribute-escaped in the html body (beyond Auth.js, which inserts it raw).
// A non-empty `code` (the one-time code, SPEC B3) is shown below the button and in the text;
// without one the email is the seeds' exactly.
EmailContent render_verification_email(const std::string& url, const std::string& host,
                                       const Theme& theme, const std::string& code = {});

}  // namespace linkgate::core
