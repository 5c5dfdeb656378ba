// How an adapter (the PostgreSQL store, the HTTP client of the email APIs) waits: for its socket
// to become ready, for another thread to hand it something (a pooled connection coming back), or
// for a moment to pass.
//
// With no Waiter installed on the calling thread, a wait blocks the thread (poll, a condition
// variable, a sleep). A server that runs requests on fibers of its event loop installs one for as
// long as a fiber runs: a wait then suspends only the fiber, and the thread serves other
// connections meanwhile. A Waiter's waits must be made from the thread (and fiber) that installed
// it.
#pragma once

#include <chrono>
#include <memory>

namespace linkgate::io {

using Deadline = std::chrono::steady_clock::time_point;
constexpr Deadline kNoDeadline = Deadline::max();

// `either`: readable or writable, whichever comes first.
enum class Readiness { readable, writable, either };

// Raised at most once, from any thread, to end one wait_signal.
class Signal {
 public:
  virtual ~Signal() = default;
  virtual void raise() = 0;
};

class Waiter {
 public:
  virtual ~Waiter() = default;
  // Returns true once `fd` is ready for `readiness` (or in error: the next read or write tells),
  // false when `deadline` passed first.
  virtual bool wait_socket(int fd, Readiness readiness, Deadline deadline) = 0;
  // A signal for one later wait_signal of this Waiter.
  virtual std::shared_ptr<Signal> make_signal() = 0;
  // Returns true once `signal` (made by make_signal) is raised, false when `deadline` passed
  // first. A signal raised before the wait ends it at once.
  virtual bool wait_signal(const std::shared_ptr<Signal>& signal, Deadline deadline) = 0;
};

// The Waiter installed on this thread, or nullptr (waits block the thread).
Waiter* current_waiter();

// Installs `waiter` on this thread until destroyed, then restores the one before.
class ScopedWaiter {
 public:
  explicit ScopedWaiter(Waiter* waiter);
  ~ScopedWaiter();
  ScopedWaiter(const ScopedWaiter&) = delete;
  ScopedWaiter& operator=(const ScopedWaiter&) = delete;

 private:
  Waiter* previous_;
};

// Waits for `fd` through the current Waiter, or blocks the thread in poll() when none is
// installed. Same result as Waiter::wait_socket; true at once for a negative `fd`.
bool wait_socket(int fd, Readiness readiness, Deadline deadline);

// Returns once `deadline` has passed: through the current Waiter (a wait for a signal nobody
// raises), or by sleeping the thread when none is installed.
void sleep_until(Deadline deadline);

}  // namespace linkgate::io
