#include "server/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

namespace linkgate::server {

namespace {

// The fields of /proc/self/stat after the command name (field 3, the state, is index 0).
std::vector<std::string> stat_fields() {
  std::ifstream file("/proc/self/stat");
  std::string line;
  std::getline(file, line);
  std::vector<std::string> fields;
  const auto close = line.rfind(')');  // the command name may hold spaces and parentheses
  if (close == std::string::npos) return fields;
  std::istringstream rest(line.substr(close + 1));
  for (std::string field; rest >> field;) fields.push_back(field);
  return fields;
}

double stat_number(std::size_t field) {
  const auto fields = stat_fields();
  const std::size_t index = field - 3;
  return index < fields.size() ? std::stod(fields[index]) : 0;
}

double open_fds() {
  std::error_code ec;
  double count = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++count;
  }
  return count > 0 ? count - 1 : 0;  // not the descriptor of the listing itself
}

// Seconds since the epoch when the process started: boot time (btime) plus its start in ticks.
double start_time_seconds() {
  std::ifstream file("/proc/stat");
  double boot = 0;
  for (std::string line; std::getline(file, line);) {
    if (std::string_view(line).starts_with("btime ")) boot = std::stod(line.substr(6));
  }
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  if (boot <= 0 || ticks <= 0) {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  return boot + stat_number(22) / ticks;
}

}  // namespace

void register_process_metrics(metrics::Registry& registry, const std::string& version) {
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  registry.gauge("process_resident_memory_bytes", "Resident memory size in bytes.", {},
                 [page] { return stat_number(24) * page; });
  registry.gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", {},
                 [] { return stat_number(23); });
  registry.gauge("process_open_fds", "Number of open file descriptors.", {}, open_fds);
  registry.gauge("process_max_fds", "Maximum number of open file descriptors.", {}, [] {
    rlimit limit{};
    return getrlimit(RLIMIT_NOFILE, &limit) == 0 ? static_cast<double>(limit.rlim_cur) : 0.0;
  });
  registry.counter_function(
      "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", {},
      [ticks] { return ticks > 0 ? (stat_number(14) + stat_number(15)) / ticks : 0; });
  const double started = start_time_seconds();
  registry.gauge("process_start_time_seconds",
                 "Start time of the process since unix epoch in seconds.", {},
                 [started] { return started; });
  registry.gauge("linkgate_build_info", "Always 1; the version of linkgate that runs.",
                 {{"version", version}}, [] { return 1.0; });
}

}  // namespace linkgate::server
