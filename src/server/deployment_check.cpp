#include "server/deployment_check.hpp"

#include <filesystem>
#include <system_error>

#include "server/app.hpp"
#include "server/settings.hpp"
#include "server/template_settings.hpp"

namespace linkgate::server {

std::vector<std::string> check_deployment(const EnvLookup& env) {
  std::vector<std::string> problems = setting_problems(env);
  if (!problems.empty()) return problems;  // the rest reads the settings these would refuse
  auto settings = read_settings(env);
  if (!settings) return {settings.error().message};
  if (settings->production && settings->secrets.empty()) {
    problems.push_back("AUTH_SECRET is not set: production needs it");
  }
  bool open = true;
  if (!is_postgres_url(settings->database_url)) {
    auto path = sqlite_path_from_url(settings->database_url);
    std::error_code ec;
    if (!path) {
      problems.push_back("DATABASE_URL: " + path.error().message);
      open = false;
    } else if (!std::filesystem::exists(*path, ec)) {
      open = false;  // `serve` makes a new SQLite file with the current schema
    }
  }
  if (open) {
    auto store = open_store(settings->database_url, 1, 1);
    if (!store) problems.push_back("database: " + store.error().message);
  }
  if (auto templates = load_templates(settings->email_template_dir, settings->locale_dir);
      !templates) {
    problems.push_back("templates: " + templates.error().message);
  }
  return problems;
}

}  // namespace linkgate::server
