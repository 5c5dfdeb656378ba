// The receiver examples of docs/webhooks.md (examples/webhooks/receiver.py and receiver.mjs), run
// as they are against real deliveries of the built linkgate. linkgate signs with two secrets (a
// rotation: the old one and the new one) and each example knows only the new one: every event is
// delivered (answered 2xx only once verified); a delivery signed with another secret is refused
// with 400; a second delivery of one webhook-id (a retry) is answered 204 again.
#include <gtest/gtest.h>

#include <ctime>
#include <string>

#include "server/webhook_settings.hpp"
#include "server/webhook_signature.hpp"
#include "webhooks/webhook_flow.hpp"

namespace linkgate::testing {
namespace {

const std::string kOldSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const std::string kNewSecret = "whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=";

class ReceiverExample : public ::testing::TestWithParam<std::string> {};

HttpResponse post_signed(int port, const std::string& id, const std::string& secret) {
  const std::string body = server::webhook_body("email.failed", "2026-12-04T08:00:00.000Z",
                                                R"({"email":"x@example.com"})");
  auto headers = server::webhook_headers(id, std::time(nullptr), body,
                                         {server::decode_webhook_secret(secret).value_or("")});
  headers.emplace_back("content-type", "application/json");
  TestClient client("127.0.0.1", port);
  return client.request("POST", "/webhooks", body, headers);
}

TEST_P(ReceiverExample, VerifiesRealDeliveriesDuringARotation) {
  const bool python = GetParam() == "python";
  const std::string program = program_on_path(python ? "python3" : "node");
  ASSERT_FALSE(program.empty()) << (python ? "python3" : "node") << " is not on PATH";
  const std::string script =
      source_dir() + "/examples/webhooks/" + (python ? "receiver.py" : "receiver.mjs");
  LinkgateProcess example(program, {script, "0"}, {{"LINKGATE_WEBHOOK_SECRET", kNewSecret}});
  ASSERT_FALSE(example.failed()) << example.logs();

  auto env = webhook_env("http://127.0.0.1:" + std::to_string(example.port()) + "/webhooks",
                         "database", false);
  env["LINKGATE_WEBHOOK_SECRET"] = kOldSecret + " " + kNewSecret;
  Node node(env);
  ASSERT_FALSE(node.process->failed()) << node.process->logs();
  sign_in_and_out(*node.process, "example@example.com");
  const auto settled = wait_until_settled(env.at("DATABASE_URL"), 3);
  ASSERT_EQ(settled.size(), 3u);
  for (const auto& event : settled) {
    EXPECT_EQ(event.status, "delivered") << event.id << " " << event.last_error.value_or("");
    EXPECT_EQ(event.attempts, 1) << event.id;
  }
  EXPECT_EQ(post_signed(example.port(), "msg_forged", kOldSecret).status, 400);
  EXPECT_EQ(post_signed(example.port(), "msg_twice", kNewSecret).status, 204);
  EXPECT_EQ(post_signed(example.port(), "msg_twice", kNewSecret).status, 204);
}

INSTANTIATE_TEST_SUITE_P(PythonAndNode, ReceiverExample, ::testing::Values("python", "node"));

}  // namespace
}  // namespace linkgate::testing
