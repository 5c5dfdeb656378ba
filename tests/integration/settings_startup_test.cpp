// The built binary's startup checks (server/setting_table.hpp): a bad value stops it with exit
// code 2 and one line naming the variable, the value (secrets masked) and what is allowed; an
// unknown variable is a warning naming the closest setting; production refuses what is missing.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "support/linkgate_process.hpp"
#include "support/test_env.hpp"

namespace linkgate::testing {
namespace {

struct Run {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs `linkgate <arguments>` in a fresh directory with only `env` (and PATH) set.
Run run_linkgate_with(const std::string& arguments, const std::map<std::string, std::string>& env) {
  // Built by appending: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string here.
  std::string command = "cd ";
  command.append(shell_quote(make_temp_dir())).append(" && env -i PATH=/usr/bin:/bin");
  for (const auto& [name, value] : env) command.append(" ").append(shell_quote(name + "=" + value));
  command.append(" ").append(shell_quote(linkgate_binary())).append(" ").append(arguments);
  command.append(" 2>&1");
  Run run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    run.output.append(buffer, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::size_t line_count(const std::string& text) {
  std::size_t lines = 0;
  for (char c : text) lines += c == '\n';
  return lines;
}

TEST(SettingsStartup, AnUnknownLogLevelStopsStartupWithOneLine) {
  auto run = run_linkgate_with("serve", {{"LINKGATE_LOG_LEVEL", "verbose"}, {"PORT", "0"}});
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_EQ(line_count(run.output), 1u) << run.output;
  EXPECT_NE(run.output.find("configuration: LINKGATE_LOG_LEVEL=\"verbose\" is not allowed: one of "
                            "debug, info, warn, error"),
            std::string::npos)
      << run.output;
}

TEST(SettingsStartup, BadValuesOfEachKindStopStartupWithOneLine) {
  for (const auto& [name, value] :
       std::map<std::string, std::string>{{"PORT", "http"},
                                          {"LINKGATE_STORE_FIBERS", "perhaps"},
                                          {"AUTH_THEME_COLOR_SCHEME", "purple"},
                                          {"LINKGATE_RATE_LIMIT_IDENTIFIER", "five"}}) {
    auto run = run_linkgate_with("serve", {{name, value}});
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_EQ(line_count(run.output), 1u) << run.output;
    EXPECT_NE(run.output.find(name + "=\"" + value + "\" is not allowed: "), std::string::npos)
        << run.output;
  }
}

TEST(SettingsStartup, SecretsAreMaskedInTheLine) {
  auto run = run_linkgate_with("serve", {{"EMAIL_SERVER", "smtp://mailer:hunter2-password@"}});
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_EQ(line_count(run.output), 1u) << run.output;
  EXPECT_NE(run.output.find("EMAIL_SERVER=(secret, "), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("hunter2"), std::string::npos) << run.output;

  auto prod = run_linkgate_with("serve", {{"LINKGATE_ENV", "production"},
                                          {"AUTH_URL", "https://auth.example.com/api/auth"},
                                          {"AUTH_SECRET", "tiny-secret-value"},
                                          {"EMAIL_FROM", "Example <no-reply@example.com>"},
                                          {"AUTH_POSTMARK_KEY", "postmark-key"}});
  EXPECT_EQ(prod.exit_code, 2) << prod.output;
  EXPECT_NE(prod.output.find("AUTH_SECRET=(secret, 17 bytes) is not allowed: at least 32 bytes"),
            std::string::npos)
      << prod.output;
  EXPECT_EQ(prod.output.find("tiny-secret-value"), std::string::npos) << prod.output;
}

TEST(SettingsStartup, ProductionRefusesWithoutUrlProviderOrOwnFrom) {
  const std::map<std::string, std::string> complete = {
      {"LINKGATE_ENV", "production"},
      {"AUTH_URL", "https://auth.example.com/api/auth"},
      {"AUTH_SECRET", "0123456789abcdef0123456789abcdef"},
      {"EMAIL_FROM", "Example <no-reply@example.com>"},
      {"AUTH_POSTMARK_KEY", "postmark-key"}};
  const std::map<std::string, std::string> refusals = {
      {"AUTH_URL", "AUTH_URL is not set"},
      {"EMAIL_FROM", "EMAIL_FROM=\"linkgate <no-reply@localhost>\" is not allowed"},
      {"AUTH_POSTMARK_KEY", "the dev outbox is refused in production"},
  };
  for (const auto& [missing, expected] : refusals) {
    auto env = complete;
    env.erase(missing);
    auto run = run_linkgate_with("serve", env);
    EXPECT_EQ(run.exit_code, 2) << missing << ": " << run.output;
    EXPECT_EQ(line_count(run.output), 1u) << run.output;
    EXPECT_NE(run.output.find(expected), std::string::npos) << missing << ": " << run.output;
  }
  // Behind a proxy that sets the host, AUTH_TRUST_HOST=true stands for AUTH_URL.
  auto env = complete;
  env.erase("AUTH_URL");
  env["AUTH_TRUST_HOST"] = "true";
  env["DATABASE_URL"] = "sqlite://" + make_temp_dir() + "/l.db";
  LinkgateProcess served(env, make_temp_dir());
  EXPECT_FALSE(served.failed()) << served.logs();
}

TEST(SettingsStartup, UnknownVariablesAreNamedWithTheClosestSetting) {
  LinkgateProcess served({{"AUTH_SECERT", "misspelled-secret-value"},
                          {"LINKGATE_RATE_LIMIT_IPS", "3/1m"},
                          {"DATABASE_URL", "sqlite://" + make_temp_dir() + "/l.db"}},
                         make_temp_dir());
  ASSERT_FALSE(served.failed()) << served.logs();
  const std::string logs = served.logs();
  EXPECT_NE(logs.find("unknown setting AUTH_SECERT is ignored (did you mean AUTH_SECRET?)"),
            std::string::npos)
      << logs;
  EXPECT_NE(logs.find("unknown setting LINKGATE_RATE_LIMIT_IPS is ignored (did you mean "
                      "LINKGATE_RATE_LIMIT_IP?)"),
            std::string::npos)
      << logs;
  EXPECT_EQ(logs.find("misspelled-secret-value"), std::string::npos) << logs;
}

std::string write_file(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

// examples/linkgate.toml as it is, with its secret files given by the environment (which wins).
TEST(SettingsStartup, TheExampleConfigFileServesWithSecretsFromFiles) {
  const std::string dir = make_temp_dir();
  const std::map<std::string, std::string> env = {
      {"AUTH_SECRET_FILE", write_file(dir + "/auth_secret", "0123456789abcdef0123456789abcdef\n")},
      {"DATABASE_URL_FILE", write_file(dir + "/database_url", "sqlite://" + dir + "/l.db\n")},
      {"AUTH_POSTMARK_KEY_FILE", write_file(dir + "/postmark_key", "postmark-key-from-file\n")},
      {"AUTH_POSTMARK_API_URL", "http://127.0.0.1:9"}};
  const std::string config = source_dir() + "/examples/linkgate.toml";
  LinkgateProcess served(linkgate_binary(), {"serve", "--config", config}, env, dir);
  ASSERT_FALSE(served.failed()) << served.logs();
  const std::string logs = served.logs();
  EXPECT_NE(logs.find("providers: postmark; production mode"), std::string::npos) << logs;
  EXPECT_EQ(logs.find("unknown setting"), std::string::npos) << logs;
  EXPECT_EQ(logs.find("postmark-key-from-file"), std::string::npos) << logs;

  std::string arguments = "check --config " + config;
  auto checked = run_linkgate_with(arguments, env);
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
  EXPECT_NE(checked.output.find("linkgate check: ok"), std::string::npos) << checked.output;
}

TEST(SettingsStartup, TheEnvironmentWinsOverTheConfigFile) {
  const std::string dir = make_temp_dir();
  const std::string config = write_file(dir + "/linkgate.toml",
                                        "LINKGATE_LOG_LEVEL = \"verbose\"\n"
                                        "AUTH_SESSION_STRATEGY = \"jwt\"\n"
                                        "AUTH_SECRET_FILE = \"" +
                                            dir + "/secret\"\n");
  write_file(dir + "/secret", "secret-kept-in-a-file-0123456789abcdef\n");
  auto refused = run_linkgate_with("serve --config " + config, {});
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_EQ(line_count(refused.output), 1u) << refused.output;
  EXPECT_NE(refused.output.find("LINKGATE_LOG_LEVEL=\"verbose\" is not allowed"), std::string::npos)
      << refused.output;

  LinkgateProcess served(
      linkgate_binary(), {"serve", "--config", config},
      {{"LINKGATE_LOG_LEVEL", "info"}, {"DATABASE_URL", "sqlite://" + dir + "/l.db"}}, dir);
  ASSERT_FALSE(served.failed()) << served.logs();
  EXPECT_NE(served.logs().find("session strategy: jwt"), std::string::npos) << served.logs();
}

TEST(SettingsStartup, ASecretSetTwiceOrInAMissingFileStopsStartup) {
  const std::string dir = make_temp_dir();
  auto twice = run_linkgate_with(
      "serve", {{"AUTH_SECRET", "secret-in-the-environment-0123456789"},
                {"AUTH_SECRET_FILE", write_file(dir + "/s", "secret-in-a-file-0123456789\n")}});
  EXPECT_EQ(twice.exit_code, 2) << twice.output;
  EXPECT_NE(twice.output.find("AUTH_SECRET and AUTH_SECRET_FILE are both set"), std::string::npos)
      << twice.output;
  EXPECT_EQ(twice.output.find("0123456789"), std::string::npos) << twice.output;
  auto missing = run_linkgate_with("serve", {{"EMAIL_SERVER_FILE", dir + "/none"}});
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("EMAIL_SERVER_FILE=" + dir + "/none: cannot read"),
            std::string::npos)
      << missing.output;
}

TEST(SettingsStartup, CheckListsEveryProblem) {
  const std::string dir = make_temp_dir();
  auto settings = run_linkgate_with(
      "check", {{"LINKGATE_LOG_LEVEL", "verbose"}, {"PORT", "-1"}, {"LINKGATE_CODE_DIGITS", "3"}});
  EXPECT_EQ(settings.exit_code, 1) << settings.output;
  EXPECT_NE(settings.output.find("problem: PORT=\"-1\" is not allowed"), std::string::npos)
      << settings.output;
  EXPECT_NE(settings.output.find("problem: LINKGATE_LOG_LEVEL=\"verbose\""), std::string::npos);
  EXPECT_NE(settings.output.find("problem: LINKGATE_CODE_DIGITS=\"3\""), std::string::npos);
  EXPECT_NE(settings.output.find("linkgate check: 3 problems"), std::string::npos);

  // An existing database without the schema, and a template directory that is not there.
  sqlite3* old = nullptr;
  ASSERT_EQ(sqlite3_open((dir + "/old.db").c_str(), &old), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(old, "PRAGMA user_version = 1", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(old);
  auto deployment =
      run_linkgate_with("check", {{"DATABASE_URL", "sqlite://" + dir + "/old.db"},
                                  {"LINKGATE_EMAIL_TEMPLATE_DIR", dir + "/no-templates"}});
  EXPECT_EQ(deployment.exit_code, 1) << deployment.output;
  EXPECT_NE(deployment.output.find("problem: database: "), std::string::npos) << deployment.output;
  EXPECT_NE(deployment.output.find("linkgate migrate"), std::string::npos) << deployment.output;
  EXPECT_NE(deployment.output.find("problem: templates: LINKGATE_EMAIL_TEMPLATE_DIR"),
            std::string::npos)
      << deployment.output;
  EXPECT_NE(deployment.output.find("linkgate check: 2 problems"), std::string::npos);

  auto fine = run_linkgate_with("check", {{"DATABASE_URL", "sqlite://" + dir + "/new.db"}});
  EXPECT_EQ(fine.exit_code, 0) << fine.output;
  EXPECT_FALSE(std::filesystem::exists(dir + "/new.db"));  // check creates nothing
}

TEST(SettingsStartup, MigrateReadsDatabaseUrlFile) {
  const std::string dir = make_temp_dir();
  auto run = run_linkgate_with(
      "migrate",
      {{"DATABASE_URL_FILE", write_file(dir + "/database_url", "sqlite://" + dir + "/m.db\n")}});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("applied 0001_schema"), std::string::npos) << run.output;
  EXPECT_TRUE(std::filesystem::exists(dir + "/m.db"));
}

TEST(SettingsStartup, HelpListsTheSettingsFromTheTable) {
  for (const std::string arguments : {"--help", "help", "serve --help"}) {
    auto run = run_linkgate_with(arguments, {});
    EXPECT_EQ(run.exit_code, 0) << arguments << ": " << run.output;
    EXPECT_NE(run.output.find("LINKGATE_LOG_LEVEL"), std::string::npos) << arguments;
    EXPECT_NE(run.output.find("allowed: one of debug, info, warn, error"), std::string::npos)
        << arguments;
    EXPECT_NE(run.output.find("AUTH_SECRET (secret)"), std::string::npos) << arguments;
  }
}

}  // namespace
}  // namespace linkgate::testing
