// POST /session (the client's update()) over real HTTP (authjs-behaviour.md §0.5, §1
// "GET /session", §2.3). Without a valid CSRF pair the answer is exactly Auth.js's: 400,
// `Content-Type: application/json`, body `null`, no Set-Cookie and no cache headers, whatever
// is missing or wrong, and the session is left alone. tests/interop/authjs_session_post_test.cpp
// checks the same answers against Auth.js itself.
#include "integration/harness.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

class SessionUpdate : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(server.process().failed()) << server.process().logs(); }

  // A browser signed in as `email` through the outbox link, holding a CSRF pair.
  TestClient signed_in(const std::string& email) {
    TestClient browser = server.client();
    EXPECT_EQ(request_link(browser, "outbox", email).status, 302);
    const std::string link = json::value_to<std::string>(newest_outbox_message(browser)["url"]);
    EXPECT_EQ(browser.get(local_target(link, server.origin())).status, 302);
    EXPECT_TRUE(browser.cookies.count("authjs.session-token"));
    return browser;
  }

  static void expect_refused(const HttpResponse& res, const std::string& what) {
    EXPECT_EQ(res.status, 400) << what;
    EXPECT_EQ(res.header("content-type"), "application/json") << what;
    EXPECT_EQ(res.body, "null") << what;
    EXPECT_TRUE(res.headers_named("set-cookie").empty()) << what;
    EXPECT_FALSE(res.has_header("cache-control")) << what;
    EXPECT_FALSE(res.has_header("location")) << what;
  }

  RunningServer server;
};

TEST_F(SessionUpdate, WithoutAValidCsrfPairTheAnswerIs400JsonNull) {
  const std::string path = "/api/auth/session";
  TestClient stranger = server.client();
  expect_refused(stranger.request("POST", path, "", {}), "no body, no cookie");
  expect_refused(stranger.post_json(path, "{}"), "JSON {}");
  expect_refused(stranger.post_form(path, {}), "empty form");
  expect_refused(stranger.request("POST", path, "csrfToken=x", {{"Content-Type", "text/plain"}}),
                 "text/plain body");
  expect_refused(stranger.post_json(path, "null"), "JSON null");

  TestClient browser = signed_in("update@example.com");
  const std::string token = browser.csrf_token();
  const std::string session_before = browser.cookies["authjs.session-token"];
  expect_refused(browser.request("POST", path, "", {}), "signed in, no body");
  expect_refused(browser.post_json(path, R"({"data":{"name":"x"}})"), "signed in, JSON no token");
  expect_refused(browser.post_form(path, {{"data", "x"}}), "signed in, form no token");
  expect_refused(browser.post_form(path, {{"csrfToken", std::string(64, 'b')}}), "wrong token");
  expect_refused(browser.post_json(path, R"({"csrfToken":")" + std::string(64, 'b') + R"("})"),
                 "wrong JSON token");
  expect_refused(browser.post_json(path, R"({"csrfToken":1})"), "numeric JSON token");
  expect_refused(browser.request("POST", path + "?csrfToken=" + token, "", {}),
                 "token in the query");
  expect_refused(
      browser.post_form(path, {{"csrfToken", token}},
                        {{"X-Auth-Return-Redirect", "1"},
                         {"Cookie", "authjs.csrf-token=" + token + "%7C" + std::string(64, '0') +
                                        "; authjs.session-token=" + session_before}}),
      "tampered CSRF cookie");
  // The right token from another browser's pair (a cross-site post carries no pair cookie).
  TestClient cross_site = server.client();
  cross_site.cookies["authjs.session-token"] = session_before;
  expect_refused(cross_site.post_form(path, {{"csrfToken", token}}), "token without its cookie");

  // Malformed JSON is refused earlier, as Auth.js does: 400 "Bad request.".
  const auto malformed = browser.post_json(path, R"({"csrfToken":)");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.body, "\"Bad request.\"");

  // None of it touched the session.
  EXPECT_EQ(browser.cookies["authjs.session-token"], session_before);
  const json::value session = session_json(browser);
  ASSERT_TRUE(session.is_object()) << session;
  EXPECT_EQ(session.at("user").at("email"), "update@example.com");
}

TEST_F(SessionUpdate, WithAValidPairTheSessionIsAnswered) {
  TestClient browser = signed_in("valid-update@example.com");
  const std::string token = browser.csrf_token();
  for (const auto& res :
       {browser.post_form("/api/auth/session", {{"csrfToken", token}, {"data", "x"}}),
        browser.post_json("/api/auth/session",
                          R"({"csrfToken":")" + token + R"(","data":{"name":"Val"}})")}) {
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.header("content-type"), "application/json");
    EXPECT_FALSE(res.has_header("cache-control"));  // an update's answer is not a read's
    const json::value body = json::parse(res.body);
    ASSERT_TRUE(body.is_object()) << res.body;
    EXPECT_EQ(body.at("user").at("email"), "valid-update@example.com");
    bool session_cookie = false;
    for (const auto& c : res.headers_named("set-cookie")) {
      session_cookie |= c.starts_with("authjs.session-token=");
    }
    EXPECT_TRUE(session_cookie) << "the session cookie's expiry is renewed";
  }
  // Not signed in: a valid pair answers null (200) and carries the callback-url cookie the
  // request pipeline set, as Auth.js's answer does.
  TestClient stranger = server.client();
  const std::string stranger_token = stranger.csrf_token();
  stranger.cookies.erase("authjs.callback-url");
  const auto res = stranger.post_form("/api/auth/session", {{"csrfToken", stranger_token}});
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "null");
  const auto cookies = res.headers_named("set-cookie");
  ASSERT_EQ(cookies.size(), 1u);
  EXPECT_TRUE(cookies[0].starts_with("authjs.callback-url=")) << cookies[0];
}

}  // namespace
}  // namespace linkgate::testing
