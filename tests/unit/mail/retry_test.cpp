// Dependable delivery (SPEC P5): the retrying and fallback Mailers, first with a scripted
// transport and a fake clock (exact waits and tries), then against a real fake API.
#include "mail/retry.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <mutex>

#include "mail/fallback.hpp"
#include "mail/http_attempt.hpp"
#include "mail/providers.hpp"
#include "mail/smtp.hpp"
#include "support/fake_providers.hpp"

namespace linkgate::mail {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

// Answers tries from a script; records the time_left of each.
class ScriptedTransport final : public Transport {
 public:
  explicit ScriptedTransport(std::deque<TryOutcome> script) : script_(std::move(script)) {}
  const std::string& id() const override { return id_; }
  TryOutcome try_send(const EmailMessage&, milliseconds time_left) override {
    time_left_.push_back(time_left);
    if (script_.empty()) return {};
    TryOutcome next = script_.front();
    script_.pop_front();
    return next;
  }
  std::vector<milliseconds> time_left_;

 private:
  std::string id_ = "scripted";
  std::deque<TryOutcome> script_;
};

TryOutcome failure(long status, std::optional<milliseconds> retry_after = std::nullopt) {
  return TryOutcome{SendFailure{Error{"mail", "scripted: HTTP " + std::to_string(status) + ": x"},
                                is_retryable_status(status), retry_after}};
}

// A fake clock that the fake sleep advances.
struct FakeTime {
  std::chrono::steady_clock::time_point now{};
  std::vector<milliseconds> sleeps;
  std::vector<std::string> logs;
  RetryPolicy policy(int max_tries = 4, milliseconds budget = 8000ms) {
    RetryPolicy p;
    p.max_tries = max_tries;
    p.budget = budget;
    p.base_delay = 200ms;
    p.max_delay = 1000ms;
    p.now = [this] { return now; };
    p.sleep = [this](milliseconds d) {
      sleeps.push_back(d);
      now += d;
    };
    p.random = [] { return 1.0; };  // the longest wait of each step
    p.log = [this](LogLevel, const std::string&, const std::string& m) { logs.push_back(m); };
    return p;
  }
};

TEST(RetryingMailer, BackoffDoublesWithJitterAndACap) {
  RetryPolicy p;
  p.base_delay = 200ms;
  p.max_delay = 1000ms;
  EXPECT_EQ(backoff_delay(p, 1, 0.0), 100ms);
  EXPECT_EQ(backoff_delay(p, 1, 1.0), 200ms);
  EXPECT_EQ(backoff_delay(p, 2, 1.0), 400ms);
  EXPECT_EQ(backoff_delay(p, 3, 0.5), 600ms);
  EXPECT_EQ(backoff_delay(p, 4, 1.0), 1000ms);
  EXPECT_EQ(backoff_delay(p, 40, 1.0), 1000ms);
}

TEST(RetryingMailer, Retries503ThenSucceeds) {
  FakeTime t;
  auto transport = std::make_shared<ScriptedTransport>(std::deque<TryOutcome>{failure(503), {}});
  ASSERT_TRUE(make_retrying_mailer(transport, t.policy())->send({}).ok());
  EXPECT_EQ(transport->time_left_.size(), 2u);
  EXPECT_EQ(t.sleeps, std::vector<milliseconds>{200ms});
  ASSERT_EQ(t.logs.size(), 2u);
  EXPECT_EQ(t.logs[0], "email: try 1 of 4 failed: scripted: HTTP 503: x; retrying in 200 ms");
  EXPECT_EQ(t.logs[1], "email: scripted accepted the message on try 2 after 200 ms");
}

TEST(RetryingMailer, GivesUpAfterMaxTries) {
  FakeTime t;
  auto transport = std::make_shared<ScriptedTransport>(
      std::deque<TryOutcome>{failure(500), failure(500), failure(500), failure(500), {}});
  auto sent = make_retrying_mailer(transport, t.policy())->send({});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(transport->time_left_.size(), 4u);
  EXPECT_EQ(t.sleeps, (std::vector<milliseconds>{200ms, 400ms, 800ms}));
  EXPECT_EQ(sent.error().message,
            "scripted: HTTP 500: x (gave up after 4 tries in 1400 ms: no tries left)");
}

TEST(RetryingMailer, Status422IsNotRetried) {
  FakeTime t;
  auto transport = std::make_shared<ScriptedTransport>(std::deque<TryOutcome>{failure(422), {}});
  auto sent = make_retrying_mailer(transport, t.policy())->send({});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(transport->time_left_.size(), 1u);
  EXPECT_TRUE(t.sleeps.empty());
  EXPECT_EQ(sent.error().message, "scripted: HTTP 422: x");
}

TEST(RetryingMailer, HonoursRetryAfterLongerThanTheBackoff) {
  FakeTime t;
  auto transport = std::make_shared<ScriptedTransport>(
      std::deque<TryOutcome>{failure(429, 1500ms), failure(429, 10ms), {}});
  ASSERT_TRUE(make_retrying_mailer(transport, t.policy())->send({}).ok());
  // Retry-After 1500 ms beats the 200 ms backoff; 10 ms does not beat 400 ms.
  EXPECT_EQ(t.sleeps, (std::vector<milliseconds>{1500ms, 400ms}));
}

TEST(RetryingMailer, RetryAfterBeyondTheBudgetStopsAtOnce) {
  FakeTime t;
  auto transport =
      std::make_shared<ScriptedTransport>(std::deque<TryOutcome>{failure(429, 30s), {}});
  auto sent = make_retrying_mailer(transport, t.policy(4, 5000ms))->send({});
  ASSERT_FALSE(sent.ok());
  EXPECT_TRUE(t.sleeps.empty());
  EXPECT_NE(sent.error().message.find("Retry-After 30000 ms does not fit in the retry budget"),
            std::string::npos)
      << sent.error().message;
}

TEST(RetryingMailer, EachTryGetsOnlyTheTimeLeft) {
  FakeTime t;
  auto transport = std::make_shared<ScriptedTransport>(
      std::deque<TryOutcome>{failure(503), failure(503), failure(503)});
  auto sent = make_retrying_mailer(transport, t.policy(10, 1000ms))->send({});
  ASSERT_FALSE(sent.ok());
  // 1000 ms budget: tries at 0, 200 and 600 ms; the next wait (800 ms) does not fit.
  EXPECT_EQ(transport->time_left_, (std::vector<milliseconds>{1000ms, 800ms, 400ms}));
  EXPECT_NE(sent.error().message.find("gave up after 3 tries"), std::string::npos);
}

TEST(FallbackMailer, UsesTheSecondWhenTheFirstFails) {
  FakeTime t;
  auto first = std::make_shared<ScriptedTransport>(std::deque<TryOutcome>{failure(401)});
  auto second = std::make_shared<ScriptedTransport>(std::deque<TryOutcome>{{}});
  std::vector<std::string> logs;
  std::vector<std::string> request_ids;
  auto mailer = make_fallback_mailer(make_retrying_mailer(first, t.policy()),
                                     make_retrying_mailer(second, t.policy()),
                                     [&](LogLevel, const std::string& id, const std::string& m) {
                                       logs.push_back(m);
                                       request_ids.push_back(id);
                                     });
  EmailMessage message;
  message.request_id = "req-7";
  ASSERT_TRUE(mailer->send(message).ok());
  EXPECT_EQ(second->time_left_.size(), 1u);
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_EQ(logs[0], "email: scripted: HTTP 401: x; trying the fallback");
  // Each line names the request whose message it was.
  EXPECT_EQ(request_ids, (std::vector<std::string>{"req-7", "req-7"}));
}

TEST(FallbackMailer, BothFailingReportsBoth) {
  auto first = make_single_try_mailer(
      std::make_shared<ScriptedTransport>(std::deque<TryOutcome>{failure(500)}));
  auto second = make_single_try_mailer(
      std::make_shared<ScriptedTransport>(std::deque<TryOutcome>{failure(422)}));
  auto sent = make_fallback_mailer(first, second)->send({});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().message, "scripted: HTTP 500: x; fallback: scripted: HTTP 422: x");
}

// Which mailers a server may call on a fiber of its event loop (Mailer::waits_on_fibers): those
// whose every wait goes through io/waiter.hpp.
TEST(WaitsOnFibers, HttpApiMailersDoSmtpAndScriptedOnesDoNot) {
  const HttpProviderOptions api{.api_key = "key", .base_url = "http://127.0.0.1:9"};
  EXPECT_TRUE(make_postmark_mailer(api)->waits_on_fibers());
  EXPECT_TRUE(make_forwardemail_mailer(api)->waits_on_fibers());
  EXPECT_TRUE(make_resend_transport(api)->waits_on_fibers());
  EXPECT_TRUE(make_sendgrid_transport(api)->waits_on_fibers());
  EXPECT_TRUE(make_mailgun_transport({.http = api})->waits_on_fibers());
  EXPECT_TRUE(make_loops_transport({.http = api, .transactional_id = "t"})->waits_on_fibers());
  SmtpOptions smtp_options;
  smtp_options.server_url = "smtp://127.0.0.1:9";
  auto smtp = make_smtp_transport(smtp_options);
  ASSERT_TRUE(smtp.ok()) << smtp.error().message;
  EXPECT_FALSE((*smtp)->waits_on_fibers());
  EXPECT_FALSE(make_outbox_mailer(nullptr, "outbox")->waits_on_fibers());
  EXPECT_FALSE(make_single_try_mailer(std::make_shared<ScriptedTransport>(std::deque<TryOutcome>{}))
                   ->waits_on_fibers());
}

TEST(WaitsOnFibers, RetryingAndFallbackMailersWaitAsTheirParts) {
  const HttpProviderOptions api{.api_key = "key", .base_url = "http://127.0.0.1:9"};
  auto retrying = make_retrying_mailer(make_postmark_transport(api), RetryPolicy{});
  EXPECT_TRUE(retrying->waits_on_fibers());
  // A sleep of the caller's may block the thread.
  FakeTime t;
  EXPECT_FALSE(make_retrying_mailer(make_postmark_transport(api), t.policy())->waits_on_fibers());
  SmtpOptions smtp_options;
  smtp_options.server_url = "smtp://127.0.0.1:9";
  auto smtp = make_smtp_transport(smtp_options);
  ASSERT_TRUE(smtp.ok());
  auto over_smtp = make_retrying_mailer(*smtp, RetryPolicy{});
  EXPECT_FALSE(over_smtp->waits_on_fibers());
  EXPECT_TRUE(make_fallback_mailer(retrying, make_postmark_mailer(api))->waits_on_fibers());
  EXPECT_FALSE(make_fallback_mailer(retrying, over_smtp)->waits_on_fibers());
  EXPECT_FALSE(make_fallback_mailer(over_smtp, retrying)->waits_on_fibers());
}

TEST(RetryAfter, ReadsSecondsAndHttpDates) {
  const auto now = std::chrono::system_clock::from_time_t(784111777);  // 06 Nov 1994 08:49:37
  EXPECT_EQ(parse_retry_after("120", now), milliseconds(120000));
  EXPECT_EQ(parse_retry_after("0", now), milliseconds(0));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now), milliseconds(10000));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), milliseconds(0));
  EXPECT_FALSE(parse_retry_after("", now).has_value());
  EXPECT_FALSE(parse_retry_after("-5", now).has_value());
  EXPECT_FALSE(parse_retry_after("soon", now).has_value());
}

// Against a real HTTP fake: what the tries and the waits cost in wall-clock time.
TEST(RetryingMailerOverHttp, Postmark503Then200TakesTwoRequests) {
  testing::FakePostmark postmark("pm");
  postmark.fail_next(503);
  HttpProviderOptions o;
  o.api_key = "pm";
  o.base_url = postmark.base_url();
  RetryPolicy p;
  p.base_delay = 100ms;
  p.budget = 3000ms;
  const auto start = std::chrono::steady_clock::now();
  EmailMessage m{"a@example.org", "x <x@example.org>", "s", "t", "h", "https://h/cb?token=t1"};
  ASSERT_TRUE(make_retrying_mailer(make_postmark_transport(o), p)->send(m).ok());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(postmark.requests().size(), 2u);
  EXPECT_EQ(postmark.messages().size(), 1u);
  EXPECT_GE(elapsed, 50ms);
  EXPECT_LT(elapsed, 1000ms);
}

TEST(RetryingMailerOverHttp, NeverAnsweringServerStaysWithinTheBudget) {
  testing::FakePostmark postmark("pm");
  postmark.server().set_never_answer(true);
  HttpProviderOptions o;
  o.api_key = "pm";
  o.base_url = postmark.base_url();
  RetryPolicy p;
  p.base_delay = 50ms;
  p.budget = 700ms;
  const auto start = std::chrono::steady_clock::now();
  EmailMessage m{"a@example.org", "x <x@example.org>", "s", "t", "h", "https://h/cb?token=t1"};
  auto sent = make_retrying_mailer(make_postmark_transport(o), p)->send(m);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(sent.ok());
  EXPECT_GE(elapsed, 650ms);
  EXPECT_LT(elapsed, 1200ms);
  EXPECT_NE(sent.error().message.find("postmark: "), std::string::npos);
}

}  // namespace
}  // namespace linkgate::mail
