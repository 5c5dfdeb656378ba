#include "server/template_settings.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

namespace linkgate::server {

namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxFileSize = 1 << 20;

Result<std::string> read_file(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return Error{"configuration", path.string() + ": cannot read: " + ec.message()};
  if (size > kMaxFileSize) return Error{"configuration", path.string() + ": larger than 1 MiB"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"configuration", path.string() + ": cannot open"};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The *.mustache files of one directory; `found` says whether any was there.
Result<EmailTemplates> read_email_dir(const fs::path& dir, bool& found) {
  EmailTemplates out;
  found = false;
  const std::pair<const char*, std::pair<std::string*, std::string*>> parts[] = {
      {"subject.mustache", {&out.subject, &out.subject_name}},
      {"html.mustache", {&out.html, &out.html_name}},
      {"text.mustache", {&out.text, &out.text_name}},
  };
  for (const auto& [file, target] : parts) {
    const fs::path path = dir / file;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) continue;
    auto text = read_file(path);
    if (!text) return text.error();
    if (text->empty()) return Error{"configuration", path.string() + ":1: the template is empty"};
    *target.first = std::move(*text);
    *target.second = path.string();
    found = true;
  }
  return out;
}

Result<std::map<std::string, std::string>> read_texts(const fs::path& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(*text, ec);
  if (ec) return Error{"configuration", path.string() + ": not valid JSON: " + ec.message()};
  if (!doc.is_object()) {
    return Error{"configuration", path.string() + ": must be a JSON object of key: text"};
  }
  std::map<std::string, std::string> texts;
  for (const auto& [key, value] : doc.as_object()) {
    if (!value.is_string()) {
      return Error{"configuration",
                   path.string() + ": the value of \"" + std::string(key) + "\" is not a string"};
    }
    texts.emplace(std::string(key), std::string(value.as_string()));
  }
  return texts;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Result<std::vector<Locale>> read_locale_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Error{"configuration", "LINKGATE_LOCALE_DIR " + dir.string() + " is not a directory"};
  }
  std::map<std::string, Locale> by_language;
  std::map<std::string, std::string> where;  // language -> a file, for messages
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const fs::path& path = entry.path();
    std::error_code entry_ec;
    if (entry.is_directory(entry_ec)) {
      bool found = false;
      auto email = read_email_dir(path, found);
      if (!email) return email.error();
      if (!found) continue;
      Locale& locale = by_language[lower(path.filename().string())];
      locale.email = std::move(*email);
      where.try_emplace(lower(path.filename().string()), path.string());
    } else if (path.extension() == ".json") {
      auto texts = read_texts(path);
      if (!texts) return texts.error();
      Locale& locale = by_language[lower(path.stem().string())];
      locale.texts = std::move(*texts);
      where[lower(path.stem().string())] = path.string();
    }
  }
  if (ec) return Error{"configuration", dir.string() + ": cannot list: " + ec.message()};
  std::vector<Locale> locales;
  for (auto& [language, locale] : by_language) {
    locale.language = language;
    if (auto checked = check_locale(locale); !checked) {
      // Template errors already name their file; the others get the locale's file.
      const std::string& message = checked.error().message;
      const bool named = message.find(dir.string()) != std::string::npos;
      return Error{"configuration", named ? message : where[language] + ": " + message};
    }
    locales.push_back(std::move(locale));
  }
  return locales;
}

}  // namespace

Result<Templates> load_templates(const std::string& template_dir, const std::string& locale_dir) {
  Templates out;
  if (!template_dir.empty()) {
    std::error_code ec;
    if (!fs::is_directory(template_dir, ec)) {
      return Error{"configuration",
                   "LINKGATE_EMAIL_TEMPLATE_DIR " + template_dir + " is not a directory"};
    }
    bool found = false;
    auto email = read_email_dir(template_dir, found);
    if (!email) return email.error();
    if (!found) {
      return Error{"configuration", "LINKGATE_EMAIL_TEMPLATE_DIR " + template_dir +
                                        " holds none of subject.mustache, html.mustache, "
                                        "text.mustache"};
    }
    if (auto checked = check_email_templates(*email); !checked) return checked.error();
    out.email = std::move(*email);
  }
  if (!locale_dir.empty()) {
    auto locales = read_locale_dir(locale_dir);
    if (!locales) return locales.error();
    out.locales = std::move(*locales);
  }
  return out;
}

Result<std::string> reload_templates(Auth& auth, const std::string& template_dir,
                                     const std::string& locale_dir) {
  auto loaded = load_templates(template_dir, locale_dir);
  if (!loaded) return loaded.error();
  const EmailTemplates& email = loaded->email;
  const int parts = !email.subject.empty() + !email.html.empty() + !email.text.empty();
  const std::size_t locales = loaded->locales.size();
  if (auto replaced = auth.replace_texts(std::move(loaded->email), std::move(loaded->locales));
      !replaced) {
    return replaced.error();
  }
  return std::to_string(parts) + " email template" + (parts == 1 ? "" : "s") + ", " +
         std::to_string(locales) + " locale" + (locales == 1 ? "" : "s");
}

}  // namespace linkgate::server
