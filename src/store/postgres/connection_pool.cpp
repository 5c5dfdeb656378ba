#include "store/postgres/connection_pool.hpp"

#include <utility>

namespace linkgate::store::postgres {

ConnectionPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->release(std::move(connection_));
}

ConnectionPool::ConnectionPool(ConnectSettings settings, int size,
                               std::chrono::milliseconds acquire_timeout)
    : settings_(std::move(settings)), size_(size), acquire_timeout_(acquire_timeout) {}

Result<ConnectionPool::Lease> ConnectionPool::acquire() {
  const auto deadline = std::chrono::steady_clock::now() + acquire_timeout_;
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      lock.unlock();
      // Checked outside the lock: it reads from the socket (without waiting).
      if (connection->healthy()) return Lease(this, std::move(connection));
      connection.reset();
      lock.lock();
      --open_;
      continue;
    }
    if (open_ < size_) {
      ++open_;
      lock.unlock();
      // Opened outside the lock: connecting may take up to the connect timeout.
      auto opened = Connection::open(settings_);
      if (opened) return Lease(this, std::move(*opened));
      lock.lock();
      --open_;
      released_.notify_one();
      return opened.error();
    }
    if (released_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= size_) {
      return Error{"unavailable", "postgres: all " + std::to_string(size_) +
                                      " connections of the pool stayed busy (DATABASE_POOL_SIZE)"};
    }
  }
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) {
  const bool reusable = connection->reusable();
  if (!reusable) connection.reset();  // closed outside the lock
  {
    std::lock_guard lock(mutex_);
    if (reusable) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  released_.notify_one();
}

}  // namespace linkgate::store::postgres
