// The verification email from custom Mustache templates (include/linkgate/locale.hpp), each part
// falling back to the built-in email (core/email_template.hpp) when its source is empty.
#pragma once

#include <string>

#include "core/email_template.hpp"
#include "linkgate/locale.hpp"
#include "linkgate/result.hpp"

namespace linkgate::core {

// The values a template sees.
struct EmailVariables {
  std::string url;
  std::string host;     // the link's host (with port), plain: no zero-width spaces
  std::string expires;  // ISO 8601 UTC
  std::string code;     // the one-time code (SPEC B3); empty when that sign-in is off
  Theme theme;
};

// Each part of `preferred` that is set, else the part of `fallback` (with its name).
EmailTemplates merge_email_templates(const EmailTemplates& preferred,
                                     const EmailTemplates& fallback);

// Renders the email. Errors (kind "configuration") read "<name>:<line>: <problem>". The
// subject is made one line (CR and LF become spaces); an empty subject is an error.
Result<EmailContent> render_email(const EmailTemplates& templates, const EmailVariables& vars);

}  // namespace linkgate::core
