// The webhook events the core writes (docs/webhooks.md): which types are on, and the data each
// carries. Data never holds a token, a code, a cookie or a secret: the user, the provider, the
// client IP, the session strategy and the session's expiry.
#pragma once

#include <string>
#include <string_view>

#include "core/context.hpp"
#include "linkgate/store.hpp"

namespace linkgate::core {

// True when AuthConfig::webhook_events lists `type`.
bool webhook_event_on(const AuthConfig& config, std::string_view type);

// The events a sign-in through `provider_id` writes with its user and session (user.created and
// session.created, as configured), with their data: {"provider", "client_ip", "strategy",
// "expires"}; the store adds "user".
SignInEvents sign_in_events(const Context& ctx, std::string_view provider_id, TimePoint expires);

// The data of a session.deleted event of this request: {"client_ip", "strategy"}; the writer
// adds "user".
std::string sign_out_event_data(const Context& ctx);

// `data` (a JSON object) with "user" set to {"id": user_id} and, when not empty, "email".
std::string with_event_user(const std::string& data, const std::string& user_id,
                            const std::string& email);

}  // namespace linkgate::core
