// A registry of Prometheus metrics and its text exposition (format 0.0.4).
//
// Every series (one metric name with one set of label values) is registered up front, at
// startup, and the caller keeps the handle it gets back; the hot path then only adds to its
// handle. Counters and histograms are sharded by thread: each thread adds with a relaxed atomic
// to cells of its own shard (threads beyond the shard count share one), so recording takes no
// lock, allocates nothing and bounces no cache line between cores. A scrape sums the shards.
// Gauges are read at scrape time by a function the caller gives (a pool's size, RSS, a queue
// depth): nothing is kept for them in between.
//
// Registering is not thread-safe and must be done before the handles are used from other
// threads; scraping (text()) is thread-safe with recording.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace linkgate::metrics {

// Label names and values of one series, in the order they are printed. Values are printed
// escaped; names must match [a-zA-Z_][a-zA-Z0-9_]*.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Registry;

// A monotonic count. A default-constructed Counter belongs to no registry and counts nothing,
// so optional instrumentation needs no branch at its call sites.
class Counter {
 public:
  Counter() = default;
  void add(std::uint64_t n = 1) const;

 private:
  friend class Registry;
  Counter(Registry* registry, std::uint32_t cell) : registry_(registry), cell_(cell) {}
  Registry* registry_ = nullptr;
  std::uint32_t cell_ = 0;
};

// A histogram of durations, exposed in seconds (cumulative buckets, _sum, _count). Like Counter,
// a default-constructed one records nothing.
class Histogram {
 public:
  Histogram() = default;
  void observe(std::chrono::nanoseconds duration) const;

 private:
  friend class Registry;
  Histogram(Registry* registry, std::uint32_t first_cell, const std::int64_t* bounds_ns,
            std::uint32_t bucket_count)
      : registry_(registry),
        first_cell_(first_cell),
        bounds_ns_(bounds_ns),
        bucket_count_(bucket_count) {}
  Registry* registry_ = nullptr;
  // Cells: one per bucket (bucket_count_, the last one +Inf, not cumulative), then the sum (ns).
  std::uint32_t first_cell_ = 0;
  const std::int64_t* bounds_ns_ = nullptr;  // upper bounds, ascending, owned by the registry
  std::uint32_t bucket_count_ = 0;
};

// Bucket bounds (seconds) for request and store latencies: 0.5 ms to 10 s.
std::span<const double> latency_buckets();

class Registry {
 public:
  // REQUIRES: max_cells >= what is registered (each counter takes one cell, each histogram its
  // bucket count + 2). The cells are reserved as untouched memory: only what threads write to
  // becomes resident.
  explicit Registry(std::uint32_t max_cells = 4096);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Registers one series. A name registered again must keep its type and help, and its label
  // names; the series joins that family. Names of counters end in _total. Programmer errors
  // (a bad name, a clash, no cells left) throw std::logic_error at startup.
  Counter counter(std::string_view name, std::string_view help, Labels labels = {});
  Histogram histogram(std::string_view name, std::string_view help, Labels labels,
                      std::span<const double> bounds_seconds = latency_buckets());
  // A gauge read when scraped. `read` runs on the scraping thread and must be thread-safe.
  void gauge(std::string_view name, std::string_view help, Labels labels,
             std::function<double()> read);
  // A counter whose value something else keeps (e.g. a count in the store), read when scraped.
  void counter_function(std::string_view name, std::string_view help, Labels labels,
                        std::function<double()> read);

  // Every family in the order first registered, as the Prometheus text format (version 0.0.4).
  std::string text() const;

  // The current value of one counter series, summed over the shards (for tests).
  std::uint64_t value(const Counter& counter) const;

 private:
  friend class Counter;
  friend class Histogram;
  struct Family;
  struct Series;

  Family& family(std::string_view name, std::string_view help, int type, const Labels& labels);
  // A series whose value `read` gives when scraped (gauges, counter functions).
  void read_series(std::string_view name, std::string_view help, int type, Labels labels,
                   std::function<double()> read);
  std::uint32_t take_cells(std::uint32_t count);
  std::uint64_t sum(std::uint32_t cell) const;
  std::uint64_t* shard_cells() const;

  const std::uint32_t max_cells_;
  std::uint32_t used_cells_ = 0;
  std::uint64_t* cells_;  // kShards * max_cells_, zeroed; shard s starts at s * max_cells_
  std::vector<std::unique_ptr<Family>> families_;
};

}  // namespace linkgate::metrics
