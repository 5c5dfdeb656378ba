// LINKGATE_METRICS_ADDR's value: where the metrics listener binds.
#pragma once

#include <optional>
#include <string>

namespace linkgate::server {

// Parses "host:port" or "[ipv6]:port" as an IP address and a port in 0..65535; nullopt otherwise.
struct MetricsAddress {
  std::string host;
  int port = 0;
  bool loopback = false;  // 127.0.0.0/8 or ::1
};
std::optional<MetricsAddress> parse_metrics_address(const std::string& text);

}  // namespace linkgate::server
