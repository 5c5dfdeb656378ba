// /verify against an in-process linkgate::Auth with a clock the test moves: a JWT past maxAge
// names nobody, and a database session checked past updateAge slides and sends its cookie.
#include <gtest/gtest.h>

#include "integration/in_process_browser.hpp"
#include "linkgate/auth.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/test_env.hpp"

namespace linkgate::testing {
namespace {

class VerifyInProcess : public ::testing::Test {
 protected:
  AuthConfig make_config(SessionStrategy strategy) {
    AuthConfig config;
    config.trust_host = true;
    config.secrets = {"verify-in-process-secret"};
    config.session_strategy = strategy;
    config.session_max_age = std::chrono::hours(2);
    config.session_update_age = std::chrono::hours(1);
    config.now = [this] { return now_; };
    EmailProvider provider;
    provider.id = "custom";
    provider.name = "Custom";
    provider.send_verification_request = [this](const VerificationRequest& r) -> Result<void> {
      last_url_ = r.url;
      return {};
    };
    config.providers.push_back(std::move(provider));
    return config;
  }
  std::shared_ptr<Store> open_store() {
    auto store = store::open_sqlite_store(make_temp_dir() + "/auth.db");
    EXPECT_TRUE(store.ok());
    return *store;
  }
  void sign_in(Browser& browser, const std::string& email) {
    browser.sign_in("custom", email);
    browser.send("GET", last_url_.substr(last_url_.find("/api/auth")));
    ASSERT_EQ(browser.cookies.count("authjs.session-token"), 1u);
  }
  static std::string set_cookie(const Response& res) {
    for (const auto& h : res.headers) {
      if (h.name == "Set-Cookie") return h.value;
    }
    return "";
  }

  TimePoint now_ = std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
  std::string last_url_;
};

TEST_F(VerifyInProcess, AJwtPastMaxAgeNamesNobody) {
  Auth auth(make_config(SessionStrategy::jwt), open_store());
  Browser browser(auth);
  sign_in(browser, "jwt@example.com");
  const auto saved = browser.cookies;
  now_ += std::chrono::minutes(119);
  EXPECT_EQ(browser.send("GET", "/api/auth/verify").status, 200);  // and re-issued
  now_ += std::chrono::minutes(119);
  EXPECT_EQ(browser.send("GET", "/api/auth/verify").status, 200);  // still sliding
  browser.cookies = saved;                                         // the first cookie: too old
  auto res = browser.send("GET", "/api/auth/verify");
  EXPECT_EQ(res.status, 401);
  EXPECT_FALSE(res.header("X-Auth-Email"));
  EXPECT_EQ(browser.cookies.count("authjs.session-token"), 0u);  // cleared
}

TEST_F(VerifyInProcess, ADatabaseSessionSlidesPastUpdateAgeAndExpiresWhenIdle) {
  Auth auth(make_config(SessionStrategy::database), open_store());
  Browser browser(auth);
  sign_in(browser, "db@example.com");
  now_ += std::chrono::minutes(30);
  auto early = browser.send("GET", "/api/auth/verify");
  EXPECT_EQ(early.status, 200);
  EXPECT_EQ(set_cookie(early), "");  // updateAge not reached: nothing to send
  now_ += std::chrono::minutes(90);
  auto slid = browser.send("GET", "/api/auth/verify");
  EXPECT_EQ(slid.status, 200);
  EXPECT_NE(set_cookie(slid).find("Expires="), std::string::npos);
  // Active: the session outlives its first maxAge. Idle past maxAge: gone.
  now_ += std::chrono::minutes(100);
  EXPECT_EQ(browser.send("GET", "/api/auth/verify").status, 200);
  now_ += std::chrono::hours(3);
  EXPECT_EQ(browser.send("GET", "/api/auth/verify?redirect=1").status, 302);
}

}  // namespace
}  // namespace linkgate::testing
