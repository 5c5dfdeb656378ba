// The libcurl POST client, against a real local HTTP server.
#include "mail/http_client.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

#include "support/fake_http_server.hpp"

namespace linkgate::mail {
namespace {

using linkgate::testing::FakeHttpServer;
using linkgate::testing::FakeResponse;
using linkgate::testing::RecordedRequest;
using namespace std::chrono_literals;

HttpPost post_to(const std::string& url, const std::string& body = "") {
  HttpPost post;
  post.url = url;
  post.body = body;
  return post;
}

TEST(HttpClient, PostsHeadersAndBodyAndReturnsStatusAndBody) {
  FakeHttpServer server([](const RecordedRequest&) {
    return FakeResponse{201, "application/json", R"({"created":true})", {}};
  });
  HttpPost post;
  post.url = server.base_url() + "/v1/things?x=1";
  post.headers = {{"Content-Type", "application/json"}, {"X-Custom", "value 1"}};
  post.body = R"({"a":"b"})";
  const auto response = http_post(post);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, R"({"created":true})");

  ASSERT_EQ(server.request_count(), 1u);
  const auto request = server.requests()[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/v1/things?x=1");
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_EQ(request.header("X-Custom"), "value 1");
  EXPECT_EQ(request.header_count("Content-Type"), 1u);
  EXPECT_FALSE(request.header("Expect").has_value());
  EXPECT_EQ(request.body, R"({"a":"b"})");
}

TEST(HttpClient, ReturnsErrorStatusesAsValues) {
  FakeHttpServer server([](const RecordedRequest&) {
    return FakeResponse{503, "text/plain", "down for maintenance", {}};
  });
  const auto response = http_post(post_to(server.base_url() + "/"));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, "down for maintenance");
}

TEST(HttpClient, CutsLongAnswers) {
  FakeHttpServer server([](const RecordedRequest&) {
    return FakeResponse{200, "text/plain", std::string(100000, 'x'), {}};
  });
  HttpPost post = post_to(server.base_url() + "/");
  post.max_response_bytes = 1000;
  const auto response = http_post(post);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->body.size(), 1000u);
}

// A server that announces a long body, sends some of it and then nothing more: the client stops
// reading at its cap and answers at once, instead of waiting for the rest until its timeout.
TEST(HttpClient, StopsReadingAtTheCap) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const int port = ntohs(address.sin_port);
  std::promise<void> finished;
  std::thread server([&] {
    const int connection = ::accept(listener, nullptr, nullptr);
    if (connection < 0) return;
    char request[4096];
    (void)::recv(connection, request, sizeof request, 0);
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n";
    const std::string part(5000, 'x');
    (void)::send(connection, head.data(), head.size(), MSG_NOSIGNAL);
    (void)::send(connection, part.data(), part.size(), MSG_NOSIGNAL);
    finished.get_future().wait_for(10s);  // the rest never comes
    ::close(connection);
  });

  HttpPost post = post_to("http://127.0.0.1:" + std::to_string(port) + "/");
  post.max_response_bytes = 100;
  post.total_timeout = 8s;
  const auto started = std::chrono::steady_clock::now();
  const auto response = http_post(post);
  const auto took = std::chrono::steady_clock::now() - started;
  finished.set_value();
  server.join();
  ::close(listener);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, std::string(100, 'x'));
  EXPECT_LT(took, 4s);
}

TEST(HttpClient, RefusedConnectionIsAnUnavailableError) {
  FakeHttpServer server;
  const std::string url = server.base_url() + "/email";
  server.stop();
  const auto response = http_post(post_to(url));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, "unavailable");
  EXPECT_NE(response.error().message.find("http: "), std::string::npos);
}

TEST(HttpClient, AServerThatNeverAnswersTimesOutWithinTheTotalTimeout) {
  FakeHttpServer server;
  server.set_never_answer(true);
  HttpPost post = post_to(server.base_url() + "/email", "{}");
  post.total_timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  const auto response = http_post(post);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, "unavailable");
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 2s);
  EXPECT_EQ(server.request_count(), 1u);  // the request was read, never answered
}

TEST(HttpClient, RejectsHeaderValuesWithLineBreaksWithoutEchoingThem) {
  FakeHttpServer server;
  HttpPost post = post_to(server.base_url() + "/");
  post.headers = {{"X-Postmark-Server-Token", "secret\r\nX-Injected: 1"}};
  const auto response = http_post(post);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, "invalid_input");
  EXPECT_EQ(response.error().message.find("secret"), std::string::npos);
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(HttpClient, ConsecutiveCallsOnOneThreadReuseOneConnection) {
  FakeHttpServer server;
  for (int i = 0; i < 5; ++i) {
    const auto response = http_post(post_to(server.base_url() + "/email", "{}"));
    ASSERT_TRUE(response.ok()) << response.error().message;
    EXPECT_EQ(response->status, 200);
  }
  EXPECT_EQ(server.request_count(), 5u);
  EXPECT_EQ(server.connection_count(), 1u);
}

TEST(HttpClient, AReusedConnectionCarriesNothingOfThePreviousCall) {
  FakeHttpServer server([](const RecordedRequest& r) {
    if (r.target == "/first")
      return FakeResponse{429, "text/plain", "slow down", {{"Retry-After", "7"}}};
    return FakeResponse{200, "text/plain", "ok", {}};
  });
  HttpPost first = post_to(server.base_url() + "/first", "first body, the longer one");
  first.headers = {{"X-First", "1"}, {"Content-Type", "application/json"}};
  const auto a = http_post(first);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->retry_after, "7");

  HttpPost second = post_to(server.base_url() + "/second", "2nd");
  second.max_response_bytes = 1;
  const auto b = http_post(second);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->status, 200);
  EXPECT_EQ(b->body, "o");  // this call's cap, not the previous one's
  EXPECT_EQ(b->retry_after, "");

  ASSERT_EQ(server.request_count(), 2u);
  EXPECT_EQ(server.connection_count(), 1u);
  const auto request = server.requests()[1];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.body, "2nd");
  EXPECT_FALSE(request.header("X-First").has_value());
  EXPECT_NE(request.header("Content-Type"), "application/json");
  EXPECT_FALSE(request.header("Expect").has_value());
}

TEST(HttpClient, AConnectionTheServerClosedIsReplacedTransparently) {
  FakeHttpServer server;
  ASSERT_TRUE(http_post(post_to(server.base_url() + "/email", "{}")).ok());
  server.close_connections();  // as a provider closing idle keep-alive connections
  const auto response = http_post(post_to(server.base_url() + "/email", "{}"));
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(server.connection_count(), 2u);
}

TEST(HttpClient, ATimedOutCallLeavesTheNextCallWorking) {
  FakeHttpServer server;
  server.set_never_answer(true);
  HttpPost post = post_to(server.base_url() + "/email", "{}");
  post.total_timeout = 200ms;
  ASSERT_FALSE(http_post(post).ok());
  server.set_never_answer(false);
  const auto response = http_post(post_to(server.base_url() + "/email", "{}"));
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(server.connection_count(), 2u);  // the timed-out connection is never reused
}

TEST(HttpClient, RejectsNonHttpUrls) {
  for (const std::string url : {"file:///etc/passwd", "ftp://example.com/", "gopher://x", ""}) {
    const auto response = http_post(post_to(url));
    ASSERT_FALSE(response.ok()) << url;
    EXPECT_EQ(response.error().kind, "invalid_input") << url;
  }
}

}  // namespace
}  // namespace linkgate::mail
