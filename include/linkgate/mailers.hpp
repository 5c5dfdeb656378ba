// The built-in email transports as Mailers (mailer.hpp), for programs that embed linkgate and
// want to deliver through them rather than through their own sendVerificationRequest.
//
// REQUIRES: link with the linkgate_embed library.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "linkgate/config.hpp"
#include "linkgate/mailer.hpp"
#include "linkgate/result.hpp"
#include "linkgate/store.hpp"

namespace linkgate {

struct MailerOptions {
  // The provider's API key (postmark, forwardemail, resend, sendgrid, mailgun, loops).
  std::string api_key;
  // HTTP providers: the API base URL; empty means the provider's own (mailgun: the region's).
  // smtp: the server URL, smtp://user:password@host:587 (STARTTLS when offered) or
  // smtps://user:password@host:465.
  std::string api_url;
  std::string region = "US";     // mailgun: "US" or "EU"
  std::string transactional_id;  // loops: the transactional email's id
  std::string ca_file;           // smtp: a PEM bundle to trust; empty: the system's CAs

  // Every try is bounded by `timeout` (connecting by at most 5 s of it).
  std::chrono::milliseconds timeout{15000};
  // 429, 5xx, SMTP 4xx, refused connections and timeouts are tried again with exponential
  // backoff and jitter (honouring Retry-After), at most `max_tries` tries within
  // `retry_budget` in all. 1 means a single try.
  int max_tries = 4;
  std::chrono::milliseconds retry_budget{8000};
  std::chrono::milliseconds retry_base_delay{250};
  // Where failed tries are reported; unset: silent. Messages never carry keys, tokens or links.
  std::function<void(LogLevel, const std::string&)> log;
};

// A Mailer delivering through a built-in provider: "postmark", "forwardemail", "resend",
// "sendgrid", "mailgun", "loops" or "smtp". Errors (kind "configuration") for an unknown id or
// an smtp URL that cannot be used (never echoing the URL: it holds a password). The Mailer's
// send() blocks for at most about retry_budget + timeout and is safe to call concurrently.
Result<std::shared_ptr<Mailer>> make_mailer(std::string_view provider_id,
                                            const MailerOptions& options);

// A Mailer that hands a message to `fallback` when `primary` fails for any reason (after the
// primary's own retries). REQUIRES: both non-null.
std::shared_ptr<Mailer> make_fallback_mailer(
    std::shared_ptr<Mailer> primary, std::shared_ptr<Mailer> fallback,
    std::function<void(LogLevel, const std::string&)> log = {});

// Development only: keeps every message in the store's outbox instead of sending it; the links
// are then listed at /dev/outbox when AuthConfig::dev_outbox_pages is on. REQUIRES: store
// non-null.
std::shared_ptr<Mailer> make_outbox_mailer(std::shared_ptr<Store> store,
                                           std::string provider_id = "outbox");

}  // namespace linkgate
