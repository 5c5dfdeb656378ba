// The webhook settings (docs/webhooks.md), read from the environment: LINKGATE_WEBHOOK_URL,
// LINKGATE_WEBHOOK_SECRET, LINKGATE_WEBHOOK_EVENTS and the sender's
// LINKGATE_WEBHOOK_RETRY_SCHEDULE, _TIMEOUT_MS, _POLL_MS, _RETENTION_HOURS and _CONCURRENCY. Every
// variable is listed in README.md's configuration table.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linkgate/result.hpp"

namespace linkgate::server {

// Every event type linkgate writes, in the order docs/webhooks.md lists them.
const std::vector<std::string>& webhook_event_types();

struct WebhookSettings {
  // LINKGATE_WEBHOOK_URL: where events are POSTed. Empty: no event is written (no cost).
  std::string url;
  // LINKGATE_WEBHOOK_SECRET: the signing keys (base64-decoded from their whsec_ form), the
  // space-separated values in order; every delivery is signed with each (rotation).
  std::vector<std::string> keys;
  // LINKGATE_WEBHOOK_EVENTS (space- or comma-separated): the types written; default every type.
  // Empty when no URL is set.
  std::vector<std::string> events;
  // The sender (server/webhook_sender.hpp). LINKGATE_WEBHOOK_RETRY_SCHEDULE: the waits before
  // the 2nd, 3rd, … try; after the last one an event is kept as failed.
  std::vector<std::chrono::milliseconds> retry_schedule;
  std::chrono::milliseconds timeout{10000};       // LINKGATE_WEBHOOK_TIMEOUT_MS: one try
  std::chrono::milliseconds poll_interval{1000};  // LINKGATE_WEBHOOK_POLL_MS
  std::chrono::hours retention{168};              // LINKGATE_WEBHOOK_RETENTION_HOURS: delivered
  int concurrency = 4;                            // LINKGATE_WEBHOOK_CONCURRENCY: POSTs at once
};

// A retry schedule: 1 to 20 waits separated by commas or spaces, each a number with a unit (ms,
// s, m or h; 10ms to 24h), e.g. "5s,5m,30m,2h,5h,10h". nullopt when it is not one.
std::optional<std::vector<std::chrono::milliseconds>> parse_retry_schedule(std::string_view text);

// The key a Standard Webhooks secret ("whsec_" + base64 of 24 to 64 bytes) carries, or nullopt.
std::optional<std::string> decode_webhook_secret(std::string_view secret);

// A new secret in that form (32 random bytes), as `linkgate webhook-secret` prints it.
std::string make_webhook_secret();

// True for an http(s) URL allowed in `production`: https, or http on a loopback host
// (127.0.0.0/8, ::1, localhost). Outside production any absolute http(s) URL.
bool allowed_hook_url(std::string_view url, bool production);

// Reads and checks the settings. An Error (kind "configuration") names the variable and what it
// accepts: a URL that is not allowed, a missing or malformed secret, an unknown event type.
Result<WebhookSettings> read_webhook_settings(
    const std::function<std::optional<std::string>(std::string_view)>& env, bool production);

}  // namespace linkgate::server
