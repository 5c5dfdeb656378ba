// SQLite-only behaviour of the SQLite store: UUID ids, the file (WAL, reopening, the schema
// version in user_version, migrations), and the paths it refuses.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <string>
#include <vector>

#include "store_fixture.hpp"

namespace linkgate::store::testing {
namespace {

TimePoint at_ms(std::int64_t ms) {
  return TimePoint(std::chrono::milliseconds(ms));
}

OutboxMessage outbox_message(int n) {
  OutboxMessage message;
  message.created_at = at_ms(1'700'000'000'000 + n);
  message.to = "to" + std::to_string(n) + "@example.com";
  message.from = "linkgate@example.com";
  message.subject = "Sign in to example.com";
  message.text = "text " + std::to_string(n);
  message.provider = "outbox";
  return message;
}

TEST_F(SqliteStoreTest, CreateUserMakesUuidV4IdsAndKeepsGivenOnes) {
  auto first = store_->create_user(user_with_email("a@example.com"));
  auto second = store_->create_user(user_with_email("b@example.com"));
  ASSERT_TRUE(first.ok()) << describe(first);
  ASSERT_TRUE(second.ok()) << describe(second);
  for (const auto& id : {first->id, second->id}) {
    ASSERT_EQ(id.size(), 36u) << id;
    EXPECT_EQ(id[8], '-');
    EXPECT_EQ(id[13], '-');
    EXPECT_EQ(id[14], '4') << id;
    EXPECT_EQ(id[18], '-');
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    EXPECT_EQ(id[23], '-');
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef-"), std::string::npos) << id;
  }
  EXPECT_NE(first->id, second->id);
  EXPECT_FALSE(first->name.has_value());
  EXPECT_FALSE(first->email_verified.has_value());

  auto given = store_->create_user(user_with_email("c@example.com", "user-42"));
  ASSERT_TRUE(given.ok()) << describe(given);
  EXPECT_EQ(given->id, "user-42");

  auto duplicate = store_->create_user(user_with_email("d@example.com", "user-42"));
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().kind, "store");
}

TEST_F(SqliteStoreTest, ReopeningTheFileKeepsTheData) {
  auto user = store_->create_user(user_with_email("keep@example.com"));
  ASSERT_TRUE(user.ok()) << describe(user);
  ASSERT_TRUE(
      store_->create_session({.session_token = "keep", .user_id = user->id, .expires = at_ms(5)})
          .ok());
  ASSERT_TRUE(store_->add_outbox_message(outbox_message(1)).ok());

  // A second store on the same file while the first is open, then the file alone.
  auto second = open_or_fail(path_);
  ASSERT_NE(second, nullptr);
  store_.reset();
  second.reset();
  auto reopened = open_or_fail(path_);
  ASSERT_NE(reopened, nullptr);

  auto found = reopened->get_user_by_email("keep@example.com");
  ASSERT_TRUE(found.ok() && found->has_value()) << describe(found);
  EXPECT_EQ((*found)->id, user->id);
  auto session = reopened->get_session_and_user("keep");
  ASSERT_TRUE(session.ok() && session->has_value()) << describe(session);
  EXPECT_EQ((*session)->session.expires, at_ms(5));
  auto outbox = reopened->list_outbox_messages(10);
  ASSERT_TRUE(outbox.ok()) << describe(outbox);
  EXPECT_EQ(outbox->size(), 1u);
}

std::string query_text(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  std::string value;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return value;
}

TEST_F(SqliteStoreTest, FileUsesWalAndRecordsTheSchemaVersion) {
  EXPECT_EQ(query_text(path_, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(query_text(path_, "PRAGMA user_version"), "4");
  for (const char* index : {"users_email", "sessions_expires", "verification_token_expires"}) {
    const std::string sql =
        std::string("SELECT name FROM sqlite_master WHERE type = 'index' AND name = '") + index +
        "'";
    EXPECT_EQ(query_text(path_, sql.c_str()), index);
  }
}

TEST_F(SqliteStoreTest, RefusesADatabaseFromANewerSchema) {
  store_.reset();
  query_text(path_, "PRAGMA user_version = 99");
  auto opened = open_sqlite_store(path_);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().kind, "store");
  EXPECT_NE(opened.error().message.find("newer"), std::string::npos) << opened.error().message;
}

// `linkgate migrate` on SQLite: the embedded migrations, once.
TEST(SqliteStoreOpenTest, MigrateAppliesTheEmbeddedMigrationsOnce) {
  const std::string path = linkgate::testing::make_temp_dir() + "/migrate.db";
  auto first = migrate_sqlite(path);
  ASSERT_TRUE(first.ok()) << describe(first);
  EXPECT_EQ(*first,
            (std::vector<std::string>{"0001_schema", "0002_abuse_resistance", "0003_webhook_events",
                                      "0004_used_verification_tokens"}));
  auto second = migrate_sqlite(path);
  ASSERT_TRUE(second.ok()) << describe(second);
  EXPECT_TRUE(second->empty());
  EXPECT_EQ(query_text(path, "PRAGMA user_version"), "4");
  EXPECT_TRUE(open_sqlite_store(path).ok());
}

// SqliteOptions::on_operation: one observation per Store call, named after the method, however
// many statements it ran (a transaction's included) and whether it failed; the store's own work
// (opening, readiness) is not timed.
TEST(SqliteStoreOpenTest, OnOperationTimesEachCallOnce) {
  std::vector<std::string> operations;
  std::chrono::nanoseconds total{0};
  SqliteOptions options;
  options.on_operation = [&](std::string_view operation, std::chrono::nanoseconds took) {
    operations.emplace_back(operation);
    EXPECT_GE(took.count(), 0) << operation;
    total += took;
  };
  auto opened = open_sqlite_store(linkgate::testing::make_temp_dir() + "/timed.db", options);
  ASSERT_TRUE(opened.ok()) << describe(opened);
  Store& store = **opened;
  EXPECT_TRUE(operations.empty());

  const TimePoint expires = at_ms(4'000'000'000'000);
  ASSERT_TRUE(store.create_verification_token({"t@example.com", "hash", expires}).ok());
  auto consumed = store.use_verification_token_and_get_user("t@example.com", "hash");
  ASSERT_TRUE(consumed.ok()) << describe(consumed);
  ASSERT_TRUE(consumed->has_value());
  auto user = store.create_user(user_with_email("t@example.com", "timed-user"));
  ASSERT_TRUE(user.ok()) << describe(user);
  EXPECT_FALSE(store.create_user(user_with_email("u@example.com", "timed-user")).ok());
  ASSERT_TRUE(store.create_session({"session-token", "timed-user", expires}).ok());
  auto found = store.get_session_and_user("session-token");
  ASSERT_TRUE(found.ok()) << describe(found);
  EXPECT_TRUE(found->has_value());
  ASSERT_TRUE(store.delete_expired(at_ms(1'700'000'000'000)).ok());
  ASSERT_TRUE(check_sqlite_ready(store).value().ok());

  EXPECT_EQ(operations,
            (std::vector<std::string>{
                "create_verification_token", "use_verification_token_and_get_user", "create_user",
                "create_user", "create_session", "get_session_and_user", "delete_expired"}));
  EXPECT_GT(total.count(), 0);
}

TEST(SqliteStoreOpenTest, RefusesInMemoryAndUnopenablePaths) {
  for (const std::string path : {"", ":memory:"}) {
    auto opened = open_sqlite_store(path);
    ASSERT_FALSE(opened.ok()) << path;
    EXPECT_EQ(opened.error().kind, "invalid_input");
  }
  auto missing_dir = open_sqlite_store(linkgate::testing::make_temp_dir() + "/no/such/dir/x.db");
  ASSERT_FALSE(missing_dir.ok());
  EXPECT_EQ(missing_dir.error().kind, "store");
}

}  // namespace
}  // namespace linkgate::store::testing
