// PostgreSQL-only behaviour of the PostgreSQL store: Auth.js's pg schema (§8) and linkgate's
// additions, the migrations, integer ids, verification tokens shared with Auth.js's own SQL in
// both directions, the pool replacing lost connections, and errors without secrets.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "crypto/digest.hpp"
#include "store_fixture.hpp"

namespace linkgate::store::testing {
namespace {

using namespace std::chrono_literals;
using linkgate::testing::postgres_query;

TimePoint at_ms(std::int64_t ms) {
  return TimePoint(std::chrono::milliseconds(ms));
}

// Every row of a query with parameters, each row as its columns joined by '|'.
std::vector<std::string> query_rows(const std::string& url, const std::string& sql,
                                    const std::vector<std::string>& params) {
  std::vector<std::string> rows;
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    ADD_FAILURE() << PQerrorMessage(conn);
    PQfinish(conn);
    return rows;
  }
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  PGresult* result = PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0);
  if (PQresultStatus(result) != PGRES_TUPLES_OK) {
    ADD_FAILURE() << PQerrorMessage(conn) << "\n" << sql;
  } else {
    for (int r = 0; r < PQntuples(result); ++r) {
      std::string row;
      for (int c = 0; c < PQnfields(result); ++c) {
        if (c > 0) row += '|';
        row += PQgetvalue(result, r, c);
      }
      rows.push_back(row);
    }
  }
  PQclear(result);
  PQfinish(conn);
  return rows;
}

// The columns of a table as "name type nullable", in order.
std::vector<std::string> columns_of(const std::string& url, const std::string& table) {
  return query_rows(url,
                    "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = $1 "
                    "ORDER BY ordinal_position",
                    {table});
}

// §8: the tables and quoted camelCase columns of @auth/pg-adapter, type for type.
TEST_F(PostgresStoreTest, SchemaHasAuthjsPgAdapterTablesAndColumns) {
  EXPECT_EQ(columns_of(url_, "users"),
            (std::vector<std::string>{
                "id|integer|NO", "name|character varying|YES", "email|character varying|YES",
                "emailVerified|timestamp with time zone|YES", "image|text|YES"}));
  EXPECT_EQ(columns_of(url_, "sessions"),
            (std::vector<std::string>{"id|integer|NO", "userId|integer|NO",
                                      "expires|timestamp with time zone|NO",
                                      "sessionToken|character varying|NO"}));
  EXPECT_EQ(columns_of(url_, "verification_token"),
            (std::vector<std::string>{"identifier|text|NO", "expires|timestamp with time zone|NO",
                                      "token|text|NO"}));
  EXPECT_EQ(
      columns_of(url_, "accounts"),
      (std::vector<std::string>{
          "id|integer|NO", "userId|integer|NO", "type|character varying|NO",
          "provider|character varying|NO", "providerAccountId|character varying|NO",
          "refresh_token|text|YES", "access_token|text|YES", "expires_at|bigint|YES",
          "id_token|text|YES", "scope|text|YES", "session_state|text|YES", "token_type|text|YES"}));
  EXPECT_EQ(postgres_query(url_,
                           "SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_index i "
                           "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = "
                           "ANY(i.indkey) WHERE i.indrelid = 'verification_token'::regclass "
                           "AND i.indisprimary"),
            "identifier,token");
}

TEST_F(PostgresStoreTest, HotQueriesHaveIndexes) {
  for (const char* index : {"sessions_session_token", "users_email_id",
                            "verification_token_expires", "sessions_expires"}) {
    EXPECT_EQ(postgres_query(url_, std::string("SELECT indexname FROM pg_indexes WHERE "
                                               "schemaname = current_schema() AND indexname = '") +
                                       index + "'"),
              index);
  }
  // The session lookup of every GET /session uses the index.
  const std::string plan = postgres_query(
      url_,
      R"(SET enable_seqscan = off; EXPLAIN SELECT * FROM sessions WHERE "sessionToken" = 'x')");
  EXPECT_NE(plan.find("sessions_session_token"), std::string::npos) << plan;
}

// The lookup of the oldest user with an address (every sign-in and callback makes it) reads the
// (email, id) index, both as planned for one value and as the generic plan of a prepared statement.
// The case that matters: a table with a row count but no column statistics, as a VACUUM leaves it
// before the first ANALYZE. With an index on email alone, PostgreSQL then walks users_pkey in id
// order and filters every row, which for an address with no user reads the whole table.
TEST_F(PostgresStoreTest, UserByEmailReadsTheEmailIndexWithoutStatistics) {
  postgres_query(url_,
                 "INSERT INTO users (email) SELECT 'user-' || n || '@example.com' "
                 "FROM generate_series(1, 20000) AS n");
  postgres_query(url_, "VACUUM users");
  ASSERT_EQ(postgres_query(url_,
                           "SELECT count(*) FROM pg_stats WHERE tablename = 'users' AND "
                           "schemaname = current_schema()"),
            "0");
  for (const char* mode : {"force_custom_plan", "force_generic_plan"}) {
    const std::string plan = postgres_query(
        url_,
        std::string("SET plan_cache_mode = ") + mode +
            "; PREPARE by_email(text) AS SELECT id FROM users WHERE email = $1 "
            "ORDER BY id LIMIT 1; EXPLAIN (FORMAT JSON) EXECUTE by_email('nobody@example.com')");
    EXPECT_NE(plan.find("\"Index Name\": \"users_email_id\""), std::string::npos) << mode << plan;
    EXPECT_EQ(plan.find("users_pkey"), std::string::npos) << mode << plan;
  }
}

TEST_F(PostgresStoreTest, MigrateIsIdempotentAndRecordsEachVersion) {
  auto again = migrate_postgres(url_);
  ASSERT_TRUE(again.ok()) << describe(again);
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(postgres_query(url_,
                           "SELECT string_agg(version || ':' || name, ',' ORDER BY version) "
                           "FROM linkgate_schema_migrations"),
            "1:0001_authjs_schema,2:0002_linkgate,3:0003_abuse_resistance,4:0004_users_email_id,"
            "5:0005_webhook_events,6:0006_used_verification_tokens");
}

TEST(PostgresStoreOpenTest, RefusesADatabaseThatNeedsMigrations) {
  const std::string url = linkgate::testing::fresh_postgres_url();
  ASSERT_FALSE(url.empty());
  auto opened = open_postgres_store(url);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().kind, "migration_needed");
  EXPECT_NE(opened.error().message.find("linkgate migrate"), std::string::npos)
      << opened.error().message;
  EXPECT_NE(opened.error().message.find(
                "0001_authjs_schema, 0002_linkgate, 0003_abuse_resistance, 0004_users_email_id, "
                "0005_webhook_events, 0006_used_verification_tokens"),
            std::string::npos)
      << opened.error().message;

  auto applied = migrate_postgres(url);
  ASSERT_TRUE(applied.ok()) << describe(applied);
  EXPECT_EQ(*applied,
            (std::vector<std::string>{"0001_authjs_schema", "0002_linkgate",
                                      "0003_abuse_resistance", "0004_users_email_id",
                                      "0005_webhook_events", "0006_used_verification_tokens"}));
  EXPECT_TRUE(open_postgres_store(url).ok());
}

TEST(PostgresStoreOpenTest, ConcurrentMigrationsApplyEachVersionOnce) {
  const std::string url = linkgate::testing::fresh_postgres_url();
  ASSERT_FALSE(url.empty());
  std::vector<std::thread> nodes;
  std::atomic<int> failures = 0;
  std::atomic<int> applied = 0;
  for (int i = 0; i < 4; ++i) {
    nodes.emplace_back([&] {
      auto result = migrate_postgres(url);
      if (!result.ok()) {
        ++failures;
      } else {
        applied += static_cast<int>(result->size());
      }
    });
  }
  for (auto& node : nodes) node.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(applied.load(), 6);
}

// C8: linkgate takes over a database an Auth.js deployment already uses, keeping its rows.
TEST(PostgresStoreOpenTest, MigrateTakesOverAnAuthjsDatabase) {
  const std::string url = linkgate::testing::fresh_postgres_url();
  ASSERT_FALSE(url.empty());
  postgres_query(url, R"(
    CREATE TABLE verification_token (identifier TEXT NOT NULL, expires TIMESTAMPTZ NOT NULL,
      token TEXT NOT NULL, PRIMARY KEY (identifier, token));
    CREATE TABLE accounts (id SERIAL, "userId" INTEGER NOT NULL, type VARCHAR(255) NOT NULL,
      provider VARCHAR(255) NOT NULL, "providerAccountId" VARCHAR(255) NOT NULL,
      refresh_token TEXT, access_token TEXT, expires_at BIGINT, id_token TEXT, scope TEXT,
      session_state TEXT, token_type TEXT, PRIMARY KEY (id));
    CREATE TABLE sessions (id SERIAL, "userId" INTEGER NOT NULL, expires TIMESTAMPTZ NOT NULL,
      "sessionToken" VARCHAR(255) NOT NULL, PRIMARY KEY (id));
    CREATE TABLE users (id SERIAL, name VARCHAR(255), email VARCHAR(255),
      "emailVerified" TIMESTAMPTZ, image TEXT, PRIMARY KEY (id));
    INSERT INTO users (name, email, "emailVerified") VALUES
      ('Old User', 'old@example.com', '2024-05-06T07:08:09.123Z');
    INSERT INTO sessions ("userId", expires, "sessionToken") VALUES
      (1, '2999-01-01T00:00:00.000Z', 'authjs-session');)");
  auto applied = migrate_postgres(url);
  ASSERT_TRUE(applied.ok()) << describe(applied);
  EXPECT_EQ(applied->size(), 6u);
  auto store = open_postgres_store(url);
  ASSERT_TRUE(store.ok()) << describe(store);
  auto found = (*store)->get_session_and_user("authjs-session");
  ASSERT_TRUE(found.ok() && found->has_value()) << describe(found);
  EXPECT_EQ((*found)->user.id, "1");
  EXPECT_EQ((*found)->user.email, "old@example.com");
  EXPECT_EQ((*found)->user.email_verified, at_ms(1'714'979'289'123));
  // New users continue the SERIAL sequence Auth.js started.
  auto created = (*store)->create_user(user_with_email("new@example.com"));
  ASSERT_TRUE(created.ok()) << describe(created);
  EXPECT_EQ(created->id, "2");
}

TEST_F(PostgresStoreTest, RefusesADatabaseFromANewerSchema) {
  postgres_query(url_, "INSERT INTO linkgate_schema_migrations (version, name) VALUES (99, 'x')");
  auto opened = open_postgres_store(url_);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("newer"), std::string::npos) << opened.error().message;
  auto migrated = migrate_postgres(url_);
  ASSERT_FALSE(migrated.ok());
  EXPECT_NE(migrated.error().message.find("newer"), std::string::npos);
}

// §8: ids are SERIAL integers (JWT `sub` "1", "2", …); the id of the input is ignored.
TEST_F(PostgresStoreTest, CreateUserAssignsSerialIdsAndIgnoresTheGivenOne) {
  auto first = store_->create_user(user_with_email("a@example.com", "ignored-id"));
  auto second = store_->create_user(user_with_email("b@example.com"));
  ASSERT_TRUE(first.ok() && second.ok()) << describe(first) << describe(second);
  EXPECT_EQ(first->id, "1");
  EXPECT_EQ(second->id, "2");
  auto session = store_->create_session(
      {.session_token = "s", .user_id = "not-a-number", .expires = now_seconds()});
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().kind, "store");
}

constexpr const char* kSecret = "secret-shared-with-authjs";

// §3.2, §8: a token row written as Auth.js writes it (sha256hex(token + secret), expires from a
// JS Date in the writer's time zone) is consumed by linkgate's store.
TEST_F(PostgresStoreTest, TokenWrittenByAuthjsIsConsumedByLinkgate) {
  const std::string raw = std::string(64, '0');
  const std::string hash = crypto::sha256_hex(raw + kSecret);
  EXPECT_EQ(crypto::sha256_hex(raw + "secret"),
            "fa5790049a353d9796744fa82b1af7f283ee25b2da46e646ece34e4ac7b187cb");  // §3.2 vector
  query_rows(url_,
             "INSERT INTO verification_token (identifier, expires, token) VALUES ($1, $2, $3) "
             "RETURNING identifier",
             {"jane@example.com", "2030-01-02T03:04:05.678+02:00", hash});

  auto wrong = store_->use_verification_token("other@example.com", hash);
  ASSERT_TRUE(wrong.ok()) << describe(wrong);
  EXPECT_FALSE(wrong->has_value());
  auto used = store_->use_verification_token("jane@example.com", crypto::sha256_hex(raw + kSecret));
  ASSERT_TRUE(used.ok() && used->has_value()) << describe(used);
  EXPECT_EQ((*used)->identifier, "jane@example.com");
  EXPECT_EQ((*used)->token, hash);
  EXPECT_EQ((*used)->expires, at_ms(1'893'546'245'678));  // 2030-01-02T01:04:05.678Z
  EXPECT_EQ(postgres_query(url_, "SELECT count(*) FROM verification_token"), "0");
}

// §8: a token linkgate stored is consumed by the exact statement of Auth.js's pg adapter, once.
TEST_F(PostgresStoreTest, TokenWrittenByLinkgateIsConsumedByAuthjsSql) {
  const std::string hash = crypto::sha256_hex(std::string(64, 'a') + kSecret);
  ASSERT_TRUE(store_
                  ->create_verification_token({.identifier = "jane@example.com",
                                               .token = hash,
                                               .expires = at_ms(1'893'546'245'678)})
                  .ok());
  const std::string authjs_sql =
      "DELETE FROM verification_token WHERE identifier = $1 AND token = $2 "
      "RETURNING identifier, expires, token";
  EXPECT_TRUE(query_rows(url_, authjs_sql, {"other@example.com", hash}).empty());
  auto used = query_rows(url_, authjs_sql, {"jane@example.com", hash});
  ASSERT_EQ(used.size(), 1u);
  // node-postgres parses timestamptz text into a Date; the instant is what matters.
  EXPECT_EQ(query_rows(url_, "SELECT $1::timestamptz = '2030-01-02T01:04:05.678Z'",
                       {used[0].substr(used[0].find('|') + 1,
                                       used[0].rfind('|') - used[0].find('|') - 1)}),
            (std::vector<std::string>{"t"}));
  EXPECT_EQ(used[0].substr(0, used[0].find('|')), "jane@example.com");
  EXPECT_EQ(used[0].substr(used[0].rfind('|') + 1), hash);
  EXPECT_TRUE(query_rows(url_, authjs_sql, {"jane@example.com", hash}).empty());
}

// A connection the server closed (a restart, pg_terminate_backend) is replaced, without errors.
TEST(PostgresStorePoolTest, ReplacesConnectionsTheServerClosed) {
  std::string url;
  PostgresOptions options;
  options.pool_size = 3;
  auto store = open_fresh_postgres(url, options);
  ASSERT_NE(store, nullptr);
  const std::string name = "lg_pool_test_" + std::to_string(::getpid());
  url += "&application_name=" + name;
  auto named = open_postgres_store(url, options);
  ASSERT_TRUE(named.ok()) << describe(named);
  ASSERT_TRUE((*named)->create_user(user_with_email("pool@example.com")).ok());

  const std::string admin = linkgate::testing::postgres_cluster_url();
  EXPECT_NE(
      postgres_query(
          admin, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + name + "'"),
      "0");
  postgres_query(admin,
                 "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                 "application_name = '" +
                     name + "'");
  for (int i = 0; i < 100; ++i) {
    if (postgres_query(admin, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" +
                                  name + "'") == "0") {
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
  for (int i = 0; i < 5; ++i) {
    auto found = (*named)->get_user_by_email("pool@example.com");
    ASSERT_TRUE(found.ok()) << "call " << i << ": " << describe(found);
    EXPECT_TRUE(found->has_value());
  }
}

// Statements are prepared again as they age (connection.hpp, Plan): the calls after that, on the
// same connection, inside a transaction too, answer as before.
TEST(PostgresStorePoolTest, StatementsPreparedAgainKeepAnswering) {
  std::string url;
  PostgresOptions options;
  options.pool_size = 1;
  auto store = open_fresh_postgres(url, options);
  ASSERT_NE(store, nullptr);
  auto created = store->create_user(user_with_email("aged@example.com"));
  ASSERT_TRUE(created.ok()) << describe(created);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 7; ++i) {
      auto found = store->get_user_by_email("aged@example.com");
      ASSERT_TRUE(found.ok()) << "round " << round << ": " << describe(found);
      ASSERT_TRUE(found->has_value());
      EXPECT_EQ((*found)->id, created->id);
      auto used = store->use_one_time_code("aged@example.com", "no-such-code", 3);
      ASSERT_TRUE(used.ok()) << "round " << round << ": " << describe(used);
      EXPECT_FALSE(used->has_value());
    }
    if (round == 0) std::this_thread::sleep_for(1100ms);
  }
}

// A database that cannot be reached answers "unavailable" at once, and no message carries the
// password of DATABASE_URL.
TEST(PostgresStoreOpenTest, UnreachableDatabaseIsUnavailableWithoutThePassword) {
  const auto started = std::chrono::steady_clock::now();
  auto opened = open_postgres_store("postgres://someone:sup3r-s3cret@127.0.0.1:1/db");
  ASSERT_FALSE(opened.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_EQ(opened.error().kind, "unavailable");
  EXPECT_EQ(opened.error().message.find("sup3r-s3cret"), std::string::npos)
      << opened.error().message;
  EXPECT_NE(opened.error().message.find("postgres://someone@127.0.0.1:1/db"), std::string::npos)
      << opened.error().message;

  auto malformed = open_postgres_store("postgres://someone:sup3r%zzs3cret@127.0.0.1:1/db");
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().kind, "configuration");
  EXPECT_EQ(malformed.error().message.find("s3cret"), std::string::npos);

  // The right server, the wrong password.
  std::string url = linkgate::testing::postgres_cluster_url();
  ASSERT_FALSE(url.empty());
  const auto at = url.find("linkgate-test-password");
  ASSERT_NE(at, std::string::npos);
  url.replace(at, std::string("linkgate-test-password").size(), "wrong-pa55word");
  auto refused = open_postgres_store(url);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message.find("wrong-pa55word"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("password authentication failed"), std::string::npos)
      << refused.error().message;
}

}  // namespace
}  // namespace linkgate::store::testing
