#include "support/fake_http_server.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast.hpp>
#include <cctype>
#include <condition_variable>
#include <exception>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace linkgate::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint64_t kBodyLimit = 16 * 1024 * 1024;

}  // namespace

std::optional<std::string> RecordedRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return std::nullopt;
}

std::size_t RecordedRequest::header_count(std::string_view name) const {
  return static_cast<std::size_t>(std::count_if(
      headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); }));
}

struct FakeHttpServer::Impl {
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  unsigned short port = 0;
  std::thread thread;
  bool stopped = false;  // guarded by stop_mutex
  std::mutex stop_mutex;

  std::atomic<bool> never_answer{false};
  std::atomic<std::chrono::milliseconds::rep> answer_delay_ms{0};
  std::atomic<std::size_t> connections{0};

  mutable std::mutex mutex;  // guards handler, requests, streams
  mutable std::condition_variable changed;
  FakeHandler handler;
  std::vector<RecordedRequest> requests;
  std::vector<std::weak_ptr<beast::tcp_stream>> streams;

  void record(const RecordedRequest& request) {
    {
      std::lock_guard lock(mutex);
      requests.push_back(request);
    }
    changed.notify_all();
  }

  FakeResponse answer(const RecordedRequest& request) {
    FakeHandler current;
    {
      std::lock_guard lock(mutex);
      current = handler;
    }
    if (!current) return FakeResponse{200, "application/json", "", {}};
    try {
      return current(request);
    } catch (const std::exception& e) {
      return FakeResponse{500, "text/plain", std::string("fake handler threw: ") + e.what(), {}};
    } catch (...) {
      return FakeResponse{500, "text/plain", "fake handler threw", {}};
    }
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kTuple);
      if (ec) co_return;  // the acceptor was closed by stop()
      ++connections;
      auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
      {
        std::lock_guard lock(mutex);
        std::erase_if(streams, [](const auto& w) { return w.expired(); });
        streams.push_back(stream);
      }
      asio::co_spawn(ioc, serve(stream), asio::detached);
    }
  }

  // Holds a connection without answering until the peer or stop() closes it.
  static asio::awaitable<void> hold(std::shared_ptr<beast::tcp_stream> stream) {
    char sink[1024];
    for (;;) {
      auto [ec, n] = co_await stream->socket().async_read_some(asio::buffer(sink), kTuple);
      if (ec) co_return;
    }
  }

  asio::awaitable<void> serve(std::shared_ptr<beast::tcp_stream> stream) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(kBodyLimit);
      auto [ec, n] = co_await http::async_read(*stream, buffer, parser, kTuple);
      if (ec) co_return;
      http::request<http::string_body> req = parser.release();

      RecordedRequest recorded;
      recorded.method = std::string(req.method_string());
      recorded.target = std::string(req.target());
      for (const auto& field : req) {
        recorded.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
      recorded.body = req.body();
      record(recorded);

      if (never_answer.load()) {
        co_await hold(stream);
        co_return;
      }

      if (const auto delay = answer_delay_ms.load(); delay > 0) {
        asio::steady_timer pause(co_await asio::this_coro::executor,
                                 std::chrono::milliseconds(delay));
        co_await pause.async_wait(kTuple);
      }
      const FakeResponse reply = answer(recorded);
      http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
      res.set(http::field::server, "linkgate-fake");
      if (!reply.content_type.empty()) res.set(http::field::content_type, reply.content_type);
      for (const auto& [name, value] : reply.headers) res.insert(name, value);
      res.keep_alive(req.keep_alive());
      res.body() = reply.body;
      res.prepare_payload();
      auto [wec, written] = co_await http::async_write(*stream, res, kTuple);
      if (wec || !res.keep_alive()) {
        beast::error_code ignored;
        stream->socket().shutdown(tcp::socket::shutdown_send, ignored);
        co_return;
      }
    }
  }

  void close_all() {
    beast::error_code ignored;
    acceptor.close(ignored);
    close_streams();
  }

  void close_streams() {
    beast::error_code ignored;
    std::lock_guard lock(mutex);
    for (auto& weak : streams) {
      if (auto stream = weak.lock()) stream->socket().close(ignored);
    }
    streams.clear();
  }
};

FakeHttpServer::FakeHttpServer(FakeHandler handler) : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  beast::error_code ec;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("FakeHttpServer: cannot listen: " + ec.message());
  impl_->port = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([impl = impl_.get()] { impl->ioc.run(); });
}

FakeHttpServer::~FakeHttpServer() {
  stop();
}

unsigned short FakeHttpServer::port() const {
  return impl_->port;
}

std::string FakeHttpServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

void FakeHttpServer::set_handler(FakeHandler handler) {
  std::lock_guard lock(impl_->mutex);
  impl_->handler = std::move(handler);
}

void FakeHttpServer::set_answer_delay(std::chrono::milliseconds delay) {
  impl_->answer_delay_ms = delay.count();
}

void FakeHttpServer::set_never_answer(bool never_answer) {
  impl_->never_answer = never_answer;
}

void FakeHttpServer::stop() {
  std::lock_guard lock(impl_->stop_mutex);
  if (impl_->stopped) return;
  impl_->stopped = true;
  // Closing everything on the server thread ends every coroutine, so run() returns by itself.
  asio::post(impl_->ioc, [impl = impl_.get()] { impl->close_all(); });
  if (impl_->thread.joinable()) impl_->thread.join();
}

void FakeHttpServer::close_connections() {
  std::promise<void> done;
  asio::post(impl_->ioc, [&] {
    impl_->close_streams();
    done.set_value();
  });
  done.get_future().wait();
}

std::size_t FakeHttpServer::connection_count() const {
  return impl_->connections.load();
}

std::vector<RecordedRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

std::size_t FakeHttpServer::request_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests.size();
}

bool FakeHttpServer::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout, [&] { return impl_->requests.size() >= n; });
}

void FakeHttpServer::clear_requests() {
  std::lock_guard lock(impl_->mutex);
  impl_->requests.clear();
}

}  // namespace linkgate::testing
