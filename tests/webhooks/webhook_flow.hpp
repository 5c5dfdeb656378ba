// What the webhook delivery tests share: a linkgate node with the sender on (short waits, so a
// test takes seconds), sign-ins through its dev outbox, and the store's view of the outbox.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "integration/harness.hpp"
#include "integration/postgres_harness.hpp"
#include "server/app.hpp"
#include "support/webhook_receiver.hpp"

namespace linkgate::testing {

// Two secrets, as during a rotation: linkgate signs with each, the receiver checks each.
inline const std::string kRotatingSecrets =
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=";

// "jwt" → {"jwt", false}; "database@postgres" → {"database", true}.
inline std::pair<std::string, bool> split_param(const std::string& param) {
  const auto at = param.find('@');
  return {param.substr(0, at), at != std::string::npos};
}

// A node's settings: the sender on `url` with both secrets, retries after 100 ms, a poll every
// 50 ms; on a fresh SQLite file or a fresh migrated PostgreSQL database.
inline std::map<std::string, std::string> webhook_env(const std::string& url,
                                                      const std::string& strategy, bool postgres) {
  std::map<std::string, std::string> env{
      {"AUTH_SESSION_STRATEGY", strategy},
      {"AUTH_SECRET", "integration-test-secret-0123456789abcdef"},
      {"LINKGATE_RATE_LIMITS", "off"},
      {"LINKGATE_OUTBOX", "true"},
      {"LINKGATE_WEBHOOK_URL", url},
      {"LINKGATE_WEBHOOK_SECRET", kRotatingSecrets},
      {"LINKGATE_WEBHOOK_RETRY_SCHEDULE",
       "100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms"},
      {"LINKGATE_WEBHOOK_POLL_MS", "50"},
      {"LINKGATE_WEBHOOK_TIMEOUT_MS", "1000"}};
  env["DATABASE_URL"] =
      postgres ? migrated_postgres_url() : "sqlite://" + make_temp_dir() + "/linkgate.db";
  return env;
}

// A running `linkgate serve` with `env`.
struct Node {
  explicit Node(std::map<std::string, std::string> env)
      : process(std::make_unique<LinkgateProcess>(std::move(env))) {}
  std::unique_ptr<LinkgateProcess> process;
};

struct SignIn {
  std::string token;   // the link's token
  std::string cookie;  // the session cookie the browser held
};

// Signs `email` in through the dev outbox (and out again, with `sign_out`).
inline SignIn sign_in_and_out(LinkgateProcess& server, const std::string& email,
                              bool sign_out = true) {
  TestClient browser(server.host(), server.port());
  EXPECT_EQ(request_link(browser, "outbox", email).status, 302);
  const std::string link =
      boost::json::value_to<std::string>(newest_outbox_message(browser)["url"]);
  EXPECT_EQ(browser.get(local_target(link, server.origin())).status, 302);
  SignIn done{query_param(link, "token").value_or(""), browser.cookies["authjs.session-token"]};
  EXPECT_FALSE(done.cookie.empty());
  if (sign_out) {
    const std::string csrf = browser.csrf_token();
    EXPECT_EQ(browser.post_form("/api/auth/signout", {{"csrfToken", csrf}}).status, 302);
  }
  return done;
}

// Every event of the outbox of `database_url`, oldest first.
inline std::vector<WebhookEvent> stored_events(const std::string& database_url) {
  auto store = server::open_store(database_url, 1, 1);
  EXPECT_TRUE(store.ok()) << store.error().message;
  if (!store) return {};
  auto events = (*store)->list_webhook_events(false, 100000);
  EXPECT_TRUE(events.ok()) << events.error().message;
  return events ? *events : std::vector<WebhookEvent>{};
}

// Waits (up to `limit`) until the outbox holds `count` events and none is pending; returns them.
inline std::vector<WebhookEvent> wait_until_settled(
    const std::string& database_url, std::size_t count,
    std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (true) {
    auto events = stored_events(database_url);
    bool settled = events.size() == count;
    for (const auto& event : events) settled = settled && event.status != "pending";
    if (settled || std::chrono::steady_clock::now() > end) return events;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace linkgate::testing
