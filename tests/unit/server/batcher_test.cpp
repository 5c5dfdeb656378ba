// io::Batcher: concurrent calls are gathered into batches run by one of their callers, on threads
// that block and on fibers of an event loop that suspend.
#include "io/batcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <latch>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "io/waiter.hpp"
#include "server/loop_fiber.hpp"

namespace linkgate::io {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

struct Call {
  int key = 0;
  int input = 0;
  std::optional<int> result;
  int runs = 0;  // how many batches ran it
};

Call call_of(int key, int input) {
  Call call;
  call.key = key;
  call.input = input;
  return call;
}

bool same_key(const Call& a, const Call& b) {
  return a.key == b.key;
}

// What the batches did, recorded by the run_batch below.
struct Record {
  std::mutex mutex;
  std::vector<std::vector<int>> batches;  // the inputs of each batch
  std::atomic<int> running = 0;
  std::atomic<int> most_running = 0;
};

// Squares every input; `hold` keeps the batch running that long (a wait through io::sleep_until,
// so a fiber suspends).
auto squaring(Record& record, std::chrono::milliseconds hold) {
  return [&record, hold](std::span<Call* const> batch) {
    const int now_running = ++record.running;
    int most = record.most_running.load();
    while (now_running > most && !record.most_running.compare_exchange_weak(most, now_running)) {
    }
    std::vector<int> inputs;
    for (Call* call : batch) {
      inputs.push_back(call->input);
      call->result = call->input * call->input;
      ++call->runs;
    }
    if (hold.count() > 0) sleep_until(std::chrono::steady_clock::now() + hold);
    {
      std::lock_guard lock(record.mutex);
      record.batches.push_back(std::move(inputs));
    }
    --record.running;
  };
}

TEST(Batcher, ALoneCallRunsAtOnceInABatchOfItsOwn) {
  Batcher<Call> batcher(1, 8, same_key);
  Record record;
  Call call = call_of(1, 7);
  batcher.run(call, squaring(record, 0ms));
  EXPECT_EQ(call.result, 49);
  EXPECT_EQ(call.runs, 1);
  ASSERT_EQ(record.batches.size(), 1u);
  EXPECT_EQ(record.batches[0], std::vector<int>{7});
  // The place is free again: a second lone call runs at once as well.
  Call second = call_of(1, 3);
  batcher.run(second, squaring(record, 0ms));
  EXPECT_EQ(second.result, 9);
}

// Threads that arrive while a batch runs wait and go together into later batches, never more than
// max_batch at a time nor more than max_in_flight batches at once; every call runs exactly once.
TEST(Batcher, ThreadsArrivingDuringABatchShareTheNextOnes) {
  constexpr int kThreads = 40;
  constexpr std::size_t kMaxBatch = 8;
  Batcher<Call> batcher(2, kMaxBatch, same_key);
  Record record;
  std::vector<Call> calls(kThreads);
  std::latch go(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    calls[i] = call_of(i, i);
    threads.emplace_back([&, i] {
      go.arrive_and_wait();
      batcher.run(calls[i], squaring(record, 20ms));
    });
  }
  for (auto& thread : threads) thread.join();
  std::size_t total = 0;
  for (const auto& batch : record.batches) {
    EXPECT_LE(batch.size(), kMaxBatch);
    total += batch.size();
  }
  EXPECT_EQ(total, static_cast<std::size_t>(kThreads));
  EXPECT_LT(record.batches.size(), static_cast<std::size_t>(kThreads));  // some were gathered
  EXPECT_LE(record.most_running.load(), 2);
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_EQ(calls[i].result, i * i) << i;
    EXPECT_EQ(calls[i].runs, 1) << i;
  }
}

// Calls that conflict never share a batch, and none is lost while it waits its turn.
TEST(Batcher, ConflictingCallsGoIntoSeparateBatches) {
  constexpr int kThreads = 24;
  Batcher<Call> batcher(1, 16, same_key);
  Record record;
  std::vector<Call> calls(kThreads);
  std::latch go(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    calls[i] = call_of(i % 3, i);  // three keys
    threads.emplace_back([&, i] {
      go.arrive_and_wait();
      batcher.run(calls[i], squaring(record, 5ms));
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& batch : record.batches) {
    EXPECT_LE(batch.size(), 3u);
    for (std::size_t a = 0; a < batch.size(); ++a) {
      for (std::size_t b = a + 1; b < batch.size(); ++b) {
        EXPECT_NE(batch[a] % 3, batch[b] % 3);
      }
    }
  }
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_EQ(calls[i].result, i * i) << i;
    EXPECT_EQ(calls[i].runs, 1) << i;
  }
}

asio::awaitable<void> fiber_into(std::function<Response()> work, std::optional<Response>* out) {
  *out = co_await server::run_on_loop_fiber(std::move(work));
}

asio::awaitable<void> tick(asio::io_context& io, std::atomic<bool>& done, int& ticks) {
  asio::steady_timer timer(io);
  while (!done) {
    timer.expires_after(2ms);
    co_await timer.async_wait(asio::use_awaitable);
    ++ticks;
  }
}

// On fibers of one loop thread, a queued call suspends its fiber (the loop keeps running other
// work) and is woken when its batch is done.
TEST(Batcher, FibersOfOneLoopWaitWithoutBlockingIt) {
  constexpr int kFibers = 16;
  Batcher<Call> batcher(1, 32, same_key);
  Record record;
  asio::io_context io(1);
  std::vector<Call> calls(kFibers);
  std::vector<std::optional<Response>> out(kFibers);
  std::atomic<bool> done = false;
  int finished = 0;
  int ticks = 0;
  for (int f = 0; f < kFibers; ++f) {
    calls[f] = call_of(f, f);
    auto work = [&, f]() -> Response {
      batcher.run(calls[f], squaring(record, 30ms));
      if (++finished == kFibers) done = true;
      return Response{};
    };
    asio::co_spawn(io, fiber_into(work, &out[f]), asio::detached);
  }
  asio::co_spawn(io, tick(io, done, ticks), asio::detached);
  io.run();
  for (int f = 0; f < kFibers; ++f) {
    ASSERT_TRUE(out[f].has_value()) << f;
    EXPECT_EQ(calls[f].result, f * f) << f;
    EXPECT_EQ(calls[f].runs, 1) << f;
  }
  // The first fiber led a batch of its own; the other fifteen queued while it ran and went
  // together into the next.
  ASSERT_EQ(record.batches.size(), 2u);
  EXPECT_EQ(record.batches[0].size(), 1u);
  EXPECT_EQ(record.batches[1].size(), static_cast<std::size_t>(kFibers - 1));
  EXPECT_GE(ticks, 10);  // two 30 ms batches: the loop ran its timer meanwhile
}

}  // namespace
}  // namespace linkgate::io
