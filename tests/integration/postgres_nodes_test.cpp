// linkgate on PostgreSQL over real HTTP: `linkgate migrate` and `serve`'s refusal of a database
// that needs it; two nodes on one database behind one public URL (sign-in asked on node 1, the
// link consumed on node 2, the session read on node 1, for both session strategies); and a
// database outage answered with 503 and Retry-After, then service resuming by itself.
#include "integration/harness.hpp"
#include "integration/postgres_harness.hpp"

#include <chrono>
#include <thread>

namespace linkgate::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kPublicUrl = "http://auth.linkgate.test/api/auth";
constexpr const char* kPublicOrigin = "http://auth.linkgate.test";

std::map<std::string, std::string> node_env(const std::string& database_url,
                                            const std::string& strategy) {
  return {{"DATABASE_URL", database_url},
          {"AUTH_SECRET", "shared-secret-of-every-node-0123456789"},
          {"AUTH_URL", kPublicUrl},
          {"AUTH_SESSION_STRATEGY", strategy},
          {"DATABASE_POOL_SIZE", "4"}};
}

TEST(PostgresMigrate, ServeRefusesAnUnmigratedDatabaseAndMigrateIsIdempotent) {
  const std::string url = fresh_postgres_url();
  ASSERT_FALSE(url.empty());
  {
    LinkgateProcess refused(node_env(url, "database"));
    EXPECT_TRUE(refused.failed());
    EXPECT_NE(refused.logs().find("run `linkgate migrate`"), std::string::npos) << refused.logs();
    EXPECT_EQ(refused.logs().find("linkgate-test-password"), std::string::npos) << refused.logs();
  }
  auto first = run_linkgate("migrate", url);
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("applied 0001_authjs_schema"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("applied 0002_linkgate"), std::string::npos) << first.output;
  auto second = run_linkgate("migrate", url);
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("up to date"), std::string::npos) << second.output;

  LinkgateProcess served(node_env(url, "database"));
  EXPECT_FALSE(served.failed()) << served.logs();
}

TEST(PostgresMigrate, UnreachableDatabaseFailsWithoutThePassword) {
  auto result = run_linkgate("migrate", "postgres://u:hunter2-secret@127.0.0.1:1/db");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("cannot connect to postgres://u@127.0.0.1:1/db"), std::string::npos)
      << result.output;
  EXPECT_EQ(result.output.find("hunter2-secret"), std::string::npos) << result.output;
}

class TwoNodes : public ::testing::TestWithParam<std::string> {};

// Several nodes behind a load balancer: one database, one AUTH_SECRET, one public URL.
TEST_P(TwoNodes, LinkAskedOnOneNodeWorksOnTheOther) {
  const std::string url = migrated_postgres_url();
  ASSERT_FALSE(url.empty());
  LinkgateProcess node1(node_env(url, GetParam()));
  LinkgateProcess node2(node_env(url, GetParam()));
  ASSERT_FALSE(node1.failed()) << node1.logs();
  ASSERT_FALSE(node2.failed()) << node2.logs();
  TestClient on_node1(node1.host(), node1.port());
  TestClient on_node2(node2.host(), node2.port());

  auto sent = request_link(on_node1, "outbox", "Multi.Node@Example.com");
  ASSERT_EQ(sent.status, 302) << sent.body;
  EXPECT_EQ(sent.header("location"),
            std::string(kPublicUrl) + "/verify-request?provider=outbox&type=email");

  // The dev outbox keeps its messages in the database: node 2 shows what node 1 sent.
  auto message = newest_outbox_message(on_node2);
  EXPECT_EQ(json::value_to<std::string>(message["to"]), "multi.node@example.com");
  const std::string link = json::value_to<std::string>(message["url"]);

  // The browser's next request lands on node 2, with the cookies node 1 set.
  on_node2.cookies = on_node1.cookies;
  auto callback = on_node2.get(local_target(link, kPublicOrigin));
  ASSERT_EQ(callback.status, 302) << callback.body << node2.logs();
  EXPECT_EQ(callback.header("location"), kPublicOrigin);
  ASSERT_EQ(on_node2.cookies.count("authjs.session-token"), 1u);

  // And the one after that on node 1 again.
  on_node1.cookies = on_node2.cookies;
  auto session = session_json(on_node1);
  ASSERT_TRUE(session.is_object()) << json::serialize(session) << node1.logs();
  EXPECT_EQ(json::value_to<std::string>(session.as_object()["user"].as_object()["email"]),
            "multi.node@example.com");

  // The link was used once, for every node.
  TestClient other(node1.host(), node1.port());
  auto reuse = other.get(local_target(link, kPublicOrigin));
  EXPECT_EQ(
      reuse.header("location").rfind(std::string(kPublicUrl) + "/error?error=Verification", 0), 0u)
      << reuse.header("location");

  // Signing out on node 2 ends the session everywhere (database) or clears the cookie (jwt).
  on_node2.cookies = on_node1.cookies;
  const std::string csrf = on_node2.csrf_token();
  ASSERT_EQ(on_node2.post_form("/api/auth/signout", {{"csrfToken", csrf}}).status, 302);
  if (GetParam() == "database") {
    EXPECT_EQ(other.get("/api/auth/session").body, "null");
    TestClient stolen(node1.host(), node1.port());
    stolen.cookies["authjs.session-token"] = on_node1.cookies.at("authjs.session-token");
    EXPECT_EQ(stolen.get("/api/auth/session").body, "null");
  }
}

INSTANTIATE_TEST_SUITE_P(BothStrategies, TwoNodes, ::testing::Values("database", "jwt"));

// The database goes away under a running node and comes back: the session and sign-in answer 503
// with Retry-After, and service resumes without a restart.
TEST(PostgresOutage, AnswersUnavailableThenResumesByItself) {
  PrivateCluster cluster;
  ASSERT_FALSE(cluster.failed());
  const std::string url = migrated_postgres_url(cluster.url());
  LinkgateProcess node(node_env(url, "database"));
  ASSERT_FALSE(node.failed()) << node.logs();
  TestClient browser(node.host(), node.port());
  ASSERT_EQ(request_link(browser, "outbox", "outage@example.com").status, 302);
  const std::string link = json::value_to<std::string>(newest_outbox_message(browser)["url"]);
  ASSERT_EQ(browser.get(local_target(link, kPublicOrigin)).status, 302);
  ASSERT_TRUE(session_json(browser).is_object());

  ASSERT_TRUE(cluster.stop());
  const auto asked = std::chrono::steady_clock::now();
  auto down = browser.get("/api/auth/session");
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 5s);
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(down.header("content-type"), "application/json");
  EXPECT_NE(down.body.find("unavailable"), std::string::npos) << down.body;
  // The cookie is kept: the session is not lost, only unreadable for now.
  EXPECT_TRUE(down.headers_named("set-cookie").empty());
  auto signin = request_link(browser, "outbox", "outage@example.com");
  EXPECT_EQ(signin.status, 503) << signin.body;
  EXPECT_EQ(signin.header("retry-after"), "5");
  EXPECT_TRUE(node.running());
  EXPECT_EQ(node.logs().find("linkgate-test-password"), std::string::npos);

  ASSERT_TRUE(cluster.start());
  json::value session;
  for (int attempt = 0; attempt < 50 && !session.is_object(); ++attempt) {
    auto res = browser.get("/api/auth/session");
    if (res.status == 200) session = json::parse(res.body);
    if (!session.is_object()) std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(session.is_object()) << node.logs();
  EXPECT_EQ(json::value_to<std::string>(session.as_object()["user"].as_object()["email"]),
            "outage@example.com");
  EXPECT_EQ(request_link(browser, "outbox", "again@example.com").header("location"),
            std::string(kPublicUrl) + "/verify-request?provider=outbox&type=email");
}

}  // namespace
}  // namespace linkgate::testing
