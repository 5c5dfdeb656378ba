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

struct ReadOutcome {
  std::optional<boost::system::error_code> error;
  Clock::duration took{};
};

// Starts a read on `socket` that records its outcome and when it ended.
void start_read(tcp::socket& socket, std::array<char, 64>& buffer, ReadOutcome& outcome,
                Clock::time_point start) {
  socket.async_read_some(asio::buffer(buffer),
                         [&outcome, start](boost::system::error_code error, std::size_t) {
                           outcome.error = error;
                           outcome.took = Clock::now() - start;
                         });
}

TEST(ConnectionDeadlines, APendingReadIsCancelledOnceItsDeadlinePasses) {
  asio::io_context io(1);
  ConnectionDeadlines deadlines(io, kTick);
  SocketPair pair(io);
  std::array<char, 64> buffer{};
  ReadOutcome outcome;
  {
    ConnectionDeadlines::Slot slot(deadlines, pair.server);
    EXPECT_EQ(deadlines.size(), 1u);
    const auto start = Clock::now();
    slot.expires_after(300ms);
    start_read(pair.server, buffer, outcome, start);
    while (!outcome.error) io.run_one();
    EXPECT_TRUE(slot.expired());
  }
  EXPECT_EQ(*outcome.error, asio::error::operation_aborted);
  EXPECT_GE(outcome.took, 300ms);
  EXPECT_LT(outcome.took, 300ms + kTick + 200ms);  // at most a tick late, plus scheduling
  EXPECT_EQ(deadlines.size(), 0u);
}

TEST(ConnectionDeadlines, AMovedDeadlineIsNotEnforcedAtTheOldTime) {
  asio::io_context io(1);
  ConnectionDeadlines deadlines(io, kTick);
  SocketPair pair(io);
  std::array<char, 64> buffer{};
  ReadOutcome outcome;
  ConnectionDeadlines::Slot slot(deadlines, pair.server);
  const auto start = Clock::now();
  slot.expires_after(150ms);
  start_read(pair.server, buffer, outcome, start);
  asio::steady_timer move_it(io, 80ms);
  move_it.async_wait([&](boost::system::error_code) { slot.expires_after(400ms); });
  while (!outcome.error) io.run_one();
  EXPECT_EQ(*outcome.error, asio::error::operation_aborted);
  EXPECT_GE(outcome.took, 480ms);
  EXPECT_TRUE(slot.expired());
}

TEST(ConnectionDeadlines, WithNoDeadlineAReadWaitsForItsData) {
  asio::io_context io(1);
  ConnectionDeadlines deadlines(io, kTick);
  SocketPair pair(io);
  std::array<char, 64> buffer{};
  ReadOutcome outcome;
  ConnectionDeadlines::Slot slot(deadlines, pair.server);
  slot.expires_after(100ms);
  slot.expires_never();
  const auto start = Clock::now();
  start_read(pair.server, buffer, outcome, start);
  // Many ticks pass, then the data comes.
  asio::steady_timer send_later(io, 500ms);
  send_later.async_wait(
      [&](boost::system::error_code) { asio::write(pair.client, asio::buffer("x", 1)); });
  while (!outcome.error) io.run_one();
  EXPECT_FALSE(*outcome.error) << outcome.error->message();
  EXPECT_GE(outcome.took, 500ms);
  EXPECT_FALSE(slot.expired());
}

TEST(ConnectionDeadlines, TheTimerStopsWhenTheLastConnectionIsGone) {
  asio::io_context io(1);
  ConnectionDeadlines deadlines(io, kTick);
  SocketPair pair(io);
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
