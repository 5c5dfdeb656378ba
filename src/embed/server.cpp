// include/linkgate/server.hpp: a thin pimpl over the server's HttpServer, so the public header
// carries no Boost.Asio.
#include "linkgate/server.hpp"

#include "server/http_server.hpp"

namespace linkgate {

struct Server::Impl {
  server::HttpServer http;

  static server::HttpServerOptions convert(const ServerOptions& o) {
    server::HttpServerOptions h;
    h.host = o.host;
    h.port = o.port;
    h.io_threads = o.io_threads;
    h.worker_threads = o.worker_threads;
    h.store_threads = o.store_threads;
    h.store_fibers = o.store_fibers;
    h.body_limit = o.body_limit;
    h.header_limit = o.header_limit;
    h.read_timeout = o.read_timeout;
    h.sweep_interval = o.sweep_interval;
    return h;
  }

  Impl(const Auth& auth, std::shared_ptr<Store> store, const ServerOptions& options)
      : http(auth, std::move(store), convert(options)) {}
};

Server::Server(const Auth& auth, std::shared_ptr<Store> store, ServerOptions options)
    : impl_(std::make_unique<Impl>(auth, std::move(store), options)) {}

Server::~Server() = default;

Result<int> Server::listen() {
  return impl_->http.listen();
}

void Server::run() {
  impl_->http.run();
}

void Server::stop() {
  impl_->http.stop();
}

}  // namespace linkgate
