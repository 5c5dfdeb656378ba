// The Standard Webhooks signature of a delivery (https://www.standardwebhooks.com/): the headers
// webhook-id, webhook-timestamp and webhook-signature of one POST.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace linkgate::server {

// The three headers of a delivery of `body` (exactly the bytes POSTed) for event `id` at
// `unix_seconds`: webhook-signature holds "v1," + base64(HMAC-SHA256(key, id.timestamp.body))
// for each of `keys` (the decoded secrets), space-separated, in their order.
std::vector<std::pair<std::string, std::string>> webhook_headers(
    std::string_view id, std::int64_t unix_seconds, std::string_view body,
    const std::vector<std::string>& keys);

// The body of a delivery: {"type", "timestamp" (the event's creation, ISO 8601), "data"}.
// `data` is the stored JSON object; anything else is sent as {}.
std::string webhook_body(std::string_view type, std::string_view timestamp_iso,
                         std::string_view data);

}  // namespace linkgate::server
