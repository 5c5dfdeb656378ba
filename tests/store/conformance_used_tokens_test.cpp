// The store conformance suite: tombstones of consumed links (Store::verification_token_was_used).
// Every method that consumes a link leaves its tombstone, written atomically with the
// consumption; a link never issued (or only voided) has none; delete_expired sweeps expired ones.
// (The suite is instantiated for both stores in conformance_authjs_test.cpp.)
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "store_fixture.hpp"

namespace linkgate::store::testing {
namespace {

using namespace std::chrono_literals;

bool was_used(Store& store, const std::string& identifier, const std::string& hash) {
  auto used = store.verification_token_was_used(identifier, hash);
  EXPECT_TRUE(used.ok()) << describe(used);
  return used.ok() && *used;
}

TEST_P(StoreTest, EveryWayOfConsumingALinkLeavesItsTombstone) {
  const auto now = now_seconds();
  for (const char* hash : {"single", "with-user", "redeemed", "expired"}) {
    const auto expires = std::string(hash) == "expired" ? now - 1h : now + 1h;
    ASSERT_TRUE(store_->create_verification_token(token_of("a@example.com", hash, expires)).ok());
    EXPECT_FALSE(was_used(*store_, "a@example.com", hash)) << hash;
  }
  auto single = store_->use_verification_token("a@example.com", "single");
  ASSERT_TRUE(single.ok() && single->has_value()) << describe(single);
  auto with_user = store_->use_verification_token_and_get_user("a@example.com", "with-user");
  ASSERT_TRUE(with_user.ok() && with_user->has_value()) << describe(with_user);
  auto redeemed =
      store_->redeem_link("a@example.com", "redeemed", now, user_with_email("a@example.com"),
                          Session{.session_token = "s", .user_id = "", .expires = now + 1h});
  ASSERT_TRUE(redeemed.ok() && redeemed->signed_in.has_value()) << describe(redeemed);
  // An expired link is consumed too (and signs nobody in): it is as used as any other.
  auto expired = store_->redeem_link("a@example.com", "expired", now,
                                     user_with_email("a@example.com"), std::nullopt);
  ASSERT_TRUE(expired.ok() && expired->token.has_value()) << describe(expired);
  for (const char* hash : {"single", "with-user", "redeemed", "expired"}) {
    EXPECT_TRUE(was_used(*store_, "a@example.com", hash)) << hash;
  }
  // Identifier and hash both match exactly.
  EXPECT_FALSE(was_used(*store_, "b@example.com", "single"));
  EXPECT_FALSE(was_used(*store_, "A@example.com", "single"));
  EXPECT_FALSE(was_used(*store_, "a@example.com", "other"));
}

// Forged links, and links voided by a newer one (never used), leave no tombstone.
TEST_P(StoreTest, NeverUsedLinksHaveNoTombstone) {
  const auto now = now_seconds();
  EXPECT_FALSE(was_used(*store_, "nobody@example.com", "forged"));
  auto missed = store_->use_verification_token("nobody@example.com", "forged");
  ASSERT_TRUE(missed.ok()) << describe(missed);
  EXPECT_FALSE(missed->has_value());
  EXPECT_FALSE(was_used(*store_, "nobody@example.com", "forged"));

  ASSERT_TRUE(store_->create_verification_token(token_of("v@example.com", "old", now + 1h)).ok());
  auto voided = store_->delete_verification_tokens("v@example.com");
  ASSERT_TRUE(voided.ok()) << describe(voided);
  EXPECT_EQ(*voided, 1);
  EXPECT_FALSE(was_used(*store_, "v@example.com", "old"));
}

// The sweep that removes expired links removes expired tombstones, and only those.
TEST_P(StoreTest, DeleteExpiredSweepsExpiredTombstones) {
  const auto now = now_seconds();
  ASSERT_TRUE(store_->create_verification_token(token_of("t@example.com", "old", now - 1h)).ok());
  ASSERT_TRUE(store_->create_verification_token(token_of("t@example.com", "new", now + 1h)).ok());
  ASSERT_TRUE(store_->use_verification_token("t@example.com", "old").ok());
  ASSERT_TRUE(store_->use_verification_token("t@example.com", "new").ok());
  ASSERT_TRUE(was_used(*store_, "t@example.com", "old"));

  auto swept = store_->delete_expired(now);
  ASSERT_TRUE(swept.ok()) << describe(swept);
  EXPECT_EQ(swept->used_verification_tokens, 1);
  EXPECT_EQ(swept->verification_tokens, 0);
  EXPECT_FALSE(was_used(*store_, "t@example.com", "old"));
  EXPECT_TRUE(was_used(*store_, "t@example.com", "new"));
}

// A consumption that fails leaves no tombstone (nor consumes the link): the tombstone is written
// in the consumption's statement or transaction.
TEST_P(StoreTest, AFailedConsumptionLeavesNoTombstone) {
  const auto now = now_seconds();
  auto other = store_->create_user(user_with_email("other@example.com"));
  ASSERT_TRUE(other.ok()) << describe(other);
  ASSERT_TRUE(
      store_->create_session({.session_token = "taken", .user_id = other->id, .expires = now + 1h})
          .ok());
  ASSERT_TRUE(store_->create_verification_token(token_of("lost@example.com", "a", now + 1h)).ok());
  auto failed =
      store_->redeem_link("lost@example.com", "a", now, user_with_email("lost@example.com"),
                          Session{.session_token = "taken", .user_id = "", .expires = now + 1h});
  ASSERT_FALSE(failed.ok());
  EXPECT_FALSE(was_used(*store_, "lost@example.com", "a"));
  // The link is still there, and its successful consumption leaves the tombstone.
  auto used = store_->use_verification_token("lost@example.com", "a");
  ASSERT_TRUE(used.ok() && used->has_value()) << describe(used);
  EXPECT_TRUE(was_used(*store_, "lost@example.com", "a"));
}

// Deleting a user deletes the tombstones of its address's links (they hold the address).
TEST_P(StoreTest, DeleteUserDeletesItsTombstones) {
  const auto now = now_seconds();
  auto user = store_->create_user(user_with_email("gone@example.com"));
  ASSERT_TRUE(user.ok()) << describe(user);
  ASSERT_TRUE(store_->create_verification_token(token_of("gone@example.com", "g", now + 1h)).ok());
  ASSERT_TRUE(store_->use_verification_token("gone@example.com", "g").ok());
  ASSERT_TRUE(was_used(*store_, "gone@example.com", "g"));
  auto deleted = store_->delete_user(user->id, now, std::nullopt);
  ASSERT_TRUE(deleted.ok() && deleted->has_value()) << describe(deleted);
  EXPECT_FALSE(was_used(*store_, "gone@example.com", "g"));
}

// An embedder's store that keeps no tombstones (the Store default) reports every link unused.
TEST_P(StoreTest, TheStoreDefaultKeepsNoTombstones) {
  SingleRowStore store(store_);
  ASSERT_TRUE(
      store.create_verification_token(token_of("d@example.com", "h", now_seconds() + 1h)).ok());
  auto used = store.use_verification_token("d@example.com", "h");
  ASSERT_TRUE(used.ok() && used->has_value()) << describe(used);
  EXPECT_FALSE(was_used(store, "d@example.com", "h"));
}

}  // namespace
}  // namespace linkgate::store::testing
