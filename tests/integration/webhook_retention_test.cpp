// LINKGATE_WEBHOOK_RETENTION_HOURS over the real binary: the webhook sender deletes delivered
// events older than the retention when it starts (then hourly), and nothing else.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "integration/harness.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/fake_http_server.hpp"
#include "support/test_env.hpp"

namespace linkgate::testing {
namespace {

using namespace std::chrono_literals;

TEST(WebhookRetention, TheSenderDeletesOldDeliveredEventsOnly) {
  const std::string path = make_temp_dir() + "/linkgate.db";
  auto store = store::open_sqlite_store(path);
  ASSERT_TRUE(store.ok()) << store.error().message;
  const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
  const auto add = [&](TimePoint created) {
    auto id = (*store)->add_webhook_event("email.failed", R"({"x":1})", created);
    EXPECT_TRUE(id.ok());
    return id.ok() ? *id : std::string();
  };
  const std::string old_delivered = add(now - 3h);
  const std::string recent_delivered = add(now - 1h);
  ASSERT_EQ((*store)->claim_webhook_events("setup", now, now + 1min, 2).value().size(), 2u);
  ASSERT_TRUE((*store)->mark_webhook_delivered(old_delivered, "setup").value());
  ASSERT_TRUE((*store)->mark_webhook_delivered(recent_delivered, "setup").value());
  const std::string old_pending = add(now - 3h);

  FakeHttpServer receiver;  // answers 200: the pending event is delivered
  RunningServer server({{"DATABASE_URL", "sqlite://" + path},
                        {"LINKGATE_WEBHOOK_URL", receiver.base_url() + "/hook"},
                        {"LINKGATE_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
                        {"LINKGATE_WEBHOOK_RETENTION_HOURS", "2"}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  ASSERT_TRUE(receiver.wait_for_requests(1));

  std::set<std::string> left;
  for (int i = 0; i < 100; ++i) {
    auto events = (*store)->list_webhook_events(false, 10);
    ASSERT_TRUE(events.ok()) << events.error().message;
    left.clear();
    bool all_delivered = true;
    for (const auto& event : *events) {
      left.insert(event.id);
      all_delivered = all_delivered && event.status == "delivered";
    }
    if (all_delivered && !left.count(old_delivered)) break;
    std::this_thread::sleep_for(100ms);
  }
  // The old delivered one is gone; the recent one stays, and so does the old pending one, now
  // delivered (the next deletion is an hour away).
  EXPECT_EQ(left, (std::set<std::string>{recent_delivered, old_pending}));
  EXPECT_NE(server.process().logs().find("deleted 1 delivered events older than the retention"),
            std::string::npos)
      << server.process().logs();
}

}  // namespace
}  // namespace linkgate::testing
