// Host names of DATABASE_URL, resolved before libpq connects.
//
// libpq looks a host name up itself, with a blocking getaddrinfo, while it opens a connection. On
// a fiber of the event loop that would stall every connection the loop serves. So the adapter
// resolves the names first (on a thread of its own while a fiber waits, io/waiter.hpp) and
// hands libpq the numeric addresses as `hostaddr`, keeping each name in `host` (TLS certificate
// checks and ~/.pgpass use it). Unix-socket paths and IP literals need no lookup.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/waiter.hpp"
#include "linkgate/result.hpp"

namespace linkgate::store::postgres {

// A name's addresses as numeric strings ("127.0.0.1", "::1"), in the order to try them; an Error
// (kind "unavailable") when the name has none. Called from any thread.
using ResolveHost = std::function<Result<std::vector<std::string>>(const std::string& name)>;

// The system's resolver: getaddrinfo for stream sockets of any address family.
Result<std::vector<std::string>> resolve_with_getaddrinfo(const std::string& name);

// libpq's connection keywords: comma-separated lists, as in a connection string.
struct HostList {
  std::string host;
  std::string hostaddr;
  std::string port;
};

// The entries of `hosts.host` that need a lookup, once each: none when `hosts.hostaddr` is set
// (the URL already chose addresses), otherwise every entry that is not empty, not a Unix-socket
// path ('/' or '@' first) and not an IP literal.
std::vector<std::string> names_to_resolve(const HostList& hosts);

// The lists to give libpq once the names are resolved: each name becomes one entry per address
// (libpq tries them in order, as it tries the addresses of a name it resolves itself), with its
// port repeated; entries not in `addresses` stay as they are with an empty hostaddr. A name whose
// lookup failed is dropped, as libpq skips a name it cannot resolve; when only empty entries (or
// none) are left, the first failure is returned. A port list whose length matches neither 1 nor the
// host count is left to libpq to reject, so the lists come back unchanged.
Result<HostList> with_addresses(
    const HostList& hosts,
    const std::map<std::string, Result<std::vector<std::string>>>& addresses);

// The entries of `hosts` to try one at a time, each with one host, one hostaddr and one port
// (libpq bounds the whole of a non-blocking attempt by nothing, so the caller gives each entry its
// own timeout and its own target_session_attrs check). The lists come back as the single element
// when they cannot be split: fewer than two entries, or lengths libpq would reject. An empty
// item stays empty (libpq's default for that keyword).
std::vector<HostList> host_entries(const HostList& hosts);

// Resolves names_to_resolve(hosts) with `resolve` and returns with_addresses(...). With a Waiter
// installed (a fiber), the lookups run on a thread of their own and only the fiber waits, until
// `deadline` at most (then an Error "timeout expired"); otherwise they run on the calling thread.
// std::nullopt when there is nothing to resolve.
Result<std::optional<HostList>> resolve_host_list(const HostList& hosts, const ResolveHost& resolve,
                                                  io::Deadline deadline);

}  // namespace linkgate::store::postgres
