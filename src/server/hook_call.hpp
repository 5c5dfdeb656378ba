// One call of a decision hook (docs/webhooks.md): a JSON POST of {"type", "timestamp", "data"},
// signed with the Standard Webhooks headers (server/webhook_signature.hpp), as the sign-in hook
// (server/sign_in_hook_client.hpp) and the webhook email provider (server/send_email_hook.hpp)
// make it.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "mail/http_client.hpp"

namespace linkgate::server {

// A fresh webhook-id: "msg_" and 32 hex digits from the CSPRNG.
std::string new_hook_id();

// The POST of `data` as a hook call of `type` to `url`, made now: the body
// {"type", "timestamp" (now, ISO 8601), "data"}, Content-Type application/json, and the
// webhook-id (`id`), webhook-timestamp and webhook-signature headers, signed with each of
// `keys`. The caller sets the timeouts.
mail::HttpPost signed_hook_post(const std::string& url, std::string_view type,
                                const boost::json::object& data, const std::string& id,
                                const std::vector<std::string>& keys);

}  // namespace linkgate::server
