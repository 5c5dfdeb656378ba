// Bad input gets Auth.js's error answers and never crashes or hangs the server
// (SPEC §4; authjs-behaviour.md §0).
#include "integration/harness.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(server.process().failed()) << server.process().logs(); }
  void TearDown() override {
    // After every abuse the server is still up and answering.
    EXPECT_TRUE(server.process().running()) << server.process().logs();
    TestClient probe = server.client();
    EXPECT_EQ(probe.get("/healthz").status, 200);
  }
  RunningServer server;
};

TEST_F(BadInput, UnknownActionsAndMethodsAre400) {
  TestClient c = server.client();
  for (std::string path :
       {"/api/auth/nope", "/api/auth/signin/a/b", "/api/auth/csrf/x", "/api/auth/", "/api/auth"}) {
    auto res = c.get(path);
    EXPECT_EQ(res.status, 400) << path;
    EXPECT_EQ(res.body, "\"Bad request.\"") << path;
  }
  for (std::string method : {"PUT", "DELETE", "PATCH", "OPTIONS"}) {
    auto res = c.request(method, "/api/auth/session", "", {});
    EXPECT_EQ(res.status, 400) << method;
  }
  EXPECT_EQ(c.get("/elsewhere").status, 404);
}

TEST_F(BadInput, UnknownProviderIsAConfigurationError) {
  TestClient c = server.client();
  std::string csrf = c.csrf_token();
  auto res = c.post_form("/api/auth/signin/nosuch", {{"csrfToken", csrf}, {"email", "a@b.co"}});
  EXPECT_EQ(res.status, 302);
  EXPECT_EQ(res.header("location"), server.origin() + "/api/auth/error?error=Configuration");
  EXPECT_EQ(c.get("/api/auth/callback/nosuch?token=x&email=a%40b.co").header("location"),
            server.origin() + "/api/auth/error?error=Configuration");
  auto page = c.get("/api/auth/error?error=Configuration");
  EXPECT_EQ(page.status, 500);
}

TEST_F(BadInput, GarbageCookiesGiveANullSession) {
  TestClient c = server.client();
  c.use_cookie_jar = false;
  for (const std::string& cookie : std::vector<std::string>{
           "authjs.session-token=garbage", "authjs.session-token=%%%; authjs.csrf-token=%",
           "authjs.session-token.0=a; authjs.session-token.1=b; authjs.session-token.x=c",
           std::string("authjs.session-token=") + std::string(3000, 'x'), ";;;=;=;"}) {
    auto res = c.get("/api/auth/session", {{"Cookie", cookie}});
    EXPECT_EQ(res.status, 200) << cookie;
    EXPECT_EQ(res.body, "null") << cookie;
  }
  // Control characters in a header are malformed HTTP: 400 before any routing.
  auto control = c.get("/api/auth/session", {{"Cookie", "authjs.session-token=\x01\x02"}});
  EXPECT_EQ(control.status, 400);
  EXPECT_EQ(control.body, "\"Bad request.\"");
}

TEST_F(BadInput, TamperedJwtIsNull) {
  RunningServer jwt({{"AUTH_SESSION_STRATEGY", "jwt"}});
  ASSERT_FALSE(jwt.process().failed());
  TestClient browser = jwt.client();
  ASSERT_EQ(request_link(browser, "outbox", "jwt@example.com").status, 302);
  std::string link = json::value_to<std::string>(newest_outbox_message(browser)["url"]);
  ASSERT_EQ(browser.get(local_target(link, jwt.origin())).status, 302);
  std::string cookie = browser.cookies.at("authjs.session-token");
  for (std::size_t at : {std::size_t{5}, cookie.size() / 2, cookie.size() - 3}) {
    std::string tampered = cookie;
    tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
    TestClient other = jwt.client();
    other.cookies["authjs.session-token"] = tampered;
    EXPECT_EQ(other.get("/api/auth/session").body, "null");
  }
  TestClient truncated = jwt.client();
  truncated.cookies["authjs.session-token"] = cookie.substr(0, cookie.size() / 2);
  EXPECT_EQ(truncated.get("/api/auth/session").body, "null");
  EXPECT_NE(browser.get("/api/auth/session").body, "null");
}

TEST_F(BadInput, OversizedBodiesAre400) {
  TestClient c = server.client();
  std::string csrf = c.csrf_token();
  std::string huge = "csrfToken=" + csrf + "&email=" + std::string(1024 * 1024, 'a');
  auto res = c.request("POST", "/api/auth/signin/outbox", huge,
                       {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.body, "\"Bad request.\"");
}

TEST_F(BadInput, MalformedJsonIs400) {
  TestClient c = server.client();
  std::string csrf = c.csrf_token();
  auto res = c.post_json("/api/auth/signin/outbox", "{\"csrfToken\": \"" + csrf + "\", ");
  EXPECT_EQ(res.status, 400);
  // Valid JSON of the wrong shape is not a crash either: no email → EmailSignin.
  auto shape =
      c.post_json("/api/auth/signin/outbox", "{\"csrfToken\":\"" + csrf + "\",\"email\":[1,2,3]}");
  EXPECT_EQ(shape.header("location"), server.origin() + "/api/auth/signin?error=EmailSignin");
}

TEST_F(BadInput, InvalidUtf8AndControlCharactersAreHandled) {
  TestClient c = server.client();
  auto page = c.get("/api/auth/signin?email=%FF%FE%00%0D%0A&error=%3Cscript%3E");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);
  auto error = c.get("/api/auth/error?error=%FF%3Cimg%20src%3Dx%3E");
  EXPECT_EQ(error.status, 200);
  EXPECT_EQ(error.body.find("<img src=x>"), std::string::npos);
}

TEST_F(BadInput, MalformedHttpGets400AndTheServerKeepsServing) {
  std::string reply =
      raw_exchange(server.process().host(), server.process().port(), "GARBAGE\r\n\r\n");
  EXPECT_NE(reply.find("400"), std::string::npos) << reply;
  std::string header_bomb =
      "GET /api/auth/session HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(200 * 1024, 'a') +
      "\r\n\r\n";
  reply = raw_exchange(server.process().host(), server.process().port(), header_bomb);
  EXPECT_NE(reply.find("400"), std::string::npos);
}

TEST_F(BadInput, BadHostHeaderFailsClosed) {
  TestClient c = server.client();
  auto res = c.get("/api/auth/csrf", {{"Host", "evil.com/<x>"}});
  EXPECT_EQ(res.status, 500);
  EXPECT_NE(res.body.find("There was a problem with the server configuration."), std::string::npos);
}

}  // namespace
}  // namespace linkgate::testing
