// Hands each caller a Connection of its own, so that calls from many worker threads never share a
// SQLite handle. Idle connections are kept and reused (with their prepared statements); the pool
// grows to the number of threads that call the store at the same time, which the server bounds
// with its worker-pool size. A caller never waits for a connection (one is opened when none is
// idle), so the pool has nothing like PostgreSQL's "waiting" to report.
//
// Timing: a pool made with an `on_lease` callback times each lease taken with acquire(operation),
// from the call to acquire() to the lease's return to the pool, and reports it under `operation`
// when the lease is returned (or, when no connection could be opened, at once). Without the
// callback nothing is timed: one branch in acquire() and one when the lease is returned.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "linkgate/result.hpp"
#include "store/sqlite/connection.hpp"

namespace linkgate::store::sqlite {

class ConnectionPool {
 public:
  using OnLease = std::function<void(std::string_view operation, std::chrono::nanoseconds took)>;

  // A connection checked out of the pool; returned to it on destruction.
  class Lease {
   public:
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}

    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
    // Set when the lease is timed: the Store operation it serves and when it was asked for.
    std::string_view operation_;
    std::chrono::steady_clock::time_point asked_at_;
    bool timed_ = false;
  };

  explicit ConnectionPool(std::string path, OnLease on_lease = {})
      : path_(std::move(path)), on_lease_(std::move(on_lease)) {}

  // An idle connection, or a newly opened one when none is idle, for the Store operation
  // `operation` (a string that outlives the lease), timed when the pool has an `on_lease`.
  // REQUIRES: the pool outlives the Lease.
  Result<Lease> acquire(std::string_view operation);
  // As acquire(operation), never timed: for work that is no Store operation (schema, readiness).
  Result<Lease> acquire_untimed();

 private:
  void release(std::unique_ptr<Connection> connection);

  const std::string path_;
  const OnLease on_lease_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace linkgate::store::sqlite
