// The HTTP/1.1 server: Boost.Beast with C++20 coroutines, `io_threads` threads each running its
// own io_context (a connection stays on one thread), and two bounded worker pools for the requests
// that may block, so the event loop never blocks on SQLite, PostgreSQL or an email API: a small
// one for requests that wait only on the store, and a larger one for requests that may wait on an
// email provider or an embedder's hook (Auth::may_block_long), so a slow provider cannot hold up
// session lookups.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "linkgate/auth.hpp"
#include "linkgate/result.hpp"
#include "server/http_metrics.hpp"

namespace linkgate::server {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 3000;  // 0 picks a free port
  int io_threads = 1;
  int worker_threads = 16;  // requests that may wait on an email provider or an embedder's hook
  int store_threads = 4;    // requests that wait only on the store (sessions, link redemptions)
  // Store-only requests run on fibers of the event loop instead, when the store allows it
  // (Store::waits_on_fibers: PostgreSQL); so do sign-ins whose mailer allows it too
  // (Auth::waits_on_fibers: the HTTP API providers).
  bool store_fibers = true;
  std::size_t body_limit = 64 * 1024;    // larger bodies get 400 "Bad request."
  std::size_t header_limit = 64 * 1024;  // room for a chunked session cookie
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds sweep_interval{3600};
  // After SIGTERM/SIGINT (or stop()): how long requests in flight (and the emails they send) may
  // take to finish before the server stops anyway (LINKGATE_SHUTDOWN_TIMEOUT).
  std::chrono::seconds shutdown_timeout{25};
  // /readyz's question to the store, run on a store worker: OK when it is ready to serve. Unset:
  // the store must answer a read (list_outbox_messages).
  std::function<Result<void>()> ready_check;
  // How long /readyz waits for ready_check's answer before answering 503.
  std::chrono::milliseconds ready_timeout{1000};
  // Called on SIGHUP, on a worker thread (e.g. to reload templates). The server keeps
  // serving whatever it does; without one, SIGHUP is logged and otherwise ignored.
  std::function<void()> on_hangup;
  // Where each answered request is counted (by route and status class) and timed; unset: nowhere.
  std::shared_ptr<const HttpMetrics> metrics;
};

class HttpServer {
 public:
  // REQUIRES: auth and store outlive the server.
  HttpServer(const Auth& auth, std::shared_ptr<Store> store, HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens. Returns the port actually bound, or an Error (address in use, ...).
  Result<int> listen();
  // Serves until SIGINT/SIGTERM or stop(). /healthz answers 200 while the process serves;
  // /readyz 200 when the store answers within ready_timeout with a current schema, 503
  // otherwise and from the moment shutdown begins.
  void run();
  // Graceful shutdown: stops accepting, answers /readyz with 503, lets the requests in flight
  // finish (each answered with Connection: close) for at most shutdown_timeout, then makes run()
  // return. Thread-safe; idempotent.
  void stop();
  // True when run() returned because shutdown_timeout passed with requests still in flight: their
  // worker threads may still be busy, and destroying the server waits for them. A process that
  // must stop now exits without destroying it.
  bool abandoned_requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linkgate::server
