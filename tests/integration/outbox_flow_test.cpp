// The whole email sign-in flow over real HTTP against the built binary, with the dev outbox and
// SQLite: sign-in → link from /dev/outbox.json → callback → /session → signout → null
// (authjs-behaviour.md §1, §4, §5).
#include "integration/harness.hpp"
#include "integration/postgres_harness.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

class OutboxFlow : public ::testing::TestWithParam<std::string> {};

// "database" or "jwt" on SQLite; "database@postgres" or "jwt@postgres" on a fresh PostgreSQL
// database migrated with `linkgate migrate`.
std::map<std::string, std::string> outbox_flow_env(const std::string& param) {
  const auto at = param.find('@');
  std::map<std::string, std::string> env{{"AUTH_SESSION_STRATEGY", param.substr(0, at)}};
  if (at != std::string::npos) env["DATABASE_URL"] = migrated_postgres_url();
  return env;
}

TEST_P(OutboxFlow, SignInReadSessionSignOut) {
  RunningServer server(outbox_flow_env(GetParam()));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();

  // Signed out to begin with, with Auth.js's no-cache headers.
  auto initial = browser.get("/api/auth/session");
  EXPECT_EQ(initial.body, "null");
  EXPECT_EQ(initial.header("cache-control"), "private, no-cache, no-store");
  EXPECT_EQ(initial.header("pragma"), "no-cache");
  EXPECT_EQ(initial.header("expires"), "0");

  auto sent = request_link(browser, "outbox", "  Jane.Doe@Example.COM ");
  ASSERT_EQ(sent.status, 302) << sent.body;
  EXPECT_EQ(sent.header("location"),
            server.origin() + "/api/auth/verify-request?provider=outbox&type=email");

  auto message = newest_outbox_message(browser);
  EXPECT_EQ(json::value_to<std::string>(message["to"]), "jane.doe@example.com");
  EXPECT_EQ(json::value_to<std::string>(message["subject"]),
            "Sign in to 127.0.0.1:" + std::to_string(server.process().port()));
  const std::string link = json::value_to<std::string>(message["url"]);
  // The link format of §3.3: callbackUrl, token, email in that order.
  EXPECT_EQ(link.find(server.origin() + "/api/auth/callback/outbox?callbackUrl="), 0u) << link;
  EXPECT_LT(link.find("&token="), link.find("&email=jane.doe%40example.com"));
  auto token = query_param(link, "token");
  ASSERT_TRUE(token);
  EXPECT_EQ(token->size(), 64u);
  // The text body carries the link; the HTML never shows the recipient's address.
  EXPECT_NE(json::value_to<std::string>(message["text"]).find(link), std::string::npos);
  EXPECT_EQ(json::value_to<std::string>(message["html"]).find("jane.doe@example.com"),
            std::string::npos);

  auto page = browser.get("/api/auth/verify-request?provider=outbox&type=email");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Check your email"), std::string::npos);

  auto callback = browser.get(local_target(link, server.origin()));
  ASSERT_EQ(callback.status, 302) << callback.body;
  EXPECT_EQ(callback.header("location"), server.origin());
  ASSERT_EQ(browser.cookies.count("authjs.session-token"), 1u);

  auto session = session_json(browser);
  ASSERT_TRUE(session.is_object()) << json::serialize(session);
  auto& user = session.as_object()["user"].as_object();
  EXPECT_EQ(json::value_to<std::string>(user["email"]), "jane.doe@example.com");
  EXPECT_TRUE(user["name"].is_null());
  EXPECT_TRUE(user["image"].is_null());
  const std::string expires = json::value_to<std::string>(session.as_object()["expires"]);
  EXPECT_EQ(expires.size(), 24u) << expires;  // 2026-11-23T01:02:03.456Z
  EXPECT_EQ(expires.back(), 'Z');

  // The link is single use.
  TestClient other = server.client();
  auto reuse = other.get(local_target(link, server.origin()));
  EXPECT_EQ(reuse.status, 302);
  const std::string expected =
      server.origin() + "/api/auth/error?error=Verification&email=jane.doe%40example.com";
  EXPECT_EQ(reuse.header("location"), expected);

  // Sign out with the CSRF pair; the session is gone afterwards.
  std::string csrf = browser.csrf_token();
  auto signout = browser.post_form("/api/auth/signout", {{"csrfToken", csrf}});
  EXPECT_EQ(signout.status, 302);
  EXPECT_EQ(browser.cookies.count("authjs.session-token"), 0u);
  EXPECT_EQ(browser.get("/api/auth/session").body, "null");
}

INSTANTIATE_TEST_SUITE_P(BothStrategies, OutboxFlow, ::testing::Values("database", "jwt"));
INSTANTIATE_TEST_SUITE_P(Postgres, OutboxFlow,
                         ::testing::Values("database@postgres", "jwt@postgres"));

TEST(OutboxFlow, JsonModeAnswersTheRedirectAsJson) {
  RunningServer server;
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  std::string csrf = browser.csrf_token();
  auto res = browser.post_json(
      "/api/auth/signin/outbox",
      json::serialize(json::object{{"csrfToken", csrf}, {"email", "json@example.com"}}),
      {{"X-Auth-Return-Redirect", "1"}});
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(json::parse(res.body).as_object()["url"].as_string(),
            server.origin() + "/api/auth/verify-request?provider=outbox&type=email");
  EXPECT_EQ(json::value_to<std::string>(newest_outbox_message(browser)["to"]), "json@example.com");
}

TEST(OutboxFlow, DatabaseSessionSignOutDeletesTheSessionServerSide) {
  RunningServer server;
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", "db@example.com").status, 302);
  std::string link = json::value_to<std::string>(newest_outbox_message(browser)["url"]);
  ASSERT_EQ(browser.get(local_target(link, server.origin())).status, 302);
  const std::string stolen = browser.cookies.at("authjs.session-token");
  std::string csrf = browser.csrf_token();
  ASSERT_EQ(browser.post_form("/api/auth/signout", {{"csrfToken", csrf}}).status, 302);
  // A copy of the old cookie no longer opens a session.
  TestClient thief = server.client();
  thief.cookies["authjs.session-token"] = stolen;
  EXPECT_EQ(thief.get("/api/auth/session").body, "null");
}

TEST(OutboxFlow, OutboxPageListsTheLinkAsClickable) {
  RunningServer server;
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", "page@example.com").status, 302);
  auto page = browser.get("/dev/outbox");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<a "), std::string::npos);
  EXPECT_NE(page.body.find("/api/auth/callback/outbox?callbackUrl="), std::string::npos);
}

}  // namespace
}  // namespace linkgate::testing
