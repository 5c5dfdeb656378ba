#include "server/audit_metrics.hpp"

#include <string>
#include <vector>

namespace linkgate::server {

namespace {

std::size_t index_of(AuditKind kind) {
  return static_cast<std::size_t>(kind);
}

std::size_t index_of(AuditReason reason) {
  return static_cast<std::size_t>(reason);
}

// "limit_ip" → "ip": the rate_limited series name the limit.
std::string limit_name(AuditReason reason) {
  std::string name(audit_reason_name(reason));
  return name.starts_with("limit_") ? name.substr(6) : name;
}

}  // namespace

AuditMetrics::AuditMetrics(metrics::Registry& registry) {
  // A kind whose events all count in one series, whatever their reason.
  auto whole_kind = [&](AuditKind kind, metrics::Counter counter) {
    by_reason_[index_of(kind)].fill(counter);
  };
  // A kind counted by reason: `label` takes each expected reason's name (as `name_of` gives it),
  // and "other" for any other reason.
  auto by_reason = [&](AuditKind kind, std::string_view name, std::string_view help,
                       std::string_view label, const std::vector<AuditReason>& reasons,
                       auto name_of) {
    by_reason_[index_of(kind)].fill(registry.counter(name, help, {{std::string(label), "other"}}));
    for (AuditReason reason : reasons) {
      by_reason_[index_of(kind)][index_of(reason)] =
          registry.counter(name, help, {{std::string(label), name_of(reason)}});
    }
  };
  auto reason_name = [](AuditReason reason) { return std::string(audit_reason_name(reason)); };

  whole_kind(AuditKind::link_requested,
             registry.counter("linkgate_sign_in_links_requested_total",
                              "Sign-in links stored and about to be emailed.", {}));
  constexpr std::string_view kEmails = "linkgate_sign_in_emails_total";
  constexpr std::string_view kEmailsHelp =
      "Sign-in emails the provider accepted (sent) or that failed, after retries and fallback.";
  whole_kind(AuditKind::email_sent, registry.counter(kEmails, kEmailsHelp, {{"outcome", "sent"}}));
  whole_kind(AuditKind::email_failed,
             registry.counter(kEmails, kEmailsHelp, {{"outcome", "failed"}}));
  by_reason(AuditKind::denied, "linkgate_sign_in_denied_total",
            "Sign-ins refused by the sign-in policy or the signIn callback (or hook), by reason.",
            "reason",
            {AuditReason::domain_policy, AuditReason::signup_closed, AuditReason::sign_in_callback},
            reason_name);
  by_reason(AuditKind::rate_limited, "linkgate_sign_in_rate_limited_total",
            "Requests a rate limit refused, by limit (LINKGATE_RATE_LIMIT_*).", "limit",
            {AuditReason::limit_ip, AuditReason::limit_identifier, AuditReason::limit_global},
            limit_name);
  constexpr std::string_view kSignIns = "linkgate_sign_ins_total";
  constexpr std::string_view kSignInsHelp =
      "Sign-ins completed by a link or a code, by whether the user already existed.";
  whole_kind(AuditKind::sign_in_completed,
             registry.counter(kSignIns, kSignInsHelp, {{"user", "existing"}}));
  new_user_ = registry.counter(kSignIns, kSignInsHelp, {{"user", "new"}});
  by_reason(AuditKind::sign_in_failed, "linkgate_sign_in_failures_total",
            "Links and codes that did not sign in, by reason (reused: a link already used, "
            "as a mail scanner or an intercepted link does; unknown_token: forged, mistyped or "
            "voided by a newer link).",
            "reason",
            {AuditReason::expired, AuditReason::reused, AuditReason::unknown_token,
             AuditReason::bad_code, AuditReason::invalid_email},
            reason_name);
  whole_kind(AuditKind::csrf_failed,
             registry.counter("linkgate_csrf_failures_total",
                              "POST requests refused for a missing or invalid CSRF pair.", {}));
  whole_kind(AuditKind::sign_out, registry.counter("linkgate_sign_outs_total", "Sign-outs.", {}));
}

void AuditMetrics::record(const AuditEvent& event) noexcept {
  const std::size_t kind = index_of(event.kind);
  const std::size_t reason = index_of(event.reason);
  if (event.kind == AuditKind::sign_in_completed && event.new_user) {
    new_user_.add();
    return;
  }
  if (kind < kKinds && reason < kReasons) by_reason_[kind][reason].add();
}

}  // namespace linkgate::server
