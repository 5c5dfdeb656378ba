// One linkgate for several hosts (docs/gateway.md), over real HTTP: AUTH_COOKIE_DOMAIN puts the
// session cookie (only it) on the domain, LINKGATE_REDIRECT_HOSTS lets a callbackUrl, and the
// proxy's sign-in redirect, return to the listed hosts; both are refused at startup when wrong.
#include "integration/harness.hpp"

namespace linkgate::testing {
namespace {

constexpr const char* kOrigin = "https://app.example.test";

std::string path_of(const std::string& url) {
  return url.substr(url.find("/api/auth"));
}

// The Set-Cookie header naming `name`, or "".
std::string set_cookie_named(const HttpResponse& res, const std::string& name) {
  for (const auto& value : res.headers_named("set-cookie")) {
    if (value.rfind(name + "=", 0) == 0) return value;
  }
  return "";
}

class SharedHosts : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(server.process().failed()) << server.process().logs(); }
  RunningServer server{{"AUTH_URL", std::string(kOrigin) + "/api/auth"},
                       {"AUTH_COOKIE_DOMAIN", ".Example.test"},
                       {"LINKGATE_REDIRECT_HOSTS", "admin.example.test, .apps.example.test"},
                       {"LINKGATE_TRUSTED_PROXIES", "127.0.0.1"}};
};

TEST_F(SharedHosts, TheSessionCookieIsOnTheDomainAndNoOtherCookieIs) {
  TestClient browser = server.client();
  auto page = browser.get("/api/auth/signin");
  const std::string csrf = set_cookie_named(page, "__Host-authjs.csrf-token");
  ASSERT_FALSE(csrf.empty());
  EXPECT_EQ(csrf.find("Domain"), std::string::npos);
  EXPECT_EQ(set_cookie_named(page, "__Secure-authjs.callback-url").find("Domain"),
            std::string::npos);

  ASSERT_EQ(request_link(browser, "outbox", "jane@example.test").status, 302);
  const std::string link =
      boost::json::value_to<std::string>(newest_outbox_message(browser)["url"]);
  auto signed_in = browser.get(path_of(link));
  ASSERT_EQ(signed_in.status, 302);
  const std::string session = set_cookie_named(signed_in, "__Secure-authjs.session-token");
  EXPECT_NE(session.find("; Domain=example.test"), std::string::npos) << session;
  EXPECT_NE(session.find("; Secure"), std::string::npos);

  // /verify's sliding cookie and sign-out's clearing carry the same Domain (or the browser
  // would keep the cookie).
  auto verified = browser.get("/api/auth/verify");
  EXPECT_EQ(verified.status, 200);
  auto signout = browser.post_form("/api/auth/signout", {{"csrfToken", browser.csrf_token()}});
  const std::string cleared = set_cookie_named(signout, "__Secure-authjs.session-token");
  EXPECT_NE(cleared.find("Max-Age=0"), std::string::npos);
  EXPECT_NE(cleared.find("; Domain=example.test"), std::string::npos) << cleared;
}

TEST_F(SharedHosts, CallbackUrlsMayPointToTheListedHostsOnly) {
  const std::string own = kOrigin;
  for (const auto& [asked, expected] : std::vector<std::pair<std::string, std::string>>{
           {"https://admin.example.test/users?x=1", "https://admin.example.test/users?x=1"},
           {"https://one.apps.example.test/", "https://one.apps.example.test/"},
           {"https://apps.example.test/", own},
           {"http://admin.example.test/", own},  // never down from https
           {"https://example.test/", own},
           {"https://admin.example.test.evil.test/", own},
           {"https://evil.test/", own}}) {
    SCOPED_TRACE(asked);
    TestClient browser = server.client();
    auto page = browser.get("/api/auth/signin?callbackUrl=" + url_encode(asked));
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(browser.cookies["__Secure-authjs.callback-url"], url_encode(expected));
    // The proxy's sign-in redirect, from a trusted peer.
    auto denied = browser.get("/api/auth/verify?redirect=1", {{"X-Original-URL", asked}});
    EXPECT_EQ(denied.status, 302);
    EXPECT_EQ(denied.header("location"),
              own + "/api/auth/signin?callbackUrl=" + url_encode(expected));
  }
}

TEST(SharedHostsConfig, WrongValuesAreRefusedAtStartup) {
  for (const auto& env : std::vector<std::map<std::string, std::string>>{
           {{"AUTH_COOKIE_DOMAIN", "other.test"}, {"AUTH_URL", "https://app.example.test"}},
           {{"AUTH_COOKIE_DOMAIN", "ample.test"}, {"AUTH_URL", "https://app.example.test"}},
           {{"AUTH_COOKIE_DOMAIN", "example .test"}},
           {{"AUTH_COOKIE_DOMAIN", "."}},
           {{"LINKGATE_REDIRECT_HOSTS", "admin.example.test, https://evil.test"}},
           {{"LINKGATE_REDIRECT_HOSTS", "a@b.test"}}}) {
    std::map<std::string, std::string> full = env;
    full.try_emplace("AUTH_SECRET", "integration-test-secret-0123456789abcdef");
    full.try_emplace("DATABASE_URL", "sqlite://" + make_temp_dir() + "/l.db");
    LinkgateProcess process(full, make_temp_dir());
    EXPECT_TRUE(process.failed()) << env.begin()->first << "=" << env.begin()->second;
    EXPECT_NE(process.logs().find(env.begin()->first), std::string::npos) << process.logs();
  }
}

}  // namespace
}  // namespace linkgate::testing
