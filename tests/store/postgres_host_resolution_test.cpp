// Host names of DATABASE_URL are looked up before libpq connects (store/postgres/
// host_resolution.hpp): the lists given to libpq, and, on the real cluster, that a slow lookup on
// a fiber leaves the event loop running.
#include "store/postgres/host_resolution.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server/loop_fiber.hpp"
#include "store/postgres/connection.hpp"
#include "support/postgres_test_db.hpp"

namespace linkgate::store::postgres {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

using Lookups = std::map<std::string, Result<std::vector<std::string>>>;

Result<std::vector<std::string>> addresses(std::vector<std::string> list) {
  return list;
}

Result<std::vector<std::string>> not_found(const std::string& name) {
  return Error{"unavailable", "could not translate host name \"" + name + "\" to an address"};
}

TEST(HostResolution, OnlyNamesAreLookedUpOnceEach) {
  const HostList hosts{"db.example,127.0.0.1,::1,/var/run/postgresql,@abstract,,db.example,other",
                       "", ""};
  EXPECT_EQ(names_to_resolve(hosts), (std::vector<std::string>{"db.example", "other"}));
}

TEST(HostResolution, AUrlThatGivesAddressesNeedsNoLookup) {
  EXPECT_TRUE(names_to_resolve({"db.example", "10.0.0.1", ""}).empty());
  EXPECT_TRUE(names_to_resolve({"", "", "5432"}).empty());
  EXPECT_TRUE(names_to_resolve({"127.0.0.1,/tmp", "", ""}).empty());
}

TEST(HostResolution, EachAddressOfANameBecomesAnEntryWithTheNamesPort) {
  const Lookups found{{"db.example", addresses({"10.0.0.1", "fd00::2"})}};
  auto listed = with_addresses({"db.example,10.0.0.5,/tmp", "", "5432,5433,5434"}, found);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_EQ(listed->host, "db.example,db.example,10.0.0.5,/tmp");
  EXPECT_EQ(listed->hostaddr, "10.0.0.1,fd00::2,,");
  EXPECT_EQ(listed->port, "5432,5432,5433,5434");
}

TEST(HostResolution, ASinglePortOrNoneStaysAsItIs) {
  const Lookups found{{"db.example", addresses({"10.0.0.1", "10.0.0.2"})}};
  auto one = with_addresses({"db.example", "", "6543"}, found);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->host, "db.example,db.example");
  EXPECT_EQ(one->hostaddr, "10.0.0.1,10.0.0.2");
  EXPECT_EQ(one->port, "6543");
  auto none = with_addresses({"db.example", "", ""}, found);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->port, "");
}

TEST(HostResolution, ANameThatDoesNotResolveIsSkippedWhileOthersRemain) {
  const Lookups found{{"bad.example", not_found("bad.example")},
                      {"db.example", addresses({"10.0.0.1"})}};
  auto listed = with_addresses({"bad.example,db.example", "", "1,2"}, found);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->host, "db.example");
  EXPECT_EQ(listed->hostaddr, "10.0.0.1");
  EXPECT_EQ(listed->port, "2");
}

TEST(HostResolution, WhenNoNameResolvesTheFirstFailureIsReturned) {
  const Lookups found{{"a.example", not_found("a.example")}, {"b.example", not_found("b.example")}};
  for (const char* list : {"a.example,b.example", "a.example,,b.example"}) {
    auto listed = with_addresses({list, "", ""}, found);
    ASSERT_FALSE(listed.ok()) << list;
    EXPECT_EQ(listed.error().kind, "unavailable");
    EXPECT_NE(listed.error().message.find("\"a.example\""), std::string::npos)
        << listed.error().message;
  }
}

TEST(HostResolution, APortListThatMatchesNoHostCountIsLeftForLibpqToReject) {
  const Lookups found{{"db.example", addresses({"10.0.0.1", "10.0.0.2"})}};
  auto listed = with_addresses({"db.example,other.example", "", "1,2,3"}, found);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->host, "db.example,other.example");
  EXPECT_EQ(listed->hostaddr, "");
  EXPECT_EQ(listed->port, "1,2,3");
}

TEST(HostResolution, GetaddrinfoAnswersLocalhostFromTheHostsFile) {
  auto found = resolve_with_getaddrinfo("localhost");
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_FALSE(found->empty());
  for (const auto& address : *found) {
    EXPECT_TRUE(address == "127.0.0.1" || address == "::1") << address;
  }
}

// ---- On the test cluster ----

// The cluster's URL with its host (127.0.0.1) replaced by `host`.
std::string cluster_url_with_host(const std::string& host) {
  std::string url = linkgate::testing::postgres_cluster_url();
  const auto at = url.find("@127.0.0.1:");
  EXPECT_NE(at, std::string::npos) << "the test cluster's URL names 127.0.0.1";
  if (at != std::string::npos) url.replace(at + 1, std::string("127.0.0.1").size(), host);
  return url;
}

// Records the names it is asked for and the threads it runs on, and answers 127.0.0.1 after
// `delay` (or `failure`, when set).
struct FakeResolver {
  std::chrono::milliseconds delay{0};
  std::optional<Error> failure;
  std::mutex mutex;
  std::vector<std::string> names;
  std::vector<std::thread::id> threads;

  ResolveHost function() {
    return [this](const std::string& name) -> Result<std::vector<std::string>> {
      {
        const std::lock_guard<std::mutex> lock(mutex);
        names.push_back(name);
        threads.push_back(std::this_thread::get_id());
      }
      std::this_thread::sleep_for(delay);
      if (failure) return *failure;
      return std::vector<std::string>{"127.0.0.1"};
    };
  }
};

struct LoopRun {
  std::optional<Response> out;
  int ticks = 0;
  std::chrono::steady_clock::duration took{};
};

asio::awaitable<void> fiber_into(std::function<Response()> work, std::optional<Response>* out) {
  *out = co_await server::run_on_loop_fiber(std::move(work));
}

// Runs `open` on a fiber of a one-thread loop that ticks every 50 ms until the fiber ends. The
// response's body is "" when the connection opened and `check` passed, else what went wrong.
LoopRun open_on_fiber(const ConnectSettings& settings,
                      std::function<std::string(Connection&)> check) {
  LoopRun run;
  asio::io_context io(1);
  const auto start = std::chrono::steady_clock::now();
  auto work = [&]() -> Response {
    auto opened = Connection::open(settings);
    run.took = std::chrono::steady_clock::now() - start;
    Response response;
    response.body = opened ? check(**opened) : opened.error().message;
    response.status = response.body.empty() ? 200 : 500;
    return response;
  };
  asio::co_spawn(io, fiber_into(work, &run.out), asio::detached);
  asio::steady_timer tick(io);
  std::function<void()> again = [&] {
    tick.expires_after(50ms);
    tick.async_wait([&](boost::system::error_code) {
      ++run.ticks;
      if (!run.out) again();
    });
  };
  again();
  io.run();
  return run;
}

TEST(HostResolutionOnTheCluster, ANameIsLookedUpOffTheLoopAndLibpqGetsItsAddress) {
  auto settings = parse_connect_settings(cluster_url_with_host("db.linkgate.test"), 5s);
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->hosts.host, "db.linkgate.test");
  FakeResolver resolver;
  resolver.delay = 800ms;
  settings->resolve_host = resolver.function();

  const auto loop_thread = std::this_thread::get_id();
  const auto run = open_on_fiber(*settings, [](Connection& connection) -> std::string {
    if (!connection.run_script("SELECT 1", "test")) return "the connection does not answer";
    if (connection.option("host") != "db.linkgate.test") return "host " + connection.option("host");
    if (connection.option("hostaddr") != "127.0.0.1") {
      return "hostaddr " + connection.option("hostaddr");
    }
    return "";
  });
  ASSERT_TRUE(run.out.has_value());
  EXPECT_EQ(run.out->status, 200) << run.out->body;
  ASSERT_EQ(resolver.names, std::vector<std::string>{"db.linkgate.test"});
  EXPECT_NE(resolver.threads.at(0), loop_thread);
  // The loop went on ticking through the lookup: a blocking lookup would allow no tick at all.
  EXPECT_GE(run.took, 800ms);
  EXPECT_GE(run.ticks, 10);
}

TEST(HostResolutionOnTheCluster, ALookupSlowerThanTheConnectTimeoutEndsTheConnectAtTheTimeout) {
  auto settings = parse_connect_settings(cluster_url_with_host("db.linkgate.test"), 1s);
  ASSERT_TRUE(settings.ok());
  // Shared with the lookup's thread, which outlives the test's wait.
  auto resolver = std::make_shared<FakeResolver>();
  resolver->delay = 3s;
  settings->resolve_host = [resolver](const std::string& name) {
    return resolver->function()(name);
  };
  const auto run = open_on_fiber(*settings, [](Connection&) { return std::string(); });
  ASSERT_TRUE(run.out.has_value());
  EXPECT_EQ(run.out->status, 500);
  EXPECT_NE(run.out->body.find("timeout expired while resolving host names"), std::string::npos)
      << run.out->body;
  EXPECT_GE(run.took, 1s);
  EXPECT_LT(run.took, 2500ms);
  EXPECT_GE(run.ticks, 10);
}

TEST(HostResolutionOnTheCluster, ANameThatDoesNotResolveFailsWithTheLookupsMessage) {
  auto settings = parse_connect_settings(cluster_url_with_host("db.linkgate.test"), 3s);
  ASSERT_TRUE(settings.ok());
  FakeResolver resolver;
  resolver.failure = Error{"unavailable", "could not translate host name \"db.linkgate.test\""};
  settings->resolve_host = resolver.function();
  auto opened = Connection::open(*settings);  // no Waiter: the lookup runs on this thread
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().kind, "unavailable");
  EXPECT_NE(opened.error().message.find("could not translate host name \"db.linkgate.test\""),
            std::string::npos)
      << opened.error().message;
  EXPECT_EQ(opened.error().message.find(settings->password), std::string::npos);
  EXPECT_EQ(resolver.threads, std::vector<std::thread::id>{std::this_thread::get_id()});
}

TEST(HostResolutionOnTheCluster, LocalhostConnectsThroughTheSystemResolver) {
  auto settings = parse_connect_settings(cluster_url_with_host("localhost"), 3s);
  ASSERT_TRUE(settings.ok());
  auto opened = Connection::open(*settings);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_TRUE((*opened)->run_script("SELECT 1", "test").ok());
  EXPECT_EQ((*opened)->option("host").substr(0, 9), "localhost");
  // Where /etc/hosts also lists ::1, libpq tries it first and then 127.0.0.1, where the cluster
  // listens.
  EXPECT_NE((*opened)->option("hostaddr").find("127.0.0.1"), std::string::npos);
}

}  // namespace
}  // namespace linkgate::store::postgres
