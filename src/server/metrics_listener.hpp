// The metrics endpoint (LINKGATE_METRICS_ADDR): its own listener, thread and event loop, apart
// from the public port, answering GET (or HEAD) /metrics with the registry's Prometheus text and
// 404 to every other path. A slow or stuck scraper therefore never holds up sign-ins, and the
// public port has no /metrics at all.
#pragma once

#include <memory>
#include <string>

#include "linkgate/result.hpp"
#include "metrics/registry.hpp"

namespace linkgate::server {

class MetricsListener {
 public:
  // REQUIRES: registry outlives the listener.
  MetricsListener(const metrics::Registry& registry, std::string host, int port);
  ~MetricsListener();  // stops, if still running
  MetricsListener(const MetricsListener&) = delete;
  MetricsListener& operator=(const MetricsListener&) = delete;

  // Binds, listens and starts serving on a thread of its own. Returns the port bound (port 0
  // picks a free one), or an Error naming the address.
  Result<int> start();
  // Stops serving and joins the thread. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linkgate::server
