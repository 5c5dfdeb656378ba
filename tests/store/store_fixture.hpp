// A fresh SQLite store in its own temporary directory, for each test.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "linkgate/store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/test_env.hpp"

namespace linkgate::store::testing {

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

  // Now, truncated to whole seconds like the Auth.js adapter suite's fixtures.
  static TimePoint now_seconds() {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::time_point_cast<std::chrono::seconds>(Clock::now()));
  }

  std::string path_;
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

}  // namespace linkgate::store::testing
