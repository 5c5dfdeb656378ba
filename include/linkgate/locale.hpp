// Custom email templates (Mustache) and per-language texts (SPEC B7; issue 4 "Templates and
// theme"). Plain data an embedder or the linkgate server (from LINKGATE_EMAIL_TEMPLATE_DIR and
// LINKGATE_LOCALE_DIR) puts into AuthConfig; the core picks a language per request from its
// Accept-Language header. English is built in and is always the fallback.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "linkgate/result.hpp"

namespace linkgate {

// The Mustache sources of the verification email. An empty source means the built-in part.
// Variables: url, host, expires (ISO 8601 UTC), code (the one-time code when
// AuthConfig::redemption.one_time_code is on, else empty), theme.brandColor, theme.buttonText,
// theme.logo, theme.colorScheme. The html template escapes {{name}} as HTML ({{{name}}} is raw);
// subject and text never escape.
struct EmailTemplates {
  std::string subject;
  std::string html;
  std::string text;
  // Where each source came from (a file path), named by error messages.
  std::string subject_name = "subject.mustache";
  std::string html_name = "html.mustache";
  std::string text_name = "text.mustache";

  bool empty() const { return subject.empty() && html.empty() && text.empty(); }
};

// One language: its page texts and, optionally, its own email templates.
struct Locale {
  // Lower-case language tag, e.g. "fr", "pt-br". "en" overrides texts of the built-in English.
  std::string language;
  // Page text key -> text (see page_text_keys()). Missing keys fall back to English.
  std::map<std::string, std::string> texts;
  // Parts left empty fall back to AuthConfig::email_templates, then to the built-in email.
  EmailTemplates email;
};

// Every page text key with its built-in English text. Texts may hold the placeholders
// {provider} (signin.button), {time} (signin.error.RateLimitedWait), {email}
// (error.Verification.againFor, confirm.heading) and {digits} (verify.codeHint).
const std::map<std::string, std::string, std::less<>>& page_text_keys();

// Parses and renders each non-empty template once with sample values. The error (kind
// "configuration") names the template's file and line: "<name>:<line>: <problem>".
Result<void> check_email_templates(const EmailTemplates& templates);

// check_email_templates for its email, plus: the language is a well-formed tag and every text
// key is known (an error names the key).
Result<void> check_locale(const Locale& locale);

}  // namespace linkgate
