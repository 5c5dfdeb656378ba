#include "core/client_ip.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace linkgate::core {

namespace {

constexpr std::array<std::uint8_t, 12> kMappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// True when the first `bits` bits of a and b agree.
bool same_prefix(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& b,
                 int bits) {
  int i = 0;
  for (; bits >= 8; bits -= 8, ++i) {
    if (a[i] != b[i]) return false;
  }
  if (bits == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - bits));
  return (a[i] & mask) == (b[i] & mask);
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() > 64) return std::nullopt;
  IpAddress ip;
  std::string s(text);
  if (s.find(':') == std::string::npos) {
    unsigned char v4[4];
    if (inet_pton(AF_INET, s.c_str(), v4) != 1) return std::nullopt;
    std::copy(kMappedPrefix.begin(), kMappedPrefix.end(), ip.bytes.begin());
    std::memcpy(ip.bytes.data() + 12, v4, 4);
    ip.v4 = true;
    return ip;
  }
  if (auto zone = s.find('%'); zone != std::string::npos) {
    if (zone + 1 == s.size()) return std::nullopt;
    s.resize(zone);
  }
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
  ip.v4 = std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), ip.bytes.begin());
  return ip;
}

Result<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& cidrs) {
  TrustedProxies out;
  for (const std::string& entry : cidrs) {
    std::string_view text = trim(entry);
    std::string_view address = text;
    std::optional<int> prefix;
    if (auto slash = text.find('/'); slash != std::string_view::npos) {
      address = text.substr(0, slash);
      std::string_view digits = text.substr(slash + 1);
      int value = -1;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
        return Error{"configuration", "trusted proxy \"" + std::string(text) +
                                          "\": the prefix length is not a number"};
      }
      prefix = value;
    }
    auto ip = IpAddress::parse(address);
    if (!ip || address.front() == '[') {
      return Error{"configuration",
                   "trusted proxy \"" + std::string(text) + "\" is not an IP address or CIDR"};
    }
    const int max = ip->v4 ? 32 : 128;
    const int bits = prefix.value_or(max);
    if (bits < 0 || bits > max) {
      return Error{"configuration", "trusted proxy \"" + std::string(text) +
                                        "\": the prefix length must be 0 to " +
                                        std::to_string(max)};
    }
    // IPv4 ranges are held in their IPv4-mapped form, so their prefix moves past the 96 bits of
    // the mapping; an IPv4 /0 therefore never matches an IPv6 peer.
    out.ranges_.push_back({*ip, ip->v4 ? bits + 96 : bits});
  }
  return out;
}

bool TrustedProxies::contains(const IpAddress& ip) const {
  for (const Range& r : ranges_) {
    if (same_prefix(r.base.bytes, ip.bytes, r.prefix)) return true;
  }
  return false;
}

std::string client_ip_key(const IpAddress& ip) {
  char text[INET6_ADDRSTRLEN] = {};
  if (ip.v4) {
    inet_ntop(AF_INET, ip.bytes.data() + 12, text, sizeof text);
    return text;
  }
  std::array<std::uint8_t, 16> network{};
  std::copy(ip.bytes.begin(), ip.bytes.begin() + 8, network.begin());
  inet_ntop(AF_INET6, network.data(), text, sizeof text);
  // The /64 network, e.g. "2001:db8:1:2::" (or "::" for the all-zero one).
  std::string key = text;
  key += "/64";
  return key;
}

std::string client_ip(const TrustedProxies& proxies, const Request& request) {
  auto peer = IpAddress::parse(request.remote_address);
  if (!peer) return "unknown";
  if (proxies.empty() || !proxies.contains(*peer)) return client_ip_key(*peer);

  // Every X-Forwarded-For hop in order: headers in the order received, each a comma list.
  std::vector<std::string_view> hops;
  for (const Header& h : request.headers) {
    if (!header_name_equals(h.name, "x-forwarded-for")) continue;
    std::string_view rest = h.value;
    while (true) {
      auto comma = rest.find(',');
      hops.push_back(trim(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  IpAddress client = *peer;  // the closest address known not to be forged
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    auto hop = IpAddress::parse(*it);
    if (!hop) break;  // malformed: whatever lies to its left is not worth believing
    client = *hop;
    if (!proxies.contains(*hop)) break;
  }
  return client_ip_key(client);
}

}  // namespace linkgate::core
