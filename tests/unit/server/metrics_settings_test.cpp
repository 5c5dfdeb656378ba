// LINKGATE_METRICS_ADDR (server/metrics_address.hpp, read by server/settings.cpp): an IP address
// and a port, or startup stops naming the setting; in production a non-loopback address is
// refused unless LINKGATE_METRICS_ALLOW_REMOTE=true.
#include <gtest/gtest.h>

#include <map>

#include "server/metrics_address.hpp"
#include "server/settings.hpp"

namespace linkgate::server {
namespace {

Result<Settings> read(std::map<std::string, std::string> values) {
  return read_settings([values = std::move(values)](std::string_view name) {
    auto it = values.find(std::string(name));
    return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
}

std::map<std::string, std::string> production(std::string metrics_addr) {
  return {{"LINKGATE_ENV", "production"},
          {"AUTH_URL", "https://auth.example.com/api/auth"},
          {"AUTH_SECRET", "0123456789abcdef0123456789abcdef"},
          {"EMAIL_FROM", "Example <no-reply@example.com>"},
          {"AUTH_POSTMARK_KEY", "postmark-key"},
          {"LINKGATE_METRICS_ADDR", std::move(metrics_addr)}};
}

TEST(MetricsAddress, ParsesAnIpAndAPort) {
  auto v4 = parse_metrics_address("127.0.0.1:9464");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 9464);
  EXPECT_TRUE(v4->loopback);
  auto v6 = parse_metrics_address("[::1]:0");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  EXPECT_TRUE(v6->loopback);
  auto any = parse_metrics_address("0.0.0.0:9464");
  ASSERT_TRUE(any);
  EXPECT_FALSE(any->loopback);
  for (const char* bad :
       {"", "9464", "localhost:9464", "127.0.0.1", "127.0.0.1:", "127.0.0.1:x", "127.0.0.1:65536",
        "127.0.0.1:-1", "::1:9464", "[::1]9464", "127.0.0.1:9464 "}) {
    EXPECT_FALSE(parse_metrics_address(bad)) << bad;
  }
}

TEST(MetricsSettings, OffByDefault) {
  auto settings = read({});
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_EQ(settings->metrics_addr, "");
}

TEST(MetricsSettings, ABadAddressNamesTheSetting) {
  auto settings = read({{"LINKGATE_METRICS_ADDR", "localhost:9464"}});
  ASSERT_FALSE(settings);
  EXPECT_NE(settings.error().message.find("LINKGATE_METRICS_ADDR"), std::string::npos)
      << settings.error().message;
  EXPECT_NE(settings.error().message.find("127.0.0.1:9464"), std::string::npos)
      << settings.error().message;
}

TEST(MetricsSettings, ProductionRefusesARemoteAddressUnlessAllowed) {
  auto loopback = read(production("127.0.0.1:9464"));
  ASSERT_TRUE(loopback) << loopback.error().message;
  EXPECT_EQ(loopback->metrics_addr, "127.0.0.1:9464");

  auto remote = read(production("0.0.0.0:9464"));
  ASSERT_FALSE(remote);
  EXPECT_NE(remote.error().message.find("LINKGATE_METRICS_ADDR"), std::string::npos);
  EXPECT_NE(remote.error().message.find("LINKGATE_METRICS_ALLOW_REMOTE"), std::string::npos);

  auto allowed = production("0.0.0.0:9464");
  allowed["LINKGATE_METRICS_ALLOW_REMOTE"] = "true";
  auto settings = read(allowed);
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_EQ(settings->metrics_addr, "0.0.0.0:9464");

  // Development serves wherever it is told.
  auto development = read({{"LINKGATE_METRICS_ADDR", "0.0.0.0:9464"}});
  ASSERT_TRUE(development) << development.error().message;
}

}  // namespace
}  // namespace linkgate::server
