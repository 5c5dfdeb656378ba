// Health and lifecycle of the linkgate process: /healthz and /readyz (SQLite schema behind,
// PostgreSQL stopped and started), graceful SIGTERM with a sign-in in flight through a slow email
// provider, the shutdown timeout, and SIGHUP.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <chrono>
#include <future>
#include <map>
#include <string>
#include <thread>

#include "integration/harness.hpp"
#include "integration/postgres_harness.hpp"
#include "support/fake_providers.hpp"

namespace linkgate::testing {
namespace {

using namespace std::chrono_literals;

std::int64_t sqlite_user_version(const std::string& db_path) {
  sqlite3* db = nullptr;
  std::int64_t version = -1;
  if (sqlite3_open(db_path.c_str(), &db) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      version = sqlite3_column_int64(statement, 0);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return version;
}

// Polls GET `target` until it answers `status` (at most `tries` times, 100 ms apart).
bool eventually_answers(TestClient& client, const std::string& target, int status, int tries = 50) {
  for (int i = 0; i < tries; ++i) {
    if (client.get(target).status == status) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

TEST(Readiness, ReadyWhileTheSchemaIsCurrentAndNotWhenItIsBehind) {
  RunningServer server;
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  auto client = server.client();
  auto health = client.get("/healthz");
  EXPECT_EQ(health.status, 200);
  auto ready = client.get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.body, "ready\n");
  EXPECT_EQ(client.request("POST", "/readyz", "", {}).status, 405);

  const std::int64_t latest = sqlite_user_version(server.db_path());
  ASSERT_GT(latest, 0);
  exec_sql(server.db_path(), "PRAGMA user_version = " + std::to_string(latest - 1));
  auto behind = client.get("/readyz");
  EXPECT_EQ(behind.status, 503);
  EXPECT_NE(behind.body.find("linkgate migrate"), std::string::npos) << behind.body;
  EXPECT_EQ(client.get("/healthz").status, 200);  // alive all the same

  exec_sql(server.db_path(), "PRAGMA user_version = " + std::to_string(latest));
  EXPECT_EQ(client.get("/readyz").status, 200);
}

TEST(Readiness, NotReadyWhilePostgresIsDownAndReadyOnceItIsBack) {
  PrivateCluster cluster;
  ASSERT_FALSE(cluster.failed());
  const std::string url = migrated_postgres_url(cluster.url());
  LinkgateProcess node({{"DATABASE_URL", url},
                        {"AUTH_SECRET", "lifecycle-test-secret-0123456789abcdef"},
                        {"DATABASE_POOL_SIZE", "4"}});
  ASSERT_FALSE(node.failed()) << node.logs();
  TestClient client(node.host(), node.port());
  EXPECT_EQ(client.get("/readyz").status, 200);

  ASSERT_TRUE(cluster.stop());
  const auto asked = std::chrono::steady_clock::now();
  auto down = client.get("/readyz");
  // Answered within the 1 s readiness budget (plus scheduling slack on a loaded machine).
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 2500ms);
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(down.body.find("linkgate-test-password"), std::string::npos);
  EXPECT_EQ(client.get("/healthz").status, 200);

  ASSERT_TRUE(cluster.start());
  EXPECT_TRUE(eventually_answers(client, "/readyz", 200)) << node.logs();
  EXPECT_TRUE(node.running());
}

// A sign-in whose email takes 1.5 s is in flight when SIGTERM arrives: it still gets its 302 and
// its email is delivered; new connections are refused meanwhile; the process exits 0.
TEST(Shutdown, FinishesTheSignInInFlightThenExitsZero) {
  FakePostmark postmark("pm-test-key");
  postmark.server().set_answer_delay(1500ms);
  RunningServer server(
      {{"AUTH_POSTMARK_KEY", "pm-test-key"}, {"AUTH_POSTMARK_API_URL", postmark.base_url()}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  auto browser = server.client();
  const std::string csrf = browser.csrf_token();
  auto signin = std::async(std::launch::async, [&] {
    return browser.post_form("/api/auth/signin/postmark",
                             {{"csrfToken", csrf}, {"email", "inflight@example.com"}});
  });
  ASSERT_TRUE(postmark.server().wait_for_requests(1)) << server.process().logs();
  const auto terminated = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(server.process().pid(), SIGTERM), 0);
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(server.process().running());            // still finishing the sign-in
  EXPECT_ANY_THROW(server.client().get("/healthz"));  // no longer accepting

  auto answered = signin.get();
  EXPECT_EQ(answered.status, 302) << answered.body;
  EXPECT_EQ(answered.header("location").find("error"), std::string::npos)
      << answered.header("location");
  ASSERT_EQ(postmark.messages().size(), 1u);
  EXPECT_EQ(postmark.messages()[0].to, "inflight@example.com");
  EXPECT_FALSE(postmark.messages()[0].link.empty());
  // Exits once the answer is written, well before the 25 s timeout.
  for (int i = 0; i < 100 && server.process().running(); ++i) std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(server.process().running()) << server.process().logs();
  EXPECT_LT(std::chrono::steady_clock::now() - terminated, 10s);
  EXPECT_NE(server.process().logs().find("SIGTERM: shutting down"), std::string::npos)
      << server.process().logs();
  EXPECT_EQ(server.process().stop(), 0) << server.process().logs();
}

// With LINKGATE_SHUTDOWN_TIMEOUT=1 a request that would take 5 s more does not hold the process.
TEST(Shutdown, StopsAfterTheShutdownTimeout) {
  FakePostmark postmark("pm-test-key");
  postmark.server().set_answer_delay(5000ms);
  RunningServer server({{"AUTH_POSTMARK_KEY", "pm-test-key"},
                        {"AUTH_POSTMARK_API_URL", postmark.base_url()},
                        {"LINKGATE_SHUTDOWN_TIMEOUT", "1"}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  auto browser = server.client();
  const std::string csrf = browser.csrf_token();
  auto signin = std::async(std::launch::async, [&] {
    return browser.post_form("/api/auth/signin/postmark",
                             {{"csrfToken", csrf}, {"email", "slow@example.com"}});
  });
  ASSERT_TRUE(postmark.server().wait_for_requests(1));
  const auto terminated = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(server.process().pid(), SIGTERM), 0);
  for (int i = 0; i < 100 && server.process().running(); ++i) std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(server.process().running());
  EXPECT_LT(std::chrono::steady_clock::now() - terminated, 4500ms);
  EXPECT_NE(server.process().logs().find("still in flight after 1 s"), std::string::npos)
      << server.process().logs();
  signin.wait();
}

TEST(Hangup, NeverKillsTheServer) {
  RunningServer server;
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(kill(server.process().pid(), SIGHUP), 0);
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(server.process().running());
  auto client = server.client();
  EXPECT_EQ(client.get("/healthz").status, 200);
  EXPECT_NE(server.process().logs().find("SIGHUP"), std::string::npos) << server.process().logs();
  EXPECT_EQ(server.process().stop(), 0);
}

}  // namespace
}  // namespace linkgate::testing
