// The HTTP server's read timeout over real loopback connections (server/http_server.hpp,
// server/connection_deadlines.hpp): a client that never finishes its request, trickles it, or
// sits idle on a kept-alive connection is disconnected about one timeout later, while the others
// are served meanwhile.
#include "server/http_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "linkgate/auth.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/http_client.hpp"
#include "support/test_env.hpp"

namespace linkgate::server {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A server with a 1 s read timeout on 2 loop threads, run on a thread of its own.
class TimeoutServer : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::open_sqlite_store(testing::make_temp_dir() + "/auth.db");
    ASSERT_TRUE(store.ok());
    AuthConfig config;
    config.trust_host = true;
    config.secrets = {"timeout-test-secret"};
    auth_ = std::make_unique<Auth>(config, *store);
    HttpServerOptions options;
    options.port = 0;
    options.io_threads = 2;
    options.read_timeout = 1s;
    server_ = std::make_unique<HttpServer>(*auth_, *store, options);
    auto port = server_->listen();
    ASSERT_TRUE(port.ok()) << port.error().message;
    port_ = *port;
    thread_ = std::thread([this] { server_->run(); });
  }

  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  // A blocking client socket connected to the server, reads giving up after 10 s.
  int connect_client() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_GE(fd, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port_));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    timeval limit{.tv_sec = 10, .tv_usec = 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
    return fd;
  }

  static void send_text(int fd, const std::string& text) {
    ASSERT_EQ(::send(fd, text.data(), text.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(text.size()));
  }

  // Reads until the server closes the connection; what it sent, and whether it closed (rather
  // than the 10 s limit passing).
  static std::pair<std::string, bool> read_until_closed(int fd) {
    std::string received;
    char buffer[4096];
    for (;;) {
      const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
      if (n == 0) return {received, true};
      if (n < 0) return {received, errno == ECONNRESET};
      received.append(buffer, static_cast<std::size_t>(n));
    }
  }

  std::unique_ptr<Auth> auth_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(TimeoutServer, AnUnfinishedRequestIsClosedAfterTheReadTimeout) {
  const int fd = connect_client();
  const auto start = Clock::now();
  send_text(fd, "GET /api/auth/csrf HTTP/1.1\r\nHost: localhost\r\n");  // no blank line
  const auto [received, closed] = read_until_closed(fd);
  const auto took = Clock::now() - start;
  ::close(fd);
  EXPECT_TRUE(closed);
  EXPECT_EQ(received, "");  // closed, not answered
  EXPECT_GE(took, 1s);
  EXPECT_LT(took, 2500ms);  // the timeout, a tick of at most 125 ms, and scheduling
}

TEST_F(TimeoutServer, ATrickledRequestIsClosedAtTheTimeoutDespiteEachByte) {
  const int fd = connect_client();
  const auto start = Clock::now();
  std::thread trickle([fd] {
    const std::string request = "GET /api/auth/csrf HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";
    for (char c : request + std::string(40, 'a')) {
      if (::send(fd, &c, 1, MSG_NOSIGNAL) != 1) return;  // the server has closed
      std::this_thread::sleep_for(100ms);
    }
  });
  const auto [received, closed] = read_until_closed(fd);
  const auto took = Clock::now() - start;
  ::shutdown(fd, SHUT_RDWR);
  trickle.join();
  ::close(fd);
  EXPECT_TRUE(closed);
  EXPECT_EQ(received, "");
  EXPECT_GE(took, 1s);
  EXPECT_LT(took, 2500ms);
}

TEST_F(TimeoutServer, AnIdleKeptAliveConnectionIsClosedAfterTheReadTimeout) {
  const int fd = connect_client();
  send_text(fd, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
  const auto start = Clock::now();
  const auto [received, closed] = read_until_closed(fd);
  const auto took = Clock::now() - start;
  ::close(fd);
  EXPECT_TRUE(closed);
  EXPECT_EQ(received.rfind("HTTP/1.1 200", 0), 0u) << received;
  EXPECT_NE(received.find("\r\n\r\nok\n"), std::string::npos) << received;
  EXPECT_GE(took, 1s);
  EXPECT_LT(took, 2500ms);
}

TEST_F(TimeoutServer, OtherClientsAreServedWhileOneStalls) {
  const int stalled = connect_client();
  send_text(stalled, "GET /api/auth/csrf HTTP/1.1\r\n");
  // Both loop threads get connections (they are dealt in turn): several short requests, each on
  // a connection of its own, while the stalled one waits for its timeout.
  for (int i = 0; i < 4; ++i) {
    testing::TestClient client("127.0.0.1", port_);
    const auto response = client.get("/healthz");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "ok\n");
  }
  const auto [received, closed] = read_until_closed(stalled);
  ::close(stalled);
  EXPECT_TRUE(closed);
  EXPECT_EQ(received, "");
}

}  // namespace
}  // namespace linkgate::server
