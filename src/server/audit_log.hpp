// The audit log: one line per audit event (linkgate/audit_event.hpp), whatever the log level,
// with the fields docs/operations.md lists. The address is written as its keyed hash
// (audit_email_hash); the address itself only when the operator asks (LINKGATE_LOG_EMAILS).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "linkgate/audit_event.hpp"

namespace linkgate::server {

// The keyed hash of a normalized address in audit lines: the lowercase hex of the first 16 bytes
// of HMAC-SHA256(key, address), key = HKDF-SHA256(secret, salt "", info "linkgate audit email
// hash", 32 bytes). `secret` is the first AUTH_SECRET. The same address always gives the same
// hash, so an operator can search the logs for it; without the secret it cannot be guessed back.
std::string audit_email_hash(std::string_view secret, std::string_view email);

// The sink that writes the lines. `secret` keys the address hash; `log_emails` adds the plain
// address.
std::shared_ptr<AuditSink> make_audit_log_sink(std::string secret, bool log_emails);

}  // namespace linkgate::server
