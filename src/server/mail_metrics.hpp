// The email metrics: each send of a provider's mailer by outcome, and each retry of a provider's
// transport (mail::RetryPolicy::on_retry).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "linkgate/mailer.hpp"
#include "metrics/registry.hpp"

namespace linkgate::server {

class MailMetrics {
 public:
  explicit MailMetrics(metrics::Registry& registry) : registry_(registry) {}

  // Registers the series of `provider` (linkgate_emails_total{provider,outcome="sent|failed"},
  // linkgate_email_retries_total{provider}); again for the same provider does nothing.
  // REQUIRES: called before the server serves (registering is not thread-safe).
  void add_provider(const std::string& provider);

  // `mailer`, counting each send under `provider`'s series (added if need be).
  std::shared_ptr<Mailer> counted(const std::string& provider, std::shared_ptr<Mailer> mailer);

  // Counts one retry of `provider`'s transport; an unknown provider counts nothing.
  // Thread-safe.
  void retried(const std::string& provider) const;

 private:
  struct Series {
    metrics::Counter sent;
    metrics::Counter failed;
    metrics::Counter retries;
  };
  metrics::Registry& registry_;
  std::map<std::string, Series, std::less<>> providers_;
};

}  // namespace linkgate::server
