// The rest of attack-cases.md as tests over real HTTP: the redirect table on every route that
// takes a callbackUrl (#6, #8, #12, #14, #20, #28), malformed Authorization headers (#9), failing
// closed on misconfiguration (#10), tokens bound to their purpose (#11), no answer that tells
// whether an account exists and no send without the CSRF pair (#17), routing on the decoded
// path only (#22, #23), health answers only on /healthz (#24), identity headers never trusted
// inbound (#25), malformed request targets (#26) and no session without redeeming a link (#27).
// #1–#5, #7, #13, #15 are in attack_test.cpp; #16 and #17's attempt counting with the one-time
// codes; #18, #19 and #21 with the sign-in policy and the rate limits.
#include <set>

#include "integration/harness.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

std::string newest_link(TestClient& client) {
  return json::value_to<std::string>(newest_outbox_message(client)["url"]);
}

// Every redirect vector of attack-cases.md #6, #8, #13, #14, #20 and #28 (oauth2-proxy's
// validator table, better-auth's and Supabase's bypasses), for a server on `origin`.
std::vector<std::string> foreign_targets(const std::string& origin, int port) {
  const std::string host = "127.0.0.1";
  const std::string p = std::to_string(port);
  return {
      "https://evil.com",
      "//evil.com",
      "//redirect",
      "/\\evil.com",
      "/ /evil.com",
      "/\t/evil.com",
      "/\v\\evil.com",
      "/\n/evil.com",
      "/\r\\evil.com",
      "/./../../\\evil.com",
      "\\\\evil.com",
      " //evil.com",
      "http://evil.corp/redirect?rd=" + host,
      "http://" + host + ":1/",           // another port on the same host
      "https://" + host + ":" + p + "/",  // another scheme
      "evil.com/redirect",
      "http://" + host + "." + "evil.com:" + p + "/",
      "http://evil.com/?a=." + host,
      "http://evil.com#" + origin,
      "http://" + host + ":" + p + "@evil.com/",
      "http://123?." + host + ":" + p + "/path",
      "http://123.123.123.123?" + host + ":" + p + "/path",
      "http://[65e7:9410:d8b6:e227:58cd:e55b:8fc0:206d]?" + host + ":" + p + "/path",
      "javascript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "http://[",
  };
}

class AttackCases : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(server.process().failed()) << server.process().logs(); }
  // True when `location` stays on the server's origin.
  bool same_origin(const std::string& location) {
    return location == server.origin() || location.rfind(server.origin() + "/", 0) == 0;
  }
  RunningServer server;
};

// #6, #8, #12, #13, #14, #20, #28: on POST /signin, GET /signin, the callback's own query (a GET
// route, #12) and sign-out, a foreign target falls back to the origin.
TEST_F(AttackCases, EveryRedirectVectorFallsBackToTheOriginOnEveryRoute) {
  for (const std::string& evil : foreign_targets(server.origin(), server.process().port())) {
    SCOPED_TRACE(evil);
    TestClient browser = server.client();
    ASSERT_EQ(
        request_link(browser, "outbox", "vectors@example.com", {{"callbackUrl", evil}}).status,
        302);
    const std::string link = newest_link(browser);
    EXPECT_EQ(query_param(link, "callbackUrl"), server.origin());

    // The callback URL with the target put back into its query string (#12: GET routes too).
    std::string target = local_target(link, server.origin());
    target = target.substr(0, target.find("&callbackUrl=")) + "&callbackUrl=" + url_encode(evil);
    auto callback = browser.get(target);
    EXPECT_EQ(callback.status, 302);
    EXPECT_TRUE(same_origin(callback.header("location"))) << callback.header("location");

    auto page = browser.get("/api/auth/signin?callbackUrl=" + url_encode(evil));
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(browser.cookies["authjs.callback-url"], url_encode(server.origin()));

    auto signout = browser.post_form("/api/auth/signout",
                                     {{"csrfToken", browser.csrf_token()}, {"callbackUrl", evil}});
    EXPECT_EQ(signout.status, 302);
    EXPECT_TRUE(same_origin(signout.header("location"))) << signout.header("location");
  }
}

// #9: a malformed Bearer header is an unauthenticated request, never a crash.
TEST_F(AttackCases, MalformedAuthorizationHeadersAreJustNoSession) {
  TestClient client = server.client();
  for (const std::string& value :
       {std::string("Bearer"), std::string("Bearer "), std::string("Bearer \x01\xff garbage"),
        std::string("Bearer a.b.c.d.e"), std::string("Basic ") + std::string(4000, '='),
        std::string("Bearer ") + std::string(20000, 'x')}) {
    auto res = client.get("/api/auth/session", {{"Authorization", value}});
    EXPECT_TRUE(res.status == 200 || res.status == 400) << res.status;
    if (res.status == 200) {
      EXPECT_EQ(res.body, "null");
    }
  }
  EXPECT_EQ(client.get("/api/auth/session").body, "null");
}

// #10: a misconfigured server refuses to start rather than run open.
TEST(AttackCasesConfig, MisconfigurationFailsClosed) {
  for (const auto& env : std::vector<std::map<std::string, std::string>>{
           {{"AUTH_SECRET", ""}, {"NODE_ENV", "production"}, {"AUTH_POSTMARK_KEY", "k"}},
           {{"AUTH_URL", "http://["}},
           {{"AUTH_URL", "ftp://example.com/api/auth"}},
           {{"AUTH_SESSION_STRATEGY", "cookie-of-my-own"}}}) {
    std::map<std::string, std::string> full = env;
    full.try_emplace("AUTH_SECRET", "integration-test-secret-0123456789abcdef");
    full.try_emplace("DATABASE_URL", "sqlite://" + make_temp_dir() + "/l.db");
    LinkgateProcess process(full, make_temp_dir());
    EXPECT_TRUE(process.failed()) << env.begin()->first << "=" << env.begin()->second;
  }
}

// #11: a value minted for one purpose fails at every other: a CSRF token or a session token is
// not a link token, a link token is not a session.
TEST_F(AttackCases, TokensOnlyWorkForTheirOwnPurpose) {
  TestClient victim = server.client();
  ASSERT_EQ(request_link(victim, "outbox", "purpose@example.com").status, 302);
  const std::string link = newest_link(victim);
  const std::string raw_token = *query_param(link, "token");
  ASSERT_EQ(victim.get(local_target(link, server.origin())).status, 302);
  const std::string session_token = victim.cookies["authjs.session-token"];
  ASSERT_FALSE(session_token.empty());

  TestClient attacker = server.client();
  const std::string csrf = attacker.csrf_token();
  for (const std::string& value : {csrf, session_token}) {
    auto res = attacker.get("/api/auth/callback/outbox?token=" + url_encode(value) +
                            "&email=purpose%40example.com");
    EXPECT_EQ(res.status, 302);
    EXPECT_NE(res.header("location").find("error=Verification"), std::string::npos);
    EXPECT_EQ(attacker.cookies.count("authjs.session-token"), 0u);
  }
  // The (spent) link token as a session cookie is no session.
  TestClient forger = server.client();
  forger.cookies["authjs.session-token"] = raw_token;
  EXPECT_EQ(forger.get("/api/auth/session").body, "null");
}

// #17: whether an address has an account changes nothing in the answer to POST /signin, and a
// cross-site POST without the CSRF cookie sends nothing.
TEST_F(AttackCases, SigninAnswersAreTheSameForKnownAndUnknownAddresses) {
  TestClient known = server.client();
  ASSERT_EQ(request_link(known, "outbox", "known@example.com").status, 302);
  ASSERT_EQ(known.get(local_target(newest_link(known), server.origin())).status, 302);

  auto answer = [&](const std::string& email) {
    TestClient client = server.client();
    auto res = request_link(client, "outbox", email);
    std::set<std::string> cookie_names;
    for (const auto& cookie : res.headers_named("set-cookie")) {
      cookie_names.insert(cookie.substr(0, cookie.find('=')));
    }
    return std::tuple(res.status, res.header("location"), cookie_names, res.body);
  };
  auto for_known = answer("known@example.com");
  auto for_unknown = answer("nobody-here@example.com");
  EXPECT_EQ(std::get<0>(for_known), std::get<0>(for_unknown));
  EXPECT_EQ(std::get<2>(for_known), std::get<2>(for_unknown));
  EXPECT_EQ(std::get<3>(for_known), std::get<3>(for_unknown));
  // The redirect differs only by nothing: both go to the verify-request page of the provider.
  EXPECT_EQ(std::get<1>(for_known).substr(0, std::get<1>(for_known).find('?')),
            std::get<1>(for_unknown).substr(0, std::get<1>(for_unknown).find('?')));

  const auto before = outbox_size(known);
  TestClient cross_site = server.client();
  auto forged = cross_site.post_form("/api/auth/signin/outbox",
                                     {{"csrfToken", "forged"}, {"email", "victim@example.com"}},
                                     {{"Origin", "https://evil.example"}});
  EXPECT_EQ(forged.status, 302);
  EXPECT_NE(forged.header("location").find("MissingCSRF"), std::string::npos)
      << forged.header("location");
  EXPECT_EQ(outbox_size(known), before);
}

// #22, #23: the route is the decoded path alone; a query or a fragment never changes it.
TEST_F(AttackCases, RoutingLooksAtThePathOnly) {
  TestClient client = server.client();
  auto with_query = client.get("/api/auth/session?x=/api/auth/csrf");
  EXPECT_EQ(with_query.status, 200);
  EXPECT_EQ(with_query.body, "null");
  auto with_fragment = client.get("/api/auth/session#/api/auth/csrf");
  EXPECT_TRUE(with_fragment.status == 200 || with_fragment.status == 400);
  EXPECT_EQ(with_fragment.body.find("csrfToken"), std::string::npos);
  auto traversal = client.get("/api/auth/session/../csrf");
  EXPECT_EQ(traversal.body.find("csrfToken"), std::string::npos);
  auto encoded = client.get("/api/auth/%63srf");
  EXPECT_EQ(encoded.body.find("csrfToken"), std::string::npos);
}

// #24: a health-check User-Agent is an ordinary client everywhere but /healthz.
TEST_F(AttackCases, HealthAnswersOnlyOnTheHealthPath) {
  TestClient client = server.client();
  for (const char* agent : {"kube-probe/1.29", "ELB-HealthChecker/2.0", "GoogleHC/1.0"}) {
    auto session = client.get("/api/auth/session", {{"User-Agent", agent}});
    EXPECT_EQ(session.body, "null") << agent;
    auto elsewhere = client.get("/api/auth/healthz", {{"User-Agent", agent}});
    EXPECT_NE(elsewhere.status, 200) << agent;
  }
  EXPECT_EQ(client.get("/healthz").status, 200);
}

// #25: identity headers sent by a client, in any spelling, never make a session.
TEST_F(AttackCases, InboundIdentityHeadersAreNeverTrusted) {
  TestClient client = server.client();
  auto res = client.get("/api/auth/session", {{"X-Auth-User-Email", "admin@corp.example"},
                                              {"X_Auth_User_Email", "admin@corp.example"},
                                              {"X-Forwarded-Email", "admin@corp.example"},
                                              {"X-Forwarded-User", "admin"},
                                              {"Remote-User", "admin"}});
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "null");
  for (const auto& [name, value] : res.headers) {
    EXPECT_EQ(value.find("admin"), std::string::npos) << name;
  }
}

// #26: unparsable request targets are rejected (fail closed) and the server keeps serving.
TEST_F(AttackCases, MalformedRequestTargetsFailClosed) {
  const std::string host = server.process().host();
  const int port = server.process().port();
  for (const std::string& target :
       {std::string("http://["), std::string("/api/auth/session%"), std::string("/api/auth/%zz"),
        std::string("*"), std::string("/api/auth/session\x01"), std::string("api/auth/session")}) {
    const std::string reply = raw_exchange(
        host, port, "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(reply.find("HTTP/1.1 200"), std::string::npos) << target << "\n" << reply;
  }
  EXPECT_EQ(server.client().get("/api/auth/session").status, 200);
}

// #27: asking for a link proves nothing: no session exists until the link itself is redeemed.
TEST_F(AttackCases, NoSessionWithoutRedeemingTheLink) {
  TestClient attacker = server.client();
  ASSERT_EQ(request_link(attacker, "outbox", "victim27@example.com").status, 302);
  EXPECT_EQ(attacker.get("/api/auth/session").body, "null");
  EXPECT_EQ(attacker.cookies.count("authjs.session-token"), 0u);
  // The callback without a token, or with the email alone, signs nobody in.
  for (const std::string& target :
       {std::string("/api/auth/callback/outbox?email=victim27%40example.com"),
        std::string("/api/auth/callback/outbox?token=&email=victim27%40example.com"),
        std::string("/api/auth/callback/outbox")}) {
    auto res = attacker.get(target);
    EXPECT_EQ(res.status, 302) << target;
    EXPECT_EQ(attacker.cookies.count("authjs.session-token"), 0u) << target;
  }
  EXPECT_EQ(attacker.get("/api/auth/session").body, "null");
}

}  // namespace
}  // namespace linkgate::testing
