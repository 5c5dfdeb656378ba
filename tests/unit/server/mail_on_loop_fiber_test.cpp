// The email APIs' HTTP client on fibers of the event loop (mail/http_client.hpp through
// io/waiter.hpp): a call suspends only its fiber, calls in flight at once on one loop thread each
// get their own answer over a kept connection of their own, a provider that never answers ends
// the call at its timeout, and a retrying mailer's backoff waits the same way.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mail/http_client.hpp"
#include "mail/providers.hpp"
#include "mail/retry.hpp"
#include "server/loop_fiber.hpp"
#include "support/fake_http_server.hpp"

namespace linkgate::server {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::FakeHttpServer;
using testing::FakeResponse;
using testing::RecordedRequest;

asio::awaitable<void> fiber_into(std::function<Response()> work, std::optional<Response>* out) {
  *out = co_await run_on_loop_fiber(std::move(work));
}

// A flag the loop raises and the fake provider's thread waits for.
class Flag {
 public:
  void raise() {
    std::lock_guard lock(mutex_);
    raised_ = true;
    changed_.notify_all();
  }
  bool wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return raised_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool raised_ = false;
};

// Ticks on `io` every 5 ms until `stop` is true, calling `each` at every tick.
void tick_until(asio::io_context& io, const bool& stop, std::function<void()> each) {
  auto timer = std::make_shared<asio::steady_timer>(io);
  auto step = std::make_shared<std::function<void()>>();
  *step = [timer, step, &stop, each = std::move(each)] {
    if (stop) {
      *step = nullptr;  // breaks the cycle: the last handler frees the timer
      return;
    }
    each();
    timer->expires_after(5ms);
    timer->async_wait([step](boost::system::error_code) {
      if (*step) (*step)();
    });
  };
  (*step)();
}

FakeResponse json_answer(int status, std::string body) {
  FakeResponse answer;
  answer.status = status;
  answer.body = std::move(body);
  return answer;
}

mail::HttpPost post_to(const FakeHttpServer& fake, std::string body) {
  mail::HttpPost post;
  post.url = fake.base_url() + "/email";
  post.headers = {{"Content-Type", "application/json"}};
  post.body = std::move(body);
  return post;
}

TEST(HttpPostOnALoopFiber, TheLoopServesOthersWhileTheProviderIsAnswering) {
  // The provider answers only once the loop has run while the call was in flight: a call that
  // blocked its thread would leave the flag down until the handler gives up.
  Flag loop_ran;
  std::atomic<bool> answered_after_loop_ran = false;
  FakeHttpServer fake([&](const RecordedRequest& request) {
    answered_after_loop_ran = loop_ran.wait(5s);
    return json_answer(202, "{\"got\":" + request.body + "}");
  });
  asio::io_context io(1);
  std::optional<Result<mail::HttpResponse>> answer;
  bool done = false;
  std::optional<Response> out;
  asio::co_spawn(io,
                 fiber_into(
                     [&] {
                       answer = mail::http_post(post_to(fake, "1"));
                       done = true;
                       return Response{};
                     },
                     &out),
                 asio::detached);
  tick_until(io, done, [&] {
    if (fake.request_count() > 0) loop_ran.raise();
  });
  io.run();
  EXPECT_TRUE(answered_after_loop_ran);
  ASSERT_TRUE(answer.has_value());
  ASSERT_TRUE(answer->ok()) << answer->error().message;
  EXPECT_EQ((*answer)->status, 202);
  EXPECT_EQ((*answer)->body, "{\"got\":1}");
}

TEST(HttpPostOnALoopFiber, CallsInFlightAtOnceEachGetTheirAnswerAndKeepTheirConnection) {
  constexpr std::size_t kCalls = 4;
  // The fibers start one after the other on the one loop thread, each suspending at its first
  // wait, so all calls are in flight at once: each needs a connection of its own.
  FakeHttpServer fake([](const RecordedRequest& request) {
    return json_answer(200, "{\"got\":" + request.body + "}");
  });
  asio::io_context io(1);
  for (int round = 0; round < 2; ++round) {
    std::vector<std::optional<Result<mail::HttpResponse>>> answers(kCalls);
    std::vector<std::optional<Response>> outs(kCalls);
    for (std::size_t i = 0; i < kCalls; ++i) {
      asio::co_spawn(io,
                     fiber_into(
                         [&, i] {
                           answers[i] = mail::http_post(post_to(fake, std::to_string(i)));
                           return Response{};
                         },
                         &outs[i]),
                     asio::detached);
    }
    io.restart();
    io.run();
    for (std::size_t i = 0; i < kCalls; ++i) {
      ASSERT_TRUE(answers[i].has_value()) << i;
      ASSERT_TRUE(answers[i]->ok()) << answers[i]->error().message;
      EXPECT_EQ((*answers[i])->body, "{\"got\":" + std::to_string(i) + "}");
    }
    // One connection per call in flight; the second round reuses them.
    EXPECT_EQ(fake.connection_count(), kCalls) << "round " << round;
  }
  EXPECT_EQ(fake.request_count(), 2 * kCalls);
}

TEST(HttpPostOnALoopFiber, AProviderThatNeverAnswersEndsTheCallAtItsTimeout) {
  FakeHttpServer fake;
  fake.set_never_answer(true);
  asio::io_context io(1);
  std::optional<Result<mail::HttpResponse>> answer;
  bool done = false;
  int ticks_in_flight = 0;
  Clock::duration took{};
  std::optional<Response> out;
  asio::co_spawn(io,
                 fiber_into(
                     [&] {
                       auto post = post_to(fake, "1");
                       post.total_timeout = 300ms;
                       const auto start = Clock::now();
                       answer = mail::http_post(post);
                       took = Clock::now() - start;
                       done = true;
                       return Response{};
                     },
                     &out),
                 asio::detached);
  tick_until(io, done, [&] {
    if (fake.request_count() > 0) ++ticks_in_flight;
  });
  io.run();
  ASSERT_TRUE(answer.has_value());
  ASSERT_FALSE(answer->ok());
  EXPECT_EQ(answer->error().kind, "unavailable");
  // curl's clock has whole milliseconds: it may end the call a hair before 300 ms.
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 3s);
  // The loop ran while the call waited for the answer that never came.
  EXPECT_GT(ticks_in_flight, 0);
}

TEST(RetryingMailerOnALoopFiber, RetriesAfterABackoffAndDelivers) {
  std::atomic<int> seen = 0;
  FakeHttpServer fake([&](const RecordedRequest&) {
    return ++seen == 1 ? json_answer(503, R"({"ErrorCode":0})")
                       : json_answer(200, R"({"ErrorCode":0})");
  });
  mail::RetryPolicy policy;
  policy.base_delay = 100ms;
  auto mailer = mail::make_retrying_mailer(
      mail::make_postmark_transport({.api_key = "key", .base_url = fake.base_url()}), policy);
  ASSERT_TRUE(mailer->waits_on_fibers());
  asio::io_context io(1);
  std::optional<Result<void>> sent;
  std::optional<Response> out;
  asio::co_spawn(io,
                 fiber_into(
                     [&] {
                       sent = mailer->send({.to = "a@example.com",
                                            .from = "linkgate <no-reply@example.com>",
                                            .subject = "Sign in",
                                            .text = "text",
                                            .html = "<p>html</p>",
                                            .url = "https://example.com/x"});
                       return Response{};
                     },
                     &out),
                 asio::detached);
  io.run();
  ASSERT_TRUE(sent.has_value());
  EXPECT_TRUE(sent->ok()) << sent->error().message;
  EXPECT_EQ(seen.load(), 2);
}

}  // namespace
}  // namespace linkgate::server
