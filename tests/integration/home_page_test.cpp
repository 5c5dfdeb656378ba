// The development home page at "/" and the actionable error texts, over real HTTP (issue 7):
// signed out / signed in as read through /session, served only with the dev outbox, and the
// Verification redirect that lets the error page offer a new link with the address filled in.
#include "integration/harness.hpp"
#include "linkgate/auth.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

bool has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class HomePage : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(server.process().failed()) << server.process().logs(); }
  RunningServer server;
};

TEST_F(HomePage, SignedOutOffersSignInAndTheOutbox) {
  TestClient browser = server.client();
  auto home = browser.get("/");
  EXPECT_EQ(home.status, 200);
  EXPECT_EQ(home.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(home.header("cache-control"), "private, no-cache, no-store");
  EXPECT_TRUE(home.has_header("content-security-policy"));
  EXPECT_TRUE(has(home.body, "You are not signed in."));
  const std::string home_url = url_encode(server.origin() + "/");
  EXPECT_TRUE(has(home.body, "href=\"" + server.origin() +
                                 "/api/auth/signin?callbackUrl=" + home_url + "\">Sign in</a>"))
      << home.body;
  EXPECT_TRUE(has(home.body, "href=\"" + server.origin() + "/dev/outbox\""));
  // Reading a missing session sets no cookie.
  EXPECT_TRUE(home.headers_named("set-cookie").empty());
}

TEST_F(HomePage, SignedInShowsWhoAndSignOutReturnsHere) {
  TestClient browser = server.client();
  // The sign-in link of the home page sends the person back to it.
  const std::string home = server.origin() + "/";
  ASSERT_EQ(browser.get("/api/auth/signin?callbackUrl=" + url_encode(home)).status, 200);
  ASSERT_EQ(request_link(browser, "outbox", "jane@example.com").status, 302);
  const auto link = json::value_to<std::string>(newest_outbox_message(browser)["url"]);
  auto callback = browser.get(local_target(link, server.origin()));
  EXPECT_EQ(callback.header("location"), home);

  auto signed_in = browser.get("/");
  EXPECT_EQ(signed_in.status, 200);
  EXPECT_TRUE(has(signed_in.body, "You are signed in as <strong>jane@example.com</strong>"))
      << signed_in.body;
  EXPECT_TRUE(has(signed_in.body, ">Sign out</a>"));
  EXPECT_FALSE(has(signed_in.body, "You are not signed in."));

  std::string csrf = browser.csrf_token();
  auto signout =
      browser.post_form("/api/auth/signout?callbackUrl=" + url_encode(home), {{"csrfToken", csrf}});
  EXPECT_EQ(signout.header("location"), home);
  EXPECT_TRUE(has(browser.get("/").body, "You are not signed in."));
}

TEST_F(HomePage, ADeadSessionCookieIsClearedLikeSessionDoes) {
  TestClient browser = server.client();
  browser.cookies["authjs.session-token"] = "00000000-0000-4000-8000-000000000000";
  auto home = browser.get("/");
  EXPECT_TRUE(has(home.body, "You are not signed in."));
  EXPECT_EQ(browser.cookies.count("authjs.session-token"), 0u);
}

TEST_F(HomePage, OnlyGet) {
  TestClient browser = server.client();
  EXPECT_EQ(browser.post_form("/", {{"a", "b"}}).status, 400);
}

TEST(HomePageWithoutOutbox, IsNotFound) {
  RunningServer server{{"AUTH_POSTMARK_KEY", "test-key"},
                       {"AUTH_POSTMARK_API_URL", "http://127.0.0.1:9"}};
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  EXPECT_EQ(browser.get("/").status, 404);
  EXPECT_EQ(browser.get("/dev/outbox").status, 404);
}

TEST(HomePageRouting, IsPureOnlyWithoutTheStore) {
  auto store = store::open_sqlite_store(make_temp_dir() + "/auth.db");
  ASSERT_TRUE(store.ok());
  Request get_home;
  get_home.method = "GET";
  get_home.path = "/";
  AuthConfig config;
  config.secrets = {"s"};
  config.dev_outbox_pages = true;
  EXPECT_FALSE(Auth(config, *store).is_pure(get_home)) << "database sessions read the store";
  config.session_strategy = SessionStrategy::jwt;
  EXPECT_TRUE(Auth(config, *store).is_pure(get_home)) << "a JWT session is pure CPU";
  config.session_strategy = SessionStrategy::database;
  config.dev_outbox_pages = false;
  EXPECT_TRUE(Auth(config, *store).is_pure(get_home)) << "a 404 needs no I/O";
}

// Expired or used link → the Verification page, whose "Sign in" button opens the form with the
// address filled in (authjs-behaviour.md §1 /error texts, plus the address).
TEST_F(HomePage, UsedLinkOffersANewLinkWithTheAddressFilledIn) {
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", "again@example.com").status, 302);
  const auto link = local_target(json::value_to<std::string>(newest_outbox_message(browser)["url"]),
                                 server.origin());
  ASSERT_EQ(browser.get(link).status, 302);
  auto reuse = browser.get(link);
  const std::string error_url =
      server.origin() + "/api/auth/error?error=Verification&email=again%40example.com";
  ASSERT_EQ(reuse.header("location"), error_url);
  auto page = browser.get(local_target(error_url, server.origin()));
  EXPECT_EQ(page.status, 403);
  EXPECT_TRUE(has(page.body, "The sign in link is no longer valid."));
  const std::string signin = server.origin() + "/api/auth/signin?email=again%40example.com";
  EXPECT_TRUE(has(page.body, "<a class=\"button\" href=\"" + signin + "\">Sign in</a>"))
      << page.body;
  auto form = browser.get(local_target(signin, server.origin()));
  EXPECT_TRUE(has(form.body, "value=\"again@example.com\""));
}

TEST_F(HomePage, RateLimitedSaysWhenToTryAgain) {
  TestClient browser = server.client();
  auto page = browser.get("/api/auth/signin?error=RateLimited&retryAfter=90");
  EXPECT_TRUE(has(page.body, "Too many attempts. Try again in 2 minutes.")) << page.body;
}

TEST_F(HomePage, VerifyRequestPointsAtTheOutbox) {
  TestClient browser = server.client();
  auto page = browser.get("/api/auth/verify-request?provider=outbox&type=email");
  EXPECT_TRUE(has(page.body, "href=\"" + server.origin() + "/dev/outbox\">Open the dev outbox</a>"))
      << page.body;
}

}  // namespace
}  // namespace linkgate::testing
