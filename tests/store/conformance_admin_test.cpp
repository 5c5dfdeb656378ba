// The store conformance suite, part 7: administration (`linkgate users`, `linkgate sessions`):
// list_users, delete_user (the user and everything of theirs, with session.deleted events, in one
// transaction) and delete_user_sessions. On both stores (instantiated in
// conformance_authjs_test.cpp).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "store_fixture.hpp"

namespace linkgate::store::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kAdminEventData = R"({"strategy":"database","source":"admin"})";

class AdminStoreTest : public StoreTest {
 protected:
  // Runs `sql` on the store's database, outside the store.
  void run_sql(const std::string& sql) {
    if (GetParam() == Backend::postgres) {
      linkgate::testing::postgres_query(url_, sql);
      return;
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(sqlite_path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  // A user of `email` with sessions `tokens`, an account, a link ("h-" + email) and a code.
  User make_user_with_everything(const std::string& email, const std::vector<std::string>& tokens) {
    const auto now = now_seconds();
    auto user = store_->create_user(user_with_email(email));
    EXPECT_TRUE(user.ok()) << describe(user);
    if (!user) return {};
    for (const std::string& token : tokens) {
      EXPECT_TRUE(
          store_->create_session({.session_token = token, .user_id = user->id, .expires = now + 1h})
              .ok());
    }
    run_sql(R"(INSERT INTO accounts ("userId", type, provider, "providerAccountId") VALUES (')" +
            user->id + "', 'oauth', 'github', 'gh-" + email + "')");
    EXPECT_TRUE(store_->create_verification_token(token_of(email, "h-" + email, now + 1h)).ok());
    EXPECT_TRUE(store_
                    ->create_one_time_code({.identifier = email,
                                            .code_hash = "c-" + email,
                                            .link_token_hash = "h-" + email,
                                            .expires = now + 1h})
                    .ok());
    return *user;
  }

  std::vector<WebhookEvent> events() {
    auto listed = store_->list_webhook_events(false, 100);
    EXPECT_TRUE(listed.ok()) << describe(listed);
    return listed ? *listed : std::vector<WebhookEvent>{};
  }

  bool has_session(const std::string& token) {
    auto found = store_->get_session_and_user(token);
    EXPECT_TRUE(found.ok()) << describe(found);
    return found.ok() && found->has_value();
  }
};

TEST_P(AdminStoreTest, ListUsersIsOldestFirstAndFiltersByEmail) {
  for (const char* email : {"b@example.com", "a@example.com", "b@example.com", "c@example.com"}) {
    ASSERT_TRUE(store_->create_user(user_with_email(email)).ok());
  }
  auto all = store_->list_users(std::nullopt, 100);
  ASSERT_TRUE(all.ok()) << describe(all);
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].email, "b@example.com");
  EXPECT_EQ((*all)[1].email, "a@example.com");
  EXPECT_EQ((*all)[3].email, "c@example.com");
  auto limited = store_->list_users(std::nullopt, 2);
  ASSERT_TRUE(limited.ok()) << describe(limited);
  EXPECT_EQ(limited->size(), 2u);
  auto b = store_->list_users(std::string("b@example.com"), 100);
  ASSERT_TRUE(b.ok()) << describe(b);
  ASSERT_EQ(b->size(), 2u);
  EXPECT_EQ((*b)[0].id, (*all)[0].id);
  EXPECT_EQ((*b)[1].id, (*all)[2].id);
  auto none = store_->list_users(std::string("B@example.com"), 100);
  ASSERT_TRUE(none.ok()) << describe(none);
  EXPECT_TRUE(none->empty());
}

TEST_P(AdminStoreTest, DeleteUserRemovesEverythingOfTheirsAndWritesSessionDeleted) {
  const User gone = make_user_with_everything("gone@example.com", {"g1", "g2"});
  const User kept = make_user_with_everything("kept@example.com", {"k1"});
  ASSERT_FALSE(gone.id.empty());
  const auto now = now_seconds();
  auto deleted = store_->delete_user(gone.id, now, std::string(kAdminEventData));
  ASSERT_TRUE(deleted.ok()) << describe(deleted);
  ASSERT_TRUE(deleted->has_value());
  EXPECT_EQ((*deleted)->user.id, gone.id);
  EXPECT_EQ((*deleted)->user.email, "gone@example.com");
  EXPECT_EQ((*deleted)->sessions, 2);
  EXPECT_EQ((*deleted)->accounts, 1);
  EXPECT_EQ((*deleted)->verification_tokens, 1);
  EXPECT_EQ((*deleted)->one_time_codes, 1);

  auto user = store_->get_user(gone.id);
  ASSERT_TRUE(user.ok());
  EXPECT_FALSE(user->has_value());
  EXPECT_FALSE(has_session("g1"));
  EXPECT_FALSE(has_session("g2"));
  auto link = store_->use_verification_token("gone@example.com", "h-gone@example.com");
  ASSERT_TRUE(link.ok());
  EXPECT_FALSE(link->has_value());
  auto code = store_->use_one_time_code("gone@example.com", "c-gone@example.com", 5);
  ASSERT_TRUE(code.ok());
  EXPECT_FALSE(code->has_value());

  // The other user keeps everything.
  EXPECT_TRUE(has_session("k1"));
  auto kept_link = store_->use_verification_token("kept@example.com", "h-kept@example.com");
  ASSERT_TRUE(kept_link.ok());
  EXPECT_TRUE(kept_link->has_value());
  auto kept_code = store_->use_one_time_code("kept@example.com", "c-kept@example.com", 5);
  ASSERT_TRUE(kept_code.ok());
  EXPECT_TRUE(kept_code->has_value());
  auto listed = store_->list_users(std::nullopt, 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, kept.id);

  auto written = events();
  ASSERT_EQ(written.size(), 2u);
  for (const WebhookEvent& event : written) {
    EXPECT_EQ(event.type, "session.deleted");
    EXPECT_EQ(event.status, "pending");
    EXPECT_EQ(event.created, now);
    auto data = boost::json::parse(event.data).as_object();
    EXPECT_EQ(data.at("source"), "admin");
    EXPECT_EQ(data.at("strategy"), "database");
    EXPECT_EQ(data.at("user").at("id"), gone.id.c_str());
  }
  EXPECT_NE(written[0].id, written[1].id);

  auto again = store_->delete_user(gone.id, now, std::string(kAdminEventData));
  ASSERT_TRUE(again.ok()) << describe(again);
  EXPECT_FALSE(again->has_value());
  EXPECT_EQ(events().size(), 2u);
}

TEST_P(AdminStoreTest, DeleteUserOfAnUnknownIdDeletesNothing) {
  const User kept = make_user_with_everything("kept@example.com", {"k1"});
  for (const char* id : {"999999", "not-an-id", ""}) {
    auto deleted = store_->delete_user(id, now_seconds(), std::string(kAdminEventData));
    ASSERT_TRUE(deleted.ok()) << id << ": " << describe(deleted);
    EXPECT_FALSE(deleted->has_value()) << id;
  }
  EXPECT_TRUE(has_session("k1"));
  EXPECT_TRUE(events().empty());
}

TEST_P(AdminStoreTest, DeleteUserWithoutEventDataWritesNoEvent) {
  const User gone = make_user_with_everything("gone@example.com", {"g1"});
  auto deleted = store_->delete_user(gone.id, now_seconds(), std::nullopt);
  ASSERT_TRUE(deleted.ok()) << describe(deleted);
  ASSERT_TRUE(deleted->has_value());
  EXPECT_EQ((*deleted)->sessions, 1);
  EXPECT_FALSE(has_session("g1"));
  EXPECT_TRUE(events().empty());
}

// A failure part way (here the event write: its data is not JSON) leaves everything in place.
TEST_P(AdminStoreTest, DeleteUserIsAllOrNothing) {
  const User user = make_user_with_everything("stays@example.com", {"s1"});
  auto deleted = store_->delete_user(user.id, now_seconds(), std::string("not json"));
  EXPECT_FALSE(deleted.ok());
  auto found = store_->get_user(user.id);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->has_value());
  EXPECT_TRUE(has_session("s1"));
  auto link = store_->use_verification_token("stays@example.com", "h-stays@example.com");
  ASSERT_TRUE(link.ok());
  EXPECT_TRUE(link->has_value());
  EXPECT_TRUE(events().empty());
}

TEST_P(AdminStoreTest, DeleteUserSessionsRevokesOnlyTheirs) {
  const User revoked = make_user_with_everything("revoked@example.com", {"r1", "r2", "r3"});
  make_user_with_everything("other@example.com", {"o1"});
  const auto now = now_seconds();
  auto deleted = store_->delete_user_sessions(revoked.id, now, std::string(kAdminEventData));
  ASSERT_TRUE(deleted.ok()) << describe(deleted);
  EXPECT_EQ(*deleted, 3);
  for (const char* token : {"r1", "r2", "r3"}) EXPECT_FALSE(has_session(token)) << token;
  EXPECT_TRUE(has_session("o1"));
  auto user = store_->get_user(revoked.id);
  ASSERT_TRUE(user.ok());
  EXPECT_TRUE(user->has_value());  // the user, its link and its code stay
  auto link = store_->use_verification_token("revoked@example.com", "h-revoked@example.com");
  ASSERT_TRUE(link.ok());
  EXPECT_TRUE(link->has_value());
  auto written = events();
  ASSERT_EQ(written.size(), 3u);
  for (const WebhookEvent& event : written) {
    EXPECT_EQ(event.type, "session.deleted");
    EXPECT_EQ(boost::json::parse(event.data).at("user").at("id"), revoked.id.c_str());
  }

  auto again = store_->delete_user_sessions(revoked.id, now, std::nullopt);
  ASSERT_TRUE(again.ok()) << describe(again);
  EXPECT_EQ(*again, 0);
  auto unknown = store_->delete_user_sessions("not-an-id", now, std::nullopt);
  ASSERT_TRUE(unknown.ok()) << describe(unknown);
  EXPECT_EQ(*unknown, 0);
  EXPECT_EQ(events().size(), 3u);
}

TEST_P(AdminStoreTest, StoreDefaultsAnswerUnsupported) {
  SingleRowStore single(store_);
  auto listed = single.list_users(std::nullopt, 10);
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().kind, "unsupported");
  auto deleted = single.delete_user("1", now_seconds(), std::nullopt);
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.error().kind, "unsupported");
  auto revoked = single.delete_user_sessions("1", now_seconds(), std::nullopt);
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.error().kind, "unsupported");
}

INSTANTIATE_TEST_SUITE_P(Stores, AdminStoreTest,
                         ::testing::Values(Backend::sqlite, Backend::postgres), backend_name);

}  // namespace
}  // namespace linkgate::store::testing
