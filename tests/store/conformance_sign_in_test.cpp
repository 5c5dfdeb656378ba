// The store conformance suite, part 4: the sign-in steps (use_verification_token_and_get_user,
// create_user_and_session, update_user_and_create_session), on both stores and on the Store
// defaults that compose the single-row methods. They must answer exactly as the single-row
// methods they stand for (authjs-behaviour.md §1 callback steps 5-8, §4, §8), and write
// atomically. (The suite is instantiated for both stores in conformance_authjs_test.cpp.)
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

// §1 callback step 5: the row is consumed (once), with no user for a new address.
TEST_P(StoreTest, UseVerificationTokenAndGetUserConsumesOnceWithoutUser) {
  const auto expires = now_seconds() + 1h;
  ASSERT_TRUE(store_->create_verification_token(token_of("new@example.com", "h", expires)).ok());
  auto used = store_->use_verification_token_and_get_user("new@example.com", "h");
  ASSERT_TRUE(used.ok()) << describe(used);
  ASSERT_TRUE(used->has_value());
  EXPECT_EQ((*used)->token.identifier, "new@example.com");
  EXPECT_EQ((*used)->token.token, "h");
  EXPECT_EQ((*used)->token.expires, expires);
  EXPECT_FALSE((*used)->user.has_value());

  auto again = store_->use_verification_token_and_get_user("new@example.com", "h");
  ASSERT_TRUE(again.ok()) << describe(again);
  EXPECT_FALSE(again->has_value());
  auto single = store_->use_verification_token("new@example.com", "h");
  ASSERT_TRUE(single.ok()) << describe(single);
  EXPECT_FALSE(single->has_value());
}

// §4: the user the callbacks see is get_user_by_email's (the oldest of duplicates), exact match.
TEST_P(StoreTest, UseVerificationTokenAndGetUserReturnsTheStoredUser) {
  const auto now = now_seconds();
  User first = user_with_email("known@example.com");
  first.name = "First";
  first.email_verified = now - 1h;
  auto created = store_->create_user(first);
  ASSERT_TRUE(created.ok()) << describe(created);
  ASSERT_TRUE(store_->create_user(user_with_email("known@example.com")).ok());
  ASSERT_TRUE(store_->create_user(user_with_email("KNOWN@example.com")).ok());
  ASSERT_TRUE(store_->create_verification_token(token_of("known@example.com", "h", now)).ok());

  auto used = store_->use_verification_token_and_get_user("known@example.com", "h");
  ASSERT_TRUE(used.ok()) << describe(used);
  ASSERT_TRUE(used->has_value());
  ASSERT_TRUE((*used)->user.has_value());
  EXPECT_EQ((*used)->user->id, created->id);
  EXPECT_EQ((*used)->user->name, "First");
  EXPECT_EQ((*used)->user->email, "known@example.com");
  EXPECT_EQ((*used)->user->email_verified, now - 1h);
  EXPECT_FALSE((*used)->user->image.has_value());
  auto by_email = store_->get_user_by_email("known@example.com");
  ASSERT_TRUE(by_email.ok()) << describe(by_email);
  ASSERT_TRUE(by_email->has_value());
  EXPECT_EQ((*by_email)->id, (*used)->user->id);
}

// Like use_verification_token: expired rows are returned (and gone); a wrong identifier or hash
// matches nothing and consumes nothing.
TEST_P(StoreTest, UseVerificationTokenAndGetUserMatchesLikeUseVerificationToken) {
  const auto past = now_seconds() - 1h;
  ASSERT_TRUE(store_->create_verification_token(token_of("a@example.com", "old", past)).ok());
  ASSERT_TRUE(store_->create_user(user_with_email("a@example.com")).ok());
  auto wrong_hash = store_->use_verification_token_and_get_user("a@example.com", "other");
  ASSERT_TRUE(wrong_hash.ok()) << describe(wrong_hash);
  EXPECT_FALSE(wrong_hash->has_value());
  auto wrong_identifier = store_->use_verification_token_and_get_user("b@example.com", "old");
  ASSERT_TRUE(wrong_identifier.ok()) << describe(wrong_identifier);
  EXPECT_FALSE(wrong_identifier->has_value());

  auto expired = store_->use_verification_token_and_get_user("a@example.com", "old");
  ASSERT_TRUE(expired.ok()) << describe(expired);
  ASSERT_TRUE(expired->has_value());
  EXPECT_EQ((*expired)->token.expires, past);
  EXPECT_TRUE((*expired)->user.has_value());
  auto again = store_->use_verification_token("a@example.com", "old");
  ASSERT_TRUE(again.ok()) << describe(again);
  EXPECT_FALSE(again->has_value());
}

// store.hpp: of any number of concurrent consumers, exactly one gets the row.
TEST_P(StoreTest, ConcurrentUseVerificationTokenAndGetUserSucceedsExactlyOnce) {
  constexpr int kThreads = 64;
  ASSERT_TRUE(
      store_->create_verification_token(token_of("race@example.com", "h", now_seconds())).ok());
  ASSERT_TRUE(store_->create_user(user_with_email("race@example.com")).ok());
  std::latch start(kThreads);
  std::atomic<int> winners = 0;
  std::atomic<int> errors = 0;
  std::atomic<int> with_user = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      auto used = store_->use_verification_token_and_get_user("race@example.com", "h");
      if (!used.ok()) {
        ++errors;
      } else if (used->has_value()) {
        ++winners;
        if ((*used)->user.has_value()) ++with_user;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(winners.load(), 1);
  EXPECT_EQ(with_user.load(), 1);
}

// §4 first sign-in: the user (id from the store) and its session, both readable afterwards.
TEST_P(StoreTest, CreateUserAndSessionStoresBoth) {
  const auto now = now_seconds();
  User user = user_with_email("fresh@example.com");
  user.email_verified = now;
  const Session session{.session_token = "s-1", .user_id = "ignored", .expires = now + 24h};
  auto written = store_->create_user_and_session(user, session);
  ASSERT_TRUE(written.ok()) << describe(written);
  EXPECT_FALSE(written->user.id.empty());
  EXPECT_EQ(written->user.email, "fresh@example.com");
  EXPECT_EQ(written->user.email_verified, now);
  EXPECT_FALSE(written->user.name.has_value());
  EXPECT_EQ(written->session.session_token, "s-1");
  EXPECT_EQ(written->session.user_id, written->user.id);
  EXPECT_EQ(written->session.expires, now + 24h);

  auto found = store_->get_session_and_user("s-1");
  ASSERT_TRUE(found.ok()) << describe(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->session.user_id, written->user.id);
  EXPECT_EQ((*found)->session.expires, now + 24h);
  EXPECT_EQ((*found)->user.id, written->user.id);
  EXPECT_EQ((*found)->user.email_verified, now);
  auto by_email = store_->get_user_by_email("fresh@example.com");
  ASSERT_TRUE(by_email.ok()) << describe(by_email);
  ASSERT_TRUE(by_email->has_value());
  EXPECT_EQ((*by_email)->id, written->user.id);
}

// Both rows or neither: a session that cannot be stored leaves no user behind.
TEST_P(StoreTest, CreateUserAndSessionIsAtomic) {
  auto other = store_->create_user(user_with_email("other@example.com"));
  ASSERT_TRUE(other.ok()) << describe(other);
  const Session taken{.session_token = "dup", .user_id = other->id, .expires = now_seconds()};
  ASSERT_TRUE(store_->create_session(taken).ok());

  auto written = store_->create_user_and_session(user_with_email("lost@example.com"), taken);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().kind, "store");
  auto lost = store_->get_user_by_email("lost@example.com");
  ASSERT_TRUE(lost.ok()) << describe(lost);
  EXPECT_FALSE(lost->has_value());
}

// §4 returning user: emailVerified refreshed (other fields kept) and a session for that user.
TEST_P(StoreTest, UpdateUserAndCreateSessionStoresBoth) {
  const auto now = now_seconds();
  User user = user_with_email("back@example.com");
  user.name = "Back";
  user.email_verified = now - 24h;
  auto created = store_->create_user(user);
  ASSERT_TRUE(created.ok()) << describe(created);
  UserUpdate update = update_of(created->id);
  update.email_verified = now;
  const Session session{.session_token = "s-2", .user_id = "", .expires = now + 1h};

  auto written = store_->update_user_and_create_session(update, session);
  ASSERT_TRUE(written.ok()) << describe(written);
  EXPECT_EQ(written->user.id, created->id);
  EXPECT_EQ(written->user.name, "Back");
  EXPECT_EQ(written->user.email, "back@example.com");
  EXPECT_EQ(written->user.email_verified, now);
  EXPECT_EQ(written->session.session_token, "s-2");
  EXPECT_EQ(written->session.user_id, created->id);
  EXPECT_EQ(written->session.expires, now + 1h);

  auto found = store_->get_session_and_user("s-2");
  ASSERT_TRUE(found.ok()) << describe(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->user.id, created->id);
  EXPECT_EQ((*found)->user.email_verified, now);
}

// Like update_user: an unknown id is not_found, and then no session is created.
TEST_P(StoreTest, UpdateUserAndCreateSessionUnknownUserIsNotFound) {
  for (const char* id : {"00000000-0000-4000-8000-000000000000", "999999", "0", "x"}) {
    UserUpdate update = update_of(id);
    update.email_verified = now_seconds();
    const Session session{
        .session_token = std::string("s-") + id, .user_id = id, .expires = now_seconds() + 1h};
    auto written = store_->update_user_and_create_session(update, session);
    ASSERT_FALSE(written.ok()) << id;
    EXPECT_EQ(written.error().kind, "not_found") << id;
    auto found = store_->get_session_and_user(session.session_token);
    ASSERT_TRUE(found.ok()) << describe(found);
    EXPECT_FALSE(found->has_value()) << id;
  }
}

// Both or neither: a session that cannot be stored leaves the user as it was.
TEST_P(StoreTest, UpdateUserAndCreateSessionIsAtomic) {
  const auto now = now_seconds();
  User user = user_with_email("kept@example.com");
  user.email_verified = now - 24h;
  auto created = store_->create_user(user);
  ASSERT_TRUE(created.ok()) << describe(created);
  const Session taken{.session_token = "dup", .user_id = created->id, .expires = now};
  ASSERT_TRUE(store_->create_session(taken).ok());
  UserUpdate update = update_of(created->id);
  update.email_verified = now;

  auto written = store_->update_user_and_create_session(update, taken);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().kind, "store");
  auto kept = store_->get_user(created->id);
  ASSERT_TRUE(kept.ok()) << describe(kept);
  ASSERT_TRUE(kept->has_value());
  EXPECT_EQ((*kept)->email_verified, now - 24h);
}

TEST_P(StoreTest, DefaultSignInStepsComposeTheSingleRowMethods) {
  SingleRowStore store(store_);
  const auto now = now_seconds();
  ASSERT_TRUE(store.create_verification_token(token_of("d@example.com", "h", now)).ok());
  auto used = store.use_verification_token_and_get_user("d@example.com", "h");
  ASSERT_TRUE(used.ok()) << describe(used);
  ASSERT_TRUE(used->has_value());
  EXPECT_EQ((*used)->token.expires, now);
  EXPECT_FALSE((*used)->user.has_value());
  auto none = store.use_verification_token_and_get_user("d@example.com", "h");
  ASSERT_TRUE(none.ok()) << describe(none);
  EXPECT_FALSE(none->has_value());

  auto created =
      store.create_user_and_session(user_with_email("d@example.com"),
                                    {.session_token = "d-1", .user_id = "", .expires = now + 1h});
  ASSERT_TRUE(created.ok()) << describe(created);
  EXPECT_EQ(created->session.user_id, created->user.id);
  UserUpdate update = update_of(created->user.id);
  update.email_verified = now;
  auto updated = store.update_user_and_create_session(
      update, {.session_token = "d-2", .user_id = "", .expires = now + 1h});
  ASSERT_TRUE(updated.ok()) << describe(updated);
  EXPECT_EQ(updated->user.email_verified, now);
  EXPECT_EQ(updated->session.user_id, created->user.id);
  auto found = store.get_session_and_user("d-2");
  ASSERT_TRUE(found.ok()) << describe(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->user.id, created->user.id);

  ASSERT_TRUE(store.create_verification_token(token_of("d@example.com", "h2", now)).ok());
  auto known = store.use_verification_token_and_get_user("d@example.com", "h2");
  ASSERT_TRUE(known.ok()) << describe(known);
  ASSERT_TRUE(known->has_value());
  ASSERT_TRUE((*known)->user.has_value());
  EXPECT_EQ((*known)->user->id, created->user.id);
}

}  // namespace
}  // namespace linkgate::store::testing
