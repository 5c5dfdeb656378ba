// Shared steps of the integration tests: a running linkgate, a browser-like client, and the
// sign-in steps a person takes.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <boost/json.hpp>

#include <map>
#include <memory>
#include <string>

#include "support/http_client.hpp"
#include "support/linkgate_process.hpp"
#include "support/test_env.hpp"

namespace linkgate::testing {

// Runs one SQL statement on the server's SQLite file (the server keeps running: WAL mode).
inline void exec_sql(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

// A linkgate server on a fresh SQLite file in its own temporary directory, rate limits off.
class RunningServer {
 public:
  RunningServer() : RunningServer(std::map<std::string, std::string>{}) {}
  RunningServer(std::initializer_list<std::pair<const std::string, std::string>> env)
      : RunningServer(std::map<std::string, std::string>(env)) {}
  explicit RunningServer(std::map<std::string, std::string> env) {
    dir_ = make_temp_dir();
    db_path_ = dir_ + "/linkgate.db";
    env.try_emplace("DATABASE_URL", "sqlite://" + db_path_);
    env.try_emplace("AUTH_SECRET", "integration-test-secret-0123456789abcdef");
    // Tests sign in many times from 127.0.0.1: no rate limits unless a test asks for them
    // (LINKGATE_RATE_LIMITS=on; rate_limit_test.cpp proves they are on without this variable).
    env.try_emplace("LINKGATE_RATE_LIMITS", "off");
    process_ = std::make_unique<LinkgateProcess>(std::move(env), dir_);
  }
  LinkgateProcess& process() { return *process_; }
  const std::string& db_path() const { return db_path_; }
  TestClient client() const { return TestClient(process_->host(), process_->port()); }
  std::string origin() const { return process_->origin(); }

 private:
  std::string dir_;
  std::string db_path_;
  std::unique_ptr<LinkgateProcess> process_;
};

// The path and query of an absolute URL on `origin` ("" when it is on another origin).
inline std::string local_target(const std::string& url, const std::string& origin) {
  if (url.rfind(origin, 0) != 0) return "";
  std::string rest = url.substr(origin.size());
  return rest.empty() ? "/" : rest;
}

// POSTs the sign-in form for `email` with a valid CSRF pair (as a browser would).
inline HttpResponse request_link(
    TestClient& client, const std::string& provider, const std::string& email,
    const std::vector<std::pair<std::string, std::string>>& extra = {}) {
  std::string csrf = client.csrf_token();
  std::vector<std::pair<std::string, std::string>> fields{{"csrfToken", csrf}, {"email", email}};
  for (const auto& f : extra) fields.push_back(f);
  return client.post_form("/api/auth/signin/" + provider, fields);
}

// The newest message in the dev outbox, as JSON.
inline boost::json::object newest_outbox_message(TestClient& client) {
  auto res = client.get("/dev/outbox.json");
  EXPECT_EQ(res.status, 200);
  auto value = boost::json::parse(res.body);
  auto& messages = value.as_array();
  if (messages.empty()) {
    ADD_FAILURE() << "the outbox is empty";
    return {};
  }
  return messages.front().as_object();
}

inline std::size_t outbox_size(TestClient& client) {
  auto res = client.get("/dev/outbox.json");
  return boost::json::parse(res.body).as_array().size();
}

// GET /api/auth/session parsed; null → a null value.
inline boost::json::value session_json(TestClient& client) {
  auto res = client.get("/api/auth/session");
  EXPECT_EQ(res.status, 200);
  return boost::json::parse(res.body);
}

}  // namespace linkgate::testing
