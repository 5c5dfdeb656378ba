// The webhook sender's promises over real HTTP (docs/webhooks.md), each counted against the
// store: no event is lost when sign-ins complete while the receiver is down and linkgate is
// killed with SIGKILL; two nodes on one PostgreSQL deliver each event once; a receiver that never
// answers neither slows sign-ins nor stops a graceful shutdown, and its events stay pending.
#include <signal.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "webhooks/webhook_flow.hpp"

namespace linkgate::testing {
namespace {

using namespace std::chrono_literals;

// Each stored event arrived exactly `times` times, verified, under its own id and type.
void expect_each_event_arrived_once(const std::vector<ReceivedWebhook>& got,
                                    const std::vector<WebhookEvent>& stored) {
  std::map<std::string, int> seen;
  std::map<std::string, std::string> type_of;
  for (const auto& delivery : got) {
    EXPECT_TRUE(delivery.verified) << delivery.id;
    ++seen[delivery.id];
    type_of[delivery.id] = delivery.type;
  }
  EXPECT_EQ(seen.size(), stored.size());
  for (const auto& event : stored) {
    EXPECT_EQ(seen[event.id], 1) << event.id << " " << event.type;
    EXPECT_EQ(type_of[event.id], event.type) << event.id;
    EXPECT_EQ(event.status, "delivered") << event.id;
  }
}

class NoEventLost : public ::testing::TestWithParam<std::string> {};

// Sign-ins complete while the receiver is down (each try of their events is refused), linkgate
// is killed with SIGKILL, restarted on the same database, and the receiver comes up on the
// address linkgate was given: every event the store holds arrives, once, under its webhook-id.
TEST_P(NoEventLost, ReceiverDownAndNodeKilled) {
  const auto [strategy, postgres] = split_param(GetParam());
  const int port = unused_loopback_port();
  auto env =
      webhook_env("http://127.0.0.1:" + std::to_string(port) + "/webhooks", strategy, postgres);
  // Enough tries at 100 ms for the whole test: nothing may end as failed.
  env["LINKGATE_WEBHOOK_RETRY_SCHEDULE"] =
      "100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,"
      "1s,1s,1s,1s,1s,1s,1s,1s,1s,1s";
  constexpr int kUsers = 8;
  {
    Node first(env);
    ASSERT_FALSE(first.process->failed()) << first.process->logs();
    for (int i = 0; i < kUsers; ++i) {
      sign_in_and_out(*first.process, "down" + std::to_string(i) + "@example.com", i % 2 == 0);
    }
    std::this_thread::sleep_for(300ms);  // some tries refused meanwhile
    ASSERT_EQ(::kill(first.process->pid(), SIGKILL), 0);
    first.process->stop();  // reaps it
    EXPECT_NE(first.process->logs().find("attempt 2 failed (http: "), std::string::npos)
        << first.process->logs();
  }
  const auto stored_before = stored_events(env.at("DATABASE_URL"));
  // Per user: user.created and session.created; every other one signed out too.
  ASSERT_EQ(stored_before.size(), static_cast<std::size_t>(kUsers * 2 + kUsers / 2));

  Node second(env);
  ASSERT_FALSE(second.process->failed()) << second.process->logs();
  WebhookReceiver receiver(kRotatingSecrets, port);
  ASSERT_EQ(receiver.error(), "");
  // A claim of the killed node comes back when its lease ends (the try's timeout + 10 s).
  const auto settled = wait_until_settled(env.at("DATABASE_URL"), stored_before.size(), 40s);
  const auto got = receiver.wait_for(stored_before.size(), 5s);
  expect_each_event_arrived_once(got, settled);
  std::printf("no-loss (%s): %zu events written while the receiver was down, %zu delivered\n",
              GetParam().c_str(), stored_before.size(), got.size());
}

INSTANTIATE_TEST_SUITE_P(BothStores, NoEventLost, ::testing::Values("database", "jwt@postgres"));

// Two nodes on one PostgreSQL, each with its own sender claiming every 10 ms: every event
// arrives exactly once (no node crashed, so none is delivered twice).
TEST(WebhookNodes, TwoNodesOnOnePostgresDeliverEachEventOnce) {
  WebhookReceiver receiver(kRotatingSecrets);
  ASSERT_EQ(receiver.error(), "");
  auto env = webhook_env(receiver.url(), "database", true);
  env["LINKGATE_WEBHOOK_POLL_MS"] = "10";  // both nodes claim often, so they race for events
  Node a(env);
  Node b(env);
  ASSERT_FALSE(a.process->failed()) << a.process->logs();
  ASSERT_FALSE(b.process->failed()) << b.process->logs();
  constexpr int kUsers = 12;
  // One browser at a time (the dev outbox is shared), alternating between the nodes.
  for (int i = 0; i < kUsers; ++i) {
    sign_in_and_out(i % 2 == 0 ? *a.process : *b.process,
                    "node" + std::to_string(i) + "@example.com");
  }
  const std::size_t events = kUsers * 3;
  const auto settled = wait_until_settled(env.at("DATABASE_URL"), events);
  ASSERT_EQ(settled.size(), events);
  const auto got = receiver.wait_for(events, 5s);
  std::this_thread::sleep_for(300ms);  // a duplicate would come now
  expect_each_event_arrived_once(receiver.received(), settled);
  // Both nodes delivered some.
  const auto delivered_by = [](LinkgateProcess& p) {
    const std::string logs = p.logs();
    std::size_t n = 0;
    for (auto at = logs.find(": delivered,"); at != std::string::npos;
         at = logs.find(": delivered,", at + 1)) {
      ++n;
    }
    return n;
  };
  const std::size_t by_a = delivered_by(*a.process);
  const std::size_t by_b = delivered_by(*b.process);
  EXPECT_EQ(by_a + by_b, events);
  std::printf("two nodes: %zu events, %zu delivered by node a, %zu by node b, %zu received\n",
              events, by_a, by_b, got.size());
}

// The median of `samples` (milliseconds).
double median(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

// Sign-in latency (the link request and the callback) of `count` new users.
std::vector<double> sign_in_latencies(LinkgateProcess& server, const std::string& prefix,
                                      int count) {
  std::vector<double> ms;
  for (int i = 0; i < count; ++i) {
    const auto start = std::chrono::steady_clock::now();
    sign_in_and_out(server, prefix + std::to_string(i) + "@example.com", false);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  return ms;
}

// A receiver that reads each delivery and never answers: every try runs into its timeout while
// the sender's threads are all busy, yet sign-ins take as long as with no webhooks at all; and a
// SIGTERM still stops linkgate within the try's timeout, with every event still pending.
TEST(WebhookLatency, AReceiverThatNeverAnswersDoesNotSlowSignIns) {
  constexpr int kSignIns = 12;
  auto quiet_env = webhook_env("", "database", false);
  quiet_env.erase("LINKGATE_WEBHOOK_URL");
  quiet_env.erase("LINKGATE_WEBHOOK_SECRET");
  Node quiet(quiet_env);
  ASSERT_FALSE(quiet.process->failed()) << quiet.process->logs();
  sign_in_latencies(*quiet.process, "warm", 2);
  const auto baseline = sign_in_latencies(*quiet.process, "quiet", kSignIns);

  WebhookReceiver hanging(kRotatingSecrets, 0, /*hang=*/true);
  ASSERT_EQ(hanging.error(), "");
  auto env = webhook_env(hanging.url(), "database", false);
  env["LINKGATE_WEBHOOK_TIMEOUT_MS"] = "2000";
  env["LINKGATE_WEBHOOK_CONCURRENCY"] = "2";
  Node node(env);
  ASSERT_FALSE(node.process->failed()) << node.process->logs();
  sign_in_latencies(*node.process, "warm", 2);
  // Both sender threads are now in tries that the receiver never answers (2 s each).
  std::this_thread::sleep_for(300ms);
  const auto with_hang = sign_in_latencies(*node.process, "hang", kSignIns);
  const double base_median = median(baseline);
  const double hang_median = median(with_hang);
  const double hang_max = *std::max_element(with_hang.begin(), with_hang.end());
  std::printf(
      "sign-in latency (request link + callback, ms): no webhooks median %.1f; receiver that never "
      "answers median %.1f, max %.1f\n",
      base_median, hang_median, hang_max);
  // Generous bounds (a shared 2-core machine): the 2 s tries in flight must not show.
  EXPECT_LT(hang_median, base_median * 3 + 50);
  EXPECT_LT(hang_max, 1500);

  const auto stop_start = std::chrono::steady_clock::now();
  EXPECT_EQ(node.process->stop(), 0) << node.process->logs();
  const auto stop_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - stop_start)
                           .count();
  EXPECT_LT(stop_ms, 4500) << "SIGTERM waits at most for the tries in flight (2 s)";
  int timed_out = 0;
  for (const auto& event : stored_events(env.at("DATABASE_URL"))) {
    EXPECT_EQ(event.status, "pending") << event.id;  // none lost, none given up
    if (event.attempts == 1 &&
        event.last_error.value_or("").find("imed out") != std::string::npos) {
      ++timed_out;
    }
  }
  // The tries in flight at SIGTERM ran into their timeout and were recorded.
  EXPECT_EQ(timed_out, 2) << node.process->logs();
  std::printf("SIGTERM with tries in flight to a hanging receiver: stopped in %lld ms\n",
              static_cast<long long>(stop_ms));
}

}  // namespace
}  // namespace linkgate::testing
