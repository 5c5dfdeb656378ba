#include "mail/retry.hpp"

#include "io/waiter.hpp"

#include <algorithm>
#include <random>
#include <thread>
#include <utility>

namespace linkgate::mail {

namespace {

using std::chrono::milliseconds;

double default_random() {
  // Jitter needs spread, not secrecy: a per-thread PRNG seeded once is enough.
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

class RetryingMailer final : public Mailer {
 public:
  RetryingMailer(std::shared_ptr<Transport> transport, RetryPolicy policy)
      : transport_(std::move(transport)), policy_(std::move(policy)) {
    // A test's own sleep may block; the default waits through io/waiter.hpp.
    sleeps_through_waiter_ = !policy_.sleep;
    if (!policy_.sleep) {
      policy_.sleep = [](milliseconds d) { io::sleep_until(std::chrono::steady_clock::now() + d); };
    }
    if (!policy_.random) policy_.random = &default_random;
    if (!policy_.now) policy_.now = [] { return std::chrono::steady_clock::now(); };
    policy_.max_tries = std::max(1, policy_.max_tries);
  }

  Result<void> send(const EmailMessage& message) override {
    const auto start = policy_.now();
    const auto deadline = start + policy_.budget;
    std::string last_error;
    int tries = 0;
    std::string why_stopped;
    while (tries < policy_.max_tries) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - policy_.now());
      if (left <= milliseconds(0)) {
        why_stopped = "retry budget used up";
        break;
      }
      TryOutcome outcome = transport_->try_send(message, left);
      ++tries;
      if (outcome.ok()) {
        if (tries > 1) {
          log(LogLevel::info, message,
              "email: " + transport_->id() + " accepted the message on try " +
                  std::to_string(tries) + " after " + elapsed_text(start));
        }
        return {};
      }
      SendFailure& failure = *outcome.failure;
      last_error = failure.error.message;
      if (!failure.retryable) {
        if (tries == 1) return std::move(failure.error);
        why_stopped = "not retryable";
        break;
      }
      if (tries == policy_.max_tries) {
        why_stopped = "no tries left";
        break;
      }
      milliseconds wait = backoff_delay(policy_, tries, policy_.random());
      if (failure.retry_after && *failure.retry_after > wait) wait = *failure.retry_after;
      const auto left_now = std::chrono::duration_cast<milliseconds>(deadline - policy_.now());
      if (wait >= left_now) {
        why_stopped = (failure.retry_after && *failure.retry_after == wait
                           ? "Retry-After " + std::to_string(wait.count()) + " ms"
                           : "next wait " + std::to_string(wait.count()) + " ms") +
                      " does not fit in the retry budget";
        break;
      }
      log(LogLevel::warn, message,
          "email: try " + std::to_string(tries) + " of " + std::to_string(policy_.max_tries) +
              " failed: " + last_error + "; retrying in " + std::to_string(wait.count()) + " ms");
      if (policy_.on_retry) policy_.on_retry(transport_->id());
      policy_.sleep(wait);
    }
    if (tries == 0) {
      return Error{"mail", transport_->id() + ": the retry budget allows no try"};
    }
    return Error{"mail", last_error + " (gave up after " + std::to_string(tries) +
                             (tries == 1 ? " try" : " tries") + " in " + elapsed_text(start) +
                             ": " + why_stopped + ")"};
  }

  bool waits_on_fibers() const override {
    return sleeps_through_waiter_ && transport_->waits_on_fibers();
  }

 private:
  void log(LogLevel level, const EmailMessage& message, const std::string& text) const {
    if (policy_.log) policy_.log(level, message.request_id, text);
  }

  std::string elapsed_text(std::chrono::steady_clock::time_point start) const {
    return std::to_string(std::chrono::duration_cast<milliseconds>(policy_.now() - start).count()) +
           " ms";
  }

  std::shared_ptr<Transport> transport_;
  RetryPolicy policy_;
  bool sleeps_through_waiter_ = true;
};

}  // namespace

milliseconds backoff_delay(const RetryPolicy& policy, int failed_tries, double r) {
  const int doublings = std::clamp(failed_tries - 1, 0, 30);
  const long long cap = std::max<long long>(policy.max_delay.count(), 0);
  const long long base = std::max<long long>(policy.base_delay.count(), 0);
  const long long full = std::min(cap, base << doublings);
  r = std::clamp(r, 0.0, 1.0);
  return milliseconds(full / 2 + static_cast<long long>(static_cast<double>(full - full / 2) * r));
}

std::shared_ptr<Mailer> make_retrying_mailer(std::shared_ptr<Transport> transport,
                                             RetryPolicy policy) {
  return std::make_shared<RetryingMailer>(std::move(transport), std::move(policy));
}

}  // namespace linkgate::mail
