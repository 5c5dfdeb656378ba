#include "server/metrics_listener.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <thread>

namespace linkgate::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// A scrape is one small GET: anything slower or larger is not a scraper.
constexpr std::chrono::seconds kTimeout{10};
constexpr std::uint32_t kHeaderLimit = 16 * 1024;

}  // namespace

struct MetricsListener::Impl {
  const metrics::Registry& registry;
  std::string host;
  int port;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;

  Impl(const metrics::Registry& r, std::string h, int p)
      : registry(r), host(std::move(h)), port(p) {}

  http::response<http::string_body> answer(const http::request<http::string_body>& request) {
    http::response<http::string_body> response;
    response.version(request.version());
    response.keep_alive(request.keep_alive());
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    const auto target = request.target();
    const auto path = target.substr(0, target.find('?'));
    if (path != "/metrics") {
      response.result(http::status::not_found);
      response.body() = "Not found.\n";
    } else if (request.method() != http::verb::get && request.method() != http::verb::head) {
      response.result(http::status::method_not_allowed);
      response.set(http::field::allow, "GET, HEAD");
      response.body() = "Method not allowed.\n";
    } else {
      response.result(http::status::ok);
      response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      response.body() = registry.text();
    }
    response.prepare_payload();
    if (request.method() == http::verb::head) response.body().clear();
    return response;
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(kHeaderLimit);
      parser.body_limit(0);
      stream.expires_after(kTimeout);
      auto [read_error, read] = co_await http::async_read(stream, buffer, parser, use_tuple);
      (void)read;
      if (read_error) break;
      auto response = answer(parser.get());
      const bool keep_alive = response.keep_alive();
      stream.expires_after(kTimeout);
      auto [write_error, written] = co_await http::async_write(stream, response, use_tuple);
      (void)written;
      if (write_error || !keep_alive) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) continue;
      asio::co_spawn(io, session(std::move(socket)), asio::detached);
    }
  }
};

MetricsListener::MetricsListener(const metrics::Registry& registry, std::string host, int port)
    : impl_(std::make_unique<Impl>(registry, std::move(host), port)) {}

MetricsListener::~MetricsListener() {
  stop();
}

Result<int> MetricsListener::start() {
  auto& impl = *impl_;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(impl.host, ec);
  const std::string shown = impl.host + ":" + std::to_string(impl.port);
  if (ec) return Error{"configuration", "LINKGATE_METRICS_ADDR is not an IP address: " + shown};
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(impl.port));
  impl.acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl.acceptor.bind(endpoint, ec);
  if (!ec) impl.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error{"unavailable",
                 "cannot listen on LINKGATE_METRICS_ADDR " + shown + ": " + ec.message()};
  }
  const int bound = impl.acceptor.local_endpoint().port();
  asio::co_spawn(impl.io, impl.accept_loop(), asio::detached);
  impl.thread = std::thread([&impl] { impl.io.run(); });
  return bound;
}

void MetricsListener::stop() {
  if (!impl_->thread.joinable()) return;
  asio::post(impl_->io, [&impl = *impl_] {
    boost::system::error_code ignored;
    impl.acceptor.close(ignored);
    impl.io.stop();
  });
  impl_->thread.join();
}

}  // namespace linkgate::server
