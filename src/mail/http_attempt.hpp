// One try of an HTTP provider's API call, judged the same way for every provider: 2xx is
// success; 429, 5xx, refused connections and timeouts are retryable (with the answer's
// Retry-After); any other status is permanent.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mail/http_client.hpp"
#include "mail/transport.hpp"

namespace linkgate::mail {

// Sends `post` once. Its connect and total timeouts are cut to time_left. Errors name
// `provider` and are scrubbed of secrets_for(message, api_key, {credential})
// (provider_error.hpp); that list is built only when the try fails, not for every email.
TryOutcome post_once(std::string_view provider, HttpPost post, std::chrono::milliseconds time_left,
                     const EmailMessage& message, const std::string& api_key,
                     const std::string& credential = {});

// True for the statuses worth another try: 429 and 5xx.
bool is_retryable_status(long status);

// Reads a Retry-After value: delay-seconds ("120") or an HTTP-date, relative to `now`. A date in
// the past is zero. nullopt when the value is empty or unreadable.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

// The base URL without trailing slashes, or `fallback` when empty.
std::string normalize_base_url(std::string url, std::string_view fallback);

}  // namespace linkgate::mail
