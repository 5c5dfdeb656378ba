// The store's metrics: how long a Store operation's database work took, from asking the pool for a
// connection to the result (on PostgreSQL each statement, a batch's once; on SQLite each call,
// all its statements together), PostgreSQL's connection pool (SQLite's has no limit, so no
// caller ever waits for it and it has nothing to report) and the webhook outbox's depth, read
// when scraped.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "linkgate/store.hpp"
#include "metrics/registry.hpp"

namespace linkgate::server {

class StoreMetrics {
 public:
  // Registers linkgate_store_statement_duration_seconds{operation}, one series per Store
  // operation (the methods of linkgate/store.hpp) and "other".
  explicit StoreMetrics(metrics::Registry& registry);

  // For store::PostgresOptions::on_statement and store::SqliteOptions::on_operation.
  // Thread-safe.
  void observe(std::string_view operation, std::chrono::nanoseconds took) const;

  // Registers linkgate_store_pool_connections{state="open|in_use"},
  // linkgate_store_pool_waiting and linkgate_store_pool_size when `store` is a PostgreSQL store
  // (open_postgres_store); nothing otherwise.
  static void register_pool(metrics::Registry& registry, std::shared_ptr<Store> store);

  // Registers linkgate_webhook_events{state="pending|failed"}, read from the store
  // (Store::count_webhook_events, one query per series) when scraped.
  static void register_webhook_queue(metrics::Registry& registry, std::shared_ptr<Store> store);

 private:
  // The operations' histograms by the length of their name, then name: a lookup compares the
  // name with the few of its length only (observe() runs for every statement or call).
  std::vector<std::vector<std::pair<std::string_view, metrics::Histogram>>> by_length_;
  metrics::Histogram other_;
};

}  // namespace linkgate::server
