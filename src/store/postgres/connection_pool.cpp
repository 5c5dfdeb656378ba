#include "store/postgres/connection_pool.hpp"

#include <algorithm>
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
      wake_one(std::move(lock));
      return opened.error();
    }
    bool timed_out = false;
    if (Waiter* waiter = current_waiter(); waiter != nullptr) {
      auto signal = waiter->make_signal();
      fibers_.push_back(signal);
      lock.unlock();
      timed_out = !waiter->wait_signal(signal, deadline);
      lock.lock();
      // Still queued when the deadline came first (a raised signal has been taken off).
      if (auto queued = std::find(fibers_.begin(), fibers_.end(), signal);
          queued != fibers_.end()) {
        fibers_.erase(queued);
      }
    } else {
      timed_out = released_.wait_until(lock, deadline) == std::cv_status::timeout;
    }
    if (timed_out && idle_.empty() && open_ >= size_) {
      return Error{"unavailable", "postgres: all " + std::to_string(size_) +
                                      " connections of the pool stayed busy (DATABASE_POOL_SIZE)"};
    }
  }
}

void ConnectionPool::wake_one(std::unique_lock<std::mutex> lock) {
  std::shared_ptr<Signal> fiber;
  if (!fibers_.empty()) {
    fiber = std::move(fibers_.front());
    fibers_.pop_front();
  }
  lock.unlock();
  // Both kinds of waiter may be queued: one of each is woken, and the one that finds nothing
  // free waits again.
  released_.notify_one();
  if (fiber) fiber->raise();
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) {
  const bool reusable = connection->reusable();
  if (!reusable) connection.reset();  // closed outside the lock
  std::unique_lock lock(mutex_);
  if (reusable) {
    idle_.push_back(std::move(connection));
  } else {
    --open_;
  }
  wake_one(std::move(lock));
}

}  // namespace linkgate::store::postgres
