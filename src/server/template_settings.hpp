// Custom email templates and locales from the file system (LINKGATE_EMAIL_TEMPLATE_DIR,
// LINKGATE_LOCALE_DIR), loaded and checked at startup (include/linkgate/locale.hpp) and again on
// SIGHUP (reload_templates).
#pragma once

#include <string>
#include <vector>

#include "linkgate/auth.hpp"
#include "linkgate/locale.hpp"
#include "linkgate/result.hpp"

namespace linkgate::server {

struct Templates {
  EmailTemplates email;         // from LINKGATE_EMAIL_TEMPLATE_DIR
  std::vector<Locale> locales;  // from LINKGATE_LOCALE_DIR
};

// template_dir holds subject.mustache, html.mustache and/or text.mustache (at least one).
// locale_dir holds <lang>.json (an object of page text key -> text) and/or <lang>/ with that
// language's *.mustache files. Empty paths mean none. Every template is rendered once with
// sample values; an Error names the file (and the line for a template problem).
Result<Templates> load_templates(const std::string& template_dir, const std::string& locale_dir);

// SIGHUP: load_templates again and, when the whole new set loads and checks, put it in `auth`'s
// place (Auth::replace_texts: requests that start from now on). On an Error (which names the
// file) `auth` keeps the set it had. Returns what was loaded, for the log: "<n> email templates,
// <m> locales".
Result<std::string> reload_templates(Auth& auth, const std::string& template_dir,
                                     const std::string& locale_dir);

}  // namespace linkgate::server
