// Fibers of the event loop (server/loop_fiber.hpp): a request's store waits suspend only its
// fiber, wake-ups come from the socket, another thread or the deadline, and the loop keeps serving
// meanwhile.
#include "server/loop_fiber.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "store/waiter.hpp"

namespace linkgate::server {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

Response text(std::string body) {
  Response response;
  response.status = 200;
  response.body = std::move(body);
  return response;
}

asio::awaitable<void> fiber_into(std::function<Response()> work, std::optional<Response>* out) {
  *out = co_await run_on_loop_fiber(std::move(work));
}

// Runs `work` on a fiber of `io` and stores its response in `out`.
void spawn_fiber(asio::io_context& io, std::function<Response()> work,
                 std::optional<Response>& out) {
  asio::co_spawn(io, fiber_into(std::move(work), &out), asio::detached);
}

struct Pipe {
  int read = -1;
  int write = -1;
  Pipe() {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    read = fds[0];
    write = fds[1];
  }
  ~Pipe() {
    ::close(read);
    ::close(write);
  }
  void put() { EXPECT_EQ(::write(write, "x", 1), 1); }
};

TEST(LoopFiber, RunsTheWorkAndAnswersWithItsResponse) {
  asio::io_context io(1);
  std::optional<Response> out;
  spawn_fiber(
      io, [] { return text("done"); }, out);
  io.run();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->status, 200);
  EXPECT_EQ(out->body, "done");
}

TEST(LoopFiber, InstallsItselfAsTheStoreWaiterOnlyWhileRunning) {
  asio::io_context io(1);
  std::optional<Response> out;
  bool installed_inside = false;
  spawn_fiber(
      io,
      [&] {
        installed_inside = store::current_waiter() != nullptr;
        return text("");
      },
      out);
  io.run();
  EXPECT_TRUE(installed_inside);
  EXPECT_EQ(store::current_waiter(), nullptr);
}

TEST(LoopFiber, ASocketWaitSuspendsTheFiberAndTheLoopServesOthersMeanwhile) {
  asio::io_context io(1);
  Pipe pipe;
  std::vector<std::string> order;
  std::optional<Response> out;
  spawn_fiber(
      io,
      [&] {
        order.push_back("fiber waits");
        const bool ready =
            store::wait_socket(pipe.read, store::Readiness::readable, store::kNoDeadline);
        order.push_back(ready ? "fiber resumed" : "fiber timed out");
        return text("");
      },
      out);
  // Runs on the loop while the fiber waits, and makes the pipe readable.
  asio::steady_timer later(io, 20ms);
  later.async_wait([&](boost::system::error_code) {
    order.push_back("loop ran");
    pipe.put();
  });
  io.run();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(order, (std::vector<std::string>{"fiber waits", "loop ran", "fiber resumed"}));
}

TEST(LoopFiber, ASocketWaitEndsAtItsDeadline) {
  asio::io_context io(1);
  Pipe pipe;  // never written
  std::optional<Response> out;
  bool ready = true;
  Clock::duration waited{};
  spawn_fiber(
      io,
      [&] {
        const auto start = Clock::now();
        ready = store::wait_socket(pipe.read, store::Readiness::readable, start + 30ms);
        waited = Clock::now() - start;
        return text("");
      },
      out);
  io.run();
  ASSERT_TRUE(out.has_value());
  EXPECT_FALSE(ready);
  EXPECT_GE(waited, 30ms);
}

TEST(LoopFiber, AWritableSocketIsReadyAtOnce) {
  asio::io_context io(1);
  Pipe pipe;
  std::optional<Response> out;
  bool ready = false;
  spawn_fiber(
      io,
      [&] {
        ready = store::wait_socket(pipe.write, store::Readiness::writable, Clock::now() + 10s);
        return text("");
      },
      out);
  io.run();
  EXPECT_TRUE(ready);
}

TEST(LoopFiber, NoSocketMeansNoWaitOnAFiberOrOffIt) {
  // A lost connection has no socket (-1): the wait ends at once, and libpq then says why.
  EXPECT_TRUE(store::wait_socket(-1, store::Readiness::readable, store::kNoDeadline));
  asio::io_context io(1);
  std::optional<Response> out;
  bool ready = false;
  spawn_fiber(
      io,
      [&] {
        ready = store::wait_socket(-1, store::Readiness::readable, store::kNoDeadline);
        return text("");
      },
      out);
  io.run();
  EXPECT_TRUE(ready);
}

TEST(LoopFiber, ASignalRaisedOnAnotherThreadResumesTheFiber) {
  asio::io_context io(1);
  std::optional<Response> out;
  bool raised = false;
  std::thread raiser;
  spawn_fiber(
      io,
      [&] {
        auto* waiter = store::current_waiter();
        auto signal = waiter->make_signal();
        raiser = std::thread([signal] {
          std::this_thread::sleep_for(20ms);
          signal->raise();
        });
        raised = waiter->wait_signal(signal, Clock::now() + 10s);
        return text("");
      },
      out);
  io.run();
  raiser.join();
  ASSERT_TRUE(out.has_value());
  EXPECT_TRUE(raised);
}

TEST(LoopFiber, ASignalRaisedBeforeTheWaitEndsItAtOnce) {
  asio::io_context io(1);
  std::optional<Response> out;
  bool raised = false;
  spawn_fiber(
      io,
      [&] {
        auto* waiter = store::current_waiter();
        auto signal = waiter->make_signal();
        signal->raise();
        raised = waiter->wait_signal(signal, store::kNoDeadline);
        return text("");
      },
      out);
  io.run();
  EXPECT_TRUE(raised);
}

TEST(LoopFiber, ASignalWaitEndsAtItsDeadlineAndALateRaiseIsHarmless) {
  asio::io_context io(1);
  std::optional<Response> out;
  bool raised = true;
  std::shared_ptr<store::Signal> kept;
  spawn_fiber(
      io,
      [&] {
        auto* waiter = store::current_waiter();
        kept = waiter->make_signal();
        raised = waiter->wait_signal(kept, Clock::now() + 20ms);
        return text("");
      },
      out);
  io.run();
  ASSERT_TRUE(out.has_value());
  EXPECT_FALSE(raised);
  kept->raise();  // the fiber is gone: nothing may happen
  io.restart();
  io.run();
}

TEST(LoopFiber, AnEscapingExceptionBecomesA500) {
  asio::io_context io(1);
  std::optional<Response> out;
  spawn_fiber(
      io, []() -> Response { throw std::runtime_error("boom"); }, out);
  io.run();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->status, 500);
}

TEST(LoopFiber, ManyFibersWaitAtOnceOnOneThread) {
  asio::io_context io(1);
  constexpr int kFibers = 200;
  std::vector<std::unique_ptr<Pipe>> pipes;
  for (int i = 0; i < kFibers; ++i) pipes.push_back(std::make_unique<Pipe>());
  std::vector<std::optional<Response>> out(kFibers);
  int waiting = 0;
  for (int i = 0; i < kFibers; ++i) {
    spawn_fiber(
        io,
        [&, i] {
          ++waiting;
          store::wait_socket(pipes[i]->read, store::Readiness::readable, store::kNoDeadline);
          return text(std::to_string(i));
        },
        out[i]);
  }
  // Once every fiber waits, wake them in reverse order.
  asio::post(io, [&] {
    EXPECT_EQ(waiting, kFibers);
    for (int i = kFibers - 1; i >= 0; --i) pipes[i]->put();
  });
  io.run();
  for (int i = 0; i < kFibers; ++i) {
    ASSERT_TRUE(out[i].has_value()) << i;
    EXPECT_EQ(out[i]->body, std::to_string(i));
  }
}

TEST(LoopFiber, ShuttingTheLoopDownWithAFiberSuspendedUnwindsIt) {
  Pipe pipe;  // never written
  bool unwound = false;
  struct SetOnExit {
    bool& flag;
    ~SetOnExit() { flag = true; }
  };
  {
    asio::io_context io(1);
    std::optional<Response> out;
    spawn_fiber(
        io,
        [&] {
          SetOnExit guard{unwound};
          store::wait_socket(pipe.read, store::Readiness::readable, store::kNoDeadline);
          return text("");
        },
        out);
    io.run_for(20ms);
    EXPECT_FALSE(out.has_value());
    EXPECT_FALSE(unwound);
  }
  EXPECT_TRUE(unwound);
}

}  // namespace
}  // namespace linkgate::server
