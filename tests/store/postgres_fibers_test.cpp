// The PostgreSQL store on fibers of one event-loop thread (server/loop_fiber.hpp): its waits for
// results, for new connections and for a busy pool suspend only the calling fiber, so many
// requests share one thread and a pool smaller than their number, without blocking each other.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "io/waiter.hpp"
#include "server/loop_fiber.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/connection_pool.hpp"
#include "store_fixture.hpp"

namespace linkgate::store::testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using server::run_on_loop_fiber;

asio::awaitable<void> fiber_into(std::function<Response()> work, std::optional<Response>* out) {
  *out = co_await run_on_loop_fiber(std::move(work));
}

Response ok_or(std::string failure) {
  Response response;
  response.status = failure.empty() ? 200 : 500;
  response.body = std::move(failure);
  return response;
}

TEST(PostgresOnFibers, ManyFibersOnOneThreadShareASmallPool) {
  std::string url;
  PostgresOptions options;
  options.pool_size = 2;  // the second connection opens on a fiber
  auto store = open_fresh_postgres(url, options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->waits_on_fibers());

  asio::io_context io(1);
  constexpr int kFibers = 24;
  constexpr int kRounds = 5;
  int in_call = 0;
  int most_in_call = 0;
  std::vector<std::optional<Response>> out(kFibers);
  for (int f = 0; f < kFibers; ++f) {
    auto work = [&, f]() -> Response {
      for (int round = 0; round < kRounds; ++round) {
        const std::string id = "fiber" + std::to_string(f) + "-" + std::to_string(round);
        const auto expires = now_seconds() + 1h;
        ++in_call;
        most_in_call = std::max(most_in_call, in_call);
        auto created = store->create_verification_token(token_of(id + "@example.com", id, expires));
        auto used = created ? store->use_verification_token(id + "@example.com", id)
                            : Result<std::optional<VerificationToken>>(created.error());
        --in_call;
        if (!used) return ok_or(used.error().message);
        if (!*used || (*used)->token != id) return ok_or("the token did not come back: " + id);
      }
      return ok_or("");
    };
    asio::co_spawn(io, fiber_into(work, &out[f]), asio::detached);
  }
  io.run();
  for (int f = 0; f < kFibers; ++f) {
    ASSERT_TRUE(out[f].has_value()) << f;
    EXPECT_EQ(out[f]->status, 200) << out[f]->body;
  }
  // The fibers were in their store calls together (every one of them, as the loop runs them in
  // order): the waits suspended fibers, never the thread. A blocking wait would allow one.
  EXPECT_GE(most_in_call, kFibers / 2);
}

TEST(PostgresOnFibers, AServerThatNeverAnswersEndsTheConnectAtItsTimeoutWhileTheLoopRuns) {
  // A listener that accepts (in the kernel's backlog) and never speaks.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(listener, 8), 0);
  socklen_t length = sizeof(address);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string url = "postgres://nobody@127.0.0.1:" + std::to_string(ntohs(address.sin_port)) +
                          "/none?sslmode=disable&gssencmode=disable";
  auto settings = postgres::parse_connect_settings(url, 2s);
  ASSERT_TRUE(settings.ok());

  asio::io_context io(1);
  std::optional<Response> out;
  int ticks = 0;
  const auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration took{};
  auto work = [&]() -> Response {
    auto opened = postgres::Connection::open(*settings);
    took = std::chrono::steady_clock::now() - start;
    return ok_or(opened ? "connected to a server that never answers" : opened.error().message);
  };
  asio::co_spawn(io, fiber_into(work, &out), asio::detached);
  // The loop ticks every 100 ms while the fiber waits for the server.
  asio::steady_timer tick(io);
  std::function<void()> again = [&] {
    tick.expires_after(100ms);
    tick.async_wait([&](boost::system::error_code) {
      ++ticks;
      if (!out) again();
    });
  };
  again();
  io.run();
  ::close(listener);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->status, 500);
  EXPECT_NE(out->body.find("timeout expired"), std::string::npos) << out->body;
  EXPECT_GE(took, 2s);
  EXPECT_LT(took, 5s);
  EXPECT_GE(ticks, 15);
}

TEST(PostgresOnFibers, ABusyPoolSuspendsTheFiberUntilItsTimeoutOrAHandOver) {
  auto settings = postgres::parse_connect_settings(linkgate::testing::postgres_cluster_url(), 3s);
  ASSERT_TRUE(settings.ok());
  postgres::ConnectionPool pool(*settings, 1, 150ms);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);

  asio::io_context io(1);
  std::vector<std::string> events;
  std::optional<Response> holder, late, patient;
  // Holds the only connection until the pipe is written.
  auto hold = [&]() -> Response {
    auto lease = pool.acquire();
    if (!lease) return ok_or(lease.error().message);
    events.push_back("holder has it");
    io::wait_socket(fds[0], io::Readiness::readable, io::kNoDeadline);
    events.push_back("holder releases");
    return ok_or("");
  };
  // Waits 150 ms, in vain.
  auto give_up = [&]() -> Response {
    auto lease = pool.acquire();
    events.push_back(lease ? "late one served" : "late one gave up");
    return ok_or(lease ? "" : lease.error().message);
  };
  asio::co_spawn(io, fiber_into(hold, &holder), asio::detached);
  asio::co_spawn(io, fiber_into(give_up, &late), asio::detached);
  // Comes after the late one gave up, and gets the connection when the holder releases it.
  asio::steady_timer later(io, 300ms);
  later.async_wait([&](boost::system::error_code) {
    asio::co_spawn(io,
                   fiber_into(
                       [&]() -> Response {
                         events.push_back("patient one waits");
                         auto lease = pool.acquire();
                         events.push_back(lease ? "patient one served" : "patient one gave up");
                         return ok_or(lease ? "" : lease.error().message);
                       },
                       &patient),
                   asio::detached);
    asio::post(io, [&] { EXPECT_EQ(::write(fds[1], "x", 1), 1); });
  });
  io.run();
  ::close(fds[0]);
  ::close(fds[1]);
  ASSERT_TRUE(holder && late && patient);
  EXPECT_EQ(holder->status, 200) << holder->body;
  EXPECT_EQ(late->status, 500);
  EXPECT_NE(late->body.find("DATABASE_POOL_SIZE"), std::string::npos) << late->body;
  EXPECT_EQ(patient->status, 200) << patient->body;
  EXPECT_EQ(events,
            (std::vector<std::string>{"holder has it", "late one gave up", "patient one waits",
                                      "holder releases", "patient one served"}));
}

}  // namespace
}  // namespace linkgate::store::testing
