// Many people signing in at once on PostgreSQL, over real HTTP: their links are stored and their
// callbacks redeemed in shared statements (store/postgres/batched_statements.hpp), and each of
// them still gets a link of their own, one user and a session that is theirs.
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "integration/harness.hpp"
#include "integration/postgres_harness.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

constexpr int kPeople = 32;

std::string address_of(int person) {
  std::string address = "person";
  address.append(std::to_string(person)).append("@example.com");
  return address;
}

// Runs `step(person)` for every person at once, each on a thread of its own.
template <class Step>
void all_at_once(Step step) {
  std::latch go(kPeople);
  std::vector<std::thread> threads;
  for (int person = 0; person < kPeople; ++person) {
    threads.emplace_back([&, person] {
      go.arrive_and_wait();
      step(person);
    });
  }
  for (auto& thread : threads) thread.join();
}

TEST(PostgresBatchesFlow, PeopleSigningInTogetherEachGetTheirOwnSession) {
  const std::string url = migrated_postgres_url();
  ASSERT_FALSE(url.empty());
  // One batch at a time, so that requests arriving while one runs are gathered into the next.
  LinkgateProcess node({{"DATABASE_URL", url},
                        {"AUTH_SECRET", "batches-flow-secret-0123456789abcdef"},
                        {"AUTH_SESSION_STRATEGY", "database"},
                        {"LINKGATE_RATE_LIMITS", "off"},
                        {"DATABASE_BATCHES", "1"}});
  ASSERT_FALSE(node.failed()) << node.logs();
  std::vector<TestClient> browsers;
  for (int person = 0; person < kPeople; ++person) browsers.emplace_back(node.host(), node.port());
  std::vector<std::string> csrf;
  for (auto& browser : browsers) csrf.push_back(browser.csrf_token());

  std::vector<int> asked(kPeople, 0);
  all_at_once([&](int person) {
    asked[person] = browsers[person]
                        .post_form("/api/auth/signin/outbox",
                                   {{"csrfToken", csrf[person]}, {"email", address_of(person)}})
                        .status;
  });
  for (int person = 0; person < kPeople; ++person) EXPECT_EQ(asked[person], 302) << person;
  EXPECT_EQ(postgres_query(url, "SELECT count(*) FROM verification_token"),
            std::to_string(kPeople));
  // Fewer transactions than people: the new tokens shared statements.
  EXPECT_LT(
      std::stoi(postgres_query(url, "SELECT count(DISTINCT xmin::text) FROM verification_token")),
      kPeople);

  // Each person's link, from the outbox.
  auto listed = browsers[0].get("/dev/outbox.json");
  ASSERT_EQ(listed.status, 200);
  std::vector<std::string> links(kPeople);
  const json::value messages = json::parse(listed.body);
  for (const auto& message : messages.as_array()) {
    const std::string to = json::value_to<std::string>(message.at("to"));
    for (int person = 0; person < kPeople; ++person) {
      if (to == address_of(person)) links[person] = json::value_to<std::string>(message.at("url"));
    }
  }
  for (int person = 0; person < kPeople; ++person) {
    ASSERT_FALSE(links[person].empty()) << "no link for " << address_of(person);
  }

  std::vector<int> called(kPeople, 0);
  all_at_once([&](int person) {
    called[person] = browsers[person].get(local_target(links[person], node.origin())).status;
  });
  for (int person = 0; person < kPeople; ++person) {
    EXPECT_EQ(called[person], 302) << person << node.logs();
    auto session = session_json(browsers[person]);
    ASSERT_TRUE(session.is_object()) << person << ": " << json::serialize(session);
    EXPECT_EQ(json::value_to<std::string>(session.at("user").at("email")), address_of(person));
  }
  EXPECT_EQ(postgres_query(url, "SELECT count(*) FROM users"), std::to_string(kPeople));
  EXPECT_EQ(postgres_query(url, "SELECT count(*) FROM sessions"), std::to_string(kPeople));
  EXPECT_EQ(postgres_query(url, "SELECT count(*) FROM verification_token"), "0");
  // Fewer transactions than people: the callbacks shared statements.
  EXPECT_LT(std::stoi(postgres_query(url, "SELECT count(DISTINCT xmin::text) FROM sessions")),
            kPeople);
}

}  // namespace
}  // namespace linkgate::testing
