// The packaged environment files generated from the settings table (server/setting_env_file.hpp).
#include "server/setting_env_file.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "server/setting_table.hpp"

namespace linkgate::server {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

int count_setting_lines(const std::vector<std::string>& lines, const std::string& name) {
  int count = 0;
  for (const std::string& line : lines) {
    if (line.starts_with("#" + name + "=")) ++count;
  }
  return count;
}

TEST(SettingEnvFile, EverySettingIsListedOnceInTheFileOfItsKind) {
  const auto settings = lines_of(settings_env_file(EnvFileKind::settings));
  const auto secrets = lines_of(settings_env_file(EnvFileKind::secrets));
  for (const SettingSpec& spec : setting_table()) {
    const std::string name = std::string(spec.name) + (spec.numbered_to > 0 ? "1" : "");
    EXPECT_EQ(count_setting_lines(spec.secret ? secrets : settings, name), 1) << name;
    EXPECT_EQ(count_setting_lines(spec.secret ? settings : secrets, name), 0) << name;
  }
}

TEST(SettingEnvFile, SetsNothingAndShowsDefaults) {
  for (EnvFileKind kind : {EnvFileKind::settings, EnvFileKind::secrets}) {
    for (const std::string& line : lines_of(settings_env_file(kind))) {
      EXPECT_TRUE(line.empty() || line.starts_with("#")) << line;
      // Comment lines are wrapped; a commented-out NAME=value line is what it is.
      if (line.find('=') == std::string::npos || line.find(' ') != std::string::npos) {
        EXPECT_LE(line.size(), 100u) << line;
      }
    }
  }
  const std::string settings = settings_env_file(EnvFileKind::settings);
  EXPECT_NE(settings.find("\n#PORT=3000\n"), std::string::npos);
  EXPECT_NE(settings.find("Default: 3000; allowed: a whole number"), std::string::npos);
}

TEST(SettingEnvFile, SecretsNameTheirFileVariant) {
  const std::string secrets = settings_env_file(EnvFileKind::secrets);
  EXPECT_NE(secrets.find("AUTH_SECRET_FILE=/path/to/file"), std::string::npos);
  EXPECT_NE(secrets.find("\n#AUTH_SECRET=\n"), std::string::npos);
  EXPECT_EQ(settings_env_file(EnvFileKind::settings).find("#AUTH_SECRET="), std::string::npos);
}

}  // namespace
}  // namespace linkgate::server
