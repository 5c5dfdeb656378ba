#include "server/audit_tee.hpp"

namespace linkgate::server {

void AuditTee::add(std::shared_ptr<AuditSink> sink) {
  if (sink) sinks_.push_back(std::move(sink));
}

void AuditTee::record(const AuditEvent& event) noexcept {
  for (const auto& sink : sinks_) sink->record(event);
}

}  // namespace linkgate::server
