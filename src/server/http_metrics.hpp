// What the HTTP server counts: requests by route and status class, and how long each took from
// the moment it was read to the moment its response was written.
#pragma once

#include <array>
#include <chrono>
#include <string_view>

#include "metrics/registry.hpp"

namespace linkgate::server {

class HttpMetrics {
 public:
  // Route names (Auth::route_name, and the server's own /healthz and /readyz): a fixed set, so
  // that no request can add a series.
  static constexpr std::array<std::string_view, 14> kRoutes = {
      "providers", "session", "csrf", "signin", "signout", "callback", "verify-request",
      "error",     "verify",  "home", "outbox", "healthz", "readyz",   "other"};

  // Registers linkgate_http_requests_total{route,status} and
  // linkgate_http_request_duration_seconds{route}.
  explicit HttpMetrics(metrics::Registry& registry);

  // `route` outside kRoutes counts as "other"; a status outside 100..599 as "5xx".
  void record(std::string_view route, int status, std::chrono::nanoseconds duration) const;

 private:
  std::array<std::array<metrics::Counter, 5>, kRoutes.size()> requests_;
  std::array<metrics::Histogram, kRoutes.size()> durations_;
};

}  // namespace linkgate::server
