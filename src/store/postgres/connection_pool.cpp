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
    std::unique_ptr<Connection> connection;
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
    } else if (open_ < size_) {
      ++open_;
      lock.unlock();
      // Opened outside the lock: connecting may take up to the connect timeout.
      auto opened = Connection::open(settings_);
      if (opened) return Lease(this, std::move(*opened));
      lock.lock();
      --open_;
      hand_over(std::move(lock), nullptr);
      return opened.error();
    } else {
      auto turn = wait_for_turn(lock, deadline);
      if (!turn) return turn.error();
      connection = std::move(*turn);
      if (connection == nullptr) continue;  // a place opened: open a connection of our own
    }
    lock.unlock();
    // Checked outside the lock: it reads from the socket (without waiting).
    if (connection->healthy()) return Lease(this, std::move(connection));
    connection.reset();
    lock.lock();
    --open_;
  }
}

ConnectionPool::Usage ConnectionPool::usage() {
  std::lock_guard lock(mutex_);
  return Usage{.size = size_,
               .open = open_,
               .in_use = open_ - static_cast<int>(idle_.size()),
               .waiting = static_cast<int>(queue_.size())};
}

Result<std::unique_ptr<Connection>> ConnectionPool::wait_for_turn(
    std::unique_lock<std::mutex>& lock, io::Deadline deadline) {
  auto queued = std::make_shared<Queued>();
  io::Waiter* waiter = io::current_waiter();
  if (waiter != nullptr) queued->signal = waiter->make_signal();
  queue_.push_back(queued);
  if (waiter != nullptr) {
    lock.unlock();
    waiter->wait_signal(queued->signal, deadline);
    lock.lock();
  } else {
    queued->woken.wait_until(lock, deadline, [&] { return queued->served; });
  }
  if (queued->served) return std::move(queued->connection);
  // The deadline came first: still in the queue, since whoever serves a waiter takes it off.
  queue_.erase(std::find(queue_.begin(), queue_.end(), queued));
  return Error{"unavailable", "postgres: all " + std::to_string(size_) +
                                  " connections of the pool stayed busy (DATABASE_POOL_SIZE)"};
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) {
  if (!connection->reusable()) connection.reset();  // closed outside the lock
  std::unique_lock lock(mutex_);
  if (connection == nullptr) --open_;
  hand_over(std::move(lock), std::move(connection));
}

void ConnectionPool::hand_over(std::unique_lock<std::mutex> lock,
                               std::unique_ptr<Connection> connection) {
  if (queue_.empty()) {
    if (connection != nullptr) idle_.push_back(std::move(connection));
    return;
  }
  auto next = std::move(queue_.front());
  queue_.pop_front();
  next->served = true;
  next->connection = std::move(connection);
  lock.unlock();
  if (next->signal) {
    next->signal->raise();
  } else {
    next->woken.notify_one();
  }
}

}  // namespace linkgate::store::postgres
