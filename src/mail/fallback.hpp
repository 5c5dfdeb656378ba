// Fallback delivery: a Mailer that hands the message to a second Mailer when the first fails
// (after the first's own retries), e.g. Postmark first, then SMTP.
//
// send() succeeds when either succeeds. Any failure of the first counts, not only transient
// ones: a 401 (a revoked key) or a 422 from one provider says nothing about the other. The
// first's failure is logged (warn) before the second is tried; when both fail, the Error
// carries both (scrubbed) messages.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "linkgate/config.hpp"
#include "linkgate/mailer.hpp"

namespace linkgate::mail {

// Where a mailer reports what it did: the level, the request_id of the message it was sending
// (EmailMessage::request_id) and the text, which never carries a secret, a link or a token.
using MailLog =
    std::function<void(LogLevel, const std::string& request_id, const std::string& text)>;

std::shared_ptr<Mailer> make_fallback_mailer(std::shared_ptr<Mailer> primary,
                                             std::shared_ptr<Mailer> fallback, MailLog log = {});

}  // namespace linkgate::mail
