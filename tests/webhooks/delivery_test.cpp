// Webhook deliveries over real HTTP (docs/webhooks.md): the built linkgate signs users in and out
// through the dev outbox, and its sender POSTs each event to tests/webhooks/receiver.mjs, which
// verifies it with the npm package standardwebhooks (never with linkgate's code) against every
// secret of a rotation and records it. Every event type, on both stores and both session
// strategies; LINKGATE_WEBHOOK_EVENTS narrows; retries end in "failed", and `linkgate webhooks
// list/retry` show and resend.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "webhooks/webhook_flow.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

class EveryEvent : public ::testing::TestWithParam<std::string> {};

// Each event of a new user's sign-in and sign-out, and a link that could not be sent, arrives
// once, verified with both secrets, under the webhook-id the store gave it, with its data and no
// token, cookie or secret; the store then holds each as delivered after one attempt.
TEST_P(EveryEvent, ArrivesVerifiedWithItsDataOnce) {
  const auto [strategy, postgres] = split_param(GetParam());
  WebhookReceiver receiver(kRotatingSecrets);
  ASSERT_EQ(receiver.error(), "");
  auto env = webhook_env(receiver.url(), strategy, postgres);
  // A second provider whose SMTP server refuses every connection: its link fails (email.failed).
  env["EMAIL_SERVER"] = "smtp://127.0.0.1:" + std::to_string(unused_loopback_port());
  env["LINKGATE_EMAIL_RETRY_MAX_TRIES"] = "1";
  env["LINKGATE_PROVIDER_TIMEOUT_MS"] = "1000";
  env["EMAIL_FROM"] = "Acme <login@acme.test>";
  Node node(env);
  ASSERT_FALSE(node.process->failed()) << node.process->logs();

  const SignIn signed_in = sign_in_and_out(*node.process, "webhook@example.com");
  TestClient browser(node.process->host(), node.process->port());
  request_link(browser, "smtp", "lost@example.com");

  const auto got = receiver.wait_for(4);
  ASSERT_EQ(got.size(), 4u) << node.process->logs();
  const auto stored = stored_events(env.at("DATABASE_URL"));
  ASSERT_EQ(stored.size(), 4u);
  std::map<std::string, std::string> type_of_id;
  for (const auto& event : stored) type_of_id[event.id] = event.type;
  std::map<std::string, ReceivedWebhook> by_type;
  for (const auto& delivery : got) {
    SCOPED_TRACE(delivery.id + " " + json::serialize(delivery.data));
    EXPECT_TRUE(delivery.verified);
    ASSERT_TRUE(type_of_id.contains(delivery.id));
    EXPECT_EQ(type_of_id[delivery.id], delivery.type);
    EXPECT_FALSE(by_type.contains(delivery.type));
    by_type[delivery.type] = delivery;
    const std::string text = json::serialize(delivery.data);
    EXPECT_EQ(text.find(signed_in.token), std::string::npos);
    EXPECT_EQ(text.find(signed_in.cookie), std::string::npos);
    EXPECT_EQ(text.find("integration-test-secret"), std::string::npos);
    EXPECT_EQ(text.find("whsec_"), std::string::npos);
    EXPECT_EQ(delivery.data.at("client_ip"), "127.0.0.1");
    EXPECT_TRUE(delivery.timestamp.ends_with("Z")) << delivery.timestamp;
  }
  ASSERT_EQ(by_type.size(), 4u);
  const auto& user = by_type["user.created"].data.at("user").as_object();
  EXPECT_EQ(user.at("email"), "webhook@example.com");
  const auto& session = by_type["session.created"].data;
  EXPECT_EQ(session.at("provider"), "outbox");
  EXPECT_EQ(session.at("strategy"), strategy.c_str());
  EXPECT_EQ(session.at("user").at("id"), user.at("id"));
  EXPECT_EQ(by_type["session.deleted"].data.at("user").at("id"), user.at("id"));
  const auto& failed = by_type["email.failed"].data;
  EXPECT_EQ(failed.at("email"), "lost@example.com");
  EXPECT_EQ(failed.at("provider"), "smtp");

  const auto settled = wait_until_settled(env.at("DATABASE_URL"), 4);
  for (const auto& event : settled) {
    EXPECT_EQ(event.status, "delivered") << event.id;
    EXPECT_EQ(event.attempts, 1) << event.id;
  }
  // The log names each delivery (id, type, status, attempt), never a secret.
  const std::string logs = node.process->logs();
  for (const auto& event : stored) {
    EXPECT_NE(
        logs.find("webhook " + event.id + " " + event.type + ": delivered, HTTP 204, attempt 1"),
        std::string::npos)
        << logs;
  }
  EXPECT_EQ(logs.find("whsec_"), std::string::npos);
  EXPECT_EQ(logs.find(signed_in.token), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(BothStoresBothStrategies, EveryEvent,
                         ::testing::Values("database", "jwt", "database@postgres", "jwt@postgres"));

TEST(WebhookDelivery, EventsSettingNarrowsWhatArrives) {
  WebhookReceiver receiver(kRotatingSecrets);
  ASSERT_EQ(receiver.error(), "");
  auto env = webhook_env(receiver.url(), "database", false);
  env["LINKGATE_WEBHOOK_EVENTS"] = "session.deleted";
  Node node(env);
  ASSERT_FALSE(node.process->failed()) << node.process->logs();
  sign_in_and_out(*node.process, "narrow@example.com");
  sign_in_and_out(*node.process, "narrow2@example.com");
  const auto got = receiver.wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  for (const auto& delivery : got) EXPECT_EQ(delivery.type, "session.deleted");
  // Nothing else comes later.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(receiver.received().size(), 2u);
}

// A receiver that is down: each try fails (a refused connection), the schedule's waits pass, and
// the event is kept as failed. `webhooks list --failed` shows it; `webhooks retry ID` and
// `--all` make it due again, and it arrives under the same webhook-id.
TEST(WebhookDelivery, RetriesThenKeepsAsFailedAndRetrySendsAgain) {
  const int port = unused_loopback_port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/webhooks";
  auto env = webhook_env(url, "jwt", false);
  env["LINKGATE_WEBHOOK_RETRY_SCHEDULE"] = "50ms,100ms";
  Node node(env);
  ASSERT_FALSE(node.process->failed()) << node.process->logs();
  sign_in_and_out(*node.process, "first@example.com");  // user.created, session.created, deleted
  const auto failed = wait_until_settled(env.at("DATABASE_URL"), 3);
  ASSERT_EQ(failed.size(), 3u);
  for (const auto& event : failed) {
    EXPECT_EQ(event.status, "failed") << event.id;
    EXPECT_EQ(event.attempts, 3) << event.id;  // the first try and two retries
    ASSERT_TRUE(event.last_error.has_value());
    EXPECT_NE(event.last_error->find("127.0.0.1"), std::string::npos) << *event.last_error;
  }
  EXPECT_NE(node.process->logs().find("attempt 3 failed"), std::string::npos);
  EXPECT_NE(node.process->logs().find("kept as failed"), std::string::npos);

  auto listed = run_linkgate("webhooks list --failed --json", env.at("DATABASE_URL"));
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  const auto rows = json::parse(listed.output).as_array();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].at("id"), failed[0].id.c_str());
  EXPECT_EQ(rows[0].at("type"), "user.created");
  EXPECT_EQ(rows[0].at("status"), "failed");
  EXPECT_EQ(rows[0].at("attempts"), 3);
  auto text = run_linkgate("webhooks list", env.at("DATABASE_URL"));
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find(failed[2].id + "  session.deleted"), std::string::npos) << text.output;

  WebhookReceiver receiver(kRotatingSecrets, port);
  ASSERT_EQ(receiver.error(), "");
  auto one = run_linkgate("webhooks retry " + failed[1].id, env.at("DATABASE_URL"));
  EXPECT_EQ(one.exit_code, 0) << one.output;
  EXPECT_NE(one.output.find("1 webhook event due again"), std::string::npos) << one.output;
  auto first = receiver.wait_for(1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].id, failed[1].id);
  EXPECT_TRUE(first[0].verified);

  auto all = run_linkgate("webhooks retry --all", env.at("DATABASE_URL"));
  EXPECT_EQ(all.exit_code, 0) << all.output;
  EXPECT_NE(all.output.find("2 webhook events due again"), std::string::npos) << all.output;
  auto got = receiver.wait_for(3);
  ASSERT_EQ(got.size(), 3u);
  std::set<std::string> ids;
  for (const auto& delivery : got) ids.insert(delivery.id);
  EXPECT_EQ(ids, (std::set<std::string>{failed[0].id, failed[1].id, failed[2].id}));
  for (const auto& event : wait_until_settled(env.at("DATABASE_URL"), 3)) {
    EXPECT_EQ(event.status, "delivered");
  }
  auto unknown = run_linkgate("webhooks retry msg_nope", env.at("DATABASE_URL"));
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.output.find("no webhook event has the id msg_nope"), std::string::npos);
  auto none = run_linkgate("webhooks retry", env.at("DATABASE_URL"));
  EXPECT_NE(none.exit_code, 0) << none.output;
}

}  // namespace
}  // namespace linkgate::testing
