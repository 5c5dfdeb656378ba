// GET /api/auth/verify over real HTTP: the session check of a reverse proxy (issue 17). Who is
// signed in, for both strategies; nobody otherwise (forged, tampered, expired, other-secret,
// chunked, signed-out and deleted-user cookies, as attack_test.cpp does for /session); ?allow=;
// the sign-in redirect and its callbackUrl, rebuilt from proxy headers only when a trusted proxy
// sends them; the Set-Cookie that keeps a session sliding.
#include "integration/harness.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

constexpr const char* kCookie = "authjs.session-token";

std::string newest_link(TestClient& client) {
  return json::value_to<std::string>(newest_outbox_message(client)["url"]);
}

// Signs `email` in through the dev outbox; the client's jar then holds the session cookie.
void sign_in(RunningServer& server, TestClient& browser, const std::string& email) {
  ASSERT_EQ(request_link(browser, "outbox", email).status, 302);
  ASSERT_EQ(browser.get(local_target(newest_link(browser), server.origin())).status, 302);
  ASSERT_FALSE(browser.cookies[kCookie].empty());
}

// The sign-in page whose callbackUrl is `callback`.
std::string signin_url(const RunningServer& server, const std::string& callback) {
  return server.origin() + "/api/auth/signin?callbackUrl=" + url_encode(callback);
}

void expect_no_user_headers(const HttpResponse& res) {
  EXPECT_FALSE(res.has_header("x-auth-user-id"));
  EXPECT_FALSE(res.has_header("x-auth-email"));
  EXPECT_FALSE(res.has_header("x-auth-name"));
}

// A request with only the given session cookie value.
HttpResponse verify_with_cookie(RunningServer& server, const std::string& cookie_header,
                                const std::string& query = "") {
  TestClient client = server.client();
  client.use_cookie_jar = false;
  return client.get("/api/auth/verify" + query, {{"Cookie", cookie_header}});
}

class Verify : public ::testing::TestWithParam<std::string> {
 protected:
  Verify() : server({{"AUTH_SESSION_STRATEGY", GetParam()}}) {}
  void SetUp() override { ASSERT_FALSE(server.process().failed()) << server.process().logs(); }
  bool jwt() const { return GetParam() == "jwt"; }
  RunningServer server;
};

INSTANTIATE_TEST_SUITE_P(BothStrategies, Verify, ::testing::Values("database", "jwt"));

TEST_P(Verify, NobodySignedInIs401AndNothingIsCreated) {
  TestClient browser = server.client();
  const std::size_t outbox = outbox_size(browser);
  for (const std::string method : {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS"}) {
    SCOPED_TRACE(method);
    auto res = browser.request(method, "/api/auth/verify", "{not json", {});
    EXPECT_EQ(res.status, 401);
    expect_no_user_headers(res);
    EXPECT_TRUE(res.headers_named("set-cookie").empty());
    EXPECT_EQ(res.header("location"), signin_url(server, server.origin()));
  }
  auto redirect = browser.get("/api/auth/verify?redirect=1");
  EXPECT_EQ(redirect.status, 302);
  EXPECT_EQ(redirect.header("location"), signin_url(server, server.origin()));
  expect_no_user_headers(redirect);
  EXPECT_TRUE(browser.cookies.empty());
  EXPECT_EQ(outbox_size(browser), outbox);
}

TEST_P(Verify, SignedInIs200WithTheUserInHeaders) {
  TestClient browser = server.client();
  sign_in(server, browser, "Jane@Example.com");
  auto res = browser.get("/api/auth/verify");
  ASSERT_EQ(res.status, 200);
  EXPECT_TRUE(res.body.empty());
  EXPECT_EQ(res.header("x-auth-email"), "jane@example.com");
  EXPECT_FALSE(res.header("x-auth-user-id").empty());
  EXPECT_FALSE(res.has_header("x-auth-name"));  // no name yet
  // The same user /session names, any method, and ?redirect=1 changes nothing when signed in.
  for (const std::string method : {"POST", "HEAD", "PUT"}) {
    EXPECT_EQ(browser.request(method, "/api/auth/verify?redirect=1", "x", {}).status, 200);
  }
  EXPECT_EQ(session_json(browser).at("user").at("email"), "jane@example.com");
  EXPECT_EQ(browser.get("/api/auth/verify").header("x-auth-email"), "jane@example.com");
  if (!jwt()) {
    // A name (with bytes that could split a header) arrives without them.
    exec_sql(server.db_path(), "UPDATE users SET name = 'Jane' || char(13,10) || 'Doe'");
    EXPECT_EQ(browser.get("/api/auth/verify").header("x-auth-name"), "JaneDoe");
  }
}

TEST_P(Verify, AllowListsRefuseOthersWith403) {
  TestClient browser = server.client();
  sign_in(server, browser, "jane@example.com");
  for (const std::string allow :
       {"example.com", "Jane@Example.com", "other.org,example.com", " bob@x.org , example.com"}) {
    SCOPED_TRACE(allow);
    auto res = browser.get("/api/auth/verify?allow=" + url_encode(allow));
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.header("x-auth-email"), "jane@example.com");
  }
  for (const std::string allow : {"other.org", ".example.com", "bob@example.com", "xample.com",
                                  "jane@example.com.evil", "", ",", "@example.com"}) {
    SCOPED_TRACE(allow);
    auto res = browser.get("/api/auth/verify?redirect=1&allow=" + url_encode(allow));
    EXPECT_EQ(res.status, 403);
    expect_no_user_headers(res);
    EXPECT_TRUE(res.headers_named("set-cookie").empty());
  }
  TestClient sub = server.client();
  sign_in(server, sub, "ann@eu.example.com");
  EXPECT_EQ(sub.get("/api/auth/verify?allow=.example.com").status, 200);
  EXPECT_EQ(sub.get("/api/auth/verify?allow=example.com").status, 403);
}

TEST_P(Verify, ForgedTamperedAndChunkedCookies) {
  TestClient browser = server.client();
  sign_in(server, browser, "chunks@example.com");
  const std::string good = browser.cookies[kCookie];
  std::string tampered = good;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'a' ? 'b' : 'a';
  for (const std::string& bad :
       {std::string("forged"), std::string(5000, 'A'), tampered, good.substr(0, good.size() - 1),
        std::string("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..a.b.c")}) {
    auto res = verify_with_cookie(server, std::string(kCookie) + "=" + bad);
    EXPECT_EQ(res.status, 401);
    expect_no_user_headers(res);
    // The bad cookie is cleared, as /session clears it.
    ASSERT_EQ(res.headers_named("set-cookie").size(), 1u);
    EXPECT_NE(res.header("set-cookie").find("Max-Age=0"), std::string::npos);
  }
  // The same value split into chunks is read as one; a tampered chunk is not.
  const std::size_t half = good.size() / 2;
  const std::string chunked = std::string(kCookie) + ".1=" + good.substr(half) + "; " + kCookie +
                              ".0=" + good.substr(0, half);
  auto whole = verify_with_cookie(server, chunked);
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.header("x-auth-email"), "chunks@example.com");
  EXPECT_EQ(verify_with_cookie(server, std::string(kCookie) + ".0=" + good.substr(0, half) + "; " +
                                           kCookie + ".1=x" + good.substr(half + 1))
                .status,
            401);
  // The good cookie still works.
  EXPECT_EQ(verify_with_cookie(server, std::string(kCookie) + "=" + good).status, 200);
}

TEST_P(Verify, SignedOutExpiredAndDeletedUsersAreNobody) {
  TestClient browser = server.client();
  sign_in(server, browser, "gone@example.com");
  const std::string cookie = std::string(kCookie) + "=" + browser.cookies[kCookie];
  ASSERT_EQ(verify_with_cookie(server, cookie).status, 200);
  if (jwt()) {
    // A JWT is stateless, as for /session: it stays valid until it expires (in-process tests
    // move the clock past maxAge: VerifyInProcess).
    return;
  }
  // Signed out: the database session is gone, the old cookie names nobody.
  ASSERT_EQ(browser.post_form("/api/auth/signout", {{"csrfToken", browser.csrf_token()}}).status,
            302);
  EXPECT_EQ(verify_with_cookie(server, cookie).status, 401);

  TestClient second = server.client();
  sign_in(server, second, "late@example.com");
  const std::string late = std::string(kCookie) + "=" + second.cookies[kCookie];
  exec_sql(server.db_path(), "UPDATE sessions SET expires = 1000 WHERE \"sessionToken\" = '" +
                                 second.cookies[kCookie] + "'");
  EXPECT_EQ(verify_with_cookie(server, late).status, 401);

  TestClient third = server.client();
  sign_in(server, third, "deleted@example.com");
  const std::string deleted = std::string(kCookie) + "=" + third.cookies[kCookie];
  ASSERT_EQ(verify_with_cookie(server, deleted).status, 200);
  exec_sql(server.db_path(), "DELETE FROM users WHERE email = 'deleted@example.com'");
  auto res = verify_with_cookie(server, deleted);
  EXPECT_EQ(res.status, 401);
  expect_no_user_headers(res);
}

TEST_P(Verify, OnlyTheSecretsInUseAreAccepted) {
  // A session made by a linkgate with another secret names nobody here; with that secret among
  // the accepted ones (AUTH_SECRET_1), a JWT made with it is read.
  RunningServer other({{"AUTH_SESSION_STRATEGY", GetParam()},
                       {"AUTH_SECRET", "another-secret-0123456789abcdef01"}});
  ASSERT_FALSE(other.process().failed()) << other.process().logs();
  TestClient browser = other.client();
  sign_in(other, browser, "elsewhere@example.com");
  const std::string cookie = std::string(kCookie) + "=" + browser.cookies[kCookie];
  EXPECT_EQ(verify_with_cookie(other, cookie).status, 200);
  EXPECT_EQ(verify_with_cookie(server, cookie).status, 401);
  if (!jwt()) return;
  RunningServer rotated({{"AUTH_SESSION_STRATEGY", "jwt"},
                         {"AUTH_SECRET", "a-newer-secret-0123456789abcdef0123"},
                         {"AUTH_SECRET_1", "another-secret-0123456789abcdef01"}});
  ASSERT_FALSE(rotated.process().failed()) << rotated.process().logs();
  auto res = verify_with_cookie(rotated, cookie);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.header("x-auth-email"), "elsewhere@example.com");
}

// A JWT is re-issued on every check (as /session does); a database session's cookie is sent
// again only when the check slid the stored expiry (past updateAge).
TEST_P(Verify, ASlidingSessionComesBackAsSetCookie) {
  TestClient browser = server.client();
  sign_in(server, browser, "slide@example.com");
  auto res = browser.get("/api/auth/verify");
  ASSERT_EQ(res.status, 200);
  if (jwt()) {
    ASSERT_EQ(res.headers_named("set-cookie").size(), 1u);
    EXPECT_NE(res.header("set-cookie").find("Expires="), std::string::npos);
    EXPECT_EQ(browser.get("/api/auth/verify").status, 200);  // the re-issued cookie works
    return;
  }
  EXPECT_TRUE(res.headers_named("set-cookie").empty());  // updateAge (a day) not reached

  RunningServer sliding({{"AUTH_SESSION_UPDATE_AGE", "0"}});
  ASSERT_FALSE(sliding.process().failed()) << sliding.process().logs();
  TestClient slider = sliding.client();
  sign_in(sliding, slider, "slide@example.com");
  const std::string token = slider.cookies[kCookie];
  auto renewed = slider.get("/api/auth/verify");
  ASSERT_EQ(renewed.status, 200);
  ASSERT_EQ(renewed.headers_named("set-cookie").size(), 1u);
  EXPECT_EQ(renewed.header("set-cookie").rfind(std::string(kCookie) + "=" + token + ";", 0), 0u);
  EXPECT_NE(renewed.header("set-cookie").find("Expires="), std::string::npos);
}

// The sign-in redirect's callbackUrl: rebuilt from X-Original-URL or X-Forwarded-* only when a
// trusted proxy sends them, and only to an allowed origin; the origin otherwise. AUTH_URL fixes
// the origin (with AUTH_TRUST_HOST, the default in development, X-Forwarded-Host would name it).
TEST(VerifyRedirect, ProxyHeadersAreBelievedOnlyFromTrustedProxies) {
  const std::string own = "http://app.test:8080";
  const std::string host = "app.test:8080";
  const auto signin = [&](const std::string& callback) {
    return own + "/api/auth/signin?callbackUrl=" + url_encode(callback);
  };
  RunningServer untrusted({{"AUTH_URL", own + "/api/auth"}});
  ASSERT_FALSE(untrusted.process().failed()) << untrusted.process().logs();
  TestClient client = untrusted.client();
  for (const auto& headers : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {{"X-Original-URL", own + "/app"}},
           {{"X-Original-URL", "https://evil.com/"}},
           {{"X-Forwarded-Host", "evil.com"}, {"X-Forwarded-Uri", "/app"}},
           {{"X-Forwarded-Proto", "http"},
            {"X-Forwarded-Host", host},
            {"X-Forwarded-Uri", "/a"}}}) {
    auto res = client.get("/api/auth/verify?redirect=1", headers);
    EXPECT_EQ(res.status, 302);
    EXPECT_EQ(res.header("location"), signin(own)) << headers.front().second;
  }

  RunningServer trusted(
      {{"AUTH_URL", own + "/api/auth"}, {"LINKGATE_TRUSTED_PROXIES", "127.0.0.1/32"}});
  ASSERT_FALSE(trusted.process().failed()) << trusted.process().logs();
  TestClient proxy = trusted.client();
  auto check = [&](const std::vector<std::pair<std::string, std::string>>& headers,
                   const std::string& expected) {
    for (const std::string query : {"?redirect=1", ""}) {
      auto res = proxy.get("/api/auth/verify" + query, headers);
      EXPECT_EQ(res.status, query.empty() ? 401 : 302);
      EXPECT_EQ(res.header("location"), signin(expected))
          << (headers.empty() ? "" : headers.front().second);
    }
  };
  check({{"X-Original-URL", own + "/app/page?x=1&y=2"}}, own + "/app/page?x=1&y=2");
  check({{"X-Forwarded-Proto", "http"}, {"X-Forwarded-Host", host}, {"X-Forwarded-Uri", "/a?b=c"}},
        own + "/a?b=c");
  check({{"X-Forwarded-Host", host}}, own + "/");
  // Trusted, but pointing elsewhere: the redirect rule sends the user to the origin instead.
  for (const std::string& evil : std::vector<std::string>{
           "https://evil.com/", "//evil.com", "/\\evil.com", "http://" + host + "@evil.com/",
           "https://" + host + "/", "http://evil.com#" + own, "javascript:alert(1)", "http://[",
           "http://app.test:8081/", "http://app.test.evil.com:8080/"}) {
    check({{"X-Original-URL", evil}}, own);
  }
  check({{"X-Forwarded-Host", "evil.com"}, {"X-Forwarded-Uri", "/app"}}, own);
  check({{"X-Forwarded-Host", host}, {"X-Forwarded-Uri", "@evil.com/"}}, own);
  check({{"X-Forwarded-Proto", "javascript"}, {"X-Forwarded-Host", host}}, own);
}

}  // namespace
}  // namespace linkgate::testing
