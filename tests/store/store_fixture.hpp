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
#include "support/postgres_test_db.hpp"
#include "support/test_env.hpp"

namespace linkgate::store::testing {

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
inline std::shared_ptr<Store> open_fresh_postgres(std::string& url,
                                                  const PostgresOptions& options = {}) {
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
      auto opened = open_sqlite_store(linkgate::testing::make_temp_dir() + "/linkgate.db");
      if (opened) store_ = *opened;
      ASSERT_TRUE(opened.ok()) << opened.error().message;
    } else {
      store_ = open_fresh_postgres(url_);
    }
    ASSERT_NE(store_, nullptr);
  }

  std::string url_;  // PostgreSQL only
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

// A Store that implements only the single-row methods (as one written before the sign-in steps
// existed): the defaults of store.hpp compose them.
class SingleRowStore final : public Store {
 public:
  explicit SingleRowStore(std::shared_ptr<Store> inner) : inner_(std::move(inner)) {}
  Result<User> create_user(const User& u) override { return inner_->create_user(u); }
  Result<std::optional<User>> get_user(const std::string& id) override {
    return inner_->get_user(id);
  }
  Result<std::optional<User>> get_user_by_email(const std::string& e) override {
    return inner_->get_user_by_email(e);
  }
  Result<User> update_user(const UserUpdate& u) override { return inner_->update_user(u); }
  Result<Session> create_session(const Session& s) override { return inner_->create_session(s); }
  Result<std::optional<SessionAndUser>> get_session_and_user(const std::string& t) override {
    return inner_->get_session_and_user(t);
  }
  Result<void> update_session_expiry(const std::string& t, TimePoint e) override {
    return inner_->update_session_expiry(t, e);
  }
  Result<std::optional<Session>> delete_session(const std::string& t) override {
    return inner_->delete_session(t);
  }
  Result<void> create_verification_token(const VerificationToken& t) override {
    return inner_->create_verification_token(t);
  }
  Result<std::optional<VerificationToken>> use_verification_token(const std::string& i,
                                                                  const std::string& h) override {
    return inner_->use_verification_token(i, h);
  }
  Result<std::int64_t> delete_verification_tokens(const std::string& i) override {
    return inner_->delete_verification_tokens(i);
  }
  Result<void> create_one_time_code(const OneTimeCode& c) override {
    return inner_->create_one_time_code(c);
  }
  Result<std::optional<OneTimeCode>> use_one_time_code(const std::string& i, const std::string& h,
                                                       int max) override {
    return inner_->use_one_time_code(i, h, max);
  }
  Result<void> delete_one_time_codes_of_link(const std::string& h) override {
    return inner_->delete_one_time_codes_of_link(h);
  }
  Result<RateWindow> count_hit(const std::string& key, TimePoint now,
                               std::chrono::milliseconds window) override {
    return inner_->count_hit(key, now, window);
  }
  Result<SweepCounts> delete_expired(TimePoint now) override { return inner_->delete_expired(now); }
  Result<std::int64_t> add_outbox_message(const OutboxMessage& m) override {
    return inner_->add_outbox_message(m);
  }
  Result<std::vector<OutboxMessage>> list_outbox_messages(int limit) override {
    return inner_->list_outbox_messages(limit);
  }

 private:
  std::shared_ptr<Store> inner_;
};

}  // namespace linkgate::store::testing
