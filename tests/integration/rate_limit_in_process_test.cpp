// Rate limits driven in-process with a real SQLite store and a controllable clock: windows that
// close, a store that fails while counting (fail closed), and trusted proxies that do not parse
// (every request answered Configuration).
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "integration/in_process_browser.hpp"
#include "linkgate/auth.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/forwarding_store.hpp"
#include "support/test_env.hpp"

namespace linkgate::testing {
namespace {

// The SQLite store, with count_hit failing while `fail_counting` is set.
class CountingFails : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  std::atomic<bool> fail_counting{false};

  Result<RateWindow> count_hit(const std::string& key, TimePoint now,
                               std::chrono::milliseconds window) override {
    if (fail_counting) return Error{"unavailable", "the database is down"};
    return ForwardingStore::count_hit(key, now, window);
  }
};

class RateLimitsInProcess : public ::testing::Test {
 protected:
  std::shared_ptr<CountingFails> open_store() {
    auto store = store::open_sqlite_store(make_temp_dir() + "/auth.db");
    EXPECT_TRUE(store.ok());
    return std::make_shared<CountingFails>(*store);
  }

  AuthConfig make_config() {
    AuthConfig config;
    config.trust_host = true;
    config.secrets = {"in-process-secret"};
    config.now = [this] {
      std::lock_guard lock(mutex_);
      return now_;
    };
    EmailProvider provider;
    provider.id = "custom";
    provider.name = "Custom";
    provider.send_verification_request = [this](const VerificationRequest&) -> Result<void> {
      std::lock_guard lock(mutex_);
      ++sent_;
      return {};
    };
    config.providers.push_back(std::move(provider));
    return config;
  }
  void advance(std::chrono::milliseconds by) {
    std::lock_guard lock(mutex_);
    now_ += by;
  }
  int sent() {
    std::lock_guard lock(mutex_);
    return sent_;
  }

  std::mutex mutex_;
  TimePoint now_ = std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
  int sent_ = 0;
};

const std::string kSuccess = "http://app.test/api/auth/verify-request?provider=custom&type=email";

TEST_F(RateLimitsInProcess, WindowsCloseWithTime) {
  AuthConfig config = make_config();  // the defaults: 5 per address per 15 min, 30 per IP per 5 min
  Auth auth(config, open_store());
  Browser browser(auth);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(*browser.sign_in("custom", "clock@example.com").header("Location"), kSuccess);
  }
  EXPECT_EQ(sent(), 5);
  advance(std::chrono::minutes(14));
  EXPECT_EQ(*browser.sign_in("custom", "clock@example.com").header("Location"), kSuccess);
  EXPECT_EQ(sent(), 5);
  advance(std::chrono::minutes(1));  // 15 minutes after the first email: a new window
  EXPECT_EQ(*browser.sign_in("custom", "clock@example.com").header("Location"), kSuccess);
  EXPECT_EQ(sent(), 6);

  // The IP window opened with the first request (15 minutes ago, so it reopened at the 14-minute
  // mark): 30 requests per 5 minutes, retryAfter counting down to its end.
  advance(std::chrono::minutes(5));
  for (int i = 0; i < 30; ++i) {
    auto res = browser.sign_in("custom", "ip" + std::to_string(i) + "@example.com");
    EXPECT_EQ(*res.header("Location"), kSuccess) << i;
  }
  advance(std::chrono::seconds(100));
  auto over = browser.sign_in("custom", "late@example.com");
  EXPECT_EQ(*over.header("Location"),
            "http://app.test/api/auth/signin?error=RateLimited&retryAfter=200");
  EXPECT_EQ(*over.header("Retry-After"), "200");
  advance(std::chrono::seconds(201));
  EXPECT_EQ(*browser.sign_in("custom", "late@example.com").header("Location"), kSuccess);
}

TEST_F(RateLimitsInProcess, StoreFailureWhileCountingFailsClosed) {
  AuthConfig config = make_config();
  auto store = open_store();
  Auth auth(config, store);
  Browser browser(auth);
  store->fail_counting = true;
  // A database that is down answers 503 with Retry-After (context.hpp, store_failed).
  auto res = browser.sign_in("custom", "down@example.com");
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(*res.header("Retry-After"), "5");
  EXPECT_EQ(sent(), 0);
  store->fail_counting = false;
  EXPECT_EQ(*browser.sign_in("custom", "down@example.com").header("Location"), kSuccess);
  EXPECT_EQ(sent(), 1);
}

TEST_F(RateLimitsInProcess, LimitsOffNeverTouchTheCounters) {
  AuthConfig config = make_config();
  config.rate_limits.per_identifier = 0;
  config.rate_limits.per_ip = 0;
  config.rate_limits.global_per_minute = 0;
  auto store = open_store();
  store->fail_counting = true;  // would fail any count
  Auth auth(config, store);
  Browser browser(auth);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(*browser.sign_in("custom", "free@example.com").header("Location"), kSuccess);
  }
  EXPECT_EQ(sent(), 8);
}

TEST_F(RateLimitsInProcess, InvalidTrustedProxiesFailClosed) {
  AuthConfig config = make_config();
  config.trusted_proxies = {"10.0.0.0/99"};
  std::vector<std::string> logged;
  config.log = [&](LogLevel, const std::string& message) { logged.push_back(message); };
  Auth auth(config, open_store());
  Browser browser(auth);
  for (const char* target : {"/api/auth/csrf", "/api/auth/session", "/api/auth/providers"}) {
    EXPECT_EQ(browser.send("GET", target).status, 500) << target;
  }
  auto res =
      browser.send("POST", "/api/auth/signin/custom", "csrfToken=x&email=proxy%40example.com",
                   "application/x-www-form-urlencoded");
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(sent(), 0);
  ASSERT_FALSE(logged.empty());
  EXPECT_NE(logged.back().find("10.0.0.0/99"), std::string::npos) << logged.back();
}

}  // namespace
}  // namespace linkgate::testing
