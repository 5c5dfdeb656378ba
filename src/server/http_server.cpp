#include "server/http_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "server/connection_deadlines.hpp"
#include "server/loop_fiber.hpp"
#include "server/request_id.hpp"
#include "server/response_bytes.hpp"

namespace linkgate::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

Request to_request(const http::request<http::string_body>& in, const std::string& remote) {
  Request out;
  out.method = std::string(in.method_string());
  std::string_view target = in.target();
  auto q = target.find('?');
  out.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) out.query = std::string(target.substr(q + 1));
  // A fragment never reaches routing (attack-cases.md #23).
  if (auto hash = out.query.find('#'); hash != std::string::npos) out.query.resize(hash);
  if (auto hash = out.path.find('#'); hash != std::string::npos) out.path.resize(hash);
  for (const auto& field : in) {
    out.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  }
  out.body = in.body();
  out.remote_address = remote;
  return out;
}

Response plain(int status, std::string body) {
  Response r;
  r.status = status;
  r.set_header("Content-Type", "text/plain; charset=utf-8");
  r.body = std::move(body);
  return r;
}

// One io_context per I/O thread, each run by its own thread (concurrency hint 1: no locking in
// the scheduler). The acceptor lives on the first and hands each new connection to the next
// context in turn; a connection then stays on its thread for life. Compared with one context
// shared by every thread, a request never migrates between cores and the threads never contend
// on one scheduler and one epoll set.
std::vector<std::unique_ptr<asio::io_context>> make_contexts(int count) {
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (int i = 0; i < std::max(1, count); ++i) {
    contexts.push_back(std::make_unique<asio::io_context>(1));
  }
  return contexts;
}

// Deadlines are checked every eighth of the read timeout, between 50 ms and 1 s: a connection is
// closed at most that much later than its timeout.
std::vector<std::unique_ptr<ConnectionDeadlines>> make_deadlines(
    const std::vector<std::unique_ptr<asio::io_context>>& contexts, std::chrono::seconds timeout) {
  const auto tick = std::clamp<std::chrono::steady_clock::duration>(
      std::chrono::steady_clock::duration(timeout) / 8, std::chrono::milliseconds(50),
      std::chrono::seconds(1));
  std::vector<std::unique_ptr<ConnectionDeadlines>> deadlines;
  for (const auto& context : contexts) {
    deadlines.push_back(std::make_unique<ConnectionDeadlines>(*context, tick));
  }
  return deadlines;
}

core::TrustedProxies parse_trusted_proxies(const std::vector<std::string>& cidrs) {
  auto parsed = core::TrustedProxies::parse(cidrs);
  return parsed ? std::move(*parsed) : core::TrustedProxies{};
}

}  // namespace

struct HttpServer::Impl {
  const Auth& auth;
  std::shared_ptr<Store> store;
  HttpServerOptions options;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  asio::io_context& io;  // the first context: acceptor, signals, sweep timer
  // The read and write deadlines of each context's connections (same index as `contexts`).
  std::vector<std::unique_ptr<ConnectionDeadlines>> deadlines;
  std::size_t next_context = 0;
  asio::thread_pool workers;        // may wait on a mailer or a hook
  asio::thread_pool store_workers;  // wait only on the store
  tcp::acceptor acceptor;
  asio::signal_set signals;  // SIGINT, SIGTERM: graceful shutdown
  asio::signal_set hangup;   // SIGHUP: options.on_hangup
  asio::steady_timer sweep_timer;
  asio::steady_timer drain_timer;  // polls in_flight once shutdown began
  const bool store_on_loop;        // store-only requests run on fibers of the loop
  std::atomic<bool> stopping{false};
  // Requests read and not yet answered (their response fully written or the write failed).
  std::atomic<int> in_flight{0};
  std::chrono::steady_clock::time_point drain_deadline;
  std::atomic<bool> abandoned{false};            // shutdown_timeout passed with requests in flight
  std::atomic<bool> ready_check_running{false};  // one Store::check_ready at a time
  // The proxies whose X-Request-Id is kept (the core's AuthConfig::trusted_proxies; none when
  // they do not parse, and then the core answers every request Configuration anyway).
  const core::TrustedProxies trusted_proxies;

  Impl(const Auth& a, std::shared_ptr<Store> s, HttpServerOptions o)
      : auth(a),
        store(std::move(s)),
        options(std::move(o)),
        contexts(make_contexts(options.io_threads)),
        io(*contexts.front()),
        deadlines(make_deadlines(contexts, options.read_timeout)),
        workers(static_cast<std::size_t>(std::max(1, options.worker_threads))),
        store_workers(static_cast<std::size_t>(std::max(1, options.store_threads))),
        acceptor(io),
        signals(io, SIGINT, SIGTERM),
        hangup(io, SIGHUP),
        sweep_timer(io),
        drain_timer(io),
        store_on_loop(options.store_fibers && store->waits_on_fibers()),
        trusted_proxies(parse_trusted_proxies(auth.config().trusted_proxies)) {}

  Response route(const Request& request) {
    if (request.path == "/healthz") {
      return request.method == "GET" ? plain(200, "ok\n") : plain(405, "Method not allowed.\n");
    }
    return auth.handle(request);
  }

  std::string_view route_name(const Request& request) const {
    if (request.path == "/healthz") return "healthz";
    if (request.path == "/readyz") return "readyz";
    return auth.route_name(request);
  }

  // The outcome of one readiness check, shared by the worker that runs it and the request
  // that waits for it (which may give up first).
  struct ReadyCheck {
    explicit ReadyCheck(asio::any_io_executor executor) : timer(std::move(executor)) {}
    asio::steady_timer timer;  // cancelled by the worker when it has the answer
    std::mutex mutex;
    std::optional<Result<void>> outcome;  // guarded by mutex
  };

  // /readyz: 200 "ready" when the store answers within ready_timeout and its schema is current;
  // 503 otherwise, and once shutdown began (options.ready_check). Never two store checks at once (a
  // probe while one runs gets 503), so probes against a dead database cannot pile up on the store
  // workers.
  asio::awaitable<Response> ready(const Request& request) {
    if (request.method != "GET" && request.method != "HEAD") {
      co_return plain(405, "Method not allowed.\n");
    }
    if (stopping.load()) co_return plain(503, "not ready: shutting down\n");
    if (ready_check_running.exchange(true)) {
      co_return plain(503, "not ready: the previous store check has not answered yet\n");
    }
    auto check = std::make_shared<ReadyCheck>(co_await asio::this_coro::executor);
    check->timer.expires_after(options.ready_timeout);
    asio::post(store_workers, [this, check] {
      Result<void> outcome = Result<void>{};
      if (options.ready_check) {
        outcome = options.ready_check();
      } else if (auto read = store->list_outbox_messages(1); !read) {
        outcome = read.error();
      }
      {
        std::lock_guard lock(check->mutex);
        check->outcome = std::move(outcome);
      }
      ready_check_running.store(false);
      asio::post(check->timer.get_executor(), [check] { check->timer.cancel(); });
    });
    co_await check->timer.async_wait(use_tuple);
    std::lock_guard lock(check->mutex);
    if (!check->outcome) {
      spdlog::warn("readyz: the store did not answer within {} ms", options.ready_timeout.count());
      co_return plain(503, "not ready: the store did not answer in time\n");
    }
    if (!*check->outcome) {
      spdlog::warn("readyz: {}", check->outcome->error().message);
      co_return plain(503, check->outcome->error().kind == "migration_needed"
                               ? "not ready: the database schema needs `linkgate migrate`\n"
                               : "not ready: the store is unavailable\n");
    }
    co_return plain(200, "ready\n");
  }

  asio::awaitable<Response> respond(Request request) {
    if (request.path == "/readyz") co_return co_await ready(request);
    if (request.path == "/healthz" || auth.is_pure(request)) co_return route(request);
    // On the loop, suspended while the store (or an HTTP API mailer) waits: no hand-off to
    // another thread and back.
    if (store_on_loop && auth.waits_on_fibers(request)) {
      co_return co_await run_on_loop_fiber([this, &request] { return route(request); });
    }
    const bool long_wait = auth.may_block_long(request);
    // Off the loop: the store and the mailers may block. A few threads suffice for the store
    // (its calls are short and bounded by its connection pool); fewer runnable threads than
    // connections keeps the cores from switching between them.
    co_return co_await asio::co_spawn(long_wait ? workers : store_workers,
                                      route_on_worker(std::move(request)), asio::use_awaitable);
  }

  // A named coroutine rather than a capturing lambda: g++ 12 mishandles lambda captures that
  // co_spawn moves into its frame.
  asio::awaitable<Response> route_on_worker(Request request) { co_return route(request); }

  // `deadlines` belongs to the socket's io_context, on whose thread the session runs.
  asio::awaitable<void> session(tcp::socket socket, ConnectionDeadlines& deadlines) {
    ConnectionDeadlines::Slot deadline(deadlines, socket);
    std::string remote;
    {
      boost::system::error_code ec;
      auto endpoint = socket.remote_endpoint(ec);
      if (!ec) remote = endpoint.address().to_string();
    }
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
      parser.body_limit(options.body_limit);
      deadline.expires_after(options.read_timeout);
      auto [read_error, read_bytes] = co_await http::async_read(socket, buffer, parser, use_tuple);
      (void)read_bytes;
      deadline.expires_never();
      if (deadline.expired() || read_error == http::error::end_of_stream ||
          read_error == asio::error::connection_reset || read_error == asio::error::eof) {
        break;
      }
      if (read_error) {
        // Oversized or malformed input: Auth.js's 400, then close (the stream is out of sync).
        auto reply = serialize_response(bad_request_response(), 11, false, false);
        deadline.expires_after(options.read_timeout);
        co_await asio::async_write(socket, asio::buffer(reply), use_tuple);
        co_await drain_then_close(socket, deadline);
        co_return;
      }
      auto& in = parser.get();
      in_flight.fetch_add(1);
      struct Answered {
        std::atomic<int>& count;
        ~Answered() { count.fetch_sub(1); }
      } answered{in_flight};
      const bool head = in.method() == http::verb::head;
      const unsigned version = in.version();
      const auto started = options.metrics ? std::chrono::steady_clock::now()
                                           : std::chrono::steady_clock::time_point();
      Request request = to_request(in, remote);
      request.id = request_id_for(request, trusted_proxies);
      std::string request_id = request.id;
      const std::string_view route = options.metrics ? route_name(request) : std::string_view();
      Response response = co_await respond(std::move(request));
      // The core never sets X-Request-Id: appended without a search.
      response.add_header("X-Request-Id", std::move(request_id));
      // Once shutdown began, each answer closes its connection.
      const bool keep_alive = in.keep_alive() && !stopping.load();
      auto reply = serialize_response(response, version, keep_alive, head);
      deadline.expires_after(options.read_timeout);
      auto [write_error, written] =
          co_await asio::async_write(socket, asio::buffer(reply), use_tuple);
      (void)written;
      if (options.metrics) {
        options.metrics->record(route, response.status, std::chrono::steady_clock::now() - started);
      }
      if (write_error || !keep_alive) break;
    }
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
  }

  // Lingering close after a rejected request: stop sending, then read and discard what the client
  // is still uploading (bounded in bytes and time) so the kernel does not answer the unread bytes
  // with a reset that would destroy the 400 before the client reads it.
  asio::awaitable<void> drain_then_close(tcp::socket& socket, ConnectionDeadlines::Slot& deadline) {
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    constexpr std::size_t kDrainLimit = 8 * 1024 * 1024;
    std::array<char, 16 * 1024> sink{};
    std::size_t drained = 0;
    deadline.expires_after(std::chrono::seconds(2));
    while (drained < kDrainLimit) {
      auto [error, n] = co_await socket.async_read_some(asio::buffer(sink), use_tuple);
      if (error) break;
      drained += n;
    }
    socket.close(ignored);
  }

  static Response bad_request_response() {
    Response r;
    r.status = 400;
    r.set_header("Content-Type", "application/json");
    r.body = "\"Bad request.\"";
    return r;
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      const std::size_t target = next_context;
      next_context = (next_context + 1) % contexts.size();
      auto [ec, socket] =
          co_await acceptor.async_accept(contexts[target]->get_executor(), use_tuple);
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) continue;  // e.g. EMFILE: keep serving the connections we have
      asio::co_spawn(socket.get_executor(), session(std::move(socket), *deadlines[target]),
                     asio::detached);
    }
  }

  // Runs on `io` once shutdown began: stops every context when no request is in flight any more,
  // or when shutdown_timeout has passed.
  void wait_for_drain() {
    const int left = in_flight.load();
    const bool late = std::chrono::steady_clock::now() >= drain_deadline;
    if (left == 0 || late) {
      if (late && left > 0) {
        abandoned.store(true);
        spdlog::warn("shutdown: {} request(s) still in flight after {} s; stopping anyway", left,
                     options.shutdown_timeout.count());
      }
      for (auto& context : contexts) context->stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([this](boost::system::error_code ec) {
      if (!ec) wait_for_drain();
    });
  }

  void wait_for_hangup() {
    hangup.async_wait([this](boost::system::error_code ec, int) {
      if (ec) return;
      if (options.on_hangup) {
        // Off the event loop: a reload reads files.
        asio::post(workers, options.on_hangup);
      } else {
        spdlog::info("SIGHUP: nothing to reload");
      }
      wait_for_hangup();
    });
  }

  void schedule_sweep() {
    sweep_timer.expires_after(options.sweep_interval);
    sweep_timer.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      asio::post(workers, [this] {
        auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
        auto swept = store->delete_expired(now);
        if (!swept) {
          spdlog::warn("sweep: {}", swept.error().message);
        } else if (swept->verification_tokens + swept->sessions + swept->one_time_codes +
                       swept->used_verification_tokens >
                   0) {
          spdlog::info(
              "sweep: removed {} expired tokens, {} expired sessions, {} expired one-time codes "
              "and {} expired records of used links",
              swept->verification_tokens, swept->sessions, swept->one_time_codes,
              swept->used_verification_tokens);
        }
      });
      schedule_sweep();
    });
  }
};

HttpServer::HttpServer(const Auth& auth, std::shared_ptr<Store> store, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(auth, std::move(store), std::move(options))) {}

HttpServer::~HttpServer() {
  impl_->workers.join();
  impl_->store_workers.join();
}

Result<int> HttpServer::listen() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return Error{"configuration", "HOST is not an IP address: " + impl_->options.host};
  tcp::endpoint endpoint(address, static_cast<unsigned short>(impl_->options.port));
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error{"unavailable", "cannot listen on " + impl_->options.host + ":" +
                                    std::to_string(impl_->options.port) + ": " + ec.message()};
  }
  return static_cast<int>(acceptor.local_endpoint().port());
}

void HttpServer::run() {
  auto& impl = *impl_;
  impl.signals.async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("{}: shutting down (at most {} s for the requests in flight)",
                 signal == SIGINT ? "SIGINT" : "SIGTERM", impl_->options.shutdown_timeout.count());
    stop();
  });
  impl.wait_for_hangup();
  asio::co_spawn(impl.io, impl.accept_loop(), asio::detached);
  impl.schedule_sweep();
  // The other contexts have no work until a connection arrives: keep them running until stop().
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl.contexts.size(); ++i) {
    keep_running.push_back(asio::make_work_guard(*impl.contexts[i]));
    threads.emplace_back([context = impl.contexts[i].get()] { context->run(); });
  }
  impl.io.run();
  for (auto& t : threads) t.join();
  if (impl.abandoned.load()) return;  // the workers may still be busy: see abandoned_requests()
  impl.workers.join();
  impl.store_workers.join();
}

bool HttpServer::abandoned_requests() const {
  return impl_->abandoned.load();
}

void HttpServer::stop() {
  asio::post(impl_->io, [this] {
    auto& impl = *impl_;
    if (impl.stopping.exchange(true)) return;
    boost::system::error_code ignored;
    impl.acceptor.close(ignored);
    impl.sweep_timer.cancel();
    impl.signals.cancel();
    impl.hangup.cancel();
    impl.drain_deadline = std::chrono::steady_clock::now() + impl.options.shutdown_timeout;
    impl.wait_for_drain();
  });
}

}  // namespace linkgate::server
