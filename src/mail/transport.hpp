// Transport: one try at delivering one message through one provider, with the facts a retry
// policy needs (was the failure transient? did the provider say when to come back?).
//
// Every built-in provider is a Transport. A Mailer is made from a Transport by
// make_single_try_mailer (one try) or make_retrying_mailer (retry.hpp); fallback.hpp chains
// Mailers. Keeping "one try" apart from "how often to try" lets every provider share the same
// retry and fallback behaviour.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "linkgate/mailer.hpp"
#include "linkgate/result.hpp"

namespace linkgate::mail {

struct SendFailure {
  // kind "mail"; the message names the provider, the status and the provider's error text and
  // never carries the key, the password, the token or the link (provider_error.hpp).
  Error error;
  // True for what a later try may fix: HTTP 429 and 5xx, SMTP 4xx replies, refused
  // connections and timeouts. False for everything else (a 4xx other than 429, a bad key).
  bool retryable = false;
  // The provider's Retry-After, when it gave one.
  std::optional<std::chrono::milliseconds> retry_after;
};

struct TryOutcome {
  std::optional<SendFailure> failure;  // empty: the provider accepted the message
  bool ok() const { return !failure.has_value(); }
};

class Transport {
 public:
  virtual ~Transport() = default;
  // The provider id used in errors and logs, e.g. "postmark".
  virtual const std::string& id() const = 0;
  // One try. REQUIRES: time_left > 0. The try takes at most time_left (its connect and total
  // timeouts are cut to fit), so a caller can bound the total time of several tries. Safe to
  // call from several threads at once.
  virtual TryOutcome try_send(const EmailMessage& message, std::chrono::milliseconds time_left) = 0;
  // As Mailer::waits_on_fibers, for one try.
  virtual bool waits_on_fibers() const { return false; }
};

// A Mailer that makes exactly one try with the transport's own timeouts.
std::shared_ptr<Mailer> make_single_try_mailer(std::shared_ptr<Transport> transport);

// A failure with retryable = false, for errors found before any request is made.
TryOutcome permanent_failure(std::string message);

}  // namespace linkgate::mail
