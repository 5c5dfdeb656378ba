#include "core/client_ip.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace linkgate::core {
namespace {

TrustedProxies proxies(const std::vector<std::string>& cidrs) {
  auto parsed = TrustedProxies::parse(cidrs);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? *parsed : TrustedProxies{};
}

Request from(const std::string& peer, const std::vector<std::string>& xff = {}) {
  Request r;
  r.method = "POST";
  r.remote_address = peer;
  for (const auto& v : xff) r.headers.push_back({"X-Forwarded-For", v});
  return r;
}

TEST(ClientIp, ParsesAddresses) {
  EXPECT_TRUE(IpAddress::parse("192.0.2.1").has_value());
  EXPECT_TRUE(IpAddress::parse("2001:db8::1").has_value());
  EXPECT_TRUE(IpAddress::parse("[2001:db8::1]").has_value());
  EXPECT_TRUE(IpAddress::parse("fe80::1%eth0").has_value());
  EXPECT_TRUE(IpAddress::parse("::ffff:192.0.2.1")->v4);
  for (const char* bad : {"", "192.0.2", "192.0.2.1:443", "256.0.0.1", "01.2.3.4x", "example.com",
                          "2001:db8::1::2", "[2001:db8::1", "1.2.3.4 ", "unknown", "fe80::1%"}) {
    EXPECT_FALSE(IpAddress::parse(bad).has_value()) << bad;
  }
}

TEST(ClientIp, NoProxyTrustedByDefault) {
  TrustedProxies none;
  EXPECT_EQ(client_ip(none, from("192.0.2.7")), "192.0.2.7");
  // A forged header from the peer itself is ignored.
  EXPECT_EQ(client_ip(none, from("192.0.2.7", {"198.51.100.9"})), "192.0.2.7");
}

TEST(ClientIp, SpoofedForwardedForFromUntrustedPeerIgnored) {
  auto trusted = proxies({"10.0.0.0/8"});
  EXPECT_EQ(client_ip(trusted, from("192.0.2.7", {"198.51.100.9"})), "192.0.2.7");
}

TEST(ClientIp, TrustedPeerUsesRightMostUntrustedHop) {
  auto trusted = proxies({"10.0.0.0/8", "::1/128"});
  // The client forged "1.1.1.1"; the first proxy appended the real client 198.51.100.9, a second
  // trusted proxy appended the first one (10.0.0.2).
  EXPECT_EQ(client_ip(trusted, from("10.0.0.1", {"1.1.1.1, 198.51.100.9, 10.0.0.2"})),
            "198.51.100.9");
  // Several headers count as one list, in order.
  EXPECT_EQ(client_ip(trusted, from("10.0.0.1", {"1.1.1.1", "198.51.100.9"})), "198.51.100.9");
  EXPECT_EQ(client_ip(trusted, from("::1", {"198.51.100.9"})), "198.51.100.9");
  // No header: the proxy itself.
  EXPECT_EQ(client_ip(trusted, from("10.0.0.1")), "10.0.0.1");
  // Every hop trusted: the left-most one.
  EXPECT_EQ(client_ip(trusted, from("10.0.0.1", {"10.9.9.9, 10.0.0.2"})), "10.9.9.9");
}

TEST(ClientIp, MalformedForwardedForStopsTheWalk) {
  auto trusted = proxies({"10.0.0.0/8"});
  // A hop that does not parse: nothing to its left is believed; the last trusted address stands.
  EXPECT_EQ(client_ip(trusted, from("10.0.0.1", {"198.51.100.9, garbage"})), "10.0.0.1");
  EXPECT_EQ(client_ip(trusted, from("10.0.0.1", {"198.51.100.9, 10.0.0.2, "})), "10.0.0.1");
  EXPECT_EQ(client_ip(trusted, from("10.0.0.1", {"198.51.100.9:1234"})), "10.0.0.1");
  EXPECT_EQ(client_ip(trusted, from("10.0.0.1", {"x, 10.0.0.2"})), "10.0.0.2");
  EXPECT_EQ(client_ip(trusted, from("10.0.0.1", {""})), "10.0.0.1");
}

TEST(ClientIp, Ipv6GroupedBySlash64) {
  TrustedProxies none;
  EXPECT_EQ(client_ip(none, from("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
  EXPECT_EQ(client_ip(none, from("2001:db8:1:2:ffff:ffff:ffff:ffff")), "2001:db8:1:2::/64");
  EXPECT_NE(client_ip(none, from("2001:db8:1:3::1")), "2001:db8:1:2::/64");
  // IPv4-mapped peers (dual-stack sockets) are keyed as IPv4.
  EXPECT_EQ(client_ip(none, from("::ffff:192.0.2.1")), "192.0.2.1");
  auto trusted = proxies({"10.0.0.0/8"});
  EXPECT_EQ(client_ip(trusted, from("10.0.0.1", {"2001:db8:9:9:1:2:3:4"})), "2001:db8:9:9::/64");
}

TEST(ClientIp, UnparsablePeerSharesOneKey) {
  TrustedProxies none;
  EXPECT_EQ(client_ip(none, from("")), "unknown");
  EXPECT_EQ(client_ip(none, from("not-an-ip")), "unknown");
}

TEST(ClientIp, TrustedProxyCidrs) {
  auto trusted = proxies({"192.0.2.0/24", "2001:db8::/32", "203.0.113.5"});
  EXPECT_TRUE(trusted.contains(*IpAddress::parse("192.0.2.200")));
  EXPECT_FALSE(trusted.contains(*IpAddress::parse("192.0.3.1")));
  EXPECT_TRUE(trusted.contains(*IpAddress::parse("2001:db8:ffff::1")));
  EXPECT_FALSE(trusted.contains(*IpAddress::parse("2001:db9::1")));
  EXPECT_TRUE(trusted.contains(*IpAddress::parse("203.0.113.5")));
  EXPECT_FALSE(trusted.contains(*IpAddress::parse("203.0.113.6")));
  // An IPv4 range never matches an IPv6 address, even a /0.
  auto all_v4 = proxies({"0.0.0.0/0"});
  EXPECT_TRUE(all_v4.contains(*IpAddress::parse("8.8.8.8")));
  EXPECT_FALSE(all_v4.contains(*IpAddress::parse("2001:db8::1")));
}

TEST(ClientIp, InvalidCidrsAreConfigurationErrors) {
  for (const char* bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "example.com",
                          "10.0.0/8", "", "[::1]/128", "10.0.0.0/-1"}) {
    auto parsed = TrustedProxies::parse({bad});
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().kind, "configuration");
  }
}

}  // namespace
}  // namespace linkgate::core
