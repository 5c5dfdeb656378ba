#include "server/setting_env_file.hpp"

#include <string_view>

#include "server/setting_table.hpp"

namespace linkgate::server {
namespace {

constexpr std::size_t kWidth = 100;

// Markdown as plain text: backticks dropped.
std::string plain(std::string_view markdown) {
  std::string out;
  for (char c : markdown) {
    if (c != '`') out += c;
  }
  return out;
}

// `text` as "# " comment lines of at most kWidth characters, broken at spaces.
std::string comment(const std::string& text) {
  std::string out;
  std::string line = "#";
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view word(text.data() + start, end - start);
    if (line.size() > 1 && line.size() + 1 + word.size() > kWidth) {
      out += line + "\n";
      line = "#";
    }
    line.append(" ").append(word);
    start = end + 1;
  }
  return out + line + "\n";
}

constexpr std::string_view kSettingsHeader =
    "# linkgate's settings, one VARIABLE=value per line (systemd's EnvironmentFile= reads this "
    "file, then secrets.env; a later file wins). Every setting is listed, commented out, with "
    "its default; uncomment and set the ones you need. `linkgate settings` explains each, and "
    "`linkgate check` validates them. Put secrets in secrets.env, never here.";
constexpr std::string_view kSecretsHeader =
    "# linkgate's secrets, one VARIABLE=value per line: keep this file readable by root only "
    "(mode 0600; systemd reads it before it starts linkgate). Each secret may instead be given "
    "as NAME_FILE, the path of a file holding it (Docker's and systemd's credentials).";

}  // namespace

std::string settings_env_file(EnvFileKind kind) {
  const bool secrets = kind == EnvFileKind::secrets;
  std::string out = comment(plain(secrets ? kSecretsHeader : kSettingsHeader).substr(2));
  std::string_view group;
  for (const SettingSpec& spec : setting_table()) {
    if (spec.secret != secrets) continue;
    if (spec.group != group) {
      group = spec.group;
      out += "\n# ---- " + std::string(group) + " ----\n";
    }
    std::string name(spec.name);
    if (spec.numbered_to > 0) name += "1";
    std::string about = name;
    if (spec.numbered_to > 0) {
      about.append(" … ").append(spec.name).append(std::to_string(spec.numbered_to));
    }
    about.append(": ")
        .append(plain(spec.help))
        .append(". Default: ")
        .append(plain(spec.default_doc));
    if (spec.type != SettingType::text)
      about.append("; allowed: ").append(setting_allowed_text(spec));
    if (spec.secret) about.append(". Or ").append(name).append("_FILE=/path/to/file");
    out += "\n" + comment(about) + "#" + name + "=" + std::string(spec.default_value) + "\n";
  }
  return out;
}

}  // namespace linkgate::server
