// Audit events (linkgate/audit_event.hpp) driven in-process with a real SQLite store: each step
// of an email sign-in reports its event, with the request's id, client IP, provider, address and
// user, and none carries a token or a code.
#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <stdexcept>

#include "integration/in_process_browser.hpp"
#include "linkgate/auth.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/test_env.hpp"

namespace linkgate::testing {
namespace {

class RecordingSink : public AuditSink {
 public:
  void record(const AuditEvent& event) noexcept override {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
  }
  std::vector<AuditEvent> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(events_, {});
  }

 private:
  std::mutex mutex_;
  std::vector<AuditEvent> events_;
};

class AuditEvents : public ::testing::Test {
 protected:
  AuditEvents() {
    config_.trust_host = true;
    config_.secrets = {"audit-events-secret"};
    config_.now = [this] {
      std::lock_guard lock(mutex_);
      return now_;
    };
    config_.audit = sink_;
    config_.redemption.one_time_code = true;
    config_.policy.blocked_domains = {"blocked.example"};
    EmailProvider provider;
    provider.id = "custom";
    provider.name = "Custom";
    provider.send_verification_request = [this](const VerificationRequest& r) -> Result<void> {
      if (r.identifier.starts_with("bounce@")) return Error{"mail", "the provider is down"};
      std::lock_guard lock(mutex_);
      last_ = r;
      return {};
    };
    config_.providers.push_back(std::move(provider));
  }

  std::unique_ptr<Auth> make_auth() {
    auto store = store::open_sqlite_store(make_temp_dir() + "/auth.db");
    EXPECT_TRUE(store.ok());
    return std::make_unique<Auth>(config_, *store);
  }

  // The path and query of the last link sent.
  std::string last_link() {
    std::lock_guard lock(mutex_);
    return last_.url.substr(std::string("http://app.test").size());
  }

  void advance(std::chrono::milliseconds by) {
    std::lock_guard lock(mutex_);
    now_ += by;
  }

  // The events since the last call, as "kind/outcome/reason".
  std::vector<std::string> kinds(std::vector<AuditEvent> events) {
    std::vector<std::string> out;
    for (const auto& e : events) {
      out.push_back(std::string(audit_kind_name(e.kind)) + "/" +
                    std::string(audit_outcome_name(e.outcome)) + "/" +
                    std::string(audit_reason_name(e.reason)));
    }
    return out;
  }

  std::shared_ptr<RecordingSink> sink_ = std::make_shared<RecordingSink>();
  AuthConfig config_;
  std::mutex mutex_;
  TimePoint now_ = std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
  VerificationRequest last_;
};

using Kinds = std::vector<std::string>;

TEST_F(AuditEvents, MagicLinkFromRequestToSignOut) {
  auto auth = make_auth();
  Browser browser(*auth);
  browser.sign_in("custom", "Jane@Example.com");
  auto events = sink_->take();
  ASSERT_EQ(kinds(events), (Kinds{"link_requested/success/", "email_sent/success/"}));
  for (const auto& e : events) {
    EXPECT_EQ(e.email, "jane@example.com");
    EXPECT_EQ(e.provider, "custom");
    EXPECT_EQ(e.client_ip, "127.0.0.1");
    EXPECT_EQ(e.time, now_);
  }

  const std::string link = last_link();
  browser.send("GET", link);
  events = sink_->take();
  ASSERT_EQ(kinds(events), (Kinds{"sign_in_completed/success/"}));
  EXPECT_EQ(events[0].email, "jane@example.com");
  EXPECT_TRUE(events[0].new_user);
  const std::string user_id = events[0].user_id;
  EXPECT_FALSE(user_id.empty());

  // The same link again: spent, and told apart from a forged one by its tombstone.
  browser.send("GET", link);
  EXPECT_EQ(kinds(sink_->take()), (Kinds{"sign_in_failed/failure/reused"}));

  const std::string csrf = browser.csrf();
  browser.send("POST", "/api/auth/signout", "csrfToken=" + csrf,
               "application/x-www-form-urlencoded");
  events = sink_->take();
  ASSERT_EQ(kinds(events), (Kinds{"sign_out/success/"}));
  EXPECT_EQ(events[0].user_id, user_id);
}

TEST_F(AuditEvents, FailuresSayWhy) {
  auto auth = make_auth();
  Browser browser(*auth);
  // A forged token.
  browser.send("GET", "/api/auth/callback/custom?token=forged&email=jane%40example.com");
  auto events = sink_->take();
  ASSERT_EQ(kinds(events), (Kinds{"sign_in_failed/failure/unknown_token"}));
  EXPECT_EQ(events[0].email, "jane@example.com");

  // A used link, then a forged token under the same address: reused, then unknown.
  browser.sign_in("custom", "jane@example.com");
  sink_->take();
  const std::string used = last_link();
  browser.send("GET", used);
  ASSERT_EQ(kinds(sink_->take()), (Kinds{"sign_in_completed/success/"}));
  browser.send("GET", used);
  events = sink_->take();
  ASSERT_EQ(kinds(events), (Kinds{"sign_in_failed/failure/reused"}));
  EXPECT_EQ(events[0].email, "jane@example.com");
  browser.send("GET", "/api/auth/callback/custom?token=forged2&email=jane%40example.com");
  EXPECT_EQ(kinds(sink_->take()), (Kinds{"sign_in_failed/failure/unknown_token"}));

  // An expired link.
  browser.sign_in("custom", "late@example.com");
  sink_->take();
  advance(std::chrono::hours(25));
  browser.send("GET", last_link());
  EXPECT_EQ(kinds(sink_->take()), (Kinds{"sign_in_failed/failure/expired"}));

  // No CSRF pair.
  browser.send("POST", "/api/auth/signin/custom", "email=x%40example.com",
               "application/x-www-form-urlencoded");
  EXPECT_EQ(kinds(sink_->take()), (Kinds{"csrf_failed/failure/"}));
  browser.send("POST", "/api/auth/signout", "", "application/x-www-form-urlencoded");
  EXPECT_EQ(kinds(sink_->take()), (Kinds{"csrf_failed/failure/"}));

  // The domain policy, an address the normalizer refuses, a provider that fails.
  browser.sign_in("custom", "eve@blocked.example");
  events = sink_->take();
  ASSERT_EQ(kinds(events), (Kinds{"denied/denied/domain_policy"}));
  EXPECT_EQ(events[0].email, "eve@blocked.example");
  browser.sign_in("custom", "not an address");
  EXPECT_EQ(kinds(sink_->take()), (Kinds{"denied/denied/invalid_email"}));
  browser.sign_in("custom", "bounce@example.com");
  EXPECT_EQ(kinds(sink_->take()),
            (Kinds{"link_requested/success/", "email_failed/failure/email_provider"}));
}

TEST_F(AuditEvents, OneTimeCodes) {
  auto auth = make_auth();
  Browser browser(*auth);
  browser.sign_in("custom", "code@example.com");
  sink_->take();
  const std::string code = last_.code;
  const std::string wrong = code == "000000" ? "111111" : "000000";
  const auto try_code = [&](const std::string& typed) {
    const std::string csrf = browser.csrf();
    return browser.send("POST", "/api/auth/callback/custom",
                        "csrfToken=" + csrf + "&email=code%40example.com&code=" + typed,
                        "application/x-www-form-urlencoded");
  };
  try_code(wrong);
  auto events = sink_->take();
  ASSERT_EQ(kinds(events), (Kinds{"sign_in_failed/failure/bad_code"}));
  EXPECT_EQ(events[0].email, "code@example.com");
  try_code(code);
  events = sink_->take();
  ASSERT_EQ(kinds(events), (Kinds{"sign_in_completed/success/"}));
  EXPECT_EQ(events[0].email, "code@example.com");
  for (const auto& e : events) {
    EXPECT_EQ(e.user_id.find(code), std::string::npos);
    EXPECT_EQ(e.email.find(code), std::string::npos);
  }
}

TEST_F(AuditEvents, RateLimitsNameTheLimit) {
  config_.rate_limits.per_identifier = 1;
  config_.rate_limits.per_ip = 3;
  auto auth = make_auth();
  Browser browser(*auth);
  browser.sign_in("custom", "busy@example.com");
  sink_->take();
  browser.sign_in("custom", "busy@example.com");
  auto events = sink_->take();
  ASSERT_EQ(kinds(events), (Kinds{"rate_limited/denied/limit_identifier"}));
  EXPECT_EQ(events[0].email, "busy@example.com");
  browser.sign_in("custom", "other@example.com");
  sink_->take();
  browser.sign_in("custom", "fourth@example.com");
  events = sink_->take();
  ASSERT_EQ(kinds(events), (Kinds{"rate_limited/denied/limit_ip"}));
  EXPECT_EQ(events[0].client_ip, "127.0.0.1");
}

TEST_F(AuditEvents, SignInCallbackDenialAndTheRequestId) {
  config_.callbacks.sign_in = [](const SignInParams& p) {
    return p.user.email == "no@example.com" ? SignInDecision::deny() : SignInDecision::allow();
  };
  auto auth = make_auth();
  Browser browser(*auth);
  const std::string csrf = browser.csrf();
  browser.remote_address = "192.0.2.7";
  browser.request_id = "req-123";
  browser.send("POST", "/api/auth/signin/custom", "csrfToken=" + csrf + "&email=no%40example.com",
               "application/x-www-form-urlencoded");
  auto events = sink_->take();
  ASSERT_EQ(kinds(events), (Kinds{"denied/denied/sign_in_callback"}));
  EXPECT_EQ(events[0].request_id, "req-123");
  EXPECT_EQ(events[0].client_ip, "192.0.2.7");
  EXPECT_EQ(events[0].email, "no@example.com");
}

// Every line a request causes carries its id (AuthConfig::request_log), those of the embedder's
// callbacks and event handlers that throw included; nothing goes to the id-less AuthConfig::log.
TEST_F(AuditEvents, EveryLineOfARequestCarriesItsId) {
  std::mutex lines_mutex;
  std::vector<std::pair<std::string, std::string>> lines;  // request id, message
  std::vector<std::string> lines_without_id;
  config_.request_log = [&](LogLevel, const std::string& id, const std::string& message) {
    std::lock_guard lock(lines_mutex);
    lines.emplace_back(id, message);
  };
  config_.log = [&](LogLevel, const std::string& message) {
    std::lock_guard lock(lines_mutex);
    lines_without_id.push_back(message);
  };
  config_.callbacks.redirect = [](const std::string& url, const std::string& base) {
    if (url.find("boom") != std::string::npos) throw std::runtime_error("redirect boom");
    return url.starts_with(base) ? url : base;
  };
  config_.events.sign_in = [](const SignInEvent&) { throw std::runtime_error("sign-in boom"); };
  auto auth = make_auth();
  Browser browser(*auth);
  const auto send = [&](std::string id, std::string method, std::string target,
                        std::string body = "") {
    browser.request_id = std::move(id);
    return browser.send(std::move(method), std::move(target), std::move(body),
                        "application/x-www-form-urlencoded");
  };
  const std::string csrf = browser.csrf();
  // A provider that fails, the redirect callback that throws, the signIn event that throws, a
  // forged link.
  send("req-bounce", "POST", "/api/auth/signin/custom",
       "csrfToken=" + csrf + "&email=bounce%40example.com");
  send("req-redirect", "GET", "/api/auth/signin?callbackUrl=http%3A%2F%2Fapp.test%2Fboom");
  send("req-ask", "POST", "/api/auth/signin/custom",
       "csrfToken=" + csrf + "&email=jane%40example.com");
  send("req-link", "GET", last_link());
  send("req-forged", "GET", "/api/auth/callback/custom?token=forged&email=jane%40example.com");

  std::lock_guard lock(lines_mutex);
  EXPECT_TRUE(lines_without_id.empty()) << lines_without_id.front();
  std::set<std::string> ids;
  for (const auto& [id, message] : lines) {
    EXPECT_FALSE(id.empty()) << message;
    ids.insert(id);
  }
  const auto logged = [&](const std::string& id, const std::string& part) {
    for (const auto& [line_id, message] : lines) {
      if (line_id == id && message.find(part) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(logged("req-bounce", "provider is down"));
  EXPECT_TRUE(logged("req-redirect", "callbacks.redirect threw: redirect boom"));
  EXPECT_TRUE(logged("req-link", "events.signIn threw: sign-in boom"));
}

TEST_F(AuditEvents, NoSinkNoEvents) {
  config_.audit = nullptr;
  auto auth = make_auth();
  Browser browser(*auth);
  browser.sign_in("custom", "quiet@example.com");
  browser.send("GET", last_link());
  EXPECT_TRUE(sink_->take().empty());
}

}  // namespace
}  // namespace linkgate::testing
