// The confirm page and one-time codes on two linkgate nodes sharing one PostgreSQL behind one
// public URL (SPEC B1-B3 "hold across instances"): the confirm page from one node, its POST on
// the other; a code's wrong tries counted together whichever node they reach, also at once.
#include <atomic>
#include <thread>

#include "integration/harness.hpp"
#include "integration/postgres_harness.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

constexpr const char* kPublicUrl = "http://auth.linkgate.test/api/auth";
constexpr const char* kPublicOrigin = "http://auth.linkgate.test";

std::map<std::string, std::string> node_env(const std::string& database_url) {
  return {
      {"DATABASE_URL", database_url},    {"AUTH_SECRET", "shared-secret-of-every-node-0123456789"},
      {"AUTH_URL", kPublicUrl},          {"DATABASE_POOL_SIZE", "4"},
      {"LINKGATE_RATE_LIMITS", "off"},   {"LINKGATE_CONFIRM", "true"},
      {"LINKGATE_ONE_TIME_CODE", "true"}};
}

std::string newest_text(TestClient& client) {
  return json::value_to<std::string>(newest_outbox_message(client)["text"]);
}

std::string newest_code(TestClient& client) {
  const std::string text = newest_text(client);
  const std::string marker = "Or enter this code: ";
  const auto at = text.find(marker);
  if (at == std::string::npos) {
    ADD_FAILURE() << "no code in " << text;
    return "";
  }
  return text.substr(at + marker.size(), 6);
}

// The value of a hidden field of the confirm page (its values here need no unescaping: hex
// tokens, a plain address and the public origin).
std::string hidden(const std::string& html, const std::string& name) {
  const std::string marker = "name=\"" + name + "\" value=\"";
  const auto at = html.find(marker);
  if (at == std::string::npos) return "";
  const auto start = at + marker.size();
  return html.substr(start, html.find('"', start) - start);
}

HttpResponse post_code(TestClient& client, const std::string& email, const std::string& code) {
  const std::string csrf = client.csrf_token();
  return client.post_form("/api/auth/callback/outbox",
                          {{"csrfToken", csrf}, {"email", email}, {"code", code}});
}

std::string wrong(const std::string& code, int n) {
  std::string w = code;
  w.back() = static_cast<char>('0' + (w.back() - '0' + n) % 10);
  return w;
}

std::string failed_url(const std::string& email) {
  return std::string(kPublicUrl) +
         "/verify-request?provider=outbox&type=email&email=" + url_encode(email) +
         "&error=Verification";
}

class RedemptionNodes : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(url.empty());
    ASSERT_FALSE(node1.failed()) << node1.logs();
    ASSERT_FALSE(node2.failed()) << node2.logs();
  }
  const std::string url = migrated_postgres_url();
  LinkgateProcess node1{node_env(url)};
  LinkgateProcess node2{node_env(url)};
};

TEST_F(RedemptionNodes, ConfirmPageFromOneNodePostedToTheOther) {
  TestClient on_node1(node1.host(), node1.port());
  ASSERT_EQ(request_link(on_node1, "outbox", "confirm@example.com").status, 302);
  const std::string link = json::value_to<std::string>(newest_outbox_message(on_node1)["url"]);
  auto page = on_node1.get(local_target(link, kPublicOrigin));
  ASSERT_EQ(page.status, 200) << page.body;

  TestClient on_node2(node2.host(), node2.port());
  on_node2.cookies = on_node1.cookies;
  auto confirmed = on_node2.post_form("/api/auth/callback/outbox",
                                      {{"csrfToken", hidden(page.body, "csrfToken")},
                                       {"token", hidden(page.body, "token")},
                                       {"email", hidden(page.body, "email")},
                                       {"callbackUrl", hidden(page.body, "callbackUrl")}});
  ASSERT_EQ(confirmed.status, 302) << confirmed.body << node2.logs();
  EXPECT_EQ(confirmed.header("location"), kPublicOrigin);
  on_node1.cookies = on_node2.cookies;
  auto session = session_json(on_node1);
  ASSERT_TRUE(session.is_object());
  // Spent for both nodes.
  auto again = on_node1.post_form("/api/auth/callback/outbox",
                                  {{"csrfToken", hidden(page.body, "csrfToken")},
                                   {"token", hidden(page.body, "token")},
                                   {"email", "confirm@example.com"}});
  EXPECT_EQ(
      again.header("location").rfind(std::string(kPublicUrl) + "/error?error=Verification", 0), 0u)
      << again.header("location");
}

// Three wrong tries on node 1 and two on node 2 are five for the code: the right one then fails
// on either node. Four wrong tries spread over both leave the right one working.
TEST_F(RedemptionNodes, WrongTriesAreCountedAcrossNodes) {
  TestClient on_node1(node1.host(), node1.port());
  TestClient on_node2(node2.host(), node2.port());
  ASSERT_EQ(request_link(on_node1, "outbox", "four@example.com").status, 302);
  const std::string four = newest_code(on_node1);
  for (int i = 1; i <= 4; ++i) {
    auto& client = i % 2 ? on_node1 : on_node2;
    EXPECT_EQ(post_code(client, "four@example.com", wrong(four, i)).header("location"),
              failed_url("four@example.com"));
  }
  EXPECT_EQ(post_code(on_node2, "four@example.com", four).header("location"), kPublicOrigin);

  TestClient second1(node1.host(), node1.port());
  TestClient second2(node2.host(), node2.port());
  ASSERT_EQ(request_link(second1, "outbox", "five@example.com").status, 302);
  const std::string five = newest_code(second1);
  for (int i = 1; i <= 5; ++i) {
    auto& client = i <= 3 ? second1 : second2;
    EXPECT_EQ(post_code(client, "five@example.com", wrong(five, i)).header("location"),
              failed_url("five@example.com"));
  }
  EXPECT_EQ(post_code(second1, "five@example.com", five).header("location"),
            failed_url("five@example.com"));
  EXPECT_EQ(post_code(second2, "five@example.com", five).header("location"),
            failed_url("five@example.com"));
}

// attack-cases.md #17 across instances: 20 wrong tries at once, half on each node.
TEST_F(RedemptionNodes, ConcurrentWrongTriesOnBothNodesAreAllCounted) {
  TestClient on_node1(node1.host(), node1.port());
  ASSERT_EQ(request_link(on_node1, "outbox", "race@example.com").status, 302);
  const std::string code = newest_code(on_node1);
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      const LinkgateProcess& node = i % 2 ? node1 : node2;
      TestClient attacker(node.host(), node.port());
      if (post_code(attacker, "race@example.com", wrong(code, 1 + i % 9)).header("location") ==
          failed_url("race@example.com")) {
        ++failed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 20);
  EXPECT_EQ(post_code(on_node1, "race@example.com", code).header("location"),
            failed_url("race@example.com"));
}

}  // namespace
}  // namespace linkgate::testing
