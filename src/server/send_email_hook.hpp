// The `webhook` email provider (LINKGATE_HOOK_SEND_EMAIL_URL; docs/webhooks.md "The webhook email
// provider"): sendVerificationRequest for apps that are not C++. Each try POSTs the message, signed
// (server/hook_call.hpp), to the app, which sends it its own way; a 2xx answer means sent. It is a
// mail::Transport, so retries, the budget and the fallback are the other providers'.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "mail/transport.hpp"

namespace linkgate::server {

struct SendEmailHookOptions {
  std::string url;                // LINKGATE_HOOK_SEND_EMAIL_URL
  std::vector<std::string> keys;  // the decoded signing secrets (HookSettings::keys); not empty
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{15000};
};

// POST <url>, {"type": "email.send", "timestamp", "data": {"to", "from", "subject", "text",
// "html", "url", "expires", "host", "locale", and "code" when one-time codes are on}}. The
// webhook-id is the same for every try (and the fallback's) of one message, so the app can
// de-duplicate; it is derived from the link with the first key and tells nothing about it.
std::shared_ptr<mail::Transport> make_send_email_hook_transport(SendEmailHookOptions options);

}  // namespace linkgate::server
