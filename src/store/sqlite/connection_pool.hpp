// Hands each caller a Connection of its own, so that calls from many worker threads never share a
// SQLite handle. Idle connections are kept and reused (with their prepared statements); the pool
// grows to the number of threads that call the store at the same time, which the server bounds
// with its worker-pool size.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "linkgate/result.hpp"
#include "store/sqlite/connection.hpp"

namespace linkgate::store::sqlite {

class ConnectionPool {
 public:
  // A connection checked out of the pool; returned to it on destruction.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  explicit ConnectionPool(std::string path) : path_(std::move(path)) {}

  // An idle connection, or a newly opened one when none is idle.
  // REQUIRES: the pool outlives the Lease.
  Result<Lease> acquire();

 private:
  void release(std::unique_ptr<Connection> connection);

  const std::string path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace linkgate::store::sqlite
