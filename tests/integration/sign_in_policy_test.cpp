// The sign-in policy over real HTTP (SPEC B4): allowed and blocked email domains, signup:false
// (an unknown address gets the very answer of a known one, and no email), and a new link voiding
// the older ones.
#include <sqlite3.h>

#include "integration/harness.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

std::string newest_link(TestClient& client, const std::string& origin) {
  return local_target(json::value_to<std::string>(newest_outbox_message(client)["url"]), origin);
}

TEST(SignInPolicy, AllowedAndBlockedDomains) {
  RunningServer server({{"LINKGATE_ALLOWED_DOMAINS", "example.com, .corp.example"},
                        {"LINKGATE_BLOCKED_DOMAINS", "contractors.corp.example"}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  const std::string ok = server.origin() + "/api/auth/verify-request?provider=outbox&type=email";
  const std::string denied = server.origin() + "/api/auth/error?error=AccessDenied";
  std::size_t sent = 0;
  for (const char* email : {"a@example.com", "A@EXAMPLE.COM", "b@eu.corp.example"}) {
    EXPECT_EQ(request_link(browser, "outbox", email).header("location"), ok) << email;
    EXPECT_EQ(outbox_size(browser), ++sent) << email;
  }
  for (const char* email : {"a@contractors.corp.example", "a@corp.example", "a@badexample.com",
                            "a@example.com.evil.test", "a@sub.example.com", "a@other.test"}) {
    auto res = request_link(browser, "outbox", email);
    EXPECT_EQ(res.status, 302) << email;
    EXPECT_EQ(res.header("location"), denied) << email;
    EXPECT_EQ(outbox_size(browser), sent) << email;
  }
  // attack-cases.md #18: a second '@' never reaches the domain check.
  EXPECT_EQ(request_link(browser, "outbox", "attacker@evil.com@example.com").header("location"),
            server.origin() + "/api/auth/signin?error=EmailSignin");
  EXPECT_EQ(outbox_size(browser), sent);
  // The error page explains.
  auto page = browser.get("/api/auth/error?error=AccessDenied");
  EXPECT_EQ(page.status, 403);
}

TEST(SignInPolicy, BadDomainRulesStopTheServer) {
  for (const char* rule : {"user@example.com", "*.example.com", "example..com"}) {
    RunningServer server({{"LINKGATE_ALLOWED_DOMAINS", rule}});
    EXPECT_TRUE(server.process().failed()) << rule;
    EXPECT_NE(server.process().logs().find("LINKGATE_ALLOWED_DOMAINS"), std::string::npos)
        << server.process().logs();
  }
  RunningServer server({{"LINKGATE_SIGNUP", "maybe"}});
  EXPECT_TRUE(server.process().failed());
  EXPECT_NE(server.process().logs().find("LINKGATE_SIGNUP"), std::string::npos);
}

TEST(SignInPolicy, SignupOffAnswersUnknownAddressesAsKnownOnes) {
  RunningServer server({{"LINKGATE_SIGNUP", "false"}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  exec_sql(server.db_path(),
           "INSERT INTO users (id, email) VALUES ('known-user-1', 'known@example.com')");
  TestClient browser = server.client();

  auto unknown = request_link(browser, "outbox", "stranger@example.com");
  EXPECT_EQ(outbox_size(browser), 0u);
  auto known = request_link(browser, "outbox", "known@example.com");
  EXPECT_EQ(outbox_size(browser), 1u);
  EXPECT_EQ(json::value_to<std::string>(newest_outbox_message(browser)["to"]), "known@example.com");

  // Identical answers: status, location, and the same set of headers.
  EXPECT_EQ(unknown.status, 302);
  EXPECT_EQ(unknown.status, known.status);
  EXPECT_EQ(unknown.header("location"), known.header("location"));
  EXPECT_EQ(unknown.body, known.body);
  auto names = [](const HttpResponse& r) {
    std::vector<std::string> out;
    for (const auto& [name, value] : r.headers) {
      if (name != "Date" && name != "date") out.push_back(name);
    }
    return out;
  };
  EXPECT_EQ(names(unknown), names(known));

  // JSON mode too.
  const std::string csrf = browser.csrf_token();
  auto json_unknown = browser.post_form("/api/auth/signin/outbox",
                                        {{"csrfToken", csrf}, {"email", "stranger@example.com"}},
                                        {{"X-Auth-Return-Redirect", "1"}});
  auto json_known = browser.post_form("/api/auth/signin/outbox",
                                      {{"csrfToken", csrf}, {"email", "known@example.com"}},
                                      {{"X-Auth-Return-Redirect", "1"}});
  EXPECT_EQ(json_unknown.status, json_known.status);
  EXPECT_EQ(json_unknown.body, json_known.body);
  EXPECT_EQ(outbox_size(browser), 2u);

  // The known address signs in with its link; no user was made for the unknown one.
  const std::string link = newest_link(browser, server.origin());
  EXPECT_EQ(browser.get(link).header("location"), server.origin());
  auto session = session_json(browser);
  ASSERT_TRUE(session.is_object());
  EXPECT_EQ(json::value_to<std::string>(session.at("user").at("email")), "known@example.com");
}

TEST(SignInPolicy, NewLinkVoidsOlderOnes) {
  RunningServer server({{"LINKGATE_VOID_OLDER_LINKS", "true"}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", "void@example.com").status, 302);
  const std::string older = newest_link(browser, server.origin());
  ASSERT_EQ(request_link(browser, "outbox", "other@example.com").status, 302);
  const std::string other = newest_link(browser, server.origin());
  ASSERT_EQ(request_link(browser, "outbox", "void@example.com").status, 302);
  const std::string newer = newest_link(browser, server.origin());
  ASSERT_NE(older, newer);

  TestClient attacker = server.client();
  EXPECT_EQ(attacker.get(older).header("location"),
            server.origin() + "/api/auth/error?error=Verification&email=void%40example.com");
  EXPECT_EQ(browser.get(newer).header("location"), server.origin());
  // Another address's link is untouched.
  TestClient someone = server.client();
  EXPECT_EQ(someone.get(other).header("location"), server.origin());
}

TEST(SignInPolicy, OlderLinksStayValidByDefault) {
  RunningServer server;
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", "keep@example.com").status, 302);
  const std::string older = newest_link(browser, server.origin());
  ASSERT_EQ(request_link(browser, "outbox", "keep@example.com").status, 302);
  TestClient other = server.client();
  EXPECT_EQ(other.get(older).header("location"), server.origin());
}

}  // namespace
}  // namespace linkgate::testing
