// Gathers calls of one operation made at the same time, from any threads and fibers, into
// batches that one of their callers runs for all of them (so one database statement, one
// transaction and one commit can serve many requests).
//
// At most `max_in_flight` batches run at once. A caller that finds a place free leads at once, so
// a lone call never waits for company; otherwise it queues, and the next batch to start takes it.
// A batch takes the queued calls in their order of arrival, up to `max_batch`, skipping a call
// that conflicts with one already taken (it stays first in line for the next batch). A leader
// keeps leading until its own call is done, then hands its place to the first caller still
// queued. Waits go through the io::Waiter installed on the thread (a fiber suspends, the thread
// serves others) or block the thread when none is installed.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

#include "io/waiter.hpp"

namespace linkgate::io {

template <class Call>
class Batcher {
 public:
  // Whether two calls must not share a batch.
  using Conflicts = std::function<bool(const Call&, const Call&)>;

  // REQUIRES: max_in_flight >= 1, max_batch >= 1.
  Batcher(int max_in_flight, std::size_t max_batch, Conflicts conflicts)
      : max_in_flight_(max_in_flight), max_batch_(max_batch), conflicts_(std::move(conflicts)) {}

  // Runs `call` in some batch and returns once that batch is done. `run_batch` is called with
  // the calls of one batch (`call` among them or not), on the thread of this caller, with no lock
  // held; it must give every call of the batch its result before returning, and must not throw.
  // Which caller's `run_batch` runs a given call is not specified: every caller must pass an
  // equivalent one.
  template <class RunBatch>
  void run(Call& call, RunBatch&& run_batch) {
    auto self = std::make_shared<Entry>();
    self->call = &call;
    std::unique_lock lock(mutex_);
    queue_.push_back(self);
    if (leaders_ < max_in_flight_) {
      ++leaders_;
      self->leads = true;
    } else {
      wait(lock, *self);  // until a batch has run our call, or we are given a place
    }
    std::vector<std::shared_ptr<Entry>> batch;
    std::vector<Call*> calls;
    while (!self->done) {
      take_batch(batch);
      if (batch.empty()) {
        // Our call is in a batch that another leader runs: free the place, wait for that batch.
        self->leads = false;
        pass_place(lock);
        wait(lock, *self);
        return;
      }
      lock.unlock();
      calls.clear();
      for (const auto& entry : batch) calls.push_back(entry->call);
      run_batch(std::span<Call* const>(calls));
      lock.lock();
      std::vector<std::shared_ptr<Entry>> woken;
      for (auto& entry : batch) {
        entry->done = true;
        if (entry != self) woken.push_back(std::move(entry));
      }
      batch.clear();
      wake(lock, woken);
    }
    if (self->leads) pass_place(lock);
  }

 private:
  struct Entry {
    Call* call = nullptr;
    bool done = false;               // its batch has run
    bool leads = false;              // holds a place: runs batches until its call is done
    std::shared_ptr<Signal> signal;  // set while it waits through a Waiter
    std::condition_variable woken;   // notified while it waits without one
  };

  // Waits until `entry` is done or leads. REQUIRES: `lock` holds mutex_ (and holds it on return).
  void wait(std::unique_lock<std::mutex>& lock, Entry& entry) {
    Waiter* waiter = current_waiter();
    while (!entry.done && !entry.leads) {
      if (waiter == nullptr) {
        entry.woken.wait(lock);
        continue;
      }
      auto signal = waiter->make_signal();
      entry.signal = signal;
      lock.unlock();
      waiter->wait_signal(signal, kNoDeadline);
      lock.lock();
      entry.signal.reset();
    }
  }

  // Moves the next batch out of the queue into `batch`. REQUIRES: `lock` holds mutex_.
  void take_batch(std::vector<std::shared_ptr<Entry>>& batch) {
    for (auto it = queue_.begin(); it != queue_.end() && batch.size() < max_batch_;) {
      const bool conflicting = std::any_of(batch.begin(), batch.end(), [&](const auto& taken) {
        return conflicts_(*taken->call, *(*it)->call);
      });
      if (conflicting) {
        ++it;
        continue;
      }
      batch.push_back(std::move(*it));
      it = queue_.erase(it);
    }
  }

  // Gives this leader's place to the first queued caller that does not lead, or frees it.
  // REQUIRES: `lock` holds mutex_ (and holds it on return).
  void pass_place(std::unique_lock<std::mutex>& lock) {
    auto next =
        std::find_if(queue_.begin(), queue_.end(), [](const auto& entry) { return !entry->leads; });
    if (next == queue_.end()) {
      --leaders_;
      return;
    }
    (*next)->leads = true;
    std::vector<std::shared_ptr<Entry>> woken{*next};
    wake(lock, woken);
  }

  // Wakes the entries (whose state has changed) with the lock released around the raises; the
  // shared pointers keep each entry alive until it has been woken.
  void wake(std::unique_lock<std::mutex>& lock, std::vector<std::shared_ptr<Entry>>& entries) {
    std::vector<std::shared_ptr<Signal>> signals;
    for (auto& entry : entries) {
      if (entry->signal != nullptr) signals.push_back(std::move(entry->signal));
    }
    lock.unlock();
    for (auto& signal : signals) signal->raise();
    for (auto& entry : entries) entry->woken.notify_one();
    entries.clear();
    lock.lock();
  }

  const int max_in_flight_;
  const std::size_t max_batch_;
  const Conflicts conflicts_;
  std::mutex mutex_;
  std::deque<std::shared_ptr<Entry>> queue_;
  int leaders_ = 0;  // places held
};

}  // namespace linkgate::io
