// The benchmark's two helper servers (bench/run.sh), one minimal Boost.Beast program:
//
//   bench_server hello PORT THREADS      answers every request with 200 "Hello, World!": the floor
//                                        of what one HTTP/1.1 keep-alive server does on this
//                                        machine (the shape of linkgate's loop: one io_context
//                                        run by THREADS threads, one coroutine per connection)
//   bench_server postmark PORT THREADS   a fake Postmark API: POST /email answers 200 with
//                                        Postmark's success JSON; GET /count answers how many
//                                        emails it accepted (the bench checks that every sign-in
//                                        sent one)
//
// Both linkgate (AUTH_POSTMARK_API_URL) and Auth.js (bench/authjs/server.mjs) send to the fake.
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

enum class Mode { hello, postmark };

std::atomic<unsigned long long> emails{0};

http::response<http::string_body> answer(Mode mode, const http::request<http::string_body>& in) {
  http::response<http::string_body> out{http::status::ok, in.version()};
  if (mode == Mode::hello) {
    out.set(http::field::content_type, "text/plain");
    out.body() = "Hello, World!";
  } else if (in.method() == http::verb::post && in.target() == "/email") {
    emails.fetch_add(1, std::memory_order_relaxed);
    out.set(http::field::content_type, "application/json");
    out.body() =
        "{\"To\":\"bench@example.com\",\"SubmittedAt\":\"2024-01-01T00:00:00Z\","
        "\"MessageID\":\"00000000-0000-0000-0000-000000000000\",\"ErrorCode\":0,"
        "\"Message\":\"OK\"}";
  } else if (in.method() == http::verb::get && in.target() == "/count") {
    out.set(http::field::content_type, "text/plain");
    out.body() = std::to_string(emails.load());
  } else {
    out.result(http::status::not_found);
    out.body() = "not found";
  }
  out.keep_alive(in.keep_alive());
  out.prepare_payload();
  return out;
}

asio::awaitable<void> session(Mode mode, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    auto [read_error, n] = co_await http::async_read(stream, buffer, request, use_tuple);
    (void)n;
    if (read_error) break;
    auto reply = answer(mode, request);
    auto [write_error, written] = co_await http::async_write(stream, reply, use_tuple);
    (void)written;
    if (write_error || !reply.keep_alive()) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> accept_loop(Mode mode, tcp::acceptor& acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) continue;
    asio::co_spawn(socket.get_executor(), session(mode, std::move(socket)), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: bench_server hello|postmark PORT THREADS\n");
    return 2;
  }
  const std::string_view mode_name = argv[1];
  if (mode_name != "hello" && mode_name != "postmark") {
    std::fprintf(stderr, "bench_server: unknown mode\n");
    return 2;
  }
  const Mode mode = mode_name == "hello" ? Mode::hello : Mode::postmark;
  const auto port = static_cast<unsigned short>(std::atoi(argv[2]));
  const int threads = std::max(1, std::atoi(argv[3]));

  asio::io_context io(threads);
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), port});
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int) { io.stop(); });
  asio::co_spawn(io, accept_loop(mode, acceptor), asio::detached);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  return 0;
}
