// Fibers of the event loop (server/loop_fiber.hpp): a request's store waits suspend only its
// fiber, wake-ups come from the socket, another thread or the deadline, and the loop keeps serving
// meanwhile.
#include "server/loop_fiber.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
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
#include <string>
#include <thread>
#include <vector>

#include "io/waiter.hpp"

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
        installed_inside = io::current_waiter() != nullptr;
        return text("");
      },
      out);
  io.run();
  EXPECT_TRUE(installed_inside);
  EXPECT_EQ(io::current_waiter(), nullptr);
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
        const bool ready = io::wait_socket(pipe.read, io::Readiness::readable, io::kNoDeadline);
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
        ready = io::wait_socket(pipe.read, io::Readiness::readable, start + 30ms);
        waited = Clock::now() - start;
        return text("");
      },
      out);
  io.run();
  ASSERT_TRUE(out.has_value());
  EXPECT_FALSE(ready);
  EXPECT_GE(waited, 30ms);
}

TEST(LoopFiber, AWritableSocketIsReadyAtOnceForWritableAndEither) {
  for (auto readiness : {io::Readiness::writable, io::Readiness::either}) {
    Pipe pipe;
    EXPECT_TRUE(io::wait_socket(pipe.write, readiness, Clock::now() + 10s));
    asio::io_context io(1);
    std::optional<Response> out;
    bool ready = false;
    spawn_fiber(
        io,
        [&] {
          ready = io::wait_socket(pipe.write, readiness, Clock::now() + 10s);
          return text("");
        },
        out);
    io.run();
    EXPECT_TRUE(ready);
  }
}

// A socket pair whose first end cannot be written to (its send buffer is full): it becomes ready
// for `either` only when the other end writes to it.
struct FullSocketPair {
  int fds[2] = {-1, -1};
  FullSocketPair() {
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    const std::vector<char> chunk(64 * 1024, 'x');
    while (::write(fds[0], chunk.data(), chunk.size()) > 0) {
    }
  }
  ~FullSocketPair() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
};

TEST(LoopFiber, AnEitherWaitEndsWhenTheSocketBecomesReadable) {
  FullSocketPair pair;
  asio::io_context io(1);
  std::vector<std::string> order;
  std::optional<Response> out;
  spawn_fiber(
      io,
      [&] {
        order.push_back("fiber waits");
        const bool ready = io::wait_socket(pair.fds[0], io::Readiness::either, Clock::now() + 10s);
        order.push_back(ready ? "fiber resumed" : "fiber timed out");
        return text("");
      },
      out);
  asio::steady_timer later(io, 20ms);
  later.async_wait([&](boost::system::error_code) {
    order.push_back("loop ran");
    EXPECT_EQ(::write(pair.fds[1], "y", 1), 1);
  });
  // io.run() returns only once no wait is left: the write half of the wait ended too.
  io.run();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(order, (std::vector<std::string>{"fiber waits", "loop ran", "fiber resumed"}));
}

TEST(LoopFiber, ASleepSuspendsOnlyTheFiber) {
  asio::io_context io(1);
  std::vector<std::string> order;
  std::optional<Response> out;
  Clock::duration slept{};
  spawn_fiber(
      io,
      [&] {
        order.push_back("fiber sleeps");
        const auto start = Clock::now();
        io::sleep_until(start + 60ms);
        slept = Clock::now() - start;
        order.push_back("fiber woke");
        return text("");
      },
      out);
  asio::steady_timer later(io, 10ms);
  later.async_wait([&](boost::system::error_code) { order.push_back("loop ran"); });
  io.run();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(order, (std::vector<std::string>{"fiber sleeps", "loop ran", "fiber woke"}));
  EXPECT_GE(slept, 60ms);
}

TEST(LoopFiber, ASleepOffAFiberBlocksTheThreadUntilItsDeadline) {
  const auto start = Clock::now();
  io::sleep_until(start + 30ms);
  EXPECT_GE(Clock::now() - start, 30ms);
}

TEST(LoopFiber, NoSocketMeansNoWaitOnAFiberOrOffIt) {
  // A lost connection has no socket (-1): the wait ends at once, and libpq then says why.
  EXPECT_TRUE(io::wait_socket(-1, io::Readiness::readable, io::kNoDeadline));
  asio::io_context io(1);
  std::optional<Response> out;
  bool ready = false;
  spawn_fiber(
      io,
      [&] {
        ready = io::wait_socket(-1, io::Readiness::readable, io::kNoDeadline);
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
        auto* waiter = io::current_waiter();
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
        auto* waiter = io::current_waiter();
        auto signal = waiter->make_signal();
        signal->raise();
        raised = waiter->wait_signal(signal, io::kNoDeadline);
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
  std::shared_ptr<io::Signal> kept;
  spawn_fiber(
      io,
      [&] {
        auto* waiter = io::current_waiter();
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
          io::wait_socket(pipes[i]->read, io::Readiness::readable, io::kNoDeadline);
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
          io::wait_socket(pipe.read, io::Readiness::readable, io::kNoDeadline);
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
