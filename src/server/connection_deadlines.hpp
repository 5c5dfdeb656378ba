// Read and write deadlines of the connections that one event-loop thread serves, enforced by one
// coarse timer instead of a timer per operation.
//
// Beast's tcp_stream arms and cancels a timer around every read and every write: with keep-alive,
// several timer updates per request, each of which can cost a timerfd_settime system call. Here a
// connection only writes its deadline into its Slot (a clock read); one timer per thread ticks
// while any connection is registered and cancels the socket operations of the connections past
// their deadline. A deadline is therefore enforced up to one tick late.
//
// Everything here runs on the thread of the io_context given to the constructor.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <unordered_set>

namespace linkgate::server {

class ConnectionDeadlines {
 public:
  using Clock = std::chrono::steady_clock;

  // `tick`: how often deadlines are checked while any connection is registered.
  ConnectionDeadlines(boost::asio::io_context& io, Clock::duration tick);
  ConnectionDeadlines(const ConnectionDeadlines&) = delete;
  ConnectionDeadlines& operator=(const ConnectionDeadlines&) = delete;

  class Slot;
  using Registry = std::unordered_set<Slot*>;

  // One connection's deadline, registered for the Slot's lifetime, which must end before the
  // socket's. A Slot may outlive its ConnectionDeadlines (an io_context destroys the coroutine
  // frames it still holds only when it is itself destroyed). No deadline until expires_after.
  class Slot {
   public:
    Slot(ConnectionDeadlines& owner, boost::asio::ip::tcp::socket& socket);
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

    // The socket's operations pending `timeout` from now are cancelled (operation_aborted) once
    // that time has passed; a later call moves the deadline.
    void expires_after(Clock::duration timeout);
    // No deadline (while the request is being answered: no socket operation is pending).
    void expires_never();
    // True once a deadline passed and cancelled the socket's operations.
    bool expired() const { return expired_; }

   private:
    friend class ConnectionDeadlines;
    std::shared_ptr<Registry> registry_;
    boost::asio::ip::tcp::socket& socket_;
    Clock::time_point deadline_ = Clock::time_point::max();
    bool expired_ = false;
  };

  // The number of registered connections.
  std::size_t size() const { return slots_->size(); }

 private:
  void start_ticking();
  void check(Clock::time_point now);

  boost::asio::steady_timer timer_;
  Clock::duration tick_;
  bool ticking_ = false;
  std::shared_ptr<Registry> slots_ = std::make_shared<Registry>();
};

}  // namespace linkgate::server
