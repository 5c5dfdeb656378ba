// Prometheus metrics over real HTTP (issue 22): LINKGATE_METRICS_ADDR serves GET /metrics on a
// listener of its own; traffic moves the counters it should; Debian's `promtool check metrics`
// accepts the text; the public port answers /metrics with 404; with the setting unset there is no
// second listener at all.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "integration/harness.hpp"
#include "integration/postgres_harness.hpp"
#include "support/fake_http_server.hpp"
#include "support/fake_providers.hpp"

namespace linkgate::testing {
namespace {

// The port the server printed for its metrics ("linkgate metrics at http://127.0.0.1:N/metrics").
int metrics_port(const LinkgateProcess& process) {
  std::smatch match;
  const std::string logs = process.logs();
  if (!std::regex_search(logs, match, std::regex("metrics at http://127\\.0\\.0\\.1:([0-9]+)/"))) {
    return 0;
  }
  return std::stoi(match[1]);
}

// The value of one sample line (`name{labels}` exactly as printed), or -1 when it is missing.
double sample(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return -1;
}

// The TCP ports process `pid` listens on: its socket descriptors matched against the kernel's
// tables of listening sockets.
std::set<int> listening_ports(pid_t pid) {
  std::set<std::string> inodes;
  const std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
  for (const auto& entry : std::filesystem::directory_iterator(fd_dir)) {
    std::error_code ec;
    const std::string target = std::filesystem::read_symlink(entry.path(), ec).string();
    if (!ec && target.starts_with("socket:[")) inodes.insert(target.substr(8, target.size() - 9));
  }
  std::set<int> ports;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream file(table);
    std::string line;
    std::getline(file, line);  // the header
    while (std::getline(file, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
          timeout >> inode;
      if (state == "0A" && inodes.count(inode)) {
        ports.insert(std::stoi(local.substr(local.rfind(':') + 1), nullptr, 16));
      }
    }
  }
  return ports;
}

// `promtool check metrics` on `text`: its exit status and what it printed.
std::pair<int, std::string> promtool_check(const std::string& text) {
  const std::string path = make_temp_dir() + "/scrape.txt";
  std::ofstream(path) << text;
  FILE* pipe = popen(("promtool check metrics < " + path + " 2>&1").c_str(), "r");
  std::string output;
  if (!pipe) return {-1, "popen failed"};
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST(Metrics, TrafficMovesTheCountersAndPromtoolAcceptsTheText) {
  RunningServer server({{"LINKGATE_METRICS_ADDR", "127.0.0.1:0"},
                        {"LINKGATE_RATE_LIMITS", "on"},
                        {"LINKGATE_RATE_LIMIT_IDENTIFIER", "1/15m"}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  const int port = metrics_port(server.process());
  ASSERT_GT(port, 0) << server.process().logs();
  ASSERT_NE(port, server.process().port());
  TestClient scraper("127.0.0.1", port);
  const std::string before = scraper.get("/metrics").body;

  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", "metrics@example.com").status, 302);
  const std::string link = local_target(
      boost::json::value_to<std::string>(newest_outbox_message(browser)["url"]), server.origin());
  ASSERT_FALSE(link.empty());
  EXPECT_EQ(browser.get(link).status, 302);
  EXPECT_FALSE(session_json(browser).is_null());
  EXPECT_EQ(browser.get(link).status, 302);  // the same link again: reused
  EXPECT_EQ(browser.get("/no/such/path").status, 404);
  EXPECT_EQ(browser.get("/metrics").status, 404);  // never on the public port
  // The identifier limit (1 per 15 minutes) answers the second request as a success.
  ASSERT_EQ(request_link(browser, "outbox", "metrics@example.com").status, 302);
  EXPECT_EQ(browser.get("/healthz").status, 200);
  // A forged link, an expired one, and a sign-in without a valid CSRF pair.
  EXPECT_EQ(
      browser.get("/api/auth/callback/outbox?token=forged&email=metrics%40example.com").status,
      302);
  ASSERT_EQ(request_link(browser, "outbox", "expired@example.com").status, 302);
  const std::string expired = local_target(
      boost::json::value_to<std::string>(newest_outbox_message(browser)["url"]), server.origin());
  exec_sql(server.db_path(), "UPDATE verification_token SET expires = 1000");
  EXPECT_EQ(browser.get(expired).status, 302);
  browser.csrf_token();
  EXPECT_EQ(browser
                .post_form("/api/auth/signin/outbox",
                           {{"email", "csrf@example.com"}, {"csrfToken", std::string(64, 'a')}})
                .status,
            302);

  auto scraped = scraper.get("/metrics");
  ASSERT_EQ(scraped.status, 200);
  EXPECT_EQ(scraped.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = scraped.body;
  auto moved = [&](const std::string& series) {
    return sample(text, series) - std::max(0.0, sample(before, series));
  };
  EXPECT_EQ(moved(R"(linkgate_http_requests_total{route="signin",status="3xx"})"), 4);
  EXPECT_EQ(moved(R"(linkgate_http_requests_total{route="callback",status="3xx"})"), 4);
  EXPECT_EQ(moved(R"(linkgate_http_requests_total{route="session",status="2xx"})"), 1);
  EXPECT_EQ(moved(R"(linkgate_http_requests_total{route="other",status="4xx"})"), 2);
  EXPECT_EQ(moved(R"(linkgate_http_requests_total{route="healthz",status="2xx"})"), 1);
  EXPECT_GE(moved(R"(linkgate_http_requests_total{route="csrf",status="2xx"})"), 2);
  EXPECT_EQ(moved(R"(linkgate_http_request_duration_seconds_count{route="callback"})"), 4);
  // The sign-in funnel, counted from the audit events.
  EXPECT_EQ(moved("linkgate_sign_in_links_requested_total"), 2);
  EXPECT_EQ(moved(R"(linkgate_sign_in_emails_total{outcome="sent"})"), 2);
  EXPECT_EQ(moved(R"(linkgate_sign_in_emails_total{outcome="failed"})"), 0);
  EXPECT_EQ(moved(R"(linkgate_sign_in_rate_limited_total{limit="identifier"})"), 1);
  EXPECT_EQ(moved(R"(linkgate_sign_in_rate_limited_total{limit="ip"})"), 0);
  EXPECT_EQ(moved(R"(linkgate_sign_ins_total{user="new"})"), 1);
  EXPECT_EQ(moved(R"(linkgate_sign_ins_total{user="existing"})"), 0);
  EXPECT_EQ(moved(R"(linkgate_sign_in_failures_total{reason="unknown_token"})"), 1);
  EXPECT_EQ(moved(R"(linkgate_sign_in_failures_total{reason="reused"})"), 1);
  EXPECT_EQ(moved(R"(linkgate_sign_in_failures_total{reason="expired"})"), 1);
  EXPECT_EQ(moved("linkgate_csrf_failures_total"), 1);
  EXPECT_GT(sample(text, R"(linkgate_http_request_duration_seconds_sum{route="callback"})"), 0);
  EXPECT_EQ(sample(text, R"(linkgate_build_info{version=")" LINKGATE_TEST_VERSION R"("})"), 1)
      << text;
  EXPECT_GT(sample(text, "process_resident_memory_bytes"), 1e6);
  EXPECT_GT(sample(text, "process_open_fds"), 3);
  EXPECT_GT(sample(text, "process_start_time_seconds"), 1.7e9);
  // The public port's paths never become labels.
  EXPECT_EQ(text.find("/no/such/path"), std::string::npos);

  const auto [status, output] = promtool_check(text);
  EXPECT_EQ(status, 0) << "promtool check metrics (Debian package prometheus, `make test-deps`): "
                       << output;

  EXPECT_EQ(scraper.get("/other").status, 404);
  EXPECT_EQ(scraper.post_form("/metrics", {}).status, 405);
  EXPECT_EQ(listening_ports(server.process().pid()),
            (std::set<int>{server.process().port(), port}));
}

// Emails by provider and outcome with their retries, and PostgreSQL's statement latency and pool.
TEST(Metrics, EmailsRetriesAndTheStoreOnPostgres) {
  const std::string url = migrated_postgres_url();
  ASSERT_FALSE(url.empty());
  FakePostmark postmark("pm-key");
  RunningServer server({{"LINKGATE_METRICS_ADDR", "127.0.0.1:0"},
                        {"DATABASE_URL", url},
                        {"DATABASE_POOL_SIZE", "3"},
                        {"AUTH_POSTMARK_KEY", "pm-key"},
                        {"AUTH_POSTMARK_API_URL", postmark.base_url()},
                        {"LINKGATE_EMAIL_RETRY_BASE_MS", "50"},
                        // Nothing answers there: the sign-in's events stay pending.
                        {"LINKGATE_WEBHOOK_URL", "http://127.0.0.1:1/hook"},
                        {"LINKGATE_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
                        {"LINKGATE_WEBHOOK_RETRY_SCHEDULE", "1h"}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient scraper("127.0.0.1", metrics_port(server.process()));
  TestClient browser = server.client();

  postmark.fail_next(503, 1);  // retried, then sent
  ASSERT_EQ(request_link(browser, "postmark", "first@example.com").status, 302);
  ASSERT_TRUE(postmark.wait_for_messages(1));
  postmark.fail_next(422, 1);  // not retryable: failed
  ASSERT_EQ(request_link(browser, "postmark", "second@example.com").status, 302);
  const std::string link = local_target(postmark.messages()[0].link, server.origin());
  ASSERT_FALSE(link.empty()) << postmark.messages()[0].link;
  EXPECT_EQ(browser.get(link).status, 302);
  EXPECT_FALSE(session_json(browser).is_null());

  const std::string text = scraper.get("/metrics").body;
  EXPECT_EQ(sample(text, R"(linkgate_emails_total{provider="postmark",outcome="sent"})"), 1)
      << text;
  EXPECT_EQ(sample(text, R"(linkgate_emails_total{provider="postmark",outcome="failed"})"), 1);
  EXPECT_EQ(sample(text, R"(linkgate_email_retries_total{provider="postmark"})"), 1);
  for (const char* operation :
       {"create_verification_token", "redeem_link", "get_session_and_user"}) {
    const std::string series =
        std::string("linkgate_store_statement_duration_seconds_count{operation=\"") + operation +
        "\"}";
    EXPECT_GE(sample(text, series), 1) << series;
  }
  EXPECT_EQ(sample(text, "linkgate_store_pool_size"), 3);
  EXPECT_GE(sample(text, R"(linkgate_store_pool_connections{state="open"})"), 1);
  EXPECT_EQ(sample(text, R"(linkgate_store_pool_connections{state="in_use"})"), 0);
  EXPECT_EQ(sample(text, "linkgate_store_pool_waiting"), 0);
  EXPECT_GE(sample(text, R"(linkgate_webhook_events{state="pending"})"), 1) << text;
  EXPECT_EQ(sample(text, R"(linkgate_webhook_events{state="failed"})"), 0);
  const auto [status, output] = promtool_check(text);
  EXPECT_EQ(status, 0) << output;
}

// Scrapes until `done` holds for the text (at most 20 s); returns the last text.
template <class Done>
std::string scrape_until(TestClient& scraper, Done done) {
  std::string text;
  for (int i = 0; i < 200; ++i) {
    text = scraper.get("/metrics").body;
    if (done(text)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return text;
}

// Webhook tries by outcome: a receiver answers 503 to every try of a first sign-in's events (each
// tried again once, then kept as failed), then 204 to those of a second sign-in.
TEST(Metrics, WebhookTriesByOutcome) {
  std::atomic<bool> accept{false};
  std::atomic<int> accepted{0};
  std::atomic<int> refused{0};
  FakeHttpServer receiver([&](const RecordedRequest&) {
    if (accept) {
      ++accepted;
      FakeResponse answer;
      answer.status = 204;
      return answer;
    }
    ++refused;
    FakeResponse answer;
    answer.status = 503;
    return answer;
  });
  RunningServer server({{"LINKGATE_METRICS_ADDR", "127.0.0.1:0"},
                        {"LINKGATE_WEBHOOK_URL", receiver.base_url() + "/hook"},
                        {"LINKGATE_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
                        {"LINKGATE_WEBHOOK_RETRY_SCHEDULE", "200ms"}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient scraper("127.0.0.1", metrics_port(server.process()));
  TestClient browser = server.client();
  const auto sign_in = [&](const std::string& email) {
    ASSERT_EQ(request_link(browser, "outbox", email).status, 302);
    const std::string link = local_target(
        boost::json::value_to<std::string>(newest_outbox_message(browser)["url"]), server.origin());
    ASSERT_FALSE(link.empty());
    ASSERT_EQ(browser.get(link).status, 302);
  };
  const std::string pending = R"(linkgate_webhook_events{state="pending"})";
  const std::string failed = R"(linkgate_webhook_events{state="failed"})";
  const std::string delivered_tries = R"(linkgate_webhook_tries_total{outcome="delivered"})";
  const std::string retry_tries = R"(linkgate_webhook_tries_total{outcome="retry"})";
  const std::string failed_tries = R"(linkgate_webhook_tries_total{outcome="failed"})";
  const std::string tries_timed = "linkgate_webhook_try_duration_seconds_count";

  sign_in("tries-a@example.com");
  std::string text = scrape_until(scraper, [&](const std::string& t) {
    return sample(t, pending) == 0 && sample(t, failed) >= 1;
  });
  const double failed_events = sample(text, failed);
  ASSERT_GE(failed_events, 1) << text;
  EXPECT_EQ(sample(text, pending), 0);
  EXPECT_EQ(sample(text, retry_tries), failed_events);
  EXPECT_EQ(sample(text, failed_tries), failed_events);
  EXPECT_EQ(sample(text, delivered_tries), 0);
  EXPECT_EQ(refused.load(), 2 * failed_events);

  accept = true;
  browser.cookies.clear();
  sign_in("tries-b@example.com");
  text = scrape_until(scraper, [&](const std::string& t) {
    return sample(t, pending) == 0 && sample(t, delivered_tries) >= 1;
  });
  EXPECT_EQ(sample(text, pending), 0) << text;
  EXPECT_GE(accepted.load(), 1);
  EXPECT_EQ(sample(text, delivered_tries), accepted.load());
  EXPECT_EQ(sample(text, failed_tries), failed_events);
  EXPECT_EQ(sample(text, tries_timed), refused.load() + accepted.load());
  const auto [status, output] = promtool_check(text);
  EXPECT_EQ(status, 0) << output;
}

// The SQLite store's calls (the default store) in linkgate_store_statement_duration_seconds, one
// observation per call: each request moves its operations' counts by exactly one. SQLite has no
// pool series (its pool has no limit, so nobody waits for it).
TEST(Metrics, TheStoreOnSqlite) {
  RunningServer server(
      {{"LINKGATE_METRICS_ADDR", "127.0.0.1:0"}, {"AUTH_SESSION_STRATEGY", "database"}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient scraper("127.0.0.1", metrics_port(server.process()));
  TestClient browser = server.client();
  auto count = [](const std::string& text, const std::string& operation) {
    return sample(text, R"(linkgate_store_statement_duration_seconds_count{operation=")" +
                            operation + R"("})");
  };
  auto moved = [&](const std::string& before, const std::string& after,
                   const std::string& operation) {
    return count(after, operation) - count(before, operation);
  };

  const std::string started = scraper.get("/metrics").body;
  ASSERT_EQ(request_link(browser, "outbox", "store@example.com").status, 302);
  const std::string requested = scraper.get("/metrics").body;
  EXPECT_EQ(moved(started, requested, "create_verification_token"), 1) << requested;
  EXPECT_EQ(moved(started, requested, "redeem_link"), 0);

  const std::string link = local_target(
      boost::json::value_to<std::string>(newest_outbox_message(browser)["url"]), server.origin());
  ASSERT_FALSE(link.empty());
  const std::string linked = scraper.get("/metrics").body;
  EXPECT_EQ(browser.get(link).status, 302);
  const std::string signed_in = scraper.get("/metrics").body;
  EXPECT_EQ(moved(linked, signed_in, "redeem_link"), 1) << signed_in;
  EXPECT_EQ(moved(linked, signed_in, "create_verification_token"), 0);

  EXPECT_FALSE(session_json(browser).is_null());
  const std::string text = scraper.get("/metrics").body;
  EXPECT_EQ(moved(signed_in, text, "get_session_and_user"), 1) << text;
  EXPECT_EQ(moved(signed_in, text, "redeem_link"), 0);
  const std::string session_sum =
      R"(linkgate_store_statement_duration_seconds_sum{operation="get_session_and_user"})";
  EXPECT_GT(sample(text, session_sum), sample(signed_in, session_sum));
  EXPECT_EQ(
      sample(
          text,
          R"(linkgate_store_statement_duration_seconds_bucket{operation="get_session_and_user",le="+Inf"})"),
      count(text, "get_session_and_user"));
  EXPECT_EQ(text.find("linkgate_store_pool"), std::string::npos) << text;
  const auto [status, output] = promtool_check(text);
  EXPECT_EQ(status, 0) << output;
}

TEST(Metrics, NoListenerWhenUnset) {
  RunningServer server;
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  EXPECT_EQ(metrics_port(server.process()), 0);
  EXPECT_EQ(listening_ports(server.process().pid()), std::set<int>{server.process().port()});
  TestClient browser = server.client();
  EXPECT_EQ(browser.get("/metrics").status, 404);
}

TEST(Metrics, ABadAddressStopsStartupNamingTheSetting) {
  RunningServer server({{"LINKGATE_METRICS_ADDR", "localhost:9464"}});
  EXPECT_TRUE(server.process().failed());
  EXPECT_NE(server.process().logs().find("LINKGATE_METRICS_ADDR"), std::string::npos)
      << server.process().logs();
}

}  // namespace
}  // namespace linkgate::testing
