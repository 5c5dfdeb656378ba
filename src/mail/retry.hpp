// Dependable delivery (SPEC P5): a Mailer that tries a Transport again after transient
// failures, with exponential backoff and jitter, honouring Retry-After, within a bounded total
// time.
//
// Contract of send():
// - It returns within `budget` (plus scheduling noise): every try's timeouts are cut to the
//   time left, and no wait is started that would end past the budget.
// - Only retryable failures (HTTP 429 and 5xx, SMTP 4xx, refused connections, timeouts) are
//   tried again, at most `max_tries` tries in all. Any other failure returns at once.
// - The wait before try n+1 is base_delay * 2^(n-1), capped at max_delay, with "equal jitter"
//   (a uniformly random value between half and all of it), so that many instances do not retry
//   in step. A Retry-After longer than that wait replaces it; one that does not fit in the
//   budget ends the retries at once (waiting would only make the user wait longer for the
//   same error).
// - Each failed try that will be retried is logged (warn) with the provider's scrubbed error;
//   the final Error says how many tries were made.
// Runs on the caller's thread: a worker of the server's pool, or a fiber of the event loop when
// waits_on_fibers() (the transport's waits and the default sleep go through io/waiter.hpp).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "linkgate/config.hpp"
#include "linkgate/mailer.hpp"
#include "mail/fallback.hpp"
#include "mail/transport.hpp"

namespace linkgate::mail {

struct RetryPolicy {
  int max_tries = 4;
  std::chrono::milliseconds budget{8000};  // LINKGATE_EMAIL_RETRY_BUDGET_MS
  std::chrono::milliseconds base_delay{250};
  std::chrono::milliseconds max_delay{4000};
  // Where retries are reported, with the message's request_id; unset: silent. Messages never
  // carry secrets.
  MailLog log;
  // Called with the transport's id (e.g. "postmark") before each retry: a failed try that will
  // be tried again. Unset: nothing is told. Runs on the sending thread.
  std::function<void(const std::string& provider)> on_retry;

  // Seams for tests; unset means the real thing.
  // Default: io::sleep_until (suspends only a fiber of the event loop). A sleep set here makes the
  // mailer's waits_on_fibers() false.
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<double()> random;  // uniform in [0, 1)
  std::function<std::chrono::steady_clock::time_point()> now;
};

std::shared_ptr<Mailer> make_retrying_mailer(std::shared_ptr<Transport> transport,
                                             RetryPolicy policy);

// The wait before try `failed_tries + 1` (without Retry-After), for a random value r in [0, 1).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int failed_tries, double r);

}  // namespace linkgate::mail
