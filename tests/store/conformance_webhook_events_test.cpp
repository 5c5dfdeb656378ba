// The store conformance suite, part 6: the webhook outbox (docs/webhooks.md). A sign-in's events
// are written by redeem_link with its user and session; a sign-out's by
// delete_session_with_event; others by add_webhook_event. On both stores (instantiated in
// conformance_authjs_test.cpp) and on the Store default that composes the single-row methods.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "store_fixture.hpp"

namespace linkgate::store::testing {
namespace {

using namespace std::chrono_literals;

SignInEvents both_events() {
  return SignInEvents{
      .user_created = true, .session_created = true, .data = R"({"provider":"email"})"};
}

std::vector<WebhookEvent> all_events(Store& store) {
  auto events = store.list_webhook_events(false, 100);
  EXPECT_TRUE(events.ok()) << describe(events);
  return events ? *events : std::vector<WebhookEvent>{};
}

boost::json::object data_of(const WebhookEvent& event) {
  return boost::json::parse(event.data).as_object();
}

// A new address with both events on: user.created then session.created, each pending, due now,
// with the caller's data and the created user, under ids of their own.
void check_new_user_events(Store& store) {
  const auto now = now_seconds();
  ASSERT_TRUE(store.create_verification_token(token_of("new@example.com", "h", now + 1h)).ok());
  auto redeemed = store.redeem_link(
      "new@example.com", "h", now, user_with_email("c@x.example"),
      Session{.session_token = "s", .user_id = "", .expires = now + 1h}, both_events());
  ASSERT_TRUE(redeemed.ok()) << describe(redeemed);
  ASSERT_TRUE(redeemed->signed_in.has_value());
  const User& user = redeemed->signed_in->user;
  auto events = all_events(store);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "user.created");
  EXPECT_EQ(events[1].type, "session.created");
  EXPECT_NE(events[0].id, events[1].id);
  for (const WebhookEvent& event : events) {
    EXPECT_TRUE(event.id.starts_with("msg_")) << event.id;
    EXPECT_EQ(event.status, "pending");
    EXPECT_EQ(event.attempts, 0);
    EXPECT_EQ(event.created, now);
    EXPECT_EQ(event.next_attempt, now);
    EXPECT_FALSE(event.last_error.has_value());
    auto data = data_of(event);
    EXPECT_EQ(data.at("provider"), "email");
    EXPECT_EQ(data.at("user").at("id"), user.id.c_str());
    EXPECT_EQ(data.at("user").at("email"), "new@example.com");
  }
}

// A returning user without a session (the JWT strategy): session.created only.
void check_returning_jwt_events(Store& store) {
  const auto now = now_seconds();
  auto known = store.create_user(user_with_email("known@example.com"));
  ASSERT_TRUE(known.ok()) << describe(known);
  ASSERT_TRUE(store.create_verification_token(token_of("known@example.com", "k", now + 1h)).ok());
  auto redeemed = store.redeem_link("known@example.com", "k", now, user_with_email("c@x.example"),
                                    std::nullopt, both_events());
  ASSERT_TRUE(redeemed.ok()) << describe(redeemed);
  auto events = all_events(store);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "session.created");
  EXPECT_EQ(data_of(events[0]).at("user").at("id"), known->id.c_str());
}

// Nothing is written for an expired link, a link that matches nothing, or no event asked for.
void check_no_events(Store& store) {
  const auto now = now_seconds();
  ASSERT_TRUE(store.create_verification_token(token_of("late@example.com", "e", now - 1s)).ok());
  auto late = store.redeem_link("late@example.com", "e", now, user_with_email("l@x.example"),
                                std::nullopt, both_events());
  ASSERT_TRUE(late.ok()) << describe(late);
  auto none = store.redeem_link("none@example.com", "n", now, user_with_email("n@x.example"),
                                std::nullopt, both_events());
  ASSERT_TRUE(none.ok()) << describe(none);
  ASSERT_TRUE(store.create_verification_token(token_of("off@example.com", "o", now + 1h)).ok());
  auto off = store.redeem_link("off@example.com", "o", now, user_with_email("o@x.example"),
                               std::nullopt, SignInEvents{});
  ASSERT_TRUE(off.ok()) << describe(off);
  ASSERT_TRUE(off->signed_in.has_value());
  EXPECT_TRUE(all_events(store).empty());
}

// A deleted session writes session.deleted with its user; an unknown one writes nothing.
void check_session_deleted(Store& store) {
  const auto now = now_seconds();
  auto user = store.create_user(user_with_email("out@example.com"));
  ASSERT_TRUE(user.ok()) << describe(user);
  ASSERT_TRUE(
      store
          .create_session(Session{.session_token = "bye", .user_id = user->id, .expires = now + 1h})
          .ok());
  auto deleted = store.delete_session_with_event("bye", now, R"({"strategy":"database"})");
  ASSERT_TRUE(deleted.ok()) << describe(deleted);
  ASSERT_TRUE(deleted->has_value());
  EXPECT_EQ((*deleted)->user_id, user->id);
  auto gone = store.get_session_and_user("bye");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  auto again = store.delete_session_with_event("bye", now, "{}");
  ASSERT_TRUE(again.ok()) << describe(again);
  EXPECT_FALSE(again->has_value());
  auto events = all_events(store);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "session.deleted");
  auto data = data_of(events[0]);
  EXPECT_EQ(data.at("strategy"), "database");
  EXPECT_EQ(data.at("user").at("id"), user->id.c_str());
}

// add_webhook_event writes a pending event with the data as given; the failed-only listing
// leaves pending ones out.
void check_added_event(Store& store) {
  const auto now = now_seconds();
  auto id = store.add_webhook_event("email.failed", R"({"email":"a@example.com"})", now);
  ASSERT_TRUE(id.ok()) << describe(id);
  auto events = all_events(store);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, *id);
  EXPECT_EQ(events[0].type, "email.failed");
  EXPECT_EQ(data_of(events[0]).at("email"), "a@example.com");
  auto failed = store.list_webhook_events(true, 100);
  ASSERT_TRUE(failed.ok()) << describe(failed);
  EXPECT_TRUE(failed->empty());
}

TEST_P(StoreTest, RedeemLinkWritesTheEventsOfANewUser) {
  check_new_user_events(*store_);
}
TEST_P(StoreTest, RedeemLinkWithoutSessionWritesSessionCreated) {
  check_returning_jwt_events(*store_);
}
TEST_P(StoreTest, RedeemLinkWritesNoEventWhenNothingSignedIn) {
  check_no_events(*store_);
}
TEST_P(StoreTest, DeleteSessionWithEventWritesSessionDeleted) {
  check_session_deleted(*store_);
}
TEST_P(StoreTest, AddWebhookEventWritesAPendingEvent) {
  check_added_event(*store_);
}

TEST_P(StoreTest, StoreDefaultWritesTheSameEvents) {
  SingleRowStore store(store_);
  check_new_user_events(store);
}
TEST_P(StoreTest, StoreDefaultWritesSessionDeleted) {
  SingleRowStore store(store_);
  check_session_deleted(store);
}

// An event written in a sign-in's transaction goes with it: when the session cannot be written
// (its token is taken), neither the user nor the events are.
TEST_P(StoreTest, AFailedSignInWritesNoEvent) {
  const auto now = now_seconds();
  auto owner = store_->create_user(user_with_email("owner@example.com"));
  ASSERT_TRUE(owner.ok()) << describe(owner);
  ASSERT_TRUE(store_
                  ->create_session(
                      Session{.session_token = "taken", .user_id = owner->id, .expires = now + 1h})
                  .ok());
  ASSERT_TRUE(store_->create_verification_token(token_of("clash@example.com", "c", now + 1h)).ok());
  auto redeemed = store_->redeem_link(
      "clash@example.com", "c", now, user_with_email("c@x.example"),
      Session{.session_token = "taken", .user_id = "", .expires = now + 1h}, both_events());
  EXPECT_FALSE(redeemed.ok());
  EXPECT_TRUE(all_events(*store_).empty());
  auto user = store_->get_user_by_email("clash@example.com");
  ASSERT_TRUE(user.ok());
  EXPECT_FALSE(user->has_value());
}

}  // namespace
}  // namespace linkgate::store::testing
