// The sign-in funnel as metrics: an AuditSink (linkgate/audit_event.hpp) that counts the core's
// audit events, so the core reports each step once and both the audit log and the metrics hear
// it. Every series is registered up front; recording is a lookup in a fixed table and a sharded
// counter add (metrics/registry.hpp).
#pragma once

#include <array>

#include "linkgate/audit_event.hpp"
#include "metrics/registry.hpp"

namespace linkgate::server {

class AuditMetrics final : public AuditSink {
 public:
  // Registers linkgate_sign_in_links_requested_total, linkgate_sign_in_emails_total{outcome},
  // linkgate_sign_in_denied_total{reason}, linkgate_sign_in_rate_limited_total{limit},
  // linkgate_sign_ins_total{user}, linkgate_sign_in_failures_total{reason},
  // linkgate_csrf_failures_total and linkgate_sign_outs_total. Admin commands run in processes
  // of their own, which serve no metrics: their events are not counted.
  explicit AuditMetrics(metrics::Registry& registry);

  void record(const AuditEvent& event) noexcept override;

 private:
  static constexpr std::size_t kKinds = 16;
  static constexpr std::size_t kReasons = 32;
  // [kind][reason]: the series an event of that kind and reason counts in (a kind's "other"
  // series for a reason it does not expect; nothing for a kind this build does not know).
  std::array<std::array<metrics::Counter, kReasons>, kKinds> by_reason_;
  // sign_in_completed, by whether it created the user.
  metrics::Counter new_user_;
};

}  // namespace linkgate::server
