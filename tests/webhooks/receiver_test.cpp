// The test receiver itself (tests/webhooks/receiver.mjs, verifying with npm standardwebhooks):
// it accepts a delivery signed for each of its secrets and records it, and refuses one whose
// signature does not verify. The webhook delivery tests rely on it. It fails, never skips, when
// node or tests/webhooks/node_modules is missing (`make webhooks-deps`).
#include <gtest/gtest.h>

#include <ctime>
#include <string>

#include "server/webhook_settings.hpp"
#include "server/webhook_signature.hpp"
#include "support/http_client.hpp"
#include "support/webhook_receiver.hpp"

namespace linkgate::testing {
namespace {

const std::string kSecretA = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const std::string kSecretB = "whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=";

std::string key_of(const std::string& secret) {
  return server::decode_webhook_secret(secret).value_or("");
}

HttpResponse deliver(const WebhookReceiver& receiver, const std::string& id,
                     const std::vector<std::string>& keys) {
  const std::string body =
      server::webhook_body("user.created", "2026-12-04T08:00:00.000Z", R"({"user":{"id":"u1"}})");
  auto headers = server::webhook_headers(id, std::time(nullptr), body, keys);
  headers.emplace_back("content-type", "application/json");
  TestClient client("127.0.0.1", receiver.port());
  return client.request("POST", "/webhooks", body, headers);
}

TEST(WebhookReceiver, VerifiesEverySecretOfARotationAndRefusesABadSignature) {
  WebhookReceiver receiver(kSecretA + " " + kSecretB);
  ASSERT_EQ(receiver.error(), "");

  EXPECT_EQ(deliver(receiver, "msg_both", {key_of(kSecretA), key_of(kSecretB)}).status, 204);
  // Signed with only one of the two secrets: the receiver checks each, so this fails.
  EXPECT_EQ(deliver(receiver, "msg_one", {key_of(kSecretA)}).status, 400);
  EXPECT_EQ(deliver(receiver, "msg_wrong", {std::string(32, 'x')}).status, 400);

  const auto got = receiver.wait_for(3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].id, "msg_both");
  EXPECT_TRUE(got[0].verified);
  EXPECT_EQ(got[0].type, "user.created");
  EXPECT_EQ(got[0].timestamp, "2026-12-04T08:00:00.000Z");
  EXPECT_EQ(got[0].data.at("user").at("id").as_string(), "u1");
  EXPECT_FALSE(got[1].verified);
  EXPECT_FALSE(got[2].verified);
}

}  // namespace
}  // namespace linkgate::testing
