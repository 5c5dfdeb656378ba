// The metrics registry (metrics/registry.hpp): sharded counters that lose no count across
// threads, histograms with inclusive upper bounds, gauges read when scraped, the text exposition
// (format 0.0.4) and the programmer errors refused at registration.
#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

#include "metrics/registry.hpp"

namespace linkgate::metrics {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(MetricsRegistry, CountersSumEveryThreadsAdds) {
  Registry registry;
  Counter counter = registry.counter("test_events_total", "Events.");
  std::vector<std::thread> threads;
  for (int t = 0; t < 40; ++t) {  // more threads than shards: some share one
    threads.emplace_back([counter] {
      for (int i = 0; i < 10000; ++i) counter.add();
    });
  }
  for (auto& thread : threads) thread.join();
  counter.add(5);
  EXPECT_EQ(registry.value(counter), 400005u);
  EXPECT_NE(registry.text().find("test_events_total 400005\n"), std::string::npos);
}

TEST(MetricsRegistry, TextHasHelpTypeAndSeriesOfEachFamilyInOrder) {
  Registry registry;
  Counter sent = registry.counter("test_sent_total", "Sent.\nSecond \\ line.",
                                  {{"provider", "postmark"}, {"outcome", "sent"}});
  Counter failed = registry.counter("test_sent_total", "Sent.\nSecond \\ line.",
                                    {{"provider", "a\"b\\c\nd"}, {"outcome", "failed"}});
  registry.gauge("test_depth", "Depth.", {}, [] { return 2.5; });
  Histogram latency = registry.histogram("test_duration_seconds", "Latency.", {{"route", "x"}},
                                         std::vector<double>{0.0005, 0.01});
  sent.add(3);
  failed.add();
  latency.observe(microseconds(500));  // on the bound: in its bucket (le is inclusive)
  latency.observe(milliseconds(5));
  latency.observe(milliseconds(2000));
  EXPECT_EQ(registry.text(),
            "# HELP test_sent_total Sent.\\nSecond \\\\ line.\n"
            "# TYPE test_sent_total counter\n"
            "test_sent_total{provider=\"postmark\",outcome=\"sent\"} 3\n"
            "test_sent_total{provider=\"a\\\"b\\\\c\\nd\",outcome=\"failed\"} 1\n"
            "# HELP test_depth Depth.\n"
            "# TYPE test_depth gauge\n"
            "test_depth 2.5\n"
            "# HELP test_duration_seconds Latency.\n"
            "# TYPE test_duration_seconds histogram\n"
            "test_duration_seconds_bucket{route=\"x\",le=\"0.0005\"} 1\n"
            "test_duration_seconds_bucket{route=\"x\",le=\"0.01\"} 2\n"
            "test_duration_seconds_bucket{route=\"x\",le=\"+Inf\"} 3\n"
            "test_duration_seconds_sum{route=\"x\"} 2.0055\n"
            "test_duration_seconds_count{route=\"x\"} 3\n");
}

TEST(MetricsRegistry, GaugesAreReadAtEachScrape) {
  Registry registry;
  double depth = 1;
  registry.gauge("test_queue_depth", "Depth.", {{"state", "pending"}}, [&depth] { return depth; });
  EXPECT_NE(registry.text().find("test_queue_depth{state=\"pending\"} 1\n"), std::string::npos);
  depth = 7;
  EXPECT_NE(registry.text().find("test_queue_depth{state=\"pending\"} 7\n"), std::string::npos);
}

TEST(MetricsRegistry, DefaultHandlesRecordNothing) {
  Counter counter;
  Histogram histogram;
  counter.add();
  histogram.observe(milliseconds(1));
  Registry registry;
  EXPECT_EQ(registry.value(counter), 0u);
  EXPECT_EQ(registry.text(), "");
}

TEST(MetricsRegistry, ProgrammerErrorsAreRefusedAtRegistration) {
  Registry registry(20);
  EXPECT_THROW(registry.counter("test_events", "No _total."), std::logic_error);
  EXPECT_THROW(registry.counter("9_total", "Bad name."), std::logic_error);
  EXPECT_THROW(registry.counter("test_a_total", "Bad label.", {{"bad-label", "x"}}),
               std::logic_error);
  EXPECT_THROW(registry.histogram("test_h_seconds", "Reserved label.", {{"le", "1"}}),
               std::logic_error);
  EXPECT_THROW(
      registry.histogram("test_h_seconds", "Unsorted.", {}, std::vector<double>{0.1, 0.01}),
      std::logic_error);
  registry.counter("test_b_total", "Help.", {{"kind", "a"}});
  EXPECT_THROW(registry.counter("test_b_total", "Other help.", {{"kind", "b"}}), std::logic_error);
  EXPECT_THROW(registry.counter("test_b_total", "Help.", {{"other", "b"}}), std::logic_error);
  EXPECT_THROW(registry.counter("test_b_total", "Help.", {{"kind", "a"}}), std::logic_error);
  EXPECT_THROW(registry.gauge("test_b_total", "Help.", {{"kind", "c"}}, [] { return 0.0; }),
               std::logic_error);
  // 20 cells: one counter used one; a 14-bound histogram needs 16, a second one no longer fits.
  registry.histogram("test_c_seconds", "Fits.", {});
  EXPECT_THROW(registry.histogram("test_d_seconds", "Does not fit.", {}), std::logic_error);
}

}  // namespace
}  // namespace linkgate::metrics
