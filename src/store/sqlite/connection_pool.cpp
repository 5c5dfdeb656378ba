#include "store/sqlite/connection_pool.hpp"

#include <utility>

namespace linkgate::store::sqlite {

ConnectionPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->release(std::move(connection_));
}

Result<ConnectionPool::Lease> ConnectionPool::acquire() {
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
