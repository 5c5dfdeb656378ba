// Audit events: what the core reports about each step of a sign-in that an operator may have to
// answer for (a link asked for, an email sent or not, a sign-in made or refused and why, a CSRF
// failure, a rate limit, a sign-out, an admin command), handed to an AuditSink.
//
// The core only builds the event and calls the sink; it never writes it anywhere. Sinks are edge
// adapters: the linkgate server's writes one log line per event and counts the sign-in funnel
// for its metrics. An embedder that sets no sink pays nothing.
//
// An event never carries a token, a code, a cookie value, a CSRF token or a secret. It carries
// the normalized address (`email`) so that a sink may hash it or, when told to, write it.
#pragma once

#include <string>
#include <string_view>

#include "linkgate/store.hpp"

namespace linkgate {

enum class AuditKind {
  link_requested,     // a sign-in link (and its code) was stored, about to be sent
  email_sent,         // the provider accepted the email of that link
  email_failed,       // the provider failed; the link was dropped (reason: email_provider)
  sign_in_completed,  // a link or a code signed a user in (the session cookie was set)
  sign_in_failed,     // a link or a code did not sign in (reason says why)
  csrf_failed,        // a POST without a valid CSRF pair (signin, callback, signout, session)
  rate_limited,       // a limit refused the request (reason: which limit)
  sign_out,           // a sign-out (user_id: whose session, when the cookie named one)
  denied,             // the sign-in policy or the signIn callback (or hook) refused (reason)
  admin_command,      // a `linkgate` admin command ran (detail: which; outcome: how it went)
};

enum class AuditOutcome {
  success,  // the step did what was asked
  failure,  // it could not (a bad link, a provider down, a CSRF failure)
  denied,   // a rule refused it (rate limit, policy, signIn callback)
};

// Why: fixed values, so that a sink may use them as metric labels.
enum class AuditReason {
  none,
  // sign_in_failed
  expired,        // the link (or code) was found but past its expiry; it is now spent
  reused,         // a link already consumed (the store keeps its tombstone until it expires):
                  // the sign of a mail scanner or an intercepted link
  unknown_token,  // no such link: forged, mistyped or voided by a newer one (or used, when the
                  // store keeps no tombstones: Store::verification_token_was_used)
  bad_code,       // a one-time code that is wrong, spent, expired or out of attempts
  invalid_email,  // an address the normalizer refused
  // rate_limited
  limit_ip,          // LINKGATE_RATE_LIMIT_IP: sign-in requests (and code tries) per client IP
  limit_identifier,  // emails per address (answered as a success: nothing is sent)
  limit_global,      // emails per minute for the whole deployment
  // denied
  domain_policy,     // the allowed / blocked email domains
  signup_closed,     // signup off and the address unknown (answered as a success)
  sign_in_callback,  // the signIn callback (or the sign-in hook) said no or redirected
  // email_failed
  email_provider,  // the provider (or sendVerificationRequest) failed
};

struct AuditEvent {
  AuditKind kind = AuditKind::link_requested;
  AuditOutcome outcome = AuditOutcome::success;
  AuditReason reason = AuditReason::none;
  TimePoint time{};
  std::string request_id;  // Request::id of the request that caused it; empty outside one
  std::string client_ip;   // the client's address (trusted proxies applied); empty outside one
  std::string user_id;     // empty when no user is known
  std::string provider;    // the email provider's id; empty when none
  std::string email;       // the normalized address; empty when none (a sink hashes it)
  std::string detail;      // admin_command: the command ("users delete"); otherwise empty
  bool new_user = false;   // sign_in_completed: the sign-in created the user
};

// Where the core sends its events. record() may be called from several threads at once and must
// not throw; it runs inside the request, so it must be quick (no network).
class AuditSink {
 public:
  virtual ~AuditSink() = default;
  virtual void record(const AuditEvent& event) noexcept = 0;
};

// The names sinks write: "link_requested", "success", "unknown_token", ... ("" for
// AuditReason::none).
std::string_view audit_kind_name(AuditKind kind);
std::string_view audit_outcome_name(AuditOutcome outcome);
std::string_view audit_reason_name(AuditReason reason);

}  // namespace linkgate
