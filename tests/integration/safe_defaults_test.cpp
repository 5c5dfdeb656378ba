// Safe defaults of issue 5 over real HTTP: the security headers on every page the binary serves,
// and no secret in any log line of whole sign-in flows at debug level (no verification token,
// link, session cookie, CSRF value, API key or AUTH_SECRET).
#include "integration/harness.hpp"
#include "support/fake_providers.hpp"

namespace linkgate::testing {
namespace {

void expect_page_headers(const HttpResponse& r, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  const std::string csp = r.header("content-security-policy");
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("form-action 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("base-uri 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("script-src"), std::string::npos) << csp;
  EXPECT_EQ(r.header("x-frame-options"), "DENY");
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.header("referrer-policy"), "no-referrer");
  EXPECT_EQ(r.headers_named("content-security-policy").size(), 1u);
}

TEST(SafeDefaults, EveryPageOfTheBinaryCarriesTheSecurityHeaders) {
  RunningServer server({{"LINKGATE_ENV", "development"}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", "pages@example.com").status, 302);
  for (const std::string target :
       {"/", "/dev/outbox", "/api/auth/signin", "/api/auth/signin?error=Verification",
        "/api/auth/verify-request?provider=outbox&type=email", "/api/auth/error",
        "/api/auth/error?error=Verification", "/api/auth/signout"}) {
    const auto r = browser.get(target);
    EXPECT_EQ(r.status == 200 || r.status == 400 || r.status == 403, true) << target;
    expect_page_headers(r, target);
  }
  // The page a link with a bad token leads to, after its redirect.
  const auto bad = browser.get("/api/auth/callback/outbox?token=bad&email=pages%40example.com");
  ASSERT_EQ(bad.status, 302);
  const auto error_page = browser.get(local_target(bad.header("location"), server.origin()));
  expect_page_headers(error_page, bad.header("location"));
}

// The hex token of the first sign-in link in `text` (a provider request body), or "".
std::string token_in(const std::string& text) {
  const auto at = text.find("token=");
  if (at == std::string::npos) return "";
  return text.substr(at + 6, 64);
}

void expect_not_logged(const std::string& logs, const std::string& secret,
                       const std::string& what) {
  ASSERT_FALSE(secret.empty()) << what;
  EXPECT_EQ(logs.find(secret), std::string::npos) << what << " appears in the logs:\n" << logs;
}

class NoSecretsInLogs : public ::testing::TestWithParam<std::string> {};

TEST_P(NoSecretsInLogs, WholeFlowAtDebugLevel) {
  const std::string api_key = "pm-secret-key-4f7a9c2e";
  const std::string auth_secret = "log-test-secret-9b8c7d6e5f4a3b2c1d0e";
  FakePostmark fake(api_key);
  RunningServer server({{"AUTH_POSTMARK_KEY", api_key},
                        {"AUTH_POSTMARK_API_URL", fake.base_url()},
                        {"AUTH_SECRET", auth_secret},
                        {"AUTH_SESSION_STRATEGY", GetParam()},
                        {"LINKGATE_LOG_LEVEL", "debug"}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();

  // A provider failure whose answer echoes the request (link and token included), then a
  // successful send.
  fake.fail_next(422, 1, FakeFailure::with_message("Invalid 'To' address", true));
  auto failed = request_link(browser, "postmark", "logs@example.com");
  ASSERT_EQ(failed.status, 302);
  EXPECT_NE(failed.header("location").find("error=EmailSignin"), std::string::npos);
  ASSERT_FALSE(fake.requests().empty());
  const std::string failed_token = token_in(fake.requests().front().body);

  auto sent = request_link(browser, "postmark", "logs@example.com");
  ASSERT_EQ(sent.status, 302) << server.process().logs();
  ASSERT_TRUE(fake.wait_for_messages(1));
  const std::string link = fake.messages().front().link;
  const std::string token = query_param(link, "token").value_or("");
  ASSERT_EQ(token.size(), 64u);

  // A wrong token, the real one, a replay, the session, and sign-out.
  EXPECT_EQ(browser
                .get("/api/auth/callback/postmark?token=" + std::string(64, 'a') +
                     "&email=logs%40example.com")
                .status,
            302);
  ASSERT_EQ(browser.get(local_target(link, server.origin())).status, 302);
  const std::string session_cookie = browser.cookies["authjs.session-token"];
  const std::string csrf_cookie = browser.cookies["authjs.csrf-token"];
  EXPECT_EQ(browser.get(local_target(link, server.origin())).status, 302);
  ASSERT_TRUE(session_json(browser).is_object());
  const std::string csrf = browser.csrf_token();
  EXPECT_EQ(browser.post_form("/api/auth/signout", {{"csrfToken", csrf}}).status, 302);
  // A tampered session cookie is rejected (and logged as such, without its value).
  browser.cookies["authjs.session-token"] = session_cookie + "x";
  EXPECT_TRUE(session_json(browser).is_null());

  const std::string logs = server.process().logs();
  EXPECT_FALSE(logs.empty());
  expect_not_logged(logs, api_key, "the API key");
  expect_not_logged(logs, auth_secret, "AUTH_SECRET");
  expect_not_logged(logs, failed_token, "the token of the failed send");
  expect_not_logged(logs, token, "the verification token");
  expect_not_logged(logs, link, "the sign-in link");
  expect_not_logged(logs, session_cookie, "the session cookie");
  expect_not_logged(logs, session_cookie.substr(0, 32), "the start of the session cookie");
  expect_not_logged(logs, csrf, "the CSRF token");
  expect_not_logged(logs, csrf_cookie, "the CSRF cookie");
  expect_not_logged(logs, csrf_cookie.substr(64 + 3), "the CSRF cookie's hash");
}

INSTANTIATE_TEST_SUITE_P(Strategies, NoSecretsInLogs, ::testing::Values("database", "jwt"));

}  // namespace
}  // namespace linkgate::testing
