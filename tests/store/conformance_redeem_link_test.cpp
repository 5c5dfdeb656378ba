// The store conformance suite, part 5: Store::redeem_link, a whole magic-link sign-in in one
// store call. It must leave the store exactly as use_verification_token_and_get_user followed by
// create_user_and_session or update_user_and_create_session would (authjs-behaviour.md §1
// callback steps 5-8, §4), on both stores and on the Store default that composes the single-row
// methods. (The suite is instantiated for both stores in conformance_authjs_test.cpp.)
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store_fixture.hpp"

namespace linkgate::store::testing {
namespace {

using namespace std::chrono_literals;

Session session_named(std::string token, TimePoint expires) {
  return Session{.session_token = std::move(token), .user_id = "ignored", .expires = expires};
}

// A first sign-in: the token consumed once, the user created with the address and
// emailVerified = now, its session stored for it.
void check_new_address(Store& store) {
  const auto now = now_seconds();
  ASSERT_TRUE(store.create_verification_token(token_of("new@example.com", "h", now + 1h)).ok());
  User candidate = user_with_email("candidate@elsewhere.example");
  auto redeemed =
      store.redeem_link("new@example.com", "h", now, candidate, session_named("s-new", now + 30h));
  ASSERT_TRUE(redeemed.ok()) << describe(redeemed);
  ASSERT_TRUE(redeemed->token.has_value());
  EXPECT_EQ(redeemed->token->identifier, "new@example.com");
  EXPECT_EQ(redeemed->token->token, "h");
  EXPECT_EQ(redeemed->token->expires, now + 1h);
  EXPECT_TRUE(redeemed->is_new_user);
  ASSERT_TRUE(redeemed->signed_in.has_value());
  const User& user = redeemed->signed_in->user;
  EXPECT_EQ(user.email, "new@example.com");
  EXPECT_EQ(user.email_verified, now);
  EXPECT_FALSE(user.id.empty());
  EXPECT_EQ(redeemed->signed_in->session.session_token, "s-new");
  EXPECT_EQ(redeemed->signed_in->session.user_id, user.id);
  EXPECT_EQ(redeemed->signed_in->session.expires, now + 30h);

  auto by_email = store.get_user_by_email("new@example.com");
  ASSERT_TRUE(by_email.ok()) << describe(by_email);
  ASSERT_TRUE(by_email->has_value());
  EXPECT_EQ((*by_email)->id, user.id);
  EXPECT_EQ((*by_email)->email_verified, now);
  auto session = store.get_session_and_user("s-new");
  ASSERT_TRUE(session.ok()) << describe(session);
  ASSERT_TRUE(session->has_value());
  EXPECT_EQ((*session)->user.id, user.id);
  EXPECT_EQ((*session)->session.expires, now + 30h);

  // Single use: the same link again matches nothing and writes nothing.
  auto again =
      store.redeem_link("new@example.com", "h", now, candidate, session_named("s-again", now + 1h));
  ASSERT_TRUE(again.ok()) << describe(again);
  EXPECT_FALSE(again->token.has_value());
  EXPECT_FALSE(again->signed_in.has_value());
  auto no_session = store.get_session_and_user("s-again");
  ASSERT_TRUE(no_session.ok()) << describe(no_session);
  EXPECT_FALSE(no_session->has_value());
}

// A returning address: the oldest user with that exact email gets emailVerified = now (its
// other fields kept) and the session; no user is created.
void check_known_address(Store& store) {
  const auto now = now_seconds();
  User first = user_with_email("known@example.com");
  first.name = "First";
  first.email_verified = now - 48h;
  auto oldest = store.create_user(first);
  ASSERT_TRUE(oldest.ok()) << describe(oldest);
  auto newer = store.create_user(user_with_email("known@example.com"));
  ASSERT_TRUE(newer.ok()) << describe(newer);
  ASSERT_TRUE(store.create_user(user_with_email("KNOWN@example.com")).ok());
  ASSERT_TRUE(store.create_verification_token(token_of("known@example.com", "k", now)).ok());

  auto redeemed = store.redeem_link("known@example.com", "k", now, user_with_email("x@y.example"),
                                    session_named("s-known", now + 1h));
  ASSERT_TRUE(redeemed.ok()) << describe(redeemed);
  ASSERT_TRUE(redeemed->token.has_value());
  EXPECT_FALSE(redeemed->is_new_user);
  ASSERT_TRUE(redeemed->signed_in.has_value());
  EXPECT_EQ(redeemed->signed_in->user.id, oldest->id);
  EXPECT_EQ(redeemed->signed_in->user.name, std::optional<std::string>("First"));
  EXPECT_EQ(redeemed->signed_in->user.email_verified, now);
  EXPECT_EQ(redeemed->signed_in->session.user_id, oldest->id);

  auto kept_newer = store.get_user(newer->id);
  ASSERT_TRUE(kept_newer.ok()) << describe(kept_newer);
  ASSERT_TRUE(kept_newer->has_value());
  EXPECT_EQ((*kept_newer)->email_verified, std::nullopt);
  auto session = store.get_session_and_user("s-known");
  ASSERT_TRUE(session.ok()) << describe(session);
  ASSERT_TRUE(session->has_value());
  EXPECT_EQ((*session)->user.id, oldest->id);
}

// An expired link is consumed (Auth.js: a leaked expired link cannot be retried) and signs
// nobody in: no user, no session, no emailVerified change.
void check_expired(Store& store) {
  const auto now = now_seconds();
  ASSERT_TRUE(store.create_verification_token(token_of("late@example.com", "e", now - 1s)).ok());
  auto redeemed = store.redeem_link("late@example.com", "e", now, user_with_email("late@x.example"),
                                    session_named("s-late", now + 1h));
  ASSERT_TRUE(redeemed.ok()) << describe(redeemed);
  ASSERT_TRUE(redeemed->token.has_value());
  EXPECT_EQ(redeemed->token->expires, now - 1s);
  EXPECT_FALSE(redeemed->signed_in.has_value());
  auto user = store.get_user_by_email("late@example.com");
  ASSERT_TRUE(user.ok()) << describe(user);
  EXPECT_FALSE(user->has_value());
  auto session = store.get_session_and_user("s-late");
  ASSERT_TRUE(session.ok()) << describe(session);
  EXPECT_FALSE(session->has_value());
  auto gone = store.use_verification_token("late@example.com", "e");
  ASSERT_TRUE(gone.ok()) << describe(gone);
  EXPECT_FALSE(gone->has_value());
}

// Identifier AND hash must both match, exactly; a miss consumes and writes nothing.
void check_mismatch(Store& store) {
  const auto now = now_seconds();
  ASSERT_TRUE(store.create_verification_token(token_of("m@example.com", "right", now + 1h)).ok());
  for (auto [identifier, hash] :
       {std::pair{"m@example.com", "wrong"}, std::pair{"M@example.com", "right"},
        std::pair{"other@example.com", "right"}}) {
    auto redeemed = store.redeem_link(identifier, hash, now, user_with_email("m@x.example"),
                                      session_named("s-miss", now + 1h));
    ASSERT_TRUE(redeemed.ok()) << describe(redeemed);
    EXPECT_FALSE(redeemed->token.has_value()) << identifier << " " << hash;
    EXPECT_FALSE(redeemed->signed_in.has_value());
  }
  auto user = store.get_user_by_email("m@example.com");
  ASSERT_TRUE(user.ok()) << describe(user);
  EXPECT_FALSE(user->has_value());
  auto still_there = store.use_verification_token("m@example.com", "right");
  ASSERT_TRUE(still_there.ok()) << describe(still_there);
  EXPECT_TRUE(still_there->has_value());
}

// The JWT strategy asks for no session: the user is written, no session row.
void check_without_session(Store& store) {
  const auto now = now_seconds();
  ASSERT_TRUE(store.create_verification_token(token_of("jwt@example.com", "j", now + 1h)).ok());
  auto redeemed =
      store.redeem_link("jwt@example.com", "j", now, user_with_email("c@x.example"), std::nullopt);
  ASSERT_TRUE(redeemed.ok()) << describe(redeemed);
  ASSERT_TRUE(redeemed->signed_in.has_value());
  EXPECT_TRUE(redeemed->is_new_user);
  EXPECT_EQ(redeemed->signed_in->user.email, "jwt@example.com");
  EXPECT_TRUE(redeemed->signed_in->session.session_token.empty());
  auto user = store.get_user_by_email("jwt@example.com");
  ASSERT_TRUE(user.ok()) << describe(user);
  ASSERT_TRUE(user->has_value());
  EXPECT_EQ((*user)->id, redeemed->signed_in->user.id);
}

TEST_P(StoreTest, RedeemLinkCreatesTheUserAndSessionOfANewAddress) {
  check_new_address(*store_);
}
TEST_P(StoreTest, RedeemLinkUpdatesTheOldestUserOfAKnownAddress) {
  check_known_address(*store_);
}
TEST_P(StoreTest, RedeemLinkConsumesAnExpiredLinkAndSignsNobodyIn) {
  check_expired(*store_);
}
TEST_P(StoreTest, RedeemLinkMatchesIdentifierAndHashExactly) {
  check_mismatch(*store_);
}
TEST_P(StoreTest, RedeemLinkWithoutSessionWritesOnlyTheUser) {
  check_without_session(*store_);
}

// The Store default (for stores written before redeem_link) behaves the same.
TEST_P(StoreTest, RedeemLinkDefaultComposesTheSingleRowMethods) {
  SingleRowStore store(store_);
  check_new_address(store);
  check_known_address(store);
  check_expired(store);
  check_mismatch(store);
  check_without_session(store);
}

// The user row and the session are written together or not at all: a session that cannot be
// stored leaves no new user and no changed emailVerified behind.
TEST_P(StoreTest, RedeemLinkWritesUserAndSessionAtomically) {
  const auto now = now_seconds();
  auto other = store_->create_user(user_with_email("other@example.com"));
  ASSERT_TRUE(other.ok()) << describe(other);
  ASSERT_TRUE(
      store_->create_session({.session_token = "taken", .user_id = other->id, .expires = now + 1h})
          .ok());
  ASSERT_TRUE(store_->create_verification_token(token_of("lost@example.com", "a", now + 1h)).ok());
  auto lost = store_->redeem_link("lost@example.com", "a", now, user_with_email("l@x.example"),
                                  session_named("taken", now + 1h));
  EXPECT_FALSE(lost.ok());
  auto user = store_->get_user_by_email("lost@example.com");
  ASSERT_TRUE(user.ok()) << describe(user);
  EXPECT_FALSE(user->has_value());

  User known = user_with_email("kept@example.com");
  known.email_verified = now - 24h;
  auto created = store_->create_user(known);
  ASSERT_TRUE(created.ok()) << describe(created);
  ASSERT_TRUE(store_->create_verification_token(token_of("kept@example.com", "b", now + 1h)).ok());
  auto failed = store_->redeem_link("kept@example.com", "b", now, user_with_email("k@x.example"),
                                    session_named("taken", now + 1h));
  EXPECT_FALSE(failed.ok());
  auto kept = store_->get_user(created->id);
  ASSERT_TRUE(kept.ok()) << describe(kept);
  ASSERT_TRUE(kept->has_value());
  EXPECT_EQ((*kept)->email_verified, now - 24h);
}

// Of any number of concurrent redemptions of one link, exactly one signs in (so one user is
// created), and the others match nothing.
TEST_P(StoreTest, ConcurrentRedeemLinkSignsInExactlyOnce) {
  constexpr int kThreads = 32;
  const auto now = now_seconds();
  ASSERT_TRUE(store_->create_verification_token(token_of("race@example.com", "r", now + 1h)).ok());
  std::latch start(kThreads);
  std::atomic<int> signed_in = 0;
  std::atomic<int> errors = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto redeemed =
          store_->redeem_link("race@example.com", "r", now, user_with_email("r@x.example"),
                              session_named("race-" + std::to_string(i), now + 1h));
      if (!redeemed.ok()) {
        ++errors;
      } else if (redeemed->signed_in) {
        ++signed_in;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(signed_in.load(), 1);
  auto user = store_->get_user_by_email("race@example.com");
  ASSERT_TRUE(user.ok()) << describe(user);
  ASSERT_TRUE(user->has_value());
}

}  // namespace
}  // namespace linkgate::store::testing
