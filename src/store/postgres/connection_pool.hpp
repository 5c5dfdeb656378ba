// A bounded pool of PostgreSQL connections (DATABASE_POOL_SIZE).
//
// At most `size` connections are open at once; a caller that finds them all busy waits (up to the
// acquire timeout) for one to come back, and callers are served in the order they came. Connections
// are opened on demand, so a database that is down costs nothing until it is needed, and one that
// comes back is used again without a restart: a connection the server has closed is noticed when it
// is taken from the pool (or when a query on it fails) and replaced by a new one. A caller with a
// io::Waiter installed (a fiber) waits through it, so that a busy pool suspends only that fiber
// and never the thread its connections' holders may be waiting to run on.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "io/waiter.hpp"
#include "linkgate/result.hpp"
#include "store/postgres/connection.hpp"

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

  // A snapshot of the pool for metrics: connections open (idle or leased), leased, and callers
  // waiting for one.
  struct Usage {
    int size = 0;
    int open = 0;
    int in_use = 0;
    int waiting = 0;
  };
  Usage usage();

 private:
  // A caller waiting for a connection, served in the order of arrival.
  struct Queued {
    bool served = false;                     // handed a connection, or a place to open one
    std::unique_ptr<Connection> connection;  // the one handed over, or null: open one
    std::shared_ptr<io::Signal> signal;      // raised when served (a caller with a Waiter)
    std::condition_variable woken;           // notified when served (a caller without)
  };

  // Queues the caller until it is served (a connection, or null for a place to open one) or the
  // deadline passes (Error). REQUIRES: `lock` holds mutex_; it holds it again on return.
  Result<std::unique_ptr<Connection>> wait_for_turn(std::unique_lock<std::mutex>& lock,
                                                    io::Deadline deadline);
  void release(std::unique_ptr<Connection> connection);
  // Gives `connection` (or, when null, the place of a closed one) to the first caller in the
  // queue, or keeps it idle when none waits. Unlocks before waking the caller.
  void hand_over(std::unique_lock<std::mutex> lock, std::unique_ptr<Connection> connection);

  const ConnectSettings settings_;
  const int size_;
  const std::chrono::milliseconds acquire_timeout_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::deque<std::shared_ptr<Queued>> queue_;
  int open_ = 0;  // idle + leased
};

}  // namespace linkgate::store::postgres
