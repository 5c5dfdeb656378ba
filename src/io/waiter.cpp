#include "io/waiter.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <thread>

namespace linkgate::io {

namespace {

thread_local Waiter* installed = nullptr;

// poll()'s timeout for `deadline`: -1 for none, else whole milliseconds rounded up.
int poll_timeout(Deadline deadline) {
  if (deadline == kNoDeadline) return -1;
  const auto left =
      std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(left.count(), 0, 1 << 30));
}

}  // namespace

Waiter* current_waiter() {
  return installed;
}

ScopedWaiter::ScopedWaiter(Waiter* waiter) : previous_(installed) {
  installed = waiter;
}

ScopedWaiter::~ScopedWaiter() {
  installed = previous_;
}

bool wait_socket(int fd, Readiness readiness, Deadline deadline) {
  // No socket (a connection already lost): nothing to wait for; the caller's next read or write
  // reports the error.
  if (fd < 0) return true;
  if (installed != nullptr) return installed->wait_socket(fd, readiness, deadline);
  const short events = readiness == Readiness::readable   ? POLLIN
                       : readiness == Readiness::writable ? POLLOUT
                                                          : POLLIN | POLLOUT;
  for (;;) {
    pollfd socket{.fd = fd, .events = events, .revents = 0};
    const int ready = ::poll(&socket, 1, poll_timeout(deadline));
    if (ready > 0) return true;
    if (ready == 0) return false;
    // An error of poll itself (not of the socket): EINTR retries; anything else is left for the
    // read or write that follows to report.
    if (errno != EINTR) return true;
  }
}

void sleep_until(Deadline deadline) {
  if (installed != nullptr) {
    (void)installed->wait_signal(installed->make_signal(), deadline);
    return;
  }
  std::this_thread::sleep_until(deadline);
}

}  // namespace linkgate::io
