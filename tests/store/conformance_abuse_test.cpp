// The store conformance suite, part 3: what rate limits (SPEC B1), one-time codes (SPEC B3) and
// voiding older links (SPEC B4) need of a store, on both stores. The concurrency tests are the
// store-level halves of attack-cases #15 and #17 (atomic consumption, atomic attempt counting).
// (The suite is instantiated for both stores in conformance_authjs_test.cpp.)
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "store_fixture.hpp"

namespace linkgate::store::testing {
namespace {

using namespace std::chrono_literals;

OneTimeCode code_for(const std::string& identifier, const std::string& code_hash,
                     const std::string& link_hash, TimePoint expires) {
  return OneTimeCode{.identifier = identifier,
                     .code_hash = code_hash,
                     .link_token_hash = link_hash,
                     .expires = expires};
}

TEST_P(StoreTest, CountHitCountsWithinAWindowAndStartsOverAfterIt) {
  const TimePoint t0 = now_seconds();
  for (int i = 1; i <= 3; ++i) {
    auto hit = store_->count_hit("ip:192.0.2.1", t0 + std::chrono::seconds(i), 60s);
    ASSERT_TRUE(hit.ok()) << hit.error().message;
    EXPECT_EQ(hit->hits, i);
    // The window opened at the first hit and keeps its end.
    EXPECT_EQ(hit->resets_at, t0 + 1s + 60s);
  }
  // Another key has its own window.
  auto other = store_->count_hit("ip:192.0.2.2", t0 + 2s, 60s);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->hits, 1);
  // At the window's end a new one opens, counting from 1.
  auto next = store_->count_hit("ip:192.0.2.1", t0 + 61s, 60s);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->hits, 1);
  EXPECT_EQ(next->resets_at, t0 + 121s);
}

TEST_P(StoreTest, ConcurrentHitsAreAllCounted) {
  constexpr int kThreads = 32;
  const TimePoint t0 = now_seconds();
  std::latch start(kThreads);
  std::atomic<int> errors = 0;
  std::vector<std::int64_t> seen(kThreads, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto hit = store_->count_hit("global:send", t0, 60s);
      if (!hit.ok()) {
        ++errors;
        return;
      }
      seen[static_cast<std::size_t>(i)] = hit->hits;
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(errors.load(), 0);
  // Every caller saw a different count: 1..kThreads, each exactly once.
  std::sort(seen.begin(), seen.end());
  for (int i = 0; i < kThreads; ++i) EXPECT_EQ(seen[static_cast<std::size_t>(i)], i + 1);
}

TEST_P(StoreTest, OneTimeCodeIsUsedOnceAndBoundToItsIdentifier) {
  const TimePoint expires = now_seconds() + 1h;
  ASSERT_TRUE(store_->create_one_time_code(code_for("a@x.test", "c1", "l1", expires)).ok());
  // The right code with another identifier does not match.
  auto other = store_->use_one_time_code("b@x.test", "c1", 5);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
  auto used = store_->use_one_time_code("a@x.test", "c1", 5);
  ASSERT_TRUE(used.ok()) << used.error().message;
  ASSERT_TRUE(used->has_value());
  EXPECT_EQ((*used)->identifier, "a@x.test");
  EXPECT_EQ((*used)->link_token_hash, "l1");
  EXPECT_EQ((*used)->expires, expires);
  auto again = store_->use_one_time_code("a@x.test", "c1", 5);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
}

TEST_P(StoreTest, OneTimeCodeIsVoidAfterMaxWrongAttempts) {
  ASSERT_TRUE(
      store_->create_one_time_code(code_for("a@x.test", "right", "l1", now_seconds() + 1h)).ok());
  // Four wrong tries; the fifth attempt (the right code) is still within the limit.
  for (int i = 0; i < 4; ++i) {
    auto wrong = store_->use_one_time_code("a@x.test", "wrong", 5);
    ASSERT_TRUE(wrong.ok());
    EXPECT_FALSE(wrong->has_value());
  }
  auto fifth = store_->use_one_time_code("a@x.test", "right", 5);
  ASSERT_TRUE(fifth.ok());
  EXPECT_TRUE(fifth->has_value());

  ASSERT_TRUE(
      store_->create_one_time_code(code_for("b@x.test", "right", "l2", now_seconds() + 1h)).ok());
  for (int i = 0; i < 5; ++i) {
    auto wrong = store_->use_one_time_code("b@x.test", "wrong", 5);
    ASSERT_TRUE(wrong.ok());
    EXPECT_FALSE(wrong->has_value());
  }
  // Five wrong tries: the code is void, the right one no longer works.
  auto late = store_->use_one_time_code("b@x.test", "right", 5);
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->has_value());
}

// What `threads` simultaneous attempts to redeem `code` of race@x.test came to.
struct RaceOutcome {
  int errors = 0;
  int winners = 0;
};

RaceOutcome race_to_redeem(Store& store, const std::string& code, int threads) {
  std::latch start(threads);
  std::atomic<int> errors = 0;
  std::atomic<int> winners = 0;
  std::vector<std::thread> racers;
  for (int i = 0; i < threads; ++i) {
    racers.emplace_back([&] {
      start.arrive_and_wait();
      auto attempt = store.use_one_time_code("race@x.test", code, 5);
      if (!attempt.ok()) {
        ++errors;
      } else if (attempt->has_value()) {
        ++winners;
      }
    });
  }
  for (auto& racer : racers) racer.join();
  return {errors.load(), winners.load()};
}

TEST_P(StoreTest, ConcurrentWrongAttemptsAreCountedAtomically) {
  ASSERT_TRUE(
      store_->create_one_time_code(code_for("race@x.test", "right", "l", now_seconds() + 1h)).ok());
  const RaceOutcome outcome = race_to_redeem(*store_, "wrong", 24);
  EXPECT_EQ(outcome.errors, 0);
  EXPECT_EQ(outcome.winners, 0);
  // Every one of the wrong attempts counted: the right code is void now.
  auto late = store_->use_one_time_code("race@x.test", "right", 5);
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->has_value());
}

TEST_P(StoreTest, ConcurrentRightAttemptsSucceedExactlyOnce) {
  ASSERT_TRUE(
      store_->create_one_time_code(code_for("race@x.test", "right", "l", now_seconds() + 1h)).ok());
  const RaceOutcome outcome = race_to_redeem(*store_, "right", 24);
  EXPECT_EQ(outcome.errors, 0);
  EXPECT_EQ(outcome.winners, 1);
}

TEST_P(StoreTest, CodesAndLinksAreKeptApart) {
  const TimePoint expires = now_seconds() + 1h;
  ASSERT_TRUE(
      store_
          ->create_verification_token({.identifier = "a@x.test", .token = "h", .expires = expires})
          .ok());
  ASSERT_TRUE(store_->create_one_time_code(code_for("a@x.test", "k", "h", expires)).ok());
  // A link hash is not a code, a code hash is not a link.
  auto as_code = store_->use_one_time_code("a@x.test", "h", 5);
  ASSERT_TRUE(as_code.ok());
  EXPECT_FALSE(as_code->has_value());
  auto as_link = store_->use_verification_token("a@x.test", "k");
  ASSERT_TRUE(as_link.ok());
  EXPECT_FALSE(as_link->has_value());
  // Deleting the codes of a link leaves the link.
  ASSERT_TRUE(store_->delete_one_time_codes_of_link("h").ok());
  auto code = store_->use_one_time_code("a@x.test", "k", 5);
  ASSERT_TRUE(code.ok());
  EXPECT_FALSE(code->has_value());
  auto link = store_->use_verification_token("a@x.test", "h");
  ASSERT_TRUE(link.ok());
  EXPECT_TRUE(link->has_value());
}

TEST_P(StoreTest, DeleteVerificationTokensVoidsOnlyThatIdentifier) {
  const TimePoint expires = now_seconds() + 1h;
  for (const char* token : {"h1", "h2"}) {
    ASSERT_TRUE(store_
                    ->create_verification_token(
                        {.identifier = "a@x.test", .token = token, .expires = expires})
                    .ok());
  }
  ASSERT_TRUE(
      store_
          ->create_verification_token({.identifier = "b@x.test", .token = "h3", .expires = expires})
          .ok());
  ASSERT_TRUE(store_->create_one_time_code(code_for("a@x.test", "k1", "h1", expires)).ok());
  ASSERT_TRUE(store_->create_one_time_code(code_for("b@x.test", "k3", "h3", expires)).ok());

  auto deleted = store_->delete_verification_tokens("a@x.test");
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_EQ(*deleted, 2);
  for (const char* token : {"h1", "h2"}) {
    auto gone = store_->use_verification_token("a@x.test", token);
    ASSERT_TRUE(gone.ok());
    EXPECT_FALSE(gone->has_value());
  }
  auto gone_code = store_->use_one_time_code("a@x.test", "k1", 5);
  ASSERT_TRUE(gone_code.ok());
  EXPECT_FALSE(gone_code->has_value());
  auto kept = store_->use_verification_token("b@x.test", "h3");
  ASSERT_TRUE(kept.ok());
  EXPECT_TRUE(kept->has_value());
  auto kept_code = store_->use_one_time_code("b@x.test", "k3", 5);
  ASSERT_TRUE(kept_code.ok());
  EXPECT_TRUE(kept_code->has_value());
}

TEST_P(StoreTest, DeleteExpiredSweepsCodesAndClosedWindows) {
  const TimePoint now = now_seconds();
  ASSERT_TRUE(store_->create_one_time_code(code_for("a@x.test", "old", "l1", now - 1s)).ok());
  ASSERT_TRUE(store_->create_one_time_code(code_for("a@x.test", "new", "l2", now + 1h)).ok());
  ASSERT_TRUE(store_->count_hit("closed", now - 2min, 60s).ok());
  ASSERT_TRUE(store_->count_hit("open", now, 60s).ok());

  auto swept = store_->delete_expired(now);
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_EQ(swept->one_time_codes, 1);
  EXPECT_EQ(swept->rate_windows, 1);
  // The open window kept its count.
  auto open = store_->count_hit("open", now + 1s, 60s);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->hits, 2);
  auto live = store_->use_one_time_code("a@x.test", "new", 5);
  ASSERT_TRUE(live.ok());
  EXPECT_TRUE(live->has_value());
}

}  // namespace
}  // namespace linkgate::store::testing
