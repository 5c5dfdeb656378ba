// linkgate::Auth driven in-process with a real SQLite store and a controllable clock: the
// embedder hooks, cookie names under https, session expiry and sliding, the configuration
// assertions (authjs-behaviour.md §0.2, §2, §5; SPEC C6, C7, P6).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>

#include "core/cookies.hpp"
#include "integration/in_process_browser.hpp"
#include "linkgate/auth.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/http_client.hpp"
#include "support/test_env.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

class InProcess : public ::testing::Test {
 protected:
  std::shared_ptr<Store> open_store() {
    auto store = store::open_sqlite_store(make_temp_dir() + "/auth.db");
    EXPECT_TRUE(store.ok());
    return *store;
  }

  // A config whose clock the test moves and whose provider records what it would send.
  AuthConfig make_config(SessionStrategy strategy = SessionStrategy::database) {
    AuthConfig config;
    config.trust_host = true;
    config.secrets = {"in-process-secret"};
    config.session_strategy = strategy;
    config.now = [this] {
      std::lock_guard lock(mutex_);
      return now_;
    };
    EmailProvider provider;
    provider.id = "custom";
    provider.name = "Custom";
    provider.send_verification_request =
        [this](const VerificationRequest& request) -> Result<void> {
      std::lock_guard lock(mutex_);
      sent_.push_back(request);
      return {};
    };
    config.providers.push_back(std::move(provider));
    return config;
  }

  void advance(std::chrono::milliseconds by) {
    std::lock_guard lock(mutex_);
    now_ += by;
  }
  VerificationRequest last_sent() {
    std::lock_guard lock(mutex_);
    return sent_.back();
  }
  std::size_t sent_count() {
    std::lock_guard lock(mutex_);
    return sent_.size();
  }
  std::string path_of(const std::string& url) { return url.substr(url.find("/api/auth")); }

  std::mutex mutex_;
  TimePoint now_ = std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
  std::vector<VerificationRequest> sent_;
};

TEST_F(InProcess, SendVerificationRequestHookGetsTheAuthjsParameters) {
  AuthConfig config = make_config();
  config.theme.brand_color = "#ff0000";
  Auth auth(config, open_store());
  Browser browser(auth);
  auto res = browser.sign_in("custom", "Hook@Example.com");
  EXPECT_EQ(res.status, 302);
  ASSERT_EQ(sent_count(), 1u);
  VerificationRequest request = last_sent();
  EXPECT_EQ(request.identifier, "hook@example.com");
  EXPECT_EQ(request.provider_id, "custom");
  EXPECT_EQ(request.token.size(), 64u);
  EXPECT_EQ(request.theme.brand_color, "#ff0000");
  EXPECT_EQ(request.expires, now_ + std::chrono::hours(24));
  EXPECT_EQ(request.url,
            "http://app.test/api/auth/callback/custom?callbackUrl=http%3A%2F%2Fapp.test"
            "&token=" +
                request.token + "&email=hook%40example.com");
}

TEST_F(InProcess, GenerateTokenAndNormalizeIdentifierHooksReplaceTheDefaults) {
  AuthConfig config = make_config();
  config.providers[0].generate_verification_token = [] { return std::string("fixed-token-123"); };
  config.providers[0].normalize_identifier = [](const std::string& raw) -> Result<std::string> {
    if (raw.find("blocked") != std::string::npos) {
      return Error{"invalid_input", "blocked by policy"};
    }
    return std::string("tenant+" + raw);
  };
  Auth auth(config, open_store());
  Browser browser(auth);
  ASSERT_EQ(browser.sign_in("custom", "Mixed@Case.org").status, 302);
  EXPECT_EQ(last_sent().identifier, "tenant+Mixed@Case.org");
  EXPECT_EQ(last_sent().token, "fixed-token-123");
  auto denied = browser.sign_in("custom", "blocked@x.org");
  EXPECT_EQ(denied.header("Location").value_or(""),
            "http://app.test/api/auth/signin?error=EmailSignin");
  auto callback = browser.send("GET", path_of(last_sent().url));
  EXPECT_EQ(callback.header("Location").value_or(""), "http://app.test");
}

TEST_F(InProcess, FailingSendDeletesTheStoredTokenAndSaysEmailSignin) {
  AuthConfig config = make_config();
  std::string leaked_token;
  config.providers[0].send_verification_request =
      [&leaked_token](const VerificationRequest& request) -> Result<void> {
    leaked_token = request.token;
    return Error{"mail", "provider down"};
  };
  Auth auth(config, open_store());
  Browser browser(auth);
  auto res = browser.sign_in("custom", "down@example.com");
  EXPECT_EQ(res.header("Location").value_or(""),
            "http://app.test/api/auth/signin?error=EmailSignin");
  EXPECT_TRUE(set_cookie_names(res).empty());
  auto callback = browser.send(
      "GET", "/api/auth/callback/custom?token=" + leaked_token + "&email=down%40example.com");
  EXPECT_EQ(callback.header("Location").value_or(""),
            "http://app.test/api/auth/error?error=Verification&email=down%40example.com");
}

TEST_F(InProcess, HttpsUrlGivesSecureCookieNames) {
  AuthConfig config = make_config(SessionStrategy::jwt);
  config.url = "https://secure.example/auth";
  Auth auth(config, open_store());
  Browser browser(auth, "secure.example");
  auto csrf = browser.send("GET", "/auth/csrf");
  auto names = set_cookie_names(csrf);
  EXPECT_NE(std::find(names.begin(), names.end(), "__Host-authjs.csrf-token"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "__Secure-authjs.callback-url"), names.end());
  for (const auto& h : csrf.headers) {
    if (h.name == "Set-Cookie") {
      EXPECT_NE(h.value.find("; HttpOnly; Secure; SameSite=Lax"), std::string::npos) << h.value;
      EXPECT_NE(h.value.find("Path=/"), std::string::npos);
    }
  }
  std::string token = json::value_to<std::string>(json::parse(csrf.body).as_object()["csrfToken"]);
  browser.send("POST", "/auth/signin/custom", "csrfToken=" + token + "&email=s%40example.com",
               "application/x-www-form-urlencoded");
  ASSERT_EQ(sent_count(), 1u);
  EXPECT_EQ(last_sent().url.rfind("https://secure.example/auth/callback/custom?", 0), 0u);
  auto callback = browser.send("GET", last_sent().url.substr(22));
  EXPECT_EQ(callback.header("Location").value_or(""), "https://secure.example");
  EXPECT_EQ(browser.cookies.count("__Secure-authjs.session-token"), 1u);
  auto session = browser.send("GET", "/auth/session");
  EXPECT_NE(session.body, "null");
}

TEST_F(InProcess, DatabaseSessionSlidesAfterUpdateAgeAndExpires) {
  AuthConfig config = make_config();
  config.session_max_age = std::chrono::hours(48);
  config.session_update_age = std::chrono::hours(24);
  Auth auth(config, open_store());
  Browser browser(auth);
  browser.sign_in("custom", "slide@example.com");
  const TimePoint signed_in = now_;
  browser.send("GET", path_of(last_sent().url));
  ASSERT_EQ(browser.cookies.count("authjs.session-token"), 1u);

  // Before updateAge: the stored expiry is unchanged.
  advance(std::chrono::hours(1));
  auto early = json::parse(browser.send("GET", "/api/auth/session").body).as_object();
  auto expected_first = json::value_to<std::string>(early["expires"]);
  // After updateAge: the body still shows the stored (old) expiry, the store slides.
  advance(std::chrono::hours(24));
  auto slid = json::parse(browser.send("GET", "/api/auth/session").body).as_object();
  EXPECT_EQ(json::value_to<std::string>(slid["expires"]), expected_first);
  auto after = json::parse(browser.send("GET", "/api/auth/session").body).as_object();
  EXPECT_NE(json::value_to<std::string>(after["expires"]), expected_first);
  (void)signed_in;

  // Past the slid expiry: null, the cookie is cleared.
  advance(std::chrono::hours(24 * 3));
  auto expired = browser.send("GET", "/api/auth/session");
  EXPECT_EQ(expired.body, "null");
  EXPECT_EQ(browser.cookies.count("authjs.session-token"), 0u);
}

TEST_F(InProcess, JwtSessionExpiresAfterMaxAge) {
  AuthConfig config = make_config(SessionStrategy::jwt);
  config.session_max_age = std::chrono::hours(1);
  Auth auth(config, open_store());
  Browser browser(auth);
  browser.sign_in("custom", "jwt@example.com");
  browser.send("GET", path_of(last_sent().url));
  auto session = json::parse(browser.send("GET", "/api/auth/session").body);
  ASSERT_TRUE(session.is_object());
  EXPECT_EQ(session.as_object()["user"].as_object()["email"].as_string(), "jwt@example.com");
  // Each call re-issues the cookie; leaving it alone for longer than maxAge ends the session.
  std::map<std::string, std::string> saved = browser.cookies;
  advance(std::chrono::hours(2));
  browser.cookies = saved;
  EXPECT_EQ(browser.send("GET", "/api/auth/session").body, "null");
}

TEST_F(InProcess, ExpiredLinkIsRejected) {
  AuthConfig config = make_config();
  config.providers[0].max_age = std::chrono::seconds(600);
  Auth auth(config, open_store());
  Browser browser(auth);
  browser.sign_in("custom", "slow@example.com");
  advance(std::chrono::seconds(601));
  auto res = browser.send("GET", path_of(last_sent().url));
  EXPECT_EQ(res.header("Location").value_or(""),
            "http://app.test/api/auth/error?error=Verification&email=slow%40example.com");
}

TEST_F(InProcess, RotatedSecretsStillAcceptOldTokensSessionsAndCsrf) {
  auto store = open_store();
  AuthConfig old_config = make_config(SessionStrategy::jwt);
  old_config.secrets = {"old-secret"};
  auto old_auth = std::make_unique<Auth>(old_config, store);
  Browser old_browser(*old_auth);
  old_browser.sign_in("custom", "rotate@example.com");
  std::string pending_link = path_of(last_sent().url);
  Browser signed_in(*old_auth);
  signed_in.sign_in("custom", "rotate2@example.com");
  signed_in.send("GET", path_of(last_sent().url));

  AuthConfig new_config = make_config(SessionStrategy::jwt);
  new_config.secrets = {"new-secret", "old-secret"};
  Auth new_auth(new_config, store);
  // A link mailed under the old secret works.
  Browser b1(new_auth);
  EXPECT_EQ(b1.send("GET", pending_link).header("Location").value_or(""), "http://app.test");
  // A session made under the old secret is read.
  Browser b2(new_auth);
  b2.cookies = signed_in.cookies;
  EXPECT_NE(b2.send("GET", "/api/auth/session").body, "null");
  // A CSRF cookie made under the old secret still verifies.
  Browser b3(new_auth);
  b3.cookies = old_browser.cookies;
  std::string old_csrf = b3.cookies["authjs.csrf-token"];
  std::string token = old_csrf.substr(0, old_csrf.find("%7C"));
  auto res =
      b3.send("POST", "/api/auth/signin/custom", "csrfToken=" + token + "&email=r3%40example.com",
              "application/x-www-form-urlencoded");
  EXPECT_EQ(res.header("Location").value_or(""),
            "http://app.test/api/auth/verify-request?provider=custom&type=email");

  // Without the old secret, none of that works.
  AuthConfig only_new = make_config(SessionStrategy::jwt);
  only_new.secrets = {"new-secret"};
  Auth strict(only_new, store);
  Browser b4(strict);
  b4.cookies = signed_in.cookies;
  EXPECT_EQ(b4.send("GET", "/api/auth/session").body, "null");
}

TEST_F(InProcess, MisconfigurationFailsClosed) {
  AuthConfig no_secret = make_config();
  no_secret.secrets.clear();
  Auth a1(no_secret, open_store());
  Browser b1(a1);
  auto res = b1.send("GET", "/api/auth/session");
  EXPECT_EQ(res.status, 500);
  EXPECT_NE(res.body.find("There was a problem with the server configuration."), std::string::npos);
  EXPECT_EQ(b1.send("GET", "/api/auth/signin").status, 500);

  AuthConfig untrusted = make_config();
  untrusted.trust_host = false;
  Auth a2(untrusted, open_store());
  Browser b2(a2);
  EXPECT_EQ(b2.send("GET", "/api/auth/csrf").status, 500);
  auto page = b2.send("GET", "/api/auth/error");
  EXPECT_EQ(page.status, 500);
  EXPECT_NE(page.body.find("Server error"), std::string::npos);
}

TEST_F(InProcess, ProvidersAndCsrfShapes) {
  Auth auth(make_config(), open_store());
  Browser browser(auth);
  auto providers = browser.send("GET", "/api/auth/providers");
  EXPECT_EQ(providers.body,
            "{\"custom\":{\"id\":\"custom\",\"name\":\"Custom\",\"type\":\"email\","
            "\"signinUrl\":\"http://app.test/api/auth/signin/custom\","
            "\"callbackUrl\":\"http://app.test/api/auth/callback/custom\"}}");
  EXPECT_TRUE(set_cookie_names(providers).empty());
  auto csrf = browser.send("GET", "/api/auth/csrf");
  EXPECT_EQ(csrf.header("Cache-Control").value_or(""), "private, no-cache, no-store");
  // The second call reuses the cookie's token and sets no new CSRF cookie.
  auto again = browser.send("GET", "/api/auth/csrf");
  EXPECT_EQ(again.body, csrf.body);
  auto names = set_cookie_names(again);
  EXPECT_EQ(std::find(names.begin(), names.end(), "authjs.csrf-token"), names.end());
}

TEST_F(InProcess, AccountSwitchEndsThePreviousDatabaseSession) {
  auto store = open_store();
  Auth auth(make_config(), store);
  Browser browser(auth);
  browser.sign_in("custom", "first@example.com");
  browser.send("GET", path_of(last_sent().url));
  std::string first_session = browser.cookies["authjs.session-token"];
  browser.sign_in("custom", "second@example.com");
  browser.send("GET", path_of(last_sent().url));
  // Second user exists already only on a second sign-in; sign in as first again to switch.
  browser.sign_in("custom", "first@example.com");
  std::string second_session = browser.cookies["authjs.session-token"];
  browser.send("GET", path_of(last_sent().url));
  auto old = store->get_session_and_user(second_session);
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(old->has_value());
  (void)first_session;
}

}  // namespace
}  // namespace linkgate::testing
