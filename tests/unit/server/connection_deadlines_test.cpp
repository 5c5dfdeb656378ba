// Connection deadlines on one loop (server/connection_deadlines.hpp), with real loopback sockets:
// a pending read ends once its deadline passes, not before, a moved or cleared deadline holds, and
// the timer stops when no connection remains.
#include "server/connection_deadlines.hpp"

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <optional>

namespace linkgate::server {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kTick = 50ms;

// A connected pair on 127.0.0.1: `server` on `io`, `client` a blocking socket of its own.
struct SocketPair {
  explicit SocketPair(asio::io_context& io) : server(io), client(client_io) {
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server);
  }
  asio::io_context client_io;
  tcp::socket server;
  tcp::socket client;
};

// One loop with its deadlines and a connected pair, and a read on the server's side that records
// its outcome and how long after start_read() it ended.
class ConnectionDeadlinesTest : public ::testing::Test {
 protected:
  void start_read() {
    const auto start = Clock::now();
    pair.server.async_read_some(asio::buffer(buffer),
                                [this, start](boost::system::error_code error, std::size_t) {
                                  read_error = error;
                                  read_took = Clock::now() - start;
                                });
  }
  void run_until_the_read_ends() {
    while (!read_error) io.run_one();
  }

  asio::io_context io{1};
  ConnectionDeadlines deadlines{io, kTick};
  SocketPair pair{io};
  std::array<char, 64> buffer{};
  std::optional<boost::system::error_code> read_error;
  Clock::duration read_took{};
};

TEST_F(ConnectionDeadlinesTest, APendingReadIsCancelledOnceItsDeadlinePasses) {
  {
    ConnectionDeadlines::Slot slot(deadlines, pair.server);
    EXPECT_EQ(deadlines.size(), 1u);
    slot.expires_after(300ms);
    start_read();
    run_until_the_read_ends();
    EXPECT_TRUE(slot.expired());
  }
  EXPECT_EQ(*read_error, asio::error::operation_aborted);
  EXPECT_GE(read_took, 300ms);
  EXPECT_LT(read_took, 300ms + kTick + 200ms);  // at most a tick late, plus scheduling
  EXPECT_EQ(deadlines.size(), 0u);
}

TEST_F(ConnectionDeadlinesTest, AMovedDeadlineIsNotEnforcedAtTheOldTime) {
  ConnectionDeadlines::Slot slot(deadlines, pair.server);
  slot.expires_after(150ms);
  start_read();
  asio::steady_timer move_it(io, 80ms);
  move_it.async_wait([&](boost::system::error_code) { slot.expires_after(400ms); });
  run_until_the_read_ends();
  EXPECT_EQ(*read_error, asio::error::operation_aborted);
  EXPECT_GE(read_took, 480ms);
  EXPECT_TRUE(slot.expired());
}

TEST_F(ConnectionDeadlinesTest, WithNoDeadlineAReadWaitsForItsData) {
  ConnectionDeadlines::Slot slot(deadlines, pair.server);
  slot.expires_after(100ms);
  slot.expires_never();
  start_read();
  // Many ticks pass, then the data comes.
  asio::steady_timer send_later(io, 500ms);
  send_later.async_wait(
      [&](boost::system::error_code) { asio::write(pair.client, asio::buffer("x", 1)); });
  run_until_the_read_ends();
  EXPECT_FALSE(*read_error) << read_error->message();
  EXPECT_GE(read_took, 500ms);
  EXPECT_FALSE(slot.expired());
}

TEST_F(ConnectionDeadlinesTest, TheTimerStopsWhenTheLastConnectionIsGone) {
  {
    ConnectionDeadlines::Slot slot(deadlines, pair.server);
    slot.expires_after(1h);
    io.run_for(3 * kTick);  // ticks while the connection is registered
  }
  // Nothing else is pending: run() returns after at most the tick already armed.
  const auto start = Clock::now();
  io.restart();
  io.run();
  EXPECT_LT(Clock::now() - start, kTick + 200ms);
}

}  // namespace
}  // namespace linkgate::server
