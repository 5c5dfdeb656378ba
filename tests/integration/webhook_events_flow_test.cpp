// Webhook events over real HTTP against the built binary (docs/webhooks.md): a sign-in and a
// sign-out write user.created, session.created and session.deleted to the store's outbox, on both
// stores and both session strategies; nothing is written without LINKGATE_WEBHOOK_URL; no payload
// carries the link's token or the session cookie.
#include "integration/harness.hpp"
#include "integration/postgres_harness.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

const std::string kWebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

class WebhookEventsFlow : public ::testing::TestWithParam<std::string> {};

// "database" or "jwt" on SQLite; "database@postgres" or "jwt@postgres" on PostgreSQL. The URL
// names a port nothing listens on: these tests read the outbox, not deliveries.
std::map<std::string, std::string> events_env(const std::string& param, bool webhook_on) {
  const auto at = param.find('@');
  std::map<std::string, std::string> env{{"AUTH_SESSION_STRATEGY", param.substr(0, at)}};
  if (at != std::string::npos) env["DATABASE_URL"] = migrated_postgres_url();
  if (webhook_on) {
    env["LINKGATE_WEBHOOK_URL"] = "http://127.0.0.1:9/webhook";
    env["LINKGATE_WEBHOOK_SECRET"] = kWebhookSecret;
  }
  return env;
}

std::vector<WebhookEvent> stored_events(RunningServer& server,
                                        const std::map<std::string, std::string>& env) {
  auto it = env.find("DATABASE_URL");
  auto store = it == env.end() ? store::open_sqlite_store(server.db_path())
                               : store::open_postgres_store(it->second, {});
  EXPECT_TRUE(store.ok()) << store.error().message;
  if (!store) return {};
  auto events = (*store)->list_webhook_events(false, 100);
  EXPECT_TRUE(events.ok()) << events.error().message;
  return events ? *events : std::vector<WebhookEvent>{};
}

// Signs `email` in through the dev outbox and out again; returns the link's token and the
// session cookie the browser held.
std::pair<std::string, std::string> sign_in_and_out(RunningServer& server,
                                                    const std::string& email) {
  TestClient browser = server.client();
  EXPECT_EQ(request_link(browser, "outbox", email).status, 302);
  const std::string link = json::value_to<std::string>(newest_outbox_message(browser)["url"]);
  EXPECT_EQ(browser.get(local_target(link, server.origin())).status, 302);
  const std::string cookie = browser.cookies["authjs.session-token"];
  EXPECT_FALSE(cookie.empty());
  std::string csrf = browser.csrf_token();
  EXPECT_EQ(browser.post_form("/api/auth/signout", {{"csrfToken", csrf}}).status, 302);
  return {query_param(link, "token").value_or(""), cookie};
}

TEST_P(WebhookEventsFlow, SignInAndOutWriteTheirEvents) {
  const auto env = events_env(GetParam(), true);
  const std::string strategy = GetParam().substr(0, GetParam().find('@'));
  RunningServer server(env);
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  auto [token, cookie] = sign_in_and_out(server, "hook@example.com");
  sign_in_and_out(server, "hook@example.com");  // returning: no second user.created

  auto events = stored_events(server, env);
  std::vector<std::string> types;
  for (const auto& event : events) types.push_back(event.type);
  EXPECT_EQ(types, (std::vector<std::string>{"user.created", "session.created", "session.deleted",
                                             "session.created", "session.deleted"}));
  ASSERT_EQ(events.size(), 5u);
  const json::object first = json::parse(events[0].data).as_object();
  const std::string user_id = json::value_to<std::string>(first.at("user").at("id"));
  EXPECT_FALSE(user_id.empty());
  for (const auto& event : events) {
    SCOPED_TRACE(event.type + " " + event.data);
    const json::object data = json::parse(event.data).as_object();
    EXPECT_EQ(json::value_to<std::string>(data.at("user").at("id")), user_id);
    EXPECT_EQ(data.at("client_ip"), "127.0.0.1");
    EXPECT_EQ(data.at("strategy"), strategy.c_str());
    if (event.type != "session.deleted") {
      EXPECT_EQ(data.at("provider"), "outbox");
      EXPECT_EQ(data.at("user").at("email"), "hook@example.com");
    }
    EXPECT_EQ(event.data.find(token), std::string::npos);
    EXPECT_EQ(event.data.find(cookie), std::string::npos);
    EXPECT_EQ(event.data.find("integration-test-secret"), std::string::npos);
    EXPECT_EQ(event.status, "pending");
  }
}

TEST_P(WebhookEventsFlow, NoWebhookUrlWritesNoEvent) {
  const auto env = events_env(GetParam(), false);
  RunningServer server(env);
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  sign_in_and_out(server, "quiet@example.com");
  EXPECT_TRUE(stored_events(server, env).empty());
}

TEST(WebhookEventsFlow, EventsNarrowsWhatIsWritten) {
  RunningServer server({{"LINKGATE_WEBHOOK_URL", "http://127.0.0.1:9/webhook"},
                        {"LINKGATE_WEBHOOK_SECRET", kWebhookSecret},
                        {"LINKGATE_WEBHOOK_EVENTS", "session.deleted"}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  sign_in_and_out(server, "narrow@example.com");
  auto events = stored_events(server, {});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "session.deleted");
}

TEST(WebhookEventsFlow, ABadSecretStopsTheServerWithAClearError) {
  RunningServer server({{"LINKGATE_WEBHOOK_URL", "http://127.0.0.1:9/webhook"},
                        {"LINKGATE_WEBHOOK_SECRET", "not-a-secret"}});
  EXPECT_TRUE(server.process().failed());
  EXPECT_NE(server.process().logs().find("LINKGATE_WEBHOOK_SECRET"), std::string::npos)
      << server.process().logs();
}

INSTANTIATE_TEST_SUITE_P(BothStrategies, WebhookEventsFlow, ::testing::Values("database", "jwt"));
INSTANTIATE_TEST_SUITE_P(Postgres, WebhookEventsFlow,
                         ::testing::Values("database@postgres", "jwt@postgres"));

}  // namespace
}  // namespace linkgate::testing
