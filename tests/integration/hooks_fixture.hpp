// The fixture of the callback and event tests: an in-process Auth on a real SQLite store, a
// clock the test moves, a provider whose sendVerificationRequest records the links, and a log
// the test can read (SPEC P6; authjs-behaviour.md §1, §4, §5).
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "integration/in_process_browser.hpp"
#include "linkgate/auth.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/test_env.hpp"

namespace linkgate::testing {

class HooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::open_sqlite_store(make_temp_dir() + "/hooks.db");
    ASSERT_TRUE(opened.ok());
    store_ = *opened;
  }

  AuthConfig make_config(SessionStrategy strategy = SessionStrategy::database) {
    AuthConfig config;
    config.trust_host = true;
    config.secrets = {"hooks-test-secret"};
    config.session_strategy = strategy;
    config.now = [this] {
      std::lock_guard lock(mutex_);
      return now_;
    };
    config.log = [this](LogLevel, const std::string& message) {
      std::lock_guard lock(mutex_);
      logs_.push_back(message);
    };
    EmailProvider provider;
    provider.id = "custom";
    provider.name = "Custom";
    provider.send_verification_request = [this](const VerificationRequest& r) -> Result<void> {
      std::lock_guard lock(mutex_);
      links_.push_back(r.url);
      codes_.push_back(r.code);
      return {};
    };
    config.providers.push_back(std::move(provider));
    return config;
  }

  std::size_t links_sent() {
    std::lock_guard lock(mutex_);
    return links_.size();
  }
  // The path and query of the newest link.
  std::string last_link() {
    std::lock_guard lock(mutex_);
    if (links_.empty()) return "";
    return links_.back().substr(links_.back().find("/api/auth"));
  }
  bool logged(const std::string& fragment) {
    std::lock_guard lock(mutex_);
    for (const auto& line : logs_) {
      if (line.find(fragment) != std::string::npos) return true;
    }
    return false;
  }
  void advance(std::chrono::milliseconds by) {
    std::lock_guard lock(mutex_);
    now_ += by;
  }

  // Asks for a link and follows it; returns the callback's answer.
  Response sign_in_fully(Browser& browser, const std::string& email) {
    auto requested = browser.sign_in("custom", email);
    EXPECT_EQ(requested.status, 302);
    return browser.send("GET", last_link());
  }

  static std::string location(const Response& r) {
    return std::string(r.header("Location").value_or(""));
  }
  static boost::json::value session_of(Browser& browser) {
    return boost::json::parse(browser.send("GET", "/api/auth/session").body);
  }
  // POST /session with a JSON body {csrfToken, data} (the client's update()).
  static Response update_session(Browser& browser, const boost::json::value& data) {
    std::string csrf = browser.csrf();
    return browser.send(
        "POST", "/api/auth/session",
        boost::json::serialize(boost::json::object{{"csrfToken", csrf}, {"data", data}}),
        "application/json");
  }

  std::shared_ptr<Store> store_;
  std::mutex mutex_;
  TimePoint now_ = std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
  std::vector<std::string> links_;
  std::vector<std::string> codes_;  // VerificationRequest::code of each link
  std::vector<std::string> logs_;
};

}  // namespace linkgate::testing
