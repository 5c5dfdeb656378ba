#include "store/sqlite/connection_pool.hpp"

#include <utility>

namespace linkgate::store::sqlite {

ConnectionPool::Lease::~Lease() {
  if (connection_ == nullptr) return;  // moved from
  if (!timed_) {
    pool_->release(std::move(connection_));
    return;
  }
  const auto took = std::chrono::steady_clock::now() - asked_at_;
  pool_->release(std::move(connection_));
  pool_->on_lease_(operation_, took);
}

Result<ConnectionPool::Lease> ConnectionPool::acquire(std::string_view operation) {
  if (!on_lease_) return acquire_untimed();
  const auto asked_at = std::chrono::steady_clock::now();
  auto lease = acquire_untimed();
  if (!lease) {
    on_lease_(operation, std::chrono::steady_clock::now() - asked_at);
    return lease;
  }
  lease->operation_ = operation;
  lease->asked_at_ = asked_at;
  lease->timed_ = true;
  return lease;
}

Result<ConnectionPool::Lease> ConnectionPool::acquire_untimed() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(connection));
    }
  }
  // Opened outside the lock: opening touches the file system and may wait on the busy timeout.
  auto opened = Connection::open(path_);
  if (!opened) return opened.error();
  return Lease(this, std::move(*opened));
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) {
  // A connection still inside a transaction (a ROLLBACK that failed) would hold the write lock
  // for its next user; close it instead of reusing it.
  if (!connection->in_autocommit()) return;
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(connection));
}

}  // namespace linkgate::store::sqlite
