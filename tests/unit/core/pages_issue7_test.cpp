// The home page and the actionable error texts of the built-in pages (issue 7): who is signed
// in, the "request a new link" path of the Verification error, "when to try again" for
// RateLimited, and the dev outbox hints.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "core/pages/pages.hpp"

namespace linkgate::core::pages {
namespace {

#define EXPECT_HAS(haystack, needle) \
  EXPECT_NE((haystack).find(needle), std::string::npos) << "missing: " << (needle)
#define EXPECT_LACKS(haystack, needle) \
  EXPECT_EQ((haystack).find(needle), std::string::npos) << "unexpected: " << (needle)

HomePage home(std::optional<HomeSession> session) {
  HomePage page;
  page.session = std::move(session);
  page.signin_url = "https://app.test/api/auth/signin?callbackUrl=https%3A%2F%2Fapp.test%2F";
  page.signout_url = "https://app.test/api/auth/signout?callbackUrl=https%3A%2F%2Fapp.test%2F";
  page.outbox_url = "https://app.test/dev/outbox";
  page.session_url = "https://app.test/api/auth/session";
  return page;
}

// --- home -------------------------------------------------------------------------------------

TEST(PagesHome, SignedOut) {
  const auto result = render_home(home(std::nullopt));
  EXPECT_EQ(result.status, 200);
  EXPECT_HAS(result.html, "<html lang=\"en\">");
  EXPECT_HAS(result.html, "<title>linkgate</title>");
  EXPECT_HAS(result.html, "<h1>linkgate</h1>");
  EXPECT_HAS(result.html, "You are not signed in.");
  EXPECT_HAS(result.html,
             "<a class=\"button\" href=\"https://app.test/api/auth/signin?callbackUrl="
             "https%3A%2F%2Fapp.test%2F\">Sign in</a>");
  EXPECT_HAS(result.html, "<a href=\"https://app.test/dev/outbox\">Dev outbox</a>");
  EXPECT_HAS(result.html, "<a href=\"https://app.test/api/auth/session\">Session (JSON)</a>");
  EXPECT_LACKS(result.html, "Sign out");
  EXPECT_LACKS(result.html, "<script");
}

TEST(PagesHome, SignedInShowsWhoAndWhenTheSessionEnds) {
  const auto result =
      render_home(home(HomeSession{"jane@example.com", "Jane", "2026-11-23T01:02:03.456Z"}));
  EXPECT_HAS(result.html, "You are signed in as <strong>jane@example.com</strong> (Jane).");
  EXPECT_HAS(result.html,
             "<time class=\"home-time\" datetime=\"2026-11-23T01:02:03.456Z\">2026-11-23 01:02 "
             "UTC</time>");
  EXPECT_HAS(result.html,
             "<a class=\"button\" href=\"https://app.test/api/auth/signout?callbackUrl="
             "https%3A%2F%2Fapp.test%2F\">Sign out</a>");
  EXPECT_LACKS(result.html, "You are not signed in.");
}

TEST(PagesHome, AnUnavailableStoreIsNotSignedOut) {
  auto page = home(std::nullopt);
  page.session_unavailable = true;
  const auto result = render_home(page);
  EXPECT_EQ(result.status, 503);
  EXPECT_HAS(result.html, "the session store is unavailable");
  EXPECT_LACKS(result.html, "You are not signed in.");
}

TEST(PagesHome, EveryValueIsEscaped) {
  auto page = home(HomeSession{"<b>x</b>@e.com", "\"n\"", "<t>"});
  page.outbox_url = "https://a.test/\"x";
  const auto html = render_home(page).html;
  EXPECT_HAS(html, "&lt;b&gt;x&lt;/b&gt;@e.com");
  EXPECT_HAS(html, "(&quot;n&quot;)");
  EXPECT_HAS(html, "datetime=\"&lt;t&gt;\"");
  EXPECT_HAS(html, "href=\"https://a.test/&quot;x\"");
  EXPECT_LACKS(html, "<b>x</b>");
}

TEST(PagesHome, FollowsTheTheme) {
  auto page = home(std::nullopt);
  page.theme.color_scheme = "dark";
  page.theme.brand_color = "#7c3aed";
  const auto html = render_home(page).html;
  EXPECT_HAS(html, "<body class=\"__next-auth-theme-dark\">");
  EXPECT_HAS(html, "--brand-color: #7c3aed;");
}

// --- Verification: request a new link ---------------------------------------------------------

ErrorPage verification(std::string email) {
  ErrorPage page;
  page.error = "Verification";
  page.signin_url = "https://app.test/api/auth/signin";
  page.origin = "https://app.test";
  page.host = "app.test";
  page.email = std::move(email);
  return page;
}

TEST(PagesErrorVerification, SignInButtonPrefillsTheAddressOfTheDeadLink) {
  const auto result = render_error(verification("jane+x@example.com"));
  EXPECT_EQ(result.status, 403);
  EXPECT_HAS(result.html, "The sign in link is no longer valid.");
  EXPECT_HAS(result.html, "It may have been used already or it may have expired.");
  EXPECT_HAS(result.html, "request a new link for <strong>jane+x@example.com</strong>.");
  EXPECT_HAS(result.html,
             "<a class=\"button\" href=\"https://app.test/api/auth/signin?email="
             "jane%2Bx%40example.com\">Sign in</a>");
}

TEST(PagesErrorVerification, WithoutAnAddressTheButtonIsPlain) {
  const auto html = render_error(verification("")).html;
  EXPECT_HAS(html, "Sign in again to request a new link.");
  EXPECT_HAS(html, "<a class=\"button\" href=\"https://app.test/api/auth/signin\">Sign in</a>");
}

TEST(PagesErrorVerification, HostileAddressIsEscapedAndEncoded) {
  const auto html = render_error(verification("\"><script>@x")).html;
  EXPECT_LACKS(html, "<script>");
  EXPECT_HAS(html, "<strong>&quot;&gt;&lt;script&gt;@x</strong>");
  EXPECT_HAS(html, "signin?email=%22%3E%3Cscript%3E%40x\"");
}

TEST(PagesErrorVerification, OtherErrorsIgnoreTheAddress) {
  auto page = verification("jane@example.com");
  page.error = "AccessDenied";
  const auto html = render_error(page).html;
  EXPECT_LACKS(html, "jane");
  EXPECT_HAS(html, "<a class=\"button\" href=\"https://app.test/api/auth/signin\">Sign in</a>");
}

// --- RateLimited: when to try again -----------------------------------------------------------

std::string rate_limited(std::optional<long long> retry_after) {
  SigninPage page;
  page.providers.push_back({"outbox", "Dev Outbox", "https://app.test/api/auth/signin/outbox"});
  page.error = "RateLimited";
  page.retry_after = retry_after;
  return render_signin(page).html;
}

TEST(PagesSigninRateLimited, SaysWhenToTryAgainRoundedUp) {
  EXPECT_HAS(rate_limited(1), "Too many attempts. Try again in 1 second.");
  EXPECT_HAS(rate_limited(45), "Too many attempts. Try again in 45 seconds.");
  EXPECT_HAS(rate_limited(60), "Too many attempts. Try again in 1 minute.");
  EXPECT_HAS(rate_limited(61), "Too many attempts. Try again in 2 minutes.");
  EXPECT_HAS(rate_limited(900), "Too many attempts. Try again in 15 minutes.");
  EXPECT_HAS(rate_limited(7201), "Too many attempts. Try again in 3 hours.");
  EXPECT_HAS(rate_limited(std::nullopt),
             "Too many attempts. Please wait a few minutes and try again.");
}

TEST(PagesSigninRateLimited, ParseRetryAfter) {
  EXPECT_EQ(parse_retry_after("90"), 90);
  EXPECT_EQ(parse_retry_after("604800"), 604800);
  EXPECT_EQ(parse_retry_after("604801"), std::nullopt);
  EXPECT_EQ(parse_retry_after("0"), std::nullopt);
  EXPECT_EQ(parse_retry_after(""), std::nullopt);
  EXPECT_EQ(parse_retry_after("-5"), std::nullopt);
  EXPECT_EQ(parse_retry_after("1e3"), std::nullopt);
  EXPECT_EQ(parse_retry_after("99999999999999999999"), std::nullopt);
}

TEST(PagesSigninRateLimited, RetryAfterOnlyChangesTheRateLimitedMessage) {
  SigninPage page;
  page.error = "EmailSignin";
  page.retry_after = 60;
  EXPECT_HAS(render_signin(page).html, "The e-mail could not be sent.");
}

// --- dev outbox hints -------------------------------------------------------------------------

TEST(PagesVerifyRequestDev, PointsAtTheOutboxOnlyWhenItIsOn) {
  VerifyRequestPage page{"https://app.test", "app.test", {}, {}, {}, std::nullopt};
  EXPECT_LACKS(render_verify_request(page).html, "outbox");
  page.outbox_url = "https://app.test/dev/outbox";
  const auto html = render_verify_request(page).html;
  EXPECT_HAS(html,
             "<a class=\"button\" href=\"https://app.test/dev/outbox\">Open the dev outbox</a>");
  EXPECT_HAS(html, "A sign in link has been sent to your email address.");
}

TEST(PagesOutboxDev, LinksHome) {
  EXPECT_LACKS(render_outbox({}).html, ">Home</a>");
  EXPECT_HAS(render_outbox({}, "/").html, "<nav class=\"back\"><a href=\"/\">Home</a></nav>");
}

}  // namespace
}  // namespace linkgate::core::pages
