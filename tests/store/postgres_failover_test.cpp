// What a client of a failing-over PostgreSQL needs from the adapter (store/postgres/): a URL with
// several hosts tries each for its own connect timeout, so a host that swallows packets does not
// use up the others' time; a statement whose answer never comes fails at the statement timeout
// and its connection is dropped; a connection to a server that turned read-only (SQLSTATE 25006,
// a demoted primary) fails as unavailable and is replaced; and with prepared statements off
// (PgBouncer's transaction pooling) nothing is left prepared on the server.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "store/postgres/connection_pool.hpp"
#include "store/postgres/host_resolution.hpp"
#include "support/postgres_test_db.hpp"

namespace linkgate::store::postgres {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr Statement kInsertRow{"lg_test_insert_row", "INSERT INTO failover_rows VALUES ($1)"};

// A loopback socket that accepts connections and never says a word: a server whose host went
// away without closing anything, as far as a client can tell.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
    }
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { ::close(fd_); }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// The test cluster's URL with "127.0.0.1:<port>" replaced by `hosts`, plus `query` parameters.
std::string cluster_url_with_hosts(const std::string& hosts, const std::string& query = "") {
  std::string url = linkgate::testing::postgres_cluster_url();
  const auto at = url.find('@');
  const auto slash = url.find('/', at);
  EXPECT_NE(at, std::string::npos);
  if (at != std::string::npos && slash != std::string::npos) {
    url.replace(at + 1, slash - at - 1, hosts);
  }
  if (!query.empty()) url += (url.find('?') == std::string::npos ? "?" : "&") + query;
  return url;
}

std::string cluster_host_and_port() {
  const std::string url = linkgate::testing::postgres_cluster_url();
  const auto at = url.find('@');
  return url.substr(at + 1, url.find('/', at) - at - 1);
}

TEST(HostEntries, EachHostOfAListIsAnEntryWithItsAddressAndPort) {
  const auto entries = host_entries(HostList{
      .host = "db1,db1,db2", .hostaddr = "10.0.0.1,::1,10.0.0.2", .port = "5432,5432,6432"});
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[1].host, "db1");
  EXPECT_EQ(entries[1].hostaddr, "::1");
  EXPECT_EQ(entries[2].port, "6432");
  const auto one_port = host_entries(HostList{.host = "a,b", .hostaddr = "", .port = "5433"});
  ASSERT_EQ(one_port.size(), 2u);
  EXPECT_EQ(one_port[0].port, "5433");
  EXPECT_EQ(one_port[1].port, "5433");
  EXPECT_EQ(one_port[1].hostaddr, "");
}

TEST(HostEntries, ListsThatCannotBeSplitComeBackWhole) {
  const HostList single{.host = "db", .hostaddr = "", .port = "5432"};
  ASSERT_EQ(host_entries(single).size(), 1u);
  EXPECT_EQ(host_entries(single)[0].host, "db");
  const HostList mismatched{.host = "a,b", .hostaddr = "10.0.0.1", .port = ""};
  ASSERT_EQ(host_entries(mismatched).size(), 1u);
  EXPECT_EQ(host_entries(mismatched)[0].hostaddr, "10.0.0.1");
  EXPECT_EQ(host_entries(HostList{}).size(), 1u);
}

TEST(PostgresFailover, AHostThatNeverAnswersCostsOneConnectTimeoutThenTheNextIsTried) {
  SilentServer silent;
  auto settings =
      parse_connect_settings(cluster_url_with_hosts("127.0.0.1:" + std::to_string(silent.port()) +
                                                        "," + cluster_host_and_port(),
                                                    "target_session_attrs=read-write"),
                             2s);
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  const auto start = Clock::now();
  auto opened = Connection::open(*settings);
  const auto took = Clock::now() - start;
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_TRUE((*opened)->run_script("SELECT 1", "test").ok());
  EXPECT_GE(took, 2s);
  EXPECT_LT(took, 3500ms);
}

TEST(PostgresFailover, EveryHostFailingNamesEachReasonWithoutThePassword) {
  SilentServer silent;
  auto settings = parse_connect_settings(
      cluster_url_with_hosts("127.0.0.1:" + std::to_string(silent.port()) + ",127.0.0.1:1"), 2s);
  ASSERT_TRUE(settings.ok());
  auto opened = Connection::open(*settings);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().kind, "unavailable");
  const std::string& message = opened.error().message;
  EXPECT_NE(message.find("timeout expired"), std::string::npos) << message;
  EXPECT_NE(message.find("Connection refused"), std::string::npos) << message;
  EXPECT_EQ(message.find(settings->password), std::string::npos) << message;
}

TEST(PostgresFailover, AStatementWithoutAnAnswerFailsAtTheStatementTimeoutAndIsNotReused) {
  auto settings = parse_connect_settings(linkgate::testing::postgres_cluster_url(), 3s);
  ASSERT_TRUE(settings.ok());
  settings->statement_timeout = 300ms;
  ConnectionPool pool(*settings, 1, 1s);
  {
    auto lease = pool.acquire();
    ASSERT_TRUE(lease.ok()) << lease.error().message;
    const auto start = Clock::now();
    auto slept = (*lease)->run_script("SELECT pg_sleep(3)", "test");
    const auto took = Clock::now() - start;
    ASSERT_FALSE(slept.ok());
    EXPECT_EQ(slept.error().kind, "unavailable");
    EXPECT_NE(slept.error().message.find("no answer"), std::string::npos) << slept.error().message;
    EXPECT_GE(took, 300ms);
    EXPECT_LT(took, 2s);
    EXPECT_FALSE((*lease)->reusable());
  }
  // The pool's one place was freed: a new connection answers at once.
  auto next = pool.acquire();
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_TRUE((*next)->run_script("SELECT 1", "test").ok());
}

TEST(PostgresFailover, AConnectionThatTurnedReadOnlyIsUnavailableAndReplaced) {
  const std::string url = linkgate::testing::fresh_postgres_url();
  ASSERT_FALSE(url.empty());
  linkgate::testing::postgres_query(url, "CREATE TABLE failover_rows (n integer)");
  auto settings = parse_connect_settings(url, 3s);
  ASSERT_TRUE(settings.ok());
  ConnectionPool pool(*settings, 1, 1s);
  {
    auto lease = pool.acquire();
    ASSERT_TRUE(lease.ok()) << lease.error().message;
    // As a primary demoted to a standby answers every write.
    ASSERT_TRUE((*lease)->run_script("SET default_transaction_read_only = on", "test").ok());
    auto refused = (*lease)->execute(kInsertRow, Params().integer(1), "insert");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, "unavailable");
    EXPECT_NE(refused.error().message.find("25006"), std::string::npos) << refused.error().message;
    EXPECT_FALSE((*lease)->reusable());
  }
  auto next = pool.acquire();
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_TRUE((*next)->execute(kInsertRow, Params().integer(2), "insert").ok());
  EXPECT_EQ(
      linkgate::testing::postgres_query(url, "SELECT string_agg(n::text, ',') FROM failover_rows"),
      "2");
}

TEST(PostgresFailover, WithoutPreparedStatementsNothingIsLeftPreparedOnTheServer) {
  const std::string url = linkgate::testing::fresh_postgres_url();
  ASSERT_FALSE(url.empty());
  linkgate::testing::postgres_query(url, "CREATE TABLE failover_rows (n integer)");
  auto settings = parse_connect_settings(url, 3s);
  ASSERT_TRUE(settings.ok());
  settings->prepared_statements = false;
  ConnectionPool pool(*settings, 1, 1s);
  auto lease = pool.acquire();
  ASSERT_TRUE(lease.ok()) << lease.error().message;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE((*lease)->execute(kInsertRow, Params().integer(i), "insert").ok());
  }
  auto prepared = (*lease)->run_script("SELECT count(*) FROM pg_prepared_statements", "test");
  ASSERT_TRUE(prepared.ok()) << prepared.error().message;
  EXPECT_EQ(prepared->integer(0, 0), 0);
  EXPECT_EQ(linkgate::testing::postgres_query(url, "SELECT count(*) FROM failover_rows"), "3");
}

}  // namespace
}  // namespace linkgate::store::postgres
