// Serving an Auth over HTTP/1.1 in-process: the same server `linkgate serve` runs (Boost.Beast,
// coroutines, a bounded worker pool for every request that touches the store, a mailer or an
// embedder's hook, so the event loop never blocks on them).
//
// REQUIRES: link with the linkgate_embed library.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "linkgate/auth.hpp"
#include "linkgate/result.hpp"
#include "linkgate/store.hpp"

namespace linkgate {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 3000;          // 0 picks a free port (listen() says which)
  int io_threads = 1;       // event-loop threads
  int worker_threads = 16;  // threads for requests that may send mail or run hooks
  int store_threads = 4;    // threads for requests that only use the store
  // Requests that only use the store run on fibers of the event loop instead, when the store's
  // waits allow it (Store::waits_on_fibers: the PostgreSQL store); so do sign-ins whose mailer's
  // waits allow it too (Mailer::waits_on_fibers: the HTTP API providers).
  bool store_fibers = true;
  std::size_t body_limit = 64 * 1024;    // larger bodies get 400 "Bad request."
  std::size_t header_limit = 64 * 1024;  // room for a chunked session cookie
  std::chrono::seconds read_timeout{30};
  // How often expired verification tokens and sessions are deleted from the store.
  std::chrono::seconds sweep_interval{3600};
};

class Server {
 public:
  // REQUIRES: auth and store outlive the server; store is the one auth was built with.
  Server(const Auth& auth, std::shared_ptr<Store> store, ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Returns the port actually bound, or an Error: kind "configuration" when
  // host is not an IP address, kind "unavailable" when the address is in use or cannot be
  // bound. REQUIRES: called once, before run().
  Result<int> listen();
  // Serves on the calling thread (plus io_threads - 1 more) until SIGINT/SIGTERM or stop();
  // then stops accepting, waits for the store and mail calls in flight and returns.
  // REQUIRES: listen() succeeded.
  void run();
  // Makes run() return. Safe to call from any thread.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linkgate
