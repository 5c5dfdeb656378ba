// A real HTTP/1.1 server for tests, on 127.0.0.1 and an ephemeral port, running on its own
// thread (Boost.Beast + Asio). It records every request it reads and answers through a handler.
//
//   linkgate::testing::FakeHttpServer server([](const RecordedRequest& r) {
//     return FakeResponse{200, "application/json", R"({"ok":true})"};
//   });
//   some_client.post(server.base_url() + "/email", ...);
//   ASSERT_TRUE(server.wait_for_requests(1));
//   EXPECT_EQ(server.requests()[0].header("Content-Type"), "application/json");
//
// Keep-alive is honoured. With set_never_answer(true) the server accepts connections and reads
// requests (recording them) but never answers, holding each connection open until the client
// gives up or the server stops: use it to test client timeouts.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace linkgate::testing {

struct RecordedRequest {
  std::string method;  // "POST"
  std::string target;  // the request target as sent, e.g. "/email" or "/v1/emails?x=1"
  std::vector<std::pair<std::string, std::string>> headers;  // in arrival order, names as sent
  std::string body;

  // The first value of a header, by case-insensitive name; nullopt when absent.
  std::optional<std::string> header(std::string_view name) const;
  // How many times a header occurs (case-insensitive name).
  std::size_t header_count(std::string_view name) const;
};

struct FakeResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, e.g. Retry-After
};

// Runs on the server thread, one request at a time. An exception becomes a 500 answer.
using FakeHandler = std::function<FakeResponse(const RecordedRequest&)>;

class FakeHttpServer {
 public:
  // Listens at once on 127.0.0.1:<ephemeral port>; without a handler every answer is an empty
  // 200. Throws std::runtime_error when it cannot listen (a test setup failure).
  explicit FakeHttpServer(FakeHandler handler = {});
  // Stops (see stop()).
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  unsigned short port() const;
  std::string base_url() const;  // "http://127.0.0.1:<port>", no trailing slash

  // Replaces the handler for the next requests. Thread-safe.
  void set_handler(FakeHandler handler);
  // See the header comment. Thread-safe; applies to requests read after the call.
  void set_never_answer(bool never_answer);
  // Each answer waits this long after its request was read (a slow provider). Thread-safe.
  void set_answer_delay(std::chrono::milliseconds delay);

  // Closes the listener and every connection and joins the server thread. Idempotent. After
  // stop() the port refuses connections (handy for "connection refused" tests).
  void stop();

  // Closes every open connection, the listener staying open: as a provider closing its idle
  // keep-alive connections. Returns once they are closed. Thread-safe; not after stop().
  void close_connections();
  // How many TCP connections the server accepted so far (thread-safe).
  std::size_t connection_count() const;

  // Every request read so far, oldest first (a copy; thread-safe).
  std::vector<RecordedRequest> requests() const;
  std::size_t request_count() const;
  // Waits until at least n requests were read; false on timeout.
  bool wait_for_requests(std::size_t n,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  void clear_requests();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linkgate::testing
