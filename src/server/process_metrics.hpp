// The process's own metrics, read from /proc when scraped: resident memory, open file
// descriptors, CPU time, start time, and linkgate_build_info with the version.
#pragma once

#include <string>

#include "metrics/registry.hpp"

namespace linkgate::server {

// Registers process_resident_memory_bytes, process_virtual_memory_bytes, process_open_fds,
// process_max_fds, process_cpu_seconds_total, process_start_time_seconds (the names of
// Prometheus's client libraries) and linkgate_build_info{version}.
void register_process_metrics(metrics::Registry& registry, const std::string& version);

}  // namespace linkgate::server
