// The webhook sender's metrics: each try of an event by how it ended, and how long it took.
#pragma once

#include <chrono>

#include "metrics/registry.hpp"
#include "server/webhook_sender.hpp"

namespace linkgate::server {

class WebhookMetrics {
 public:
  // Registers linkgate_webhook_tries_total{outcome="delivered|retry|failed"} and
  // linkgate_webhook_try_duration_seconds.
  explicit WebhookMetrics(metrics::Registry& registry);

  // For WebhookSenderOptions::on_try. Thread-safe.
  void tried(WebhookTryOutcome outcome, std::chrono::nanoseconds took) const;

 private:
  metrics::Counter delivered_;
  metrics::Counter retry_;
  metrics::Counter failed_;
  metrics::Histogram duration_;
};

}  // namespace linkgate::server
