// Fixtures of the store tests. StoreTest is the conformance suite's: every TEST_P runs against
// both stores, SQLite on a fresh temporary file and PostgreSQL on a fresh schema of the test
// cluster (tests/pg/start_cluster.sh), migrated by the store's own migrations.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "linkgate/store.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/forwarding_store.hpp"
#include "support/postgres_test_db.hpp"
#include "support/test_env.hpp"

namespace linkgate::store::testing {

// A Store that implements only the single-row methods (as one written before the sign-in steps
// existed): the defaults of store.hpp compose them.
using SingleRowStore = linkgate::testing::ForwardingStore;

enum class Backend { sqlite, postgres };

inline void PrintTo(Backend backend, std::ostream* out) {
  *out << (backend == Backend::sqlite ? "sqlite" : "postgres");
}

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::sqlite ? "Sqlite" : "Postgres";
}

// Now, truncated to whole seconds like the Auth.js adapter suite's fixtures.
inline TimePoint now_seconds() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::time_point_cast<std::chrono::seconds>(Clock::now()));
}

// A migrated PostgreSQL store on a fresh schema of the test cluster; `url` receives its URL.
// DATABASE_PREPARED_STATEMENTS=false in the environment (the PgBouncer rerun) turns prepared
// statements off.
inline std::shared_ptr<Store> open_fresh_postgres(std::string& url, PostgresOptions options = {}) {
  if (const char* prepared = std::getenv("DATABASE_PREPARED_STATEMENTS");
      prepared != nullptr && std::string_view(prepared) == "false") {
    options.prepared_statements = false;
  }
  url = linkgate::testing::fresh_postgres_url();
  if (url.empty()) return nullptr;
  auto migrated = migrate_postgres(url, options);
  if (!migrated) {
    ADD_FAILURE() << "migrate_postgres: " << migrated.error().message;
    return nullptr;
  }
  auto opened = open_postgres_store(url, options);
  if (!opened) {
    ADD_FAILURE() << "open_postgres_store: " << opened.error().message;
    return nullptr;
  }
  return *opened;
}

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::sqlite) {
      sqlite_path_ = linkgate::testing::make_temp_dir() + "/linkgate.db";
      auto opened = open_sqlite_store(sqlite_path_);
      if (opened) store_ = *opened;
      ASSERT_TRUE(opened.ok()) << opened.error().message;
    } else {
      store_ = open_fresh_postgres(url_);
    }
    ASSERT_NE(store_, nullptr);
  }

  std::string url_;          // PostgreSQL only
  std::string sqlite_path_;  // SQLite only
  std::shared_ptr<Store> store_;
};

// SQLite-only behaviour (UUID ids, the file, WAL).
class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = linkgate::testing::make_temp_dir() + "/linkgate.db";
    store_ = open_or_fail(path_);
    ASSERT_NE(store_, nullptr);
  }

  static std::shared_ptr<Store> open_or_fail(const std::string& path) {
    auto opened = open_sqlite_store(path);
    if (!opened) {
      ADD_FAILURE() << "open_sqlite_store: " << opened.error().message;
      return nullptr;
    }
    return *opened;
  }

  std::string path_;
  std::shared_ptr<Store> store_;
};

// PostgreSQL-only behaviour (Auth.js's schema, migrations, the pool, SQL interop).
class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_fresh_postgres(url_);
    ASSERT_NE(store_, nullptr);
  }

  std::string url_;
  std::shared_ptr<Store> store_;
};

// A user with only an email (and an id, when given); the other fields unset.
inline User user_with_email(std::string email, std::string id = "") {
  User user;
  user.id = std::move(id);
  user.email = std::move(email);
  return user;
}

// A verification token of `identifier` whose stored hash is `hash`.
inline VerificationToken token_of(std::string identifier, std::string hash, TimePoint expires) {
  return VerificationToken{
      .identifier = std::move(identifier), .token = std::move(hash), .expires = expires};
}

// An update of the user `id` that sets nothing yet.
inline UserUpdate update_of(std::string id) {
  UserUpdate update;
  update.id = std::move(id);
  return update;
}

// Prints the error of a failed Result in an assertion message.
template <class T>
std::string describe(const Result<T>& result) {
  return result.ok() ? "ok" : result.error().kind + ": " + result.error().message;
}

}  // namespace linkgate::store::testing
