// The store's metrics: how long each PostgreSQL statement of a Store operation took (from asking
// the pool for a connection to the result), the connection pool's use and the webhook outbox's
// depth, read when scraped.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string_view>

#include "linkgate/store.hpp"
#include "metrics/registry.hpp"

namespace linkgate::server {

class StoreMetrics {
 public:
  // Registers linkgate_store_statement_duration_seconds{operation}, one series per Store
  // operation (the methods of linkgate/store.hpp) and "other".
  explicit StoreMetrics(metrics::Registry& registry);

  // For store::PostgresOptions::on_statement. Thread-safe.
  void observe(std::string_view operation, std::chrono::nanoseconds took) const;

  // Registers linkgate_store_pool_connections{state="open|in_use"},
  // linkgate_store_pool_waiting and linkgate_store_pool_size when `store` is a PostgreSQL store
  // (open_postgres_store); nothing otherwise.
  static void register_pool(metrics::Registry& registry, std::shared_ptr<Store> store);

  // Registers linkgate_webhook_events{state="pending|failed"}, read from the store
  // (Store::count_webhook_events, one query per series) when scraped.
  static void register_webhook_queue(metrics::Registry& registry, std::shared_ptr<Store> store);

 private:
  std::map<std::string_view, metrics::Histogram, std::less<>> by_operation_;
  metrics::Histogram other_;
};

}  // namespace linkgate::server
