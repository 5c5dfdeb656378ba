// Rate limits over real HTTP (SPEC B1): per identifier (the answer of a success, nothing stored
// or sent), per client IP and the global send budget (?error=RateLimited, 429 + Retry-After in
// JSON mode), the client IP behind trusted proxies, limits on by default, and limits shared by two
// nodes on one PostgreSQL.
#include <sqlite3.h>

#include "integration/harness.hpp"
#include "integration/postgres_harness.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

std::int64_t count_rows(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
  std::int64_t n = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) n = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

std::string success_location(const std::string& origin) {
  return origin + "/api/auth/verify-request?provider=outbox&type=email";
}

// The RateLimited answer's location, checked to carry a retryAfter of 1..window seconds.
void expect_rate_limited(const HttpResponse& res, const std::string& origin, int window_seconds) {
  EXPECT_EQ(res.status, 302) << res.body;
  const std::string location = res.header("location");
  const std::string prefix = origin + "/api/auth/signin?error=RateLimited&retryAfter=";
  ASSERT_EQ(location.rfind(prefix, 0), 0u) << location;
  const int retry_after = std::stoi(location.substr(prefix.size()));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, window_seconds);
  EXPECT_EQ(res.header("retry-after"), std::to_string(retry_after));
  EXPECT_TRUE(res.headers_named("set-cookie").empty());
}

std::map<std::string, std::string> limits(std::map<std::string, std::string> env) {
  env["LINKGATE_RATE_LIMITS"] = "on";
  return env;
}

TEST(RateLimits, IdentifierLimitAnswersAsSuccessAndSendsNothing) {
  RunningServer server(limits({{"LINKGATE_RATE_LIMIT_IDENTIFIER", "2/15m"}}));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  for (const char* email : {"limited@example.com", "Limited@Example.com"}) {
    auto sent = request_link(browser, "outbox", email);
    EXPECT_EQ(sent.status, 302);
    EXPECT_EQ(sent.header("location"), success_location(server.origin()));
  }
  EXPECT_EQ(outbox_size(browser), 2u);
  const std::string tokens = "SELECT COUNT(*) FROM verification_token";
  EXPECT_EQ(count_rows(server.db_path(), tokens), 2);

  // The third in the window (the same address, whatever its case): the very same answer, but no
  // email and no token.
  auto over = request_link(browser, "outbox", "LIMITED@example.com");
  EXPECT_EQ(over.status, 302);
  EXPECT_EQ(over.header("location"), success_location(server.origin()));
  EXPECT_EQ(outbox_size(browser), 2u);
  EXPECT_EQ(count_rows(server.db_path(), tokens), 2);
  // The same in JSON mode: 200 {"url"} as a success.
  const std::string csrf = browser.csrf_token();
  auto json_over = browser.post_form("/api/auth/signin/outbox",
                                     {{"csrfToken", csrf}, {"email", "limited@example.com"}},
                                     {{"X-Auth-Return-Redirect", "1"}});
  EXPECT_EQ(json_over.status, 200);
  EXPECT_EQ(json::value_to<std::string>(json::parse(json_over.body).as_object()["url"]),
            success_location(server.origin()));
  EXPECT_EQ(outbox_size(browser), 2u);

  // Another address is not affected.
  EXPECT_EQ(request_link(browser, "outbox", "other@example.com").header("location"),
            success_location(server.origin()));
  EXPECT_EQ(outbox_size(browser), 3u);

  // The rate table never holds the address itself.
  EXPECT_EQ(count_rows(server.db_path(),
                       "SELECT COUNT(*) FROM linkgate_rate_limit WHERE key LIKE '%example%'"),
            0);
  EXPECT_EQ(count_rows(server.db_path(),
                       "SELECT COUNT(*) FROM linkgate_rate_limit WHERE key LIKE 'id:%'"),
            2);

  // Once the window has closed, the address gets links again.
  exec_sql(server.db_path(), "UPDATE linkgate_rate_limit SET resets_at = 1000");
  EXPECT_EQ(request_link(browser, "outbox", "limited@example.com").header("location"),
            success_location(server.origin()));
  EXPECT_EQ(outbox_size(browser), 4u);
}

TEST(RateLimits, IpLimitAnswersRateLimited) {
  RunningServer server(limits({{"LINKGATE_RATE_LIMIT_IP", "3/5m"}}));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  for (int i = 0; i < 3; ++i) {
    auto sent = request_link(browser, "outbox", "ip" + std::to_string(i) + "@example.com");
    EXPECT_EQ(sent.header("location"), success_location(server.origin()));
  }
  auto over = request_link(browser, "outbox", "ip9@example.com");
  expect_rate_limited(over, server.origin(), 300);
  EXPECT_EQ(outbox_size(browser), 3u);
  EXPECT_EQ(count_rows(server.db_path(), "SELECT COUNT(*) FROM verification_token"), 3);

  // JSON mode (Auth.js's client): 429, Retry-After and the same url.
  const std::string csrf = browser.csrf_token();
  auto json_over = browser.post_form("/api/auth/signin/outbox",
                                     {{"csrfToken", csrf}, {"email", "ip10@example.com"}},
                                     {{"X-Auth-Return-Redirect", "1"}});
  EXPECT_EQ(json_over.status, 429) << json_over.body;
  const std::string retry_after = json_over.header("retry-after");
  ASSERT_FALSE(retry_after.empty());
  EXPECT_GE(std::stoi(retry_after), 1);
  EXPECT_LE(std::stoi(retry_after), 300);
  auto body = json::parse(json_over.body).as_object();
  EXPECT_EQ(json::value_to<std::string>(body["url"]),
            server.origin() + "/api/auth/signin?error=RateLimited&retryAfter=" + retry_after);

  // The sign-in page says when to try again.
  auto page = browser.get(local_target(over.header("location"), server.origin()));
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Too many attempts"), std::string::npos) << page.body;

  // An invalid address counts as a sign-in request too, and is refused before it is even read.
  exec_sql(server.db_path(), "UPDATE linkgate_rate_limit SET resets_at = 1000");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(request_link(browser, "outbox", "not-an-address").header("location"),
              server.origin() + "/api/auth/signin?error=EmailSignin");
  }
  expect_rate_limited(request_link(browser, "outbox", "fine@example.com"), server.origin(), 300);
}

TEST(RateLimits, GlobalBudgetAnswersRateLimited) {
  RunningServer server(limits({{"LINKGATE_RATE_LIMIT_GLOBAL", "2/1m"}}));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  EXPECT_EQ(request_link(browser, "outbox", "g1@example.com").header("location"),
            success_location(server.origin()));
  EXPECT_EQ(request_link(browser, "outbox", "g2@example.com").header("location"),
            success_location(server.origin()));
  expect_rate_limited(request_link(browser, "outbox", "g3@example.com"), server.origin(), 60);
  EXPECT_EQ(outbox_size(browser), 2u);
  EXPECT_EQ(count_rows(server.db_path(), "SELECT COUNT(*) FROM verification_token"), 2);
}

TEST(RateLimits, ForwardedForBelievedOnlyFromTrustedProxies) {
  // Trusted: each forwarded client has its own budget; a forged left-most hop changes nothing.
  {
    RunningServer server(limits({{"LINKGATE_RATE_LIMIT_IP", "2/5m"},
                                 {"LINKGATE_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1"}}));
    ASSERT_FALSE(server.process().failed()) << server.process().logs();
    TestClient browser = server.client();
    auto ask = [&](const std::string& xff, const std::string& email) {
      const std::string csrf = browser.csrf_token();
      return browser.post_form("/api/auth/signin/outbox", {{"csrfToken", csrf}, {"email", email}},
                               {{"X-Forwarded-For", xff}});
    };
    const std::string ok = success_location(server.origin());
    EXPECT_EQ(ask("198.51.100.1", "a1@example.com").header("location"), ok);
    EXPECT_EQ(ask("6.6.6.6, 198.51.100.1", "a2@example.com").header("location"), ok);
    expect_rate_limited(ask("7.7.7.7, 198.51.100.1, 10.1.2.3", "a3@example.com"), server.origin(),
                        300);
    EXPECT_EQ(ask("198.51.100.2", "b1@example.com").header("location"), ok);
  }
  // Untrusted (the default): the header is ignored, the peer is the client.
  {
    RunningServer server(limits({{"LINKGATE_RATE_LIMIT_IP", "2/5m"}}));
    ASSERT_FALSE(server.process().failed()) << server.process().logs();
    TestClient browser = server.client();
    for (int i = 1; i <= 3; ++i) {
      const std::string csrf = browser.csrf_token();
      auto res = browser.post_form(
          "/api/auth/signin/outbox",
          {{"csrfToken", csrf}, {"email", "u" + std::to_string(i) + "@example.com"}},
          {{"X-Forwarded-For", "198.51.100." + std::to_string(i)}});
      if (i < 3) {
        EXPECT_EQ(res.header("location"), success_location(server.origin()));
      } else {
        expect_rate_limited(res, server.origin(), 300);
      }
    }
  }
}

// No variable at all: the limits are on (5 emails per address, 30 requests per IP).
TEST(RateLimits, OnByDefault) {
  const std::string dir = make_temp_dir();
  LinkgateProcess server({{"DATABASE_URL", "sqlite://" + dir + "/linkgate.db"},
                          {"AUTH_SECRET", "integration-test-secret-0123456789abcdef"}},
                         dir);
  ASSERT_FALSE(server.failed()) << server.logs();
  TestClient browser(server.host(), server.port());
  const std::string ok = success_location(server.origin());
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(request_link(browser, "outbox", "default@example.com").header("location"), ok);
  }
  EXPECT_EQ(outbox_size(browser), 5u);
  for (int i = 6; i < 30; ++i) {
    std::string address = "d";
    address.append(std::to_string(i)).append("@example.com");
    EXPECT_EQ(request_link(browser, "outbox", address).header("location"), ok);
  }
  expect_rate_limited(request_link(browser, "outbox", "d30@example.com"), server.origin(), 300);
  EXPECT_EQ(outbox_size(browser), 29u);
}

TEST(RateLimits, OffTurnsEveryLimitOff) {
  RunningServer server(
      {{"LINKGATE_RATE_LIMITS", "off"}, {"LINKGATE_RATE_LIMIT_IDENTIFIER", "1/1h"}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(request_link(browser, "outbox", "free@example.com").header("location"),
              success_location(server.origin()));
  }
  EXPECT_EQ(outbox_size(browser), 3u);
}

TEST(RateLimits, BadValuesStopTheServer) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"LINKGATE_RATE_LIMIT_IDENTIFIER", "five"},  {"LINKGATE_RATE_LIMIT_IP", "30/5x"},
      {"LINKGATE_RATE_LIMIT_GLOBAL", "10/0m"},     {"LINKGATE_RATE_LIMITS", "sometimes"},
      {"LINKGATE_TRUSTED_PROXIES", "10.0.0.0/33"}, {"LINKGATE_TRUSTED_PROXIES", "proxy.internal"},
  };
  for (const auto& [name, value] : bad) {
    RunningServer server({{name, value}});
    EXPECT_TRUE(server.process().failed()) << name << "=" << value;
    EXPECT_NE(server.process().logs().find(name), std::string::npos)
        << name << ": " << server.process().logs();
  }
}

// Two nodes on one PostgreSQL share their counters.
TEST(RateLimitsOnPostgres, TwoNodesShareTheLimits) {
  const std::string url = migrated_postgres_url();
  ASSERT_FALSE(url.empty());
  std::map<std::string, std::string> env{{"DATABASE_URL", url},
                                         {"AUTH_SECRET", "shared-secret-of-every-node-0123456789"},
                                         {"AUTH_URL", "http://auth.linkgate.test/api/auth"},
                                         {"LINKGATE_RATE_LIMIT_IP", "3/5m"},
                                         {"LINKGATE_RATE_LIMIT_IDENTIFIER", "2/15m"}};
  LinkgateProcess node1(env);
  LinkgateProcess node2(env);
  ASSERT_FALSE(node1.failed()) << node1.logs();
  ASSERT_FALSE(node2.failed()) << node2.logs();
  TestClient on1(node1.host(), node1.port());
  TestClient on2(node2.host(), node2.port());
  const std::string ok =
      "http://auth.linkgate.test/api/auth/verify-request?provider=outbox&type=email";

  // The identifier limit: one email from each node, the third (node 1) is silently not sent.
  EXPECT_EQ(request_link(on1, "outbox", "shared@example.com").header("location"), ok);
  EXPECT_EQ(request_link(on2, "outbox", "shared@example.com").header("location"), ok);
  EXPECT_EQ(request_link(on1, "outbox", "shared@example.com").header("location"), ok);
  EXPECT_EQ(outbox_size(on2), 2u);
  // The IP limit (3 per 5 minutes, all from 127.0.0.1): the fourth request is refused on node 2.
  expect_rate_limited(request_link(on2, "outbox", "next@example.com"), "http://auth.linkgate.test",
                      300);
  expect_rate_limited(request_link(on1, "outbox", "next@example.com"), "http://auth.linkgate.test",
                      300);
  EXPECT_EQ(outbox_size(on1), 2u);
}

}  // namespace
}  // namespace linkgate::testing
