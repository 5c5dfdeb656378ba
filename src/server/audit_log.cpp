#include "server/audit_log.hpp"

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "server/log_line.hpp"

namespace linkgate::server {

namespace {

constexpr std::string_view kHashLabel = "linkgate audit email hash";
constexpr std::size_t kHashBytes = 16;

std::string hash_key(std::string_view secret) {
  return crypto::hkdf_sha256(secret, "", kHashLabel, 32);
}

std::string keyed_hash(std::string_view key, std::string_view email) {
  return crypto::hex_encode(crypto::hmac_sha256(key, email).substr(0, kHashBytes));
}

// The address as written with LINKGATE_LOG_EMAILS: at most the 254 bytes an address can have
// (a forged link may name anything; the line stays short).
std::string_view plain_address(std::string_view email) {
  return email.substr(0, 254);
}

class AuditLogSink final : public AuditSink {
 public:
  AuditLogSink(std::string secret, bool log_emails)
      : key_(hash_key(secret)), log_emails_(log_emails) {}

  void record(const AuditEvent& event) noexcept override {
    try {
      const std::string hash = event.email.empty() ? std::string() : keyed_hash(key_, event.email);
      log_line_always(spdlog::level::info, "audit",
                      {{"event", audit_kind_name(event.kind)},
                       {"outcome", audit_outcome_name(event.outcome)},
                       {"reason", audit_reason_name(event.reason)},
                       {"request_id", event.request_id},
                       {"client_ip", event.client_ip},
                       {"user_id", event.user_id},
                       {"provider", event.provider},
                       {"email_hash", hash},
                       {"email", log_emails_ ? plain_address(event.email) : std::string_view()},
                       {"new_user", event.new_user ? "true" : ""},
                       {"command", event.detail}});
    } catch (...) {
      // Out of memory while formatting: the line is lost, the request goes on.
    }
  }

 private:
  std::string key_;
  bool log_emails_;
};

}  // namespace

std::string audit_email_hash(std::string_view secret, std::string_view email) {
  return keyed_hash(hash_key(secret), email);
}

std::shared_ptr<AuditSink> make_audit_log_sink(std::string secret, bool log_emails) {
  return std::make_shared<AuditLogSink>(std::move(secret), log_emails);
}

}  // namespace linkgate::server
