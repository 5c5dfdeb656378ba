#include "server/webhook_metrics.hpp"

#include <string_view>

namespace linkgate::server {

namespace {

constexpr std::string_view kTries = "linkgate_webhook_tries_total";
constexpr std::string_view kTriesHelp =
    "Tries of webhook events, by how each ended: delivered (a 2xx answer), retry (no 2xx "
    "answer, tried again later) or failed (no 2xx answer and no retry left).";

}  // namespace

WebhookMetrics::WebhookMetrics(metrics::Registry& registry)
    : delivered_(registry.counter(kTries, kTriesHelp, {{"outcome", "delivered"}})),
      retry_(registry.counter(kTries, kTriesHelp, {{"outcome", "retry"}})),
      failed_(registry.counter(kTries, kTriesHelp, {{"outcome", "failed"}})),
      duration_(registry.histogram("linkgate_webhook_try_duration_seconds",
                                   "Time of each try of a webhook event, from the POST to its "
                                   "answer (or its failure).",
                                   {})) {}

void WebhookMetrics::tried(WebhookTryOutcome outcome, std::chrono::nanoseconds took) const {
  switch (outcome) {
    case WebhookTryOutcome::delivered:
      delivered_.add();
      break;
    case WebhookTryOutcome::retry:
      retry_.add();
      break;
    case WebhookTryOutcome::failed:
      failed_.add();
      break;
  }
  duration_.observe(took);
}

}  // namespace linkgate::server
