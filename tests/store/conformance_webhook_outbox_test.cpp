// The store conformance suite, part 7: the sender's side of the webhook outbox (Store's
// claim_webhook_events, mark_webhook_*, retry_webhook_events, count_webhook_events) on both
// stores (instantiated in conformance_authjs_test.cpp): claims with leases, tries recorded,
// events made due again, and concurrent claimers that never share an event.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store_fixture.hpp"

namespace linkgate::store::testing {
namespace {

using namespace std::chrono_literals;

std::vector<WebhookEvent> claim(Store& store, const std::string& owner, TimePoint now,
                                TimePoint lease_until, int limit) {
  auto claimed = store.claim_webhook_events(owner, now, lease_until, limit);
  EXPECT_TRUE(claimed.ok()) << describe(claimed);
  return claimed ? *claimed : std::vector<WebhookEvent>{};
}

WebhookEvent only_event(Store& store) {
  auto events = store.list_webhook_events(false, 10);
  EXPECT_TRUE(events.ok()) << describe(events);
  EXPECT_EQ(events->size(), 1u);
  return events->empty() ? WebhookEvent{} : events->front();
}

TEST_P(StoreTest, AClaimedEventIsNobodyElsesUntilItsLeaseEnds) {
  const auto now = now_seconds();
  auto first = store_->add_webhook_event("email.failed", "{}", now);
  auto second = store_->add_webhook_event("email.failed", "{}", now + 1ms);
  auto later = store_->add_webhook_event("email.failed", "{}", now + 1h);
  ASSERT_TRUE(first.ok() && second.ok() && later.ok());

  auto a = claim(*store_, "node-a", now + 1s, now + 1min, 1);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].id, *first);  // the earliest due first
  EXPECT_EQ(a[0].type, "email.failed");
  EXPECT_EQ(a[0].status, "pending");
  auto b = claim(*store_, "node-b", now + 1s, now + 1min, 10);
  ASSERT_EQ(b.size(), 1u);  // neither a's nor the one due later
  EXPECT_EQ(b[0].id, *second);
  EXPECT_TRUE(claim(*store_, "node-c", now + 2s, now + 1min, 10).empty());

  // a's lease ended (a crashed node): the event is claimable again.
  auto again = claim(*store_, "node-c", now + 2min, now + 3min, 1);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id, *first);
  // a no longer holds it: its late answer changes nothing.
  auto stale = store_->mark_webhook_delivered(*first, "node-a");
  ASSERT_TRUE(stale.ok()) << describe(stale);
  EXPECT_FALSE(*stale);
  auto current = store_->mark_webhook_delivered(*first, "node-c");
  ASSERT_TRUE(current.ok()) << describe(current);
  EXPECT_TRUE(*current);
  // Delivered is the end: marking it again changes nothing, and nobody claims it.
  EXPECT_FALSE(*store_->mark_webhook_delivered(*first, "node-c"));
  auto rest = claim(*store_, "node-d", now + 2h, now + 3h, 10);
  EXPECT_EQ(rest.size(), 2u);  // second (its lease ended) and the later one
  for (const auto& event : rest) EXPECT_NE(event.id, *first);
}

TEST_P(StoreTest, TriesAreCountedAndFailedEventsComeBackOnRetry) {
  const auto now = now_seconds();
  auto id = store_->add_webhook_event("email.failed", "{}", now);
  ASSERT_TRUE(id.ok()) << describe(id);
  ASSERT_EQ(claim(*store_, "n", now, now + 1min, 1).size(), 1u);
  auto retried = store_->mark_webhook_attempt_failed(*id, "n", "HTTP 500", now + 5s);
  ASSERT_TRUE(retried.ok()) << describe(retried);
  EXPECT_TRUE(*retried);
  WebhookEvent event = only_event(*store_);
  EXPECT_EQ(event.status, "pending");
  EXPECT_EQ(event.attempts, 1);
  EXPECT_EQ(event.next_attempt, now + 5s);
  EXPECT_EQ(event.last_error, "HTTP 500");
  EXPECT_TRUE(claim(*store_, "n", now + 4s, now + 1min, 1).empty());  // not due yet

  auto claimed = claim(*store_, "n", now + 5s, now + 1min, 1);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].attempts, 1);
  auto failed = store_->mark_webhook_failed(*id, "n", "timed out");
  ASSERT_TRUE(failed.ok()) << describe(failed);
  EXPECT_TRUE(*failed);
  auto failed_list = store_->list_webhook_events(true, 10);
  ASSERT_TRUE(failed_list.ok());
  ASSERT_EQ(failed_list->size(), 1u);
  EXPECT_EQ((*failed_list)[0].status, "failed");
  EXPECT_EQ((*failed_list)[0].attempts, 2);
  EXPECT_EQ((*failed_list)[0].last_error, "timed out");
  EXPECT_TRUE(claim(*store_, "n", now + 1h, now + 2h, 1).empty());  // failed is kept, not tried
  auto counts = store_->count_webhook_events();
  ASSERT_TRUE(counts.ok()) << describe(counts);
  EXPECT_EQ(counts->pending, 0);
  EXPECT_EQ(counts->failed, 1);

  auto due = store_->retry_webhook_events(std::nullopt, now + 1h);
  ASSERT_TRUE(due.ok()) << describe(due);
  EXPECT_EQ(*due, 1);
  auto back = claim(*store_, "n", now + 1h, now + 2h, 1);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].attempts, 0);
  EXPECT_EQ(back[0].id, *id);  // the same webhook-id as every earlier try
  ASSERT_TRUE(*store_->mark_webhook_delivered(*id, "n"));
  event = only_event(*store_);
  EXPECT_EQ(event.status, "delivered");
  EXPECT_EQ(event.attempts, 1);
  EXPECT_FALSE(event.last_error.has_value());
  // One event by id, whatever its status; an unknown id changes nothing.
  EXPECT_EQ(*store_->retry_webhook_events(*id, now + 2h), 1);
  EXPECT_EQ(*store_->retry_webhook_events(std::string("msg_none"), now + 2h), 0);
  EXPECT_EQ(*store_->retry_webhook_events(std::nullopt, now + 2h), 0);  // none failed
  EXPECT_EQ(only_event(*store_).status, "pending");
}

TEST_P(StoreTest, CountsArePendingAndFailedEvents) {
  const auto now = now_seconds();
  auto empty = store_->count_webhook_events();
  ASSERT_TRUE(empty.ok()) << describe(empty);
  EXPECT_EQ(empty->pending, 0);
  EXPECT_EQ(empty->failed, 0);
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    auto id = store_->add_webhook_event("email.failed", "{}", now);
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  ASSERT_EQ(claim(*store_, "n", now, now + 1min, 2).size(), 2u);
  auto claimed = store_->list_webhook_events(false, 10);
  ASSERT_TRUE(*store_->mark_webhook_delivered((*claimed)[0].id, "n"));
  ASSERT_TRUE(*store_->mark_webhook_failed((*claimed)[1].id, "n", "HTTP 410"));
  auto counts = store_->count_webhook_events();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->pending, 2);
  EXPECT_EQ(counts->failed, 1);
}

// Claimers on threads of their own (as a sender's, or several nodes'): every event is claimed
// once, by one of them.
// Only delivered events created before the cut are deleted; pending and failed ones stay
// whatever their age.
TEST_P(StoreTest, OldDeliveredEventsAreDeletedAndNothingElse) {
  const auto old = now_seconds() - 48h;
  const auto recent = now_seconds();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto id = store_->add_webhook_event("email.failed", "{}", old);
    ASSERT_TRUE(id.ok()) << describe(id);
    ids.push_back(*id);
  }
  auto fresh = store_->add_webhook_event("email.failed", "{}", recent);
  ASSERT_TRUE(fresh.ok());
  ASSERT_EQ(claim(*store_, "n", recent, recent + 1min, 4).size(), 4u);
  ASSERT_TRUE(*store_->mark_webhook_delivered(ids[0], "n"));
  ASSERT_TRUE(*store_->mark_webhook_failed(ids[1], "n", "HTTP 410"));
  ASSERT_TRUE(*store_->mark_webhook_delivered(*fresh, "n"));
  // ids[2] stays pending (claimed, its try not ended).

  auto deleted = store_->delete_delivered_webhook_events(recent - 24h);
  ASSERT_TRUE(deleted.ok()) << describe(deleted);
  EXPECT_EQ(*deleted, 1);
  auto left = store_->list_webhook_events(false, 10);
  ASSERT_TRUE(left.ok());
  std::set<std::string> left_ids;
  for (const auto& event : *left) left_ids.insert(event.id);
  EXPECT_EQ(left_ids, (std::set<std::string>{ids[1], ids[2], *fresh}));
  EXPECT_EQ(*store_->delete_delivered_webhook_events(recent - 24h), 0);
}

TEST_P(StoreTest, ConcurrentClaimersNeverShareAnEvent) {
  const auto now = now_seconds();
  constexpr int kEvents = 60;
  for (int i = 0; i < kEvents; ++i) {
    ASSERT_TRUE(store_->add_webhook_event("email.failed", "{}", now).ok());
  }
  std::mutex mutex;
  std::map<std::string, int> claims;
  std::vector<std::thread> claimers;
  for (int c = 0; c < 4; ++c) {
    claimers.emplace_back([&, c] {
      const std::string owner = "claimer-" + std::to_string(c);
      while (true) {
        auto got = store_->claim_webhook_events(owner, now, now + 1h, 3);
        if (!got) {
          ADD_FAILURE() << describe(got);
          return;
        }
        if (got->empty()) return;
        std::lock_guard lock(mutex);
        for (const auto& event : *got) ++claims[event.id];
      }
    });
  }
  for (auto& t : claimers) t.join();
  EXPECT_EQ(claims.size(), static_cast<std::size_t>(kEvents));
  for (const auto& [id, count] : claims) EXPECT_EQ(count, 1) << id;
}

}  // namespace
}  // namespace linkgate::store::testing
