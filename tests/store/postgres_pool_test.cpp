// The PostgreSQL connection pool (store/postgres/connection_pool.hpp) under contention: a caller
// waits at most the acquire timeout, waiting callers are served in the order they came, and a
// released connection goes straight to the first of them.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/connection_pool.hpp"
#include "support/postgres_test_db.hpp"

namespace linkgate::store::postgres {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

ConnectSettings cluster_settings() {
  auto settings = parse_connect_settings(linkgate::testing::postgres_cluster_url(), 3s);
  EXPECT_TRUE(settings.ok());
  return settings ? *settings : ConnectSettings{};
}

TEST(PostgresPool, ACallerGivesUpAtTheAcquireTimeoutWhenEveryConnectionIsBusy) {
  ConnectionPool pool(cluster_settings(), 1, 150ms);
  auto held = pool.acquire();
  ASSERT_TRUE(held.ok()) << held.error().message;

  const auto start = Clock::now();
  std::optional<Result<ConnectionPool::Lease>> other;
  std::thread([&] { other.emplace(pool.acquire()); }).join();
  const auto waited = Clock::now() - start;
  ASSERT_TRUE(other.has_value());
  ASSERT_FALSE(other->ok());
  EXPECT_EQ(other->error().kind, "unavailable");
  EXPECT_NE(other->error().message.find("DATABASE_POOL_SIZE"), std::string::npos);
  EXPECT_GE(waited, 150ms);

  // Released, the connection serves the next caller at once.
  { auto released = std::move(*held); }
  auto again = pool.acquire();
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE((*again)->run_script("SELECT 1", "test").ok());
}

TEST(PostgresPool, WaitingCallersAreServedInTheOrderTheyCame) {
  ConnectionPool pool(cluster_settings(), 1, 10s);
  std::optional<ConnectionPool::Lease> held;
  {
    auto first = pool.acquire();
    ASSERT_TRUE(first.ok()) << first.error().message;
    held.emplace(std::move(*first));
  }
  std::mutex mutex;
  std::vector<int> served;
  std::vector<std::thread> callers;
  for (int i = 0; i < 4; ++i) {
    callers.emplace_back([&, i] {
      auto lease = pool.acquire();
      std::lock_guard lock(mutex);
      served.push_back(lease.ok() ? i : -1);
    });
    std::this_thread::sleep_for(50ms);  // so that each one queues before the next comes
  }
  held.reset();
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(served, (std::vector<int>{0, 1, 2, 3}));
}

}  // namespace
}  // namespace linkgate::store::postgres
