// The store conformance suite, part 1: the Auth.js shared adapter suite (authjs-behaviour.md §8,
// packages/utils/adapter.ts) for the methods the email flow uses, run against both stores.
#include <gtest/gtest.h>

#include <chrono>

#include "store_fixture.hpp"

namespace linkgate::store::testing {
namespace {

using namespace std::chrono_literals;

User fill_murray(TimePoint now) {
  return User{.id = "",
              .name = "Fill Murray",
              .email = "fill@murray.com",
              .email_verified = now,
              .image = "https://www.fillmurray.com/460/300"};
}

// §8 createUser: the stored row equals the input plus an id.
TEST_P(StoreTest, AuthjsCreateUserReturnsTheRow) {
  const auto now = now_seconds();
  auto created = store_->create_user(fill_murray(now));
  ASSERT_TRUE(created.ok()) << describe(created);
  EXPECT_FALSE(created->id.empty());
  EXPECT_EQ(created->name, "Fill Murray");
  EXPECT_EQ(created->email, "fill@murray.com");
  EXPECT_EQ(created->email_verified, now);
  EXPECT_EQ(created->image, "https://www.fillmurray.com/460/300");

  auto stored = store_->get_user(created->id);
  ASSERT_TRUE(stored.ok()) << describe(stored);
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->id, created->id);
  EXPECT_EQ((*stored)->email, "fill@murray.com");
  EXPECT_EQ((*stored)->email_verified, now);

  auto by_email = store_->get_user_by_email("fill@murray.com");
  ASSERT_TRUE(by_email.ok()) << describe(by_email);
  ASSERT_TRUE(by_email->has_value());
  EXPECT_EQ((*by_email)->id, created->id);
}

// §8 getUser: an unknown id → null.
TEST_P(StoreTest, AuthjsGetUserUnknownIsNullopt) {
  for (const char* id : {"00000000-0000-4000-8000-000000000000", "999999", "0", "-1", "", "x"}) {
    auto user = store_->get_user(id);
    ASSERT_TRUE(user.ok()) << describe(user);
    EXPECT_FALSE(user->has_value()) << id;
  }
}

// §8 getUserByEmail: unknown → null; the lookup is exact (case-sensitive).
TEST_P(StoreTest, AuthjsGetUserByEmailUnknownIsNullopt) {
  auto user = store_->get_user_by_email("unknown@example.com");
  ASSERT_TRUE(user.ok()) << describe(user);
  EXPECT_FALSE(user->has_value());

  ASSERT_TRUE(store_->create_user(user_with_email("case@example.com")).ok());
  auto upper = store_->get_user_by_email("CASE@example.com");
  ASSERT_TRUE(upper.ok()) << describe(upper);
  EXPECT_FALSE(upper->has_value());
}

// §8 createSession; getSessionAndUser ("invalid-token" → null).
TEST_P(StoreTest, AuthjsCreateSessionAndGetSessionAndUser) {
  const auto now = now_seconds();
  auto user = store_->create_user(fill_murray(now));
  ASSERT_TRUE(user.ok()) << describe(user);
  const Session session{
      .session_token = "session-token-1", .user_id = user->id, .expires = now + 24h * 7};
  auto created = store_->create_session(session);
  ASSERT_TRUE(created.ok()) << describe(created);
  EXPECT_EQ(created->session_token, session.session_token);
  EXPECT_EQ(created->user_id, user->id);
  EXPECT_EQ(created->expires, session.expires);

  auto found = store_->get_session_and_user("session-token-1");
  ASSERT_TRUE(found.ok()) << describe(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->session.session_token, "session-token-1");
  EXPECT_EQ((*found)->session.user_id, user->id);
  EXPECT_EQ((*found)->session.expires, session.expires);
  EXPECT_EQ((*found)->user.id, user->id);
  EXPECT_EQ((*found)->user.email, "fill@murray.com");
  EXPECT_EQ((*found)->user.name, "Fill Murray");
  EXPECT_EQ((*found)->user.email_verified, now);

  auto invalid = store_->get_session_and_user("invalid-token");
  ASSERT_TRUE(invalid.ok()) << describe(invalid);
  EXPECT_FALSE(invalid->has_value());
}

TEST_P(StoreTest, CreateSessionRejectsADuplicateToken) {
  auto user = store_->create_user(user_with_email("a@example.com"));
  ASSERT_TRUE(user.ok()) << describe(user);
  const Session session{.session_token = "dup", .user_id = user->id, .expires = now_seconds()};
  ASSERT_TRUE(store_->create_session(session).ok());
  auto again = store_->create_session(session);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, "store");
  EXPECT_EQ(again.error().message.find("dup\""), std::string::npos) << again.error().message;
}

// §8 updateUser (name): returns the full, merged user.
TEST_P(StoreTest, AuthjsUpdateUserReturnsTheMergedUser) {
  const auto now = now_seconds();
  auto user = store_->create_user(fill_murray(now));
  ASSERT_TRUE(user.ok()) << describe(user);

  auto rename = update_of(user->id);
  rename.name = "Bill Murray";
  auto updated = store_->update_user(rename);
  ASSERT_TRUE(updated.ok()) << describe(updated);
  EXPECT_EQ(updated->id, user->id);
  EXPECT_EQ(updated->name, "Bill Murray");
  EXPECT_EQ(updated->email, "fill@murray.com");
  EXPECT_EQ(updated->email_verified, now);
  EXPECT_EQ(updated->image, user->image);

  const auto later = now + 1h;
  auto verify = update_of(user->id);
  verify.email_verified = later;
  auto verified = store_->update_user(verify);
  ASSERT_TRUE(verified.ok()) << describe(verified);
  EXPECT_EQ(verified->name, "Bill Murray");
  EXPECT_EQ(verified->email_verified, later);

  auto stored = store_->get_user(user->id);
  ASSERT_TRUE(stored.ok() && stored->has_value()) << describe(stored);
  EXPECT_EQ((*stored)->name, "Bill Murray");
  EXPECT_EQ((*stored)->email_verified, later);
}

TEST_P(StoreTest, UpdateUserUnknownIsNotFound) {
  auto update = update_of("nobody");
  update.name = "x";
  auto updated = store_->update_user(update);
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().kind, "not_found");
}

// §8 updateSession: the new expiry is persisted.
TEST_P(StoreTest, AuthjsUpdateSessionExpiryIsPersisted) {
  const auto now = now_seconds();
  auto user = store_->create_user(fill_murray(now));
  ASSERT_TRUE(user.ok()) << describe(user);
  ASSERT_TRUE(
      store_->create_session({.session_token = "s", .user_id = user->id, .expires = now + 1h})
          .ok());

  const auto extended = now + 24h * 30;
  auto updated = store_->update_session_expiry("s", extended);
  ASSERT_TRUE(updated.ok()) << describe(updated);
  auto found = store_->get_session_and_user("s");
  ASSERT_TRUE(found.ok() && found->has_value()) << describe(found);
  EXPECT_EQ((*found)->session.expires, extended);

  EXPECT_TRUE(store_->update_session_expiry("unknown", extended).ok());
}

// §8 deleteSession: returns the deleted session, then nothing.
TEST_P(StoreTest, AuthjsDeleteSessionReturnsItThenNullopt) {
  const auto now = now_seconds();
  auto user = store_->create_user(fill_murray(now));
  ASSERT_TRUE(user.ok()) << describe(user);
  ASSERT_TRUE(
      store_->create_session({.session_token = "s", .user_id = user->id, .expires = now + 1h})
          .ok());

  auto deleted = store_->delete_session("s");
  ASSERT_TRUE(deleted.ok()) << describe(deleted);
  ASSERT_TRUE(deleted->has_value());
  EXPECT_EQ((*deleted)->session_token, "s");
  EXPECT_EQ((*deleted)->user_id, user->id);
  EXPECT_EQ((*deleted)->expires, now + 1h);

  auto found = store_->get_session_and_user("s");
  ASSERT_TRUE(found.ok()) << describe(found);
  EXPECT_FALSE(found->has_value());
  auto again = store_->delete_session("s");
  ASSERT_TRUE(again.ok()) << describe(again);
  EXPECT_FALSE(again->has_value());
}

// §8 createVerificationToken / useVerificationToken: returned once, then null.
TEST_P(StoreTest, AuthjsUseVerificationTokenReturnsItOnce) {
  const VerificationToken token{
      .identifier = "fill@murray.com", .token = "hash-1", .expires = now_seconds() + 15min};
  auto created = store_->create_verification_token(token);
  ASSERT_TRUE(created.ok()) << describe(created);

  auto used = store_->use_verification_token("fill@murray.com", "hash-1");
  ASSERT_TRUE(used.ok()) << describe(used);
  ASSERT_TRUE(used->has_value());
  EXPECT_EQ((*used)->identifier, token.identifier);
  EXPECT_EQ((*used)->token, token.token);
  EXPECT_EQ((*used)->expires, token.expires);

  auto again = store_->use_verification_token("fill@murray.com", "hash-1");
  ASSERT_TRUE(again.ok()) << describe(again);
  EXPECT_FALSE(again->has_value());
}

// §8 useVerificationToken must match both identifier and token (GHSA-pg53-56cg-4m8q).
TEST_P(StoreTest, AuthjsUseVerificationTokenWrongIdentifierIsNullopt) {
  const VerificationToken token{
      .identifier = "fill@murray.com", .token = "hash-1", .expires = now_seconds() + 15min};
  ASSERT_TRUE(store_->create_verification_token(token).ok());

  auto wrong = store_->use_verification_token("attacker@example.com", "hash-1");
  ASSERT_TRUE(wrong.ok()) << describe(wrong);
  EXPECT_FALSE(wrong->has_value());

  auto right = store_->use_verification_token("fill@murray.com", "hash-1");
  ASSERT_TRUE(right.ok()) << describe(right);
  ASSERT_TRUE(right->has_value());
  EXPECT_EQ((*right)->token, "hash-1");
}

// Expired rows are returned (and consumed) too: the caller checks expiry (store.hpp).
TEST_P(StoreTest, UseVerificationTokenReturnsExpiredRows) {
  const VerificationToken token{
      .identifier = "a@example.com", .token = "old", .expires = now_seconds() - 1h};
  ASSERT_TRUE(store_->create_verification_token(token).ok());
  auto used = store_->use_verification_token("a@example.com", "old");
  ASSERT_TRUE(used.ok() && used->has_value()) << describe(used);
  EXPECT_EQ((*used)->expires, token.expires);
  auto again = store_->use_verification_token("a@example.com", "old");
  ASSERT_TRUE(again.ok()) << describe(again);
  EXPECT_FALSE(again->has_value());
}

TEST_P(StoreTest, CreateVerificationTokenDuplicateIsAnErrorWithoutTheToken) {
  const VerificationToken token{
      .identifier = "a@example.com", .token = "secret-hash-value", .expires = now_seconds()};
  ASSERT_TRUE(store_->create_verification_token(token).ok());
  auto again = store_->create_verification_token(token);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, "store");
  EXPECT_EQ(again.error().message.find("secret-hash-value"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(BothStores, StoreTest,
                         ::testing::Values(Backend::sqlite, Backend::postgres), backend_name);

}  // namespace
}  // namespace linkgate::store::testing
