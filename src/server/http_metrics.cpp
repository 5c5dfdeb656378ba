#include "server/http_metrics.hpp"

#include <string>

namespace linkgate::server {

HttpMetrics::HttpMetrics(metrics::Registry& registry) {
  static constexpr std::array<std::string_view, 5> kClasses = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  for (std::size_t r = 0; r < kRoutes.size(); ++r) {
    for (std::size_t c = 0; c < kClasses.size(); ++c) {
      requests_[r][c] = registry.counter(
          "linkgate_http_requests_total", "HTTP requests answered, by route and status class.",
          {{"route", std::string(kRoutes[r])}, {"status", std::string(kClasses[c])}});
    }
    durations_[r] =
        registry.histogram("linkgate_http_request_duration_seconds",
                           "Time from a request read to its response written, by route.",
                           {{"route", std::string(kRoutes[r])}});
  }
}

void HttpMetrics::record(std::string_view route, int status,
                         std::chrono::nanoseconds duration) const {
  std::size_t r = 0;
  while (r + 1 < kRoutes.size() && kRoutes[r] != route) ++r;
  const std::size_t c =
      status >= 100 && status < 600 ? static_cast<std::size_t>(status / 100 - 1) : 4;
  requests_[r][c].add();
  durations_[r].observe(duration);
}

}  // namespace linkgate::server
