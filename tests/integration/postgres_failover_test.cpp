// A PostgreSQL failover under a running linkgate, over real HTTP: a primary with a synchronous
// streaming standby (tests/pg/start_standby.sh), linkgate on the multi-host URL
// (target_session_attrs=read-write, host names it resolves itself), a driver that keeps signing
// in through the dev outbox and checking sessions; the primary is killed (pg_ctl stop -m
// immediate) and, a second later, the standby promoted. Checked: /readyz answers 503 in the gap
// and 200 after it; no request ever fails with anything but 503 and Retry-After, none waits past
// a bound, service comes back within seconds of the promotion without a restart, every session
// answered before or during the failover is still there with its user afterwards, every link
// answered with 302 to verify-request still signs in exactly once, and a JWT node keeps answering
// its sessions throughout. The figures (requests failed, for how long) are printed for
// docs/deployment.md.
#include "integration/harness.hpp"
#include "integration/postgres_harness.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

namespace linkgate::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kPublicUrl = "http://auth.linkgate.test/api/auth";
constexpr const char* kPublicOrigin = "http://auth.linkgate.test";
constexpr const char* kVerifyRequest =
    "http://auth.linkgate.test/api/auth/verify-request?provider=outbox&type=email";

bool run_script(const std::string& command) {
  return std::system(command.c_str()) == 0;
}

// The first column of the first row of `sql` on `url`, or "" on any failure (the database may be
// failing over).
std::string try_query(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  std::string value;
  if (PQstatus(conn) == CONNECTION_OK) {
    PGresult* result = PQexec(conn, sql.c_str());
    if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) > 0) {
      value = PQgetvalue(result, 0, 0);
    }
    PQclear(result);
  }
  PQfinish(conn);
  return value;
}

// A primary and its synchronous standby, removed on destruction.
class ReplicatedClusters {
 public:
  ReplicatedClusters() : dir_(make_temp_dir()) {
    const std::string scripts = postgres_scripts_dir();
    // Every commit waits for the standby (start_standby.sh sets synchronous_standby_names).
    ok_ = run_script("LINKGATE_PG_EXTRA_OPTIONS='-c synchronous_commit=on' " + scripts +
                     "/start_cluster.sh '" + primary() + "' >/dev/null") &&
          run_script(scripts + "/start_standby.sh '" + primary() + "' '" + standby() +
                     "' >/dev/null");
  }
  ~ReplicatedClusters() {
    for (const auto& dir : {primary(), standby()}) {
      run_script(postgres_scripts_dir() + "/stop_cluster.sh '" + dir + "'");
    }
  }
  ReplicatedClusters(const ReplicatedClusters&) = delete;
  ReplicatedClusters& operator=(const ReplicatedClusters&) = delete;

  bool ok() const { return ok_; }
  std::string primary() const { return dir_ + "/primary"; }
  std::string standby() const { return dir_ + "/standby"; }
  bool control(const std::string& dir, const std::string& action) {
    return run_script(postgres_scripts_dir() + "/cluster_ctl.sh '" + dir + "' " + action);
  }

 private:
  std::string dir_;
  bool ok_ = false;
};

std::string port_of(const std::string& url) {
  const auto colon = url.rfind(':');
  return url.substr(colon + 1, url.find('/', colon) - colon - 1);
}

// postgres://user:password@localhost:P1,localhost:P2/database?target_session_attrs=read-write
std::string multi_host_url(const std::string& primary_url, const std::string& standby_url) {
  const auto at = primary_url.find('@');
  const auto slash = primary_url.find('/', at);
  return primary_url.substr(0, at + 1) + "localhost:" + port_of(primary_url) +
         ",localhost:" + port_of(standby_url) + primary_url.substr(slash) +
         "?target_session_attrs=read-write";
}

struct Outcome {
  Clock::time_point at;
  std::chrono::milliseconds took;
  int status;
  std::string what;  // "signin", "callback", "session"
  bool failed;       // 503 (or anything else that is not the answer of a working service)
};

// A user's sign-in as the driver saw it.
struct SignIn {
  std::string email;
  bool link_sent = false;      // POST /signin answered 302 to verify-request
  bool link_used = false;      // the driver followed the link (answered or not)
  std::string session_cookie;  // set when the callback answered with a session
};

TEST(PostgresFailover, PromotedStandbyTakesOverWithinSecondsAndNothingAcknowledgedIsLost) {
  ReplicatedClusters clusters;
  ASSERT_TRUE(clusters.ok()) << "could not start the primary and its synchronous standby";
  const std::string primary_url = postgres_cluster_url(clusters.primary());
  const std::string standby_url = postgres_cluster_url(clusters.standby());
  ASSERT_FALSE(migrated_postgres_url(primary_url).empty());
  const std::string url = multi_host_url(primary_url, standby_url);

  const auto node_env = [&](const std::string& strategy) {
    return std::map<std::string, std::string>{
        {"DATABASE_URL", url},
        {"AUTH_SECRET", "failover-secret-of-every-node-0123456789"},
        {"AUTH_URL", kPublicUrl},
        {"AUTH_SESSION_STRATEGY", strategy},
        {"DATABASE_POOL_SIZE", "4"},
        // The limits stay on (their counters are store writes too), high enough for the driver.
        {"LINKGATE_RATE_LIMIT_IP", "100000/1m"},
        {"LINKGATE_RATE_LIMIT_GLOBAL", "100000/1m"}};
  };
  LinkgateProcess node(node_env("database"));
  LinkgateProcess jwt_node(node_env("jwt"));
  ASSERT_FALSE(node.failed()) << node.logs();
  ASSERT_FALSE(jwt_node.failed()) << jwt_node.logs();

  // A JWT session, made before the failover: it needs no store to be read.
  TestClient jwt_browser(jwt_node.host(), jwt_node.port());
  ASSERT_EQ(request_link(jwt_browser, "outbox", "jwt@example.com").status, 302);
  const std::string jwt_link =
      json::value_to<std::string>(newest_outbox_message(jwt_browser)["url"]);
  ASSERT_EQ(jwt_browser.get(local_target(jwt_link, kPublicOrigin)).status, 302);
  ASSERT_TRUE(session_json(jwt_browser).is_object());

  std::mutex mutex;
  std::vector<Outcome> outcomes;
  std::vector<SignIn> sign_ins;
  int jwt_failures = 0;
  std::atomic<bool> stop{false};
  const auto record = [&](Clock::time_point start, const HttpResponse& res, std::string what,
                          bool failed) {
    const std::lock_guard<std::mutex> lock(mutex);
    outcomes.push_back(
        Outcome{start, std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start),
                res.status, std::move(what), failed});
  };
  // Every answer is either the working service's or 503 with Retry-After; anything else (a 500,
  // the Configuration error page) is a defect, counted apart.
  int wrong_answers = 0;
  std::string wrong_example;
  const auto failure = [&](const HttpResponse& res) {
    if (res.status == 503 && res.header("retry-after") == "5") return true;
    const std::lock_guard<std::mutex> lock(mutex);
    ++wrong_answers;
    wrong_example = std::to_string(res.status) + " " + res.header("location") + " " + res.body;
    return true;
  };

  std::thread driver([&] {
    for (int i = 0; !stop; ++i) {
      SignIn signed_in;
      signed_in.email = "user" + std::to_string(i) + "@failover.example";
      TestClient browser(node.host(), node.port());
      auto start = Clock::now();
      auto asked = request_link(browser, "outbox", signed_in.email);
      signed_in.link_sent = asked.status == 302 && asked.header("location") == kVerifyRequest;
      // The dev outbox is this test's email provider and lives in the database: a sign-in whose
      // token was written just before the kill, and whose email then could not be, is answered
      // as any provider failure is, with Auth.js's EmailSignin error (the link was never sent).
      const bool email_lost_to_kill =
          asked.status == 302 &&
          asked.header("location") == std::string(kPublicUrl) + "/signin?error=EmailSignin";
      record(start, asked, "signin",
             !signed_in.link_sent && (email_lost_to_kill || failure(asked)));
      // Every third link is kept for after the failover; the others are followed at once.
      if (signed_in.link_sent && i % 3 != 0) {
        const std::string link = try_query(
            url, "SELECT url FROM linkgate_outbox WHERE \"to\" = '" + signed_in.email + "'");
        if (!link.empty()) {
          signed_in.link_used = true;
          start = Clock::now();
          auto callback = browser.get(local_target(link, kPublicOrigin));
          const bool ok = callback.status == 302 && callback.header("location") == kPublicOrigin &&
                          browser.cookies.count("authjs.session-token") == 1;
          record(start, callback, "callback", !ok && failure(callback));
          if (ok) signed_in.session_cookie = browser.cookies.at("authjs.session-token");
        }
      }
      if (!signed_in.session_cookie.empty()) {
        start = Clock::now();
        auto session = browser.get("/api/auth/session");
        record(start, session, "session",
               session.status != 200 || session.body.find(signed_in.email) == std::string::npos
                   ? failure(session)
                   : false);
      }
      auto jwt_session = jwt_browser.get("/api/auth/session");
      {
        const std::lock_guard<std::mutex> lock(mutex);
        if (jwt_session.status != 200 ||
            jwt_session.body.find("jwt@example.com") == std::string::npos) {
          ++jwt_failures;
        }
        sign_ins.push_back(std::move(signed_in));
      }
      std::this_thread::sleep_for(20ms);
    }
  });

  std::this_thread::sleep_for(2s);
  const auto killed = Clock::now();
  ASSERT_TRUE(clusters.control(clusters.primary(), "kill"));
  // In the gap, /readyz says the node is not ready (a load balancer takes it out); it asks the
  // store with a bound of its own, so it answers within the gap.
  std::this_thread::sleep_for(200ms);
  TestClient probe(node.host(), node.port());
  const auto readyz_in_gap = probe.get("/readyz");
  std::this_thread::sleep_until(killed + 1s);
  const auto promote_asked = Clock::now();
  const bool promoted = clusters.control(clusters.standby(), "promote");
  const auto promoted_at = Clock::now();
  std::this_thread::sleep_for(4s);
  stop = true;
  driver.join();
  ASSERT_TRUE(promoted);
  EXPECT_EQ(readyz_in_gap.status, 503) << readyz_in_gap.body;
  EXPECT_LT(promote_asked - killed, 2s) << "/readyz took too long to answer in the gap";
  const auto readyz_after = probe.get("/readyz");
  EXPECT_EQ(readyz_after.status, 200) << readyz_after.body;

  // The figures.
  int failed = 0;
  Clock::time_point first_failure = Clock::time_point::max(), last_failure{};
  Clock::time_point first_success_after_promotion = Clock::time_point::max();
  std::chrono::milliseconds slowest{0};
  for (const auto& o : outcomes) {
    slowest = std::max(slowest, o.took);
    if (o.failed) {
      ++failed;
      first_failure = std::min(first_failure, o.at);
      last_failure = std::max(last_failure, o.at + o.took);
    } else if (o.at >= promoted_at) {
      first_success_after_promotion = std::min(first_success_after_promotion, o.at);
    }
  }
  const auto ms = [](auto d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  std::cout << "failover: " << outcomes.size() << " requests, " << failed
            << " answered 503; failures from " << ms(first_failure - killed) << " ms to "
            << ms(last_failure - killed) << " ms after the kill; promotion took "
            << ms(promoted_at - promote_asked) << " ms (asked " << ms(promote_asked - killed)
            << " ms after the kill); first success "
            << ms(first_success_after_promotion - promoted_at)
            << " ms after the promotion; slowest answer " << slowest.count() << " ms\n";

  EXPECT_EQ(wrong_answers, 0) << "e.g. " << wrong_example << node.logs();
  EXPECT_GT(failed, 0) << "the driver never saw the failover";
  EXPECT_LT(last_failure - killed, promoted_at - killed + 3s) << "service came back late";
  EXPECT_LT(slowest, 5s);
  EXPECT_EQ(jwt_failures, 0);
  EXPECT_TRUE(node.running());
  EXPECT_EQ(node.logs().find("linkgate-test-password"), std::string::npos);

  // Afterwards, on the promoted standby: every session still there with its user, every link
  // that was sent and not followed signs in exactly once.
  int sessions = 0, kept_links = 0;
  for (const auto& s : sign_ins) {
    if (!s.session_cookie.empty()) {
      ++sessions;
      TestClient browser(node.host(), node.port());
      browser.cookies["authjs.session-token"] = s.session_cookie;
      auto session = browser.get("/api/auth/session");
      EXPECT_EQ(session.status, 200) << s.email;
      EXPECT_NE(session.body.find("\"email\":\"" + s.email + "\""), std::string::npos)
          << s.email << ": " << session.body;
    }
    if (s.link_sent && !s.link_used) {
      ++kept_links;
      const std::string link = postgres_query(
          standby_url, "SELECT url FROM linkgate_outbox WHERE \"to\" = '" + s.email + "'");
      ASSERT_FALSE(link.empty()) << s.email << ": the outbox lost the link";
      TestClient browser(node.host(), node.port());
      auto first = browser.get(local_target(link, kPublicOrigin));
      EXPECT_EQ(first.status, 302) << s.email;
      EXPECT_EQ(first.header("location"), kPublicOrigin) << s.email;
      EXPECT_EQ(browser.cookies.count("authjs.session-token"), 1u) << s.email;
      TestClient again(node.host(), node.port());
      auto second = again.get(local_target(link, kPublicOrigin));
      EXPECT_EQ(
          second.header("location").rfind(std::string(kPublicUrl) + "/error?error=Verification", 0),
          0u)
          << s.email << ": " << second.header("location");
    }
  }
  std::cout << "failover: " << sessions << " sessions and " << kept_links
            << " unused links checked after the promotion\n";
  EXPECT_GT(sessions, 10);
  EXPECT_GT(kept_links, 5);
}

}  // namespace
}  // namespace linkgate::testing
