// LINKGATE_HOOK_* (server/hook_settings.hpp) and the sign-in hook's answers
// (server/sign_in_hook_client.hpp): which secret signs, the startup errors, the production rule
// for URLs, and which answers are decisions.
#include "server/hook_settings.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "crypto/encoding.hpp"
#include "server/sign_in_hook_client.hpp"

namespace linkgate::server {
namespace {

using Env = std::map<std::string, std::string>;

Result<HookSettings> read(const Env& values, bool production = false) {
  return read_hook_settings(
      [&](std::string_view name) -> std::optional<std::string> {
        auto it = values.find(std::string(name));
        if (it == values.end()) return std::nullopt;
        return it->second;
      },
      production);
}

const std::string kHookKey(32, 'h');
const std::string kHookSecret = "whsec_" + crypto::base64_encode(kHookKey);
const std::string kEventKey(24, 'e');
const std::string kEventSecret = "whsec_" + crypto::base64_encode(kEventKey);

TEST(HookSettings, DefaultsWithoutHooks) {
  auto s = read({});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_TRUE(s->sign_in_url.empty());
  EXPECT_TRUE(s->send_email_url.empty());
  EXPECT_TRUE(s->keys.empty());
  EXPECT_EQ(s->timeout.count(), 2000);
  EXPECT_FALSE(s->fail_open);
}

TEST(HookSettings, TheHookSecretSignsAndWinsOverTheWebhookSecret) {
  auto s = read({{"LINKGATE_HOOK_SIGN_IN_URL", "http://127.0.0.1:9/decide"},
                 {"LINKGATE_HOOK_SECRET", kHookSecret + " " + kEventSecret},
                 {"LINKGATE_WEBHOOK_SECRET", kEventSecret},
                 {"LINKGATE_HOOK_TIMEOUT_MS", "350"},
                 {"LINKGATE_HOOK_FAIL_OPEN", "true"}});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->sign_in_url, "http://127.0.0.1:9/decide");
  EXPECT_EQ(s->keys, (std::vector<std::string>{kHookKey, kEventKey}));
  EXPECT_EQ(s->timeout.count(), 350);
  EXPECT_TRUE(s->fail_open);
}

TEST(HookSettings, WithoutAHookSecretTheWebhookSecretSigns) {
  auto s = read({{"LINKGATE_HOOK_SEND_EMAIL_URL", "https://app.example.com/send"},
                 {"LINKGATE_WEBHOOK_SECRET", kEventSecret}});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->keys, std::vector<std::string>{kEventKey});
}

TEST(HookSettings, AHookUrlWithoutAnySecretIsAStartupErrorNamingTheSettings) {
  for (const char* name : {"LINKGATE_HOOK_SIGN_IN_URL", "LINKGATE_HOOK_SEND_EMAIL_URL"}) {
    auto s = read({{name, "http://127.0.0.1:9/hook"}});
    ASSERT_FALSE(s.ok()) << name;
    EXPECT_EQ(s.error().kind, "configuration");
    EXPECT_NE(s.error().message.find(name), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find("LINKGATE_HOOK_SECRET"), std::string::npos);
  }
}

TEST(HookSettings, AMalformedSecretIsNamedAndNotEchoed) {
  auto s = read({{"LINKGATE_HOOK_SIGN_IN_URL", "http://127.0.0.1:9/hook"},
                 {"LINKGATE_HOOK_SECRET", "whsec_dG9vLXNob3J0"}});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("LINKGATE_HOOK_SECRET"), std::string::npos);
  EXPECT_EQ(s.error().message.find("dG9vLXNob3J0"), std::string::npos);
}

TEST(HookSettings, ProductionWantsHttpsOrLoopback) {
  const Env secret{{"LINKGATE_HOOK_SECRET", kHookSecret}};
  for (const char* name : {"LINKGATE_HOOK_SIGN_IN_URL", "LINKGATE_HOOK_SEND_EMAIL_URL"}) {
    Env env = secret;
    env[name] = "http://app.example.com/hook";
    auto refused = read(env, true);
    ASSERT_FALSE(refused.ok()) << name;
    EXPECT_NE(refused.error().message.find(name), std::string::npos);
    EXPECT_NE(refused.error().message.find("https"), std::string::npos);
    EXPECT_TRUE(read(env, false).ok()) << "outside production http is fine";
    for (const char* allowed : {"https://app.example.com/hook", "http://127.0.0.1:8080/hook",
                                "http://[::1]:8080/h", "http://localhost:8080/hook"}) {
      env[name] = allowed;
      EXPECT_TRUE(read(env, true).ok()) << allowed;
    }
    env[name] = "ftp://app.example.com/hook";
    EXPECT_FALSE(read(env, false).ok());
  }
}

TEST(SignInHookAnswer, AllowAndDeny) {
  auto allow = read_sign_in_hook_answer(200, R"({"allow": true})");
  ASSERT_TRUE(allow.ok());
  EXPECT_EQ(allow->kind(), SignInDecision::Kind::allow);
  auto deny = read_sign_in_hook_answer(200, R"({"allow": false, "reason": "banned"})");
  ASSERT_TRUE(deny.ok());
  EXPECT_EQ(deny->kind(), SignInDecision::Kind::deny);
  auto no_content_type_matters = read_sign_in_hook_answer(204, R"({"allow":true,"redirect":null})");
  ASSERT_TRUE(no_content_type_matters.ok());
  EXPECT_EQ(no_content_type_matters->kind(), SignInDecision::Kind::allow);
}

TEST(SignInHookAnswer, DenyWithRedirect) {
  auto r = read_sign_in_hook_answer(200, R"({"allow": false, "redirect": "/blocked?x=1"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind(), SignInDecision::Kind::redirect);
  EXPECT_EQ(r->url(), "/blocked?x=1");
}

TEST(SignInHookAnswer, AnythingElseIsNoDecisionAndSaysWhy) {
  const std::pair<long, const char*> cases[] = {
      {500, R"({"allow": true})"},
      {302, R"({"allow": true})"},
      {404, ""},
      {200, ""},
      {200, "allow"},
      {200, "[true]"},
      {200, R"({"allow": "true"})"},
      {200, R"({"allowed": true})"},
      {200, R"({"allow": 1})"},
      {200, R"({"allow": true, "redirect": "/x"})"},
      {200, R"({"allow": false, "redirect": ""})"},
      {200, R"({"allow": false, "redirect": 7})"},
      {200, R"({"allow": true} trailing)"},
  };
  for (const auto& [status, body] : cases) {
    auto r = read_sign_in_hook_answer(status, body);
    ASSERT_FALSE(r.ok()) << status << " " << body;
    EXPECT_EQ(r.error().kind, "hook");
    EXPECT_FALSE(r.error().message.empty());
  }
  EXPECT_NE(read_sign_in_hook_answer(302, "").error().message.find("redirects are not followed"),
            std::string::npos);
  EXPECT_NE(read_sign_in_hook_answer(500, "").error().message.find("HTTP 500"), std::string::npos);
}

}  // namespace
}  // namespace linkgate::server
