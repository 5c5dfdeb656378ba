// The Standard Webhooks signature (server/webhook_signature.hpp). The expected values were made
// by the scheme's reference implementation (npm standardwebhooks 1.1.1, Webhook.sign), not by
// linkgate's code.
#include "server/webhook_signature.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "server/webhook_settings.hpp"

namespace linkgate::server {
namespace {

std::string header(const std::vector<std::pair<std::string, std::string>>& headers,
                   std::string_view name) {
  for (const auto& [key, value] : headers)
    if (key == name) return value;
  return "<missing>";
}

std::string key_of(std::string_view secret) {
  auto key = decode_webhook_secret(secret);
  EXPECT_TRUE(key.has_value()) << secret;
  return key.value_or("");
}

TEST(WebhookSignature, MatchesTheReferenceImplementation) {
  const auto headers =
      webhook_headers("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})",
                      {key_of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")});
  EXPECT_EQ(header(headers, "webhook-id"), "msg_p5jXN8AQM9LWM0D4loKWxJek");
  EXPECT_EQ(header(headers, "webhook-timestamp"), "1614265330");
  EXPECT_EQ(header(headers, "webhook-signature"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSignature, SignsWithEveryKeyInOrderForRotation) {
  const auto headers =
      webhook_headers("evt_1", 1700000000, R"({"type":"user.created"})",
                      {key_of("whsec_BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="),
                       key_of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")});
  const std::string signatures = header(headers, "webhook-signature");
  ASSERT_EQ(signatures.rfind("v1,JxZ3cpzL3NKeRczrZEBzrQxU9Hk4ZBdEc8dyxA2Gyus= v1,", 0), 0u)
      << signatures;
  EXPECT_EQ(std::count(signatures.begin(), signatures.end(), ' '), 1);
}

TEST(WebhookBody, CarriesTypeTimestampAndTheStoredData) {
  const auto body = boost::json::parse(
      webhook_body("session.created", "2026-12-04T07:00:00.000Z", R"({"user":{"id":"u1"}})"));
  EXPECT_EQ(body.at("type"), "session.created");
  EXPECT_EQ(body.at("timestamp"), "2026-12-04T07:00:00.000Z");
  EXPECT_EQ(body.at("data").at("user").at("id"), "u1");
}

TEST(WebhookBody, DataThatIsNotAnObjectIsSentAsEmpty) {
  for (std::string_view data : {"", "[1]", "not json", "\"text\""}) {
    const auto body = boost::json::parse(webhook_body("user.created", "t", data));
    EXPECT_TRUE(body.at("data").is_object()) << data;
    EXPECT_TRUE(body.at("data").as_object().empty()) << data;
  }
}

}  // namespace
}  // namespace linkgate::server
