#include "server/setting_sources.hpp"

#include <toml++/toml.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace linkgate::server {

namespace {

Error configuration(std::string message) {
  return Error{"configuration", std::move(message)};
}

constexpr std::uintmax_t kMaxSecretFileSize = 64 * 1024;

// The secret a NAME_FILE names: the file's content less one trailing newline.
Result<std::string> read_secret_file(const std::string& variable, const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return configuration(variable + "=" + path + ": cannot read: " + ec.message());
  if (size > kMaxSecretFileSize)
    return configuration(variable + "=" + path + ": larger than 64 KiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) return configuration(variable + "=" + path + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  if (secret.ends_with("\r\n")) {
    secret.resize(secret.size() - 2);
  } else if (secret.ends_with('\n')) {
    secret.pop_back();
  }
  if (secret.empty()) return configuration(variable + "=" + path + ": the file is empty");
  return secret;
}

// One source's value of `name`: NAME, or the content of NAME_FILE for a secret.
Result<std::optional<std::string>> source_value(const SettingSpec& spec, const std::string& name,
                                                const EnvLookup& source,
                                                const std::string& source_name) {
  auto value = source(name);
  if (!spec.secret) return value;
  auto file = source(name + "_FILE");
  if (!file) return value;
  if (value) {
    return configuration(name + " and " + name + "_FILE are both set" + source_name +
                         ": set only one");
  }
  auto secret = read_secret_file(name + "_FILE", *file);
  if (!secret) return secret.error();
  return std::optional<std::string>(std::move(*secret));
}

}  // namespace

Result<ConfigFile> read_config_file(const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    const auto& where = error.source().begin;
    return configuration(path + ":" + std::to_string(where.line) + ": " +
                         std::string(error.description()));
  }
  ConfigFile out;
  std::vector<std::string> unknown;
  const std::vector<std::string> known = known_setting_names();
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      unknown.push_back(name);
      continue;
    }
    if (auto text = node.value_exact<std::string>()) {
      out.values[name] = *text;
    } else if (auto number = node.value_exact<int64_t>()) {
      out.values[name] = std::to_string(*number);
    } else if (auto flag = node.value_exact<bool>()) {
      out.values[name] = *flag ? "true" : "false";
    } else {
      return configuration(path + ":" + std::to_string(node.source().begin.line) + ": " + name +
                           " must be a string, a whole number or true/false");
    }
  }
  for (std::string& warning : unknown_setting_warnings(unknown, /*any_name=*/true)) {
    out.warnings.push_back(path + ": " + warning);
  }
  return out;
}

Result<EnvLookup> resolve_settings(const EnvLookup& env, const ConfigFile& file) {
  const EnvLookup from_file = [&file](std::string_view name) -> std::optional<std::string> {
    auto it = file.values.find(std::string(name));
    if (it == file.values.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
  auto values = std::make_shared<std::map<std::string, std::string>>();
  for (const SettingSpec& spec : setting_table()) {
    for (const std::string& name : setting_names(spec)) {
      auto from_env = source_value(spec, name, env, " in the environment");
      if (!from_env) return from_env.error();
      if (*from_env) {
        (*values)[name] = std::move(**from_env);
        continue;
      }
      auto in_file = source_value(spec, name, from_file, " in the config file");
      if (!in_file) return in_file.error();
      if (*in_file) (*values)[name] = std::move(**in_file);
    }
  }
  return EnvLookup([values, env](std::string_view name) -> std::optional<std::string> {
    if (find_setting(name) == nullptr) return env(name);
    auto it = values->find(std::string(name));
    if (it == values->end() || it->second.empty()) return std::nullopt;
    return it->second;
  });
}

}  // namespace linkgate::server
