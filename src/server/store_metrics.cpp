#include "server/store_metrics.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <string>

#include "store/postgres/postgres_store.hpp"

namespace linkgate::server {

namespace {

constexpr std::string_view kName = "linkgate_store_statement_duration_seconds";
constexpr std::string_view kHelp =
    "Time of a Store operation's database work, from asking the pool for a connection to the "
    "result: each statement on PostgreSQL (a batch of calls counts once), each call on SQLite.";

// The Store operations, as both stores name them.
constexpr std::array<std::string_view, 36> kOperations = {
    "add_outbox_message",
    "add_webhook_event",
    "claim_webhook_events",
    "count_hit",
    "count_webhook_events",
    "create_one_time_code",
    "create_session",
    "create_user",
    "create_user_and_session",
    "create_verification_token",
    "delete_delivered_webhook_events",
    "delete_expired",
    "delete_one_time_codes_of_link",
    "delete_session",
    "delete_session_with_event",
    "delete_user",
    "delete_user_sessions",
    "delete_verification_tokens",
    "get_session_and_user",
    "get_user",
    "get_user_by_email",
    "list_outbox_messages",
    "list_users",
    "list_webhook_events",
    "mark_webhook_attempt_failed",
    "mark_webhook_delivered",
    "mark_webhook_failed",
    "redeem_link",
    "retry_webhook_events",
    "update_session_expiry",
    "update_user",
    "update_user_and_create_session",
    "use_one_time_code",
    "use_verification_token",
    "use_verification_token_and_get_user",
    "verification_token_was_used",
};
}  // namespace

StoreMetrics::StoreMetrics(metrics::Registry& registry) {
  for (std::string_view operation : kOperations) {
    if (by_length_.size() <= operation.size()) by_length_.resize(operation.size() + 1);
    by_length_[operation.size()].emplace_back(
        operation, registry.histogram(kName, kHelp, {{"operation", std::string(operation)}}));
  }
  other_ = registry.histogram(kName, kHelp, {{"operation", "other"}});
}

void StoreMetrics::observe(std::string_view operation, std::chrono::nanoseconds took) const {
  if (operation.size() < by_length_.size()) {
    for (const auto& [name, histogram] : by_length_[operation.size()]) {
      // The first letter tells most names of one length apart without a call to memcmp.
      if (name.front() == operation.front() && name == operation) {
        return histogram.observe(took);
      }
    }
  }
  other_.observe(took);
}

void StoreMetrics::register_pool(metrics::Registry& registry, std::shared_ptr<Store> store) {
  if (!store::postgres_pool_usage(*store)) return;
  auto read = [store](int store::PostgresPoolUsage::*field) {
    return [store, field] {
      auto usage = store::postgres_pool_usage(*store);
      return usage ? static_cast<double>((*usage).*field) : 0.0;
    };
  };
  constexpr std::string_view kConnections = "linkgate_store_pool_connections";
  constexpr std::string_view kConnectionsHelp =
      "PostgreSQL connections of the pool: open (idle or in use) and in use by a call.";
  registry.gauge(kConnections, kConnectionsHelp, {{"state", "open"}},
                 read(&store::PostgresPoolUsage::open));
  registry.gauge(kConnections, kConnectionsHelp, {{"state", "in_use"}},
                 read(&store::PostgresPoolUsage::in_use));
  registry.gauge("linkgate_store_pool_waiting",
                 "Calls waiting for a PostgreSQL connection of the pool.", {},
                 read(&store::PostgresPoolUsage::waiting));
  registry.gauge("linkgate_store_pool_size", "The pool's connections at most (DATABASE_POOL_SIZE).",
                 {}, read(&store::PostgresPoolUsage::size));
}

void StoreMetrics::register_webhook_queue(metrics::Registry& registry,
                                          std::shared_ptr<Store> store) {
  constexpr std::string_view kName = "linkgate_webhook_events";
  constexpr std::string_view kHelp =
      "Webhook events in the outbox: pending (not delivered yet, retries included: the queue's "
      "depth) and failed (kept after the last try); NaN when the store cannot say.";
  auto read = [store](std::int64_t WebhookEventCounts::*field) {
    return [store, field] {
      auto counts = store->count_webhook_events();
      return counts ? static_cast<double>((*counts).*field)
                    : std::numeric_limits<double>::quiet_NaN();
    };
  };
  registry.gauge(kName, kHelp, {{"state", "pending"}}, read(&WebhookEventCounts::pending));
  registry.gauge(kName, kHelp, {{"state", "failed"}}, read(&WebhookEventCounts::failed));
}

}  // namespace linkgate::server
