// The admin commands (docs/operations.md) run as an operator runs them: the built binary with the
// settings of a running server (same environment), on SQLite and on PostgreSQL. `linkgate link`'s
// URL signs its user in over real HTTP against that server; `sessions revoke` and `users delete`
// end that sign-in; errors have their exit codes.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "integration/harness.hpp"
#include "integration/postgres_harness.hpp"
#include "support/webhook_receiver.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

enum class Backend { sqlite, postgres };

// How GoogleTest (and so CTest's test list) prints a backend.
void PrintTo(Backend backend, std::ostream* out) {
  *out << (backend == Backend::sqlite ? "sqlite" : "postgres");
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::sqlite ? "Sqlite" : "Postgres";
}

struct AdminRun {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr (the log lines and error messages)
  json::value parsed() const {
    boost::system::error_code ec;
    json::value value = json::parse(out, ec);
    EXPECT_FALSE(ec) << "not JSON: " << out;
    return value;
  }
};

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs `linkgate <arguments>` with only `env` (and PATH) in its environment.
AdminRun run_admin(const std::string& arguments, const std::map<std::string, std::string>& env) {
  const std::string dir = make_temp_dir();
  std::string command = "cd " + quoted(dir) + " && env -i PATH=/usr/bin:/bin";
  for (const auto& [name, value] : env) command.append(" ").append(quoted(name + "=" + value));
  command.append(" ").append(quoted(linkgate_binary())).append(" ").append(arguments);
  command.append(" 2>").append(quoted(dir + "/stderr"));
  AdminRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) run.out.append(buffer, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(dir + "/stderr");
  std::stringstream text;
  text << err.rdbuf();
  run.err = text.str();
  return run;
}

class AdminCommands : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    const int port = unused_loopback_port();
    ASSERT_NE(port, 0);
    origin_ = "http://127.0.0.1:" + std::to_string(port);
    env_ = {{"AUTH_SECRET", "integration-test-secret-0123456789abcdef"},
            {"AUTH_URL", origin_ + "/api/auth"},
            {"PORT", std::to_string(port)},
            {"HOST", "127.0.0.1"},
            {"LINKGATE_RATE_LIMITS", "off"},
            // session.deleted events on (recorded in the outbox; nothing listens there).
            {"LINKGATE_WEBHOOK_URL", "http://127.0.0.1:9/hook"},
            {"LINKGATE_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}};
    if (GetParam() == Backend::sqlite) {
      db_path_ = make_temp_dir() + "/linkgate.db";
      env_["DATABASE_URL"] = "sqlite://" + db_path_;
    } else {
      env_["DATABASE_URL"] = migrated_postgres_url();
      ASSERT_FALSE(env_["DATABASE_URL"].empty());
      if (const char* prepared = std::getenv("DATABASE_PREPARED_STATEMENTS")) {
        env_["DATABASE_PREPARED_STATEMENTS"] = prepared;
      }
    }
    server_ = std::make_unique<LinkgateProcess>(env_, make_temp_dir());
    ASSERT_FALSE(server_->failed()) << server_->logs();
    ASSERT_EQ(server_->origin(), origin_);
  }

  AdminRun admin(const std::string& arguments) { return run_admin(arguments, env_); }

  TestClient client() const { return TestClient(server_->host(), server_->port()); }

  // `linkgate link <email> --json`, then the link opened in `browser`: returns the redirect's
  // Location, and checks that /session names `email`.
  std::string sign_in_with_link(TestClient& browser, const std::string& email,
                                const std::string& extra = "") {
    auto link = admin("link " + quoted(email) + " --json" + extra);
    EXPECT_EQ(link.exit_code, 0) << link.out << link.err;
    if (link.exit_code != 0) return "";
    json::value made = link.parsed();
    const std::string url = json::value_to<std::string>(made.at("url"));
    token_ = query_param(url, "token").value_or("");
    EXPECT_FALSE(token_.empty()) << url;
    EXPECT_EQ(link.err.find(token_), std::string::npos) << "the log holds the token: " << link.err;
    EXPECT_NE(link.err.find("admin command run: link"), std::string::npos) << link.err;
    auto opened = browser.get(local_target(url, origin_));
    EXPECT_EQ(opened.status, 302) << opened.body;
    EXPECT_EQ(session_email(browser), json::value_to<std::string>(made.at("email")));
    return opened.header("Location");
  }

  // The email of GET /session's user, "" when signed out.
  std::string session_email(TestClient& browser) {
    auto res = browser.get("/api/auth/session");
    EXPECT_EQ(res.status, 200) << res.body;
    boost::system::error_code ec;
    json::value value = json::parse(res.body, ec);
    if (ec || !value.is_object() || !value.as_object().contains("user")) return "";
    return json::value_to<std::string>(value.at("user").at("email"));
  }

  // The number `sql` (a SELECT count(*)) answers on the server's database.
  long count_rows(const std::string& sql) {
    if (GetParam() == Backend::postgres) {
      return std::stol("0" + postgres_query(env_["DATABASE_URL"], sql));
    }
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    long count = -1;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      count = sqlite3_column_int64(statement, 0);
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return count;
  }

  std::string origin_;
  std::string db_path_;  // SQLite only
  std::string token_;    // the raw token of the last link made
  std::map<std::string, std::string> env_;
  std::unique_ptr<LinkgateProcess> server_;
};

TEST_P(AdminCommands, LinkSignsInAndLandsOnTheCallbackUrl) {
  TestClient browser = client();
  const std::string landed = sign_in_with_link(browser, "Jane@Example.com", "");
  EXPECT_EQ(landed, origin_);
  TestClient second = client();
  EXPECT_EQ(sign_in_with_link(second, "jane@example.com", " --callback-url /dashboard"),
            origin_ + "/dashboard");
  // A link is used once.
  TestClient third = client();
  auto reused =
      third.get("/api/auth/callback/outbox?token=" + token_ + "&email=jane%40example.com");
  EXPECT_EQ(reused.status, 302);
  EXPECT_EQ(session_email(third), "");
  EXPECT_EQ(server_->logs().find(token_), std::string::npos) << "the server log holds the token";

  auto human = admin("link ann@example.com");
  ASSERT_EQ(human.exit_code, 0) << human.out << human.err;
  EXPECT_TRUE(human.out.starts_with(origin_ + "/api/auth/callback/outbox?callbackUrl="))
      << human.out;
  EXPECT_NE(human.out.find("for ann@example.com"), std::string::npos) << human.out;
}

TEST_P(AdminCommands, LinkRefusesABadAddressOrCallbackUrl) {
  auto bad_email = admin("link not-an-address --json");
  EXPECT_EQ(bad_email.exit_code, 2) << bad_email.out << bad_email.err;
  EXPECT_EQ(bad_email.parsed().at("error").at("kind"), "invalid_input");
  EXPECT_NE(bad_email.err.find("not a valid email address"), std::string::npos) << bad_email.err;
  for (const char* url : {"https://evil.example/", "//evil.example/x", "javascript:alert(1)"}) {
    auto refused = admin(std::string("link jane@example.com --callback-url ") + quoted(url));
    EXPECT_EQ(refused.exit_code, 2) << url << ": " << refused.out << refused.err;
    EXPECT_NE(refused.err.find("callback URL is not allowed"), std::string::npos) << refused.err;
  }
}

TEST_P(AdminCommands, UsersListShowsTheUsers) {
  auto empty = admin("users list --json");
  ASSERT_EQ(empty.exit_code, 0) << empty.out << empty.err;
  EXPECT_TRUE(empty.parsed().at("users").as_array().empty());
  TestClient jane = client();
  sign_in_with_link(jane, "jane@example.com");
  TestClient ann = client();
  sign_in_with_link(ann, "ann@example.com");

  auto all = admin("users list --json");
  ASSERT_EQ(all.exit_code, 0) << all.out << all.err;
  const json::value listed = all.parsed();
  const auto& users = listed.at("users").as_array();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].at("email"), "jane@example.com");
  EXPECT_EQ(users[1].at("email"), "ann@example.com");
  EXPECT_TRUE(users[0].at("email_verified").is_string());

  auto one = admin("users list --email ANN@example.com --json");
  ASSERT_EQ(one.exit_code, 0) << one.out << one.err;
  ASSERT_EQ(one.parsed().at("users").as_array().size(), 1u);
  EXPECT_EQ(one.parsed().at("users").at(0).at("id"), users[1].at("id"));
  // Its audit line names the address by its keyed hash, as `linkgate audit-hash` makes it, and
  // never in plain.
  auto hash = admin("audit-hash ann@example.com");
  ASSERT_EQ(hash.exit_code, 0) << hash.err;
  const std::string ann_hash = hash.out.substr(0, hash.out.find_first_of(" \n"));
  ASSERT_EQ(ann_hash.size(), 32u) << hash.out;
  EXPECT_NE(one.err.find("event=admin_command outcome=success email_hash=" + ann_hash +
                         " command=\"users list\""),
            std::string::npos)
      << one.err;
  EXPECT_EQ(one.err.find("ann@example.com"), std::string::npos) << one.err;

  auto human = admin("users list");
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find("jane@example.com  verified "), std::string::npos) << human.out;
  EXPECT_NE(human.out.find("2 users\n"), std::string::npos) << human.out;
  EXPECT_NE(human.err.find("admin command run: users list (ok)"), std::string::npos) << human.err;
  // And its audit line (docs/operations.md#audit-events).
  EXPECT_NE(human.err.find("audit event=admin_command outcome=success command=\"users list\""),
            std::string::npos)
      << human.err;

  auto bad = admin("users list --email 'a b@example.com'");
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
}

TEST_P(AdminCommands, SessionsRevokeSignsTheUserOut) {
  TestClient jane = client();
  sign_in_with_link(jane, "jane@example.com");
  TestClient jane_elsewhere = client();
  sign_in_with_link(jane_elsewhere, "jane@example.com");
  TestClient ann = client();
  sign_in_with_link(ann, "ann@example.com");

  auto revoked = admin("sessions revoke jane@example.com --json");
  ASSERT_EQ(revoked.exit_code, 0) << revoked.out << revoked.err;
  EXPECT_EQ(revoked.parsed().at("sessions_revoked"), 2);
  EXPECT_EQ(session_email(jane), "");
  EXPECT_EQ(session_email(jane_elsewhere), "");
  EXPECT_EQ(session_email(ann), "ann@example.com");
  // One session.deleted event per revoked session, in the outbox of webhook events.
  EXPECT_EQ(count_rows("SELECT count(*) FROM webhook_events WHERE type = 'session.deleted' AND "
                       "payload LIKE '%\"source\":%\"admin\"%'"),
            2);

  auto again = admin("sessions revoke jane@example.com");
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(again.out, "revoked 0 database sessions of jane@example.com\n");
  auto unknown = admin("sessions revoke nobody@example.com --json");
  EXPECT_EQ(unknown.exit_code, 1) << unknown.out << unknown.err;
  EXPECT_EQ(unknown.parsed().at("error").at("kind"), "not_found");
}

TEST_P(AdminCommands, UsersDeleteRemovesTheUserAndSignsThemOut) {
  TestClient jane = client();
  sign_in_with_link(jane, "jane@example.com");
  // A link made and not used yet goes too.
  auto pending = admin("link jane@example.com --json");
  ASSERT_EQ(pending.exit_code, 0) << pending.err;
  const std::string pending_url = json::value_to<std::string>(pending.parsed().at("url"));

  auto deleted = admin("users delete jane@example.com --json");
  ASSERT_EQ(deleted.exit_code, 0) << deleted.out << deleted.err;
  const json::value report = deleted.parsed();
  const auto& rows = report.at("deleted").as_array();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("user").at("email"), "jane@example.com");
  EXPECT_EQ(rows[0].at("sessions"), 1);
  EXPECT_EQ(rows[0].at("verification_tokens"), 1);
  EXPECT_EQ(session_email(jane), "");
  TestClient late = client();
  auto used = late.get(local_target(pending_url, origin_));
  EXPECT_EQ(used.status, 302);
  EXPECT_EQ(session_email(late), "");

  auto list = admin("users list --json");
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_TRUE(list.parsed().at("users").as_array().empty());
  auto again = admin("users delete jane@example.com");
  EXPECT_EQ(again.exit_code, 1) << again.out << again.err;
  EXPECT_NE(again.err.find("no user has the address jane@example.com"), std::string::npos)
      << again.err;
}

TEST_P(AdminCommands, AStoreThatIsDownExitsThree) {
  auto env = env_;
  env["DATABASE_URL"] = GetParam() == Backend::sqlite
                            ? "sqlite:///nonexistent-dir/linkgate.db"
                            : "postgres://linkgate@127.0.0.1:1/linkgate?connect_timeout=2";
  for (const char* command : {"users list --json", "users delete jane@example.com",
                              "sessions revoke jane@example.com", "link jane@example.com"}) {
    auto run = run_admin(command, env);
    EXPECT_EQ(run.exit_code, 3) << command << ": " << run.out << run.err;
    EXPECT_NE(run.err.find("linkgate "), std::string::npos) << run.err;
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, AdminCommands,
                         ::testing::Values(Backend::sqlite, Backend::postgres), backend_name);

}  // namespace
}  // namespace linkgate::testing
