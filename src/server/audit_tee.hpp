// The server's audit sink: hands each event to every sink added to it (the audit log lines, the
// metrics), in the order they were added.
#pragma once

#include <memory>
#include <vector>

#include "linkgate/audit_event.hpp"

namespace linkgate::server {

class AuditTee final : public AuditSink {
 public:
  // Not thread-safe: add every sink before the server starts serving.
  void add(std::shared_ptr<AuditSink> sink);
  void record(const AuditEvent& event) noexcept override;

 private:
  std::vector<std::shared_ptr<AuditSink>> sinks_;
};

}  // namespace linkgate::server
