// The settings table and its readers (server/setting_table.hpp, server/settings.hpp): every bad
// value is one line naming the variable, the value (secrets masked) and what is allowed; unknown
// variables get the closest known name; production's refusals.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "server/setting_table.hpp"
#include "server/settings.hpp"

namespace linkgate::server {
namespace {

EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

std::string error_of(std::map<std::string, std::string> values) {
  auto settings = read_settings(env_of(std::move(values)));
  return settings ? std::string("(no error)") : settings.error().message;
}

// A production environment that starts; each test takes one thing away.
std::map<std::string, std::string> production() {
  return {{"LINKGATE_ENV", "production"},
          {"AUTH_URL", "https://auth.example.com/api/auth"},
          {"AUTH_SECRET", "0123456789abcdef0123456789abcdef"},
          {"EMAIL_FROM", "Example <no-reply@example.com>"},
          {"AUTH_POSTMARK_KEY", "postmark-key"}};
}

TEST(SettingTable, EveryNameIsUniqueAndEveryRowIsDocumented) {
  std::set<std::string> seen;
  for (const SettingSpec& spec : setting_table()) {
    EXPECT_TRUE(seen.insert(std::string(spec.name)).second) << spec.name;
    EXPECT_FALSE(spec.help.empty()) << spec.name;
    EXPECT_FALSE(spec.default_doc.empty()) << spec.name;
    EXPECT_FALSE(spec.group.empty()) << spec.name;
    if (spec.type == SettingType::integer) {
      EXPECT_LT(spec.min, spec.max) << spec.name;
    }
    if (spec.type == SettingType::choice) {
      EXPECT_FALSE(spec.choices.empty()) << spec.name;
    }
  }
}

TEST(SettingTable, DefaultsComeFromTheTable) {
  auto settings = read_settings(env_of({}));
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_EQ(settings->port, 3000);
  EXPECT_EQ(settings->database_pool_size, 16);
  EXPECT_EQ(settings->log_level, "info");
  EXPECT_EQ(settings->email.retry_max_tries, 4);
  EXPECT_EQ(settings->redemption.code_digits, 6);
  EXPECT_EQ(settings->session_max_age, std::chrono::seconds(2592000));
  EXPECT_EQ(settings->email_from, "linkgate <no-reply@localhost>");
  EXPECT_TRUE(settings->store_fibers);
  EXPECT_TRUE(settings->trust_host);
  EXPECT_TRUE(settings->outbox);
}

TEST(SettingTable, ValuesAreReadInCanonicalForm) {
  auto settings = read_settings(env_of({{"AUTH_SESSION_STRATEGY", "JWT"},
                                        {"LINKGATE_LOG_LEVEL", "Warn"},
                                        {"AUTH_MAILGUN_KEY", "k"},
                                        {"AUTH_MAILGUN_REGION", "eu"},
                                        {"EMAIL_FROM", "a@example.com"},
                                        {"LINKGATE_CONFIRM", "yes"},
                                        {"PORT", "0"}}));
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_EQ(settings->session_strategy, SessionStrategy::jwt);
  EXPECT_EQ(settings->log_level, "warn");
  EXPECT_EQ(settings->email.providers.at(0).region, "EU");
  EXPECT_TRUE(settings->redemption.confirm);
  EXPECT_EQ(settings->port, 0);
}

TEST(SettingTable, AnUnknownLogLevelIsRefusedNamingTheChoices) {
  EXPECT_EQ(error_of({{"LINKGATE_LOG_LEVEL", "verbose"}}),
            "LINKGATE_LOG_LEVEL=\"verbose\" is not allowed: one of debug, info, warn, error");
}

TEST(SettingTable, EveryKindOfBadValueIsOneLineNamingVariableValueAndAllowed) {
  const std::map<std::string, std::string> cases = {
      {"PORT", "70000"},
      {"DATABASE_POOL_SIZE", "many"},
      {"LINKGATE_STORE_FIBERS", "maybe"},
      {"AUTH_SESSION_STRATEGY", "cookie"},
      {"AUTH_URL", "ftp://example.com"},
      {"LINKGATE_RATE_LIMIT_IP", "5/forever"},
      {"LINKGATE_ALLOWED_DOMAINS", "a@b"},
      {"LINKGATE_TRUSTED_PROXIES", "not-an-address"},
      {"LINKGATE_CODE_DIGITS", "4"},
      {"EMAIL_FROM", "a\nb"},
  };
  for (const auto& [name, value] : cases) {
    const std::string message = error_of({{name, value}});
    EXPECT_EQ(message.rfind(name + "=", 0), 0u) << message;
    EXPECT_NE(message.find(" is not allowed: "), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    if (value.find('\n') == std::string::npos) {
      EXPECT_NE(message.find("\"" + value + "\""), std::string::npos) << message;
    }
  }
  EXPECT_EQ(error_of({{"PORT", "70000"}}),
            "PORT=\"70000\" is not allowed: a whole number from 0 to 65535");
}

TEST(SettingTable, SecretsAreMaskedInErrors) {
  const std::string smtp = error_of({{"EMAIL_SERVER", "smtp://user:hunter2-password@"}});
  EXPECT_EQ(smtp.find("hunter2"), std::string::npos) << smtp;
  EXPECT_NE(smtp.find("EMAIL_SERVER=(secret, "), std::string::npos) << smtp;
  auto env = production();
  env["AUTH_SECRET"] = "short-secret";
  const std::string secret = error_of(env);
  EXPECT_EQ(secret.find("short-secret"), std::string::npos) << secret;
  EXPECT_NE(secret.find("AUTH_SECRET=(secret, 12 bytes) is not allowed: at least 32 bytes"),
            std::string::npos)
      << secret;
}

TEST(SettingTable, ProductionStartsWhenComplete) {
  auto settings = read_settings(env_of(production()));
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_TRUE(settings->production);
  EXPECT_FALSE(settings->outbox);
}

TEST(SettingTable, ProductionRefusesWhatIsMissingOrUnsafe) {
  auto no_url = production();
  no_url.erase("AUTH_URL");
  EXPECT_NE(error_of(no_url).find("AUTH_URL is not set"), std::string::npos) << error_of(no_url);
  no_url["AUTH_TRUST_HOST"] = "true";
  EXPECT_EQ(error_of(no_url), "(no error)");

  auto default_from = production();
  default_from.erase("EMAIL_FROM");
  EXPECT_EQ(error_of(default_from).rfind("EMAIL_FROM=\"linkgate <no-reply@localhost>\"", 0), 0u)
      << error_of(default_from);

  auto no_provider = production();
  no_provider.erase("AUTH_POSTMARK_KEY");
  EXPECT_NE(error_of(no_provider).find("dev outbox is refused in production"), std::string::npos);
  no_provider["LINKGATE_OUTBOX"] = "false";
  EXPECT_NE(error_of(no_provider).find("no email provider is set"), std::string::npos);
}

TEST(SettingTable, NumberedSecretsAreOneRow) {
  EXPECT_NE(find_setting("AUTH_SECRET_1"), nullptr);
  EXPECT_NE(find_setting("AUTH_SECRET_9"), nullptr);
  EXPECT_EQ(find_setting("AUTH_SECRET_10"), nullptr);
  EXPECT_EQ(find_setting("AUTH_SECRET_01"), nullptr);
  EXPECT_EQ(find_setting("AUTH_SECRET_1"), find_setting("AUTH_SECRET_2"));
  auto settings = read_settings(env_of({{"AUTH_SECRET", "new"}, {"AUTH_SECRET_2", "old"}}));
  ASSERT_TRUE(settings);
  EXPECT_EQ(settings->secrets, (std::vector<std::string>{"new", "old"}));
}

TEST(SettingTable, UnknownVariablesGetTheClosestKnownName) {
  auto warnings = unknown_setting_warnings(
      {"AUTH_SECERT", "LINKGATE_LOG_LEVL", "EMAIL_FORM", "AUTH_SECRET", "PATH", "HOME"});
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_EQ(warnings[0], "unknown setting AUTH_SECERT is ignored (did you mean AUTH_SECRET?)");
  EXPECT_EQ(warnings[1],
            "unknown setting LINKGATE_LOG_LEVL is ignored (did you mean LINKGATE_LOG_LEVEL?)");
  EXPECT_EQ(warnings[2], "unknown setting EMAIL_FORM is ignored (did you mean EMAIL_FROM?)");
}

TEST(SettingTable, MarkdownHasOneRowPerSetting) {
  const std::string markdown = settings_markdown();
  std::size_t rows = 0;
  for (char c : markdown) rows += c == '\n';
  EXPECT_EQ(rows, setting_table().size() + 2);
  EXPECT_NE(markdown.find("| `AUTH_SECRET_1` … `AUTH_SECRET_9` |"), std::string::npos);
}

}  // namespace
}  // namespace linkgate::server
