// kainjow::mustache reports parse and render failures through is_valid()/error_message(), never
// by throwing; the try blocks only keep an allocation failure inside this module.
#include "core/locale/custom_email.hpp"

#include <algorithm>
#include <kainjow/mustache.hpp>

namespace linkgate::core {

namespace {

namespace mustache = kainjow::mustache;

// kainjow's messages end in " at <offset>"; the offset becomes a 1-based line number.
std::string locate(const std::string& source, const std::string& name, std::string message) {
  std::size_t line = 1;
  if (auto at = message.rfind(" at "); at != std::string::npos) {
    const std::string digits = message.substr(at + 4);
    if (!digits.empty() &&
        std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      const std::size_t offset = std::min<std::size_t>(std::stoull(digits), source.size());
      line += static_cast<std::size_t>(
          std::count(source.begin(), source.begin() + static_cast<long>(offset), '\n'));
      message.resize(at);
    }
  }
  return name + ":" + std::to_string(line) + ": " + message;
}

mustache::data variables(const EmailVariables& vars) {
  mustache::data theme;
  theme.set("brandColor", vars.theme.brand_color);
  theme.set("buttonText", vars.theme.button_text);
  theme.set("logo", vars.theme.logo);
  theme.set("colorScheme", vars.theme.color_scheme);
  mustache::data data;
  data.set("url", vars.url);
  data.set("host", vars.host);
  data.set("expires", vars.expires);
  data.set("code", vars.code);
  data.set("theme", theme);
  return data;
}

Result<std::string> render_one(const std::string& source, const std::string& name,
                               const mustache::data& data, bool escape_html) {
  try {
    mustache::mustache tmpl{source};
    if (!tmpl.is_valid()) {
      return Error{"configuration", locate(source, name, tmpl.error_message())};
    }
    if (!escape_html) tmpl.set_custom_escape([](const std::string& s) { return s; });
    std::string out = tmpl.render(data);
    if (!tmpl.is_valid()) {
      return Error{"configuration", locate(source, name, tmpl.error_message())};
    }
    return out;
  } catch (const std::exception& e) {
    return Error{"configuration", name + ":1: " + e.what()};
  }
}

}  // namespace

EmailTemplates merge_email_templates(const EmailTemplates& preferred,
                                     const EmailTemplates& fallback) {
  EmailTemplates out = fallback;
  if (!preferred.subject.empty()) {
    out.subject = preferred.subject;
    out.subject_name = preferred.subject_name;
  }
  if (!preferred.html.empty()) {
    out.html = preferred.html;
    out.html_name = preferred.html_name;
  }
  if (!preferred.text.empty()) {
    out.text = preferred.text;
    out.text_name = preferred.text_name;
  }
  return out;
}

Result<EmailContent> render_email(const EmailTemplates& templates, const EmailVariables& vars) {
  EmailContent content = render_verification_email(vars.url, vars.host, vars.theme, vars.code);
  if (templates.empty()) return content;
  const mustache::data data = variables(vars);
  if (!templates.subject.empty()) {
    auto subject = render_one(templates.subject, templates.subject_name, data, false);
    if (!subject) return subject.error();
    // One header line: a template cannot add headers to the message.
    std::replace_if(
        subject->begin(), subject->end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    const auto first = subject->find_first_not_of(" \t");
    if (first == std::string::npos) {
      return Error{"configuration", templates.subject_name + ":1: the subject renders empty"};
    }
    subject->erase(0, first);
    subject->erase(subject->find_last_not_of(" \t") + 1);
    content.subject = std::move(*subject);
  }
  if (!templates.html.empty()) {
    auto html = render_one(templates.html, templates.html_name, data, true);
    if (!html) return html.error();
    content.html = std::move(*html);
  }
  if (!templates.text.empty()) {
    auto text = render_one(templates.text, templates.text_name, data, false);
    if (!text) return text.error();
    content.text = std::move(*text);
  }
  return content;
}

}  // namespace linkgate::core
