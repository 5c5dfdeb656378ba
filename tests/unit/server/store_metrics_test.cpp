// The store's latency histogram (server/store_metrics.hpp): each operation's observations land in
// its own series, even among names of one length and first letter; a name it does not know (or an
// empty one) counts as "other".
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "server/store_metrics.hpp"

namespace linkgate::server {
namespace {

bool has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

std::string count_of(const std::string& operation) {
  return R"(linkgate_store_statement_duration_seconds_count{operation=")" + operation + R"("})";
}

TEST(StoreMetrics, EachOperationCountsInItsOwnSeries) {
  metrics::Registry registry;
  StoreMetrics store_metrics(registry);
  using std::chrono::microseconds;
  store_metrics.observe("get_session_and_user", microseconds(40));
  store_metrics.observe("get_session_and_user", microseconds(60));
  // Both 20 letters long and starting with 'c', as is "claim_webhook_events".
  store_metrics.observe("count_webhook_events", microseconds(10));
  store_metrics.observe("mark_webhook_failed", microseconds(10));
  store_metrics.observe("no_such_operation", microseconds(10));
  store_metrics.observe("get_session_and_usex", microseconds(10));  // same length, not a name
  store_metrics.observe("", microseconds(10));
  const std::string text = registry.text();
  EXPECT_TRUE(has(text, count_of("get_session_and_user") + " 2")) << text;
  EXPECT_TRUE(has(text, count_of("count_webhook_events") + " 1"));
  EXPECT_TRUE(has(text, count_of("claim_webhook_events") + " 0"));
  EXPECT_TRUE(has(text, count_of("mark_webhook_failed") + " 1"));
  EXPECT_TRUE(has(text, count_of("other") + " 3"));
  EXPECT_TRUE(has(
      text,
      R"(linkgate_store_statement_duration_seconds_sum{operation="get_session_and_user"} 0.0001)"))
      << text;
}

}  // namespace
}  // namespace linkgate::server
