#include "server/loop_fiber.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/context/fiber.hpp>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <vector>

#include "io/waiter.hpp"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

namespace linkgate::server {

namespace {

namespace asio = boost::asio;
namespace ctx = boost::context;
using Handler = asio::any_completion_handler<void(Response)>;

// Fiber stacks: mapped once with a guard page below them, and kept for reuse, so that a request
// costs no mmap. Shared by every loop thread: a fiber may end (and free its stack) on another
// thread than the one that made it, when a server shuts down with requests in flight.
class StackCache {
 public:
  static constexpr std::size_t kUsable = 256 * 1024;  // ample for the core and libpq
  static constexpr std::size_t kKept = 256;           // stacks kept for reuse at most

  ctx::stack_context allocate() {
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        auto stack = free_.back();
        free_.pop_back();
        return stack;
      }
    }
    const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t total = kUsable + page;
    void* base = ::mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) throw std::bad_alloc();
    ::mprotect(base, page, PROT_NONE);  // the stack grows down into this page and faults there
    ctx::stack_context stack;
    stack.size = total;
    stack.sp = static_cast<char*>(base) + total;
    return stack;
  }

  void deallocate(ctx::stack_context& stack) {
    {
      std::lock_guard lock(mutex_);
      if (free_.size() < kKept) {
        free_.push_back(stack);
        return;
      }
    }
    ::munmap(static_cast<char*>(stack.sp) - stack.size, stack.size);
  }

  ~StackCache() {
    for (auto& stack : free_) ::munmap(static_cast<char*>(stack.sp) - stack.size, stack.size);
  }

 private:
  std::mutex mutex_;
  std::vector<ctx::stack_context> free_;
};

StackCache& stack_cache() {
  static StackCache cache;
  return cache;
}

// The StackAllocator that Boost.Context copies into each fiber.
struct CachedStack {
  ctx::stack_context allocate() { return stack_cache().allocate(); }
  void deallocate(ctx::stack_context& stack) { stack_cache().deallocate(stack); }
};

// AddressSanitizer must be told of every switch between stacks, or it takes the fiber's frames
// for a corrupted stack (its fake stacks and its bookkeeping on exceptions).
struct StackBounds {
  const void* bottom = nullptr;
  std::size_t size = 0;
};

void start_switch([[maybe_unused]] void** fake_stack, [[maybe_unused]] StackBounds to) {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_start_switch_fiber(fake_stack, to.bottom, to.size);
#endif
}

void finish_switch([[maybe_unused]] void* fake_stack, [[maybe_unused]] StackBounds* from) {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_finish_switch_fiber(fake_stack, from != nullptr ? &from->bottom : nullptr,
                                  from != nullptr ? &from->size : nullptr);
#endif
}

Response internal_error() {
  Response response;
  response.status = 500;
  response.set_header("Content-Type", "text/plain; charset=utf-8");
  response.body = "Internal error.\n";
  return response;
}

class LoopFiber;

// One wait of a fiber: whichever of its wake-ups comes first (ready, raised, deadline) resumes the
// fiber; the others then find it done. Every wake-up runs on the fiber's executor, so `done` needs
// no lock.
struct Wait {
  bool done = false;
  bool timed_out = false;
  std::optional<asio::posix::stream_descriptor> socket;
  std::optional<asio::steady_timer> timer;
};

class FiberSignal;

// Thrown inside a fiber to unwind it; deliberately not a std::exception, so that nothing on the way
// (the core catches std::exception) mistakes it for an error to answer.
struct Cancelled {};

class LoopFiber final : public io::Waiter, public std::enable_shared_from_this<LoopFiber> {
 public:
  using Executor = asio::io_context::executor_type;

  LoopFiber(Executor executor, std::function<Response()> work, Handler done)
      : executor_(executor), work_(std::move(work)), done_(std::move(done)) {}

  // A fiber still suspended here lost its last wake-up (its loop shut down): it is resumed once
  // more to unwind its frames (suspend() throws Cancelled), so that what they hold (a pooled
  // connection, a descriptor) is released. The request is not answered.
  ~LoopFiber() override {
    if (fiber_) {
      cancelled_ = true;
      switch_in();
    }
  }

  // From the loop: runs the fiber until it first waits or ends.
  void start() {
    stack_ = stack_cache().allocate();
    fiber_ = ctx::fiber(std::allocator_arg, ctx::preallocated(stack_.sp, stack_.size, stack_),
                        CachedStack(), [this](ctx::fiber&& loop) { return body(std::move(loop)); });
    resume();
  }

  bool wait_socket(int fd, io::Readiness readiness, io::Deadline deadline) override {
    auto wait = std::make_shared<Wait>();
    boost::system::error_code refused;
    wait->socket.emplace(executor_);
    wait->socket->assign(fd, refused);
    if (refused) return true;  // not a socket epoll takes: the caller's next read or write says why
    // No owner of the fiber may stay in its own frames (it could then never be destroyed): the
    // handlers own it while it waits.
    // `either` waits for both; the first wakes the fiber, and release() below aborts the other.
    const auto watch = [&](asio::posix::stream_descriptor::wait_type type) {
      wait->socket->async_wait(type, [self = shared_from_this(), wait](boost::system::error_code) {
        self->wake(*wait);
      });
    };
    if (readiness != io::Readiness::writable) watch(asio::posix::stream_descriptor::wait_read);
    if (readiness != io::Readiness::readable) watch(asio::posix::stream_descriptor::wait_write);
    arm_deadline(wait, deadline);
    // The descriptor is the caller's (libpq's, libcurl's): it leaves the loop's epoll set after the
    // wait, even one that suspend() ends by throwing, but is never closed here.
    struct Release {
      Wait& wait;
      ~Release() {
        wait.socket->release();
        if (wait.timer) wait.timer->cancel();
      }
    } release{*wait};
    suspend();
    return !wait->timed_out;
  }

  std::shared_ptr<io::Signal> make_signal() override;
  bool wait_signal(const std::shared_ptr<io::Signal>& signal, io::Deadline deadline) override;

  // From the loop, at a wake-up of `wait`: resumes the fiber unless the wait already ended.
  void wake(Wait& wait) {
    if (wait.done) return;
    wait.done = true;
    resume();
  }

 private:
  ctx::fiber body(ctx::fiber&& loop) {
    finish_switch(nullptr, &loop_stack_);
    loop_ = std::move(loop);
    try {
      response_ = work_();
    } catch (const Cancelled&) {
      // Unwound by the destructor: nothing to answer.
    } catch (...) {
      response_ = internal_error();
    }
    start_switch(nullptr, loop_stack_);  // nullptr: this stack is finished with
    return std::move(loop_);
  }

  // From the loop: switches into the fiber until it waits or ends; at the end, posts the
  // request's completion.
  void resume() {
    auto keep = shared_from_this();  // the fiber may end, and its last owner be a finished wait
    switch_in();
    if (!fiber_ && response_) {
      auto response = std::move(*response_);
      response_.reset();
      // Posted: a completion must not run inside the frame of whatever resumed the fiber.
      asio::post(executor_, [done = std::move(done_), response = std::move(response)]() mutable {
        std::move(done)(std::move(response));
      });
    }
  }

  // From the loop: runs the fiber, as the store's Waiter, until it waits or ends.
  void switch_in() {
    io::ScopedWaiter installed(this);
    void* fake_stack = nullptr;
    start_switch(&fake_stack, {static_cast<char*>(stack_.sp) - stack_.size, stack_.size});
    fiber_ = std::move(fiber_).resume();
    finish_switch(fake_stack, nullptr);
  }

  // From the fiber: back to the loop until a wake-up resumes it. Throws Cancelled when the
  // destructor resumed it instead.
  void suspend() {
    void* fake_stack = nullptr;
    start_switch(&fake_stack, loop_stack_);
    loop_ = std::move(loop_).resume();
    finish_switch(fake_stack, &loop_stack_);
    if (cancelled_) throw Cancelled{};
  }

  void arm_deadline(const std::shared_ptr<Wait>& wait, io::Deadline deadline) {
    if (deadline == io::kNoDeadline) return;
    wait->timer.emplace(executor_, deadline);
    wait->timer->async_wait([self = shared_from_this(), wait](boost::system::error_code ec) {
      if (ec || wait->done) return;
      wait->timed_out = true;
      self->wake(*wait);
    });
  }

  Executor executor_;
  std::function<Response()> work_;
  Handler done_;
  ctx::stack_context stack_{};
  ctx::fiber fiber_;  // the fiber, while it is not running
  ctx::fiber loop_;   // the loop, while the fiber runs
  StackBounds loop_stack_;
  std::optional<Response> response_;
  bool cancelled_ = false;
};

// Raised from any thread: the wake-up is posted to the fiber's loop. It holds its fiber only
// weakly (the fiber's own frames hold the signal); the wait's deadline or the raise holds it.
class FiberSignal final : public io::Signal {
 public:
  explicit FiberSignal(std::weak_ptr<LoopFiber> fiber, LoopFiber::Executor executor)
      : fiber_(std::move(fiber)), executor_(executor) {}

  void raise() override {
    std::shared_ptr<Wait> wait;
    {
      std::lock_guard lock(mutex_);
      raised_ = true;
      wait = wait_;
    }
    if (!wait) return;  // not waited on yet: the wait will see `raised_`
    auto fiber = fiber_.lock();
    if (!fiber) return;
    asio::post(executor_, [fiber, wait] { fiber->wake(*wait); });
  }

  // From the fiber: false when already raised, else registers `wait` for raise().
  bool arm(std::shared_ptr<Wait> wait) {
    std::lock_guard lock(mutex_);
    if (raised_) return false;
    wait_ = std::move(wait);
    return true;
  }

  void disarm() {
    std::lock_guard lock(mutex_);
    wait_.reset();
  }

 private:
  std::weak_ptr<LoopFiber> fiber_;
  LoopFiber::Executor executor_;
  std::mutex mutex_;
  bool raised_ = false;
  std::shared_ptr<Wait> wait_;
};

std::shared_ptr<io::Signal> LoopFiber::make_signal() {
  return std::make_shared<FiberSignal>(weak_from_this(), executor_);
}

bool LoopFiber::wait_signal(const std::shared_ptr<io::Signal>& signal, io::Deadline deadline) {
  auto& fiber_signal = static_cast<FiberSignal&>(*signal);
  auto wait = std::make_shared<Wait>();
  if (!fiber_signal.arm(wait)) return true;
  // Without a deadline nothing else would own the fiber while it waits: a timer far away does.
  arm_deadline(wait, deadline == io::kNoDeadline
                         ? std::chrono::steady_clock::now() + std::chrono::hours(24 * 365)
                         : deadline);
  struct Disarm {
    FiberSignal& signal;
    Wait& wait;
    ~Disarm() {
      signal.disarm();
      if (wait.timer) wait.timer->cancel();
    }
  } disarm{fiber_signal, *wait};
  suspend();
  return !wait->timed_out;
}

}  // namespace

asio::awaitable<Response> run_on_loop_fiber(std::function<Response()> work) {
  const asio::any_io_executor current = co_await asio::this_coro::executor;
  const auto* executor = current.target<LoopFiber::Executor>();
  if (executor == nullptr) co_return internal_error();  // not on an io_context: a server bug
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(Response)>(
      [](Handler done, LoopFiber::Executor on, std::function<Response()> work) {
        std::make_shared<LoopFiber>(on, std::move(work), std::move(done))->start();
      },
      asio::use_awaitable, *executor, std::move(work));
}

}  // namespace linkgate::server
