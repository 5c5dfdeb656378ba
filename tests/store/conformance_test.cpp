// The store conformance suite, part 2: linkgate's own requirements, beyond the Auth.js adapter
// suite, on both stores: concurrency (64 threads consume one token, exactly one gets it), the
// expiry sweep, millisecond UTC timestamps, non-ASCII and 254-character emails, the dev outbox.
// (The suite is instantiated for both stores in conformance_authjs_test.cpp.)
#include <gtest/gtest.h>

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

TimePoint at_ms(std::int64_t ms) {
  return TimePoint(std::chrono::milliseconds(ms));
}

// store.hpp: of any number of concurrent calls with the same arguments, exactly one gets the row.
TEST_P(StoreTest, ConcurrentUseVerificationTokenSucceedsExactlyOnce) {
  constexpr int kThreads = 64;
  ASSERT_TRUE(store_
                  ->create_verification_token(
                      {.identifier = "race@example.com", .token = "h", .expires = now_seconds()})
                  .ok());
  std::latch start(kThreads);
  std::atomic<int> winners = 0;
  std::atomic<int> errors = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      auto used = store_->use_verification_token("race@example.com", "h");
      if (!used.ok()) {
        ++errors;
      } else if (used->has_value()) {
        ++winners;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(winners.load(), 1);
}

TEST_P(StoreTest, ConcurrentWritersAndReadersAllSucceed) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 40;
  std::latch start(kThreads);
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        // Built with append: GCC 12's -Wrestrict misfires on `"literal" + std::string` at -O2.
        std::string email = std::to_string(t);
        email.append("-").append(std::to_string(i)).append("@x.test");
        auto user = store_->create_user(user_with_email(email));
        if (!user.ok()) {
          ++failures;
          continue;
        }
        const std::string token = "s-" + user->id;
        auto session = store_->create_session(
            {.session_token = token, .user_id = user->id, .expires = now_seconds() + 1h});
        auto found = store_->get_session_and_user(token);
        if (!session.ok() || !found.ok() || !found->has_value() || (*found)->user.email != email) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_P(StoreTest, DeleteExpiredSweepsOnlyExpiredRows) {
  const auto now = now_seconds();
  auto user = store_->create_user(user_with_email("a@example.com"));
  ASSERT_TRUE(user.ok()) << describe(user);
  for (const auto& [token, expires] : {std::pair{"old-1", now - 1h}, std::pair{"old-2", now - 1ms},
                                       std::pair{"edge", now}, std::pair{"new", now + 1h}}) {
    ASSERT_TRUE(store_
                    ->create_verification_token(
                        {.identifier = "a@example.com", .token = token, .expires = expires})
                    .ok());
    ASSERT_TRUE(
        store_->create_session({.session_token = token, .user_id = user->id, .expires = expires})
            .ok());
  }

  auto swept = store_->delete_expired(now);
  ASSERT_TRUE(swept.ok()) << describe(swept);
  EXPECT_EQ(swept->verification_tokens, 2);
  EXPECT_EQ(swept->sessions, 2);

  for (const char* token : {"old-1", "old-2"}) {
    auto found = store_->get_session_and_user(token);
    ASSERT_TRUE(found.ok()) << describe(found);
    EXPECT_FALSE(found->has_value()) << token;
    auto used = store_->use_verification_token("a@example.com", token);
    ASSERT_TRUE(used.ok()) << describe(used);
    EXPECT_FALSE(used->has_value()) << token;
  }
  // "Before now": a row expiring exactly now survives, as does a future one.
  for (const char* token : {"edge", "new"}) {
    auto found = store_->get_session_and_user(token);
    ASSERT_TRUE(found.ok()) << describe(found);
    EXPECT_TRUE(found->has_value()) << token;
    auto used = store_->use_verification_token("a@example.com", token);
    ASSERT_TRUE(used.ok()) << describe(used);
    EXPECT_TRUE(used->has_value()) << token;
  }

  auto again = store_->delete_expired(now);
  ASSERT_TRUE(again.ok()) << describe(again);
  EXPECT_EQ(again->verification_tokens, 0);
  EXPECT_EQ(again->sessions, 0);
}

TEST_P(StoreTest, TimestampsRoundTripWithMillisecondPrecision) {
  for (const auto time : {at_ms(1'700'000'000'123), at_ms(1), at_ms(0), at_ms(-86'400'001),
                          at_ms(32'503'680'000'999)}) {
    const std::string label = std::to_string(time.time_since_epoch().count());
    User input = user_with_email(label + "@time.test");
    input.email_verified = time;
    auto user = store_->create_user(input);
    ASSERT_TRUE(user.ok()) << describe(user);
    EXPECT_EQ(user->email_verified, time) << label;
    auto read = store_->get_user(user->id);
    ASSERT_TRUE(read.ok() && read->has_value()) << describe(read);
    EXPECT_EQ((*read)->email_verified, time) << label;

    ASSERT_TRUE(
        store_->create_session({.session_token = label, .user_id = user->id, .expires = time})
            .ok());
    auto session = store_->get_session_and_user(label);
    ASSERT_TRUE(session.ok() && session->has_value()) << describe(session);
    EXPECT_EQ((*session)->session.expires, time) << label;

    ASSERT_TRUE(
        store_->create_verification_token({.identifier = label, .token = "t", .expires = time})
            .ok());
    auto token = store_->use_verification_token(label, "t");
    ASSERT_TRUE(token.ok() && token->has_value()) << describe(token);
    EXPECT_EQ((*token)->expires, time) << label;

    OutboxMessage message;
    message.created_at = time;
    message.to = label;
    ASSERT_TRUE(store_->add_outbox_message(message).ok());
    auto listed = store_->list_outbox_messages(1);
    ASSERT_TRUE(listed.ok() && listed->size() == 1u) << describe(listed);
    EXPECT_EQ(listed->front().created_at, time) << label;
  }
}

TEST_P(StoreTest, NonAsciiAndLongEmailsRoundTrip) {
  // 64-character local part, 254 characters in all (the RFC 5321 path limit).
  std::string long_email = std::string(64, 'l') + "@" + std::string(63, 'a') + "." +
                           std::string(63, 'b') + "." + std::string(61, 'c');
  ASSERT_EQ(long_email.size(), 254u);
  for (const std::string& email :
       {std::string("jürgen.müller@exämple.de"), std::string("用户@例子.广告"),
        std::string("почта@пример.рф"), std::string("🙂@emoji.test"), long_email}) {
    User input = user_with_email(email);
    // users.name is VARCHAR(255) in Auth.js's pg schema: the name stays within it.
    input.name = "Name of " + email.substr(0, 200);
    auto user = store_->create_user(input);
    ASSERT_TRUE(user.ok()) << describe(user);
    EXPECT_EQ(user->email, email);

    auto found = store_->get_user_by_email(email);
    ASSERT_TRUE(found.ok() && found->has_value()) << describe(found) << " " << email;
    EXPECT_EQ((*found)->id, user->id);
    EXPECT_EQ((*found)->email, email);
    EXPECT_EQ((*found)->name, "Name of " + email.substr(0, 200));

    ASSERT_TRUE(
        store_->create_verification_token({.identifier = email, .token = "t", .expires = {}}).ok());
    auto token = store_->use_verification_token(email, "t");
    ASSERT_TRUE(token.ok() && token->has_value()) << describe(token);
    EXPECT_EQ((*token)->identifier, email);
  }
}

OutboxMessage outbox_message(int n) {
  OutboxMessage message;
  message.created_at = at_ms(1'700'000'000'000 + n);
  message.to = "to" + std::to_string(n) + "@example.com";
  message.from = "linkgate@example.com";
  message.subject = "Sign in to example.com";
  message.text = "text " + std::to_string(n);
  message.html = "<p>html " + std::to_string(n) + "</p>";
  message.url = "http://localhost:3000/auth/callback/outbox?token=" + std::to_string(n);
  message.provider = "outbox";
  return message;
}

TEST_P(StoreTest, OutboxListsNewestFirstWithLimit) {
  auto empty = store_->list_outbox_messages(10);
  ASSERT_TRUE(empty.ok()) << describe(empty);
  EXPECT_TRUE(empty->empty());

  std::vector<std::int64_t> ids;
  for (int n = 0; n < 5; ++n) {
    auto id = store_->add_outbox_message(outbox_message(n));
    ASSERT_TRUE(id.ok()) << describe(id);
    if (!ids.empty()) {
      EXPECT_GT(*id, ids.back());
    }
    ids.push_back(*id);
  }

  auto listed = store_->list_outbox_messages(3);
  ASSERT_TRUE(listed.ok()) << describe(listed);
  ASSERT_EQ(listed->size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const int n = 4 - i;
    const auto expected = outbox_message(n);
    const auto& message = (*listed)[i];
    EXPECT_EQ(message.id, ids[n]);
    EXPECT_EQ(message.created_at, expected.created_at);
    EXPECT_EQ(message.to, expected.to);
    EXPECT_EQ(message.from, expected.from);
    EXPECT_EQ(message.subject, expected.subject);
    EXPECT_EQ(message.text, expected.text);
    EXPECT_EQ(message.html, expected.html);
    EXPECT_EQ(message.url, expected.url);
    EXPECT_EQ(message.provider, expected.provider);
  }

  auto all = store_->list_outbox_messages(100);
  ASSERT_TRUE(all.ok()) << describe(all);
  EXPECT_EQ(all->size(), 5u);
  auto none = store_->list_outbox_messages(0);
  ASSERT_TRUE(none.ok()) << describe(none);
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace linkgate::store::testing
