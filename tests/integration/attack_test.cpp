// Tokens, CSRF, redirects and addresses under attack, over real HTTP
// (authjs-behaviour.md §1, §2.3, §3.4, §3.5; attack-cases.md #1–#7, #13, #20).
#include <sqlite3.h>

#include <atomic>
#include <thread>

#include "integration/harness.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

std::string newest_link(TestClient& client) {
  return json::value_to<std::string>(newest_outbox_message(client)["url"]);
}

class Attacks : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(server.process().failed()) << server.process().logs(); }
  std::string error_url(const std::string& type) {
    return server.origin() + "/api/auth/error?error=" + type;
  }
  // The Verification redirect carries the link's address for the error page's "Sign in" button.
  std::string verification_url(const std::string& email) {
    return error_url("Verification") + "&email=" + url_encode(email);
  }
  std::string signin_error_url(const std::string& type) {
    return server.origin() + "/api/auth/signin?error=" + type;
  }
  RunningServer server;
};

TEST_F(Attacks, ReusedTokenIsRejected) {
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", "reuse@example.com").status, 302);
  std::string link = local_target(newest_link(browser), server.origin());
  EXPECT_EQ(browser.get(link).header("location"), server.origin());
  TestClient attacker = server.client();
  auto second = attacker.get(link);
  EXPECT_EQ(second.status, 302);
  EXPECT_EQ(second.header("location"), verification_url("reuse@example.com"));
  EXPECT_EQ(attacker.cookies.count("authjs.session-token"), 0u);
  EXPECT_TRUE(second.headers_named("set-cookie").empty());
}

TEST_F(Attacks, TamperedTokenIsRejectedAndTheRealOneStillWorks) {
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", "tamper@example.com").status, 302);
  std::string link = local_target(newest_link(browser), server.origin());
  std::string token = *query_param(link, "token");
  std::string tampered = link;
  auto pos = tampered.find(token);
  tampered[pos] = tampered[pos] == 'a' ? 'b' : 'a';
  TestClient attacker = server.client();
  EXPECT_EQ(attacker.get(tampered).header("location"), verification_url("tamper@example.com"));
  // Missing token: Auth.js answers Configuration.
  EXPECT_EQ(attacker.get("/api/auth/callback/outbox?email=tamper%40example.com").header("location"),
            error_url("Configuration"));
  // The right token for another identifier never matches (attack-cases.md #5).
  std::string other = link.substr(0, link.find("&email=")) + "&email=victim%40example.com";
  EXPECT_EQ(attacker.get(other).header("location"), verification_url("victim@example.com"));
  EXPECT_EQ(browser.get(link).header("location"), server.origin());
}

TEST_F(Attacks, ExpiredTokenIsRejectedAndConsumed) {
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", "late@example.com").status, 302);
  std::string link = local_target(newest_link(browser), server.origin());
  exec_sql(server.db_path(), "UPDATE verification_token SET expires = 1000");
  EXPECT_EQ(browser.get(link).header("location"), verification_url("late@example.com"));
  EXPECT_EQ(browser.cookies.count("authjs.session-token"), 0u);
  // Consumed even though expired, so it cannot be retried after the clock is fixed.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(server.db_path().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM verification_token", -1, &stmt, nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_F(Attacks, TokensAreStoredOnlyAsHashes) {
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", "hash@example.com").status, 302);
  std::string token = *query_param(newest_link(browser), "token");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(server.db_path().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT token FROM verification_token", -1, &stmt, nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  std::string stored = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  EXPECT_EQ(stored.size(), 64u);
  EXPECT_NE(stored, token);
}

TEST_F(Attacks, MissingOrWrongCsrfSendsNothing) {
  TestClient browser = server.client();
  auto no_token = browser.post_form("/api/auth/signin/outbox", {{"email", "a@example.com"}});
  EXPECT_EQ(no_token.status, 302);
  EXPECT_EQ(no_token.header("location"), signin_error_url("MissingCSRF"));
  browser.csrf_token();
  auto wrong = browser.post_form("/api/auth/signin/outbox",
                                 {{"email", "a@example.com"}, {"csrfToken", std::string(64, 'a')}});
  EXPECT_EQ(wrong.header("location"), signin_error_url("MissingCSRF"));
  // A token without its cookie (a cross-site form post) fails too.
  std::string token = browser.csrf_token();
  TestClient cross_site = server.client();
  auto forged = cross_site.post_form("/api/auth/signin/outbox",
                                     {{"email", "a@example.com"}, {"csrfToken", token}});
  EXPECT_EQ(forged.header("location"), signin_error_url("MissingCSRF"));
  EXPECT_EQ(outbox_size(browser), 0u);
  // Sign-out and session updates need the pair as well.
  EXPECT_EQ(cross_site.post_form("/api/auth/signout", {}).header("location"),
            signin_error_url("MissingCSRF"));
  auto update = cross_site.post_json("/api/auth/session", "{}");
  EXPECT_EQ(update.status, 400);
  EXPECT_EQ(update.body, "null");
}

TEST_F(Attacks, ForeignCallbackUrlFallsBackToTheOrigin) {
  for (std::string evil : {"https://evil.com", "//evil.com", "/\\evil.com", "http://[",
                           "javascript:alert(1)", "https://127.0.0.1.evil.com/"}) {
    TestClient browser = server.client();
    ASSERT_EQ(
        request_link(browser, "outbox", "redirect@example.com", {{"callbackUrl", evil}}).status,
        302);
    std::string link = newest_link(browser);
    EXPECT_EQ(query_param(link, "callbackUrl"), server.origin()) << evil;
    auto callback = browser.get(local_target(link, server.origin()));
    EXPECT_EQ(callback.header("location"), server.origin()) << evil;
    // The same through the query string of the callback itself.
    EXPECT_EQ(browser.get("/api/auth/signin?callbackUrl=" + url_encode(evil)).status, 200);
    EXPECT_EQ(browser.cookies["authjs.callback-url"], url_encode(server.origin())) << evil;
  }
  // A same-origin path is kept.
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", "ok@example.com", {{"callbackUrl", "/account"}}).status,
            302);
  auto callback = browser.get(local_target(newest_link(browser), server.origin()));
  EXPECT_EQ(callback.header("location"), server.origin() + "/account");
}

TEST_F(Attacks, AddressesAreNormalizedOrRejected) {
  TestClient browser = server.client();
  struct Case {
    std::string input;
    std::string expected;  // "" → rejected with EmailSignin and no email
  };
  const Case cases[] = {
      {"UPPER@EXAMPLE.COM", "upper@example.com"},
      {"first@example.com,evil.com", "first@example.com"},  // domain cut at ',' (§3.4)
      {"attacker@attacker.com,victim@victim.com", ""},      // two '@': rejected, as Auth.js does
      {"\"e@attacker.com\"@victim.com", ""},
      {"attacker@evil.com\xEF\xBC\xA0victim.company.com", ""},  // fullwidth @ (U+FF20)
      {"foo@evil.com@example.com", ""},
      {"a@b.c\r\nBcc: x@y.z", ""},
      {"victim@x.com, <a href=\"http://attacker.com\">claim</a>", ""},
      {std::string(10000, 'a') + "@example.com", ""},
      {"bad\xFF@example.com", ""},
      {"", ""},
  };
  for (const auto& c : cases) {
    std::size_t before = outbox_size(browser);
    auto res = request_link(browser, "outbox", c.input);
    if (c.expected.empty()) {
      EXPECT_EQ(res.header("location"), signin_error_url("EmailSignin")) << c.input;
      EXPECT_EQ(outbox_size(browser), before) << c.input;
    } else {
      EXPECT_EQ(res.header("location"),
                server.origin() + "/api/auth/verify-request?provider=outbox&type=email")
          << c.input;
      auto message = newest_outbox_message(browser);
      EXPECT_EQ(json::value_to<std::string>(message["to"]), c.expected) << c.input;
      EXPECT_EQ(json::value_to<std::string>(message["html"]).find("attacker.com\">"),
                std::string::npos);
    }
  }
}

TEST_F(Attacks, ConcurrentUsesOfOneLinkSignInOnce) {
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", "race@example.com").status, 302);
  std::string link = local_target(newest_link(browser), server.origin());
  std::atomic<int> successes{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      TestClient client = server.client();
      auto res = client.get(link);
      if (res.header("location") == server.origin()) ++successes;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(successes.load(), 1);
}

TEST_F(Attacks, HeadNeverConsumesTheToken) {
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", "scanner@example.com").status, 302);
  std::string link = local_target(newest_link(browser), server.origin());
  // SPEC B2: HEAD answers 200 without a body and without looking at the token.
  auto head = browser.request("HEAD", link, "", {});
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(browser.get(link).header("location"), server.origin());
}

}  // namespace
}  // namespace linkgate::testing
