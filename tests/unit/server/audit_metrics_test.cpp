// The sign-in funnel's metrics (server/audit_metrics.hpp): each audit event counts in the series
// of its kind and reason; a reason a kind does not expect counts as "other"; admin commands are
// not counted (they run in processes of their own).
#include <gtest/gtest.h>

#include <string>

#include "server/audit_metrics.hpp"

namespace linkgate::server {
namespace {

bool has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

AuditEvent event(AuditKind kind, AuditReason reason = AuditReason::none) {
  AuditEvent e;
  e.kind = kind;
  e.reason = reason;
  return e;
}

TEST(AuditMetrics, CountsEachEventInItsSeries) {
  metrics::Registry registry;
  AuditMetrics sink(registry);
  sink.record(event(AuditKind::link_requested));
  sink.record(event(AuditKind::email_sent));
  sink.record(event(AuditKind::email_failed, AuditReason::email_provider));
  sink.record(event(AuditKind::rate_limited, AuditReason::limit_global));
  sink.record(event(AuditKind::rate_limited, AuditReason::expired));  // unexpected: "other"
  sink.record(event(AuditKind::denied, AuditReason::signup_closed));
  sink.record(event(AuditKind::sign_in_failed, AuditReason::bad_code));
  AuditEvent created = event(AuditKind::sign_in_completed);
  created.new_user = true;
  sink.record(created);
  sink.record(event(AuditKind::sign_in_completed));
  sink.record(event(AuditKind::csrf_failed));
  sink.record(event(AuditKind::sign_out));
  sink.record(event(AuditKind::admin_command));
  const std::string text = registry.text();
  EXPECT_TRUE(has(text, "linkgate_sign_in_links_requested_total 1")) << text;
  EXPECT_TRUE(has(text, R"(linkgate_sign_in_emails_total{outcome="sent"} 1)"));
  EXPECT_TRUE(has(text, R"(linkgate_sign_in_emails_total{outcome="failed"} 1)"));
  EXPECT_TRUE(has(text, R"(linkgate_sign_in_rate_limited_total{limit="global"} 1)"));
  EXPECT_TRUE(has(text, R"(linkgate_sign_in_rate_limited_total{limit="other"} 1)"));
  EXPECT_TRUE(has(text, R"(linkgate_sign_in_rate_limited_total{limit="ip"} 0)"));
  EXPECT_TRUE(has(text, R"(linkgate_sign_in_denied_total{reason="signup_closed"} 1)"));
  EXPECT_TRUE(has(text, R"(linkgate_sign_in_failures_total{reason="bad_code"} 1)"));
  EXPECT_TRUE(has(text, R"(linkgate_sign_ins_total{user="new"} 1)"));
  EXPECT_TRUE(has(text, R"(linkgate_sign_ins_total{user="existing"} 1)"));
  EXPECT_TRUE(has(text, "linkgate_csrf_failures_total 1"));
  EXPECT_TRUE(has(text, "linkgate_sign_outs_total 1"));
  EXPECT_EQ(text.find("admin"), std::string::npos);
}

}  // namespace
}  // namespace linkgate::server
