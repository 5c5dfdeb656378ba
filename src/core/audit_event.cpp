#include "linkgate/audit_event.hpp"

namespace linkgate {

std::string_view audit_kind_name(AuditKind kind) {
  switch (kind) {
    case AuditKind::link_requested:
      return "link_requested";
    case AuditKind::email_sent:
      return "email_sent";
    case AuditKind::email_failed:
      return "email_failed";
    case AuditKind::sign_in_completed:
      return "sign_in_completed";
    case AuditKind::sign_in_failed:
      return "sign_in_failed";
    case AuditKind::csrf_failed:
      return "csrf_failed";
    case AuditKind::rate_limited:
      return "rate_limited";
    case AuditKind::sign_out:
      return "sign_out";
    case AuditKind::denied:
      return "denied";
    case AuditKind::admin_command:
      return "admin_command";
  }
  return "unknown";
}

std::string_view audit_outcome_name(AuditOutcome outcome) {
  switch (outcome) {
    case AuditOutcome::success:
      return "success";
    case AuditOutcome::failure:
      return "failure";
    case AuditOutcome::denied:
      return "denied";
  }
  return "unknown";
}

std::string_view audit_reason_name(AuditReason reason) {
  switch (reason) {
    case AuditReason::none:
      return "";
    case AuditReason::expired:
      return "expired";
    case AuditReason::reused:
      return "reused";
    case AuditReason::unknown_token:
      return "unknown_token";
    case AuditReason::bad_code:
      return "bad_code";
    case AuditReason::invalid_email:
      return "invalid_email";
    case AuditReason::limit_ip:
      return "limit_ip";
    case AuditReason::limit_identifier:
      return "limit_identifier";
    case AuditReason::limit_global:
      return "limit_global";
    case AuditReason::domain_policy:
      return "domain_policy";
    case AuditReason::signup_closed:
      return "signup_closed";
    case AuditReason::sign_in_callback:
      return "sign_in_callback";
    case AuditReason::email_provider:
      return "email_provider";
  }
  return "unknown";
}

}  // namespace linkgate
