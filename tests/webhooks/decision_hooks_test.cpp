// The decision hooks against receivers that verify every call with the npm package
// standardwebhooks (the scheme's reference implementation), never with linkgate's code: the
// webhook email provider delivering to tests/webhooks/receiver.mjs (signed with each secret of a
// rotation), and the sign-in hook asking tests/webhooks/sign_in_hook_receiver.mjs at both stages.
// A call signed with a secret the receiver does not hold is refused by it, and linkgate then
// fails (EmailSignin) or refuses (AccessDenied). They fail, never skip, without node or
// tests/webhooks/node_modules (`make webhooks-deps`).
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <map>
#include <memory>
#include <string>

#include "integration/harness.hpp"
#include "support/webhook_receiver.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

const std::string kSecretA = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const std::string kSecretB = "whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=";
const std::string kOtherSecret = "whsec_T3RoZXJPdGhlck90aGVyT3RoZXJPdGhlcjEyMzQ=";

// sign_in_hook_receiver.mjs on a free loopback port, verifying with `secrets`.
class SignInHookReceiver {
 public:
  explicit SignInHookReceiver(const std::string& secrets)
      : process_("/usr/bin/env",
                 {"node", source_dir() + "/tests/webhooks/sign_in_hook_receiver.mjs", "0", secrets},
                 {}) {}
  bool failed() const { return process_.failed(); }
  std::string logs() const { return process_.logs(); }
  std::string url() const { return process_.origin() + "/sign-in"; }
  // The verified calls so far.
  json::array calls() {
    TestClient client(process_.host(), process_.port());
    return json::parse(client.get("/calls").body).as_array();
  }

 private:
  LinkgateProcess process_;
};

TEST(DecisionHooksReference, TheWebhookProviderDeliversVerifiedWithEverySecret) {
  WebhookReceiver receiver(kSecretA + " " + kSecretB);
  ASSERT_EQ(receiver.error(), "");
  RunningServer server({{"LINKGATE_HOOK_SEND_EMAIL_URL", receiver.url()},
                        {"LINKGATE_HOOK_SECRET", kSecretA + " " + kSecretB},
                        {"LINKGATE_ONE_TIME_CODE", "true"}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  auto sent = request_link(browser, "webhook", "dana@example.org");
  EXPECT_EQ(sent.header("location"), server.origin() +
                                         "/api/auth/verify-request?provider=webhook&type=email&"
                                         "email=dana%40example.org");
  const auto got = receiver.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].verified);
  EXPECT_EQ(got[0].type, "email.send");
  json::object data = got[0].data;
  EXPECT_EQ(data["to"].as_string(), "dana@example.org");
  EXPECT_EQ(data["code"].as_string().size(), 6u);
  const std::string url = json::value_to<std::string>(data["url"]);
  EXPECT_EQ(browser.get(local_target(url, server.origin())).status, 302);
  EXPECT_TRUE(session_json(browser).is_object());
}

TEST(DecisionHooksReference, AWebhookProviderSignedWithAnotherSecretIsRefusedByTheReceiver) {
  WebhookReceiver receiver(kSecretA);
  ASSERT_EQ(receiver.error(), "");
  RunningServer server(
      {{"LINKGATE_HOOK_SEND_EMAIL_URL", receiver.url()}, {"LINKGATE_HOOK_SECRET", kOtherSecret}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  auto sent = request_link(browser, "webhook", "dana@example.org");
  EXPECT_EQ(sent.header("location"), server.origin() + "/api/auth/signin?error=EmailSignin");
  const auto got = receiver.wait_for(1);
  ASSERT_EQ(got.size(), 1u) << "a 400 is not retried";
  EXPECT_FALSE(got[0].verified);
}

TEST(DecisionHooksReference, TheSignInHookIsVerifiedAtBothStages) {
  SignInHookReceiver receiver(kSecretA + " " + kSecretB);
  ASSERT_FALSE(receiver.failed()) << receiver.logs();
  // LINKGATE_WEBHOOK_SECRET signs when LINKGATE_HOOK_SECRET is unset.
  RunningServer server({{"LINKGATE_HOOK_SIGN_IN_URL", receiver.url()},
                        {"LINKGATE_WEBHOOK_SECRET", kSecretA + " " + kSecretB}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  EXPECT_EQ(request_link(browser, "outbox", "ann@example.org").header("location"),
            server.origin() + "/api/auth/verify-request?provider=outbox&type=email");
  const std::string link = json::value_to<std::string>(newest_outbox_message(browser)["url"]);
  EXPECT_EQ(browser.get(local_target(link, server.origin())).status, 302);
  EXPECT_TRUE(session_json(browser).is_object());
  json::array calls = receiver.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].as_object()["data"].as_object()["stage"].as_string(), "email");
  EXPECT_EQ(calls[1].as_object()["data"].as_object()["stage"].as_string(), "callback");

  TestClient blocked = server.client();
  EXPECT_EQ(request_link(blocked, "outbox", "blocked@example.org").header("location"),
            server.origin() + "/api/auth/error?error=AccessDenied");
}

TEST(DecisionHooksReference, ASignInHookSignedWithAnotherSecretFailsClosed) {
  SignInHookReceiver receiver(kSecretA);
  ASSERT_FALSE(receiver.failed()) << receiver.logs();
  RunningServer server(
      {{"LINKGATE_HOOK_SIGN_IN_URL", receiver.url()}, {"LINKGATE_HOOK_SECRET", kOtherSecret}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  EXPECT_EQ(request_link(browser, "outbox", "ann@example.org").header("location"),
            server.origin() + "/api/auth/error?error=AccessDenied");
  EXPECT_TRUE(receiver.calls().empty());
  EXPECT_NE(server.process().logs().find("answered HTTP 401"), std::string::npos);
}

}  // namespace
}  // namespace linkgate::testing
