// Builds the email providers the server offers from its settings: each provider's transport,
// wrapped in the retry policy (mail/retry.hpp) and, when LINKGATE_EMAIL_FALLBACK is set, in a
// fallback to that provider (mail/fallback.hpp). The dev outbox is added by app.cpp.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "linkgate/config.hpp"
#include "linkgate/result.hpp"
#include "mail/fallback.hpp"
#include "server/settings.hpp"

namespace linkgate::server {

// Errors (kind "configuration") for an EMAIL_SERVER that cannot be used. The mailers report
// retries and fallbacks to `log`, with the request id of the message. `on_retry`, when set, is
// told the provider of each retry (mail::RetryPolicy::on_retry).
Result<std::vector<EmailProvider>> build_email_providers(
    const Settings& settings, mail::MailLog log,
    std::function<void(const std::string& provider)> on_retry = {});

}  // namespace linkgate::server
