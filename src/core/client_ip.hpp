// The client IP of a request (SPEC B1): the socket peer, unless the peer is a trusted proxy;
// then the right-most X-Forwarded-For hop that is not a trusted proxy. IPv6 clients are keyed by
// their /64 (one subscriber usually holds a whole /64).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linkgate/http.hpp"
#include "linkgate/result.hpp"

namespace linkgate::core {

// One IP address, IPv4 addresses held as IPv4-mapped IPv6 (::ffff:a.b.c.d).
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  bool v4 = false;

  // Parses "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1", "[2001:db8::1]" (brackets allowed),
  // dropping an IPv6 zone ("%eth0"). nullopt for anything else (ports, names, garbage).
  static std::optional<IpAddress> parse(std::string_view text);
};

// A parsed list of trusted-proxy CIDRs ("10.0.0.0/8", "::1/128"; a bare address is a /32 or
// /128). Empty trusts no proxy.
class TrustedProxies {
 public:
  // An Error (kind "configuration") names the first invalid entry (bad address, bad prefix
  // length, bits set after the prefix are accepted and ignored).
  static Result<TrustedProxies> parse(const std::vector<std::string>& cidrs);

  bool empty() const { return ranges_.empty(); }
  bool contains(const IpAddress& ip) const;

 private:
  struct Range {
    IpAddress base;
    int prefix = 0;  // in bits of the 128-bit (mapped) form
  };
  std::vector<Range> ranges_;
};

// The rate-limit key of the client: "192.0.2.1" for IPv4 (also when it came IPv4-mapped),
// "2001:db8:1:2::/64" for IPv6. When the peer is trusted, X-Forwarded-For (all such headers,
// comma lists joined in order) is read right to left, skipping trusted hops; the first untrusted
// hop is the client. A malformed hop there stops the walk and the last trusted address seen is
// the client (never a value the client could forge). An unparsable peer yields "unknown" (all
// such requests share one key).
std::string client_ip(const TrustedProxies& proxies, const Request& request);

// The key of one address, as client_ip returns it.
std::string client_ip_key(const IpAddress& ip);

}  // namespace linkgate::core
