#include "store/postgres/host_resolution.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

namespace linkgate::store::postgres {

namespace {

std::vector<std::string> split_list(std::string_view list) {
  std::vector<std::string> items;
  if (list.empty()) return items;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = list.find(',', start);
    items.emplace_back(list.substr(start, comma - start));
    if (comma == std::string_view::npos) return items;
    start = comma + 1;
  }
}

void append_item(std::string& list, bool first, std::string_view item) {
  if (!first) list += ',';
  list += item;
}

bool is_ip_literal(const std::string& host) {
  unsigned char address[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), address) == 1 ||
         inet_pton(AF_INET6, host.c_str(), address) == 1;
}

bool needs_lookup(const std::string& host) {
  return !host.empty() && host.front() != '/' && host.front() != '@' && !is_ip_literal(host);
}

using Lookups = std::map<std::string, Result<std::vector<std::string>>>;

Lookups look_up(const std::vector<std::string>& names, const ResolveHost& resolve) {
  Lookups found;
  for (const auto& name : names) found.emplace(name, resolve(name));
  return found;
}

// The lookups' results, handed from their thread to the waiting fiber.
struct PendingLookups {
  std::mutex mutex;
  std::optional<Lookups> found;
};

}  // namespace

Result<std::vector<std::string>> resolve_with_getaddrinfo(const std::string& name) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  const int failed = getaddrinfo(name.c_str(), nullptr, &hints, &list);
  if (failed != 0) {
    return Error{"unavailable",
                 "could not translate host name \"" + name + "\" to an address: " +
                     (failed == EAI_SYSTEM ? std::string("system error") : gai_strerror(failed))};
  }
  std::vector<std::string> addresses;
  for (const addrinfo* entry = list; entry != nullptr; entry = entry->ai_next) {
    char text[NI_MAXHOST];
    if (getnameinfo(entry->ai_addr, entry->ai_addrlen, text, sizeof(text), nullptr, 0,
                    NI_NUMERICHOST) != 0) {
      continue;
    }
    if (std::find(addresses.begin(), addresses.end(), text) == addresses.end()) {
      addresses.emplace_back(text);
    }
  }
  freeaddrinfo(list);
  if (addresses.empty()) {
    return Error{"unavailable", "could not translate host name \"" + name + "\" to an address"};
  }
  return addresses;
}

std::vector<std::string> names_to_resolve(const HostList& hosts) {
  std::vector<std::string> names;
  if (!hosts.hostaddr.empty()) return names;
  for (auto& host : split_list(hosts.host)) {
    if (needs_lookup(host) && std::find(names.begin(), names.end(), host) == names.end()) {
      names.push_back(std::move(host));
    }
  }
  return names;
}

Result<HostList> with_addresses(const HostList& hosts, const Lookups& addresses) {
  const auto host_items = split_list(hosts.host);
  const auto port_items = split_list(hosts.port);
  if (port_items.size() > 1 && port_items.size() != host_items.size()) return hosts;
  const bool port_per_host = port_items.size() > 1;

  HostList out;
  std::size_t entries = 0;
  const Error* first_failure = nullptr;
  const auto add = [&](std::string_view host, std::string_view hostaddr, std::size_t index) {
    append_item(out.host, entries == 0, host);
    append_item(out.hostaddr, entries == 0, hostaddr);
    if (port_per_host) append_item(out.port, entries == 0, port_items[index]);
    ++entries;
  };
  for (std::size_t i = 0; i < host_items.size(); ++i) {
    const std::string& host = host_items[i];
    const auto found = addresses.find(host);
    if (found == addresses.end()) {
      add(host, "", i);
      continue;
    }
    if (!found->second) {
      if (first_failure == nullptr) first_failure = &found->second.error();
      continue;
    }
    for (const auto& address : *found->second) add(host, address, i);
  }
  // Nothing left but default (empty) entries: libpq, given no host keyword, would go back to the
  // URL's list and look the failed names up itself.
  if (first_failure != nullptr && out.host.find_first_not_of(',') == std::string::npos) {
    return *first_failure;
  }
  if (!port_per_host) out.port = hosts.port;
  return out;
}

std::vector<HostList> host_entries(const HostList& hosts) {
  const auto host_items = split_list(hosts.host);
  const auto address_items = split_list(hosts.hostaddr);
  const auto port_items = split_list(hosts.port);
  const std::size_t count = std::max(host_items.size(), address_items.size());
  const bool lengths_agree = (host_items.empty() || host_items.size() == count) &&
                             (address_items.empty() || address_items.size() == count) &&
                             (port_items.size() <= 1 || port_items.size() == count);
  if (count < 2 || !lengths_agree) return {hosts};
  std::vector<HostList> entries;
  for (std::size_t i = 0; i < count; ++i) {
    HostList entry{.host = host_items.empty() ? "" : host_items[i],
                   .hostaddr = address_items.empty() ? "" : address_items[i],
                   .port = port_items.empty() ? "" : port_items[port_items.size() == 1 ? 0 : i]};
    entries.push_back(std::move(entry));
  }
  return entries;
}

Result<std::optional<HostList>> resolve_host_list(const HostList& hosts, const ResolveHost& resolve,
                                                  io::Deadline deadline) {
  const auto names = names_to_resolve(hosts);
  if (names.empty()) return std::optional<HostList>();
  Lookups found;
  if (io::Waiter* waiter = io::current_waiter(); waiter == nullptr) {
    found = look_up(names, resolve);
  } else {
    // The thread owns what it uses: a fiber that stops waiting (its deadline, or its loop
    // shutting down) leaves the lookups to finish and be dropped.
    auto pending = std::make_shared<PendingLookups>();
    auto signal = waiter->make_signal();
    try {
      std::thread([pending, signal, names, resolve] {
        auto looked_up = look_up(names, resolve);
        {
          const std::lock_guard<std::mutex> lock(pending->mutex);
          pending->found = std::move(looked_up);
        }
        signal->raise();
      }).detach();
    } catch (const std::system_error&) {
      return Error{"unavailable", "could not start a thread to resolve host names"};
    }
    if (!waiter->wait_signal(signal, deadline)) {
      return Error{"unavailable", "timeout expired while resolving host names"};
    }
    const std::lock_guard<std::mutex> lock(pending->mutex);
    found = std::move(*pending->found);
  }
  auto listed = with_addresses(hosts, found);
  if (!listed) return listed.error();
  return std::optional<HostList>(std::move(*listed));
}

}  // namespace linkgate::store::postgres
