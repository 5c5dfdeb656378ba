// Where settings come from (server/setting_sources.hpp): the environment wins over the config
// file, secrets from NAME_FILE (one trailing newline trimmed; NAME and NAME_FILE together are an
// error), unknown config keys named with the closest setting.
#include "server/setting_sources.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "support/test_env.hpp"

namespace linkgate::server {
namespace {

EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

class SettingSources : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "settings-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(SettingSources, TheEnvironmentWinsOverTheFile) {
  auto file = read_config_file(write("a.toml",
                                     "PORT = 4000\n"
                                     "LINKGATE_LOG_LEVEL = \"debug\"\n"
                                     "LINKGATE_CONFIRM = true\n"));
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_TRUE(file->warnings.empty());
  auto env = resolve_settings(env_of({{"PORT", "5000"}, {"NODE_ENV", "test"}}), *file);
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ((*env)("PORT"), "5000");
  EXPECT_EQ((*env)("LINKGATE_LOG_LEVEL"), "debug");
  EXPECT_EQ((*env)("LINKGATE_CONFIRM"), "true");
  EXPECT_EQ((*env)("NODE_ENV"), "test");  // outside the table: the environment's
  EXPECT_EQ((*env)("AUTH_URL"), std::nullopt);
}

TEST_F(SettingSources, UnknownKeysAreWarnedWithTheClosestSetting) {
  auto file = read_config_file(write("a.toml", "AUTH_SECERT_FILE = \"/x\"\nPROT = 1\n"));
  ASSERT_TRUE(file) << file.error().message;
  ASSERT_EQ(file->warnings.size(), 2u);
  EXPECT_NE(file->warnings[0].find("unknown setting AUTH_SECERT_FILE is ignored (did you mean "
                                   "AUTH_SECRET_FILE?)"),
            std::string::npos)
      << file->warnings[0];
  EXPECT_NE(file->warnings[1].find("(did you mean PORT?)"), std::string::npos);
}

TEST_F(SettingSources, BadFilesAreErrorsNamingTheFileAndLine) {
  auto syntax = read_config_file(write("bad.toml", "PORT = 1\nAUTH_URL = \n"));
  ASSERT_FALSE(syntax);
  EXPECT_NE(syntax.error().message.find("bad.toml:2:"), std::string::npos)
      << syntax.error().message;
  auto table = read_config_file(write("table.toml", "PORT = [1, 2]\n"));
  ASSERT_FALSE(table);
  EXPECT_NE(table.error().message.find("PORT must be a string, a whole number or true/false"),
            std::string::npos);
  EXPECT_FALSE(read_config_file((dir_ / "missing.toml").string()));
}

TEST_F(SettingSources, SecretsFromFilesLoseOneTrailingNewline) {
  const std::string secret = write("secret", "0123456789abcdef0123456789abcdef\n");
  const std::string key = write("key", "postmark-key\r\n");
  const std::string two = write("two", "line\n\n");
  auto env = resolve_settings(env_of({{"AUTH_SECRET_FILE", secret},
                                      {"AUTH_POSTMARK_KEY_FILE", key},
                                      {"AUTH_SECRET_1_FILE", two}}),
                              {});
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ((*env)("AUTH_SECRET"), "0123456789abcdef0123456789abcdef");
  EXPECT_EQ((*env)("AUTH_POSTMARK_KEY"), "postmark-key");
  EXPECT_EQ((*env)("AUTH_SECRET_1"), "line\n");
}

TEST_F(SettingSources, EverySecretHasAFileVariant) {
  for (const SettingSpec& spec : setting_table()) {
    if (!spec.secret) continue;
    for (const std::string& name : setting_names(spec)) {
      const std::string path = write(name, "value-of-" + name + "\n");
      auto env = resolve_settings(env_of({{name + "_FILE", path}}), {});
      ASSERT_TRUE(env) << env.error().message;
      EXPECT_EQ((*env)(name), "value-of-" + name);
    }
  }
  for (const char* name : {"AUTH_SECRET", "DATABASE_URL", "EMAIL_SERVER", "AUTH_RESEND_KEY"}) {
    EXPECT_TRUE(find_setting(name)->secret) << name;
  }
}

TEST_F(SettingSources, BothAValueAndAFileIsAnError) {
  const std::string secret = write("secret", "from-file-secret-value\n");
  auto env = resolve_settings(
      env_of({{"AUTH_SECRET", "from-env-secret-value"}, {"AUTH_SECRET_FILE", secret}}), {});
  ASSERT_FALSE(env);
  EXPECT_EQ(env.error().message,
            "AUTH_SECRET and AUTH_SECRET_FILE are both set in the environment: set only one");
  // In different sources, the environment's wins.
  auto file = read_config_file(write("a.toml", "AUTH_SECRET_FILE = \"" + secret + "\"\n"));
  ASSERT_TRUE(file);
  auto mixed = resolve_settings(env_of({{"AUTH_SECRET", "from-env-secret-value"}}), *file);
  ASSERT_TRUE(mixed) << mixed.error().message;
  EXPECT_EQ((*mixed)("AUTH_SECRET"), "from-env-secret-value");
  auto from_file = resolve_settings(env_of({}), *file);
  ASSERT_TRUE(from_file);
  EXPECT_EQ((*from_file)("AUTH_SECRET"), "from-file-secret-value");
}

TEST_F(SettingSources, AnUnreadableSecretFileNamesThePath) {
  auto env = resolve_settings(env_of({{"DATABASE_URL_FILE", (dir_ / "nope").string()}}), {});
  ASSERT_FALSE(env);
  EXPECT_EQ(env.error().message.rfind(
                "DATABASE_URL_FILE=" + (dir_ / "nope").string() + ": cannot read", 0),
            0u)
      << env.error().message;
}

TEST_F(SettingSources, TheExampleConfigFileLoadsAsItIs) {
  auto file = read_config_file(testing::source_dir() + "/examples/linkgate.toml");
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_TRUE(file->warnings.empty());
  EXPECT_EQ(file->values.at("LINKGATE_ENV"), "production");
  EXPECT_EQ(file->values.at("LINKGATE_CONFIRM"), "true");
}

}  // namespace
}  // namespace linkgate::server
