// The signIn and redirect callbacks, in-process (SPEC P6; authjs-behaviour.md §1 POST /signin
// step 4, callback step 5, §4 defaults).
#include <gtest/gtest.h>

#include <stdexcept>

#include "integration/hooks_fixture.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

struct SeenSignIn {
  User user;
  Account account;
  bool verification_request = false;
};

TEST_F(HooksTest, SignInCallbackSeesACandidateThenTheStoredUser_Authjs_1_4) {
  AuthConfig config = make_config();
  std::vector<SeenSignIn> seen;
  config.callbacks.sign_in = [&](const SignInParams& p) {
    seen.push_back({p.user, p.account, p.verification_request});
    return SignInDecision::allow();
  };
  Auth auth(config, store_);
  Browser browser(auth);
  auto callback = sign_in_fully(browser, "New@Example.com");
  EXPECT_EQ(location(callback), "http://app.test");
  ASSERT_EQ(seen.size(), 2u);
  // POST /signin: a candidate {id, email} before any token; the account is the email account.
  EXPECT_TRUE(seen[0].verification_request);
  EXPECT_EQ(seen[0].user.email, "new@example.com");
  EXPECT_EQ(seen[0].user.id.size(), 36u);
  EXPECT_EQ(seen[0].account.provider_account_id, "new@example.com");
  EXPECT_EQ(seen[0].account.type, "email");
  EXPECT_EQ(seen[0].account.provider, "custom");
  EXPECT_EQ(seen[0].account.user_id, seen[0].user.id);
  // Callback: after the token is consumed, before the user exists.
  EXPECT_FALSE(seen[1].verification_request);
  EXPECT_EQ(seen[1].user.email, "new@example.com");
  auto stored = store_->get_user_by_email("new@example.com");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  // The user is created with the id the callback was shown.
  EXPECT_EQ((*stored)->id, seen[1].account.user_id);

  // A returning user: both calls see the stored user.
  seen.clear();
  sign_in_fully(browser, "new@example.com");
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].user.id, (*stored)->id);
  EXPECT_EQ(seen[1].user.id, (*stored)->id);
  EXPECT_TRUE(seen[1].user.email_verified.has_value());
}

TEST_F(HooksTest, SignInDeniedInSigninStoresNoTokenAndSendsNothing_Authjs_1_Step4) {
  AuthConfig config = make_config();
  config.callbacks.sign_in = [](const SignInParams& p) {
    return p.user.email.ends_with("@blocked.test") ? SignInDecision::deny()
                                                   : SignInDecision::allow();
  };
  Auth auth(config, store_);
  Browser browser(auth);
  auto res = browser.sign_in("custom", "eve@blocked.test");
  EXPECT_EQ(location(res), "http://app.test/api/auth/error?error=AccessDenied");
  EXPECT_TRUE(set_cookie_names(res).empty());
  EXPECT_EQ(links_sent(), 0u);
  // The error page says so.
  EXPECT_EQ(browser.send("GET", "/api/auth/error?error=AccessDenied").status, 403);
  // Others still get links.
  EXPECT_EQ(location(browser.sign_in("custom", "ann@ok.test")),
            "http://app.test/api/auth/verify-request?provider=custom&type=email");
  EXPECT_EQ(links_sent(), 1u);
}

TEST_F(HooksTest, SignInThrowingMeansAccessDenied) {
  AuthConfig config = make_config();
  config.callbacks.sign_in = [](const SignInParams&) -> SignInDecision {
    throw std::runtime_error("policy service down");
  };
  Auth auth(config, store_);
  Browser browser(auth);
  EXPECT_EQ(location(browser.sign_in("custom", "a@example.com")),
            "http://app.test/api/auth/error?error=AccessDenied");
  EXPECT_EQ(links_sent(), 0u);
  EXPECT_TRUE(logged("callbacks.signIn threw: policy service down"));
}

TEST_F(HooksTest, SignInRedirectInSigninSendsNoEmailAndKeepsCookies) {
  AuthConfig config = make_config();
  config.callbacks.sign_in = [](const SignInParams&) {
    return SignInDecision::redirect_to("/waitlist");
  };
  Auth auth(config, store_);
  Browser browser(auth);
  auto res = browser.sign_in("custom", "later@example.com");
  EXPECT_EQ(location(res), "http://app.test/waitlist");
  EXPECT_EQ(links_sent(), 0u);
  // Through the default redirect rule: another origin becomes the app's origin.
  AuthConfig external = make_config();
  external.callbacks.sign_in = [](const SignInParams&) {
    return SignInDecision::redirect_to("https://evil.example/phish");
  };
  Auth auth2(external, store_);
  Browser browser2(auth2);
  EXPECT_EQ(location(browser2.sign_in("custom", "later@example.com")), "http://app.test");
}

TEST_F(HooksTest, SignInDeniedInCallbackSpendsTheTokenAndMakesNoUserOrSession_Authjs_1_Step5) {
  AuthConfig config = make_config();
  config.callbacks.sign_in = [](const SignInParams& p) {
    return p.verification_request ? SignInDecision::allow() : SignInDecision::deny();
  };
  Auth auth(config, store_);
  Browser browser(auth);
  auto callback = sign_in_fully(browser, "late@example.com");
  EXPECT_EQ(location(callback), "http://app.test/api/auth/error?error=AccessDenied");
  EXPECT_EQ(browser.cookies.count("authjs.session-token"), 0u);
  auto user = store_->get_user_by_email("late@example.com");
  ASSERT_TRUE(user.ok());
  EXPECT_FALSE(user->has_value());
  // The link was spent.
  auto again = browser.send("GET", last_link());
  EXPECT_EQ(location(again).rfind("http://app.test/api/auth/error?error=Verification", 0), 0u);
}

TEST_F(HooksTest, SignInRedirectInCallbackMakesNoSession) {
  AuthConfig config = make_config(SessionStrategy::jwt);
  config.callbacks.sign_in = [](const SignInParams& p) {
    return p.verification_request ? SignInDecision::allow()
                                  : SignInDecision::redirect_to("http://app.test/pending");
  };
  Auth auth(config, store_);
  Browser browser(auth);
  auto callback = sign_in_fully(browser, "pending@example.com");
  EXPECT_EQ(location(callback), "http://app.test/pending");
  EXPECT_EQ(browser.cookies.count("authjs.session-token"), 0u);
  EXPECT_TRUE(session_of(browser).is_null());
}

TEST_F(HooksTest, RedirectCallbackResolvesEveryCallbackUrlAndIsTrusted) {
  AuthConfig config = make_config();
  std::vector<std::pair<std::string, std::string>> calls;
  std::mutex calls_mutex;
  config.callbacks.redirect = [&](const std::string& url, const std::string& base_url) {
    std::lock_guard lock(calls_mutex);
    calls.emplace_back(url, base_url);
    // A sister domain on purpose: the default rule would refuse it.
    if (url == "/docs") return std::string("https://docs.example/start");
    if (url.starts_with("https://docs.example/")) return url;
    return base_url;
  };
  Auth auth(config, store_);
  Browser browser(auth);
  std::string csrf = browser.csrf();
  {
    std::lock_guard lock(calls_mutex);
    ASSERT_FALSE(calls.empty());
    EXPECT_EQ(calls.back(),
              std::make_pair(std::string("http://app.test"), std::string("http://app.test")));
  }
  browser.send("POST", "/api/auth/signin/custom",
               "csrfToken=" + csrf + "&email=r%40example.com&callbackUrl=%2Fdocs",
               "application/x-www-form-urlencoded");
  EXPECT_NE(last_link().find("callbackUrl=https%3A%2F%2Fdocs.example%2Fstart"), std::string::npos);
  auto callback = browser.send("GET", last_link());
  EXPECT_EQ(location(callback), "https://docs.example/start");
}

TEST_F(HooksTest, RedirectCallbackFailureIsAConfigurationError) {
  for (int mode = 0; mode < 2; ++mode) {
    AuthConfig config = make_config();
    config.callbacks.redirect = [mode](const std::string&, const std::string&) -> std::string {
      if (mode == 0) throw std::runtime_error("no");
      return "http://app.test/\r\nSet-Cookie: x=y";  // not a usable Location
    };
    Auth auth(config, store_);
    Browser browser(auth);
    auto csrf = browser.send("GET", "/api/auth/csrf");
    EXPECT_EQ(location(csrf), "http://app.test/api/auth/error?error=Configuration") << mode;
    EXPECT_TRUE(set_cookie_names(csrf).empty());
    // The error page itself still renders instead of redirecting to itself.
    auto page = browser.send("GET", "/api/auth/error?error=Configuration");
    EXPECT_EQ(page.status, 500) << mode;
    EXPECT_TRUE(logged("callbacks.redirect"));
  }
}

TEST_F(HooksTest, ThrowingProviderHooksNeverEscape) {
  AuthConfig config = make_config();
  config.providers[0].normalize_identifier = [](const std::string&) -> Result<std::string> {
    throw std::runtime_error("bad normalizer");
  };
  {
    Auth auth(config, store_);
    Browser browser(auth);
    EXPECT_EQ(location(browser.sign_in("custom", "x@example.com")),
              "http://app.test/api/auth/signin?error=EmailSignin");
  }
  config = make_config();
  config.providers[0].generate_verification_token = []() -> std::string {
    throw std::runtime_error("no entropy");
  };
  {
    Auth auth(config, store_);
    Browser browser(auth);
    EXPECT_EQ(location(browser.sign_in("custom", "x@example.com")),
              "http://app.test/api/auth/error?error=Configuration");
  }
  config = make_config();
  config.providers[0].send_verification_request = [](const VerificationRequest&) -> Result<void> {
    throw std::runtime_error("smtp exploded");
  };
  {
    Auth auth(config, store_);
    Browser browser(auth);
    EXPECT_EQ(location(browser.sign_in("custom", "x@example.com")),
              "http://app.test/api/auth/signin?error=EmailSignin");
  }
  EXPECT_TRUE(logged("sendVerificationRequest threw: smtp exploded"));
}

}  // namespace
}  // namespace linkgate::testing
