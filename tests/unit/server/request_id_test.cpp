// Request ids (server/request_id.hpp): a trusted proxy's sane X-Request-Id is kept; anything else
// gets a fresh random id.
#include "server/request_id.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace linkgate::server {
namespace {

Request with_id(std::string peer, std::string id) {
  Request r;
  r.method = "GET";
  r.path = "/api/auth/session";
  r.remote_address = std::move(peer);
  r.headers.push_back({"X-Request-Id", std::move(id)});
  return r;
}

bool made(const std::string& id) {
  return std::regex_match(id, std::regex("[A-Za-z0-9_-]{15}"));
}

TEST(RequestId, SaneTokensOnly) {
  EXPECT_TRUE(usable_request_id("0f8fad5b-d9cb-469f-a165-70867728950e"));
  EXPECT_TRUE(usable_request_id("trace.1:span_2"));
  EXPECT_TRUE(usable_request_id(std::string(64, 'a')));
  EXPECT_FALSE(usable_request_id(std::string(65, 'a')));
  EXPECT_FALSE(usable_request_id(""));
  EXPECT_FALSE(usable_request_id("a b"));
  EXPECT_FALSE(usable_request_id("a\"b"));
  EXPECT_FALSE(usable_request_id("a=b"));
  EXPECT_FALSE(usable_request_id("é"));
}

TEST(RequestId, KeptOnlyFromATrustedProxy) {
  auto proxies = core::TrustedProxies::parse({"10.0.0.0/8"});
  ASSERT_TRUE(proxies.ok());
  EXPECT_EQ(request_id_for(with_id("10.1.2.3", "from-proxy-1"), *proxies), "from-proxy-1");
  const std::string untrusted = request_id_for(with_id("192.0.2.1", "chosen-by-client"), *proxies);
  EXPECT_TRUE(made(untrusted)) << untrusted;
  const std::string bad = request_id_for(with_id("10.1.2.3", "has space"), *proxies);
  EXPECT_TRUE(made(bad)) << bad;
  const std::string none = request_id_for(with_id("10.1.2.3", "ok-id"), core::TrustedProxies{});
  EXPECT_TRUE(made(none)) << none;
}

TEST(RequestId, MadeIdsDiffer) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(make_request_id());
  EXPECT_EQ(ids.size(), 1000u);
  for (const auto& id : ids) EXPECT_TRUE(made(id)) << id;
}

}  // namespace
}  // namespace linkgate::server
