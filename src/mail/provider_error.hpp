// The errors an HTTP provider mailer returns (Mailer contract, SPEC P5): they name the provider,
// the HTTP status and the provider's own error text, and never carry the API key, the token or
// the sign-in link, even when the provider echoes them back.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "linkgate/mailer.hpp"
#include "linkgate/result.hpp"

namespace linkgate::mail {

// The strings that must never reach an error message for this message and key: the key
// itself, each encoded credential derived from it (`credentials`: Basic values, an SMTP
// password and its AUTH encodings), the link (raw, HTML-escaped and form-encoded) and the
// link's token parameter (raw, percent-decoded and form-encoded).
std::vector<std::string> secrets_for(const EmailMessage& message, const std::string& api_key,
                                     const std::vector<std::string>& credentials = {});

// Error{kind "mail", "<provider>: HTTP <status>: <text>"} where text is the provider's message
// taken from its JSON answer (fields Message/message/error, SendGrid's errors[].message, with
// ErrorCode when present) or the raw body, with every secret replaced by "[redacted]", control
// characters flattened, and cut to a log-friendly length.
Error provider_http_error(std::string_view provider, long status, std::string_view body,
                          const std::vector<std::string>& secrets);

// Error{kind "mail", "<provider>: <transport error>"} for a refused connection or a timeout,
// scrubbed the same way.
Error provider_transport_error(std::string_view provider, const Error& transport,
                               const std::vector<std::string>& secrets);

// Replaces every occurrence of every secret (longest first) with "[redacted]".
std::string scrub(std::string text, const std::vector<std::string>& secrets);

}  // namespace linkgate::mail
