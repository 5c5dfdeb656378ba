// LINKGATE_WEBHOOK_URL, LINKGATE_WEBHOOK_SECRET and LINKGATE_WEBHOOK_EVENTS
// (server/webhook_settings.hpp): the Standard Webhooks secret form, rotation, the event list, and
// the production rule for URLs.
#include "server/webhook_settings.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "crypto/encoding.hpp"

namespace linkgate::server {
namespace {

using Env = std::map<std::string, std::string>;

Result<WebhookSettings> read(const Env& values, bool production = false) {
  return read_webhook_settings(
      [&](std::string_view name) -> std::optional<std::string> {
        auto it = values.find(std::string(name));
        if (it == values.end()) return std::nullopt;
        return it->second;
      },
      production);
}

const std::string kKey(32, 'k');
const std::string kSecret = "whsec_" + crypto::base64_encode(kKey);

TEST(WebhookSettings, NoUrlMeansNoEvents) {
  auto s = read({{"LINKGATE_WEBHOOK_SECRET", kSecret}});
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->url.empty());
  EXPECT_TRUE(s->events.empty());
}

TEST(WebhookSettings, UrlAndSecretTurnEveryEventOn) {
  auto s = read({{"LINKGATE_WEBHOOK_URL", "http://127.0.0.1:9000/hook"},
                 {"LINKGATE_WEBHOOK_SECRET", kSecret}});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->events, webhook_event_types());
  ASSERT_EQ(s->keys.size(), 1u);
  EXPECT_EQ(s->keys[0], kKey);
}

TEST(WebhookSettings, SeveralSecretsAreAllKept) {
  const std::string older = "whsec_" + crypto::base64_encode(std::string(24, 'o'));
  auto s = read({{"LINKGATE_WEBHOOK_URL", "https://app.example/hook"},
                 {"LINKGATE_WEBHOOK_SECRET", kSecret + "  " + older}});
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->keys.size(), 2u);
  EXPECT_EQ(s->keys[1], std::string(24, 'o'));
}

TEST(WebhookSettings, BadSecretsAreRefused) {
  for (const std::string& bad :
       {std::string(), std::string("abc"), "whsec_" + crypto::base64_encode(std::string(23, 'x')),
        "whsec_" + crypto::base64_encode(std::string(65, 'x')), std::string("whsec_!!!!"),
        crypto::base64_encode(kKey)}) {
    Env env{{"LINKGATE_WEBHOOK_URL", "https://app.example/hook"}};
    if (!bad.empty()) env["LINKGATE_WEBHOOK_SECRET"] = bad;
    auto s = read(env);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.error().message.find("LINKGATE_WEBHOOK_SECRET"), std::string::npos);
  }
}

TEST(WebhookSettings, EventsNarrowTheList) {
  auto s = read({{"LINKGATE_WEBHOOK_URL", "https://app.example/hook"},
                 {"LINKGATE_WEBHOOK_SECRET", kSecret},
                 {"LINKGATE_WEBHOOK_EVENTS", "user.created, session.deleted"}});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->events, (std::vector<std::string>{"user.created", "session.deleted"}));
  auto unknown = read({{"LINKGATE_WEBHOOK_URL", "https://app.example/hook"},
                       {"LINKGATE_WEBHOOK_SECRET", kSecret},
                       {"LINKGATE_WEBHOOK_EVENTS", "user.deleted"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("user.deleted"), std::string::npos);
}

TEST(WebhookSettings, ProductionWantsHttpsOrLoopback) {
  EXPECT_TRUE(allowed_hook_url("https://app.example/hook", true));
  EXPECT_TRUE(allowed_hook_url("http://127.0.0.1:8080/hook", true));
  EXPECT_TRUE(allowed_hook_url("http://localhost/hook", true));
  EXPECT_TRUE(allowed_hook_url("http://[::1]:81/hook", true));
  EXPECT_FALSE(allowed_hook_url("http://app.example/hook", true));
  EXPECT_TRUE(allowed_hook_url("http://app.example/hook", false));
  EXPECT_FALSE(allowed_hook_url("ftp://app.example/hook", false));
  EXPECT_FALSE(allowed_hook_url("/hook", false));
  auto refused = read(
      {{"LINKGATE_WEBHOOK_URL", "http://app.example/hook"}, {"LINKGATE_WEBHOOK_SECRET", kSecret}},
      true);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("https"), std::string::npos);
}

TEST(WebhookSettings, MadeSecretsDecodeTo32Bytes) {
  const std::string a = make_webhook_secret(), b = make_webhook_secret();
  EXPECT_NE(a, b);
  auto key = decode_webhook_secret(a);
  ASSERT_TRUE(key.has_value()) << a;
  EXPECT_EQ(key->size(), 32u);
}

TEST(WebhookSettings, TheSenderDefaultsAreTheDocumentedOnes) {
  auto s = read({{"LINKGATE_WEBHOOK_URL", "https://app.example/hooks"},
                 {"LINKGATE_WEBHOOK_SECRET", kSecret}});
  ASSERT_TRUE(s.ok()) << s.error().message;
  using namespace std::chrono_literals;
  EXPECT_EQ(s->retry_schedule,
            (std::vector<std::chrono::milliseconds>{5s, 5min, 30min, 2h, 5h, 10h}));
  EXPECT_EQ(s->timeout, 10s);
  EXPECT_EQ(s->poll_interval, 1s);
  EXPECT_EQ(s->concurrency, 4);
}

TEST(WebhookSettings, RetryScheduleTakesWaitsWithUnits) {
  using namespace std::chrono_literals;
  EXPECT_EQ(parse_retry_schedule("100ms, 2s 3m,1h"),
            (std::vector<std::chrono::milliseconds>{100ms, 2s, 3min, 1h}));
  for (const char* bad : {"", "5", "5d", "s", "5s,,x", "5ms", "25h", "-1s", "1.5s"}) {
    EXPECT_FALSE(parse_retry_schedule(bad).has_value()) << bad;
  }
  std::string too_many;
  for (int i = 0; i < 21; ++i) too_many += "1s,";
  EXPECT_FALSE(parse_retry_schedule(too_many).has_value());  // at most 20 waits
  auto refused = read({{"LINKGATE_WEBHOOK_URL", "https://app.example/hooks"},
                       {"LINKGATE_WEBHOOK_SECRET", kSecret},
                       {"LINKGATE_WEBHOOK_RETRY_SCHEDULE", "soon"}});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("LINKGATE_WEBHOOK_RETRY_SCHEDULE"), std::string::npos);
}

}  // namespace
}  // namespace linkgate::server
