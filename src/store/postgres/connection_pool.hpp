// A bounded pool of PostgreSQL connections (DATABASE_POOL_SIZE).
//
// At most `size` connections are open at once; a caller that finds them all busy waits (up to the
// acquire timeout) for one to come back. Connections are opened on demand, so a database that is
// down costs nothing until it is needed, and one that comes back is used again without a restart:
// a connection the server has closed is noticed when it is taken from the pool (or when a query
// on it fails) and replaced by a new one. A caller with a store::Waiter installed (a fiber) waits
// through it, so that a busy pool suspends only that fiber and never the thread its connections'
// holders may be waiting to run on.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "linkgate/result.hpp"
#include "store/postgres/connection.hpp"
#include "store/waiter.hpp"

namespace linkgate::store::postgres {

class ConnectionPool {
 public:
  // A connection checked out of the pool; returned to it on destruction (or closed, when it is
  // broken or left inside a transaction).
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

  // REQUIRES: size >= 1.
  ConnectionPool(ConnectSettings settings, int size, std::chrono::milliseconds acquire_timeout);

  // An idle healthy connection, a new one while fewer than `size` are open, or (after waiting for
  // one to be released) Error{kind "unavailable"}. REQUIRES: the pool outlives the Lease.
  Result<Lease> acquire();

  const ConnectSettings& settings() const { return settings_; }

 private:
  void release(std::unique_ptr<Connection> connection);
  // Wakes one waiter of each kind, after unlocking.
  void wake_one(std::unique_lock<std::mutex> lock);

  const ConnectSettings settings_;
  const int size_;
  const std::chrono::milliseconds acquire_timeout_;
  std::mutex mutex_;
  std::condition_variable released_;            // waiters without a store::Waiter
  std::deque<std::shared_ptr<Signal>> fibers_;  // waiters with one, first come first served
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;  // idle + leased
};

}  // namespace linkgate::store::postgres
